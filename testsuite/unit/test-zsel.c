// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * test-zsel.c - unit tests of zone selection (core/zsel.c): preference
 * order by locality and distance, address constraints, the fallback
 * decision and the reason names.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zsel.h"

#define GIB_PFN(g)	((u64)(g) << (30 - MC_PAGE_SHIFT))
#define MIB_PFN(m)	((u64)(m) << (20 - MC_PAGE_SHIFT))
#define DMA_LIMIT	MIB_PFN(16)
#define DMA32_LIMIT	GIB_PFN(4)

static struct mc_zsel sel;

/*
 * The reference layout: 48 GiB over 4 nodes, each starting with a mirrored
 * range (1M-1G, 12G-13G, 24G-25G, 36G-37G), SLIT distances of a square of
 * sockets: neighbours at 16 and 22, the far corner at 28.
 */
static void reference_layout(void)
{
	static const u8 slit[4][4] = {
		{ 10, 16, 22, 28 },
		{ 16, 10, 28, 22 },
		{ 22, 28, 10, 16 },
		{ 28, 22, 16, 10 },
	};
	unsigned int i, j;

	memset(&sel, 0, sizeof(sel));
	sel.nr_nodes = 4;
	sel.nr_zones = 4;
	sel.zones[0] = (struct mc_zsel_zone){ 0, MIB_PFN(1), GIB_PFN(1) };
	for (i = 1; i < 4; i++)
		sel.zones[i] = (struct mc_zsel_zone){
			i, GIB_PFN(12 * i), GIB_PFN(12 * i + 1) };
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			sel.distance[i][j] = slit[i][j];
}

/* 'n' nodes in a line (distance 10 + |i - j|), zone i on node i % n. */
static void line_layout(unsigned int nodes, unsigned int zones)
{
	unsigned int i, j;

	memset(&sel, 0, sizeof(sel));
	sel.nr_nodes = nodes;
	sel.nr_zones = zones;
	for (i = 0; i < nodes; i++)
		for (j = 0; j < nodes; j++)
			sel.distance[i][j] = MC_LOCAL_DISTANCE +
					     (i > j ? i - j : j - i);
	for (i = 0; i < zones; i++)
		sel.zones[i] = (struct mc_zsel_zone){
			i % nodes, GIB_PFN(i + 1), GIB_PFN(i + 1) + 512 };
}

static void assert_order(int node, u64 max_pfn, const unsigned int *want,
			 int n)
{
	unsigned int got[MC_MAX_ZONES];
	int i, ret;

	ret = mc_zsel_order(&sel, node, max_pfn, got);
	ck_assert_int_eq(ret, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i],
			      "node %d: position %d is zone %u, want %u", node,
			      i, got[i], want[i]);
}

START_TEST(test_reference_layout_order)
{
	static const unsigned int want[4][4] = {
		{ 0, 1, 2, 3 }, { 1, 0, 3, 2 }, { 2, 3, 0, 1 }, { 3, 2, 1, 0 },
	};
	char why[128] = "";
	int node;

	reference_layout();
	ck_assert_msg(mc_zsel_validate(&sel, why, sizeof(why)) == 0, "%s",
		      why);
	for (node = 0; node < 4; node++)
		assert_order(node, U64_MAX, want[node], 4);
}
END_TEST

START_TEST(test_dma_constraints)
{
	static const unsigned int zone0[] = { 0 };
	unsigned int got[MC_MAX_ZONES];
	int node;

	reference_layout();
	/* Only the 1M-1G zone lies below 4 GiB, whoever asks. */
	for (node = 0; node < 4; node++)
		assert_order(node, DMA32_LIMIT, zone0, 1);
	/* Nothing lies below 16 MiB: a constraint fallback. */
	for (node = 0; node < 4; node++) {
		ck_assert_int_eq(mc_zsel_order(&sel, node, DMA_LIMIT, got), 0);
		ck_assert_int_eq(mc_zsel_reason(0), MC_FB_CONSTRAINT);
	}
}
END_TEST

