// SPDX-License-Identifier: GPL-2.0
/*
 * mirror_main.c - load and unload of mirror.ko: where the mirror ranges
 * come from (the ranges= parameter in emulation, the EFI memory map on
 * hardware), their validation, and the mirror zones built on them.
 *
 * Each range becomes a mirror zone bound to the NUMA node that holds it.
 * A zone is made of whole memory blocks (the kernel's unit of memory
 * hotplug).  At load its blocks are offlined and removed from the kernel
 * (offline_and_remove_memory), so the page allocator forgets them, and
 * come back as device memory of type MEMORY_DEVICE_COHERENT that only we
 * hand out (memremap_pages): a zone page is ours from the claim to the
 * unload, and when its last reference goes the kernel gives it back to
 * us (dev_pagemap_ops.page_free), never to its buddy allocator.  At
 * unload the device memory goes (memunmap_pages) and the blocks are added
 * back as System RAM (add_memory); the kernel onlines them when
 * /sys/devices/system/memory/auto_online_blocks says so, else userspace
 * does (mirrorctl unload).  In between, the portable core's zone
 * allocator (core/zalloc.c) hands the pages out.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kmemleak.h>
#include <linux/moduleparam.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/memremap.h>
#include <linux/ioport.h>
#include <linux/efi.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/sched/signal.h>
#include <linux/topology.h>

#include "mirror_internal.h"
#include "range.h"
#include "mirror_fill.h"

#ifndef MIRROR_VERSION
#define MIRROR_VERSION "unknown"
#endif

static char *ranges;
module_param(ranges, charp, 0444);
MODULE_PARM_DESC(ranges,
	"Emulation: mirror ranges SIZE@START[,SIZE@START...]; empty: read the EFI memory map");

static bool default_mirror;
module_param(default_mirror, bool, 0444);
MODULE_PARM_DESC(default_mirror,
	"Initial policy/default_mirror: serve requests without __GFP_MIRROR mirror-first");

static char *budget;
module_param(budget, charp, 0444);
MODULE_PARM_DESC(budget,
	"The most the zones of one node may claim: SIZE or PERCENT% of the node's mirrored memory (default: 50% in firmware mode, 100% in emulation)");

static bool fallback = true;
module_param(fallback, bool, 0444);
MODULE_PARM_DESC(fallback,
	"Initial policy/fallback: let __GFP_MIRROR requests fall back to ordinary memory");

struct mirror_state mirror = {
	.ordinary = XARRAY_INIT(mirror.ordinary, XA_FLAGS_LOCK_IRQ),
};

/* Its address is the pgmap owner of every zone (migrate_vma checks it). */
const char mirror_pgmap_owner[] = "mirror";

/* Bytes of a memory block: ranges must be aligned to it. */
static u64 mirror_align(void)
{
	return memory_block_size_bytes();
}

u64 mirror_zone_sum(struct mirror_zone *zone, size_t field)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *(u64 *)((char *)per_cpu_ptr(zone->pcpu, cpu) + field);
	return sum;
}

u64 mirror_node_sum(struct mirror_node *node, size_t field)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *(u64 *)((char *)per_cpu_ptr(node->pcpu, cpu) + field);
	return sum;
}

u64 mirror_bad_frees(void)
{
	u64 sum = atomic64_read(&mirror.bad_frees_foreign);
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < mirror.nr_zones; i++) {
		struct mirror_zone *zone = &mirror.zones[i];

		raw_spin_lock_irqsave(&zone->lock, flags);
		sum += zone->bad_frees;
		raw_spin_unlock_irqrestore(&zone->lock, flags);
	}
	return sum;
}

/* ---- ranges -------------------------------------------------------------- */

/* "64M@0x30000000" for log lines. */
static void mirror_range_name(u64 start, u64 size, char *buf, size_t len)
{
	char s[32], a[32];

	mc_size_format(size, s, sizeof(s));
	mc_size_format(start, a, sizeof(a));
	snprintf(buf, len, "%s@%s", s, a);
}

/*
 * Node of a block, or -1 when its first page is not online memory.
 * The caller has checked that the block is System RAM.
 */
static int mirror_block_nid(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	return page ? page_to_nid(page) : -1;
}

/*
 * A range from ranges= must lie in System RAM, online, on one node.  The
 * parser has already refused overlap, misalignment, zero sizes and
 * overflow.  Returns the node, or -EINVAL after one log line.
 */
