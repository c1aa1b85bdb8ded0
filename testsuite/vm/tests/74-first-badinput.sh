# mirrorctl and /dev/mirror on bad input: the module not loaded, PIDs that
# do not exist, exit mid-migration, kernel threads, init, zombies, the same
# PID twice, non-root callers, 'run' without a command, bad limits; every
# refusal has a one-line reason and changes nothing.  Also load/unload
# through libkmod and the version check.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl mproc asuser

# rc_is WANT CMD...: CMD exits with WANT and says why on stderr
rc_is()
{
	_want=$1
	shift
	"$@" >"$VMTEST_TMP/out" 2>"$VMTEST_TMP/err"
	_rc=$?
	[ "$_rc" = "$_want" ] || {
		cat "$VMTEST_TMP/out" "$VMTEST_TMP/err"
		fail "'$*' exited $_rc, expected $_want"
	}
	[ "$_want" = 0 ] || [ -s "$VMTEST_TMP/err" ] || fail "'$*': no message"
	echo "  [$*] -> $_rc: $(head -n 1 "$VMTEST_TMP/err")"
}

# ---- the module not loaded ------------------------------------------------
is_loaded mirror && unload_mirror
# The target lives until the script kills it: on the debug kernel the
# script takes more than a minute to get to its last use.
sleep 3600 &
S=$!
rc_is 3 mirrorctl set "$S"
rc_is 3 mirrorctl clear "$S"
rc_is 3 mirrorctl show
rc_is 3 mirrorctl show "$S"
rc_is 3 mirrorctl migrate "$S" --to-mirror
rc_is 3 mirrorctl policy
rc_is 3 mirrorctl run -- true
rc_is 3 mirrorctl unload
[ -e /dev/mirror ] && fail "/dev/mirror without the module"

# ---- load through libkmod, with the version check -------------------------
rc_is 2 mirrorctl load --module "$MIRROR_KO" --default-mirror maybe
rc_is 2 mirrorctl load --module "$MIRROR_KO" --ranges 64M@0x8100000
is_loaded mirror && fail "loaded with misaligned ranges"
rc_is 0 mirrorctl load --module "$MIRROR_KO" --ranges "$MIRROR_VM_RANGES" --fallback on
assert_match "^mirror.ko 0" "$(cat "$VMTEST_TMP/out")" "load message"
rc_is 1 mirrorctl load --module "$MIRROR_KO" --ranges "$MIRROR_VM_RANGES"
assert_match "already loaded" "$(cat "$VMTEST_TMP/err")" "second load"
assert_eq "$(mirror_read version)" "$(mirrorctl --version | sed 's/.* //')" "module and tools of one version"
echo 100 >"$MIRROR_SYS/processes/sweep_interval_ms"
free0=$(zones_free)

# ---- PIDs --------------------------------------------------------------
for bad in 0 -5 abc 12x "" 99999999999; do
	rc_is 2 mirrorctl set "$bad"
done
rc_is 2 mirrorctl set
rc_is 1 mirrorctl set 4000000
assert_match "no process" "$(cat "$VMTEST_TMP/err")" "missing pid"
rc_is 1 mirrorctl set 1
assert_match "init" "$(cat "$VMTEST_TMP/err")" "pid 1"
rc_is 1 mirrorctl set 2
assert_match "kernel thread" "$(cat "$VMTEST_TMP/err")" "kthreadd"
rc_is 1 mirrorctl migrate 2 --to-mirror
# The same PID twice: refused before anything is done.
rc_is 2 mirrorctl set "$S" "$S"
assert_match "twice" "$(cat "$VMTEST_TMP/err")" "same pid twice"
assert_eq false "$(first_json "$S" mirror_first)" "nothing applied after a refused list"
# A good PID and a missing one: refused as a whole.
rc_is 1 mirrorctl set "$S" 4000000
assert_eq false "$(first_json "$S" mirror_first)" "nothing applied after a missing PID"

