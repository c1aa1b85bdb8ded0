# Sourced by the mirrorstat tests: where things are, and small helpers.
# top_srcdir and top_builddir come from the test harness (or default to the
# layout of an in-tree build when a test is run by hand from testsuite/).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

MIRRORSTAT=$top_builddir/cli/mirrorstat
MIRRORCTL=$top_builddir/cli/mirrorctl
FIXTURES=$top_srcdir/testsuite/fixtures
GOLDEN=$top_srcdir/testsuite/golden
JSON_CHECK=$top_builddir/testsuite/lib/json-check

# The tests must not pick up the caller's settings.
unset MIRROR_LOG MIRROR_SYSROOT MIRROR_BACKEND
export LC_ALL=C

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mirrorstat-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

pass() {
	echo "ok: $*"
}

# The generated 64-node x 4-zone mirror.ko tree.
gen_m64() {
	[ -d "$TMP/m64" ] || sh "$FIXTURES/gen-module-tree.sh" "$TMP/m64" 64 4
}

# expect_fail CODE PATTERN -- COMMAND...: exits CODE, says PATTERN on stderr,
# prints nothing on stdout.
expect_fail() {
	code=$1 pattern=$2
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		fail "$* exited $rc, not $code: $(cat "$TMP/err")"
	elif ! grep -q -- "$pattern" "$TMP/err"; then
		fail "$*: stderr lacks '$pattern': $(cat "$TMP/err")"
	elif [ "$(wc -l <"$TMP/err")" -gt 2 ]; then
		fail "$*: more than one error line: $(cat "$TMP/err")"
	elif [ -s "$TMP/out" ]; then
		fail "$*: printed on stdout despite failing"
	else
		pass "$* -> $code ($(head -n 1 "$TMP/err"))"
	fi
}

# golden NAME COMMAND...: COMMAND succeeds, says nothing on stderr, and
# prints testsuite/golden/NAME exactly (MIRROR_REGEN=1 rewrites NAME).
golden() {
	_name=$1
	shift
	if ! "$@" >"$TMP/$_name" 2>"$TMP/err"; then
		fail "$_name: $* failed: $(cat "$TMP/err")"
	elif [ -s "$TMP/err" ]; then
		fail "$_name: $* said: $(cat "$TMP/err")"
	elif [ "${MIRROR_REGEN:-}" = 1 ]; then
		cp "$TMP/$_name" "$GOLDEN/$_name"
		echo "regenerated $_name"
	elif diff -u "$GOLDEN/$_name" "$TMP/$_name"; then
		pass "$_name"
	else
		fail "$_name differs from the golden output"
	fi
}

# ---- man page against --help ---------------------------------------------

# opts_in_help FILE [all]: the options (-x, --long) named in the Options:
# section of a --help text, or anywhere in it with 'all'.
opts_in_help() {
	if [ "${2-}" = all ]; then
		cat "$1"
	else
		sed -n '/^Options:/,/^$/p' "$1"
	fi | grep -oE -- '(^|[ [|])--?[A-Za-z][a-z-]*' | tr -d ' [|' | sort -u
}

# opts_in_man MAN SECTION...: the options on the macro lines (.B, .BR, .BI,
# .RB, .TP) of those sections.
opts_in_man() {
	_man=$1
	shift
	for _sec in "$@"; do
		sed -n "/^\.SH $_sec\$/,/^\.SH /p" "$_man"
	done | grep -E '^\.(B|BR|BI|RB|TP)' | sed 's/\\-/-/g' |
		grep -oE -- '(^| |"|\[)--?[A-Za-z][a-z-]*' | tr -d ' "[' | sort -u
}

# check_man_opts HELP MAN HELP_SCOPE SECTION...: the same options in both.
check_man_opts() {
	_help=$1 _man=$2 _scope=$3
	shift 3
	opts_in_help "$_help" "$_scope" >"$TMP/help-opts"
	opts_in_man "$_man" "$@" >"$TMP/man-opts"
	if [ -s "$TMP/help-opts" ] && diff -u "$TMP/help-opts" "$TMP/man-opts"; then
		pass "$(basename "$_man"): options ($(wc -l <"$TMP/help-opts"))"
	else
		fail "options differ between --help (-) and $(basename "$_man") (+)"
	fi
}

# check_man_cols HELP MAN: every column name the help lists is a .B line in
# the man page's COLUMNS section, and no other.
check_man_cols() {
	sed -n '/columns.*:$/,/^$/p' "$1" |
		awk 'NF > 1 && $1 ~ /^[A-Z0-9%\/]+$/ {print $1}' | sort -u >"$TMP/help-cols"
	sed -n '/^\.SH COLUMNS/,/^\.SH /p' "$2" |
		sed -n 's/^\.B \([A-Z0-9%/]*\)$/\1/p' | sort -u >"$TMP/man-cols"
	if [ -s "$TMP/help-cols" ] && diff -u "$TMP/help-cols" "$TMP/man-cols"; then
		pass "$(basename "$2"): columns ($(wc -l <"$TMP/help-cols"))"
	else
		fail "columns differ between --help (-) and $(basename "$2") (+)"
	fi
}

# check_man_renders MAN: man(1), when installed, has nothing to warn about.
check_man_renders() {
	command -v man >/dev/null 2>&1 || return 0
	_warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null)
	if [ -z "$_warn" ]; then
		pass "$(basename "$1") renders without warnings"
	else
		fail "man: $_warn"
	fi
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures failure(s)" >&2
		exit 1
	fi
	exit 0
}
