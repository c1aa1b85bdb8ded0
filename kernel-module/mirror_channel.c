// SPDX-License-Identifier: GPL-2.0
/*
 * mirror_channel.c - the emulated memory controller of emulation mode: a
 * second copy of every zone page (the mirror channel), an injector that
 * corrupts the primary copy of a page and latches an uncorrectable error
 * on it, and the failover that finds the latched error and restores the
 * primary from the mirror copy.
 *
 * A real controller writes both copies on every store.  A module cannot
 * see stores, so the copy is brought in step at defined points instead:
 *
 *   injection     the page's copy is taken from the primary just before
 *                 its bits are flipped, so the copy holds exactly what the
 *                 page held when the error struck;
 *   patrol scrub  every pass compares the primary and the copy of every
 *                 page that is out; a page that differs without a latched
 *                 error was written by its owner, and its copy is updated.
 *
 * Repair restores only the corrupted word, and only when it still holds
 * the corrupted value (a compare-and-exchange): an owner that rewrote the
 * word after the injection wins, as on real hardware, where a full write
 * clears the error.  What the emulation cannot do is serve a read of the
 * corrupted word from the copy: between injection and repair the owner
 * reads the corrupted value.  mirror-drill keeps its victim waiting
 * across that window; kernel-module/ABI.md states the limit.
 *
 * Errors also come the way real ones do, through the kernel's own
 * memory-failure path (machine checks, madvise(MADV_HWPOISON), hwpoison's
 * corrupt-pfn): memory_failure() hands an error on a zone page to our
 * dev_pagemap_ops.memory_failure, which repairs at once what is latched on
 * the page and otherwise, since those injectors flip no bit, brings the
 * page's copy in step and counts the failover; either way the owner keeps
 * its page and gets no signal.  An error latched on a page dies with the
 * page's owner: when the page's last reference goes, the latch goes too
 * (counted as dropped), so a repair never writes into a later owner's
 * data.
 *
 * In firmware mode none of this exists: the platform does it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include <linux/ktime.h>

#include "mirror_internal.h"

static bool channel = true;
module_param(channel, bool, 0444);
MODULE_PARM_DESC(channel,
	"Emulation: keep a mirror copy of every zone page and emulate failover (default Y)");

/* Patrol scrub interval bounds, milliseconds (0: no patrol). */
#define MCH_INTERVAL_MIN	10
#define MCH_INTERVAL_MAX	3600000
#define MCH_INTERVAL_DEFAULT	5000
/* Pages compared under one hold of the lock. */
#define MCH_CHUNK		64
/* Pages the scrub benchmark compares per round. */
#define MCH_BENCH_PAGES		4096
/*
 * The copies are taken in blocks of one pageblock (2 MiB on x86-64), from
 * the direct map: vmalloc() would leave page tables behind at every unload,
 * unmovable pages scattered over the nodes that later loads cannot claim.
 */
#define MCH_COPY_ORDER		pageblock_order

/* One latched uncorrectable error: a corrupted word of one page. */
struct mch_latch {
	struct list_head list;
	struct mirror_zone *zone;
	unsigned long pfn;
	unsigned int offset;		/* byte offset of the word, 8-aligned */
	u64 mask;			/* the bits flipped */
	u64 good;			/* the word before the flip */
	ktime_t when;
};

struct mch_zone {
	struct page **copy;		/* blocks of 2^MCH_COPY_ORDER pages */
	unsigned long nr_blocks;
	unsigned long *latched;		/* one bit per zone page */
	u64 failovers;
};

static struct {
	bool enabled;			/* constant after init */
	struct mch_zone *zones;		/* indexed by zone id */
	u64 copy_bytes;

	/*
	 * 'mutex' serialises whoever writes the copies: injection, repair,
	 * scrub and the benchmark (process context only).  A zone's spinlock
	 * and 'lock' may be taken inside it, never the other way round.
	 */
	struct mutex mutex;
	/*
	 * 'lock' protects the latch list, the latched bitmaps, every
	 * zone's 'failovers' and every counter below.  Taken with irqsave:
	 * the last put of a zone page (mirror_channel_block_freed()) may come
	 * from any context.
	 */
	spinlock_t lock;
	struct list_head latches;	/* what is latched now */
	u64 injected;
	u64 reported;
	u64 overwritten;
	u64 dropped;
	u64 scrubs;
	u64 pages_scrubbed;
	u64 pages_synced;
	u64 last_scrub_us;

