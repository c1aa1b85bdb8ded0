// SPDX-License-Identifier: GPL-2.0
/*
 * mirror_sysfs.c - what mirror.ko shows to userspace: the sysfs tree under
 * /sys/kernel/mm/mirror/, the zones' uevents and the debugfs files.
 * kernel-module/ABI.md describes every file; keep the two in step.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/mm.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mirror_internal.h"
#include "mirror_fill.h"

#ifndef MIRROR_VERSION
#define MIRROR_VERSION "unknown"
#endif

/*
 * A kobject that leads back to a zone or a node.  Allocated on its own so
 * that its lifetime is the kobject's (release frees it).
 */
struct mirror_zone_kobj {
	struct kobject kobj;
	struct mirror_zone *zone;
};

struct mirror_node_kobj {
	struct kobject kobj;
	struct mirror_node *node;
};

static struct mirror_zone *kobj_zone(struct kobject *kobj)
{
	return container_of(kobj, struct mirror_zone_kobj, kobj)->zone;
}

static struct mirror_node *kobj_node(struct kobject *kobj)
{
	return container_of(kobj, struct mirror_node_kobj, kobj)->node;
}

bool mirror_is_trigger(const char *buf, size_t count)
{
	return (count == 1 && buf[0] == '1') ||
	       (count == 2 && buf[0] == '1' && buf[1] == '\n');
}

/*
 * Strict booleans: exactly 0 1 N Y n y off on, with at most one trailing
 * newline.  (kstrtobool() looks only at the first characters.)
 */
static int mirror_parse_bool(const char *buf, size_t count, bool *val)
{
	static const struct {
		const char *text;
		bool val;
	} words[] = {
		{ "0", false }, { "1", true }, { "N", false }, { "Y", true },
		{ "n", false }, { "y", true }, { "off", false }, { "on", true },
	};
	unsigned int i;

	if (count && buf[count - 1] == '\n')
		count--;
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (strlen(words[i].text) == count &&
		    !memcmp(words[i].text, buf, count)) {
			*val = words[i].val;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- top level ----------------------------------------------------------- */

static ssize_t abi_version_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", MIRROR_ABI_VERSION);
}

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", MIRROR_VERSION);
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", mirror.mode == MIRROR_MODE_EMULATION ?
			  "emulation" : "firmware");
}

static ssize_t nr_zones_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", mirror.nr_zones);
}

static ssize_t bad_frees_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%llu\n", mirror_bad_frees());
}

static ssize_t ordinary_pages_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	unsigned long flags;
	u64 pages;

	xa_lock_irqsave(&mirror.ordinary, flags);
	pages = mirror.ordinary_pages;
	xa_unlock_irqrestore(&mirror.ordinary, flags);
	return sysfs_emit(buf, "%llu\n", pages);
}

static struct kobj_attribute mirror_attr_abi_version = __ATTR_RO(abi_version);
static struct kobj_attribute mirror_attr_version = __ATTR_RO(version);
static struct kobj_attribute mirror_attr_mode = __ATTR_RO(mode);
static struct kobj_attribute mirror_attr_nr_zones = __ATTR_RO(nr_zones);
static struct kobj_attribute mirror_attr_bad_frees = __ATTR_RO(bad_frees);
static struct kobj_attribute mirror_attr_ordinary_pages =
	__ATTR_RO(ordinary_pages);

static struct attribute *mirror_root_attrs[] = {
	&mirror_attr_abi_version.attr,
	&mirror_attr_version.attr,
	&mirror_attr_mode.attr,
	&mirror_attr_nr_zones.attr,
	&mirror_attr_bad_frees.attr,
	&mirror_attr_ordinary_pages.attr,
	NULL,
};

/*
 * layout: every zone's number, node, start and size on a line of its own,
 * as in the zone's node, start and size files, so that a reader learns the
 * whole layout in one open() instead of three per zone.  The zones do not
 * change between load and unload: the text is written once by
 * mirror_sysfs_init() and freed by mirror_sysfs_exit(), after the file is
 * gone, so a read needs no lock.
 */
static char *mirror_layout_text;

static ssize_t layout_read(struct file *file, struct kobject *kobj,
			   struct bin_attribute *attr, char *buf, loff_t off,
			   size_t count)
{
	return memory_read_from_buffer(buf, count, &off, mirror_layout_text,
				       attr->size);
}

