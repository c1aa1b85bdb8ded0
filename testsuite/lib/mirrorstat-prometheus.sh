#!/bin/sh
# mirrorstat --prometheus checked by a real parser, promtool (Debian's
# prometheus package).  Skips (77) when promtool is not installed.
. "$(dirname "$0")/common.sh"

if ! command -v promtool >/dev/null 2>&1; then
	echo "promtool not found (apt-get install prometheus): skipping"
	exit 77
fi

gen_m64

check() {
	label=$1
	shift
	if ! "$MIRRORSTAT" --prometheus "$@" >"$TMP/prom" 2>"$TMP/err"; then
		fail "$label: mirrorstat failed: $(cat "$TMP/err")"
	elif promtool check metrics <"$TMP/prom" >"$TMP/lint" 2>&1; then
		pass "$label ($(grep -vc '^#' "$TMP/prom") samples)"
	else
		fail "$label: promtool: $(cat "$TMP/lint")"
	fi
}

check module-48g --sysroot "$FIXTURES/module-48g"
check module-48g-top --sysroot "$FIXTURES/module-48g" --top 3
check m64 --sysroot "$TMP/m64"
check kernelcore-48g --sysroot "$FIXTURES/kernelcore-48g" -p 777
check openeuler --sysroot "$FIXTURES/openeuler" --top 3

# Labels node and zone on zone metrics; no failovers family without data.
"$MIRRORSTAT" --prometheus --sysroot "$FIXTURES/module-48g" >"$TMP/prom"
grep -q '^mirror_zone_used_bytes{node="2",zone="zone2"} 1073250304$' "$TMP/prom" &&
	pass "zone2 used bytes" || fail "zone2 used bytes sample missing"
grep -q 'mirror_zone_failovers_total' "$TMP/prom" &&
	fail "failovers reported although the backend lacks them"
"$MIRRORSTAT" --prometheus --sysroot "$TMP/m64" >"$TMP/prom"
grep -q '^mirror_zone_failovers_total{node="63",zone="zone253"} 23$' "$TMP/prom" &&
	pass "failovers from the failovers file" || fail "zone253 failovers missing"

finish