	unsigned int interval_ms;	/* READ_ONCE/WRITE_ONCE */
	struct delayed_work patrol;
	bool patrol_ready;
	struct kobject *kobj;		/* /sys/kernel/mm/mirror/channel */
	struct dentry *inject;
	struct dentry *bench;
} mch = {
	.mutex = __MUTEX_INITIALIZER(mch.mutex),
	.lock = __SPIN_LOCK_UNLOCKED(mch.lock),
	.latches = LIST_HEAD_INIT(mch.latches),
	.interval_ms = MCH_INTERVAL_DEFAULT,
};

/*
 * Latches on mch.latches: written under mch.lock, read without it by
 * mirror_channel_block_freed(), so that a free looks at no bitmap while
 * nothing is latched anywhere.
 */
unsigned int mirror_channel_nr_latched;

bool mirror_channel_enabled(void)
{
	return mch.enabled;
}

u64 mirror_channel_failovers(struct mirror_zone *zone)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&mch.lock, flags);
	n = mch.zones[zone->id].failovers;
	spin_unlock_irqrestore(&mch.lock, flags);
	return n;
}

u64 mirror_channel_meta_bytes(struct mirror_zone *zone)
{
	if (!mch.enabled)
		return 0;
	return BITS_TO_LONGS(zone->end_pfn - zone->start_pfn) * sizeof(long);
}

/* The mirror copy of a zone page. */
static void *mch_copy_of(struct mirror_zone *zone, unsigned long pfn)
{
	unsigned long idx = pfn - zone->start_pfn;

	return page_address(mch.zones[zone->id].copy[idx >> MCH_COPY_ORDER]) +
		(idx & ((1UL << MCH_COPY_ORDER) - 1)) * PAGE_SIZE;
}

/* The copy of a zone, block by block on the zone's own node; 0 or -ENOMEM. */
static int mch_copy_alloc(struct mirror_zone *zone, struct mch_zone *cz)
{
	unsigned long nr = zone->end_pfn - zone->start_pfn, i;

	cz->copy = kcalloc(nr >> MCH_COPY_ORDER, sizeof(*cz->copy),
			   GFP_KERNEL);
	if (!cz->copy)
		return -ENOMEM;
	for (i = 0; i < nr >> MCH_COPY_ORDER; i++) {
		cz->copy[i] = alloc_pages_node(zone->nid,
					       GFP_KERNEL | __GFP_ZERO |
					       __GFP_NOWARN, MCH_COPY_ORDER);
		if (!cz->copy[i])
			return -ENOMEM;
		cz->nr_blocks = i + 1;
	}
	return 0;
}

static void mch_copy_free(struct mch_zone *cz)
{
	unsigned long i;

	for (i = 0; cz->copy && i < cz->nr_blocks; i++)
		__free_pages(cz->copy[i], MCH_COPY_ORDER);
	kfree(cz->copy);
	cz->copy = NULL;
	cz->nr_blocks = 0;
}

/* ---- failover ------------------------------------------------------------ */

static void mch_failover_event(struct mirror_zone *zone, unsigned long pfn,
			       u64 latency_us)
{
	char ev[32], zn[16], nd[16], pf[32], lat[40];
	char *envp[] = { ev, zn, nd, pf, lat, NULL };
	struct kobject *kobj = mirror_zone_kobject(zone);

	if (!kobj)
		return;
	snprintf(ev, sizeof(ev), "MIRROR_EVENT=failover");
	snprintf(zn, sizeof(zn), "ZONE=%u", zone->id);
	snprintf(nd, sizeof(nd), "NODE=%d", zone->nid);
	snprintf(pf, sizeof(pf), "PFN=0x%lx", pfn);
	snprintf(lat, sizeof(lat), "LATENCY_US=%llu", latency_us);
	kobject_uevent_env(kobj, KOBJ_CHANGE, envp);
}

/*
 * Found: restore the corrupted word from the copy when it still holds the
 * corrupted value, then bring the page's copy in step.  The latch is off
 * the list already and 'page' referenced by the caller, so the page is
 * still its owner's.  Called with mch.mutex held; frees the latch.
 */
