#!/bin/sh
# bootstrap.sh - set a fresh Debian 12 machine up to build, test and demo
# mirror: install the Debian packages, generate the build system, configure
# and build.  Run as root from anywhere in the source tree; safe to rerun.
#
#   scripts/bootstrap.sh            packages, autogen, configure, make
#   MIRROR_CONFIGURE_FLAGS=...      extra configure options (e.g. --disable-module)
#   MIRROR_SKIP_APT=1               do not touch packages (they are there)
#   MIRROR_SKIP_BUILD=1             packages only: no autogen, configure, make
#   MIRROR_DEBUG_KERNEL=1           also what make check-debug needs (the
#                                   kernel source and its build tools)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# Build: toolchain, autotools, libraries.  Test: Check, clang's libFuzzer,
# the QEMU machine (emulator, a Debian kernel with matching headers,
# busybox for the initramfs), numactl for comparisons, prometheus for
# promtool (the text exposition and the alert rules; its server is neither
# started nor enabled, see below), stress-ng and memtester as third-party
# programs run under 'mirrorctl run' in the machine.  Packaging: debhelper,
# dh-dkms, dkms and lintian build, install and check the Debian packages;
# systemd for systemd-analyze (the units); bash-completion for the
# completion scripts' tests.
PACKAGES="build-essential autoconf automake libtool pkg-config
	libkmod-dev libudev-dev libjansson-dev libsmartcols-dev check
	clang
	qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static
	cpio kmod numactl prometheus stress-ng memtester
	debhelper dh-dkms dkms lintian systemd bash-completion"
# make check-debug (not CI): Debian's kernel source, built with KASAN and
# lockdep by testsuite/vm/vm-kernel.sh; ovmf, the UEFI firmware the
# firmware-mode boots start that kernel with (vm-run.sh --firmware).
if [ "${MIRROR_DEBUG_KERNEL:-0}" = 1 ]; then
	PACKAGES="$PACKAGES linux-source-6.1 bc bison flex libelf-dev libssl-dev xz-utils patch ovmf"
fi

# Packages installed only for a tool they carry, whose service bootstrap
# must not leave running or enabled at boot: 'package:unit'.
TOOL_ONLY_SERVICES="prometheus:prometheus.service"

installed_packages() {
	dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' 2>/dev/null |
		awk '$1 == "ii" {print $2}' | sort
}

POLICY=/usr/sbin/policy-rc.d
restore_policy() {
	if [ -e "$POLICY.mirror-bootstrap" ]; then
		mv -f "$POLICY.mirror-bootstrap" "$POLICY"
	else
		rm -f "$POLICY"
	fi
}

if [ "${MIRROR_SKIP_APT:-0}" != 1 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "bootstrap: installing packages needs root (or set MIRROR_SKIP_APT=1)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	before=$(mktemp)
	installed_packages >"$before"

	# No service may start during the install (invoke-rc.d and
	# deb-systemd-invoke ask policy-rc.d): a machine's own policy is put
	# back afterwards.
	if [ -e "$POLICY" ]; then
		mv -f "$POLICY" "$POLICY.mirror-bootstrap"
	fi
	trap restore_policy EXIT
	trap 'exit 1' INT TERM
	printf '#!/bin/sh\n# scripts/bootstrap.sh (mirror): no service starts during its install\nexit 101\n' >"$POLICY"
	chmod 755 "$POLICY"

	apt-get update -q
	# shellcheck disable=SC2086 # word splitting of the list is intended
	apt-get install -y -q --no-install-recommends $PACKAGES
	restore_policy
	trap - EXIT INT TERM

	# A tool-only package this run installed gets its service disabled
	# too, so it does not start at the next boot either.  One that was
	# already there is the machine owner's and is left as it was.
	for entry in $TOOL_ONLY_SERVICES; do
		pkg=${entry%%:*} unit=${entry#*:}
		grep -qx "$pkg" "$before" && continue
		deb-systemd-helper disable "$unit" >/dev/null 2>&1 || true
		if [ -x "/etc/init.d/${unit%.service}" ]; then
			update-rc.d "${unit%.service}" disable >/dev/null 2>&1 || true
		fi
		echo "bootstrap: $pkg installed for its tools only: $unit not started, disabled at boot"
	done

	new=$(installed_packages | comm -13 "$before" -)
	rm -f "$before"
	if [ -n "$new" ]; then
		echo "bootstrap: installed $(echo "$new" | wc -l) Debian packages:" \
			"$(echo "$new" | tr '\n' ' ')"
	else
		echo "bootstrap: every Debian package needed was already installed"
	fi
fi

[ "${MIRROR_SKIP_BUILD:-0}" = 1 ] && exit 0

./autogen.sh
# shellcheck disable=SC2086 # the flags are a list
./configure ${MIRROR_CONFIGURE_FLAGS:-}
make -j"$(nproc)"
