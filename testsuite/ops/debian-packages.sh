#!/bin/sh
# The Debian packages, end to end, as a sysadmin gets them: build them from
# debian/ in a copy of the tree (dpkg-buildpackage -us -uc -b), lintian at
# its default level, apt-get install ./*.deb, then
#   - DKMS built mirror.ko for every kernel whose headers are installed
#     (dkms status; modinfo -k finds it) -- the running kernel may have
#     none, CI's does not;
#   - /usr/bin/mirrorstat --version works;
#   - the units pass systemd-analyze verify and are not enabled, and
#     /etc/mirror/mirror.conf is a conffile that mirrorctl apply reads;
#   - the libmirror.3 example compiles with pkg-config and runs;
# then apt-get purge, and nothing of them is left.  Root only (77
# otherwise); prints how long each step took.
. "$(dirname "$0")/../lib/common.sh"

PKGS="mirror-dkms libmirror1 libmirror-dev mirror-tools mirror-drill"

if [ "$(id -u)" -ne 0 ]; then
	echo "debian-packages: installs packages, needs root: skipping"
	exit 77
fi
for t in dpkg-buildpackage dh dh_dkms dkms lintian git; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "debian-packages: $t not found (scripts/bootstrap.sh installs it): skipping"
		exit 77
	fi
done
# A git checkout of its own (a dist tarball has no debian/, and may be
# unpacked inside a checkout, as distcheck does).
if [ "$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null)" != \
	"$(cd "$top_srcdir" && pwd -P)" ]; then
	echo "debian-packages: $top_srcdir is not the top of a git checkout: skipping"
	exit 77
fi
kernels=
for b in /lib/modules/*/build; do
	[ -f "$b/Makefile" ] || continue
	k=${b#/lib/modules/}
	kernels="$kernels ${k%/build}"
done
if [ -z "$kernels" ]; then
	echo "debian-packages: no kernel headers installed (linux-headers-amd64): skipping"
	exit 77
fi
for p in $PKGS; do
	if dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^.i'; then
		fail "$p is installed already: purge it first (apt-get purge $p), this test installs and purges its own"
		finish
	fi
done

T0=$(date +%s)
step() {
	_now=$(date +%s)
	echo "  ($1: $((_now - T0)) s)"
	T0=$_now
}

version=$(sed -n '1s/^mirror (\([^-)]*\).*/\1/p' "$top_srcdir/debian/changelog")
if sh "$top_srcdir/scripts/build-debs.sh" "$TMP/build" >"$TMP/build.log" 2>&1; then
	pass "scripts/build-debs.sh (dpkg-buildpackage -us -uc -b in a copy of the tree)"
else
	fail "the package build failed: $(tail -n 30 "$TMP/build.log")"
	finish
fi
step build
for p in $PKGS; do
	deb=$(ls "$TMP/build/${p}_"*.deb 2>/dev/null)
	if [ -n "$deb" ]; then
		echo "  $(basename "$deb"): $(stat -c %s "$deb") bytes"
	else
		fail "no package $p built"
	fi
done
if grep -q '^dh_missing: warning' "$TMP/build.log"; then
	fail "files installed by make install but in no package: $(grep -A20 '^dh_missing' "$TMP/build.log")"
fi

# The default level fails on errors and warnings; the info tags are shown
# for the log.
lintian --display-info "$TMP/build/"*.changes >"$TMP/lintian" 2>&1
if grep -q '^[EW]:' "$TMP/lintian"; then
	fail "lintian: $(grep '^[EW]:' "$TMP/lintian")"
else
	pass "lintian: no error or warning"
fi
grep '^[IXP]:' "$TMP/lintian" | sed 's/^/  lintian: /'
step lintian

# What the machine had before, to compare after the purge.
LEFT_GLOBS="/etc/mirror* /etc/default/mirror* /usr/src/mirror-* /var/lib/dkms/mirror
	/usr/libexec/mirror /usr/share/mirror"
# shellcheck disable=SC2086 # the globs
ls -d $LEFT_GLOBS 2>/dev/null >"$TMP/before"

