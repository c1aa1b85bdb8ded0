// SPDX-License-Identifier: GPL-2.0
/*
 * mirror_fill.c - technology-aware page fill: every page a mirror zone
 * hands out, and every page given back to one, is initialised with the
 * bit value that costs less energy to write in the memory it lives in.
 *
 * Two pieces of data drive it:
 *
 *   the memory-type map   physical range -> memory name, from the memtypes=
 *                         parameter; all other System RAM is DRAM.  Fixed
 *                         at load.
 *   the energy table      memory name -> energy to write a 0 and a 1 bit
 *                         (core/energy.c's format), the built-in defaults
 *                         until an operator loads another one at run time.
 *
 * The table in force is read locklessly under RCU by the allocation paths
 * (which may run in hard interrupt context) and replaced whole: a table
 * that does not parse, or lacks a memory type the map uses, changes
 * nothing.
 *
 * Each zone page carries one byte of fill state: what it is known to hold
 * (zeros, ones, or anything).  A freed page is scrubbed with its cheap
 * pattern; when it is handed out again and the pattern wanted is still the
 * one it holds, it is not written a second time.  The state byte is only
 * touched by whoever owns the page (the caller between allocation and
 * free, the allocator otherwise) and the zone lock orders the hand-overs.
 *
 * kernel-module/ABI.md describes the files; keep the two in step.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/ktime.h>
#include <linux/math64.h>

#include "mirror_internal.h"
#include "mirror_fill.h"
#include "energy.h"
#include "range.h"

/* Physical addresses: root's only, as memtypes/map. */
static char *memtypes;
module_param(memtypes, charp, 0400);
MODULE_PARM_DESC(memtypes,
	"Memory-type map NAME:SIZE@START[,NAME:SIZE@START...]; other System RAM is DRAM");

#define MF_DEFAULT_TYPE		"DRAM"
#define MF_MAP_MAX		64		/* ranges in memtypes= */
#define MF_STAGE_MAX		(1U << 20)	/* bytes of a staged table */
#define MF_PAGE_BITS		((u64)PAGE_SIZE * BITS_PER_BYTE)
#define MF_OUT_SIZE		(64 * 1024)
#define MF_CHECK_MAX		4096		/* pages per read/stamp command */

/* mf.ztype[] of a zone whose pages are of more than one memory type. */
#define MF_MIXED		UINT_MAX

/* What a zone page is known to hold. */
enum {
	MF_ANY = 0,			/* data, or never written by us */
	MF_ZEROS = 1,			/* MF_ZEROS + bit: filled with bit */
	MF_ONES = 2,
};

struct mf_range {
	u64 start_pfn;
	u64 end_pfn;			/* exclusive */
	unsigned int type;
	unsigned int idx;		/* position in memtypes=, from 1 */
};

/* Counters of one memory type, per CPU, summed when read. */
struct mf_pcpu {
	u64 alloc_zero;			/* pages handed out holding zeros */
	u64 alloc_one;
	u64 write_zero;			/* pages written with zeros */
	u64 write_one;
	u64 scrub;			/* pages scrubbed at free */
	u64 energy;			/* milli-pJ of those writes */
	u64 energy_other;		/* same writes with the other pattern */
};

struct mf_type_kobj;

struct mf_type {
	char name[MC_ENERGY_NAME_MAX];
	struct mf_pcpu __percpu *pcpu;
	struct mf_type_kobj *kobj;
};

struct mf_type_kobj {
	struct kobject kobj;
	struct mf_type *type;
};

/* The energy table in force, with its figures per memory type in use. */
struct mf_table {
	struct mc_energy_table table;
	struct {
		u64 w0, w1;		/* milli-pJ per bit */
		unsigned int bit;	/* the cheaper one */
	} t[];
};

static struct {
	/* Constant after load. */
	unsigned int nr_types;
	struct mf_type *types;		/* [0] is the default type */
	unsigned int nr_ranges;
	struct mf_range *ranges;	/* sorted, no overlap */
	u8 **zstate;			/* per zone, per page: MF_* */
	unsigned int *ztype;		/* per zone: its type, or MF_MIXED */

	/* Read under RCU, replaced under 'lock'. */
	struct mf_table __rcu *table;

	/*
	 * 'lock' protects the staged table text, the last commit's status,
	 * the generation and the replacement of 'table'.
	 */
	struct mutex lock;
	char *stage;
	size_t stage_len;
	char status[200];
	u64 generation;

	struct kobject *kobj;		/* memtypes/ */
	struct kobject *types_kobj;	/* memtypes/types/ */
	struct dentry *debugfs;

	/* 'dbg_lock' serialises debugfs commands and protects 'dbg_out'. */
	struct mutex dbg_lock;
	char *dbg_out;
	size_t dbg_len;
} mf = {
	.lock = __MUTEX_INITIALIZER(mf.lock),
	.dbg_lock = __MUTEX_INITIALIZER(mf.dbg_lock),
};

/* ---- filling ------------------------------------------------------------ */

/*
 * clear_page() with ones.  rep stosq is what the kernel's clear_page_rep
 * does for zeros; on parts with fast string stores (REP_GOOD/ERMS) it runs
 * at the same speed.  testsuite/vm/tests/65-fill.sh measures it against
 * clear_page() through the debugfs "bench" command.
 */
void clear_page_one(void *addr)
{
#ifdef CONFIG_X86_64
	unsigned long cnt = PAGE_SIZE / 8;

	asm volatile("rep stosq"
		     : "+c" (cnt), "+D" (addr)
		     : "a" (~0UL)
		     : "memory");
#else
	memset(addr, 0xff, PAGE_SIZE);
#endif
}

