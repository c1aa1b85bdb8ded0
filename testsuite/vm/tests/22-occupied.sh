# Reading 'occupied' of a fragmented zone (ABI.md, zones/zoneN/): every
# page of zone 0 taken, every other one given back, so the file lists one
# run per page left.  Whatever the reader's buffer size, and from any
# offset, the text is the same; the runs cover exactly pages_used; each
# read returns whole lines.  The longest hold of the zone lock (one call
# of occupied_step, at most 64 runs) is measured from outside with the
# function_graph tracer and reported.
# vm-timeout: 600
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror_test
need_cmd dd md5sum

load_mirror
load_mirror_test
Z=$MIRROR_SYS/zones/zone0
node=$(zone_read 0 node)

# ---- fragment zone 0 ----------------------------------------------------------
left=$(zone_read 0 pages_free)
while [ "$left" -gt 0 ]; do
	n=4096
	[ "$left" -lt "$n" ] && n=$left
	mt alloc n=$n order=0 node="$node" gfp=kernel,mirror,strict,thisnode
	assert_eq "$n" "$(mt_val allocated)" "allocations from zone 0"
	left=$((left - n))
done
mt free every=2
held=$(mt_val held)
cat "$Z/occupied" >"$VMTEST_TMP/occ.full"	# drains the per-CPU caches
cat "$Z/occupied" >"$VMTEST_TMP/occ.full"
used=$(zone_read 0 pages_used)
runs=$(wc -l <"$VMTEST_TMP/occ.full")
log "zone 0: $used pages out in $runs runs ($(wc -c <"$VMTEST_TMP/occ.full") bytes)"
assert_cmp "$runs" -ge $((held / 2)) "a fragmented zone"
occ=0
while IFS=- read -r s e; do
	occ=$((occ + e - s))
done <"$VMTEST_TMP/occ.full"
assert_eq "$used" "$occ" "the runs cover pages_used"
grep -qvE '^0x[0-9a-f]+-0x[0-9a-f]+$' "$VMTEST_TMP/occ.full" &&
	fail "a line that is not a run: $(grep -vE '^0x[0-9a-f]+-0x[0-9a-f]+$' "$VMTEST_TMP/occ.full" | head -n 1)"

# ---- the same text whatever the buffer, and from any offset ----------------
want=$(md5sum <"$VMTEST_TMP/occ.full")
for bs in 7 41 100 4096 65536; do
	dd if="$Z/occupied" bs="$bs" 2>/dev/null >"$VMTEST_TMP/occ.$bs"
	assert_eq "$want" "$(md5sum <"$VMTEST_TMP/occ.$bs")" "read in pieces of $bs bytes"
done
dd if="$Z/occupied" bs=1 count=3000 2>/dev/null >"$VMTEST_TMP/occ.1"
assert_eq "$(head -c 3000 "$VMTEST_TMP/occ.full" | md5sum)" \
	"$(md5sum <"$VMTEST_TMP/occ.1")" "read a byte at a time"
size=$(wc -c <"$VMTEST_TMP/occ.full")
for at in 1 12345 $((size / 2)) $((size - 5)); do
	dd if="$Z/occupied" bs=1 skip="$at" count=100 2>/dev/null >"$VMTEST_TMP/occ.at"
	assert_eq "$(tail -c +$((at + 1)) "$VMTEST_TMP/occ.full" | head -c 100 | md5sum)" \
		"$(md5sum <"$VMTEST_TMP/occ.at")" "100 bytes from offset $at"
done
# Whole lines: a 4096-byte read stops at the end of a line.
dd if="$Z/occupied" bs=4096 count=1 2>/dev/null >"$VMTEST_TMP/occ.one"
assert_eq "$(tail -c 1 "$VMTEST_TMP/occ.one" | od -An -c | tr -d ' ')" '\n' \
	"a read ends with a whole line"
assert_cmp "$(wc -c <"$VMTEST_TMP/occ.one")" -gt 4000 "a read fills its buffer with whole lines"

# ---- the longest hold of the zone lock -----------------------------------
T=/sys/kernel/tracing
if [ -w "$T/set_ftrace_filter" ] &&
   grep -q '^occupied_step ' "$T/available_filter_functions" 2>/dev/null; then
	echo occupied_step >"$T/set_ftrace_filter"
	echo function_graph >"$T/current_tracer"
	: >"$T/trace"
	echo 1 >"$T/tracing_on"
	cat "$Z/occupied" >/dev/null
	echo 0 >"$T/tracing_on"
	sed -n 's/.*[^0-9.]\([0-9][0-9.]*\) us .*occupied_step.*/\1/p' "$T/trace" |
		sort -n >"$VMTEST_TMP/holds"
	echo nop >"$T/current_tracer"
	: >"$T/set_ftrace_filter"
	calls=$(wc -l <"$VMTEST_TMP/holds")
	assert_cmp "$calls" -ge $((runs / 64)) "at most 64 runs per hold ($calls holds for $runs runs)"
	# Under TCG the clock runs on while the host does not schedule the
	# machine: the longest few are the host's; the median and p99 are ours.
	log "lock holds reading $runs runs: $calls, median $(sed -n "$((calls / 2 + 1))p" "$VMTEST_TMP/holds") us, p99 $(sed -n "$((calls * 99 / 100 + 1))p" "$VMTEST_TMP/holds") us, longest three $(tail -n 3 "$VMTEST_TMP/holds" | tr '\n' ' ')us (TCG)"
else
	log "no function_graph tracer for mirror.ko here: lock hold not measured"
fi

mt free all
check_zones
all_idle
log "ok"
