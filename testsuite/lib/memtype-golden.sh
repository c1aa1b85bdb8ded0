#!/bin/sh
# memtype over a captured mirror.ko tree (fixtures/memtype-vm, taken from
# the test machine with memtypes=PCM:64M@0x8000000,STT-MRAM:64M@0x28000000,
# PCM:32M@0x50000000 after 65-fill.sh's exact-counter run): golden output
# of every command, JSON read back, bad input, the man page against --help.
. "$(dirname "$0")/common.sh"

MEMTYPE=$top_builddir/cli/memtype
FX=$FIXTURES/memtype-vm
[ -x "$MEMTYPE" ] || { echo "memtype is not built"; exit 77; }

mt() {
	name=$1
	shift
	golden "memtype-vm-$name" "$MEMTYPE" --sysroot "$FX" "$@"
}

mt list.txt list
mt list.txt
mt list.json -J list
mt lookup.txt lookup 0x8001234
mt lookup-pid.txt lookup --pid 4242 0x400abc
mt lookup-pid.json -J lookup -p 4242 0x400abc
mt energy.txt energy
mt stats.txt stats
mt stats.json -J stats
mt stats-raw.txt -r -n -o TYPE,FILL,ALLOC1,SAVED stats
mt energy.json -J energy
mt energy-raw.txt -r -o SAVING,NAME,SOURCE energy
mt list-raw.txt -r -n -o NODE,MIRRORED,RANGE,FILL list
mt list.txt --output-all list
# -o with -J keeps the keys of those columns, as in mirrorstat and mirrorctl.
mt list-cols.json -J -o RANGE,TYPE list
mt stats-cols.json -J -o TYPE,ALLOC1,SAVED stats
# -b: sizes in bytes (the first range of System RAM, 0x1000-0x9fbff).
[ "$("$MEMTYPE" --sysroot "$FX" -b -r -n -o SIZE list | head -1)" = 650240 ] &&
	pass "list -b: SIZE in bytes" || fail "list -b: $("$MEMTYPE" --sysroot "$FX" -b -r -n -o SIZE list | head -1)"

