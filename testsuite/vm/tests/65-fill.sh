# Technology-aware page fill: pages that mirror zones hand out hold their
# memory type's cheaper bit (ones for PCM in the built-in table, zeros for
# STT-MRAM and DRAM) unless the caller asked for zeros; freed pages are
# scrubbed with the cheap pattern; a new energy table flips the pattern of
# the next allocations and nothing else; bad tables and bad memtypes= maps
# change nothing; the per-type counters match the allocations exactly.
# Page contents are read from inside the kernel (debugfs mirror/fill).
# vm-timeout: 400
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
need_mirror_test
need_cmd finit

MT=$MIRROR_SYS/memtypes
FILL=/sys/kernel/debug/mirror/fill
BITS=32768			# bits in a 4 KiB page
# The built-in table's figures, milli-pJ per bit.
PCM_W0=17363
PCM_W1=16277
STT_W0=194
STT_W1=291
DRAM_W=390

# zone 0 (node 0) is PCM, zone 1 (node 1) STT-MRAM, zones 2 and 3 DRAM;
# one more PCM range outside every zone.
# Addresses from the layout (vm-config.sh): Z0, Z1 and Z2 where zones 0-2
# start, P the PCM range right after zone 2, N0END and N2END where nodes 0
# and 2 end, RAMEND where RAM ends.
hx() { printf '0x%x' "$1"; }
Z0=$(zone_addr 0)
Z0E=$(hx $((Z0 + 0x8000000)))
Z1=$(zone_addr 1)
Z1E=$(hx $((Z1 + 0x8000000)))
Z2=$(zone_addr 2)
P=$(hx $((Z2 + 0x8000000)))
PE=$(hx $((P + 0x2000000)))
set -- $(node_range 0); N0END=$2
set -- $(node_range 2); N2END=$2
set -- $(node_range $((MIRROR_VM_NODES - 1))); RAMEND=$(($2 - 0x20000))
MAP=PCM:128M@$Z0,STT-MRAM:128M@$Z1,pcm:32M@$P
load_mirror "$MIRROR_VM_RANGES" "memtypes=$MAP"
load_mirror_test

# ---- helpers -------------------------------------------------------------

fill_cmd()
{
	echo "$*" >"$FILL" 2>"$VMTEST_TMP/fill.err" ||
		fail "fill command '$*' refused: $(cat "$FILL")"
	cat "$FILL" >"$VMTEST_TMP/fill.out"
}

# expect_pages PATTERN ORDER PFN...: every page of those blocks holds PATTERN
expect_pages()
{
	_pat=$1
	_n=$((1 << $2))
	shift 2
	for _p in "$@"; do
		fill_cmd read pfn=$_p n=$_n
		_bad=$(grep -v " $_pat\$" "$VMTEST_TMP/fill.out" | head -n 3)
		[ -z "$_bad" ] || fail "expected $_pat in block $_p: $_bad"
	done
}

ctr()
{
	mirror_read "memtypes/types/$1/$2"
}

# expect_counters TYPE AZ AO WZ WO SCRUB ENERGY OTHER
expect_counters()
{
	for _f in alloc_zero_pages:$2 alloc_one_pages:$3 write_zero_pages:$4 \
		  write_one_pages:$5 scrub_pages:$6 energy_mpj:$7 \
		  energy_other_mpj:$8; do
		assert_eq "${_f#*:}" "$(ctr "$1" "${_f%%:*}")" "$1 ${_f%%:*}"
	done
}

# alloc NODE N ORDER GFP: allocate through mirror_test, pfns in $PFNS
alloc()
{
	mt alloc n=$2 order=$3 gfp=kernel,mirror,thisnode$4 node=$1
	assert_eq "$2" "$(mt_val allocated)" "allocated"
	assert_eq "$2" "$(mt_val mirrored)" "mirrored"
	PFNS=$(mt_pfns)
}

# ---- what the module shows -----------------------------------------------

assert_eq DRAM "$(mirror_read memtypes/default)" "default type"
assert_eq "$Z0-$Z0E PCM
$Z1-$Z1E STT-MRAM
$P-$PE PCM" "$(mirror_read memtypes/map)" "map"
assert_eq "DRAM PCM STT-MRAM" "$(ls "$MT/types" | sort | tr '\n' ' ' | sed 's/ $//')" "types"
assert_eq 0 "$(ctr DRAM fill)" "DRAM fill bit"
assert_eq 1 "$(ctr PCM fill)" "PCM fill bit"
assert_eq 0 "$(ctr STT-MRAM fill)" "STT-MRAM fill bit"
assert_eq 0 "$(mirror_read memtypes/energy_generation)" "generation"
ranges=$(mirror_read memtypes/ranges)
for want in "$Z0-$Z0E PCM 0 1" "$Z0E-$N0END DRAM 0 0" \
	    "$Z1-$Z1E STT-MRAM 1 1" "$Z2-$P DRAM 2 1" \
	    "$P-$PE PCM 2 0" "$PE-$N2END DRAM 2 0"; do
	printf '%s\n' "$ranges" | grep -q -x -F "$want" ||
		fail "memtypes/ranges has no line '$want': $ranges"
