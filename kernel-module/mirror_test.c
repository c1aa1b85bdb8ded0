// SPDX-License-Identifier: GPL-2.0
/*
 * mirror_test.c - in-kernel test driver for mirror.ko, driven from shell
 * scripts through debugfs (/sys/kernel/debug/mirror_test/):
 *
 *   ctl    write one command; read back the output of the last command
 *   pages  the blocks this driver holds: "0xPFN ORDER NID MIRRORED"
 *
 * Commands (key=value words, see kernel-module/ABI.md for the full list):
 *   alloc n=N [order=K] [gfp=F,F..] [node=NID] [cpu=CPU]
 *         [ctx=process|irqoff|softirq|hardirq]
 *   free all | free n=N | free pfn=0xPFN | free every=K
 *   refree pfn=0xPFN order=K      free a block not held (or held with
 *                                 another order): a bad free
 *   leak                          forget the held blocks without freeing
 *   foreign [order=K]             free a kernel page through mirror.ko
 *   storm [seconds=S] [order=K] [slots=H]
 *   bench [order=K] [cpus=one|all] [n=N]
 *   mempool [min=N] [order=K]
 *   cache [size=S] [n=N] [strict=0|1]
 *
 * The checks that matter are made by the scripts from outside (sysfs of
 * mirror.ko); this driver only does what it is told and reports what it
 * saw, including the context each allocation ran in.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/timer.h>
#include <linux/irq_work.h>
#include <linux/completion.h>
#include <linux/random.h>
#include <linux/ktime.h>
#include <linux/cpu.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <linux/mempool.h>
#include <linux/math64.h>

#include "mirror.h"

/* Room for the pfn of every page of the test machine's zones. */
#define MT_OUT_SIZE	(2 << 20)
#define MT_CMD_MAX	512
#define MT_MAX_N	(1 << 20)

struct mtest_block {
	unsigned long pfn;
	unsigned int order;
	int nid;
	bool mirrored;
};

/*
 * mtest_lock serialises commands and protects the held-block array and the
 * output buffer.
 */
static DEFINE_MUTEX(mtest_lock);
static struct mtest_block *mtest_held;
static unsigned long mtest_nr_held;
static unsigned long mtest_cap_held;
static unsigned long mtest_share_pfn;	/* what 'map' maps; 0: nothing */

/* The word 'share' writes at the start of the page it shares. */
#define MT_SHARE_STAMP	0x5ea7ed0000000000ULL
static char *mtest_out;
static size_t mtest_out_len;
static struct dentry *mtest_dir;

static __printf(1, 2) void mtest_printf(const char *fmt, ...)
{
	va_list args;

	if (mtest_out_len >= MT_OUT_SIZE - 1)
		return;
	va_start(args, fmt);
	mtest_out_len += vscnprintf(mtest_out + mtest_out_len,
				    MT_OUT_SIZE - mtest_out_len,
				    fmt, args);
	va_end(args);
}

/* ---- arguments ----------------------------------------------------------- */

struct mtest_args {
	unsigned long n;
	unsigned int order;
	gfp_t gfp;
	int node;			/* NUMA_NO_NODE: mirror_alloc_pages() */
	int cpu;			/* -1: the writer's CPU */
	enum { MT_CTX_PROCESS, MT_CTX_IRQOFF, MT_CTX_SOFTIRQ,
	       MT_CTX_HARDIRQ } ctx;
	unsigned long pfn;
	bool have_pfn;
	unsigned long every;
	bool all;
	unsigned int seconds;
	unsigned int slots;
	bool all_cpus;
	unsigned long size;
	bool strict;
};

static const struct {
	const char *name;
	gfp_t gfp;
} mtest_gfp_names[] = {
	{ "kernel", GFP_KERNEL },
	{ "atomic", GFP_ATOMIC },
	{ "nowait", GFP_NOWAIT },
	{ "mirror", __GFP_MIRROR },
	{ "strict", __GFP_MIRROR_STRICT },
	{ "zero", __GFP_ZERO },
	{ "nowarn", __GFP_NOWARN },
	{ "noretry", __GFP_NORETRY },
	{ "dma", __GFP_DMA },
	{ "dma32", __GFP_DMA32 },
	{ "thisnode", __GFP_THISNODE },
};

static int mtest_parse_gfp(char *val, gfp_t *out)
{
	gfp_t gfp = 0;
	char *name;

	while ((name = strsep(&val, ",|")) != NULL) {
		unsigned int i, raw;

		if (!*name)
			return -EINVAL;
		for (i = 0; i < ARRAY_SIZE(mtest_gfp_names); i++)
			if (!strcmp(name, mtest_gfp_names[i].name))
				break;
		if (i < ARRAY_SIZE(mtest_gfp_names)) {
			gfp |= mtest_gfp_names[i].gfp;
			continue;
		}
		if (kstrtouint(name, 0, &raw))
			return -EINVAL;
		gfp |= (__force gfp_t)raw;
	}
	*out = gfp;
	return 0;
}

