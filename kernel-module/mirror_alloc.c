// SPDX-License-Identifier: GPL-2.0
/*
 * mirror_alloc.c - the kernel API of mirror.ko: page allocation from the
 * mirror zones with the page allocator's GFP semantics, and the two
 * families built on it, a mempool with a reserve of mirrored pages and a
 * small object cache on mirrored pages.
 *
 * Zone path: a per-CPU cache of small blocks in front of each zone (as the
 * page allocator's per-CPU lists), and one raw spinlock per zone around
 * the core's bitmap allocator for the rest.  A CPU takes its own cache's
 * lock with interrupts on, by trylock, as the page allocator takes its
 * per-CPU lists since 6.0: an interrupt that finds its CPU's cache held by
 * the context it interrupted uses the zone directly.  The zone lock is
 * always taken with interrupts off.  Nothing in either sleeps, so
 * GFP_ATOMIC works from any context, on PREEMPT_RT too.  Counters that
 * every allocation touches are per CPU.
 *
 * Ordinary pages (a fallback, or a request that did not ask for mirrored
 * memory) are recorded by pfn so that mirror_free_pages() can tell them
 * from pages that never came from here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/cpuhotplug.h>
#include <linux/workqueue.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/mempool.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <linux/xarray.h>

#include "mirror_internal.h"
#include "mirror.h"
#include "mirror_fill.h"

/* The caller's reclaim rules, applied to our own bookkeeping allocations. */
#define MIRROR_META_GFP_MASK	(__GFP_RECLAIM | __GFP_IO | __GFP_FS | \
				 __GFP_HIGH | __GFP_NORETRY | \
				 __GFP_NOMEMALLOC | __GFP_MEMALLOC)

static void mirror_event_note(struct mirror_zone *zone)
{
	/* A work item: uevents allocate and may sleep. */
	schedule_work(&zone->ev_work);
}

/* ---- per-CPU caches ------------------------------------------------------ */

/*
 * Caches idle for this long are drained, so that pages do not sit in the
 * cache of a CPU that stopped allocating, and the module reference they
 * keep (they are out of the zone allocator) goes soon after the last free.
 */
#define MIRROR_CACHE_IDLE_MS	200

static void mirror_cache_reap(struct work_struct *work);
static DECLARE_DELAYED_WORK(mirror_cache_reaper, mirror_cache_reap);
static bool mirror_caches_stopping;
static int mirror_cache_hp_state = -1;

static struct mirror_zone *mirror_zc_zone(struct mc_zcache *zc)
{
	return zc->priv;
}

/*
 * The core takes the zone's lock inside a cache's, which is held with
 * interrupts on: interrupts go off here, and back to what they were in
 * mirror_zc_zone_unlock().
 */
static void mirror_zc_zone_lock(struct mc_zcache *zc)
{
	struct mirror_zone *zone = mirror_zc_zone(zc);
	unsigned long flags;

	raw_spin_lock_irqsave(&zone->lock, flags);
	zone->lock_flags = flags;
}

/* Free pages of a zone as its users see them; zone locked. */
static u64 mirror_zone_free_locked(struct mirror_zone *zone)
{
	return zone->za.stats.free + mc_zcache_pages(&zone->zc);
}

/*
 * The zone holds a page map reference for each page out of its allocator
 * (handed out or cached), taken and dropped here in the batches the
 * caches move, instead of one per page at every allocation and free:
 * memunmap_pages() at unload still waits for every page out, and pages
 * handed out by the API need none of their own (a migration destination
 * takes its own in zone_device_page_init(), as the kernel drops one when
 * its last reference goes).  Zone locked.
 */
static void mirror_zone_pgmap_refs_sync(struct mirror_zone *zone)
{
	u64 used = zone->za.stats.used;

	if (used > zone->pgmap_refs)
		percpu_ref_get_many(&zone->pgmap.ref, used - zone->pgmap_refs);
	else if (used < zone->pgmap_refs)
		percpu_ref_put_many(&zone->pgmap.ref, zone->pgmap_refs - used);
	zone->pgmap_refs = used;
}

/*
 * Every hold of a zone's lock ends here: the zone keeps the module
 * reference and its page map references while anything is out of its
 * allocator (pages handed out or cached), and an exhausted zone recovers
 * once an eighth of it is free.
 */
static void mirror_zc_zone_unlock(struct mc_zcache *zc)
{
	struct mirror_zone *zone = mirror_zc_zone(zc);

	lockdep_assert_held(&zone->lock);
	mirror_zone_pgmap_refs_sync(zone);
	if (zone->za.stats.used && !zone->holds_ref) {
		/* Unload is refused while any page is out. */
		__module_get(THIS_MODULE);
		zone->holds_ref = true;
	} else if (!zone->za.stats.used && zone->holds_ref) {
		/*
		 * Not the reference that lets the module go while we still
		 * run: unload waits in memunmap_pages() for the page map
		 * references that are dropped after this.
		 */
		zone->holds_ref = false;
		module_put(THIS_MODULE);
	}
	if (zone->exhausted &&
	    mirror_zone_free_locked(zone) >= zone->recover_mark) {
		zone->exhausted = false;
		zone->ev_seq++;
		mirror_event_note(zone);
	}
	raw_spin_unlock_irqrestore(&zone->lock, zone->lock_flags);
}

static noinline void mirror_cache_arm_reaper(void)
{
	if (!READ_ONCE(mirror_caches_stopping))
		schedule_delayed_work(&mirror_cache_reaper,
				      msecs_to_jiffies(MIRROR_CACHE_IDLE_MS));
}