/* Sized by mirror_layout_build() before the file is created. */
static struct bin_attribute mirror_attr_layout = {
	.attr = { .name = "layout", .mode = 0444 },
	.read = layout_read,
};

static struct bin_attribute *mirror_root_bin_attrs[] = {
	&mirror_attr_layout,
	NULL,
};

static const struct attribute_group mirror_root_group = {
	.attrs = mirror_root_attrs,
	.bin_attrs = mirror_root_bin_attrs,
};

/* "N NODE 0xSTART SIZE\n": at most 10 + 1 + 11 + 1 + 18 + 1 + 20 + 1. */
#define MIRROR_LAYOUT_LINE	64

static int mirror_layout_build(void)
{
	size_t room = (size_t)max(mirror.nr_zones, 1U) * MIRROR_LAYOUT_LINE;
	size_t len = 0;
	unsigned int i;

	mirror_layout_text = kvmalloc(room, GFP_KERNEL | __GFP_NOWARN);
	if (!mirror_layout_text)
		return -ENOMEM;
	for (i = 0; i < mirror.nr_zones; i++) {
		const struct mirror_zone *zone = &mirror.zones[i];

		len += scnprintf(mirror_layout_text + len, room - len,
				 "%u %d 0x%llx %llu\n", zone->id, zone->nid,
				 (u64)PFN_PHYS(zone->start_pfn),
				 (u64)PFN_PHYS(zone->end_pfn -
					       zone->start_pfn));
	}
	mirror_attr_layout.size = len;
	return 0;
}

/* ---- policy/ ------------------------------------------------------------- */

static ssize_t default_mirror_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(mirror.default_mirror));
}

static ssize_t default_mirror_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	bool val;

	if (mirror_parse_bool(buf, count, &val))
		return -EINVAL;
	WRITE_ONCE(mirror.default_mirror, val);
	return count;
}

static ssize_t fallback_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(mirror.fallback));
}

static ssize_t fallback_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t count)
{
	bool val;

	if (mirror_parse_bool(buf, count, &val))
		return -EINVAL;
	WRITE_ONCE(mirror.fallback, val);
	return count;
}

static struct kobj_attribute mirror_attr_default_mirror =
	__ATTR_RW(default_mirror);
static struct kobj_attribute mirror_attr_fallback = __ATTR_RW(fallback);

static struct attribute *mirror_policy_attrs[] = {
	&mirror_attr_default_mirror.attr,
	&mirror_attr_fallback.attr,
	NULL,
};

static const struct attribute_group mirror_policy_group = {
	.name = "policy",
	.attrs = mirror_policy_attrs,
};

/* ---- zones/zoneN/ -------------------------------------------------------- */

/* The zone's allocator counters, read together under its lock. */
static void mirror_zone_snapshot(struct mirror_zone *zone,
				 struct mc_zalloc_stats *st, u64 *bad_frees,
				 bool *exhausted)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&zone->lock, flags);
	*st = zone->za.stats;
	/* Pages in the per-CPU caches are free for everyone but the core. */
	mirror_zone_counts(zone, &st->free, &st->used);
	if (bad_frees)
		*bad_frees = zone->bad_frees;
	if (exhausted)
		*exhausted = zone->exhausted;
	raw_spin_unlock_irqrestore(&zone->lock, flags);
}

enum mirror_zone_field {
	MZ_PRESENT, MZ_FREE, MZ_USED, MZ_ALLOC_FAILURES, MZ_BAD_FREES,
	MZ_EXHAUSTED,
};

static ssize_t mirror_zone_stat_show(struct kobject *kobj, char *buf,
				     enum mirror_zone_field field)
{
	struct mc_zalloc_stats st;
	bool exhausted;
	u64 bad, val = 0;

	mirror_zone_snapshot(kobj_zone(kobj), &st, &bad, &exhausted);
	switch (field) {
	case MZ_PRESENT:
		val = st.present;
		break;
	case MZ_FREE:
		val = st.free;
		break;
	case MZ_USED:
		val = st.used;
		break;
	case MZ_ALLOC_FAILURES:
		val = st.alloc_failures;
		break;
	case MZ_BAD_FREES:
		val = bad;
		break;
	case MZ_EXHAUSTED:
		val = exhausted;
		break;
	}
	return sysfs_emit(buf, "%llu\n", val);
}

