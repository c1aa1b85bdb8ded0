#!/bin/sh
# man/mirrorstat.8 documents exactly the options and columns --help shows.
. "$(dirname "$0")/common.sh"

MAN=$top_srcdir/man/mirrorstat.8

"$MIRRORSTAT" --help >"$TMP/help" || fail "--help failed"

check_man_opts "$TMP/help" "$MAN" options OPTIONS
check_man_cols "$TMP/help" "$MAN"

# The exit codes and the JSON schema version are documented.
grep -q '^Exit status: 0 success, 1 error, 2 bad usage, 3 no mirrored memory found' "$TMP/help" ||
	fail "--help lacks the exit codes"
for code in 0 1 2 3; do
	sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | grep -q "^\.B $code\$" ||
		fail "man page lacks exit status $code"
done
grep -q '"schema": 1' "$MAN" || fail "man page lacks the JSON schema"

check_man_renders "$MAN"

finish