static void mch_repair(struct mch_latch *l)
{
	struct mirror_zone *zone = l->zone;
	void *page = kmap_local_page(pfn_to_page(l->pfn));
	u64 *word = page + l->offset;
	u64 latency_us = ktime_us_delta(ktime_get(), l->when);
	unsigned long flags;
	bool restored;

	restored = cmpxchg64(word, l->good ^ l->mask, l->good) ==
		   (l->good ^ l->mask);
	memcpy(mch_copy_of(zone, l->pfn), page, PAGE_SIZE);
	kunmap_local(page);

	spin_lock_irqsave(&mch.lock, flags);
	if (restored)
		mch.zones[zone->id].failovers++;
	else
		/* The owner rewrote the word: the write cleared the error. */
		mch.overwritten++;
	spin_unlock_irqrestore(&mch.lock, flags);
	if (restored) {
		pr_info_ratelimited("zone%u: uncorrectable error at 0x%llx (pfn 0x%lx), primary restored from the mirror copy after %llu us\n",
				    zone->id,
				    (u64)PFN_PHYS(l->pfn) + l->offset, l->pfn,
				    latency_us);
		mch_failover_event(zone, l->pfn, latency_us);
	}
	kfree(l);
}

/* Off the list, with its count and bit; mch.lock held. */
static void mch_latch_unlink(struct mch_latch *l)
{
	lockdep_assert_held(&mch.lock);
	list_del(&l->list);
	WRITE_ONCE(mirror_channel_nr_latched, mirror_channel_nr_latched - 1);
	clear_bit(l->pfn - l->zone->start_pfn, mch.zones[l->zone->id].latched);
}

/*
 * Take the next latch of 'zone' (of 'pfn' only, unless it is ULONG_MAX)
 * off the list, with a reference to its page; NULL when there is none.  A
 * page whose count is already 0 is on its way back to the zone, and its
 * latch dies there (mirror_channel_block_freed()).
 */
static struct mch_latch *mch_latch_take(struct mirror_zone *zone,
					unsigned long pfn)
{
	struct mch_latch *l;
	unsigned long flags;

	spin_lock_irqsave(&mch.lock, flags);
	list_for_each_entry(l, &mch.latches, list) {
		if (l->zone != zone || (pfn != ULONG_MAX && l->pfn != pfn))
			continue;
		if (!get_page_unless_zero(pfn_to_page(l->pfn)))
			continue;
		mch_latch_unlink(l);
		spin_unlock_irqrestore(&mch.lock, flags);
		return l;
	}
	spin_unlock_irqrestore(&mch.lock, flags);
	return NULL;
}

/* Repair what is latched in 'zone' (on 'pfn' only, unless ULONG_MAX). */
static unsigned int mch_repair_latched(struct mirror_zone *zone,
				       unsigned long pfn)
{
	struct mch_latch *l;
	unsigned int n = 0;

	lockdep_assert_held(&mch.mutex);
	while ((l = mch_latch_take(zone, pfn)) != NULL) {
		struct page *page = pfn_to_page(l->pfn);

		mch_repair(l);
		/* May be the last reference: mirror_page_free() runs then. */
		put_page(page);
		n++;
	}
	return n;
}

/* Errors latched on zone page 'pfn' die with its owner. */
static void mch_page_freed(unsigned long pfn)
{
	struct mch_latch *l, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&mch.lock, flags);
	list_for_each_entry_safe(l, tmp, &mch.latches, list) {
		if (l->pfn != pfn)
			continue;
		mch_latch_unlink(l);
		mch.dropped++;
		kfree(l);
	}
	spin_unlock_irqrestore(&mch.lock, flags);
}

void __mirror_channel_block_freed(struct mirror_zone *zone, unsigned long pfn,
				  unsigned long nr)
{
	unsigned long *latched = mch.zones[zone->id].latched, i;

	/*
	 * Only called while something is latched, so the channel is on.
	 * Unlocked look first: almost no page has a latch.
	 */
	for (i = 0; i < nr; i++)
		if (test_bit(pfn + i - zone->start_pfn, latched))
			mch_page_freed(pfn + i);
}