static void mf_write_page(struct page *page, unsigned int bit)
{
	void *addr = kmap_local_page(page);

	if (bit)
		clear_page_one(addr);
	else
		clear_page(addr);
	kunmap_local(addr);
}

/* Memory type of a pfn: the map's, else the default (index 0). */
static unsigned int mf_type_of(u64 pfn)
{
	unsigned int lo = 0, hi = mf.nr_ranges;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (pfn < mf.ranges[mid].start_pfn)
			hi = mid;
		else if (pfn >= mf.ranges[mid].end_pfn)
			lo = mid + 1;
		else
			return mf.ranges[mid].type;
	}
	return 0;
}

/*
 * The type of page 'i' of the block at 'pfn' in 'zone', and in *run how
 * many pages from it on are of that type: most zones are of one type
 * throughout, so that a block is counted in one step.
 */
static inline unsigned int mf_run_type(struct mirror_zone *zone, u64 pfn,
				       unsigned int i, unsigned int nr,
				       unsigned int *run)
{
	unsigned int type = mf.ztype[zone->id];

	if (type != MF_MIXED) {
		*run = nr - i;
		return type;
	}
	*run = 1;
	return mf_type_of(pfn + i);
}

/* Whether one memory type covers all of [start, end): MF_MIXED if not. */
static unsigned int mf_span_type(u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < mf.nr_ranges; i++) {
		const struct mf_range *r = &mf.ranges[i];

		if ((r->start_pfn > start && r->start_pfn < end) ||
		    (r->end_pfn > start && r->end_pfn < end))
			return MF_MIXED;
	}
	return mf_type_of(start);
}

/* What one page write of a type is counted with. */
struct mf_figures {
	u64 w0, w1;			/* milli-pJ per bit */
	unsigned int bit;		/* the cheaper pattern */
};

/*
 * The energy table's figures for 'type'.  A section with preemption off
 * is an RCU read-side section too (synchronize_rcu() in mf_commit_locked()
 * waits for it), and unlike rcu_read_lock() on a preemptible kernel it
 * costs no call: this runs for every page handed out and given back.
 */
static inline void mf_figures_of(unsigned int type, struct mf_figures *f)
{
	const struct mf_table *t;

	preempt_disable();
	t = rcu_dereference_sched(mf.table);
	f->w0 = t->t[type].w0;
	f->w1 = t->t[type].w1;
	f->bit = t->t[type].bit;
	preempt_enable();
}

/* 'n' pages of 'type' written with 'bit'. */
static inline void mf_count_writes(const struct mf_figures *f,
				   unsigned int type, unsigned int bit,
				   unsigned int n)
{
	struct mf_pcpu __percpu *c = mf.types[type].pcpu;

	if (!n)
		return;
	if (bit)
		this_cpu_add(c->write_one, n);
	else
		this_cpu_add(c->write_zero, n);
	this_cpu_add(c->energy, (bit ? f->w1 : f->w0) * MF_PAGE_BITS * n);
	this_cpu_add(c->energy_other, (bit ? f->w0 : f->w1) * MF_PAGE_BITS * n);
}

/*
 * A block leaves 'zone': zeros when the caller asked for them, else each
 * page's cheap pattern.  Pages that already hold it are not rewritten.
 */
void mirror_fill_alloc(struct mirror_zone *zone, struct page *page,
		       unsigned int order, gfp_t gfp)
{
	unsigned long pfn = page_to_pfn(page);
	u8 *state = mf.zstate[zone->id] + (pfn - zone->start_pfn);
	unsigned int nr = 1U << order, i, j, run;
	bool zero = gfp & __GFP_ZERO;
	struct mf_figures f;

	for (i = 0; i < nr; i += run) {
		unsigned int type = mf_run_type(zone, pfn, i, nr, &run);
		unsigned int bit, written = 0;

		mf_figures_of(type, &f);
		bit = zero ? 0 : f.bit;
		for (j = i; j < i + run; j++) {
			if (state[j] != MF_ZEROS + bit) {
				mf_write_page(page + j, bit);
				written++;
			}
			/* The caller's now: its contents are unknown. */
			state[j] = MF_ANY;
		}
		mf_count_writes(&f, type, bit, written);
		if (bit)
			this_cpu_add(mf.types[type].pcpu->alloc_one, run);
		else
			this_cpu_add(mf.types[type].pcpu->alloc_zero, run);
	}
}

/*
 * No write and no count: the page holds the process's data from here
 * (migrate_vma's caller copies the source into it before the source's
 * mappings point at it), and one that does not move comes back through
 * mirror_fill_free() like every page.  Only the first use of a zone page
 * ever needed the write: later ones find it scrubbed.
 */
void mirror_fill_dst(struct mirror_zone *zone, struct page *page)
{
	mf.zstate[zone->id][page_to_pfn(page) - zone->start_pfn] = MF_ANY;
}

u64 mirror_fill_meta_bytes(struct mirror_zone *zone)
{
	/* One state byte per page (see mirror_fill_setup()). */
	return mf.zstate && mf.zstate[zone->id] ?
	       zone->end_pfn - zone->start_pfn : 0;
}

/* A block comes back to 'zone': scrub it so nothing passes to the next user. */
void mirror_fill_free(struct mirror_zone *zone, struct page *page,
		      unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);
	u8 *state = mf.zstate[zone->id] + (pfn - zone->start_pfn);
	unsigned int nr = 1U << order, i, j, run;
	struct mf_figures f;

	for (i = 0; i < nr; i += run) {
		unsigned int type = mf_run_type(zone, pfn, i, nr, &run);

		mf_figures_of(type, &f);
		for (j = i; j < i + run; j++) {
			mf_write_page(page + j, f.bit);
			state[j] = MF_ZEROS + f.bit;
		}
		mf_count_writes(&f, type, f.bit, run);
		this_cpu_add(mf.types[type].pcpu->scrub, run);
	}
}

