# Shell library of the test machine's scripts: . "$MIRROR_VM_LIB"
# (/vm/lib.sh).  busybox sh.  The contract is testsuite/vm/README.md.
#
# A script passes by exiting 0, fails by exiting with anything else, and
# skips by exiting 77 (use skip, which says why).  When a script loaded
# mirror.ko or mirror_test.ko through this library, both are unloaded when
# it exits.
#
# busybox, not bash or coreutils: `[ N -eq M ]` takes decimal only (convert
# with $((0x...))); awk has no `^`, `**`, sqrt(), log() or exp() (int(), %,
# and()/or()/xor() and 0x constants work); sh has no arrays.

MIRROR_SYS=/sys/kernel/mm/mirror
: "${VMTEST_NAME:=$(basename "$0")}"
: "${VMTEST_TMP:=/tmp/vmtest/$VMTEST_NAME}"
mkdir -p "$VMTEST_TMP"

_vm_loaded=

log()
{
	echo "$VMTEST_NAME: $*"
}

fail()
{
	echo "FAIL: $VMTEST_NAME: $*" >&2
	exit 1
}

skip()
{
	echo "SKIP: $*"
	exit 77
}

# assert_eq EXPECTED ACTUAL [WHAT]: string comparison
assert_eq()
{
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}

assert_ne()
{
	[ "$1" != "$2" ] || fail "${3:-value}: expected anything but '$1'"
}

# assert_cmp A OP B [WHAT]: integer comparison, OP one of -eq -ne -lt -le -gt -ge
assert_cmp()
{
	test "$1" "$2" "$3" 2>/dev/null ||
		fail "${4:-value}: expected $1 $2 $3 to hold"
}

# assert_match REGEX STRING [WHAT]: extended regular expression
assert_match()
{
	printf '%s\n' "$2" | grep -q -E -e "$1" ||
		fail "${3:-value}: '$2' does not match /$1/"
}

# must CMD...: run CMD, fail (showing its output) unless it succeeds.
must()
{
	_out=$("$@" 2>&1) || {
		_rc=$?
		printf '%s\n' "$_out" >&2
		fail "'$*' exited with $_rc"
	}
	[ -n "$_out" ] && printf '%s\n' "$_out"
	return 0
}

# mustfail CMD...: run CMD, fail unless it fails; its output goes to
# $VMTEST_TMP/mustfail.out for the script to inspect.
mustfail()
{
	if "$@" >"$VMTEST_TMP/mustfail.out" 2>&1; then
		cat "$VMTEST_TMP/mustfail.out" >&2
		fail "'$*' succeeded but should have failed"
	fi
	return 0
}

need_cmd()
{
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 || skip "$_c is not built"
	done
}

need_mirror()
{
	[ -n "$MIRROR_KO" ] && [ -f "$MIRROR_KO" ] || skip "mirror.ko is not built"
}

need_mirror_test()
{
	need_mirror
	[ -n "$MIRROR_TEST_KO" ] && [ -f "$MIRROR_TEST_KO" ] ||
		skip "mirror_test.ko is not built"
}

# kmsg: the kernel log since this script started (vm-init clears it).
kmsg()
{
	dmesg
}

# expect_kernel_warnings: this script provokes kernel warnings on purpose;
# do not count them against it (an oops still is).
expect_kernel_warnings()
{
	: >"$VMTEST_TMP/.allow-kernel-warnings"
}

is_loaded()
{
	grep -q "^$1 " /proc/modules
}

# load_kmod NAME: a module of the distribution kernel (e.g. hwpoison_inject)
load_kmod()
{
	is_loaded "$1" && return 0
	must modprobe "$1" >/dev/null
}

