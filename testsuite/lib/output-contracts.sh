#!/bin/sh
# What scripts and monitoring rely on, whatever the system holds: a process
# name that is not UTF-8 (JSON keeps every key, promtool accepts the
# Prometheus text), a counter at 2^64-2 (exact, never negative), "no
# limit" apart from "unknown", the page size of the captured tree (64 KiB),
# and every tool failing with "write error" when stdout cannot be written.
# The odd trees are the captured module-48g tree with a few files changed
# here; their output is compared with testsuite/golden/ (MIRROR_REGEN=1
# rewrites it).
. "$(dirname "$0")/common.sh"

MEMTYPE=$top_builddir/cli/memtype
DRILL=$top_builddir/fault-injection/mirror-drill
BIG=18446744073709551614

# ---- the odd tree ---------------------------------------------------------

odd=$TMP/odd
cp -R "$FIXTURES/module-48g" "$odd"
chmod -R u+w "$odd"
p=$odd/proc/4343
mkdir "$p"
cp "$FIXTURES/module-48g/proc/4242/maps" "$FIXTURES/module-48g/proc/4242/pagemap" \
	"$FIXTURES/module-48g/proc/4242/status" "$p/"
# A byte that is no UTF-8, a quote, a backslash, a tab, a newline and an
# accented letter (valid UTF-8, kept as it is); prctl(PR_SET_NAME) allows
# every one of them.
printf 'a\377b"c\\d\te\nf\303\251\n' >"$p/comm"
golden odd-pid.json "$MIRRORSTAT" --sysroot "$odd" -J -p 4343,4242
golden odd-pid.prom "$MIRRORSTAT" --sysroot "$odd" --prometheus -p 4343
golden odd-pid.txt "$MIRRORSTAT" --sysroot "$odd" -p 4343 -o PID,COMMAND,RSS

# Every key of schema 1, the odd name among them, read back by jansson.
"$MIRRORSTAT" --sysroot "$odd" -J -p 4343 >"$TMP/j" &&
	"$JSON_CHECK" <"$TMP/j" >"$TMP/err" 2>&1 &&
	grep -qF '"command": "a\\xffb\"c\\x5cd\\x09e\\x0af' "$TMP/j" &&
	pass "JSON keeps the odd name, escaped" ||
	fail "JSON of the odd process: $(cat "$TMP/err")"

if command -v promtool >/dev/null 2>&1; then
	for v in "-p 4343" ""; do
		# shellcheck disable=SC2086
		"$MIRRORSTAT" --sysroot "$odd" --prometheus $v >"$TMP/prom"
		if promtool check metrics <"$TMP/prom" >"$TMP/lint" 2>&1; then
			pass "promtool accepts --prometheus $v"
		else
			fail "promtool --prometheus $v: $(cat "$TMP/lint")"
		fi
	done
else
	echo "promtool not found (apt-get install prometheus): not checked"
fi

# 2^64-2 exactly, in JSON and Prometheus; nothing negative anywhere.
# (jansson itself reads no integer above 2^63-1: json-check cannot.)
echo $BIG >"$odd/sys/kernel/mm/mirror/zones/zone0/frees"
golden odd-big.json "$MIRRORSTAT" --sysroot "$odd" -J
golden odd-big.prom "$MIRRORSTAT" --sysroot "$odd" --prometheus
grep -q "\"frees\": $BIG," "$TMP/odd-big.json" && pass "JSON frees = 2^64-2" ||
	fail "JSON lacks frees $BIG"
grep -q "^mirror_zone_frees_total{node=\"0\",zone=\"zone0\"} $BIG\$" "$TMP/odd-big.prom" &&
	pass "Prometheus frees = 2^64-2" || fail "Prometheus lacks frees $BIG"