purge() {
	# shellcheck disable=SC2086 # the package list
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $PKGS >"$TMP/purge.log" 2>&1
}
trap 'purge; rm -rf "$TMP"' EXIT

if (cd "$TMP/build" && DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends \
		./mirror-dkms_*.deb ./libmirror1_*.deb ./libmirror-dev_*.deb \
		./mirror-tools_*.deb ./mirror-drill_*.deb) >"$TMP/install.log" 2>&1; then
	pass "apt-get install ./*.deb"
else
	fail "apt-get install: $(tail -n 30 "$TMP/install.log")"
	finish
fi
step install

dkms status mirror >"$TMP/dkms" 2>&1
for k in $kernels; do
	if grep -q "^mirror/$version, $k, [^:]*: installed" "$TMP/dkms"; then
		pass "dkms built mirror $version for $k"
	else
		fail "dkms status lacks mirror for $k: $(cat "$TMP/dkms")"
	fi
	f=$(modinfo -k "$k" -F filename mirror 2>&1)
	case $f in
	/lib/modules/"$k"/updates/dkms/mirror.ko*)
		pass "modinfo -k $k mirror: $f"
		v=$(modinfo -k "$k" -F version mirror)
		[ "$v" = "$version" ] || fail "the DKMS module says version '$v', not $version"
		# DKMS signs with its machine key (made at its first build).
		if [ -f /var/lib/dkms/mok.key ]; then
			signer=$(modinfo -k "$k" -F signer mirror)
			[ -n "$signer" ] && pass "signed by DKMS's key ($signer)" ||
				fail "/var/lib/dkms/mok.key exists but mirror.ko is not signed"
		fi ;;
	*)	fail "modinfo -k $k mirror: $f" ;;
	esac
done

out=$(/usr/bin/mirrorstat --version 2>&1)
[ "$out" = "mirrorstat from mirror $version" ] &&
	pass "/usr/bin/mirrorstat --version: $out" ||
	fail "/usr/bin/mirrorstat --version: $out"
/usr/bin/mirrorstat --sysroot "$FIXTURES/module-48g" >"$TMP/out" 2>&1 &&
	diff -u "$GOLDEN/module-48g.txt" "$TMP/out" >/dev/null &&
	pass "/usr/bin/mirrorstat over the captured tree matches its golden output" ||
	fail "/usr/bin/mirrorstat --sysroot module-48g: $(head -n 5 "$TMP/out")"
/usr/sbin/mirror-drill --help >/dev/null 2>&1 && pass "/usr/sbin/mirror-drill --help" ||
	fail "/usr/sbin/mirror-drill --help failed"
/usr/sbin/mirrord --help >/dev/null 2>&1 && pass "/usr/sbin/mirrord --help" ||
	fail "/usr/sbin/mirrord --help failed"

# The units, as installed: valid, each left for the admin to enable.
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify /lib/systemd/system/mirror.service \
		/lib/systemd/system/mirror-monitor.service \
		/lib/systemd/system/mirrord.service \
		/lib/systemd/system/mirror-textfile.service \
		/lib/systemd/system/mirror-textfile.timer \
		/lib/systemd/system/mirror-drill.service \
		/lib/systemd/system/mirror-drill.timer >"$TMP/verify" 2>&1 &&
		[ ! -s "$TMP/verify" ] &&
		pass "systemd-analyze verify of the installed units" ||
		fail "systemd-analyze verify: $(cat "$TMP/verify")"
fi
for t in mirror-textfile.timer mirror-drill.timer mirror.service \
	mirror-monitor.service mirrord.service; do
	st=$(systemctl is-enabled "$t" 2>&1)
	[ "$st" = disabled ] && pass "$t installed, not enabled" ||
		fail "systemctl is-enabled $t: $st"
