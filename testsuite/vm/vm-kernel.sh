#!/bin/sh
# Get a kernel of another flavour for the test machine, and mirror.ko
# (with mirror_test.ko) built against it.  vm-run.sh --kernel-flavour uses it.
#
# usage: vm-kernel.sh --flavour debug|rt [--builddir DIR] [--srcdir DIR]
#                     [--jobs N]
#
# debug  built here from Debian's linux-source-6.1: x86_64_defconfig +
#        kvm_guest.config + testsuite/vm/debug-kernel.config (KASAN,
#        lockdep, mm debug checks, kmemleak), merged with
#        scripts/kconfig/merge_config.sh, then olddefconfig; make bzImage
#        modules.  The patches of testsuite/vm/debug-kernel-patches/ (6.1
#        bugs the debug checks trip over; each says why) are applied to
#        the source first.  Cached in BUILD/testsuite/debug-kernel/
#        VERSION-HASH/, VERSION the linux-source-6.1 package version, HASH
#        a hash of the fragment's CONFIG_ lines, of the patches and of this
#        recipe: a new source package, a changed option or patch builds a
#        new kernel, anything else (a comment of the fragment too) reuses
#        the cached one.
# rt     Debian's PREEMPT_RT kernel, the one linux-image-rt-amd64 names,
#        with its headers: the packages are downloaded (apt-get download)
#        and unpacked into BUILD/testsuite/rt-kernel/KVER/, not installed,
#        so the host's kernels and configure's choice stay as they are.
#
# The directory holds:
#   bzImage                        the kernel the machine boots
#   kernel.release                 its release string (uname -r)
#   modroot/lib/modules/RELEASE/   its modules, with a depmod index
#   build-seconds                  (debug) the build's wall time, every
#                                  attempt that ended added up
#   mirror/                        mirror.ko and mirror_test.ko built for it
# The kernel is reused while it is there (an interrupted debug build
# resumes); mirror.ko is rebuilt (incrementally, by Kbuild) from
# kernel-module/ on every call.  `make clean` keeps both caches; `make
# distclean` removes them.  MIRROR_KERNEL_CACHE=DIR puts debug-kernel/ and
# rt-kernel/ in DIR instead of BUILD/testsuite, for build trees to share
# one kernel build.
#
# Kernel and module builds run under `nice -n 19` with `make -jN` (N:
# --jobs, default 2).  Prints the directory on stdout; progress goes to
# stderr, the kernel build's log to DIR/build.log.
#
# Needs (debug): linux-source-6.1 and the kernel's build tools (bc bison
# flex libelf-dev libssl-dev); `MIRROR_DEBUG_KERNEL=1 scripts/bootstrap.sh`
# installs them.  (rt): apt-get's package lists and linux-kbuild-6.1.
#
# Exit status: 0 ready, 1 a build or download failed, 77 something it
# needs is missing.

set -e

me=vm-kernel.sh
vmdir=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$vmdir/../.." && pwd)
builddir=${top_builddir:-$srcdir}
jobs=2
flavour=
tarball=${MIRROR_KERNEL_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
recipe="x86_64_defconfig kvm_guest.config debug-kernel.config olddefconfig bzImage modules"

die() { echo "$me: $*" >&2; exit 1; }
missing() { echo "$me: cannot get the $flavour kernel: $*" >&2; exit 77; }

while [ $# -gt 0 ]; do
	case $1 in
	--flavour) flavour=$2; shift 2 ;;
	--builddir) builddir=$2; shift 2 ;;
	--srcdir) srcdir=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
case $flavour in
debug|rt) ;;
'') die "no --flavour (debug or rt)" ;;
*) die "unknown kernel flavour '$flavour' (debug or rt)" ;;
esac
case $jobs in ''|*[!0-9]*|0) die "--jobs '$jobs' is not a positive number" ;; esac
srcdir=$(cd "$srcdir" && pwd) || die "no source tree '$srcdir'"
builddir=$(cd "$builddir" && pwd) || die "no build tree '$builddir'"
cacheroot=${MIRROR_KERNEL_CACHE:-$builddir/testsuite}

