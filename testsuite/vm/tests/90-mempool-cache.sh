# The mempool keeps a guaranteed reserve of mirrored blocks: with every
# zone full, a non-sleeping mempool_alloc() still gets min_nr mirrored
# blocks from the reserve, and nothing more.  The object cache puts its
# objects on mirrored pages, zeroes them on request, never hands out
# overlapping objects, and gives its pages back.
# vm-timeout: 240
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror_test

load_mirror
load_mirror_test
B=$VMTEST_TMP/before
A=$VMTEST_TMP/after

for order in 0 2; do
	mt mempool min=8 order=$order
	assert_eq 8 "$(mt_val got)" "order-$order reserve taken"
	assert_eq 8 "$(mt_val mirrored)" "order-$order reserve mirrored"
	assert_eq 0 "$(mt_val extra)" "order-$order nothing beyond the reserve"
	# Everything but the reserve was filled (present pages come in whole
	# pageblocks, so in whole blocks of either order).
	present=$(node_sum pages_total)
	assert_eq $(( (present >> order) - 8 )) "$(mt_val filled)" "order-$order blocks filled"
	all_idle
done

for size in 8 100 512 3000 20000; do
	for strict in 0 1; do
		snap "$B"
		mt cache size=$size n=300 strict=$strict
		assert_eq 300 "$(mt_val got)" "cache size=$size objects"
		assert_eq 300 "$(mt_val mirrored)" "cache size=$size on mirrored pages"
		assert_eq 0 "$(mt_val not_zeroed)" "cache size=$size zeroed"
		assert_eq 0 "$(mt_val overlap)" "cache size=$size no overlap"
		snap "$A"
		# Every slab page went back.
		assert_eq 0 $(( $(delta "$B" "$A" zones/zone0/pages_used) + $(delta "$B" "$A" zones/zone1/pages_used) + $(delta "$B" "$A" zones/zone2/pages_used) + $(delta "$B" "$A" zones/zone3/pages_used) )) "cache pages returned"
	done
done
# Frees an object cache must refuse: each one line, counted, harmless.
b0=$(mirror_read bad_frees)
l0=$(kmsg_count 'refused free of an object')
mt cachebad size=64
assert_eq 3 "$(mt_val tried)" "bad object frees tried"
assert_eq $((b0 + 3)) "$(mirror_read bad_frees)" "bad_frees after refused object frees"
assert_eq $((l0 + 3)) "$(kmsg_count 'refused free of an object')" "log lines of refused object frees"
for why in 'another cache' 'not the start of an object' 'double free'; do
	dmesg | grep 'refused free of an object' | tail -n 3 | grep -q "$why" ||
		fail "no refusal saying '$why'"
done
all_idle
log "ok"