done
for t in DRAM PCM STT-MRAM; do
	expect_counters $t 0 0 0 0 0 0 0
done

# ---- fills ---------------------------------------------------------------

alloc 0 16 0 ""			# PCM: ones, all written (fresh zone)
pcm_held=$PFNS
expect_pages ones 0 $PFNS
alloc 0 8 0 ,zero		# PCM with __GFP_ZERO: zeros
pcm_zero=$PFNS
expect_pages zeros 0 $PFNS
alloc 0 2 2 ""			# two order-2 blocks: 8 more PCM pages of ones
expect_pages ones 2 $PFNS
pcm_e=$(( (8 * PCM_W0 + 24 * PCM_W1) * BITS ))
pcm_o=$(( (8 * PCM_W1 + 24 * PCM_W0) * BITS ))
expect_counters PCM 8 24 8 24 0 $pcm_e $pcm_o

alloc 1 8 0 ""			# STT-MRAM: zeros
stt_held=$PFNS
expect_pages zeros 0 $PFNS
alloc 2 4 0 ,zero		# DRAM: zeros either way
expect_pages zeros 0 $PFNS
alloc 3 4 1 ""
expect_pages zeros 1 $PFNS
expect_counters STT-MRAM 8 0 8 0 0 $((8 * STT_W0 * BITS)) $((8 * STT_W1 * BITS))
expect_counters DRAM 12 0 12 0 0 $((12 * DRAM_W * BITS)) $((12 * DRAM_W * BITS))
log "fills: PCM ones (zeros with __GFP_ZERO), STT-MRAM and DRAM zeros"

# ---- scrubbing -----------------------------------------------------------

p=$(printf '%s\n' $pcm_held | head -n 1)
s=$(printf '%s\n' $stt_held | head -n 1)
fill_cmd stamp pfn=$p
fill_cmd stamp pfn=$s
expect_pages mixed 0 $p $s
mt free pfn=$p
mt free pfn=$s
expect_pages ones 0 $p
expect_pages zeros 0 $s
# A free page belongs to the allocator: stamping it is refused.
echo "stamp pfn=$p" >"$FILL" 2>/dev/null && fail "stamping a free page was allowed"
pcm_e=$((pcm_e + PCM_W1 * BITS))
pcm_o=$((pcm_o + PCM_W0 * BITS))
expect_counters PCM 8 24 8 25 1 $pcm_e $pcm_o
stt_e=$((9 * STT_W0 * BITS))
stt_o=$((9 * STT_W1 * BITS))
expect_counters STT-MRAM 8 0 9 0 1 $stt_e $stt_o
log "freed pages scrubbed: PCM with ones, STT-MRAM with zeros"

# Handed out again, a scrubbed page is not written twice when it already
# holds the pattern wanted (counted as handed out, not as written), and
# is rewritten when the caller wants zeros.
before_w=$(ctr PCM write_one_pages)
alloc 0 1 0 ""
reused=$PFNS
expect_pages ones 0 $reused
if [ "$reused" = "$p" ]; then
	assert_eq "$before_w" "$(ctr PCM write_one_pages)" "PCM pages written for a scrubbed page"
fi

# ---- a new energy table --------------------------------------------------

mirror_read memtypes/energy_table >"$VMTEST_TMP/table.orig"
grep -q '^PCM 17.363 16.277 ' "$VMTEST_TMP/table.orig" ||
	fail "energy_table does not show the built-in PCM row: $(cat "$VMTEST_TMP/table.orig")"
sed 's/^PCM 17.363 16.277 .*/PCM 16 17 flipped for a test/' "$VMTEST_TMP/table.orig" >"$VMTEST_TMP/table.flip"
cat "$VMTEST_TMP/table.flip" >"$MT/energy_table" || fail "staging a table failed"
echo 1 >"$MT/energy_commit" || fail "committing a good table failed: $(mirror_read memtypes/energy_status)"
assert_eq ok "$(mirror_read memtypes/energy_status)" "status"
assert_eq 1 "$(mirror_read memtypes/energy_generation)" "generation"
assert_eq 0 "$(ctr PCM fill)" "PCM fill bit after the flip"
assert_eq 0 "$(ctr STT-MRAM fill)" "STT-MRAM fill bit after the flip"
assert_eq 0 "$(ctr DRAM fill)" "DRAM fill bit after the flip"
mirror_read memtypes/energy_table | grep -q -x 'PCM 16 17 flipped for a test' ||
	fail "the new table does not read back"
