# mirror-drill in the test machine: every scenario against the real
# module, each verdict checked against what can be seen from outside the
# drill (the channel's and zones' counters, the kernel log, /proc/meminfo,
# mirrorstat), then the bad input: addresses outside RAM or outside the
# zones, a PID that does not exist or vanishes mid-drill, the module not
# loaded, a second drill while one runs, Ctrl-C, unknown scenarios.
# vm-timeout: 400
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirror-drill mproc

CH=$MIRROR_SYS/channel
OUT=$VMTEST_TMP/out
ERR=$VMTEST_TMP/err

# drill RC ARGS...: run mirror-drill, expect exit RC
drill()
{
	_want=$1
	shift
	mirror-drill "$@" >"$OUT" 2>"$ERR"
	_rc=$?
	if [ "$_rc" != "$_want" ]; then
		cat "$OUT" "$ERR" >&2
		fail "mirror-drill $* exited $_rc, expected $_want"
	fi
	echo "  [mirror-drill $*] -> $_rc $(head -n 1 "$ERR")"
}

# one_error: the drill said exactly one error line on stderr (a usage error
# adds the "Try ... --help" line), nothing on stdout
one_error()
{
	assert_eq 1 "$(grep -c -v "^Try 'mirror-drill --help' for more information.\$" "$ERR")" \
		"stderr lines ($(cat "$ERR"))"
	assert_eq 0 "$(wc -c <"$OUT")" "stdout bytes"
}

zone_failovers_sum()
{
	_s=0
	for _z in "$MIRROR_SYS"/zones/zone*; do
		_s=$((_s + $(cat "$_z/failovers")))
	done
	echo "$_s"
}

# ---- the module's side: channel files ------------------------------------
drill 3 failover
one_error
assert_match 'not loaded' "$(cat "$ERR")" "module not loaded"

# Without the channel (channel=0): no channel/, no failovers, no failover drill.
load_mirror "$MIRROR_VM_RANGES" channel=0
[ -e "$CH" ] && fail "channel/ with channel=0"
[ -e "$MIRROR_SYS/zones/zone0/failovers" ] && fail "zone failovers with channel=0"
[ -e /sys/kernel/debug/mirror/inject ] && fail "inject with channel=0"
drill 3 failover
one_error
assert_match 'emulated mirror channel' "$(cat "$ERR")" "no channel"
assert_match '^zone0 +-$' "$(mirrorstat -o ZONE,FAILOVERS | sed -n 2p)" "mirrorstat: failovers unknown"

load_mirror "$MIRROR_VM_RANGES" "memtypes=PCM:128M@$(zone_addr 0),STT-MRAM:128M@$(zone_addr 1)"
free0=$(zones_free)
[ -d "$CH" ] || fail "no $CH in emulation mode"
assert_eq 536870912 "$(cat "$CH/copy_bytes")" "copy_bytes"
assert_eq 5000 "$(cat "$CH/scrub_interval_ms")" "default patrol interval"
for bad in -1 5 00 +50 5s 3600001 "1 2"; do
	printf '%s' "$bad" >"$CH/scrub_interval_ms" 2>/dev/null &&
		fail "scrub_interval_ms took '$bad'"
done
assert_eq 5000 "$(cat "$CH/scrub_interval_ms")" "interval unchanged by bad writes"
# 0 (no patrol), with or without its newline, as echo and printf write it.
for good in "0" "0
" "10" "3600000
" "5000"; do
	printf '%s' "$good" >"$CH/scrub_interval_ms" || fail "scrub_interval_ms refused '$good'"
	assert_eq "$(echo $good)" "$(cat "$CH/scrub_interval_ms")" "scrub_interval_ms after '$good'"
done
for bad in 0 2 yes "1 "; do
	printf '%s' "$bad" >"$CH/scrub" 2>/dev/null && fail "scrub took '$bad'"
done
echo 1 >"$CH/scrub" || fail "scrub refused 1"
INJ=/sys/kernel/debug/mirror/inject
# Z0: zone 0's first pfn; OUT0: a pfn of node 0 outside every zone.
Z0=$(printf 0x%x $(($(zone_addr 0) >> 12)))
OUT0=$(printf 0x%x $((Z0 - 0x8000)))
for bad in "pfn=$OUT0" "pfn=$Z0 offset=3" "pfn=$Z0 offset=4096" \
	"pfn=$Z0 mask=0" "offset=8" "pfn=zz" "pfn=$Z0 bits=1"; do
	echo "$bad" >"$INJ" 2>/dev/null && fail "inject took '$bad'"
done
assert_eq 0 "$(cat "$CH/injected")" "nothing injected by bad writes"

