#!/bin/bash
# The bash completions of contrib/bash-completion, loaded over the real
# bash-completion framework and driven as bash drives them on TAB: every
# option of each tool's --help is offered, the subcommands and scenarios,
# the values of --backend, --repair, --method, --fallback, column names
# after -o (in a comma list), PIDs, files after 'energy load'.  Skips (77)
# without bash-completion.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/../lib/common.sh"

FRAMEWORK=/usr/share/bash-completion/bash_completion
if [ ! -r "$FRAMEWORK" ]; then
	echo "bash-completion: $FRAMEWORK not found (apt-get install bash-completion): skipping"
	exit 77
fi
# The framework reads the interactive shell's settings; quiet its checks.
set +u
. "$FRAMEWORK"
for f in "$top_srcdir"/contrib/bash-completion/*; do
	. "$f"
done
export PATH="$top_builddir/cli:$top_builddir/fault-injection:$PATH"

# comp LINE: what TAB offers at the end of LINE, sorted, one a line.
comp() {
	local line=$1 fn
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	fn=$(complete -p "${COMP_WORDS[0]}" 2>/dev/null | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
	if [[ -z $fn ]]; then
		echo "no completion for ${COMP_WORDS[0]}"
		return
	fi
	# (compopt only works under a real TAB: its complaint is dropped.)
	"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}" 2> >(grep -v 'compopt: not currently' >&2)
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u
}

# expect LINE WORD...: TAB after LINE offers exactly these words.
expect() {
	local line=$1 got want
	shift
	got=$(comp "$line" | tr '\n' ' ')
	want=
	[[ $# -gt 0 ]] && want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
	if [[ $got == "$want" ]]; then
		pass "'$line' -> $got"
	else
		fail "'$line' offers '$got', not '$want'"
	fi
}

# expect_has LINE WORD...: TAB after LINE offers at least these words.
expect_has() {
	local line=$1 w got
	shift
	got=$(comp "$line")
	for w in "$@"; do
		if ! grep -qxF -- "$w" <<<"$got"; then
			fail "'$line' does not offer '$w' (offers: $(tr '\n' ' ' <<<"$got"))"
			return
		fi
	done
	pass "'$line' offers $*"
}

# Every option of --help: its long form, or the short one when it has none
# (bash-completion offers long options where both exist).
help_opts() {
	"$1" --help | grep -E '^ +-' | while read -r line; do
		if [[ $line =~ (--[a-z][a-z-]*) ]]; then
			echo "${BASH_REMATCH[1]}"
		elif [[ $line =~ ^(-[A-Za-z]) ]]; then
			echo "${BASH_REMATCH[1]}"
		fi
	done | sort -u
}
for tool in mirrorstat memtype mirror-drill mirrorctl mirrord; do
	help_opts "$tool" >"$TMP/opts"
	# mirrorctl's commands have their options in the usage lines.
	[[ $tool == mirrorctl ]] &&
		mirrorctl --help | grep -oE -- '--[a-z][a-z-]*' | sort -u >>"$TMP/opts" &&
		sort -u -o "$TMP/opts" "$TMP/opts"
	comp "$tool -" >"$TMP/offered"
	if [[ $tool == mirrorctl ]]; then
		# The options of a command are offered after it.
		for c in set clear show run migrate policy load apply monitor; do
			comp "mirrorctl $c -" >>"$TMP/offered"
		done
		sort -u -o "$TMP/offered" "$TMP/offered"
	fi
	missing=$(comm -23 "$TMP/opts" "$TMP/offered" | tr '\n' ' ')
	[[ -s $TMP/opts && -z $missing ]] &&
		pass "$tool: the $(wc -l <"$TMP/opts") options of --help are offered" ||
		fail "$tool: options of --help not offered: $missing"
done

# Every command and scenario the tools' --help names.
mirrorctl --help | sed -n 's/^ mirrorctl \(\[[-a-zJ]*\] \)\{0,1\}\([a-z]*\).*/\2/p' | sort -u >"$TMP/cmds"
missing=$(comm -23 "$TMP/cmds" <(comp "mirrorctl ") | tr '\n' ' ')
[[ -s $TMP/cmds && -z $missing ]] && pass "mirrorctl: the $(wc -l <"$TMP/cmds") commands of --help are offered" ||
	fail "mirrorctl: commands of --help not offered: $missing"
