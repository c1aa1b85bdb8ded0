# Benchmark, side by side in the test machine: moving 256 MiB of a running
# process into mirror memory (MIRROR_IOC_MIGRATE, what mirrorctl migrate
# --to-mirror asks: migrate_vma into mirror zones), back out (migrate_vma
# to ordinary pages), and the kernel's own migrate_pages(2) between two
# nodes (what numactl's migratepages does), in five alternated rounds;
# each side times its one kernel call (devmirror and migratepages print
# it), and the figures compared with the targets (into >= 1.5x, out >=
# 1.0x migrate_pages) are the medians of the rounds' ratios.  One more
# move in and out through mirrorctl itself reports what the tool adds
# (start-up, libmirror, output).  Then the same with transparent huge
# pages (reported
# as they come: migrate_vma splits a huge page, migrate_pages(2) moves it
# whole), and the time from first touch to mirrored of 1,000 fresh
# mappings of a flagged process, p50/p99, at sweep intervals 100 ms,
# 250 ms, the default and 1000 ms.  Checks only that each moved what it
# should.
# vm-timeout: 900
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl mproc migratepages timeit taskset devmirror

# 128 MiB at 128 MiB into each node: 512 MiB of mirror memory.
# Without the emulated mirror channel: its copies would take another
# 128 MiB of every node, and migrate_pages(2) needs room on node 2.
load_mirror "$MIRROR_VM_RANGES" channel=0
free0=$(zones_free)

# node_pages PID NODE: the process's pages on NODE (/proc/PID/numa_maps)
node_pages()
{
	tr ' ' '\n' <"/proc/$1/numa_maps" | sed -n "s/^N$2=//p" |
		awk '{ s += $1 } END { print s + 0 }'
}

# mibps PAGES MICROSECONDS
mibps()
{
	awk -v p="$1" -v u="$2" 'BEGIN { printf "%.0f", p * 4096 / 1048576 / (u / 1000000) }'
}

MB=256
ROUNDS=5

# median FIGURES...: the middle one (the lower middle of an even count)
median()
{
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# ratio A B: A / B to two places
ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'
}

# verdict RATIO TARGET: "met" or "NOT met"
verdict()
{
	awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "met" : "NOT met" }'
}

# ioctl_us migrate-in|migrate-out PID: one MIRROR_IOC_MIGRATE; prints its
# wall time in microseconds
ioctl_us()
{
	_a=$(devmirror "$1" "$2") || fail "devmirror $1 $2: $_a"
	echo "${_a##*elapsed_us=}"
}

# ---- mirror.ko: into mirror zones and back ---------------------------------
# mirror_round ROUND KIND: KIND is mproc's alloc or thp; sets r_in, r_out
# (MiB/s)
mirror_round()
{
	mp_start p taskset -c 0
	P=$MP_PID
	mp p "$2" $MB
	[ "$2" = thp ] && log "round $1: $(huge_mb "$P") MiB of the process in huge pages"
	us=$(ioctl_us migrate-in "$P")
	mp_check_mirrored p
	pages=$(mp_val mirror)
	r_in=$(mibps "$pages" "$us")
	log "round $1 ($2): MIRROR_IOC_MIGRATE to mirror: $pages pages in $us us: $r_in MiB/s"
	us=$(ioctl_us migrate-out "$P")
	mp p check
	assert_eq 0 "$(mp_val mirror)" "moved back"
	assert_eq 0 "$(mp_val bad)" "data intact"
	r_out=$(mibps "$pages" "$us")
	log "round $1 ($2): MIRROR_IOC_MIGRATE to normal: $pages pages in $us us: $r_out MiB/s"
	mp p exit
	wait "$P" 2>/dev/null
	wait_zones_free "$free0"
}

