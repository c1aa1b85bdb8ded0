/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * zalloc.h - the zone page allocator of one mirror zone.
 *
 * A buddy allocator over one pfn range whose metadata lives outside the
 * pages it manages (userspace tests simulate terabytes of pages that do not
 * exist): per-order free bitmaps with a summary hierarchy so that a free
 * block is found in O(log n), plus the occupancy bitmap ("occupied marks",
 * one bit per page) that says which pages are handed out.
 *
 * Blocks are naturally aligned in absolute pfn (a block of order k starts
 * at a multiple of 2^k) and lie wholly inside the zone; the zone itself
 * may start and end anywhere.
 *
 * Pages start absent.  mc_zalloc_add_free() makes claimed pages available;
 * pages never added (blocks the kernel would not give up) are neither free
 * nor used and are not counted in 'present'.
 *
 * Metadata is about three bits per page, ~100 KiB per GiB managed.  Each
 * group of 64 naturally aligned pages has one record holding its occupied
 * bits, its present bits and the free bits of its blocks of orders 1..6,
 * so that freeing a page and merging it up to 256 KiB touches one record.
 * Orders 7..10 have their own bitmaps.  The order-0 free bits are not
 * stored: with buddies always merged, a page is a free order-0 block
 * exactly when it is free (present, not occupied) and its buddy is not.
 * Every order has a summary hierarchy over its bits (over the records for
 * orders 0..6).
 *
 * No locking: the caller serialises every call on one zone.
 */
#ifndef MIRROR_CORE_ZALLOC_H
#define MIRROR_CORE_ZALLOC_H

#include "compat.h"

#define MC_MAX_ORDER		10	/* orders 0..MC_MAX_ORDER inclusive */
#define MC_NR_ORDERS		(MC_MAX_ORDER + 1)

/*
 * Largest zone mc_zalloc_init() accepts: 2^32 pages (16 TiB), whose
 * metadata (1.6 GiB) stays below what one kvzalloc() may ask for.
 */
#define MC_ZALLOC_MAX_PAGES	(1ULL << 32)
/* Every pfn of a zone is below this (52-bit physical addresses). */
#define MC_ZALLOC_PFN_LIMIT	(1ULL << 52)

/* Enough summary levels for MC_ZALLOC_MAX_PAGES bits at 64 per word. */
#define MC_BT_MAX_LEVELS	8
/* Orders whose free bits live in the group records. */
#define MC_GROUP_MAX_ORDER	6

/*
 * A bitmap with a summary hierarchy: level[0] holds the bits, and bit i of
 * level[l + 1] says whether word i of level[l] is non-zero.  The top level
 * is a single word.  For orders 0..MC_GROUP_MAX_ORDER level[0] is NULL:
 * its word i is the order's bits in group record i.  Private to zalloc.c
 * (declared here so that the checker tests can corrupt it on purpose).
 */
struct mc_bitmap_tree {
	unsigned int levels;
	u64 nbits;				/* bits of level 0 */
	u64 nwords[MC_BT_MAX_LEVELS];
	unsigned long *level[MC_BT_MAX_LEVELS];
};

/*
 * The record of the 64 pages [origin + 64 * i, origin + 64 * i + 64).
 * 'blocks' holds the free blocks of order k = 1..6 starting at bit
 * 64 - (128 >> k): 32 bits of order 1, 16 of order 2, ... 1 of order 6;
 * bit 63 is always 0.
 */
struct mc_zalloc_group {
	unsigned long occupied;		/* 1 = handed out */
	unsigned long present;		/* 1 = added (claimed) */
	unsigned long blocks;
};

struct mc_zalloc_stats {
	u64 spanned;			/* pages in [base, base + spanned) */
	u64 present;			/* pages added with add_free */
	u64 free;
	u64 used;			/* present - free */
	u64 free_blocks[MC_NR_ORDERS];	/* free blocks of each order */
	u64 allocs;			/* successful allocations */
	u64 alloc_failures;		/* -ENOMEM returns */
	u64 frees;			/* successful frees */
	u64 bad_frees;			/* frees refused (-EINVAL) */
};

struct mc_zalloc {
	u64 base_pfn;
	u64 spanned;
	/*
	 * Page 0 of group 0: base_pfn rounded down to 2^MC_MAX_ORDER, so
	 * that a block's bit is (pfn - origin) >> order for every order and
	 * the zone ends inside whole largest blocks.
	 */
	u64 origin;
	u64 ngroups;
	struct mc_zalloc_group *groups;
	struct mc_bitmap_tree free[MC_NR_ORDERS];
	void *meta;			/* the one allocation behind all maps */
	u64 meta_bytes;
	struct mc_zalloc_stats stats;
};

/*
 * Set up an empty zone (nothing present).  0, -ENOMEM, or -EINVAL for
 * nr_pages of 0 or above MC_ZALLOC_MAX_PAGES, or a zone reaching past
 * MC_ZALLOC_PFN_LIMIT.
 */
int mc_zalloc_init(struct mc_zalloc *z, u64 base_pfn, u64 nr_pages);
void mc_zalloc_destroy(struct mc_zalloc *z);

/*
 * Make [pfn, pfn + nr) available: it is cut into maximal aligned blocks,
 * which merge with free neighbours.  -EINVAL (and nothing changes) if nr is
 * 0, the range leaves the zone, or any page of it is already present.
 */
int mc_zalloc_add_free(struct mc_zalloc *z, u64 pfn, u64 nr);

/*
 * Allocate 2^order contiguous, naturally aligned pages: the lowest free
 * block of the smallest sufficient order, split as needed.  0, -ENOMEM, or
 * -EINVAL for order > MC_MAX_ORDER.
 */
int mc_zalloc_alloc(struct mc_zalloc *z, unsigned int order, u64 *pfn);

/*
 * Free a block.  -EINVAL (and nothing changes but the bad_frees counter)
 * when the order is above MC_MAX_ORDER, the block is not inside the zone,
 * the pfn is misaligned for the order, or any page of the block is not
 * occupied (a double free or a free of a larger order than allocated).
 * Occupancy is all the allocator records, so freeing an aligned part of an
 * allocated block with a smaller order is allowed: exactly those pages are
 * returned, and the rest of the block can be freed piece by piece.
 */
int mc_zalloc_free(struct mc_zalloc *z, u64 pfn, unsigned int order);

bool mc_zalloc_contains(const struct mc_zalloc *z, u64 pfn);
bool mc_zalloc_is_occupied(const struct mc_zalloc *z, u64 pfn);

/*
 * Occupied runs in pfn order: finds the first run of occupied pages that
 * starts at or after 'from' (a run that 'from' falls inside is reported
 * from 'from' on); sets [*start, *end) and returns true, or returns false
 * when there is none.  Iterate with from = previous *end.
 */
bool mc_zalloc_next_occupied(const struct mc_zalloc *z, u64 from,
			     u64 *start, u64 *end);

/*
 * Verify every invariant (bitmaps agree with each other and the counters,
 * no free block overlaps an occupied or absent page, free blocks never
 * overlap, every free page is in a free block, buddies are merged, the
 * summary levels match).  Walks the whole zone: for tests and debugfs, not
 * hot paths.  Returns 0, or -EUCLEAN with a one-line description in 'why'
 * (which may be NULL).
 */
int mc_zalloc_check(const struct mc_zalloc *z, char *why, size_t whylen);

/* Metadata bytes this zone uses (for the bitmap-cost figures). */
u64 mc_zalloc_meta_bytes(const struct mc_zalloc *z);

#endif /* MIRROR_CORE_ZALLOC_H */