static int mirror_range_check(unsigned int idx, u64 start, u64 size)
{
	unsigned long pfn, first = PHYS_PFN(start), end = PHYS_PFN(start + size);
	char name[80];
	int nid = -1;

	mirror_range_name(start, size, name, sizeof(name));
	switch (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
				  IORES_DESC_NONE)) {
	case REGION_INTERSECTS:
		break;
	case REGION_MIXED:
		pr_err("ranges: range %u (%s): partly outside System RAM\n",
		       idx, name);
		return -EINVAL;
	default:
		pr_err("ranges: range %u (%s): outside System RAM\n", idx, name);
		return -EINVAL;
	}

	for (pfn = first; pfn < end; pfn += pageblock_nr_pages) {
		int bnid = mirror_block_nid(pfn);

		if (bnid < 0) {
			pr_err("ranges: range %u (%s): memory at 0x%llx is not online\n",
			       idx, name, (u64)PFN_PHYS(pfn));
			return -EINVAL;
		}
		if (nid >= 0 && bnid != nid) {
			pr_err("ranges: range %u (%s): spans NUMA nodes %d and %d (split it at 0x%llx)\n",
			       idx, name, nid, bnid, (u64)PFN_PHYS(pfn));
			return -EINVAL;
		}
		nid = bnid;
	}
	return nid;
}

struct mirror_span {
	u64 start_pfn;
	u64 end_pfn;
	int nid;
};

static int mirror_span_cmp(const void *a, const void *b)
{
	const struct mirror_span *x = a, *y = b;

	if (x->start_pfn != y->start_pfn)
		return x->start_pfn < y->start_pfn ? -1 : 1;
	return 0;
}

static int mirror_spans_from_param(struct mirror_span **out,
				   unsigned int *nr_out)
{
	struct mc_range_list list;
	struct mc_parse_error err = { 0 };
	struct mirror_span *spans;
	unsigned int i;
	int ret;

	mc_range_list_init(&list);
	ret = mc_ranges_parse(ranges, strlen(ranges), mirror_align(), &list,
			      &err);
	if (ret) {
		pr_err("ranges: %s\n", err.msg[0] ? err.msg : "cannot parse");
		/* The parser's -ERANGE and -E2BIG are bad input all the same. */
		return ret == -ENOMEM ? ret : -EINVAL;
	}
	if (list.nr > MC_MAX_ZONES) {
		pr_err("ranges: %u ranges, at most %u supported\n", list.nr,
		       MC_MAX_ZONES);
		ret = -EINVAL;
		goto out;
	}
	spans = kcalloc(list.nr, sizeof(*spans), GFP_KERNEL);
	if (!spans) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < list.nr; i++) {
		const struct mc_range *r = &list.ranges[i];
		int nid = mirror_range_check(i + 1, r->start, r->size);

		if (nid < 0) {
			kfree(spans);
			ret = nid;
			goto out;
		}
		spans[i].start_pfn = PHYS_PFN(r->start);
		spans[i].end_pfn = PHYS_PFN(r->start + r->size);
		spans[i].nid = nid;
	}
	*out = spans;
	*nr_out = list.nr;
out:
	mc_range_list_free(&list);
	return ret;
}

static bool mirror_efi_usable_type(u32 type)
{
	switch (type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return true;
	default:
		return false;
	}
}

/*
 * Append the memory blocks of [start_pfn, end_pfn) that are online System
 * RAM as spans that each stay on one node.  'spans' has room for
 * MC_MAX_ZONES.
 */
static void mirror_spans_add(struct mirror_span *spans, unsigned int *nr,
			     u64 start_pfn, u64 end_pfn, unsigned int *dropped)
{
	u64 step = PHYS_PFN(mirror_align()), pfn;

	for (pfn = start_pfn; pfn < end_pfn; pfn += step) {
		struct mirror_span *last = *nr ? &spans[*nr - 1] : NULL;
		int nid = -1;

		if (region_intersects(PFN_PHYS(pfn), mirror_align(),
				      IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) ==
		    REGION_INTERSECTS)
			nid = mirror_block_nid(pfn);
		if (nid < 0)
			continue;
		if (last && last->end_pfn == pfn && last->nid == nid) {
			last->end_pfn = pfn + step;
			continue;
		}
		if (*nr == MC_MAX_ZONES) {
			(*dropped)++;
			continue;
		}
		spans[*nr].start_pfn = pfn;
		spans[*nr].end_pfn = pfn + step;
		spans[*nr].nid = nid;
		(*nr)++;
	}
}