done
# mirror.conf is the admin's: a conffile, every line a comment.
dpkg-query -W -f '${Conffiles}\n' mirror-tools | grep -q '^ */etc/mirror/mirror.conf ' &&
	pass "/etc/mirror/mirror.conf is a conffile of mirror-tools" ||
	fail "/etc/mirror/mirror.conf is no conffile: $(dpkg-query -W -f '${Conffiles}' mirror-tools)"
mkdir -p "$TMP/empty"
out=$(/usr/bin/mirrorctl --sysroot "$TMP/empty" apply --dry-run 2>&1)
[ "$out" = "load mirror.ko" ] &&
	pass "/usr/bin/mirrorctl apply --dry-run of the installed /etc/mirror/mirror.conf: $out" ||
	fail "/usr/bin/mirrorctl apply --dry-run: $out"

# The EXAMPLE of libmirror(3), in a main(), against the installed library.
{
	printf '#include <stdio.h>\n#include <libmirror.h>\n\nint main(void)\n{\n'
	zcat /usr/share/man/man3/libmirror.3.gz | sed -n '/^\.SH EXAMPLE/,/^\.fi/p' |
		sed '1,2d; $d; s/\\\\/\\/g'
	printf 'return 0;\n}\n'
} >"$TMP/example.c"
# shellcheck disable=SC2046 # the flags are words
if cc -Wall -Werror -o "$TMP/example" "$TMP/example.c" \
	$(pkg-config --cflags --libs libmirror) 2>"$TMP/err"; then
	pass "the libmirror.3 example builds with pkg-config ($(pkg-config --libs libmirror))"
else
	fail "the libmirror.3 example does not build: $(cat "$TMP/err")"
fi
lib=$(ldd "$TMP/example" 2>/dev/null | awk '/libmirror/ {print $3}')
# (ldd may name it by /lib, the merged-/usr alias.)
real=$(readlink -f "${lib:-/nonexistent}")
if [ -n "$lib" ] && dpkg -L libmirror1 | while read -r f; do readlink -f "$f"; done |
	grep -qx "$real"; then
	pass "it links libmirror1's $lib"
else
	fail "the example links '$lib', not libmirror1's library"
fi
MIRROR_SYSROOT=$FIXTURES/module-48g "$TMP/example" >"$TMP/out" 2>&1
if [ "$(grep -c '^zone[0-9]* node [0-9]*: [0-9]* of [0-9]* pages free$' "$TMP/out")" = 4 ]; then
	pass "it runs: the 4 zones of the captured tree"
else
	fail "the example printed: $(cat "$TMP/out")"
fi
step checks

for p in $PKGS; do
	dpkg -L "$p" 2>/dev/null
done | sort -u >"$TMP/files"
if purge; then
	pass "apt-get purge"
else
	fail "apt-get purge: $(tail -n 20 "$TMP/purge.log")"
fi
trap 'rm -rf "$TMP"' EXIT
step purge

left=
for p in $PKGS; do
	dpkg -L "$p" >/dev/null 2>&1 && left="$left $p"
done
[ -z "$left" ] && pass "dpkg knows none of them any more" ||
	fail "still known to dpkg:$left"
# Every file they had is gone (directories others share may stay).
remain=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done <"$TMP/files")
[ -z "$remain" ] && pass "none of their $(wc -l <"$TMP/files") paths is left" ||
	fail "left after purge: $remain"
# shellcheck disable=SC2086 # the globs
ls -d $LEFT_GLOBS 2>/dev/null >"$TMP/after"
if cmp -s "$TMP/before" "$TMP/after"; then
	pass "nothing left under /etc, /usr/src, /usr/libexec, /usr/share or /var/lib/dkms"
else
	fail "left behind: $(comm -13 "$TMP/before" "$TMP/after" | tr '\n' ' ')"
fi
kept=
for k in $kernels; do
	if ls /lib/modules/"$k"/updates/dkms/mirror.ko* >/dev/null 2>&1 ||
		modinfo -k "$k" mirror >/dev/null 2>&1; then
		kept="$kept $k"
	fi
done
[ -z "$kept" ] && pass "no mirror.ko left in any kernel" ||
	fail "mirror.ko still installed for:$kept"

finish