# ---- failover: the drill's own victim -------------------------------------
f0=$(cat "$CH/failovers")
z0=$(zone_failovers_sum)
k0=$(dmesg | grep -c 'primary restored from the mirror copy')
drill 0 failover --pages 8 -J
assert_eq pass "$(json_val "$OUT" verdict)" "failover verdict"
assert_eq 8 "$(json_val "$OUT" pages_corrupted)" "pages corrupted"
assert_eq 0 "$(json_val "$OUT" pages_lost)" "pages lost"
assert_eq $((f0 + 8)) "$(cat "$CH/failovers")" "channel failovers from outside"
assert_eq $((z0 + 8)) "$(zone_failovers_sum)" "zone failovers from outside"
assert_eq 0 "$(cat "$CH/latched")" "nothing latched"
assert_eq $((k0 + 8)) "$(dmesg | grep -c 'primary restored from the mirror copy')" "kernel log lines"
log "repair latency (us, min/avg/max): $(json_val "$OUT" repair_latency_us_min)/$(json_val "$OUT" repair_latency_us_avg)/$(json_val "$OUT" repair_latency_us_max)"
# mirrorstat shows the same failovers.
assert_eq "$(cat "$CH/failovers")" \
	"$(mirrorstat -J -s | sed -n 's/^ *"failovers": \([0-9]*\),*$/\1/p' | head -n 1)" \
	"mirrorstat failovers"

# A mask of many bits, several rounds, TAP.
drill 0 failover --pages 4 --rounds 3 --mask 0xff00ff00ff00ff00 --tap
assert_eq "1..7" "$(sed -n 2p "$OUT")" "TAP plan"
assert_eq 0 "$(grep -c '^not ok' "$OUT")" "TAP failures"

# The patrol scrub repairs without being asked.
echo 200 >"$CH/scrub_interval_ms"
s0=$(cat "$CH/scrubs")
drill 0 failover --pages 4 --repair patrol --timeout 10 -J
assert_cmp "$(cat "$CH/scrubs")" -gt "$s0" "patrol passes"
lat=$(json_val "$OUT" repair_latency_us_max)
assert_cmp "$lat" -lt 5000000 "patrol repaired within 5 s"
log "patrol (200 ms): repair latency max $lat us"
echo 5000 >"$CH/scrub_interval_ms"

# ---- failover: an existing process (mproc checks its own words) -----------
# On node 0, so that its pages stay out of zone 2 (its first page is the
# driver's below).
mp_start v taskset -c 0
mp v alloc 8
drill 0 failover --pid "$MP_PID" --pages 6 -J
assert_eq pass "$(json_val "$OUT" verdict)" "--pid verdict"
mp v check
assert_eq 0 "$(mp_val bad)" "--pid victim's own check"
# The drill set MIRROR_FIRST for itself and cleared it afterwards.
assert_eq false "$(first_json "$MP_PID" mirror_first)" "flag cleared after the drill"

# ---- failover at a physical address ---------------------------------------
# The page must be out (an error in a free page is refused): a driver holds
# a page of zone 2 (which one depends on what the CPU's cache holds).
need_mirror_test
load_mirror_test
mt alloc n=1 order=0 gfp=kernel,mirror,strict,thisnode node=2
pfn=$(mt_pfns)
assert_cmp $((pfn)) -ge $(($(zone_addr 2) >> 12)) "the driver's page is in zone 2"
assert_cmp $((pfn)) -lt $((($(zone_addr 2) >> 12) + 0x8000)) "the driver's page is in zone 2"
addr=$(printf '0x%x' $((pfn * 4096 + 0x100)))
drill 0 failover --addr "$addr" -J
assert_eq pass "$(json_val "$OUT" verdict)" "--addr verdict"
mt free all
# A free page is refused, with the reason.
drill 1 failover --addr "$addr"
assert_match 'the page is free' "$(cat "$OUT" "$ERR")" "--addr on a free page"
drill 2 failover --addr 0x100000000
one_error
assert_match 'not in System RAM' "$(cat "$ERR")" "outside RAM"
drill 2 failover --addr $(printf 0x%x $(($(zone_addr 0) - 0x8000000)))
one_error
assert_match 'not inside a mirror zone' "$(cat "$ERR")" "outside the zones"
drill 2 failover --addr $(printf 0x%x $(($(zone_addr 2) + 0x104)))
one_error

# ---- control: ordinary memory loses the pages ----------------------------
hc0=$(meminfo HardwareCorrupted)
drill 0 control --pages 8 -J
assert_eq pass "$(json_val "$OUT" verdict)" "control verdict"
assert_eq 8 "$(json_val "$OUT" pages_lost)" "control: pages lost"
assert_eq 4 "$(json_val "$OUT" sigbus_code)" "control: BUS_MCEERR_AR"
assert_eq "$hc0" "$(meminfo HardwareCorrupted)" \
	"HardwareCorrupted back after unpoison"