/*
 * Hardware mode: the EFI memory map's MORE_RELIABLE descriptors, trimmed to
 * whole memory blocks of online System RAM and split at node boundaries.
 */
static int mirror_spans_from_efi(struct mirror_span **out,
				 unsigned int *nr_out)
{
	struct mirror_span *spans;
	efi_memory_desc_t *md;
	unsigned int nr = 0, dropped = 0;
	bool conventional = false;

	if (!efi_enabled(EFI_MEMMAP)) {
		pr_err("ranges: none given and the machine has no EFI memory map\n");
		return -ENODEV;
	}
	/*
	 * x86 replaces efi.memmap while it boots (__efi_enter_virtual_mode(),
	 * then efi_free_boot_services()) with a map of the regions EFI runtime
	 * services need: no conventional memory is left in it by the time a
	 * module loads, MORE_RELIABLE or not.  Say so, rather than that the
	 * firmware has no mirrored memory.  (arm64 keeps the whole map.)
	 */
	for_each_efi_memory_desc(md) {
		if (md->type == EFI_CONVENTIONAL_MEMORY) {
			conventional = true;
			break;
		}
	}
	if (!conventional) {
		pr_err("ranges: none given and the kernel's EFI memory map has no conventional memory left (it keeps only the firmware's runtime regions after boot): the mirrored ranges cannot be read\n");
		return -ENODEV;
	}
	spans = kcalloc(MC_MAX_ZONES, sizeof(*spans), GFP_KERNEL);
	if (!spans)
		return -ENOMEM;

	for_each_efi_memory_desc(md) {
		u64 start = md->phys_addr;
		u64 end = start + (md->num_pages << EFI_PAGE_SHIFT);

		if (!(md->attribute & EFI_MEMORY_MORE_RELIABLE) ||
		    !mirror_efi_usable_type(md->type))
			continue;
		start = round_up(start, mirror_align());
		end = round_down(end, mirror_align());
		if (start >= end)
			continue;
		mirror_spans_add(spans, &nr, PHYS_PFN(start), PHYS_PFN(end),
				 &dropped);
	}
	if (!nr) {
		pr_err("ranges: none given and the EFI memory map has no usable MORE_RELIABLE memory\n");
		kfree(spans);
		return -ENODEV;
	}
	if (dropped)
		pr_warn("EFI: %u mirrored memory blocks beyond %u zones left unused\n",
			dropped, MC_MAX_ZONES);

	/* Descriptors are usually sorted, but nothing promises it. */
	sort(spans, nr, sizeof(*spans), mirror_span_cmp, NULL);
	*out = spans;
	*nr_out = nr;
	return 0;
}

/* ---- the budget ---------------------------------------------------------- */

/*
 * In firmware mode the kernel keeps half of each node's mirrored memory by
 * default: with kernelcore=mirror its own allocations live there, and a
 * module that took it all would leave the kernel to run from memory that
 * is not mirrored.
 */
#define MIRROR_FIRMWARE_SHARE	50

struct mirror_budget {
	bool share;			/* 'value' is a percentage */
	u64 value;			/* percent, or bytes per node */
};

/* The budget= parameter; -EINVAL after one log line. */
static int mirror_budget_parse(struct mirror_budget *b)
{
	size_t len = budget ? strlen(budget) : 0;
	struct mc_parse_error err;

	if (!len) {
		b->share = true;
		b->value = mirror.mode == MIRROR_MODE_FIRMWARE ?
			   MIRROR_FIRMWARE_SHARE : 100;
		return 0;
	}
	if (mc_budget_parse(budget, len, &b->share, &b->value, &err)) {
		pr_err("budget: '%s': %s\n", budget, err.msg);
		return -EINVAL;
	}
	return 0;
}

/*
 * Trim the spans of each node, in address order, to the node's budget in
 * whole memory blocks; a span left empty goes.
 */