/*
 * A cache holds pages: the idle pass must come round.  'c' locked.  Inline:
 * every allocation and free asks, and the pass is almost always pending.
 */
static inline void mirror_cache_arm(struct mirror_zone_cache *c)
{
	if (c->cache.pages && !delayed_work_pending(&mirror_cache_reaper))
		mirror_cache_arm_reaper();
}

static struct mc_zcache_cpu *mirror_zc_cache_of(struct mc_zcache *zc,
						unsigned int cpu)
{
	if (!cpu_possible(cpu))
		return NULL;
	return &per_cpu_ptr(mirror_zc_zone(zc)->caches, cpu)->cache;
}

/*
 * A visit to CPU 'cpu''s cache from a drain.  In a task it waits: the
 * holder is another CPU, or was this CPU's own task before it, which
 * cannot hold it now (preemption is off while a cache is held).  In an
 * interrupt it only tries: the holder may be the context it interrupted,
 * and lockdep must never see the lock taken in an interrupt but by
 * trylock, since CPUs take their own with interrupts on.
 */
static bool mirror_zc_cache_lock(struct mc_zcache *zc, unsigned int cpu)
{
	raw_spinlock_t *lock =
		&per_cpu_ptr(mirror_zc_zone(zc)->caches, cpu)->lock;

	if (!in_task())
		return raw_spin_trylock(lock);
	raw_spin_lock(lock);
	return true;
}

static void mirror_zc_cache_unlock(struct mc_zcache *zc, unsigned int cpu)
{
	raw_spin_unlock(&per_cpu_ptr(mirror_zc_zone(zc)->caches, cpu)->lock);
}

static const struct mc_zcache_ops mirror_zc_ops = {
	.zone_lock = mirror_zc_zone_lock,
	.zone_unlock = mirror_zc_zone_unlock,
	.cache_of = mirror_zc_cache_of,
	.cache_lock = mirror_zc_cache_lock,
	.cache_unlock = mirror_zc_cache_unlock,
};

/* Like the kernel's per-CPU lists: room for a batch32 loop, refill by 16. */
#define MIRROR_CACHE_HIGH	32
#define MIRROR_CACHE_BATCH	16

int mirror_caches_init(struct mirror_zone *zone)
{
	unsigned int cpu;

	zone->caches = alloc_percpu(struct mirror_zone_cache);
	if (!zone->caches)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		raw_spin_lock_init(&per_cpu_ptr(zone->caches, cpu)->lock);
	return mc_zcache_init(&zone->zc, &zone->za, MIRROR_CACHE_HIGH,
			      MIRROR_CACHE_BATCH, nr_cpu_ids, &mirror_zc_ops,
			      zone);
}

void mirror_caches_destroy(struct mirror_zone *zone)
{
	free_percpu(zone->caches);
	zone->caches = NULL;
}

/* Drain caches of every zone; 'idle_only' as in mc_zcache_drain_all(). */
static u64 mirror_caches_drain_zones(bool idle_only)
{
	unsigned long flags;
	unsigned int i;
	u64 left = 0;

	for (i = 0; i < mirror.nr_zones; i++) {
		struct mirror_zone *zone = &mirror.zones[i];

		if (!zone->caches || !zone->mapped)
			continue;
		local_irq_save(flags);
		left += mc_zcache_drain_all(&zone->zc, idle_only);
		local_irq_restore(flags);
	}
	return left;
}

void mirror_zone_drain(struct mirror_zone *zone)
{
	unsigned long flags;

	local_irq_save(flags);
	mc_zcache_drain_all(&zone->zc, false);
	local_irq_restore(flags);
}

static void mirror_cache_reap(struct work_struct *work)
{
	/* Idle caches go; while some stay, come round again. */
	if (mirror_caches_drain_zones(true) &&
	    !READ_ONCE(mirror_caches_stopping))
		schedule_delayed_work(&mirror_cache_reaper,
				      msecs_to_jiffies(MIRROR_CACHE_IDLE_MS));
}

/* A CPU went away: what its caches hold goes back to the zones. */
static int mirror_cache_cpu_dead(unsigned int cpu)
{
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < mirror.nr_zones; i++) {
		struct mirror_zone *zone = &mirror.zones[i];
		struct mirror_zone_cache *c;

		if (!zone->caches || !zone->mapped)
			continue;
		c = per_cpu_ptr(zone->caches, cpu);
		raw_spin_lock_irqsave(&c->lock, flags);
		mc_zcache_drain(&zone->zc, &c->cache);
		raw_spin_unlock_irqrestore(&c->lock, flags);
	}
	return 0;
}

int mirror_caches_start(void)
{
	int ret;

	WRITE_ONCE(mirror_caches_stopping, false);
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "mirror:caches",
					NULL, mirror_cache_cpu_dead);
	if (ret < 0)
		return ret;
	mirror_cache_hp_state = ret;
	return 0;
}

/*
 * At unload (or a failed load), with nothing out: every cached page back
 * in its zone.  Safe to call when mirror_caches_start() was not.
 */
void mirror_caches_stop(void)
{
	if (mirror_cache_hp_state >= 0)
		cpuhp_remove_state_nocalls(mirror_cache_hp_state);
	mirror_cache_hp_state = -1;
	WRITE_ONCE(mirror_caches_stopping, true);
	cancel_delayed_work_sync(&mirror_cache_reaper);
	mirror_caches_drain_zones(false);
}

