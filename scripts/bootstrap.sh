#!/bin/sh
# bootstrap.sh - set a fresh Debian 12 machine up to build, test and demo
# mirror: install the Debian packages, generate the build system, configure
# and build.  Run as root from anywhere in the source tree; safe to rerun.
#
#   scripts/bootstrap.sh            packages, autogen, configure, make
#   MIRROR_CONFIGURE_FLAGS=...      extra configure options (e.g. --disable-module)
#   MIRROR_SKIP_APT=1               do not touch packages (they are there)
#   MIRROR_DEBUG_KERNEL=1           also what make check-debug needs (the
#                                   kernel source and its build tools)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# Build: toolchain, autotools, libraries.  Test: Check, clang's libFuzzer,
# the QEMU machine (emulator, a Debian kernel with matching headers,
# busybox for the initramfs), numactl for comparisons, prometheus for
# promtool's check of the text exposition, stress-ng and memtester as
# third-party programs run under 'mirrorctl run' in the machine.
PACKAGES="build-essential autoconf automake libtool pkg-config
	libnuma-dev libkmod-dev libudev-dev libjansson-dev libsmartcols-dev check
	clang
	qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static
	cpio kmod numactl prometheus stress-ng memtester"
# make check-debug (not CI): Debian's kernel source, built with KASAN and
# lockdep by testsuite/vm/vm-kernel.sh.
if [ "${MIRROR_DEBUG_KERNEL:-0}" = 1 ]; then
	PACKAGES="$PACKAGES linux-source-6.1 bc bison flex libelf-dev libssl-dev xz-utils"
fi

if [ "${MIRROR_SKIP_APT:-0}" != 1 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "bootstrap: installing packages needs root (or set MIRROR_SKIP_APT=1)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086 # word splitting of the list is intended
	apt-get install -y -q --no-install-recommends $PACKAGES
fi

./autogen.sh
# shellcheck disable=SC2086 # the flags are a list
./configure ${MIRROR_CONFIGURE_FLAGS:-}
make -j"$(nproc)"
