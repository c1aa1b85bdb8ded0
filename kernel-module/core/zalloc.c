// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * zalloc.c - the zone page allocator of one mirror zone (see zalloc.h).
 *
 * Layout.  Page offsets count from 'origin', base_pfn rounded down to the
 * largest block size, and the maps run to the end of the zone rounded up
 * to it.  So a block of order k has bit (pfn - origin) >> k, the buddy of
 * any block inside the zone has a bit too, and the two pages of an order-0
 * buddy pair always share a group record.  Pages of that padding are never
 * present, hence never free, and never part of a block.
 *
 * Free blocks of orders 1..6 are bits of the group records, orders 7..10
 * bits of plain bitmaps.  Each order has a summary hierarchy whose first
 * level has one bit per record (orders 0..6) or per bitmap word.
 *
 * Free order-0 blocks are derived: with buddies always merged, page p is a
 * free order-0 block exactly when p is free and p ^ 1 is not, which a word
 * operation computes from a record's 'present' and 'occupied'.  Inside a
 * block of order >= 1 both pages of every pair change state together, so
 * only order-0 allocations and frees (and add_free) change which pages are
 * order-0 blocks, and only those maintain the order-0 summary.
 */
#include "zalloc.h"

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

_Static_assert(sizeof(unsigned long) == 8, "the bitmaps use 64-bit words");

#define MC_BLOCK_MAX	(1ULL << MC_MAX_ORDER)	/* pages of the largest block */
#define MC_EVEN_BITS	0x5555555555555555UL

static inline unsigned long mc_bitmask(u64 i)
{
	return 1UL << (i & 63);
}

/* The n low bits set, n in 0..64. */
static inline unsigned long mc_low_mask(u64 n)
{
	return n >= 64 ? ~0UL : (1UL << n) - 1;
}

static inline unsigned int mc_ctz(unsigned long x)
{
	return __builtin_ctzl(x);
}

static inline bool mc_test(const unsigned long *map, u64 i)
{
	return map[i >> 6] & mc_bitmask(i);
}

/* Pages of group g that fall in [s, e); the two must overlap. */
static inline unsigned long mc_group_mask(u64 g, u64 s, u64 e)
{
	u64 lo = g << 6, hi = lo + 64;

	if (s > lo)
		lo = s;
	if (e < hi)
		hi = e;
	return mc_low_mask(hi - lo) << (lo & 63);
}

/* ---- bitmap trees ---------------------------------------------------- */

/* Word counts of every level for nbits bits; returns the words to store. */
static u64 mc_bt_layout(struct mc_bitmap_tree *t, u64 nbits, u64 leaf_words,
			bool stored_leaf)
{
	u64 n = leaf_words;
	u64 words = stored_leaf ? n : 0;
	unsigned int l = 1;

	t->nbits = nbits;
	t->nwords[0] = n;
	while (n > 1) {
		n = (n + 63) >> 6;
		t->nwords[l++] = n;
		words += n;
	}
	t->levels = l;
	return words;
}

/* Word w of level 0 became non-zero: mark it in the levels above. */
static inline void mc_bt_summary_set(struct mc_bitmap_tree *t, u64 w)
{
	unsigned int l;

	for (l = 1; l < t->levels; l++) {
		unsigned long *p = &t->level[l][w >> 6];
		unsigned long old = *p;

		*p = old | mc_bitmask(w);
		if (old)
			return;
		w >>= 6;
	}
}

/* Word w of level 0 became zero. */
static inline void mc_bt_summary_clear(struct mc_bitmap_tree *t, u64 w)
{
	unsigned int l;

	for (l = 1; l < t->levels; l++) {
		unsigned long *p = &t->level[l][w >> 6];

		*p &= ~mc_bitmask(w);
		if (*p)
			return;
		w >>= 6;
	}
}

/* Bring the summary of level-0 word w in line with whether it is zero. */
static void mc_bt_summary_update(struct mc_bitmap_tree *t, u64 w,
				 bool nonzero)
{
	bool marked;

	if (t->levels < 2)
		return;
	marked = t->level[1][w >> 6] & mc_bitmask(w);
	if (nonzero && !marked)
		mc_bt_summary_set(t, w);
	else if (!nonzero && marked)
		mc_bt_summary_clear(t, w);
}

