# mirrorctl monitor against the real module: the events of an exhaustion,
# its recovery and a failover arrive in that order, with their zone and
# node (and the failover's page and latency), as JSON lines and as text;
# they keep arriving across an unload and a new load of mirror.ko, which
# are events too; with --daemon they go to the system log; SIGTERM ends
# it with status 0.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror_test
need_cmd mirrorctl

# One zone of one memory block on node 0: filling it is quick.
R0=128M@$(zone_addr 0)
INJECT=/sys/kernel/debug/mirror/inject
load_mirror "$R0"
load_mirror_test
# Nothing repairs behind the test's back; the scrub runs when it says.
mirror_write channel/scrub_interval_ms 0 || fail "no patrol refused"
P=$(zone_read 0 pages_present)

# listening PID: until PID's uevent socket is bound to the kernel's group
# (/proc/net/netlink: protocol 15, port PID, a group); started in the
# background, a listener may not be listening yet.
listening()
{
	_i=0
	until awk -v p="$1" '$2 == 15 && $3 == p && $4 != "00000000" { f = 1 }
		END { exit !f }' /proc/net/netlink; do
		kill -0 "$1" 2>/dev/null || fail "the monitor $1 exited"
		_i=$((_i + 1))
		[ "$_i" -lt 100 ] || fail "the monitor $1 is not listening after 10 s"
		sleep 0.1
	done
}

