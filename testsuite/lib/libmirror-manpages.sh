#!/bin/sh
# Every symbol in libmirror.sym has a man page: a family page (man/*.3)
# names it in its NAME line and declares it in its SYNOPSIS as libmirror.h
# does, and so-links.sh gives it a page that leads there; the pages render.
. "$(dirname "$0")/common.sh"

SYM=$top_srcdir/lib/libmirror.sym
HDR=$top_srcdir/lib/libmirror.h
MAN=$top_srcdir/man
pages=$(ls "$MAN"/mirror_*.3)

sed -n 's/^[[:space:]]*\(mirror_[a-z0-9_]*\);$/\1/p' "$SYM" | sort >"$TMP/sym"
for p in $pages; do
	sed -n '/^\.SH NAME/{n;p;q;}' "$p" | sed 's/ \\- .*//' | tr ',' '\n' |
		sed 's/^ *//;/^$/d'
done | sort >"$TMP/named"
if [ "$(uniq -d "$TMP/named")" ]; then
	fail "named on two pages: $(uniq -d "$TMP/named" | tr '\n' ' ')"
fi
if diff -u "$TMP/sym" "$TMP/named"; then
	pass "man pages name every symbol of libmirror.sym ($(wc -l <"$TMP/sym")/$(wc -l <"$TMP/sym"))"
else
	fail "libmirror.sym (-) and the man pages' NAME lines (+) differ"
fi

# The SYNOPSIS of each page declares what the header does, word for word.
sed '/^#/{:a;/\\$/{N;ba;};d;}' "$HDR" | tr '\n\t' '  ' |
	sed -E 's:/\*([^*]|\*+[^*/])*\*+/::g' | tr ';' '\n' |
	sed -E 's/^ +//; s/ +/ /g; s/ +$//; s/\( /(/g' |
	grep -E '^[a-z].*\bmirror_[a-z0-9_]+\(' | sort >"$TMP/hdr-protos"
for p in $pages; do
	sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$p" | sed -n 's/^\.B "\(.*\)"$/\1/p' |
		sed 's/\\f[BIR]//g; s/\\-/-/g' | tr '\n' ' ' | tr ';' '\n' |
		sed -E 's/^ +//; s/ +/ /g; s/ +$//' | grep mirror_
done | sort >"$TMP/man-protos"
missing=$(comm -23 "$TMP/hdr-protos" "$TMP/man-protos")
if [ "$(wc -l <"$TMP/hdr-protos")" -ne "$(wc -l <"$TMP/sym")" ]; then
	fail "read $(wc -l <"$TMP/hdr-protos") declarations from libmirror.h, not $(wc -l <"$TMP/sym")"
elif [ -z "$missing" ]; then
	pass "each SYNOPSIS matches libmirror.h ($(wc -l <"$TMP/hdr-protos") declarations)"
else
	fail "declared in libmirror.h but not so in a SYNOPSIS: $missing"
fi

# The .so pages: one per symbol, each leading to an existing page.
mkdir "$TMP/man3"
(cd "$MAN" && sh ./so-links.sh "$TMP/man3" mirror_*.3)
cp "$MAN"/mirror_*.3 "$TMP/man3/"
n=0
while read -r fn; do
	f=$TMP/man3/$fn.3
	if [ ! -f "$f" ]; then
		fail "no page for $fn"
	elif grep -q '^\.so ' "$f" &&
	     [ ! -f "$TMP/man3/$(sed -n 's|^\.so man3/||p' "$f")" ]; then
		fail "$fn.3 leads nowhere"
	else
		n=$((n + 1))
	fi
done <"$TMP/sym"
pass "$n pages after so-links.sh"

for p in $pages; do
	check_man_renders "$p"
done

finish