void mirror_zone_counts(struct mirror_zone *zone, u64 *free, u64 *used)
{
	u64 cached = zone->caches ? mc_zcache_pages(&zone->zc) : 0;

	lockdep_assert_held(&zone->lock);
	*free = zone->za.stats.free + cached;
	*used = zone->za.stats.used - cached;
}

/* ---- zone pages ---------------------------------------------------------- */

/*
 * A block of free zone pages (reference count 0, ours since their last
 * put) goes to an API caller: each page gets the one reference its new
 * holder owns, and order_of the block's order.  This is
 * zone_device_page_init() without its lock_page(), which may sleep
 * (allocations may come from interrupt context, and API callers want
 * unlocked pages anyway), and without its page map reference, which the
 * zone holds for the block (mirror_zone_pgmap_refs_sync()).  Nobody else
 * knows the block yet: plain stores are enough.
 */
static void mirror_api_block_init(struct mirror_zone *zone, struct page *page,
				  unsigned long idx, unsigned int order)
{
	unsigned long i;

	WRITE_ONCE(zone->order_of[idx], order + 1);
	for (i = 1; i < (1UL << order); i++)
		WRITE_ONCE(zone->order_of[idx + i], MIRROR_API_TAIL);
	for (i = 0; i < (1UL << order); i++)
		set_page_count(page + i, 1);
}

/*
 * A free zone page becomes a migration destination: held by its reference
 * count alone, and locked (zone_device_page_init()), as migrate_vma wants
 * it.  Nobody else knows it yet: a plain store.
 */
static void mirror_dst_page_init(struct mirror_zone *zone, struct page *page)
{
	WRITE_ONCE(zone->order_of[page_to_pfn(page) - zone->start_pfn],
		   MIRROR_REF_HELD);
	zone_device_page_init(page);
}

/*
 * A block of 2^order pages from the zone through this CPU's cache; 0 or
 * -ENOMEM, and then the zone is marked exhausted.
 */
static int mirror_zone_take(struct mirror_zone *zone, unsigned int order,
			    u64 *pfn)
{
	struct mirror_zone_cache *c;
	unsigned long flags;
	bool event = false;
	int ret;

	c = get_cpu_ptr(zone->caches);
	if (raw_spin_trylock(&c->lock)) {
		ret = mc_zcache_alloc(&zone->zc, &c->cache, order, pfn);
		mirror_cache_arm(c);
		raw_spin_unlock(&c->lock);
		put_cpu_ptr(zone->caches);
		if (ret == -EAGAIN)
			ret = mc_zcache_alloc_drained(&zone->zc, order, pfn);
	} else {
		/* Held by the context this interrupt interrupted. */
		put_cpu_ptr(zone->caches);
		ret = mc_zcache_alloc_zone(&zone->zc, order, pfn);
	}
	if (likely(!ret))
		return 0;

	raw_spin_lock_irqsave(&zone->lock, flags);
	if (!zone->exhausted) {
		zone->exhausted = true;
		zone->ev_seq++;
		event = true;
	}
	raw_spin_unlock_irqrestore(&zone->lock, flags);
	if (event)
		mirror_event_note(zone);
	return ret;
}

/*
 * 2^order pages from one zone, or NULL when it has no free block.  An API
 * block ('api') is noted in order_of so that mirror_free_pages() can check
 * it; a migration destination is held by its reference count alone, and
 * comes back locked (zone_device_page_init()), as migrate_vma wants it.
 */
static struct page *mirror_zone_alloc(struct mirror_zone *zone,
				      unsigned int order, bool api)
{
	struct page *page;
	unsigned long i;
	u64 pfn;

	if (mirror_zone_take(zone, order, &pfn))
		return NULL;
	page = pfn_to_page(pfn);
	if (api) {
		mirror_api_block_init(zone, page, pfn - zone->start_pfn, order);
	} else {
		for (i = 0; i < (1UL << order); i++)
			mirror_dst_page_init(zone, page + i);
	}
	this_cpu_inc(zone->pcpu->allocs);
	return page;
}

static void mirror_bad_free(unsigned long pfn, unsigned int order,
			    const char *why, int detail)
{
	pr_warn_ratelimited("refused free of pfn 0x%lx order %u: %s %d\n",
			    pfn, order, why, detail);
}

static void mirror_zone_count_bad_free(struct mirror_zone *zone)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&zone->lock, flags);
	zone->bad_frees++;
	raw_spin_unlock_irqrestore(&zone->lock, flags);
}

/*
 * Pages [pfn, pfn + 2^order) of 'zone' lost their last reference: errors
 * latched on them die with their owner, they are scrubbed with their
 * memory's cheap pattern so nothing passes to the next owner, and they
 * are free again at once (in this CPU's cache, or in the zone).  'freed'
 * counts a block given back (see 'frees' in ABI.md).  Any context.
 */
