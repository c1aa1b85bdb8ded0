#!/bin/sh
# contrib/grafana/mirror.json: valid JSON that Grafana can import
# (dashboard-check), every query valid PromQL (promtool parses each as a
# recording rule), and every metric it queries printed by
# mirrorstat --prometheus.  The PromQL part skips (77) without promtool.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/ops-lib.sh"

DASH=$CONTRIB/grafana/mirror.json
CHECK=$top_builddir/testsuite/ops/dashboard-check

if "$CHECK" "$DASH" >"$TMP/exprs" 2>"$TMP/err"; then
	pass "dashboard-check: $(grep -c "\"gridPos\"" "$DASH") panels, $(wc -l <"$TMP/exprs") queries"
else
	fail "dashboard-check: $(cat "$TMP/err")"
fi

mirrorstat_metrics "$TMP/known"
grep -oE 'mirror_[a-z_]+' "$TMP/exprs" | sort -u >"$TMP/used"
check_metric_names mirror.json "$TMP/used" "$TMP/known"

# The checker itself: a broken file, a duplicate id and an unknown variable
# are caught.
printf '{"title": "x", "uid": "x", "panels": [' >"$TMP/bad.json"
"$CHECK" "$TMP/bad.json" >/dev/null 2>"$TMP/err" &&
	fail "dashboard-check accepted truncated JSON" ||
	pass "truncated JSON refused ($(cat "$TMP/err"))"
sed '0,/"id": 2,/s//"id": 1,/' "$DASH" >"$TMP/dup.json"
"$CHECK" "$TMP/dup.json" >/dev/null 2>"$TMP/err" &&
	fail "dashboard-check accepted a duplicate panel id" ||
	pass "duplicate panel id refused ($(head -n 1 "$TMP/err"))"
sed 's/\$instance/$host/' "$DASH" >"$TMP/var.json"
"$CHECK" "$TMP/var.json" >/dev/null 2>"$TMP/err" &&
	fail "dashboard-check accepted an undefined variable" ||
	pass "undefined variable refused ($(head -n 1 "$TMP/err"))"

need_promtool
# Each query as a recording rule, Grafana's variables given values.
{
	echo "groups:"
	echo "  - name: dashboard"
	echo "    rules:"
	n=0
	sed 's/\$__rate_interval/5m/g; s/\$instance/.*/g' "$TMP/exprs" |
		while IFS= read -r e; do
			n=$((n + 1))
			echo "      - record: dashboard_query_$n"
			printf "        expr: '%s'\n" "$(echo "$e" | sed "s/'/''/g")"
		done
} >"$TMP/queries.yml"
if promtool check rules "$TMP/queries.yml" >"$TMP/out" 2>&1; then
	pass "every query is valid PromQL ($(grep -o '[0-9]* rules found' "$TMP/out"))"
else
	fail "promtool on the dashboard's queries: $(cat "$TMP/out")"
fi

finish