# lines FILE N: until FILE has N lines (30 s at most)
lines()
{
	_i=0
	while [ "$(wc -l <"$1")" -lt "$2" ] && [ "$_i" -lt 300 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# exhaust_and_recover: fill zone 0, one more page (zone 0 is full: it
# falls back to ordinary memory, exhausted), then free everything
# (recovered).
exhaust_and_recover()
{
	mt alloc n="$P" order=0 gfp=kernel,mirror cpu=0
	assert_eq "$P" "$(mt_val allocated)" "zone 0 filled"
	mt alloc n=1 order=0 gfp=kernel,mirror cpu=0
	assert_eq 0 "$(mt_val mirrored)" "the page after the last one is ordinary"
	assert_eq 1 "$(zone_read 0 exhausted)" "zone 0 exhausted"
	mt free all
	assert_eq 0 "$(zone_read 0 exhausted)" "zone 0 recovered"
}

J=$VMTEST_TMP/monitor.json
T=$VMTEST_TMP/monitor.txt
mirrorctl -J monitor >"$J" 2>"$J.err" &
MJ=$!
mirrorctl monitor >"$T" 2>"$T.err" &
MT=$!
trap '_rc0=$?; kill $MJ $MT $MD $SL 2>/dev/null; (exit $_rc0); _vm_cleanup' EXIT
listening "$MJ"
listening "$MT"

# ---- exhaustion, recovery, failover ------------------------------------------
exhaust_and_recover
mt alloc n=1 order=0 gfp=kernel,mirror,strict cpu=0
X=$(mt_pfns)
echo "pfn=$X offset=16 mask=0xff" >"$INJECT" || fail "inject into $X refused"
f0=$(mirror_read channel/failovers)
mirror_write channel/scrub 1 || fail "scrub refused"
assert_eq $((f0 + 1)) "$(mirror_read channel/failovers)" "the scrub repaired it"
mt free all

# ---- the module goes and comes back: the monitors stay ------------------
unload_mirror
load_mirror "$R0"
load_mirror_test
mirror_write channel/scrub_interval_ms 0 || fail "no patrol refused"
exhaust_and_recover

WANT="exhausted recovered failover unloaded loaded exhausted recovered"
N=$(echo "$WANT" | wc -w)
lines "$J" "$N"
lines "$T" "$N"
sleep 1
kill -TERM "$MJ" "$MT"
wait "$MJ"
rj=$?
wait "$MT"
rt=$?
echo "  JSON:"
sed 's/^/    /' "$J"
echo "  text:"
sed 's/^/    /' "$T"
assert_eq "0 0" "$rj $rt" "exit status after SIGTERM"
[ -s "$J.err" ] && fail "the JSON monitor said: $(cat "$J.err")"
[ -s "$T.err" ] && fail "the text monitor said: $(cat "$T.err")"

# In order, one line each, nothing else.
got=$(sed -n 's/.*"event":"\([a-z]*\)".*/\1/p' "$J" | tr '\n' ' ')
assert_eq "$WANT " "$got" "JSON events in order"
assert_eq "$N" "$(wc -l <"$J")" "one JSON line per event"
got=$(awk '{ print ($2 == "mirror.ko" ? $3 : $2) }' "$T" | tr '\n' ' ')
assert_eq "$WANT " "$got" "text events in order"
# The zone events name zone 0 on node 0 and its free pages.
assert_eq 4 "$(grep -c '"event":"\(exhausted\|recovered\)","zone":0,"node":0,"pages_free":[0-9]*,' "$J")" \
	"zone and node of the zone events"
assert_match '"event":"exhausted","zone":0,"node":0,"pages_free":0,' "$(head -n 1 "$J")" "exhausted with 0 free"
assert_match "^[0-9-]*T[0-9:.]*[+-][0-9][0-9]:[0-9][0-9] exhausted zone 0 node 0 \(0 pages free\)$" \
	"$(head -n 1 "$T")" "the text line"
# The failover: its page (the monitor runs as root) and latency.
fo=$(grep '"event":"failover"' "$J")
assert_match "\"zone\":0,\"node\":0,\"pfn\":\"$X\",\"latency_us\":[0-9]+," "$fo" "the failover's page and latency"
assert_match " failover zone 0 node 0 pfn $X: repaired from the mirror copy after [0-9]+ us$" \
	"$(grep ' failover ' "$T")" "the failover in text"
# The kernel's sequence numbers only grow; the times are ISO 8601.
sed -n 's/.*"seqnum":\([0-9]*\).*/\1/p' "$J" >"$VMTEST_TMP/seq"
assert_eq "$N" "$(wc -l <"$VMTEST_TMP/seq")" "a seqnum in every line"
awk 'NR > 1 && $1 <= prev { bad = 1 } { prev = $1 } END { exit bad }' "$VMTEST_TMP/seq" ||
	fail "seqnums out of order: $(tr '\n' ' ' <"$VMTEST_TMP/seq")"
assert_eq "$N" "$(grep -c '^{"schema":1,"time":"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]*\.[0-9]\{3\}[+-][0-9][0-9]:[0-9][0-9]",' "$J")" \
	"schema and time in every line"

# ---- --daemon: the system log ------------------------------------------------
need_cmd syslogd
LOG=$VMTEST_TMP/messages
syslogd -n -O "$LOG" &
SL=$!
i=0
until [ -S /dev/log ]; do
	i=$((i + 1))
	[ "$i" -lt 50 ] || fail "syslogd made no /dev/log"
	sleep 0.1
done
mirrorctl monitor --daemon >"$VMTEST_TMP/daemon.out" 2>&1 &
MD=$!
listening "$MD"
exhaust_and_recover
i=0
until grep -q "mirrorctl\[$MD\]: .* recovered zone 0 node 0" "$LOG" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || break
	sleep 0.1
done
kill -TERM "$MD"
wait "$MD"
rd=$?
sleep 0.5
sed 's/^/    /' "$LOG"
assert_eq 0 "$rd" "--daemon: exit status after SIGTERM"
[ -s "$VMTEST_TMP/daemon.out" ] && fail "--daemon wrote to its output: $(cat "$VMTEST_TMP/daemon.out")"
assert_match "daemon.info mirrorctl\[$MD\]: listening to mirror.ko's events" "$(cat "$LOG")" "--daemon: started"
assert_match "daemon.warn mirrorctl\[$MD\]: [0-9-]*T[0-9:.+-]* exhausted zone 0 node 0" "$(cat "$LOG")" "--daemon: exhausted, a warning"
assert_match "daemon.notice mirrorctl\[$MD\]: [0-9-]*T[0-9:.+-]* recovered zone 0 node 0" "$(cat "$LOG")" "--daemon: recovered, a notice"
assert_match "mirrorctl\[$MD\]: stopped by signal 15" "$(cat "$LOG")" "--daemon: stopped"
kill "$SL" 2>/dev/null
log "ok"
