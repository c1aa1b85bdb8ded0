#!/bin/sh
# The figures the speed targets name, from the logs of several `make bench`
# runs, one column per run:
#   sh testsuite/bench/table.sh bench1.log bench2.log bench3.log
# (make -C testsuite bench-runs does the runs and prints this).  Reads what
# 80-bench, 76-first-bench, 97-sweep-cost and bench/mirrorstat.sh print;
# a figure a log lacks shows as '-'.
set -eu

[ $# -gt 0 ] || { echo "usage: table.sh BENCH-LOG..." >&2; exit 2; }
for f in "$@"; do
	[ -r "$f" ] || { echo "table.sh: cannot read $f" >&2; exit 1; }
done

awk '
# The VM tests print their lines twice (streamed, and as "# | " in the
# TAP log): take each from one place only.
/^# / { next }
{ line = $0; sub(/^ +/, "", line) }
FNR == 1 { run++ }
function put(key, value) {
	if (!(key in seen)) { seen[key] = 1; keys[++nkeys] = key }
	v[key, run] = value
}
line ~ /^(pair|warm|batch32) order=[0-9] cpus=[a-z]+ .* ratio=/ {
	split(line, w, " ")
	r = line; sub(/.* ratio=/, "", r); sub(/ .*/, "", r)
	put("alloc " w[1] " " w[2] " " w[3] " (>= 1.0)", r)
}
/into mirror zones vs migrate_pages\(2\): median ratio/ && !/THP:/ {
	r = $0; sub(/.*median ratio /, "", r); sub(/ .*/, "", r)
	put("migrate into, median of 5 (>= 1.5)", r)
}
/back out vs migrate_pages\(2\): median ratio/ {
	r = $0; sub(/.*median ratio /, "", r); sub(/ .*/, "", r)
	put("migrate out, median of 5 (>= 1.0)", r)
}
/THP: into mirror zones vs migrate_pages\(2\): median ratio/ {
	r = $0; sub(/.*median ratio /, "", r); sub(/,.*/, "", r)
	o = $0; sub(/.*back out /, "", o); sub(/ .*/, "", o)
	put("THP into / out (reported)", r " / " o)
}
/first touch to mirrored, sweep interval [0-9]+ ms:/ {
	iv = $0; sub(/.*sweep interval /, "", iv); sub(/ ms:.*/, "", iv)
	p50 = $0; sub(/.*p50 /, "", p50); sub(/ ms.*/, "", p50)
	p99 = $0; sub(/.*p99 /, "", p99); sub(/ ms.*/, "", p99)
	put("first touch to mirrored at " iv " ms, p50/p99 ms", p50 "/" p99)
}
/sweep interval [0-9]+ ms: the sweeper used/ {
	iv = $0; sub(/.*sweep interval /, "", iv); sub(/ ms:.*/, "", iv)
	c = $0; sub(/.*sweeper used /, "", c); sub(/ of one.*/, "", c)
	put("sweeper CPU, 1 GiB flagged, " iv " ms (<= 1% at the default)", c)
}
/ratio mirrorstat \(stat\) \/ readfiles of the single files:/ {
	r = $0; sub(/.*single files: /, "", r); sub(/ .*/, "", r)
	put("mirrorstat -J / reading the single files (<= 0.5)", r)
}
END {
	printf "%-62s", "figure (target)"
	for (i = 1; i <= run; i++) printf " %13s", "run " i
	printf "\n"
	for (k = 1; k <= nkeys; k++) {
		printf "%-62s", keys[k]
		for (i = 1; i <= run; i++)
			printf " %13s", ((keys[k], i) in v) ? v[keys[k], i] : "-"
		printf "\n"
	}
}' "$@"
