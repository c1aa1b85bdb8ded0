# Failover through the kernel's own memory-failure path: MADV_HWPOISON from
# the owner and hwpoison's corrupt-pfn on a flagged process's zone pages
# reach mirror.ko (dev_pagemap_ops.memory_failure), which repairs them from
# the mirror copy: the process keeps running, reads every word intact, gets
# no signal, keeps the very same frames, and the module can still unload.
# Control: the same injection on an unflagged process's ordinary page loses
# it (SIGBUS with BUS_MCEERR_AR when the page is read).
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl mproc
load_kmod hwpoison_inject
CORRUPT=/sys/kernel/debug/hwpoison/corrupt-pfn
[ -w "$CORRUPT" ] || fail "no $CORRUPT"

hwcorrupted()
{
	meminfo HardwareCorrupted
}

load_mirror
ch() { mirror_read "channel/$1"; }

mp_start a
A=$MP_PID
mp a alloc 4
must mirrorctl set "$A"
mp_check_mirrored a
mp a pfn 0 5
pfn5=${MP_ANS#pfn }
mp a pfn 0 7
pfn7=${MP_ANS#pfn }
assert_ne -1 "$(zone_of_pfn $((pfn5)))" "page 5 in a zone"
assert_ne -1 "$(zone_of_pfn $((pfn7)))" "page 7 in a zone"
f0=$(ch failovers)
r0=$(ch reported)
hc0=$(hwcorrupted)
rec0=$(kmsg_count "$(printf '%#x' $((pfn5))): recovery action for dax page: Recovered")

# repaired WHAT IDX PFN N: after WHAT, a's data is intact and unsignalled,
# every page of it still mirrored, page IDX still at frame PFN, and N
# errors reported and repaired since the start
repaired()
{
	mp a check
	assert_eq "0 0" "$(mp_val bad) $(mp_val sigbus)" "data intact after $1"
	assert_eq "$(mp_val resident)" "$(mp_val mirror)" "every page still mirrored after $1"
	mp a pfn 0 "$2"
	assert_eq "$3" "${MP_ANS#pfn }" "page $2 keeps its frame after $1"
	assert_eq $((f0 + $4)) "$(ch failovers)" "failovers after $1"
	assert_eq $((r0 + $4)) "$(ch reported)" "reported after $1"
	kill -0 "$A" || fail "the flagged process died after $1"
}

# ---- madvise(MADV_HWPOISON) from the owner ---------------------------------
mp a hwpoison 0 5
assert_eq "0 0" "$(mp_val rc) $(mp_val sigbus)" "MADV_HWPOISON on a zone page: no error, no signal"
repaired MADV_HWPOISON 5 "$pfn5" 1
assert_eq $((rec0 + 1)) "$(kmsg_count "$(printf '%#x' $((pfn5))): recovery action for dax page: Recovered")" "the kernel's verdict"

# ---- hwpoison's corrupt-pfn, as a machine check would report it ------------
echo "$pfn7" >"$CORRUPT" || fail "corrupt-pfn $pfn7 refused"
repaired corrupt-pfn 7 "$pfn7" 2

# ---- a latched error is found by the kernel's path at once -----------------
mirror_write channel/scrub_interval_ms 0
mp a pfn 0 9
pfn9=${MP_ANS#pfn }
echo "pfn=$pfn9 offset=64 mask=0xff" >/sys/kernel/debug/mirror/inject ||
	fail "inject into page 9 refused"
assert_eq 1 "$(ch latched)" "latched after inject"
echo "$pfn9" >"$CORRUPT" || fail "corrupt-pfn $pfn9 refused"
assert_eq 0 "$(ch latched)" "latched after the kernel's report"
repaired "inject + corrupt-pfn" 9 "$pfn9" 3
inj=$(ch injected)
sum=$(( $(ch latched) + $(ch overwritten) + $(ch failovers) + $(ch dropped) ))
assert_eq "$inj" "$sum" "injected = latched + overwritten + failovers + dropped"
hc1=$(hwcorrupted)
log "HardwareCorrupted: ${hc0} kB -> ${hc1} kB for 3 recovered reports (6.1 counts every report)"

# ---- control: an unflagged process's ordinary page is lost -----------------
mp_start b
mp b alloc 4
mp b hwpoison 0 5
assert_eq "0 1 4" "$(mp_val rc) $(mp_val sigbus) $(mp_val code)" "ordinary page: SIGBUS with BUS_MCEERR_AR"

# ---- the module still unloads ----------------------------------------------
mp a exit
mp b exit
wait
all_idle
unload_mirror
log "ok"