static int mtest_parse_args(char *line, struct mtest_args *a)
{
	char *word;
	int ret = 0;

	memset(a, 0, sizeof(*a));
	a->n = 1;
	a->gfp = GFP_KERNEL | __GFP_MIRROR;
	a->node = NUMA_NO_NODE;
	a->cpu = -1;
	a->seconds = 2;
	a->slots = 64;
	a->size = 64;

	while (!ret && (word = strsep(&line, " \t\n")) != NULL) {
		char *val;

		if (!*word)
			continue;
		if (!strcmp(word, "all")) {
			a->all = true;
			continue;
		}
		val = strchr(word, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(word, "n"))
			ret = kstrtoul(val, 0, &a->n);
		else if (!strcmp(word, "order"))
			ret = kstrtouint(val, 0, &a->order);
		else if (!strcmp(word, "gfp"))
			ret = mtest_parse_gfp(val, &a->gfp);
		else if (!strcmp(word, "node"))
			ret = kstrtoint(val, 0, &a->node);
		else if (!strcmp(word, "cpu"))
			ret = kstrtoint(val, 0, &a->cpu);
		else if (!strcmp(word, "pfn")) {
			ret = kstrtoul(val, 0, &a->pfn);
			a->have_pfn = true;
		} else if (!strcmp(word, "every"))
			ret = kstrtoul(val, 0, &a->every);
		else if (!strcmp(word, "seconds"))
			ret = kstrtouint(val, 0, &a->seconds);
		else if (!strcmp(word, "slots"))
			ret = kstrtouint(val, 0, &a->slots);
		else if (!strcmp(word, "size"))
			ret = kstrtoul(val, 0, &a->size);
		else if (!strcmp(word, "strict"))
			ret = kstrtobool(val, &a->strict);
		else if (!strcmp(word, "min"))
			ret = kstrtoul(val, 0, &a->n);
		else if (!strcmp(word, "cpus")) {
			if (!strcmp(val, "all"))
				a->all_cpus = true;
			else if (strcmp(val, "one"))
				ret = -EINVAL;
		} else if (!strcmp(word, "ctx")) {
			if (!strcmp(val, "process"))
				a->ctx = MT_CTX_PROCESS;
			else if (!strcmp(val, "irqoff"))
				a->ctx = MT_CTX_IRQOFF;
			else if (!strcmp(val, "softirq"))
				a->ctx = MT_CTX_SOFTIRQ;
			else if (!strcmp(val, "hardirq"))
				a->ctx = MT_CTX_HARDIRQ;
			else
				ret = -EINVAL;
		} else {
			ret = -EINVAL;
		}
	}
	if (ret)
		return ret;
	if (a->order > MAX_ORDER - 1 || a->n > MT_MAX_N || a->slots == 0 ||
	    a->slots > 4096 || a->seconds > 600)
		return -EINVAL;
	if (a->cpu >= 0 && (a->cpu >= nr_cpu_ids || !cpu_online(a->cpu)))
		return -EINVAL;
	return 0;
}

/* ---- held blocks --------------------------------------------------------- */

static int mtest_hold(struct page *page, unsigned int order)
{
	struct mtest_block *b;

	if (mtest_nr_held == mtest_cap_held) {
		unsigned long cap = max(2 * mtest_cap_held, 1024UL);
		struct mtest_block *n = kvmalloc_array(cap, sizeof(*n), GFP_KERNEL);

		if (!n)
			return -ENOMEM;
		if (mtest_held)
			memcpy(n, mtest_held, mtest_nr_held * sizeof(*n));
		kvfree(mtest_held);
		mtest_held = n;
		mtest_cap_held = cap;
	}
	b = &mtest_held[mtest_nr_held++];
	b->pfn = page_to_pfn(page);
	b->order = order;
	b->nid = page_to_nid(page);
	b->mirrored = page_is_mirrored(page);
	return 0;
}

static void mtest_release(unsigned long i)
{
	struct mtest_block *b = &mtest_held[i];

	mirror_free_pages(pfn_to_page(b->pfn), b->order);
	mtest_held[i] = mtest_held[--mtest_nr_held];
}

/* ---- alloc --------------------------------------------------------------- */

struct mtest_alloc_job {
	struct mtest_args *a;
	struct page **pages;
	unsigned long got;
	unsigned long failed;
	bool nonzero;			/* a __GFP_ZERO page had data */
	/* What the allocating context looked like. */
	int cpu;
	bool hardirq, softirq, irqs_off;
	int preempt;
	struct completion done;
	struct timer_list timer;
	struct irq_work work;
};

static bool mtest_page_is_zero(struct page *page, unsigned int order)
{
	unsigned int i;

	for (i = 0; i < (1U << order); i++)
		if (memchr_inv(page_address(page + i), 0, PAGE_SIZE))
			return false;
	return true;
}

/* The allocations themselves, in whatever context the caller set up. */
static void mtest_alloc_run(struct mtest_alloc_job *job)
{
	struct mtest_args *a = job->a;
	unsigned long i;

	job->cpu = smp_processor_id();
	job->hardirq = in_hardirq();
	job->softirq = in_serving_softirq();
	job->irqs_off = irqs_disabled();
	job->preempt = preempt_count();
	for (i = 0; i < a->n; i++) {
		struct page *page;

		if (a->node == NUMA_NO_NODE)
			page = mirror_alloc_pages(a->gfp, a->order);
		else
			page = mirror_alloc_pages_node(a->node, a->gfp,
						       a->order);
		if (!page) {
			job->failed++;
			continue;
		}
		if ((a->gfp & __GFP_ZERO) && !mtest_page_is_zero(page, a->order))
			job->nonzero = true;
		job->pages[job->got++] = page;
	}
}

static DEFINE_SPINLOCK(mtest_atomic_lock);	/* only makes a spinlock section */

