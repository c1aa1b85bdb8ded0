#!/bin/sh
# make install into a DESTDIR: mirror.ko lands under extra/ of the target
# kernel and depmod indexes it there (modinfo -b finds it), the userspace
# ioctl header is installed and compiles, the kernel-only mirror.h is not
# under include/; make uninstall takes the module out of the index again.
# Skips (77) when the tree was configured without the module.
. "$(dirname "$0")/../lib/common.sh"

if [ -z "${KERNEL_RELEASE:-}" ] || [ ! -f "$top_builddir/kernel-module/mirror.ko" ]; then
	echo "make-install: mirror.ko not built (--disable-module?): skipping"
	exit 77
fi
# A make of its own, not the jobs of the make check that runs this.
unset MAKEFLAGS MFLAGS MAKELEVEL

ROOT=$TMP/root
MODDIR=$ROOT/lib/modules/$KERNEL_RELEASE
if make -C "$top_builddir" install DESTDIR="$ROOT" >"$TMP/out" 2>&1; then
	pass "make install DESTDIR=..."
else
	fail "make install failed: $(tail -n 20 "$TMP/out")"
	finish
fi

[ -f "$MODDIR/extra/mirror.ko" ] && pass "mirror.ko in extra/ of $KERNEL_RELEASE" ||
	fail "no $MODDIR/extra/mirror.ko"
grep -q '^extra/mirror.ko:' "$MODDIR/modules.dep" 2>/dev/null &&
	pass "depmod indexed it (modules.dep)" ||
	fail "modules.dep of $KERNEL_RELEASE lacks extra/mirror.ko"
f=$(modinfo -b "$ROOT" -k "$KERNEL_RELEASE" -F filename mirror 2>&1)
[ "$f" = "$MODDIR/extra/mirror.ko" ] && pass "modinfo -b -k finds mirror" ||
	fail "modinfo -b $ROOT -k $KERNEL_RELEASE mirror: $f"
# Nothing outside DESTDIR: the running system's index was not touched.
grep -q "$ROOT" "$TMP/out" || fail "make install did not mention DESTDIR"

hdr=$(find "$ROOT" -path '*/include/mirror/mirror_ioctl.h')
if [ -n "$hdr" ]; then
	pass "the ioctl header: ${hdr#"$ROOT"}"
	inc=${hdr%/mirror/mirror_ioctl.h}
	cat >"$TMP/ioc.c" <<'EOC'
#include <stdio.h>
#include <mirror/mirror_ioctl.h>
#include <libmirror.h>
int main(void)
{
	struct mirror_proc_req r = { .pid = 1 };
	printf("%lu %d\n", (unsigned long)MIRROR_IOC_GET, r.pid);
	return 0;
}
EOC
	${CC:-cc} -Wall -Werror -I"$inc" -c -o "$TMP/ioc.o" "$TMP/ioc.c" 2>"$TMP/err" &&
		pass "a program including <mirror/mirror_ioctl.h> and <libmirror.h> compiles" ||
		fail "the installed headers do not compile: $(cat "$TMP/err")"
else
	fail "mirror/mirror_ioctl.h not installed"
fi
kh=$(find "$ROOT" -path '*/include/*' -name mirror.h)
[ -z "$kh" ] && pass "the kernel-only mirror.h is not installed" ||
	fail "kernel-only header installed: $kh"

if make -C "$top_builddir" uninstall DESTDIR="$ROOT" >"$TMP/out" 2>&1 &&
	[ ! -e "$MODDIR/extra/mirror.ko" ] &&
	! grep -q 'extra/mirror' "$MODDIR/modules.dep"; then
	pass "make uninstall removes mirror.ko from the tree and the index"
else
	fail "make uninstall left mirror.ko or its index entry: $(tail -n 5 "$TMP/out")"
fi

finish
