#!/bin/sh
# mirrorctl apply --dry-run over a tree made here (--sysroot): a machine
# with processes, a cgroup v2 hierarchy with systemd's units in it, unit
# files and PID files.  What a good mirror.conf would do (golden output),
# every bad input a careful admin could write (one line naming file:line,
# exit 1, nothing printed on stdout as done), several problems reported
# together, the things that are not problems (a unit not running), the
# examples of mirror.conf(5) and of contrib/mirror.conf, and the keys of
# the man page against the parser's.  mirrord's scan of the same tree
# (--once --dry-run: mirror.conf's groups and the records of 'mirrorctl
# set'), its bad input and man page, and mirrorctl's --cgroup and --unit
# checked as the file's entries.  The real apply runs in the test
# machine (vm/tests/79-apply.sh).
. "$(dirname "$0")/common.sh"

MAN=$top_srcdir/man/mirror.conf.5
R=$TMP/root
cd "$TMP" || exit 1

# ---- the machine --------------------------------------------------------

# proc PID COMM [STATE]: a process (a kernel thread when STATE is K).
proc() {
	mkdir -p "$R/proc/$1"
	printf '%s\n' "$2" >"$R/proc/$1/comm"
	case ${3:-S} in
	K) printf 'Name:\t%s\nState:\tS (sleeping)\nTgid:\t%s\n' "$2" "$1" ;;
	Z) printf 'Name:\t%s\nState:\tZ (zombie)\nTgid:\t%s\n' "$2" "$1" ;;
	*) printf 'Name:\t%s\nState:\tS (sleeping)\nTgid:\t%s\nVmSize:\t   10000 kB\n' "$2" "$1" ;;
	esac >"$R/proc/$1/status"
	[ "${3:-S}" = K ] && printf '%s (%s) S 2 0 0 0 -1 2129984 0\n' "$1" "$2" >"$R/proc/$1/stat"
	return 0
}
# group PATH PID...: a cgroup with these processes.
group() {
	g=$R/sys/fs/cgroup$1
	shift
	mkdir -p "$g"
	: >"$g/cgroup.procs"
	for p in "$@"; do
		echo "$p" >>"$g/cgroup.procs"
	done
}
mkdir -p "$R/sys/devices/system/memory" "$R/sys/fs/cgroup" \
	"$R/lib/systemd/system" "$R/etc/systemd/system" "$R/run"
echo 8000000 >"$R/sys/devices/system/memory/block_size_bytes"
# cgroup v2: the root has cgroup.controllers.
echo "cpuset cpu io memory pids" >"$R/sys/fs/cgroup/cgroup.controllers"
proc 1 systemd
proc 2 kthreadd K
proc 310 postgres
proc 311 postgres
proc 312 postgres
proc 420 nginx
proc 421 nginx
proc 500 redis-server
proc 501 redis-server
proc 502 redis-server Z
proc 600 keepalived
proc 700 batch-worker
proc 701 batch-worker
proc 800 haproxy
proc 900 sshd
proc 950 ghost Z
group / 1 2
group /init.scope 1
group /system.slice
group /system.slice/postgresql@15-main.service 310 311
# A delegated subgroup: its processes are the unit's too.
group /system.slice/postgresql@15-main.service/checkpointer 312
group /system.slice/nginx.service 420 421
group /system.slice/ssh.service 900
group /critical.slice
group /critical.slice/batch.service 700 701
# A user's manager runs units of the same names: not the system's.
group /user.slice/user-1000.slice/user@1000.service/app.slice/nginx.service 4242
group /user.slice/user-1000.slice/user@1000.service/app.slice/sshd.service
for u in postgresql@.service nginx.service ssh.service haproxy.service \
	redis-server.service keepalived.service; do
	: >"$R/lib/systemd/system/$u"
done
: >"$R/etc/systemd/system/batch.service"
echo 600 >"$R/run/keepalived.pid"
printf '  420  \n' >"$R/run/nginx.pid"
echo 4000 >"$R/run/stale.pid"
echo "nginx" >"$R/run/garbage.pid"
echo 2 >"$R/run/kthread.pid"
# Two groups named like one unit (a broken hierarchy): ambiguous.
group /a.slice/twice.service 901
group /b.slice/twice.service 902
proc 901 twice
proc 902 twice
: >"$R/lib/systemd/system/twice.service"
# A link out of the hierarchy, a directory that is not a group.
ln -s /etc "$R/sys/fs/cgroup/escape"
mkdir -p "$R/sys/fs/cgroup/notagroup"