/*
 * The lowest level-0 word the summary marks non-zero, or U64_MAX when the
 * summary is empty or leads nowhere (only a corrupted tree does that, and
 * then no index outside the maps is ever formed).
 */
static inline u64 mc_bt_first_word(const struct mc_bitmap_tree *t)
{
	unsigned int l;
	u64 i = 0;

	for (l = t->levels - 1; l >= 1; l--) {
		unsigned long x = t->level[l][i];

		if (unlikely(!x))
			return U64_MAX;
		i = (i << 6) + mc_ctz(x);
		if (unlikely(i >= t->nwords[l - 1]))
			return U64_MAX;
	}
	return i;
}

/* ---- page groups and blocks ------------------------------------------ */

/* Free pages of group g. */
static inline unsigned long mc_free_bits(const struct mc_zalloc_group *g)
{
	return g->present & ~g->occupied;
}

/* Swap the two bits of every aligned pair: each page's buddy. */
static inline unsigned long mc_pair_swap(unsigned long x)
{
	return ((x >> 1) & MC_EVEN_BITS) | ((x & MC_EVEN_BITS) << 1);
}

/* Free pages whose buddy is not free: the free order-0 blocks. */
static inline unsigned long mc_lone_free(unsigned long f)
{
	return f & ~mc_pair_swap(f);
}

static inline unsigned long mc_order0_bits(const struct mc_zalloc *z, u64 g)
{
	return mc_lone_free(mc_free_bits(&z->groups[g]));
}

/* Where the order-k (1..6) bits start in a record's 'blocks'. */
static inline unsigned int mc_seg_shift(unsigned int k)
{
	return 64 - (128 >> k);
}

static inline unsigned long mc_seg_mask(unsigned int k)
{
	return mc_low_mask(64 >> k);
}

static inline unsigned long mc_seg(const struct mc_zalloc *z, unsigned int k,
				   u64 g)
{
	return (z->groups[g].blocks >> mc_seg_shift(k)) & mc_seg_mask(k);
}

/* Word w of order k's level 0, stored or not. */
static inline unsigned long mc_leaf_word(const struct mc_zalloc *z,
					 unsigned int k, u64 w)
{
	if (k == 0)
		return mc_order0_bits(z, w);
	if (k <= MC_GROUP_MAX_ORDER)
		return mc_seg(z, k, w);
	return z->free[k].level[0][w];
}

/* Is the block of order k >= 1 at page offset off free? */
static inline bool mc_block_test(const struct mc_zalloc *z, unsigned int k,
				 u64 off)
{
	if (k <= MC_GROUP_MAX_ORDER)
		return z->groups[off >> 6].blocks &
		       (1UL << (mc_seg_shift(k) + ((off & 63) >> k)));
	return mc_test(z->free[k].level[0], off >> k);
}

static inline void mc_block_set(struct mc_zalloc *z, unsigned int k, u64 off)
{
	unsigned long *p, old;
	u64 w;

	if (k <= MC_GROUP_MAX_ORDER) {
		w = off >> 6;
		p = &z->groups[w].blocks;
		old = *p & (mc_seg_mask(k) << mc_seg_shift(k));
		*p |= 1UL << (mc_seg_shift(k) + ((off & 63) >> k));
	} else {
		w = off >> (k + 6);
		p = &z->free[k].level[0][w];
		old = *p;
		*p |= mc_bitmask(off >> k);
	}
	if (!old)
		mc_bt_summary_set(&z->free[k], w);
}

static inline void mc_block_clear(struct mc_zalloc *z, unsigned int k,
				  u64 off)
{
	unsigned long *p, left;
	u64 w;

	if (k <= MC_GROUP_MAX_ORDER) {
		w = off >> 6;
		p = &z->groups[w].blocks;
		*p &= ~(1UL << (mc_seg_shift(k) + ((off & 63) >> k)));
		left = *p & (mc_seg_mask(k) << mc_seg_shift(k));
	} else {
		w = off >> (k + 6);
		p = &z->free[k].level[0][w];
		*p &= ~mc_bitmask(off >> k);
		left = *p;
	}
	if (!left)
		mc_bt_summary_clear(&z->free[k], w);
}

