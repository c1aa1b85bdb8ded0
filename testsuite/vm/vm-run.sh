#!/bin/sh
# Boot the test machine (QEMU, TCG, 4 NUMA nodes) and run scripts in it.
#
# usage: vm-run.sh [OPTION...] [TEST...]    run tests, report TAP
#        vm-run.sh [OPTION...] --script FILE run FILE, stream its output
#        vm-run.sh [OPTION...] --shell       an interactive shell
#        vm-run.sh --check                  can the machine boot here?
#
# TEST is a script of testsuite/vm/tests, by name (00-sanity or
# 00-sanity.sh) or shell pattern ('1*'); none means all of them, in order.
#
# Options:
#   --script FILE        copy FILE to /vm/run in the machine and run it there;
#                        its output streams to stdout, its status is ours
#   --file FILE          also copy FILE to /vm/run (repeatable; scripts run
#                        in /vm/run)
#   --env NAME=VALUE     export NAME in the machine (repeatable)
#   --append ARGS        extra kernel command line
#   --test-timeout SECS  default limit per script (300; a script can say
#                        '# vm-timeout: SECS' in its first lines)
#   --timeout SECS       limit per boot, QEMU is killed after it (3600)
#   --log FILE           keep the console log there (default
#                        BUILD/testsuite/vm-build/console.log)
#   --stream             also copy the console to stderr while tests run
#   --max-boots N        boots for one run: after a script crashes the
#                        kernel, the rest run on a fresh machine (3)
#   --tests-dir DIR      take the TEST scripts from DIR instead
#   --no-build           reuse the initramfs of the last run
#   --builddir DIR       the build tree (default $top_builddir, else the
#                        source tree)
#   --kernel-release KVER  the kernel to boot (default $KERNEL_RELEASE,
#                        else what configure recorded)
#   --kernel-flavour debug|rt  boot another kernel, with mirror.ko built
#                        for it (vm-kernel.sh makes both, or takes them from
#                        its cache).  debug: linux-source-6.1 built with
#                        KASAN, lockdep, mm debug checks and kmemleak, booted
#                        with VM_DEBUG_CMDLINE (vm-config.sh); the scripts
#                        of debug-checks/ run first (the boot's kernel log)
#                        and last (a kmemleak scan); time limits x4.
#                        rt: Debian's PREEMPT_RT kernel
#   --debug-kernel       --kernel-flavour debug
#   --firmware, --efi    boot through UEFI firmware (OVMF, VM_OVMF in
#                        vm-config.sh) instead of SeaBIOS: the kernel starts
#                        from its EFI stub and has an EFI memory map, where
#                        efi_fake_mem= (VM_FIRMWARE_CMDLINE, unless --append
#                        gives its own) marks ranges mirrored
#                        (MORE_RELIABLE) for mirror.ko's firmware mode.
#                        Needs a kernel with CONFIG_EFI_FAKE_MEMMAP (the
#                        debug flavour); the runs keep their files in
#                        .../firmware/ of the flavour's build directory
#   --timeout-scale N    multiply every time limit (each script's and the
#                        boot's) by N (1)
#
# A kernelcore= in --append replaces the machine's own (VM_KERNELCORE_CMDLINE),
# e.g. --append kernelcore=mirror.
#
# MIRROR_STRESS_SECONDS, MIRROR_STRESS_SEED, MIRROR_STRESS_CYCLE,
# MIRROR_STRESS_OPS, MIRROR_STRESS_NO, MIRROR_SOAK_ROUNDS and
# MIRROR_SOAK_TIMEOUT, when set in the environment,
# reach the scripts as if given with --env (tests/96-stress.sh: its
# duration, its seed, its module cycle, what it leaves out).
#
# Exit status: 0 all passed or skipped, 1 something failed, 77 this host
# cannot run the machine (with CI=true: 1), 99 the harness failed (also:
# the console could not be streamed in full).
# With CI=true a script that skips inside the machine is reported as
# failed: CI must exercise everything.

me=vm-run.sh
vmdir=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$vmdir/../.." && pwd)
builddir=${top_builddir:-$srcdir}
kver=${KERNEL_RELEASE:-}
mode=tests
script=
files=
envs=
append=
test_timeout=300
timeout=3600
log=
stream=
max_boots=3
build=yes
check_only=
tests=
testsdir=
flavour=
scale=
kernel=
firmware=

