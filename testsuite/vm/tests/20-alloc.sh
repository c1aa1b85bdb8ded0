# Allocation through the kernel API, checked from outside the module: the
# pfns handed out lie in the zone of the requesting CPU's node, orders are
# aligned, occupancy and every counter change by exactly what was done,
# frees go back to the right zone; GFP flags and the policy switches.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror_test

load_mirror
load_mirror_test
nr=$(mirror_read nr_zones)
B=$VMTEST_TMP/before
A=$VMTEST_TMP/after

# zone_on_node N: the (first) zone of node N
zone_on_node()
{
	_z=0
	while [ "$_z" -lt "$nr" ]; do
		[ "$(zone_read $_z node)" = "$1" ] && { echo "$_z"; return 0; }
		_z=$((_z + 1))
	done
	echo -1
}

# ---- mirror_alloc_pages() from each CPU: the local node's zone ----------
for cpu in 0 1 2 3; do
	node=$(ls -d /sys/devices/system/node/node*/cpu$cpu | sed 's|.*/node\([0-9]*\)/cpu.*|\1|')
	z=$(zone_on_node "$node")
	assert_cmp "$z" -ge 0 "a zone on node $node"
	snap "$B"
	mt alloc n=8 order=0 gfp=kernel,mirror cpu=$cpu
	assert_eq 8 "$(mt_val allocated)" "cpu$cpu allocated"
	assert_eq "$node" "$(mt_val cpu_node)" "cpu$cpu node"
	assert_eq "$z 8" "$(mt_pfns | zones_of_pfns)" "cpu$cpu pfns in zone$z"
	snap "$A"
	expect_deltas "$B" "$A" "zones/zone$z/allocs=8 zones/zone$z/pages_used=8 zones/zone$z/pages_free=-8 nodes/node$node/allocs_local=8 nodes/node$node/pages_used=8 nodes/node$node/pages_free=-8"
done

# The kernel agrees about node and mirroring of what we hold.
sysfs_read "$MT_DIR/pages" >"$VMTEST_TMP/pages"
assert_eq 32 "$(wc -l <"$VMTEST_TMP/pages")" "blocks held"
while read -r pfn order nid mirrored; do
	z=$(zone_of_pfn "$pfn")
	assert_eq "$(zone_read $z node)" "$nid" "page_to_nid($pfn)"
	assert_eq 1 "$mirrored" "page_is_mirrored($pfn)"
done <"$VMTEST_TMP/pages"

# ---- mirror_alloc_pages_node(): higher orders, aligned, in that node -----
snap "$B"
mt alloc n=4 order=3 gfp=kernel,mirror node=2 cpu=0
assert_eq 4 "$(mt_val allocated)" "order-3 allocated"
z2=$(zone_on_node 2)
assert_eq "$z2 4" "$(mt_pfns | zones_of_pfns)" "order-3 blocks in node 2's zone"
for pfn in $(mt_pfns); do
	assert_eq 0 $((pfn % 8)) "order-3 block $pfn aligned"
done
snap "$A"
# Requested for node 2 from a CPU of node 0: counted on node 2, local.
expect_deltas "$B" "$A" "zones/zone$z2/allocs=4 zones/zone$z2/pages_used=32 zones/zone$z2/pages_free=-32 nodes/node2/allocs_local=4 nodes/node2/pages_used=32 nodes/node2/pages_free=-32"