/* Compare one page with its copy; bring the copy in step when they differ. */
static bool mch_compare(struct mirror_zone *zone, unsigned long pfn)
{
	void *page = kmap_local_page(pfn_to_page(pfn));
	void *copy = mch_copy_of(zone, pfn);
	bool differ = memcmp(page, copy, PAGE_SIZE) != 0;

	if (differ)
		memcpy(copy, page, PAGE_SIZE);
	kunmap_local(page);
	return differ;
}

/*
 * Pages [from, to) of 'zone' that are out, compared with their copies.
 * Called with mch.mutex held; pages with a latched error are left to
 * mch_repair().
 */
static void mch_scrub_run(struct mirror_zone *zone, unsigned long from,
			  unsigned long to, u64 *scrubbed, u64 *synced)
{
	struct mch_zone *cz = &mch.zones[zone->id];
	unsigned long pfn;

	for (pfn = from; pfn < to; pfn++) {
		if (test_bit(pfn - zone->start_pfn, cz->latched))
			continue;
		(*scrubbed)++;
		if (mch_compare(zone, pfn))
			(*synced)++;
	}
}

static void mch_scrub_zone(struct mirror_zone *zone)
{
	unsigned long flags;
	u64 from = zone->start_pfn, start, end, scrubbed, synced;
	bool found;

	mutex_lock(&mch.mutex);
	mch_repair_latched(zone, ULONG_MAX);
	mutex_unlock(&mch.mutex);

	for (;;) {
		raw_spin_lock_irqsave(&zone->lock, flags);
		found = mc_zalloc_next_occupied(&zone->za, from, &start, &end);
		raw_spin_unlock_irqrestore(&zone->lock, flags);
		if (!found)
			break;
		end = min_t(u64, end, start + MCH_CHUNK);
		scrubbed = synced = 0;
		/*
		 * Pages may come back to the zone meanwhile: reading a free
		 * page and copying it costs nothing but the copy's time.
		 */
		mutex_lock(&mch.mutex);
		mch_scrub_run(zone, start, end, &scrubbed, &synced);
		mutex_unlock(&mch.mutex);
		spin_lock_irqsave(&mch.lock, flags);
		mch.pages_scrubbed += scrubbed;
		mch.pages_synced += synced;
		spin_unlock_irqrestore(&mch.lock, flags);
		from = end;
		cond_resched();
	}
}

/* One pass over every zone: repair what is latched, sync what changed. */
static void mch_scrub_all(void)
{
	ktime_t start = ktime_get();
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < mirror.nr_zones; i++)
		mch_scrub_zone(&mirror.zones[i]);
	spin_lock_irqsave(&mch.lock, flags);
	mch.scrubs++;
	mch.last_scrub_us = ktime_us_delta(ktime_get(), start);
	spin_unlock_irqrestore(&mch.lock, flags);
}

static void mch_patrol_work(struct work_struct *work)
{
	unsigned int ms;

	mch_scrub_all();
	ms = READ_ONCE(mch.interval_ms);
	if (ms)
		queue_delayed_work(system_unbound_wq, &mch.patrol,
				   msecs_to_jiffies(ms));
}

/* ---- errors from the kernel's memory-failure path ------------------------ */

/*
 * One error the kernel reports on a zone page.  A latched error on it is
 * found now and repaired.  Otherwise nothing was flipped (the kernel's
 * injectors only report): a page that is out is served from its copy,
 * which here means bringing the copy in step and counting the failover;
 * a free page holds nobody's data and is scrubbed before its next use.
 * Every such error counts as injected, so that injected = latched +
 * overwritten + failovers + dropped holds for both paths.
 */
static void mch_kernel_error(struct mirror_zone *zone, unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);
	unsigned long flags;
	bool out;

	mutex_lock(&mch.mutex);
	spin_lock_irqsave(&mch.lock, flags);
	mch.reported++;
	spin_unlock_irqrestore(&mch.lock, flags);
	if (mch_repair_latched(zone, pfn)) {
		mutex_unlock(&mch.mutex);
		return;
	}
	out = get_page_unless_zero(page);
	if (out) {
		void *addr = kmap_local_page(page);

		memcpy(mch_copy_of(zone, pfn), addr, PAGE_SIZE);
		kunmap_local(addr);
	}
	spin_lock_irqsave(&mch.lock, flags);
	mch.injected++;
	if (out)
		mch.zones[zone->id].failovers++;
	else
		mch.dropped++;
	spin_unlock_irqrestore(&mch.lock, flags);
	mutex_unlock(&mch.mutex);
	if (out) {
		pr_info_ratelimited("zone%u: uncorrectable error reported at pfn 0x%lx, served from the mirror copy\n",
				    zone->id, pfn);
		mch_failover_event(zone, pfn, 0);
		put_page(page);
	}
}

