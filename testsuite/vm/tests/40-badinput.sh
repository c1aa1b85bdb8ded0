# Bad input: a bad ranges= fails the load with one kernel log line naming
# the problem and leaves nothing behind; garbage written to any sysfs file
# fails with EINVAL (or EACCES for read-only files) and changes nothing.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror
need_cmd finit

memfree()
{
	meminfo MemFree
}

# reject RANGES ERRNO_TEXT LOG_TEXT [PREFIX [PARAM]]: loading with
# ranges=RANGES (and PARAM) fails with ERRNO_TEXT from insmod and exactly
# one new log line starting with PREFIX (default "mirror: ranges: ")
# containing LOG_TEXT
reject()
{
	_prefix=${4:-mirror: ranges: }
	before=$(kmsg_count 'mirror: ')
	# One finit_module() call: busybox insmod would retry with
	# init_module() and so run the module's init twice.
	if finit "$MIRROR_KO" "ranges=$1" ${5:+"$5"} >"$VMTEST_TMP/insmod.out" 2>&1; then
		rmmod mirror
		fail "ranges='$1' was accepted"
	fi
	grep -q "$2" "$VMTEST_TMP/insmod.out" ||
		fail "ranges='$1': insmod said '$(cat "$VMTEST_TMP/insmod.out")', expected '$2'"
	is_loaded mirror && fail "ranges='$1': module stayed loaded"
	[ -d "$MIRROR_SYS" ] && fail "ranges='$1': $MIRROR_SYS left behind"
	after=$(kmsg_count 'mirror: ')
	# The two "loading out-of-tree module" taint lines appear only once
	# per boot; count only our own lines.
	new=$(dmesg | grep 'mirror: ' | tail -n $((after - before)) | grep -v -e 'taints kernel' -e 'verification failed')
	n=$(printf '%s\n' "$new" | grep -c -F -e "$_prefix")
	assert_eq 1 "$n" "ranges='$1': log lines ($new)"
	printf '%s\n' "$new" | grep -q -F -e "$3" ||
		fail "ranges='$1': log line '$new' does not say '$3'"
	log "ranges='$1' -> $(printf '%s\n' "$new" | sed 's/^\[[^]]*\] //')"
}

free0=$(memfree)
EINVAL="Invalid argument"
# The layout (vm-config.sh): node 0's last block, the block where RAM ends,
# node 1's zone.
set -- $(node_range 0)
N0LAST=$(printf '0x%x' $(($2 - 0x8000000)))
set -- $(node_range $((MIRROR_VM_NODES - 1)))
RAMLAST=$(printf '0x%x' $(($2 - 0x8000000)))
Z1=$(zone_addr 1)
reject "128M@0x100000000" "$EINVAL" "outside System RAM"
reject "128M@$RAMLAST" "$EINVAL" "partly outside System RAM"
reject "128M@0" "$EINVAL" "partly outside System RAM"
reject "256M@0x8000000,128M@0x10000000" "$EINVAL" "overlaps range 1"
reject "128M@$Z1,128M@0x8000000,128M@$Z1" "$EINVAL" "range 3 (128M@$Z1): overlaps range 1"
# Zones are whole memory blocks: the error names the block size.
reject "128M@0x8001000" "$EINVAL" "start not aligned to 128M"
reject "64M@0x8000000" "$EINVAL" "size not aligned to 128M"
reject "3M@0x8000000" "$EINVAL" "size not aligned to 128M"
reject "0@0x8000000" "$EINVAL" "size is zero"
reject "0M@0x8000000" "$EINVAL" "size is zero"
reject "128M@0xfffffffff8000000" "$EINVAL" "ends beyond the 64-bit address space"
reject "99999999999999999999M@0" "$EINVAL" "size does not fit in 64 bits"
reject "128M@99999999999999999999" "$EINVAL" "start does not fit in 64 bits"
reject "16384P@0" "$EINVAL" "range 1"
reject "256M@$N0LAST" "$EINVAL" "spans NUMA nodes 0 and 1"
reject "abc" "$EINVAL" "range 1"
reject "128M@" "$EINVAL" "range 1"
reject "128M0x8000000" "$EINVAL" "range 1"
reject "128M@0x8000000," "$EINVAL" "trailing ','"
reject ",128M@0x8000000" "$EINVAL" "range 1 is empty"
reject "-128M@0x8000000" "$EINVAL" "range 1"
reject "128M@-0x8000000" "$EINVAL" "range 1"
# budget=: a size above 0 or a share of 1% to 100%, nothing else.
for b in 0 0% 0M -5% 101% 1000% abc 5%% 12Q 1.5G 50%x; do
	reject "$MIRROR_VM_RANGES" "$EINVAL" "budget: '$b'" "mirror: budget: " "budget=$b"
