// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * zcache.c - per-CPU caches of small blocks in front of a zone allocator.
 * See zcache.h for the rules; the caller locks.
 */
#include "zcache.h"

int mc_zcache_init(struct mc_zcache *zc, struct mc_zalloc *z,
		   unsigned int high, unsigned int batch, unsigned int nr_cpus,
		   const struct mc_zcache_ops *ops, void *priv)
{
	if (!batch || batch > high || high > MC_ZCACHE_SLOTS || !nr_cpus)
		return -EINVAL;
	/* Offsets are 32-bit: every page of the zone must have one. */
	if (z->spanned > (1ULL << 32))
		return -EINVAL;
	zc->z = z;
	zc->high = high;
	zc->batch = batch;
	zc->nr_cpus = nr_cpus;
	zc->ops = ops;
	zc->priv = priv;
	return 0;
}

static u64 mc_zcache_pfn(const struct mc_zcache *zc, u32 off)
{
	return zc->z->base_pfn + off;
}

/* Whether the zone has a free block of 'order' or larger; zone locked. */
static bool mc_zcache_zone_has(const struct mc_zalloc *z, unsigned int order)
{
	unsigned int j;

	for (j = order; j <= MC_MAX_ORDER; j++)
		if (z->stats.free_blocks[j])
			return true;
	return false;
}

/*
 * Take up to 'batch' blocks from the zone into 'list'; zone locked.  A
 * short batch is no failure of anyone's: the zone's alloc_failures
 * counts only what the caller of mc_zcache_alloc() does not get.
 */
static unsigned int mc_zcache_refill(struct mc_zcache *zc,
				     struct mc_zcache_cpu *c,
				     unsigned int order)
{
	struct mc_zcache_list *list = &c->list[order];
	unsigned int got = 0;
	u64 pfn;

	while (got < zc->batch && list->count < zc->high &&
	       mc_zcache_zone_has(zc->z, order) &&
	       !mc_zalloc_alloc(zc->z, order, &pfn)) {
		list->off[list->count++] = (u32)(pfn - zc->z->base_pfn);
		got++;
	}
	c->pages += (u64)got << order;
	if (got)
		c->refills++;
	return got;
}

/*
 * Give the 'n' oldest blocks of 'list' back to the zone; zone locked.
 * A block the zone refuses (only a caller's bug can put one there) is
 * dropped from the cache all the same: the zone counted it.
 */
static void mc_zcache_give_back(struct mc_zcache *zc, struct mc_zcache_cpu *c,
				unsigned int order, unsigned int n)
{
	struct mc_zcache_list *list = &c->list[order];
	unsigned int i;

	if (n > list->count)
		n = list->count;
	for (i = 0; i < n; i++)
		(void)MC_WARN(mc_zalloc_free(zc->z,
					     mc_zcache_pfn(zc, list->off[i]),
					     order));
	memmove(list->off, list->off + n,
		(list->count - n) * sizeof(list->off[0]));
	list->count -= n;
	c->pages -= (u64)n << order;
	if (n)
		c->drains++;
}

static int mc_zcache_zone_alloc(struct mc_zcache *zc, unsigned int order,
				u64 *pfn)
{
	int ret;

	zc->ops->zone_lock(zc);
	ret = mc_zalloc_alloc(zc->z, order, pfn);
	zc->ops->zone_unlock(zc);
	return ret;
}

