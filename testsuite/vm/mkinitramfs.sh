#!/bin/sh
# Build the base initramfs of the test machine.
#
# usage: mkinitramfs.sh [--srcdir DIR] [--builddir DIR] [--out DIR]
#                       [--kernel-release KVER] [--modroot DIR]
#                       [--module-dir DIR]
#
# Puts into OUT/root and packs as OUT/base.cpio.gz:
#   /init                    vm-init.sh
#   /bin/busybox             busybox-static, applets installed at boot
#   /lib/modules/KVER/...    the distribution modules named in VM_KMODS
#                            (with dependencies and a depmod index)
#   /lib/modules/mirror/     mirror.ko and mirror_test.ko, when built
#                            (mirror.ko also in /lib/modules/KVER/extra,
#                            indexed: found by name through libkmod)
#   /usr/bin                 the project's tools (cli/, fault-injection/),
#   /usr/lib/mirror-vm       with libmirror and every shared library they use
#   /usr/bin                 the VM_EXTRA_PROGRAMS the host has (and their
#                            libraries in /usr/lib/mirror-vm)
#   /usr/local/bin           testsuite/vm/helpers/*.c, compiled -static
#   /vm/lib.sh, /vm/tests/   the shell library and the test scripts
#   /vm/env                  the environment every script sees
#
# Defaults: the source tree is the one this script lives in, the build tree
# is $top_builddir or else the source tree, OUT is BUILD/testsuite/vm-build,
# the kernel release is $KERNEL_RELEASE or the one configure recorded.
# The kernel's modules come from MODROOT/lib/modules/KVER (MODROOT default:
# /), mirror*.ko from the module directory (default BUILD/kernel-module).
# Anything the tests need that is missing (busybox, the kernel's modules)
# is an error; what the project has not built yet (the module, the tools)
# and third-party programs the host lacks are left out and the environment
# says so.

set -e

me=mkinitramfs.sh
vmdir=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$vmdir/../.." && pwd)
builddir=${top_builddir:-$srcdir}
out=
kver=${KERNEL_RELEASE:-}
modroot=
kodir=

die() { echo "$me: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--srcdir) srcdir=$2; shift 2 ;;
	--builddir) builddir=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--kernel-release) kver=$2; shift 2 ;;
	--modroot) modroot=$2; shift 2 ;;
	--module-dir) kodir=$2; shift 2 ;;
	-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done

srcdir=$(cd "$srcdir" && pwd) || die "no source tree '$srcdir'"
builddir=$(cd "$builddir" && pwd) || die "no build tree '$builddir'"
vmdir=$srcdir/testsuite/vm
out=${out:-$builddir/testsuite/vm-build}
. "$vmdir/vm-config.sh"

if [ -z "$kver" ] && [ -f "$builddir/testsuite/Makefile" ]; then
	kver=$(sed -n 's/^KERNEL_RELEASE = //p' "$builddir/testsuite/Makefile")
fi
[ -n "$kver" ] || die "no kernel release: set KERNEL_RELEASE or pass --kernel-release"
[ -d "$modroot/lib/modules/$kver" ] || die "no $modroot/lib/modules/$kver: install linux-image-$kver"
kodir=${kodir:-$builddir/kernel-module}

busybox=
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then
		busybox=$b
		break
	fi
done
[ -n "$busybox" ] || die "no static busybox: install busybox-static"

root=$out/root
rm -rf "$root"
mkdir -p "$out" "$root"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin usr/local/bin usr/lib/mirror-vm \
	etc root proc sys dev tmp run vm/tests vm/run lib/modules/mirror
cp "$busybox" bin/busybox
cp "$vmdir/vm-init.sh" init
chmod 755 init
cp "$vmdir/lib.sh" vm/lib.sh
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' >etc/group
ln -s /proc/mounts etc/mtab