static void mirror_zone_take_back(struct mirror_zone *zone, unsigned long pfn,
				  unsigned int order, bool freed)
{
	struct mirror_zone_cache *c;
	int ret;

	mirror_channel_block_freed(zone, pfn, 1UL << order);
	mirror_fill_free(zone, pfn_to_page(pfn), order);

	c = get_cpu_ptr(zone->caches);
	if (raw_spin_trylock(&c->lock)) {
		ret = mc_zcache_free(&zone->zc, &c->cache, pfn, order);
		mirror_cache_arm(c);
		raw_spin_unlock(&c->lock);
		put_cpu_ptr(zone->caches);
	} else {
		/* Held by the context this interrupt interrupted. */
		put_cpu_ptr(zone->caches);
		ret = mc_zcache_free_zone(&zone->zc, pfn, order);
	}
	/* An exhausted zone: let the zone's unlock see whether it recovered. */
	if (!ret && READ_ONCE(zone->exhausted)) {
		mirror_zc_zone_lock(&zone->zc);
		mirror_zc_zone_unlock(&zone->zc);
	}

	if (WARN_ON_ONCE(ret)) {
		/* Our records disagree with the core's: keep both as is. */
		mirror_zone_count_bad_free(zone);
		return;
	}
	if (freed)
		this_cpu_inc(zone->pcpu->frees);
}

/*
 * The caller's references are the only ones on a block: take them all
 * back at once (each count from 1 to 0), so that the block returns whole
 * in one step.  False, and nothing changed, when any page is referenced
 * elsewhere (mapped, pinned).
 */
static bool mirror_block_unshared(struct page *page, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		if (!page_ref_freeze(page + i, 1))
			break;
	if (i == nr)
		return true;
	while (i--)
		page_ref_unfreeze(page + i, 1);
	return false;
}

/*
 * The API caller gives a block back: the order recorded at allocation
 * must match (anything else is a caller's bug, refused with one line and
 * counted).  A block nobody else holds returns at once; otherwise each
 * page loses the caller's reference and comes back through
 * mirror_page_free() when nothing else holds it: a page still mapped
 * somewhere stays out until the mapping goes.
 */
static void mirror_zone_free(struct mirror_zone *zone, struct page *page,
			     unsigned long pfn, unsigned int order)
{
	unsigned long idx = pfn - zone->start_pfn, i;
	unsigned long nr = 1UL << order;
	u8 had;

	/* No longer the caller's: a second free is refused from here on. */
	had = cmpxchg(&zone->order_of[idx], order + 1, 0);
	if (had != order + 1) {
		mirror_zone_count_bad_free(zone);
		if (!had)
			mirror_bad_free(pfn, order, "not allocated, zone",
					zone->id);
		else if (had == MIRROR_REF_HELD)
			mirror_bad_free(pfn, order, "page of a process, zone",
					zone->id);
		else if (had == MIRROR_API_TAIL)
			mirror_bad_free(pfn, order,
					"not the first page of its block, zone",
					zone->id);
		else
			mirror_bad_free(pfn, order, "allocated with order",
					had - 1);
		return;
	}
	/* The winner of the cmpxchg alone gets here: plain stores. */
	for (i = 1; i < nr; i++)
		WRITE_ONCE(zone->order_of[idx + i], 0);

	if (mirror_block_unshared(page, nr)) {
		mirror_zone_take_back(zone, pfn, order, true);
		return;
	}
	this_cpu_inc(zone->pcpu->frees);
	/*
	 * Each page's last put goes through free_zone_device_page(), which
	 * drops a page map reference after mirror_page_free(): one each,
	 * taken while the zone's own still cover the block.
	 */
	percpu_ref_get_many(&zone->pgmap.ref, nr);
	for (i = 0; i < nr; i++)
		put_page(page + i);
}

/*
 * dev_pagemap_ops.page_free: the last reference to a zone page went
 * (a process let go of a migrated page, a mapping was torn down, an API
 * block's page that was still referenced when the block was freed).
 * Any context.
 */
void mirror_page_free(struct page *page)
{
	struct mirror_zone *zone = container_of(page->pgmap,
						struct mirror_zone, pgmap);
	unsigned long pfn = page_to_pfn(page);
	bool freed = false;
	u8 had;

	/* Its family's charge goes before the page can be handed out again. */
	mirror_process_page_freed(page);
	had = xchg(&zone->order_of[pfn - zone->start_pfn], 0);
	if (had == MIRROR_REF_HELD) {
		/* A migrated page its process let go of: a block returned. */
		freed = true;
	} else if (had) {
		/*
		 * A page of an API block that lost its last reference
		 * without mirror_free_pages(): the holder put it itself.
		 * free_zone_device_page() drops a page map reference after
		 * this, which the zone holds for this page: one more.
		 */
		percpu_ref_get(&zone->pgmap.ref);
		/*
		 * At the block's first page: the block is no longer the
		 * caller's; its pages come back one by one as their counts
		 * drop.
		 */
		if (had != MIRROR_API_TAIL) {
			mirror_zone_count_bad_free(zone);
			freed = true;
		}
	}
	mirror_zone_take_back(zone, pfn, 0, freed);
}

/* Record an ordinary block handed out; 0 or -ENOMEM. */
static int mirror_ordinary_track(unsigned long pfn, unsigned int order,
				 gfp_t gfp)
{
	unsigned long flags;
	void *old;
	int ret;

	xa_lock_irqsave(&mirror.ordinary, flags);
	ret = __xa_insert(&mirror.ordinary, pfn, xa_mk_value(order),
			  gfp & MIRROR_META_GFP_MASK);
	if (ret == -EBUSY) {
		/*
		 * A stale record: an earlier block at this pfn was given back
		 * to the kernel without mirror_free_pages().  Replace it.
		 */
		old = __xa_store(&mirror.ordinary, pfn, xa_mk_value(order),
				 gfp & MIRROR_META_GFP_MASK);
		ret = xa_err(old);
		if (!ret) {
			mirror.ordinary_pages -= 1UL << xa_to_value(old);
			pr_warn_ratelimited("pfn 0x%lx was freed without mirror_free_pages()\n",
					    pfn);
		}
	}
	if (!ret) {
		mirror.ordinary_pages += 1UL << order;
		if (!mirror.ordinary_holds_ref) {
			__module_get(THIS_MODULE);
			mirror.ordinary_holds_ref = true;
		}
	}
	xa_unlock_irqrestore(&mirror.ordinary, flags);
	return ret;
}