/* ---- the energy table ----------------------------------------------------- */

static void mf_table_free(struct mf_table *t)
{
	if (!t)
		return;
	mc_energy_free(&t->table);
	kfree(t);
}

/*
 * Build a table from text, checked as a whole: it must parse and name
 * every memory type in use.  'why' gets one line on error.
 */
static int mf_table_build(const char *text, size_t len, struct mf_table **out,
			  char *why, size_t whylen)
{
	struct mc_parse_error err = { 0 };
	struct mf_table *t;
	unsigned int i;
	int ret;

	t = kzalloc(struct_size(t, t, mf.nr_types), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	mc_energy_init(&t->table);
	ret = mc_energy_parse(text, len, &t->table, &err);
	if (ret) {
		if (err.line)
			snprintf(why, whylen, "line %u: %s", err.line,
				 err.msg[0] ? err.msg : "invalid");
		else
			snprintf(why, whylen, "%s",
				 err.msg[0] ? err.msg : "invalid table");
		kfree(t);
		return ret;
	}
	for (i = 0; i < mf.nr_types; i++) {
		const struct mc_energy_entry *e =
			mc_energy_lookup(&t->table, mf.types[i].name);

		if (!e) {
			snprintf(why, whylen,
				 "no entry for memory type %s, which is in use",
				 mf.types[i].name);
			mf_table_free(t);
			return -EINVAL;
		}
		t->t[i].w0 = e->write0_mpj;
		t->t[i].w1 = e->write1_mpj;
		t->t[i].bit = mc_energy_fill_bit(e);
	}
	*out = t;
	return 0;
}

/* Commit the staged text.  Called with mf.lock held. */
static int mf_commit_locked(void)
{
	struct mf_table *t, *old;
	char why[sizeof(mf.status)];
	int ret;

	ret = mf_table_build(mf.stage ? mf.stage : "", mf.stage_len, &t, why,
			     sizeof(why));
	kvfree(mf.stage);
	mf.stage = NULL;
	mf.stage_len = 0;
	if (ret) {
		strscpy(mf.status, why, sizeof(mf.status));
		pr_err("energy: %s\n", why);
		return ret;
	}
	old = rcu_replace_pointer(mf.table, t, lockdep_is_held(&mf.lock));
	mf.generation++;
	strscpy(mf.status, "ok", sizeof(mf.status));
	/* Allocations may still read the old figures: wait them out. */
	synchronize_rcu();
	mf_table_free(old);
	return 0;
}

/* ---- the memtypes= map --------------------------------------------------- */

static int mf_range_cmp(const void *a, const void *b)
{
	const struct mf_range *x = a, *y = b;

	if (x->start_pfn != y->start_pfn)
		return x->start_pfn < y->start_pfn ? -1 : 1;
	return 0;
}

/* "PCM:64M@0x8000000" for messages. */
static void mf_range_name(const struct mf_range *r, char *buf, size_t len)
{
	char s[32], a[32];

	mc_size_format(PFN_PHYS(r->end_pfn - r->start_pfn), s, sizeof(s));
	mc_size_format(PFN_PHYS(r->start_pfn), a, sizeof(a));
	snprintf(buf, len, "%s:%s@%s", mf.types[r->type].name, s, a);
}

/* Index of the type called 'name' (as the table spells it), adding it. */
static int mf_type_add(const char *name)
{
	unsigned int i;

	for (i = 0; i < mf.nr_types; i++)
		if (!strcasecmp(mf.types[i].name, name))
			return i;
	if (mf.nr_types >= MC_ENERGY_MAX_TYPES)
		return -E2BIG;
	strscpy(mf.types[mf.nr_types].name, name, MC_ENERGY_NAME_MAX);
	return mf.nr_types++;
}

static void mf_known_types(const struct mc_energy_table *table, char *buf,
			   size_t len)
{
	unsigned int i;
	size_t off = 0;

	buf[0] = '\0';
	for (i = 0; i < table->nr && off < len; i++)
		off += scnprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				 table->entries[i].name);
}

/*
 * Parse one "NAME:SIZE@START" element (idx counts from 1).  The name must
 * be in the built-in table, the range page-aligned and inside System RAM.
 */
static int mf_map_element(const char *elem, size_t len, unsigned int idx,
			  const struct mc_energy_table *defaults,
			  struct mf_range *r)
{
	const char *colon = memchr(elem, ':', len);
	struct mc_parse_error err = { 0 };
	const struct mc_energy_entry *e;
	struct mc_range_list list;
	char name[MC_ENERGY_NAME_MAX], known[256];
	size_t nlen;
	int ret, type;

	if (!colon) {
		pr_err("memtypes: range %u (%.*s): expected NAME:SIZE@START\n",
		       idx, (int)min_t(size_t, len, 64), elem);
		return -EINVAL;
	}
	nlen = colon - elem;
	if (!nlen || nlen >= sizeof(name)) {
		pr_err("memtypes: range %u (%.*s): memory name must be 1 to %u characters\n",
		       idx, (int)min_t(size_t, len, 64), elem,
		       MC_ENERGY_NAME_MAX - 1);
		return -EINVAL;
	}
	memcpy(name, elem, nlen);
	name[nlen] = '\0';
	e = mc_energy_lookup(defaults, name);
	if (!e) {
		mf_known_types(defaults, known, sizeof(known));
		pr_err("memtypes: range %u (%.*s): unknown memory type '%s' (the energy table has %s)\n",
		       idx, (int)min_t(size_t, len, 64), elem, name, known);
		return -EINVAL;
	}

