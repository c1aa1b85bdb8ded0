/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mirror_internal.h - state shared by the files of mirror.ko.
 *
 * The module keeps one global instance ('mirror'): the mirror zones, the
 * per-node view, the policy switches and the record of ordinary pages that
 * went out through the API.  Everything is set up at load and is constant
 * afterwards except what the locks below protect and the per-CPU counters.
 */
#ifndef MIRROR_INTERNAL_H
#define MIRROR_INTERNAL_H

#include <linux/kobject.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/atomic.h>
#include <linux/memremap.h>

#include "zalloc.h"
#include "zcache.h"
#include "zsel.h"

#define MIRROR_ABI_VERSION	2

/* order_of[] of a zone page held by its reference count alone. */
#define MIRROR_REF_HELD		0xff
/* order_of[] of the other pages of a block an API caller holds. */
#define MIRROR_API_TAIL		0xfe

enum mirror_mode {
	MIRROR_MODE_EMULATION,
	MIRROR_MODE_FIRMWARE,
};

/* The address constraints of an allocation: index of the zone lists. */
enum mirror_limit {
	MIRROR_LIMIT_NONE,
	MIRROR_LIMIT_DMA32,		/* zones ending at or below 4 GiB */
	MIRROR_LIMIT_DMA,		/* zones ending at or below 16 MiB */
	MIRROR_NR_LIMITS,
};

/* Hot counters of a zone, one copy per CPU, summed when read. */
struct mirror_zone_pcpu {
	u64 allocs;
	u64 frees;
};

/* Hot counters of a node (the requesting node), one copy per CPU. */
struct mirror_node_pcpu {
	u64 allocs_local;
	u64 allocs_remote;
	u64 fallback_exhausted;
	u64 fallback_constraint;
	u64 failed;
	u64 allocs_ordinary;
};

enum mirror_event {
	MIRROR_EV_NONE,
	MIRROR_EV_EXHAUSTED,
	MIRROR_EV_RECOVERED,
};

/*
 * A CPU's cache of small free blocks of one zone (see core/zcache.h).
 * 'lock' protects 'cache'; it is taken before the zone's lock and never
 * together with another CPU's.  Its own CPU takes it with interrupts on
 * and preemption off, by trylock (mirror_zone_take()); an interrupt that
 * finds it held uses the zone instead, and in interrupt context it is
 * only ever tried (mirror_zc_cache_lock()).  Raw: allocations may come
 * from hard interrupt context, on PREEMPT_RT too.
 */
struct mirror_zone_cache {
	raw_spinlock_t lock;
	struct mc_zcache_cpu cache;
};

struct mirror_zone_kobj;

struct mirror_zone {
	/* Constant after load. */
	unsigned int id;		/* zone number, address order */
	int nid;			/* node holding the zone */
	unsigned long start_pfn;
	unsigned long end_pfn;		/* exclusive */
	u64 pages_requested;
	u64 recover_mark;		/* free pages that end exhaustion */
	bool za_ready;			/* 'za' initialised */
	bool removed;			/* memory offlined and removed */
	bool mapped;			/* 'pgmap' is device memory now */
	struct mirror_zone_pcpu __percpu *pcpu;
	struct mirror_zone_kobj *kobj;
	/*
	 * The zone's memory as the kernel sees it while we hold it: device
	 * memory of type MEMORY_DEVICE_COHERENT, whose pages come back to
	 * mirror_page_free() when their last reference goes.
	 */
	struct dev_pagemap pgmap;

