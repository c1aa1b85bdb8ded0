#!/bin/sh
# mirror-drill hardware without hardware: a captured mirror.ko tree (the
# 48 GiB layout) with a fake ACPI EINJ directory and EDAC counters.  A
# background "platform" stands in for the firmware: error_inject is a FIFO,
# so the platform wakes up exactly when the drill writes it, notes what the
# other EINJ files held at that moment (they must be written first), then
# reports a corrected error (the mirror took over), an uncorrectable one,
# or nothing.  Also the refusals: no --addr, an address outside the mirror
# zones, no --confirm (exit 2), no EINJ or no memory uncorrectable type in
# it (exit 3), no EDAC (exit 1) -- none of which may write anything.
. "$(dirname "$0")/common.sh"

DRILL=$top_builddir/fault-injection/mirror-drill
ROOT=$TMP/root
EINJ=$ROOT/sys/kernel/debug/apei/einj
EDAC=$ROOT/sys/devices/system/edac/mc/mc0
LOG=$TMP/platform.log
# Zone 1 of the fixture is 0x300000000-0x33fffffff on node 1.
ADDR=0x300042000
MASK=0xfffffffffffff000
PLATFORM=

MIRROR_DRILL_LOCK=$TMP/lock
export MIRROR_DRILL_LOCK

# A bound on every run: a drill that blocks must not hang the test suite.
if command -v timeout >/dev/null 2>&1; then
	BOUND="timeout -k 5 30"
else
	BOUND=
fi

# ---- the platform --------------------------------------------------------

# platform ce|ue|none: wait for error_inject, snapshot the EINJ files, then
# raise an EDAC counter.  "drain" on the FIFO (stop_platform) ends it.
platform() {
	_got=
	read -r _got <"$EINJ/error_inject" || :
	[ "$_got" = drain ] && exit 0
	{
		for _f in error_type flags param1 param2; do
			if [ -e "$EINJ/$_f" ]; then
				printf '%s=%s\n' "$_f" "$(cat "$EINJ/$_f")"
			else
				printf '%s absent\n' "$_f"
			fi
		done
		printf 'error_inject=%s\n' "$_got"
	} >"$TMP/platform.tmp"
	mv "$TMP/platform.tmp" "$LOG"
	case $1 in
	ce|ue)
		# A rename: the drill never reads a half-written counter.
		echo 1 >"$TMP/count.tmp"
		mv "$TMP/count.tmp" "$EDAC/${1}_count"
		;;
	esac
}

start_platform() {
	rm -f "$LOG"
	platform "$1" &
	PLATFORM=$!
}

# End the platform however far it got.  Opening the FIFO read-write never
# blocks, and wakes a reader still waiting for a writer.
stop_platform() {
	[ -n "$PLATFORM" ] || return 0
	_i=0
	while kill -0 "$PLATFORM" 2>/dev/null && [ "$_i" -lt 50 ]; do
		[ -p "$EINJ/error_inject" ] &&
			printf 'drain\n' 1<>"$EINJ/error_inject"
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 "$PLATFORM" 2>/dev/null; then
		kill -9 "$PLATFORM" 2>/dev/null
		fail "the platform did not stop"
	fi
	wait "$PLATFORM" 2>/dev/null
	PLATFORM=
}

# A drill run in the background (SIGTERM case), killed if still there.
DPID=

trap '[ -z "$DPID" ] || kill -9 "$DPID" 2>/dev/null; stop_platform; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM HUP

# ---- the tree ------------------------------------------------------------

# A fresh tree for each case: the fixture, EINJ (error_inject a FIFO), EDAC.
make_root() {
	rm -rf "$ROOT" "$LOG"
	cp -R "$FIXTURES/module-48g" "$ROOT"
	mkdir -p "$EINJ" "$EDAC"
	printf '0x00000008\tMemory Correctable\n0x00000010\tMemory Uncorrectable non-fatal\n0x00000020\tMemory Uncorrectable fatal\n' \
		>"$EINJ/available_error_type"
	for f in error_type flags param1 param2; do
		: >"$EINJ/$f"
	done
	mkfifo "$EINJ/error_inject"
	echo 0 >"$EDAC/ce_count"
	echo 0 >"$EDAC/ue_count"
}

# drill ARGS...: run "mirror-drill --sysroot ROOT hardware ARGS"; rc, out, err.
drill() {
	$BOUND "$DRILL" --sysroot "$ROOT" hardware "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		fail "hardware $*: killed after 30 s"
	fi
}

# The drill wrote nothing to the EINJ files it fills in.
untouched() {
	for _f in error_type flags param1 param2; do
		[ ! -e "$EINJ/$_f" ] || [ ! -s "$EINJ/$_f" ] || return 1
	done
	[ ! -e "$LOG" ]
}