apply() {
	"$MIRRORCTL" --sysroot "$R" apply --dry-run "$@"
}

# ---- a good file ----------------------------------------------------------

cat >good.conf <<'EOF'
# A test machine.
[module]
mode = emulation
ranges = 128M@0x8000000, 128M@0x28000000
budget = 50%
channel = on

[policy]
default_mirror = off
fallback = on
scrub_interval_ms = 1000

[flag]
unit = postgresql@15-main limit=4G
cgroup = /sys/fs/cgroup/critical.slice/ limit=512MiB
command = redis-server limit=1G
pidfile = /run/keepalived.pid
	pidfile=/run/nginx.pid
unit = nginx.service

[policy]
EOF
# (ranges= takes no spaces, as the module's parameter.)
expect_fail 1 "good.conf:4: ranges: range 2: whitespace is not allowed here" -- apply --config good.conf
sed -i 's/, 128M/,128M/' good.conf
golden mirrorctl-apply.txt apply --config good.conf
golden mirrorctl-apply.txt apply -c good.conf -n
golden mirrorctl-apply.txt env MIRROR_SYSROOT="$R" "$MIRRORCTL" apply --config=good.conf --dry-run
# Every process once, in the file's order; the user's nginx (4242) and
# the zombie (502) are not among them.
grep -c '^flag ' "$GOLDEN/mirrorctl-apply.txt" | grep -qx 10 &&
	! grep -q '^flag \(4242\|502\) ' "$GOLDEN/mirrorctl-apply.txt" &&
	pass "10 processes: the unit's subgroup in, the user's unit and the zombie out" ||
	fail "the processes flagged: $(grep '^flag' "$GOLDEN/mirrorctl-apply.txt")"

# Firmware mode: an empty ranges= overrides modprobe.d's.
printf '[module]\nmode = firmware\nbudget = 25%%\n' >fw.conf
apply -c fw.conf >"$TMP/out" 2>"$TMP/err"
[ "$(cat "$TMP/out")" = "load mirror.ko: ranges= budget=25%" ] && [ ! -s "$TMP/err" ] &&
	pass "firmware mode: ranges= empty, budget passed" ||
	fail "firmware mode: $(cat "$TMP/out" "$TMP/err")"

# ---- what is no problem: one line says so, exit 0 -----------------------