int mc_zcache_alloc(struct mc_zcache *zc, struct mc_zcache_cpu *c,
		    unsigned int order, u64 *pfn)
{
	struct mc_zcache_list *list;
	unsigned int got;
	int ret;

	if (order > MC_ZCACHE_MAX_ORDER) {
		zc->ops->zone_lock(zc);
		/* Caches hold small blocks that may merge into this one. */
		if (!mc_zcache_zone_has(zc->z, order) && mc_zcache_pages(zc))
			ret = -EAGAIN;
		else
			ret = mc_zalloc_alloc(zc->z, order, pfn);
		zc->ops->zone_unlock(zc);
		return ret;
	}
	c->touched = true;
	list = &c->list[order];
	if (!list->count) {
		ret = 0;
		zc->ops->zone_lock(zc);
		got = mc_zcache_refill(zc, c, order);
		if (!got && mc_zcache_pages(zc)) {
			ret = -EAGAIN;
		} else if (!got) {
			zc->z->stats.alloc_failures++;
			ret = -ENOMEM;
		}
		zc->ops->zone_unlock(zc);
		if (ret)
			return ret;
	}
	*pfn = mc_zcache_pfn(zc, list->off[--list->count]);
	c->pages -= 1ULL << order;
	return 0;
}

int mc_zcache_alloc_drained(struct mc_zcache *zc, unsigned int order,
			    u64 *pfn)
{
	mc_zcache_drain_all(zc, false);
	return mc_zcache_zone_alloc(zc, order, pfn);
}

int mc_zcache_alloc_zone(struct mc_zcache *zc, unsigned int order, u64 *pfn)
{
	int ret = mc_zcache_zone_alloc(zc, order, pfn);

	if (ret == -ENOMEM && mc_zcache_pages(zc))
		ret = mc_zcache_alloc_drained(zc, order, pfn);
	return ret;
}

int mc_zcache_free_zone(struct mc_zcache *zc, u64 pfn, unsigned int order)
{
	int ret;

	zc->ops->zone_lock(zc);
	ret = mc_zalloc_free(zc->z, pfn, order);
	zc->ops->zone_unlock(zc);
	return ret;
}

int mc_zcache_free(struct mc_zcache *zc, struct mc_zcache_cpu *c, u64 pfn,
		   unsigned int order)
{
	struct mc_zcache_list *list;
	int ret;

	if (order > MC_ZCACHE_MAX_ORDER || pfn < zc->z->base_pfn ||
	    pfn - zc->z->base_pfn >= zc->z->spanned) {
		zc->ops->zone_lock(zc);
		ret = mc_zalloc_free(zc->z, pfn, order);
		zc->ops->zone_unlock(zc);
		return ret;
	}
	c->touched = true;
	list = &c->list[order];
	if (list->count == zc->high) {
		zc->ops->zone_lock(zc);
		mc_zcache_give_back(zc, c, order, zc->batch);
		zc->ops->zone_unlock(zc);
	}
	list->off[list->count++] = (u32)(pfn - zc->z->base_pfn);
	c->pages += 1ULL << order;
	return 0;
}

u64 mc_zcache_drain(struct mc_zcache *zc, struct mc_zcache_cpu *c)
{
	u64 before = c->pages;
	unsigned int order;

	if (!before)
		return 0;
	zc->ops->zone_lock(zc);
	for (order = 0; order <= MC_ZCACHE_MAX_ORDER; order++)
		mc_zcache_give_back(zc, c, order, c->list[order].count);
	zc->ops->zone_unlock(zc);
	return before;
}

u64 mc_zcache_drain_all(struct mc_zcache *zc, bool idle_only)
{
	u64 left = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < zc->nr_cpus; cpu++) {
		struct mc_zcache_cpu *c = zc->ops->cache_of(zc, cpu);

		if (!c)
			continue;
		if (!zc->ops->cache_lock(zc, cpu)) {
			left += MC_READ_ONCE(c->pages);
			continue;
		}
		if (idle_only && c->touched)
			c->touched = false;
		else
			mc_zcache_drain(zc, c);
		left += c->pages;
		zc->ops->cache_unlock(zc, cpu);
	}
	return left;
}

u64 mc_zcache_pages(const struct mc_zcache *zc)
{
	u64 sum = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < zc->nr_cpus; cpu++) {
		const struct mc_zcache_cpu *c =
			zc->ops->cache_of((struct mc_zcache *)zc, cpu);

		if (c)
			sum += MC_READ_ONCE(c->pages);
	}
	return sum;
}
