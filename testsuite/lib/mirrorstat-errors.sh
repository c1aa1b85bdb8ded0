#!/bin/sh
# mirrorstat on bad input: one clear line on stderr, the documented exit
# code (1 error, 2 usage, 3 no backend), nothing on stdout, no crash.
. "$(dirname "$0")/common.sh"

M48=$FIXTURES/module-48g
ms() { "$MIRRORSTAT" "$@"; }

# No backend: say what was checked, never print zeros.
mkdir "$TMP/empty"
expect_fail 3 "no mirrored memory found: .*/sys/kernel/mm/mirror: absent.*/proc/meminfo.*/proc/cmdline" -- \
	ms --sysroot "$TMP/empty"
expect_fail 3 "backend module: .*/sys/kernel/mm/mirror: absent" -- \
	ms --sysroot "$FIXTURES/openeuler" --backend module
expect_fail 3 "backend kernelcore: .*no kernelcore=mirror" -- \
	env MIRROR_BACKEND=kernelcore "$MIRRORSTAT" --sysroot "$FIXTURES/openeuler"
expect_fail 2 "unknown backend 'bogus'" -- ms --sysroot "$M48" --backend bogus
expect_fail 1 "sysroot $TMP/nowhere: No such file" -- ms --sysroot "$TMP/nowhere"
expect_fail 1 "^mirrorstat: sysroot $TMP/nowhere: No such file" -- \
	env MIRROR_SYSROOT="$TMP/nowhere" "$MIRRORSTAT"
expect_fail 2 "^mirrorstat: unknown backend 'nope'" -- \
	env MIRROR_BACKEND=nope "$MIRRORSTAT" --sysroot "$M48"

# Damaged mirror.ko trees.
damage() {
	rm -rf "$TMP/bad"
	cp -a "$M48" "$TMP/bad"
}
damage; rm "$TMP/bad/sys/kernel/mm/mirror/zones/zone1/allocs"
expect_fail 1 "zones/zone1/allocs: No such file or directory" -- ms --sysroot "$TMP/bad"
damage; : >"$TMP/bad/sys/kernel/mm/mirror/zones/zone2/pages_free"
expect_fail 1 "zones/zone2/pages_free: empty" -- ms --sysroot "$TMP/bad" -J
damage; echo '12 apples' >"$TMP/bad/sys/kernel/mm/mirror/nodes/node3/failed"
expect_fail 1 "nodes/node3/failed: not a decimal number: '12 apples'" -- \
	ms --sysroot "$TMP/bad" --prometheus
damage; head -c 100000 /dev/urandom | tr -d '\0' >"$TMP/bad/sys/kernel/mm/mirror/zones/zone0/frees"
expect_fail 1 "zones/zone0/frees: value too long" -- ms --sysroot "$TMP/bad"
damage; rm -r "$TMP/bad/sys/kernel/mm/mirror/nodes"
expect_fail 1 "sys/kernel/mm/mirror/nodes: No such file" -- ms --sysroot "$TMP/bad" -N
damage; echo 7 >"$TMP/bad/sys/kernel/mm/mirror/abi_version"
expect_fail 1 "abi_version: ABI 7, this libmirror reads ABI 1 to 2" -- ms --sysroot "$TMP/bad"

# Damaged kernel files.
rm -rf "$TMP/kc"; cp -a "$FIXTURES/kernelcore-48g" "$TMP/kc"
head -n 40 "$FIXTURES/kernelcore-48g/proc/zoneinfo" >"$TMP/kc/proc/zoneinfo"
expect_fail 1 "proc/zoneinfo:1: node 0 zone DMA lacks pages free/spanned/present/managed (truncated?)" -- \
	ms --sysroot "$TMP/kc"