static void mtest_timer_fn(struct timer_list *t)
{
	struct mtest_alloc_job *job = from_timer(job, t, timer);

	mtest_alloc_run(job);
	complete(&job->done);
}

static void mtest_irq_work_fn(struct irq_work *w)
{
	struct mtest_alloc_job *job = container_of(w, struct mtest_alloc_job, work);

	mtest_alloc_run(job);
	complete(&job->done);
}

static long mtest_alloc_on_cpu(void *arg)
{
	struct mtest_alloc_job *job = arg;
	unsigned long flags;

	switch (job->a->ctx) {
	case MT_CTX_PROCESS:
		mtest_alloc_run(job);
		break;
	case MT_CTX_IRQOFF:
		spin_lock_irqsave(&mtest_atomic_lock, flags);
		mtest_alloc_run(job);
		spin_unlock_irqrestore(&mtest_atomic_lock, flags);
		break;
	case MT_CTX_SOFTIRQ:
		timer_setup(&job->timer, mtest_timer_fn, TIMER_PINNED);
		job->timer.expires = jiffies + 1;
		add_timer_on(&job->timer, smp_processor_id());
		wait_for_completion(&job->done);
		del_timer_sync(&job->timer);
		break;
	case MT_CTX_HARDIRQ:
		/* Hard: runs in the interrupt itself, even on PREEMPT_RT. */
		job->work = IRQ_WORK_INIT_HARD(mtest_irq_work_fn);
		irq_work_queue(&job->work);
		wait_for_completion(&job->done);
		irq_work_sync(&job->work);
		break;
	}
	return 0;
}

static int mtest_cmd_alloc(struct mtest_args *a)
{
	struct mtest_alloc_job *job;
	unsigned long i, mirrored = 0;
	int ret = 0;

	if (a->ctx != MT_CTX_PROCESS && gfpflags_allow_blocking(a->gfp)) {
		mtest_printf("error: gfp allows sleeping, not usable in atomic context\n");
		return -EINVAL;
	}
	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	job->pages = kvcalloc(max(a->n, 1UL), sizeof(*job->pages), GFP_KERNEL);
	if (!job->pages) {
		ret = -ENOMEM;
		goto out;
	}
	job->a = a;
	init_completion(&job->done);

	/*
	 * A worker bound to the CPU: the allocations, and the timer or
	 * interrupt that makes them, stay on the CPU reported.
	 */
	work_on_cpu(a->cpu >= 0 ? a->cpu : raw_smp_processor_id(),
		    mtest_alloc_on_cpu, job);

	for (i = 0; i < job->got; i++) {
		if (page_is_mirrored(job->pages[i]))
			mirrored++;
		if (mtest_hold(job->pages[i], a->order)) {
			/* Out of room to remember it: give it back. */
			mirror_free_pages(job->pages[i], a->order);
			ret = -ENOMEM;
		}
	}
	mtest_printf("allocated=%lu failed=%lu mirrored=%lu cpu=%d cpu_node=%d hardirq=%d softirq=%d irqs_disabled=%d preempt_count=%#x nonzero=%d\n",
		     job->got, job->failed, mirrored, job->cpu,
		     cpu_to_node(job->cpu), job->hardirq, job->softirq,
		     job->irqs_off, job->preempt, job->nonzero);
	for (i = 0; i < job->got; i++)
		mtest_printf("0x%lx\n", page_to_pfn(job->pages[i]));
	kvfree(job->pages);
out:
	kfree(job);
	return ret;
}

/* ---- free ---------------------------------------------------------------- */

static int mtest_cmd_free(struct mtest_args *a)
{
	unsigned long i, freed = 0;

	if (a->all) {
		while (mtest_nr_held) {
			mtest_release(mtest_nr_held - 1);
			freed++;
		}
	} else if (a->have_pfn) {
		for (i = 0; i < mtest_nr_held; i++)
			if (mtest_held[i].pfn == a->pfn)
				break;
		if (i == mtest_nr_held) {
			mtest_printf("error: pfn 0x%lx not held\n", a->pfn);
			return -ENOENT;
		}
		mtest_release(i);
		freed++;
	} else if (a->every) {
		/* Every k-th block in the order of the pages file. */
		unsigned long keep = 0;

		for (i = 0; i < mtest_nr_held; i++) {
			struct mtest_block *b = &mtest_held[i];

			if ((i + 1) % a->every == 0) {
				mirror_free_pages(pfn_to_page(b->pfn),
						  b->order);
				freed++;
			} else {
				mtest_held[keep++] = *b;
			}
		}
		mtest_nr_held = keep;
	} else {
		while (freed < a->n && mtest_nr_held) {
			mtest_release(mtest_nr_held - 1);
			freed++;
		}
	}
	mtest_printf("freed=%lu held=%lu\n", freed, mtest_nr_held);
	return 0;
}

/* The held block holding 'pfn', or NULL; under mtest_lock. */
static struct mtest_block *mtest_block_of(unsigned long pfn)
{
	unsigned long i;

	for (i = 0; i < mtest_nr_held; i++)
		if (pfn >= mtest_held[i].pfn &&
		    pfn < mtest_held[i].pfn + (1UL << mtest_held[i].order))
			return &mtest_held[i];
	return NULL;
}

/*
 * share pfn=: the page a process gets by mmap() of the 'map' file, as a
 * driver maps its buffers (vm_insert_page: a reference of the mapping's
 * own).  Its first word is stamped so that the mapper can tell its data.
 */