grep -E -q ': -[0-9]' "$TMP/odd-big.json" && fail "a negative number in JSON"
# A sum that would pass 2^64 is unknown, not wrapped: allocs of zone0.
echo $BIG >"$odd/sys/kernel/mm/mirror/zones/zone0/allocs"
"$MIRRORSTAT" --sysroot "$odd" -J >"$TMP/j"
sed -n '/"summary"/,/}/p' "$TMP/j" | grep -q '"allocs": null,' &&
	pass "a sum beyond 64 bits is unknown (null)" ||
	fail "summary allocs: $(grep '"allocs"' "$TMP/j" | head -1)"

# memtype's fill counters too, and the difference of two of them (saved_mpj)
# exact either way, not the wrapped difference of two casts.
cp -R "$FIXTURES/memtype-vm" "$TMP/mt"
chmod -R u+w "$TMP/mt"
t=$TMP/mt/sys/kernel/mm/mirror/memtypes/types
echo $BIG >"$t/PCM/scrub_pages"
echo $BIG >"$t/PCM/energy_other_mpj"
echo 1000 >"$t/PCM/energy_mpj"
echo $BIG >"$t/DRAM/energy_mpj"
echo 5 >"$t/DRAM/energy_other_mpj"
"$MEMTYPE" --sysroot "$TMP/mt" -J stats >"$TMP/j"
if grep -q "\"scrub_pages\": $BIG," "$TMP/j" &&
   grep -q '"saved_mpj": 18446744073709550614$' "$TMP/j" &&
   grep -q '"saved_mpj": -18446744073709551609$' "$TMP/j"; then
	pass "memtype -J stats: 2^64-2 and saved_mpj exact"
else
	fail "memtype -J stats: $(grep -E 'scrub|saved' "$TMP/j" | tr -s ' \n' ' ')"
fi

# ---- no limit and unknown ---------------------------------------------------

OE=$FIXTURES/openeuler
MIRROR_SYSROOT=$OE "$MIRRORCTL" policy >"$TMP/pol"
MIRROR_SYSROOT=$OE "$MIRRORCTL" -J policy >"$TMP/pol.json"
grep -q '^task_reliable_limit *unlimited$' "$TMP/pol" &&
	pass "policy table: unlimited" || fail "policy table: $(cat "$TMP/pol")"
grep -q '"task_reliable_limit": 18446744073709551615,' "$TMP/pol.json" &&
	pass "policy JSON: no limit is 2^64-1, not null" ||
	fail "policy JSON: $(cat "$TMP/pol.json")"
# A value that cannot be read is unknown: null, and "?" in the table.
cp -R "$OE" "$TMP/oe"
chmod -R u+w "$TMP/oe"
echo garbage >"$TMP/oe/proc/sys/vm/task_reliable_limit"
MIRROR_SYSROOT=$TMP/oe "$MIRRORCTL" -J policy >"$TMP/pol.json" 2>/dev/null
grep -q '"task_reliable_limit": null,' "$TMP/pol.json" &&
	pass "policy JSON: unreadable is null" ||
	fail "policy JSON (unreadable): $(cat "$TMP/pol.json")"

# mirrorctl show keeps "command" of a process whose name is not UTF-8.
sed 's/^Name:.*/Name:\tx\xff"y/' "$OE/proc/1000/status" >"$TMP/oe/proc/1000/status"
if MIRROR_SYSROOT=$TMP/oe "$MIRRORCTL" -J show 1000 >"$TMP/show.json" 2>"$TMP/err" &&
	grep -qF '"command": "x\\xff\"y",' "$TMP/show.json"; then
	pass "mirrorctl -J show keeps the odd name"
else
	fail "mirrorctl -J show: $(cat "$TMP/show.json" "$TMP/err")"
fi

# ---- page size: 64 KiB ------------------------------------------------------