# The ranges' "end" is the last byte (inclusive) as in the RANGE column;
# mirror.ko's memtypes/ranges (and libmirror) give the end exclusive.
while read -r span _; do
	s=${span%-*} e=${span#*-}
	printf '%s %s\n' "$s" "$(printf '0x%x' $((e - 1)))"
done <"$FX/sys/kernel/mm/mirror/memtypes/ranges" >"$TMP/want"
"$MEMTYPE" --sysroot "$FX" -J -o RANGE list |
	sed -n 's/^ *"\(start\|end\)": "\(0x[0-9a-f]*\)",*$/\2/p' | paste -d ' ' - - >"$TMP/got"
if [ -s "$TMP/want" ] && diff -u "$TMP/want" "$TMP/got"; then
	pass "list: JSON end is the last byte of each range ($(wc -l <"$TMP/want") ranges)"
else
	fail "list: JSON ends are not the module's exclusive ends - 1"
fi

for j in list.json lookup-pid.json stats.json list-cols.json stats-cols.json; do
	if [ -x "$JSON_CHECK" ]; then
		"$JSON_CHECK" <"$GOLDEN/memtype-vm-$j" >/dev/null 2>&1 ||
			grep -q '"schema": 1' "$GOLDEN/memtype-vm-$j" || fail "$j: no schema 1"
	fi
	grep -q '"schema": 1' "$GOLDEN/memtype-vm-$j" || fail "$j: no schema 1"
done

# Lookups that must fail.
expect_fail 1 "0x100000000 is not System RAM" -- "$MEMTYPE" --sysroot "$FX" lookup 0x100000000
expect_fail 1 "0x9fc00 is not System RAM" -- "$MEMTYPE" --sysroot "$FX" lookup 0x9fc00
expect_fail 1 "0x10 is not mapped in process 4242" -- "$MEMTYPE" --sysroot "$FX" lookup --pid 4242 0x10
expect_fail 1 "mapped but not in memory" -- "$MEMTYPE" --sysroot "$FX" lookup --pid 4242 0x401000
expect_fail 1 "page frame numbers are hidden" -- "$MEMTYPE" --sysroot "$FX" lookup --pid 4243 0x400000
expect_fail 1 "no process 4244" -- "$MEMTYPE" --sysroot "$FX" lookup --pid 4244 0x400000
expect_fail 2 "invalid address" -- "$MEMTYPE" lookup 0xzz
expect_fail 2 "apply to tables" -- "$MEMTYPE" lookup -b 5
expect_fail 2 "apply to tables" -- "$MEMTYPE" --output-all energy load -
expect_fail 2 "invalid address" -- "$MEMTYPE" lookup -- -5
expect_fail 2 "invalid address ' 5'" -- "$MEMTYPE" lookup " 5"
expect_fail 2 "invalid address '5 '" -- "$MEMTYPE" lookup "5 "
expect_fail 2 "invalid address '4K'" -- "$MEMTYPE" lookup 4K
# Decimal, never octal: 0134217728 is 128 MiB (PCM in the map), not 0x170000.
"$MEMTYPE" --sysroot "$FX" -J lookup 0134217728 >"$TMP/out" 2>&1 &&
	grep -q '"physical": "0x8000000"' "$TMP/out" &&
	pass "lookup 0134217728 is decimal" || fail "lookup 0134217728: $(cat "$TMP/out")"
expect_fail 2 "lookup takes one address" -- "$MEMTYPE" lookup
for opt in -b -n -r; do
	expect_fail 2 "-b, -n and -r are for the table, not -J" -- "$MEMTYPE" -J $opt list
done
expect_fail 2 "unknown command" -- "$MEMTYPE" frobnicate
expect_fail 2 "unknown column" -- "$MEMTYPE" -o NOPE list
expect_fail 2 "applies to lookup only" -- "$MEMTYPE" --pid 1 list
expect_fail 2 "invalid process id" -- "$MEMTYPE" lookup --pid 0 0x1000
mkdir -p "$TMP/empty"
expect_fail 3 "mirror.ko is not loaded" -- "$MEMTYPE" --sysroot "$TMP/empty" list
expect_fail 3 "mirror.ko is not loaded" -- "$MEMTYPE" --sysroot "$TMP/empty" stats

# Bad energy tables: one error naming the line; nothing is written.
cp -R "$FX" "$TMP/fx"
T=$TMP/fx/sys/kernel/mm/mirror/memtypes
bad() {
	printf "$2" >"$TMP/bad.table"
	expect_fail 1 "bad.table: $3" -- "$MEMTYPE" --sysroot "$TMP/fx" energy load "$TMP/bad.table"
	cmp -s "$T/energy_table" "$FX/sys/kernel/mm/mirror/memtypes/energy_table" ||
		fail "energy load ($1) wrote to energy_table"
	[ -s "$T/energy_commit" ] && fail "energy load ($1) committed"
}
bad negative 'DRAM 0.39 0.39\nPCM -1 16\n' "line 2: write0 energy '-1' is negative"
bad NaN 'DRAM 0.39 0.39\nPCM nan 16\n' "line 2: write0 energy 'nan'"
bad huge 'DRAM 1e99 1\n' "line 1: write0 energy '1e99'"
bad huge2 '# x\nDRAM 1000001 1\n' "line 2: write0 energy '1000001' is above the limit"
bad missing 'DRAM 0.39\n' "line 1: missing write1 energy"
bad duplicate 'DRAM 1 2\nPCM 1 2\ndram 3 4\n' "line 3: duplicate name 'dram' (first on line 1)"
bad binary 'DRAM 1 2\n\001\377\n' "line 2: control character 0x01"
bad empty '' "line 1: empty energy table"
bad comments '# only\n\n' "line 2: empty energy table"
awk 'BEGIN { printf "DRAM 1 2 "; for (i = 0; i < 5000; i++) printf "x"; print "" }' >"$TMP/long.table"
expect_fail 1 "long.table: line 1: line longer than 4096 bytes" -- "$MEMTYPE" --sysroot "$TMP/fx" energy load "$TMP/long.table"
expect_fail 1 "nonexistent: No such file" -- "$MEMTYPE" --sysroot "$TMP/fx" energy load "$TMP/nonexistent"
expect_fail 3 "mirror.ko is not loaded" -- "$MEMTYPE" --sysroot "$TMP/empty" energy load "$FX/sys/kernel/mm/mirror/memtypes/energy_table"

# A good table reaches the module's files: the text, then "1" to commit.
printf 'DRAM 0.39 0.39\nPCM 16 17\nSTT-MRAM 1 2\n' >"$TMP/good.table"
if "$MEMTYPE" --sysroot "$TMP/fx" energy load "$TMP/good.table" 2>"$TMP/err" &&
   cmp -s "$TMP/good.table" "$T/energy_table" && [ "$(cat "$T/energy_commit")" = 1 ]; then
	pass "energy load writes the table and commits"
else
	fail "energy load of a good table: $(cat "$TMP/err")"
fi

# Without mirror.ko, energy shows the built-in table (and says so).
"$MEMTYPE" --sysroot "$TMP/empty" -r -n -o NAME,FILL energy >"$TMP/out" 2>"$TMP/err"
if [ "$(tr '\n' ' ' <"$TMP/out")" = "DRAM zeros PCM ones RRAM zeros STT-MRAM zeros " ] &&
   grep -q "built-in table" "$TMP/err"; then
	pass "energy without mirror.ko: the built-in table"
else
	fail "energy without mirror.ko: $(cat "$TMP/out" "$TMP/err")"
fi

# man/memtype.8 documents the options and columns --help shows.
MAN=$top_srcdir/man/memtype.8
"$MEMTYPE" --help >"$TMP/help" || fail "--help failed"
check_man_opts "$TMP/help" "$MAN" options OPTIONS
check_man_cols "$TMP/help" "$MAN"
check_man_renders "$MAN"
for code in 0 1 2 3; do
	sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | grep -q "^\.B $code\$" ||
		fail "memtype.8 lacks exit status $code"
done

finish
