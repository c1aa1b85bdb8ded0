# The permission model of ABI.md ("Permissions"), tried as an unprivileged
# user (nobody, 65534): the files that show the layout of physical memory
# are root's, /dev/mirror is root's, and with the device opened up (as a
# udev rule might) GET answers only about the caller's own processes,
# hiding every other one as ESRCH exactly like a PID that does not exist,
# while SET/CLEAR/MIGRATE need CAP_SYS_ADMIN and the right to trace the
# process.  Every refusal carries its documented errno and changes nothing.
# Also: PIDs in the caller's PID namespace.
# vm-timeout: 240
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd asuser devmirror mirrorctl
NOBODY=65534

load_mirror
echo 100 >"$MIRROR_SYS/processes/sweep_interval_ms"

# The processes this script starts go before the module's unload, also
# when a check fails half way.
HOLDS=
trap '_rc=$?; [ -z "$HOLDS" ] || kill $HOLDS 2>/dev/null; wait; (exit $_rc); _vm_cleanup' EXIT

# mode_is MODE FILE
mode_is()
{
	assert_eq "$1" "$(stat -c %a "$2")" "mode of $2"
}

# answer WANT CMD...: CMD prints WANT (a prefix of its one-line answer)
answer()
{
	_want=$1
	shift
	_got=$("$@" 2>&1)
	echo "  [$*] -> $_got"
	case $_got in
	"$_want"*) ;;
	*) fail "'$*' answered '$_got', expected '$_want'" ;;
	esac
	ANSWER=$_got
}

# hold NAME [asuser ARGS...] [nodump]: a process with 4 MiB touched; sets
# HOLD_PID
hold()
{
	_n=$1
	shift
	: >"$VMTEST_TMP/$_n.out"
	"$@" devmirror hold $HOLD_OPT >"$VMTEST_TMP/$_n.out" 2>&1 &
	HOLD_PID=$!
	HOLDS="$HOLDS $HOLD_PID"
	_i=0
	until grep -q ready "$VMTEST_TMP/$_n.out"; do
		_i=$((_i + 1))
		[ "$_i" -lt 100 ] || fail "$_n: not ready: $(cat "$VMTEST_TMP/$_n.out")"
		sleep 0.1
	done
}

# ---- files: the layout of physical memory is root's ----------------------
mode_is 600 /dev/mirror
assert_eq "0 0" "$(stat -c '%u %g' /dev/mirror)" "/dev/mirror owner"
mode_is 400 /sys/module/mirror/parameters/memtypes
for p in ranges budget default_mirror fallback channel; do
	mode_is 444 /sys/module/mirror/parameters/$p
done
for f in memtypes/ranges memtypes/map; do
	mode_is 400 "$MIRROR_SYS/$f"
done
for d in "$MIRROR_SYS"/zones/zone*; do
	mode_is 400 "$d/occupied"
	mode_is 444 "$d/start"
	mode_is 444 "$d/size"
	assert_eq "$(cat "$d/start")" "$(asuser $NOBODY cat "$d/start")" "${d##*/}/start for nobody"
done
# debugfs: root's, every file without group or other bits.
for f in /sys/kernel/debug/mirror/*; do
	assert_match '^[0-7]00$' "$(stat -c %a "$f")" "mode of $f"
done
asuser $NOBODY cat /sys/kernel/debug/mirror/check >/dev/null 2>&1 &&
	fail "nobody read debugfs check"

# Something out, so that occupied has lines to hide: a root process flagged
# with its memory in the zones.
HOLD_OPT=
hold root
R=$HOLD_PID
answer "ok tgid=$R first=1" devmirror set "$R" 16777216
# (sysfs gives every file the size 0: look at the content.)
for d in "$MIRROR_SYS"/zones/zone*; do
	[ -n "$(cat "$d/occupied")" ] && break
done
assert_match '^0x' "$(head -n 1 "$d/occupied")" "root reads ${d##*/}/occupied"
for f in "$d/occupied" "$MIRROR_SYS/memtypes/ranges" "$MIRROR_SYS/memtypes/map" \
	/sys/module/mirror/parameters/memtypes; do
	asuser $NOBODY cat "$f" >"$VMTEST_TMP/cat.out" 2>&1 &&
		fail "nobody read $f"
	assert_match "Permission denied" "$(cat "$VMTEST_TMP/cat.out")" "nobody reading $f"
done
# Everything nobody can read under the tree: no physical address but a
# zone's own start (in its start file, and in layout, which repeats it).
find "$MIRROR_SYS" -type f | while read -r f; do
	case $f in
	*/zones/zone*/start) continue ;;
	"$MIRROR_SYS/layout")
		# Each line's address is its zone's start, nothing else.
		while read -r _z _node _start _size; do
			assert_eq "$(cat "$MIRROR_SYS/zones/zone$_z/start")" "$_start" \
				"layout's address of zone$_z"
		done <"$MIRROR_SYS/layout"
		continue ;;
	esac
	asuser $NOBODY cat "$f" >"$VMTEST_TMP/cat.out" 2>/dev/null || continue
	if grep -Eq '0x[0-9a-f]{4,}' "$VMTEST_TMP/cat.out"; then
		fail "$f shows nobody an address: $(head -n 1 "$VMTEST_TMP/cat.out")"
	fi
done
[ $? = 0 ] || exit 1
# The tools: what needs the layout says so in one line; the rest works.
asuser $NOBODY memtype list >"$VMTEST_TMP/out" 2>&1 && fail "nobody: memtype list succeeded"
assert_match "memtype: .*memtypes/ranges: the layout of physical memory is root's" \
	"$(cat "$VMTEST_TMP/out")" "memtype list as nobody"