sh "$FIXTURES/gen-module-tree.sh" "$TMP/m64k" 4 2 65536
golden m64k.txt "$MIRRORSTAT" --sysroot "$TMP/m64k" -b
"$MIRRORSTAT" --sysroot "$TMP/m64k" -J >"$TMP/j"
present=$(cat "$TMP/m64k/sys/kernel/mm/mirror/zones/zone0/pages_present")
grep -q '"page_size": 65536,' "$TMP/j" &&
	grep -q "\"size_bytes\": $((present * 65536))," "$TMP/j" &&
	pass "mirror.ko tree of 64 KiB pages: zone0 is $present pages of 64 KiB" ||
	fail "64 KiB pages not applied to the mirror.ko tree"

# The kernelcore and reliable captures again, as from a 64 KiB-page
# kernel: every size from page counts is 16 times that of the 4 KiB run.
for fx in kernelcore-48g openeuler; do
	cp -R "$FIXTURES/$fx" "$TMP/$fx-64k"
	chmod -R u+w "$TMP/$fx-64k"
	mkdir -p "$TMP/$fx-64k/proc/self"
	printf 'Size:  4 kB\nKernelPageSize:       64 kB\nMMUPageSize:  64 kB\n' \
		>"$TMP/$fx-64k/proc/self/smaps"
	s4=$("$MIRRORSTAT" --sysroot "$FIXTURES/$fx" -b -n -r -o SIZE | head -1)
	s64=$("$MIRRORSTAT" --sysroot "$TMP/$fx-64k" -b -n -r -o SIZE | head -1)
	if [ -n "$s4" ] && [ "$s64" = "$((s4 * 16))" ]; then
		pass "$fx with 64 KiB pages: first zone $s64 = 16 x $s4"
	else
		fail "$fx with 64 KiB pages: '$s64', 16 x '$s4' expected"
	fi
done
golden kernelcore-48g-64k.txt "$MIRRORSTAT" --sysroot "$TMP/kernelcore-48g-64k" -b
printf 'KernelPageSize: 3 kB\n' >"$TMP/kernelcore-48g-64k/proc/self/smaps"
expect_fail 1 "no KernelPageSize: line of a page size" -- \
	"$MIRRORSTAT" --sysroot "$TMP/kernelcore-48g-64k"
# mirrorctl checks --limit against the captured page size.
mkdir -p "$TMP/empty/proc/self"
printf 'KernelPageSize: 64 kB\n' >"$TMP/empty/proc/self/smaps"
MIRROR_SYSROOT=$TMP/empty expect_fail 2 "not a multiple of the page size (65536 bytes)" -- \
	"$MIRRORCTL" set --limit 4K 7

# ---- stdout that cannot be written --------------------------------------------

if [ -w /dev/full ]; then
	full() {
		"$@" >/dev/full 2>"$TMP/err"
		rc=$?
		if [ $rc -eq 1 ] && grep -q ': write error: No space left on device$' "$TMP/err"; then
			pass "$* >/dev/full -> 1, write error"
		else
			fail "$* >/dev/full exited $rc: $(cat "$TMP/err")"
		fi
	}
	for t in "$MIRRORSTAT" "$MIRRORCTL" "$MEMTYPE" "$DRILL"; do
		full "$t" --help
		full "$t" --version
	done
	full "$MIRRORSTAT" --sysroot "$FIXTURES/module-48g"
	full "$MIRRORSTAT" --sysroot "$FIXTURES/module-48g" -J
	full "$MIRRORSTAT" --sysroot "$FIXTURES/module-48g" --prometheus
	full "$MIRRORSTAT" --sysroot "$FIXTURES/module-48g" -i 0.01 -c 1000000
	MIRROR_SYSROOT=$OE full "$MIRRORCTL" policy
	MIRROR_SYSROOT=$OE full "$MIRRORCTL" -J show 1000
	full "$MEMTYPE" --sysroot "$FIXTURES/memtype-vm" list
	full "$MEMTYPE" --sysroot "$FIXTURES/memtype-vm" -J stats
else
	echo "/dev/full is missing: write errors not checked"
fi

finish