static int mtest_cmd_share(struct mtest_args *a)
{
	u64 *word;

	if (!a->have_pfn || !mtest_block_of(a->pfn)) {
		mtest_printf("error: pfn 0x%lx not held\n", a->pfn);
		return -ENOENT;
	}
	word = kmap_local_page(pfn_to_page(a->pfn));
	word[0] = MT_SHARE_STAMP ^ a->pfn;
	kunmap_local(word);
	mtest_share_pfn = a->pfn;
	mtest_printf("shared=0x%lx word=0x%llx\n", a->pfn,
		     MT_SHARE_STAMP ^ a->pfn);
	return 0;
}

static int mtest_map_mmap(struct file *file, struct vm_area_struct *vma)
{
	int ret = -EINVAL;

	mutex_lock(&mtest_lock);
	if (mtest_share_pfn && mtest_block_of(mtest_share_pfn) &&
	    vma_pages(vma) == 1 && (vma->vm_flags & VM_SHARED))
		ret = vm_insert_page(vma, vma->vm_start,
				     pfn_to_page(mtest_share_pfn));
	mutex_unlock(&mtest_lock);
	return ret;
}

static const struct file_operations mtest_map_fops = {
	.owner = THIS_MODULE,
	.mmap = mtest_map_mmap,
};

static int mtest_cmd_refree(struct mtest_args *a)
{
	unsigned long i;

	if (!a->have_pfn || !pfn_valid(a->pfn))
		return -EINVAL;
	for (i = 0; i < mtest_nr_held; i++) {
		/* With the order it was allocated with, that is a real free. */
		if (mtest_held[i].pfn == a->pfn &&
		    mtest_held[i].order == a->order) {
			mtest_printf("error: pfn 0x%lx is held with order %u, use free\n",
				     a->pfn, a->order);
			return -EBUSY;
		}
	}
	mirror_free_pages(pfn_to_page(a->pfn), a->order);
	mtest_printf("refreed pfn=0x%lx order=%u\n", a->pfn, a->order);
	return 0;
}

/* Forget the held blocks without freeing them (as a leaking driver would). */
static int mtest_cmd_leak(struct mtest_args *a)
{
	unsigned long i;

	for (i = 0; i < mtest_nr_held; i++)
		mtest_printf("0x%lx %u\n", mtest_held[i].pfn, mtest_held[i].order);
	mtest_printf("leaked=%lu\n", mtest_nr_held);
	mtest_nr_held = 0;
	return 0;
}

static int mtest_cmd_foreign(struct mtest_args *a)
{
	struct page *page = alloc_pages(GFP_KERNEL, a->order);

	if (!page)
		return -ENOMEM;
	mirror_free_pages(page, a->order);
	mtest_printf("foreign pfn=0x%lx order=%u mirrored=%d\n",
		     page_to_pfn(page), a->order, page_is_mirrored(page));
	/* mirror.ko must have refused it: it is still ours to free. */
	__free_pages(page, a->order);
	return 0;
}

/* ---- storm --------------------------------------------------------------- */

struct mtest_storm {
	struct mtest_args *a;
	unsigned long deadline;
	atomic_t running;
	struct completion done;
	/* Totals, added by each thread at its end (atomic64). */
	atomic64_t ops, mirrored, ordinary, failed, frees, corrupt, atomic_ops;
};

struct mtest_storm_slot {
	struct page *page;
	unsigned int order;
	u64 stamp;
};

static int mtest_storm_thread(void *arg)
{
	struct mtest_storm *s = arg;
	struct mtest_storm_slot *slots;
	u64 ops = 0, mirrored = 0, ordinary = 0, failed = 0, frees = 0;
	u64 corrupt = 0, atomics = 0;
	unsigned int i, nslots = s->a->slots;
	u64 seed = get_random_u64() | 1;
	unsigned int cpu = smp_processor_id();

	slots = kcalloc(nslots, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		goto out;
	while (time_before(jiffies, s->deadline)) {
		struct mtest_storm_slot *sl;
		u32 r;

		/* xorshift64: cheap, and every bit of r is usable. */
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		r = seed >> 32;
		sl = &slots[r % nslots];
		ops++;
		if (sl->page) {
			if (*(u64 *)page_address(sl->page) != sl->stamp)
				corrupt++;
			mirror_free_pages(sl->page, sl->order);
			sl->page = NULL;
			frees++;
		} else {
			unsigned int order = (r >> 12) % (s->a->order + 1);
			int node = (r >> 16) % 4 == 0 ?
				(int)((r >> 20) % num_online_nodes()) :
				NUMA_NO_NODE;
			struct page *page;

			if ((r >> 26) % 4 == 0) {
				unsigned long flags;

				/* Every fourth allocation with irqs off. */
				local_irq_save(flags);
				page = mirror_alloc_pages_node(node,
					GFP_ATOMIC | __GFP_NOWARN |
					(s->a->gfp & __GFP_MIRROR_MASK),
					order);
				local_irq_restore(flags);
				atomics++;
			} else {
				page = mirror_alloc_pages_node(node,
					s->a->gfp | __GFP_NOWARN, order);
			}
			if (!page) {
				failed++;
			} else {
				if (page_is_mirrored(page))
					mirrored++;
				else
					ordinary++;
				sl->page = page;
				sl->order = order;
				sl->stamp = ((u64)cpu << 48) ^ ops ^
					    page_to_pfn(page);
				*(u64 *)page_address(page) = sl->stamp;
			}
		}
		if ((ops & 255) == 0)
			cond_resched();
	}
	for (i = 0; i < nslots; i++) {
		if (!slots[i].page)
			continue;
		if (*(u64 *)page_address(slots[i].page) != slots[i].stamp)
			corrupt++;
		mirror_free_pages(slots[i].page, slots[i].order);
		frees++;
	}
	kfree(slots);
out:
	atomic64_add(ops, &s->ops);
	atomic64_add(mirrored, &s->mirrored);
	atomic64_add(ordinary, &s->ordinary);
	atomic64_add(failed, &s->failed);
	atomic64_add(frees, &s->frees);
	atomic64_add(corrupt, &s->corrupt);
	atomic64_add(atomics, &s->atomic_ops);
	if (atomic_dec_and_test(&s->running))
		complete(&s->done);
	return 0;
}

/* Start one bound kthread per online CPU running 'fn'; returns how many. */
static int mtest_spawn_all(int (*fn)(void *), void *arg, atomic_t *running,
			const char *what)
{
	struct task_struct *tasks[NR_CPUS > 64 ? 64 : NR_CPUS];
	int cpu, nr = 0, i;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (nr == ARRAY_SIZE(tasks))
			break;
		t = kthread_create_on_node(fn, arg, cpu_to_node(cpu),
					   "mtest_%s/%d", what, cpu);
		if (IS_ERR(t))
			continue;
		kthread_bind(t, cpu);
		tasks[nr++] = t;
	}
	atomic_set(running, nr);
	for (i = 0; i < nr; i++)
		wake_up_process(tasks[i]);
	cpus_read_unlock();
	return nr;
}