# A zombie: the child of a process that never reaps it.
sh -c 'sleep 0.2 & exec sleep 60' &
P=$!
sleep 1
Z=$(awk -v p="$P" '$4 == p && $3 == "Z" { print $1 }' /proc/[0-9]*/stat 2>/dev/null | head -n 1)
assert_ne "" "$Z" "a zombie to test with"
rc_is 1 mirrorctl set "$Z"
assert_match "zombie" "$(cat "$VMTEST_TMP/err")" "zombie"
kill "$P"

# The ioctl itself, below the tool's own checks, for init and a kthread.
must mirrorctl show 1 2

# ---- non-root --------------------------------------------------------------
rc_is 1 asuser 1000 mirrorctl set "$S"
assert_match "root" "$(cat "$VMTEST_TMP/err")" "non-root set"
rc_is 1 asuser 1000 mirrorctl clear "$S"
rc_is 1 asuser 1000 mirrorctl migrate "$S" --to-mirror
rc_is 1 asuser 1000 mirrorctl run -- true
rc_is 1 asuser 1000 mirrorctl policy --fallback off
assert_eq 1 "$(mirror_read policy/fallback)" "policy unchanged"
# Reading the flag too: /dev/mirror is root's (79-permissions.sh has the
# ioctls themselves).
rc_is 1 asuser 1000 mirrorctl show "$S"
assert_match "/dev/mirror is root's" "$(cat "$VMTEST_TMP/err")" "non-root show"
assert_eq false "$(first_json "$S" mirror_first)" "nothing applied by non-root"

# ---- run and limits ---------------------------------------------------------
rc_is 2 mirrorctl run
rc_is 2 mirrorctl run --
rc_is 2 mirrorctl run true
for lim in 0 -1 abc 1000 12Q ""; do
	rc_is 2 mirrorctl run --limit "$lim" -- true
	rc_is 2 mirrorctl set --limit "$lim" "$S"
done
rc_is 127 mirrorctl run -- /nonexistent/command
rc_is 0 mirrorctl run --limit 4M -- true
rc_is 2 mirrorctl migrate "$S"
rc_is 2 mirrorctl migrate "$S" --to-mirror --to-normal
rc_is 2 mirrorctl frobnicate
rc_is 2 mirrorctl policy --fallback maybe

# ---- --to-normal on a flagged process; clear twice ------------------------
rc_is 0 mirrorctl set "$S"
rc_is 1 mirrorctl migrate "$S" --to-normal
assert_match "clear the flag first" "$(cat "$VMTEST_TMP/err")" "--to-normal on a flagged process"
rc_is 0 mirrorctl -J show
assert_match "\"pid\": $S," "$(cat "$VMTEST_TMP/out")" "show lists the flagged process"
rc_is 0 mirrorctl clear "$S"
rc_is 0 mirrorctl clear "$S"
kill "$S"

# ---- a process that exits in the middle of its migration ------------------
i=0
while [ "$i" -lt 3 ]; do
	mp_start x
	X=$MP_PID
	mp x alloc 192
	mirrorctl set "$X" >"$VMTEST_TMP/set.out" 2>&1 &
	M=$!
	[ "$i" = 0 ] || sleep 0.0$((i * 3))
	kill -9 "$X"
	wait "$M"
	rc=$?
	echo "  set during exit -> $rc $(cat "$VMTEST_TMP/set.out")"
	case $rc in
	0) ;;
	# Killed but not yet reaped by this shell, the victim is a zombie.
	1) assert_match "no process|no such process|exiting or a zombie|is a zombie" "$(cat "$VMTEST_TMP/set.out")" "set on an exiting process" ;;
	*) fail "set on an exiting process exited $rc" ;;
	esac
	wait "$X" 2>/dev/null
	i=$((i + 1))
done
wait_zones_free "$free0"

# ---- unload refused while a process holds mirrored pages ----------------------
mp_start y
Y=$MP_PID
mp y alloc 8
must mirrorctl set "$Y"
rc_is 1 mirrorctl unload
assert_match "in use" "$(cat "$VMTEST_TMP/err")" "unload while in use"
mp y exit
wait "$Y" 2>/dev/null
wait_zones_free "$free0"
all_idle
rc_is 0 mirrorctl unload
is_loaded mirror && fail "still loaded after mirrorctl unload"
log "ok"