die() { echo "$me: $*" >&2; exit 99; }

while [ $# -gt 0 ]; do
	case $1 in
	--script) mode=script; script=$2; shift 2 ;;
	--file) files="$files
$2"; shift 2 ;;
	--env) envs="$envs
$2"; shift 2 ;;
	--shell) mode=shell; shift ;;
	--check) check_only=yes; shift ;;
	--append) append="$append $2"; shift 2 ;;
	--test-timeout) test_timeout=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--stream) stream=yes; shift ;;
	--max-boots) max_boots=$2; shift 2 ;;
	--tests-dir) testsdir=$2; shift 2 ;;
	--no-build) build=; shift ;;
	--builddir) builddir=$2; shift 2 ;;
	--kernel-release) kver=$2; shift 2 ;;
	--kernel-flavour) flavour=$2; shift 2 ;;
	--debug-kernel) flavour=debug; shift ;;
	--firmware|--efi) firmware=yes; shift ;;
	--timeout-scale) scale=$2; shift 2 ;;
	-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) tests="$tests $1"; shift ;;
	esac
done
for v in MIRROR_STRESS_SECONDS MIRROR_STRESS_SEED MIRROR_STRESS_CYCLE \
	MIRROR_STRESS_OPS MIRROR_STRESS_NO MIRROR_SOAK_ROUNDS MIRROR_SOAK_TIMEOUT; do
	eval "val=\${$v:-}"
	[ -n "$val" ] && envs="$envs
$v=$val"
done
case $flavour in
''|debug|rt) ;;
*) die "unknown kernel flavour '$flavour' (debug or rt)" ;;
esac
[ -n "$scale" ] || { scale=1; [ "$flavour" = debug ] && scale=4; }
for n in "$test_timeout" "$timeout" "$max_boots" "$scale"; do
	case $n in
	''|*[!0-9]*) die "'$n' is not a number of seconds/boots" ;;
	esac
done
timeout=$((timeout * scale))

builddir=$(cd "$builddir" 2>/dev/null && pwd) || die "no build tree '$builddir'"
if [ -n "$testsdir" ]; then
	testsdir=$(cd "$testsdir" 2>/dev/null && pwd) || die "no directory '$testsdir'"
fi
out=$builddir/testsuite/vm-build
# The debug kernel keeps more at the top of node 0 (vm-config.sh): KASAN's
# shadow of all memory, an eighth of it.  With bigger nodes
# (MIRROR_VM_NODE_MB) node 0 gets a node's size, that shadow and 256 MiB:
# N0 = M + (N0 + 3 M) / 8 + 256, so N0 = (11 M + 2048) / 7.
if [ "$flavour" = debug ] && [ -z "${MIRROR_VM_NODE0_MB:-}" ]; then
	if [ -n "${MIRROR_VM_NODE_MB:-}" ]; then
		MIRROR_VM_NODE0_MB=$(( (11 * MIRROR_VM_NODE_MB + 2048) / 7 ))
	else
		MIRROR_VM_NODE0_MB=768
	fi
	export MIRROR_VM_NODE0_MB
fi
. "$vmdir/vm-config.sh"

# The kernel: the installed one (its modules in /lib/modules, mirror.ko
# from the build tree), or another flavour with its own of both.
modroot=
kodir=
if [ -n "$flavour" ]; then
	kdir=$(sh "$vmdir/vm-kernel.sh" --flavour "$flavour" --builddir "$builddir" \
		--srcdir "$srcdir")
	case $? in
	0) ;;
	77) [ "${CI:-}" = true ] && exit 1; exit 77 ;;
	*) die "getting the $flavour kernel failed" ;;
	esac
	kver=$(cat "$kdir/kernel.release") || die "no kernel release in $kdir"
	kernel=$kdir/bzImage
	modroot=$kdir/modroot
	kodir=$kdir/mirror
	out=$out/$flavour
	[ "$flavour" = debug ] && append="$append $VM_DEBUG_CMDLINE"
fi
# UEFI firmware: its own build directory (the runs beside it without
# firmware keep theirs), the mirrored ranges on the command line.
if [ -n "$firmware" ]; then
	out=$out/firmware
	case " $append " in
	*" efi_fake_mem="*) ;;
	*) append="$append $VM_FIRMWARE_CMDLINE" ;;
	esac
