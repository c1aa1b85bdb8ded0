# The shape of the test machine, sourced by mkinitramfs.sh and vm-run.sh so
# that the QEMU command line and the environment the tests see agree.
#
# Four NUMA nodes of 512 MiB, one vCPU each.  QEMU lays the nodes out
# back to back from physical address 0 (node 0 loses the legacy hole at
# 640 KiB-1 MiB, node 3 the last 128 KiB to the firmware).

VM_NODES=4
VM_NODE_MB=512
# MIRROR_VM_NODE_MB boots bigger nodes (vm-bigzones.vmtap: zones of real
# size).  Above 3 GiB of RAM QEMU moves memory past the PCI hole at 3 GiB,
# so the layout above and VM_RANGES below describe the default machine
# only: scripts for a bigger one find their nodes' memory blocks in /sys.
if [ -n "${MIRROR_VM_NODE_MB:-}" ]; then
	VM_NODE_MB=$MIRROR_VM_NODE_MB
fi

# The node distance matrix (ACPI SLIT), row N = distances from node N.
# Values as on real 4-socket machines (10 local, 16/22/28 and so on), chosen
# so that every node ranks the other three differently and without ties:
#   node 0: 1, 2, 3    node 1: 0, 2, 3    node 2: 1, 0, 3    node 3: 2, 0, 1
VM_DISTANCES="10 16 22 28
16 10 20 32
22 20 10 24
28 32 24 10"

# Node 0's size.  The debug kernel (vm-run.sh --debug-kernel) puts KASAN's
# shadow of all memory (an eighth of it, from the first RAM range, so node
# 0) and the stack depot at the top of node 0: with 512 MiB no memory block
# of node 0 can be offlined there.  vm-run.sh gives node 0 768 MiB then, or
# with bigger nodes a node's size plus that shadow (MIRROR_VM_NODE0_MB); the
# other nodes follow it, so their addresses move.
VM_NODE0_MB=${MIRROR_VM_NODE0_MB:-$VM_NODE_MB}

# vm_node_start N: physical address where node N starts, in bytes
vm_node_start()
{
	if [ "$1" = 0 ]; then
		echo 0
	else
		echo $(((VM_NODE0_MB + ($1 - 1) * VM_NODE_MB) << 20))
	fi
}

# vm_node_mb N: the size of node N in MiB
vm_node_mb()
{
	if [ "$1" = 0 ]; then echo "$VM_NODE0_MB"; else echo "$VM_NODE_MB"; fi
}

# Suggested emulated mirror ranges: the third 128 MiB memory block of each
# node (zones are whole memory blocks: mirror.ko offlines and removes them).
# With 512 MiB nodes: 128M@0x10000000,128M@0x30000000,128M@0x50000000,
# 128M@0x70000000.  The kernel must not leave a page there that it cannot
# move, or the load fails with EBUSY; the boot's own unmovable allocations
# climb from the bottom of node 0 and, from one boot to the next, reached
# 128 MiB and more (the second block, this layout's old home).  So the
# machine boots with kernelcore= (VM_KERNELCORE_CMDLINE below): each node's
# first 256 MiB is the kernel's (its own data and the channel's mirror
# copies of the zones, 128 MiB each, live there), the rest of the node is
# ZONE_MOVABLE, where the kernel puts only pages it can migrate.  The last
# block of each node holds its memory map (reserved), so the third block is
# the one to claim.  Checked by tests/00-sanity.sh on every run.
VM_ZONE_OFFSET_MB=256

# vm_zone_addr N: where node N's zone starts, 0x hex.
vm_zone_addr()
{
	printf '0x%x' $(($(vm_node_start "$1") + (VM_ZONE_OFFSET_MB << 20)))
}

# vm_nodes_join CMD...: "CMD... N" for every node N, joined by commas.
vm_nodes_join()
{
	_joined=
	_n=0
	while [ "$_n" -lt "$VM_NODES" ]; do
		_joined="$_joined${_joined:+,}$("$@" "$_n")"
		_n=$((_n + 1))
	done
	echo "$_joined"
}

_vm_zone_range() { echo "128M@$(vm_zone_addr "$1")"; }
VM_RANGES=$(vm_nodes_join _vm_zone_range)

