# When a zone is full the next comes by node distance; when all are full
# ordinary memory is used and counted (unless __GFP_MIRROR_STRICT or
# policy/fallback=0 forbid it); exhaustion and recovery send uevents.
# The suggested zones (one 128 MiB memory block per node, 32768 pages):
# zones are whole memory blocks, and filling one is quick enough in the
# driver.
# vm-timeout: 600
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror_test

load_mirror
load_mirror_test
B=$VMTEST_TMP/before
A=$VMTEST_TMP/after
# Pages each zone got; earlier scripts may have left kernel pages in a
# range, so a few blocks may have stayed with the kernel.
TOTAL=0
for z in 0 1 2 3; do
	assert_eq "$z" "$(zone_read $z node)" "zone$z node"
	p=$(zone_read $z pages_present)
	[ "$p" -gt 0 ] || skip "zone$z got no page from the kernel"
	eval "P$z=$p"
	TOTAL=$((TOTAL + p))
done
# pres Z: pages present in zone Z
pres()
{
	eval "echo \$P$1"
}

# Listen to uevents: one line per event of the mirror zones.  The
# listener is known to be listening once it has seen a synthetic event of
# /dev/null (sent until it does): a fixed sleep can end before it is.
UEV=$VMTEST_TMP/uevents
: >"$UEV"
NULLDEV=/sys/devices/virtual/mem/null
cat >"$VMTEST_TMP/uev.sh" <<EOF
#!/bin/sh
[ -n "\$MIRROR_EVENT" ] && echo "\$MIRROR_EVENT \$ZONE \$NODE \$ACTION \$SUBSYSTEM \$DEVPATH" >>"$UEV"
[ "\$DEVPATH" = "${NULLDEV#/sys}" ] && : >"$UEV.ready"
exit 0
EOF
chmod +x "$VMTEST_TMP/uev.sh"
uevent "$VMTEST_TMP/uev.sh" &
uev_pid=$!
trap '_rc0=$?; kill $uev_pid 2>/dev/null; (exit $_rc0); _vm_cleanup' EXIT
i=0
until [ -e "$UEV.ready" ]; do
	kill -0 "$uev_pid" 2>/dev/null || fail "the uevent listener exited"
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "the uevent listener saw no event in 10 s"
	echo change >"$NULLDEV/uevent"
	sleep 0.1
done

# fill CPU N NODE_SEQUENCE...: from CPU, allocate one zone's worth at a time
# and check each lands entirely in the next zone of the sequence, with the
# zones before it each tried (and failing) once per allocation.
fill()
{
	cpu=$1
	shift
	tried=
	for z in "$@"; do
		P=$(pres $z)
		snap "$B"
		mt alloc n=$P order=0 gfp=kernel,mirror cpu=$cpu
		assert_eq "$P" "$(mt_val allocated)" "cpu$cpu allocated into zone$z"
		assert_eq "$z $P" "$(mt_pfns | zones_of_pfns)" "cpu$cpu: the next zone is zone$z"
		snap "$A"
		if [ "$z" = "$cpu" ]; then kind=allocs_local; else kind=allocs_remote; fi
		want="zones/zone$z/allocs=$P zones/zone$z/pages_used=$P zones/zone$z/pages_free=-$P nodes/node$z/pages_used=$P nodes/node$z/pages_free=-$P nodes/node$cpu/$kind=$P"
		for t in $tried; do
			want="$want zones/zone$t/alloc_failures=$P zones/zone$t/exhausted=$([ "$t" = "$prev" ] && echo 1 || echo 0)"
		done
		expect_deltas "$B" "$A" "$want"
		prev=$z
		tried="$tried $z"
	done
}

# Node 0 ranks the others 1, 2, 3 (SLIT 16, 22, 28).  The 'exhausted' flag
# of a zone changes when its first failure happens: at the next fill.
prev=
fill 0 0 1 2 3
for z in 0 1 2; do
	assert_eq 1 "$(zone_read $z exhausted)" "zone$z exhausted"
done

# Everything full: ordinary memory, counted as an exhausted fallback.
snap "$B"
mt alloc n=10 order=0 gfp=kernel,mirror cpu=0
assert_eq 10 "$(mt_val allocated)" "fallback allocated"
assert_eq 0 "$(mt_val mirrored)" "fallback pages not mirrored"
assert_eq "-1 10" "$(mt_pfns | zones_of_pfns)" "fallback pfns outside the zones"
snap "$A"
expect_deltas "$B" "$A" "zones/zone0/alloc_failures=10 zones/zone1/alloc_failures=10 zones/zone2/alloc_failures=10 zones/zone3/alloc_failures=10 zones/zone3/exhausted=1 nodes/node0/fallback_exhausted=10 ordinary_pages=10"