# ---- distribution kernel modules --------------------------------------
mkdir -p "lib/modules/$kver"
for m in $VM_KMODS; do
	deps=$(modprobe ${modroot:+-d "$modroot"} -S "$kver" --show-depends "$m" 2>/dev/null) ||
		die "kernel module $m not found for $kver"
	echo "$deps" | sed -n 's/^insmod \([^ ]*\).*/\1/p' | while read -r ko; do
		ko=${ko#"$modroot"}
		rel=${ko#/lib/modules/"$kver"/}
		case $ko in
		/usr/lib/modules/$kver/*) rel=${ko#/usr/lib/modules/"$kver"/} ;;
		esac
		ko=$modroot$ko
		mkdir -p "lib/modules/$kver/$(dirname "$rel")"
		# busybox insmod reads plain ELF only.
		case $rel in
		*.ko.xz) xz -dc "$ko" >"lib/modules/$kver/${rel%.xz}" ;;
		*.ko.zst) zstd -qdc "$ko" >"lib/modules/$kver/${rel%.zst}" ;;
		*.ko.gz) gzip -dc "$ko" >"lib/modules/$kver/${rel%.gz}" ;;
		*) cp "$ko" "lib/modules/$kver/$rel" ;;
		esac
	done
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$modroot/lib/modules/$kver/$f" ] && cp "$modroot/lib/modules/$kver/$f" "lib/modules/$kver/"
done

# ---- the project's modules --------------------------------------------
# Each in /lib/modules/mirror/ (the scripts insmod them from there), and
# mirror.ko also where make install and DKMS put it, in the depmod index:
# mirrorctl load and apply find it by name through libkmod, as on a server.
mirror_ko=
mirror_test_ko=
for ko in $(find "$kodir" -maxdepth 3 -name 'mirror*.ko' 2>/dev/null | sort); do
	magic=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	if [ "$magic" != "$kver" ]; then
		echo "$me: leaving out $ko: built for '$magic', not $kver" >&2
		continue
	fi
	cp "$ko" lib/modules/mirror/
	case $(basename "$ko") in
	mirror.ko)
		mirror_ko=/lib/modules/mirror/mirror.ko
		mkdir -p "lib/modules/$kver/extra"
		ln lib/modules/mirror/mirror.ko "lib/modules/$kver/extra/mirror.ko" ;;
	mirror_test.ko) mirror_test_ko=/lib/modules/mirror/mirror_test.ko ;;
	esac
done
depmod -b "$root" "$kver" || die "depmod failed for the initramfs modules"

# ---- the project's tools, with their shared libraries -----------------
copy_libs()
{
	# $1: an ELF file; copies what the dynamic loader would load for it.
	LD_LIBRARY_PATH=$builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
		ldd "$1" 2>/dev/null | while read -r a b c d; do
		case $a in
		/*) lib=$a; dest=.$a ;;	# the loader itself
		*) [ "$b" = "=>" ] && [ -f "$c" ] || continue
		   lib=$c; dest=usr/lib/mirror-vm/$a ;;
		esac
		[ -e "$dest" ] && continue
		mkdir -p "$(dirname "$dest")"
		cp -L "$lib" "$dest"
	done
}

is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

tools=
for d in cli fault-injection; do
	[ -d "$builddir/$d" ] || continue
	for f in "$builddir/$d"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		name=$(basename "$f")
		case $name in
		*.sh|*.o|*.lo|*.la|Makefile*|config*) continue ;;
		esac
		if is_elf "$f"; then
			bin=$f
		elif grep -q 'temporary wrapper script for' "$f" 2>/dev/null; then
			bin=$builddir/$d/.libs/$name
			[ -f "$bin" ] || bin=$builddir/$d/.libs/lt-$name
			[ -f "$bin" ] || continue
		elif [ "$(head -c 9 "$f")" = '#!/bin/sh' ]; then
			# a shell script: runs under busybox sh as it is
			cp "$f" "usr/bin/$name"
			tools="$tools $name"
			continue
		else
			continue
		fi
		cp "$bin" "usr/bin/$name"
		copy_libs "$bin"
		tools="$tools $name"
	done
done
if ls "$builddir"/lib/.libs/libmirror.so* >/dev/null 2>&1; then
	cp -P "$builddir"/lib/.libs/libmirror.so* usr/lib/mirror-vm/
	for l in "$builddir"/lib/.libs/libmirror.so.*; do
		[ -L "$l" ] || copy_libs "$l"
	done
fi

# ---- third-party programs, when the host has them ---------------------
extra=
for name in $VM_EXTRA_PROGRAMS; do
	bin=$(PATH=$PATH:/usr/sbin:/sbin command -v "$name" 2>/dev/null) || bin=
	if [ -z "$bin" ] || ! is_elf "$bin"; then
		echo "$me: leaving out $name: not installed on this host" >&2
		continue
	fi
	cp -L "$bin" "usr/bin/$name"
	copy_libs "$bin"
	extra="$extra $name"
done

# ---- helpers: small static programs the tests run ---------------------
helpers=
mkdir -p "$out/helpers"
for c in "$srcdir"/testsuite/vm/helpers/*.c; do
	[ -f "$c" ] || continue
	name=$(basename "$c" .c)
	exe=$out/helpers/$name
	newest=$(ls -t "$c" "$srcdir"/testsuite/vm/helpers/*.h \
		"$srcdir"/kernel-module/include/*.h "$exe" 2>/dev/null | head -n 1)
	if [ ! -f "$exe" ] || [ "$newest" != "$exe" ]; then
		echo "  CC       vm/helpers/$name" >&2
		${CC:-cc} -O2 -Wall -static \
			-I"$srcdir/testsuite/vm/helpers" \
			-I"$srcdir/kernel-module/include" \
			-o "$exe.tmp" "$c" || die "compiling $c failed"
		mv "$exe.tmp" "$exe"
	fi
	cp "$exe" usr/local/bin/
	helpers="$helpers $name"
done

# ---- tests, and the environment they see ------------------------------
if [ -d "$srcdir/testsuite/vm/tests" ]; then
	cp -R "$srcdir/testsuite/vm/tests/." vm/tests/
fi

node_ranges=
n=0
while [ "$n" -lt "$VM_NODES" ]; do
	start=$(vm_node_start $n)
	node_ranges="$node_ranges $(printf '0x%x-0x%x' "$start" $((start + ($(vm_node_mb $n) << 20))))"
	n=$((n + 1))
done

cat >vm/env <<EOF
# Written by mkinitramfs.sh; the contract is testsuite/vm/README.md.
export KERNEL_RELEASE='$kver'
export MIRROR_KO='$mirror_ko'
export MIRROR_TEST_KO='$mirror_test_ko'
export MIRROR_VM_RANGES='$VM_RANGES'
export MIRROR_VM_NODES='$VM_NODES'
export MIRROR_VM_NODE_RANGES='${node_ranges# }'
export MIRROR_VM_DISTANCES='$(echo "$VM_DISTANCES" | tr '\n' ';' | sed 's/;$//')'
export MIRROR_VM_TOOLS='${tools# }'
export MIRROR_VM_HELPERS='${helpers# }'
export MIRROR_VM_EXTRA='${extra# }'
export MIRROR_VM_LIB=/vm/lib.sh
export MIRROR_VM_KERNEL_TROUBLE='$VM_KERNEL_TROUBLE'
EOF

mods="${mirror_ko:+ mirror.ko}${mirror_test_ko:+ mirror_test.ko}"

# ---- pack ---------------------------------------------------------------
find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1 >"$out/base.cpio.gz.tmp"
mv "$out/base.cpio.gz.tmp" "$out/base.cpio.gz"
echo "$me: $out/base.cpio.gz ($(du -k "$out/base.cpio.gz" | cut -f1) KiB):" \
	"kernel $kver, modules:${mods:- none built}," \
	"tools:${tools:- none}, helpers:${helpers:- none}," \
	"third-party:${extra:- none}" >&2
