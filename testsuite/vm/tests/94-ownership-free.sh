# A zone page's data and errors die with its owner.  An error injected on
# a page that is then freed is dropped with it: the page comes back
# scrubbed, a __GFP_ZERO allocation and a mapping of /dev/mirror get it
# clean, and no later repair writes into the new owner.  A block freed
# through the API while one of its pages is still mapped (order 2, mapped
# the way a driver maps a buffer) is not handed out again until the last
# mapping goes, and the mapping keeps its data meanwhile.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror_test
need_cmd mproc

load_mirror
load_mirror_test
# A freed page goes to its CPU's cache, and that CPU's next allocation
# takes the page freed last: on one CPU the next owner gets the same
# frame.  The script and what it starts run on CPU 0.
taskset -p -c 0 $$ >/dev/null || fail "cannot pin the script to CPU 0"
B=$VMTEST_TMP/before
A=$VMTEST_TMP/after
INJECT=/sys/kernel/debug/mirror/inject
FILL=/sys/kernel/debug/mirror/fill
ch() { mirror_read "channel/$1"; }
STRICT=kernel,mirror,strict,thisnode
# Nothing repairs behind the test's back; scrubs happen when it says.
mirror_write channel/scrub_interval_ms 0

# pattern PFN: what the fill debugfs file says the page holds
pattern()
{
	echo "read pfn=$1" >"$FILL" || fail "fill read $1 refused"
	sed -n "s/^$1 //p" "$FILL"
}

# ---- an error dies with the page ------------------------------------------
mt alloc n=1 order=0 gfp=$STRICT node=0
X=$(mt_pfns)
echo "pfn=$X offset=8 mask=0xffff" >"$INJECT" || fail "inject into $X refused"
assert_eq 1 "$(ch latched)" "latched"
d0=$(ch dropped)
f0=$(ch failovers)
mt free pfn=$X
assert_eq 0 "$(ch latched)" "latched after the owner freed the page"
assert_eq $((d0 + 1)) "$(ch dropped)" "dropped with the page"
clean=$(pattern "$X")
assert_match '^(zeros|ones)$' "$clean" "the freed page is scrubbed"
# A free page holds nobody's data: injecting there is refused.
if echo "pfn=$X" >"$INJECT" 2>"$VMTEST_TMP/inj.err"; then
	fail "inject into a free page accepted"
fi
grep -q "No such file or directory" "$VMTEST_TMP/inj.err" ||
	fail "inject into a free page: $(cat "$VMTEST_TMP/inj.err")"

# The page freed last comes first: the next owner gets the same frame.
mt alloc n=1 order=0 gfp=$STRICT,zero node=0
assert_eq "$X" "$(mt_pfns)" "the same frame again"
assert_eq 0 "$(mt_val nonzero)" "__GFP_ZERO page is zero"
echo 1 >"$MIRROR_SYS/channel/scrub" || fail "scrub"
assert_eq "$f0" "$(ch failovers)" "no repair wrote into the new owner"
assert_eq zeros "$(pattern "$X")" "the new owner's page after a scrub"
mt free all

# Through /dev/mirror: a mapping of node 0 gets that frame, clean.
mt alloc n=1 order=0 gfp=$STRICT node=0
assert_eq "$X" "$(mt_pfns)" "the same frame for the driver"
echo "pfn=$X offset=0 mask=0x1" >"$INJECT" || fail "inject into $X refused"
mt free pfn=$X
mp_start m
mp m hold /dev/mirror
assert_eq "$X" "$(mp_val pfn)" "the mapping got the same frame"
case $clean in
zeros) want=0x0 ;;
ones) want=0xffffffffffffffff ;;
esac
assert_eq "$want" "$(mp_val word)" "the mapping sees the fill pattern, no flipped bit"
mp m release
mp m exit
wait
assert_eq 0 "$(ch latched)" "nothing latched"

# ---- a racy free: order 2, one page still mapped ---------------------------
mt alloc n=1 order=2 gfp=$STRICT node=1
H=$(mt_pfns)
z=$(zone_of_pfn $((H)))
S=$(printf '0x%x' $((H + 1)))
mt share pfn=$S
stamp=$(mt_val word)
mp_start c
mp c hold /sys/kernel/debug/mirror_test/map
assert_eq "$stamp" "$(mp_val word)" "the mapping reads the driver's data"
assert_eq "$S" "$(mp_val pfn)" "the mapping maps page 1 of the block"
snap "$B"
mt free pfn=$H
snap "$A"
# The block is given back; three of its pages are free, the mapped one not.
expect_deltas "$B" "$A" "zones/zone$z/frees=1 zones/zone$z/pages_used=-3 zones/zone$z/pages_free=3 nodes/node1/pages_used=-3 nodes/node1/pages_free=3"
assert_eq "$S-$(printf '0x%x' $((H + 2)))" "$(cat "$MIRROR_SYS/zones/zone$z/occupied")" "occupied: the mapped page only"
check_zones
mp c peek
assert_eq "$stamp" "$(mp_val word)" "the mapping keeps its data"
# The next pages handed out skip the mapped one.
mt alloc n=3 order=0 gfp=$STRICT node=1
for p in $(mt_pfns); do
	assert_ne "$S" "$(printf '0x%x' $((p)))" "page still mapped handed out again"
done
mt free all
mp c release
mp c exit
wait
all_idle
log "ok"
