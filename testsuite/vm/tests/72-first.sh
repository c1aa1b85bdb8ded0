# MIRROR_FIRST processes, checked from outside mirror.ko through
# /proc/PID/pagemap: after 'mirrorctl set' a process's anonymous pages sit
# in mirror zones with its data unchanged; memory it touches later follows;
# a child forked afterwards is flagged, through exec too; when mirror
# memory runs out the process runs on and the shortfall is counted; pages
# go back exactly to their zones when the processes exit.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl mproc

load_mirror
[ -c /dev/mirror ] || fail "/dev/mirror missing"
echo 100 >"$MIRROR_SYS/processes/sweep_interval_ms"
free0=$(zones_free)
log "zones free at start: $free0"

# ---- a running process with 64 MiB ----------------------------------------
mp_start a
A=$MP_PID
mp a alloc 64
mp a check
assert_cmp "$(mp_val resident)" -ge 16384 "a: 64 MiB resident"
assert_eq 0 "$(mp_val mirror)" "a: nothing mirrored before the flag"
t0=$(date +%s)
must mirrorctl set "$A"
t1=$(date +%s)
log "set on 64 MiB took about $((t1 - t0)) s"
mp_check_mirrored a
assert_eq true "$(first_json "$A" mirror_first)" "a: flag shown"
mig=$(first_json "$A" pages_migrated)
assert_cmp "$mig" -ge 16384 "a: pages_migrated"
assert_eq 0 "$(first_json "$A" pages_shortfall)" "a: no shortfall"
mirrorctl show "$A"
# mirrorstat's FIRST column reads the flag through libmirror.
must mirrorstat -p "$A"
assert_match '"mirror_first": *true' "$(mirrorstat -J -p "$A" | tr -d '\n')" "mirrorstat FIRST"

# ---- memory touched afterwards follows (the sweeper) ----------------------
s0=$(cat "$MIRROR_SYS/processes/sweeps")
mp a alloc 16
mp_check_mirrored a 10
s1=$(cat "$MIRROR_SYS/processes/sweeps")
log "16 MiB touched later: mirrored within $((s1 - s0)) sweeps (interval $(cat "$MIRROR_SYS/processes/sweep_interval_ms") ms)"
mp a check
# The sweep's cost with nothing to move: a walk of 80 MiB of page tables.
sleep 1
log "a sweep over one 80 MiB process with nothing to move: $(cat "$MIRROR_SYS/processes/last_sweep_us") us"

# ---- a child forked after the flag, through exec ---------------------------
mkfifo "$VMTEST_TMP/b.in"
: >"$VMTEST_TMP/b.in.out"
mp a spawn "$VMTEST_TMP/b.in"
B=${MP_ANS#spawn }
assert_eq true "$(first_json "$B" mirror_first)" "b: flag inherited"
assert_eq true "$(first_json "$B" inherited)" "b: marked inherited"
assert_match "mproc" "$(cat /proc/$B/cmdline | tr '\0' ' ')" "b: exec'd mproc"
mp b alloc 32
mp_check_mirrored b 10
mp b exit
mp a exit
wait "$A" 2>/dev/null
# Zone pages come back when their last reference goes, as the processes
# exit (b is a's child: only its exit message can be waited for).
wait_zones_free "$free0" 5
assert_eq 0 "$(cat $MIRROR_SYS/processes/nr_flagged)" "no flagged process left"
all_idle

# ---- more than all mirror zones hold ---------------------------------------
total=0
for z in "$MIRROR_SYS"/zones/zone*; do
	total=$((total + $(cat "$z/pages_present")))
done
want=$((total * 4096 / 1048576 + 64))
mp_start c
C=$MP_PID
mp c alloc "$want"
must mirrorctl set "$C"
mp c check
assert_eq 0 "$(mp_val bad)" "c: data intact"
m=$(mp_val mirror)
r=$(mp_val resident)
assert_cmp "$m" -le "$total" "c: mirrored at most what the zones hold"
assert_cmp "$m" -ge $((total * 95 / 100)) "c: zones filled"
sf=$(first_json "$C" pages_shortfall)
assert_cmp "$sf" -gt 0 "c: shortfall counted"
log "c: $m of $r pages mirrored, shortfall $sf pages"
kill -0 "$C" || fail "c was killed"
for z in "$MIRROR_SYS"/zones/zone*; do
	assert_cmp "$(cat "$z/pages_free")" -le 64 "${z##*/} nearly full"
done
# No OOM kill anywhere.
assert_eq 0 "$(kmsg_count 'Out of memory|oom-kill|Killed process')" "no OOM"
# The sweeper keeps running while full and counts nothing new.
sleep 1
assert_eq "$sf" "$(first_json "$C" pages_shortfall)" "c: shortfall stable while full"
mp c exit
wait "$C" 2>/dev/null
wait_zones_free "$free0"

# ---- clear --move-back, migrate --to-mirror/--to-normal -------------------
mp_start d
D=$MP_PID
mp d alloc 16
must mirrorctl set "$D"
mp_check_mirrored d
must mirrorctl clear --move-back "$D"
mp d check
assert_eq 0 "$(mp_val bad)" "d: data intact after moving back"
assert_eq 0 "$(mp_val mirror)" "d: nothing mirrored after moving back"
assert_eq false "$(first_json "$D" mirror_first)" "d: flag cleared"
wait_zones_free "$free0" 10
must mirrorctl migrate "$D" --to-mirror
mp_check_mirrored d
assert_eq false "$(first_json "$D" mirror_first)" "d: migrate does not set the flag"
must mirrorctl migrate "$D" --to-normal
mp d check
assert_eq 0 "$(mp_val mirror)" "d: --to-normal"
assert_eq 0 "$(mp_val bad)" "d: data intact"
mp d exit
wait "$D" 2>/dev/null
wait_zones_free "$free0"
all_idle

# ---- transparent huge pages are split and moved -----------------------------
# (A kernel without them, as PREEMPT_RT's: madvise(MADV_HUGEPAGE) is EINVAL.)
if [ -d /sys/kernel/mm/transparent_hugepage ]; then
	mp_start h
	H=$MP_PID
	mp h thp 32
	log "h: AnonHugePages $(sed -n 's/^AnonHugePages: *//p' /proc/$H/smaps_rollup)"
	must mirrorctl set "$H"
	mp_check_mirrored h
	mp h exit
	wait "$H" 2>/dev/null
	wait_zones_free "$free0"
else
	log "no transparent huge pages in this kernel: that part not run"
fi

# ---- mirrorctl run: flagged from the start, through exec -----------------
mkfifo "$VMTEST_TMP/e.in"
# The answer file exists before mp reads it, whenever the job starts.
: >"$VMTEST_TMP/e.in.out"
mirrorctl run --limit 8M -- mproc "$VMTEST_TMP/e.in" >>"$VMTEST_TMP/e.in.out" 2>&1 &
E=$!
mp e alloc 32
sleep 1
mp e check
m=$(mp_val mirror)
assert_cmp "$m" -le 2048 "e: at most the 8 MiB limit mirrored"
assert_cmp "$m" -ge 2000 "e: the limit used"
assert_eq 8388608 "$(first_json "$E" limit_bytes)" "e: limit shown"
mp e exit
wait "$E" 2>/dev/null
wait_zones_free "$free0"
all_idle
log "ok"
