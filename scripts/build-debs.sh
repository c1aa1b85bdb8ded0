#!/bin/sh
# build-debs.sh - build the Debian packages from debian/ in a copy of this
# tree (the checkout stays clean) and put the .deb, .changes and
# .buildinfo files in OUTDIR.  The tree as it is: tracked and new files,
# not what .gitignore hides, so it needs a git checkout.
#
#   scripts/build-debs.sh OUTDIR
set -eu

if [ $# -ne 1 ]; then
	echo "usage: scripts/build-debs.sh OUTDIR" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
if [ "$(git -C "$top" rev-parse --show-toplevel 2>/dev/null)" != "$(cd "$top" && pwd -P)" ] ||
	[ ! -f "$top/debian/changelog" ]; then
	echo "build-debs: $top is not the top of a git checkout with debian/" >&2
	exit 1
fi
version=$(sed -n '1s/^mirror (\([^-)]*\).*/\1/p' "$top/debian/changelog")
work=$(mktemp -d "${TMPDIR:-/tmp}/mirror-debs.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/mirror-$version"
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	tar -cf - --null -T -) | tar -xf - -C "$work/mirror-$version"
# CI=true would turn the skips of the package build's own tests into
# failures; a make of its own.
(cd "$work/mirror-$version" && env -u CI -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	dpkg-buildpackage -us -uc -b)
mv -f "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out/"
echo "build-debs: packages in $out:"
for f in "$out"/*.deb; do
	echo "  $f ($(stat -c %s "$f") bytes)"
done