#define MIRROR_ZONE_STAT(name, field)					\
static ssize_t zone_##name##_show(struct kobject *kobj,		\
				  struct kobj_attribute *attr, char *buf) \
{									\
	return mirror_zone_stat_show(kobj, buf, field);			\
}									\
static struct kobj_attribute zone_attr_##name =				\
	__ATTR(name, 0444, zone_##name##_show, NULL)

MIRROR_ZONE_STAT(pages_present, MZ_PRESENT);
MIRROR_ZONE_STAT(pages_free, MZ_FREE);
MIRROR_ZONE_STAT(pages_used, MZ_USED);
MIRROR_ZONE_STAT(alloc_failures, MZ_ALLOC_FAILURES);
MIRROR_ZONE_STAT(bad_frees, MZ_BAD_FREES);
MIRROR_ZONE_STAT(exhausted, MZ_EXHAUSTED);

static ssize_t zone_node_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", kobj_zone(kobj)->nid);
}

static ssize_t zone_start_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%llx\n",
			  (u64)PFN_PHYS(kobj_zone(kobj)->start_pfn));
}

static ssize_t zone_size_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	struct mirror_zone *zone = kobj_zone(kobj);

	return sysfs_emit(buf, "%llu\n",
			  (u64)PFN_PHYS(zone->end_pfn - zone->start_pfn));
}

static ssize_t zone_pages_requested_show(struct kobject *kobj,
					 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", kobj_zone(kobj)->pages_requested);
}

static ssize_t zone_blocks_unclaimed_show(struct kobject *kobj,
					  struct kobj_attribute *attr,
					  char *buf)
{
	/* A zone is claimed whole or not at all (ABI 2). */
	return sysfs_emit(buf, "0\n");
}

static ssize_t zone_allocs_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", MIRROR_ZONE_SUM(kobj_zone(kobj),
							 allocs));
}

static ssize_t zone_frees_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", MIRROR_ZONE_SUM(kobj_zone(kobj),
							 frees));
}

/*
 * stat: every counter of the zone on one line, as /sys/block/X/stat, so
 * that a monitor reads a zone in one read(): pages_present pages_free
 * pages_used allocs frees alloc_failures bad_frees exhausted, and
 * failovers where the zone counts them (ABI.md).  The page counts come
 * from one lock round, the per-CPU sums just after.
 */
static ssize_t zone_stat_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct mirror_zone *zone = kobj_zone(kobj);
	struct mc_zalloc_stats st;
	bool exhausted;
	u64 bad;
	int len;

	mirror_zone_snapshot(zone, &st, &bad, &exhausted);
	len = sysfs_emit(buf, "%llu %llu %llu %llu %llu %llu %llu %u",
			 st.present, st.free, st.used,
			 MIRROR_ZONE_SUM(zone, allocs),
			 MIRROR_ZONE_SUM(zone, frees), st.alloc_failures,
			 bad, exhausted);
	if (mirror_channel_enabled())
		len += sysfs_emit_at(buf, len, " %llu",
				     mirror_channel_failovers(zone));
	return len + sysfs_emit_at(buf, len, "\n");
}

static ssize_t zone_free_blocks_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	struct mc_zalloc_stats st;
	unsigned int o;
	int len = 0;

	/* The zone allocator's own blocks: cached ones go back first. */
	mirror_zone_drain(kobj_zone(kobj));
	mirror_zone_snapshot(kobj_zone(kobj), &st, NULL, NULL);
	for (o = 0; o < MC_NR_ORDERS; o++)
		len += sysfs_emit_at(buf, len, "%llu%c", st.free_blocks[o],
				     o == MC_MAX_ORDER ? '\n' : ' ');
	return len;
}

/* Only with the emulated mirror channel (see mirror_zone_visible()). */
static ssize_t zone_failovers_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  mirror_channel_failovers(kobj_zone(kobj)));
}

static struct kobj_attribute zone_attr_failovers =
	__ATTR(failovers, 0444, zone_failovers_show, NULL);
static struct kobj_attribute zone_attr_node =
	__ATTR(node, 0444, zone_node_show, NULL);
static struct kobj_attribute zone_attr_start =
	__ATTR(start, 0444, zone_start_show, NULL);
static struct kobj_attribute zone_attr_size =
	__ATTR(size, 0444, zone_size_show, NULL);