# Nothing else: pages already out keep what they hold, counters stand still.
expect_pages ones 0 $(printf '%s\n' $pcm_held | sed 1d)
expect_pages zeros 0 $pcm_zero
alloc 0 4 0 ""
expect_pages zeros 0 $PFNS
alloc 1 2 0 ""
expect_pages zeros 0 $PFNS
log "flipped PCM's cheaper bit: next PCM allocations hold zeros"

# ---- bad tables change nothing -------------------------------------------

good=$(mirror_read memtypes/energy_table)
pcm_snap="$(ctr PCM alloc_one_pages) $(ctr PCM write_one_pages) $(ctr PCM energy_mpj)"
gen=$(mirror_read memtypes/energy_generation)

# bad_table NAME LINE-TEXT: the staged file fails to commit, naming LINE-TEXT
bad_table()
{
	_name=$1
	cat "$VMTEST_TMP/bad" >"$MT/energy_table" 2>/dev/null
	if echo 1 >"$MT/energy_commit" 2>/dev/null; then
		fail "bad table ($_name) was accepted"
	fi
	_st=$(mirror_read memtypes/energy_status)
	printf '%s\n' "$_st" | grep -q -F -e "$2" ||
		fail "bad table ($_name): status '$_st' does not say '$2'"
	assert_eq "$good" "$(mirror_read memtypes/energy_table)" "table after bad table ($_name)"
	assert_eq "$gen" "$(mirror_read memtypes/energy_generation)" "generation after bad table ($_name)"
	log "bad table ($_name): $_st"
}

printf 'DRAM 0.39 0.39\nPCM -1 16\nSTT-MRAM 1 2\n' >"$VMTEST_TMP/bad"
bad_table negative "line 2"
printf 'DRAM 0.39 0.39\nPCM NaN 16\nSTT-MRAM 1 2\n' >"$VMTEST_TMP/bad"
bad_table NaN "line 2"
printf 'DRAM 0.39 0.39\nPCM 16 99999999999999999999\nSTT-MRAM 1 2\n' >"$VMTEST_TMP/bad"
bad_table huge "line 2"
printf '# c\nDRAM 0.39 0.39\nPCM 16 17\nSTT-MRAM 1\n' >"$VMTEST_TMP/bad"
bad_table missing "line 4"
printf 'DRAM 0.39 0.39\nPCM 16 17\nSTT-MRAM 1 2\npcm 1 2\n' >"$VMTEST_TMP/bad"
bad_table duplicate "line 4"
{ printf 'DRAM 0.39 0.39\nPCM 16 17 '; awk 'BEGIN { for (i = 0; i < 5000; i++) printf "x"; print "" }'; printf 'STT-MRAM 1 2\n'; } >"$VMTEST_TMP/bad"
bad_table "long line" "line 2"
printf 'DRAM 0.39 0.39\n\001\002\377\376garbage\n' >"$VMTEST_TMP/bad"
bad_table binary "line 2"
: >"$VMTEST_TMP/bad"
: >"$MT/energy_table"
bad_table empty "empty"
printf 'DRAM 0.39 0.39\nSTT-MRAM 1 2\n' >"$VMTEST_TMP/bad"
bad_table "no PCM" "no entry for memory type PCM"
# Committing with nothing staged fails too; a commit takes only "1".
echo 1 >"$MT/energy_commit" 2>/dev/null && fail "a commit with nothing staged was accepted"
echo 2 >"$MT/energy_commit" 2>/dev/null && fail "energy_commit took '2'"
# A write that does not follow on from the staged text is refused.
printf 'DRAM 1 2\n' | dd of="$MT/energy_table" bs=9 seek=1 2>/dev/null &&
	fail "a write at a gap in the staged table was accepted"
assert_eq "$pcm_snap" "$(ctr PCM alloc_one_pages) $(ctr PCM write_one_pages) $(ctr PCM energy_mpj)" "PCM counters after bad tables"

# Back to the built-in table (through the same channel).
cat "$VMTEST_TMP/table.orig" >"$MT/energy_table"
echo 1 >"$MT/energy_commit" || fail "reloading the built-in table failed"
assert_eq 1 "$(ctr PCM fill)" "PCM fill bit restored"
assert_eq 2 "$(mirror_read memtypes/energy_generation)" "generation"

