// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * test-zalloc.c - unit tests of the zone page allocator (core/zalloc.c).
 *
 * Besides the directed tests, long seeded random sequences run against a
 * page-by-page reference model and mc_zalloc_check(), and the checker
 * itself is shown to catch deliberately corrupted state.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zalloc.h"

#define WHY_LEN 256

static void assert_consistent(const struct mc_zalloc *z)
{
	char why[WHY_LEN] = "";
	int ret = mc_zalloc_check(z, why, sizeof(why));

	ck_assert_msg(ret == 0, "check failed (%d): %s", ret, why);
}

/* The checker must refuse, and say something containing 'needle'. */
static void assert_corrupt(const struct mc_zalloc *z, const char *needle)
{
	char why[WHY_LEN] = "";
	int ret = mc_zalloc_check(z, why, sizeof(why));

	ck_assert_int_eq(ret, -EUCLEAN);
	ck_assert_msg(strstr(why, needle) != NULL,
		      "check message \"%s\" does not mention \"%s\"", why,
		      needle);
}

static void zone_full(struct mc_zalloc *z, u64 base, u64 nr)
{
	ck_assert_int_eq(mc_zalloc_init(z, base, nr), 0);
	ck_assert_int_eq(mc_zalloc_add_free(z, base, nr), 0);
	assert_consistent(z);
}

/* Blocks of a maximal aligned cut of [start, end), computed naively. */
static void expected_cut(u64 start, u64 end, u64 out[MC_NR_ORDERS])
{
	u64 p = start;
	int k;

	memset(out, 0, sizeof(u64) * MC_NR_ORDERS);
	while (p < end) {
		for (k = MC_MAX_ORDER; k > 0; k--)
			if (p % (1ULL << k) == 0 && p + (1ULL << k) <= end)
				break;
		out[k]++;
		p += 1ULL << k;
	}
}

static void assert_blocks(const struct mc_zalloc *z,
			  const u64 want[MC_NR_ORDERS])
{
	int k;

	for (k = 0; k <= MC_MAX_ORDER; k++)
		ck_assert_msg(z->stats.free_blocks[k] == want[k],
			      "free_blocks[%d] = %" PRIu64 ", want %" PRIu64,
			      k, z->stats.free_blocks[k], want[k]);
}

/* A copy of a zone's state: counters and every map. */
struct snapshot {
	struct mc_zalloc_stats stats;
	void *meta;
};

static void take_snapshot(const struct mc_zalloc *z, struct snapshot *s)
{
	s->stats = z->stats;
	s->meta = malloc(z->meta_bytes);
	ck_assert_ptr_nonnull(s->meta);
	memcpy(s->meta, z->meta, z->meta_bytes);
}

/* Everything but the refused-free counter is as it was. */
static void assert_same_but_bad_frees(const struct mc_zalloc *z,
				      const struct snapshot *before,
				      u64 bad_frees)
{
	struct mc_zalloc_stats s = z->stats;

	ck_assert_uint_eq(s.bad_frees, bad_frees);
	s.bad_frees = before->stats.bad_frees;
	ck_assert(memcmp(&s, &before->stats, sizeof(s)) == 0);
	ck_assert(memcmp(z->meta, before->meta, z->meta_bytes) == 0);
	assert_consistent(z);
}

/* ---- set-up and arguments -------------------------------------------- */

START_TEST(test_init_rejects_bad_geometry)
{
	struct mc_zalloc z;

	ck_assert_int_eq(mc_zalloc_init(&z, 0, 0), -EINVAL);
	ck_assert_int_eq(mc_zalloc_init(&z, 0, MC_ZALLOC_MAX_PAGES + 1),
			 -EINVAL);
	ck_assert_int_eq(mc_zalloc_init(&z, MC_ZALLOC_PFN_LIMIT, 1), -EINVAL);
	ck_assert_int_eq(mc_zalloc_init(&z, MC_ZALLOC_PFN_LIMIT - 10, 11),
			 -EINVAL);
	ck_assert_int_eq(mc_zalloc_init(&z, U64_MAX - 3, 8), -EINVAL);
	ck_assert_int_eq(mc_zalloc_init(&z, MC_ZALLOC_PFN_LIMIT - 10, 10), 0);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_empty_zone)
{
	struct mc_zalloc z;
	u64 pfn = 0, s, e;
	int k;

	ck_assert_int_eq(mc_zalloc_init(&z, 4096, 4096), 0);
	ck_assert_uint_eq(z.stats.spanned, 4096);
	ck_assert_uint_eq(z.stats.present, 0);
	ck_assert_uint_eq(z.stats.free, 0);
	assert_consistent(&z);
	for (k = 0; k <= MC_MAX_ORDER; k++)
		ck_assert_int_eq(mc_zalloc_alloc(&z, k, &pfn), -ENOMEM);
	ck_assert_uint_eq(z.stats.alloc_failures, MC_NR_ORDERS);
	ck_assert_uint_eq(z.stats.allocs, 0);
	ck_assert(!mc_zalloc_next_occupied(&z, 0, &s, &e));
	ck_assert_int_eq(mc_zalloc_alloc(&z, MC_MAX_ORDER + 1, &pfn), -EINVAL);
	ck_assert_uint_eq(z.stats.alloc_failures, MC_NR_ORDERS);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_add_free_rejects)
{
	struct mc_zalloc z;
	struct snapshot before;

	ck_assert_int_eq(mc_zalloc_init(&z, 1000, 3000), 0);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 1500, 100), 0);
	take_snapshot(&z, &before);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 1000, 0), -EINVAL);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 999, 2), -EINVAL);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 3999, 2), -EINVAL);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 4000, 1), -EINVAL);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 2000, U64_MAX), -EINVAL);
	/* Overlapping what is present, at either end or inside. */
	ck_assert_int_eq(mc_zalloc_add_free(&z, 1400, 101), -EINVAL);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 1599, 10), -EINVAL);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 1000, 3000), -EINVAL);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 1550, 1), -EINVAL);
	assert_same_but_bad_frees(&z, &before, 0);
	free(before.meta);
	ck_assert(!mc_zalloc_is_occupied(&z, 1550));
	assert_consistent(&z);
	/* Exactly adjacent is fine. */
	ck_assert_int_eq(mc_zalloc_add_free(&z, 1400, 100), 0);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 1600, 2400), 0);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 1000, 400), 0);
	ck_assert_uint_eq(z.stats.present, 3000);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

