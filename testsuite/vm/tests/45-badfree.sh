# Bad frees through mirror_free_pages(): a double free, a free with the
# wrong order, a page that never came from mirror.ko.  Each is refused with
# exactly one kernel log line, counted in bad_frees, and changes nothing
# else: the zone's counters and occupancy stay as they were.
# vm-timeout: 200
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror_test
expect_kernel_warnings

load_mirror
load_mirror_test
B=$VMTEST_TMP/before
A=$VMTEST_TMP/after

refused()
{
	kmsg_count 'mirror: refused free of pfn'
}

# ---- double free of a mirrored page ---------------------------------------
mt alloc n=2 order=0 gfp=kernel,mirror cpu=1
pfn=$(mt_pfns | head -n 1)
z=$(zone_of_pfn "$pfn")
mt free pfn=$pfn
snap "$B"
occ=$(zone_read $z occupied)
r0=$(refused)
mt refree pfn=$pfn order=0
snap "$A"
expect_deltas "$B" "$A" "bad_frees=1 zones/zone$z/bad_frees=1"
assert_eq $((r0 + 1)) "$(refused)" "log lines after a double free"
dmesg | grep "refused free of pfn $pfn order 0: not allocated" >/dev/null ||
	fail "double free log line: $(dmesg | tail -n 3)"
assert_eq "$occ" "$(zone_read $z occupied)" "occupancy after the double free"
check_zones

# ---- free with the wrong order ------------------------------------------------
mt alloc n=1 order=2 gfp=kernel,mirror cpu=2
big=$(mt_pfns)
z=$(zone_of_pfn "$big")
snap "$B"
r0=$(refused)
mt refree pfn=$big order=0
mt refree pfn=$big order=3
mt refree pfn=$((big + 1)) order=0
snap "$A"
expect_deltas "$B" "$A" "bad_frees=3 zones/zone$z/bad_frees=3"
assert_eq $((r0 + 3)) "$(refused)" "log lines after wrong-order frees"
dmesg | grep "refused free of pfn $(printf '0x%x' $big) order 0: allocated with order 2" >/dev/null ||
	fail "wrong-order log line: $(dmesg | tail -n 3)"
check_zones
# The block is still out and frees normally with its own order.
snap "$B"
mt free pfn=$big
snap "$A"
expect_deltas "$B" "$A" "zones/zone$z/frees=1 zones/zone$z/pages_used=-4 zones/zone$z/pages_free=4 nodes/node$(zone_read $z node)/pages_used=-4 nodes/node$(zone_read $z node)/pages_free=4"

# ---- a kernel page that never came from mirror.ko ----------------------------
snap "$B"
r0=$(refused)
mt foreign order=0
mt foreign order=3
snap "$A"
expect_deltas "$B" "$A" "bad_frees=2"
assert_eq $((r0 + 2)) "$(refused)" "log lines after foreign frees"
dmesg | grep -q 'not from mirror.ko' || fail "foreign free log line"

# ---- an ordinary page from mirror.ko: double free and wrong order ------------
mt alloc n=1 order=1 gfp=kernel cpu=0
opfn=$(mt_pfns)
snap "$B"
mt refree pfn=$opfn order=0
snap "$A"
expect_deltas "$B" "$A" "bad_frees=1"
mt free pfn=$opfn
snap "$B"
mt refree pfn=$opfn order=1
snap "$A"
expect_deltas "$B" "$A" "bad_frees=1"

# Nothing was corrupted: everything left frees cleanly, the walk agrees.
mt free all
all_idle
assert_eq 8 "$(mirror_read bad_frees)" "bad_frees in total"
# No oops, BUG or list corruption; the refusals are warnings only.
dmesg | grep -E 'BUG|Oops|corruption|Bad page' && fail "kernel trouble"
log "ok"