# ---- the memtype tool ----------------------------------------------------

if command -v memtype >/dev/null 2>&1; then
	must memtype list
	out=$(memtype -r -n -o RANGE,TYPE,FILL,NODE,MIRRORED list)
	for want in "$(printf '0x%016x-0x%016x' $Z0 $((Z0E - 1))) PCM ones 0 yes" \
		    "$(printf '0x%016x-0x%016x' $Z1 $((Z1E - 1))) STT-MRAM zeros 1 yes" \
		    "$(printf '0x%016x-0x%016x' $P $((PE - 1))) PCM ones 2 no"; do
		printf '%s\n' "$out" | grep -q -x -F "$want" ||
			fail "memtype list has no line '$want': $out"
	done
	chain=$(must memtype lookup $(hx $((Z0 + 0x1234))))
	printf '%s\n' "$chain"
	assert_match "^Memory: +PCM$" "$(printf '%s\n' "$chain" | grep '^Memory:')" "lookup memory"
	assert_match "^Fill pattern: +ones " "$(printf '%s\n' "$chain" | grep '^Fill pattern:')" "lookup fill"
	assert_match "node 0, mirrored" "$(printf '%s\n' "$chain" | grep '^Range:')" "lookup range"
	memtype -J lookup $P | grep -q '"fill": "ones"' || fail "memtype -J lookup $P"
	mustfail memtype lookup 0x100000000
	grep -q "0x100000000 is not System RAM" "$VMTEST_TMP/mustfail.out" || fail "lookup outside RAM: $(cat "$VMTEST_TMP/mustfail.out")"
	mustfail memtype lookup $(hx $((RAMEND + 0x10000)))
	# A virtual address of this shell: its first mapping is resident.
	va=$(printf '0x%x' $((0x$(head -n 1 /proc/$$/maps | cut -d- -f1))))
	vchain=$(must memtype lookup --pid $$ "$va")
	printf '%s\n' "$vchain"
	assert_match "^Virtual address: +$va \\(process $$\\)" "$(printf '%s\n' "$vchain" | head -n 1)" "lookup --pid"
	mustfail memtype lookup --pid $$ 0x10
	grep -q "is not mapped in process $$" "$VMTEST_TMP/mustfail.out" || fail "unmapped vaddr: $(cat "$VMTEST_TMP/mustfail.out")"
	mustfail memtype lookup --pid 999999 0x1000
	grep -q "no process 999999" "$VMTEST_TMP/mustfail.out" || fail "no process: $(cat "$VMTEST_TMP/mustfail.out")"

	gen=$(mirror_read memtypes/energy_generation)
	must memtype energy load "$VMTEST_TMP/table.flip"
	assert_eq $((gen + 1)) "$(mirror_read memtypes/energy_generation)" "generation after memtype energy load"
	assert_eq 0 "$(ctr PCM fill)" "PCM fill after memtype energy load"
	memtype -r -n -o NAME,FILL energy | grep -q -x "PCM zeros" || fail "memtype energy does not show the loaded table"
	printf 'DRAM 0.39 0.39\nPCM 1 2\nSTT-MRAM 1 2 x\nRRAM 1\n' >"$VMTEST_TMP/bad"
	mustfail memtype energy load "$VMTEST_TMP/bad"
	grep -q "bad: line 4: missing write1 energy" "$VMTEST_TMP/mustfail.out" || fail "memtype energy load of a bad table: $(cat "$VMTEST_TMP/mustfail.out")"
	printf 'DRAM 0.39 0.39\nSTT-MRAM 1 2\n' >"$VMTEST_TMP/bad"
	mustfail memtype energy load "$VMTEST_TMP/bad"
	grep -q "mirror.ko refused the table: no entry for memory type PCM" "$VMTEST_TMP/mustfail.out" || fail "table without PCM: $(cat "$VMTEST_TMP/mustfail.out")"
	assert_eq $((gen + 1)) "$(mirror_read memtypes/energy_generation)" "generation after bad loads"
	must memtype energy load "$VMTEST_TMP/table.orig"
	assert_eq 1 "$(ctr PCM fill)" "PCM fill restored by memtype"
	must memtype stats
	memtype -J stats | grep -q '"schema": 1' || fail "memtype -J stats has no schema"
	log "memtype list, lookup, energy load and stats work"
else
	log "memtype is not built: tool checks left out"
fi

# ---- exact counters over a fresh run -------------------------------------