# ---- the kernel's migrate_pages(2), node 0 -> node 2 -------------------------
# kernel_round ROUND KIND: sets r_k (MiB/s)
kernel_round()
{
	mp_start q taskset -c 0
	Q=$MP_PID
	mp q "$2" $MB
	[ "$2" = thp ] && log "round $1: $(huge_mb "$Q") MiB of the process in huge pages"
	on0=$(node_pages "$Q" 0)
	out=$(migratepages "$Q" 0 2) || fail "migrate_pages failed"
	us=${out#*elapsed_us=}
	left=$(node_pages "$Q" 0)
	moved=$((on0 - left))
	mp q check
	assert_eq 0 "$(mp_val bad)" "data intact after migrate_pages"
	assert_cmp "$moved" -gt 0 "migrate_pages moved pages"
	r_k=$(mibps "$moved" "$us")
	log "round $1 ($2): migrate_pages(2) node 0 -> 2: $moved pages in $us us: $r_k MiB/s"
	mp q exit
	wait "$Q" 2>/dev/null
}

# huge_mb PID: MiB of the process's anonymous memory in huge pages
huge_mb()
{
	awk '/^AnonHugePages:/ { print int($2 / 1024) }' "/proc/$1/smaps_rollup"
}

# rounds KIND N: N alternated rounds of each side; logs the medians and
# sets med_in, med_out (medians of the rounds' ratios to migrate_pages)
rounds()
{
	_ins= _outs= _ks= _rin= _rout=
	_round=1
	while [ "$_round" -le "$2" ]; do
		mirror_round "$_round" "$1"
		kernel_round "$_round" "$1"
		_ins="$_ins $r_in" _outs="$_outs $r_out" _ks="$_ks $r_k"
		_rin="$_rin $(ratio "$r_in" "$r_k")"
		_rout="$_rout $(ratio "$r_out" "$r_k")"
		_round=$((_round + 1))
	done
	med_in=$(median $_rin)
	med_out=$(median $_rout)
	log "$1, median of $2 rounds: into mirror zones $(median $_ins) MiB/s, back out $(median $_outs) MiB/s, migrate_pages(2) $(median $_ks) MiB/s; ratios into $med_in (rounds:$_rin), out $med_out (rounds:$_rout)"
}

THP=/sys/kernel/mm/transparent_hugepage/enabled
thp0=$(sed 's/.*\[\(.*\)\].*/\1/' "$THP")
sweep0=$(cat "$MIRROR_SYS/processes/sweep_interval_ms")
trap '_rc0=$?; echo "$thp0" >"$THP"; echo "$sweep0" >"$MIRROR_SYS/processes/sweep_interval_ms" 2>/dev/null; (exit $_rc0); _vm_cleanup' EXIT

# 4 KiB pages on both sides first: migrate_pages(2) moves a transparent
# huge page as one unit while migrate_vma splits it, so whether the kernel
# found free 2 MiB blocks for the process would decide the ratio.  Rounds
# alternate, so that host noise falls on both sides alike.
echo never >"$THP"
rounds alloc "$ROUNDS"
log "into mirror zones vs migrate_pages(2): median ratio $med_in (target 1.5: $(verdict "$med_in" 1.5))"
log "back out vs migrate_pages(2): median ratio $med_out (target 1.0: $(verdict "$med_out" 1.0))"

# What the tool adds to the same move: mirrorctl's wall time against the
# ioctl it makes (both from outside: timeit; the ioctl alone: devmirror).
mp_start p taskset -c 0
P=$MP_PID
mp p alloc $MB
timeit mirrorctl migrate "$P" --to-mirror >"$VMTEST_TMP/m.out" 2>"$VMTEST_TMP/m.err" ||
	fail "mirrorctl migrate --to-mirror: $(cat "$VMTEST_TMP/m.err")"
tool_in=$(sed -n 's/^elapsed_us=//p' "$VMTEST_TMP/m.err")
mp_check_mirrored p
timeit mirrorctl migrate "$P" --to-normal >"$VMTEST_TMP/m.out" 2>"$VMTEST_TMP/m.err" ||
	fail "mirrorctl migrate --to-normal: $(cat "$VMTEST_TMP/m.err")"
tool_out=$(sed -n 's/^elapsed_us=//p' "$VMTEST_TMP/m.err")
mp p check
assert_eq 0 "$(mp_val mirror)" "moved back by mirrorctl"
assert_eq 0 "$(mp_val bad)" "data intact after mirrorctl"
mp p exit
wait "$P" 2>/dev/null
wait_zones_free "$free0"
log "mirrorctl migrate, $MB MiB: --to-mirror $tool_in us ($(mibps $((MB * 256)) "$tool_in") MiB/s), --to-normal $tool_out us ($(mibps $((MB * 256)) "$tool_out") MiB/s), start-up and output included"

# Transparent huge pages (MADV_HUGEPAGE): migrate_vma on 6.1 splits each
# huge page into 512 zone pages (it migrates no compound device page);
# migrate_pages(2) moves it whole.  Reported as measured.
echo madvise >"$THP"
rounds thp 3
log "THP: into mirror zones vs migrate_pages(2): median ratio $med_in, back out $med_out (huge pages are split on the way in)"
echo never >"$THP"

# ---- first touch to mirrored ---------------------------------------------
# A flagged process maps and touches 1,000 fresh pages over 10 s; each is
# timed until the sweeper has moved it (mproc touchlat).
touch_round()
{
	echo "$1" >"$MIRROR_SYS/processes/sweep_interval_ms"
	mp_start t mirrorctl run --
	T=$MP_PID
	mp t touchlat 1000 10000
	assert_eq 1000 "$(mp_val mirrored)" "fresh pages mirrored (interval $1 ms)"
	log "first touch to mirrored, sweep interval $1 ms: p50 $(mp_val p50_ms) ms, p99 $(mp_val p99_ms) ms, max $(mp_val max_ms) ms (resolution $(mp_val poll_ms) ms)"
	mp t exit
	wait "$T" 2>/dev/null
	wait_zones_free "$free0"
}
for iv in 100 250 "$sweep0" 1000; do
	touch_round "$iv"
done
echo "$sweep0" >"$MIRROR_SYS/processes/sweep_interval_ms"
all_idle
log "ok"
