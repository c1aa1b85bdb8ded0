# mirror.ko loads in emulation mode: one zone per range, in address order,
# bound to the node that holds it, every page claimed from the kernel, the
# sysfs tree as ABI.md lists it; unload gives every page back.
# vm-timeout: 240
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror
need_cmd kpageflags

load_mirror
assert_eq 2 "$(mirror_read abi_version)" abi_version
assert_match '^[0-9]+\.[0-9]+' "$(mirror_read version)" version
assert_eq emulation "$(mirror_read mode)" mode
nr=$(echo "$MIRROR_VM_RANGES" | tr ',' '\n' | wc -l)
assert_eq "$nr" "$(mirror_read nr_zones)" nr_zones
assert_eq 0 "$(mirror_read policy/default_mirror)" "policy/default_mirror"
assert_eq 1 "$(mirror_read policy/fallback)" "policy/fallback"
assert_eq 0 "$(mirror_read bad_frees)" bad_frees
assert_eq 0 "$(mirror_read ordinary_pages)" ordinary_pages
assert_eq 0 "$(sysfs_read /sys/module/mirror/refcnt)" "module refcnt"
assert_eq 1 "$(kmsg_count '^.*mirror: emulation mode, '"$nr"' zones')" "load log line"

# Every file ABI.md lists, and nothing else.
files=$(cd "$MIRROR_SYS" && ls | tr '\n' ' ')
assert_eq "abi_version bad_frees channel layout memtypes mode nodes nr_zones ordinary_pages policy processes version zones " "$files" "top-level files"
assert_eq "default_mirror fallback " "$(ls "$MIRROR_SYS/policy" | tr '\n' ' ')" "policy files"
zfiles="alloc_failures allocs bad_frees blocks_unclaimed exhausted failovers free_blocks frees node occupied pages_free pages_present pages_requested pages_used size start stat "
nfiles="allocs_local allocs_ordinary allocs_remote failed fallback_constraint fallback_exhausted pages_free pages_total pages_used stat "

total_present=0
z=0
while [ "$z" -lt "$nr" ]; do
	set -- $(vm_range "$z")
	start=$1
	size=$2
	d=$MIRROR_SYS/zones/zone$z
	assert_eq "$zfiles" "$(ls "$d" | tr '\n' ' ')" "zone$z files"
	assert_eq "$(printf '0x%x' "$start")" "$(zone_read $z start)" "zone$z start"
	assert_eq "$size" "$(zone_read $z size)" "zone$z size"
	nid=$(node_of_addr "$start")
	assert_eq "$nid" "$(node_of_addr $((start + size - 1)))" "range $z on one node"
	assert_eq "$nid" "$(zone_read $z node)" "zone$z node"
	# layout holds the same, a line per zone, for readers in one open().
	assert_eq "$z $nid $(printf '0x%x' "$start") $size" \
		"$(sed -n "$((z + 1))p" "$MIRROR_SYS/layout")" "zone$z layout line"
	req=$((size / 4096))
	assert_eq "$req" "$(zone_read $z pages_requested)" "zone$z pages_requested"
	present=$(zone_read $z pages_present)
	unclaimed=$(zone_read $z blocks_unclaimed)
	assert_eq "$req" $((present + unclaimed * 512)) "zone$z present + unclaimed blocks"
	# The suggested ranges are free at boot (00-sanity checks): all claimed.
	assert_eq 0 "$unclaimed" "zone$z blocks_unclaimed"
	assert_eq "$present" "$(zone_read $z pages_free)" "zone$z pages_free"
	for c in pages_used allocs frees alloc_failures bad_frees exhausted; do
		assert_eq 0 "$(zone_read $z $c)" "zone$z $c"
	done
	assert_eq "" "$(zone_read $z occupied)" "zone$z occupied"
	# free_blocks adds up to pages_free: eleven orders.
	fb=$(zone_read $z free_blocks)
	assert_eq 11 "$(echo "$fb" | wc -w)" "zone$z free_blocks fields"
	sum=$(echo "$fb" | awk '{ s = 0; m = 1; for (i = 1; i <= NF; i++) { s += $i * m; m *= 2 }; printf "%d", s }')
	assert_eq "$present" "$sum" "zone$z free_blocks total"
	# From outside: no page of the zone is the kernel's any more.  It is
	# device memory, which /proc/kpageflags shows as no page at all: not
	# free in the buddy allocator, not on an LRU list, not a slab.
	spfn=$((start / 4096))
	flags=$(kpageflags "$spfn" $((spfn + req)))
	assert_eq "buddy=0 lru=0 slab=0 reserved=0 nopage=$req" "$flags" "zone$z /proc/kpageflags"
	bs=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
	[ -e "/sys/devices/system/memory/memory$((start / bs))" ] &&
		fail "zone$z: its memory block is still the kernel's"
	total_present=$((total_present + present))
	z=$((z + 1))