int mirror_channel_memory_failure(struct dev_pagemap *pgmap,
				  unsigned long pfn, unsigned long nr_pages,
				  int mf_flags)
{
	struct mirror_zone *zone = container_of(pgmap, struct mirror_zone,
						pgmap);
	unsigned long i;

	/*
	 * Without the emulated channel the platform mirrors, and an error
	 * it reports to the kernel is one it could not repair: nothing of
	 * ours can bring the data back.
	 */
	if (!mch.enabled) {
		pr_err("zone%u: uncorrectable error at pfn 0x%lx and no mirror copy to repair it from\n",
		       zone->id, pfn);
		return -EOPNOTSUPP;
	}
	for (i = 0; i < nr_pages; i++)
		mch_kernel_error(zone, pfn + i);
	return 0;
}

/* ---- injection ----------------------------------------------------------- */

/*
 * Corrupt the primary copy of one word of a zone page that is out: take
 * the page's copy first, flip 'mask' in the word, latch the error.  The
 * reference held meanwhile keeps the page its owner's.
 */
static int mch_inject(unsigned long pfn, unsigned int offset, u64 mask)
{
	struct mirror_zone *zone = mirror_zone_of_pfn(pfn);
	struct mch_zone *cz;
	struct mch_latch *l;
	unsigned long flags;
	struct page *page;
	void *addr;
	u64 *word, old;
	int ret = 0;

	if (!zone)
		return -ERANGE;
	if (!mask || offset >= PAGE_SIZE || offset % sizeof(u64))
		return -EINVAL;
	cz = &mch.zones[zone->id];
	page = pfn_to_page(pfn);
	/* A free page holds nobody's data: an error there is refused. */
	if (!get_page_unless_zero(page))
		return -ENOENT;
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l) {
		put_page(page);
		return -ENOMEM;
	}

	mutex_lock(&mch.mutex);
	if (test_bit(pfn - zone->start_pfn, cz->latched)) {
		ret = -EBUSY;
		goto out;
	}
	addr = kmap_local_page(page);
	memcpy(mch_copy_of(zone, pfn), addr, PAGE_SIZE);
	word = addr + offset;
	do {
		old = READ_ONCE(*word);
	} while (cmpxchg64(word, old, old ^ mask) != old);
	kunmap_local(addr);
	/* The copy holds the word as it was when the error struck. */
	*(u64 *)(mch_copy_of(zone, pfn) + offset) = old;

	l->zone = zone;
	l->pfn = pfn;
	l->offset = offset;
	l->mask = mask;
	l->good = old;
	l->when = ktime_get();
	spin_lock_irqsave(&mch.lock, flags);
	list_add_tail(&l->list, &mch.latches);
	WRITE_ONCE(mirror_channel_nr_latched, mirror_channel_nr_latched + 1);
	set_bit(pfn - zone->start_pfn, cz->latched);
	mch.injected++;
	spin_unlock_irqrestore(&mch.lock, flags);
	l = NULL;
	pr_debug("zone%u: error injected at pfn 0x%lx offset %u mask 0x%llx\n",
		 zone->id, pfn, offset, mask);
out:
	mutex_unlock(&mch.mutex);
	kfree(l);
	/* May be the last reference: the latch then dies at once. */
	put_page(page);
	return ret;
}

