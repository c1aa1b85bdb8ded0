#!/bin/sh
# mirrorstat -J read back with jansson (json-check): the schema's keys and
# types, and zones and nodes adding up to the summary, for every backend.
. "$(dirname "$0")/common.sh"

gen_m64

check() {
	label=$1 zones=$2 nodes=$3
	shift 3
	if ! "$MIRRORSTAT" "$@" -J >"$TMP/json" 2>"$TMP/err"; then
		fail "$label: mirrorstat failed: $(cat "$TMP/err")"
	elif "$JSON_CHECK" "$zones" "$nodes" <"$TMP/json"; then
		pass "$label"
	else
		fail "$label: json-check rejected the output"
	fi
}

check module-48g 4 4 --sysroot "$FIXTURES/module-48g"
check module-48g-top 4 4 --sysroot "$FIXTURES/module-48g" --top 3
check m64 256 64 --sysroot "$TMP/m64"
check kernelcore-48g 5 4 --sysroot "$FIXTURES/kernelcore-48g" -p 777
check openeuler 4 2 --sysroot "$FIXTURES/openeuler" --top 2

# Watch mode: one document per report, each valid, rates from the second on.
if "$MIRRORSTAT" --sysroot "$FIXTURES/module-48g" -J -i 0.05 -c 2 >"$TMP/watch"; then
	n=$(grep -c '^{' "$TMP/watch")
	[ "$n" -eq 2 ] && pass "watch: 2 documents" || fail "watch: $n documents"
	awk '/^{/{n++} n==2' "$TMP/watch" >"$TMP/second"
	"$JSON_CHECK" 4 4 <"$TMP/second" >/dev/null || fail "watch: second document rejected"
	grep -q '"allocs": 0.0' "$TMP/second" || fail "watch: no zero rate in the second document"
	grep -q '"interval": 0.05' "$TMP/second" || fail "watch: interval missing"
else
	fail "watch mode failed"
fi

# "end" is the last byte (inclusive), as the RANGE column; the module's
# start and size (and libmirror's end) are one byte further.
Z=$FIXTURES/module-48g/sys/kernel/mm/mirror/zones
"$MIRRORSTAT" --sysroot "$FIXTURES/module-48g" -J -o ZONE,RANGE >"$TMP/json"
"$MIRRORSTAT" --sysroot "$FIXTURES/module-48g" -r -n -o ZONE,RANGE >"$TMP/table"
for z in zone0 zone1 zone2 zone3; do
	last=$(printf '0x%x' $(($(cat "$Z/$z/start") + $(cat "$Z/$z/size") - 1)))
	if grep -A2 "\"zone\": \"$z\"" "$TMP/json" | grep -q "\"end\": \"$last\"" &&
	    grep -q "^$z 0x[0-9a-f]*-0x0*${last#0x}\$" "$TMP/table"; then
		pass "$z: JSON end and RANGE are the last byte, $last"
	else
		fail "$z: end is not $last: $(cat "$TMP/json" "$TMP/table")"
	fi
done

# Sizes stay numbers (not "1G") and unknown counters stay null (not 0).
"$MIRRORSTAT" --sysroot "$FIXTURES/module-48g" -J >"$TMP/json"
grep -q '"failovers": null' "$TMP/json" && pass "failovers null without the file" ||
	fail "failovers should be null without the failovers file"
grep -q '"failovers": 0' "$TMP/json" && fail "failovers shown as 0"

finish
