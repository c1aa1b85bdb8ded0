#!/bin/sh
# vm-timeout: 300
# Debug kernel only (vm-run.sh --debug-kernel runs it last): with every
# module of the project unloaded, kmemleak suspects nothing.  What boot
# leaked was reported and cleared by debug-boot.sh, so whatever shows here
# was leaked while the tests ran; the backtrace names the allocator.
. "$MIRROR_VM_LIB"

k=/sys/kernel/debug/kmemleak
[ -w "$k" ] || fail "no $k: the kernel lacks CONFIG_DEBUG_KMEMLEAK or kmemleak is off"
for m in mirror_test mirror; do
	is_loaded "$m" && fail "$m is still loaded after the tests"
done
# A new object is only suspected once it is 5 s old; two scans, so that a
# pointer held in a register at the first one does not count.
sleep 5
echo scan >"$k" && echo scan >"$k" || fail "kmemleak scan failed"
cat "$k" >"$VMTEST_TMP/leaks"
if [ -s "$VMTEST_TMP/leaks" ]; then
	cat "$VMTEST_TMP/leaks"
	fail "kmemleak suspects $(grep -c '^unreferenced object' "$VMTEST_TMP/leaks") object(s) leaked while the tests ran"
fi
log "kmemleak: no leak suspected"
