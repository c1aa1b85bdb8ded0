/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * zsel.h - which mirror zone an allocation tries first, and what happens
 * when every eligible zone is full.
 */
#ifndef MIRROR_CORE_ZSEL_H
#define MIRROR_CORE_ZSEL_H

#include "compat.h"

#define MC_MAX_NODES		64
#define MC_MAX_ZONES		256
/* Distance of a node to itself in the SLIT convention. */
#define MC_LOCAL_DISTANCE	10

struct mc_zsel_zone {
	int node;			/* NUMA node that holds the zone */
	u64 start_pfn;
	u64 end_pfn;			/* exclusive */
};

struct mc_zsel {
	unsigned int nr_zones;
	unsigned int nr_nodes;
	/* Indexed by zone number. */
	struct mc_zsel_zone zones[MC_MAX_ZONES];
	u8 distance[MC_MAX_NODES][MC_MAX_NODES];	/* [from][to] */
};

/*
 * Is the table usable?  nr_nodes in 1..MC_MAX_NODES, nr_zones up to
 * MC_MAX_ZONES, every zone non-empty and on a node below nr_nodes, every
 * node at MC_LOCAL_DISTANCE from itself and at least that from the others.
 * 0, or -EINVAL with a one-line description in 'why' (may be NULL).
 */
int mc_zsel_validate(const struct mc_zsel *sel, char *why, size_t whylen);

/*
 * The preference order for an allocation made on 'node': the node's own
 * zones first, then the zones of other nodes by increasing distance from
 * 'node', ties broken by zone number.  Zones that end above 'max_pfn' are
 * left out: max_pfn is the exclusive limit of a DMA/DMA32 constraint (a
 * zone ending exactly at it qualifies; U64_MAX for none).  Writes zone
 * numbers to 'order' (room for nr_zones) and returns how many, possibly 0;
 * -EINVAL (and nothing written) for a node out of range or a table that
 * mc_zsel_validate() would refuse for its counts or zone nodes.
 */
int mc_zsel_order(const struct mc_zsel *sel, int node, u64 max_pfn,
		  unsigned int *order);

enum mc_fallback_reason {
	MC_FB_NONE = 0,		/* served from a mirror zone */
	MC_FB_EXHAUSTED,	/* every eligible zone was full */
	MC_FB_CONSTRAINT,	/* no zone satisfies the address constraint */
	MC_FB_NR_REASONS,
};

enum mc_fallback_action {
	MC_FB_USE_ORDINARY,	/* take ordinary memory, count the fallback */
	MC_FB_FAIL,		/* return nothing (caller forbade fallback) */
};

/*
 * Once no eligible zone could serve: fall back to ordinary memory unless
 * the caller or the policy forbids it.
 */
enum mc_fallback_action mc_zsel_fallback(bool caller_allows,
					 bool policy_allows);

/*
 * Why a request falls back once every zone mc_zsel_order() offered failed:
 * MC_FB_CONSTRAINT when it offered none (no zone meets the address
 * constraint), MC_FB_EXHAUSTED when it offered some and all were full.
 */
enum mc_fallback_reason mc_zsel_reason(unsigned int nr_eligible);

/*
 * "none", "exhausted", "constraint": the ABI's names ("unknown" for a
 * value outside the enum).
 */
const char *mc_fallback_reason_name(enum mc_fallback_reason reason);

#endif /* MIRROR_CORE_ZSEL_H */
