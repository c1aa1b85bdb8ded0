/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * zcache.h - per-CPU caches of small blocks in front of one zone
 * allocator, as the page allocator keeps per-CPU lists in front of its
 * buddy lists.
 *
 * Each CPU keeps up to 'high' free blocks of each order 0..MC_ZCACHE_MAX_ORDER.
 * An allocation takes the CPU's most recently freed block of its order
 * (cache-warm); an empty list is refilled with 'batch' blocks in one hold
 * of the zone's lock, and a list that grows past 'high' gives its 'batch'
 * oldest blocks back in one hold.  Most allocations and frees therefore
 * touch the CPU's own cache only.
 *
 * A cached block is occupied in the zone allocator but free for everyone
 * else: mc_zcache_pages() says how many pages the caches hold, which a
 * caller adds to the zone's free count and takes from its used count.
 * When the zone has nothing left, every CPU's cache is drained before the
 * zone is declared full (mc_zcache_alloc() returns -EAGAIN for that), so a
 * zone is never exhausted while caches hold pages of it.
 *
 * Locking is the caller's, as everywhere in the core: one lock per CPU
 * cache, held by the caller for every call that takes a cache, and the
 * zone's lock, always taken after a cache's lock, never before.  The
 * functions that need the zone call ops->zone_lock()/zone_unlock(); the
 * ones that visit other CPUs' caches call ops->cache_lock()/cache_unlock()
 * and must be called with no cache lock held.  A caller that cannot take
 * its own cache's lock (an interrupt that came while its CPU held it) uses
 * the zone directly: mc_zcache_alloc_zone(), mc_zcache_free_zone().
 */
#ifndef MIRROR_CORE_ZCACHE_H
#define MIRROR_CORE_ZCACHE_H

#include "compat.h"
#include "zalloc.h"

#define MC_ZCACHE_MAX_ORDER	3	/* orders 0..3 are cached */
#define MC_ZCACHE_NR_ORDERS	(MC_ZCACHE_MAX_ORDER + 1)
#define MC_ZCACHE_SLOTS		32	/* the largest 'high' */

/* Free blocks of one order, as offsets from the zone's base pfn. */
struct mc_zcache_list {
	unsigned int count;
	u32 off[MC_ZCACHE_SLOTS];	/* [0] oldest, [count - 1] newest */
};

/* One CPU's cache of one zone. */
struct mc_zcache_cpu {
	struct mc_zcache_list list[MC_ZCACHE_NR_ORDERS];
	u64 pages;			/* pages in all lists */
	u64 refills;			/* batches taken from the zone */
	u64 drains;			/* batches given back */
	bool touched;			/* used since the last idle pass */
};

struct mc_zcache;

struct mc_zcache_ops {
	void (*zone_lock)(struct mc_zcache *zc);
	void (*zone_unlock)(struct mc_zcache *zc);
	/* CPU 'cpu''s cache (not locked), or NULL if it has none. */
	struct mc_zcache_cpu *(*cache_of)(struct mc_zcache *zc,
					  unsigned int cpu);
	/*
	 * Lock CPU 'cpu''s cache for a visit from another context; false
	 * when it cannot be had without waiting on the context the caller
	 * interrupted (it is then left as it is).
	 */
	bool (*cache_lock)(struct mc_zcache *zc, unsigned int cpu);
	void (*cache_unlock)(struct mc_zcache *zc, unsigned int cpu);
};

struct mc_zcache {
	struct mc_zalloc *z;
	unsigned int high;		/* 1..MC_ZCACHE_SLOTS */
	unsigned int batch;		/* 1..high */
	unsigned int nr_cpus;		/* caches 0..nr_cpus - 1 */
	const struct mc_zcache_ops *ops;
	void *priv;			/* the caller's */
};

/*
 * Set up the parameters (caches start empty: zero them).  -EINVAL unless
 * 1 <= batch <= high <= MC_ZCACHE_SLOTS and the zone's pfns fit the
 * lists' 32-bit offsets.
 */
int mc_zcache_init(struct mc_zcache *zc, struct mc_zalloc *z,
		   unsigned int high, unsigned int batch, unsigned int nr_cpus,
		   const struct mc_zcache_ops *ops, void *priv);

/*
 * Allocate 2^order pages with 'c' (the calling CPU's cache) locked:
 * from the cache, else from a batch the zone gives it, and above
 * MC_ZCACHE_MAX_ORDER from the zone directly.  0, -ENOMEM (nothing free
 * anywhere, caches included), -EINVAL (order above MC_MAX_ORDER), or
 * -EAGAIN: the zone has no block of this order but caches may hold its
 * pages.  On -EAGAIN, unlock 'c' and call mc_zcache_alloc_drained().
 */
int mc_zcache_alloc(struct mc_zcache *zc, struct mc_zcache_cpu *c,
		    unsigned int order, u64 *pfn);

/*
 * With no cache locked: drain every CPU's cache into the zone, then
 * allocate from the zone.  0 or -ENOMEM (the zone is full), -EINVAL.
 */
int mc_zcache_alloc_drained(struct mc_zcache *zc, unsigned int order,
			    u64 *pfn);

/*
 * With no cache locked, for a caller that could not lock its own cache:
 * allocate from the zone, and when it has no block of this order, drain
 * the caches (those that can be locked) and try once more.  0, -ENOMEM,
 * -EINVAL.
 */
int mc_zcache_alloc_zone(struct mc_zcache *zc, unsigned int order, u64 *pfn);

/*
 * Free a block with 'c' locked: into the cache (giving a batch back to
 * the zone when the list passes 'high'), or to the zone above
 * MC_ZCACHE_MAX_ORDER.  0, or -EINVAL when the zone refuses it (see
 * mc_zalloc_free(); nothing changes).  The caller has checked that the
 * block is out: a cached block is not checked until it reaches the zone.
 */
int mc_zcache_free(struct mc_zcache *zc, struct mc_zcache_cpu *c, u64 pfn,
		   unsigned int order);

/*
 * With no cache locked, for a caller that could not lock its own cache:
 * free a block to the zone directly.  0 or -EINVAL as mc_zalloc_free().
 */
int mc_zcache_free_zone(struct mc_zcache *zc, u64 pfn, unsigned int order);

/* Give everything in 'c' (locked) back to the zone.  Pages given back. */
u64 mc_zcache_drain(struct mc_zcache *zc, struct mc_zcache_cpu *c);

/*
 * With no cache locked: drain every cache ('idle_only': only those not
 * used since the previous such call, and clear the mark of the others).
 * A cache whose lock ops->cache_lock() cannot take is left as it is.
 * Returns the pages that stay cached.
 */
u64 mc_zcache_drain_all(struct mc_zcache *zc, bool idle_only);

/*
 * Pages the caches hold, summed without their locks: exact when no
 * allocation or free runs meanwhile, else a value some moment had.
 */
u64 mc_zcache_pages(const struct mc_zcache *zc);

#endif /* MIRROR_CORE_ZCACHE_H */
