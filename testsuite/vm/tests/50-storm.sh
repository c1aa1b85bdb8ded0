# Allocation/free storms on every CPU at once (a quarter of the allocations
# with interrupts off, a quarter for random nodes, orders 0..3): no page is
# ever handed out twice (each block is stamped and checked), and every
# counter matches what the storm threads report, exactly.  Once with room
# to spare, once with zones so small that exhaustion and fallback happen
# all the time.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror_test

B=$VMTEST_TMP/before
A=$VMTEST_TMP/after

sumf()
{
	# sumf SNAPSHOT_A SNAPSHOT_B GLOB: the deltas of the matching counters
	_t=0
	for _p in $(sed -n "s|^\($3\) .*|\1|p" "$1"); do
		_t=$((_t + $(delta "$1" "$2" "$_p")))
	done
	echo "$_t"
}

storm()
{
	snap "$B"
	mt storm "$@"
	ops=$(mt_val ops)
	mirrored=$(mt_val mirrored)
	ordinary=$(mt_val ordinary)
	failed=$(mt_val failed)
	assert_eq 4 "$(mt_val threads)" "storm threads"
	assert_cmp "$ops" -gt 1000 "storm operations"
	assert_eq 0 "$(mt_val corrupt)" "blocks handed out twice or overwritten"
	assert_eq $((mirrored + ordinary)) "$(mt_val frees)" "every block freed"
	snap "$A"
	assert_eq "$mirrored" "$(sumf "$B" "$A" 'zones/zone[0-9]*/allocs')" "zone allocs = mirrored blocks"
	assert_eq "$mirrored" "$(sumf "$B" "$A" 'zones/zone[0-9]*/frees')" "zone frees = mirrored blocks"
	assert_eq "$mirrored" $(( $(sumf "$B" "$A" 'nodes/node[0-9]*/allocs_local') + $(sumf "$B" "$A" 'nodes/node[0-9]*/allocs_remote') )) "local + remote = mirrored blocks"
	assert_eq "$ordinary" $(( $(sumf "$B" "$A" 'nodes/node[0-9]*/fallback_exhausted') + $(sumf "$B" "$A" 'nodes/node[0-9]*/fallback_constraint') + $(sumf "$B" "$A" 'nodes/node[0-9]*/allocs_ordinary') )) "fallbacks = ordinary blocks"
	assert_eq "$failed" "$(sumf "$B" "$A" 'nodes/node[0-9]*/failed')" "failed requests"
	assert_eq 0 "$(delta "$B" "$A" bad_frees)" "bad frees during the storm"
	# Zones shrunk by blocks the driver keeps are idle once it frees them.
	[ -n "$SHRUNK" ] || all_idle
	log "storm $*: ops=$ops mirrored=$mirrored ordinary=$ordinary failed=$failed"
}

load_mirror
load_mirror_test
storm seconds=4 order=3 slots=64
storm seconds=3 order=0 slots=512
unload_mirror

# Zones are whole 128 MiB memory blocks: the driver keeps all but 4 MiB of
# each (1024 pages, order-10 blocks taken on the zone's own node), far
# fewer than 4 threads x 1024 slots of up to 8 pages need.
load_mirror
load_mirror_test
for z in 0 1 2 3; do
	n=$(( ($(zone_read $z pages_free) - 1024) / 1024 ))
	mt alloc n=$n order=10 gfp=kernel,mirror,strict,thisnode node=$(zone_read $z node)
	assert_eq "$n" "$(mt_val allocated)" "zone$z shrunk"
	assert_eq 1024 "$(zone_read $z pages_free)" "zone$z pages left"
done
SHRUNK=1
storm seconds=4 order=3 slots=1024
fb=$(sumf "$B" "$A" 'nodes/node[0-9]*/fallback_exhausted')
assert_cmp "$fb" -gt 0 "fallbacks in the small-zone storm"
assert_cmp "$(sumf "$B" "$A" 'nodes/node[0-9]*/allocs_remote')" -gt 0 "remote allocations in the small-zone storm"
assert_cmp "$(sumf "$B" "$A" 'zones/zone[0-9]*/alloc_failures')" -gt 0 "zone failures in the small-zone storm"
# Strict: failures instead of fallbacks, still exact.
storm seconds=3 order=2 slots=1024 gfp=kernel,mirror,strict
assert_eq 0 "$ordinary" "strict storm: no ordinary block"
assert_cmp "$failed" -gt 0 "strict storm: failures"
mt free all
all_idle
log "ok"
