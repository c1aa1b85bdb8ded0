# Firmware mode, booted without kernelcore=mirror (vm-run.sh --firmware:
# OVMF, efi_fake_mem= marking ranges MORE_RELIABLE; the machine's own
# kernelcore= stays).  Checked from outside the module:
# - the kernel applied efi_fake_mem= and counted the mirrored memory;
# - budget=0, -5% and 101% fail the load with EINVAL and one log line
#   (the budget is checked before anything else), nothing claimed;
# - mirror.ko without ranges= either loads in firmware mode, its zones the
#   MORE_RELIABLE ranges trimmed to whole blocks and to 50% of each node's
#   (budget=100%: all of them), allocations inside them, memory back at
#   unload; or refuses with ENODEV and one line saying why, nothing
#   claimed.  Which one happened is printed ("firmware mode: ...").
#   On x86 (Linux 6.1) it is the refusal: the kernel keeps only the
#   firmware's runtime regions in its EFI memory map after boot
#   (__efi_enter_virtual_mode(), efi_free_boot_services()), so no
#   MORE_RELIABLE conventional memory is left for a module to read.
# Booted by make check-debug-firmware (part of make check-debug).
# vm-timeout: 300
. "$MIRROR_VM_LIB"
. ./firmware-lib.inc
need_mirror

need_firmware_boot no

total0=$(meminfo MemTotal)
online0=$(online_count)

expected_zones 50 >"$VMTEST_TMP/want50"
expected_zones 100 >"$VMTEST_TMP/want100"
log "zones expected with the default budget (50%):"
sed "s/^/$VMTEST_NAME:   /" "$VMTEST_TMP/want50"
[ -s "$VMTEST_TMP/want50" ] || fail "efi_fake_mem=$FAKE leaves no whole block within 50% of a node"

# ---- bad budgets: EINVAL, one line, nothing claimed ----------------------
for b in 0 -5% 101%; do
	try_load "budget=$b" "budget=$b" && fail "mirror.ko loaded with budget=$b"
	assert_match 'Invalid argument' "$(cat "$VMTEST_TMP/insmod.out")" "budget=$b: the load's error"
	assert_eq 1 "$(wc -l <"$VMTEST_TMP/lines")" "budget=$b: mirror.ko's log lines"
	assert_match "^mirror: budget: '$b': " "$(cat "$VMTEST_TMP/lines")" "budget=$b: the line"
	check_nothing_claimed "budget=$b" "$total0" "$online0"
done

# ---- firmware mode, default budget ---------------------------------------
if try_load "firmware mode, default budget"; then
	log "firmware mode: loaded"
	assert_eq firmware "$(mirror_read mode)" "mode"
	claimed_zones >"$VMTEST_TMP/got50"
	note_claimed
	log "zones claimed:"
	sed "s/^/$VMTEST_NAME:   /" "$VMTEST_TMP/got50"
	assert_eq "$(cat "$VMTEST_TMP/want50")" "$(cat "$VMTEST_TMP/got50")" "zones with the default budget"

	# Allocations through the test module land inside the zones.
	need_mirror_test
	load_mirror_test
	echo "alloc n=16 order=0 gfp=kernel,mirror cpu=0" >/sys/kernel/debug/mirror_test/ctl ||
		fail "mirror_test refused the allocation"
	cat /sys/kernel/debug/mirror_test/ctl >"$VMTEST_TMP/alloc"
	head -n 1 "$VMTEST_TMP/alloc" | sed "s/^/$VMTEST_NAME:   /"
	n=0
	for pfn in $(sed -n '2,$p' "$VMTEST_TMP/alloc" | grep '^0x'); do
		a=$((pfn << 12))
		in=
		while read -r s e nid; do
			[ "$a" -ge $((s)) ] && [ "$a" -lt $((e)) ] && in=yes
		done <"$VMTEST_TMP/got50"
		[ -n "$in" ] || fail "pfn $pfn lies outside every zone"
		n=$((n + 1))
	done
	assert_eq 16 "$n" "pages allocated inside the zones"
	echo "free all" >/sys/kernel/debug/mirror_test/ctl 2>/dev/null
	rmmod mirror_test || fail "rmmod mirror_test failed"
	check_unload "default budget" "$total0"

	try_load "firmware mode, budget=100%" budget=100% ||
		fail "mirror.ko budget=100% did not load after the default budget did"
	claimed_zones >"$VMTEST_TMP/got100"
	note_claimed
	assert_eq "$(cat "$VMTEST_TMP/want100")" "$(cat "$VMTEST_TMP/got100")" "zones with budget=100%"
	check_unload "budget=100%" "$total0"
else
	assert_match 'No such device' "$(cat "$VMTEST_TMP/insmod.out")" "the load's error"
	assert_eq 1 "$(wc -l <"$VMTEST_TMP/lines")" "mirror.ko's log lines"
	assert_match "^mirror: ranges: none given and the kernel's EFI memory map has no conventional memory left \(it keeps only the firmware's runtime regions after boot\): the mirrored ranges cannot be read$" \
		"$(cat "$VMTEST_TMP/lines")" "the refusal's line"
	check_nothing_claimed "firmware mode" "$total0" "$online0"
	# The map the kernel kept (/sys/firmware/efi/runtime-map mirrors it):
	# runtime regions, and none of conventional memory (type 7).
	if [ -d /sys/firmware/efi/runtime-map ]; then
		conv=$(cat /sys/firmware/efi/runtime-map/*/type | grep -cx 0x7)
		log "runtime map: $(ls /sys/firmware/efi/runtime-map | wc -l) descriptors, $conv of conventional memory"
		assert_eq 0 "$conv" "conventional-memory descriptors in the runtime map"
	fi
	try_load "firmware mode, budget=100%" budget=100% &&
		fail "budget=100% loaded where the default budget was refused"
	assert_eq 1 "$(wc -l <"$VMTEST_TMP/lines")" "budget=100%: mirror.ko's log lines"
	check_nothing_claimed "budget=100%" "$total0" "$online0"
	log "firmware mode: refused (ENODEV): the kernel's EFI memory map holds no conventional memory after boot"
fi
log "ok"