# kernelcore=N spreads N evenly over the nodes and rounds each node's share
# up to 4 MiB (MAX_ORDER): 255 MiB a node ends the kernel's part of every
# node at 256 MiB, node 0's too (its holes below 1 MiB add 388 KiB).  Only
# for the machines VM_RANGES describes; a bigger one (MIRROR_VM_NODE_MB,
# memory past 4 GiB) boots without it.
VM_KERNELCORE_CMDLINE=
if [ -z "${MIRROR_VM_NODE_MB:-}" ]; then
	VM_KERNELCORE_CMDLINE=" kernelcore=$((VM_NODES * (VM_ZONE_OFFSET_MB - 1)))M"
fi

# Kernel modules of the distribution kernel put into the initramfs (with
# their dependencies); tests load them with modprobe.
VM_KMODS="hwpoison_inject"

# Third-party programs put into the initramfs when the host has them (each
# with its shared libraries); tests run them under 'mirrorctl run' and skip
# without them.  bootstrap.sh installs them.  Set VM_EXTRA_PROGRAMS to add
# others for a session by hand (perf, to profile inside the machine).
VM_EXTRA_PROGRAMS=${VM_EXTRA_PROGRAMS:-"stress-ng memtester"}

# Kernel command line common to every boot.  nokaslr keeps the kernel
# image at 16 MiB, so the layout above holds from boot to boot.
# no_timer_check: on a loaded host TCG can miss the kernel's early check
# that the IO-APIC timer ticks, and the kernel panics ("IO-APIC + timer
# doesn't work!") before /init.
VM_CMDLINE="console=ttyS0 panic=-1 nokaslr no_timer_check quiet$VM_KERNELCORE_CMDLINE"

# Extra command line of the debug kernel (vm-run.sh --debug-kernel): turn on
# page owner tracking that the config builds in but leaves off, and report
# every KASAN error, not the first.  Not debug_pagealloc=on: on 6.1 x86 it
# leaves memory that was removed and mapped again as device memory out of
# the kernel's direct map (ABI.md, "Claiming"), and mirror.ko refuses to
# claim zones then (vm-run.sh --debug-kernel --append debug_pagealloc=on
# shows the refusal).
VM_DEBUG_CMDLINE="page_owner=on kasan_multi_shot"

# A kernel log line matching this (extended regex) means the kernel went
# wrong: the script during which it was logged fails (vm-init.sh), and so
# does the boot (debug-checks/debug-boot.sh).  Lockdep's and KASAN's reports
# start with "WARNING:" or "BUG:"; debugobjects' with "ODEBUG:".
VM_KERNEL_TROUBLE='Oops|BUG:|kernel BUG|general protection fault|WARNING:|UBSAN:|KASAN:|ODEBUG:|Kernel panic|list_(add|del) corruption|refcount_t:|Bad page (state|map)|page dumped because|possible circular locking|inconsistent lock state|suspicious RCU usage|kmemleak: [0-9]+ new suspected memory leaks'

# ---- firmware mode (vm-run.sh --firmware, tests-firmware/) -----------------
# The UEFI firmware the machine boots through then (Debian's ovmf).
VM_OVMF=${MIRROR_OVMF:-/usr/share/ovmf/OVMF.fd}
# The mirrored memory of a firmware boot: efi_fake_mem=SIZE@START:0x10000
# (EFI_MEMORY_MORE_RELIABLE) per range, which the kernel applies to the EFI
# memory map before efi_find_mirror() and kernelcore=mirror read it
# (CONFIG_EFI_FAKE_MEMMAP, at most 8 ranges).  One range per node, from
# its third memory block (where the suite's zones are) up to its end.  The
# default budget (50%) leaves whole blocks on every node but node 3, whose
# last block holds OVMF's memory and tables: node 0 (768 MiB on the debug
# kernel) its third and fourth block, nodes 1 and 2 their third.  Under
# OVMF node 0 has more holes, so kernelcore= ends its kernel part at
# 260 MiB, not 256: its third block spans two zones and cannot be
# offlined (EINVAL), and its blocks above hold the debug kernel's
# reserved memory (EBUSY); the third blocks of nodes 1 and 2 and the first
# of node 3's range could be claimed (tried with ranges= on 2026-12-07).
_vm_fake_range()
{
	echo "$(($(vm_node_mb "$1") - VM_ZONE_OFFSET_MB))M@$(vm_zone_addr "$1"):0x10000"
}
VM_FIRMWARE_FAKE_MEM=$(vm_nodes_join _vm_fake_range)
VM_FIRMWARE_CMDLINE="efi_fake_mem=$VM_FIRMWARE_FAKE_MEM"