	mc_range_list_init(&list);
	ret = mc_ranges_parse(colon + 1, len - nlen - 1, 0, &list, &err);
	if (!ret && list.nr != 1)
		ret = -EINVAL;
	if (ret) {
		const char *msg = err.msg[0] ? err.msg : "expected one SIZE@START";
		const char *own = strstr(msg, "): ");

		/* The parser names the range itself: say it once. */
		if (!strncmp(msg, "range 1 (", 9) && own)
			msg = own + 3;
		pr_err("memtypes: range %u (%.*s): %s\n", idx,
		       (int)min_t(size_t, len, 64), elem, msg);
		mc_range_list_free(&list);
		return -EINVAL;
	}
	type = mf_type_add(e->name);
	if (type < 0) {
		mc_range_list_free(&list);
		return type;
	}
	r->start_pfn = PHYS_PFN(list.ranges[0].start);
	r->end_pfn = PHYS_PFN(list.ranges[0].start + list.ranges[0].size);
	r->type = type;
	r->idx = idx;
	mc_range_list_free(&list);

	switch (region_intersects(PFN_PHYS(r->start_pfn),
				  PFN_PHYS(r->end_pfn - r->start_pfn),
				  IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE)) {
	case REGION_INTERSECTS:
		return 0;
	case REGION_MIXED:
		pr_err("memtypes: range %u (%.*s): partly outside System RAM\n",
		       idx, (int)min_t(size_t, len, 64), elem);
		return -EINVAL;
	default:
		pr_err("memtypes: range %u (%.*s): outside System RAM\n",
		       idx, (int)min_t(size_t, len, 64), elem);
		return -EINVAL;
	}
}

static int mf_map_parse(const struct mc_energy_table *defaults)
{
	const char *p = memtypes;
	size_t total = strlen(p);
	unsigned int i, n = 0;
	int ret;

	if (total && p[total - 1] == '\n')
		total--;
	if (total > MC_LINE_MAX) {
		pr_err("memtypes: longer than %u bytes\n", MC_LINE_MAX);
		return -EINVAL;
	}
	mf.ranges = kcalloc(MF_MAP_MAX, sizeof(*mf.ranges), GFP_KERNEL);
	if (!mf.ranges)
		return -ENOMEM;
	while (total) {
		const char *comma = memchr(p, ',', total);
		size_t len = comma ? (size_t)(comma - p) : total;

		if (!len || (comma && len + 1 == total)) {
			pr_err("memtypes: range %u: empty element\n",
			       len ? n + 2 : n + 1);
			return -EINVAL;
		}
		if (n == MF_MAP_MAX) {
			pr_err("memtypes: more than %u ranges\n", MF_MAP_MAX);
			return -EINVAL;
		}
		ret = mf_map_element(p, len, n + 1, defaults, &mf.ranges[n]);
		if (ret)
			return ret;
		n++;
		p += len + (comma ? 1 : 0);
		total -= len + (comma ? 1 : 0);
	}
	mf.nr_ranges = n;
	sort(mf.ranges, n, sizeof(*mf.ranges), mf_range_cmp, NULL);
	for (i = 1; i < n; i++) {
		struct mf_range *a = &mf.ranges[i - 1], *b = &mf.ranges[i];
		char an[80], bn[80];

		if (b->start_pfn >= a->end_pfn)
			continue;
		/* Name the later one in memtypes= as the offender. */
		if (a->idx > b->idx)
			swap(a, b);
		mf_range_name(a, an, sizeof(an));
		mf_range_name(b, bn, sizeof(bn));
		pr_err("memtypes: range %u (%s): overlaps range %u (%s)\n",
		       b->idx, bn, a->idx, an);
		return -EINVAL;
	}
	return 0;
}

/* ---- sysfs: /sys/kernel/mm/mirror/memtypes/ ------------------------------ */

/* A growing text buffer for the bin files, which have no size limit. */
struct mf_text {
	char *buf;
	size_t len, cap;
	int err;
};

static __printf(2, 3) void mf_text_add(struct mf_text *tx, const char *fmt,
				       ...)
{
	va_list args;
	int n;

	if (tx->err)
		return;
	for (;;) {
		va_start(args, fmt);
		n = vsnprintf(tx->buf + tx->len, tx->cap - tx->len, fmt, args);
		va_end(args);
		if (tx->len + n < tx->cap) {
			tx->len += n;
			return;
		}
		{
			size_t cap = max_t(size_t, tx->cap * 2, PAGE_SIZE);
			char *nb = kvmalloc(cap, GFP_KERNEL);

			if (!nb) {
				tx->err = -ENOMEM;
				return;
			}
			if (tx->buf)
				memcpy(nb, tx->buf, tx->len);
			kvfree(tx->buf);
			tx->buf = nb;
			tx->cap = cap;
		}
	}
}

static ssize_t mf_text_window(struct mf_text *tx, char *buf, loff_t off,
			      size_t count)
{
	ssize_t ret;

	if (tx->err) {
		ret = tx->err;
	} else if (off >= tx->len) {
		ret = 0;
	} else {
		ret = min_t(size_t, count, tx->len - off);
		memcpy(buf, tx->buf + off, ret);
	}
	kvfree(tx->buf);
	return ret;
}

static int mf_node_of(u64 pfn)
{
	struct mirror_zone *zone = mirror_zone_of_pfn(pfn);
	struct page *page;

	/* Zone memory is device memory now, not online System RAM. */
	if (zone)
		return zone->nid;
	page = pfn_to_online_page(pfn);
	return page ? page_to_nid(page) : -1;
}

