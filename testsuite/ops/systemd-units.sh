#!/bin/sh
# mirror.service, mirror-monitor.service, mirrord.service,
# mirror-textfile.service and
# .timer, mirror-drill.service and .timer as make install puts them:
# systemd-analyze verify over the installed tree (the host's units beside
# them, so After= and WantedBy= resolve), and the script the service runs:
# mirror.prom replaced atomically and equal to mirrorstat --prometheus,
# mirrorstat's options passed on, a missing or read-only directory refused
# with one line and no file left, the old file removed when mirrorstat
# finds nothing; with --drill, a passed and a failed drill's verdict
# written, a drill that could not run leaving the last one.  Skips (77)
# without systemd-analyze.
. "$(dirname "$0")/../lib/common.sh"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "systemd-units: systemd-analyze not found (apt-get install systemd): skipping"
	exit 77
fi
unset MAKEFLAGS MFLAGS MAKELEVEL

ROOT=$TMP/root
# mirrorctl too: systemd-analyze checks that ExecStart's program exists.
if make -C "$top_builddir" DESTDIR="$ROOT" install-systemdsystemunitDATA \
	install-mirrorlibexecSCRIPTS install-dist_defaultDATA \
	install-dist_mirrorconfDATA >"$TMP/out" 2>&1 &&
	make -C "$top_builddir/cli" DESTDIR="$ROOT" install-binPROGRAMS \
	install-sbinPROGRAMS >>"$TMP/out" 2>&1; then
	pass "units, script, settings, mirror.conf, mirrorctl and mirrord installed into a DESTDIR"
else
	fail "make install of the units: $(tail -n 10 "$TMP/out")"
	finish
fi
unit=$(find "$ROOT" -name mirror-textfile.service)
script=$(find "$ROOT" -path '*/mirror/mirror-textfile' -type f)
unitdir=$(dirname "$unit")
for u in mirror-textfile.timer mirror-drill.service mirror-drill.timer \
	mirror.service mirror-monitor.service mirrord.service; do
	[ -f "$unitdir/$u" ] || fail "no $u beside mirror-textfile.service"
done
# mirrord.service runs the installed mirrord, reloads it with SIGHUP, and
# is reloaded with mirror.service.
e=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unitdir/mirrord.service")
case $e in
*/mirrord) [ -x "$ROOT$e" ] && pass "mirrord.service: ExecStart=$e is the installed mirrord" ||
	fail "mirrord.service: $e is not installed" ;;
*) fail "mirrord.service: ExecStart=$e, not mirrord" ;;
esac
grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$unitdir/mirrord.service" &&
	grep -q '^ReloadPropagatedFrom=mirror.service$' "$unitdir/mirrord.service" &&
	pass "mirrord.service: reload is SIGHUP, and follows mirror.service's" ||
	fail "mirrord.service: reload not SIGHUP or not propagated from mirror.service"
# mirror.service and mirror-monitor.service run the installed mirrorctl,
# mirror.service only when the installed mirror.conf is there.
for u in mirror.service mirror-monitor.service; do
	for e in $(sed -n 's/^\(Exec[A-Za-z]*=[^ ]*\).*/\1/p' "$unitdir/$u"); do
		exec_path=${e#*=}
		case $exec_path in
		*/mirrorctl) [ -x "$ROOT$exec_path" ] &&
			pass "$u: $e is the installed mirrorctl" ||
			fail "$u: $e is not installed" ;;
		*) fail "$u: $e, not mirrorctl" ;;
		esac
	done
done
cond=$(sed -n 's/^ConditionPathExists=//p' "$unitdir/mirror.service")
[ -n "$cond" ] && [ -f "$ROOT$cond" ] &&
	grep -q '^\[module\]' "$ROOT$cond" &&
	pass "mirror.service applies the installed $cond" ||
	fail "mirror.service: ConditionPathExists=$cond, not the installed mirror.conf"
mkdir -p "$TMP/empty-root"
"$top_builddir/cli/mirrorctl" --sysroot "$TMP/empty-root" apply --dry-run \
	--config "$ROOT$cond" >"$TMP/out" 2>"$TMP/err" &&
	[ "$(cat "$TMP/out")" = "load mirror.ko" ] && [ ! -s "$TMP/err" ] &&
	pass "the installed mirror.conf, all comments, only loads the module" ||
	fail "apply --dry-run of the installed mirror.conf: $(cat "$TMP/out" "$TMP/err")"
[ -x "$script" ] || fail "mirror-textfile not installed executable"
find "$ROOT" -path '*/default/mirror-textfile' | grep -q . ||
	fail "no default/mirror-textfile settings file"
