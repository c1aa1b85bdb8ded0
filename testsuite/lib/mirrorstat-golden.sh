#!/bin/sh
# mirrorstat's table, JSON and Prometheus output over every captured tree,
# compared with testsuite/golden/.  MIRROR_REGEN=1 rewrites the golden files
# (review the diff before committing them).
. "$(dirname "$0")/common.sh"

gen_m64

# golden-file  sysroot  options...
while read -r name root opts; do
	case $root in
	m64) root=$TMP/m64 ;;
	*) root=$FIXTURES/$root ;;
	esac
	# shellcheck disable=SC2086
	golden "$name" "$MIRRORSTAT" --sysroot "$root" $opts
done <<'CASES'
module-48g.txt module-48g
module-48g-nodes.txt module-48g -N
module-48g-bytes-raw.txt module-48g -b -r -o ZONE,NODE,SIZE,USED,FREE,ALLOCS,FREES,FALLBACKS
module-48g-all.txt module-48g --output-all -n
module-48g-summary.txt module-48g -s
module-48g-top.txt module-48g --top 10 -o +SOURCE
module-48g-pid.txt module-48g -p 4242,1 -b
module-48g.json module-48g -J
module-48g-pid.json module-48g -J -p 4242
module-48g-cols.json module-48g -J -o ZONE,RANGE,USED
module-48g-pid-cols.json module-48g -J -p 4242 -o +SOURCE
module-48g-pid-cgroup.txt module-48g -p 4242,1 -o PID,COMMAND,FIRST,CGROUP
module-48g-pid-cgroup.json module-48g -J -p 4242,1 -o PID,CGROUP
module-48g.prom module-48g --prometheus
module-48g-top.prom module-48g --prometheus --top 2
m64-nodes.txt m64 -N
kernelcore-48g.txt kernelcore-48g
kernelcore-48g-nodes.txt kernelcore-48g -N -b
kernelcore-48g-top.txt kernelcore-48g --top 5
kernelcore-48g.json kernelcore-48g -J
kernelcore-48g.prom kernelcore-48g --prometheus
openeuler.txt openeuler
openeuler-nodes.txt openeuler --nodes
openeuler-top.txt openeuler --top 5 -o PID,COMMAND,RSS,MIRROR,FIRST,SOURCE
openeuler.json openeuler -J --top 5
openeuler.prom openeuler --prometheus --pid 1000
CASES

finish
