// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * bench-zalloc.c - how the zone page allocator's cost grows with the zone.
 *
 * Zones of 1 GiB, 64 GiB and 1 TiB of simulated 4 KiB pages, each kept
 * about half full, run the same workloads side by side in one process:
 *
 *   order-0 hot     allocate one page and free it again at once (the
 *                   per-call cost of the bitmaps and summaries alone)
 *   order-0 random  allocate a page, free a uniformly random live page;
 *                   the live set is half the zone with scattered holes
 *   mixed random    allocate a block of a random order 0..10 (order k
 *                   with probability 2^-(k+1), so mostly small ones),
 *                   free a uniformly random live block
 *
 * Each window of pairs is timed with CLOCK_MONOTONIC; the zones take turns
 * window by window, and the best and median of several windows are
 * printed with the ratio to the 1 GiB zone.  The random workloads touch
 * metadata all over the zone, so beyond the summary depth they also show
 * the caches running out.  At the end every zone must pass
 * mc_zalloc_check().
 *
 * Usage: bench-zalloc [-q] [-r RUNS] [-n PAIRS]
 *   -q   quick: zones of 1, 8 and 64 GiB and fewer pairs
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zalloc.h"

#define MAX_ZONES	3
#define MAX_RUNS	25
#define BASE_PFN	(1ULL << 30)	/* anywhere: a zone at 4 TiB */
#define EMPTY_SLOT	UINT32_MAX

enum { W_HOT, W_RANDOM, W_MIXED, NR_WORKLOADS };

static const char *const workload_name[NR_WORKLOADS] = {
	"order-0 hot", "order-0 random", "mixed random",
};

struct bzone {
	unsigned int gib_shift;		/* zone = 2^gib_shift GiB */
	u64 pages;
	struct mc_zalloc z;
	/*
	 * Live blocks as (pfn - BASE_PFN) << 4 | order: 28 bits of offset
	 * are enough for 1 TiB of pages.  Slots [0, 2^bits) take part in
	 * the churn, the rest (mixed fill) stay put.
	 */
	u32 *live;
	u64 nlive;
	unsigned int bits;
	u64 iter;
	u64 failures;
	u64 meta;
	unsigned int levels;
	double ns[NR_WORKLOADS][MAX_RUNS];
};

static u64 rng = 0x2545f4914f6cdd1dULL;