for u in "$unit" "$unitdir/mirror-drill.service"; do
	exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$u")
	[ "$ROOT$exec_path" = "$script" ] &&
		pass "$(basename "$u"): ExecStart names the installed script ($exec_path)" ||
		fail "$(basename "$u"): ExecStart=$exec_path, the script is at ${script#"$ROOT"}"
done

# mirrord.service's ExecReload runs kill(1), which every system has.
mkdir -p "$ROOT/bin"
cp /bin/kill "$ROOT/bin/kill" 2>/dev/null || cp /usr/bin/kill "$ROOT/bin/kill" 2>/dev/null ||
	fail "no kill(1) on this host to put into the tree"
# The host's own units, where systemd looks for them in the root.
mkdir -p "$ROOT/usr/lib/systemd/system"
cp -a /lib/systemd/system/. "$ROOT/usr/lib/systemd/system/" 2>/dev/null
# The man pages are checked against the tree (the host has none of them).
verify() {
	systemd-analyze verify --man=no --root="$ROOT" "$@" >"$TMP/verify" 2>&1 &&
		[ ! -s "$TMP/verify" ]
}
if verify mirror.service mirror-monitor.service mirrord.service \
	mirror-textfile.service mirror-textfile.timer mirror-drill.service \
	mirror-drill.timer; then
	pass "systemd-analyze verify: mirror, mirror-monitor, mirrord, mirror-textfile and mirror-drill units"
else
	fail "systemd-analyze verify: $(cat "$TMP/verify")"
