#!/bin/sh
# Per-process usage from the running kernel's /proc/PID/pagemap: a sysroot
# whose sys/ is the captured mirror.ko tree and whose proc/ is the real
# /proc.  Root sees page frame numbers; anyone else must get a clear
# "needs root" error, never zeros.
. "$(dirname "$0")/common.sh"

mkdir "$TMP/root"
ln -s "$FIXTURES/module-48g/sys" "$TMP/root/sys"
ln -s /proc "$TMP/root/proc"

# A process with a known resident size: a shell sleeping.
sleep 30 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT

if [ "$(id -u)" -eq 0 ]; then
	if "$MIRRORSTAT" --sysroot "$TMP/root" -p "$pid" -b -r -n \
		-o PID,RSS,MIRROR,OTHER,SOURCE >"$TMP/out" 2>"$TMP/err"; then
		read -r p rss mirror other source <"$TMP/out"
		if [ "$p" = "$pid" ] && [ "$rss" -gt 0 ] &&
		   [ $((mirror + other)) -eq "$rss" ] && [ "$source" = pagemap ]; then
			pass "pid $pid: rss $rss = mirror $mirror + other $other"
		else
			fail "pid $pid: unexpected '$(cat "$TMP/out")'"
		fi
	else
		fail "mirrorstat -p $pid as root: $(cat "$TMP/err")"
	fi
	if "$MIRRORSTAT" --sysroot "$TMP/root" --top 5 -J >"$TMP/json" 2>"$TMP/err" &&
	   "$JSON_CHECK" 4 4 <"$TMP/json" >/dev/null &&
	   [ "$(grep -c '"pid":' "$TMP/json")" -eq 5 ]; then
		pass "--top 5 over the real /proc"
	else
		fail "--top 5 over the real /proc: $(cat "$TMP/err")"
	fi
	# The same as an unprivileged user, when there is one to become.
	if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
		chmod 755 "$TMP" "$TMP/root"
		expect_fail 1 "needs root" -- setpriv --reuid=nobody --regid=nogroup \
			--clear-groups "$MIRRORSTAT" --sysroot "$TMP/root" -p "$pid"
		expect_fail 1 "needs root" -- setpriv --reuid=nobody --regid=nogroup \
			--clear-groups "$MIRRORSTAT" --sysroot "$TMP/root" --top 3
		# Its own process: readable, but the kernel zeroes the PFNs.
		setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 30 &
		own=$!
		# Until setpriv has become nobody and run sleep: a fixed
		# sleep can end before it has on a loaded host.
		i=0
		while [ "$(cat "/proc/$own/comm" 2>/dev/null)" != sleep ] && [ "$i" -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		expect_fail 1 "physical page numbers are hidden: reading them needs root" -- \
			setpriv --reuid=nobody --regid=nogroup --clear-groups \
			"$MIRRORSTAT" --sysroot "$TMP/root" -p "$own"
		kill "$own" 2>/dev/null
	else
		echo "no setpriv or no user nobody: unprivileged case not run"
	fi
else
	expect_fail 1 "needs root" -- "$MIRRORSTAT" --sysroot "$TMP/root" -p "$pid"
fi

finish
