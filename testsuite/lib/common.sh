# Sourced by the mirrorstat tests: where things are, and small helpers.
# top_srcdir and top_builddir come from the test harness (or default to the
# layout of an in-tree build when a test is run by hand from testsuite/).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

MIRRORSTAT=$top_builddir/cli/mirrorstat
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

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures failure(s)" >&2
		exit 1
	fi
	exit 0
}