# ---- where, and is it there? ------------------------------------------
if [ "$flavour" = debug ]; then
	fragment=$srcdir/testsuite/vm/debug-kernel.config
	patches=$(ls "$srcdir"/testsuite/vm/debug-kernel-patches/*.patch 2>/dev/null || :)
	[ -r "$tarball" ] || missing "no $tarball (apt-get install linux-source-6.1)"
	for t in bc bison flex make gcc xz patch; do
		command -v "$t" >/dev/null ||
			missing "$t not found (MIRROR_DEBUG_KERNEL=1 scripts/bootstrap.sh)"
	done
	[ -f /usr/include/libelf.h ] || missing "no libelf.h (apt-get install libelf-dev)"
	[ -f /usr/include/openssl/ssl.h ] || missing "no OpenSSL headers (apt-get install libssl-dev)"
	version=$(dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null) ||
		version=$(stat -c %s-%Y "$tarball")
	# The key: the fragment's CONFIG_ lines (not its comments), the
	# patches and the recipe.
	hash=$( { grep -E '^(CONFIG_|# CONFIG_[A-Z0-9_]+ is not set)' "$fragment"
		[ -z "$patches" ] || cat $patches
		echo "$recipe"; } | sha256sum | cut -c1-12)
	cache=$cacheroot/debug-kernel
	dir=$cache/$version-$hash
else
	command -v apt-get >/dev/null || missing "no apt-get"
	kver=$(apt-cache depends linux-image-rt-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-//p' | head -n 1)
	[ -n "$kver" ] || missing "apt-cache knows no linux-image-rt-amd64 (apt-get update)"
	[ -d /usr/lib/linux-kbuild-6.1 ] || missing "no /usr/lib/linux-kbuild-6.1 (apt-get install linux-kbuild-6.1)"
	cache=$cacheroot/rt-kernel
	dir=$cache/$kver
fi
mkdir -p "$cache"

if command -v flock >/dev/null && [ -z "${MIRROR_VM_KERNEL_LOCKED:-}" ]; then
	# One build per build tree and flavour; a second caller waits, then
	# finds the cache.
	MIRROR_VM_KERNEL_LOCKED=1 exec flock "$cache/.lock" "$0" --flavour "$flavour" \
		--builddir "$builddir" --srcdir "$srcdir" --jobs "$jobs"
fi

kmake()
{
	nice -n 19 make -C "$dir/linux" -j"$jobs" "$@"
}

# ---- the debug kernel, built -------------------------------------------
build_debug()
{
	# An interrupted build resumes: the tree stays once unpacked, the
	# configuration steps run again (nothing changes when they give the
	# same .config) and make goes on from where it stopped.
	t0=$(date +%s)
	if [ ! -f "$dir/.unpacked" ]; then
		echo "$me: building the debug kernel in $dir (linux-source-6.1" \
			"$version, fragment $hash); this takes a while" >&2
		rm -rf "$dir"
		mkdir -p "$dir/linux"
		nice -n 19 tar -xJf "$tarball" -C "$dir/linux" --strip-components=1 ||
			die "extracting $tarball failed"
		touch "$dir/.unpacked"
	else
		echo "$me: resuming the debug kernel's build in $dir" >&2
	fi
	# Each patch once, marked as applied (a resumed build skips it).
	for p in $patches; do
		mark=$dir/.patched-$(basename "$p")
		[ -f "$mark" ] && continue
		patch -p1 -N -d "$dir/linux" <"$p" >>"$dir/build.log" 2>&1 ||
			die "patch $(basename "$p") does not apply (log: $dir/build.log)"
		touch "$mark"
	done
	{
		kmake x86_64_defconfig &&
		(cd "$dir/linux" && ./scripts/kconfig/merge_config.sh -m .config \
			kernel/configs/kvm_guest.config "$fragment") &&
		kmake olddefconfig
	} >>"$dir/build.log" 2>&1 ||
		{ tail -n 40 "$dir/build.log" >&2; die "configuring the kernel failed"; }

	# Every line of the fragment must have survived olddefconfig: a
	# dependency that is not met drops an option silently.
	bad=$(grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' "$fragment" |
		while IFS= read -r want; do
			case $want in
			'# '*) name=${want#\# }; name=${name%% *}
			       grep -q "^$name=" "$dir/linux/.config" && echo "$want" ;;
			*) grep -qxF "$want" "$dir/linux/.config" || echo "$want" ;;
			esac
		done || :)
	[ -z "$bad" ] || die "olddefconfig dropped these lines of $fragment:
$bad"

	# The time of every attempt adds up in build-seconds.
	kmake bzImage modules >>"$dir/build.log" 2>&1 || {
		echo $(($(cat "$dir/build-seconds" 2>/dev/null || echo 0) + $(date +%s) - t0)) \
			>"$dir/build-seconds"
		tail -n 60 "$dir/build.log" >&2
		die "the kernel build failed (log: $dir/build.log)"
	}
	rm -rf "$dir/modroot"
	kmake INSTALL_MOD_PATH="$dir/modroot" INSTALL_MOD_STRIP=1 modules_install \
		>>"$dir/build.log" 2>&1 || die "modules_install failed (log: $dir/build.log)"
	cp "$dir/linux/arch/x86/boot/bzImage" "$dir/bzImage"
	cp "$dir/linux/include/config/kernel.release" "$dir/kernel.release"
	echo $(($(cat "$dir/build-seconds" 2>/dev/null || echo 0) + $(date +%s) - t0)) \
		>"$dir/build-seconds"
	touch "$dir/.done"
	echo "$me: built $(cat "$dir/kernel.release") in $(cat "$dir/build-seconds") s" >&2
}

# ---- the PREEMPT_RT kernel, unpacked -------------------------------------
fetch_rt()
{
	echo "$me: fetching Debian's $kver into $dir" >&2
	rm -rf "$dir"
	mkdir -p "$dir/debs" "$dir/modroot"
	common=$(apt-cache depends "linux-headers-$kver" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-headers-.*-common-rt\)$/\1/p' | head -n 1)
	[ -n "$common" ] || die "no common headers package for linux-headers-$kver"
	(cd "$dir/debs" && apt-get download -q "linux-image-$kver" \
		"linux-headers-$kver" "$common") >"$dir/build.log" 2>&1 ||
		{ cat "$dir/build.log" >&2; die "apt-get download failed"; }
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/modroot" || die "unpacking $deb failed"
	done
	# The headers' scripts/ and tools/ point into the installed
	# linux-kbuild-6.1 (../../lib/linux-kbuild-6.1), their Makefile to
	# the common headers by absolute path.
	mkdir -p "$dir/modroot/usr/lib"
	[ -e "$dir/modroot/usr/lib/linux-kbuild-6.1" ] ||
		ln -s /usr/lib/linux-kbuild-6.1 "$dir/modroot/usr/lib/linux-kbuild-6.1"
	sed -i "s|^include /usr/src/|include $dir/modroot/usr/src/|" \
		"$dir/modroot/usr/src/linux-headers-$kver/Makefile"
	# The modules live in usr/lib/modules or lib/modules, by package version.
	[ -d "$dir/modroot/lib/modules/$kver" ] || {
		mkdir -p "$dir/modroot/lib"
		ln -s ../usr/lib/modules "$dir/modroot/lib/modules"
	}
	depmod -b "$dir/modroot" "$kver" || die "depmod failed for $kver"
	cp "$dir/modroot/boot/vmlinuz-$kver" "$dir/bzImage"
	echo "$kver" >"$dir/kernel.release"
	ln -s "modroot/usr/src/linux-headers-$kver" "$dir/linux"
	rm -rf "$dir/debs"
	touch "$dir/.done"
}

if [ -f "$dir/.done" ]; then
	echo "$me: cached $(cat "$dir/kernel.release") in $dir" \
		"${version:+(built in $(cat "$dir/build-seconds") s)}" >&2
elif [ "$flavour" = debug ]; then
	build_debug
else
	fetch_rt
fi

# ---- mirror.ko against it (incremental) ----------------------------------
mver=$(sed -n 's/^VERSION = //p' "$builddir/Makefile" 2>/dev/null)
m=$dir/mirror
mkdir -p "$m/core" "$m/include"
ksrc=$srcdir/kernel-module
cp -p "$ksrc/Kbuild" "$ksrc"/*.c "$ksrc"/*.h "$m/"
cp -p "$ksrc"/core/*.c "$ksrc"/core/*.h "$m/core/"
cp -p "$ksrc"/include/*.h "$m/include/"
nice -n 19 make -C "$dir/linux" -j"$jobs" M="$m" MIRROR_VERSION="${mver:-unknown}" \
	modules >&2 || die "building mirror.ko against $(cat "$dir/kernel.release") failed"

echo "$dir"
