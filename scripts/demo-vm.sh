#!/bin/sh
# demo-vm.sh - the README's main job, run inside the test machine by
# scripts/demo.sh: load mirror.ko over one emulated mirror range per NUMA
# node, allocate mirrored pages through its kernel API (mirror_test.ko
# drives the API from debugfs), show the zones with mirrorstat before,
# during and after, and end with a failure drill (mirror-drill failover,
# then the control on ordinary memory).
# vm-timeout: 600

. "$MIRROR_VM_LIB"

ctl=/sys/kernel/debug/mirror_test/ctl
step() { printf '\n=== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
api() {
	printf '$ echo "%s" > %s\n' "$*" "$ctl"
	echo "$*" >"$ctl" || fail "mirror_test refused '$*'"
	head -n 1 "$ctl"
}

step "The machine: $MIRROR_VM_NODES NUMA nodes; emulated mirror ranges $MIRROR_VM_RANGES"
show cat /sys/devices/system/node/node0/distance

step "Load mirror.ko in emulation mode (one mirror zone per node)"
load_mirror
dmesg | grep 'mirror:' | tail -n 6
show mirrorstat

step "Allocate through the kernel API: 2048 pages (8 MiB) on node 1, __GFP_MIRROR"
load_mirror_test
api "alloc n=2048 gfp=kernel,mirror node=1"
show mirrorstat -N

step "Node 3 asks for 20000 pages: its own zone fills, the rest comes from the nearest node (2)"
api "alloc n=20000 gfp=kernel,mirror,nowarn node=3"
show mirrorstat

step "Node 0 asks for 50000 pages: all zones fill by distance, the rest falls back to ordinary memory"
api "alloc n=50000 gfp=kernel,mirror,nowarn node=0"
step "With __GFP_MIRROR_STRICT a request gets nothing rather than ordinary memory"
printf '$ echo "alloc n=1 gfp=kernel,mirror,strict,nowarn node=0" > %s\n' "$ctl"
echo "alloc n=1 gfp=kernel,mirror,strict,nowarn node=0" >"$ctl" 2>&1 || echo "(refused, as it should be)"
head -n 1 "$ctl"
show mirrorstat -N -o NODE,SIZE,USED,FREE,USE%,ALLOCS,REMOTE,FALLBACKS,FAILED

step "The same for monitoring: JSON (schema 1) and Prometheus text"
show mirrorstat -J -s
mirrorstat --prometheus | grep -E '^mirror_(zone_used_bytes|node_fallbacks)' | head -n 8

step "Free everything: every page goes back to its zone"
api "free all"
show mirrorstat

step "A failure drill: corrupt the primary copy of a process's mirrored data; the mirror repairs it"
show mirror-drill failover --pages 8
step "The control: the same against ordinary memory, through the kernel's hwpoison; the data is lost"
show mirror-drill control --pages 8
# The drills' victims are gone, and their zone pages came back to their
# zones as the victims exited.
show mirrorstat -o ZONE,NODE,SIZE,USED,FAILOVERS
unload_mirror
echo
echo "demo: done"