# note LABEL PATTERN CONF-LINES: applies (exit 0) and says PATTERN once.
note() {
	label=$1 pattern=$2
	printf "$3" >note.conf
	if apply -c note.conf >"$TMP/out" 2>"$TMP/err" &&
	    [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q -- "$pattern" "$TMP/err"; then
		pass "$label: $(cat "$TMP/err")"
	else
		fail "$label: exit $?, $(cat "$TMP/err")"
	fi
}
note "a unit not running" "note.conf:2: unit haproxy.service is not running: nothing to flag" \
	'[flag]\nunit = haproxy\n'
note "a template's instance not running" "unit postgresql@14-main.service is not running" \
	'[flag]\nunit = postgresql@14-main.service\n'
note "no such command running" "note.conf:2: no process named mysqld: nothing to flag" \
	'[flag]\ncommand = mysqld\n'
note "only a zombie of that name" "no process named" \
	'[flag]\ncommand = ghost\n'
note "a missing PID file" "pidfile /run/none.pid: no such file (not running?)" \
	'[flag]\npidfile = /run/none.pid\n'
note "a stale PID file" "pidfile /run/stale.pid names process 4000, which is not running" \
	'[flag]\npidfile = /run/stale.pid\n'
# Two entries, one process, one limit: flagged once.
printf '[flag]\nunit = nginx\ncommand = nginx\npidfile = /run/nginx.pid\n' >twice.conf
apply -c twice.conf >"$TMP/out" 2>"$TMP/err"
[ "$(grep -c '^flag 42[01] ' "$TMP/out")" = 2 ] && [ ! -s "$TMP/err" ] &&
	pass "a process three entries name is flagged once" ||
	fail "three entries for nginx: $(cat "$TMP/out" "$TMP/err")"

# ---- bad input: exit 1, one line naming file and line, nothing done -----

# bad PATTERN CONF-LINES: apply refuses with one line matching PATTERN.
bad() {
	printf "$2" >bad.conf
	expect_fail 1 "$1" -- apply -c bad.conf
}
bad "bad.conf:2: unknown key 'bugdet' in \[module\] (mode, ranges, budget, channel)" \
	'[module]\nbugdet = 50%%\n'
bad "bad.conf:2: unknown key 'fallbak' in \[policy\] (default_mirror, fallback, scrub_interval_ms)" \
	'[policy]\nfallbak = on\n'
bad "bad.conf:2: unknown key 'process' in \[flag\] (unit, cgroup, command, pidfile)" \
	'[flag]\nprocess = 42\n'
bad "bad.conf:1: unknown section \[modules\]" '[modules]\n'
bad "bad.conf:1: budget: outside a section" 'budget = 50%%\n'
bad "bad.conf:2: 'fallback on': expected KEY = VALUE" '[policy]\nfallback on\n'
bad "bad.conf:2: fallback: no value" '[policy]\nfallback =\n'
bad "bad.conf:1: '\[module': a section is written \[NAME\]" '[module\n'
bad "bad.conf:2: a NUL byte" '[module]\nbudget = 5\00050%%\n'
# Sizes.
bad "bad.conf:2: budget: '0%': a share is 1% to 100%" '[module]\nbudget = 0%%\n'
bad "bad.conf:2: budget: '101%': a share is 1% to 100%" '[module]\nbudget = 101%%\n'
bad "bad.conf:2: budget: 'half': expected a size above 0" '[module]\nbudget = half\n'
bad "bad.conf:2: budget: '64M' is less than one memory block (128M)" '[module]\nbudget = 64M\n'
bad "bad.conf:2: budget: '18014398509481985M': expected a size above 0" \
	'[module]\nbudget = 18014398509481985M\n'
bad "bad.conf:2: ranges: range 1 (64M@0x8000000): size not aligned to 128M" \
	'[module]\nranges = 64M@0x8000000\n'
bad "bad.conf:2: ranges: range 2 (128M@0x8000000): overlaps range 1" \
	'[module]\nranges = 128M@0x8000000,128M@0x8000000\n'
bad "bad.conf:2: limit: '12Q' is not a size above 0" '[flag]\ncommand = nginx limit=12Q\n'
bad "bad.conf:2: limit: '0' is not a size above 0" '[flag]\ncommand = nginx limit=0\n'
bad "bad.conf:2: limit: '4097' is not a multiple of the page size (4096 bytes)" \
	'[flag]\ncommand = nginx limit=4097\n'
bad "bad.conf:2: command nginx: limit= is given twice" '[flag]\ncommand = nginx limit=1G limit=2G\n'
bad "bad.conf:2: command nginx: unknown option 'nomove'" '[flag]\ncommand = nginx nomove\n'
bad "bad.conf:2: scrub_interval_ms: '5' is not 0 (no patrol) or 10 to 3600000" \
	'[policy]\nscrub_interval_ms = 5\n'
bad "bad.conf:2: scrub_interval_ms: '5s' is not 0" '[policy]\nscrub_interval_ms = 5s\n'
bad "bad.conf:2: fallback: 'yes please' is not on or off" '[policy]\nfallback = yes please\n'
bad "bad.conf:2: mode: 'hardware' is not firmware or emulation" '[module]\nmode = hardware\n'
# Duplicates.
bad "bad.conf:5: duplicate entry: budget is set on line 2 already" \
	'[module]\nbudget = 50%%\n[policy]\n[module]\nbudget = 60%%\n'
bad "bad.conf:3: duplicate entry: unit nginx.service is named on line 2 already" \
	'[flag]\nunit = nginx\nunit = nginx.service limit=1G\n'
bad "bad.conf:3: duplicate entry: cgroup /critical.slice is named on line 2 already" \
	'[flag]\ncgroup = /critical.slice\ncgroup = /sys/fs/cgroup/critical.slice/\n'
bad "bad.conf:3: command nginx: process 420 (nginx) is named on line 2 too, with another limit" \
	'[flag]\nunit = nginx limit=1G\ncommand = nginx limit=2G\n'
# Modes that contradict the other keys.
bad "bad.conf:3: ranges: firmware mode (line 2) takes the ranges from the EFI memory map" \
	'[module]\nmode = firmware\nranges = 128M@0x8000000\n'
bad "bad.conf:2: mode = emulation needs ranges" '[module]\nmode = emulation\n'
bad "bad.conf:3: channel: the mirror channel is emulated, firmware mode (line 2) has none" \
	'[module]\nmode = firmware\nchannel = on\n'
bad "bad.conf:5: scrub_interval_ms: no mirror channel to scrub (channel = off, line 3)" \
	'[module]\nranges = 128M@0x8000000\nchannel = off\n[policy]\nscrub_interval_ms = 100\n'
# Units and cgroups that do not exist, or are not what was meant.
bad "bad.conf:2: unit nosuch.service: no such unit" '[flag]\nunit = nosuch\n'
bad "bad.conf:2: unit 'ssh.socket': only a .service, .scope or .slice has processes" \
	'[flag]\nunit = ssh.socket\n'
bad "bad.conf:2: unit 'getty@.service': a template, name one of its instances" \
	'[flag]\nunit = getty@.service\n'
bad "bad.conf:2: unit 'a/b': not a unit name" '[flag]\nunit = a/b\n'
bad "bad.conf:2: unit twice.service: two cgroups of that name (/a.slice/twice.service and /b.slice/twice.service)" \
	'[flag]\nunit = twice\n'
bad "bad.conf:2: unit init.scope: process 1 (systemd) is init, which is never flagged" \
	'[flag]\nunit = init.scope\n'
bad "bad.conf:2: cgroup /nosuch.slice: no such cgroup" '[flag]\ncgroup = /nosuch.slice\n'
bad "bad.conf:2: cgroup '/system.slice/../../etc': outside the cgroup hierarchy ('.' and '..' are not allowed)" \
	'[flag]\ncgroup = /system.slice/../../etc\n'
bad "bad.conf:2: cgroup '/sys/fs/cgroup/..': outside the cgroup hierarchy" \
	'[flag]\ncgroup = /sys/fs/cgroup/..\n'
bad "bad.conf:2: cgroup /escape: outside the cgroup hierarchy (it leads to /etc)" \
	'[flag]\ncgroup = /escape\n'
bad "bad.conf:2: cgroup '/': the root cgroup holds init and the kernel's threads" \
	'[flag]\ncgroup = /\n'
bad "bad.conf:2: cgroup 'system.slice': give its path from the hierarchy's root" \
	'[flag]\ncgroup = system.slice\n'
bad "bad.conf:2: cgroup '/system.slice//nginx.service': an empty path component" \
	'[flag]\ncgroup = /system.slice//nginx.service\n'
bad "bad.conf:2: cgroup /notagroup: not a cgroup (no cgroup.procs)" '[flag]\ncgroup = /notagroup\n'
# Commands and PID files.
bad "bad.conf:2: command 'a-name-of-16-byte': longer than the 15 bytes" \
	'[flag]\ncommand = a-name-of-16-byte\n'
bad "bad.conf:2: command systemd: process 1 (systemd) is init" '[flag]\ncommand = systemd\n'
bad "bad.conf:2: pidfile 'run/x.pid': not an absolute path" '[flag]\npidfile = run/x.pid\n'
bad "bad.conf:2: pidfile /run/garbage.pid: 'nginx' is not a process id" \
	'[flag]\npidfile = /run/garbage.pid\n'
bad "bad.conf:2: pidfile /run/kthread.pid names process 2 (kthreadd), a kernel thread" \
	'[flag]\npidfile = /run/kthread.pid\n'

# Several problems: all of them, each once, in line order; nothing else.
printf '[module]\nbudget = 0%%\nfoo = 1\n[flag]\nunit = nosuch\ncommand = redis-server\n' >many.conf
apply -c many.conf >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 1 ] && [ ! -s "$TMP/out" ] &&
	[ "$(cut -d: -f2,3 "$TMP/err" | tr '\n' ' ')" = " many.conf:2  many.conf:3 " ]; then
	pass "two problems of the file: both said, the targets not looked at ($(wc -l <"$TMP/err") lines)"
