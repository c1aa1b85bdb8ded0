#!/bin/sh
# demo.sh - boot the test machine and run scripts/demo-vm.sh inside it
# (make demo).  Needs a configured and built tree with mirror.ko.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${top_builddir:-$top}
if [ ! -f "$builddir/kernel-module/mirror.ko" ]; then
	echo "demo: $builddir/kernel-module/mirror.ko is not built (run scripts/bootstrap.sh)" >&2
	exit 1
fi
exec "$top/testsuite/vm/vm-run.sh" --builddir "$builddir" \
	--script "$top/scripts/demo-vm.sh"