/* Next pfn after 'pfn' where the type, the zone or (maybe) the node changes. */
static u64 mf_next_edge(u64 pfn, u64 end)
{
	u64 next = min_t(u64, end, ALIGN(pfn + 1, pageblock_nr_pages));
	unsigned int i;

	for (i = 0; i < mf.nr_ranges; i++) {
		if (mf.ranges[i].start_pfn > pfn)
			next = min(next, mf.ranges[i].start_pfn);
		if (mf.ranges[i].end_pfn > pfn)
			next = min(next, mf.ranges[i].end_pfn);
	}
	for (i = 0; i < mirror.nr_zones; i++) {
		if (mirror.zones[i].start_pfn > pfn)
			next = min_t(u64, next, mirror.zones[i].start_pfn);
		if (mirror.zones[i].end_pfn > pfn)
			next = min_t(u64, next, mirror.zones[i].end_pfn);
	}
	return next;
}

/* [start, end) of RAM, split where type, node or mirroring change. */
static void mf_ranges_span(struct mf_text *tx, u64 start, u64 end)
{
	u64 piece = start;

	while (piece < end) {
		u64 pfn = PHYS_PFN(piece);
		unsigned int type = mf_type_of(pfn);
		int nid = mf_node_of(pfn);
		bool mirrored = mirror_zone_of_pfn(pfn);
		u64 at = pfn, stop;

		for (;;) {
			at = mf_next_edge(at, PHYS_PFN(end - 1) + 1);
			if (PFN_PHYS(at) >= end || mf_type_of(at) != type ||
			    mf_node_of(at) != nid ||
			    !!mirror_zone_of_pfn(at) != mirrored)
				break;
		}
		stop = min_t(u64, PFN_PHYS(at), end);
		mf_text_add(tx, "0x%llx-0x%llx %s %d %d\n", piece, stop,
			    mf.types[type].name, nid, mirrored);
		piece = stop;
	}
}

/*
 * The walk over RAM in address order: System RAM resources, and the zones
 * between them (their memory left System RAM when it became ours).
 */
struct mf_walk {
	struct mf_text tx;
	unsigned int next_zone;
};

static void mf_zones_before(struct mf_walk *w, u64 addr)
{
	while (w->next_zone < mirror.nr_zones) {
		struct mirror_zone *zone = &mirror.zones[w->next_zone];

		if (PFN_PHYS(zone->start_pfn) >= addr)
			break;
		mf_ranges_span(&w->tx, PFN_PHYS(zone->start_pfn),
			       PFN_PHYS(zone->end_pfn));
		w->next_zone++;
	}
}

static int mf_ranges_res(struct resource *res, void *arg)
{
	struct mf_walk *w = arg;

	mf_zones_before(w, res->start);
	mf_ranges_span(&w->tx, res->start, res->end + 1);
	cond_resched();
	return w->tx.err;
}

static ssize_t ranges_read(struct file *file, struct kobject *kobj,
			   struct bin_attribute *attr, char *buf, loff_t off,
			   size_t count)
{
	struct mf_walk w = { 0 };

	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, -1,
			    &w, mf_ranges_res);
	mf_zones_before(&w, U64_MAX);
	if (!w.tx.buf && !w.tx.err)
		return 0;
	return mf_text_window(&w.tx, buf, off, count);
}

static ssize_t map_read(struct file *file, struct kobject *kobj,
			struct bin_attribute *attr, char *buf, loff_t off,
			size_t count)
{
	struct mf_text tx = { 0 };
	unsigned int i;

	for (i = 0; i < mf.nr_ranges; i++)
		mf_text_add(&tx, "0x%llx-0x%llx %s\n",
			    (u64)PFN_PHYS(mf.ranges[i].start_pfn),
			    (u64)PFN_PHYS(mf.ranges[i].end_pfn),
			    mf.types[mf.ranges[i].type].name);
	if (!tx.buf && !tx.err)
		return 0;
	return mf_text_window(&tx, buf, off, count);
}

static ssize_t energy_table_read(struct file *file, struct kobject *kobj,
				 struct bin_attribute *attr, char *buf,
				 loff_t off, size_t count)
{
	struct mf_text tx = { 0 };
	struct mf_table *t;
	int need;

	mutex_lock(&mf.lock);
	t = rcu_dereference_protected(mf.table, lockdep_is_held(&mf.lock));
	need = mc_energy_format(&t->table, NULL, 0);
	tx.cap = need + 1;
	tx.buf = kvmalloc(tx.cap, GFP_KERNEL);
	if (tx.buf)
		tx.len = mc_energy_format(&t->table, tx.buf, tx.cap);
	else
		tx.err = -ENOMEM;
	mutex_unlock(&mf.lock);
	return mf_text_window(&tx, buf, off, count);
}

/*
 * Writes stage a new table: a write at offset 0 starts over, later writes
 * must follow on.  Nothing is used until energy_commit.
 */
static ssize_t energy_table_write(struct file *file, struct kobject *kobj,
				  struct bin_attribute *attr, char *buf,
				  loff_t off, size_t count)
{
	ssize_t ret = count;
	char *nb;

	mutex_lock(&mf.lock);
	if (off == 0) {
		kvfree(mf.stage);
		mf.stage = NULL;
		mf.stage_len = 0;
	}
	if (off != mf.stage_len) {
		ret = -EINVAL;
		goto out;
	}
	if (mf.stage_len + count > MF_STAGE_MAX) {
		ret = -EFBIG;
		goto out;
	}
	nb = kvmalloc(mf.stage_len + count + 1, GFP_KERNEL);
	if (!nb) {
		ret = -ENOMEM;
		goto out;
	}
	if (mf.stage)
		memcpy(nb, mf.stage, mf.stage_len);
	memcpy(nb + mf.stage_len, buf, count);
	nb[mf.stage_len + count] = '\0';
	kvfree(mf.stage);
	mf.stage = nb;
	mf.stage_len += count;
out:
	mutex_unlock(&mf.lock);
	return ret;
}

