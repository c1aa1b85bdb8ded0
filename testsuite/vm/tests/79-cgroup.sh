# Whole groups: 'mirrorctl set --cgroup' flags the processes of a cgroup
# v2 group now and records it; mirrord keeps it true for the processes
# that join later: written into the populated group (seen by the rescan),
# into a subgroup, and the first process of a group made again (a
# restart: seen through cgroup.events at once).  A group of mirror.conf
# is followed as well.  Their pages sit in the zones (pagemap, through
# mproc).  A process that leaves the group keeps its flag, as a forked
# child does, until cleared.  'mirrorctl show --cgroup' counts them;
# 'clear --cgroup' clears its processes and stops the following; SIGTERM
# stops mirrord cleanly.  The latencies from joining to flagged are
# logged.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl mirrord mproc

load_mirror
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null ||
	grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || fail "cannot mount cgroup2"
CG=/sys/fs/cgroup
mkdir -p $CG/svc $CG/conf.slice
rm -rf /run/mirror

# uptime_ms: the uptime in milliseconds (from /proc/uptime, 10 ms steps)
uptime_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
flagged() { [ "$(first_json "$1" mirror_first)" = true ]; }
# wait_log PATTERN SECONDS: until mirrord's output has a line matching
wait_log()
{
	_t=$(($2 * 50))
	until grep -q -- "$1" "$VMTEST_TMP/mirrord.log"; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || fail "mirrord did not say '$1' in $2 s: $(cat "$VMTEST_TMP/mirrord.log")"
		sleep 0.02
	done
}

# ---- set --cgroup: the processes there now --------------------------------
mp_start a
A=$MP_PID
echo "$A" >$CG/svc/cgroup.procs
mp a alloc 4
must mirrorctl set --cgroup /svc --limit 64M
flagged "$A" || fail "a: not flagged by set --cgroup"
assert_eq $((64 << 20)) "$(first_json "$A" limit_bytes)" "a: the limit of --limit"
mp_check_mirrored a 10
REC=/run/mirror/cgroups.d/cgroup-svc.conf
[ -f "$REC" ] || fail "no record $REC: $(ls -R /run/mirror)"
assert_match "^cgroup = /svc limit=67108864$" "$(grep '^cgroup' "$REC")" "the record"

# ---- mirrord ---------------------------------------------------------------
# The mirror.conf that mirrorctl and mirrord read by default (the build's
# sysconfdir).
CONF=$(mirrorctl --help | sed -n 's/^apply reads \([^ ]*\) .*/\1/p')
[ -n "$CONF" ] || fail "mirrorctl --help names no mirror.conf"
mkdir -p "$(dirname "$CONF")"
printf '[flag]\ncgroup = /conf.slice/later limit=32M\n' >"$CONF"
mirrord --interval 0.5 >"$VMTEST_TMP/mirrord.log" 2>&1 &
D=$!
wait_log "rescanning every 0.5s" 20
wait_log "following cgroup /conf.slice/later" 5
wait_log "following cgroup /svc" 5

# A process written into the populated group: the rescan's job.
mp_start b
B=$MP_PID
t0=$(uptime_ms)
echo "$B" >$CG/svc/cgroup.procs
wait_log "flagged $B (mproc), limit 64M: cgroup /svc" 10
lat_rescan=$(($(uptime_ms) - t0))
log "joined a populated group: flagged after $lat_rescan ms (interval 500 ms)"
mp b alloc 4
mp_check_mirrored b 10
assert_eq $((64 << 20)) "$(first_json "$B" limit_bytes)" "b: the group's limit"

# Into a subgroup made now.
mkdir $CG/svc/inner
mp_start c
C=$MP_PID
echo "$C" >$CG/svc/inner/cgroup.procs
wait_log "flagged $C (mproc)" 10
mp c alloc 4
mp_check_mirrored c 10