fi
# A kernelcore= of the caller's replaces the machine's: two of them would
# both take effect (kernelcore=mirror wins over a size, silently).
case " $append " in
*" kernelcore="*) VM_CMDLINE=$(printf '%s\n' "$VM_CMDLINE" | sed 's/ kernelcore=[^ ]*//g') ;;
esac
log=${log:-$out/console.log}

if [ -z "$kver" ] && [ -f "$builddir/testsuite/Makefile" ]; then
	kver=$(sed -n 's/^KERNEL_RELEASE = //p' "$builddir/testsuite/Makefile")
fi
if [ -z "$kver" ]; then
	# Not configured for a kernel: the newest one installed.
	kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
qemu=${QEMU:-$(command -v qemu-system-x86_64)}
kernel=${kernel:-/boot/vmlinuz-$kver}

# ---- can this host run the machine? --------------------------------------
missing()
{
	[ -n "$qemu" ] && [ -x "$qemu" ] ||
		{ echo "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"; return; }
	[ -n "$kver" ] ||
		{ echo "no kernel release known (configure without --disable-module, or set KERNEL_RELEASE)"; return; }
	[ -r "$kernel" ] ||
		{ echo "$kernel is missing or unreadable (apt-get install linux-image-$kver)"; return; }
	[ -d "$modroot/lib/modules/$kver/kernel" ] ||
		{ echo "$modroot/lib/modules/$kver has no modules (apt-get install linux-image-$kver)"; return; }
	{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } ||
		{ echo "no static /bin/busybox (apt-get install busybox-static)"; return; }
	command -v cpio >/dev/null || { echo "cpio not found (apt-get install cpio)"; return; }
	[ -z "$firmware" ] || [ -r "$VM_OVMF" ] ||
		{ echo "no UEFI firmware $VM_OVMF (apt-get install ovmf)"; return; }
}
why=$(missing)
if [ -n "$why" ]; then
	echo "$me: cannot run the test machine: $why" >&2
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
[ -n "$check_only" ] && exit 0