static int mtest_cmd_storm(struct mtest_args *a)
{
	struct mtest_storm *s;
	int nr;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->a = a;
	s->deadline = jiffies + a->seconds * HZ;
	init_completion(&s->done);
	nr = mtest_spawn_all(mtest_storm_thread, s, &s->running, "storm");
	if (nr)
		wait_for_completion(&s->done);
	mtest_printf("threads=%d ops=%lld mirrored=%lld ordinary=%lld failed=%lld frees=%lld atomic=%lld corrupt=%lld\n",
		     nr, atomic64_read(&s->ops), atomic64_read(&s->mirrored),
		     atomic64_read(&s->ordinary), atomic64_read(&s->failed),
		     atomic64_read(&s->frees), atomic64_read(&s->atomic_ops),
		     atomic64_read(&s->corrupt));
	kfree(s);
	return nr ? 0 : -ENOMEM;
}

/* ---- bench --------------------------------------------------------------- */

#define MT_BATCH	32

enum mtest_bench_kind { MT_B_MIRROR, MT_B_KERNEL };
enum mtest_bench_pattern { MT_P_PAIR, MT_P_BATCH };

struct mtest_bench {
	enum mtest_bench_kind kind;
	enum mtest_bench_pattern pattern;
	unsigned int order;
	unsigned long n;		/* iterations per thread */
	atomic_t running;
	atomic_t ready;
	struct completion done;
	atomic64_t ops;
	atomic64_t failed;
};

static struct page *mtest_b_alloc(struct mtest_bench *b)
{
	if (b->kind == MT_B_MIRROR)
		return mirror_alloc_pages(GFP_KERNEL | __GFP_MIRROR |
					  __GFP_MIRROR_STRICT | __GFP_NOWARN,
					  b->order);
	return alloc_pages(GFP_KERNEL | __GFP_NOWARN, b->order);
}

static void mtest_b_free(struct mtest_bench *b, struct page *page)
{
	if (b->kind == MT_B_MIRROR)
		mirror_free_pages(page, b->order);
	else
		__free_pages(page, b->order);
}

/* One thread's share; returns the operations (alloc + free pairs) done. */
static u64 mtest_bench_loop(struct mtest_bench *b)
{
	struct page *batch[MT_BATCH];
	unsigned long i;
	u64 ops = 0, failed = 0;
	unsigned int j;

	for (i = 0; i < b->n; i++) {
		if (b->pattern == MT_P_PAIR) {
			struct page *page = mtest_b_alloc(b);

			if (!page) {
				failed++;
				continue;
			}
			mtest_b_free(b, page);
			ops++;
		} else {
			for (j = 0; j < MT_BATCH; j++)
				batch[j] = mtest_b_alloc(b);
			for (j = 0; j < MT_BATCH; j++) {
				if (!batch[j]) {
					failed++;
					continue;
				}
				mtest_b_free(b, batch[j]);
				ops++;
			}
		}
		if ((i & 63) == 0)
			cond_resched();
	}
	atomic64_add(failed, &b->failed);
	return ops;
}

static int mtest_bench_thread(void *arg)
{
	struct mtest_bench *b = arg;

	/* Start together: wait until every thread is running. */
	atomic_inc(&b->ready);
	while (atomic_read(&b->ready) < atomic_read(&b->running))
		cpu_relax();
	atomic64_add(mtest_bench_loop(b), &b->ops);
	if (atomic_dec_and_test(&b->running))
		complete(&b->done);
	return 0;
}

static long mtest_bench_one_cpu(void *arg)
{
	struct mtest_bench *b = arg;

	atomic64_add(mtest_bench_loop(b), &b->ops);
	return 0;
}