static struct kobj_attribute zone_attr_pages_requested =
	__ATTR(pages_requested, 0444, zone_pages_requested_show, NULL);
static struct kobj_attribute zone_attr_blocks_unclaimed =
	__ATTR(blocks_unclaimed, 0444, zone_blocks_unclaimed_show, NULL);
static struct kobj_attribute zone_attr_allocs =
	__ATTR(allocs, 0444, zone_allocs_show, NULL);
static struct kobj_attribute zone_attr_frees =
	__ATTR(frees, 0444, zone_frees_show, NULL);
static struct kobj_attribute zone_attr_stat =
	__ATTR(stat, 0444, zone_stat_show, NULL);
static struct kobj_attribute zone_attr_free_blocks =
	__ATTR(free_blocks, 0444, zone_free_blocks_show, NULL);

/*
 * occupied: one "0xSTART-0xEND" line per run of pages that are out.  A
 * binary attribute because a fragmented zone has more runs than a page
 * holds.  The zone lock (interrupts off) is held for at most
 * OCCUPIED_RUNS_PER_HOLD runs at a time, and a read goes on where the last
 * one stopped (zone->occ_resume) instead of walking from the zone's start:
 * reading the whole file costs one walk, however large the zone.  A read
 * returns whole lines (fewer bytes than asked rather than half a line,
 * unless the reader's buffer is smaller than one line), so that runs
 * changing between two reads never tear a line; the text is not a
 * snapshot of the zone.
 */
#define OCCUPIED_RUNS_PER_HOLD	64

struct occupied_walk {
	loff_t pos;		/* byte of the text where the next line starts */
	u64 from;		/* pfn its run is searched from */
	loff_t off;		/* what the reader asked for */
	char *buf;
	size_t count, done;
	bool stop;		/* the reader's buffer is full, or no more runs */
};

/* Copy 'line' (n bytes, at w->pos of the text) as far as the reader wants it. */
static bool occupied_emit(struct occupied_walk *w, const char *line, int n)
{
	size_t skip = w->off > w->pos ? w->off - w->pos : 0;
	size_t want = n - skip, room = w->count - w->done;

	if (w->pos + n <= w->off)
		return true;			/* before the window */
	if (want > room) {
		w->stop = true;
		if (w->done)
			return false;		/* the line waits for the next read */
		want = room;			/* a buffer smaller than a line */
	}
	memcpy(w->buf + w->done, line + skip, want);
	w->done += want;
	return !w->stop;
}

/*
 * One hold of the zone lock: up to OCCUPIED_RUNS_PER_HOLD runs.  Not
 * inlined, so that its duration (the longest time the lock is held) can be
 * measured from outside with the function_graph tracer.
 */
static noinline void occupied_step(struct mirror_zone *zone,
				   struct occupied_walk *w)
{
	unsigned long flags;
	unsigned int runs;
	u64 start, end;
	char line[48];

	raw_spin_lock_irqsave(&zone->lock, flags);
	for (runs = 0; runs < OCCUPIED_RUNS_PER_HOLD && !w->stop; runs++) {
		int n;

		if (!mc_zalloc_next_occupied(&zone->za, w->from, &start,
					     &end)) {
			w->stop = true;
			break;
		}
		n = scnprintf(line, sizeof(line), "0x%llx-0x%llx\n",
			      start, end);
		if (!occupied_emit(w, line, n))
			break;
		w->pos += n;
		w->from = end;
	}
	zone->occ_resume.pos = w->pos;
	zone->occ_resume.pfn = w->from;
	raw_spin_unlock_irqrestore(&zone->lock, flags);
}

static ssize_t zone_occupied_read(struct file *file, struct kobject *kobj,
				  struct bin_attribute *attr, char *buf,
				  loff_t off, size_t count)
{
	struct mirror_zone *zone = kobj_zone(kobj);
	struct occupied_walk w = {
		.from = zone->start_pfn,
		.off = off,
		.buf = buf,
		.count = count,
	};
	unsigned long flags;

	if (!off) {
		/* Cached pages are free: in the zone again before the walk. */
		mirror_zone_drain(zone);
	} else {
		/* Go on from the last read when it stopped at or before 'off'. */
		raw_spin_lock_irqsave(&zone->lock, flags);
		if (zone->occ_resume.pos && zone->occ_resume.pos <= off) {
			w.pos = zone->occ_resume.pos;
			w.from = zone->occ_resume.pfn;
		}
		raw_spin_unlock_irqrestore(&zone->lock, flags);
	}
	while (!w.stop) {
		occupied_step(zone, &w);
		cond_resched();
	}
	return w.done;
}

