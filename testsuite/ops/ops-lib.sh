# shellcheck shell=sh
# Sourced by the ops tests after lib/common.sh.

CONTRIB=$top_srcdir/contrib

# mirrorstat_metrics FILE: every metric family mirrorstat --prometheus
# prints over the captured trees (each backend, with processes) and the
# generated 64-node tree (which has failovers), one name a line, sorted.
mirrorstat_metrics() {
	gen_m64
	{
		"$MIRRORSTAT" --prometheus --sysroot "$FIXTURES/module-48g" --top 3
		"$MIRRORSTAT" --prometheus --sysroot "$TMP/m64"
		"$MIRRORSTAT" --prometheus --sysroot "$FIXTURES/kernelcore-48g" -p 777
		"$MIRRORSTAT" --prometheus --sysroot "$FIXTURES/openeuler" --top 3
	} | sed -n 's/^# TYPE \([a-z_:]*\) .*/\1/p' | sort -u >"$1"
}

# check_metric_names WHAT NAMES KNOWN: every name of the file NAMES is in
# the file KNOWN.
check_metric_names() {
	_unknown=$(comm -23 "$2" "$3" | tr '\n' ' ')
	if [ ! -s "$2" ]; then
		fail "$1: no mirror_ metric found"
	elif [ -n "$_unknown" ]; then
		fail "$1 uses metrics the tools do not print: $_unknown"
	else
		pass "$1: $(wc -l <"$2") metrics, all printed by the tools"
	fi
}

# need_promtool: skip (77) without it.
need_promtool() {
	if ! command -v promtool >/dev/null 2>&1; then
		echo "promtool not found (apt-get install prometheus): skipping"
		exit 77
	fi
}
