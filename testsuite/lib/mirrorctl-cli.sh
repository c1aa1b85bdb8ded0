#!/bin/sh
# mirrorctl without a kernel: the man page against --help, bad command
# lines (exit 2, one line naming the problem, nothing done), no backend
# (exit 3), and the openEuler and kernelcore=mirror backends over captured
# trees.  What needs mirror.ko runs in the test machine (tests/7*-first*).
. "$(dirname "$0")/common.sh"

MAN=$top_srcdir/man/mirrorctl.8
OE=$FIXTURES/openeuler
KC=$FIXTURES/kernelcore-48g

# ---- man page ------------------------------------------------------------

"$MIRRORCTL" --help >"$TMP/help" || fail "--help failed"
# The commands' own options are in the usage lines: compare them all.
check_man_opts "$TMP/help" "$MAN" all SYNOPSIS COMMANDS OPTIONS
sed -n 's/^ mirrorctl \(\[options\] \)\{0,1\}\([a-z][a-z]*\).*/\2/p' "$TMP/help" |
	sort -u >"$TMP/help-cmds"
# Each command is the tag line after a .TP in COMMANDS.
sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$MAN" | sed -n '/^\.TP/{n;p;}' |
	sed -n 's/^\.B[IR]\{0,1\} \([a-z][a-z]*\).*/\1/p' | sort -u >"$TMP/man-cmds"
if [ -s "$TMP/help-cmds" ] && diff -u "$TMP/help-cmds" "$TMP/man-cmds"; then
	pass "mirrorctl.8: commands ($(wc -l <"$TMP/help-cmds"))"
else
	fail "commands differ between --help (-) and mirrorctl.8 (+)"
fi
for code in 0 1 2 3; do
	sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | grep -q "^$code \|, $code " ||
		fail "mirrorctl.8 lacks exit status $code"
done
grep -q '^Exit status: 0 done, 1 failed, 2 bad command line, 3 no mirrored memory' "$TMP/help" ||
	fail "--help lacks the exit codes"
check_man_cols "$TMP/help" "$MAN"
check_man_renders "$MAN"

# ---- bad command lines: nothing is looked at, let alone changed ---------

# An empty tree: a command that got past its arguments would say "no
# mirrored memory" (3) instead of the usage error (2) expected here.
mkdir "$TMP/empty"
export MIRROR_SYSROOT="$TMP/empty"
expect_fail 2 "no command given" -- "$MIRRORCTL"
expect_fail 2 "unknown command 'frobnicate'" -- "$MIRRORCTL" frobnicate
expect_fail 2 "set: no PID given" -- "$MIRRORCTL" set
expect_fail 2 "'abc' is not a process id" -- "$MIRRORCTL" set abc
expect_fail 2 "'0' is not a process id" -- "$MIRRORCTL" show 0
expect_fail 2 "'-5' is not a process id" -- "$MIRRORCTL" clear -- -5
expect_fail 2 "'99999999999999' is not a process id" -- "$MIRRORCTL" set 99999999999999
expect_fail 2 "PID 7 is given twice" -- "$MIRRORCTL" set 7 8 7
# The whole line is read before any process is: pid 1 would be refused.
expect_fail 2 "set: unknown option '--bogus'" -- "$MIRRORCTL" set 1 --bogus
expect_fail 2 "show: unknown option '--bogus'" -- "$MIRRORCTL" show 1 --bogus
expect_fail 2 "'0' is not a size above 0" -- "$MIRRORCTL" set --limit 0 7
expect_fail 2 "'12Q' is not a size above 0" -- "$MIRRORCTL" set --limit 12Q 7
expect_fail 2 "'4097' is not a multiple of the page size (4096 bytes)" -- "$MIRRORCTL" set --limit 4097 7
expect_fail 2 "--limit is for set" -- "$MIRRORCTL" clear --limit 1M 7
expect_fail 2 "'18014398509481985M' is not a size above 0" -- "$MIRRORCTL" set --limit 18014398509481985M 7
expect_fail 2 "' 64M' is not a size above 0" -- "$MIRRORCTL" set --limit " 64M" 7
# The same sizes as mirror-drill's and the module's: past the parsing,
# the process is looked up (and is not there).
for good in 64M 64MB 64MiB 65536K 0x4000000; do
	expect_fail 1 "no process 7" -- "$MIRRORCTL" set --limit "$good" 7
done
expect_fail 2 "--move-back is for clear" -- "$MIRRORCTL" set --move-back 7
expect_fail 2 "--to-mirror or --to-normal is required" -- "$MIRRORCTL" migrate 7
expect_fail 2 "give one of --to-mirror and --to-normal" -- \
	"$MIRRORCTL" migrate 7 --to-mirror --to-normal
