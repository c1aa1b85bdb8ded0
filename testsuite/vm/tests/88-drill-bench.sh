# Benchmark (reported, never failed on its figures): the emulated
# controller's scrub loop against a plain memcmp() of the same two copies,
# side by side in one run (debugfs scrub_bench), best of three readings.
# vm-timeout: 120
. "$MIRROR_VM_LIB"
need_mirror

load_mirror
B=/sys/kernel/debug/mirror/scrub_bench
best=0
for try in 1 2 3; do
	line=$(cat "$B") || fail "reading $B failed"
	echo "  $line"
	assert_match '^pages=[0-9]+ scrub_ns=[0-9]+ memcmp_ns=[0-9]+ scrub_mb_s=[0-9]+ memcmp_mb_s=[0-9]+ ratio=[0-9.]+ differ=0$' \
		"$line" "scrub_bench output"
	r=$(echo "$line" | sed 's/.*ratio=\([0-9.]*\).*/\1/')
	best=$(awk -v a="$best" -v b="$r" 'BEGIN { print (b > a) ? b : a }')
done
# The benchmark must not count as scrub work.
assert_eq 0 "$(cat "$MIRROR_SYS/channel/pages_scrubbed")" "bench left the counters alone"
log "scrub vs memcmp of the same copies: best ratio $best (1.00 = as fast as memcmp)"
log "ok"
