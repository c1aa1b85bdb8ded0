# Third-party programs under 'mirrorctl run': memtester and stress-ng know
# nothing of mirror.ko.  Flagged from their start, they must pass their own
# data checks while the sweeper moves their memory under them, at least 99%
# of their resident anonymous pages must lie in mirror zones while they run
# (seen from outside through /proc/PID/pagemap by the anonmap helper), and
# every zone page must be back in its zone once they exit.
# vm-timeout: 480
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl anonmap
for p in memtester stress-ng; do
	command -v "$p" >/dev/null 2>&1 ||
		skip "$p is not in the machine (not installed on the host; scripts/bootstrap.sh installs it)"
done

# now_cs: uptime in hundredths of a second
now_cs()
{
	awk '{ printf "%d\n", $1 * 100 }' /proc/uptime
}

# secs CS: hundredths of a second as seconds with two decimals
secs()
{
	printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

# running PID: true while PID is alive and not a zombie
running()
{
	_st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$_st" ] && [ "$_st" != Z ]
}

# anon_of PID...: anonmap summed over those processes still there; sets
# AN_ANON and AN_MIRROR
anon_of()
{
	AN_ANON=0
	AN_MIRROR=0
	for _p in "$@"; do
		_o=$(anonmap "$_p" 2>/dev/null) || continue
		_a=$(echo "$_o" | tr ' ' '\n' | sed -n 's/^anon=//p')
		_m=$(echo "$_o" | tr ' ' '\n' | sed -n 's/^mirror=//p')
		AN_ANON=$((AN_ANON + _a))
		AN_MIRROR=$((AN_MIRROR + _m))
	done
}

# stress_pids: every stress-ng process (the parent, the stressor and the
# worker it forks)
stress_pids()
{
	for _c in /proc/[0-9]*/comm; do
		case $(cat "$_c" 2>/dev/null) in
		stress-ng*) _p=${_c#/proc/}; echo "${_p%/comm}" ;;
		esac
	done
}

# watch_mirrored NAME RUNPID MINPAGES PIDS-COMMAND: while RUNPID runs,
# sample the processes PIDS-COMMAND prints every 0.2 s until at least
# MINPAGES anonymous pages are resident and >= 99% of them lie in mirror
# zones; fails when RUNPID ends first.  Logs the fraction and the time
# since T0 (now_cs) it took.
watch_mirrored()
{
	AN_ANON=0
	AN_MIRROR=0
	while :; do
		running "$2" ||
			fail "$1 ended before its memory was in mirror zones (last sample: $AN_MIRROR of $AN_ANON pages)"
		anon_of $(eval "$4")
		[ "$AN_ANON" -ge "$3" ] &&
			[ $((AN_MIRROR * 100)) -ge $((AN_ANON * 99)) ] && break
		sleep 0.2
	done
	log "$1: $AN_MIRROR of $AN_ANON resident anonymous pages in mirror zones ($(awk -v m="$AN_MIRROR" -v a="$AN_ANON" 'BEGIN { printf "%.2f", m * 100 / a }')%), $(secs $(($(now_cs) - T0))) s after the start"
}

load_mirror
[ -c /dev/mirror ] || fail "/dev/mirror missing"
echo 100 >"$MIRROR_SYS/processes/sweep_interval_ms"
free0=$(zones_free)
log "zones free at start: $free0"

# ---- memtester: 24 MiB, one loop of all its tests --------------------------
out=$VMTEST_TMP/memtester.out
T0=$(now_cs)
mirrorctl run -- memtester 24M 1 >"$out" 2>&1 &
M=$!
watch_mirrored memtester "$M" 6144 "echo $M"
assert_eq true "$(first_json "$M" mirror_first)" "memtester: flag set"
mb=$(first_json "$M" mirror_bytes)
ob=$(first_json "$M" ordinary_bytes)
log "memtester: mirror.ko counts $((mb / 4096)) pages mirrored, $((ob / 4096)) ordinary"
assert_cmp $((mb / 4096)) -ge 6144 "memtester: mirror_bytes"
wait "$M"
rc=$?
t=$(($(now_cs) - T0))
# memtester draws a spinner with backspaces: keep each test's verdict.
tr '\b' ' ' <"$out" | sed -E 's/^( *[^:]+:) .* (ok|FAILURE.*)$/\1 \2/' |
	grep -v '^ *$' | sed 's/^/  | /'
log "memtester 24M 1: exit $rc after $(secs "$t") s"
assert_eq 0 "$rc" "memtester exit status"
grep -q 'locked' "$out" || fail "memtester did not lock its 24 MiB"
assert_eq 0 "$(grep -c FAILURE "$out")" "memtester failures"
wait_zones_free "$free0"

# ---- stress-ng: one vm worker rewriting and verifying 32 MiB ----------------
# zero-one writes all zeros, checks, writes all ones, checks, over and over;
# --vm-keep keeps the one mapping instead of remapping it each round, so
# the memory stays resident while the sweeper moves it.  It runs 30 s
# times the time limits' scale: on the debug kernel the memory took 29 s
# to be all mirrored, and stress-ng had ended before it could be checked.
out=$VMTEST_TMP/stress-ng.out
T0=$(now_cs)
mirrorctl run -- stress-ng --vm 1 --vm-bytes 32M --vm-method zero-one \
	--vm-keep --verify --timeout $((30 * ${VMTEST_TIMEOUT_SCALE:-1}))s \
	--metrics-brief >"$out" 2>&1 &
S=$!
watch_mirrored stress-ng "$S" 8192 stress_pids
# A process that ended meanwhile (the run's timeout came) is not checked;
# at least one must have been.
checked=0
for p in $(stress_pids); do
	f=$(first_json "$p" mirror_first 2>/dev/null)
	[ -z "$f" ] && [ ! -d "/proc/$p" ] && continue
	assert_eq true "$f" "stress-ng $p: flag set"
	checked=$((checked + 1))
done
assert_cmp "$checked" -ge 1 "stress-ng processes checked for the flag"
wait "$S"
rc=$?
t=$(($(now_cs) - T0))
sed 's/^/  | /' "$out"
log "stress-ng --vm 1 --vm-bytes 32M: exit $rc after $(secs "$t") s"
assert_eq 0 "$rc" "stress-ng exit status"
grep -q 'successful run completed' "$out" || fail "stress-ng did not report a successful run"
assert_eq 0 "$(grep -c -E ' (fail|error): |bit errors' "$out")" "stress-ng errors"

# ---- every page back --------------------------------------------------------
wait_zones_free "$free0"
assert_eq 0 "$(cat "$MIRROR_SYS/processes/nr_flagged")" "no flagged process left"
assert_eq 0 "$(kmsg_count 'Out of memory|oom-kill|Killed process')" "no OOM"
all_idle
log "zones free at the end: $(zones_free)"
log "ok"