must asuser $NOBODY memtype energy
must asuser $NOBODY mirrorstat
must asuser $NOBODY mirrorstat -J

# ---- /dev/mirror is root's ------------------------------------------------
answer "err open EACCES" asuser $NOBODY devmirror get "$R"
answer "err open EACCES" asuser $NOBODY devmirror set "$R"
answer "err open EACCES" asuser $NOBODY devmirror mmap 0
# mirrorctl says so in one line.
asuser $NOBODY mirrorctl show "$R" >"$VMTEST_TMP/out" 2>&1 && fail "nobody: mirrorctl show succeeded"
assert_match "permission denied: /dev/mirror is root's" "$(cat "$VMTEST_TMP/out")" "mirrorctl show as nobody"

# ---- the ioctls, with the device opened up as a udev rule might ------------
chmod 0666 /dev/mirror
hold nobody asuser $NOBODY
U=$HOLD_PID
HOLD_OPT=nodump
hold nodump asuser $NOBODY
N=$HOLD_PID
HOLD_OPT=
log "root's process $R (flagged, 16 MiB limit), nobody's $U, nobody's not dumpable $N"

# What must not change.
state()
{
	echo "R $(devmirror get "$R" | cut -d' ' -f1-5)"
	echo "U $(devmirror get "$U" | cut -d' ' -f1-5)"
	echo "N $(devmirror get "$N" | cut -d' ' -f1-5)"
	echo "flagged $(cat "$MIRROR_SYS/processes/nr_flagged")"
}
state >"$VMTEST_TMP/state0"
cat "$VMTEST_TMP/state0"
snap "$VMTEST_TMP/snap0"

# GET: its own process only; every other one is ESRCH, as a PID that does
# not exist.
answer "ok tgid=$U first=0" asuser $NOBODY devmirror get "$U"
for pid in "$R" "$N" 1 2 4000000; do
	answer "err ioctl ESRCH" asuser $NOBODY devmirror get "$pid"
done
# Through mirrorctl: one line, the same as for no process at all.
asuser $NOBODY mirrorctl show "$R" >"$VMTEST_TMP/out" 2>&1 && fail "nobody: mirrorctl show of root's process"
assert_match "no such process" "$(cat "$VMTEST_TMP/out")" "mirrorctl show of root's process as nobody"
# A /proc with hidepid hides R from nobody; so does /dev/mirror.
mkdir -p "$VMTEST_TMP/proc"
mount -t proc -o hidepid=2 proc "$VMTEST_TMP/proc" || fail "mount proc hidepid=2"
asuser $NOBODY test -e "$VMTEST_TMP/proc/$R" && fail "hidepid shows $R to nobody"
asuser $NOBODY test -e "$VMTEST_TMP/proc/$U" || fail "hidepid hides nobody's own $U"
umount "$VMTEST_TMP/proc"

# SET/CLEAR/MIGRATE without CAP_SYS_ADMIN: EPERM, its own process included.
for pid in "$U" "$R" "$N" 4000000; do
	for req in set clear migrate-in migrate-out; do
		answer "err ioctl EPERM" asuser $NOBODY devmirror $req "$pid"
	done
done
answer "err mmap EPERM" asuser $NOBODY devmirror mmap 0

# CAP_SYS_ADMIN alone: only what nobody may trace.
CAPS="asuser --cap sys_admin $NOBODY"
for pid in "$R" "$N"; do
	for req in set clear migrate-in migrate-out; do
		answer "err ioctl EPERM" $CAPS devmirror $req "$pid"
	done
	answer "err ioctl ESRCH" $CAPS devmirror get "$pid"
done
answer "err ioctl ESRCH" $CAPS devmirror set 4000000
answer "err ioctl EINVAL" $CAPS devmirror set 1
state >"$VMTEST_TMP/state1"
snap "$VMTEST_TMP/snap1"
if ! cmp -s "$VMTEST_TMP/state0" "$VMTEST_TMP/state1"; then
	cat "$VMTEST_TMP/state1"
	fail "a refused request changed a process"
fi
expect_deltas "$VMTEST_TMP/snap0" "$VMTEST_TMP/snap1" ""

# ... and its own process it may change.
answer "ok tgid=$U first=1" $CAPS devmirror set "$U"
answer "ok tgid=$U first=1" $CAPS devmirror get "$U"
answer "ok tgid=$U first=0" $CAPS devmirror clear "$U"
# With CAP_SYS_PTRACE as well, other users' processes too.
answer "ok tgid=$R first=1 inherited=0 limit=16777216" \
	asuser --cap sys_admin,sys_ptrace $NOBODY devmirror get "$R"
answer "ok tgid=$N first=0" asuser --cap sys_ptrace $NOBODY devmirror get "$N"
# Root may trace everything.
answer "ok tgid=$N first=0" devmirror get "$N"

# ---- PID namespaces ---------------------------------------------------------
# The first process of a new namespace is PID 1 there and is answered so;
# a process outside it does not exist for it.
answer "ok tgid=1 first=0" devmirror pidns get 1
answer "err ioctl ESRCH" devmirror pidns get "$R"
# Flagging itself there (not init of the machine): tgid 1 again.
answer "ok tgid=1 first=1" devmirror pidns set 1

kill $HOLDS
wait
HOLDS=
chmod 0600 /dev/mirror
log "ok"
