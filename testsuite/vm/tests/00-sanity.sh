# The test machine itself: the layout every other script relies on.
# vm-timeout: 120
. "$MIRROR_VM_LIB"

# Four nodes online, one CPU each.
assert_eq "0-$((MIRROR_VM_NODES - 1))" "$(sysfs_read /sys/devices/system/node/online)" "online nodes"
assert_eq "0-$((MIRROR_VM_NODES - 1))" "$(sysfs_read /sys/devices/system/cpu/online)" "online cpus"

# The distance matrix QEMU was given, as the kernel read it from the SLIT.
n=0
echo "$MIRROR_VM_DISTANCES" | tr ';' '\n' >"$VMTEST_TMP/dist"
while read -r row; do
	assert_eq "$n" "$(sysfs_read /sys/devices/system/node/node$n/cpulist)" "node$n cpulist"
	assert_eq "$row" "$(sysfs_read /sys/devices/system/node/node$n/distance)" "node$n distance"
	n=$((n + 1))
done <"$VMTEST_TMP/dist"
assert_eq "$MIRROR_VM_NODES" "$n" "rows of MIRROR_VM_DISTANCES"

# Each node holds exactly the physical range the README promises.
bs=$((0x$(sysfs_read /sys/devices/system/memory/block_size_bytes)))
n=0
for r in $MIRROR_VM_NODE_RANGES; do
	start=$((${r%-*}))
	end=$((${r#*-}))
	b=$((start / bs))
	while [ "$b" -lt $((end / bs)) ]; do
		[ -e "/sys/devices/system/node/node$n/memory$b" ] ||
			fail "memory block $b (0x$(printf %x $((b * bs)))) is not on node $n"
		b=$((b + 1))
	done
	assert_eq "$n" "$(node_of_addr "$start")" "node of $(printf 0x%x "$start")"
	assert_eq "$n" "$(node_of_addr $((end - 1)))" "node of $(printf 0x%x $((end - 1)))"
	n=$((n + 1))
done
log "nodes: $MIRROR_VM_NODE_RANGES"

# Every suggested mirror range is System RAM on its own node, made of whole
# memory blocks, clear of the kernel image.
kend=$(grep -E 'Kernel (bss|data|code)' /proc/iomem | sed 's/^ *[0-9a-f]*-\([0-9a-f]*\) .*/\1/' | sort | tail -n 1)
[ -n "$kend" ] || fail "no kernel image in /proc/iomem"
i=0
for r in $(echo "$MIRROR_VM_RANGES" | tr ',' ' '); do
	set -- $(vm_range $i)
	start=$1
	size=$2
	bs=0x$(cat /sys/devices/system/memory/block_size_bytes)
	assert_eq 0 $((start % bs)) "alignment of $r to the memory block size"
	assert_eq 0 $((size % bs)) "size of $r in memory blocks"
	assert_eq "$i" "$(node_of_addr "$start")" "node of $r"
	assert_eq "$i" "$(node_of_addr $((start + size - 1)))" "node of the end of $r"
	assert_cmp "$start" -gt $((0x$kend)) "start of $r vs the kernel image end 0x$kend"
	ram=$(awk -v s="$start" -v e=$((start + size - 1)) '
		/System RAM/ {
			split($1, a, "-")
			if (("0x" a[1]) + 0 <= s && ("0x" a[2]) + 0 >= e) ok = 1
		}
		END { print ok + 0 }' /proc/iomem)
	assert_eq 1 "$ram" "$r inside one System RAM range of /proc/iomem"
	# Nothing the kernel cannot move may sit there: no slab, page table,
	# reserved, poisoned or missing page (/proc/kpageflags bits 7, 26, 32,
	# 19, 20).  Free and LRU pages are fine, alloc_contig_range moves them.
	# (4096 bytes of flags per 2 MiB of memory, the ranges' alignment)
	bad=$(dd if=/proc/kpageflags bs=4096 skip=$((start >> 21)) count=$((size >> 21)) 2>/dev/null |
		od -An -v -t x8 | awk '
		{
			for (i = 1; i <= NF; i++) {
				hi = ("0x" substr($i, 1, 8)) + 0
				lo = ("0x" substr($i, 9, 8)) + 0
				n++
				if (and(hi, 1) || and(lo, 68681856)) bad++
			}
		}
		END { print (n == '$((size >> 12))') ? bad + 0 : "short read of " n " pages" }')
	assert_eq 0 "$bad" "unmovable pages in $r"
	# Booted with kernelcore= (vm-config.sh), the range lies in
	# ZONE_MOVABLE, where the kernel puts nothing it cannot migrate.
	if grep -q 'kernelcore=' /proc/cmdline; then
		b=$((start / bs))
		while [ "$b" -lt $(((start + size) / bs)) ]; do
			assert_eq Movable "$(sysfs_read /sys/devices/system/memory/memory$b/valid_zones)" \
				"zone of memory$b ($r)"
			b=$((b + 1))
		done
	fi
	i=$((i + 1))
done
assert_eq "$MIRROR_VM_NODES" "$i" "ranges in MIRROR_VM_RANGES"

# The pseudo file systems the tests use.
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts || fail "debugfs is not mounted"
grep -q ' /tmp tmpfs ' /proc/mounts || fail "/tmp is not a tmpfs"
[ -r /proc/self/pagemap ] || fail "no /proc/self/pagemap"
[ -r /proc/kpageflags ] || fail "no /proc/kpageflags"

# The distribution modules the tests may load.
load_kmod hwpoison_inject
[ -e /sys/kernel/debug/hwpoison/corrupt-pfn ] || fail "hwpoison_inject loaded but corrupt-pfn is missing"
must rmmod hwpoison_inject

# What was built is in the machine and runs.
if [ -n "$MIRROR_KO" ]; then
	assert_eq "$KERNEL_RELEASE" "$(modinfo -F vermagic "$MIRROR_KO" | cut -d' ' -f1)" "mirror.ko vermagic"
fi
for t in $MIRROR_VM_TOOLS; do
	"$t" --help >/dev/null 2>&1 || "$t" --version >/dev/null 2>&1 ||
		fail "$t does not run (missing shared library?): $("$t" --help 2>&1 | head -n 1)"
done
for h in $MIRROR_VM_HELPERS; do
	command -v "$h" >/dev/null || fail "helper $h is not on PATH"
done
log "module: ${MIRROR_KO:-not built}; tools: ${MIRROR_VM_TOOLS:-none}; helpers: ${MIRROR_VM_HELPERS:-none}"
exit 0
