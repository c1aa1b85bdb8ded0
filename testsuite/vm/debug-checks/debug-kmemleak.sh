#!/bin/sh
# vm-timeout: 300
# Debug kernel only (vm-run.sh --debug-kernel runs it last): with every
# module of the project unloaded, kmemleak suspects nothing.  What boot
# leaked was reported and cleared by debug-boot.sh, so whatever shows here
# was leaked while the tests ran; the backtrace names the allocator.
. "$MIRROR_VM_LIB"

for m in mirror_test mirror; do
	is_loaded "$m" && fail "$m is still loaded after the tests"
done
kmemleak_scan "$VMTEST_TMP/leaks"
if [ -s "$VMTEST_TMP/leaks" ]; then
	cat "$VMTEST_TMP/leaks"
	fail "kmemleak suspects $(grep -c '^unreferenced object' "$VMTEST_TMP/leaks") object(s) leaked while the tests ran"
fi
log "kmemleak: no leak suspected"