/* "pfn=0xPFN [offset=BYTES] [mask=BITS]" */
static ssize_t mch_inject_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char cmd[128], *p, *word;
	unsigned long pfn = 0;
	unsigned int offset = 0;
	u64 mask = 1;
	bool have_pfn = false;
	int ret = 0;

	p = mirror_cmd_copy(cmd, sizeof(cmd), ubuf, count);
	if (IS_ERR(p))
		return PTR_ERR(p);
	while ((word = strsep(&p, " \t")) != NULL) {
		if (!*word)
			continue;
		if (!strncmp(word, "pfn=", 4)) {
			ret = kstrtoul(word + 4, 0, &pfn);
			have_pfn = true;
		} else if (!strncmp(word, "offset=", 7)) {
			ret = kstrtouint(word + 7, 0, &offset);
		} else if (!strncmp(word, "mask=", 5)) {
			ret = kstrtou64(word + 5, 0, &mask);
		} else {
			ret = -EINVAL;
		}
		if (ret)
			return -EINVAL;
	}
	if (!have_pfn)
		return -EINVAL;
	ret = mch_inject(pfn, offset, mask);
	return ret ? ret : count;
}

/* The latched errors, "0xPFN offset=O mask=0xM age_us=U" per line. */
static int mch_inject_show(struct seq_file *m, void *v)
{
	struct mch_latch *l;
	ktime_t now = ktime_get();

	unsigned long flags;

	/* seq_printf() into the seq buffer does not sleep. */
	spin_lock_irqsave(&mch.lock, flags);
	list_for_each_entry(l, &mch.latches, list)
		seq_printf(m, "0x%lx offset=%u mask=0x%llx age_us=%lld\n",
			   l->pfn, l->offset, l->mask,
			   ktime_us_delta(now, l->when));
	spin_unlock_irqrestore(&mch.lock, flags);
	return 0;
}

static int mch_inject_open(struct inode *inode, struct file *file)
{
	return single_open(file, mch_inject_show, NULL);
}

static const struct file_operations mch_inject_fops = {
	.owner = THIS_MODULE,
	.open = mch_inject_open,
	.read = seq_read,
	.write = mch_inject_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* ---- benchmark: the scrub against a plain memcmp of the two copies ------- */

/*
 * ns for one pass over 'n' pages from 'pfn': the scrub's loop, or a plain
 * memcmp of each page with its copy.  'differ' counts pages that differed
 * (the benchmark's own counts, not the channel's).
 */
static u64 mch_time_pass(struct mirror_zone *zone, unsigned long pfn,
			 unsigned long n, bool scrub, u64 *differ)
{
	u64 start = ktime_get_ns(), scrubbed = 0;
	unsigned long i;

	if (scrub) {
		mch_scrub_run(zone, pfn, pfn + n, &scrubbed, differ);
	} else {
		for (i = 0; i < n; i++)
			if (memcmp(page_address(pfn_to_page(pfn + i)),
				   mch_copy_of(zone, pfn + i), PAGE_SIZE))
				(*differ)++;
	}
	return ktime_get_ns() - start;
}

/*
 * The first claimed pageblocks of zone 0, up to MCH_BENCH_PAGES pages,
 * synced first so that both loops read every byte of both copies.
 */
static int mch_bench_show(struct seq_file *m, void *v)
{
	struct mirror_zone *zone;
	unsigned long pfn, n, i;
	u64 scrub = U64_MAX, plain = U64_MAX, r100;
	u64 differ_scrub = 0, differ_plain = 0;
	unsigned int round;

	if (!mirror.nr_zones)
		return -ENODEV;
	zone = &mirror.zones[0];
	pfn = zone->start_pfn;
	n = min_t(unsigned long, MCH_BENCH_PAGES, zone->end_pfn - pfn);

	mutex_lock(&mch.mutex);
	for (i = 0; i < n; i++)
		memcpy(mch_copy_of(zone, pfn + i),
		       page_address(pfn_to_page(pfn + i)), PAGE_SIZE);
	/* Interleaved rounds, so that host noise hits both alike. */
	for (round = 0; round < 5; round++) {
		scrub = min(scrub,
			    mch_time_pass(zone, pfn, n, true, &differ_scrub));
		plain = min(plain,
			    mch_time_pass(zone, pfn, n, false, &differ_plain));
		cond_resched();
	}
	mutex_unlock(&mch.mutex);

	/* ratio: memcmp time over scrub time, 1.00 when the scrub is as fast. */
	r100 = scrub ? div64_u64(plain * 100, scrub) : 0;
	seq_printf(m, "pages=%lu scrub_ns=%llu memcmp_ns=%llu scrub_mb_s=%llu memcmp_mb_s=%llu ratio=%llu.%02llu differ=%llu\n",
		   n, scrub, plain,
		   scrub ? div64_u64((u64)n * PAGE_SIZE * 1000, scrub) : 0,
		   plain ? div64_u64((u64)n * PAGE_SIZE * 1000, plain) : 0,
		   div_u64(r100, 100), r100 % 100,
		   differ_scrub + differ_plain);
	return 0;
}

static int mch_bench_open(struct inode *inode, struct file *file)
{
	return single_open(file, mch_bench_show, NULL);
}

static const struct file_operations mch_bench_fops = {
	.owner = THIS_MODULE,
	.open = mch_bench_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/* ---- sysfs: /sys/kernel/mm/mirror/channel/ ------------------------------- */

#define MCH_COUNTER_ATTR(name)						\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	unsigned long flags;						\
	u64 val;							\
									\
	spin_lock_irqsave(&mch.lock, flags);				\
	val = mch.name;							\
	spin_unlock_irqrestore(&mch.lock, flags);			\
	return sysfs_emit(buf, "%llu\n", val);				\
}									\
static struct kobj_attribute mch_attr_##name = __ATTR_RO(name)

MCH_COUNTER_ATTR(injected);
MCH_COUNTER_ATTR(reported);
MCH_COUNTER_ATTR(overwritten);
MCH_COUNTER_ATTR(dropped);
MCH_COUNTER_ATTR(scrubs);
MCH_COUNTER_ATTR(pages_scrubbed);
MCH_COUNTER_ATTR(pages_synced);
MCH_COUNTER_ATTR(last_scrub_us);

/* Errors latched now. */
static ssize_t latched_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(mirror_channel_nr_latched));
}
static struct kobj_attribute mch_attr_latched = __ATTR_RO(latched);