# refused CODE PATTERN ARGS...: exit CODE, one stderr line with PATTERN,
# nothing on stdout, nothing written.
refused() {
	_code=$1 _pattern=$2
	shift 2
	# A platform that reports nothing: a write to error_inject is seen
	# (and logged) at once instead of blocking the drill.
	_own=
	if [ -z "$PLATFORM" ] && [ -p "$EINJ/error_inject" ]; then
		start_platform none
		_own=1
	fi
	drill "$@"
	[ -z "$_own" ] || stop_platform
	if [ "$rc" -ne "$_code" ]; then
		fail "hardware $*: exited $rc, not $_code: $(cat "$TMP/err")"
	elif ! grep -q -- "$_pattern" "$TMP/err"; then
		fail "hardware $*: stderr lacks '$_pattern': $(cat "$TMP/err")"
	elif [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
		fail "hardware $*: not one line on stderr: $(cat "$TMP/err")"
	elif [ -s "$TMP/out" ]; then
		fail "hardware $*: printed on stdout: $(cat "$TMP/out")"
	elif ! untouched; then
		fail "hardware $*: wrote to EINJ although it refused"
	else
		pass "hardware $* -> $_code ($(cat "$TMP/err"))"
	fi
}

# json_of FILE: the JSON pretty-printed one key per line ("key": value), or
# nothing when it does not parse.
json_of() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -m json.tool "$1" 2>/dev/null
	elif command -v jq >/dev/null 2>&1; then
		jq . "$1" 2>/dev/null
	else
		# Neither: take it as printed (jansson, JSON_INDENT(2)).
		cat "$1"
	fi
}

# has FILE LINE...: every LINE (a fixed string) is in FILE.
has() {
	_file=$1
	shift
	for _line in "$@"; do
		grep -qF -- "$_line" "$_file" || return 1
	done
}

[ -x "$DRILL" ] || { fail "$DRILL is not built"; finish; }

# ---- (a) the mirror corrects it ------------------------------------------

make_root
start_platform ce
drill --addr "$ADDR" --confirm -J
stop_platform
json_of "$TMP/out" >"$TMP/json"
if [ "$rc" -ne 0 ]; then
	fail "corrected error: exited $rc, not 0: $(cat "$TMP/err" "$TMP/out")"
elif [ ! -s "$TMP/json" ]; then
	fail "corrected error: -J output is not JSON: $(cat "$TMP/out")"
elif ! has "$TMP/json" '"verdict": "pass"' '"scenario": "hardware"' \
	"\"address\": \"$ADDR\"" '"ce_delta": 1' '"ue_delta": 0' \
	'"seconds_to_report": ' 'the mirror corrected it: EDAC ce_count +1, ue_count +0'; then
	fail "corrected error: unexpected JSON: $(cat "$TMP/out")"
else
	pass "corrected error: exit 0, verdict pass, ce_delta 1"
fi
# What the firmware found when error_inject was written.
printf '%s\n' error_type=0x10 flags=0x2 "param1=$ADDR" "param2=$MASK" \
	error_inject=1 >"$TMP/expect"
if [ -f "$LOG" ] && diff -u "$TMP/expect" "$LOG" >&2; then
	pass "EINJ files written before error_inject (type 0x10, flags 0x2, address, page mask)"
else
	fail "EINJ files at error_inject: $(cat "$LOG" 2>/dev/null || echo 'error_inject never written')"
fi

# The same for people, and without a flags file (older kernels): param1 and
# param2 are still written, flags is not created.
make_root
rm "$EINJ/flags"
start_platform ce
drill --addr "$ADDR" --confirm
stop_platform
printf '%s\n' error_type=0x10 'flags absent' "param1=$ADDR" "param2=$MASK" \
	error_inject=1 >"$TMP/expect"
if [ "$rc" -ne 0 ]; then
	fail "no flags file: exited $rc, not 0: $(cat "$TMP/err" "$TMP/out")"
elif ! grep -q 'verdict: PASS' "$TMP/out" ||
     ! grep -q 'the mirror corrected it' "$TMP/out"; then
	fail "no flags file: unexpected report: $(cat "$TMP/out")"
elif [ -e "$EINJ/flags" ]; then
	fail "no flags file: the drill created one"
elif ! [ -f "$LOG" ] || ! diff -u "$TMP/expect" "$LOG" >&2; then
	fail "no flags file: EINJ files at error_inject: $(cat "$LOG" 2>/dev/null)"
else
	pass "no flags file: exit 0, flags left alone"
fi

# ---- (b) an uncorrectable error: the mirror did not take over ------------

make_root
start_platform ue
drill --addr "$ADDR" --confirm -J
stop_platform
json_of "$TMP/out" >"$TMP/json"
if [ "$rc" -ne 1 ]; then
	fail "uncorrectable error: exited $rc, not 1: $(cat "$TMP/err" "$TMP/out")"