fi
for page in $(sed -n 's/^Documentation=//p' "$unitdir"/mirror-*.service "$unitdir"/mirror-*.timer "$unitdir"/mirrord.service); do
	p=${page#man:}
	name=${p%(*} sec=${p#*(}
	sec=${sec%)}
	[ -f "$top_srcdir/man/$name.$sec" ] || fail "Documentation=$page: no man/$name.$sec"
done
# The check sees a broken unit.
sed 's|^ExecStart=[^ ]*|ExecStart=/nonexistent/mirror-textfile|' "$unit" \
	>"$unitdir/mirror-broken.service"
verify mirror-broken.service && fail "systemd-analyze verify accepted a unit with a missing program" ||
	pass "a unit whose program is missing is refused ($(head -n 1 "$TMP/verify"))"
rm -f "$unitdir/mirror-broken.service"

# ---- the script --------------------------------------------------------
export MIRRORSTAT="$top_builddir/cli/mirrorstat"
export MIRROR_SYSROOT="$FIXTURES/module-48g"
DIR=$TMP/textfile
mkdir -p "$DIR"
leftovers() { ls -A "$1" | grep -v '^mirror\.prom$' | tr '\n' ' '; }

"$MIRRORSTAT" --prometheus >"$TMP/expect"
if "$script" "$DIR" 2>"$TMP/err" && cmp -s "$TMP/expect" "$DIR/mirror.prom"; then
	pass "mirror.prom is mirrorstat --prometheus ($(grep -vc '^#' "$DIR/mirror.prom") samples)"
else
	fail "mirror.prom differs or the script failed: $(cat "$TMP/err")"
fi
[ "$(stat -c %a "$DIR/mirror.prom")" = 644 ] || fail "mirror.prom is not mode 644"
[ -z "$(leftovers "$DIR")" ] && pass "no temporary file left" ||
	fail "left in the directory: $(leftovers "$DIR")"

"$MIRRORSTAT" --prometheus --top=3 >"$TMP/expect-top"
MIRROR_TEXTFILE_DIR=$DIR "$script" -- --top=3 2>"$TMP/err" &&
	cmp -s "$TMP/expect-top" "$DIR/mirror.prom" &&
	pass "MIRROR_TEXTFILE_DIR and mirrorstat's options (--top=3)" ||
	fail "with -- --top=3: $(cat "$TMP/err")"

# A reader never sees a partial file while it is rewritten: each read (one
# open) is the whole output, the first rewrites replacing the --top one.
(i=0; while [ $i -lt 40 ]; do
	"$script" "$DIR" 2>>"$TMP/writer-err" || echo "exit $?" >>"$TMP/writer-err"
	i=$((i + 1))
done) &
writer=$!
torn=0 reads=0
while kill -0 "$writer" 2>/dev/null; do
	cat "$DIR/mirror.prom" >"$TMP/read" 2>&1
	if ! cmp -s "$TMP/expect" "$TMP/read" && ! cmp -s "$TMP/expect-top" "$TMP/read"; then
		torn=$((torn + 1))
		cp "$TMP/read" "$TMP/torn"
	fi
	reads=$((reads + 1))
done
wait "$writer"
if [ "$torn" -eq 0 ] && [ ! -s "$TMP/writer-err" ]; then
	pass "$reads reads during 40 rewrites: never a partial file"
else
	fail "$torn of $reads reads saw a partial mirror.prom ($(wc -l <"$TMP/torn") lines); writer: $(cat "$TMP/writer-err")"
fi

# bad_case LABEL CODE PATTERN ARGS...: exit CODE, one error line naming
# PATTERN, nothing new in the directory.
bad_case() {
	label=$1 code=$2 pattern=$3
	shift 3
	"$script" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		fail "$label: exit $rc, not $code ($(cat "$TMP/err"))"
	elif ! grep -q -- "$pattern" "$TMP/err" || [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
		fail "$label: not one line naming '$pattern': $(cat "$TMP/err")"
	else
		pass "$label -> $code ($(cat "$TMP/err"))"
	fi
}
bad_case "missing directory" 1 "$TMP/nodir: no such directory" "$TMP/nodir"
[ ! -e "$TMP/nodir" ] || fail "the missing directory was created"
bad_case "unknown option" 2 "unknown option '--top'" --top 3

# Read-only: a read-only mount for root, a mode for anyone else.
RO=$TMP/ro
mkdir -p "$RO"
if [ "$(id -u)" -eq 0 ]; then
	mount -t tmpfs -o ro,size=64k tmpfs "$RO" 2>/dev/null || RO=
else
	chmod 555 "$RO"
fi
if [ -n "$RO" ]; then
	bad_case "read-only directory" 1 "cannot create a file there" "$RO"
	[ -z "$(ls -A "$RO")" ] || fail "files left in the read-only directory"
	if [ "$(id -u)" -eq 0 ]; then umount "$RO"; else chmod 755 "$RO"; fi
else
	echo "note: no read-only mount possible here; that case not checked"
fi

# mirrorstat finds nothing (module unloaded): the stale file goes.
mkdir -p "$TMP/empty"
MIRROR_SYSROOT=$TMP/empty "$script" "$DIR" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 3 ] && [ ! -e "$DIR/mirror.prom" ] && [ -z "$(leftovers "$DIR")" ]; then
	pass "no mirrored memory: mirrorstat's 3, the stale mirror.prom removed ($(head -n 1 "$TMP/err"))"
else
	fail "no mirrored memory: exit $rc, left: $(ls -A "$DIR" | tr '\n' ' ')"
fi

# ---- --drill: mirror-drill --prometheus into mirror-drill.prom -----------
# A stand-in for the drill (the real one needs the module; the test machine
# runs it, vm/tests/87-drill-prometheus.sh): prints its arguments as a
# sample and exits with $FAKE_RC.
cat >"$TMP/fake-drill" <<'EOS'
#!/bin/sh
echo "mirror_drill_passed{scenario=\"$*\"} $FAKE_RC"
exit "$FAKE_RC"
EOS
chmod +x "$TMP/fake-drill"
export MIRROR_DRILL="$TMP/fake-drill"
rm -f "$DIR"/*.prom
# drill_case RC SAMPLE LABEL [ARGS...]: the drill exiting RC gives exit RC
# and SAMPLE in mirror-drill.prom.
drill_case() {
	want=$1 sample=$2 label=$3
	shift 3
	FAKE_RC=$want "$script" --drill "$DIR" "$@" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -qxF "$sample" "$DIR/mirror-drill.prom"; then
		pass "--drill: $label"
	else
		fail "--drill, $label: exit $rc, $(cat "$DIR/mirror-drill.prom" "$TMP/err" 2>&1)"
	fi
}
drill_case 0 'mirror_drill_passed{scenario="--prometheus failover"} 0' \
	"'mirror-drill --prometheus failover' into mirror-drill.prom"
drill_case 1 'mirror_drill_passed{scenario="--prometheus -n 4 control"} 1' \
	"a failed drill's verdict written, exit 1; options passed on" -- -n 4 control
cp "$DIR/mirror-drill.prom" "$TMP/last-verdict"
FAKE_RC=3 "$script" --drill "$DIR" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 3 ] && cmp -s "$TMP/last-verdict" "$DIR/mirror-drill.prom" &&
	[ -z "$(ls -A "$DIR" | grep -v '\.prom$')" ]; then
	pass "--drill: a drill that cannot run (3) leaves the last verdict, no temporary file"
else
	fail "--drill, drill cannot run: exit $rc, left: $(ls -A "$DIR" | tr '\n' ' ')"
fi
[ ! -e "$DIR/mirror.prom" ] || fail "--drill wrote mirror.prom"

finish