else
	fail "many problems: exit $rc, $(cat "$TMP/out" "$TMP/err")"
fi
sed -i '2d; 3d' many.conf
apply -c many.conf >"$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	grep -q 'many.conf:3: unit nosuch.service: no such unit' "$TMP/err" &&
	pass "a good file with one unit missing: nothing done, that line named" ||
	fail "one missing unit: $(cat "$TMP/out" "$TMP/err")"

# The file itself.
expect_fail 1 "nosuch.conf: No such file or directory" -- apply -c nosuch.conf
expect_fail 1 "$TMP: not a regular file" -- apply -c "$TMP"
printf '[policy]\nfallback = %5000s\n' on >long.conf
expect_fail 1 "long.conf:2: longer than 4096 bytes" -- apply -c long.conf
head -c 1100000 /dev/zero | tr '\0' '#' >big.conf
expect_fail 1 "big.conf: larger than 1048576 bytes" -- apply -c big.conf

# The command line.
expect_fail 2 "apply: --sysroot only with --dry-run" -- "$MIRRORCTL" --sysroot "$R" apply -c good.conf
expect_fail 2 "apply: -J does not apply" -- "$MIRRORCTL" -J apply -n -c good.conf
expect_fail 2 "apply: unexpected 'extra'" -- "$MIRRORCTL" apply -n extra
expect_fail 2 "apply: unknown option '--bogus'" -- "$MIRRORCTL" apply --bogus
expect_fail 2 "apply: missing the argument of option '--config'" -- "$MIRRORCTL" apply --config