# insmod_mirror [PARAM=VALUE...]: try to load mirror.ko; returns the
# load's status, with its output in $VMTEST_TMP/insmod.out.  For scripts
# that check how a load fails.  busybox insmod retries a failed
# finit_module() with init_module(), running the module's init twice; the
# finit helper (helpers/), when built, makes exactly one call.
insmod_mirror()
{
	need_mirror
	# A zone needs its memory online; an earlier rmmod left it offline.
	online_blocks
	_vm_loaded="$_vm_loaded mirror"
	if command -v finit >/dev/null 2>&1; then
		finit "$MIRROR_KO" "$@" >"$VMTEST_TMP/insmod.out" 2>&1
	else
		insmod "$MIRROR_KO" "$@" >"$VMTEST_TMP/insmod.out" 2>&1
	fi
}

# load_mirror [RANGES [PARAM=VALUE...]]: load mirror.ko in emulation mode
# over RANGES (default: $MIRROR_VM_RANGES, one range per node); skips when
# the module is not built, fails when it does not load.
load_mirror()
{
	need_mirror
	_r=${1:-$MIRROR_VM_RANGES}
	[ $# -gt 0 ] && shift
	is_loaded mirror && unload_mirror
	if ! insmod_mirror "ranges=$_r" "$@"; then
		cat "$VMTEST_TMP/insmod.out" >&2
		dmesg | tail -n 20 >&2
		fail "insmod mirror.ko ranges=$_r $* failed"
	fi
	[ -d "$MIRROR_SYS" ] || fail "mirror.ko loaded but $MIRROR_SYS is missing"
}

# load_mirror_test [PARAM=VALUE...]: mirror_test.ko, over a loaded mirror.ko
load_mirror_test()
{
	need_mirror_test
	is_loaded mirror || load_mirror
	_vm_loaded="$_vm_loaded mirror_test"
	if ! insmod "$MIRROR_TEST_KO" "$@" >"$VMTEST_TMP/insmod.out" 2>&1; then
		cat "$VMTEST_TMP/insmod.out" >&2
		fail "insmod mirror_test.ko $* failed"
	fi
}

# online_blocks: put every offline memory block back online, as movable
# memory, as mirrorctl unload does.  mirror.ko gives its zones back to the
# kernel as memory blocks that stay offline unless the kernel auto-onlines
# them (auto_online_blocks); onlined as movable, they stay free of pages
# the kernel cannot migrate, so the next load can claim them again.
online_blocks()
{
	for _b in /sys/devices/system/memory/memory*/state; do
		[ "$(cat "$_b")" = offline ] || continue
		echo online_movable >"$_b" || fail "cannot online ${_b%/state}"
	done
}

# rmmod_settled MODULE: rmmod; for mirror.ko empty its per-CPU
# caches first (reading a zone's occupied file does that), which otherwise
# keep it in use for a few hundred ms after the last free.
rmmod_settled()
{
	[ "$1" = mirror ] &&
		cat /sys/kernel/mm/mirror/zones/zone*/occupied >/dev/null 2>&1
	rmmod "$1"
}

# unload_mirror: remove mirror_test.ko (if loaded) and mirror.ko; fails if
# either refuses to go (a leaked reference).
unload_mirror()
{
	for _m in mirror_test mirror; do
		is_loaded "$_m" || continue
		rmmod_settled "$_m" || fail "rmmod $_m failed"
	done
	online_blocks
	return 0
}

_vm_cleanup()
{
	_rc=$?
	# mirror_test.ko holds mirror.ko: it goes first, however it was loaded.
	if [ -n "$_vm_loaded" ]; then
		for _m in mirror_test mirror; do
			is_loaded "$_m" || continue
			if ! rmmod_settled "$_m"; then
				echo "FAIL: $VMTEST_NAME: rmmod $_m at exit failed" >&2
				[ "$_rc" -eq 0 ] && _rc=1
			fi
		done
		online_blocks
	fi
	exit "$_rc"
}
trap _vm_cleanup EXIT

# ---- reading sysfs ----------------------------------------------------

# sysfs_read FILE: the content of one sysfs (or proc, debugfs) file; fails
# when it cannot be read.
sysfs_read()
{
	[ -r "$1" ] || fail "$1 is missing"
	cat "$1" || fail "reading $1 failed"
}

# mirror_read PATH: a file under /sys/kernel/mm/mirror, e.g. nr_zones,
# zones/zone0/pages_free, policy/fallback
mirror_read()
{
	sysfs_read "$MIRROR_SYS/$1"
}

# mirror_write PATH VALUE: write VALUE to a file under /sys/kernel/mm/mirror;
# returns the write's status.
mirror_write()
{
	echo "$2" >"$MIRROR_SYS/$1"
}

# meminfo FIELD: FIELD of /proc/meminfo in kB (MemTotal, MemFree,
# HardwareCorrupted, ...), the number alone
meminfo()
{
	sed -n "s/^$1: *\\([0-9]*\\) kB/\\1/p" /proc/meminfo
}

zone_read()
{
	mirror_read "zones/zone$1/$2"
}

node_read()
{
	mirror_read "nodes/node$1/$2"
}

# node_sum FILE: FILE summed over nodes/node*/
node_sum()
{
	_s=0
	for _d in "$MIRROR_SYS"/nodes/node*; do
		[ -d "$_d" ] || continue
		_s=$((_s + $(sysfs_read "$_d/$1")))
	done
	echo "$_s"
}

# ---- the machine's layout ---------------------------------------------

# to_bytes SIZE: 64M, 0x4000000, 1G... in bytes
to_bytes()
{
	case $1 in
	*[kK]) echo $((${1%?} << 10)) ;;
	*[mM]) echo $((${1%?} << 20)) ;;
	*[gG]) echo $((${1%?} << 30)) ;;
	*) echo $(($1)) ;;
	esac
}

