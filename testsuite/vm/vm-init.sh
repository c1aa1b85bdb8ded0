#!/bin/busybox sh
# /init of the test machine's initramfs (copied there by mkinitramfs.sh).
#
# Mounts the pseudo file systems, then reads /vm/plan (written by vm-run.sh
# for each boot) and either runs test scripts one by one, runs one given
# script, or starts a shell.  Every script's start and end is framed on the
# console by markers that vm-run.sh parses:
#
#   @@VMTEST-BEGIN <name>@@
#   ... the script's output (stdout and stderr) ...
#   @@VMTEST-END <name> <rc> <secs>@@   rc: exit status, 124 = timed out
#   @@VMTEST-KERNEL <name> <what>@@     the kernel logged an oops, BUG or
#                                        WARNING while the script ran
#   @@VMTEST-DONE@@                     every planned script has run
#
# After a script that oopsed the kernel, the machine powers off at once:
# the state is no longer trustworthy, and vm-run.sh boots a fresh machine for
# the scripts that are left.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s

export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
export HOME=/root
export LD_LIBRARY_PATH=/usr/lib/mirror-vm

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm /root
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ln -sf /proc/self/fd /dev/fd 2>/dev/null
hostname mirror-vm

# Only warnings and worse from the kernel reach the console.
echo 4 >/proc/sys/kernel/printk 2>/dev/null

. /vm/env
[ -f /vm/plan ] && . /vm/plan
# Scripts that assert how fast something ran scale it by the factor the
# time limits have (4 on the debug kernel).
export VMTEST_TIMEOUT_SCALE=${VMTEST_TIMEOUT_SCALE:-1}

kernel_trouble()
{
	# Prints the first line that shows the kernel went wrong, if any.
	grep -m1 -E "$MIRROR_VM_KERNEL_TROUBLE" "$1"
}

run_one()
{
	# $1: path of the script, $2: name shown in the markers
	script=$1
	name=$2
	tmo=${VMTEST_TIMEOUT:-300}
	t=$(sed -n 's/^# *vm-timeout: *\([0-9][0-9]*\).*/\1/p' "$script" | head -n 1)
	[ -n "$t" ] && tmo=$t
	# '# vm-timeout-add: VAR': the script runs for $VAR seconds more
	# when its environment sets VAR (e.g. 96-stress.sh's duration).
	v=$(sed -n 's/^# *vm-timeout-add: *\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$script" | head -n 1)
	if [ -n "$v" ]; then
		eval "t=\${$v:-}"
		case $t in
		''|*[!0-9]*) ;;
		*) tmo=$((tmo + t)) ;;
		esac
	fi
	tmo=$((tmo * ${VMTEST_TIMEOUT_SCALE:-1}))

	export VMTEST_NAME=$name
	export VMTEST_TMP=/tmp/vmtest/$name
	rm -rf "$VMTEST_TMP"
	mkdir -p "$VMTEST_TMP"
	dmesg -c >/dev/null

	echo "@@VMTEST-BEGIN $name@@"
	start=$(cut -d' ' -f1 /proc/uptime)
	(cd "$(dirname "$script")" && exec timeout -s KILL "$tmo" sh "$script") \
		</dev/null 2>&1
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	# busybox timeout's SIGKILL shows as 128+9; 124 is what we report.
	if [ "$rc" -eq 137 ] && [ "${end%.*}" -ge $((${start%.*} + tmo)) ]; then
		rc=124
		echo "vm-init: $name timed out after ${tmo}s"
	fi

	dmesg >"$VMTEST_TMP/.dmesg"
	what=$(kernel_trouble "$VMTEST_TMP/.dmesg")
	if [ -n "$what" ] && [ ! -e "$VMTEST_TMP/.allow-kernel-warnings" ]; then
		echo "vm-init: kernel log while $name ran:"
		sed 's/^/vm-init: | /' "$VMTEST_TMP/.dmesg"
		echo "@@VMTEST-KERNEL $name $what@@"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -s "$VMTEST_TMP/.dmesg" ]; then
		echo "vm-init: kernel log while $name ran:"
		sed 's/^/vm-init: | /' "$VMTEST_TMP/.dmesg"
	fi
	echo "@@VMTEST-END $name $rc $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')@@"

	# An oops leaves locks held and memory in an unknown state.
	if echo "$what" | grep -q -E 'Oops|BUG|general protection|panic|corruption|Bad page'; then
		echo "vm-init: the kernel is damaged; powering off"
		sync
		poweroff -f
	fi
}

echo "@@VMTEST-BOOTED $(cut -d' ' -f1 /proc/uptime)@@"
# The kernel log of the boot, before run_one clears it for the first script
# (debug-checks/debug-boot.sh reads it).
dmesg >/run/boot.dmesg

case ${VMTEST_MODE:-shell} in
tests)
	for name in $VMTEST_LIST; do
		run_one "/vm/tests/$name" "$name"
	done
	echo "@@VMTEST-DONE@@"
	;;
script)
	run_one "/vm/run/$VMTEST_SCRIPT" "$VMTEST_SCRIPT"
	echo "@@VMTEST-DONE@@"
	;;
shell)
	echo "mirror test machine: busybox shell; 'poweroff -f' (or Ctrl-D) ends it."
	echo "Tests are in /vm/tests, the shell library is /vm/lib.sh."
	setsid cttyhack sh -l
	;;
esac

sync
poweroff -f