/* Which physical pages are in use is root's, as /proc/iomem's addresses are. */
static struct bin_attribute zone_attr_occupied = {
	.attr = { .name = "occupied", .mode = 0400 },
	.read = zone_occupied_read,
};

static struct attribute *mirror_zone_attrs[] = {
	&zone_attr_node.attr,
	&zone_attr_start.attr,
	&zone_attr_size.attr,
	&zone_attr_pages_requested.attr,
	&zone_attr_pages_present.attr,
	&zone_attr_blocks_unclaimed.attr,
	&zone_attr_pages_free.attr,
	&zone_attr_pages_used.attr,
	&zone_attr_allocs.attr,
	&zone_attr_frees.attr,
	&zone_attr_alloc_failures.attr,
	&zone_attr_bad_frees.attr,
	&zone_attr_exhausted.attr,
	&zone_attr_free_blocks.attr,
	&zone_attr_stat.attr,
	&zone_attr_failovers.attr,
	NULL,
};

/*
 * failovers exists only where mirror.ko counts them (the emulated
 * channel); elsewhere the platform fails over unseen and the tools show
 * the count as unknown rather than 0.
 */
static umode_t mirror_zone_visible(struct kobject *kobj, struct attribute *a,
				   int n)
{
	if (a == &zone_attr_failovers.attr && !mirror_channel_enabled())
		return 0;
	return a->mode;
}

static struct bin_attribute *mirror_zone_bin_attrs[] = {
	&zone_attr_occupied,
	NULL,
};

static const struct attribute_group mirror_zone_group = {
	.attrs = mirror_zone_attrs,
	.is_visible = mirror_zone_visible,
	.bin_attrs = mirror_zone_bin_attrs,
};

static const struct attribute_group *mirror_zone_groups[] = {
	&mirror_zone_group,
	NULL,
};

static void mirror_zone_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct mirror_zone_kobj, kobj));
}

static struct kobj_type mirror_zone_ktype = {
	.release = mirror_zone_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = mirror_zone_groups,
};

static const char *mirror_zones_uevent_name(struct kobject *kobj)
{
	return "mirror";
}

static const struct kset_uevent_ops mirror_zones_uevent_ops = {
	.name = mirror_zones_uevent_name,
};

/* ---- nodes/nodeN/ -------------------------------------------------------- */

enum mirror_node_field {
	MN_TOTAL, MN_FREE, MN_USED,
};

/* Page counts of a node's zones, each zone read in one lock round. */
static void mirror_node_pages(struct mirror_node *node, u64 sum[3])
{
	struct mc_zalloc_stats st;
	unsigned int i;

	sum[MN_TOTAL] = sum[MN_FREE] = sum[MN_USED] = 0;
	for (i = 0; i < mirror.nr_zones; i++) {
		if (mirror.zones[i].nid != node->nid)
			continue;
		mirror_zone_snapshot(&mirror.zones[i], &st, NULL, NULL);
		sum[MN_TOTAL] += st.present;
		sum[MN_FREE] += st.free;
		sum[MN_USED] += st.used;
	}
}

static ssize_t mirror_node_pages_show(struct kobject *kobj, char *buf,
				      enum mirror_node_field field)
{
	u64 sum[3];

	mirror_node_pages(kobj_node(kobj), sum);
	return sysfs_emit(buf, "%llu\n", sum[field]);
}

/*
 * stat: the node's counters on one line, in the order of its files:
 * pages_total pages_free pages_used allocs_local allocs_remote
 * fallback_exhausted fallback_constraint failed allocs_ordinary.
 */
static ssize_t node_stat_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct mirror_node *node = kobj_node(kobj);
	u64 sum[3];

	mirror_node_pages(node, sum);
	return sysfs_emit(buf, "%llu %llu %llu %llu %llu %llu %llu %llu %llu\n",
			  sum[MN_TOTAL], sum[MN_FREE], sum[MN_USED],
			  MIRROR_NODE_SUM(node, allocs_local),
			  MIRROR_NODE_SUM(node, allocs_remote),
			  MIRROR_NODE_SUM(node, fallback_exhausted),
			  MIRROR_NODE_SUM(node, fallback_constraint),
			  MIRROR_NODE_SUM(node, failed),
			  MIRROR_NODE_SUM(node, allocs_ordinary));
}