/* All zones' failovers: their sum, read in one hold of the lock. */
static ssize_t failovers_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	unsigned long flags;
	unsigned int i;
	u64 n = 0;

	spin_lock_irqsave(&mch.lock, flags);
	for (i = 0; i < mirror.nr_zones; i++)
		n += mch.zones[i].failovers;
	spin_unlock_irqrestore(&mch.lock, flags);
	return sysfs_emit(buf, "%llu\n", n);
}
static struct kobj_attribute mch_attr_failovers = __ATTR_RO(failovers);

static ssize_t copy_bytes_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", mch.copy_bytes);
}
static struct kobj_attribute mch_attr_copy_bytes = __ATTR_RO(copy_bytes);

static ssize_t scrub_interval_ms_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(mch.interval_ms));
}

/* 0 (no patrol) or MCH_INTERVAL_MIN..MAX, decimal, one optional newline. */
static ssize_t scrub_interval_ms_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	unsigned int ms;

	/* No leading zero ("00", "05"); "0" with its newline is fine. */
	if (!count || (count > 1 && buf[0] == '0' && buf[1] != '\n') ||
	    buf[0] == '+' || kstrtouint(buf, 10, &ms))
		return -EINVAL;
	if (ms && (ms < MCH_INTERVAL_MIN || ms > MCH_INTERVAL_MAX))
		return -EINVAL;
	WRITE_ONCE(mch.interval_ms, ms);
	if (ms)
		mod_delayed_work(system_unbound_wq, &mch.patrol,
				 msecs_to_jiffies(ms));
	else
		cancel_delayed_work_sync(&mch.patrol);
	return count;
}
static struct kobj_attribute mch_attr_scrub_interval_ms =
	__ATTR_RW(scrub_interval_ms);

/* Write "1": one full pass now; the write returns when it is done. */
static ssize_t scrub_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	if (!mirror_is_trigger(buf, count))
		return -EINVAL;
	mch_scrub_all();
	return count;
}
static struct kobj_attribute mch_attr_scrub = __ATTR_WO(scrub);

static struct attribute *mch_attrs[] = {
	&mch_attr_copy_bytes.attr,
	&mch_attr_injected.attr,
	&mch_attr_reported.attr,
	&mch_attr_latched.attr,
	&mch_attr_overwritten.attr,
	&mch_attr_dropped.attr,
	&mch_attr_failovers.attr,
	&mch_attr_scrubs.attr,
	&mch_attr_pages_scrubbed.attr,
	&mch_attr_pages_synced.attr,
	&mch_attr_last_scrub_us.attr,
	&mch_attr_scrub_interval_ms.attr,
	&mch_attr_scrub.attr,
	NULL,
};