# __GFP_MIRROR_STRICT: nothing instead.
snap "$B"
mt alloc n=3 order=0 gfp=kernel,mirror,strict,nowarn cpu=0
assert_eq 0 "$(mt_val allocated)" "strict allocated"
snap "$A"
expect_deltas "$B" "$A" "zones/zone0/alloc_failures=3 zones/zone1/alloc_failures=3 zones/zone2/alloc_failures=3 zones/zone3/alloc_failures=3 nodes/node0/failed=3"

# Without __GFP_NOWARN a failure logs one line per request; with it none.
w0=$(kmsg_count 'mirror: order-0 allocation for node 0 failed')
mt alloc n=2 order=0 gfp=kernel,mirror,strict cpu=0
assert_eq $((w0 + 2)) "$(kmsg_count 'mirror: order-0 allocation for node 0 failed')" "failure warnings"
mt alloc n=2 order=0 gfp=kernel,mirror,strict,nowarn cpu=0
assert_eq $((w0 + 2)) "$(kmsg_count 'mirror: order-0 allocation for node 0 failed')" "__GFP_NOWARN warnings"

# policy/fallback=0: __GFP_MIRROR requests fail too ...
must mirror_write policy/fallback 0
snap "$B"
mt alloc n=2 order=0 gfp=kernel,mirror,nowarn cpu=2
assert_eq 0 "$(mt_val allocated)" "fallback=0 allocated"
snap "$A"
expect_deltas "$B" "$A" "zones/zone0/alloc_failures=2 zones/zone1/alloc_failures=2 zones/zone2/alloc_failures=2 zones/zone3/alloc_failures=2 nodes/node2/failed=2"
# ... but default_mirror requests never asked for mirrored memory: they
# still get ordinary memory, counted as a fallback.
must mirror_write policy/default_mirror 1
snap "$B"
mt alloc n=1 order=0 gfp=kernel cpu=2
assert_eq 1 "$(mt_val allocated)" "default_mirror request with fallback=0"
snap "$A"
expect_deltas "$B" "$A" "zones/zone0/alloc_failures=1 zones/zone1/alloc_failures=1 zones/zone2/alloc_failures=1 zones/zone3/alloc_failures=1 nodes/node2/fallback_exhausted=1 ordinary_pages=1"
must mirror_write policy/default_mirror 0
must mirror_write policy/fallback 1

# Frees go back where they came from: everything returns, zone by zone.
snap "$B"
mt free all
assert_eq $((TOTAL + 11)) "$(mt_val freed)" "blocks freed"
snap "$A"
want="ordinary_pages=-11"
for z in 0 1 2 3; do
	P=$(pres $z)
	want="$want zones/zone$z/frees=$P zones/zone$z/pages_used=-$P zones/zone$z/pages_free=$P nodes/node$z/pages_used=-$P nodes/node$z/pages_free=$P zones/zone$z/exhausted=-1"
done
expect_deltas "$B" "$A" "$want"
all_idle

# Node 3 ranks the others 2, 0, 1 (SLIT 24, 28, 32).
prev=
fill 3 3 2 0 1
# One more: zone 1 is tried, full, and becomes exhausted too.
mt alloc n=1 order=0 gfp=kernel,mirror cpu=3
assert_eq 0 "$(mt_val mirrored)" "node 3 fallback"
assert_eq 1 "$(zone_read 1 exhausted)" "zone1 exhausted"
mt free all
all_idle

# The uevents: each zone went exhausted then recovered, twice over, in
# that order, with its number and node.  The listener handles them one by
# one: wait for the 16, then a second more for any stray one.
i=0
while [ "$(wc -l <"$UEV")" -lt 16 ] && [ "$i" -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
kill "$uev_pid" 2>/dev/null
cat "$UEV"
for z in 0 1 2 3; do
	seq=$(awk -v z="$z" '$2 == z { printf "%s ", $1 }' "$UEV")
	assert_eq "exhausted recovered exhausted recovered " "$seq" "zone$z uevents"
	line=$(awk -v z="$z" '$2 == z { print; exit }' "$UEV")
	assert_eq "exhausted $z $z change mirror /kernel/mm/mirror/zones/zone$z" "$line" "zone$z uevent variables"
done
log "ok"
