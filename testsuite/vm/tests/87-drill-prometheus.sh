# mirror-drill --prometheus against the real module: a failover drill's
# verdict, checks, time and figures as the text exposition format; every
# sample after its family's HELP and TYPE, each family in one piece (also
# with several scenarios, 'all'); nothing on stdout when the drill cannot
# run.
# vm-timeout: 200
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirror-drill

OUT=$VMTEST_TMP/prom
ERR=$VMTEST_TMP/err

# well_formed FILE: HELP and TYPE before a family's samples; a family once.
well_formed()
{
	awk '
	/^# HELP / { if ($3 in done) { print "family " $3 " twice"; bad = 1 }
		     fam = $3; done[$3] = 1; next }
	/^# TYPE / { if ($3 != fam || $4 != "gauge") { print "TYPE of " $3; bad = 1 }
		     typed = 1; next }
	/^#/ { next }
	{ n = $1; sub(/\{.*/, "", n)
	  if (n != fam || !typed) { print "sample outside its family: " $0; bad = 1 }
	  if ($0 !~ /^[a-z_]+\{scenario="[a-z]+"\} -?[0-9.e+]+$/) { print "bad line: " $0; bad = 1 } }
	END { exit bad }' "$1"
}

# The module not loaded: exit 3, nothing on stdout.
mirror-drill --prometheus failover >"$OUT" 2>"$ERR"
assert_eq 3 "$?" "exit without the module"
assert_eq 0 "$(wc -c <"$OUT")" "stdout bytes without the module"

load_mirror
free0=$(zones_free)
t0=$(date +%s)
mirror-drill --prometheus failover --pages 8 >"$OUT" 2>"$ERR" ||
	fail "mirror-drill --prometheus failover: $(cat "$ERR")"
t1=$(date +%s)
cat "$OUT"
well_formed "$OUT" || fail "malformed Prometheus text"
assert_match '^mirror_drill_passed{scenario="failover"} 1$' "$(cat "$OUT")" "passed"
assert_match '^mirror_drill_checks_failed{scenario="failover"} 0$' "$(cat "$OUT")" "no failed check"
assert_match '^mirror_drill_pages_corrupted{scenario="failover"} 8$' "$(cat "$OUT")" "pages corrupted"
assert_match '^mirror_drill_pages_lost{scenario="failover"} 0$' "$(cat "$OUT")" "pages lost"
assert_match '^mirror_drill_repair_latency_us_max{scenario="failover"} [0-9]' "$(cat "$OUT")" "repair latency"
ts=$(sed -n 's/^mirror_drill_last_run_timestamp_seconds{scenario="failover"} //p' "$OUT")
[ -n "$ts" ] && [ "$ts" -ge "$t0" ] && [ "$ts" -le "$t1" ] ||
	fail "timestamp $ts not within the run ($t0..$t1)"
checks=$(sed -n 's/^mirror_drill_checks{scenario="failover"} //p' "$OUT")
[ "${checks:-0}" -gt 0 ] || fail "no checks counted"

# Several scenarios: one family each, a sample per scenario.
mirror-drill --prometheus all --pages 4 >"$OUT" 2>"$ERR" ||
	fail "mirror-drill --prometheus all: $(cat "$ERR")"
well_formed "$OUT" || fail "malformed Prometheus text for all"
for s in failover control fill; do
	assert_match "^mirror_drill_passed{scenario=\"$s\"} 1\$" "$(cat "$OUT")" "$s passed"
done
# The control drill loses what it corrupts; the failover drill does not.
assert_match '^mirror_drill_pages_lost{scenario="control"} 4$' "$(cat "$OUT")" "control loses its pages"
# The victims' pages come back before the module goes.
wait_zones_free "$free0" 30
log "ok"
