# mirrorctl load and apply against the real module.  load goes through
# libkmod's probe path: mirror.ko found by name in the depmod index, the
# options of /etc/modprobe.d before those given (which win), its
# blacklist refusing the load, "already loaded" asked of libkmod.  apply
# with a good mirror.conf loads the module with the file's parameters,
# sets the policies and the scrub interval and flags the processes of a
# cgroup v2 group, a command name and a PID file, whose memory moves into
# the zones; a file with one bad line changes nothing at all; applied to a
# loaded module it sets what changed and says which parameters wait for
# the next load; a process that joins the group later is not flagged
# until apply runs again.
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./mirror-lib.inc
. ./first-lib.inc
need_mirror
need_cmd mirrorctl mproc

# rc_is WANT CMD...: CMD exits with WANT, says why on stderr when it fails
rc_is()
{
	_want=$1
	shift
	"$@" >"$VMTEST_TMP/out" 2>"$VMTEST_TMP/err"
	_rc=$?
	cat "$VMTEST_TMP/out" "$VMTEST_TMP/err" | sed "s/^/  [${1##*/} $2] /"
	[ "$_rc" = "$_want" ] || fail "'$*' exited $_rc, expected $_want"
	[ "$_want" = 0 ] || [ -s "$VMTEST_TMP/err" ] || fail "'$*': no message"
}
out() { cat "$VMTEST_TMP/out"; }
err() { cat "$VMTEST_TMP/err"; }

is_loaded mirror && unload_mirror
# The zones' blocks must be online; the exit clean-up unloads what
# mirrorctl loaded.
online_blocks
_vm_loaded="$_vm_loaded mirror"
[ -f "/lib/modules/$KERNEL_RELEASE/extra/mirror.ko" ] ||
	fail "mirror.ko is not in the machine's module tree"
mkdir -p /etc/modprobe.d /etc/mirror

# ---- load: the probe path -------------------------------------------------
echo "options mirror ranges=$MIRROR_VM_RANGES fallback=0" >/etc/modprobe.d/mirror.conf
rc_is 0 mirrorctl load
assert_match "^mirror.ko [0-9.]* loaded: ranges=$MIRROR_VM_RANGES fallback=0$" "$(out)" "modprobe.d's options"
assert_eq 0 "$(mirror_read policy/fallback)" "fallback=0 from modprobe.d"
assert_eq 4 "$(mirror_read nr_zones)" "zones from modprobe.d's ranges"
rc_is 1 mirrorctl load
assert_match "already loaded \(version [0-9.]*\)" "$(err)" "a second load"
rc_is 0 mirrorctl unload
online_blocks
# What is given comes after modprobe.d's options, and wins.
rc_is 0 mirrorctl load --fallback on
assert_match "loaded: ranges=$MIRROR_VM_RANGES fallback=0 fallback=1$" "$(out)" "both options, ours last"
assert_eq 1 "$(mirror_read policy/fallback)" "--fallback on wins over modprobe.d"
rc_is 0 mirrorctl unload
online_blocks
echo "blacklist mirror" >>/etc/modprobe.d/mirror.conf
rc_is 1 mirrorctl load
assert_match "blacklisted" "$(err)" "blacklist"
is_loaded mirror && fail "loaded although blacklisted"
rm -f /etc/modprobe.d/mirror.conf

# ---- the processes ----------------------------------------------------------
# Three in a cgroup v2 group (one of them in a group below it), one by its
# command name, one by a PID file, one that nothing names.
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null ||
	grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || fail "cannot mount cgroup2"
mkdir -p /sys/fs/cgroup/critical/inner
for n in a b c; do
	mp_start $n
	eval "P$n=$MP_PID"
	if [ $n = c ]; then
		echo "$MP_PID" >/sys/fs/cgroup/critical/inner/cgroup.procs
	else
		echo "$MP_PID" >/sys/fs/cgroup/critical/cgroup.procs
	fi
	mp $n alloc 4
done
ln -sf "$(command -v mproc)" "$VMTEST_TMP/mworker"
MP_PROG=$VMTEST_TMP/mworker mp_start w
Pw=$MP_PID
mp w alloc 4
mp_start p
Pp=$MP_PID
echo "$Pp" >/run/p.pid
mp p alloc 4
mp_start o
Po=$MP_PID
mp o alloc 4

CONF=$VMTEST_TMP/mirror.conf
cat >"$CONF" <<EOF
[module]
mode = emulation
ranges = $MIRROR_VM_RANGES
budget = 100%

[policy]
default_mirror = on
fallback = off
scrub_interval_ms = 250

[flag]
cgroup = /critical limit=8M
command = mworker
pidfile = /run/p.pid limit=16M
EOF

