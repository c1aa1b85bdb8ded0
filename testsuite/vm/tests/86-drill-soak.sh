# The failover soak: a minute of rounds of injections into one victim's
# mirrored data, each round repaired and checked by the victim itself.
# Nothing may be lost, and the counters seen from outside the drill must
# match exactly what it injected.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirror-drill

CH=$MIRROR_SYS/channel
OUT=$VMTEST_TMP/out

load_mirror
free0=$(zones_free)
i0=$(cat "$CH/injected")
f0=$(cat "$CH/failovers")
r0=$(cat "$CH/reported")
# The kernel logs two lines for every error it reports (one of its own,
# one of mirror.ko's): keep them in the log buffer, off the slow serial
# console, while the soak runs.
printk=$(cat /proc/sys/kernel/printk)
echo 1 >/proc/sys/kernel/printk
mirror-drill failover --pages 16 --size 8M -d 60 -J >"$OUT" 2>"$VMTEST_TMP/err"
rc=$?
echo "$printk" >/proc/sys/kernel/printk
[ "$rc" = 0 ] || {
	cat "$OUT" "$VMTEST_TMP/err" >&2
	fail "the soak failed"
}
rounds=$(json_val "$OUT" rounds)
n=$(json_val "$OUT" pages_corrupted)
assert_eq pass "$(json_val "$OUT" verdict)" "soak verdict"
assert_cmp "$rounds" -ge 10 "rounds in a minute"
assert_eq $((rounds * 16)) "$n" "16 injections a round"
assert_eq 0 "$(json_val "$OUT" pages_lost)" "pages lost"
assert_eq kernel "$(json_val "$OUT" repair_path)" "repaired through the kernel's memory-failure path"
# Errors the patrol repaired before the kernel's report count once more.
twice=$(json_val "$OUT" reported_after_patrol)
assert_eq $((i0 + n + twice)) "$(cat "$CH/injected")" "channel injected, from outside"
assert_eq $((f0 + n + twice)) "$(cat "$CH/failovers")" "channel failovers, from outside"
assert_eq $((r0 + n)) "$(cat "$CH/reported")" "errors the kernel reported"
assert_eq 0 "$(cat "$CH/overwritten")" "nothing overwritten (the victim waits)"
assert_eq 0 "$(cat "$CH/latched")" "nothing latched"
log "soak: $rounds rounds, $n injections ($twice reported after the patrol had repaired them), repair latency us min/avg/max $(json_val "$OUT" repair_latency_us_min)/$(json_val "$OUT" repair_latency_us_avg)/$(json_val "$OUT" repair_latency_us_max), $(json_val "$OUT" elapsed_s) s"
wait_zones_free "$free0" 30
log "ok"