static struct kobj_attribute node_attr_stat =
	__ATTR(stat, 0444, node_stat_show, NULL);

#define MIRROR_NODE_PAGES(name, field)					\
static ssize_t node_##name##_show(struct kobject *kobj,		\
				  struct kobj_attribute *attr, char *buf) \
{									\
	return mirror_node_pages_show(kobj, buf, field);		\
}									\
static struct kobj_attribute node_attr_##name =				\
	__ATTR(name, 0444, node_##name##_show, NULL)

#define MIRROR_NODE_COUNTER(name)					\
static ssize_t node_##name##_show(struct kobject *kobj,		\
				  struct kobj_attribute *attr, char *buf) \
{									\
	return sysfs_emit(buf, "%llu\n",				\
			  MIRROR_NODE_SUM(kobj_node(kobj), name));	\
}									\
static struct kobj_attribute node_attr_##name =				\
	__ATTR(name, 0444, node_##name##_show, NULL)

MIRROR_NODE_PAGES(pages_total, MN_TOTAL);
MIRROR_NODE_PAGES(pages_free, MN_FREE);
MIRROR_NODE_PAGES(pages_used, MN_USED);
MIRROR_NODE_COUNTER(allocs_local);
MIRROR_NODE_COUNTER(allocs_remote);
MIRROR_NODE_COUNTER(fallback_exhausted);
MIRROR_NODE_COUNTER(fallback_constraint);
MIRROR_NODE_COUNTER(failed);
MIRROR_NODE_COUNTER(allocs_ordinary);

static struct attribute *mirror_node_attrs[] = {
	&node_attr_pages_total.attr,
	&node_attr_pages_free.attr,
	&node_attr_pages_used.attr,
	&node_attr_allocs_local.attr,
	&node_attr_allocs_remote.attr,
	&node_attr_fallback_exhausted.attr,
	&node_attr_fallback_constraint.attr,
	&node_attr_failed.attr,
	&node_attr_allocs_ordinary.attr,
	&node_attr_stat.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mirror_node);

static void mirror_node_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct mirror_node_kobj, kobj));
}

static struct kobj_type mirror_node_ktype = {
	.release = mirror_node_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = mirror_node_groups,
};

/* ---- uevents ------------------------------------------------------------- */

static void mirror_event_send(struct mirror_zone *zone, bool exhausted,
			      u64 free)
{
	char ev[32], zn[16], nd[16], fr[32];
	char *envp[] = { ev, zn, nd, fr, NULL };

	snprintf(ev, sizeof(ev), "MIRROR_EVENT=%s",
		 exhausted ? "exhausted" : "recovered");
	snprintf(zn, sizeof(zn), "ZONE=%u", zone->id);
	snprintf(nd, sizeof(nd), "NODE=%d", zone->nid);
	snprintf(fr, sizeof(fr), "PAGES_FREE=%llu", free);
	kobject_uevent_env(&zone->kobj->kobj, KOBJ_CHANGE, envp);
}

/*
 * Runs in process context for the transitions the allocation paths noted.
 * When the zone went both ways since the last report, both events go out,
 * in order.
 */
void mirror_event_work(struct work_struct *work)
{
	struct mirror_zone *zone = container_of(work, struct mirror_zone,
						ev_work);
	unsigned long flags;
	unsigned int seq;
	bool now;
	u64 free, used;

	raw_spin_lock_irqsave(&zone->lock, flags);
	seq = zone->ev_seq;
	now = zone->exhausted;
	mirror_zone_counts(zone, &free, &used);
	raw_spin_unlock_irqrestore(&zone->lock, flags);

	if (seq == zone->ev_reported_seq || !zone->kobj)
		return;
	if (now == zone->ev_reported_exhausted)
		mirror_event_send(zone, !now, free);
	mirror_event_send(zone, now, free);
	zone->ev_reported_seq = seq;
	zone->ev_reported_exhausted = now;
}

struct kobject *mirror_zone_kobject(struct mirror_zone *zone)
{
	return zone->kobj ? &zone->kobj->kobj : NULL;
}

/* ---- setup --------------------------------------------------------------- */