done

assert_eq "$nr" "$(wc -l <"$MIRROR_SYS/layout")" "layout lines"
assert_eq "-r--r--r--" "$(stat -c %A "$MIRROR_SYS/layout")" "layout mode"
# Its size is the text's, so that stat() and a reader's buffer agree.
assert_eq "$(stat -c %s "$MIRROR_SYS/layout")" \
	"$(wc -c <"$MIRROR_SYS/layout")" "layout size"

# Zones are numbered in address order.
prev=-1
z=0
while [ "$z" -lt "$nr" ]; do
	s=$(($(zone_read $z start)))
	assert_cmp "$s" -gt "$prev" "zone$z start after zone$((z - 1))"
	prev=$s
	z=$((z + 1))
done

# One directory per online node, zone pages summed per node.
for nd in /sys/devices/system/node/node[0-9]*; do
	n=${nd##*node}
	d=$MIRROR_SYS/nodes/node$n
	[ -d "$d" ] || fail "nodes/node$n is missing"
	assert_eq "$nfiles" "$(ls "$d" | tr '\n' ' ')" "node$n files"
	want=0
	z=0
	while [ "$z" -lt "$nr" ]; do
		[ "$(zone_read $z node)" = "$n" ] &&
			want=$((want + $(zone_read $z pages_present)))
		z=$((z + 1))
	done
	assert_eq "$want" "$(node_read $n pages_total)" "node$n pages_total"
	assert_eq "$want" "$(node_read $n pages_free)" "node$n pages_free"
	for c in pages_used allocs_local allocs_remote fallback_exhausted fallback_constraint failed allocs_ordinary; do
		assert_eq 0 "$(node_read $n $c)" "node$n $c"
	done
done
check_zones

# Parameters set the initial policy.
unload_mirror
load_mirror "$MIRROR_VM_RANGES" default_mirror=1 fallback=0
assert_eq 1 "$(mirror_read policy/default_mirror)" "default_mirror=1"
assert_eq 0 "$(mirror_read policy/fallback)" "fallback=0"

# kernel_free_kb: the kernel's free memory, MemFree plus the pages waiting
# in per-CPU lists (which MemFree leaves out; freed pages land there first)
kernel_free_kb()
{
	_pcp=$(awk '$1 == "count:" { s += $2 } END { print s + 0 }' /proc/zoneinfo)
	echo $(( $(meminfo MemFree) + _pcp * 4 ))
}

# Unload gives every page back: the kernel's free memory returns and the
# zone pages are no longer held.
free_loaded=$(kernel_free_kb)
unload_mirror
[ -d "$MIRROR_SYS" ] && fail "$MIRROR_SYS still there after unload"
free_after=$(kernel_free_kb)
gain=$((free_after - free_loaded))
log "free memory rose by $gain kB at unload (zones held $((total_present * 4)) kB)"
assert_cmp "$gain" -ge $((total_present * 4 * 95 / 100)) "free memory gained at unload"
z=0
while [ "$z" -lt "$nr" ]; do
	set -- $(vm_range "$z")
	spfn=$(($1 / 4096))
	flags=$(kpageflags "$spfn" $((spfn + $2 / 4096)))
	buddy=$(echo "$flags" | sed 's/^buddy=\([0-9]*\) .*/\1/')
	# Free again in the kernel: buddy blocks (heads only) are back.
	assert_cmp "$buddy" -gt 0 "range $z back in the buddy allocator ($flags)"
	z=$((z + 1))
done

# (A range the kernel cannot give up fails the load whole: 40-badinput.sh.)

# budget= bounds what each node's zones claim, in whole memory blocks.
load_mirror 256M@$(zone_addr 0),128M@$(zone_addr 1) budget=128M
assert_eq 2 "$(mirror_read nr_zones)" "nr_zones with budget=128M"
assert_eq 134217728 "$(zone_read 0 size)" "zone0 trimmed to the budget"
assert_eq 134217728 "$(zone_read 1 size)" "zone1 within the budget"
dmesg | grep -q 'mirror: node 0: budget 128M: 128 MiB of 256 MiB of mirrored memory' ||
	fail "no log line for the trimmed node: $(dmesg | grep 'budget' | tail -n 2)"
unload_mirror
load_mirror 256M@$(zone_addr 0) budget=50%
assert_eq 134217728 "$(zone_read 0 size)" "zone0 with budget=50%"
unload_mirror

# And it loads again over the same ranges.
load_mirror
assert_eq "$nr" "$(mirror_read nr_zones)" "nr_zones after reload"
unload_mirror
log "ok"