/* ---- allocation and free --------------------------------------------- */

START_TEST(test_alloc_free_every_order)
{
	struct mc_zalloc z;
	u64 want[MC_NR_ORDERS] = { 0 };
	u64 pfn, i;
	int k = _i;

	want[MC_MAX_ORDER] = 4;
	zone_full(&z, 1 << 20, 4096);
	assert_blocks(&z, want);

	ck_assert_int_eq(mc_zalloc_alloc(&z, k, &pfn), 0);
	ck_assert_uint_eq(pfn % (1ULL << k), 0);
	ck_assert(pfn >= (1 << 20) && pfn + (1ULL << k) <= (1 << 20) + 4096);
	for (i = 0; i < (1ULL << k); i++)
		ck_assert(mc_zalloc_is_occupied(&z, pfn + i));
	ck_assert(!mc_zalloc_is_occupied(&z, pfn + (1ULL << k)));
	ck_assert_uint_eq(z.stats.used, 1ULL << k);
	ck_assert_uint_eq(z.stats.free, 4096 - (1ULL << k));
	ck_assert_uint_eq(z.stats.allocs, 1);
	assert_consistent(&z);

	ck_assert_int_eq(mc_zalloc_free(&z, pfn, k), 0);
	ck_assert_uint_eq(z.stats.frees, 1);
	ck_assert_uint_eq(z.stats.used, 0);
	assert_blocks(&z, want);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_split_and_merge_counts)
{
	struct mc_zalloc z;
	u64 want[MC_NR_ORDERS] = { 0 };
	u64 pfn;
	int k;

	zone_full(&z, 0, 1024);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &pfn), 0);
	ck_assert_uint_eq(pfn, 0);
	/* One free buddy left at every order below the split block. */
	for (k = 0; k < MC_MAX_ORDER; k++)
		want[k] = 1;
	assert_blocks(&z, want);
	assert_consistent(&z);

	/* The next order-3 request takes the order-3 buddy at 8. */
	ck_assert_int_eq(mc_zalloc_alloc(&z, 3, &pfn), 0);
	ck_assert_uint_eq(pfn, 8);
	want[3] = 0;
	assert_blocks(&z, want);

	ck_assert_int_eq(mc_zalloc_free(&z, 0, 0), 0);
	ck_assert_int_eq(mc_zalloc_free(&z, 8, 3), 0);
	memset(want, 0, sizeof(want));
	want[MC_MAX_ORDER] = 1;
	assert_blocks(&z, want);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_lowest_block_first)
{
	struct mc_zalloc z;
	u64 pfn[8], p;
	int i;

	zone_full(&z, 64, 64);
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &pfn[i]), 0);
		ck_assert_uint_eq(pfn[i], 64 + i);
	}
	ck_assert_int_eq(mc_zalloc_free(&z, 69, 0), 0);
	ck_assert_int_eq(mc_zalloc_free(&z, 66, 0), 0);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), 0);
	ck_assert_uint_eq(p, 66);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), 0);
	ck_assert_uint_eq(p, 69);
	/* A smaller free block is preferred to splitting a lower big one. */
	ck_assert_int_eq(mc_zalloc_free(&z, 70, 0), 0);
	ck_assert_int_eq(mc_zalloc_free(&z, 71, 0), 0);
	ck_assert_int_eq(mc_zalloc_free(&z, 67, 0), 0);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), 0);
	ck_assert_uint_eq(p, 67);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 1, &p), 0);
	ck_assert_uint_eq(p, 70);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

static u64 rng_state;

