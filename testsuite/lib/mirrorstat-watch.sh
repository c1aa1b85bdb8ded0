#!/bin/sh
# Watch mode: reports every interval, rates from the change between two
# samples, and a fresh start when mirror.ko's layout changes meanwhile.
. "$(dirname "$0")/common.sh"

cp -a "$FIXTURES/module-48g" "$TMP/t"
z3=$TMP/t/sys/kernel/mm/mirror/zones/zone3

# first_report: wait (at most 10 s) until mirrorstat has written its first
# report to $TMP/out (removed before it starts), so it has taken its first
# sample: a change made then falls between its two samples, one second
# apart.  A fixed sleep can end before mirrorstat has started.
first_report()
{
	i=0
	while [ ! -s "$TMP/out" ] && [ "$i" -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# 30 more allocations on zone3 between two reports one second apart.
rm -f "$TMP/out"
( first_report; echo 30 >"$z3/allocs" ) &
"$MIRRORSTAT" --sysroot "$TMP/t" -i 1 -c 2 -r -o ZONE,ALLOCS,ALLOC/S >"$TMP/out"
wait
first=$(awk '$1 == "zone3"' "$TMP/out" | head -n 1)
second=$(awk '$1 == "zone3"' "$TMP/out" | tail -n 1)
[ "$first" = "zone3 0 -" ] && pass "first report has no rate" ||
	fail "first report: '$first'"
rate=$(echo "$second" | awk '{print $3}')
if [ "$(echo "$second" | awk '{print $2}')" = 30 ] &&
   awk -v r="$rate" 'BEGIN { exit !(r >= 15 && r <= 45) }'; then
	pass "zone3 rate $rate/s"
else
	fail "second report: '$second'"
fi
[ "$(grep -c '^ZONE ALLOCS ALLOC/S$' "$TMP/out")" -eq 2 ] &&
	pass "two reports" || fail "expected two reports: $(cat "$TMP/out")"

# The default columns gain the rate columns in watch mode.
"$MIRRORSTAT" --sysroot "$TMP/t" -c 1 | head -n 1 | grep -q 'ALLOC/S *FALLBACK/S$' &&
	pass "rate columns by default" || fail "no rate columns in watch mode"

# mirror.ko reloaded with fewer zones between two reports: start over.
rm -f "$TMP/out"
( first_report; rm -r "$z3"; echo 3 >"$TMP/t/sys/kernel/mm/mirror/nr_zones";
  rm -r "$TMP/t/sys/kernel/mm/mirror/nodes/node3" ) &
"$MIRRORSTAT" --sysroot "$TMP/t" -i 1 -c 2 -J >"$TMP/out"
wait
[ "$(grep -c '"zone": "zone3"' "$TMP/out")" -eq 1 ] &&
	[ "$(grep -c '"zone": "zone2"' "$TMP/out")" -eq 2 ] &&
	pass "layout change: reloaded" || fail "layout change not followed"

finish