	/*
	 * 'lock' protects 'za' (the free and occupancy bitmaps and their
	 * counters), 'holds_ref', 'pgmap_refs', 'bad_frees', 'exhausted',
	 * 'ev_seq' and 'occ_resume'.
	 * Taken with interrupts off: allocations and the last put of a page
	 * may come from hard interrupt context.  Raw, so that this holds on
	 * PREEMPT_RT too; every hold is short (bitmap steps, no page walk
	 * but the debugfs check).  The per-CPU caches' locks come first.
	 */
	raw_spinlock_t lock;
	/* Interrupt state before the core's zone_lock op; under 'lock'. */
	unsigned long lock_flags;
	struct mc_zalloc za;
	/*
	 * Where the last read of 'occupied' stopped: the next line starts at
	 * byte 'pos' of the text and its run is searched from 'pfn', so that
	 * reading on needs no walk from the zone's start (mirror_sysfs.c).
	 */
	struct {
		loff_t pos;
		u64 pfn;
	} occ_resume;
	/*
	 * Per-CPU caches in front of 'za' (orders 0..MC_ZCACHE_MAX_ORDER):
	 * pages there are occupied in 'za' but free; zc knows how to reach
	 * and lock them.
	 */
	struct mc_zcache zc;
	struct mirror_zone_cache __percpu *caches;
	/*
	 * Per page: order + 1 at the first page of a block that a caller
	 * of the API holds (mirror_alloc_pages*) and MIRROR_API_TAIL at its
	 * other pages; MIRROR_REF_HELD on a page held by its reference
	 * count alone (a migration destination); 0 for free pages (cached
	 * ones too) and API blocks given back whose pages are still
	 * referenced elsewhere.  No lock: the allocation that hands a
	 * block out sets it (nobody else can know the block then), and
	 * whoever gives it back clears it with cmpxchg()/xchg(), so that of
	 * two frees of one block exactly one wins.
	 */
	u8 *order_of;
	bool holds_ref;			/* module ref while pages are out */
	/*
	 * Page map references the zone holds, one per page out of 'za'
	 * (za.stats.used: handed out or cached), so that API pages need
	 * none of their own (see mirror_zc_zone_unlock()).
	 */
	u64 pgmap_refs;
	u64 bad_frees;			/* frees refused */
	bool exhausted;			/* failed, not yet recovered */
	unsigned int ev_seq;		/* exhausted/recovered transitions */

	/*
	 * The uevent worker's own state: only ev_work touches these (a work
	 * item never runs concurrently with itself).
	 */
	struct work_struct ev_work;
	unsigned int ev_reported_seq;
	bool ev_reported_exhausted;
};

struct mirror_node {
	int nid;
	bool present;			/* online at load: in sysfs */
	struct mirror_node_pcpu __percpu *pcpu;
	/* Zone preference lists, constant after load. */
	unsigned int *zorder[MIRROR_NR_LIMITS];
	unsigned int nr_zorder[MIRROR_NR_LIMITS];
	struct kobject *kobj;
};

struct mirror_state {
	enum mirror_mode mode;
	unsigned int nr_zones;
	struct mirror_zone *zones;	/* sorted by address */
	unsigned int nr_nodes;		/* nr_node_ids at load */
	struct mirror_node *nodes;	/* indexed by node id */

	/* Policy switches, read without a lock (READ_ONCE/WRITE_ONCE). */
	bool default_mirror;
	bool fallback;

	/*
	 * Ordinary pages handed out through the API: pfn -> order, so that a
	 * free can be checked.  The xarray's own lock (irq-safe) protects the
	 * entries, 'ordinary_pages' and 'ordinary_holds_ref'.
	 */
	struct xarray ordinary;
	u64 ordinary_pages;
	bool ordinary_holds_ref;

	/* Frees of pages that were not out: no zone, no ordinary record. */
	atomic64_t bad_frees_foreign;

	struct kobject *root;		/* /sys/kernel/mm/mirror */
	struct kset *zones_kset;	/* .../zones, the zones' uevent kset */
	struct kobject *nodes_kobj;	/* .../nodes */
	struct dentry *debugfs;
};

extern struct mirror_state mirror;

/*
 * Mirror zone holding 'pfn', or NULL (lockless: zones are constant).
 * Inline: every free and every page the sweeper looks at asks.
 */
static inline struct mirror_zone *mirror_zone_of_pfn(unsigned long pfn)
{
	unsigned int lo = 0, hi = mirror.nr_zones;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		struct mirror_zone *zone = &mirror.zones[mid];

		if (pfn < zone->start_pfn)
			hi = mid;
		else if (pfn >= zone->end_pfn)
			lo = mid + 1;
		else
			return zone;
	}
	return NULL;
}

/* The owner of our device pages, for migrate_vma's pgmap_owner. */
extern const char mirror_pgmap_owner[];

/* mirror_alloc.c */
/*
 * One free zone page from 'nid''s zones (nearest first), as a migration
 * destination: referenced once and locked, as migrate_vma wants it, and
 * held by that reference only (its last put returns it to the zone).
 * NULL when every zone is full.
 */
struct page *mirror_alloc_dst_page(int nid);
/*
 * Migration destinations taken from a zone a block at a time, in one hold
 * of its lock, and handed out page by page (each as mirror_alloc_dst_page()
 * hands one out).  Zero-initialised; the caller serialises its use and
 * ends it with mirror_dst_batch_end(), which gives back what is left.
 */
