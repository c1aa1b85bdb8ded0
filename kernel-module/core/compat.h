/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * compat.h - the only difference between the portable core in the kernel
 * and in userspace.
 *
 * The core (range lists, zone page allocator, zone selection, energy table)
 * is plain C compiled unchanged into mirror.ko, libmirror and the unit
 * tests.  It may use only what is defined here: fixed-width integer types,
 * errno values, memory allocation and a few string helpers.  No floating
 * point (the kernel has none) and no locking (callers lock).
 */
#ifndef MIRROR_CORE_COMPAT_H
#define MIRROR_CORE_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/bug.h>

/* kvzalloc: the allocator's bitmaps of a large zone exceed kmalloc's limit. */
static inline void *mc_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void mc_free(void *p)
{
	kvfree(p);
}

#define MC_WARN(cond)	WARN_ON_ONCE(cond)
#define MC_READ_ONCE(x)	READ_ONCE(x)

/*
 * Without -mpopcnt (the kernel's baseline x86-64) GCC lowers
 * __builtin_popcountl() to a call into libgcc, which modules cannot link
 * against: the kernel's hweight picks the instruction at run time.
 */
#include <linux/bitops.h>
static inline unsigned int mc_popcount(unsigned long x)
{
	return hweight_long(x);
}

#else /* userspace */

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <limits.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#ifndef EUCLEAN
#define EUCLEAN 117
#endif

#ifndef U64_MAX
#define U64_MAX UINT64_MAX
#endif

static inline void *mc_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

static inline void mc_free(void *p)
{
	free(p);
}

#define MC_WARN(cond)	(!!(cond))
/* A read of a value another thread may change meanwhile. */
#define MC_READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))

static inline unsigned int mc_popcount(unsigned long x)
{
	return (unsigned int)__builtin_popcountl(x);
}

#endif /* __KERNEL__ */

#define MC_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Page geometry of the core: the kernel's own in the module; in userspace
 * (the unit tests and the tools' checks) the usual 4 KiB.
 */
#ifdef __KERNEL__
#define MC_PAGE_SHIFT		PAGE_SHIFT
#else
#define MC_PAGE_SHIFT		12
#endif
#define MC_PAGE_SIZE		(1ULL << MC_PAGE_SHIFT)

#endif /* MIRROR_CORE_COMPAT_H */