elif ! has "$TMP/json" '"verdict": "fail"' '"ue_delta": 1' '"ce_delta": 0' \
	'uncorrectable error reported: the mirror did not take over'; then
	fail "uncorrectable error: unexpected JSON: $(cat "$TMP/out")"
elif ! [ -f "$LOG" ]; then
	fail "uncorrectable error: error_inject never written"
else
	pass "uncorrectable error: exit 1, verdict fail, ue_delta 1"
fi

# ---- (c) nothing reported: time-out ---------------------------------------

make_root
start_platform none
start=$(date +%s)
drill --addr "$ADDR" --confirm --timeout 0.5 -J
took=$(($(date +%s) - start))
stop_platform
json_of "$TMP/out" >"$TMP/json"
if [ "$rc" -ne 1 ]; then
	fail "no report: exited $rc, not 1: $(cat "$TMP/err" "$TMP/out")"
elif ! has "$TMP/json" '"verdict": "fail"' '"ce_delta": 0' '"ue_delta": 0' \
	'no EDAC change within 0.5 s'; then
	fail "no report: unexpected JSON: $(cat "$TMP/out")"
elif [ "$took" -gt 5 ]; then
	fail "no report: --timeout 0.5 took $took s"
elif ! [ -f "$LOG" ]; then
	fail "no report: error_inject never written"
else
	pass "no report: exit 1 after --timeout 0.5"
fi

# ---- SIGTERM while waiting for EDAC: exit 130, no verdict ---------------

make_root
start_platform none
"$DRILL" --sysroot "$ROOT" hardware --addr "$ADDR" --confirm --timeout 20 \
	>"$TMP/out" 2>"$TMP/err" &
DPID=$!
# Once the platform has seen error_inject the drill is polling EDAC.
i=0
while [ ! -f "$LOG" ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM "$DPID" 2>/dev/null
i=0
while kill -0 "$DPID" 2>/dev/null && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -9 "$DPID" 2>/dev/null
wait "$DPID"
rc=$?
DPID=
stop_platform
if [ ! -f "$LOG" ]; then
	fail "SIGTERM: error_inject never written"
elif [ "$rc" -ne 130 ]; then
	fail "SIGTERM: exited $rc, not 130 (in $i tenths of a second): $(cat "$TMP/err")"
else
	pass "SIGTERM while waiting for EDAC: exit 130"
fi

# ---- (d) no --confirm: nothing written, error_inject never opened ---------

make_root
start_platform ce
refused 2 "hardware injects a real uncorrectable memory error at $ADDR: add --confirm to go ahead" \
	--addr "$ADDR"
# The platform is still waiting: nobody opened error_inject.
if kill -0 "$PLATFORM" 2>/dev/null; then
	pass "no --confirm: error_inject not opened"
else
	fail "no --confirm: error_inject was opened"
fi
stop_platform
[ ! -e "$LOG" ] || fail "no --confirm: the platform saw an injection"

# ---- (e), (f): this machine cannot ----------------------------------------

make_root
rm -r "$ROOT/sys/kernel/debug"
refused 3 "ACPI EINJ is not available: $EINJ is missing (modprobe einj, mount debugfs; the firmware must offer EINJ)" \
	--addr "$ADDR" --confirm

make_root
printf '0x00000002\tProcessor Uncorrectable non-fatal\n0x00000008\tMemory Correctable\n' \
	>"$EINJ/available_error_type"
refused 3 "does not offer memory uncorrectable errors.*0x00000002 Processor Uncorrectable non-fatal.*0x00000008 Memory Correctable" \
	--addr "$ADDR" --confirm

# ---- (g), (h): bad addresses ----------------------------------------------

make_root
refused 2 "0x80000000 is not inside a mirror zone .the zones: 0x200000-0x3fffffff, 0x300000000-0x33fffffff, 0x600000000-0x63fffffff, 0x900000000-0x93fffffff." \
	--addr 0x80000000 --confirm
# The end of a zone is outside it.
make_root
refused 2 "0x40000000 is not inside a mirror zone" --addr 0x40000000 --confirm
make_root
refused 2 "hardware needs --addr PHYS: a physical address inside a mirror range" \
	--confirm

# ---- no EDAC: the outcome could not be seen, so nothing is injected -------

make_root
rm -r "$ROOT/sys/devices"
start_platform none
drill --addr "$ADDR" --confirm -J
stop_platform
json_of "$TMP/out" >"$TMP/json"
if [ "$rc" -ne 1 ]; then
	fail "no EDAC: exited $rc, not 1: $(cat "$TMP/err" "$TMP/out")"
elif ! has "$TMP/json" '"verdict": "fail"' '"name": "EDAC counters present"' \
	'nothing injected'; then
	fail "no EDAC: unexpected JSON: $(cat "$TMP/out")"
elif ! untouched; then
	fail "no EDAC: wrote to EINJ"
else
	pass "no EDAC: exit 1, nothing injected"
fi

finish