static u64 rng_next(void)
{
	/* splitmix64: fixed seeds give the same sequence everywhere */
	u64 x = (rng_state += 0x9e3779b97f4a7c15ULL);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static u64 rng_below(u64 n)
{
	return rng_next() % n;
}

START_TEST(test_merge_in_any_order)
{
	struct mc_zalloc z;
	u64 want[MC_NR_ORDERS] = { 0 };
	u64 pfn[2048], p;
	unsigned int i, j;

	rng_state = 42;
	zone_full(&z, 2048, 2048);
	for (i = 0; i < 2048; i++) {
		ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &pfn[i]), 0);
		ck_assert_uint_eq(pfn[i], 2048 + i);
	}
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), -ENOMEM);
	for (i = 2047; i > 0; i--) {
		j = rng_below(i + 1);
		p = pfn[i];
		pfn[i] = pfn[j];
		pfn[j] = p;
	}
	for (i = 0; i < 2048; i++) {
		ck_assert_int_eq(mc_zalloc_free(&z, pfn[i], 0), 0);
		if (i % 16 == 0)
			assert_consistent(&z);
	}
	want[MC_MAX_ORDER] = 2;
	assert_blocks(&z, want);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_exhaustion_odd_size)
{
	struct mc_zalloc z;
	static unsigned char seen[1000];
	u64 pfn;
	int n = 0;

	memset(seen, 0, sizeof(seen));
	zone_full(&z, 5000, 1000);
	while (mc_zalloc_alloc(&z, 0, &pfn) == 0) {
		ck_assert(pfn >= 5000 && pfn < 6000);
		ck_assert(!seen[pfn - 5000]);
		seen[pfn - 5000] = 1;
		n++;
	}
	ck_assert_int_eq(n, 1000);
	ck_assert_uint_eq(z.stats.alloc_failures, 1);
	ck_assert_uint_eq(z.stats.free, 0);
	ck_assert_uint_eq(z.stats.used, 1000);
	ck_assert_uint_eq(z.stats.allocs, 1000);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 4, &pfn), -ENOMEM);
	ck_assert_uint_eq(z.stats.alloc_failures, 2);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_exhaustion_high_order)
{
	struct mc_zalloc z;
	u64 pfn[4], p;
	int i;

	zone_full(&z, 0, 4096);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(mc_zalloc_alloc(&z, 10, &pfn[i]), 0);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 10, &p), -ENOMEM);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), -ENOMEM);
	ck_assert_uint_eq(z.stats.alloc_failures, 2);
	ck_assert_int_eq(mc_zalloc_free(&z, pfn[2], 10), 0);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 10, &p), 0);
	ck_assert_uint_eq(p, pfn[2]);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_fragmentation_blocks_higher_orders)
{
	struct mc_zalloc z;
	u64 want[MC_NR_ORDERS] = { 0 };
	u64 pfn, i;

	zone_full(&z, 0, 2048);
	for (i = 0; i < 2048; i++)
		ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &pfn), 0);
	for (i = 0; i < 2048; i += 2)
		ck_assert_int_eq(mc_zalloc_free(&z, i, 0), 0);
	ck_assert_uint_eq(z.stats.free, 1024);
	want[0] = 1024;
	assert_blocks(&z, want);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 1, &pfn), -ENOMEM);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &pfn), 0);
	ck_assert_uint_eq(pfn, 0);
	/* Freeing 1 and 3 makes 0..3 an order-2 block once 0 is back. */
	ck_assert_int_eq(mc_zalloc_free(&z, 1, 0), 0);
	ck_assert_int_eq(mc_zalloc_free(&z, 3, 0), 0);
	ck_assert_int_eq(mc_zalloc_free(&z, 0, 0), 0);
	ck_assert_uint_eq(z.stats.free_blocks[2], 1);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 2, &pfn), 0);
	ck_assert_uint_eq(pfn, 0);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_holes_never_allocated)
{
	struct mc_zalloc z;
	u64 pfn, n = 0;

	ck_assert_int_eq(mc_zalloc_init(&z, 8192, 8192), 0);
	/* Two unclaimed 512-page blocks, as when the kernel keeps some. */
	ck_assert_int_eq(mc_zalloc_add_free(&z, 8192, 1024), 0);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 8192 + 1536, 4096), 0);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 8192 + 6144, 2048), 0);
	ck_assert_uint_eq(z.stats.present, 8192 - 1024);
	assert_consistent(&z);
	ck_assert_int_eq(mc_zalloc_free(&z, 8192 + 1024, 0), -EINVAL);
	for (;;) {
		unsigned int order = n % 3;

		if (mc_zalloc_alloc(&z, order, &pfn))
			break;
		ck_assert(!(pfn >= 8192 + 1024 && pfn < 8192 + 1536));
		ck_assert(!(pfn >= 8192 + 5632 && pfn < 8192 + 6144));
		n += 1ULL << order;
	}
	ck_assert(n <= 8192 - 1024);
	ck_assert(n > 8192 - 1024 - 8);
	assert_consistent(&z);
	/* Claiming a hole later makes it allocatable. */
	ck_assert_int_eq(mc_zalloc_add_free(&z, 8192 + 1024, 512), 0);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 9, &pfn), 0);
	ck_assert_uint_eq(pfn, 8192 + 1024);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_unaligned_base_and_size)
{
	static const u64 shapes[][2] = {
		{ 1000003, 5000 }, { 1, 1 }, { 7, 37 }, { 1023, 2 },
		{ 3 * 1024 + 1, 1024 * 5 - 2 }, { (1ULL << 40) + 999, 77777 },
	};
	unsigned int s;

	for (s = 0; s < MC_ARRAY_SIZE(shapes); s++) {
		u64 base = shapes[s][0], nr = shapes[s][1];
		u64 want[MC_NR_ORDERS], pfn, got = 0;
		struct mc_zalloc z;
		int k;

		zone_full(&z, base, nr);
		expected_cut(base, base + nr, want);
		assert_blocks(&z, want);
		for (k = MC_MAX_ORDER; k >= 0; k--) {
			while (mc_zalloc_alloc(&z, k, &pfn) == 0) {
				ck_assert_uint_eq(pfn % (1ULL << k), 0);
				ck_assert(pfn >= base);
				ck_assert(pfn + (1ULL << k) <= base + nr);
				got += 1ULL << k;
			}
		}
		ck_assert_uint_eq(got, nr);
		assert_consistent(&z);
		mc_zalloc_destroy(&z);
	}
}
END_TEST

