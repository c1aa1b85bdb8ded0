// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * test-zcache.c - unit tests of the per-CPU caches in front of a zone
 * (core/zcache.c): counts stay exact with caches full, a zone is never
 * full while caches hold its pages, draining (all, idle only, one CPU)
 * gives everything back, and a seeded random run over several simulated
 * CPUs keeps the zone allocator consistent.
 *
 * The "CPUs" are plain structures; the lock hooks check the rules the
 * kernel's locks enforce (zone lock after a cache's, never two caches).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "zalloc.h"
#include "zcache.h"

#define NCPUS	4
#define BASE	0x10000ULL
#define PAGES	4096ULL

struct sim {
	struct mc_zalloc z;
	struct mc_zcache zc;
	struct mc_zcache_cpu cpu[NCPUS];
	bool present[NCPUS];
	int cache_locked;		/* CPU whose cache is locked, or -1 */
	bool busy[NCPUS];		/* its lock cannot be had (held by the
					 * context an interrupt interrupted) */
	bool zone_locked;
	unsigned int zone_locks;	/* holds of the zone lock */
};

static void sim_zone_lock(struct mc_zcache *zc)
{
	struct sim *s = zc->priv;

	ck_assert(!s->zone_locked);
	s->zone_locked = true;
	s->zone_locks++;
}

static void sim_zone_unlock(struct mc_zcache *zc)
{
	struct sim *s = zc->priv;

	ck_assert(s->zone_locked);
	s->zone_locked = false;
}

static struct mc_zcache_cpu *sim_cache_of(struct mc_zcache *zc,
					  unsigned int cpu)
{
	struct sim *s = zc->priv;

	return s->present[cpu] ? &s->cpu[cpu] : NULL;
}

static bool sim_cache_lock(struct mc_zcache *zc, unsigned int cpu)
{
	struct sim *s = zc->priv;

	/* Never a cache inside the zone lock, never two caches. */
	ck_assert(!s->zone_locked);
	ck_assert_int_eq(s->cache_locked, -1);
	if (s->busy[cpu])
		return false;
	s->cache_locked = (int)cpu;
	return true;
}

static void sim_cache_unlock(struct mc_zcache *zc, unsigned int cpu)
{
	struct sim *s = zc->priv;

	ck_assert_int_eq(s->cache_locked, (int)cpu);
	s->cache_locked = -1;
}

static const struct mc_zcache_ops sim_ops = {
	.zone_lock = sim_zone_lock,
	.zone_unlock = sim_zone_unlock,
	.cache_of = sim_cache_of,
	.cache_lock = sim_cache_lock,
	.cache_unlock = sim_cache_unlock,
};

static struct sim *sim_new(u64 pages, unsigned int high, unsigned int batch)
{
	struct sim *s = calloc(1, sizeof(*s));
	unsigned int i;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(mc_zalloc_init(&s->z, BASE, pages), 0);
	ck_assert_int_eq(mc_zalloc_add_free(&s->z, BASE, pages), 0);
	ck_assert_int_eq(mc_zcache_init(&s->zc, &s->z, high, batch, NCPUS,
					&sim_ops, s), 0);
	for (i = 0; i < NCPUS; i++)
		s->present[i] = true;
	s->cache_locked = -1;
	return s;
}

static void sim_free(struct sim *s)
{
	mc_zalloc_destroy(&s->z);
	free(s);
}

static void assert_consistent(struct sim *s)
{
	char why[256] = "";

	ck_assert_msg(mc_zalloc_check(&s->z, why, sizeof(why)) == 0, "%s",
		      why);
}

/* An allocation as the kernel does it: -EAGAIN means drain and retry. */
static int sim_alloc(struct sim *s, unsigned int cpu, unsigned int order,
		     u64 *pfn)
{
	int ret;

	sim_cache_lock(&s->zc, cpu);
	ret = mc_zcache_alloc(&s->zc, &s->cpu[cpu], order, pfn);
	sim_cache_unlock(&s->zc, cpu);
	if (ret == -EAGAIN)
		ret = mc_zcache_alloc_drained(&s->zc, order, pfn);
	return ret;
}