# node_of_addr ADDR: the NUMA node holding physical address ADDR, from
# /sys/devices/system/node (memory blocks of block_size_bytes)
node_of_addr()
{
	_bs=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
	_blk=$(($1 / _bs))
	for _d in /sys/devices/system/node/node*; do
		if [ -e "$_d/memory$_blk" ]; then
			echo "${_d##*node}"
			return 0
		fi
	done
	# A block mirror.ko holds is no memory block of any node while it
	# is loaded: the machine's layout says where it lies.
	_n=0
	for _r in $MIRROR_VM_NODE_RANGES; do
		if [ "$1" -ge $((${_r%-*})) ] && [ "$1" -lt $((${_r#*-})) ]; then
			echo "$_n"
			return 0
		fi
		_n=$((_n + 1))
	done
	fail "no node holds address $1"
}

# vm_range N: the Nth (0-based) range of MIRROR_VM_RANGES as "START SIZE"
# in bytes
vm_range()
{
	_r=$(echo "$MIRROR_VM_RANGES" | cut -d, -f$(($1 + 1)))
	[ -n "$_r" ] || fail "no range $1 in MIRROR_VM_RANGES"
	echo "$(to_bytes "${_r#*@}") $(to_bytes "${_r%@*}")"
}

# zone_addr N: where the Nth (0-based) range of MIRROR_VM_RANGES starts, in
# hex: the second memory block of node N (the layout differs between
# kernels, see vm-config.sh)
zone_addr()
{
	_za=$(vm_range "$1") || exit 1
	printf '0x%x\n' "${_za% *}"
}

# node_range N: "START END" (hex, END exclusive) of node N's memory
node_range()
{
	_nr=$(echo "$MIRROR_VM_NODE_RANGES" | cut -d' ' -f$(($1 + 1)))
	[ -n "$_nr" ] || fail "no node $1 in MIRROR_VM_NODE_RANGES"
	echo "${_nr%-*} ${_nr#*-}"
}

# kmemleak_scan FILE: have kmemleak scan memory now and write what it
# suspects (empty: nothing) to FILE.  Fails when the kernel has no kmemleak.
# A new object is only suspected once it is 5 s old, and two scans keep a
# pointer that sat in a register during the first from counting.
kmemleak_scan()
{
	_k=/sys/kernel/debug/kmemleak
	[ -w "$_k" ] || fail "no $_k: the kernel lacks CONFIG_DEBUG_KMEMLEAK or kmemleak is off"
	sleep 5
	{ echo scan >"$_k" && echo scan >"$_k"; } || fail "kmemleak scan failed"
	cat "$_k" >"$1"
}
