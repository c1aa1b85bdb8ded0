# Benchmark, side by side in the test machine: moving 256 MiB of a running
# process into mirror memory (mirrorctl migrate --to-mirror: migrate_vma
# into mirror zones), back out (alloc_contig_range), and the kernel's own
# migrate_pages(2) between two nodes (what numactl's migratepages does).
# Prints MiB/s for each, alternating rounds, and the ratio of the best of
# each side; checks only that each moved what it should.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl mproc migratepages timeit taskset

# 128 MiB at 128 MiB into each node: 512 MiB of mirror memory.
# Without the emulated mirror channel: its copies would take another
# 128 MiB of every node, and migrate_pages(2) needs room on node 2.
load_mirror "$MIRROR_VM_RANGES" channel=0
free0=$(zones_free)

# node_pages PID NODE: the process's pages on NODE (/proc/PID/numa_maps)
node_pages()
{
	tr ' ' '\n' <"/proc/$1/numa_maps" | sed -n "s/^N$2=//p" |
		awk '{ s += $1 } END { print s + 0 }'
}

# mibps PAGES MICROSECONDS
mibps()
{
	awk -v p="$1" -v u="$2" 'BEGIN { printf "%.0f", p * 4096 / 1048576 / (u / 1000000) }'
}

MB=256
ROUNDS=3

# best A B: the larger of two MiB/s figures
best()
{
	awk -v a="$1" -v b="$2" 'BEGIN { print (b > a) ? b : a }'
}

# ---- mirror.ko: into mirror zones and back ---------------------------------
mirror_round()
{
	mp_start p taskset -c 0
	P=$MP_PID
	mp p alloc $MB
	timeit mirrorctl migrate "$P" --to-mirror >"$VMTEST_TMP/m.out" 2>"$VMTEST_TMP/m.err"
	cat "$VMTEST_TMP/m.out"
	us=$(sed -n 's/^elapsed_us=//p' "$VMTEST_TMP/m.err")
	mp_check_mirrored p
	pages=$(mp_val mirror)
	r=$(mibps "$pages" "$us")
	best_in=$(best "$best_in" "$r")
	log "round $1: mirrorctl migrate --to-mirror: $pages pages in $us us: $r MiB/s"
	timeit mirrorctl migrate "$P" --to-normal >"$VMTEST_TMP/m.out" 2>"$VMTEST_TMP/m.err"
	us=$(sed -n 's/^elapsed_us=//p' "$VMTEST_TMP/m.err")
	mp p check
	assert_eq 0 "$(mp_val mirror)" "moved back"
	assert_eq 0 "$(mp_val bad)" "data intact"
	r=$(mibps "$pages" "$us")
	best_out=$(best "$best_out" "$r")
	log "round $1: mirrorctl migrate --to-normal: $pages pages in $us us: $r MiB/s"
	mp p exit
	wait "$P" 2>/dev/null
	wait_zones_free "$free0"
}

# ---- the kernel's migrate_pages(2), node 0 -> node 2 -------------------------
kernel_round()
{
	mp_start q taskset -c 0
	Q=$MP_PID
	mp q alloc $MB
	on0=$(node_pages "$Q" 0)
	out=$(migratepages "$Q" 0 2) || fail "migrate_pages failed"
	us=${out#*elapsed_us=}
	left=$(node_pages "$Q" 0)
	moved=$((on0 - left))
	mp q check
	assert_eq 0 "$(mp_val bad)" "data intact after migrate_pages"
	assert_cmp "$moved" -gt 0 "migrate_pages moved pages"
	r=$(mibps "$moved" "$us")
	best_kernel=$(best "$best_kernel" "$r")
	log "round $1: migrate_pages(2) node 0 -> 2: $moved pages in $us us: $r MiB/s"
	mp q exit
	wait "$Q" 2>/dev/null
}

# 4 KiB pages on both sides: migrate_pages(2) moves a transparent huge
# page as one unit while migrate_vma splits it, so whether the kernel
# found free 2 MiB blocks for the process would decide the ratio.
THP=/sys/kernel/mm/transparent_hugepage/enabled
thp0=$(sed 's/.*\[\(.*\)\].*/\1/' "$THP")
echo never >"$THP"
trap '_rc0=$?; echo "$thp0" >"$THP"; (exit $_rc0); _vm_cleanup' EXIT

# Rounds alternate, so that host noise falls on both sides alike; the best
# of each side is compared.
best_in=0 best_out=0 best_kernel=0
round=1
while [ "$round" -le "$ROUNDS" ]; do
	mirror_round "$round"
	kernel_round "$round"
	round=$((round + 1))
done
log "best of $ROUNDS: into mirror zones $best_in MiB/s, back out $best_out MiB/s, migrate_pages(2) $best_kernel MiB/s"
log "into mirror zones vs migrate_pages(2): ratio $(awk -v a="$best_in" -v b="$best_kernel" 'BEGIN { printf "%.2f", a / b }') (target 1.0, reported only)"
all_idle
log "ok"
