# A limit binds the whole family: a flagged process and the children that
# inherit the flag share one limit, so forking cannot take more mirrored
# memory than the limit (ABI.md "Limits").  Measured from outside by the
# zones' pages_used: a parent with an 8 MiB limit and four children that
# each want 8 MiB hold at most 8 MiB together; a child's exit gives its
# share to the others; a SET on a child gives it a limit of its own; a SET
# on the parent changes the limit of the whole family; a cap on all families
# together (processes/total_limit_bytes) holds, and total_pages counts
# exactly what they hold.
# vm-timeout: 240
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl mproc

load_mirror
echo 100 >"$MIRROR_SYS/processes/sweep_interval_ms"
free0=$(zones_free)

# zones_used: pages out of all zones
zones_used()
{
	_u=0
	for _d in "$MIRROR_SYS"/zones/zone*; do
		_u=$((_u + $(cat "$_d/pages_used")))
	done
	echo "$_u"
}

# settle: until zones_used has not moved for 5 sweeps; sets u to it
settle()
{
	_prev=-1
	_same=0
	_i=0
	while [ "$_same" -lt 5 ]; do
		sleep 0.1
		_now=$(zones_used)
		if [ "$_now" = "$_prev" ]; then
			_same=$((_same + 1))
		else
			_same=0
		fi
		_prev=$_now
		_i=$((_i + 1))
		[ "$_i" -lt 300 ] || fail "pages_used still moving after 30 s: $_now"
	done
	u=$_now
}

# mirrored NAME: sets m to the pages of NAME's memory in mirror zones
mirrored()
{
	mp "$1" check
	assert_eq 0 "$(mp_val bad)" "$1: data intact"
	m=$(mp_val mirror)
}

used0=$(zones_used)
assert_eq 0 "$used0" "zones empty at start"
LIMIT=2048			# 8 MiB in pages

# ---- the parent, flagged from the start with an 8 MiB limit ---------------
mkfifo "$VMTEST_TMP/p.in"
: >"$VMTEST_TMP/p.in.out"
mirrorctl run --limit 8M -- mproc "$VMTEST_TMP/p.in" >>"$VMTEST_TMP/p.in.out" 2>&1 &
P=$!
mp p alloc 4
settle
log "parent with 4 MiB: $u pages in the zones"
assert_cmp "$u" -ge 1024 "parent: its 4 MiB mirrored"
assert_cmp "$u" -le "$LIMIT" "parent: within the limit"

# ---- four children, each wanting the whole limit ---------------------------
for c in 1 2 3 4; do
	mkfifo "$VMTEST_TMP/c$c.in"
	: >"$VMTEST_TMP/c$c.in.out"
	mp p spawn "$VMTEST_TMP/c$c.in"
	eval "C$c=\${MP_ANS#spawn }"
	eval "pid=\$C$c"
	assert_eq true "$(first_json "$pid" inherited)" "c$c: inherited"
	assert_eq 8388608 "$(first_json "$pid" limit_bytes)" "c$c: the family's limit"
	mp "c$c" alloc 8
done
settle
mirrored p
sum=$m
for c in 1 2 3 4; do
	mirrored "c$c"
	log "c$c: $m pages mirrored"
	sum=$((sum + m))
done
log "family of 5 wanting 36 MiB, limit 8 MiB: $u pages in the zones, $sum mapped mirrored"
assert_cmp "$u" -le "$LIMIT" "family: at most the limit in the zones"
assert_cmp "$u" -ge $((LIMIT - 48)) "family: the limit used"
assert_cmp "$sum" -le "$LIMIT" "family: at most the limit mapped"
assert_eq 0 "$(kmsg_count 'Out of memory|oom-kill|Killed process')" "no OOM"

# ---- a child that exits leaves its share to the others ---------------------
mirrored c1
m1=$m
mp c1 exit
settle
log "after c1 ($m1 pages) exited: $u pages in the zones"
assert_cmp "$u" -le "$LIMIT" "after an exit: at most the limit"
assert_cmp "$u" -ge $((LIMIT - 48)) "after an exit: the others took its share"

# ---- a limit of its own for one child ---------------------------------------
mirrored c2
x=$m
must mirrorctl set --limit 4M "$C2"
assert_eq false "$(first_json "$C2" inherited)" "c2: no longer inherited"
assert_eq 4194304 "$(first_json "$C2" limit_bytes)" "c2: its own limit"
assert_eq 8388608 "$(first_json "$C3" limit_bytes)" "c3: still the family's"
settle
mirrored c2
m2=$m
own=1024
[ "$x" -gt "$own" ] && own=$x
log "c2 with 4 MiB of its own (had $x): $m2 pages; zones $u"
assert_cmp "$m2" -le "$own" "c2: within its own limit"
assert_cmp "$m2" -ge $((1024 - 48)) "c2: its own limit used"
assert_cmp "$u" -le $((LIMIT + 1024)) "family and c2 within their limits"

# ---- the parent's new limit is the family's ---------------------------------
must mirrorctl set --limit 16M "$P"
assert_eq 16777216 "$(first_json "$C3" limit_bytes)" "c3: the family's new limit"
assert_eq 4194304 "$(first_json "$C2" limit_bytes)" "c2: its own limit kept"
settle
log "family limit 16 MiB, c2 4 MiB: $u pages in the zones"
assert_cmp "$u" -le $((2 * LIMIT + 1024)) "within the new limits"
assert_cmp "$u" -gt $((LIMIT + 1024)) "the family grew to its new limit"

# ---- a cap on all families together (processes/total_limit_bytes) ---------
assert_eq "$u" "$(mirror_read processes/total_pages)" "total_pages: every page out is charged"
assert_eq 0 "$(mirror_read processes/total_limit_bytes)" "no cap by default"
for bad in 4095 -1 abc 1.5 18446744073709551616 ""; do
	mustfail mirror_write processes/total_limit_bytes "$bad"
done
assert_eq 0 "$(mirror_read processes/total_limit_bytes)" "bad caps change nothing"
capped=$u
must mirror_write processes/total_limit_bytes $((capped * 4096))
must mirrorctl set --limit 64M "$P"
settle
log "cap at the $capped pages held, family limit 64 MiB: $u pages in the zones"
assert_cmp "$u" -le "$capped" "cap: nothing more taken"
assert_eq "$u" "$(mirror_read processes/total_pages)" "total_pages under the cap"
must mirror_write processes/total_limit_bytes $(((capped + 512) * 4096))
settle
log "cap raised by 512 pages: $u pages in the zones"
assert_cmp "$u" -le $((capped + 512)) "raised cap: at most the cap"
assert_cmp "$u" -ge $((capped + 512 - 48)) "raised cap: used"
must mirror_write processes/total_limit_bytes 0
settle
log "no cap: $u pages in the zones"
assert_cmp "$u" -gt $((capped + 512)) "no cap: the family grows to its limit"
assert_eq "$u" "$(mirror_read processes/total_pages)" "total_pages without a cap"

for c in 2 3 4; do
	mp "c$c" exit
done
mp p exit
wait "$P" 2>/dev/null
wait_zones_free "$free0"
assert_eq 0 "$(cat "$MIRROR_SYS/processes/nr_flagged")" "no flagged process left"
assert_eq 0 "$(mirror_read processes/total_pages)" "nothing charged at the end"
all_idle
log "ok"