mt free all
unload_mirror
load_mirror "$MIRROR_VM_RANGES" "memtypes=$MAP"
load_mirror_test
alloc 0 100 0 ""
alloc 0 10 3 ,zero
alloc 1 50 0 ""
alloc 2 7 1 ""
mt free all
# PCM: 100 pages handed out with ones, 80 with zeros, all 180 scrubbed
# with ones at free.
expect_counters PCM 80 100 80 280 180 \
	$(( (80 * PCM_W0 + 280 * PCM_W1) * BITS )) $(( (80 * PCM_W1 + 280 * PCM_W0) * BITS ))
expect_counters STT-MRAM 50 0 100 0 50 $((100 * STT_W0 * BITS)) $((100 * STT_W1 * BITS))
expect_counters DRAM 14 0 28 0 14 $((28 * DRAM_W * BITS)) $((28 * DRAM_W * BITS))
log "counters: exact for 110 PCM, 50 STT-MRAM and 7 DRAM allocations"
if command -v memtype >/dev/null 2>&1; then
	assert_eq "PCM 80 100 180" "$(memtype -r -n -o TYPE,ALLOC0,ALLOC1,SCRUB stats | grep '^PCM ')" "memtype stats"
	must memtype stats
fi
log "memtypes/ranges:"
mirror_read memtypes/ranges | sed 's/^/  /'

# ---- clear_page_one against clear_page -----------------------------------

best=0
for try in 1 2 3; do
	fill_cmd bench n=256
	sed 's/^/  /' "$VMTEST_TMP/fill.out"
	r=$(sed -n 's/.* ratio=\([0-9.]*\).*/\1/p' "$VMTEST_TMP/fill.out")
	best=$(awk -v a="$best" -v b="$r" 'BEGIN { print (b > a) ? b : a }')
	awk -v r="$best" 'BEGIN { exit !(r >= 0.9) }' && break
done
log "clear_page_one vs clear_page: best ratio $best (target 0.9)"
awk -v r="$best" 'BEGIN { exit !(r >= 0.9) }' || fail "clear_page_one ratio $best below 0.9"

unload_mirror

# ---- bad memtypes= maps --------------------------------------------------

# reject_map MAP LOG-TEXT: the load fails with EINVAL and one log line
reject_map()
{
	_before=$(kmsg_count 'mirror: memtypes: ')
	if finit "$MIRROR_KO" "ranges=$MIRROR_VM_RANGES" "memtypes=$1" >"$VMTEST_TMP/insmod.out" 2>&1; then
		rmmod mirror
		fail "memtypes='$1' was accepted"
	fi
	grep -q "Invalid argument" "$VMTEST_TMP/insmod.out" ||
		fail "memtypes='$1': insmod said '$(cat "$VMTEST_TMP/insmod.out")'"
	is_loaded mirror && fail "memtypes='$1': module stayed loaded"
	_after=$(kmsg_count 'mirror: memtypes: ')
	_l=$(dmesg | grep 'mirror: memtypes: ' | tail -n $((_after - _before)))
	assert_eq 1 "$(printf '%s\n' "$_l" | grep -c .)" "memtypes='$1': log lines ($_l)"
	printf '%s\n' "$_l" | grep -q -F -e "$2" ||
		fail "memtypes='$1': log line '$_l' does not say '$2'"
	log "memtypes='$1' -> $(printf '%s\n' "$_l" | sed 's/^\[[^]]*\] //')"
}

reject_map "PCM:64M@0x8000000,RRAM:64M@0xa000000" "range 2 (RRAM:64M@160M): overlaps range 1 (PCM:64M@128M)"
reject_map "PCM:64M@0x28000000,DRAM:4K@0x8000000,PCM:4K@0x29000000" "range 3 (PCM:4K@656M): overlaps range 1 (PCM:64M@640M)"
reject_map "FOO:64M@0x8000000" "unknown memory type 'FOO'"
reject_map "PCM:64M@0x100000000" "outside System RAM"
reject_map "PCM:64M@$(hx $((RAMEND + 0x20000 - 0x2000000)))" "partly outside System RAM"
reject_map "PCM:64M@0x8000800" "range 1 (PCM:64M@0x8000800): start not aligned to 4K"
reject_map "PCM64M@0x8000000" "expected NAME:SIZE@START"
reject_map ":64M@0x8000000" "memory name"
reject_map "PCM:64M@0x8000000," "range 2: empty element"
reject_map "PCM:64M@0x8000000,,PCM:4K@0x20000000" "range 2: empty element"
reject_map "PCM:0@0x8000000" "size is zero"
log "ok"
