# Benchmark: what the sweeper costs while a flagged process of 1 GiB sits
# in the mirror zones with nothing left to move (the sweeper walks it again
# after a page fault of the process, and every tenth sweep).  The
# mirror_sweep thread's CPU time (/proc/PID/schedstat) over 30 s at sweep
# intervals of 100 ms, 250 ms, the default and 1000 ms, as a share of one
# CPU; the target at the default interval is at most 1%.
# Reports; checks only that the process was mirrored and came back whole.
# SWEEP_SECONDS sets the window (default 30).
# vm-timeout: 900
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mproc mirrorctl

SECS=${SWEEP_SECONDS:-30}
# 4 x 512 MiB of zones: room for the 1 GiB process wherever it runs.
ranges=$(big_zone_ranges 512) || exit 1
load_mirror "$ranges" channel=0
free0=$(zones_free)
IV=$MIRROR_SYS/processes/sweep_interval_ms
iv0=$(cat "$IV")
trap '_rc0=$?; echo "$iv0" >"$IV" 2>/dev/null; (exit $_rc0); _vm_cleanup' EXIT

sweeper=
for c in /proc/[0-9]*/comm; do
	[ "$(cat "$c" 2>/dev/null)" = mirror_sweep ] && sweeper=${c%/comm} && break
done
[ -n "$sweeper" ] || fail "no mirror_sweep thread"
[ -r "$sweeper/schedstat" ] || skip "no $sweeper/schedstat (CONFIG_SCHED_INFO)"

# on_cpu_ns: the sweeper's time on a CPU so far
on_cpu_ns() { cut -d' ' -f1 "$sweeper/schedstat"; }
uptime_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

mp_start s mirrorctl run --
S=$MP_PID
mp s alloc 1024
mp_check_mirrored s 300

for iv in 100 250 "$iv0" 1000; do
	echo "$iv" >"$IV"
	# Let a sweep at the new interval begin before the window opens.
	sleep 2
	n0=$(mirror_read processes/sweeps)
	c0=$(on_cpu_ns)
	t0=$(uptime_ms)
	sleep "$SECS"
	c1=$(on_cpu_ns)
	t1=$(uptime_ms)
	n1=$(mirror_read processes/sweeps)
	pct=$(awk -v c=$((c1 - c0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.2f", c / 1e6 / t * 100 }')
	per=$(awk -v c=$((c1 - c0)) -v n=$((n1 - n0)) 'BEGIN { printf "%.1f", n ? c / 1e6 / n : 0 }')
	log "sweep interval $iv ms: the sweeper used $pct% of one CPU over $(((t1 - t0) / 1000)) s ($((n1 - n0)) sweeps, $per ms each; last_sweep_us $(mirror_read processes/last_sweep_us))"
	if [ "$iv" = "$iv0" ]; then
		log "default interval: $pct% of one CPU (target at most 1%: $(awk -v p="$pct" 'BEGIN { print (p <= 1) ? "met" : "NOT met" }'))"
	fi
done
echo "$iv0" >"$IV"

mp_check_mirrored s
mp s exit
wait "$S" 2>/dev/null
wait_zones_free "$free0"
all_idle
log "ok"