# ---- one bad line: nothing at all --------------------------------------------
cp "$CONF" "$VMTEST_TMP/bad.conf"
echo "unit = nosuch.service" >>"$VMTEST_TMP/bad.conf"
rc_is 1 mirrorctl apply --config "$VMTEST_TMP/bad.conf"
assert_match "bad.conf:15: unit nosuch.service: no such unit" "$(err)" "the bad line"
[ "$(wc -l <"$VMTEST_TMP/err")" -eq 1 ] || fail "more than the one problem said"
[ -s "$VMTEST_TMP/out" ] && fail "something was done: $(out)"
is_loaded mirror && fail "loaded by a file with a bad line"
# With the module loaded, nothing is set and nobody flagged either.
rc_is 0 mirrorctl load --ranges "$MIRROR_VM_RANGES"
echo 5000 >"$MIRROR_SYS/channel/scrub_interval_ms"
rc_is 1 mirrorctl apply --config "$VMTEST_TMP/bad.conf"
assert_eq "0 1 5000" "$(mirror_read policy/default_mirror) $(mirror_read policy/fallback) $(mirror_read channel/scrub_interval_ms)" \
	"policies and scrub interval untouched"
for p in $Pa $Pb $Pc $Pw $Pp; do
	assert_eq false "$(first_json "$p" mirror_first)" "process $p not flagged"
done
rc_is 0 mirrorctl unload
online_blocks

# ---- a good file, the module not loaded ----------------------------------
# modprobe.d's options come first; the file's win.
echo "options mirror ranges=128M@0x8000000 budget=50%" >/etc/modprobe.d/mirror.conf
rc_is 0 mirrorctl apply --dry-run --config "$CONF"
assert_match "^load /lib/modules/$KERNEL_RELEASE/extra/mirror.ko: ranges=128M@0x8000000 budget=50% ranges=$MIRROR_VM_RANGES budget=100% default_mirror=1 fallback=0$" \
	"$(out | head -n 1)" "dry run: the probe's options"
is_loaded mirror && fail "loaded by a dry run"
rc_is 0 mirrorctl apply --config "$CONF"
assert_eq "$MIRROR_VM_RANGES" "$(cat /sys/module/mirror/parameters/ranges)" "ranges from the file"
assert_eq "100%" "$(cat /sys/module/mirror/parameters/budget)" "budget from the file"
assert_eq 4 "$(mirror_read nr_zones)" "the file's four zones"
assert_eq "1 0 250" "$(mirror_read policy/default_mirror) $(mirror_read policy/fallback) $(mirror_read channel/scrub_interval_ms)" \
	"policies and scrub interval from the file"
for n in a b c w p; do
	eval "p=\$P$n"
	assert_eq true "$(first_json "$p" mirror_first)" "process $n ($p) flagged"
	mp_check_mirrored $n 10
done
assert_eq $((8 << 20)) "$(first_json "$Pc" limit_bytes)" "the group's limit, on its inner group's process"
assert_eq $((16 << 20)) "$(first_json "$Pp" limit_bytes)" "the PID file's limit"
assert_eq 0 "$(first_json "$Pw" limit_bytes)" "no limit for the command"
assert_eq false "$(first_json "$Po" mirror_first)" "the process nothing names"
assert_eq 5 "$(out | grep -c '^flag ')" "five flag lines"

# ---- applied again to the loaded module ------------------------------------
sed -i 's/^budget = 100%/budget = 50%/; s/^fallback = off/fallback = on/; s/^scrub_interval_ms = 250/scrub_interval_ms = 0/' "$CONF"
# A process that joins the group now is not followed ...
mp_start d
Pd=$MP_PID
echo "$Pd" >/sys/fs/cgroup/critical/cgroup.procs
mp d alloc 4
assert_eq false "$(first_json "$Pd" mirror_first)" "a process that joined later"
# ... until the file is applied again, as systemctl reload mirror does.
rc_is 0 mirrorctl apply --config "$CONF"
assert_match "^mirror.ko [0-9.]* already loaded$" "$(out | head -n 1)" "no second load"
assert_match "loaded with budget=100%, the file says budget=50%: that takes effect at its next load" "$(err)" "the budget waits"
assert_eq "1 0" "$(mirror_read policy/fallback) $(mirror_read channel/scrub_interval_ms)" \
	"fallback and the patrol (now off) changed on the loaded module"
assert_eq true "$(first_json "$Pd" mirror_first)" "the late process, flagged by the second apply"
mp_check_mirrored d 10

for n in a b c d w p o; do
	mp $n exit
done
wait
rm -f /etc/modprobe.d/mirror.conf /run/p.pid
rmdir /sys/fs/cgroup/critical/inner /sys/fs/cgroup/critical
log "ok"