static void mirror_spans_budget(struct mirror_span *spans, unsigned int *nr,
				const struct mirror_budget *b)
{
	u64 block = PHYS_PFN(mirror_align());
	unsigned int i, kept = 0;
	int nid;

	for_each_online_node(nid) {
		u64 total = 0, left;

		for (i = 0; i < *nr; i++)
			if (spans[i].nid == nid)
				total += spans[i].end_pfn - spans[i].start_pfn;
		if (!total)
			continue;
		left = b->share ? div64_u64(total * b->value, 100) :
				  min_t(u64, PHYS_PFN(b->value), total);
		left = rounddown(left, block);
		if (left < total)
			pr_info("node %d: budget %s: %llu MiB of %llu MiB of mirrored memory\n",
				nid, budget && *budget ? budget : "(default)",
				left >> (20 - PAGE_SHIFT),
				total >> (20 - PAGE_SHIFT));
		for (i = 0; i < *nr; i++) {
			u64 n = spans[i].end_pfn - spans[i].start_pfn;

			if (spans[i].nid != nid)
				continue;
			n = min(n, left);
			spans[i].end_pfn = spans[i].start_pfn + n;
			left -= n;
		}
	}
	for (i = 0; i < *nr; i++)
		if (spans[i].end_pfn > spans[i].start_pfn)
			spans[kept++] = spans[i];
	*nr = kept;
}

/*
 * ZONE_MOVABLE in use means kernelcore= (mirror, or a size) or
 * movablecore=: with kernelcore=mirror the kernel's own data lives in the
 * mirrored memory the zones would take.
 */
static bool mirror_kernelcore(void)
{
	int nid;

	for_each_online_node(nid)
		if (populated_zone(&NODE_DATA(nid)->node_zones[ZONE_MOVABLE]))
			return true;
	return false;
}

/* ---- zones --------------------------------------------------------------- */

static const struct dev_pagemap_ops mirror_pgmap_ops = {
	.page_free = mirror_page_free,
	.memory_failure = mirror_channel_memory_failure,
};

static const char *mirror_claim_reason(int err)
{
	switch (err) {
	case -EBUSY:
		return "pages in use that cannot be migrated";
	case -EINTR:
		return "interrupted";
	case -ENOMEM:
		return "out of memory while migrating";
	default:
		return "refused";
	}
}

#if defined(CONFIG_DEBUG_KMEMLEAK) && defined(CONFIG_X86)
/*
 * The memory map of memory present at boot comes from memblock, and
 * kmemleak scans it as one of its objects.  Removing the memory frees the
 * zone's part of that map without telling kmemleak (6.1), which then reads
 * pages that are free again: unmapped under DEBUG_PAGEALLOC (an oops in
 * scan_block) or someone else's.  So kmemleak stops scanning that part
 * before the removal ('on' false), and scans it again when the memory
 * stays ('on' true).  Maps allocated after boot (memory added back by an
 * earlier unload) are not memblock's, not reserved, and not kmemleak's.
 */
static void mirror_memmap_leaktrace(struct mirror_zone *zone, bool on)
{
	unsigned long addr = (unsigned long)pfn_to_page(zone->start_pfn);
	unsigned long end = (unsigned long)pfn_to_page(zone->end_pfn);
	phys_addr_t run = 0, run_end = 0;

	for (; addr < end + PAGE_SIZE; addr += PAGE_SIZE) {
		phys_addr_t phys = 0;

		if (addr < end) {
			phys = slow_virt_to_phys((void *)addr);
			if (!PageReserved(pfn_to_page(PHYS_PFN(phys))))
				phys = 0;
		}
		if (phys && phys == run_end) {
			run_end += PAGE_SIZE;
			continue;
		}
		/* A run of the map's physical pages ends: tell kmemleak. */
		if (run_end > run) {
			if (on)
				kmemleak_alloc_phys(run, run_end - run, 0);
			else
				kmemleak_free_part_phys(run, run_end - run);
		}
		run = phys;
		run_end = phys ? phys + PAGE_SIZE : 0;
	}
}
#else
static void mirror_memmap_leaktrace(struct mirror_zone *zone, bool on)
{
}
#endif

#ifdef CONFIG_X86
/*
 * Whether the kernel's direct map covers every page of the zone.  On 6.1
 * x86 with debug_pagealloc=on it does not: free pages are unmapped there
 * while they sit in the page allocator, removing the memory leaves those
 * entries (remove_pte_table() skips what is not present) and mapping it
 * again keeps them (phys_pte_init() skips what is not empty), so the
 * zone's pages would fault at the first kernel access (page_address(),
 * clearing, filling, copying).  No exported call maps them again.
 */
