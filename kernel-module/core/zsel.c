// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * zsel.c - zone preference order and the fallback decision (see zsel.h).
 */
#include "zsel.h"

typedef unsigned long long mc_ull;	/* u64 for printf in both worlds */

#define MC_ZSEL_FAIL(...)						\
	do {								\
		if (why && whylen)					\
			snprintf(why, whylen, __VA_ARGS__);		\
		return -EINVAL;						\
	} while (0)

/* The checks mc_zsel_order() relies on to stay inside its arrays. */
static bool mc_zsel_shape_ok(const struct mc_zsel *sel)
{
	unsigned int i;

	if (!sel->nr_nodes || sel->nr_nodes > MC_MAX_NODES ||
	    sel->nr_zones > MC_MAX_ZONES)
		return false;
	for (i = 0; i < sel->nr_zones; i++)
		if (sel->zones[i].node < 0 ||
		    (unsigned int)sel->zones[i].node >= sel->nr_nodes)
			return false;
	return true;
}

int mc_zsel_validate(const struct mc_zsel *sel, char *why, size_t whylen)
{
	unsigned int i, j;

	if (!sel->nr_nodes || sel->nr_nodes > MC_MAX_NODES)
		MC_ZSEL_FAIL("%u nodes: must be 1 to %u", sel->nr_nodes,
			     MC_MAX_NODES);
	if (sel->nr_zones > MC_MAX_ZONES)
		MC_ZSEL_FAIL("%u zones: at most %u", sel->nr_zones,
			     MC_MAX_ZONES);
	for (i = 0; i < sel->nr_zones; i++) {
		const struct mc_zsel_zone *zn = &sel->zones[i];

		if (zn->node < 0 || (unsigned int)zn->node >= sel->nr_nodes)
			MC_ZSEL_FAIL("zone %u: node %d out of range (%u nodes)",
				     i, zn->node, sel->nr_nodes);
		if (zn->end_pfn <= zn->start_pfn)
			MC_ZSEL_FAIL("zone %u: empty pfn range 0x%llx-0x%llx",
				     i, (mc_ull)zn->start_pfn,
				     (mc_ull)zn->end_pfn);
	}
	for (i = 0; i < sel->nr_nodes; i++) {
		for (j = 0; j < sel->nr_nodes; j++) {
			unsigned int d = sel->distance[i][j];

			if (i == j && d != MC_LOCAL_DISTANCE)
				MC_ZSEL_FAIL("distance of node %u to itself is %u, not %u",
					     i, d, MC_LOCAL_DISTANCE);
			if (i != j && d < MC_LOCAL_DISTANCE)
				MC_ZSEL_FAIL("distance from node %u to node %u is %u, below %u",
					     i, j, d, MC_LOCAL_DISTANCE);
		}
	}
	return 0;
}

/* Sort key of zone z seen from 'node': 0 when local, else 256 + distance. */
static unsigned int mc_zsel_key(const struct mc_zsel *sel, int node,
				unsigned int z)
{
	int zn = sel->zones[z].node;

	return zn == node ? 0 : 256 + sel->distance[node][zn];
}

int mc_zsel_order(const struct mc_zsel *sel, int node, u64 max_pfn,
		  unsigned int *order)
{
	unsigned int i, n = 0;

	if (node < 0 || !mc_zsel_shape_ok(sel) ||
	    (unsigned int)node >= sel->nr_nodes)
		return -EINVAL;

	/*
	 * Insertion in zone-number order, moving only past strictly larger
	 * keys, so equal keys keep zone-number order.  Machines have a few
	 * zones per node at most: nothing cleverer pays off.
	 */
	for (i = 0; i < sel->nr_zones; i++) {
		unsigned int k, pos;

		if (sel->zones[i].end_pfn > max_pfn)
			continue;
		k = mc_zsel_key(sel, node, i);
		for (pos = n; pos > 0 &&
		     mc_zsel_key(sel, node, order[pos - 1]) > k; pos--)
			order[pos] = order[pos - 1];
		order[pos] = i;
		n++;
	}
	return n;
}

enum mc_fallback_action mc_zsel_fallback(bool caller_allows,
					 bool policy_allows)
{
	return caller_allows && policy_allows ? MC_FB_USE_ORDINARY : MC_FB_FAIL;
}

enum mc_fallback_reason mc_zsel_reason(unsigned int nr_eligible)
{
	return nr_eligible ? MC_FB_EXHAUSTED : MC_FB_CONSTRAINT;
}

const char *mc_fallback_reason_name(enum mc_fallback_reason reason)
{
	static const char *const names[MC_FB_NR_REASONS] = {
		[MC_FB_NONE] = "none",
		[MC_FB_EXHAUSTED] = "exhausted",
		[MC_FB_CONSTRAINT] = "constraint",
	};

	if ((unsigned int)reason >= MC_FB_NR_REASONS)
		return "unknown";
	return names[reason];
}