START_TEST(test_add_free_piecewise_merges)
{
	struct mc_zalloc a, b;
	u64 order[3000];
	u64 want[MC_NR_ORDERS];
	unsigned int i, j;

	rng_state = 7;
	zone_full(&a, 10001, 3000);
	ck_assert_int_eq(mc_zalloc_init(&b, 10001, 3000), 0);
	for (i = 0; i < 3000; i++)
		order[i] = i;
	for (i = 2999; i > 0; i--) {
		u64 t;

		j = rng_below(i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	/* Page by page in random order ends as one add of the whole. */
	for (i = 0; i < 3000; i++) {
		ck_assert_int_eq(mc_zalloc_add_free(&b, 10001 + order[i], 1), 0);
		if (i % 100 == 0)
			assert_consistent(&b);
	}
	expected_cut(10001, 13001, want);
	assert_blocks(&a, want);
	assert_blocks(&b, want);
	ck_assert_uint_eq(b.stats.present, 3000);
	assert_consistent(&b);
	mc_zalloc_destroy(&a);
	mc_zalloc_destroy(&b);
}
END_TEST

/* ---- refused frees --------------------------------------------------- */

START_TEST(test_double_free_refused)
{
	struct mc_zalloc z;
	struct snapshot before;
	u64 p, q;

	zone_full(&z, 0, 1024);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), 0);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &q), 0);
	ck_assert_int_eq(mc_zalloc_free(&z, p, 0), 0);
	take_snapshot(&z, &before);
	ck_assert_int_eq(mc_zalloc_free(&z, p, 0), -EINVAL);
	assert_same_but_bad_frees(&z, &before, 1);
	/* Never allocated at all. */
	ck_assert_int_eq(mc_zalloc_free(&z, 512, 0), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, 512, 9), -EINVAL);
	assert_same_but_bad_frees(&z, &before, 3);
	ck_assert(mc_zalloc_is_occupied(&z, q));
	free(before.meta);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_wrong_order_free)
{
	struct mc_zalloc z;
	struct snapshot before;
	u64 p, q;

	zone_full(&z, 0, 1024);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 2, &p), 0);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &q), 0);
	take_snapshot(&z, &before);
	/* Larger than allocated: the pages past the block are not out. */
	ck_assert_int_eq(mc_zalloc_free(&z, p, 3), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, q, 1), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, p, MC_MAX_ORDER + 1), -EINVAL);
	assert_same_but_bad_frees(&z, &before, 3);
	/* A smaller aligned part is returned on its own. */
	ck_assert_int_eq(mc_zalloc_free(&z, p + 2, 1), 0);
	ck_assert(mc_zalloc_is_occupied(&z, p));
	ck_assert(!mc_zalloc_is_occupied(&z, p + 2));
	ck_assert_uint_eq(z.stats.used, 3);
	assert_consistent(&z);
	/* Now the whole block is no longer out. */
	ck_assert_int_eq(mc_zalloc_free(&z, p, 2), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, p, 1), 0);
	ck_assert_int_eq(mc_zalloc_free(&z, q, 0), 0);
	ck_assert_uint_eq(z.stats.free_blocks[MC_MAX_ORDER], 1);
	assert_consistent(&z);
	free(before.meta);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_out_of_zone_and_misaligned_free)
{
	struct mc_zalloc z;
	struct snapshot before;
	u64 p, i;

	/* Zone 100..1100: the order-2 block at 1096 would reach 1100. */
	zone_full(&z, 100, 1000);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), 0);
	take_snapshot(&z, &before);
	ck_assert_int_eq(mc_zalloc_free(&z, 99, 0), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, 1100, 0), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, 96, 2), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, 1096, 3), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, 0, 10), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, U64_MAX, 0), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, 101, 1), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, 102, 2), -EINVAL);
	ck_assert_int_eq(mc_zalloc_free(&z, 512 + 64, 7), -EINVAL);
	assert_same_but_bad_frees(&z, &before, 9);
	/* The aligned ones inside the zone are fine. */
	ck_assert_int_eq(mc_zalloc_free(&z, 1096, 2), 0);
	ck_assert_int_eq(mc_zalloc_free(&z, 512, 9), 0);
	ck_assert_uint_eq(z.stats.used, 1000 - 4 - 512);
	assert_consistent(&z);
	free(before.meta);
	mc_zalloc_destroy(&z);
}
END_TEST

/* ---- queries --------------------------------------------------------- */