static bool mirror_zone_direct_mapped(struct mirror_zone *zone)
{
	unsigned long pfn;

	if (!debug_pagealloc_enabled())
		return true;
	for (pfn = zone->start_pfn; pfn < zone->end_pfn; pfn++) {
		unsigned int level;
		pte_t *pte = lookup_address((unsigned long)__va(PFN_PHYS(pfn)),
					    &level);

		if (!pte || !pte_present(*pte))
			return false;
	}
	return true;
}
#else
static bool mirror_zone_direct_mapped(struct mirror_zone *zone)
{
	return true;
}
#endif

/*
 * Take the zone's memory blocks from the kernel whole and map them back as
 * our device memory.  offline_and_remove_memory() migrates what the kernel
 * has there and, when one block cannot be offlined, puts the others back
 * online itself: a zone is claimed whole or not at all.
 */
static int mirror_zone_claim(struct mirror_zone *zone)
{
	u64 start = PFN_PHYS(zone->start_pfn);
	u64 size = PFN_PHYS(zone->end_pfn - zone->start_pfn);
	unsigned long flags;
	char name[80];
	void *addr;
	int ret;

	mirror_range_name(start, size, name, sizeof(name));
	mirror_memmap_leaktrace(zone, false);
	ret = offline_and_remove_memory(start, size);
	if (ret) {
		mirror_memmap_leaktrace(zone, true);
		pr_err("zone%u (%s): memory could not be offlined: %s (error %d)\n",
		       zone->id, name, mirror_claim_reason(ret), ret);
		return ret;
	}
	zone->removed = true;

	zone->pgmap.type = MEMORY_DEVICE_COHERENT;
	zone->pgmap.range.start = start;
	zone->pgmap.range.end = start + size - 1;
	zone->pgmap.nr_range = 1;
	zone->pgmap.ops = &mirror_pgmap_ops;
	zone->pgmap.owner = (void *)mirror_pgmap_owner;
	addr = memremap_pages(&zone->pgmap, zone->nid);
	if (IS_ERR(addr)) {
		pr_err("zone%u (%s): cannot map it as device memory (error %ld)\n",
		       zone->id, name, PTR_ERR(addr));
		return PTR_ERR(addr);
	}
	zone->mapped = true;
	if (!mirror_zone_direct_mapped(zone)) {
		pr_err("zone%u (%s): the kernel left the zone out of its direct map (debug_pagealloc=on); boot without it to use mirror.ko\n",
		       zone->id, name);
		return -ENXIO;
	}

	raw_spin_lock_irqsave(&zone->lock, flags);
	ret = mc_zalloc_add_free(&zone->za, zone->start_pfn,
				 zone->end_pfn - zone->start_pfn);
	raw_spin_unlock_irqrestore(&zone->lock, flags);
	return WARN_ON_ONCE(ret) ? ret : 0;
}

/*
 * Give the zone's memory back to the kernel as System RAM.  Only once no
 * page is out: memunmap_pages() waits for every page's last reference,
 * which the module reference that pages out hold (see mirror_alloc.c)
 * guarantees at unload.
 */
static void mirror_zone_release(struct mirror_zone *zone)
{
	u64 start = PFN_PHYS(zone->start_pfn);
	u64 size = PFN_PHYS(zone->end_pfn - zone->start_pfn);
	int ret;

	if (zone->mapped) {
		memunmap_pages(&zone->pgmap);
		zone->mapped = false;
	}
	if (!zone->removed)
		return;
	zone->removed = false;
	ret = add_memory(zone->nid, start, size, MHP_NONE);
	if (ret)
		pr_err("zone%u: memory 0x%llx-0x%llx not given back to the kernel (error %d)\n",
		       zone->id, start, start + size - 1, ret);
}

static void mirror_zone_destroy(struct mirror_zone *zone)
{
	mirror_zone_release(zone);
	if (zone->za_ready)
		mc_zalloc_destroy(&zone->za);
	kvfree(zone->order_of);
	free_percpu(zone->pcpu);
	mirror_caches_destroy(zone);
}

