#!/bin/sh
# vm-timeout: 300
# Debug kernel only (vm-run.sh --debug-kernel runs it first): the kernel
# log of the boot holds no KASAN, lockdep, BUG, WARNING, bad page or other
# report, and kmemleak, scanned now, suspects nothing that boot leaked.
# The suspects are then cleared, so the scan at the end of the run
# (debug-kmemleak.sh) reports only what the tests leaked.
. "$MIRROR_VM_LIB"

[ -r /run/boot.dmesg ] || fail "no /run/boot.dmesg: vm-init.sh did not save the boot log"
bad=$(grep -n -E "$MIRROR_VM_KERNEL_TROUBLE" /run/boot.dmesg)
if [ -n "$bad" ]; then
	echo "the kernel log of the boot:"
	sed 's/^/  /' /run/boot.dmesg
	fail "the boot logged $(echo "$bad" | wc -l) report line(s), first: $(echo "$bad" | head -n 1)"
fi
for w in KASAN PROVE_LOCKING DEBUG_PAGEALLOC PAGE_OWNER; do
	zcat /proc/config.gz | grep -q "^CONFIG_$w=y" || fail "this kernel lacks CONFIG_$w"
done
log "boot log clean ($(wc -l </run/boot.dmesg) lines); $(uname -r): $(cat /proc/cmdline)"

kmemleak_scan "$VMTEST_TMP/leaks"
if [ -s "$VMTEST_TMP/leaks" ]; then
	cat "$VMTEST_TMP/leaks"
	echo clear >/sys/kernel/debug/kmemleak
	fail "kmemleak suspects $(grep -c '^unreferenced object' "$VMTEST_TMP/leaks") object(s) leaked during boot"
fi
echo clear >/sys/kernel/debug/kmemleak
log "kmemleak: nothing leaked during boot"
