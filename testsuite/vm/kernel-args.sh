#!/bin/sh
# The other-kernel side of the test machine without booting it: bad
# arguments of vm-run.sh --kernel-flavour and vm-kernel.sh (one line naming
# the problem, the documented exit status, nothing built), a missing kernel
# source (77, naming the package), the debug kernel's config fragment (well
# formed, every check the debug run promises), and the kernel-report
# pattern of vm-config.sh against real report lines and harmless ones.
. "$(dirname "$0")/../lib/common.sh"

VM=$top_srcdir/testsuite/vm
# vm-kernel.sh must fail before it touches the build tree.
export top_builddir=$TMP

expect_fail 99 "unknown kernel flavour 'foo'" -- sh "$VM/vm-run.sh" --kernel-flavour foo
expect_fail 99 "'4x' is not a number" -- sh "$VM/vm-run.sh" --debug-kernel --timeout-scale 4x
expect_fail 1 "no --flavour" -- sh "$VM/vm-kernel.sh"
expect_fail 1 "unknown kernel flavour 'stable'" -- sh "$VM/vm-kernel.sh" --flavour stable
expect_fail 1 "--jobs '0' is not a positive number" -- sh "$VM/vm-kernel.sh" --flavour debug --jobs 0
expect_fail 1 "unknown argument '--kver'" -- sh "$VM/vm-kernel.sh" --kver 6.1
MIRROR_KERNEL_SOURCE=$TMP/none.tar.xz \
	expect_fail 77 "apt-get install linux-source-6.1" -- sh "$VM/vm-kernel.sh" --flavour debug
[ -e "$TMP/testsuite" ] && fail "a failed vm-kernel.sh left $TMP/testsuite behind"

# ---- the fragment ----------------------------------------------------------
frag=$VM/debug-kernel.config
bad=$(grep -v -E '^(CONFIG_[A-Z0-9_]+=(y|m|n|[0-9]+|"[^"]*")|# CONFIG_[A-Z0-9_]+ is not set|#.*|)$' "$frag")
[ -z "$bad" ] && pass "debug-kernel.config: every line is an option or a comment" ||
	fail "debug-kernel.config: malformed lines: $bad"
dups=$(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=.*/\1/p; s/^# \(CONFIG_[A-Z0-9_]*\) is not set/\1/p' "$frag" |
	sort | uniq -d)
[ -z "$dups" ] && pass "debug-kernel.config: no option twice" ||
	fail "debug-kernel.config: set twice: $dups"
for o in KASAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_VM DEBUG_PAGEALLOC PAGE_OWNER \
	DEBUG_OBJECTS DEBUG_KMEMLEAK MEMORY_HOTPLUG MEMORY_HOTREMOVE ZONE_DEVICE \
	DEVICE_MIGRATION MEMORY_FAILURE NUMA CONTIG_ALLOC DEBUG_FS PROC_PAGE_MONITOR \
	SERIAL_8250_CONSOLE VIRTIO_CONSOLE BLK_DEV_INITRD DEVTMPFS IKCONFIG_PROC; do
	grep -qx "CONFIG_$o=y" "$frag" || fail "debug-kernel.config lacks CONFIG_$o=y"
done
# The tests modprobe it, as on Debian's kernel.
grep -qx 'CONFIG_HWPOISON_INJECT=m' "$frag" || fail "debug-kernel.config: HWPOISON_INJECT is not =m"
. "$VM/vm-config.sh"
for w in page_owner=on kasan_multi_shot; do
	case " $VM_DEBUG_CMDLINE " in
	*" $w "*) ;;
	*) fail "VM_DEBUG_CMDLINE lacks $w" ;;
	esac
done
# Not debug_pagealloc=on: mirror.ko refuses zones the kernel left out of
# its direct map then (ABI.md, "Claiming"; vm-config.sh says why).
case " $VM_DEBUG_CMDLINE " in
*" debug_pagealloc=on "*) fail "VM_DEBUG_CMDLINE has debug_pagealloc=on: no zone could be claimed" ;;
esac
pass "debug-kernel.config and VM_DEBUG_CMDLINE: the promised checks"

# ---- the kernel-report pattern ---------------------------------------------
# Lines as the 6.1 kernel prints them (the first line of each report).
while IFS= read -r line; do
	[ -n "$line" ] || continue
	printf '%s\n' "$line" | grep -q -E "$VM_KERNEL_TROUBLE" ||
		fail "VM_KERNEL_TROUBLE misses: $line"
done <<'LINES'
[   12.3] BUG: KASAN: use-after-free in mirror_free_pages+0x1c/0x80 [mirror]
[   12.3] BUG: KASAN: slab-out-of-bounds in memcpy+0x20/0x60
[   12.3] WARNING: possible circular locking dependency detected
[   12.3] WARNING: inconsistent lock state
[   12.3] WARNING: suspicious RCU usage
[   12.3] WARNING: possible recursive locking detected
[   12.3] BUG: sleeping function called from invalid context at mm/page_alloc.c:5170
[   12.3] BUG: Bad page state in process sh  pfn:08000
[   12.3] BUG: Bad page map in process a.out  pte:800000000800025 pmd:0
[   12.3] WARNING: CPU: 1 PID: 140 at mm/memremap.c:520 free_zone_device_page+0x9a/0xb0
[   12.3] ODEBUG: free active (active state 0) object: ffff888004c0e0a8 object type: timer_list hint: mirror_scrub+0x0/0x60 [mirror]
[   12.3] kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
[   12.3] list_del corruption. prev->next should be ffff888004c0e0a8, but was dead000000000100
[   12.3] kernel BUG at mm/page_alloc.c:1200!
LINES
while IFS= read -r line; do
	[ -n "$line" ] || continue
	printf '%s\n' "$line" | grep -q -E "$VM_KERNEL_TROUBLE" &&
		fail "VM_KERNEL_TROUBLE matches a harmless line: $line"
done <<'LINES'
[    0.0] kmemleak: Kernel memory leak detector initialized (mem pool available: 15767)
[    0.0] Memory: 1985236K/2096632K available (22528K kernel code, 3911K rwdata)
[    1.2] lockdep: fixing up alternatives
[   13.9] mirror: loading out-of-tree module taints kernel.
[   15.4] mirror: zone0: 1 of 32 pageblocks not claimed (first at 0x8000000: pages in use that cannot be migrated, error -16)
[   16.0] Memory failure: 0x28010: recovery action for dax page: Recovered
LINES
pass "VM_KERNEL_TROUBLE: report lines matched, harmless lines not"

finish
