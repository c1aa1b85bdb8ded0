#!/bin/sh
# vm-run.sh --script streams the script's output as it runs (make demo
# relies on it).  Its console streamer once raced with QEMU's start: when it
# opened the console file before the shell had created it, it gave up, and
# the run printed nothing yet reported success.
#
# With every host CPU kept busy by a loop, this runs a one-line script
# VM_STREAM_RUNS times in a row (default 50) and checks that each run exits
# 0 and streams that run's marker line.  On a host so loaded that the runs
# take longer than VM_STREAM_SECONDS (default 900; about 500 s for 50 runs
# on an otherwise idle 2-CPU machine), it starts no further run once that
# time is spent and at least 10 runs are done, and says how many it made:
# a machine at load 15-20 once took 3210 s for the 50, most of a CI run.
# First, a streamer that cannot follow the console (a tail that fails as
# the racing one did) must fail the run with exit 99 and say so.
#
# Skips (77) when this host cannot boot the machine; with CI=true that is a
# failure.

vmdir=$(cd "$(dirname "$0")" && pwd)
builddir=${top_builddir:-$(cd "$vmdir/../.." && pwd)}
runs=${VM_STREAM_RUNS:-50}
case $runs in
''|*[!0-9]*|0) echo "vm-stream: VM_STREAM_RUNS='$runs' is not a positive number" >&2; exit 99 ;;
esac
budget=${VM_STREAM_SECONDS:-900}
case $budget in
''|*[!0-9]*) echo "vm-stream: VM_STREAM_SECONDS='$budget' is not a number of seconds" >&2; exit 99 ;;
esac
min_runs=10
[ "$runs" -lt "$min_runs" ] && min_runs=$runs

why=$(sh "$vmdir/vm-run.sh" --check 2>&1)
case $? in
0) ;;
1|77)
	if [ "${CI:-}" = true ]; then
		echo "vm-stream: $why; CI=true: the machine must run" >&2
		exit 1
	fi
	echo "SKIP: $why"
	exit 77 ;;
*) echo "vm-stream: vm-run.sh --check failed: $why" >&2; exit 99 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-stream.XXXXXX") || exit 99
busy=
cleanup()
{
	[ -n "$busy" ] && kill $busy 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

cat >"$tmp/marker.sh" <<'EOF'
#!/bin/sh
echo "vm-stream marker $VM_STREAM_RUN"
EOF

# vm [ARG...]: one vm-run.sh --script run; stdout in $tmp/out, stderr in
# $tmp/err, its status returned
vm()
{
	sh "$vmdir/vm-run.sh" --builddir "$builddir" "$@" --script "$tmp/marker.sh" \
		>"$tmp/out" 2>"$tmp/err"
}

# ---- a streamer that fails is an error of the run ----------------------
# This tail fails on -f exactly as GNU tail did on a file not created yet.
mkdir "$tmp/bin"
real_tail=$(command -v tail)
cat >"$tmp/bin/tail" <<EOF
#!/bin/sh
case " \$* " in
*" -f "*) exec "$real_tail" -n +1 -f "$tmp/no-such-file" ;;
esac
exec "$real_tail" "\$@"
EOF
chmod +x "$tmp/bin/tail"
PATH=$tmp/bin:$PATH vm --env VM_STREAM_RUN=0
rc=$?
if [ "$rc" -ne 99 ] || ! grep -q 'streaming the console failed' "$tmp/err"; then
	echo "vm-stream: a failing streamer: exit $rc (expected 99 and 'streaming the console failed'); stderr:" >&2
	cat "$tmp/err" >&2
	exit 1
fi
echo "vm-stream: a failing streamer fails the run: $(grep 'streaming the console failed' "$tmp/err")"

# ---- many runs on busy CPUs ---------------------------------------------
cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
n=0
while [ "$n" -lt "$cpus" ]; do
	(while :; do :; done) &
	busy="$busy $!"
	n=$((n + 1))
done

streamed=0
i=0
t0=$(date +%s)
cut=
while [ "$i" -lt "$runs" ]; do
	if [ "$i" -ge "$min_runs" ] && [ $(($(date +%s) - t0)) -ge "$budget" ]; then
		cut=yes
		break
	fi
	i=$((i + 1))
	s=$(date +%s)
	vm --no-build --env VM_STREAM_RUN="$i"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -qx "vm-stream marker $i" "$tmp/out"; then
		streamed=$((streamed + 1))
	else
		echo "vm-stream: run $i: exit $rc, stdout $(wc -l <"$tmp/out") lines, no marker line; stderr:"
		sed 's/^/  | /' "$tmp/err"
	fi
	echo "vm-stream: run $i: exit $rc, $(($(date +%s) - s)) s"
done
secs=$(($(date +%s) - t0))

echo "vm-stream: $i runs on $cpus busy CPUs in $secs s: $streamed streamed their marker"
[ -n "$cut" ] &&
	echo "vm-stream: stopped after $i of $runs runs: VM_STREAM_SECONDS=$budget was spent"
[ "$streamed" -eq "$i" ] || exit 1
exit 0
