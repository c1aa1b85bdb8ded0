# The sweeper skips a flagged process that took no page fault since its
# last walk found nothing ordinary, while its count of anonymous pages
# stays the same, and walks it again at the latest every tenth sweep
# (ABI.md, "MIRROR_FIRST").  Checked from outside mirror.ko:
# - a page written into a quiet flagged process through /proc/PID/mem
#   (the writer faults it in, not the process; the count grows) reaches a
#   zone within ten sweeps (at the next one, when the machine keeps up);
# - a zone page the process shares copy-on-write with a child, written
#   through /proc/PID/mem: the copy is an ordinary page, with no fault of
#   the process and no change of its count, so only the tenth-sweep walk
#   finds it; it must reach a zone within ten sweeps (and would never
#   without that walk);
# - pages the process faults in itself all reach the zones.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl mproc dd

IV=200

# sweeps_until_mirrored WHAT MPROC CMD...: ask mproc MPROC CMD every 0.1 s
# until it answers mirror=1; SWEEPS: the sweeps since $s0.  Fails after
# 30 s, or when it took more than ten sweeps and the few that pass while
# this script looks (a few more on a slower kernel).
sweeps_until_mirrored()
{
	_what=$1
	shift
	_i=0
	while :; do
		mp "$@" >/dev/null
		[ "$(mp_val mirror)" = 1 ] && break
		_i=$((_i + 1))
		[ "$_i" -lt 300 ] || fail "$_what was not mirrored within 30 s ($(($(mirror_read processes/sweeps) - s0)) sweeps)"
		sleep 0.1
	done
	SWEEPS=$(($(mirror_read processes/sweeps) - s0))
	assert_cmp "$SWEEPS" -le $((10 + 3 * ${VMTEST_TIMEOUT_SCALE:-1})) "sweeps before $_what was mirrored"
}

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
# (No look at the page right after the write: a sweep may be moving it
# just then, and pagemap shows a page under migration as absent.)
sweeps_until_mirrored "the page written from outside" a holeframe
log "written through /proc/PID/mem: mirrored after $SWEEPS sweeps"

# ---- a copy-on-write break by another process: the tenth sweep ----------
# The hole's page is a zone page now; a child shares it copy-on-write.
mp a forkhold
C=$(echo "$MP_ANS" | sed -n 's/^forkhold //p')
# A process that looks from outside, so that 'a' itself stays idle.
mp_start w
# Let the copy-on-write faults that follow the fork settle and 'a' turn
# quiet again (15 sweeps; then the copy below waits for the tenth-sweep
# walk, 1 to 10 sweeps: its log line shows which).
sleep 3
s0=$(mirror_read processes/sweeps)
printf 'R' | dd of="/proc/$A/mem" bs=1 seek=$((addr)) conv=notrunc 2>"$VMTEST_TMP/dd.err" ||
	fail "writing /proc/$A/mem failed: $(cat "$VMTEST_TMP/dd.err")"
mp w frameof "$A" "$addr"
log "right after the write: pfn $(mp_val pfn), mirror=$(mp_val mirror) (0: the copy is ordinary)"
sweeps_until_mirrored "the copy-on-write copy" w frameof "$A" "$addr"
log "copy-on-write copy made by another process's write: mirrored after $SWEEPS sweeps (the tenth at the latest)"
kill "$C"
mp w exit

# ---- memory the process faults in itself -------------------------------------
mp a touchlat 50 2000
assert_eq 50 "$(mp_val mirrored)" "pages the process touched itself"
log "faulted in by the process: p50 $(mp_val p50_ms) ms, max $(mp_val max_ms) ms at a $IV ms interval"

mp a exit
wait "$A" 2>/dev/null
wait_zones_free "$free0"
all_idle
log "ok"