START_TEST(test_occupied_runs)
{
	static const u64 runs[][2] = {
		{ 1000, 1001 }, { 1003, 1010 }, { 1064, 1200 }, { 1500, 1999 },
	};
	struct mc_zalloc z;
	u64 s, e, from;
	unsigned int i;

	/* Everything out, then free the gaps between the runs. */
	zone_full(&z, 1000, 1000);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &s), 0);
	for (s = 1000; s < 2000; s++) {
		bool keep = false;

		for (i = 0; i < MC_ARRAY_SIZE(runs); i++)
			keep |= s >= runs[i][0] && s < runs[i][1];
		if (!keep)
			ck_assert_int_eq(mc_zalloc_free(&z, s, 0), 0);
	}
	assert_consistent(&z);

	from = 0;
	for (i = 0; i < MC_ARRAY_SIZE(runs); i++) {
		ck_assert(mc_zalloc_next_occupied(&z, from, &s, &e));
		ck_assert_uint_eq(s, runs[i][0]);
		ck_assert_uint_eq(e, runs[i][1]);
		from = e;
	}
	ck_assert(!mc_zalloc_next_occupied(&z, from, &s, &e));
	/* From inside a run: the rest of it. */
	ck_assert(mc_zalloc_next_occupied(&z, 1100, &s, &e));
	ck_assert_uint_eq(s, 1100);
	ck_assert_uint_eq(e, 1200);
	ck_assert(mc_zalloc_next_occupied(&z, 1010, &s, &e));
	ck_assert_uint_eq(s, 1064);
	ck_assert(!mc_zalloc_next_occupied(&z, 2000, &s, &e));
	ck_assert(!mc_zalloc_next_occupied(&z, U64_MAX, &s, &e));
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_occupied_runs_sparse_large_zone)
{
	const u64 base = 1ULL << 24, nr = 1ULL << 24;
	struct mc_zalloc z;
	u64 p[3], s, e;
	int n = 0;

	/* 16 Mi pages (64 GiB) with only the very last page claimed. */
	ck_assert_int_eq(mc_zalloc_init(&z, base, nr), 0);
	ck_assert_int_eq(mc_zalloc_add_free(&z, base + nr - 1, 1), 0);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p[0]), 0);
	ck_assert_uint_eq(p[0], base + nr - 1);
	ck_assert(mc_zalloc_next_occupied(&z, 0, &s, &e));
	ck_assert_uint_eq(s, base + nr - 1);
	ck_assert_uint_eq(e, base + nr);
	ck_assert(!mc_zalloc_next_occupied(&z, e, &s, &e));
	assert_consistent(&z);
	mc_zalloc_destroy(&z);

	/* Two runs 100 MiB apart, with the blocks between them freed. */
	zone_full(&z, base, nr);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 10, &p[0]), 0);
	for (s = 0; s < 100; s++)
		ck_assert_int_eq(mc_zalloc_alloc(&z, 10, &p[1]), 0);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p[2]), 0);
	for (s = p[0] + 1024; s <= p[1]; s += 1024)
		ck_assert_int_eq(mc_zalloc_free(&z, s, 10), 0);
	for (s = 0; mc_zalloc_next_occupied(&z, s, &s, &e); s = e) {
		ck_assert_uint_eq(s, n ? p[2] : p[0]);
		ck_assert_uint_eq(e, n ? p[2] + 1 : p[0] + 1024);
		n++;
	}
	ck_assert_int_eq(n, 2);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_contains_and_is_occupied)
{
	struct mc_zalloc z;
	u64 p;

	zone_full(&z, 4095, 2);
	ck_assert(!mc_zalloc_contains(&z, 4094));
	ck_assert(mc_zalloc_contains(&z, 4095));
	ck_assert(mc_zalloc_contains(&z, 4096));
	ck_assert(!mc_zalloc_contains(&z, 4097));
	ck_assert(!mc_zalloc_contains(&z, U64_MAX));
	ck_assert_uint_eq(z.stats.free_blocks[0], 2);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 1, &p), -ENOMEM);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), 0);
	ck_assert_uint_eq(p, 4095);
	ck_assert(mc_zalloc_is_occupied(&z, 4095));
	ck_assert(!mc_zalloc_is_occupied(&z, 4096));
	ck_assert(!mc_zalloc_is_occupied(&z, 4094));
	ck_assert(!mc_zalloc_is_occupied(&z, 1ULL << 60));
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_meta_bytes_terabyte)
{
	struct mc_zalloc z;
	u64 small, big, p;

	zone_full(&z, 0, 1ULL << 18);		/* 1 GiB */
	small = mc_zalloc_meta_bytes(&z);
	/* occupied, present, orders 1..6 (3 bits a page), the rest < 5% */
	ck_assert(small >= (3ULL << 18) / 8);
	ck_assert(small <= (3ULL << 18) / 8 + (3ULL << 18) / 8 / 20 + 4096);
	mc_zalloc_destroy(&z);

	/* 1 TiB of 4 KiB pages. */
	zone_full(&z, 1ULL << 28, 1ULL << 28);
	big = mc_zalloc_meta_bytes(&z);
	ck_assert(big <= 101ULL << 20);
	ck_assert(big / 1024 <= small + 4096);
	ck_assert_uint_eq(z.stats.free_blocks[MC_MAX_ORDER], 1ULL << 18);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), 0);
	ck_assert_uint_eq(p, 1ULL << 28);
	ck_assert_int_eq(mc_zalloc_free(&z, p, 0), 0);
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_destroy_and_reinit)
{
	struct mc_zalloc z;
	u64 p;

	zone_full(&z, 0, 4096);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 5, &p), 0);
	mc_zalloc_destroy(&z);
	ck_assert_ptr_null(z.meta);
	ck_assert_int_eq(mc_zalloc_check(&z, NULL, 0), -EUCLEAN);
	zone_full(&z, 0, 4096);
	ck_assert_uint_eq(z.stats.allocs, 0);
	ck_assert_uint_eq(z.stats.free, 4096);
	mc_zalloc_destroy(&z);
}
END_TEST

/* ---- the checker catches corruption ---------------------------------- */