done
# A budget that leaves no whole memory block: nothing to claim.
reject "$MIRROR_VM_RANGES" "$EINVAL" "no whole memory block left" "mirror: budget: " "budget=64M"
# Empty: hardware mode, and this machine has no EFI memory map.
reject "" "No such device" "no EFI memory map"

# Nothing was claimed by any of the failed loads.
free1=$(memfree)
# (A claimed range would be 128 MiB at least; other activity moves MemFree
# by some MiB: half a claim is the limit.)
assert_cmp "$free1" -ge $((free0 - 65536)) "MemFree after failed loads ($free0 -> $free1 kB)"

# ---- sysfs writes ---------------------------------------------------------
load_mirror

# bad_write FILE VALUE ERRNO_TEXT: the write fails with that error and the
# file reads the same afterwards
bad_write()
{
	old=$(cat "$MIRROR_SYS/$1")
	# dd: one write(2) of exactly these bytes, and it names the errno.
	if printf '%b' "$2" | dd of="$MIRROR_SYS/$1" bs=4096 2>"$VMTEST_TMP/w.err"; then
		fail "writing '$2' to $1 succeeded"
	fi
	grep -q "$3" "$VMTEST_TMP/w.err" ||
		fail "writing '$2' to $1: '$(cat "$VMTEST_TMP/w.err")', expected '$3'"
	assert_eq "$old" "$(cat "$MIRROR_SYS/$1")" "$1 after writing '$2'"
}

for f in policy/default_mirror policy/fallback; do
	for v in 2 -1 yes no true false 1x x1 01 0x1 ' 1' '1 ' '\n' '1\n\n' \
		'1\r' ON On OFF Y1 '\t1' 99999999999999999999 -99999999999999999999 \
		18446744073709551617 '1\0' 'o' 'of' 'onn'; do
		bad_write "$f" "$v" "$EINVAL"
	done
	# Every accepted spelling, and what it reads as afterwards.
	for pair in 0:0 1:1 N:0 Y:1 n:0 y:1 off:0 on:1 '0\n:0' '1\n:1' 'off\n:0' 'on\n:1'; do
		printf '%b' "${pair%:*}" >"$MIRROR_SYS/$f" ||
			fail "writing '${pair%:*}' to $f failed"
		assert_eq "${pair#*:}" "$(mirror_read $f)" "$f after '${pair%:*}'"
	done
done
must mirror_write policy/default_mirror 0
must mirror_write policy/fallback 1

# Read-only files refuse any write, root included.
for f in abi_version version mode nr_zones bad_frees ordinary_pages \
	zones/zone0/node zones/zone0/start zones/zone0/size \
	zones/zone0/pages_requested zones/zone0/pages_present \
	zones/zone0/blocks_unclaimed zones/zone0/pages_free \
	zones/zone0/pages_used zones/zone0/allocs zones/zone0/frees \
	zones/zone0/alloc_failures zones/zone0/bad_frees zones/zone0/exhausted \
	zones/zone0/free_blocks zones/zone0/occupied \
	nodes/node0/pages_total nodes/node0/pages_free nodes/node0/pages_used \
	nodes/node0/allocs_local nodes/node0/allocs_remote \
	nodes/node0/fallback_exhausted nodes/node0/fallback_constraint \
	nodes/node0/failed nodes/node0/allocs_ordinary; do
	for v in 0 1 -1 garbage 99999999999999999999; do
		bad_write "$f" "$v" "Permission denied"
	done
done

# The module parameters are read-only once loaded.
for p in ranges default_mirror fallback; do
	assert_eq 444 "$(stat -c %a /sys/module/mirror/parameters/$p)" "parameter $p mode"
	if echo 1 >/sys/module/mirror/parameters/$p 2>/dev/null; then
		fail "parameter $p accepted a write"
	fi
done
assert_eq "$MIRROR_VM_RANGES" "$(cat /sys/module/mirror/parameters/ranges)" "ranges parameter"
unload_mirror

# ---- memory the kernel cannot give up -------------------------------------
# The last block of node 0 holds the node's memory map (reserved pages):
# it cannot be offlined.  Zone 0 is claimed first, so the failure of zone 1
# must give it back: nothing half-claimed.  The kernel dumps the unmovable
# page it met ("page dumped because: unmovable page"): expected here, so
# this part comes last.
expect_kernel_warnings
total0=$(meminfo MemTotal)
reject "128M@$(zone_addr 0),128M@$N0LAST" "Device or resource busy" \
	"zone1 (128M@$(($N0LAST >> 20))M): memory could not be offlined: pages in use that cannot be migrated" \
	"mirror: zone"
online_blocks
assert_eq "$total0" "$(meminfo MemTotal)" "MemTotal after the failed claim"
for b in $(($(zone_addr 0) / 0x8000000)) $(($N0LAST / 0x8000000)); do
	assert_eq online "$(cat /sys/devices/system/memory/memory$b/state)" "memory$b state"
done
log "ok"