/* Page offset of the lowest free block of order k >= 1, or U64_MAX. */
static inline u64 mc_block_first(const struct mc_zalloc *z, unsigned int k)
{
	const struct mc_bitmap_tree *t = &z->free[k];
	u64 w = mc_bt_first_word(t);
	unsigned long x;

	if (unlikely(w == U64_MAX))
		return U64_MAX;
	x = mc_leaf_word(z, k, w);
	if (unlikely(!x))
		return U64_MAX;
	if (k <= MC_GROUP_MAX_ORDER)
		return (w << 6) + ((u64)mc_ctz(x) << k);
	w = (w << 6) + mc_ctz(x);
	return likely(w < t->nbits) ? w << k : U64_MAX;
}

/* After an order-0 change in group g that had order-0 blocks 'before'. */
static inline void mc_order0_changed(struct mc_zalloc *z, u64 g,
				     unsigned long before)
{
	unsigned long after = mc_order0_bits(z, g);

	if (!before && after)
		mc_bt_summary_set(&z->free[0], g);
	else if (before && !after)
		mc_bt_summary_clear(&z->free[0], g);
}

/* Mark a block (aligned, 2^order pages) occupied or not. */
static void mc_occupy(struct mc_zalloc *z, u64 off, unsigned int order,
		      bool on)
{
	u64 g, end;

	if (order < 6) {
		unsigned long m = mc_low_mask(1ULL << order) << (off & 63);

		if (on)
			z->groups[off >> 6].occupied |= m;
		else
			z->groups[off >> 6].occupied &= ~m;
		return;
	}
	end = (off >> 6) + (1ULL << (order - 6));
	for (g = off >> 6; g < end; g++)
		z->groups[g].occupied = on ? ~0UL : 0;
}

static bool mc_all_occupied(const struct mc_zalloc *z, u64 off,
			    unsigned int order)
{
	u64 g, end;

	if (order < 6) {
		unsigned long m = mc_low_mask(1ULL << order) << (off & 63);

		return (z->groups[off >> 6].occupied & m) == m;
	}
	end = (off >> 6) + (1ULL << (order - 6));
	for (g = off >> 6; g < end; g++)
		if (z->groups[g].occupied != ~0UL)
			return false;
	return true;
}

/* ---- setup ----------------------------------------------------------- */

int mc_zalloc_init(struct mc_zalloc *z, u64 base_pfn, u64 nr_pages)
{
	u64 limit, covered, words;
	unsigned long *p;
	unsigned int k, l;

	memset(z, 0, sizeof(*z));
	if (!nr_pages || nr_pages > MC_ZALLOC_MAX_PAGES ||
	    base_pfn >= MC_ZALLOC_PFN_LIMIT ||
	    nr_pages > MC_ZALLOC_PFN_LIMIT - base_pfn)
		return -EINVAL;

	z->base_pfn = base_pfn;
	z->spanned = nr_pages;
	z->origin = base_pfn & ~(MC_BLOCK_MAX - 1);
	limit = (base_pfn + nr_pages + MC_BLOCK_MAX - 1) & ~(MC_BLOCK_MAX - 1);
	covered = limit - z->origin;
	z->ngroups = covered >> 6;

	words = z->ngroups * (sizeof(struct mc_zalloc_group) /
			      sizeof(unsigned long));
	for (k = 0; k <= MC_MAX_ORDER; k++) {
		u64 nbits = covered >> k;

		if (k <= MC_GROUP_MAX_ORDER)
			words += mc_bt_layout(&z->free[k], nbits, z->ngroups,
					      false);
		else
			words += mc_bt_layout(&z->free[k], nbits,
					      (nbits + 63) >> 6, true);
	}

	z->meta_bytes = words * sizeof(unsigned long);
	z->meta = mc_zalloc(z->meta_bytes);
	if (!z->meta) {
		memset(z, 0, sizeof(*z));
		return -ENOMEM;
	}

	z->groups = z->meta;
	p = (unsigned long *)(z->groups + z->ngroups);
	for (k = 0; k <= MC_MAX_ORDER; k++) {
		struct mc_bitmap_tree *t = &z->free[k];

		for (l = k <= MC_GROUP_MAX_ORDER ? 1 : 0; l < t->levels; l++) {
			t->level[l] = p;
			p += t->nwords[l];
		}
	}

	z->stats.spanned = nr_pages;
	return 0;
}