# Occupancy: the runs cover exactly what is held, in every zone.
z=0
while [ "$z" -lt "$nr" ]; do
	occ=0
	for run in $(zone_read $z occupied); do
		s=$((${run%-*}))
		e=$((${run#*-}))
		assert_cmp "$e" -gt "$s" "zone$z run $run"
		occ=$((occ + e - s))
	done
	assert_eq "$(zone_read $z pages_used)" "$occ" "zone$z occupied pages"
	z=$((z + 1))
done
# Every held block lies inside an occupied run of its zone.
sysfs_read "$MT_DIR/pages" | while read -r pfn order nid mirrored; do
	pfn=$((pfn))
	z=$(zone_of_pfn "$pfn")
	end=$((pfn + (1 << order)))
	ok=0
	for run in $(zone_read $z occupied); do
		[ "$pfn" -ge $((${run%-*})) ] && [ "$end" -le $((${run#*-})) ] && ok=1
	done
	[ "$ok" = 1 ] || fail "block $pfn order $order not in zone$z occupied runs"
done || exit 1
check_zones

# ---- frees go back to the zone they came from ----------------------------
snap "$B"
# The one-line stat files agree with the single files, pages out or not.
check_stat
mt free every=2
freed=$(mt_val freed)
assert_eq 18 "$freed" "every second of 36 blocks"
snap "$A"
# Blocks 2,4,...,36 in pages order: 4 of each CPU's 8, and 2 order-3 blocks.
expect_deltas "$B" "$A" "zones/zone0/frees=4 zones/zone1/frees=4 zones/zone2/frees=6 zones/zone3/frees=4 zones/zone0/pages_used=-4 zones/zone1/pages_used=-4 zones/zone2/pages_used=-20 zones/zone3/pages_used=-4 zones/zone0/pages_free=4 zones/zone1/pages_free=4 zones/zone2/pages_free=20 zones/zone3/pages_free=4 nodes/node0/pages_used=-4 nodes/node1/pages_used=-4 nodes/node2/pages_used=-20 nodes/node3/pages_used=-4 nodes/node0/pages_free=4 nodes/node1/pages_free=4 nodes/node2/pages_free=20 nodes/node3/pages_free=4"
mt free all
all_idle
z=0
while [ "$z" -lt "$nr" ]; do
	assert_eq "$(zone_read $z allocs)" "$(zone_read $z frees)" "zone$z allocs == frees"
	z=$((z + 1))
done

# ---- __GFP_ZERO on pages that were written before ------------------------
# The storm stamps every page it gets; zeroed allocations after it must
# still read as zeros.
mt storm seconds=1 order=0 slots=64
mt alloc n=256 order=0 gfp=kernel,mirror,zero cpu=1
assert_eq 256 "$(mt_val allocated)" "zeroed allocated"
assert_eq 0 "$(mt_val nonzero)" "__GFP_ZERO pages are zero"
mt free all

# ---- without __GFP_MIRROR: ordinary memory, tracked ------------------------
snap "$B"
mt alloc n=5 order=1 gfp=kernel cpu=3
assert_eq 5 "$(mt_val allocated)" "ordinary allocated"
assert_eq 0 "$(mt_val mirrored)" "ordinary pages not mirrored"
assert_eq "-1 5" "$(mt_pfns | zones_of_pfns)" "ordinary pfns outside every zone"
assert_eq 10 "$(mirror_read ordinary_pages)" "ordinary_pages"
assert_eq 5 "$(sed -n '$=' /sys/kernel/debug/mirror/ordinary)" "debugfs ordinary records"
snap "$A"
expect_deltas "$B" "$A" "nodes/node3/allocs_ordinary=5 ordinary_pages=10"
mt free all
assert_eq 0 "$(mirror_read ordinary_pages)" "ordinary_pages after free"
assert_eq 0 "$(mirror_read bad_frees)" "bad_frees after ordinary free"

# ---- policy/default_mirror: requests without the flag go mirror-first -----
must mirror_write policy/default_mirror 1
snap "$B"
mt alloc n=3 order=0 gfp=kernel cpu=1
assert_eq 3 "$(mt_val mirrored)" "default_mirror: mirrored"
snap "$A"
z1=$(zone_on_node 1)
expect_deltas "$B" "$A" "zones/zone$z1/allocs=3 zones/zone$z1/pages_used=3 zones/zone$z1/pages_free=-3 nodes/node1/allocs_local=3 nodes/node1/pages_used=3 nodes/node1/pages_free=-3"
mt free all
must mirror_write policy/default_mirror 0

# ---- __GFP_DMA32: every zone ends below 4 GiB, so mirrored ---------------
mt alloc n=2 order=0 gfp=kernel,mirror,dma32 cpu=0
assert_eq 2 "$(mt_val mirrored)" "dma32 served by a zone below 4 GiB"
mt free all

# ---- __GFP_DMA: no zone ends below 16 MiB -> constraint fallback ----------
low=0
z=0
while [ "$z" -lt "$nr" ]; do
	e=$(($(zone_read $z start) + $(zone_read $z size)))
	[ "$e" -le $((16 << 20)) ] && low=1
	z=$((z + 1))
done
if [ "$low" = 0 ]; then
	snap "$B"
	mt alloc n=2 order=0 gfp=kernel,mirror,dma cpu=0
	assert_eq 2 "$(mt_val allocated)" "dma allocated"
	assert_eq 0 "$(mt_val mirrored)" "dma: no mirror zone qualifies"
	for pfn in $(mt_pfns); do
		assert_cmp $((pfn)) -lt 4096 "dma page $pfn below 16 MiB"
	done
	snap "$A"
	expect_deltas "$B" "$A" "nodes/node0/fallback_constraint=2 ordinary_pages=2"
	mt free all
	# Strict: nothing instead.
	snap "$B"
	mt alloc n=2 order=0 gfp=kernel,mirror,strict,dma,nowarn cpu=0
	assert_eq 0 "$(mt_val allocated)" "dma strict allocated"
	snap "$A"
	expect_deltas "$B" "$A" "nodes/node0/failed=2"
fi

# ---- __GFP_THISNODE and a node without its own zone ------------------------
mt alloc n=1 order=0 gfp=kernel,mirror,thisnode node=3 cpu=0
z3=$(zone_on_node 3)
assert_eq "$z3 1" "$(mt_pfns | zones_of_pfns)" "thisnode: node 3's zone"
mt free all

all_idle
log "ok"