# ---- mirrord: the same groups, followed --------------------------------------

# One scan over the tree: the unit and cgroup entries of the file (not its
# commands and PID files), then the records of 'mirrorctl set' in
# run/mirror/cgroups.d, a group the file names too followed as the file
# says, a group not there yet no problem.
MIRRORD=$top_builddir/cli/mirrord
mkdir -p "$R/run/mirror/cgroups.d"
printf '[flag]\ncgroup = /system.slice/ssh.service limit=1048576\n' \
	>"$R/run/mirror/cgroups.d/cgroup-system.slice-ssh.service.conf"
printf '[flag]\nunit = nginx.service limit=2097152\n' \
	>"$R/run/mirror/cgroups.d/unit-nginx.service.conf"
printf '[flag]\ncgroup = /later.slice\n' >"$R/run/mirror/cgroups.d/cgroup-later.slice.conf"
: >"$R/run/mirror/cgroups.d/.tmp-1"
mirrord() {
	"$MIRRORD" --sysroot "$R" --once --dry-run "$@"
}
golden mirrord-scan.txt mirrord --config good.conf
grep -q '^flag 421 (nginx): unit nginx.service, good.conf:19$' "$TMP/mirrord-scan.txt" &&
	! grep -q '^flag \(500\|600\|4242\|1\) ' "$TMP/mirrord-scan.txt" &&
	pass "mirrord: the file's groups first, no command, PID file, user unit or init" ||
	fail "mirrord's scan: $(cat "$TMP/mirrord-scan.txt")"
# A record that is not one: named, nothing followed.
printf '[flag]\ncommand = nginx\n' >"$R/run/mirror/cgroups.d/zz.conf"
expect_fail 1 "/run/mirror/cgroups.d/zz.conf: not a record of 'mirrorctl set'" -- mirrord --config good.conf
rm "$R/run/mirror/cgroups.d/zz.conf"
printf '[flag]\nunit = nginx\nunit = nginx\n' >dup.conf
expect_fail 1 "dup.conf:3: duplicate entry" -- mirrord --config dup.conf
# A mirror.conf without groups: only the records.
: >empty.conf
mirrord --config empty.conf >"$TMP/out" 2>"$TMP/err"
[ $? -eq 0 ] && [ ! -s "$TMP/err" ] && [ "$(grep -c '^flag ' "$TMP/out")" = 3 ] &&
	pass "mirrord without mirror.conf: the records' 3 processes" ||
	fail "mirrord without mirror.conf: $(cat "$TMP/out" "$TMP/err")"
expect_fail 1 "nosuch.conf: No such file or directory" -- mirrord --config nosuch.conf
expect_fail 2 "--sysroot only with --dry-run" -- "$MIRRORD" --sysroot "$R" --once
expect_fail 2 "--dry-run only with --once" -- "$MIRRORD" --sysroot "$R" --dry-run
expect_fail 2 "--interval: '0' is not 0.01 to 3600 seconds" -- "$MIRRORD" --interval 0
expect_fail 2 "unknown option '--bogus'" -- "$MIRRORD" --bogus
expect_fail 2 "unexpected 'extra'" -- "$MIRRORD" extra
# mirrorctl's side of the same groups: checked as mirror.conf's entries.
expect_fail 2 "--cgroup: cgroup 'system.slice': give its path from the hierarchy's root" -- \
	"$MIRRORCTL" set --cgroup system.slice
expect_fail 2 "--unit: unit 'ssh.socket': only a .service, .scope or .slice" -- \
	"$MIRRORCTL" set --unit ssh.socket