void mc_zalloc_destroy(struct mc_zalloc *z)
{
	mc_free(z->meta);
	memset(z, 0, sizeof(*z));
}

u64 mc_zalloc_meta_bytes(const struct mc_zalloc *z)
{
	return z->meta_bytes + sizeof(*z);
}

/* ---- allocation ------------------------------------------------------ */

/*
 * Put the free block at page offset 'off' of order 'o' into the maps,
 * merging it with free buddies.  Its pages are already present and not
 * occupied.  The order-0 summary is the caller's business.
 */
static void mc_insert_block(struct mc_zalloc *z, u64 off, unsigned int o)
{
	if (o == 0) {
		/*
		 * The page itself was not free until now, so a free buddy
		 * cannot be part of a larger block: it is an order-0 block.
		 */
		if (!(mc_free_bits(&z->groups[off >> 6]) &
		      mc_bitmask(off ^ 1))) {
			z->stats.free_blocks[0]++;
			return;
		}
		z->stats.free_blocks[0]--;
		off &= ~1ULL;
		o = 1;
	}
	for (; o < MC_MAX_ORDER; o++) {
		u64 buddy = off ^ (1ULL << o);

		if (!mc_block_test(z, o, buddy))
			break;
		mc_block_clear(z, o, buddy);
		z->stats.free_blocks[o]--;
		off &= ~((2ULL << o) - 1);
	}
	mc_block_set(z, o, off);
	z->stats.free_blocks[o]++;
}

int mc_zalloc_add_free(struct mc_zalloc *z, u64 pfn, u64 nr)
{
	u64 off, end, cur, g;

	if (!nr || pfn < z->base_pfn || pfn - z->base_pfn >= z->spanned ||
	    nr > z->base_pfn + z->spanned - pfn)
		return -EINVAL;
	off = pfn - z->origin;
	end = off + nr;
	for (g = off >> 6; g <= (end - 1) >> 6; g++)
		if (z->groups[g].present & mc_group_mask(g, off, end))
			return -EINVAL;

	for (g = off >> 6; g <= (end - 1) >> 6; g++)
		z->groups[g].present |= mc_group_mask(g, off, end);
	/*
	 * Maximal aligned blocks, lowest first.  No two of them are buddies
	 * and an order-0 one never has its buddy in the range, so only
	 * pages that were free before can merge with them.
	 */
	for (cur = off; cur < end; ) {
		unsigned int o = MC_MAX_ORDER;

		if (cur & (MC_BLOCK_MAX - 1))
			o = mc_ctz(cur);
		while ((1ULL << o) > end - cur)
			o--;
		mc_insert_block(z, cur, o);
		cur += 1ULL << o;
	}
	for (g = off >> 6; g <= (end - 1) >> 6; g++)
		mc_bt_summary_update(&z->free[0], g,
				     mc_order0_bits(z, g) != 0);

	z->stats.present += nr;
	z->stats.free += nr;
	return 0;
}