/* Operations per second of one configuration. */
static u64 mtest_bench_run(enum mtest_bench_kind kind, enum mtest_bench_pattern pat,
			unsigned int order, unsigned long n, bool all_cpus,
			u64 *failed)
{
	struct mtest_bench b = {
		.kind = kind, .pattern = pat, .order = order,
		.n = pat == MT_P_BATCH ? max(n / MT_BATCH, 1UL) : n,
	};
	ktime_t t0;
	u64 ns;

	init_completion(&b.done);
	atomic64_set(&b.ops, 0);
	atomic64_set(&b.failed, 0);
	atomic_set(&b.ready, 0);
	t0 = ktime_get();
	if (all_cpus) {
		if (mtest_spawn_all(mtest_bench_thread, &b, &b.running, "bench"))
			wait_for_completion(&b.done);
	} else {
		work_on_cpu(cpumask_first(cpu_online_mask), mtest_bench_one_cpu,
			    &b);
	}
	ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	*failed = atomic64_read(&b.failed);
	return ns ? div64_u64(atomic64_read(&b.ops) * NSEC_PER_SEC, ns) : 0;
}

#define MT_ROUNDS	5

static void mtest_sort_u64(u64 *v, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--)
			swap(v[j - 1], v[j]);
}

/*
 * What the mirror path spends besides the allocator proper, in ns per
 * operation on this CPU: an irqsave lock round trip, a module reference
 * get+put, clearing one page.
 */
static long mtest_bench_parts(void *arg)
{
	static DEFINE_SPINLOCK(lock);
	struct page *page = alloc_page(GFP_KERNEL);
	const unsigned int n = 20000;
	unsigned long flags;
	u64 t[3];
	ktime_t t0;
	unsigned int i;

	if (!page)
		return -ENOMEM;
	t0 = ktime_get();
	for (i = 0; i < n; i++) {
		spin_lock_irqsave(&lock, flags);
		spin_unlock_irqrestore(&lock, flags);
	}
	t[0] = ktime_to_ns(ktime_sub(ktime_get(), t0));
	t0 = ktime_get();
	for (i = 0; i < n; i++) {
		__module_get(THIS_MODULE);
		module_put(THIS_MODULE);
	}
	t[1] = ktime_to_ns(ktime_sub(ktime_get(), t0));
	t0 = ktime_get();
	for (i = 0; i < n; i++)
		clear_highpage(page);
	t[2] = ktime_to_ns(ktime_sub(ktime_get(), t0));
	__free_page(page);
	mtest_printf("parts ns/op: lock_irqsave=%llu module_get_put=%llu clear_page=%llu\n",
		     div_u64(t[0], n), div_u64(t[1], n), div_u64(t[2], n));
	return 0;
}

/*
 * Rounds alternate kernel and mirror runs; the ratio reported is the
 * median of the rounds' ratios, which a drifting host load disturbs
 * least.  "pair": one alloc+free at a time with nothing else out, so
 * every operation also takes and drops the zone's module reference and
 * splits and merges a whole top-order block; "warm": the same with one
 * page held in every zone meanwhile (the steady state of a zone in use);
 * "batch32": 32 allocations, then 32 frees.
 */
static int mtest_cmd_bench(struct mtest_args *a)
{
	static const char * const pname[] = { "pair", "warm", "batch32" };
	unsigned long n = a->n > 1 ? a->n : 100000;
	struct page *held[MAX_NUMNODES > 64 ? 64 : MAX_NUMNODES];
	unsigned int p, nheld = 0, i;
	int nid;

	mtest_printf("init_on_alloc=%d order=%u cpus=%s n=%lu rounds=%u\n",
		     want_init_on_alloc(0), a->order,
		     a->all_cpus ? "all" : "one", n, MT_ROUNDS);
	if (!a->all_cpus)
		work_on_cpu(cpumask_first(cpu_online_mask), mtest_bench_parts,
			    NULL);
	for (p = 0; p < ARRAY_SIZE(pname); p++) {
		u64 m[MT_ROUNDS], k[MT_ROUNDS], r[MT_ROUNDS], fm = 0, fk = 0, f;
		enum mtest_bench_pattern pat = p == 2 ? MT_P_BATCH : MT_P_PAIR;
		int round;

		if (p == 1) {
			for_each_online_node(nid) {
				struct page *page;

				if (nheld == ARRAY_SIZE(held))
					break;
				page = mirror_alloc_pages_node(nid,
					GFP_KERNEL | __GFP_MIRROR |
					__GFP_MIRROR_STRICT | __GFP_THISNODE |
					__GFP_NOWARN, 0);
				if (page)
					held[nheld++] = page;
			}
		}
		for (round = 0; round < MT_ROUNDS; round++) {
			k[round] = mtest_bench_run(MT_B_KERNEL, pat, a->order, n,
						   a->all_cpus, &f);
			fk += f;
			m[round] = mtest_bench_run(MT_B_MIRROR, pat, a->order, n,
						   a->all_cpus, &f);
			fm += f;
			r[round] = k[round] ? div64_u64(m[round] * 1000,
							k[round]) : 0;
		}
		for (i = 0; i < nheld; i++)
			mirror_free_pages(held[i], 0);
		nheld = 0;
		mtest_sort_u64(m, MT_ROUNDS);
		mtest_sort_u64(k, MT_ROUNDS);
		mtest_sort_u64(r, MT_ROUNDS);
		mtest_printf("%s order=%u cpus=%s mirror=%llu kernel=%llu ratio=%llu.%03llu failed_mirror=%llu failed_kernel=%llu\n",
			     pname[p], a->order, a->all_cpus ? "all" : "one",
			     m[MT_ROUNDS / 2], k[MT_ROUNDS / 2],
			     r[MT_ROUNDS / 2] / 1000, r[MT_ROUNDS / 2] % 1000,
			     fm, fk);
	}
	return 0;
}