expect_fail 2 "'maybe' is not on or off" -- "$MIRRORCTL" policy --fallback maybe
expect_fail 2 "^Try 'mirrorctl --help' for more information.$" -- "$MIRRORCTL" policy --fallback maybe
expect_fail 2 "run: no command given" -- "$MIRRORCTL" run --limit 1M
expect_fail 2 "load: unexpected 'extra'" -- "$MIRRORCTL" load extra
# --ranges is parsed as the module would, before anything is loaded,
# aligned to this machine's memory blocks (2M when it shows none).
expect_fail 2 "missing a start address" -- "$MIRRORCTL" load --ranges 1M@
expect_fail 2 "range 2 (128M@0x8000000): overlaps range 1" -- \
	"$MIRRORCTL" load --ranges 128M@0x8000000,128M@0x8000000
expect_fail 2 "range 1 (3M@0): size not aligned to" -- "$MIRRORCTL" load --ranges 3M@0
expect_fail 2 "missing the argument of option '--ranges'" -- "$MIRRORCTL" load --ranges
expect_fail 2 "set: unknown option '--frob'" -- "$MIRRORCTL" set --frob 7
expect_fail 2 "unknown option '--frob'" -- "$MIRRORCTL" --frob show
# A sysroot that is not there is named as mirrorstat and memtype name it.
expect_fail 1 "^mirrorctl: sysroot /nonexistent: No such file or directory$" -- \
	"$MIRRORCTL" --sysroot /nonexistent show
expect_fail 1 "^mirrorctl: sysroot /etc/passwd: not a directory$" -- \
	"$MIRRORCTL" --sysroot /etc/passwd policy
# -J and --sysroot where they mean nothing; table options with -J.
for cmd in "run -- true" "load" "unload"; do
	# shellcheck disable=SC2086
	expect_fail 2 "${cmd%% *}: -J does not apply" -- "$MIRRORCTL" -J $cmd
	# shellcheck disable=SC2086
	expect_fail 2 "${cmd%% *}: --sysroot does not apply" -- "$MIRRORCTL" --sysroot "$TMP/empty" $cmd
done
expect_fail 2 "run: unexpected 'true' (the command goes after --)" -- "$MIRRORCTL" run true
expect_fail 2 "run: unknown option '--bogus'" -- "$MIRRORCTL" run --bogus -- true
for opt in -b -n -r; do
	expect_fail 2 "show: -b, -n and -r are for the table, not -J" -- \
		"$MIRRORCTL" show -J $opt
done
expect_fail 2 "policy: -o and --output-all are for the table; -J prints every policy" -- \
	"$MIRRORCTL" -J policy -o NAME
expect_fail 2 "policy: -o and --output-all are for the table; -J prints every policy" -- \
	"$MIRRORCTL" policy --output-all -J
expect_fail 2 "unknown column: BOGUS" -- "$MIRRORCTL" show -o PID,BOGUS
expect_fail 2 "unknown column: PID" -- "$MIRRORCTL" policy -o PID
expect_fail 2 "--sysroot: empty directory name" -- "$MIRRORCTL" --sysroot "" show
# monitor listens to the running kernel: no tree, no arguments.
expect_fail 2 "monitor: --sysroot does not apply" -- "$MIRRORCTL" --sysroot "$TMP/empty" monitor
expect_fail 2 "monitor: unexpected 'zone0'" -- "$MIRRORCTL" monitor zone0
expect_fail 2 "monitor: unknown option '--count'" -- "$MIRRORCTL" monitor --count 3

# ---- no backend -------------------------------------------------------------

expect_fail 3 "no mirrored memory found: .*mirror.ko not loaded" -- "$MIRRORCTL" policy

# ---- openEuler memory reliable (captured) ------------------------------------

export MIRROR_SYSROOT="$OE"
"$MIRRORCTL" show >"$TMP/out" 2>"$TMP/err" || fail "show on openEuler: $(cat "$TMP/err")"
# Processes of the tree only (not of this machine), in PID order, flagged ones.
if [ "$(awk 'NR > 1 {print $1 ":" $2 ":" $3}' "$TMP/out" | tr '\n' ' ')" = \
     "1:systemd:yes 1000:java:yes " ]; then
	pass "openEuler: show lists the flagged processes of the tree"
else
	fail "openEuler: show: $(cat "$TMP/out")"
