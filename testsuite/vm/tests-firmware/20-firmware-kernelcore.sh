# Firmware mode on a machine booted with kernelcore=mirror (vm-run.sh
# --firmware --append kernelcore=mirror; the machine's own kernelcore= is
# dropped then).  Checked from outside the module:
# - the kernel applied efi_fake_mem= and counted the mirrored memory, and
#   laid out ZONE_MOVABLE as kernelcore=mirror does: only memory above
#   4 GiB that is not mirrored goes there (below 4 GiB it stays the
#   kernel's, "This configuration results in unmirrored kernel memory.");
# - mirror.ko without ranges= either loads (having logged the ZONE_MOVABLE
#   line when ZONE_MOVABLE is populated) and claims at most the default
#   budget of each node's mirrored memory, giving it back at unload; or
#   fails with one clear line (the ZONE_MOVABLE line may precede it) and
#   nothing half-claimed: not loaded, MemTotal as before, every memory
#   block online again.  Which one happened is printed
#   ("kernelcore=mirror: ...").
# Booted by make check-debug-firmware (part of make check-debug).
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./firmware-lib.inc
need_mirror

need_firmware_boot yes
assert_eq 1 "$(tr ' ' '\n' </proc/cmdline | grep -c '^kernelcore=')" "kernelcore= options on the command line"

# ---- the kernel's side: ZONE_MOVABLE --------------------------------------
movable=$(awk '/^Node .* zone +Movable/ { m = 1; next } /^Node/ { m = 0 }
	m && $1 == "present" { s += $2 } END { print s + 0 }' /proc/zoneinfo)
above4g=0
while read -r s e; do
	[ $((e)) -gt $((1 << 32)) ] && above4g=1
done <<EOF
$(sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/0x\1 0x\2/p' /proc/iomem)
EOF
log "ZONE_MOVABLE: $movable pages present; System RAM above 4 GiB: $([ $above4g = 1 ] && echo yes || echo no)"
if [ "$above4g" = 0 ]; then
	assert_eq 0 "$movable" "ZONE_MOVABLE pages with all memory below 4 GiB"
	grep -q 'This configuration results in unmirrored kernel memory' "$BOOTLOG" ||
		fail "no 'unmirrored kernel memory' warning, with the unmirrored memory below 4 GiB"
	log "kernel: This configuration results in unmirrored kernel memory."
fi

total0=$(meminfo MemTotal)
online0=$(online_count)
expected_zones 50 >"$VMTEST_TMP/budget"
log "the default budget allows at most:"
sed "s/^/$VMTEST_NAME:   /" "$VMTEST_TMP/budget"

zmline='^mirror: ZONE_MOVABLE is in use \(kernelcore=mirror\?\): '
if try_load "firmware mode, default budget"; then
	log "kernelcore=mirror: loaded"
	assert_eq firmware "$(mirror_read mode)" "mode"
	if [ "$movable" -gt 0 ]; then
		grep -qE "$zmline" "$VMTEST_TMP/lines" || fail "no ZONE_MOVABLE line with ZONE_MOVABLE populated"
	fi
	claimed_zones >"$VMTEST_TMP/got"
	note_claimed
	log "zones claimed:"
	sed "s/^/$VMTEST_NAME:   /" "$VMTEST_TMP/got"
	# Per node at most the budget: each claimed block is one the budget
	# allows.
	while read -r s e nid; do
		b=$((s))
		while [ "$b" -lt $((e)) ]; do
			ok=
			while read -r ws we wn; do
				[ "$b" -ge $((ws)) ] && [ "$b" -lt $((we)) ] && [ "$wn" = "$nid" ] && ok=yes
			done <"$VMTEST_TMP/budget"
			[ -n "$ok" ] || fail "block at $(printf 0x%x "$b") (node $nid) is beyond the budget"
			b=$((b + BS))
		done
	done <"$VMTEST_TMP/got"
	check_unload "kernelcore=mirror" "$total0"
else
	code=$(cat "$VMTEST_TMP/insmod.out")
	# The ZONE_MOVABLE line, if any, then exactly one line saying why.
	grep -vE "$zmline" "$VMTEST_TMP/lines" >"$VMTEST_TMP/why"
	assert_eq 1 "$(wc -l <"$VMTEST_TMP/why")" "mirror.ko's lines besides the ZONE_MOVABLE one"
	assert_match '^mirror: (ranges: none given and |budget: no whole memory block|zone[0-9]+ \()' \
		"$(cat "$VMTEST_TMP/why")" "the refusal's line"
	if [ "$movable" -gt 0 ]; then
		grep -qE "$zmline" "$VMTEST_TMP/lines" ||
			grep -q '^mirror: ranges: none given' "$VMTEST_TMP/why" ||
			fail "no ZONE_MOVABLE line before the claim failed"
	fi
	# Whatever it claimed before the failure is back, online.
	online_blocks
	check_nothing_claimed "kernelcore=mirror" "$total0" "$online0"
	log "kernelcore=mirror: refused ($code): $(cat "$VMTEST_TMP/why")"
fi
log "ok"