memtype --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}' | sort -u >"$TMP/cmds"
missing=$(comm -23 "$TMP/cmds" <(comp "memtype ") | tr '\n' ' ')
[[ -s $TMP/cmds && -z $missing ]] && pass "memtype: the $(wc -l <"$TMP/cmds") commands of --help are offered" ||
	fail "memtype: commands of --help not offered: $missing"
mirror-drill --help | sed -n '/^Scenarios:/,/^$/p' | awk 'NF > 1 {print $1}' | sort -u >"$TMP/cmds"
missing=$(comm -23 "$TMP/cmds" <(comp "mirror-drill ") | tr '\n' ' ')
[[ -s $TMP/cmds && -z $missing ]] && pass "mirror-drill: the $(wc -l <"$TMP/cmds") scenarios of --help are offered" ||
	fail "mirror-drill: scenarios of --help not offered: $missing"

# mirrorstat
expect "mirrorstat --prom" --prometheus
expect "mirrorstat --backend " auto module kernelcore reliable
expect "mirrorstat --backend=k" kernelcore
expect "mirrorstat -o US" USE% USED
expect "mirrorstat -o ZONE,NO" ZONE,NODE
expect "mirrorstat --output +FAIL" +FAILED +FAILOVER/S +FAILOVERS
expect_has "mirrorstat -p " "$$" 1
expect_has "mirrorstat -p 1,$$" "1,$$"
expect "mirrorstat --top " 

# memtype
expect "memtype " list lookup energy stats
expect "memtype -J " list lookup energy stats
expect "memtype energy " load
expect "memtype -o " ALLOC0 ALLOC1 ENERGY FILL MIRRORED NAME NODE OTHER RANGE SAVED \
	SAVING SCRUB SIZE SOURCE TYPE WRITE0 WRITE1
mkdir -p "$TMP/tables" && : >"$TMP/tables/pcm.table"
expect "memtype energy load $TMP/tables/p" "$TMP/tables/pcm.table"
expect_has "memtype lookup --pid " "$$"

# mirror-drill
expect "mirror-drill " failover control fill hardware all
expect "mirror-drill --pages 4 f" failover fill
expect "mirror-drill failover " 
expect "mirror-drill --repair " kernel patrol scrub
expect "mirror-drill --method " madvise corrupt-pfn

# mirrorctl
expect "mirrorctl " set clear show run migrate policy load unload apply monitor
expect "mirrorctl a" apply
expect "mirrorctl apply --" --config --dry-run
expect "mirrorctl monitor -" --daemon -J --json
mkdir -p "$TMP/etc" && : >"$TMP/etc/mirror.conf" && : >"$TMP/etc/other.txt"
expect "mirrorctl apply --config $TMP/etc/" "$TMP/etc/mirror.conf"
expect "mirrorctl -J s" set show
expect "mirrorctl policy --fallback " on off
expect "mirrorctl migrate 1 --to-" --to-mirror --to-normal
expect "mirrorctl set -" --cgroup --limit --no-move --unit
expect "mirrorctl clear --" --cgroup --move-back --unit
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	g=$(cd /sys/fs/cgroup && ls -d */ | head -n 1)
	expect_has "mirrorctl set --cgroup /${g%%/*}" "/${g%/}"
fi
# mirrord
expect "mirrord --d" --daemon --dry-run
expect "mirrord --config $TMP/etc/" "$TMP/etc/mirror.conf"
expect_has "mirrorctl show " "$$" 1
: >"$TMP/mirror.ko"
expect "mirrorctl load --module $TMP/mir" "$TMP/mirror.ko"
expect_has "mirrorctl run -- mirrorst" mirrorstat

finish
