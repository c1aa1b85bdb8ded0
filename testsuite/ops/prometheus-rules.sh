#!/bin/sh
# contrib/prometheus/mirror.rules.yml: promtool's syntax check, its unit
# tests (mirror.rules.test.yml), and every mirror_ metric the rules read is
# one mirrorstat --prometheus or mirror-drill --prometheus prints.  Skips
# (77) without promtool.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/ops-lib.sh"
need_promtool

RULES=$CONTRIB/prometheus/mirror.rules.yml

if promtool check rules "$RULES" >"$TMP/out" 2>&1; then
	pass "promtool check rules: $(grep -o '[0-9]* rules found' "$TMP/out")"
else
	fail "promtool check rules: $(cat "$TMP/out")"
fi

# promtool resolves rule_files against the test file's directory.
if promtool test rules "$CONTRIB/prometheus/mirror.rules.test.yml" >"$TMP/out" 2>&1; then
	pass "promtool test rules: $(grep -c 'alertname:' \
		"$CONTRIB/prometheus/mirror.rules.test.yml") alert checks"
else
	fail "promtool test rules: $(cat "$TMP/out")"
fi

# Every alert of the rules file has a unit test.
sed -n 's/^ *- alert: *//p' "$RULES" | sort -u >"$TMP/alerts"
sed -n 's/^ *alertname: *//p' "$CONTRIB/prometheus/mirror.rules.test.yml" |
	sort -u >"$TMP/tested"
untested=$(comm -23 "$TMP/alerts" "$TMP/tested" | tr '\n' ' ')
[ -z "$untested" ] && pass "every alert is tested ($(wc -l <"$TMP/alerts"))" ||
	fail "alerts without a test: $untested"

# mirrorstat's metrics, and mirror-drill's families as its man page lists
# them (the drill needs the module: vm/tests/87-drill-prometheus.sh checks
# that it prints them).
mirrorstat_metrics "$TMP/mirrorstat"
sed -n '/^\.SH PROMETHEUS OUTPUT/,/^\.SH /p' "$top_srcdir/man/mirror-drill.8" |
	sed -n 's/^\(mirror_drill_[a-z_]*\){.*/\1/p' >"$TMP/drill"
[ -s "$TMP/drill" ] || fail "no mirror_drill_ family in mirror-drill(8)"
sort -u "$TMP/mirrorstat" "$TMP/drill" >"$TMP/known"
# The expressions only (a block scalar runs to the next key).
awk '/^ *expr:/ { e = 1; sub(/^ *expr:/, ""); print; next }
	/^ *(-|for:|labels:|annotations:)/ { e = 0 }
	e' "$RULES" >"$TMP/exprs"
grep -oE 'mirror_[a-z_]+' "$TMP/exprs" | sort -u >"$TMP/used"
check_metric_names mirror.rules.yml "$TMP/used" "$TMP/known"

finish