# mirror.conf's group, made after mirrord started, its first process: as
# a unit's restart does (a new group, populated).  cgroup.events says so.
mkdir $CG/conf.slice/later
mp_start e
E=$MP_PID
t0=$(uptime_ms)
echo "$E" >$CG/conf.slice/later/cgroup.procs
wait_log "flagged $E (mproc), limit 32M: cgroup /conf.slice/later, $CONF:2" 10
lat_event=$(($(uptime_ms) - t0))
log "first process of a new group: flagged after $lat_event ms"
mp e alloc 4
mp_check_mirrored e 10
# Emptied and populated again, the "restart" once more.
mp e exit
wait "$E" 2>/dev/null
mp_start f
F=$MP_PID
t0=$(uptime_ms)
echo "$F" >$CG/conf.slice/later/cgroup.procs
wait_log "flagged $F (mproc)" 10
log "first process of an emptied group: flagged after $(($(uptime_ms) - t0)) ms"
mp f alloc 4
mp_check_mirrored f 10

# mirrorstat -p names the group.
assert_eq "$B /svc" "$(mirrorstat -p "$B" -o PID,CGROUP -n -r)" "mirrorstat -p: b's cgroup"

# ---- show --cgroup ----------------------------------------------------------
must mirrorctl show --cgroup
mirrorctl show --cgroup -r -n -o cgroup,procs,flagged >"$VMTEST_TMP/show"
cat "$VMTEST_TMP/show"
assert_eq "/svc 3 3" "$(grep '^/svc ' "$VMTEST_TMP/show")" "show --cgroup: /svc"
assert_eq "/conf.slice/later 1 1" "$(grep '^/conf' "$VMTEST_TMP/show")" "show --cgroup: mirror.conf's"
assert_match '"followed_by": *"/run/mirror/cgroups.d/cgroup-svc.conf"' \
	"$(mirrorctl -J show --cgroup /svc | tr -d '\n')" "show --cgroup /svc -J"
mirrorctl show --cgroup / -r -n -o group,followed >"$VMTEST_TMP/show" 2>&1 &&
	fail "show --cgroup / accepted the root"

# ---- leaving the group: the flag stays ----------------------------------------
echo "$B" >$CG/cgroup.procs
sleep 1.5
flagged "$B" || fail "b: lost the flag when it left the group"
mp b alloc 4
mp_check_mirrored b 10

# ---- clear --cgroup: its processes now, no following after ------------------
rc_out=$(mirrorctl clear --cgroup /svc)
echo "$rc_out"
assert_match "cgroup /svc: 2 processes cleared; no longer followed" "$rc_out" "clear --cgroup"
[ -f "$REC" ] && fail "the record is still there"
flagged "$A" && fail "a: still flagged after clear --cgroup"
flagged "$C" && fail "c: still flagged after clear --cgroup"
flagged "$B" || fail "b (left before) lost its flag"
mp_start g
G=$MP_PID
echo "$G" >$CG/svc/cgroup.procs
sleep 1.5
flagged "$G" && fail "g: flagged after the group stopped being followed"
grep -q "flagged $G " "$VMTEST_TMP/mirrord.log" && fail "mirrord flagged g"
# mirror.conf's group cannot be cleared from the command line.
out=$(mirrorctl clear --cgroup /conf.slice/later 2>&1) && fail "cleared mirror.conf's group: $out"
log "$out"
must mirrorctl clear "$B"

# A group removed while followed: clearing it still forgets it.
mkdir $CG/gone
must mirrorctl set --cgroup /gone
[ -f /run/mirror/cgroups.d/cgroup-gone.conf ] || fail "no record of /gone"
rmdir $CG/gone
must mirrorctl clear --cgroup /gone
[ -f /run/mirror/cgroups.d/cgroup-gone.conf ] && fail "the record of the removed /gone stayed"

# ---- SIGTERM: a clean exit ---------------------------------------------------
kill -TERM "$D"
wait "$D"
assert_eq 0 "$?" "mirrord's exit status after SIGTERM"
wait_log "stopped by signal 15" 5
cat "$VMTEST_TMP/mirrord.log"

for n in a b c f g; do
	mp $n exit
done
wait
rm -f "$CONF"
rmdir $CG/svc/inner $CG/svc $CG/conf.slice/later $CG/conf.slice
log "latency: ${lat_rescan} ms by the rescan (interval 500 ms), ${lat_event} ms through cgroup.events"
log "ok"