START_TEST(test_constraint_boundary)
{
	static const unsigned int from2[] = { 2, 0, 1 };
	static const unsigned int from3[] = { 1, 0 };

	reference_layout();
	/* A zone ending exactly at the limit qualifies, one page more not. */
	assert_order(2, GIB_PFN(25), from2, 3);
	assert_order(2, GIB_PFN(25) - 1, (const unsigned int[]){ 0, 1 }, 2);
	assert_order(3, GIB_PFN(13), from3, 2);
	assert_order(3, GIB_PFN(13) - 1, (const unsigned int[]){ 0 }, 1);
	assert_order(3, GIB_PFN(1), (const unsigned int[]){ 0 }, 1);
	assert_order(3, GIB_PFN(1) - 1, NULL, 0);
}
END_TEST

START_TEST(test_ties_by_zone_number)
{
	static const unsigned int from0[] = { 1, 4, 0, 2, 3, 5 };
	static const unsigned int from1[] = { 0, 5, 2, 1, 4 };

	/* Three nodes; 1 and 2 both at 20 from node 0. */
	memset(&sel, 0, sizeof(sel));
	sel.nr_nodes = 3;
	sel.nr_zones = 6;
	sel.zones[0] = (struct mc_zsel_zone){ 1, 100, 200 };
	sel.zones[1] = (struct mc_zsel_zone){ 0, 300, 400 };
	sel.zones[2] = (struct mc_zsel_zone){ 2, 500, 600 };
	sel.zones[3] = (struct mc_zsel_zone){ 2, 1300, 1400 };
	sel.zones[4] = (struct mc_zsel_zone){ 0, 900, 1000 };
	sel.zones[5] = (struct mc_zsel_zone){ 1, 1100, 1200 };
	sel.distance[0][0] = sel.distance[1][1] = sel.distance[2][2] = 10;
	sel.distance[0][1] = sel.distance[0][2] = 20;
	sel.distance[1][0] = 30;
	sel.distance[1][2] = 20;
	sel.distance[2][0] = sel.distance[2][1] = 25;
	ck_assert_int_eq(mc_zsel_validate(&sel, NULL, 0), 0);
	/* Local 1 and 4; then the zones of nodes 1 and 2 by number. */
	assert_order(0, U64_MAX, from0, 6);
	/* Node 1 has node 2 nearer than node 0; zone 3 ends past 1250. */
	assert_order(1, 1250, from1, 5);
}
END_TEST

START_TEST(test_local_first_whatever_the_distances)
{
	static const unsigned int want[] = { 1, 0, 2 };

	/* A remote node recorded as close as the local one still comes after. */
	memset(&sel, 0, sizeof(sel));
	sel.nr_nodes = 2;
	sel.nr_zones = 3;
	sel.zones[0] = (struct mc_zsel_zone){ 0, 10, 20 };
	sel.zones[1] = (struct mc_zsel_zone){ 1, 30, 40 };
	sel.zones[2] = (struct mc_zsel_zone){ 0, 50, 60 };
	sel.distance[0][0] = sel.distance[1][1] = 10;
	sel.distance[0][1] = sel.distance[1][0] = 10;
	assert_order(1, U64_MAX, want, 3);
}
END_TEST

START_TEST(test_node_without_zone)
{
	static const unsigned int want[] = { 2, 1, 0 };

	reference_layout();
	/* Node 3 has no mirror zone: its nearest neighbours go first. */
	sel.nr_zones = 3;
	assert_order(3, U64_MAX, want, 3);
}
END_TEST

START_TEST(test_node_out_of_range)
{
	unsigned int got[MC_MAX_ZONES];
	int i;

	reference_layout();
	for (i = 0; i < MC_MAX_ZONES; i++)
		got[i] = 0xdead;
	ck_assert_int_eq(mc_zsel_order(&sel, -1, U64_MAX, got), -EINVAL);
	ck_assert_int_eq(mc_zsel_order(&sel, 4, U64_MAX, got), -EINVAL);
	ck_assert_int_eq(mc_zsel_order(&sel, MC_MAX_NODES, U64_MAX, got),
			 -EINVAL);
	ck_assert_int_eq(mc_zsel_order(&sel, 1 << 30, U64_MAX, got), -EINVAL);
	for (i = 0; i < MC_MAX_ZONES; i++)
		ck_assert_uint_eq(got[i], 0xdead);
}
END_TEST

