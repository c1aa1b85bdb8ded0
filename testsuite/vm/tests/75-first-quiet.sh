# The sweeper skips a flagged process that took no page fault since its
# last walk found nothing ordinary, while its count of anonymous pages
# stays the same, and walks it again at the latest every tenth sweep
# (ABI.md, "MIRROR_FIRST").  Checked from outside mirror.ko: a page written
# into a quiet flagged process through /proc/PID/mem (the writer faults it
# in, not the process; the count grows) must reach a zone within ten sweep
# intervals; pages the process faults in itself must all reach the zones.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl mproc dd

IV=200
load_mirror "$MIRROR_VM_RANGES" channel=0
free0=$(zones_free)
mirror_write processes/sweep_interval_ms "$IV"

mp_start a mirrorctl run --
A=$MP_PID
mp a alloc 16
mp_check_mirrored a 10
# Quiet now: let a few sweeps pass over it.
sleep 1

# ---- memory that arrives without a fault of the process ------------------
mp a hole
addr=$(mp_val addr)
mp a holeframe
assert_eq 0x0 "$(mp_val pfn)" "the hole's page before the write"
s0=$(mirror_read processes/sweeps)
printf 'Q' | dd of="/proc/$A/mem" bs=1 seek=$((addr)) conv=notrunc 2>"$VMTEST_TMP/dd.err" ||
	fail "writing /proc/$A/mem failed: $(cat "$VMTEST_TMP/dd.err")"
mp a holeframe
assert_cmp "$(mp_val pfn)" != 0x0 "the hole's page after the write"
# Ten sweep intervals, and room for a busy machine: 30 s.
i=0
while :; do
	mp a holeframe >/dev/null
	[ "$(mp_val mirror)" = 1 ] && break
	i=$((i + 1))
	[ "$i" -lt 300 ] || fail "the page written from outside was not mirrored within 30 s ($(($(mirror_read processes/sweeps) - s0)) sweeps)"
	sleep 0.1
done
s1=$(mirror_read processes/sweeps)
log "written through /proc/PID/mem: mirrored after $((s1 - s0)) sweeps"
# Ten, and the sweeps that pass while this script looks (a few more on a
# slower kernel).
assert_cmp $((s1 - s0)) -le $((10 + 3 * ${VMTEST_TIMEOUT_SCALE:-1})) "sweeps before the page written from outside was mirrored"

# ---- memory the process faults in itself -------------------------------------
mp a touchlat 50 2000
assert_eq 50 "$(mp_val mirrored)" "pages the process touched itself"
log "faulted in by the process: p50 $(mp_val p50_ms) ms, max $(mp_val max_ms) ms at a $IV ms interval"

mp a exit
wait "$A" 2>/dev/null
wait_zones_free "$free0"
all_idle
log "ok"