static int mirror_zone_sysfs_add(struct mirror_zone *zone)
{
	struct mirror_zone_kobj *zk;
	int ret;

	zk = kzalloc(sizeof(*zk), GFP_KERNEL);
	if (!zk)
		return -ENOMEM;
	zk->zone = zone;
	zk->kobj.kset = mirror.zones_kset;
	ret = kobject_init_and_add(&zk->kobj, &mirror_zone_ktype, NULL,
				   "zone%u", zone->id);
	if (ret) {
		kobject_put(&zk->kobj);
		return ret;
	}
	zone->kobj = zk;
	return 0;
}

static int mirror_node_sysfs_add(struct mirror_node *node)
{
	struct mirror_node_kobj *nk;
	int ret;

	nk = kzalloc(sizeof(*nk), GFP_KERNEL);
	if (!nk)
		return -ENOMEM;
	nk->node = node;
	ret = kobject_init_and_add(&nk->kobj, &mirror_node_ktype,
				   mirror.nodes_kobj, "node%d", node->nid);
	if (ret) {
		kobject_put(&nk->kobj);
		return ret;
	}
	node->kobj = &nk->kobj;
	return 0;
}

int mirror_sysfs_init(void)
{
	unsigned int i;
	int ret;

	ret = mirror_layout_build();
	if (ret)
		return ret;
	mirror.root = kobject_create_and_add("mirror", mm_kobj);
	if (!mirror.root) {
		ret = -ENOMEM;
		goto out;
	}
	ret = sysfs_create_group(mirror.root, &mirror_root_group);
	if (ret)
		goto out;
	ret = sysfs_create_group(mirror.root, &mirror_policy_group);
	if (ret)
		goto out;
	mirror.zones_kset = kset_create_and_add("zones",
						&mirror_zones_uevent_ops,
						mirror.root);
	mirror.nodes_kobj = kobject_create_and_add("nodes", mirror.root);
	if (!mirror.zones_kset || !mirror.nodes_kobj) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < mirror.nr_zones; i++) {
		ret = mirror_zone_sysfs_add(&mirror.zones[i]);
		if (ret)
			goto out;
	}
	for (i = 0; i < mirror.nr_nodes; i++) {
		if (!mirror.nodes[i].present)
			continue;
		ret = mirror_node_sysfs_add(&mirror.nodes[i]);
		if (ret)
			goto out;
	}
	return 0;
out:
	mirror_sysfs_exit();
	return ret;
}

void mirror_sysfs_exit(void)
{
	unsigned int i;

	for (i = 0; i < mirror.nr_nodes; i++) {
		if (mirror.nodes && mirror.nodes[i].kobj) {
			kobject_put(mirror.nodes[i].kobj);
			mirror.nodes[i].kobj = NULL;
		}
	}
	for (i = 0; i < mirror.nr_zones; i++) {
		if (mirror.zones[i].kobj) {
			kobject_put(&mirror.zones[i].kobj->kobj);
			mirror.zones[i].kobj = NULL;
		}
	}
	kobject_put(mirror.nodes_kobj);
	mirror.nodes_kobj = NULL;
	kset_unregister(mirror.zones_kset);
	mirror.zones_kset = NULL;
	/* Removes the groups' files with the directory. */
	kobject_put(mirror.root);
	mirror.root = NULL;
	kvfree(mirror_layout_text);
	mirror_layout_text = NULL;
}

/* ---- debugfs ------------------------------------------------------------- */

char *mirror_cmd_copy(char *buf, size_t size, const char __user *ubuf,
		      size_t count)
{
	if (count >= size)
		return ERR_PTR(-EINVAL);
	if (copy_from_user(buf, ubuf, count))
		return ERR_PTR(-EFAULT);
	buf[count] = '\0';
	return strim(buf);
}

/*
 * check: the core's full invariant walk on every zone, plus what the
 * kernel's page records say: a page the allocator has free has no
 * reference (nobody else holds a zone page between its last put and its
 * next allocation), every block an API caller holds is occupied, and the
 * zone holds a page map reference for each page out of its allocator.
 */