START_TEST(test_bad_tables_refused)
{
	unsigned int got[MC_MAX_ZONES];
	char why[128];

	reference_layout();
	sel.zones[2].node = 4;
	ck_assert_int_eq(mc_zsel_order(&sel, 0, U64_MAX, got), -EINVAL);
	ck_assert_int_eq(mc_zsel_validate(&sel, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "zone 2: node 4 out of range (4 nodes)");
	sel.zones[2].node = -3;
	ck_assert_int_eq(mc_zsel_order(&sel, 0, U64_MAX, got), -EINVAL);

	reference_layout();
	sel.nr_nodes = 0;
	ck_assert_int_eq(mc_zsel_order(&sel, 0, U64_MAX, got), -EINVAL);
	ck_assert_int_eq(mc_zsel_validate(&sel, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "0 nodes: must be 1 to 64");
	sel.nr_nodes = MC_MAX_NODES + 1;
	ck_assert_int_eq(mc_zsel_order(&sel, 0, U64_MAX, got), -EINVAL);

	reference_layout();
	sel.nr_zones = MC_MAX_ZONES + 1;
	ck_assert_int_eq(mc_zsel_order(&sel, 0, U64_MAX, got), -EINVAL);
	ck_assert_int_eq(mc_zsel_validate(&sel, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "257 zones: at most 256");

	reference_layout();
	sel.zones[1].end_pfn = sel.zones[1].start_pfn;
	ck_assert_int_eq(mc_zsel_validate(&sel, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "zone 1: empty pfn range 0x300000-0x300000");

	reference_layout();
	sel.distance[2][2] = 0;
	ck_assert_int_eq(mc_zsel_validate(&sel, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "distance of node 2 to itself is 0, not 10");

	reference_layout();
	sel.distance[3][0] = 9;
	ck_assert_int_eq(mc_zsel_validate(&sel, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "distance from node 3 to node 0 is 9, below 10");
	/* NULL 'why' is allowed. */
	ck_assert_int_eq(mc_zsel_validate(&sel, NULL, 0), -EINVAL);
}
END_TEST

START_TEST(test_64_nodes_in_a_line)
{
	unsigned int want[MC_MAX_NODES];
	int n = 0, d;

	line_layout(MC_MAX_NODES, MC_MAX_NODES);
	ck_assert_int_eq(mc_zsel_validate(&sel, NULL, 0), 0);
	/* From node 31: 31, then 30 before 32 at each distance, ... 63. */
	want[n++] = 31;
	for (d = 1; d < MC_MAX_NODES; d++) {
		if (31 - d >= 0)
			want[n++] = 31 - d;
		if (31 + d < MC_MAX_NODES)
			want[n++] = 31 + d;
	}
	ck_assert_int_eq(n, MC_MAX_NODES);
	assert_order(31, U64_MAX, want, n);
	/* From the end of the line: in reverse. */
	for (n = 0; n < MC_MAX_NODES; n++)
		want[n] = MC_MAX_NODES - 1 - n;
	assert_order(MC_MAX_NODES - 1, U64_MAX, want, n);
}
END_TEST

START_TEST(test_64_nodes_256_zones_random)
{
	unsigned int got[MC_MAX_ZONES], seen[MC_MAX_ZONES];
	unsigned int i, j, round;
	u64 x = 2024;

	for (round = 0; round < 200; round++) {
		int node, n, eligible = 0;
		u64 max_pfn;

		line_layout(MC_MAX_NODES, MC_MAX_ZONES);
		for (i = 0; i < MC_MAX_NODES; i++)
			for (j = 0; j < MC_MAX_NODES; j++) {
				x = x * 6364136223846793005ULL +
				    1442695040888963407ULL;
				if (i != j)
					sel.distance[i][j] = 11 + (x >> 59);
			}
		for (i = 0; i < MC_MAX_ZONES; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			sel.zones[i].node = (x >> 40) % MC_MAX_NODES;
		}
		ck_assert_int_eq(mc_zsel_validate(&sel, NULL, 0), 0);
		node = round % MC_MAX_NODES;
		max_pfn = round % 3 ? U64_MAX : GIB_PFN(round % 256);
		for (i = 0; i < MC_MAX_ZONES; i++)
			eligible += sel.zones[i].end_pfn <= max_pfn;

		n = mc_zsel_order(&sel, node, max_pfn, got);
		ck_assert_int_eq(n, eligible);
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < (unsigned int)n; i++) {
			const struct mc_zsel_zone *z = &sel.zones[got[i]];

			ck_assert_uint_lt(got[i], MC_MAX_ZONES);
			ck_assert(!seen[got[i]]);
			seen[got[i]] = 1;
			ck_assert(z->end_pfn <= max_pfn);
			if (i) {
				const struct mc_zsel_zone *p =
					&sel.zones[got[i - 1]];
				bool pl = p->node == node, zl = z->node == node;
				unsigned int pd = sel.distance[node][p->node];
				unsigned int zd = sel.distance[node][z->node];

				/* local ones first, then by distance, ties by number */
				ck_assert(pl || !zl);
				if (pl == zl && (zl || pd == zd))
					ck_assert_uint_lt(got[i - 1], got[i]);
				else if (!pl)
					ck_assert_uint_lt(pd, zd);
			}
		}
	}
}
END_TEST

START_TEST(test_no_zones_at_all)
{
	unsigned int got[1];

	reference_layout();
	sel.nr_zones = 0;
	ck_assert_int_eq(mc_zsel_order(&sel, 2, U64_MAX, got), 0);
	ck_assert_int_eq(mc_zsel_reason(0), MC_FB_CONSTRAINT);
}
END_TEST

START_TEST(test_fallback_table)
{
	ck_assert_int_eq(mc_zsel_fallback(true, true), MC_FB_USE_ORDINARY);
	ck_assert_int_eq(mc_zsel_fallback(true, false), MC_FB_FAIL);
	ck_assert_int_eq(mc_zsel_fallback(false, true), MC_FB_FAIL);
	ck_assert_int_eq(mc_zsel_fallback(false, false), MC_FB_FAIL);
}
END_TEST

START_TEST(test_reasons_and_names)
{
	ck_assert_int_eq(mc_zsel_reason(0), MC_FB_CONSTRAINT);
	ck_assert_int_eq(mc_zsel_reason(1), MC_FB_EXHAUSTED);
	ck_assert_int_eq(mc_zsel_reason(MC_MAX_ZONES), MC_FB_EXHAUSTED);
	ck_assert_str_eq(mc_fallback_reason_name(MC_FB_NONE), "none");
	ck_assert_str_eq(mc_fallback_reason_name(MC_FB_EXHAUSTED),
			 "exhausted");
	ck_assert_str_eq(mc_fallback_reason_name(MC_FB_CONSTRAINT),
			 "constraint");
	ck_assert_str_eq(mc_fallback_reason_name(MC_FB_NR_REASONS),
			 "unknown");
	ck_assert_str_eq(mc_fallback_reason_name((enum mc_fallback_reason)-1),
			 "unknown");
}
END_TEST

static Suite *zsel_suite(void)
{
	Suite *s = suite_create("zsel");
	TCase *tc;

	tc = tcase_create("order");
	tcase_add_test(tc, test_reference_layout_order);
	tcase_add_test(tc, test_dma_constraints);
	tcase_add_test(tc, test_constraint_boundary);
	tcase_add_test(tc, test_ties_by_zone_number);
	tcase_add_test(tc, test_local_first_whatever_the_distances);
	tcase_add_test(tc, test_node_without_zone);
	tcase_add_test(tc, test_64_nodes_in_a_line);
	tcase_add_test(tc, test_64_nodes_256_zones_random);
	tcase_add_test(tc, test_no_zones_at_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("input");
	tcase_add_test(tc, test_node_out_of_range);
	tcase_add_test(tc, test_bad_tables_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("fallback");
	tcase_add_test(tc, test_fallback_table);
	tcase_add_test(tc, test_reasons_and_names);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(zsel_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