static struct page *mirror_ordinary_alloc(int nid, gfp_t gfp,
					  unsigned int order)
{
	struct page *page;

	page = alloc_pages_node(nid, gfp, order);
	if (!page)
		return NULL;
	if (mirror_ordinary_track(page_to_pfn(page), order, gfp)) {
		__free_pages(page, order);
		return NULL;
	}
	return page;
}

static void mirror_ordinary_free(struct page *page, unsigned long pfn,
				 unsigned int order)
{
	unsigned long flags;
	bool put = false;
	void *entry;

	xa_lock_irqsave(&mirror.ordinary, flags);
	entry = xa_load(&mirror.ordinary, pfn);
	if (!entry || xa_to_value(entry) != order) {
		xa_unlock_irqrestore(&mirror.ordinary, flags);
		atomic64_inc(&mirror.bad_frees_foreign);
		if (!entry)
			mirror_bad_free(pfn, order, "not from mirror.ko, node",
					page_to_nid(page));
		else
			mirror_bad_free(pfn, order, "allocated with order",
					(int)xa_to_value(entry));
		return;
	}
	__xa_erase(&mirror.ordinary, pfn);
	mirror.ordinary_pages -= 1UL << order;
	if (!mirror.ordinary_pages && mirror.ordinary_holds_ref) {
		mirror.ordinary_holds_ref = false;
		put = true;
	}
	xa_unlock_irqrestore(&mirror.ordinary, flags);

	__free_pages(page, order);
	if (put)
		module_put(THIS_MODULE);
}

static void mirror_alloc_warn(gfp_t gfp, unsigned int order, int nid,
			      const char *why)
{
	gfp_t kgfp = gfp & ~__GFP_MIRROR_MASK;

	if (gfp & __GFP_NOWARN)
		return;
	pr_warn_ratelimited("order-%u allocation for node %d failed: %s (gfp %#x(%pGg)%s%s)\n",
			    order, nid, why, (__force unsigned int)kgfp, &kgfp,
			    gfp & __GFP_MIRROR ? " MIRROR" : "",
			    gfp & __GFP_MIRROR_STRICT ? " STRICT" : "");
}

static enum mirror_limit mirror_gfp_limit(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return MIRROR_LIMIT_DMA;
	if (gfp & __GFP_DMA32)
		return MIRROR_LIMIT_DMA32;
	return MIRROR_LIMIT_NONE;
}

/*
 * Whether ordinary memory may be asked for here.  On PREEMPT_RT the page
 * allocator and the record of ordinary pages take sleeping locks, so from
 * hard interrupt context or with interrupts off only zone pages (raw
 * locks) can be had; elsewhere, always.
 */
static bool mirror_ordinary_allowed(void)
{
	return !IS_ENABLED(CONFIG_PREEMPT_RT) ||
	       (!in_hardirq() && !irqs_disabled());
}

/* A block of 'zone' went to a request from node 'node' ('nid'). */
static void mirror_node_count_alloc(struct mirror_node *node, int nid,
				    struct mirror_zone *zone)
{
	if (zone->nid == nid)
		this_cpu_inc(node->pcpu->allocs_local);
	else
		this_cpu_inc(node->pcpu->allocs_remote);
}

/*
 * The allocation path of the API ('api') and of migration destinations
 * (order 0, mirrored only, see mirror_alloc_dst_page()).
 */