int mc_zalloc_alloc(struct mc_zalloc *z, unsigned int order, u64 *pfn)
{
	unsigned long before = 0;
	unsigned int j;
	u64 off;

	if (order > MC_MAX_ORDER)
		return -EINVAL;
	for (j = order; j <= MC_MAX_ORDER; j++)
		if (z->stats.free_blocks[j])
			break;
	if (j > MC_MAX_ORDER) {
		z->stats.alloc_failures++;
		return -ENOMEM;
	}

	if (j == 0) {
		/*
		 * The hot path: a free order-0 block.  Its buddy is not
		 * free, so taking it changes no other order-0 bit.
		 */
		unsigned long bit;
		u64 g = mc_bt_first_word(&z->free[0]);

		if (MC_WARN(g == U64_MAX))
			return -EUCLEAN;
		before = mc_order0_bits(z, g);
		if (MC_WARN(!before))
			return -EUCLEAN;
		bit = before & -before;
		z->groups[g].occupied |= bit;
		if (!(before & ~bit))
			mc_bt_summary_clear(&z->free[0], g);
		z->stats.free_blocks[0]--;
		off = (g << 6) + mc_ctz(bit);
		goto done;
	}

	off = mc_block_first(z, j);
	if (MC_WARN(off == U64_MAX))
		return -EUCLEAN;
	mc_block_clear(z, j, off);
	z->stats.free_blocks[j]--;
	if (order == 0)
		before = mc_order0_bits(z, off >> 6);

	/* Split: the upper half of each level stays free. */
	while (j > order) {
		j--;
		if (j)
			mc_block_set(z, j, off + (1ULL << j));
		z->stats.free_blocks[j]++;
	}

	mc_occupy(z, off, order, true);
	if (order == 0)
		mc_order0_changed(z, off >> 6, before);
done:
	z->stats.free -= 1ULL << order;
	z->stats.used += 1ULL << order;
	z->stats.allocs++;
	*pfn = z->origin + off;
	return 0;
}

int mc_zalloc_free(struct mc_zalloc *z, u64 pfn, unsigned int order)
{
	u64 n, off;

	if (order > MC_MAX_ORDER)
		goto bad;
	n = 1ULL << order;
	if (pfn < z->base_pfn || pfn - z->base_pfn >= z->spanned ||
	    n > z->base_pfn + z->spanned - pfn || (pfn & (n - 1)))
		goto bad;
	off = pfn - z->origin;

	if (order == 0) {
		/* The hot path: mc_insert_block() unrolled for one page. */
		struct mc_zalloc_group *g = &z->groups[off >> 6];
		unsigned long bit = mc_bitmask(off);
		unsigned long buddy = mc_bitmask(off ^ 1);
		unsigned long before;

		if (!(g->occupied & bit))
			goto bad;
		before = mc_lone_free(mc_free_bits(g));
		g->occupied &= ~bit;
		if (before & buddy) {
			/* a free buddy: merge, and go on from order 1 */
			if (!(before & ~buddy))
				mc_bt_summary_clear(&z->free[0], off >> 6);
			z->stats.free_blocks[0]--;
			mc_insert_block(z, off & ~1ULL, 1);
		} else {
			if (!before)
				mc_bt_summary_set(&z->free[0], off >> 6);
			z->stats.free_blocks[0]++;
		}
	} else {
		/* Occupied pages are always present: this is the check. */
		if (!mc_all_occupied(z, off, order))
			goto bad;
		mc_occupy(z, off, order, false);
		mc_insert_block(z, off, order);
	}

	z->stats.free += n;
	z->stats.used -= n;
	z->stats.frees++;
	return 0;
bad:
	z->stats.bad_frees++;
	return -EINVAL;
}

/* ---- queries --------------------------------------------------------- */

bool mc_zalloc_contains(const struct mc_zalloc *z, u64 pfn)
{
	return pfn >= z->base_pfn && pfn - z->base_pfn < z->spanned;
}

bool mc_zalloc_is_occupied(const struct mc_zalloc *z, u64 pfn)
{
	u64 off = pfn - z->origin;

	return mc_zalloc_contains(z, pfn) &&
	       (z->groups[off >> 6].occupied & mc_bitmask(off));
}

/*
 * The first page offset at or after s and before limit that is occupied
 * (flip = 0) or not (flip = ~0); limit if there is none.  Skips whole
 * groups at a time.
 */
static u64 mc_find_next(const struct mc_zalloc *z, u64 s, u64 limit,
			unsigned long flip)
{
	u64 g, r;
	unsigned long x;

	if (s >= limit)
		return limit;
	g = s >> 6;
	x = (z->groups[g].occupied ^ flip) & (~0UL << (s & 63));
	while (!x) {
		g++;
		if ((g << 6) >= limit)
			return limit;
		x = z->groups[g].occupied ^ flip;
	}
	r = (g << 6) + mc_ctz(x);
	return r < limit ? r : limit;
}

