# GFP_ATOMIC allocations from atomic context: with interrupts off under a
# spinlock, in a timer (softirq), and in a hard interrupt (irq_work), on
# every CPU; the pages come from the CPU's own zone and the kernel logs no
# sleeping-in-atomic complaint.  When every zone is full, the fallback to
# ordinary memory works from a hard interrupt too.
# vm-timeout: 240
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror_test

load_mirror
load_mirror_test
B=$VMTEST_TMP/before
A=$VMTEST_TMP/after

# ctx=irqoff holds a spinlock_t with spin_lock_irqsave(), as a driver does:
# on PREEMPT_RT that lock sleeps and leaves interrupts on.
rt=false
uname -v | grep -q PREEMPT_RT && rt=true
irqoff_want="1 0 0"
$rt && irqoff_want="0 0 0"
for cpu in 0 1 2 3; do
	for ctx in irqoff softirq hardirq; do
		snap "$B"
		mt alloc n=16 order=1 gfp=atomic,mirror ctx=$ctx cpu=$cpu
		assert_eq 16 "$(mt_val allocated)" "$ctx on cpu$cpu allocated"
		assert_eq "$cpu" "$(mt_val cpu)" "$ctx ran on cpu$cpu"
		case $ctx in
		irqoff) assert_eq "$irqoff_want" "$(mt_val irqs_disabled) $(mt_val hardirq) $(mt_val softirq)" "irqoff context" ;;
		softirq) assert_eq "0 1" "$(mt_val hardirq) $(mt_val softirq)" "softirq context" ;;
		hardirq) assert_eq "1 1" "$(mt_val irqs_disabled) $(mt_val hardirq)" "hardirq context" ;;
		esac
		node=$(mt_val cpu_node)
		assert_eq "$node 16" "$(mt_pfns | zones_of_pfns)" "$ctx on cpu$cpu: node $node's zone"
		snap "$A"
		expect_deltas "$B" "$A" "zones/zone$node/allocs=16 zones/zone$node/pages_used=32 zones/zone$node/pages_free=-32 nodes/node$node/allocs_local=16 nodes/node$node/pages_used=32 nodes/node$node/pages_free=-32"
	done
done
mt free all
all_idle

# A blocking gfp in atomic context is refused by the test driver itself.
mt_try alloc n=1 gfp=kernel,mirror ctx=hardirq && fail "GFP_KERNEL accepted in hard irq"

# Fill every zone, then allocate in a hard interrupt: ordinary memory.
for cpu in 0 1 2 3; do
	p=$(zone_read $cpu pages_present)
	mt alloc n=$p order=0 gfp=kernel,mirror,strict cpu=$cpu
	assert_eq "$p" "$(mt_val allocated)" "fill zone of cpu$cpu"
done
snap "$B"
mt alloc n=8 order=0 gfp=atomic,mirror ctx=hardirq cpu=2
assert_eq 0 "$(mt_val mirrored)" "fallback pages are ordinary"
snap "$A"
zones_full="zones/zone0/alloc_failures=8 zones/zone1/alloc_failures=8 zones/zone2/alloc_failures=8 zones/zone3/alloc_failures=8 zones/zone0/exhausted=1 zones/zone1/exhausted=1 zones/zone2/exhausted=1 zones/zone3/exhausted=1"
if $rt; then
	# The kernel's page allocator takes sleeping locks there: no
	# ordinary memory in a hard interrupt (ABI.md, nodes/ "failed").
	assert_eq 0 "$(mt_val allocated)" "no fallback in hard irq on PREEMPT_RT"
	expect_deltas "$B" "$A" "$zones_full nodes/node2/failed=8"
else
	assert_eq 8 "$(mt_val allocated)" "fallback in hard irq"
	expect_deltas "$B" "$A" "$zones_full nodes/node2/fallback_exhausted=8 ordinary_pages=8"
fi
# Strict in a hard interrupt: NULL, no sleeping.
mt alloc n=4 order=0 gfp=atomic,mirror,strict,nowarn ctx=hardirq cpu=1
assert_eq 0 "$(mt_val allocated)" "strict in hard irq"
mt free all
all_idle

if dmesg | grep -E 'sleeping function called from invalid context|scheduling while atomic|BUG'; then
	fail "the kernel saw sleeping in atomic context"
fi
log "ok"