static ssize_t energy_commit_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	int ret;

	if (!mirror_is_trigger(buf, count))
		return -EINVAL;
	mutex_lock(&mf.lock);
	ret = mf_commit_locked();
	mutex_unlock(&mf.lock);
	return ret ? ret : count;
}

static ssize_t energy_status_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	ssize_t ret;

	mutex_lock(&mf.lock);
	ret = sysfs_emit(buf, "%s\n", mf.status);
	mutex_unlock(&mf.lock);
	return ret;
}

static ssize_t energy_generation_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	ssize_t ret;

	mutex_lock(&mf.lock);
	ret = sysfs_emit(buf, "%llu\n", mf.generation);
	mutex_unlock(&mf.lock);
	return ret;
}

static ssize_t default_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", mf.types[0].name);
}

static struct kobj_attribute mf_attr_energy_commit =
	__ATTR(energy_commit, 0200, NULL, energy_commit_store);
static struct kobj_attribute mf_attr_energy_status =
	__ATTR(energy_status, 0444, energy_status_show, NULL);
static struct kobj_attribute mf_attr_energy_generation =
	__ATTR(energy_generation, 0444, energy_generation_show, NULL);
static struct kobj_attribute mf_attr_default =
	__ATTR(default, 0444, default_show, NULL);

/*
 * The layout of all RAM is root's, as /proc/iomem shows addresses to root
 * only.
 */
static struct bin_attribute mf_attr_ranges = {
	.attr = { .name = "ranges", .mode = 0400 },
	.read = ranges_read,
};
static struct bin_attribute mf_attr_map = {
	.attr = { .name = "map", .mode = 0400 },
	.read = map_read,
};
static struct bin_attribute mf_attr_energy_table = {
	.attr = { .name = "energy_table", .mode = 0644 },
	.read = energy_table_read,
	.write = energy_table_write,
};

static struct attribute *mf_attrs[] = {
	&mf_attr_default.attr,
	&mf_attr_energy_commit.attr,
	&mf_attr_energy_status.attr,
	&mf_attr_energy_generation.attr,
	NULL,
};

static struct bin_attribute *mf_bin_attrs[] = {
	&mf_attr_ranges,
	&mf_attr_map,
	&mf_attr_energy_table,
	NULL,
};

static const struct attribute_group mf_group = {
	.attrs = mf_attrs,
	.bin_attrs = mf_bin_attrs,
};

/* ---- memtypes/types/NAME/ ------------------------------------------------ */

static struct mf_type *kobj_type_of(struct kobject *kobj)
{
	return container_of(kobj, struct mf_type_kobj, kobj)->type;
}

static u64 mf_sum(struct mf_type *type, size_t field)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *(u64 *)((char *)per_cpu_ptr(type->pcpu, cpu) + field);
	return sum;
}

#define MF_COUNTER(name, field)						\
static ssize_t type_##name##_show(struct kobject *kobj,		\
				  struct kobj_attribute *attr, char *buf) \
{									\
	return sysfs_emit(buf, "%llu\n",				\
			  mf_sum(kobj_type_of(kobj),			\
				 offsetof(struct mf_pcpu, field)));	\
}									\
static struct kobj_attribute type_attr_##name =				\
	__ATTR(name, 0444, type_##name##_show, NULL)

MF_COUNTER(alloc_zero_pages, alloc_zero);
MF_COUNTER(alloc_one_pages, alloc_one);
MF_COUNTER(write_zero_pages, write_zero);
MF_COUNTER(write_one_pages, write_one);
MF_COUNTER(scrub_pages, scrub);
MF_COUNTER(energy_mpj, energy);
MF_COUNTER(energy_other_mpj, energy_other);

static ssize_t type_fill_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	struct mf_type *type = kobj_type_of(kobj);
	unsigned int bit;

	rcu_read_lock();
	bit = rcu_dereference(mf.table)->t[type - mf.types].bit;
	rcu_read_unlock();
	return sysfs_emit(buf, "%u\n", bit);
}

static struct kobj_attribute type_attr_fill =
	__ATTR(fill, 0444, type_fill_show, NULL);

static struct attribute *mf_type_attrs[] = {
	&type_attr_fill.attr,
	&type_attr_alloc_zero_pages.attr,
	&type_attr_alloc_one_pages.attr,
	&type_attr_write_zero_pages.attr,
	&type_attr_write_one_pages.attr,
	&type_attr_scrub_pages.attr,
	&type_attr_energy_mpj.attr,
	&type_attr_energy_other_mpj.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mf_type);

static void mf_type_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct mf_type_kobj, kobj));
}

static struct kobj_type mf_type_ktype = {
	.release = mf_type_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = mf_type_groups,
};

/* ---- debugfs: /sys/kernel/debug/mirror/fill ------------------------------ */

static __printf(1, 2) void mf_out(const char *fmt, ...)
{
	va_list args;

	if (mf.dbg_len >= MF_OUT_SIZE - 1)
		return;
	va_start(args, fmt);
	mf.dbg_len += vscnprintf(mf.dbg_out + mf.dbg_len,
				 MF_OUT_SIZE - mf.dbg_len, fmt, args);
	va_end(args);
}