bool mc_zalloc_next_occupied(const struct mc_zalloc *z, u64 from,
			     u64 *start, u64 *end)
{
	u64 limit = z->base_pfn + z->spanned - z->origin;
	u64 s, e;

	if (!z->meta || from >= z->base_pfn + z->spanned)
		return false;
	if (from < z->base_pfn)
		from = z->base_pfn;
	s = mc_find_next(z, from - z->origin, limit, 0);
	if (s >= limit)
		return false;
	e = mc_find_next(z, s, limit, ~0UL);
	*start = z->origin + s;
	*end = z->origin + e;
	return true;
}

/* ---- consistency check ----------------------------------------------- */

#define MC_FAIL(...)							\
	do {								\
		if (why && whylen)					\
			snprintf(why, whylen, __VA_ARGS__);		\
		return -EUCLEAN;					\
	} while (0)

typedef unsigned long long mc_ull;	/* u64 for printf in both worlds */

static int mc_check_summary(const struct mc_zalloc *z, unsigned int k,
			    char *why, size_t whylen)
{
	const struct mc_bitmap_tree *t = &z->free[k];
	unsigned int l, b;
	u64 i;

	for (l = 1; l < t->levels; l++) {
		for (i = 0; i < t->nwords[l]; i++) {
			unsigned long want = 0;

			for (b = 0; b < 64; b++) {
				u64 c = (i << 6) + b;
				unsigned long x;

				if (c >= t->nwords[l - 1])
					break;
				x = l == 1 ? mc_leaf_word(z, k, c) :
					     t->level[l - 1][c];
				if (x)
					want |= 1UL << b;
			}
			if (t->level[l][i] != want)
				MC_FAIL("order %u summary level %u word %llu is 0x%lx, should be 0x%lx",
					k, l, (mc_ull)i, t->level[l][i], want);
		}
	}
	return 0;
}

/* Pages of group g covered by free blocks of order k >= 1. */
static unsigned long mc_block_mask(const struct mc_zalloc *z, unsigned int k,
				   u64 g)
{
	unsigned long bits, m = 0;

	if (k > MC_GROUP_MAX_ORDER)
		return mc_test(z->free[k].level[0], g >> (k - 6)) ? ~0UL : 0;
	bits = mc_seg(z, k, g);
	while (bits) {
		m |= mc_low_mask(1ULL << k) << (mc_ctz(bits) << k);
		bits &= bits - 1;
	}
	return m;
}

/* Free blocks of order k whose buddy is free too, in group g / word g. */
static unsigned long mc_unmerged(const struct mc_zalloc *z, unsigned int k,
				 u64 g)
{
	unsigned long x = mc_leaf_word(z, k, g);

	if (k == MC_GROUP_MAX_ORDER)	/* one bit per record: pair them */
		return (g & 1) ? 0 : x & mc_leaf_word(z, k, g + 1);
	return x & (x >> 1) & MC_EVEN_BITS;
}