static inline u64 rnd(void)
{
	/* xorshift64*: cheap next to what is measured */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* Order k with probability 2^-(k+1), order 10 with 2^-10. */
static inline unsigned int rnd_order(void)
{
	return __builtin_ctzll(rnd() | (1ULL << MC_MAX_ORDER));
}

/*
 * A bijection of [0, 2^bits): visits every live slot once per round, in an
 * order with no stride a prefetcher could follow.
 */
static inline u64 perm(u64 i, unsigned int bits)
{
	u64 mask = (1ULL << bits) - 1, x = i & mask;
	unsigned int s = (bits + 1) / 2;

	x = (x * 0x9e3779b97f4a7c15ULL) & mask;
	x ^= x >> s;
	x = (x * 0xbf58476d1ce4e5b9ULL) & mask;
	x ^= x >> s;
	return x;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench-zalloc: %s: %s\n", what, strerror(-err));
	exit(EXIT_FAILURE);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		die("out of memory for the live-block table", -ENOMEM);
	return p;
}

static inline u32 pack(u64 pfn, unsigned int order)
{
	return (u32)((pfn - BASE_PFN) << 4) | order;
}

static inline u64 slot_pfn(u32 s)
{
	return BASE_PFN + (s >> 4);
}

static inline unsigned int slot_order(u32 s)
{
	return s & 15;
}

static void zone_init(struct bzone *b)
{
	int ret;

	b->pages = 1ULL << (b->gib_shift + 30 - MC_PAGE_SHIFT);
	ret = mc_zalloc_init(&b->z, BASE_PFN, b->pages);
	if (!ret)
		ret = mc_zalloc_add_free(&b->z, BASE_PFN, b->pages);
	if (ret)
		die("zone set-up", ret);
	b->meta = mc_zalloc_meta_bytes(&b->z);
	b->levels = b->z.free[0].levels;
	b->iter = 0;
	b->failures = 0;
}

static void zone_done(struct bzone *b)
{
	char why[256];

	if (mc_zalloc_check(&b->z, why, sizeof(why))) {
		fprintf(stderr, "bench-zalloc: %llu GiB zone inconsistent: %s\n",
			1ULL << b->gib_shift, why);
		exit(EXIT_FAILURE);
	}
	mc_zalloc_destroy(&b->z);
	free(b->live);
	b->live = NULL;
}

/* Half the zone in order-0 pages, with a sixteenth of it freed at random. */
static void setup_order0(struct bzone *b)
{
	u64 live, holes, n, i, pfn;
	int ret;

	zone_init(b);
	live = b->pages / 2;
	holes = b->pages / 16;
	n = live + holes;
	b->live = xmalloc(n * sizeof(*b->live));
	for (i = 0; i < n; i++) {
		ret = mc_zalloc_alloc(&b->z, 0, &pfn);
		if (ret)
			die("order-0 fill", ret);
		b->live[i] = pack(pfn, 0);
	}
	for (i = 0; i < holes; i++) {
		u64 r = rnd() % (n - i);

		ret = mc_zalloc_free(&b->z, slot_pfn(b->live[r]), 0);
		if (ret)
			die("order-0 holes", ret);
		b->live[r] = b->live[n - i - 1];
	}
	b->nlive = live;
	b->bits = 63 - __builtin_clzll(live);
}

/* Mixed orders until half the zone is used. */
static void setup_mixed(struct bzone *b)
{
	u64 cap, pfn;
	unsigned int order;
	int ret;

	zone_init(b);
	cap = b->pages / 16;
	b->live = xmalloc(cap * sizeof(*b->live));
	b->nlive = 0;
	while (b->z.stats.used < b->pages / 2) {
		order = rnd_order();
		ret = mc_zalloc_alloc(&b->z, order, &pfn);
		if (ret)
			die("mixed fill", ret);
		if (b->nlive == cap) {
			cap *= 2;
			b->live = realloc(b->live, cap * sizeof(*b->live));
			if (!b->live)
				die("mixed fill", -ENOMEM);
		}
		b->live[b->nlive++] = pack(pfn, order);
	}
	b->bits = 63 - __builtin_clzll(b->nlive);
}

static double run_hot(struct bzone *b, u64 pairs)
{
	double t0 = now_ns();
	u64 i, pfn;

	for (i = 0; i < pairs; i++) {
		if (mc_zalloc_alloc(&b->z, 0, &pfn) ||
		    mc_zalloc_free(&b->z, pfn, 0))
			die("order-0 hot pair", -EIO);
	}
	return (now_ns() - t0) / pairs;
}

static double run_random(struct bzone *b, u64 pairs, bool mixed)
{
	double t0 = now_ns();
	u64 i, pfn;

	for (i = 0; i < pairs; i++) {
		u64 v = perm(b->iter, b->bits);
		unsigned int order = mixed ? rnd_order() : 0;
		u32 old = b->live[v];

		/* the table is the harness's miss, not the allocator's */
		__builtin_prefetch(&b->live[perm(b->iter + 8, b->bits)], 1);
		b->iter++;
		if (mc_zalloc_alloc(&b->z, order, &pfn) == 0) {
			b->live[v] = pack(pfn, order);
		} else if (mixed) {
			b->live[v] = EMPTY_SLOT;
			b->failures++;
		} else {
			die("order-0 random pair", -ENOMEM);
		}
		if (old != EMPTY_SLOT &&
		    mc_zalloc_free(&b->z, slot_pfn(old), slot_order(old)))
			die("random pair free", -EIO);
	}
	return (now_ns() - t0) / pairs;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double best_of(const double *v, int n)
{
	double s[MAX_RUNS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return s[0];
}

static double median_of(const double *v, int n)
{
	double s[MAX_RUNS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static const char *zone_name(const struct bzone *b, char *buf, size_t len)
{
	if (b->gib_shift >= 10)
		snprintf(buf, len, "%llu TiB", 1ULL << (b->gib_shift - 10));
	else
		snprintf(buf, len, "%llu GiB", 1ULL << b->gib_shift);
	return buf;
}

int main(int argc, char **argv)
{
	static struct bzone zones[MAX_ZONES];
	unsigned int shifts[MAX_ZONES] = { 0, 6, 10 };
	u64 pairs = 2000000;
	int runs = 5, nz = MAX_ZONES, opt, r, i, w;
	char name[32];

	while ((opt = getopt(argc, argv, "qr:n:h")) != -1) {
		switch (opt) {
		case 'q':
			shifts[1] = 3;
			shifts[2] = 6;
			pairs = 500000;
			break;
		case 'r':
			runs = atoi(optarg);
			if (runs < 1 || runs > MAX_RUNS) {
				fprintf(stderr, "bench-zalloc: -r: 1 to %d runs\n",
					MAX_RUNS);
				return EXIT_FAILURE;
			}
			break;
		case 'n':
			pairs = strtoull(optarg, NULL, 10);
			if (!pairs) {
				fprintf(stderr, "bench-zalloc: -n: a positive number of pairs\n");
				return EXIT_FAILURE;
			}
			break;
		default:
			fprintf(stderr, "usage: bench-zalloc [-q] [-r RUNS] [-n PAIRS]\n");
			return opt == 'h' ? EXIT_SUCCESS : EXIT_FAILURE;
		}
	}
	for (i = 0; i < nz; i++)
		zones[i].gib_shift = shifts[i];

	/* Order-0 workloads: all zones alive, taking turns. */
	for (i = 0; i < nz; i++)
		setup_order0(&zones[i]);
	for (i = 0; i < nz; i++) {		/* warm-up, untimed */
		run_random(&zones[i], pairs, false);
		run_hot(&zones[i], pairs);
	}
	for (r = 0; r < runs; r++) {
		for (i = 0; i < nz; i++) {
			zones[i].ns[W_RANDOM][r] =
				run_random(&zones[i], pairs, false);
			zones[i].ns[W_HOT][r] = run_hot(&zones[i], 2 * pairs);
		}
	}
	for (i = 0; i < nz; i++)
		zone_done(&zones[i]);

	/* Mixed orders. */
	for (i = 0; i < nz; i++)
		setup_mixed(&zones[i]);
	for (i = 0; i < nz; i++)
		run_random(&zones[i], pairs, true);
	for (r = 0; r < runs; r++)
		for (i = 0; i < nz; i++)
			zones[i].ns[W_MIXED][r] =
				run_random(&zones[i], pairs, true);
	for (i = 0; i < nz; i++)
		zone_done(&zones[i]);

	printf("mirror zone allocator: 4 KiB pages, zones ~50%% full, %d runs of %" PRIu64
	       " alloc+free pairs (hot: %" PRIu64 "), best | median\n\n",
	       runs, pairs, 2 * pairs);
	printf("%-7s %10s %7s %10s %11s\n", "zone", "pages", "levels",
	       "metadata", "per GiB");
	for (i = 0; i < nz; i++) {
		struct bzone *b = &zones[i];

		printf("%-7s %10" PRIu64 " %7u %7.2f MiB %7.1f KiB\n",
		       zone_name(b, name, sizeof(name)), b->pages, b->levels,
		       b->meta / 1048576.0,
		       b->meta / 1024.0 / (double)(1ULL << b->gib_shift));
	}
	for (w = 0; w < NR_WORKLOADS; w++) {
		double base_best = best_of(zones[0].ns[w], runs);
		double base_med = median_of(zones[0].ns[w], runs);

		printf("\n%-15s %9s %9s %10s %7s %7s", workload_name[w],
		       "ns/pair", "median", "Mpairs/s", "ratio", "r.med");
		if (w == W_MIXED)
			printf(" %9s", "-ENOMEM");
		printf("\n");
		for (i = 0; i < nz; i++) {
			struct bzone *b = &zones[i];
			double best = best_of(b->ns[w], runs);
			double med = median_of(b->ns[w], runs);

			printf("%-15s %9.1f %9.1f %10.2f %7.2f %7.2f",
			       zone_name(b, name, sizeof(name)), best, med,
			       1e3 / best, best / base_best, med / base_med);
			if (w == W_MIXED)
				printf(" %9" PRIu64, b->failures);
			printf("\n");
		}
	}
	printf("\nratio: to the 1 GiB zone; levels: summary levels above the order-0 bits\n");
	return EXIT_SUCCESS;
}