static int sim_put(struct sim *s, unsigned int cpu, u64 pfn,
		   unsigned int order)
{
	int ret;

	sim_cache_lock(&s->zc, cpu);
	ret = mc_zcache_free(&s->zc, &s->cpu[cpu], pfn, order);
	sim_cache_unlock(&s->zc, cpu);
	return ret;
}

/* Free as users see it: the zone's plus what the caches hold. */
static u64 sim_free_pages(struct sim *s)
{
	return s->z.stats.free + mc_zcache_pages(&s->zc);
}

START_TEST(test_init_rejects)
{
	struct mc_zalloc z;
	struct mc_zcache zc;

	ck_assert_int_eq(mc_zalloc_init(&z, BASE, PAGES), 0);
	ck_assert_int_eq(mc_zcache_init(&zc, &z, 8, 0, 1, &sim_ops, NULL),
			 -EINVAL);
	ck_assert_int_eq(mc_zcache_init(&zc, &z, 8, 9, 1, &sim_ops, NULL),
			 -EINVAL);
	ck_assert_int_eq(mc_zcache_init(&zc, &z, MC_ZCACHE_SLOTS + 1, 1, 1,
					&sim_ops, NULL), -EINVAL);
	ck_assert_int_eq(mc_zcache_init(&zc, &z, 8, 4, 0, &sim_ops, NULL),
			 -EINVAL);
	ck_assert_int_eq(mc_zcache_init(&zc, &z, 8, 4, 1, &sim_ops, NULL), 0);
	mc_zalloc_destroy(&z);
}
END_TEST

/* A warm pair of alloc and free never touches the zone's lock. */
START_TEST(test_warm_pair_stays_in_cache)
{
	struct sim *s = sim_new(PAGES, 32, 16);
	unsigned int i, locks;
	u64 pfn, first;

	ck_assert_int_eq(sim_alloc(s, 0, 0, &first), 0);
	ck_assert_int_eq(sim_put(s, 0, first, 0), 0);
	locks = s->zone_locks;
	for (i = 0; i < 1000; i++) {
		ck_assert_int_eq(sim_alloc(s, 0, 0, &pfn), 0);
		/* The most recently freed block comes back: cache-warm. */
		ck_assert_uint_eq(pfn, first);
		ck_assert_int_eq(sim_put(s, 0, pfn, 0), 0);
	}
	ck_assert_uint_eq(s->zone_locks, locks);
	ck_assert_uint_eq(sim_free_pages(s), PAGES);
	sim_free(s);
}
END_TEST

/* With every cache full, free + used is still the zone's size. */
START_TEST(test_counts_exact_with_caches_full)
{
	struct sim *s = sim_new(PAGES, 32, 16);
	u64 pfns[NCPUS][40];
	unsigned int cpu, i, order = 1;

	for (cpu = 0; cpu < NCPUS; cpu++)
		for (i = 0; i < 40; i++)
			ck_assert_int_eq(sim_alloc(s, cpu, order,
						   &pfns[cpu][i]), 0);
	ck_assert_uint_eq(sim_free_pages(s), PAGES - NCPUS * 40 * 2);
	for (cpu = 0; cpu < NCPUS; cpu++)
		for (i = 0; i < 40; i++)
			ck_assert_int_eq(sim_put(s, cpu, pfns[cpu][i], order),
					 0);
	/* Each cache ends at or below 'high' blocks; the rest went back. */
	for (cpu = 0; cpu < NCPUS; cpu++) {
		ck_assert_uint_le(s->cpu[cpu].list[order].count, 32);
		ck_assert_uint_gt(s->cpu[cpu].list[order].count, 0);
	}
	ck_assert_uint_eq(sim_free_pages(s), PAGES);
	ck_assert_uint_eq(s->z.stats.used, mc_zcache_pages(&s->zc));
	assert_consistent(s);
	ck_assert_uint_eq(mc_zcache_drain_all(&s->zc, false), 0);
	ck_assert_uint_eq(s->z.stats.free, PAGES);
	ck_assert_uint_eq(s->z.stats.used, 0);
	assert_consistent(s);
	sim_free(s);
}
END_TEST

/*
 * Exhaustion: once the zone proper is empty, the pages other CPUs cache
 * are still handed out (through a drain) before anything fails, and
 * every page of the zone is allocated exactly once.
 */
