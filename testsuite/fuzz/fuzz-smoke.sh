#!/bin/sh
# fuzz-smoke.sh - run each parser fuzzer for a few seconds from its seed
# corpus.  Exits 77 (skip) when the fuzzers were not built, i.e. when
# configure found no clang.
#
# Environment: top_srcdir, top_builddir (set by make check);
# FUZZ_SMOKE_SECONDS (default 3).

srcdir=${top_srcdir:-$(dirname "$0")/../..}/testsuite/fuzz
bindir=${top_builddir:-$(dirname "$0")/../..}/testsuite/fuzz
seconds=${FUZZ_SMOKE_SECONDS:-3}

for name in range e820 energy; do
	if [ ! -x "$bindir/fuzz-$name" ]; then
		echo "fuzz-smoke: $bindir/fuzz-$name not built (no clang at configure time): skipping"
		exit 77
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mirror-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

rc=0
for name in range e820 energy; do
	mkdir "$work/$name" || exit 1
	# New inputs go to the scratch corpus (first directory), never into
	# the seeds in the source tree.
	if "$bindir/fuzz-$name" -max_total_time="$seconds" -max_len=8192 \
		-timeout=10 -print_final_stats=1 \
		-artifact_prefix="$work/crash-" \
		"$work/$name" "$srcdir/corpus-$name" >"$work/log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
		echo "fuzz-$name: ok, ${runs:-?} inputs in ${seconds} s"
	else
		echo "fuzz-$name: FAILED"
		tail -n 40 "$work/log"
		for f in "$work"/crash-*; do
			[ -f "$f" ] || continue
			keep="$bindir/$(basename "$f" | sed "s/^crash-/crash-$name-/")"
			cp "$f" "$keep" && echo "fuzz-$name: input saved as $keep"
			od -c "$f" | head -n 20
		done
		rm -f "$work"/crash-*
		rc=1
	fi
done
exit $rc
