/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mirror_fill.h - technology-aware page fill (mirror_fill.c): what the
 * rest of mirror.ko calls.
 */
#ifndef MIRROR_FILL_H
#define MIRROR_FILL_H

#include <linux/gfp.h>
#include <linux/mm_types.h>

struct mirror_zone;

/* Fill a page with ones, as clear_page() fills it with zeros. */
void clear_page_one(void *addr);

/*
 * Load: mirror_fill_init() before the zones exist (the built-in energy
 * table and the memtypes= map; -EINVAL after one log line for a bad map),
 * mirror_fill_setup() once zones, sysfs and debugfs are there.
 * mirror_fill_exit() undoes whatever of the two was done.
 */
int mirror_fill_init(void);
int mirror_fill_setup(void);
void mirror_fill_exit(void);

/*
 * A block of 'zone' is handed out: zeros with __GFP_ZERO, else each page's
 * cheaper pattern.  Any context; never sleeps.
 */
void mirror_fill_alloc(struct mirror_zone *zone, struct page *page,
		       unsigned int order, gfp_t gfp);
/*
 * A migration destination leaves 'zone': not filled, as the copy of its
 * source overwrites it whole before anyone else can see it.
 */
void mirror_fill_dst(struct mirror_zone *zone, struct page *page);
/* Bytes of per-page fill state kept for 'zone'. */
u64 mirror_fill_meta_bytes(struct mirror_zone *zone);
/* A block returns to 'zone': scrub it with the cheaper pattern. */
void mirror_fill_free(struct mirror_zone *zone, struct page *page,
		      unsigned int order);

#endif /* MIRROR_FILL_H */
