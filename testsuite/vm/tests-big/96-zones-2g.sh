# Zones of real size: a 2 GiB zone on each node of a bigger machine (four
# 3 GiB nodes, booted by vm-bigzones.vmtap), without the emulated channel
# (its copies would double the memory).  Reports how long the load takes
# and what mirror.ko keeps per GiB of zone; checks that the zones work (an
# allocation from each, a process moved in and out) and that the unload
# gives the memory back.  BIGZONE_MB sets the zone size (default 2048).
# vm-timeout: 900
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror_test
need_cmd timeit mproc mirrorctl

MB=${BIGZONE_MB:-2048}

ranges=$(big_zone_ranges "$MB") || exit 1
log "ranges: $ranges"

total0=$(meminfo MemTotal)
online_blocks
timeit finit "$MIRROR_KO" "ranges=$ranges" channel=0 >"$VMTEST_TMP/insmod.out" 2>"$VMTEST_TMP/time.out" ||
	fail "load failed: $(cat "$VMTEST_TMP/insmod.out"); $(dmesg | tail -n 5)"
_vm_loaded="$_vm_loaded mirror"
us=$(sed -n 's/^elapsed_us=//p' "$VMTEST_TMP/time.out")
assert_eq 4 "$(mirror_read nr_zones)" "zones"
for d in "$MIRROR_SYS"/zones/zone*; do
	assert_eq $((MB * 256)) "$(cat "$d/pages_free")" "${d##*/} pages free"
done
# The zones leave MemTotal, less the kernel's boot-time memory map of them
# (64 bytes a page, 1.6%, and a little more), which their removal freed.
total1=$(meminfo MemTotal)
zkb=$((4 * MB * 1024))
assert_cmp "$total1" -le $((total0 - zkb + zkb / 50)) "MemTotal while loaded (kB, from $total0)"
assert_cmp "$total1" -ge $((total0 - zkb)) "MemTotal while loaded (kB, from $total0)"
sed 's/^/  /' /sys/kernel/debug/mirror/meta
per_gib=$(sed -n 's/.* per_gib=\([0-9]*\)$/\1/p' /sys/kernel/debug/mirror/meta | head -n 1)
log "load of 4 x ${MB} MiB zones: $((us / 1000)) ms, $((us / 1000 / (4 * MB / 1024))) ms per GiB; mirror.ko metadata $per_gib bytes per GiB of zone"

# The zones work: a block from each node's zone, the last page of each.
load_mirror_test
for n in 0 1 2 3; do
	mt alloc n=1 order=10 gfp=kernel,mirror,strict,thisnode node=$n
	assert_eq 1 "$(mt_val mirrored)" "an order-10 block from node $n's zone"
done
mt free all
# A process moved in and out again.
mp_start a
mp a alloc 256
must mirrorctl set "$MP_PID"
mp_check_mirrored a
must mirrorctl clear --move-back "$MP_PID"
mp a check
assert_eq "0 0" "$(mp_val mirror) $(mp_val bad)" "moved back out, data intact"
mp a exit
wait
all_idle
unload_mirror
total2=$(meminfo MemTotal)
log "MemTotal: $total0 kB before, $total1 kB loaded, $total2 kB after the unload"
assert_cmp "$total2" -ge "$total0" "MemTotal after the unload (kB)"
assert_cmp "$total2" -le $((total0 + zkb / 50)) "MemTotal after the unload (kB)"