static int mirror_zone_setup(struct mirror_zone *zone, unsigned int id,
			     const struct mirror_span *span)
{
	unsigned long nr = span->end_pfn - span->start_pfn;
	int ret;

	zone->id = id;
	zone->nid = span->nid;
	zone->start_pfn = span->start_pfn;
	zone->end_pfn = span->end_pfn;
	zone->pages_requested = nr;
	raw_spin_lock_init(&zone->lock);
	INIT_WORK(&zone->ev_work, mirror_event_work);

	ret = mc_zalloc_init(&zone->za, zone->start_pfn, nr);
	if (ret)
		return ret;
	zone->za_ready = true;
	ret = mirror_caches_init(zone);
	if (ret)
		return ret;
	zone->order_of = kvzalloc(nr, GFP_KERNEL);
	zone->pcpu = alloc_percpu(struct mirror_zone_pcpu);
	if (!zone->order_of || !zone->pcpu)
		return -ENOMEM;
	ret = mirror_zone_claim(zone);
	if (ret)
		return ret;
	/*
	 * An exhausted zone reports recovery only once an eighth of it is
	 * free again, so that a zone at the edge does not send a pair of
	 * events for every page.
	 */
	zone->recover_mark = max_t(u64, zone->za.stats.present / 8, 1);
	return 0;
}

/* ---- zone preference lists ----------------------------------------------- */

static const u64 mirror_limit_pfn[MIRROR_NR_LIMITS] = {
	[MIRROR_LIMIT_NONE] = U64_MAX,
	[MIRROR_LIMIT_DMA32] = (4ULL << 30) >> PAGE_SHIFT,
	[MIRROR_LIMIT_DMA] = (16ULL << 20) >> PAGE_SHIFT,
};

static int mirror_nodes_setup(void)
{
	struct mc_zsel *sel;
	unsigned int i, l;
	int from, to, ret = 0;
	char why[128];

	mirror.nr_nodes = nr_node_ids;
	if (mirror.nr_nodes > MC_MAX_NODES) {
		pr_err("%u NUMA node ids, at most %u supported\n",
		       mirror.nr_nodes, MC_MAX_NODES);
		return -EINVAL;
	}
	mirror.nodes = kcalloc(mirror.nr_nodes, sizeof(*mirror.nodes),
			       GFP_KERNEL);
	sel = kzalloc(sizeof(*sel), GFP_KERNEL);
	if (!mirror.nodes || !sel) {
		ret = -ENOMEM;
		goto out;
	}

	sel->nr_zones = mirror.nr_zones;
	sel->nr_nodes = mirror.nr_nodes;
	for (i = 0; i < mirror.nr_zones; i++) {
		sel->zones[i].node = mirror.zones[i].nid;
		sel->zones[i].start_pfn = mirror.zones[i].start_pfn;
		sel->zones[i].end_pfn = mirror.zones[i].end_pfn;
	}
	for (from = 0; from < mirror.nr_nodes; from++)
		for (to = 0; to < mirror.nr_nodes; to++)
			sel->distance[from][to] =
				min(node_distance(from, to), 255);

	ret = mc_zsel_validate(sel, why, sizeof(why));
	if (ret) {
		pr_err("NUMA layout: %s\n", why);
		goto out;
	}

	for (from = 0; from < mirror.nr_nodes; from++) {
		struct mirror_node *node = &mirror.nodes[from];

		node->nid = from;
		node->present = node_online(from);
		node->pcpu = alloc_percpu(struct mirror_node_pcpu);
		if (!node->pcpu) {
			ret = -ENOMEM;
			goto out;
		}
		for (l = 0; l < MIRROR_NR_LIMITS; l++) {
			node->zorder[l] = kcalloc(max(mirror.nr_zones, 1U),
						  sizeof(unsigned int),
						  GFP_KERNEL);
			if (!node->zorder[l]) {
				ret = -ENOMEM;
				goto out;
			}
			ret = mc_zsel_order(sel, from, mirror_limit_pfn[l],
					    node->zorder[l]);
			if (ret < 0)
				goto out;
			node->nr_zorder[l] = ret;
			ret = 0;
		}
	}
out:
	kfree(sel);
	return ret;
}

static void mirror_nodes_destroy(void)
{
	unsigned int i, l;

	if (!mirror.nodes)
		return;
	for (i = 0; i < mirror.nr_nodes; i++) {
		for (l = 0; l < MIRROR_NR_LIMITS; l++)
			kfree(mirror.nodes[i].zorder[l]);
		free_percpu(mirror.nodes[i].pcpu);
	}
	kfree(mirror.nodes);
	mirror.nodes = NULL;
}

static void mirror_zones_destroy(void)
{
	unsigned int i;

	for (i = 0; i < mirror.nr_zones; i++)
		mirror_zone_destroy(&mirror.zones[i]);
	kfree(mirror.zones);
	mirror.zones = NULL;
	mirror.nr_zones = 0;
}