printf 'Node 0, zone DMA\n  pages free  x\n' >"$TMP/kc/proc/zoneinfo"
expect_fail 1 "proc/zoneinfo:2: 'x' is not a number" -- ms --sysroot "$TMP/kc"
rm -rf "$TMP/oe"; cp -a "$FIXTURES/openeuler" "$TMP/oe"
sed -i 's/^ReliableTotal:.*/ReliableTotal:  many kB/' "$TMP/oe/proc/meminfo"
expect_fail 1 "proc/meminfo: ReliableTotal: not 'N kB'" -- ms --sysroot "$TMP/oe"

# Processes.
expect_fail 1 "no process 999999" -- ms --sysroot "$M48" -p 999999
expect_fail 1 "no process 999999" -- ms --sysroot "$M48" -J -p 4242,999999
damage
mkdir "$TMP/bad/proc/5000"
echo sh >"$TMP/bad/proc/5000/comm"
echo '00400000-00401000 r-xp 00000000 08:01 5 /bin/sh' >"$TMP/bad/proc/5000/maps"
# What the kernel shows a reader without CAP_SYS_ADMIN: present, PFN 0.
{ dd if=/dev/zero bs=8 count=1024 2>/dev/null; printf '\0\0\0\0\0\0\0\200'; } \
	>"$TMP/bad/proc/5000/pagemap"
expect_fail 1 "proc/5000/pagemap: physical page numbers are hidden: reading them needs root" -- \
	ms --sysroot "$TMP/bad" -p 5000
expect_fail 1 "needs root" -- ms --sysroot "$TMP/bad" --top 3

# Usage errors.
expect_fail 2 "unknown column: BOGUS" -- ms --sysroot "$M48" -o ZONE,BOGUS
expect_fail 2 "unknown column: ZONE" -- ms --sysroot "$M48" --top 3 -o ZONE
expect_fail 2 "empty column name in 'SIZE,,USED'" -- ms --sysroot "$M48" -o SIZE,,USED
for i in 0 -1 0.001 abc 1e9 nan inf '' 1s 86401; do
	expect_fail 2 "invalid interval '$i'" -- ms --sysroot "$M48" -i "$i"
done
for c in 0 -3 x 1.5 99999999999; do
	expect_fail 2 "invalid count '$c'" -- ms --sysroot "$M48" -c "$c"
done
for t in 0 -1 many 100001; do
	expect_fail 2 "invalid --top count '$t'" -- ms --sysroot "$M48" --top "$t"
done
for p in 0 abc 12, ,12 -5 4242x; do
	expect_fail 2 "invalid process id" -- ms --sysroot "$M48" -p "$p"
done
expect_fail 2 "mutually exclusive" -- ms --sysroot "$M48" -J --prometheus
expect_fail 2 "mutually exclusive" -- ms --sysroot "$M48" -N -s
expect_fail 2 "mutually exclusive" -- ms --sysroot "$M48" -Z -N
expect_fail 2 "mutually exclusive" -- ms --sysroot "$M48" -Z --top 3
for o in "-o SIZE" --output-all -b -n -r; do
	# shellcheck disable=SC2086
	expect_fail 2 "--prometheus has no table" -- ms --sysroot "$M48" --prometheus $o
done
for o in -b -n -r; do
	expect_fail 2 "-b, -n and -r are for the table, not -J" -- ms --sysroot "$M48" -J $o
done
expect_fail 2 "mutually exclusive" -- ms --sysroot "$M48" -p 1 --top 2
expect_fail 2 "one snapshot" -- ms --sysroot "$M48" --prometheus -i 1
expect_fail 2 "unexpected argument 'zones'" -- ms --sysroot "$M48" zones
expect_fail 2 "no columns" -- ms --sysroot "$M48" -s -o ZONE
expect_fail 2 "unrecognized option" -- ms --frobnicate

# The real machine, whatever it is: never a crash, never zeros as data.
"$MIRRORSTAT" >"$TMP/out" 2>"$TMP/err"
rc=$?
case $rc in
0) pass "real system: a backend is present" ;;
3) [ -s "$TMP/out" ] && fail "real system: output despite no backend" ||
	pass "real system: $(cat "$TMP/err")" ;;
*) fail "real system: exit $rc: $(cat "$TMP/err")" ;;
esac

finish