expect_fail 2 "--cgroup: cgroup 'a b': not a cgroup name" -- "$MIRRORCTL" set --cgroup 'a b'
expect_fail 2 "set: --sysroot does not apply to --cgroup" -- "$MIRRORCTL" --sysroot "$R" set --cgroup /critical.slice
expect_fail 2 "set: PIDs or --unit, not both" -- "$MIRRORCTL" set --unit nginx 42
expect_fail 2 "set: --no-move is for PIDs" -- "$MIRRORCTL" set --no-move --cgroup /x
expect_fail 2 "set: give one --cgroup or --unit" -- "$MIRRORCTL" set --cgroup /x --unit y
expect_fail 2 "show: --unit names one group" -- "$MIRRORCTL" show --unit nginx 42

# ---- the documentation ------------------------------------------------------

# The keys of each section in mirror.conf.5 are the parser's (its message
# for an unknown key lists them).
for sec in module policy flag; do
	printf '[%s]\nnokey = 1\n' "$sec" >keys.conf
	apply -c keys.conf 2>&1 | sed -n 's/.*(\(.*\))$/\1/p' | tr -d ',' |
		tr ' ' '\n' | sort >"$TMP/parser-keys"
	sed -n "/^\\.SH \\[$sec\\]/,/^\\.SH /p" "$MAN" | grep -A1 '^\.TP' |
		sed -n 's/^\.B[IR]\{0,1\} \([a-z_]*\).*/\1/p' | sort -u >"$TMP/man-keys"
	if [ -s "$TMP/parser-keys" ] && diff -u "$TMP/parser-keys" "$TMP/man-keys"; then
		pass "mirror.conf.5 [$sec]: $(tr '\n' ' ' <"$TMP/man-keys")"
	else
		fail "[$sec]: the keys of the parser (-) and of mirror.conf.5 (+) differ"
	fi
done
check_man_renders "$MAN"
# mirrord(8) against mirrord --help.
"$MIRRORD" --help >"$TMP/help" || fail "mirrord --help failed"
check_man_opts "$TMP/help" "$top_srcdir/man/mirrord.8" options SYNOPSIS OPTIONS
check_man_renders "$top_srcdir/man/mirrord.8"
# The man page's example files apply to a machine that has what they name.
group /system.slice/postgresql@15-main.service 310 311
proc 801 haproxy
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$MAN" | awk '
	/^\.EX/ { n++; out = sprintf("example%d.conf", n); next }
	/^\.EE/ { out = ""; next }
	out != "" { gsub(/\\-/, "-"); print > out }'
for ex in example1.conf example2.conf; do
	if apply -c "$ex" >"$TMP/out" 2>"$TMP/err" && [ ! -s "$TMP/err" ] &&
	    grep -q '^flag ' "$TMP/out"; then
		pass "mirror.conf.5's $ex: $(grep -c '^flag' "$TMP/out") processes, $(head -n 1 "$TMP/out")"
	else
		fail "mirror.conf.5's $ex: $(cat "$TMP/err")"
	fi
done
grep -q '^ExecStartPost=-+/usr/bin/mirrorctl apply$' example3.conf ||
	fail "mirror.conf.5's drop-in example: $(cat example3.conf)"
# contrib/mirror.conf: all comments; uncommented, every key is known.
apply -c "$top_srcdir/contrib/mirror.conf" >"$TMP/out" 2>"$TMP/err" &&
	[ "$(cat "$TMP/out")" = "load mirror.ko" ] && [ ! -s "$TMP/err" ] &&
	pass "contrib/mirror.conf as installed: only loads the module" ||
	fail "contrib/mirror.conf: $(cat "$TMP/out" "$TMP/err")"
sed 's/^#\([a-z_]* = \)/\1/; /^mode = firmware/d' "$top_srcdir/contrib/mirror.conf" >uncommented.conf
apply -c uncommented.conf >"$TMP/out" 2>"$TMP/err"
if grep -q '^#[a-z_]* =' uncommented.conf; then
	fail "contrib/mirror.conf: lines left commented: $(grep '^#[a-z_]* =' uncommented.conf)"
elif grep -q "unknown\|duplicate\|not on or off\|is not \|outside a section\|a section is" "$TMP/err"; then
	fail "contrib/mirror.conf uncommented: $(cat "$TMP/err")"
else
	pass "contrib/mirror.conf uncommented: every key known, every value good ($(wc -l <"$TMP/err") lines about what this tree lacks)"
fi

finish