START_TEST(test_check_catches_counters)
{
	struct mc_zalloc z;
	u64 p;

	zone_full(&z, 0, 4096);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 3, &p), 0);

	z.stats.free_blocks[3]++;
	assert_corrupt(&z, "free_blocks[3]");
	z.stats.free_blocks[3]--;
	z.stats.free++;
	assert_corrupt(&z, "free is");
	z.stats.free--;
	z.stats.used--;
	assert_corrupt(&z, "used is");
	z.stats.used++;
	z.stats.present += 8;
	assert_corrupt(&z, "present is");
	z.stats.present -= 8;
	z.stats.spanned = 1;
	assert_corrupt(&z, "spanned");
	z.stats.spanned = 4096;
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_check_catches_bitmap_damage)
{
	struct mc_zalloc z;
	u64 p;

	/* A free page marked occupied lies inside a free block. */
	zone_full(&z, 0, 1024);
	z.groups[0].occupied |= 1UL << 5;
	assert_corrupt(&z, "which is occupied");
	z.groups[0].occupied &= ~(1UL << 5);
	/* A free block over an absent page. */
	z.groups[3].present &= ~1UL;
	assert_corrupt(&z, "not present");
	z.groups[3].present |= 1UL;
	assert_consistent(&z);
	/* Allocated pages that lost their marks are free but in no block. */
	ck_assert_int_eq(mc_zalloc_alloc(&z, 2, &p), 0);
	z.groups[0].occupied &= ~3UL;
	assert_corrupt(&z, "pfn 0x0 is in no free block");
	/* One lost mark: a lone free page, which no counter accounts for. */
	z.groups[0].occupied |= 1UL;
	assert_corrupt(&z, "free_blocks[0]");
	z.groups[0].occupied |= 2UL;
	assert_consistent(&z);
	mc_zalloc_destroy(&z);

	/* Marks outside the zone or on pages never added. */
	ck_assert_int_eq(mc_zalloc_init(&z, 3, 1000), 0);
	ck_assert_int_eq(mc_zalloc_add_free(&z, 3, 500), 0);
	z.groups[0].present |= 1UL;			/* pfn 0 */
	assert_corrupt(&z, "outside the zone");
	z.groups[0].present &= ~1UL;
	z.groups[10].occupied |= 1UL;			/* pfn 640, absent */
	assert_corrupt(&z, "occupied but not present");
	z.groups[10].occupied &= ~1UL;
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_check_catches_unmerged_and_overlap)
{
	struct mc_zalloc z;

	zone_full(&z, 0, 1024);
	/* Replace the order-10 block by its two order-9 halves. */
	ck_assert_uint_eq(z.free[10].levels, 1);
	ck_assert_uint_eq(z.free[9].levels, 1);
	z.free[10].level[0][0] = 0;
	z.stats.free_blocks[10] = 0;
	z.free[9].level[0][0] = 3;
	z.stats.free_blocks[9] = 2;
	assert_corrupt(&z, "not merged");
	/* Only the lower half: the upper half is free but in no block. */
	z.free[9].level[0][0] = 1;
	z.stats.free_blocks[9] = 1;
	assert_corrupt(&z, "pfn 0x200 is in no free block");
	/* Back to the order-10 block, plus an order-1 block inside it. */
	z.free[9].level[0][0] = 0;
	z.stats.free_blocks[9] = 0;
	z.free[10].level[0][0] = 1;
	z.stats.free_blocks[10] = 1;
	assert_consistent(&z);
	/* (order-1 bits: the low 32 of a group's 'blocks') */
	z.groups[1].blocks |= 1UL;
	z.free[1].level[1][0] |= 2UL;
	z.stats.free_blocks[1]++;
	assert_corrupt(&z, "overlap");
	z.groups[1].blocks = 0;
	z.free[1].level[1][0] = 0;
	z.stats.free_blocks[1]--;
	assert_consistent(&z);
	/* The unused top bit of a group record. */
	z.groups[5].blocks |= 1UL << 63;
	assert_corrupt(&z, "unused block bit");
	z.groups[5].blocks = 0;
	/* A block past the end of the order-10 map. */
	z.free[10].level[0][0] |= 1UL << 3;
	assert_corrupt(&z, "past its end");
	z.free[10].level[0][0] = 1;
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_check_catches_unmerged_group_orders)
{
	struct mc_zalloc z;

	/* 16 pages: one order-4 block, bit 56 of group 0's 'blocks'. */
	zone_full(&z, 0, 16);
	ck_assert_uint_eq(z.groups[0].blocks, 1UL << 56);
	z.groups[0].blocks = 3UL << 48;		/* two order-3 halves */
	z.stats.free_blocks[4] = 0;
	z.stats.free_blocks[3] = 2;
	z.free[3].level[1][0] = 1;
	assert_corrupt(&z, "order 3 at pfn 0x0 and its buddy are not merged");
	mc_zalloc_destroy(&z);

	/* 128 pages: one order-7 block; split it over two group records. */
	zone_full(&z, 1024, 128);
	ck_assert_uint_eq(z.free[7].level[0][0], 1);
	z.free[7].level[0][0] = 0;
	z.groups[0].blocks = 1UL << 62;
	z.groups[1].blocks = 1UL << 62;
	z.free[6].level[1][0] = 3;
	z.stats.free_blocks[7] = 0;
	z.stats.free_blocks[6] = 2;
	assert_corrupt(&z, "order 6 at pfn 0x400 and its buddy are not merged");
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_check_catches_stale_summary)
{
	struct mc_zalloc z;
	u64 p;

	zone_full(&z, 0, 4096);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), 0);
	/* Page 1 is now the only order-0 block: word 0 of the summary. */
	ck_assert_uint_eq(z.free[0].level[1][0], 1);
	z.free[0].level[1][0] = 0;
	assert_corrupt(&z, "order 0 summary level 1");
	z.free[0].level[1][0] = 1UL << 7;
	assert_corrupt(&z, "order 0 summary level 1");
	z.free[0].level[1][0] = 1;
	assert_consistent(&z);
	z.free[2].level[1][0] ^= 1UL << 20;
	assert_corrupt(&z, "order 2 summary");
	z.free[2].level[1][0] ^= 1UL << 20;
	assert_consistent(&z);
	mc_zalloc_destroy(&z);
}
END_TEST

START_TEST(test_alloc_refuses_corrupt_summary)
{
	struct mc_zalloc z;
	u64 p = 12345;

	/* The counters promise blocks the summary does not have. */
	zone_full(&z, 0, 1024);
	z.stats.free_blocks[0] = 1;
	ck_assert_int_eq(mc_zalloc_alloc(&z, 0, &p), -EUCLEAN);
	z.stats.free_blocks[0] = 0;
	z.stats.free_blocks[3] = 1;
	ck_assert_int_eq(mc_zalloc_alloc(&z, 3, &p), -EUCLEAN);
	z.stats.free_blocks[3] = 0;
	ck_assert_uint_eq(p, 12345);
	assert_consistent(&z);
	ck_assert_int_eq(mc_zalloc_alloc(&z, 3, &p), 0);
	ck_assert_uint_eq(p, 0);
	mc_zalloc_destroy(&z);
}
END_TEST

/* ---- long random sequences against a reference model ----------------- */

/*
 * Check's own asserts report progress to the parent process on every call;
 * the random runs make millions of checks, so they only call into Check
 * when something is wrong.
 */
static u64 cur_seed, cur_op;