static int mirror_check_zone(struct mirror_zone *zone, char *why,
			     size_t len)
{
	unsigned long idx, nr = zone->end_pfn - zone->start_pfn;
	int ret;

	lockdep_assert_held(&zone->lock);
	ret = mc_zalloc_check(&zone->za, why, len);
	if (!ret && zone->pgmap_refs != zone->za.stats.used) {
		snprintf(why, len, "zone holds %llu page map references for %llu pages out",
			 zone->pgmap_refs, zone->za.stats.used);
		return -EUCLEAN;
	}
	for (idx = 0; !ret && idx < nr; idx++) {
		unsigned long pfn = zone->start_pfn + idx;
		int refs = page_ref_count(pfn_to_page(pfn));
		u8 o = zone->order_of[idx];

		if (!mc_zalloc_is_occupied(&zone->za, pfn) && refs) {
			snprintf(why, len, "free page at pfn 0x%lx has %d references",
				 pfn, refs);
			return -EUCLEAN;
		}
		if (o == MIRROR_REF_HELD || o == MIRROR_API_TAIL) {
			if (!mc_zalloc_is_occupied(&zone->za, pfn)) {
				snprintf(why, len, "page at pfn 0x%lx held but not occupied",
					 pfn);
				return -EUCLEAN;
			}
			continue;
		}
		if (o && (idx + (1UL << (o - 1)) > nr ||
			  !mc_zalloc_is_occupied(&zone->za, pfn) ||
			  !mc_zalloc_is_occupied(&zone->za,
					pfn + (1UL << (o - 1)) - 1))) {
			snprintf(why, len, "block at pfn 0x%lx recorded but not occupied",
				 pfn);
			return -EUCLEAN;
		}
	}
	return ret;
}

static int mirror_check_show(struct seq_file *m, void *v)
{
	char why[128];
	unsigned int i;

	for (i = 0; i < mirror.nr_zones; i++) {
		struct mirror_zone *zone = &mirror.zones[i];
		unsigned long flags;
		int ret;

		why[0] = '\0';
		mirror_zone_drain(zone);
		raw_spin_lock_irqsave(&zone->lock, flags);
		ret = mirror_check_zone(zone, why, sizeof(why));
		raw_spin_unlock_irqrestore(&zone->lock, flags);
		if (ret)
			seq_printf(m, "zone%u: %s\n", i, why);
		else
			seq_printf(m, "zone%u: ok\n", i);
		cond_resched();
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mirror_check);

/*
 * meta: what mirror.ko itself keeps per zone, in bytes, and per GiB of
 * zone.  (The kernel's memory map of the zone, 64 bytes per page, is the
 * kernel's, as it was while the memory was System RAM.)
 */
static int mirror_meta_show(struct seq_file *m, void *v)
{
	unsigned int i;

	for (i = 0; i < mirror.nr_zones; i++) {
		struct mirror_zone *zone = &mirror.zones[i];
		u64 pages = zone->end_pfn - zone->start_pfn;
		u64 zalloc = mc_zalloc_meta_bytes(&zone->za);
		u64 order_of = pages * sizeof(*zone->order_of);
		u64 fill = mirror_fill_meta_bytes(zone);
		u64 channel = mirror_channel_meta_bytes(zone);
		u64 total = zalloc + order_of + fill + channel;

		seq_printf(m, "zone%u pages=%llu zalloc=%llu order_of=%llu fill=%llu channel=%llu total=%llu per_gib=%llu\n",
			   i, pages, zalloc, order_of, fill, channel, total,
			   div64_u64(total << (30 - PAGE_SHIFT), pages));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mirror_meta);

/* ordinary: the ordinary blocks out through the API, "0xPFN ORDER". */
static int mirror_ordinary_show(struct seq_file *m, void *v)
{
	unsigned long index;
	void *entry;

	/* xa_for_each takes the RCU read lock: entries may change meanwhile. */
	xa_for_each(&mirror.ordinary, index, entry)
		seq_printf(m, "0x%lx %lu\n", index, xa_to_value(entry));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mirror_ordinary);

void mirror_debugfs_init(void)
{
	mirror.debugfs = debugfs_create_dir("mirror", NULL);
	debugfs_create_file("check", 0400, mirror.debugfs, NULL,
			    &mirror_check_fops);
	debugfs_create_file("meta", 0400, mirror.debugfs, NULL,
			    &mirror_meta_fops);
	debugfs_create_file("ordinary", 0400, mirror.debugfs, NULL,
			    &mirror_ordinary_fops);
}

void mirror_debugfs_exit(void)
{
	debugfs_remove(mirror.debugfs);
	mirror.debugfs = NULL;
}