/* ---- mempool ------------------------------------------------------------- */

/*
 * Create a pool with a reserve of 'min' mirrored blocks, fill every mirror
 * zone with strict allocations, then take 'min' elements without sleeping:
 * all must come from the reserve, all mirrored, and one more must fail.
 */
static int mtest_cmd_mempool(struct mtest_args *a)
{
	struct page **fill = NULL, **got = NULL;
	unsigned long nfill = 0, cap = 0, i, ngot = 0, mirrored = 0;
	unsigned long min = a->n;
	mempool_t *pool;
	void *extra;
	int ret = 0;

	if (!min || min > 4096)
		return -EINVAL;
	pool = mirror_mempool_create(min, a->order);
	if (!pool) {
		mtest_printf("error: mirror_mempool_create(%lu, %u) failed\n",
			     min, a->order);
		return -ENOMEM;
	}
	got = kcalloc(min, sizeof(*got), GFP_KERNEL);
	if (!got) {
		ret = -ENOMEM;
		goto out_pool;
	}
	for (;;) {
		struct page *page;

		if (nfill == cap) {
			struct page **n;

			cap = max(2 * cap, 1024UL);
			n = kvmalloc_array(cap, sizeof(*n), GFP_KERNEL);
			if (!n) {
				ret = -ENOMEM;
				goto out_fill;
			}
			if (fill)
				memcpy(n, fill, nfill * sizeof(*n));
			kvfree(fill);
			fill = n;
		}
		page = mirror_alloc_pages(GFP_KERNEL | __GFP_MIRROR |
					  __GFP_MIRROR_STRICT | __GFP_NOWARN,
					  a->order);
		if (!page)
			break;
		fill[nfill++] = page;
	}
	for (i = 0; i < min; i++) {
		got[i] = mempool_alloc(pool, GFP_NOWAIT | __GFP_NOWARN);
		if (!got[i])
			break;
		ngot++;
		if (page_is_mirrored(got[i]))
			mirrored++;
	}
	extra = mempool_alloc(pool, GFP_NOWAIT | __GFP_NOWARN);
	mtest_printf("reserve=%lu filled=%lu got=%lu mirrored=%lu extra=%d\n",
		     min, nfill, ngot, mirrored, extra != NULL);
	if (extra)
		mempool_free(extra, pool);
	for (i = 0; i < ngot; i++)
		mempool_free(got[i], pool);
out_fill:
	for (i = 0; i < nfill; i++)
		mirror_free_pages(fill[i], a->order);
	kvfree(fill);
	kfree(got);
out_pool:
	mempool_destroy(pool);
	return ret;
}

/* ---- object cache -------------------------------------------------------- */

static int mtest_cmd_cache(struct mtest_args *a)
{
	struct mirror_cache *cache;
	void **objs;
	unsigned long i, got = 0, mirrored = 0, bad = 0, overlap = 0;
	int ret = 0;

	if (!a->size || a->n > 65536)
		return -EINVAL;
	cache = mirror_cache_create("mirror_test", a->size, 0,
				    a->strict ? MIRROR_CACHE_STRICT : 0);
	if (!cache) {
		mtest_printf("error: mirror_cache_create(size=%lu) failed\n",
			     a->size);
		return -EINVAL;
	}
	objs = kvcalloc(max(a->n, 1UL), sizeof(*objs), GFP_KERNEL);
	if (!objs) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < a->n; i++) {
		objs[i] = mirror_cache_alloc(cache, (i & 1 ? GFP_ATOMIC :
						     GFP_KERNEL) | __GFP_ZERO);
		if (!objs[i])
			break;
		got++;
		if (memchr_inv(objs[i], 0, a->size))
			bad++;
		if (page_is_mirrored(virt_to_page(objs[i])))
			mirrored++;
		memset(objs[i], (int)(i & 0xff) | 1, a->size);
	}
	/* Every object still holds its own pattern: no two overlap. */
	for (i = 0; i < got; i++)
		if (memchr_inv(objs[i], (int)(i & 0xff) | 1, a->size))
			overlap++;
	for (i = 0; i < got; i++)
		mirror_cache_free(cache, objs[i]);
	mtest_printf("objects=%lu got=%lu mirrored=%lu not_zeroed=%lu overlap=%lu\n",
		     a->n, got, mirrored, bad, overlap);
	kvfree(objs);
out:
	mirror_cache_destroy(cache);
	return ret;
}

/* ---- debugfs ------------------------------------------------------------- */

/*
 * cachebad size=S: the frees an object cache must refuse: an object freed
 * to another cache, a pointer inside an object, a second free.  Each is
 * one refusal (mirror.ko counts them in bad_frees); the objects are then
 * freed properly and both caches destroyed clean.
 */