static const struct attribute_group mch_group = {
	.attrs = mch_attrs,
};

/* ---- load and unload ----------------------------------------------------- */

/*
 * Once the zones exist: a copy and a latch bitmap per zone.  Without the
 * memory for them the channel stays off (one log line) and the load goes
 * on: the zones work without failover.
 */
int mirror_channel_init(void)
{
	unsigned int i;

	if (mirror.mode != MIRROR_MODE_EMULATION || !channel ||
	    !mirror.nr_zones)
		return 0;
	mch.zones = kcalloc(mirror.nr_zones, sizeof(*mch.zones), GFP_KERNEL);
	if (!mch.zones)
		return -ENOMEM;
	for (i = 0; i < mirror.nr_zones; i++) {
		struct mirror_zone *zone = &mirror.zones[i];
		unsigned long nr = zone->end_pfn - zone->start_pfn;
		struct mch_zone *cz = &mch.zones[i];

		/*
		 * On the zone's own node, as a real mirror's second copy is:
		 * the cost falls on each node in proportion, not all on the
		 * node that loads the module.
		 */
		/* vmalloc-backed: a zone of any size has its bitmap. */
		cz->latched = kvzalloc(BITS_TO_LONGS(nr) * sizeof(long),
				       GFP_KERNEL);
		if (mch_copy_alloc(zone, cz) || !cz->latched) {
			pr_warn("channel: no memory for the mirror copy of zone%u (%lu MiB): failover emulation off\n",
				i, nr >> (20 - PAGE_SHIFT));
			mirror_channel_exit();
			return 0;
		}
		mch.copy_bytes += (u64)nr * PAGE_SIZE;
	}
	mch.enabled = true;
	return 0;
}

/* After sysfs and debugfs: the channel/ directory, the injector, patrol. */
int mirror_channel_setup(void)
{
	int ret;

	if (!mch.enabled)
		return 0;
	mch.kobj = kobject_create_and_add("channel", mirror.root);
	if (!mch.kobj)
		return -ENOMEM;
	ret = sysfs_create_group(mch.kobj, &mch_group);
	if (ret)
		return ret;
	if (mirror.debugfs) {
		mch.inject = debugfs_create_file("inject", 0600,
						 mirror.debugfs, NULL,
						 &mch_inject_fops);
		mch.bench = debugfs_create_file("scrub_bench", 0400,
						mirror.debugfs, NULL,
						&mch_bench_fops);
	}
	INIT_DELAYED_WORK(&mch.patrol, mch_patrol_work);
	mch.patrol_ready = true;
	if (mch.interval_ms)
		queue_delayed_work(system_unbound_wq, &mch.patrol,
				   msecs_to_jiffies(mch.interval_ms));
	pr_info("channel: mirror copies of %u zones (%llu MiB), patrol scrub every %u ms\n",
		mirror.nr_zones, mch.copy_bytes >> 20, mch.interval_ms);
	return 0;
}

/*
 * The files first (their removal waits for writers, so nothing can start
 * the patrol again), then the patrol, then the copies.  No page is out at
 * unload, nor when the load fails: every latch died with its page, and
 * what could still be listed is dropped.
 */
void mirror_channel_exit(void)
{
	struct mch_latch *l, *tmp;
	unsigned int i;

	debugfs_remove(mch.inject);
	debugfs_remove(mch.bench);
	mch.inject = mch.bench = NULL;
	kobject_put(mch.kobj);
	mch.kobj = NULL;
	if (mch.patrol_ready) {
		WRITE_ONCE(mch.interval_ms, 0);
		cancel_delayed_work_sync(&mch.patrol);
		mch.patrol_ready = false;
	}

	list_for_each_entry_safe(l, tmp, &mch.latches, list) {
		list_del(&l->list);
		kfree(l);
	}
	WRITE_ONCE(mirror_channel_nr_latched, 0);

	for (i = 0; mch.zones && i < mirror.nr_zones; i++) {
		mch_copy_free(&mch.zones[i]);
		kvfree(mch.zones[i].latched);
	}
	kfree(mch.zones);
	mch.zones = NULL;
	mch.enabled = false;
	mch.copy_bytes = 0;
}
