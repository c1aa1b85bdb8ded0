#!/bin/sh
# mirror-drill's command line, without a kernel: the man page against
# --help, bad command lines (one line on stderr, exit 2, nothing on
# stdout), no mirrored memory (exit 3), the lock (exit 4), the refusals
# that come before anything is injected.
. "$(dirname "$0")/common.sh"

DRILL=$top_builddir/fault-injection/mirror-drill
MAN=$top_srcdir/man/mirror-drill.8
export MIRROR_DRILL_LOCK="$TMP/lock"

"$DRILL" --help >"$TMP/help" || fail "--help failed"
check_man_opts "$TMP/help" "$MAN" options OPTIONS
for s in failover control fill hardware all; do
	grep -q "^ $s " "$TMP/help" || fail "--help lacks the scenario $s"
	grep -q "^\.B $s\$" "$MAN" || fail "man page lacks the scenario $s"
done
grep -q '^Exit status: 0 every check passed, 1 a check failed, 2 bad usage' "$TMP/help" ||
	fail "--help lacks the exit codes"
for code in 0 1 2 3 4 130; do
	sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | grep -q "^\.B $code\$" ||
		fail "man page lacks exit status $code"
done
grep -q '"schema": 1' "$MAN" || fail "man page lacks the JSON schema"
check_man_renders "$MAN"
"$DRILL" --version | grep -q '^mirror-drill from mirror ' || fail "--version"

# Bad command lines: checked before anything is read or injected.
expect_fail 2 'no scenario given' -- "$DRILL"
expect_fail 2 "unknown scenario 'sideways'" -- "$DRILL" sideways
expect_fail 2 "one scenario at a time" -- "$DRILL" failover control
expect_fail 2 "unknown option '--bogus'" -- "$DRILL" --bogus failover
expect_fail 2 "needs an argument" -- "$DRILL" failover --pages
# The second line of a usage error, as the other tools print it.
expect_fail 2 "^Try 'mirror-drill --help' for more information.$" -- "$DRILL" --bogus failover
expect_fail 2 "^Try 'mirror-drill --help' for more information.$" -- "$DRILL"
for bad in 0 -1 x 1.5 65537 ""; do
	expect_fail 2 "--pages: '$bad'" -- "$DRILL" --pages "$bad" failover
done
for bad in 0 4097 1T 1.5M -4K 4X 18014398509481985M " 4M" "4M " 4KiBB; do
	expect_fail 2 "--size: '$bad'" -- "$DRILL" --size "$bad" failover
done
for bad in 0 -3 abc 99999999999; do
	expect_fail 2 "--pid: '$bad'" -- "$DRILL" --pid "$bad" failover
done
for bad in 0 -1 0xg " 1" 1K; do
	expect_fail 2 "--mask: '$bad'" -- "$DRILL" --mask "$bad" failover
done
for bad in 0 -1 nan inf 1e9 x; do
	expect_fail 2 "--timeout: '$bad'" -- "$DRILL" --timeout "$bad" failover
	expect_fail 2 "--duration: '$bad'" -- "$DRILL" --duration "$bad" failover
done
expect_fail 2 "--rounds: '0'" -- "$DRILL" --rounds 0 failover
expect_fail 2 "--repair: 'later'" -- "$DRILL" --repair later failover
expect_fail 2 "--method: 'hammer'" -- "$DRILL" --method hammer control
expect_fail 2 "--addr: 'here'" -- "$DRILL" --addr here hardware
expect_fail 2 "more pages than the victim" -- "$DRILL" --pages 2000 failover
# -n, -s, -r and -t are the sibling tools' --noheadings, --summary, --raw
# and --top: not short for --pages, --size, --rounds and --timeout here.
for opt in -n -s -r -t; do
	expect_fail 2 "unknown option '$opt'" -- "$DRILL" $opt 4 failover
done

# No mirrored memory below the sysroot: exit 3, one line naming what was checked.
mkdir -p "$TMP/empty"
expect_fail 3 "no mirrored memory found" -- "$DRILL" --sysroot "$TMP/empty" failover
# The sizes every tool reads (the core's parser): past the command line.
for good in 4M 4MB 4MiB 4096K 0x400000; do
	expect_fail 3 "no mirrored memory found" -- "$DRILL" --sysroot "$TMP/empty" \
		--size "$good" failover
done

# The module's tree without its channel (a captured firmware-mode machine).
expect_fail 3 "emulated mirror channel" -- \
	"$DRILL" --sysroot "$FIXTURES/module-48g" failover
expect_fail 2 "not inside a mirror zone" -- \
	"$DRILL" --sysroot "$FIXTURES/module-48g" --addr 0x80000000 failover

# Another drill holds the lock.
if command -v flock >/dev/null 2>&1; then
	flock "$MIRROR_DRILL_LOCK" sleep 30 &
	holder=$!
	# Until the holder has the lock (flock -n fails): a fixed sleep can
	# end before it does on a loaded host.
	i=0
	while flock -n "$MIRROR_DRILL_LOCK" true; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || { fail "the lock holder did not take the lock in 10 s"; break; }
		sleep 0.1
	done
	expect_fail 4 "another drill is running" -- "$DRILL" --sysroot "$TMP/empty" failover
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
fi

finish
