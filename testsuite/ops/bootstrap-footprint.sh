#!/bin/sh
# scripts/bootstrap.sh's package step leaves no service behind: during its
# apt-get install policy-rc.d refuses every start, the machine's own
# policy-rc.d comes back byte for byte afterwards, a tool-only package it
# installed (prometheus, for promtool) gets its unit disabled at boot, one
# that was already there is left alone, and it names what it installed.
# apt-get, dpkg-query, deb-systemd-helper and update-rc.d are stand-ins
# that record what they were asked; /usr/sbin/policy-rc.d is the real one,
# so this needs root (77 otherwise).
. "$(dirname "$0")/../lib/common.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "bootstrap-footprint: needs root (it swaps /usr/sbin/policy-rc.d): skipping"
	exit 77
fi

POLICY=/usr/sbin/policy-rc.d
if [ -e "$POLICY.mirror-bootstrap" ]; then
	fail "$POLICY.mirror-bootstrap left over from an interrupted bootstrap"
	finish
fi

FAKE=$TMP/bin
mkdir -p "$FAKE"
# The dpkg database: 'ii  name' lines, the installed set.
cat >"$FAKE/dpkg-query" <<'EOS'
#!/bin/sh
sed 's/^/ii  /' "$FAKE_STATE/installed"
EOS
cat >"$FAKE/apt-get" <<'EOS'
#!/bin/sh
echo "apt-get $*" >>"$FAKE_STATE/calls"
case " $* " in
*" install "*)
	# What a postinst's deb-systemd-invoke would be told right now.
	/usr/sbin/policy-rc.d prometheus.service start >/dev/null 2>&1
	echo "policy=$?" >>"$FAKE_STATE/calls"
	grep -q 'scripts/bootstrap.sh (mirror)' /usr/sbin/policy-rc.d &&
		echo "policy=bootstrap's" >>"$FAKE_STATE/calls"
	for a in "$@"; do
		case $a in -*|install) ;; *) echo "$a" ;; esac
	done >>"$FAKE_STATE/installed"
	echo libfake-dep1 >>"$FAKE_STATE/installed"
	sort -u -o "$FAKE_STATE/installed" "$FAKE_STATE/installed"
	;;
esac
EOS
for t in deb-systemd-helper update-rc.d; do
	printf '#!/bin/sh\necho "%s $*" >>"$FAKE_STATE/calls"\n' "$t" >"$FAKE/$t"
done
chmod 755 "$FAKE"/*

# run_bootstrap PREINSTALLED...: the package step with that database.
run_bootstrap() {
	rm -rf "$TMP/state"
	mkdir -p "$TMP/state"
	printf '%s\n' "$@" | sort >"$TMP/state/installed"
	: >"$TMP/state/calls"
	FAKE_STATE=$TMP/state PATH=$FAKE:$PATH MIRROR_SKIP_BUILD=1 \
		sh "$top_srcdir/scripts/bootstrap.sh" >"$TMP/out" 2>&1
}

# The machine's policy-rc.d, to compare with afterwards.
if [ -e "$POLICY" ]; then
	cp -p "$POLICY" "$TMP/policy.orig"
fi
same_policy() {
	if [ -e "$TMP/policy.orig" ]; then
		cmp -s "$POLICY" "$TMP/policy.orig"
	else
		[ ! -e "$POLICY" ]
	fi
}

# 1. A fresh machine: prometheus comes with this run.
if run_bootstrap build-essential; then
	pass "package step ran"
else
	fail "package step failed: $(cat "$TMP/out")"
fi
grep -qx 'policy=101' "$TMP/state/calls" &&
	grep -qx "policy=bootstrap's" "$TMP/state/calls" &&
	pass "policy-rc.d refused service starts during apt-get install" ||
	fail "policy-rc.d allowed starts during the install: $(cat "$TMP/state/calls")"
same_policy && pass "the machine's policy-rc.d is back as it was" ||
	fail "$POLICY differs from before the run"
[ ! -e "$POLICY.mirror-bootstrap" ] && pass "no saved policy-rc.d left" ||
	fail "$POLICY.mirror-bootstrap left behind"
grep -qx 'deb-systemd-helper disable prometheus.service' "$TMP/state/calls" &&
	pass "prometheus.service disabled at boot" ||
	fail "prometheus.service not disabled: $(cat "$TMP/state/calls")"
grep -q '^bootstrap: prometheus installed for its tools only' "$TMP/out" &&
	pass "says the Prometheus server is not started" ||
	fail "no word about the Prometheus server: $(cat "$TMP/out")"
if grep -q '^bootstrap: installed [0-9]* Debian packages:.* libfake-dep1 ' "$TMP/out" &&
	! grep '^bootstrap: installed' "$TMP/out" | grep -q ' build-essential '; then
	pass "names what it installed, not what was there ($(grep -c . "$TMP/state/installed") packages)"
else
	fail "list of installed packages wrong: $(grep '^bootstrap:' "$TMP/out")"
fi

# 2. prometheus already installed: the owner's, left alone.
run_bootstrap prometheus
if grep -q 'deb-systemd-helper\|update-rc.d' "$TMP/state/calls"; then
	fail "touched the services of an existing prometheus: $(cat "$TMP/state/calls")"
else
	pass "an existing prometheus keeps its services as they were"
fi
same_policy || fail "$POLICY differs after the second run"

# 3. Nothing to install.
# shellcheck disable=SC2046 # the package list, one word each
run_bootstrap $(sed -n '/^PACKAGES="/,/"$/p' "$top_srcdir/scripts/bootstrap.sh" |
	sed 's/^PACKAGES="//; s/"$//') libfake-dep1
grep -q '^bootstrap: every Debian package needed was already installed' "$TMP/out" &&
	pass "says when nothing was installed" ||
	fail "nothing new, but: $(grep '^bootstrap:' "$TMP/out")"

finish