drill 0 control --pages 4 --method corrupt-pfn
assert_eq "$hc0" "$(meminfo HardwareCorrupted)" \
	"HardwareCorrupted back (corrupt-pfn)"

# ---- fill ---------------------------------------------------------------
gen0=$(mirror_read memtypes/energy_generation)
table0=$(mirror_read memtypes/energy_table)
drill 0 fill --pages 16 -J
assert_eq pass "$(json_val "$OUT" verdict)" "fill verdict"
assert_eq $((gen0 + 2)) "$(mirror_read memtypes/energy_generation)" "flipped, then restored"
assert_eq "$table0" "$(mirror_read memtypes/energy_table)" "table restored"

# ---- all: the contrast ------------------------------------------------------
drill 0 all -J
flat=$(tr -d ' \n' <"$OUT")
assert_match '"mirrored":\{"corrupted":8,"lost":0\}' "$flat" "contrast: mirrored"
assert_match '"ordinary":\{"corrupted":8,"lost":8\}' "$flat" "contrast: ordinary"

# ---- bad input ------------------------------------------------------------
drill 2 sideways
one_error
drill 2
one_error
drill 2 failover --pages 0
one_error
drill 2 failover --pages x
one_error
drill 2 failover --timeout -1
one_error
drill 2 failover --repair later
one_error
drill 2 failover --pid 99999
one_error
assert_match 'no such process' "$(cat "$ERR")" "vanished pid"
drill 2 failover --pid 1 --addr $(zone_addr 2)
one_error
drill 2 failover --pages 2000
one_error
drill 2 hardware --addr $(zone_addr 0)
one_error
assert_match 'confirm' "$(cat "$ERR")" "hardware needs --confirm"
drill 3 hardware --addr $(zone_addr 0) --confirm
one_error
assert_match 'EINJ' "$(cat "$ERR")" "no EINJ in the VM"

# holding_lock PID: until the drill PID holds the drill lock (it records
# its pid there once it has the lock, after setting up its signal
# handlers); a fixed sleep loses the race on a loaded host.
holding_lock()
{
	_i=0
	until [ "$(cat /run/mirror-drill.lock 2>/dev/null)" = "$1" ]; do
		kill -0 "$1" 2>/dev/null || fail "drill $1 ended before taking the lock"
		_i=$((_i + 1))
		[ "$_i" -lt 300 ] || fail "drill $1 did not take the lock in 30 s"
		sleep 0.1
	done
}

# A second drill while one runs.
mirror-drill failover --pages 4 -d 4 >"$VMTEST_TMP/bg.out" 2>&1 &
bg=$!
holding_lock "$bg"
drill 4 failover
one_error
assert_match 'another drill is running' "$(cat "$ERR")" "lock"
wait "$bg" || fail "the first drill failed: $(cat "$VMTEST_TMP/bg.out")"

# A PID that vanishes mid-drill: the drill fails, it does not hang.
mp_start w
mp w alloc 8
mirror-drill failover --pid "$MP_PID" --pages 4 -d 20 >"$OUT" 2>"$ERR" &
bg=$!
holding_lock "$bg"
sleep 1
kill -9 "$MP_PID"
t0=$(date +%s)
wait "$bg"
rc=$?
assert_cmp "$rc" -ne 0 "drill whose victim vanished"
assert_cmp $(( $(date +%s) - t0 )) -lt 25 "drill ended after its victim vanished"
log "victim killed mid-drill: exit $rc, $(grep -c FAIL "$OUT") failed checks"

# Ctrl-C: cleaned up, no verdict, nothing left latched, victim gone.
mirror-drill failover --pages 8 -d 30 >"$OUT" 2>"$ERR" &
bg=$!
holding_lock "$bg"
sleep 1
kill -INT "$bg"
wait "$bg"
rc=$?
assert_eq 130 "$rc" "exit after SIGINT"
assert_match 'interrupted' "$(cat "$ERR")" "interrupted message"
assert_eq 0 "$(cat "$CH/latched")" "nothing latched after SIGINT"
grep -qx drill-victim /proc/[0-9]*/comm 2>/dev/null &&
	fail "victim left running after SIGINT"

# ---- everything back -------------------------------------------------------
mp v exit
wait_zones_free "$free0" 30
assert_eq 0 "$(cat "$CH/latched")" "nothing latched at the end"
assert_eq "$(cat "$CH/injected")" \
	"$(( $(cat "$CH/failovers") + $(cat "$CH/overwritten") ))" \
	"injected = failovers + overwritten"
while read -r line; do
	assert_match ': ok$' "$line" "allocator check"
done </sys/kernel/debug/mirror/check
log "ok"