static int mirror_zones_create(void)
{
	struct mirror_span *spans = NULL;
	unsigned int nr = 0, i;
	struct mirror_budget b;
	int ret;

	mirror.mode = ranges && ranges[0] ? MIRROR_MODE_EMULATION :
					    MIRROR_MODE_FIRMWARE;
	ret = mirror_budget_parse(&b);
	if (ret)
		return ret;
	if (mirror.mode == MIRROR_MODE_EMULATION)
		ret = mirror_spans_from_param(&spans, &nr);
	else
		ret = mirror_spans_from_efi(&spans, &nr);
	if (ret)
		return ret;
	if (mirror.mode == MIRROR_MODE_FIRMWARE && mirror_kernelcore())
		pr_info("ZONE_MOVABLE is in use (kernelcore=mirror?): the kernel's own data lives in mirrored memory; claiming at most %s of each node's mirrored memory\n",
			budget && *budget ? budget : "50%");
	mirror_spans_budget(spans, &nr, &b);
	if (!nr) {
		pr_err("budget: no whole memory block left to claim\n");
		kfree(spans);
		return -EINVAL;
	}

	mirror.zones = kcalloc(nr, sizeof(*mirror.zones), GFP_KERNEL);
	if (!mirror.zones) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nr; i++) {
		/* Counted first so that the unwinding destroys it too. */
		mirror.nr_zones = i + 1;
		ret = mirror_zone_setup(&mirror.zones[i], i, &spans[i]);
		if (ret)
			goto out_zones;
	}
	kfree(spans);
	return 0;

out_zones:
	mirror_zones_destroy();
out:
	kfree(spans);
	return ret;
}

static int __init mirror_init(void)
{
	int ret;

	mirror.default_mirror = default_mirror;
	mirror.fallback = fallback;

	ret = mirror_fill_init();
	if (ret)
		return ret;
	ret = mirror_zones_create();
	if (ret)
		goto out_fill;
	ret = mirror_caches_start();
	if (ret)
		goto out_nodes;
	ret = mirror_nodes_setup();
	if (ret)
		goto out_nodes;
	ret = mirror_channel_init();
	if (ret)
		goto out_nodes;
	ret = mirror_sysfs_init();
	if (ret)
		goto out_nodes;
	mirror_debugfs_init();
	ret = mirror_fill_setup();
	if (ret)
		goto out_sysfs;
	ret = mirror_channel_setup();
	if (ret)
		goto out_sysfs;
	ret = mirror_process_init();
	if (ret)
		goto out_sysfs;

	pr_info("%s mode, %u zone%s, version %s\n",
		mirror.mode == MIRROR_MODE_EMULATION ? "emulation" : "firmware",
		mirror.nr_zones, mirror.nr_zones == 1 ? "" : "s",
		MIRROR_VERSION);
	return 0;

out_sysfs:
	/* Before the zones: they free per-zone state and debugfs files. */
	mirror_channel_exit();
	mirror_fill_exit();
	mirror_debugfs_exit();
	mirror_sysfs_exit();
out_nodes:
	mirror_channel_exit();
	mirror_caches_stop();
	mirror_nodes_destroy();
	mirror_zones_destroy();
out_fill:
	mirror_fill_exit();
	return ret;
}

static void __exit mirror_exit(void)
{
	unsigned int i;

	mirror_process_exit();
	/* Repairs what is still latched, sending its uevents. */
	mirror_channel_exit();
	/* Nothing is out (unload waited for that): empty the caches. */
	mirror_caches_stop();
	/* Pending uevents name the zone kobjects: deliver them first. */
	for (i = 0; i < mirror.nr_zones; i++)
		flush_work(&mirror.zones[i].ev_work);
	mirror_fill_exit();
	mirror_debugfs_exit();
	mirror_sysfs_exit();
	if (mirror.ordinary_pages)
		pr_err("%llu ordinary pages still out at unload\n",
		       mirror.ordinary_pages);
	xa_destroy(&mirror.ordinary);
	mirror_nodes_destroy();
	mirror_zones_destroy();
}

module_init(mirror_init);
module_exit(mirror_exit);

MODULE_DESCRIPTION("Mirror zones: allocation from partially mirrored memory");
MODULE_LICENSE("GPL");
MODULE_VERSION(MIRROR_VERSION);
