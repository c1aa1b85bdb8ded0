# On a kernel booted with debug_pagealloc=on (x86, 6.1), memory removed and
# mapped back as device memory stays out of the kernel's direct map, and
# mirror.ko refuses to claim it (ABI.md, "Claiming"): the load fails with
# ENXIO and one line naming the zone and the reason, and nothing is lost
# or half-applied: the module is not loaded, MemTotal is what it was, and
# the zone's memory blocks are online again.  Booted by make check-debug
# (vm-run.sh --debug-kernel --append debug_pagealloc=on --tests-dir
# tests-pagealloc).
# vm-timeout: 300
. "$MIRROR_VM_LIB"
need_mirror

grep -qw 'debug_pagealloc=on' /proc/cmdline ||
	fail "this machine was booted without debug_pagealloc=on: $(cat /proc/cmdline)"

total0=$(meminfo MemTotal)
blocks0=$(grep -l online /sys/devices/system/memory/memory*/state | wc -l)
insmod_mirror "ranges=$MIRROR_VM_RANGES" &&
	fail "mirror.ko loaded with debug_pagealloc=on"
cat "$VMTEST_TMP/insmod.out"
# finit prints strerror(ENXIO).
assert_match 'No such device or address' "$(cat "$VMTEST_TMP/insmod.out")" "the load's error"
line=$(dmesg | grep -m1 'left the zone out of its direct map')
[ -n "$line" ] || fail "no line saying why: $(dmesg | tail -n 5)"
log "kernel log: $line"
assert_match 'zone0 \(128M@[0-9]+M\): the kernel left the zone out of its direct map \(debug_pagealloc=on\); boot without it to use mirror.ko' "$line" "the reason line"
is_loaded mirror && fail "mirror.ko is loaded after the refusal"
online_blocks
# The memory is back, and the part of the boot memory map that its removal
# freed (64 bytes a 4 KiB page: 2 MiB for 128 MiB) is free memory now.
total1=$(meminfo MemTotal)
log "MemTotal: $total0 kB before, $total1 kB after"
assert_cmp "$total1" -ge "$total0" "MemTotal after the refused load (kB)"
assert_cmp "$total1" -le $((total0 + 4 * 131072 / 50)) "MemTotal after the refused load (kB)"
assert_eq "$blocks0" "$(grep -l online /sys/devices/system/memory/memory*/state | wc -l)" "memory blocks online"
log "ok"
