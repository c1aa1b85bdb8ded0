# Unload is refused while pages are out: mirror.ko holds a reference on
# itself (/sys/module/mirror/refcnt) exactly while any block is out (once
# the per-CPU caches are emptied: settle_caches), so
# rmmod fails with EAGAIN even when the module that leaked the pages is
# gone; once the pages come back it unloads and the kernel has the memory
# again.
# vm-timeout: 200
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror_test
need_cmd kpageflags

load_mirror
load_mirror_test
refcnt()
{
	sysfs_read /sys/module/mirror/refcnt
}
# mirror_test.ko itself holds one reference (it uses mirror.ko's symbols).
assert_eq 1 "$(refcnt)" "refcnt with nothing out"

# A user module is loaded: rmmod refuses because of it.
if rmmod mirror 2>"$VMTEST_TMP/rmmod.err"; then
	fail "mirror unloaded under mirror_test"
fi
cat "$VMTEST_TMP/rmmod.err"

# One reference per zone with pages out, one for ordinary pages.
mt alloc n=3 order=0 gfp=kernel,mirror cpu=0
assert_eq 2 "$(refcnt)" "refcnt with one zone in use"
mt alloc n=1 order=2 gfp=kernel,mirror cpu=3
assert_eq 3 "$(refcnt)" "refcnt with two zones in use"
mt alloc n=1 order=0 gfp=kernel cpu=1
assert_eq 4 "$(refcnt)" "refcnt with ordinary pages out too"
mt free all
settle_caches
assert_eq 1 "$(refcnt)" "refcnt after freeing everything"

# A leaking driver: pages out, the driver gone.
mt alloc n=2 order=1 gfp=kernel,mirror cpu=2
mt leak
pfns=$(sed -n 's/^\(0x[0-9a-f]*\) 1$/\1/p' "$MT_OUT")
assert_eq 2 "$(echo "$pfns" | wc -l)" "leaked blocks"
must rmmod mirror_test
assert_eq 1 "$(refcnt)" "refcnt with leaked pages"
if rmmod mirror 2>"$VMTEST_TMP/rmmod.err"; then
	fail "mirror unloaded with pages out"
fi
cat "$VMTEST_TMP/rmmod.err"
grep -q "Resource temporarily unavailable" "$VMTEST_TMP/rmmod.err" ||
	fail "rmmod error: $(cat "$VMTEST_TMP/rmmod.err")"
is_loaded mirror || fail "mirror went away"
assert_eq 4 "$(node_read 2 pages_used)" "node 2 pages still out"

# The pages come back (a new driver frees them): the module can go.
load_mirror_test
for p in $pfns; do
	mt refree pfn=$p order=1
done
settle_caches
assert_eq 1 "$(refcnt)" "refcnt after the leaked pages came back (mirror_test's own)"
all_idle
must rmmod mirror_test
total0=$(meminfo MemTotal)
must rmmod mirror

# The zones' memory is System RAM again: back in MemTotal once its blocks
# are online (the kernel leaves added memory offline unless told
# otherwise), with free buddy blocks in every range.
bs=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
for z in 0 1 2 3; do
	set -- $(vm_range $z)
	b=$(($1 / bs))
	assert_eq offline "$(cat /sys/devices/system/memory/memory$b/state)" "memory$b state after unload"
	grep -q "System RAM" /proc/iomem || fail "no System RAM"
done
online_blocks
total1=$(meminfo MemTotal)
assert_eq $((total0 + 4 * 131072)) "$total1" "MemTotal with the zones back (kB)"
for z in 0 1 2 3; do
	set -- $(vm_range $z)
	spfn=$(($1 / 4096))
	c=$(kpageflags $spfn $((spfn + $2 / 4096)))
	buddy=$(echo "$c" | sed 's/^buddy=\([0-9]*\) .*/\1/')
	assert_cmp "$buddy" -gt 0 "range $z after unload ($c)"
done
log "ok"