#define require(cond)							\
	do {								\
		if (!(cond))						\
			ck_abort_msg("seed %" PRIu64 " op %" PRIu64	\
				     ": %s", cur_seed, cur_op, #cond);	\
	} while (0)

struct live {
	u64 pfn;
	unsigned int order;
};

struct model {
	struct mc_zalloc z;
	u64 base, nr;
	unsigned char *present;		/* per page */
	unsigned int *owner;		/* per page: live index + 1, 0 = none */
	struct live *live;
	u64 nlive, used;
};

static void model_take(struct model *m, u64 pfn, unsigned int order)
{
	u64 i;

	for (i = 0; i < (1ULL << order); i++)
		m->owner[pfn - m->base + i] = m->nlive + 1;
	m->live[m->nlive].pfn = pfn;
	m->live[m->nlive].order = order;
	m->nlive++;
	m->used += 1ULL << order;
}

static void model_release(struct model *m, u64 idx)
{
	struct live l = m->live[idx];
	u64 i;

	for (i = 0; i < (1ULL << l.order); i++)
		m->owner[l.pfn - m->base + i] = 0;
	m->used -= 1ULL << l.order;
	m->nlive--;
	if (idx != m->nlive) {
		l = m->live[m->nlive];
		m->live[idx] = l;
		for (i = 0; i < (1ULL << l.order); i++)
			m->owner[l.pfn - m->base + i] = idx + 1;
	}
}

/* Does the model have any free aligned block of this order? */
static bool model_has_block(const struct model *m, unsigned int order)
{
	u64 n = 1ULL << order, p, i;

	for (p = (m->base + n - 1) & ~(n - 1); p + n <= m->base + m->nr;
	     p += n) {
		for (i = 0; i < n; i++)
			if (!m->present[p - m->base + i] ||
			    m->owner[p - m->base + i])
				break;
		if (i == n)
			return true;
	}
	return false;
}

static void model_compare(struct model *m, u64 seed, u64 op)
{
	char why[WHY_LEN] = "";
	u64 i, s, e, from, present = 0, occ = 0;

	cur_op = op;
	ck_assert_msg(mc_zalloc_check(&m->z, why, sizeof(why)) == 0,
		      "seed %" PRIu64 " op %" PRIu64 ": %s", seed, op, why);
	require(m->z.stats.used == m->used);
	for (i = 0; i < m->nr; i++) {
		present += m->present[i];
		require(mc_zalloc_is_occupied(&m->z, m->base + i) ==
			(m->owner[i] != 0));
	}
	require(m->z.stats.present == present);
	require(m->z.stats.free == present - m->used);
	/* The occupied runs cover exactly the owned pages. */
	for (from = 0; mc_zalloc_next_occupied(&m->z, from, &s, &e);
	     from = e) {
		require(s >= from && s < e);
		require(s == m->base || !m->owner[s - m->base - 1]);
		require(e == m->base + m->nr || !m->owner[e - m->base]);
		for (i = s; i < e; i++)
			require(m->owner[i - m->base]);
		occ += e - s;
	}
	require(occ == m->used);
}

static unsigned int random_order(unsigned int max_order)
{
	unsigned int k = __builtin_ctzll(rng_next() | (1ULL << MC_MAX_ORDER));

	return k > max_order ? k % (max_order + 1) : k;
}

/* A free that must be refused, built from what the model knows. */
static void try_bad_free(struct model *m)
{
	u64 pfn, i, bad, used;
	unsigned int order;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		bool legal;

		if (m->nlive && (rng_next() & 1)) {
			struct live l = m->live[rng_below(m->nlive)];

			pfn = l.pfn;
			order = l.order + 1 + rng_below(2);
			if (rng_next() & 1)
				pfn += 1 + rng_below(3);
		} else {
			pfn = m->base + rng_below(m->nr + 8) - 4;
			order = rng_below(MC_MAX_ORDER + 2);
		}
		/* Legal: aligned, inside, and every page of it out. */
		legal = order <= MC_MAX_ORDER && pfn >= m->base &&
			pfn - m->base < m->nr &&
			(1ULL << order) <= m->base + m->nr - pfn &&
			!(pfn & ((1ULL << order) - 1));
		for (i = 0; legal && i < (1ULL << order); i++)
			legal = m->owner[pfn - m->base + i] != 0;
		if (legal)
			continue;
		bad = m->z.stats.bad_frees;
		used = m->z.stats.used;
		require(mc_zalloc_free(&m->z, pfn, order) == -EINVAL);
		require(m->z.stats.bad_frees == bad + 1);
		require(m->z.stats.used == used);
		return;
	}
}

static void add_chunk(struct model *m, u64 off, u64 n)
{
	require(mc_zalloc_add_free(&m->z, m->base + off, n) == 0);
	memset(m->present + off, 1, n);
}

/*
 * 'initial' is the share of pages (in 1/8) added at the start, in random
 * chunks; the rest is added while the sequence runs.
 */
