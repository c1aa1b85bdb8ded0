#!/bin/sh
# libmirror exports exactly what libmirror.sym lists, all at LIBMIRROR_1,
# and exactly the functions libmirror.h declares.
. "$(dirname "$0")/common.sh"

SO=$top_builddir/lib/.libs/libmirror.so
SYM=$top_srcdir/lib/libmirror.sym
HDR=$top_srcdir/lib/libmirror.h

if [ ! -f "$SO" ]; then
	fail "$SO not built"
	finish
fi
objdump -T "$SO" | awk '$2 == "g" && $4 != "*UND*" && $6 == "LIBMIRROR_1" && $7 != "LIBMIRROR_1" {print $7}' |
	sort -u >"$TMP/exported"
sed -n 's/^[[:space:]]*\(mirror_[a-z0-9_]*\);$/\1/p' "$SYM" | sort -u >"$TMP/listed"
grep -oE '^[a-z].*[ *](mirror_[a-z0-9_]+)\(' "$HDR" |
	sed -E 's/.*[ *](mirror_[a-z0-9_]+)\($/\1/' | sort -u >"$TMP/declared"

diff -u "$TMP/listed" "$TMP/exported" && pass "exported = libmirror.sym ($(wc -l <"$TMP/listed"))" ||
	fail "libmirror.sym (-) and the exported symbols (+) differ"
diff -u "$TMP/listed" "$TMP/declared" && pass "libmirror.h declares every symbol" ||
	fail "libmirror.sym (-) and libmirror.h (+) differ"
# Nothing else leaks out unversioned.
n=$(objdump -T "$SO" | awk '$2 == "g" && $4 != "*UND*" && $4 ~ /text|data|bss/ && $6 != "LIBMIRROR_1"' | wc -l)
[ "$n" -eq 0 ] && pass "no unversioned exports" || fail "$n unversioned exports"

finish
