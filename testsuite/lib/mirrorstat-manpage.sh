#!/bin/sh
# man/mirrorstat.8 documents exactly the options and columns --help shows.
. "$(dirname "$0")/common.sh"

MAN=$top_srcdir/man/mirrorstat.8

"$MIRRORSTAT" --help >"$TMP/help" || fail "--help failed"

# Options: the help's Options section, the man page's OPTIONS section.
sed -n '/^Options:/,/^$/p' "$TMP/help" | grep -oE -- '(^| )--?[A-Za-z][a-z-]*' |
	tr -d ' ' | sort -u >"$TMP/help-opts"
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MAN" | grep -E '^\.(B|BR|TP)' |
	sed 's/\\-/-/g' | grep -oE -- '(^| |")--?[A-Za-z][a-z-]*' |
	tr -d ' "' | sort -u >"$TMP/man-opts"
if diff -u "$TMP/help-opts" "$TMP/man-opts"; then
	pass "options ($(wc -l <"$TMP/help-opts"))"
else
	fail "options differ between --help (-) and the man page (+)"
fi

# Columns: every name in the help's column lists is a .B line in COLUMNS.
sed -n '/columns.*:$/,/^$/p' "$TMP/help" | awk 'NF > 1 && $1 ~ /^[A-Z%\/]+$/ {print $1}' |
	sort -u >"$TMP/help-cols"
sed -n '/^\.SH COLUMNS/,/^\.SH /p' "$MAN" | sed -n 's/^\.B \([A-Z%/]*\)$/\1/p' |
	sort -u >"$TMP/man-cols"
if [ -s "$TMP/help-cols" ] && diff -u "$TMP/help-cols" "$TMP/man-cols"; then
	pass "columns ($(wc -l <"$TMP/help-cols"))"
else
	fail "columns differ between --help (-) and the man page (+)"
fi

# The exit codes and the JSON schema version are documented.
grep -q '^Exit status: 0 success, 1 error, 2 bad usage, 3 no mirrored memory found' "$TMP/help" ||
	fail "--help lacks the exit codes"
for code in 0 1 2 3; do
	sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | grep -q "^\.B $code\$" ||
		fail "man page lacks exit status $code"
done
grep -q '"schema": 1' "$MAN" || fail "man page lacks the JSON schema"

if command -v man >/dev/null 2>&1; then
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null)
	[ -z "$warn" ] && pass "man renders without warnings" || fail "man: $warn"
fi

finish