# ---- what to run -----------------------------------------------------------
list=
if [ "$mode" = tests ]; then
	[ -n "$tests" ] || tests='*'
	set -f
	for t in $tests; do
		set +f
		t=${t##*/}
		found=
		for f in "${testsdir:-$vmdir/tests}"/$t "${testsdir:-$vmdir/tests}"/$t.sh; do
			case $f in *.sh) ;; *) continue ;; esac
			[ -f "$f" ] || continue
			case " $list " in *" ${f##*/} "*) ;; *) list="$list ${f##*/}" ;; esac
			found=yes
		done
		[ -n "$found" ] || die "no test '$t' in ${testsdir:-$vmdir/tests}"
		set -f
	done
	set +f
	list=${list# }
	if [ "$flavour" = debug ]; then
		# The kernel log of the boot first, the kmemleak scan last;
		# they run from a copy of the tests with the debug checks added.
		d=$out/tests
		rm -rf "$d" && mkdir -p "$d" &&
			cp -R "${testsdir:-$vmdir/tests}/." "$vmdir"/debug-checks/*.sh "$d/" ||
			die "cannot set up $d"
		testsdir=$d
		list="$(cd "$vmdir/debug-checks" && ls debug-boot*.sh) $list"
		list="$list $(cd "$vmdir/debug-checks" && ls debug-*.sh | grep -v '^debug-boot')"
	fi
elif [ "$mode" = script ]; then
	[ -f "$script" ] || die "no script '$script'"
fi

# ---- build ---------------------------------------------------------------
mkdir -p "$out" || die "cannot create $out"
if [ -n "$build" ] || [ ! -f "$out/base.cpio.gz" ]; then
	# One build at a time per build tree (make check beside make vm-test);
	# a finished base.cpio.gz is replaced atomically, so boots need no lock.
	lock=
	command -v flock >/dev/null && lock="flock $out/.lock"
	$lock sh "$vmdir/mkinitramfs.sh" --srcdir "$srcdir" --builddir "$builddir" \
		--out "$out" --kernel-release "$kver" \
		${modroot:+--modroot "$modroot"} ${kodir:+--module-dir "$kodir"} ||
		die "building the initramfs failed"
fi

work=$(mktemp -d "$out/run.XXXXXX") || die "mktemp failed"
qpid=
stream_failed=
cleanup()
{
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# make_image PLAN-FILE-CONTENT: the base initramfs plus this run's plan
make_image()
{
	rm -rf "$work/extra"
	mkdir -p "$work/extra/vm/run"
	printf '%s\n' "$1" >"$work/extra/vm/plan"
	if [ -n "$envs" ]; then
		printf '%s\n' "$envs" | while IFS= read -r e; do
			[ -n "$e" ] || continue
			case $e in
			[A-Za-z_]*=*) ;;
			*) echo "$me: --env '$e' is not NAME=VALUE" >&2; exit 1 ;;
			esac
			printf "export %s='%s'\n" "${e%%=*}" \
				"$(printf '%s' "${e#*=}" | sed "s/'/'\\\\''/g")"
		done >>"$work/extra/vm/plan" || exit 99
	fi
	if [ -n "$script" ]; then
		cp "$script" "$work/extra/vm/run/" || exit 99
	fi
	if [ -n "$testsdir" ]; then
		mkdir -p "$work/extra/vm/tests"
		cp -R "$testsdir/." "$work/extra/vm/tests/" || exit 99
	fi
	printf '%s\n' "$files" | while IFS= read -r f; do
		[ -n "$f" ] || continue
		cp -R "$f" "$work/extra/vm/run/" || exit 1
	done || die "copying --file failed"
	(cd "$work/extra" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$work/extra.cpio.gz" || die "packing the run archive failed"
	cat "$out/base.cpio.gz" "$work/extra.cpio.gz" >"$work/initrd.img"
}

qemu_args()
{
	set -- -accel tcg -nographic -no-reboot -nic none \
		-m "$((VM_NODE0_MB + (VM_NODES - 1) * VM_NODE_MB))M" \
		-smp "$VM_NODES,sockets=$VM_NODES,cores=1,threads=1"
	[ -n "$firmware" ] && set -- "$@" -bios "$VM_OVMF"
	n=0
	while [ "$n" -lt "$VM_NODES" ]; do
		set -- "$@" -object "memory-backend-ram,id=mem$n,size=$(vm_node_mb $n)M" \
			-numa "node,nodeid=$n,cpus=$n,memdev=mem$n"
		n=$((n + 1))
	done
	src=0
	echo "$VM_DISTANCES" | {
		while read -r row; do
			dst=0
			for d in $row; do
				[ "$dst" -gt "$src" ] && printf '%s\n' -numa "dist,src=$src,dst=$dst,val=$d"
				dst=$((dst + 1))
			done
			src=$((src + 1))
		done
	} >"$work/dist"
	while read -r a; do
		set -- "$@" "$a"
	done <"$work/dist"
	set -- "$@" -kernel "$kernel" -initrd "$work/initrd.img" \
		-append "$VM_CMDLINE$append"
	for a in "$@"; do
		printf '%s\n' "$a"
	done
}

# watchdog QEMU-PID: kill the machine $timeout seconds after its start
# ($t0), or after $idle seconds without console output; checks once a
# second.  Runs in the background, so that boot() notices the machine's end
# at once.
watchdog()
{
	last=$t0
	lastsize=0
	while kill -0 "$1" 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		size=$(wc -c <"$work/raw")
		if [ "$size" != "$lastsize" ]; then
			lastsize=$size
			last=$now
		fi
		why=
		if [ $((now - t0)) -ge "$timeout" ]; then
			why="the machine ran for ${timeout}s"
		elif [ $((now - last)) -ge "$idle" ]; then
			why="no console output for ${idle}s"
		fi
		if [ -n "$why" ]; then
			echo "$me: $why: killed" | tee -a "$work/raw" >&2
			kill "$1" 2>/dev/null
			return
		fi
	done
}

# boot LOG: run the machine until it powers off, its console going to LOG.
boot()
{
	dest=$1
	qemu_args >"$work/args"
	set --
	while IFS= read -r a; do
		set -- "$@" "$a"
	done <"$work/args"
	# The console file exists before QEMU and the streamer start: a tail
	# that opens a missing file gives up and streams nothing.  Either end
	# of the streamer failing is written down and fails the run.
	: >"$work/raw"
	rm -f "$work/streamfail"
	t0=$(date +%s)
	"$qemu" "$@" </dev/null >>"$work/raw" 2>&1 &
	qpid=$!
	if [ -n "$streamer" ]; then
		# -s: how soon after the machine's end tail notices it
		{ tail -s 0.2 -n +1 -f --pid="$qpid" "$work/raw" ||
			echo "tail exited $?" >>"$work/streamfail"; } |
			{ eval "$streamer" ||
				echo "the streamer exited $?" >>"$work/streamfail"; } &
	fi
	watchdog "$qpid" &
	wpid=$!
	wait "$qpid"
	qrc=$?
	qpid=
	kill "$wpid" 2>/dev/null
	wait
	booted_in=$(($(date +%s) - t0))
	tr -d '\r' <"$work/raw" >"$dest"
	rm -f "$work/raw"
	if [ -s "$work/streamfail" ]; then
		echo "$me: streaming the console failed ($(awk 'NR > 1 { printf ", " } { printf "%s", $0 }' "$work/streamfail")); console log: $log" >&2
		stream_failed=yes
	fi
	return "$qrc"
}

# ---- shell ------------------------------------------------------------
if [ "$mode" = shell ]; then
	make_image "VMTEST_MODE=shell"
	qemu_args >"$work/args"
	set --
	while IFS= read -r a; do
		set -- "$@" "$a"
	done <"$work/args"
	echo "$me: booting; leave with 'poweroff -f' (Ctrl-A X kills QEMU)" >&2
	"$qemu" "$@"
	exit $?
fi

# Longest limit of a script, plus boot and slack: silence longer than this
# means the kernel is stuck.
idle=$((test_timeout * scale + 60))
for f in $list ${script:+"$script"}; do
	case $f in /*|*/*) p=$f ;; *) p=${testsdir:-$vmdir/tests}/$f ;; esac
	t=$(sed -n 's/^# *vm-timeout: *\([0-9][0-9]*\).*/\1/p' "$p" | head -n 1)
	v=$(sed -n 's/^# *vm-timeout-add: *\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$p" | head -n 1)
	[ -n "$v" ] && eval "add=\${$v:-}" && case $add in
		''|*[!0-9]*) ;;
		*) t=$((${t:-$test_timeout} + add)) ;;
		esac
	[ -n "$t" ] && [ $((t * scale + 60)) -gt "$idle" ] && idle=$((t * scale + 60))