START_TEST(test_never_full_while_cached)
{
	struct sim *s = sim_new(256, 32, 16);
	static u64 got[256];
	unsigned char seen[256] = { 0 };
	unsigned int cpu, n = 0, i;
	u64 pfn, fails_before;

	/* CPUs 1..3 fill their caches, then give their pages back. */
	for (cpu = 1; cpu < NCPUS; cpu++) {
		u64 mine[20];

		for (i = 0; i < 20; i++)
			ck_assert_int_eq(sim_alloc(s, cpu, 0, &mine[i]), 0);
		for (i = 0; i < 20; i++)
			ck_assert_int_eq(sim_put(s, cpu, mine[i], 0), 0);
	}
	ck_assert_uint_gt(mc_zcache_pages(&s->zc), 0);
	fails_before = s->z.stats.alloc_failures;
	/* CPU 0 takes all 256 pages. */
	while (n < 256 && sim_alloc(s, 0, 0, &pfn) == 0)
		got[n++] = pfn;
	ck_assert_uint_eq(n, 256);
	ck_assert_int_eq(sim_alloc(s, 0, 0, &pfn), -ENOMEM);
	/* One failure, the caller's: refills that came up short are none. */
	ck_assert_uint_eq(s->z.stats.alloc_failures, fails_before + 1);
	for (i = 0; i < n; i++) {
		ck_assert_uint_ge(got[i], BASE);
		ck_assert_uint_lt(got[i], BASE + 256);
		ck_assert(!seen[got[i] - BASE]);
		seen[got[i] - BASE] = 1;
	}
	ck_assert_uint_eq(sim_free_pages(s), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(sim_put(s, i % NCPUS, got[i], 0), 0);
	ck_assert_uint_eq(sim_free_pages(s), 256);
	mc_zcache_drain_all(&s->zc, false);
	ck_assert_uint_eq(s->z.stats.free, 256);
	assert_consistent(s);
	sim_free(s);
}
END_TEST

/* A large block the zone lacks is found once cached small blocks merge. */
START_TEST(test_large_order_after_drain)
{
	struct sim *s = sim_new(64, 32, 16);
	u64 pfns[64], pfn;
	unsigned int i;

	for (i = 0; i < 64; i++)
		ck_assert_int_eq(sim_alloc(s, i % NCPUS, 0, &pfns[i]), 0);
	for (i = 0; i < 64; i++)
		ck_assert_int_eq(sim_put(s, i % NCPUS, pfns[i], 0), 0);
	ck_assert_uint_eq(s->z.stats.free_blocks[6], 0);
	/* Order 6 is above the cached orders: straight to the zone. */
	ck_assert_int_eq(sim_alloc(s, 0, 6, &pfn), 0);
	ck_assert_uint_eq(pfn, BASE);
	ck_assert_int_eq(sim_put(s, 0, pfn, 6), 0);
	ck_assert_uint_eq(s->z.stats.free, 64);
	assert_consistent(s);
	sim_free(s);
}
END_TEST

/* Idle draining takes only caches nobody used since the last pass. */
START_TEST(test_idle_drain)
{
	struct sim *s = sim_new(PAGES, 32, 16);
	u64 pfn;
	unsigned int cpu;

	for (cpu = 0; cpu < NCPUS; cpu++) {
		ck_assert_int_eq(sim_alloc(s, cpu, 0, &pfn), 0);
		ck_assert_int_eq(sim_put(s, cpu, pfn, 0), 0);
	}
	/* First pass: all were just used; each keeps its pages. */
	ck_assert_uint_eq(mc_zcache_drain_all(&s->zc, true), 16 * NCPUS);
	/* CPU 2 works again; the others stayed idle. */
	ck_assert_int_eq(sim_alloc(s, 2, 0, &pfn), 0);
	ck_assert_int_eq(sim_put(s, 2, pfn, 0), 0);
	ck_assert_uint_eq(mc_zcache_drain_all(&s->zc, true), 16);
	ck_assert_uint_eq(s->cpu[2].pages, 16);
	ck_assert_uint_eq(mc_zcache_drain_all(&s->zc, true), 0);
	ck_assert_uint_eq(s->z.stats.free, PAGES);
	sim_free(s);
}
END_TEST

/* Draining one CPU (it went offline) leaves the others alone. */
START_TEST(test_drain_one_cpu)
{
	struct sim *s = sim_new(PAGES, 32, 16);
	u64 pfn;

	ck_assert_int_eq(sim_alloc(s, 1, 3, &pfn), 0);
	ck_assert_int_eq(sim_put(s, 1, pfn, 3), 0);
	ck_assert_int_eq(sim_alloc(s, 3, 0, &pfn), 0);
	ck_assert_int_eq(sim_put(s, 3, pfn, 0), 0);
	sim_cache_lock(&s->zc, 1);
	ck_assert_uint_eq(mc_zcache_drain(&s->zc, &s->cpu[1]), 16 * 8);
	sim_cache_unlock(&s->zc, 1);
	ck_assert_uint_eq(s->cpu[1].pages, 0);
	ck_assert_uint_eq(s->cpu[3].pages, 16);
	ck_assert_uint_eq(s->z.stats.used, 16);
	sim_free(s);
}
END_TEST

/* A CPU that does not exist is skipped by every walk. */
START_TEST(test_absent_cpu_skipped)
{
	struct sim *s = sim_new(PAGES, 32, 16);
	u64 pfn;

	ck_assert_int_eq(sim_alloc(s, 0, 0, &pfn), 0);
	ck_assert_int_eq(sim_put(s, 0, pfn, 0), 0);
	s->present[2] = false;
	ck_assert_uint_eq(mc_zcache_pages(&s->zc), 16);
	ck_assert_uint_eq(mc_zcache_drain_all(&s->zc, false), 0);
	ck_assert_uint_eq(s->z.stats.free, PAGES);
	sim_free(s);
}
END_TEST

/*
 * A cache that cannot be locked (an interrupt came while its CPU held it):
 * the interrupt's allocations and frees go to the zone directly, draining
 * leaves that cache alone, and the counts stay exact throughout.
 */
START_TEST(test_busy_cache_uses_zone)
{
	struct sim *s = sim_new(64, 32, 16);
	u64 pfns[64], pfn;
	unsigned int i, n = 0, zl;

	/* CPU 1 caches 16 pages; then its lock is held by what we interrupt. */
	ck_assert_int_eq(sim_alloc(s, 1, 0, &pfn), 0);
	ck_assert_int_eq(sim_put(s, 1, pfn, 0), 0);
	ck_assert_uint_eq(s->cpu[1].pages, 16);
	s->busy[1] = true;

	/* Straight from the zone: one zone lock, CPU 1's cache untouched. */
	zl = s->zone_locks;
	ck_assert_int_eq(mc_zcache_alloc_zone(&s->zc, 0, &pfns[n++]), 0);
	ck_assert_uint_eq(s->zone_locks, zl + 1);
	ck_assert_uint_eq(s->cpu[1].pages, 16);
	ck_assert_uint_eq(sim_free_pages(s), 63);

	/* The zone runs dry: the other caches drain, CPU 1's stays. */
	ck_assert_int_eq(sim_alloc(s, 2, 0, &pfn), 0);
	ck_assert_int_eq(sim_put(s, 2, pfn, 0), 0);
	while (n < 64 && mc_zcache_alloc_zone(&s->zc, 0, &pfns[n]) == 0)
		n++;
	ck_assert_uint_eq(n, 48);
	ck_assert_uint_eq(s->cpu[2].pages, 0);
	ck_assert_uint_eq(s->cpu[1].pages, 16);
	ck_assert_uint_eq(mc_zcache_drain_all(&s->zc, false), 16);
	ck_assert_int_eq(mc_zcache_alloc_zone(&s->zc, 0, &pfn), -ENOMEM);
	ck_assert_uint_eq(sim_free_pages(s), 16);

	/* Frees go to the zone; a bad one is refused there as anywhere. */
	for (i = 0; i < n; i++)
		ck_assert_int_eq(mc_zcache_free_zone(&s->zc, pfns[i], 0), 0);
	ck_assert_int_eq(mc_zcache_free_zone(&s->zc, pfns[0], 0), -EINVAL);
	ck_assert_uint_eq(s->z.stats.free, 48);
	ck_assert_uint_eq(sim_free_pages(s), 64);

	/* The interrupted context lets go: everything drains. */
	s->busy[1] = false;
	ck_assert_uint_eq(mc_zcache_drain_all(&s->zc, false), 0);
	ck_assert_uint_eq(s->z.stats.free, 64);
	assert_consistent(s);
	sim_free(s);
}
END_TEST

/* A free the zone refuses is reported, and nothing changes. */
START_TEST(test_free_outside_zone_refused)
{
	struct sim *s = sim_new(PAGES, 32, 16);

	ck_assert_int_eq(sim_put(s, 0, BASE + PAGES, 0), -EINVAL);
	ck_assert_int_eq(sim_put(s, 0, BASE - 1, 0), -EINVAL);
	ck_assert_uint_eq(mc_zcache_pages(&s->zc), 0);
	ck_assert_uint_eq(s->z.stats.free, PAGES);
	sim_free(s);
}
END_TEST

/*
 * Random alloc/free of orders 0..5 on random CPUs against a page map:
 * no page is handed out twice, counts add up after every step, and after
 * a full drain the zone allocator is consistent and whole.
 */
START_TEST(test_random_run)
{
	enum { MAXOUT = 512 };
	struct sim *s = sim_new(PAGES, 8, 3);
	static unsigned char owner[PAGES];
	static u64 out_pfn[MAXOUT];
	static unsigned int out_order[MAXOUT];
	unsigned int nout = 0, step, seed = 12345 + (unsigned int)_i;
	u64 used = 0;

	memset(owner, 0, sizeof(owner));
	for (step = 0; step < 20000; step++) {
		unsigned int cpu = rand_r(&seed) % NCPUS;

		if (nout < MAXOUT && (rand_r(&seed) % 3 || !nout)) {
			unsigned int order = rand_r(&seed) % 6, i;
			u64 pfn;

			if (sim_alloc(s, cpu, order, &pfn))
				continue;
			ck_assert_uint_eq(pfn & ((1ULL << order) - 1), 0);
			for (i = 0; i < (1U << order); i++) {
				ck_assert(!owner[pfn - BASE + i]);
				owner[pfn - BASE + i] = 1;
			}
			out_pfn[nout] = pfn;
			out_order[nout++] = order;
			used += 1ULL << order;
		} else {
			unsigned int k = rand_r(&seed) % nout, i;

			for (i = 0; i < (1U << out_order[k]); i++)
				owner[out_pfn[k] - BASE + i] = 0;
			ck_assert_int_eq(sim_put(s, cpu, out_pfn[k],
						 out_order[k]), 0);
			used -= 1ULL << out_order[k];
			out_pfn[k] = out_pfn[--nout];
			out_order[k] = out_order[nout];
		}
		ck_assert_uint_eq(sim_free_pages(s), PAGES - used);
	}
	while (nout) {
		nout--;
		ck_assert_int_eq(sim_put(s, nout % NCPUS, out_pfn[nout],
					 out_order[nout]), 0);
	}
	mc_zcache_drain_all(&s->zc, false);
	ck_assert_uint_eq(s->z.stats.free, PAGES);
	assert_consistent(s);
	sim_free(s);
}
END_TEST

static Suite *zcache_suite(void)
{
	Suite *s = suite_create("zcache");
	TCase *tc = tcase_create("core");

	/* The random runs take a second or two; room for a loaded machine. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_init_rejects);
	tcase_add_test(tc, test_warm_pair_stays_in_cache);
	tcase_add_test(tc, test_counts_exact_with_caches_full);
	tcase_add_test(tc, test_never_full_while_cached);
	tcase_add_test(tc, test_large_order_after_drain);
	tcase_add_test(tc, test_idle_drain);
	tcase_add_test(tc, test_drain_one_cpu);
	tcase_add_test(tc, test_absent_cpu_skipped);
	tcase_add_test(tc, test_busy_cache_uses_zone);
	tcase_add_test(tc, test_free_outside_zone_refused);
	tcase_add_loop_test(tc, test_random_run, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(zcache_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