/* "zeros", "ones" or "mixed": what a zone page holds. */
static const char *mf_page_pattern(unsigned long pfn)
{
	const u64 *w = kmap_local_page(pfn_to_page(pfn));
	u64 first = w[0];
	unsigned int i;

	for (i = 1; i < PAGE_SIZE / sizeof(u64); i++)
		if (w[i] != first)
			break;
	kunmap_local(w);
	if (i < PAGE_SIZE / sizeof(u64))
		return "mixed";
	return first == 0 ? "zeros" : first == ~0ULL ? "ones" : "mixed";
}

static int mf_cmd_read(unsigned long pfn, unsigned long n, bool stamp)
{
	unsigned long i;

	if (!n || n > MF_CHECK_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!mirror_zone_of_pfn(pfn + i))
			return -ERANGE;
	for (i = 0; i < n; i++) {
		bool out;

		if (!stamp) {
			mf_out("0x%lx %s\n", pfn + i, mf_page_pattern(pfn + i));
			continue;
		}
		/*
		 * Only a page that is out may be written: a free one belongs
		 * to the allocator and holds its scrub pattern.  A page that
		 * is out has a holder's reference; free ones (cached ones
		 * too) have none.
		 */
		out = page_ref_count(pfn_to_page(pfn + i)) > 0;
		if (!out)
			return -EBUSY;
		memset_page(pfn_to_page(pfn + i), 0, 0x5a, PAGE_SIZE);
	}
	if (stamp)
		mf_out("stamped=%lu\n", n);
	return 0;
}

/* ns per page of one fill routine over 'buf' (pages), best of 'trials'. */
static u64 mf_time(void (*fn)(void *), char *buf, unsigned int pages,
		   unsigned int rounds, unsigned int trials)
{
	u64 best = U64_MAX;
	unsigned int t, r, p;

	for (t = 0; t < trials; t++) {
		u64 start, ns;

		preempt_disable();
		start = ktime_get_ns();
		for (r = 0; r < rounds; r++)
			for (p = 0; p < pages; p++)
				fn(buf + p * PAGE_SIZE);
		ns = ktime_get_ns() - start;
		preempt_enable();
		best = min(best, ns);
		cond_resched();
	}
	return div_u64(best, rounds * pages);
}

static void mf_clear_page(void *addr)
{
	clear_page(addr);
}

static void mf_memset_ff(void *addr)
{
	memset(addr, 0xff, PAGE_SIZE);
}

/* Fill speed: clear_page_one() against the kernel's clear_page(). */
static int mf_cmd_bench(unsigned long rounds)
{
	const unsigned int order = 4, pages = 1U << order;
	u64 zero, one, mset, r100;
	struct page *page;
	char *buf;

	if (!rounds || rounds > 100000)
		return -EINVAL;
	page = alloc_pages(GFP_KERNEL, order);
	if (!page)
		return -ENOMEM;
	buf = page_address(page);
	/* Interleave so that host noise hits all three alike. */
	zero = mf_time(mf_clear_page, buf, pages, rounds, 1);
	one = mf_time(clear_page_one, buf, pages, rounds, 1);
	mset = mf_time(mf_memset_ff, buf, pages, rounds, 1);
	zero = min(zero, mf_time(mf_clear_page, buf, pages, rounds, 4));
	one = min(one, mf_time(clear_page_one, buf, pages, rounds, 4));
	mset = min(mset, mf_time(mf_memset_ff, buf, pages, rounds, 4));
	__free_pages(page, order);
	/* ratio: clear_page time over ours, >= 1 when ours is as fast. */
	r100 = one ? div64_u64(zero * 100, one) : 0;
	mf_out("pages=%u rounds=%lu clear_page_ns=%llu clear_page_one_ns=%llu memset_ff_ns=%llu ratio=%llu.%02llu\n",
	       pages, rounds, zero, one, mset, div_u64(r100, 100),
	       r100 % 100);
	return 0;
}

static ssize_t mf_ctl_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char cmd[128], *p, *word, *verb = NULL;
	unsigned long pfn = 0, n = 1;
	bool have_pfn = false;
	int ret = 0;

	p = mirror_cmd_copy(cmd, sizeof(cmd), ubuf, count);
	if (IS_ERR(p))
		return PTR_ERR(p);
	while ((word = strsep(&p, " \t")) != NULL) {
		if (!*word)
			continue;
		if (!verb)
			verb = word;
		else if (!strncmp(word, "pfn=", 4)) {
			ret = kstrtoul(word + 4, 0, &pfn);
			have_pfn = true;
		} else if (!strncmp(word, "n=", 2)) {
			ret = kstrtoul(word + 2, 0, &n);
		} else {
			ret = -EINVAL;
		}
		if (ret)
			return -EINVAL;
	}
	if (!verb)
		return -EINVAL;

	mutex_lock(&mf.dbg_lock);
	mf.dbg_len = 0;
	mf.dbg_out[0] = '\0';
	if (!strcmp(verb, "read") && have_pfn)
		ret = mf_cmd_read(pfn, n, false);
	else if (!strcmp(verb, "stamp") && have_pfn)
		ret = mf_cmd_read(pfn, n, true);
	else if (!strcmp(verb, "bench") && !have_pfn)
		ret = mf_cmd_bench(n == 1 ? 256 : n);
	else
		ret = -EINVAL;
	if (ret)
		mf_out("error=%d\n", ret);
	mutex_unlock(&mf.dbg_lock);
	return ret ? ret : count;
}

static ssize_t mf_ctl_read(struct file *file, char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&mf.dbg_lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, mf.dbg_out,
				      mf.dbg_len);
	mutex_unlock(&mf.dbg_lock);
	return ret;
}

static const struct file_operations mf_ctl_fops = {
	.owner = THIS_MODULE,
	.write = mf_ctl_write,
	.read = mf_ctl_read,
	.llseek = default_llseek,
};