int mc_zalloc_check(const struct mc_zalloc *z, char *why, size_t whylen)
{
	u64 zs, ze, cnt[MC_NR_ORDERS] = { 0 };
	u64 npresent = 0, nused = 0, nfree = 0, sum = 0, g, i;
	unsigned int k;
	int ret;

	if (!z->meta)
		MC_FAIL("zone is not initialised");
	zs = z->base_pfn - z->origin;
	ze = zs + z->spanned;

	/* Orders 7..10: nothing past the end. */
	for (k = MC_GROUP_MAX_ORDER + 1; k <= MC_MAX_ORDER; k++) {
		const struct mc_bitmap_tree *t = &z->free[k];
		unsigned long x = t->level[0][t->nwords[0] - 1];

		if ((t->nbits & 63) && (x & ~mc_low_mask(t->nbits & 63)))
			MC_FAIL("order %u free bitmap has bits past its end",
				k);
	}

	/* Buddies merged, and the counts. */
	for (k = 1; k <= MC_MAX_ORDER; k++) {
		const struct mc_bitmap_tree *t = &z->free[k];

		for (i = 0; i < t->nwords[0]; i++) {
			unsigned long pairs = k < MC_MAX_ORDER ?
					      mc_unmerged(z, k, i) : 0;

			if (pairs) {
				u64 idx = k == MC_GROUP_MAX_ORDER ? i :
					  i * (k <= MC_GROUP_MAX_ORDER ?
					       64 >> k : 64) + mc_ctz(pairs);

				MC_FAIL("free blocks of order %u at pfn 0x%llx and its buddy are not merged",
					k, (mc_ull)(z->origin + (idx << k)));
			}
			cnt[k] += mc_popcount(mc_leaf_word(z, k, i));
		}
	}

	/* Page by page: every free page in exactly one free block. */
	for (g = 0; g < z->ngroups; g++) {
		const struct mc_zalloc_group *gr = &z->groups[g];
		unsigned long pres = gr->present, occ = gr->occupied;
		unsigned long f, d, cov = 0, zmask = 0, bad;
		u64 pfn0 = z->origin + (g << 6);

		if (zs < (g + 1) << 6 && ze > g << 6)
			zmask = mc_group_mask(g, zs, ze);
		if (pres & ~zmask)
			MC_FAIL("pfn 0x%llx outside the zone is marked present",
				(mc_ull)(pfn0 + mc_ctz(pres & ~zmask)));
		if (occ & ~pres)
			MC_FAIL("pfn 0x%llx is occupied but not present",
				(mc_ull)(pfn0 + mc_ctz(occ & ~pres)));
		if (gr->blocks >> 63)
			MC_FAIL("group of pfn 0x%llx has its unused block bit set",
				(mc_ull)pfn0);
		f = pres & ~occ;
		d = mc_lone_free(f);
		for (k = 1; k <= MC_MAX_ORDER; k++) {
			unsigned long m = mc_block_mask(z, k, g);

			bad = m & ~f;
			if (bad)
				MC_FAIL("free block of order %u holds pfn 0x%llx, which is %s",
					k, (mc_ull)(pfn0 + mc_ctz(bad)),
					(pres & bad) ? "occupied" :
						       "not present");
			if (cov & m)
				MC_FAIL("free blocks overlap at pfn 0x%llx (order %u and a smaller one)",
					(mc_ull)(pfn0 + mc_ctz(cov & m)), k);
			cov |= m;
		}
		bad = f & ~(cov | d);
		if (bad)
			MC_FAIL("free pfn 0x%llx is in no free block (buddies not merged)",
				(mc_ull)(pfn0 + mc_ctz(bad)));
		cnt[0] += mc_popcount(d);
		npresent += mc_popcount(pres);
		nused += mc_popcount(occ);
		nfree += mc_popcount(f);
	}

	for (k = 0; k <= MC_MAX_ORDER; k++) {
		if (cnt[k] != z->stats.free_blocks[k])
			MC_FAIL("free_blocks[%u] is %llu, the bitmap holds %llu",
				k, (mc_ull)z->stats.free_blocks[k],
				(mc_ull)cnt[k]);
		sum += cnt[k] << k;
	}
	if (sum != nfree)
		MC_FAIL("free blocks hold %llu pages, %llu pages are free",
			(mc_ull)sum, (mc_ull)nfree);
	if (npresent != z->stats.present)
		MC_FAIL("present is %llu, the bitmap holds %llu",
			(mc_ull)z->stats.present, (mc_ull)npresent);
	if (nfree != z->stats.free)
		MC_FAIL("free is %llu, the bitmaps hold %llu",
			(mc_ull)z->stats.free, (mc_ull)nfree);
	if (nused != z->stats.used)
		MC_FAIL("used is %llu, the bitmap holds %llu",
			(mc_ull)z->stats.used, (mc_ull)nused);
	if (z->stats.spanned != z->spanned)
		MC_FAIL("spanned is %llu, the zone spans %llu",
			(mc_ull)z->stats.spanned, (mc_ull)z->spanned);

	/* Last: a stale summary is usually the echo of damage found above. */
	for (k = 0; k <= MC_MAX_ORDER; k++) {
		ret = mc_check_summary(z, k, why, whylen);
		if (ret)
			return ret;
	}
	return 0;
}