fi
"$MIRRORCTL" -J show 1001 >"$TMP/out" 2>"$TMP/err" &&
	grep -q '"pid": 1001' "$TMP/out" && grep -q '"mirror_first": false' "$TMP/out" &&
	grep -q '"schema": 2' "$TMP/out" && pass "openEuler: -J show 1001" ||
	fail "openEuler: -J show 1001: $(cat "$TMP/out" "$TMP/err")"
expect_fail 3 "cannot move a process's existing pages" -- \
	"$MIRRORCTL" migrate 1000 --to-mirror
expect_fail 3 "cannot move existing pages" -- "$MIRRORCTL" clear --move-back 1000
expect_fail 1 "process 2 (kthreadd) is a kernel thread" -- "$MIRRORCTL" set 2
expect_fail 1 "no process 4242" -- "$MIRRORCTL" show 4242
"$MIRRORCTL" policy -b >"$TMP/out" 2>"$TMP/err" &&
	grep -q '^reliable_pagecache_max_bytes *4294967296$' "$TMP/out" &&
	pass "openEuler: policy reads the vm sysctls" ||
	fail "openEuler: policy: $(cat "$TMP/out" "$TMP/err")"

# Tables: columns, raw, no headings, options after the command, long
# names whole; --sysroot as the environment.
unset MIRROR_SYSROOT
table() {
	want=$1
	shift
	if "$MIRRORCTL" "$@" >"$TMP/out" 2>"$TMP/err" &&
	    [ "$(cat "$TMP/out")" = "$(printf "$want")" ]; then
		pass "mirrorctl $*"
	else
		fail "mirrorctl $*: $(cat "$TMP/out" "$TMP/err")"
	fi
}
table '1 systemd yes\n1000 java yes' --sysroot "$OE" show -o PID,COMMAND,FIRST -r -n
table '1000 java no' --sysroot "$OE" show 1000 -r -n -o PID,COMMAND,INHERITED
table 'task_reliable_limit unlimited bytes\nreliable_pagecache_max_bytes 4G bytes\nshmem_reliable_bytes_limit unlimited bytes\nreliable_debug 0 mask' \
	--sysroot "$OE" policy -r -n -o NAME,VALUE,TYPE
table 'task_reliable_limit unlimited\nreliable_pagecache_max_bytes 4294967296\nshmem_reliable_bytes_limit unlimited\nreliable_debug 0' \
	--sysroot "$OE" policy -r -n -b -o NAME,VALUE
"$MIRRORCTL" --sysroot "$OE" show 1000 -J >"$TMP/out" 2>"$TMP/err" &&
	grep -q '"pid": 1000' "$TMP/out" && pass "show 1000 -J (option after the PID)" ||
	fail "show 1000 -J: $(cat "$TMP/out" "$TMP/err")"
"$MIRRORCTL" --sysroot "$OE" show --js 1000 >"$TMP/out" 2>"$TMP/err" &&
	grep -q '"pid": 1000' "$TMP/out" && pass "show --js (abbreviated long option)" ||
	fail "show --js: $(cat "$TMP/out" "$TMP/err")"
# The JSON documents whole: the process name is "command" (schema 2).
golden mirrorctl-oe-show.json "$MIRRORCTL" --sysroot "$OE" -J show 1000 1001
golden mirrorctl-oe-policy.json "$MIRRORCTL" --sysroot "$OE" -J policy
# -o applies to show's JSON as to mirrorstat's: only those columns' keys.
golden mirrorctl-oe-show-cols.json "$MIRRORCTL" --sysroot "$OE" show -J -o PID,COMMAND,FIRST,LIMIT
"$MIRRORCTL" --sysroot "$OE" -J show --output-all 1000 >"$TMP/all" &&
	"$MIRRORCTL" --sysroot "$OE" -J show 1000 | cmp -s - "$TMP/all" &&
	pass "show -J --output-all: every key" ||
	fail "show -J --output-all: $(cat "$TMP/all")"
"$MIRRORCTL" --sysroot "$OE" policy --output-all >"$TMP/out" &&
	head -1 "$TMP/out" | grep -q '^NAME  *VALUE TYPE  *FILE  *DESCRIPTION$' &&
	pass "policy --output-all" || fail "policy --output-all: $(cat "$TMP/out")"
export MIRROR_SYSROOT="$OE"

# ---- kernelcore=mirror (captured) --------------------------------------------

export MIRROR_SYSROOT="$KC"
"$MIRRORCTL" policy >/dev/null 2>"$TMP/err" && pass "kernelcore: policy" ||
	fail "kernelcore: policy: $(cat "$TMP/err")"

finish
