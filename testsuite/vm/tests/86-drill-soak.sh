# The failover soak: a minute of rounds of injections into one victim's
# mirrored data, each round repaired and checked by the victim itself.
# Nothing may be lost, and the counters seen from outside the drill must
# match exactly what it injected.  MIRROR_SOAK_ROUNDS=N (make soak) runs N
# rounds through each repair path instead: the kernel's memory-failure path
# and the channel's scrub.
# vm-timeout: 300
# vm-timeout-add: MIRROR_SOAK_TIMEOUT
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirror-drill

CH=$MIRROR_SYS/channel
OUT=$VMTEST_TMP/out

load_mirror
free0=$(zones_free)
# The kernel logs two lines for every error it reports (one of its own,
# one of mirror.ko's): keep them in the log buffer, off the slow serial
# console, while the soak runs.
printk=$(cat /proc/sys/kernel/printk)
echo 1 >/proc/sys/kernel/printk

# soak REPAIR ARGS...: one soak with the drill's repair path REPAIR (kernel:
# each error reported through the kernel's memory-failure path; scrub:
# found by a scrub of the channel), checked from outside the drill
soak()
{
	_repair=$1
	shift
	i0=$(cat "$CH/injected")
	f0=$(cat "$CH/failovers")
	r0=$(cat "$CH/reported")
	mirror-drill failover --repair "$_repair" --pages 16 --size 8M "$@" -J \
		>"$OUT" 2>"$VMTEST_TMP/err"
	rc=$?
	[ "$rc" = 0 ] || {
		echo "$printk" >/proc/sys/kernel/printk
		cat "$OUT" "$VMTEST_TMP/err" >&2
		fail "the $_repair soak failed"
	}
	rounds=$(json_val "$OUT" rounds)
	n=$(json_val "$OUT" pages_corrupted)
	assert_eq pass "$(json_val "$OUT" verdict)" "$_repair soak verdict"
	assert_eq $((rounds * 16)) "$n" "$_repair: 16 injections a round"
	assert_eq 0 "$(json_val "$OUT" pages_lost)" "$_repair: pages lost"
	assert_eq "$_repair" "$(json_val "$OUT" repair_path)" "repair path"
	# Errors the patrol repaired before the kernel's report count once more.
	twice=$(json_val "$OUT" reported_after_patrol)
	[ -n "$twice" ] && [ "$twice" != null ] || twice=0
	assert_eq $((i0 + n + twice)) "$(cat "$CH/injected")" "$_repair: channel injected, from outside"
	assert_eq $((f0 + n + twice)) "$(cat "$CH/failovers")" "$_repair: channel failovers, from outside"
	if [ "$_repair" = kernel ]; then
		assert_eq $((r0 + n)) "$(cat "$CH/reported")" "errors the kernel reported"
	else
		assert_eq "$r0" "$(cat "$CH/reported")" "$_repair: no error reported to the kernel"
	fi
	assert_eq 0 "$(cat "$CH/overwritten")" "$_repair: nothing overwritten (the victim waits)"
	assert_eq 0 "$(cat "$CH/latched")" "$_repair: nothing latched"
	log "$_repair soak: $rounds rounds, $n injections ($twice reported after the patrol had repaired them), repair latency us min/avg/max $(json_val "$OUT" repair_latency_us_min)/$(json_val "$OUT" repair_latency_us_avg)/$(json_val "$OUT" repair_latency_us_max), $(json_val "$OUT" elapsed_s) s, 0 lost"
}

if [ -n "${MIRROR_SOAK_ROUNDS:-}" ]; then
	# make soak: that many rounds through each path (625 x 16 = 10,000).
	soak kernel --rounds "$MIRROR_SOAK_ROUNDS"
	soak scrub --rounds "$MIRROR_SOAK_ROUNDS"
else
	soak kernel -d 60
	assert_cmp "$rounds" -ge 10 "rounds in a minute"
fi
echo "$printk" >/proc/sys/kernel/printk
wait_zones_free "$free0" 30
log "ok"
