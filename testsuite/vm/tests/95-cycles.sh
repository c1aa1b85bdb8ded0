# Load and unload mirror.ko again and again: every zone is claimed whole
# each time, and every unload gives all of its memory back to the kernel.
# After the cycles MemTotal and MemFree (caches dropped) are within 1% of
# where they started, and the kernel logged no warning.  The emulated
# channel is off (its copies come from the page allocator and go back to
# it; the zones are what this checks).  CYCLES sets the count (default 100).
# vm-timeout: 600
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror

N=${CYCLES:-100}
settled_free()
{
	sync
	echo 3 >/proc/sys/vm/drop_caches
	meminfo MemFree
}

total0=$(meminfo MemTotal)
free0=$(settled_free)
warn0=$(kmsg_count 'WARNING:|BUG:|Bad page|Call Trace')
t0=$(date +%s)
i=0
while [ "$i" -lt "$N" ]; do
	load_mirror "$MIRROR_VM_RANGES" channel=0
	[ "$(mirror_read nr_zones)" = 4 ] || fail "cycle $i: $(mirror_read nr_zones) zones"
	for d in "$MIRROR_SYS"/zones/zone*; do
		[ "$(cat "$d/pages_free")" = 32768 ] || fail "cycle $i: ${d##*/} has $(cat "$d/pages_free") free pages"
	done
	unload_mirror
	i=$((i + 1))
done
t1=$(date +%s)
total1=$(meminfo MemTotal)
free1=$(settled_free)
log "$N cycles in $((t1 - t0)) s; MemTotal $total0 -> $total1 kB, MemFree $free0 -> $free1 kB"
assert_eq "$total0" "$total1" "MemTotal after $N cycles"
assert_cmp $(( (free0 - free1) * 100 )) -le "$free0" "MemFree within 1% after $N cycles"
assert_eq "$warn0" "$(kmsg_count 'WARNING:|BUG:|Bad page|Call Trace')" "kernel warnings during the cycles"
