/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mirror.h - the kernel API of mirror.ko: allocate pages from mirrored
 * memory with the page allocator's GFP semantics.
 *
 * A stock kernel has no __GFP_MIRROR bit, so this header defines two flags
 * in the high bits of gfp_t that the kernel's allocator never uses on the
 * kernels we support (6.1: ___GFP_LAST_BIT is 27).  mirror.ko strips them
 * before anything reaches the kernel's allocator.
 *
 *   __GFP_MIRROR           ask for mirrored memory: the local node's mirror
 *                          zone first, then other nodes' zones by distance,
 *                          then ordinary memory (counted as a fallback).
 *   __GFP_MIRROR_STRICT    with __GFP_MIRROR: never fall back; NULL instead.
 *
 * Without __GFP_MIRROR a request is served mirror-first only when the
 * "default_mirror" policy is on (policy/default_mirror in sysfs), and from
 * ordinary memory otherwise.
 *
 * GFP semantics: GFP_ATOMIC (no __GFP_DIRECT_RECLAIM) never sleeps and may
 * be used in atomic context, hard interrupts included (zone pages come
 * from raw-spinlocked per-CPU caches and zones, so this holds on
 * PREEMPT_RT too; there, with interrupts off, there is no ordinary
 * memory: a request the zones cannot serve fails); __GFP_ZERO zeroes;
 * without it a mirror zone's page holds all zeros or all ones, whichever
 * its memory type writes more cheaply (technology-aware fill, ABI.md
 * "Page fill"; a fallback page is zeroed when the kernel runs with
 * init_on_alloc); __GFP_NOWARN silences the failure warning;
 * __GFP_NORETRY is passed to the fallback allocation; __GFP_DMA /
 * __GFP_DMA32 skip zones that end above 16 MiB / 4 GiB; __GFP_THISNODE
 * uses only the zones of the requested node.  Blocks of order > 0 from a
 * mirror zone are never compound pages (__GFP_COMP is not honoured there):
 * every page of the block has its own reference count of 1.
 * __GFP_NOFAIL together with __GFP_MIRROR_STRICT is refused (NULL, one
 * warning): mirrored memory is finite and a strict request may not fall
 * back, so it cannot promise never to fail.
 *
 * Zone pages are device memory that mirror.ko owns (ABI.md "Claiming").
 * mirror_free_pages() drops the caller's reference on each page of the
 * block; a page still referenced elsewhere (mapped into a process, say)
 * comes back to its zone when that last reference goes, and is not handed
 * out again before.
 *
 * The request's node is 'nid' for mirror_alloc_pages_node() (NUMA_NO_NODE
 * means the calling CPU's node) and the calling CPU's node otherwise.
 */
#ifndef _MIRROR_H
#define _MIRROR_H

#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/mempool.h>

#define __GFP_MIRROR		((__force gfp_t)0x40000000u)
#define __GFP_MIRROR_STRICT	((__force gfp_t)0x20000000u)
#define __GFP_MIRROR_MASK	(__GFP_MIRROR | __GFP_MIRROR_STRICT)

struct page *mirror_alloc_pages(gfp_t gfp, unsigned int order);
struct page *mirror_alloc_pages_node(int nid, gfp_t gfp, unsigned int order);

/*
 * Free pages from mirror_alloc_pages*(): mirrored pages go back to their
 * zone, fallback pages to the kernel.  A page freed twice, or freed with
 * the wrong order, is refused with one warning and nothing is corrupted.
 */
void mirror_free_pages(struct page *page, unsigned int order);

/*
 * True when the page lies inside a mirror zone, in memory the zone claimed
 * at load (a pageblock the kernel would not give up inside a zone's range
 * is ordinary memory; see blocks_unclaimed in ABI.md).
 */
bool page_is_mirrored(struct page *page);

/*
 * A mempool of 2^order-page blocks that keeps 'min_nr' mirrored blocks in
 * reserve.  Its elements are struct page pointers, always mirrored (the
 * pool never takes ordinary memory): use mempool_alloc(), mempool_free()
 * and mempool_destroy() on it.  NULL on failure or bad arguments.
 */
mempool_t *mirror_mempool_create(int min_nr, unsigned int order);

/*
 * A small object cache on mirrored pages.  Objects of 'size' bytes
 * (aligned to 'align', a power of two or 0) are carved out of mirrored
 * blocks of at most MIRROR_CACHE_MAX_ORDER; with MIRROR_CACHE_STRICT the
 * cache never uses ordinary memory, otherwise it falls back like
 * __GFP_MIRROR.  mirror_cache_alloc() takes the usual gfp flags
 * (GFP_KERNEL, GFP_ATOMIC, __GFP_ZERO); an object must be freed to the
 * cache it came from.  Destroying a cache with objects still out logs an
 * error and leaves their slabs allocated.
 */
#define MIRROR_CACHE_STRICT	0x1u
#define MIRROR_CACHE_MAX_ORDER	3

struct mirror_cache;

struct mirror_cache *mirror_cache_create(const char *name, size_t size,
					 size_t align, unsigned int flags);
void *mirror_cache_alloc(struct mirror_cache *cache, gfp_t gfp);
void mirror_cache_free(struct mirror_cache *cache, void *obj);
void mirror_cache_destroy(struct mirror_cache *cache);

#endif /* _MIRROR_H */