done

# section LOG NAME: the lines a script printed, between its markers
section()
{
	awk -v n="$2" '
		index($0, "@@VMTEST-END " n " ") { on = 0 }
		on && !/@@VMTEST-/ { print }
		index($0, "@@VMTEST-BEGIN " n "@@") { on = 1 }' "$1"
}

# ---- one script, streamed ----------------------------------------------
# mawk reads a pipe in blocks unless told otherwise.
awk_interactive=
awk -W version 2>&1 | grep -q mawk && awk_interactive="-W interactive"
if [ "$mode" = script ]; then
	name=$(basename "$script")
	make_image "VMTEST_MODE=script
VMTEST_SCRIPT='$name'
VMTEST_TIMEOUT=$test_timeout
VMTEST_TIMEOUT_SCALE=$scale"
	# Only what the script prints, as it prints it; the count of lines
	# streamed is checked against the console log below.
	streamer="awk $awk_interactive -v n=$name -v cnt=\"\$work/streamed\" '
		{ sub(/\r\$/, \"\") }
		index(\$0, \"@@VMTEST-END \" n \" \") { on = 0 }
		on && !/@@VMTEST-/ { print; fflush(); p++ }
		index(\$0, \"@@VMTEST-BEGIN \" n \"@@\") { on = 1 }
		END { print p + 0 >cnt }'"
	# The log is shared by every run in this build tree (make check
	# beside make demo): this run reads its own copy of the console.
	boot "$work/console"
	cat "$work/console" >"$log"
	rc=$(sed -n "s/.*@@VMTEST-END $name \([0-9]*\) .*/\1/p" "$work/console" | tail -n 1)
	if [ -z "$rc" ]; then
		echo "$me: the machine stopped before $name finished; console log: $log" >&2
		tail -n 30 "$work/console" >&2
		exit 99
	fi
	if grep -q "@@VMTEST-KERNEL $name " "$work/console"; then
		echo "$me: the kernel reported a problem while $name ran; console log: $log" >&2
		[ "$rc" -eq 0 ] && rc=1
	fi
	want=$(section "$work/console" "$name" | wc -l)
	got=$(cat "$work/streamed" 2>/dev/null)
	if [ -z "$stream_failed" ] && [ "$got" != "$want" ]; then
		echo "$me: streamed ${got:-no} of the $want lines $name printed; console log: $log" >&2
		stream_failed=yes
	fi
	[ -n "$stream_failed" ] && exit 99
	exit "$rc"
fi

# ---- tests, reported as TAP ---------------------------------------------
streamer=
[ -n "$stream" ] && streamer="cat >&2"
total=$(echo $list | wc -w)
echo "1..$total"
echo "# kernel $kver, $VM_NODES nodes x ${VM_NODE_MB} MiB (node 0 $VM_NODE0_MB MiB), QEMU TCG; console log: $log"
: >"$log"
remaining=$list
num=0
failed=0
boots=0
while [ -n "$remaining" ]; do
	boots=$((boots + 1))
	make_image "VMTEST_MODE=tests
VMTEST_LIST='$remaining'
VMTEST_TIMEOUT=$test_timeout
VMTEST_TIMEOUT_SCALE=$scale"
	boot "$work/console"
	qrc=$?
	cat "$work/console" >>"$log"
	booted=$(sed -n 's/.*@@VMTEST-BOOTED \([0-9.]*\)@@.*/\1/p' "$work/console" | head -n 1)
	echo "# boot $boots: QEMU ran ${booted_in}s (exit $qrc), /init started ${booted:-never} s after kernel start"
	if [ -z "$booted" ]; then
		echo "# the machine did not boot; the end of its console:"
		tail -n 30 "$work/console" | sed 's/^/#   /'
	fi

	next=
	for name in $remaining; do
		if ! grep -q "@@VMTEST-BEGIN $name@@" "$work/console"; then
			next="$next $name"
			continue
		fi
		num=$((num + 1))
		section "$work/console" "$name" | sed 's/^/# | /'
		rc=$(sed -n "s/.*@@VMTEST-END $name \([0-9]*\) .*/\1/p" "$work/console" | tail -n 1)
		secs=$(sed -n "s/.*@@VMTEST-END $name [0-9]* \([0-9.]*\)@@.*/\1/p" "$work/console" | tail -n 1)
		[ -n "$secs" ] && echo "# $name ran ${secs}s"
		ktrouble=$(sed -n "s/.*@@VMTEST-KERNEL $name \(.*\)@@.*/\1/p" "$work/console" | tail -n 1)
		if [ -z "$rc" ]; then
			echo "not ok $num - $name (the machine stopped while it ran: crash or hang)"
			failed=$((failed + 1))
		elif [ -n "$ktrouble" ]; then
			echo "not ok $num - $name (exit $rc; kernel: $ktrouble)"
			failed=$((failed + 1))
		elif [ "$rc" -eq 0 ]; then
			echo "ok $num - $name"
		elif [ "$rc" -eq 77 ]; then
			why=$(section "$work/console" "$name" | sed -n 's/^SKIP: //p' | tail -n 1)
			if [ "${CI:-}" = true ]; then
				echo "not ok $num - $name (skipped, which CI=true forbids: ${why:-no reason given})"
				failed=$((failed + 1))
			else
				echo "ok $num - $name # SKIP ${why:-no reason given}"
			fi
		elif [ "$rc" -eq 124 ]; then
			echo "not ok $num - $name (timed out)"
			failed=$((failed + 1))
		else
			echo "not ok $num - $name (exit $rc)"
			failed=$((failed + 1))
		fi
	done
	remaining=${next# }
	[ -z "$remaining" ] && break
	if [ -z "$booted" ] || [ "$boots" -ge "$max_boots" ]; then
		for name in $remaining; do
			num=$((num + 1))
			echo "not ok $num - $name (not run: the machine failed $boots time(s))"
			failed=$((failed + 1))
		done
		break
	fi
	echo "# booting a fresh machine for: $remaining"
done

[ -n "$stream_failed" ] && exit 99
[ "$failed" -eq 0 ] || exit 1
exit 0
