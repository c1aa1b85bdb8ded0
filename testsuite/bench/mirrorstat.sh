#!/bin/sh
# mirrorstat -J on the generated 64-node x 4-zone mirror.ko tree, against
# the floor of reading the single files it needs with cat into /dev/null
# (and, with READFILES, with nothing but open+read+close).  The tree has
# the one-line stat files and the module's layout file; the same tree
# without them (a module from before them, MIRROR_TREE_STAT=0) is timed in
# the same run.
# Targets: mirrorstat -J on the stat tree at most 0.5x open+read+close of
# the single files, and under 10 ms.  Reports; never fails.
#   BENCH_RUNS=N (default 40) runs of each; the median is reported.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
runs=${BENCH_RUNS:-40}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-mirrorstat.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sh "$top_srcdir/testsuite/fixtures/gen-module-tree.sh" "$tmp/m64" 64 4
MIRROR_TREE_STAT=0 sh "$top_srcdir/testsuite/fixtures/gen-module-tree.sh" \
	"$tmp/m64-files" 64 4

# The real binary, not libtool's wrapper script (which would time a shell).
if [ -x "$top_builddir/cli/.libs/mirrorstat" ]; then
	MIRRORSTAT=$top_builddir/cli/.libs/mirrorstat
	LD_LIBRARY_PATH=$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
else
	MIRRORSTAT=$top_builddir/cli/mirrorstat
fi

# Exactly the files libmirror reads for a report without stat files (see
# backend-module.c).
m=$tmp/m64-files/sys/kernel/mm/mirror
{
	printf "%s\n" "$m/abi_version" "$m/version" "$m/mode" "$m/nr_zones" \
		"$m/bad_frees" "$m/ordinary_pages"
	z=0
	while [ -d "$m/zones/zone$z" ]; do
		for f in node start size pages_present pages_free allocs frees \
			 alloc_failures failovers bad_frees exhausted; do
			echo "$m/zones/zone$z/$f"
		done
		z=$((z + 1))
	done
	for d in "$m"/nodes/node*; do
		for f in allocs_local allocs_remote fallback_exhausted \
			 fallback_constraint failed allocs_ordinary; do
			echo "$d/$f"
		done
	done
} >"$tmp/files"
nfiles=$(wc -w <"$tmp/files")

if command -v strace >/dev/null 2>&1; then
	for tree in m64 m64-files; do
		opened=$(strace -f -e trace=openat "$MIRRORSTAT" --sysroot "$tmp/$tree" -J 2>&1 >/dev/null |
			grep -cE 'openat\([0-9]+, "[a-z0-9_/]+", O_RDONLY\|O_CLOEXEC\) += [0-9]' || true)
		echo "strace: mirrorstat on $tree opened $opened attribute files (single-file list: $nfiles)"
	done
fi

# Median wall time of one run of "$@", in microseconds.
median_us() {
	i=0
	: >"$tmp/times"
	while [ $i -lt "$runs" ]; do
		s=$(date +%s%N)
		"$@" >/dev/null
		e=$(date +%s%N)
		echo $(((e - s) / 1000)) >>"$tmp/times"
		i=$((i + 1))
	done
	sort -n "$tmp/times" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

# shellcheck disable=SC2046
floor=$(median_us cat $(cat "$tmp/files"))
tool=$(median_us "$MIRRORSTAT" --sysroot "$tmp/m64" -J)
tool_files=$(median_us "$MIRRORSTAT" --sysroot "$tmp/m64-files" -J)
start=$(median_us "$MIRRORSTAT" --version)
exec0=$(median_us /bin/true)
min=0
if [ -n "${READFILES:-}" ] && [ -x "$READFILES" ]; then
	min=$(median_us sh -c '"$1" <"$2"' sh "$READFILES" "$tmp/files")
	shell=$(median_us sh -c ':')
	min=$((min - shell))
fi

awk -v f="$floor" -v t="$tool" -v t0="$tool_files" -v s="$start" \
    -v x="$exec0" -v n="$nfiles" \
    -v r="$runs" -v m="$min" 'BEGIN {
	printf "64 nodes x 4 zones, %d files, median of %d runs\n", n, r
	printf "  %-36s %9.2f ms\n", "/bin/true (process start)", x / 1000
	printf "  %-36s %9.2f ms\n", "mirrorstat --version (start-up)", s / 1000
	printf "  %-36s %9.2f ms\n", "cat <the same files> >/dev/null", f / 1000
	if (m > 0)
		printf "  %-36s %9.2f ms\n", "open+read+close only (readfiles)", m / 1000
	printf "  %-36s %9.2f ms\n", "mirrorstat -J (single files)", t0 / 1000
	printf "  %-36s %9.2f ms\n", "mirrorstat -J (stat files)", t / 1000
	printf "  ratio stat tree / single-file tree: %.2f\n", t / t0
	if (m > 0)
		printf "  ratio mirrorstat (stat) / readfiles of the single files: %.2f (target <= 0.5: %s)\n", t / m, t <= 0.5 * m ? "met" : "NOT met"
	printf "  ratio mirrorstat (stat) / cat of the single files: %.2f\n", t / f
	printf "  mirrorstat -J under 10 ms: %s\n", t < 10000 ? "yes" : "no"
}'