static struct page *mirror_alloc(int nid, gfp_t gfp, unsigned int order,
				 bool api)
{
	gfp_t kgfp = gfp & ~__GFP_MIRROR_MASK;
	bool asked = gfp & __GFP_MIRROR;
	struct mirror_node *node;
	enum mirror_limit limit;
	enum mc_fallback_reason reason;
	struct page *page;
	unsigned int i, nr;

	might_sleep_if(gfpflags_allow_blocking(gfp));

	if (order > MC_MAX_ORDER || order >= MAX_ORDER) {
		mirror_alloc_warn(gfp, order, nid, "order too large");
		return NULL;
	}
	/* Mirrored or nothing cannot also promise never to fail. */
	if ((gfp & __GFP_NOFAIL) && (gfp & __GFP_MIRROR_STRICT)) {
		WARN_ON_ONCE(1);
		mirror_alloc_warn(gfp, order, nid,
				  "__GFP_NOFAIL with __GFP_MIRROR_STRICT");
		return NULL;
	}
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	if (nid < 0 || nid >= mirror.nr_nodes || !node_online(nid)) {
		mirror_alloc_warn(gfp, order, nid, "no such node");
		return NULL;
	}
	node = &mirror.nodes[nid];

	if (!asked && !READ_ONCE(mirror.default_mirror)) {
		if (!mirror_ordinary_allowed()) {
			this_cpu_inc(node->pcpu->failed);
			mirror_alloc_warn(gfp, order, nid,
					  "no ordinary memory with interrupts off on PREEMPT_RT");
			return NULL;
		}
		page = mirror_ordinary_alloc(nid, kgfp, order);
		if (page)
			this_cpu_inc(node->pcpu->allocs_ordinary);
		else
			this_cpu_inc(node->pcpu->failed);
		return page;
	}

	limit = mirror_gfp_limit(gfp);
	nr = node->nr_zorder[limit];
	for (i = 0; i < nr; i++) {
		struct mirror_zone *zone = &mirror.zones[node->zorder[limit][i]];

		if ((gfp & __GFP_THISNODE) && zone->nid != nid)
			continue;
		page = mirror_zone_alloc(zone, order, api);
		if (!page)
			continue;
		mirror_node_count_alloc(node, nid, zone);
		/* Zeros for __GFP_ZERO, else the memory's cheap pattern. */
		if (api)
			mirror_fill_alloc(zone, page, order, kgfp);
		else
			mirror_fill_dst(zone, page);
		return page;
	}

	reason = nr ? MC_FB_EXHAUSTED : mc_zsel_reason(0);
	if (mc_zsel_fallback(!(gfp & __GFP_MIRROR_STRICT),
			     READ_ONCE(mirror.fallback) || !asked) ==
	    MC_FB_FAIL) {
		this_cpu_inc(node->pcpu->failed);
		mirror_alloc_warn(gfp, order, nid,
				  reason == MC_FB_CONSTRAINT ?
				  "no mirror zone meets the address constraint" :
				  "mirror zones full, fallback not allowed");
		return NULL;
	}
	if (!mirror_ordinary_allowed()) {
		this_cpu_inc(node->pcpu->failed);
		mirror_alloc_warn(gfp, order, nid,
				  "mirror zones full, and no fallback with interrupts off on PREEMPT_RT");
		return NULL;
	}
	page = mirror_ordinary_alloc(nid, kgfp, order);
	if (!page) {
		this_cpu_inc(node->pcpu->failed);
		return NULL;
	}
	if (reason == MC_FB_CONSTRAINT)
		this_cpu_inc(node->pcpu->fallback_constraint);
	else
		this_cpu_inc(node->pcpu->fallback_exhausted);
	return page;
}

struct page *mirror_alloc_pages(gfp_t gfp, unsigned int order)
{
	return mirror_alloc(numa_node_id(), gfp, order, true);
}
EXPORT_SYMBOL_GPL(mirror_alloc_pages);

struct page *mirror_alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	return mirror_alloc(nid, gfp, order, true);
}
EXPORT_SYMBOL_GPL(mirror_alloc_pages_node);

struct page *mirror_alloc_dst_page(int nid)
{
	return mirror_alloc(nid, GFP_KERNEL | __GFP_MIRROR |
			    __GFP_MIRROR_STRICT | __GFP_NOWARN, 0, false);
}

/*
 * The largest free block of order 'order' or less in 'zone', taken in one
 * hold of its lock; its order, or -ENOMEM.  Not through the per-CPU
 * caches: a migration takes hundreds of pages at once.
 */
static int mirror_zone_take_block(struct mirror_zone *zone, int order,
				  u64 *pfn)
{
	mirror_zc_zone_lock(&zone->zc);
	while (order >= 0 && mc_zalloc_alloc(&zone->za, order, pfn))
		order--;
	mirror_zc_zone_unlock(&zone->zc);
	return order >= 0 ? order : -ENOMEM;
}

/* A new block for 'b' from 'nid''s zones, nearest first. */
static bool mirror_dst_batch_fill(struct mirror_dst_batch *b, int nid,
				  unsigned long want)
{
	struct mirror_node *node = &mirror.nodes[nid];
	int order = min_t(int, ilog2(want), MC_MAX_ORDER);
	unsigned int i;
	u64 pfn;

	for (i = 0; i < node->nr_zorder[MIRROR_LIMIT_NONE]; i++) {
		struct mirror_zone *zone =
			&mirror.zones[node->zorder[MIRROR_LIMIT_NONE][i]];
		int got = mirror_zone_take_block(zone, order, &pfn);

		if (got < 0)
			continue;
		b->zone = zone;
		b->nid = nid;
		b->next = pfn;
		b->end = pfn + (1UL << got);
		return true;
	}
	/* Not one free page in the zones' own allocators: stop asking. */
	b->dry = true;
	return false;
}

struct page *mirror_dst_batch_page(struct mirror_dst_batch *b, int nid,
				   unsigned long want)
{
	struct mirror_zone *zone;
	struct page *page;

	/* A node mirror_alloc() refuses is refused the same way. */
	if (nid < 0 || nid >= mirror.nr_nodes || !node_online(nid))
		return mirror_alloc_dst_page(nid);
	if (b->zone && (b->nid != nid || b->next == b->end))
		mirror_dst_batch_end(b);
	/*
	 * A run of one, or no block left in any zone: the page path, which
	 * takes from the per-CPU caches, empties them when the zones have
	 * nothing left and reports a zone full.
	 */
	if (!b->zone &&
	    (want < 2 || b->dry || !mirror_dst_batch_fill(b, nid, want)))
		return mirror_alloc_dst_page(nid);

	zone = b->zone;
	page = pfn_to_page(b->next++);
	mirror_dst_page_init(zone, page);
	this_cpu_inc(zone->pcpu->allocs);
	mirror_node_count_alloc(&mirror.nodes[nid], nid, zone);
	mirror_fill_dst(zone, page);
	return page;
}