static int mtest_cmd_cachebad(struct mtest_args *a)
{
	struct mirror_cache *c1, *c2;
	void *o1 = NULL, *o2 = NULL;
	int ret = 0;

	if (a->size < 16)
		return -EINVAL;
	c1 = mirror_cache_create("mirror_test1", a->size, 0, 0);
	c2 = mirror_cache_create("mirror_test2", a->size, 0, 0);
	if (c1 && c2) {
		o1 = mirror_cache_alloc(c1, GFP_KERNEL);
		o2 = mirror_cache_alloc(c1, GFP_KERNEL);
	}
	if (!o1 || !o2) {
		ret = -ENOMEM;
		goto out;
	}
	mirror_cache_free(c2, o1);		/* wrong cache */
	mirror_cache_free(c1, (char *)o2 + 8);	/* inside an object */
	mirror_cache_free(c1, o1);
	mirror_cache_free(c1, o1);		/* double free */
	mirror_cache_free(c1, o2);
	o1 = o2 = NULL;
	mtest_printf("tried=3\n");
out:
	if (o1)
		mirror_cache_free(c1, o1);
	if (o2)
		mirror_cache_free(c1, o2);
	mirror_cache_destroy(c1);
	mirror_cache_destroy(c2);
	return ret;
}

static ssize_t mtest_ctl_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char *line, *p, *cmd;
	struct mtest_args *a;
	int ret;

	if (count == 0 || count >= MT_CMD_MAX)
		return -EINVAL;
	line = memdup_user_nul(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a) {
		kfree(line);
		return -ENOMEM;
	}

	mutex_lock(&mtest_lock);
	mtest_out_len = 0;
	mtest_out[0] = '\0';
	p = strim(line);
	cmd = strsep(&p, " \t");
	ret = mtest_parse_args(p, a);
	if (ret) {
		mtest_printf("error: bad arguments\n");
		goto out;
	}
	if (!strcmp(cmd, "alloc"))
		ret = mtest_cmd_alloc(a);
	else if (!strcmp(cmd, "free"))
		ret = mtest_cmd_free(a);
	else if (!strcmp(cmd, "refree"))
		ret = mtest_cmd_refree(a);
	else if (!strcmp(cmd, "share"))
		ret = mtest_cmd_share(a);
	else if (!strcmp(cmd, "leak"))
		ret = mtest_cmd_leak(a);
	else if (!strcmp(cmd, "foreign"))
		ret = mtest_cmd_foreign(a);
	else if (!strcmp(cmd, "storm"))
		ret = mtest_cmd_storm(a);
	else if (!strcmp(cmd, "bench"))
		ret = mtest_cmd_bench(a);
	else if (!strcmp(cmd, "mempool"))
		ret = mtest_cmd_mempool(a);
	else if (!strcmp(cmd, "cache"))
		ret = mtest_cmd_cache(a);
	else if (!strcmp(cmd, "cachebad"))
		ret = mtest_cmd_cachebad(a);
	else {
		mtest_printf("error: unknown command '%s'\n", cmd);
		ret = -EINVAL;
	}
out:
	mutex_unlock(&mtest_lock);
	kfree(a);
	kfree(line);
	return ret ? ret : count;
}

/*
 * The output is copied out under mtest_lock and to the reader without it: a
 * fault in copy_to_user() takes mmap_lock, and mtest_map_mmap() takes
 * mtest_lock with mmap_lock held (lockdep saw the cycle).
 */
static ssize_t mtest_ctl_read(struct file *file, char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	size_t len;
	ssize_t ret;
	char *copy;

	mutex_lock(&mtest_lock);
	len = mtest_out_len;
	copy = kvmalloc(len + 1, GFP_KERNEL);
	if (copy)
		memcpy(copy, mtest_out, len);
	mutex_unlock(&mtest_lock);
	if (!copy)
		return -ENOMEM;
	ret = simple_read_from_buffer(ubuf, count, ppos, copy, len);
	kvfree(copy);
	return ret;
}

static const struct file_operations mtest_ctl_fops = {
	.owner = THIS_MODULE,
	.read = mtest_ctl_read,
	.write = mtest_ctl_write,
	.llseek = default_llseek,
};

static int mtest_pages_show(struct seq_file *m, void *v)
{
	unsigned long i;

	mutex_lock(&mtest_lock);
	for (i = 0; i < mtest_nr_held; i++)
		seq_printf(m, "0x%lx %u %d %d\n", mtest_held[i].pfn,
			   mtest_held[i].order, mtest_held[i].nid,
			   mtest_held[i].mirrored);
	mutex_unlock(&mtest_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mtest_pages);

static int __init mtest_init(void)
{
	mtest_out = kvzalloc(MT_OUT_SIZE, GFP_KERNEL);
	if (!mtest_out)
		return -ENOMEM;
	mtest_dir = debugfs_create_dir("mirror_test", NULL);
	debugfs_create_file("ctl", 0600, mtest_dir, NULL, &mtest_ctl_fops);
	debugfs_create_file("pages", 0400, mtest_dir, NULL, &mtest_pages_fops);
	/* Not through debugfs's proxy, which has no mmap. */
	debugfs_create_file_unsafe("map", 0600, mtest_dir, NULL,
				   &mtest_map_fops);
	return 0;
}

static void __exit mtest_exit(void)
{
	debugfs_remove(mtest_dir);
	/* Whatever is still held goes back before mirror.ko can go. */
	while (mtest_nr_held)
		mtest_release(mtest_nr_held - 1);
	kvfree(mtest_held);
	kvfree(mtest_out);
}

module_init(mtest_init);
module_exit(mtest_exit);

MODULE_DESCRIPTION("Test driver for mirror.ko, driven through debugfs");
MODULE_LICENSE("GPL");