struct mirror_dst_batch {
	struct mirror_zone *zone;	/* of the block, or NULL */
	unsigned long next, end;	/* pfns not handed out yet */
	int nid;			/* the node it was taken for */
	bool dry;			/* no block anywhere: page by page */
};
/*
 * One destination for a page of node 'nid', of a run of 'want' more
 * (this one included): from the batch, from a new block of up to 'want'
 * pages, else as mirror_alloc_dst_page() gives one.  NULL when every
 * zone is full.
 */
struct page *mirror_dst_batch_page(struct mirror_dst_batch *b, int nid,
				   unsigned long want);
void mirror_dst_batch_end(struct mirror_dst_batch *b);
/* dev_pagemap_ops.page_free: a zone page's last reference went. */
void mirror_page_free(struct page *page);

u64 mirror_zone_sum(struct mirror_zone *zone, size_t field);
u64 mirror_node_sum(struct mirror_node *node, size_t field);
#define MIRROR_ZONE_SUM(z, f) \
	mirror_zone_sum(z, offsetof(struct mirror_zone_pcpu, f))
#define MIRROR_NODE_SUM(n, f) \
	mirror_node_sum(n, offsetof(struct mirror_node_pcpu, f))

u64 mirror_bad_frees(void);

/*
 * The per-CPU caches: set up and torn down with the zones; free and used
 * counts of a zone as its users see them (cached pages are free), read
 * under the zone's lock; every cache of a zone emptied into it, for the
 * files that show the zone allocator's own state (free_blocks, occupied,
 * check).  Not with the zone's lock held.
 */
int mirror_caches_init(struct mirror_zone *zone);
void mirror_caches_destroy(struct mirror_zone *zone);
int mirror_caches_start(void);
void mirror_caches_stop(void);
void mirror_zone_counts(struct mirror_zone *zone, u64 *free, u64 *used);
void mirror_zone_drain(struct mirror_zone *zone);

/* mirror_sysfs.c */
int mirror_sysfs_init(void);
void mirror_sysfs_exit(void);
void mirror_debugfs_init(void);
void mirror_debugfs_exit(void);
void mirror_event_work(struct work_struct *work);
/*
 * A debugfs command from userspace into buf (size bytes), stripped of
 * surrounding white space; ERR_PTR(-EINVAL) when it does not fit.
 */
char *mirror_cmd_copy(char *buf, size_t size, const char __user *ubuf,
		      size_t count);

/* A write to an action file: exactly "1", or "1" and a newline. */
bool mirror_is_trigger(const char *buf, size_t count);

/* The kobject of a zone's sysfs directory (its uevents come from it). */
struct kobject *mirror_zone_kobject(struct mirror_zone *zone);

/*
 * mirror_channel.c: the emulated mirror channel.  mirror_channel_init()
 * once the zones exist (the second copies), mirror_channel_setup() after
 * sysfs and debugfs; mirror_channel_exit() undoes what was done.
 */
int mirror_channel_init(void);
int mirror_channel_setup(void);
void mirror_channel_exit(void);
bool mirror_channel_enabled(void);
u64 mirror_channel_failovers(struct mirror_zone *zone);
/* Bytes of per-page state the channel keeps for 'zone' (not the copy). */
u64 mirror_channel_meta_bytes(struct mirror_zone *zone);
extern unsigned int mirror_channel_nr_latched;
void __mirror_channel_block_freed(struct mirror_zone *zone, unsigned long pfn,
				  unsigned long nr);
/*
 * A block came back: errors latched on its pages die with their owner.
 * Inline: every free asks, and almost never is anything latched.
 */
static inline void mirror_channel_block_freed(struct mirror_zone *zone,
					      unsigned long pfn,
					      unsigned long nr)
{
	if (READ_ONCE(mirror_channel_nr_latched))
		__mirror_channel_block_freed(zone, pfn, nr);
}
/* dev_pagemap_ops.memory_failure: the kernel reports an error. */
int mirror_channel_memory_failure(struct dev_pagemap *pgmap,
				  unsigned long pfn, unsigned long nr_pages,
				  int mf_flags);

/* mirror_mmap.c: mmap() of /dev/mirror */
struct vm_area_struct;
struct file;
int mirror_dev_mmap(struct file *file, struct vm_area_struct *vma);

/* mirror_process.c: MIRROR_FIRST processes and /dev/mirror */
int mirror_process_init(void);
void mirror_process_exit(void);
/* A zone page's last reference went: what its process's family is charged goes. */
void mirror_process_page_freed(struct page *page);

#endif /* MIRROR_INTERNAL_H */
