#!/bin/sh
# so-links.sh DIR PAGE.3...: for each function a family page names in its
# NAME line, other than the page's own, write DIR/FUNCTION.3 holding
# ".so man3/PAGE.3", so that "man FUNCTION" finds the family page.
# With -u, remove those files instead.
set -eu
remove=false
if [ "${1-}" = -u ]; then
	remove=true
	shift
fi
dir=${1:?usage: so-links.sh [-u] DIR PAGE.3...}
shift
for page in "$@"; do
	base=$(basename "$page")
	sed -n '/^\.SH NAME/{n;p;q;}' "$page" | sed 's/ \\- .*//' | tr ',' '\n' |
	while read -r fn; do
		[ -n "$fn" ] && [ "$fn.3" != "$base" ] || continue
		if $remove; then
			rm -f "$dir/$fn.3"
		else
			echo ".so man3/$base" >"$dir/$fn.3"
		fi
	done
done