/* ---- load and unload ----------------------------------------------------- */

/*
 * Before the zones are set up: the built-in table and the memtypes= map.
 * A bad map fails the load with -EINVAL and one log line.
 */
int mirror_fill_init(void)
{
	struct mc_energy_table defaults;
	struct mc_parse_error err = { 0 };
	struct mf_table *t;
	char why[sizeof(mf.status)];
	unsigned int i;
	int ret;

	mf.types = kcalloc(MC_ENERGY_MAX_TYPES, sizeof(*mf.types), GFP_KERNEL);
	if (!mf.types)
		return -ENOMEM;
	mc_energy_init(&defaults);
	ret = mc_energy_parse(mc_energy_default_text,
			      strlen(mc_energy_default_text), &defaults, &err);
	if (WARN_ON_ONCE(ret))
		goto out;
	ret = mf_type_add(mc_energy_lookup(&defaults, MF_DEFAULT_TYPE)->name);
	if (ret < 0)
		goto out;
	if (memtypes && memtypes[0]) {
		ret = mf_map_parse(&defaults);
		if (ret)
			goto out;
	}
	for (i = 0; i < mf.nr_types; i++) {
		mf.types[i].pcpu = alloc_percpu(struct mf_pcpu);
		if (!mf.types[i].pcpu) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = mf_table_build(mc_energy_default_text,
			     strlen(mc_energy_default_text), &t, why,
			     sizeof(why));
	if (WARN_ON_ONCE(ret))
		goto out;
	RCU_INIT_POINTER(mf.table, t);
	strscpy(mf.status, "ok", sizeof(mf.status));
out:
	mc_energy_free(&defaults);
	if (ret)
		mirror_fill_exit();
	return ret < 0 ? ret : 0;
}

static int mf_type_sysfs_add(struct mf_type *type)
{
	struct mf_type_kobj *tk;
	int ret;

	tk = kzalloc(sizeof(*tk), GFP_KERNEL);
	if (!tk)
		return -ENOMEM;
	tk->type = type;
	ret = kobject_init_and_add(&tk->kobj, &mf_type_ktype, mf.types_kobj,
				   "%s", type->name);
	if (ret) {
		kobject_put(&tk->kobj);
		return ret;
	}
	type->kobj = tk;
	return 0;
}

/*
 * After the zones, sysfs and debugfs are set up: the fill state of every
 * zone page (unknown: the pages come with whatever the kernel left in
 * them), the memtypes/ directory and the debugfs ctl.
 */
int mirror_fill_setup(void)
{
	unsigned int i;
	int ret;

	mf.zstate = kcalloc(max(mirror.nr_zones, 1U), sizeof(*mf.zstate),
			    GFP_KERNEL);
	mf.ztype = kcalloc(max(mirror.nr_zones, 1U), sizeof(*mf.ztype),
			   GFP_KERNEL);
	if (!mf.zstate || !mf.ztype)
		return -ENOMEM;
	for (i = 0; i < mirror.nr_zones; i++) {
		struct mirror_zone *zone = &mirror.zones[i];

		mf.zstate[i] = kvzalloc(zone->end_pfn - zone->start_pfn,
					GFP_KERNEL);
		if (!mf.zstate[i])
			return -ENOMEM;
		mf.ztype[i] = mf_span_type(zone->start_pfn, zone->end_pfn);
	}
	mf.kobj = kobject_create_and_add("memtypes", mirror.root);
	if (!mf.kobj)
		return -ENOMEM;
	ret = sysfs_create_group(mf.kobj, &mf_group);
	if (ret)
		return ret;
	mf.types_kobj = kobject_create_and_add("types", mf.kobj);
	if (!mf.types_kobj)
		return -ENOMEM;
	for (i = 0; i < mf.nr_types; i++) {
		ret = mf_type_sysfs_add(&mf.types[i]);
		if (ret)
			return ret;
	}
	mf.dbg_out = kvzalloc(MF_OUT_SIZE, GFP_KERNEL);
	if (!mf.dbg_out)
		return -ENOMEM;
	if (mirror.debugfs)
		mf.debugfs = debugfs_create_file("fill", 0600, mirror.debugfs,
						 NULL, &mf_ctl_fops);
	return 0;
}

/* Undo both steps (each part only if it was done). */
void mirror_fill_exit(void)
{
	unsigned int i;

	debugfs_remove(mf.debugfs);
	mf.debugfs = NULL;
	kvfree(mf.dbg_out);
	mf.dbg_out = NULL;
	for (i = 0; mf.types && i < mf.nr_types; i++) {
		if (mf.types[i].kobj)
			kobject_put(&mf.types[i].kobj->kobj);
		mf.types[i].kobj = NULL;
	}
	kobject_put(mf.types_kobj);
	mf.types_kobj = NULL;
	kobject_put(mf.kobj);
	mf.kobj = NULL;
	if (mf.zstate) {
		for (i = 0; i < mirror.nr_zones; i++)
			kvfree(mf.zstate[i]);
		kfree(mf.zstate);
		mf.zstate = NULL;
	}
	kfree(mf.ztype);
	mf.ztype = NULL;
	/* No allocation runs any more: nobody reads the table. */
	mf_table_free(rcu_dereference_protected(mf.table, 1));
	RCU_INIT_POINTER(mf.table, NULL);
	kvfree(mf.stage);
	mf.stage = NULL;
	mf.stage_len = 0;
	for (i = 0; mf.types && i < mf.nr_types; i++)
		free_percpu(mf.types[i].pcpu);
	kfree(mf.types);
	mf.types = NULL;
	mf.nr_types = 0;
	kfree(mf.ranges);
	mf.ranges = NULL;
	mf.nr_ranges = 0;
}