/* What 'b' did not hand out goes back to its zone, in one hold of its lock. */
void mirror_dst_batch_end(struct mirror_dst_batch *b)
{
	struct mirror_zone *zone = b->zone;
	unsigned long pfn = b->next;

	if (!zone)
		return;
	b->zone = NULL;
	if (pfn == b->end)
		return;
	mirror_zc_zone_lock(&zone->zc);
	while (pfn < b->end) {
		/* The largest aligned piece that fits: the block's buddies. */
		unsigned int order = min_t(unsigned int, __ffs(pfn),
					   ilog2(b->end - pfn));

		WARN_ON_ONCE(mc_zalloc_free(&zone->za, pfn, order));
		pfn += 1UL << order;
	}
	mirror_zc_zone_unlock(&zone->zc);
}

void mirror_free_pages(struct page *page, unsigned int order)
{
	struct mirror_zone *zone;
	unsigned long pfn;

	if (!page)
		return;
	pfn = page_to_pfn(page);
	if (order > MC_MAX_ORDER) {
		atomic64_inc(&mirror.bad_frees_foreign);
		mirror_bad_free(pfn, order, "order above", MC_MAX_ORDER);
		return;
	}
	zone = mirror_zone_of_pfn(pfn);
	if (zone) {
		mirror_zone_free(zone, page, pfn, order);
		return;
	}
	mirror_ordinary_free(page, pfn, order);
}
EXPORT_SYMBOL_GPL(mirror_free_pages);

/* A zone is claimed whole: every page in its span is ours. */
bool page_is_mirrored(struct page *page)
{
	return page && mirror_zone_of_pfn(page_to_pfn(page));
}
EXPORT_SYMBOL_GPL(page_is_mirrored);

/* ---- mempool ------------------------------------------------------------- */

/*
 * The pool's elements are mirrored blocks only (__GFP_MIRROR_STRICT): when
 * the zones are full, mempool_alloc() takes from the reserve instead of
 * ordinary memory.
 */
static void *mirror_mempool_alloc(gfp_t gfp, void *data)
{
	unsigned int order = (unsigned int)(unsigned long)data;

	return mirror_alloc_pages(gfp | __GFP_MIRROR | __GFP_MIRROR_STRICT,
				  order);
}

static void mirror_mempool_free(void *element, void *data)
{
	mirror_free_pages(element, (unsigned int)(unsigned long)data);
}

mempool_t *mirror_mempool_create(int min_nr, unsigned int order)
{
	if (min_nr <= 0 || order > MC_MAX_ORDER)
		return NULL;
	return mempool_create(min_nr, mirror_mempool_alloc,
			      mirror_mempool_free,
			      (void *)(unsigned long)order);
}
EXPORT_SYMBOL_GPL(mirror_mempool_create);

/* ---- object cache -------------------------------------------------------- */

/*
 * A slab-like cache: each slab is one mirrored block carved into objects,
 * with a free list threaded through the free objects.  The owning slab of
 * an object is found through page->private, which is ours to use on pages
 * we allocated; a bit per object says which are out, so that a free to
 * the wrong cache or a second free is refused rather than believed.
 */
struct mirror_slab {
	struct list_head list;		/* in cache->partial or cache->full */
	struct mirror_cache *cache;
	struct page *page;
	void *freelist;
	unsigned int inuse;
	unsigned long out[];		/* one bit per object handed out */
};

struct mirror_cache {
	char name[32];
	size_t size;			/* object stride */
	unsigned int order;		/* slab block order */
	unsigned int per_slab;
	gfp_t gfp;			/* __GFP_MIRROR [| __GFP_MIRROR_STRICT] */
	/*
	 * 'lock' protects both slab lists, every slab's freelist and inuse,
	 * and 'nr_objects'.
	 */
	spinlock_t lock;
	struct list_head partial;	/* slabs with a free object */
	struct list_head full;
	unsigned long nr_slabs;
	unsigned long nr_objects;	/* objects out */
};

struct mirror_cache *mirror_cache_create(const char *name, size_t size,
					 size_t align, unsigned int flags)
{
	struct mirror_cache *cache;
	size_t stride;

	if (!size || (align & (align - 1)) || (flags & ~MIRROR_CACHE_STRICT))
		return NULL;
	/* Before any arithmetic on them: nothing here may wrap. */
	if (size > (PAGE_SIZE << MIRROR_CACHE_MAX_ORDER) ||
	    align > (PAGE_SIZE << MIRROR_CACHE_MAX_ORDER))
		return NULL;
	align = max_t(size_t, align, sizeof(void *));
	stride = ALIGN(max(size, sizeof(void *)), align);
	if (stride > (PAGE_SIZE << MIRROR_CACHE_MAX_ORDER))
		return NULL;

	cache = kzalloc(sizeof(*cache), GFP_KERNEL);
	if (!cache)
		return NULL;
	strscpy(cache->name, name ? name : "mirror", sizeof(cache->name));
	cache->size = stride;
	/* Eight objects per slab where that fits in an order-3 block. */
	cache->order = min_t(unsigned int, get_order(stride * 8),
			     MIRROR_CACHE_MAX_ORDER);
	cache->per_slab = (PAGE_SIZE << cache->order) / stride;
	cache->gfp = __GFP_MIRROR;
	if (flags & MIRROR_CACHE_STRICT)
		cache->gfp |= __GFP_MIRROR_STRICT;
	spin_lock_init(&cache->lock);
	INIT_LIST_HEAD(&cache->partial);
	INIT_LIST_HEAD(&cache->full);
	return cache;
}
EXPORT_SYMBOL_GPL(mirror_cache_create);

