#!/bin/sh
# The one-line stat files of zones and nodes and the module's layout file
# (kernel-module/ABI.md): a tree with them and the same tree without them
# (a module from before them) give the same report in every format, and a
# garbled stat or layout line is refused with one line naming the file.
. "$(dirname "$0")/common.sh"

gen_m64
MIRROR_TREE_STAT=0 sh "$FIXTURES/gen-module-tree.sh" "$TMP/m64-files" 64 4
[ -f "$TMP/m64/sys/kernel/mm/mirror/zones/zone5/stat" ] ||
	fail "the generated tree has no stat files"
[ "$(wc -l <"$TMP/m64/sys/kernel/mm/mirror/layout")" -eq 256 ] ||
	fail "the generated tree's layout has not 256 lines"
[ ! -e "$TMP/m64-files/sys/kernel/mm/mirror/zones/zone5/stat" ] ||
	fail "MIRROR_TREE_STAT=0 wrote stat files"
[ ! -e "$TMP/m64-files/sys/kernel/mm/mirror/layout" ] ||
	fail "MIRROR_TREE_STAT=0 wrote a layout file"

for opts in "-J" "-N" "--output-all -n" "--prometheus" "-J -N"; do
	# shellcheck disable=SC2086
	"$MIRRORSTAT" --sysroot "$TMP/m64" $opts >"$TMP/stat.out" 2>&1 ||
		fail "mirrorstat $opts on the stat tree: $(cat "$TMP/stat.out")"
	# shellcheck disable=SC2086
	"$MIRRORSTAT" --sysroot "$TMP/m64-files" $opts >"$TMP/files.out" 2>&1 ||
		fail "mirrorstat $opts on the single files: $(cat "$TMP/files.out")"
	if cmp -s "$TMP/stat.out" "$TMP/files.out"; then
		pass "stat files and single files agree: mirrorstat $opts"
	else
		diff -u "$TMP/files.out" "$TMP/stat.out" | head -20
		fail "mirrorstat $opts differs between stat and single files"
	fi
done

# Each garbled line on a copy of the tree; the report must refuse it.
z=sys/kernel/mm/mirror/zones/zone5/stat
n=sys/kernel/mm/mirror/nodes/node3/stat
while IFS='|' read -r file line pattern; do
	rm -rf "$TMP/bad"
	cp -r "$TMP/m64" "$TMP/bad"
	printf '%s\n' "$line" >"$TMP/bad/$file"
	expect_fail 1 "$pattern" -- "$MIRRORSTAT" --sysroot "$TMP/bad" -J
done <<'CASES'
sys/kernel/mm/mirror/zones/zone5/stat|131072 131000 72 9 1 0 0|zone5/stat: 7 fields, expected at least 8
sys/kernel/mm/mirror/zones/zone5/stat|131072 131000 72 9 x 0 0 0|zone5/stat: field 5 is not a decimal number: 'x'
sys/kernel/mm/mirror/zones/zone5/stat|131072 131000 72 9 1 0 0 0 18446744073709551615|zone5/stat: field 9 is not a decimal number
sys/kernel/mm/mirror/zones/zone5/stat|131072 131000 73 9 1 0 0 0|zone5/stat: pages_free 131000 + pages_used 73 is not pages_present 131072
sys/kernel/mm/mirror/zones/zone5/stat|131072  131000 72 9 1 0 0 0|zone5/stat: field 2 is not a decimal number: ''
sys/kernel/mm/mirror/zones/zone5/stat|131072 131000 72 9 1 0 0 2|zone5/stat: exhausted is not 0 or 1
sys/kernel/mm/mirror/nodes/node3/stat|1 2 3 4 5 6 7 8|node3/stat: 8 fields, expected at least 9
sys/kernel/mm/mirror/nodes/node3/stat|1 2 3 4 5 6 7 8 -9|node3/stat: field 9 is not a decimal number
sys/kernel/mm/mirror/layout|0 0 0x0 536870912|layout: 1 lines, nr_zones is 256
sys/kernel/mm/mirror/layout|5 0 0x0 536870912|layout: line 1: zone 5, expected 0
sys/kernel/mm/mirror/layout|0 0 0x0|layout: line 1: 3 fields, expected 4
sys/kernel/mm/mirror/layout|0 0 0 536870912|layout: line 1: field 3 is not a 0x hex number: '0'
sys/kernel/mm/mirror/layout|0 x 0x0 536870912|layout: line 1: field 2 is not a decimal number: 'x'
sys/kernel/mm/mirror/layout|0 4096 0x0 536870912|layout: line 1: node 4096 out of range
sys/kernel/mm/mirror/layout|0 0 0x1000 0|layout: line 1: bad range start 0x1000 size 0
CASES

# The layout must describe the zones in address order, as the files do.
rm -rf "$TMP/bad"
cp -r "$TMP/m64" "$TMP/bad"
sed -i '2s/ 0x[0-9a-f]* / 0x0 /' "$TMP/bad/sys/kernel/mm/mirror/layout"
expect_fail 1 "zone1: overlaps or precedes zone0" -- \
	"$MIRRORSTAT" --sysroot "$TMP/bad" -J

# Fields a later module adds at the end are ignored.
rm -rf "$TMP/more"
cp -r "$TMP/m64" "$TMP/more"
f=$TMP/more/$z
printf '%s 77 88\n' "$(cat "$f")" >"$f.new" && mv "$f.new" "$f"
f=$TMP/more/$n
printf '%s 99\n' "$(cat "$f")" >"$f.new" && mv "$f.new" "$f"
f=$TMP/more/sys/kernel/mm/mirror/layout
sed 's/$/ 55/' "$f" >"$f.new" && mv "$f.new" "$f"
"$MIRRORSTAT" --sysroot "$TMP/more" -J >"$TMP/more.out" 2>"$TMP/err" ||
	fail "extra stat fields refused: $(cat "$TMP/err")"
"$MIRRORSTAT" --sysroot "$TMP/m64" -J >"$TMP/stat.out"
if cmp -s "$TMP/more.out" "$TMP/stat.out"; then
	pass "fields after the known ones are ignored"
else
	fail "extra stat fields changed the report"
fi

finish