static void run_random(u64 seed, u64 base, u64 nr, unsigned int initial,
		       u64 ops, unsigned int max_order, u64 check_every)
{
	static const unsigned int targets[] = { 50, 95, 10, 70, 100, 30 };
	struct model m;
	u64 op, off, chunk, enomem = 0;

	rng_state = seed;
	cur_seed = seed;
	cur_op = 0;
	memset(&m, 0, sizeof(m));
	m.base = base;
	m.nr = nr;
	m.present = calloc(nr, 1);
	m.owner = calloc(nr, sizeof(*m.owner));
	m.live = calloc(nr, sizeof(*m.live));
	require(m.present && m.owner && m.live);
	require(mc_zalloc_init(&m.z, base, nr) == 0);

	for (off = 0; off < nr; off += chunk) {
		chunk = 1 + rng_below(nr / 16 + 1);
		if (chunk > nr - off)
			chunk = nr - off;
		if (initial == 8 || rng_below(8) < initial)
			add_chunk(&m, off, chunk);
	}
	model_compare(&m, seed, 0);

	for (op = 1; op <= ops; op++) {
		unsigned int target = targets[(op * 6 / ops) % 6];
		u64 r = rng_below(1000);

		cur_op = op;

		if (r < 3) {
			/* claim an absent chunk, if any */
			off = rng_below(nr);
			if (!m.present[off]) {
				chunk = 0;
				while (off + chunk < nr &&
				       !m.present[off + chunk] &&
				       chunk < 700)
					chunk++;
				add_chunk(&m, off, chunk);
			}
		} else if (r < 40) {
			try_bad_free(&m);
		} else if (m.nlive &&
			   (m.used * 100 >= target * m.z.stats.present ||
			    rng_below(4) == 0)) {
			u64 idx = rng_below(m.nlive);
			struct live l = m.live[idx];

			require(mc_zalloc_free(&m.z, l.pfn, l.order) == 0);
			model_release(&m, idx);
		} else {
			unsigned int order = random_order(max_order);
			u64 pfn, i;
			int ret = mc_zalloc_alloc(&m.z, order, &pfn);

			if (ret == 0) {
				require(!(pfn & ((1ULL << order) - 1)));
				require(pfn >= base &&
					pfn + (1ULL << order) <= base + nr);
				for (i = 0; i < (1ULL << order); i++) {
					require(m.present[pfn - base + i]);
					require(!m.owner[pfn - base + i]);
				}
				model_take(&m, pfn, order);
			} else {
				require(ret == -ENOMEM);
				/*
				 * The scan is O(zone): on big zones every
				 * 16th refusal is verified.
				 */
				if (nr <= 4096 || ++enomem % 16 == 0)
					require(!model_has_block(&m, order));
			}
		}
		if (op % check_every == 0)
			model_compare(&m, seed, op);
	}
	model_compare(&m, seed, ops);

	/* Free everything: only whole blocks of the cut remain. */
	while (m.nlive) {
		struct live l = m.live[m.nlive - 1];

		require(mc_zalloc_free(&m.z, l.pfn, l.order) == 0);
		model_release(&m, m.nlive - 1);
	}
	model_compare(&m, seed, ops + 1);
	if (m.z.stats.present == nr) {
		u64 want[MC_NR_ORDERS];

		expected_cut(base, base + nr, want);
		assert_blocks(&m.z, want);
	}

	mc_zalloc_destroy(&m.z);
	free(m.present);
	free(m.owner);
	free(m.live);
}

START_TEST(test_random_aligned_zone)
{
	run_random(1, 0, 65536, 8, 200000, MC_MAX_ORDER, 2000);
}
END_TEST

START_TEST(test_random_unaligned_zone)
{
	run_random(2, 1000003, 50001, 8, 200000, MC_MAX_ORDER, 2000);
}
END_TEST

START_TEST(test_random_zone_with_holes)
{
	run_random(3, 3 * 4096 + 512, 70000, 5, 200000, MC_MAX_ORDER, 2000);
}
END_TEST

START_TEST(test_random_tiny_zone)
{
	/* Exhaustion at every turn; every -ENOMEM is checked. */
	run_random(4, 7, 37, 8, 100000, 5, 500);
}
END_TEST

START_TEST(test_random_small_orders_high_pfn)
{
	run_random(5, (1ULL << 40) + 64 * 1024 + 17, 20000, 6, 200000, 3,
		   2000);
}
END_TEST

static Suite *zalloc_suite(void)
{
	Suite *s = suite_create("zalloc");
	TCase *tc;

	tc = tcase_create("setup");
	tcase_add_test(tc, test_init_rejects_bad_geometry);
	tcase_add_test(tc, test_empty_zone);
	tcase_add_test(tc, test_add_free_rejects);
	tcase_add_test(tc, test_destroy_and_reinit);
	tcase_add_test(tc, test_meta_bytes_terabyte);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("alloc");
	tcase_add_loop_test(tc, test_alloc_free_every_order, 0, MC_NR_ORDERS);
	tcase_add_test(tc, test_split_and_merge_counts);
	tcase_add_test(tc, test_lowest_block_first);
	tcase_add_test(tc, test_merge_in_any_order);
	tcase_add_test(tc, test_exhaustion_odd_size);
	tcase_add_test(tc, test_exhaustion_high_order);
	tcase_add_test(tc, test_fragmentation_blocks_higher_orders);
	tcase_add_test(tc, test_holes_never_allocated);
	tcase_add_test(tc, test_unaligned_base_and_size);
	tcase_add_test(tc, test_add_free_piecewise_merges);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	tcase_add_test(tc, test_double_free_refused);
	tcase_add_test(tc, test_wrong_order_free);
	tcase_add_test(tc, test_out_of_zone_and_misaligned_free);
	suite_add_tcase(s, tc);

	tc = tcase_create("queries");
	tcase_add_test(tc, test_occupied_runs);
	tcase_add_test(tc, test_occupied_runs_sparse_large_zone);
	tcase_add_test(tc, test_contains_and_is_occupied);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("checker");
	tcase_add_test(tc, test_check_catches_counters);
	tcase_add_test(tc, test_check_catches_bitmap_damage);
	tcase_add_test(tc, test_check_catches_unmerged_and_overlap);
	tcase_add_test(tc, test_check_catches_unmerged_group_orders);
	tcase_add_test(tc, test_check_catches_stale_summary);
	tcase_add_test(tc, test_alloc_refuses_corrupt_summary);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_add_test(tc, test_random_aligned_zone);
	tcase_add_test(tc, test_random_unaligned_zone);
	tcase_add_test(tc, test_random_zone_with_holes);
	tcase_add_test(tc, test_random_tiny_zone);
	tcase_add_test(tc, test_random_small_orders_high_pfn);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(zalloc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