static struct mirror_slab *mirror_slab_new(struct mirror_cache *cache,
					   gfp_t gfp)
{
	struct mirror_slab *slab;
	struct page *page;
	unsigned int i;
	char *base;

	slab = kzalloc(struct_size(slab, out, BITS_TO_LONGS(cache->per_slab)),
		       (gfp & MIRROR_META_GFP_MASK) | __GFP_NOWARN);
	if (!slab)
		return NULL;
	slab->cache = cache;
	page = mirror_alloc_pages((gfp & ~__GFP_ZERO) | cache->gfp,
				  cache->order);
	if (!page) {
		kfree(slab);
		return NULL;
	}
	slab->page = page;
	slab->inuse = 0;
	slab->freelist = NULL;
	base = page_address(page);
	for (i = cache->per_slab; i-- > 0;) {
		void **obj = (void **)(base + i * cache->size);

		*obj = slab->freelist;
		slab->freelist = obj;
	}
	for (i = 0; i < (1U << cache->order); i++)
		set_page_private(page + i, (unsigned long)slab);
	return slab;
}

static void mirror_slab_free(struct mirror_cache *cache,
			     struct mirror_slab *slab)
{
	unsigned int i;

	for (i = 0; i < (1U << cache->order); i++)
		set_page_private(slab->page + i, 0);
	mirror_free_pages(slab->page, cache->order);
	kfree(slab);
}

void *mirror_cache_alloc(struct mirror_cache *cache, gfp_t gfp)
{
	struct mirror_slab *slab, *fresh = NULL;
	unsigned long flags;
	void *obj;

	spin_lock_irqsave(&cache->lock, flags);
	if (list_empty(&cache->partial)) {
		spin_unlock_irqrestore(&cache->lock, flags);
		fresh = mirror_slab_new(cache, gfp);
		if (!fresh)
			return NULL;
		spin_lock_irqsave(&cache->lock, flags);
		list_add(&fresh->list, &cache->partial);
		cache->nr_slabs++;
	}
	slab = list_first_entry(&cache->partial, struct mirror_slab, list);
	obj = slab->freelist;
	slab->freelist = *(void **)obj;
	slab->inuse++;
	__set_bit(((char *)obj - (char *)page_address(slab->page)) /
		  cache->size, slab->out);
	if (!slab->freelist)
		list_move(&slab->list, &cache->full);
	cache->nr_objects++;
	spin_unlock_irqrestore(&cache->lock, flags);

	if (gfp & __GFP_ZERO)
		memset(obj, 0, cache->size);
	return obj;
}
EXPORT_SYMBOL_GPL(mirror_cache_alloc);

static void mirror_cache_bad_free(struct mirror_cache *cache, void *obj,
				  const char *why)
{
	atomic64_inc(&mirror.bad_frees_foreign);
	pr_warn_ratelimited("cache %s: refused free of an object: %s\n",
			    cache->name, why);
}

void mirror_cache_free(struct mirror_cache *cache, void *obj)
{
	struct mirror_slab *slab, *empty = NULL;
	unsigned long flags, off, idx;

	if (!obj)
		return;
	if (!virt_addr_valid(obj)) {
		mirror_cache_bad_free(cache, obj, "not a kernel address");
		return;
	}
	slab = (struct mirror_slab *)page_private(virt_to_page(obj));
	if (!slab || slab->cache != cache) {
		mirror_cache_bad_free(cache, obj, slab ?
				      "it belongs to another cache" :
				      "not from a mirror cache");
		return;
	}
	off = (char *)obj - (char *)page_address(slab->page);
	idx = off / cache->size;
	if (off % cache->size || idx >= cache->per_slab) {
		mirror_cache_bad_free(cache, obj, "not the start of an object");
		return;
	}

	spin_lock_irqsave(&cache->lock, flags);
	if (!__test_and_clear_bit(idx, slab->out)) {
		spin_unlock_irqrestore(&cache->lock, flags);
		mirror_cache_bad_free(cache, obj, "already free (double free)");
		return;
	}
	if (!slab->freelist)
		list_move(&slab->list, &cache->partial);
	*(void **)obj = slab->freelist;
	slab->freelist = obj;
	slab->inuse--;
	cache->nr_objects--;
	/* Keep one empty slab; give the others back to their zone. */
	if (!slab->inuse && cache->nr_slabs > 1) {
		list_del(&slab->list);
		cache->nr_slabs--;
		empty = slab;
	}
	spin_unlock_irqrestore(&cache->lock, flags);

	if (empty)
		mirror_slab_free(cache, empty);
}
EXPORT_SYMBOL_GPL(mirror_cache_free);

void mirror_cache_destroy(struct mirror_cache *cache)
{
	struct mirror_slab *slab, *next;

	if (!cache)
		return;
	if (cache->nr_objects) {
		/* The objects still out keep their slabs: leak, don't corrupt. */
		pr_err("cache %s destroyed with %lu objects out\n",
		       cache->name, cache->nr_objects);
		list_for_each_entry_safe(slab, next, &cache->partial, list)
			if (!slab->inuse)
				mirror_slab_free(cache, slab);
		kfree(cache);
		return;
	}
	list_for_each_entry_safe(slab, next, &cache->partial, list)
		mirror_slab_free(cache, slab);
	kfree(cache);
}
EXPORT_SYMBOL_GPL(mirror_cache_destroy);
