// SPDX-License-Identifier: GPL-2.0
/*
 * mirror_process.c - MIRROR_FIRST processes: a per-process flag that puts
 * the anonymous memory of a process (thread group) into the mirror zones.
 *
 * Control: the misc device /dev/mirror (include/mirror_ioctl.h).  Setting
 * the flag migrates the memory the process already has with
 * migrate_vma_setup/pages/finalize; a sweeper thread then moves, every
 * sweep_interval_ms, whatever ordinary anonymous pages the flagged
 * processes have gained since.  Children inherit the flag at fork
 * (sched_process_fork) and it survives exec (the record is keyed by the
 * thread group id, which exec keeps); it goes when the last thread of the
 * group exits (sched_process_exit).
 *
 * Pages come back by themselves: the destination of a move is a zone
 * page, device memory of ours (mirror_main.c), and when the process lets
 * go of it the kernel hands it to mirror_page_free(), never to its own
 * allocator.  Nothing is held or swept back.  Moving memory back to
 * ordinary memory is migrate_vma again, the other way
 * (MIGRATE_VMA_SELECT_DEVICE_COHERENT): the zone pages it empties come
 * back the same way.
 *
 * A limit binds a family: the process MIRROR_IOC_SET named and every
 * descendant that inherited the flag from it share one struct mp_family,
 * and every zone page a migration gives one of them is charged to it (in
 * the page's zone_device_data, ours as the pages' owner) until its last
 * reference goes, whoever maps it then.  Forking cannot multiply the
 * limit.
 *
 * Locks: 'mp_mutex' serialises every migration and walk (ioctls and the
 * sweeper) and protects the scratch arrays; the record table is an
 * xarray (its own lock), its records are freed after RCU and counted by
 * 'ref'.  'mp_family_lock' and 'mp_mutex' are both held to change a
 * record's 'family' or a family's limit: the fork probe, which may not
 * sleep, reads them under the spinlock, everything else under either.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/mm.h>
#include <linux/migrate.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/sched/signal.h>
#include <linux/pid.h>
#include <linux/kthread.h>
#include <linux/tracepoint.h>
#include <linux/xarray.h>
#include <linux/slab.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/sched/coredump.h>
#include <linux/wait.h>
#include <linux/ktime.h>
#include <linux/delay.h>

#include "mirror_internal.h"
#include "mirror.h"
#include "mirror_ioctl.h"

#define MP_RUN_PAGES	PTRS_PER_PTE	/* one page table: the largest run */
#define MP_SWEEP_RETRY_MS	5	/* the sweeper's wait for a busy mutex */

/* A flagged process and the descendants that inherited the flag. */
struct mp_family {
	refcount_t ref;			/* its records', and one per page charged */
	u64 limit_pages;		/* 0: no limit */
	atomic64_t pages;		/* zone pages charged to it */
};

struct mp_proc {
	refcount_t ref;			/* the table's plus each user's */
	pid_t tgid;			/* global id of the thread group */
	struct pid *pid;		/* its struct pid, referenced */
	bool inherited;			/* in its parent's family */
	struct mp_family *family;	/* referenced */
	atomic64_t migrated;
	atomic64_t failed;
	atomic64_t shortfall;
	atomic64_t returned;
	u64 mirror_pages;		/* last walk, WRITE_ONCE/READ_ONCE */
	u64 ordinary_pages;
	/*
	 * The sweeper's skip (mp_sweep_quiet()), under mp_mutex: whether its
	 * last walk of the process found nothing ordinary, and what the
	 * process looked like then.
	 */
	bool quiet;
	struct mm_struct *quiet_mm;	/* compared, never dereferenced */
	u64 quiet_faults;		/* the thread group's page faults */
	unsigned long quiet_anon;	/* the mm's anonymous pages */
	unsigned int quiet_skips;	/* walks skipped since */
	struct rcu_head rcu;
};

static DEFINE_XARRAY(mp_procs);		/* tgid -> struct mp_proc */
static DEFINE_MUTEX(mp_mutex);
static DEFINE_SPINLOCK(mp_family_lock);

/*
 * The cap on what all families hold together (like openEuler's
 * task_reliable_limit): pages, 0 for none.  Written by sysfs, read by
 * passes under mp_mutex.  'mp_charged' counts every charged page (exact:
 * charges and uncharges are atomic and every moved page is charged).
 */
static u64 mp_cap_pages;
static atomic64_t mp_charged;

static atomic64_t mp_inherit_failures;
static atomic64_t mp_sweeps;
static atomic64_t mp_last_sweep_us;
static unsigned int mp_sweep_ms = 500;

static struct task_struct *mp_sweeper;
static DECLARE_WAIT_QUEUE_HEAD(mp_wait);
static atomic_t mp_kick;

static struct tracepoint *mp_tp_fork, *mp_tp_exit;
static struct kobject *mp_kobj;

/* Scratch of one migration pass, used under mp_mutex only. */
static unsigned long *mp_pfns, *mp_src, *mp_dst;

/* ---- families ----------------------------------------------------------- */

static struct mp_family *mp_family_new(u64 limit_pages)
{
	struct mp_family *fam = kzalloc(sizeof(*fam), GFP_KERNEL);

	if (!fam)
		return NULL;
	refcount_set(&fam->ref, 1);
	fam->limit_pages = limit_pages;
	return fam;
}

/* Any context: the last put may come from a page's last reference. */
static void mp_family_put(struct mp_family *fam)
{
	if (fam && refcount_dec_and_test(&fam->ref))
		kfree(fam);
}

/* A migration destination 'page' (ours, locked, one reference) goes to 'fam'. */
static void mp_family_charge(struct mp_family *fam, struct page *page)
{
	WARN_ON_ONCE(page->zone_device_data);
	refcount_inc(&fam->ref);
	atomic64_inc(&fam->pages);
	atomic64_inc(&mp_charged);
	page->zone_device_data = fam;
}

/*
 * A zone page's last reference went (mirror_page_free(), before the page
 * is free again): its charge goes.  Any context; nobody else can reach
 * the page now.
 */
void mirror_process_page_freed(struct page *page)
{
	struct mp_family *fam = page->zone_device_data;

	if (!fam)
		return;
	page->zone_device_data = NULL;
	atomic64_dec(&fam->pages);
	atomic64_dec(&mp_charged);
	mp_family_put(fam);
}

/* ---- records ------------------------------------------------------------ */

static void mp_proc_put(struct mp_proc *rec)
{
	if (rec && refcount_dec_and_test(&rec->ref)) {
		put_pid(rec->pid);
		mp_family_put(rec->family);
		kfree_rcu(rec, rcu);
	}
}

static struct mp_proc *mp_proc_get(pid_t tgid)
{
	struct mp_proc *rec;

	rcu_read_lock();
	rec = xa_load(&mp_procs, tgid);
	if (rec && !refcount_inc_not_zero(&rec->ref))
		rec = NULL;
	rcu_read_unlock();
	return rec;
}

/* A new record with 'refs' references (the table's, and the caller's). */
static struct mp_proc *mp_proc_alloc(struct pid *pid, pid_t tgid, gfp_t gfp,
				     unsigned int refs)
{
	struct mp_proc *rec = kzalloc(sizeof(*rec), gfp);

	if (!rec)
		return NULL;
	refcount_set(&rec->ref, refs);
	rec->tgid = tgid;
	rec->pid = get_pid(pid);
	return rec;
}

/* Remove 'rec' from the table if it is still there; drops the table's ref. */
static void mp_proc_unlink(struct mp_proc *rec)
{
	if (xa_cmpxchg(&mp_procs, rec->tgid, rec, NULL, GFP_ATOMIC) == rec)
		mp_proc_put(rec);
}

static void mp_wake(void)
{
	atomic_set(&mp_kick, 1);
	wake_up(&mp_wait);
}

/* ---- fork and exit ------------------------------------------------------ */

static void mp_on_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	struct mp_proc *prec, *rec;

	/* A new thread joins its group's record. */
	if (child->tgid == parent->tgid || xa_empty(&mp_procs))
		return;
	prec = mp_proc_get(parent->tgid);
	if (!prec)
		return;
	/* Preemption is off in a tracepoint probe: no sleeping here. */
	rec = mp_proc_alloc(task_tgid(child), child->tgid,
			    GFP_ATOMIC | __GFP_NOWARN, 1);
	if (rec) {
		/* The parent's family: forking does not multiply its limit. */
		rec->inherited = true;
		spin_lock(&mp_family_lock);
		rec->family = prec->family;
		refcount_inc(&rec->family->ref);
		spin_unlock(&mp_family_lock);
		if (xa_insert(&mp_procs, child->tgid, rec,
			      GFP_ATOMIC | __GFP_NOWARN)) {
			mp_proc_put(rec);
			rec = NULL;
		}
	}
	if (!rec)
		atomic64_inc(&mp_inherit_failures);
	mp_proc_put(prec);
}

static void mp_on_exit(void *data, struct task_struct *p)
{
	struct mp_proc *rec;

	/* Only when the last thread of the group goes. */
	if (atomic_read(&p->signal->live) || xa_empty(&mp_procs))
		return;
	rec = mp_proc_get(p->tgid);
	if (!rec)
		return;
	mp_proc_unlink(rec);
	mp_proc_put(rec);
	/* Its pages come free now or soon: let the sweeper look. */
	mp_wake();
}

/* ---- page tables -------------------------------------------------------- */

/*
 * The pfns mapped at [s, e), one page table at most, 0 where nothing is
 * present.  A read-only look without the page table lock, under
 * mmap_read_lock (which keeps the tables themselves): it only decides
 * where to migrate and what to count; migrate_vma_setup() re-reads
 * everything under the proper locks.
 */
static void mp_read_ptes(struct mm_struct *mm, unsigned long s,
			 unsigned long e, unsigned long *pfns)
{
	unsigned long i, n = (e - s) >> PAGE_SHIFT;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep;

	memset(pfns, 0, n * sizeof(*pfns));
	pgd = pgd_offset(mm, s);
	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return;
	p4d = p4d_offset(pgd, s);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return;
	pud = pud_offset(p4d, s);
	if (pud_none(*pud) || pud_bad(*pud))
		return;
	pmdp = pmd_offset(pud, s);
	pmd = READ_ONCE(*pmdp);
	if (pmd_none(pmd))
		return;
	if (pmd_trans_huge(pmd)) {
		/* The huge zero page is not anonymous: the caller drops it. */
		if (pmd_present(pmd))
			for (i = 0; i < n; i++)
				pfns[i] = pmd_pfn(pmd) +
					  ((s & ~PMD_MASK) >> PAGE_SHIFT) + i;
		return;
	}
	if (pmd_bad(pmd))
		return;
	ptep = pte_offset_map(pmdp, s);
	for (i = 0; i < n; i++) {
		pte_t pte = READ_ONCE(ptep[i]);

		if (pte_present(pte) && !is_zero_pfn(pte_pfn(pte)))
			pfns[i] = pte_pfn(pte);
	}
	pte_unmap(ptep);
}

/* Private memory only: that is where anonymous pages live. */
static bool mp_vma_ok(struct vm_area_struct *vma)
{
	return !(vma->vm_flags & (VM_SHARED | VM_IO | VM_PFNMAP |
				  VM_MIXEDMAP | VM_HUGETLB)) &&
	       vma->anon_vma;
}

/* An anonymous page, read without a reference: a hint. */
static bool mp_pfn_anon(unsigned long pfn)
{
	return pfn && pfn_valid(pfn) && PageAnon(pfn_to_page(pfn));
}

/*
 * Walk the private memory of 'mm' one page table at a time: when 'chunk'
 * runs, mp_pfns[0..n) holds the pfns mapped from 's' on.  Stops early when
 * the caller gets a fatal signal or holds the process's last user (it is
 * exiting).  mp_mutex held.
 */
static void mp_walk_chunks(struct mm_struct *mm,
			   void (*chunk)(struct vm_area_struct *vma,
					 unsigned long s, unsigned long n,
					 void *arg),
			   void *arg)
{
	struct vm_area_struct *vma;
	unsigned long s, e;

	mmap_read_lock(mm);
	for (vma = find_vma(mm, 0); vma; vma = find_vma(mm, vma->vm_end)) {
		if (!mp_vma_ok(vma))
			continue;
		for (s = vma->vm_start; s < vma->vm_end; s = e) {
			e = pmd_addr_end(s, vma->vm_end);
			mp_read_ptes(mm, s, e, mp_pfns);
			chunk(vma, s, (e - s) >> PAGE_SHIFT, arg);
			if (fatal_signal_pending(current) ||
			    atomic_read(&mm->mm_users) <= 1)
				goto out;
			cond_resched();
		}
	}
out:
	mmap_read_unlock(mm);
}

/* 'fn' on each run of non-zero mp_pfns[0..n) of the chunk at 's'. */
static void mp_for_each_run(struct vm_area_struct *vma, unsigned long s,
			    unsigned long n,
			    void (*fn)(struct vm_area_struct *vma,
				       unsigned long s, unsigned long e,
				       void *arg),
			    void *arg)
{
	unsigned long i, run;

	for (i = 0; i < n; i = run) {
		if (!mp_pfns[i]) {
			run = i + 1;
			continue;
		}
		for (run = i; run < n && mp_pfns[run]; run++)
			;
		fn(vma, s + (i << PAGE_SHIFT), s + (run << PAGE_SHIFT), arg);
	}
}

/* ---- moving in ---------------------------------------------------------- */

struct mp_pass {
	struct mp_family *family;	/* charged for what moves in, or NULL */
	u64 budget;			/* mirror pages this pass may take */
	bool full;			/* every zone full, or the limit met */
	struct mirror_dst_batch dst;	/* destinations taken, not used yet */
	unsigned long run_left;		/* pages of the run not yet asked for */
	u64 moved, failed, shortfall;
	u64 mirror, ordinary;		/* pages counted by the walk */
};

/*
 * One migrate_vma pass over [s, e) of the pages 'flags' selects: 'dst'
 * picks each one's destination (locked, as migrate_vma wants it) or NULL
 * to leave it where it is.  Returns the pages moved; *failed counts those
 * that had a destination and did not move (pinned, busy, raced).
 */
static unsigned long mp_migrate_range(struct vm_area_struct *vma,
				      unsigned long s, unsigned long e,
				      unsigned long flags,
				      struct page *(*dst)(struct page *src,
							  void *arg),
				      void *arg, u64 *failed)
{
	struct migrate_vma args = {
		.vma = vma,
		.start = s,
		.end = e,
		.src = mp_src,
		.dst = mp_dst,
		.pgmap_owner = (void *)mirror_pgmap_owner,
		.flags = flags,
	};
	unsigned long i, moved = 0;

	if (migrate_vma_setup(&args))
		return 0;
	for (i = 0; i < args.npages; i++) {
		struct page *spage = migrate_pfn_to_page(args.src[i]);
		struct page *dpage;

		args.dst[i] = 0;
		if (!spage || !(args.src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = dst(spage, arg);
		if (!dpage)
			continue;
		/* migrate_vma copies nothing itself. */
		copy_highpage(dpage, spage);
		args.dst[i] = migrate_pfn(page_to_pfn(dpage));
	}
	migrate_vma_pages(&args);
	for (i = 0; i < args.npages; i++) {
		if (!args.dst[i])
			continue;
		if (args.src[i] & MIGRATE_PFN_MIGRATE)
			moved++;
		else
			(*failed)++;
	}
	/*
	 * Unlocks and puts every destination that did not move (a zone page
	 * then comes back to its zone), and every zone page moved out.
	 */
	migrate_vma_finalize(&args);
	return moved;
}

/* The destination of an ordinary anonymous page: a zone page. */
static struct page *mp_dst_mirror(struct page *spage, void *arg)
{
	struct mp_pass *pass = arg;
	struct page *dpage;

	if (!PageAnon(spage) || mirror_zone_of_pfn(page_to_pfn(spage)))
		return NULL;
	if (pass->full || !pass->budget) {
		pass->full = true;
		pass->shortfall++;
		return NULL;
	}
	/*
	 * The source's node first, then by distance; locked.  A block at a
	 * time for the rest of the run (no more than the budget).
	 */
	dpage = mirror_dst_batch_page(&pass->dst, page_to_nid(spage),
				      min_t(u64, pass->run_left, pass->budget));
	pass->run_left -= !!pass->run_left;
	if (!dpage) {
		pass->full = true;
		pass->shortfall++;
		return NULL;
	}
	/* Before migrate_vma can drop it: an unused one is uncharged so. */
	if (pass->family)
		mp_family_charge(pass->family, dpage);
	pass->budget--;
	return dpage;
}

/* Migrate the ordinary anonymous pages of [s, e) into mirror zones. */
static void mp_migrate_run(struct vm_area_struct *vma, unsigned long s,
			   unsigned long e, void *arg)
{
	struct mp_pass *pass = arg;

	pass->run_left = (e - s) >> PAGE_SHIFT;
	pass->moved += mp_migrate_range(vma, s, e, MIGRATE_VMA_SELECT_SYSTEM,
					mp_dst_mirror, pass, &pass->failed);
	/* What the run did not use goes back now, not at the pass's end. */
	mirror_dst_batch_end(&pass->dst);
}

/* Free pages of all zones right now (a hint: no lock). */
static u64 mp_zones_free(void)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < mirror.nr_zones; i++)
		sum += READ_ONCE(mirror.zones[i].za.stats.free) +
		       mc_zcache_pages(&mirror.zones[i].zc);
	return sum;
}

struct mp_walk_arg {
	struct mp_pass *pass;
	bool migrate;
};

/* One chunk of mp_walk(): count, and move the runs of ordinary pages. */
static void mp_walk_chunk(struct vm_area_struct *vma, unsigned long s,
			  unsigned long n, void *arg)
{
	struct mp_walk_arg *w = arg;
	struct mp_pass *pass = w->pass;
	unsigned long i;
	u64 ord = 0;

	/*
	 * A zone pfn first: such a page is mirrored whatever else it is (in
	 * these private mappings, a page moved in), so the pages already
	 * mirrored, all of them in the steady state, are counted without
	 * reading their struct page (a cache miss each).
	 */
	for (i = 0; i < n; i++) {
		if (!mp_pfns[i])
			continue;
		if (mirror_zone_of_pfn(mp_pfns[i]))
			pass->mirror++, mp_pfns[i] = 0;
		else if (!mp_pfn_anon(mp_pfns[i]))
			mp_pfns[i] = 0;
		else
			ord++;
	}
	pass->ordinary += ord;
	if (!w->migrate || !ord)
		return;
	if (pass->full) {
		pass->shortfall += ord;
		return;
	}
	mp_for_each_run(vma, s, n, mp_migrate_run, pass);
}

/*
 * Walk the private memory of 'mm', counting its anonymous pages, and with
 * 'migrate' move the ordinary ones into mirror zones.  mp_mutex held.
 */
static void mp_walk(struct mm_struct *mm, struct mp_pass *pass, bool migrate)
{
	struct mp_walk_arg w = { .pass = pass, .migrate = migrate };

	mp_walk_chunks(mm, mp_walk_chunk, &w);
	pass->mirror += pass->moved;
	pass->ordinary -= min(pass->ordinary, pass->moved);
}

/* What the cap leaves to take now (U64_MAX: no cap).  mp_mutex held. */
static u64 mp_cap_budget(void)
{
	u64 cap = READ_ONCE(mp_cap_pages), held;

	if (!cap)
		return U64_MAX;
	held = atomic64_read(&mp_charged);
	return cap > held ? cap - held : 0;
}

/*
 * One pass over one process: count, and move what is ordinary, charging
 * it to 'fam' ('rec''s family, or a one-off family for a migration of a
 * process that is not flagged; NULL to count only).  mp_mutex held:
 * passes are the only ones to charge a family, so what one finds charged
 * at its start (the family's and all families') only shrinks until it
 * ends.
 */
static void mp_proc_pass(struct mp_proc *rec, struct mp_family *fam,
			 struct mm_struct *mm, bool migrate,
			 struct mp_pass *pass)
{
	u64 limit = fam ? fam->limit_pages : 0, used;

	memset(pass, 0, sizeof(*pass));
	pass->family = fam;
	pass->budget = U64_MAX;
	if (migrate && limit) {
		/*
		 * Count first: the limit applies to what the process already
		 * has (also what it got before it was flagged) and to what
		 * its family holds, whichever is more.
		 */
		mp_walk(mm, pass, false);
		used = max_t(u64, pass->mirror, atomic64_read(&fam->pages));
		pass->budget = limit > used ? limit - used : 0;
		pass->mirror = pass->ordinary = 0;
	}
	if (migrate)
		pass->budget = min(pass->budget, mp_cap_budget());
	/* At the limit or the cap: count only, no shortfall counted again. */
	if (migrate && !pass->budget)
		migrate = false;
	/* Nothing free anywhere: a count only, no shortfall counted again. */
	if (migrate && !mp_zones_free())
		migrate = false;
	mp_walk(mm, pass, migrate);
	if (rec) {
		atomic64_add(pass->moved, &rec->migrated);
		atomic64_add(pass->failed, &rec->failed);
		atomic64_add(pass->shortfall, &rec->shortfall);
		WRITE_ONCE(rec->mirror_pages, pass->mirror);
		WRITE_ONCE(rec->ordinary_pages, pass->ordinary);
	}
}

/* ---- moving back out --------------------------------------------------- */

/* The destination of a zone page going out: a page on the zone's node. */
static struct page *mp_dst_ordinary(struct page *spage, void *arg)
{
	struct page *dpage = alloc_pages_node(page_to_nid(spage),
					      GFP_HIGHUSER_MOVABLE |
					      __GFP_NOWARN, 0);

	if (dpage)
		lock_page(dpage);
	return dpage;
}

/*
 * Migrate the zone pages of [s, e) to ordinary memory on the zone's own
 * node.  Pages shared with another process move for both.
 */
static void mp_move_back_run(struct vm_area_struct *vma, unsigned long s,
			     unsigned long e, void *arg)
{
	u64 *moved = arg, failed = 0;

	*moved += mp_migrate_range(vma, s, e,
				   MIGRATE_VMA_SELECT_DEVICE_COHERENT,
				   mp_dst_ordinary, NULL, &failed);
}

/* One chunk of mp_move_back(): the runs of zone pages go out. */
static void mp_move_back_chunk(struct vm_area_struct *vma, unsigned long s,
			       unsigned long n, void *arg)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (mp_pfns[i] && !mirror_zone_of_pfn(mp_pfns[i]))
			mp_pfns[i] = 0;
	mp_for_each_run(vma, s, n, mp_move_back_run, arg);
}

/* Move the mirrored pages of 'mm' back to ordinary memory.  mp_mutex held. */
static u64 mp_move_back(struct mm_struct *mm)
{
	u64 moved = 0;

	mp_walk_chunks(mm, mp_move_back_chunk, &moved);
	return moved;
}

/* The memory of a thread group, also when its leader thread has exited. */
static struct mm_struct *mp_group_mm(struct task_struct *leader)
{
	struct mm_struct *mm = get_task_mm(leader);
	struct task_struct *t;

	if (mm)
		return mm;
	rcu_read_lock();
	for_each_thread(leader, t) {
		mm = get_task_mm(t);
		if (mm)
			break;
	}
	rcu_read_unlock();
	return mm;
}

/* ---- the sweeper -------------------------------------------------------- */

/* A quiet process is walked again at least every this many sweeps. */
#define MP_QUIET_MAX_SKIPS	10

/*
 * Page faults of the thread group so far, as getrusage(RUSAGE_SELF) adds
 * them up (the threads gone and those alive).  A page that comes into the
 * process's memory through a fault of its own threads, its own
 * get_user_pages() included, is counted here.  Read without the group's
 * siglock (not exported): a thread exiting meanwhile may be missed or
 * counted twice, which at worst costs a walk or delays one by a sweep.
 * 'leader' referenced.
 */
static u64 mp_group_faults(struct task_struct *leader)
{
	struct signal_struct *sig = leader->signal;
	struct task_struct *t;
	u64 n;

	n = READ_ONCE(sig->min_flt) + READ_ONCE(sig->maj_flt);
	rcu_read_lock();
	for_each_thread(leader, t)
		n += READ_ONCE(t->min_flt) + READ_ONCE(t->maj_flt);
	rcu_read_unlock();
	return n;
}

/*
 * Whether the sweeper may skip walking 'rec' this time: its last walk
 * found nothing ordinary and since then the process has the same memory,
 * took no page fault and holds as many anonymous pages, so nothing new
 * is ordinary, except a page that came without a fault of the process
 * and without changing the count (a copy-on-write break by another
 * process's write, a long-term pin moving a zone page out, a kernel
 * thread's faults not yet in the count; ABI.md lists them): the walk
 * every MP_QUIET_MAX_SKIPS sweeps finds those.  Otherwise notes what the
 * walk about to run starts from.  mp_mutex held.
 */
static bool mp_sweep_quiet(struct mp_proc *rec, struct task_struct *leader,
			   struct mm_struct *mm)
{
	unsigned long anon = get_mm_counter(mm, MM_ANONPAGES);
	u64 faults = mp_group_faults(leader);

	if (rec->quiet && rec->quiet_mm == mm && rec->quiet_faults == faults &&
	    rec->quiet_anon == anon && ++rec->quiet_skips < MP_QUIET_MAX_SKIPS)
		return true;
	/* The walk's own faults: none; it counts from here. */
	rec->quiet_mm = mm;
	rec->quiet_faults = faults;
	rec->quiet_anon = anon;
	rec->quiet_skips = 0;
	return false;
}

/*
 * Take mp_mutex for a sweep by sleeping, not spinning: mutex_lock() spins
 * while the owner runs, and an ioctl's migration holds the mutex for as
 * long as it copies (a third of a second for 256 MiB in the test machine),
 * so the sweeper would take a CPU from it for all that time.  False when
 * the sweeper is to stop.
 */
static bool mp_sweep_lock(void)
{
	while (!mutex_trylock(&mp_mutex)) {
		if (kthread_should_stop())
			return false;
		msleep(MP_SWEEP_RETRY_MS);
	}
	return true;
}

static void mp_sweep(void)
{
	unsigned long index = 0;
	struct mp_pass pass;
	ktime_t t0 = ktime_get();

	/* No flagged process: nothing to walk, no lock to take. */
	if (xa_empty(&mp_procs))
		goto out;
	if (!mp_sweep_lock())
		return;
	for (;;) {
		struct task_struct *task;
		struct mm_struct *mm = NULL;
		struct mp_proc *rec;

		rcu_read_lock();
		rec = xa_find(&mp_procs, &index, ULONG_MAX, XA_PRESENT);
		if (rec && !refcount_inc_not_zero(&rec->ref))
			rec = NULL;
		rcu_read_unlock();
		if (!rec) {
			/* A record being freed is skipped; the end stops. */
			if (!xa_find(&mp_procs, &index, ULONG_MAX, XA_PRESENT))
				break;
			index++;
			continue;
		}
		index = rec->tgid + 1UL;
		task = get_pid_task(rec->pid, PIDTYPE_PID);
		if (!task) {
			/* Gone without our exit probe seeing it. */
			mp_proc_unlink(rec);
		} else {
			mm = mp_group_mm(task);
			if (mm && mp_sweep_quiet(rec, task, mm)) {
				mmput(mm);
				mm = NULL;
			}
			put_task_struct(task);
		}
		if (mm) {
			mp_proc_pass(rec, rec->family, mm, true, &pass);
			/* Nothing ordinary left: quiet until it faults. */
			rec->quiet = !pass.ordinary;
			mmput(mm);
		}
		mp_proc_put(rec);
		if (kthread_should_stop())
			break;
	}
	mutex_unlock(&mp_mutex);
out:
	atomic64_inc(&mp_sweeps);
	atomic64_set(&mp_last_sweep_us, ktime_us_delta(ktime_get(), t0));
}

static int mp_sweeper_fn(void *unused)
{
	while (!kthread_should_stop()) {
		mp_sweep();
		wait_event_interruptible_timeout(mp_wait,
			kthread_should_stop() || atomic_xchg(&mp_kick, 0),
			msecs_to_jiffies(READ_ONCE(mp_sweep_ms)));
	}
	return 0;
}

/* ---- the ioctls --------------------------------------------------------- */

/*
 * May the caller look at (read) or change (attach) 'task'?  The rules of
 * the kernel's ptrace access check with the caller's real credentials
 * (PTRACE_MODE_READ_REALCREDS / PTRACE_MODE_ATTACH_REALCREDS): its own
 * thread group always; otherwise the caller's real uid and gid must match
 * all of the target's uids and gids, or the caller holds CAP_SYS_PTRACE
 * over the target's user namespace; and a target that is not dumpable
 * (setuid, PR_SET_DUMPABLE 0) needs CAP_SYS_PTRACE over its memory's user
 * namespace.  Written out here because Linux 6.1 exports neither
 * ptrace_may_access() nor the LSM hooks behind it to modules: read and
 * attach differ only in those hooks (Yama's ptrace_scope), which this
 * check cannot consult.
 */
static bool mp_may_access(struct task_struct *task)
{
	const struct cred *cred = current_cred(), *tcred;
	struct mm_struct *mm;
	bool ok;

	if (same_thread_group(task, current))
		return true;
	rcu_read_lock();
	tcred = __task_cred(task);
	ok = (uid_eq(cred->uid, tcred->euid) &&
	      uid_eq(cred->uid, tcred->suid) &&
	      uid_eq(cred->uid, tcred->uid) &&
	      gid_eq(cred->gid, tcred->egid) &&
	      gid_eq(cred->gid, tcred->sgid) &&
	      gid_eq(cred->gid, tcred->gid)) ||
	     ns_capable(tcred->user_ns, CAP_SYS_PTRACE);
	rcu_read_unlock();
	if (!ok)
		return false;
	/* task_lock keeps task->mm while we look at it. */
	task_lock(task);
	mm = task->mm;
	if (mm && get_dumpable(mm) != SUID_DUMP_USER &&
	    !ns_capable(mm->user_ns, CAP_SYS_PTRACE))
		ok = false;
	task_unlock(task);
	return ok;
}

/*
 * The process 'pid' names in the caller's PID namespace, referenced, or an
 * errno: -ESRCH none, exiting, or one the caller may not look at (so that
 * a process hidden from it, as by /proc's hidepid, stays hidden), -EINVAL
 * a kernel thread or init, -EPERM one the caller may not change ('strict':
 * SET, CLEAR, MIGRATE).
 */
static struct task_struct *mp_find_task(pid_t pid, bool strict)
{
	struct task_struct *task, *leader;

	if (pid <= 0)
		return ERR_PTR(-EINVAL);
	rcu_read_lock();
	task = pid_task(find_vpid(pid), PIDTYPE_PID);
	leader = task ? task->group_leader : NULL;
	if (leader)
		get_task_struct(leader);
	rcu_read_unlock();
	if (!leader)
		return ERR_PTR(-ESRCH);
	if (!strict && !mp_may_access(leader)) {
		put_task_struct(leader);
		return ERR_PTR(-ESRCH);
	}
	if (strict) {
		int err = 0;

		if (leader->flags & PF_KTHREAD)
			err = -EINVAL;
		else if (is_global_init(leader))
			err = -EINVAL;
		/*
		 * The group, not its leader thread: a leader that exited
		 * before its other threads leaves a live process.
		 */
		else if ((leader->signal->flags & SIGNAL_GROUP_EXIT) ||
			 !atomic_read(&leader->signal->live))
			err = -ESRCH;
		else if (!mp_may_access(leader))
			err = -EPERM;
		if (err) {
			put_task_struct(leader);
			return ERR_PTR(err);
		}
	}
	return leader;
}

static void mp_fill(struct mirror_proc_req *req, struct mp_proc *rec)
{
	req->mirror_first = !!rec;
	if (!rec)
		return;
	spin_lock(&mp_family_lock);
	req->inherited = rec->inherited;
	req->limit = rec->family->limit_pages << PAGE_SHIFT;
	spin_unlock(&mp_family_lock);
	req->pages_migrated = atomic64_read(&rec->migrated);
	req->pages_failed = atomic64_read(&rec->failed);
	req->pages_shortfall = atomic64_read(&rec->shortfall);
	req->pages_returned = atomic64_read(&rec->returned);
	req->mirror_bytes = READ_ONCE(rec->mirror_pages) << PAGE_SHIFT;
	req->ordinary_bytes = READ_ONCE(rec->ordinary_pages) << PAGE_SHIFT;
}

static int mp_ioc_set(struct mirror_proc_req *req)
{
	u64 limit = req->limit_bytes >> PAGE_SHIFT;
	struct mp_family *fam = NULL;
	struct task_struct *task;
	struct mm_struct *mm;
	struct mp_proc *rec, *old;
	struct mp_pass pass;
	int ret = 0;

	if (req->flags & ~MIRROR_PROC_NOMOVE)
		return -EINVAL;
	if (req->limit_bytes & ~PAGE_MASK)
		return -EINVAL;
	task = mp_find_task(req->pid, true);
	if (IS_ERR(task))
		return PTR_ERR(task);
	mm = mp_group_mm(task);
	if (!mm) {
		put_task_struct(task);
		return -ESRCH;
	}
	req->tgid = task_tgid_vnr(task);

	/*
	 * A family of its own, unless it heads one already: then the new
	 * limit is the family's.
	 */
	fam = mp_family_new(limit);
	if (!fam) {
		ret = -ENOMEM;
		goto out;
	}
	rec = mp_proc_get(task->tgid);
	if (!rec) {
		/*
		 * Both references, the table's and ours, before the record
		 * is visible: an exit right after the insertion drops only
		 * the table's.
		 */
		rec = mp_proc_alloc(task_tgid(task), task->tgid, GFP_KERNEL,
				    2);
		if (!rec) {
			ret = -ENOMEM;
			goto out;
		}
		rec->family = fam;
		fam = NULL;
		old = xa_cmpxchg(&mp_procs, task->tgid, NULL, rec, GFP_KERNEL);
		if (xa_is_err(old) || old) {
			mp_proc_put(rec);
			mp_proc_put(rec);
			ret = xa_is_err(old) ? xa_err(old) : -EAGAIN;
			goto out;
		}
		/*
		 * If the group died before the record went in, the exit
		 * probe missed it: take it out again.
		 */
		if (!atomic_read(&task->signal->live)) {
			mp_proc_unlink(rec);
			mp_proc_put(rec);
			ret = -ESRCH;
			goto out;
		}
	}

	if (mutex_lock_killable(&mp_mutex)) {
		mp_proc_put(rec);
		ret = -EINTR;
		goto out;
	}
	if (fam) {
		/* Flagged already. */
		spin_lock(&mp_family_lock);
		if (rec->inherited) {
			/* Leaves its parent's family with a limit of its own. */
			swap(rec->family, fam);
			rec->inherited = false;
		} else {
			rec->family->limit_pages = limit;
		}
		spin_unlock(&mp_family_lock);
	}
	mp_proc_pass(rec, rec->family, mm, !(req->flags & MIRROR_PROC_NOMOVE),
		     &pass);
	mutex_unlock(&mp_mutex);
	/* It exited while we moved it: say so (its record went with it). */
	if (atomic_read(&mm->mm_users) <= 1)
		ret = -ESRCH;
	req->moved_now = pass.moved;
	mp_fill(req, rec);
	mp_proc_put(rec);
out:
	/* The one not used, or the family it left. */
	mp_family_put(fam);
	mmput(mm);
	put_task_struct(task);
	return ret;
}

static int mp_ioc_clear_or_back(struct mirror_proc_req *req, bool clear)
{
	struct task_struct *task;
	struct mm_struct *mm = NULL;
	struct mp_proc *rec;
	struct mp_pass pass;
	u64 moved = 0;
	bool back;
	int ret = 0;

	if (clear && (req->flags & ~MIRROR_PROC_MOVE_BACK))
		return -EINVAL;
	back = !clear || (req->flags & MIRROR_PROC_MOVE_BACK);
	task = mp_find_task(req->pid, true);
	if (IS_ERR(task))
		return PTR_ERR(task);
	req->tgid = task_tgid_vnr(task);
	/* Everything that can fail before anything changes. */
	if (back) {
		mm = mp_group_mm(task);
		if (!mm) {
			put_task_struct(task);
			return -ESRCH;
		}
	}
	rec = mp_proc_get(task->tgid);
	if (rec && !clear) {
		/* The sweeper would move it all in again. */
		ret = -EBUSY;
		goto out;
	}
	if (rec)
		mp_proc_unlink(rec);
	if (back) {
		/* Not killable: the flag is already off, finish the move. */
		mutex_lock(&mp_mutex);
		moved = mp_move_back(mm);
		/* What it has now, for the answer. */
		mp_proc_pass(NULL, NULL, mm, false, &pass);
		mutex_unlock(&mp_mutex);
		if (rec)
			atomic64_add(moved, &rec->returned);
	}
	req->moved_now = moved;
	mp_fill(req, rec);
	req->mirror_first = 0;
	if (back) {
		req->mirror_bytes = pass.mirror << PAGE_SHIFT;
		req->ordinary_bytes = pass.ordinary << PAGE_SHIFT;
		req->pages_returned += rec ? 0 : moved;
	}
out:
	if (mm)
		mmput(mm);
	mp_proc_put(rec);
	put_task_struct(task);
	return ret;
}

static int mp_ioc_migrate_in(struct mirror_proc_req *req)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct mp_proc *rec;
	struct mp_family *oneshot;
	struct mp_pass pass;
	pid_t tgid;

	task = mp_find_task(req->pid, true);
	if (IS_ERR(task))
		return PTR_ERR(task);
	tgid = task->tgid;
	req->tgid = task_tgid_vnr(task);
	mm = mp_group_mm(task);
	put_task_struct(task);
	if (!mm)
		return -ESRCH;
	rec = mp_proc_get(tgid);
	/*
	 * A process that is not flagged: what moves is charged to a family
	 * of its own (no limit), so that the cap sees it and each page is
	 * uncharged when it comes back.
	 */
	oneshot = rec ? NULL : mp_family_new(0);
	if (!rec && !oneshot) {
		mmput(mm);
		return -ENOMEM;
	}
	if (mutex_lock_killable(&mp_mutex)) {
		mmput(mm);
		mp_proc_put(rec);
		mp_family_put(oneshot);
		return -EINTR;
	}
	mp_proc_pass(rec, rec ? rec->family : oneshot, mm, true, &pass);
	mutex_unlock(&mp_mutex);
	/* Its pages hold their own references to it. */
	mp_family_put(oneshot);
	if (atomic_read(&mm->mm_users) <= 1) {
		mmput(mm);
		mp_proc_put(rec);
		return -ESRCH;
	}
	mmput(mm);
	req->moved_now = pass.moved;
	mp_fill(req, rec);
	if (!rec) {
		req->mirror_bytes = pass.mirror << PAGE_SHIFT;
		req->ordinary_bytes = pass.ordinary << PAGE_SHIFT;
		req->pages_migrated = pass.moved;
		req->pages_failed = pass.failed;
		req->pages_shortfall = pass.shortfall;
	}
	mp_proc_put(rec);
	return 0;
}

static int mp_ioc_get(struct mirror_proc_req *req)
{
	struct task_struct *task;
	struct mm_struct *mm = NULL;
	struct mp_proc *rec;
	struct mp_pass pass;
	pid_t tgid;

	task = mp_find_task(req->pid, false);
	if (IS_ERR(task))
		return PTR_ERR(task);
	tgid = task->tgid;
	req->tgid = task_tgid_vnr(task);
	/* A fresh count of the memory is for root; others see the last. */
	if (capable(CAP_SYS_ADMIN))
		mm = mp_group_mm(task);
	put_task_struct(task);
	rec = mp_proc_get(tgid);
	if (mm) {
		if (mutex_lock_killable(&mp_mutex)) {
			mmput(mm);
			mp_proc_put(rec);
			return -EINTR;
		}
		mp_proc_pass(rec, NULL, mm, false, &pass);
		mutex_unlock(&mp_mutex);
		mmput(mm);
		req->mirror_bytes = pass.mirror << PAGE_SHIFT;
		req->ordinary_bytes = pass.ordinary << PAGE_SHIFT;
	}
	if (rec)
		mp_fill(req, rec);
	mp_proc_put(rec);
	return 0;
}

static long mp_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mirror_proc_req req;
	void __user *uarg = (void __user *)arg;
	int ret;

	switch (cmd) {
	case MIRROR_IOC_SET:
	case MIRROR_IOC_CLEAR:
	case MIRROR_IOC_MIGRATE:
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		break;
	case MIRROR_IOC_GET:
		break;
	default:
		return -ENOTTY;
	}
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	/* Outputs start from zero whatever the caller left there. */
	{
		struct mirror_proc_req in = req;

		memset(&req, 0, sizeof(req));
		req.pid = in.pid;
		req.flags = in.flags;
		req.limit_bytes = in.limit_bytes;
	}

	switch (cmd) {
	case MIRROR_IOC_SET:
		ret = mp_ioc_set(&req);
		break;
	case MIRROR_IOC_CLEAR:
		ret = mp_ioc_clear_or_back(&req, true);
		break;
	case MIRROR_IOC_MIGRATE:
		if (req.flags == MIRROR_PROC_TO_MIRROR)
			ret = mp_ioc_migrate_in(&req);
		else if (req.flags == MIRROR_PROC_TO_NORMAL)
			ret = mp_ioc_clear_or_back(&req, false);
		else
			ret = -EINVAL;
		break;
	default:
		ret = mp_ioc_get(&req);
		break;
	}
	if (ret)
		return ret;
	if (cmd != MIRROR_IOC_GET)
		mp_wake();
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}

static const struct file_operations mp_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = mp_ioctl,
	.mmap = mirror_dev_mmap,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice mp_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = MIRROR_DEV_NAME,
	.fops = &mp_fops,
	/* root's: a udev rule may hand it to a group (GET needs no more). */
	.mode = 0600,
};

/* ---- sysfs: /sys/kernel/mm/mirror/processes/ ---------------------------- */

static ssize_t nr_flagged_show(struct kobject *k, struct kobj_attribute *a,
			       char *buf)
{
	unsigned long index;
	void *entry;
	u64 n = 0;

	xa_for_each(&mp_procs, index, entry)
		n++;
	return sysfs_emit(buf, "%llu\n", n);
}

#define MP_SHOW(name, expr)						\
static ssize_t name##_show(struct kobject *k, struct kobj_attribute *a,	\
			   char *buf)					\
{									\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(expr));	\
}									\
static struct kobj_attribute mp_attr_##name = __ATTR_RO(name)

MP_SHOW(inherit_failures, atomic64_read(&mp_inherit_failures));
MP_SHOW(sweeps, atomic64_read(&mp_sweeps));
MP_SHOW(last_sweep_us, atomic64_read(&mp_last_sweep_us));
static struct kobj_attribute mp_attr_nr_flagged = __ATTR_RO(nr_flagged);

static ssize_t sweep_interval_ms_show(struct kobject *k,
				      struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(mp_sweep_ms));
}

static ssize_t sweep_interval_ms_store(struct kobject *k,
				       struct kobj_attribute *a,
				       const char *buf, size_t count)
{
	unsigned int ms;

	if (kstrtouint(buf, 10, &ms) || ms < 10 || ms > 3600000)
		return -EINVAL;
	WRITE_ONCE(mp_sweep_ms, ms);
	mp_wake();
	return count;
}

static struct kobj_attribute mp_attr_sweep_interval_ms =
	__ATTR_RW_MODE(sweep_interval_ms, 0644);

MP_SHOW(total_pages, atomic64_read(&mp_charged));

static ssize_t total_limit_bytes_show(struct kobject *k,
				      struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(mp_cap_pages) << PAGE_SHIFT);
}

/*
 * Lowering the cap below what the families hold moves nothing out: passes
 * stop taking pages until enough have come back.
 */
static ssize_t total_limit_bytes_store(struct kobject *k,
				       struct kobj_attribute *a,
				       const char *buf, size_t count)
{
	u64 bytes;

	if (kstrtou64(buf, 10, &bytes) || (bytes & ~PAGE_MASK))
		return -EINVAL;
	WRITE_ONCE(mp_cap_pages, bytes >> PAGE_SHIFT);
	mp_wake();
	return count;
}

static struct kobj_attribute mp_attr_total_limit_bytes =
	__ATTR_RW_MODE(total_limit_bytes, 0644);

static struct attribute *mp_attrs[] = {
	&mp_attr_nr_flagged.attr,
	&mp_attr_inherit_failures.attr,
	&mp_attr_sweeps.attr,
	&mp_attr_last_sweep_us.attr,
	&mp_attr_sweep_interval_ms.attr,
	&mp_attr_total_pages.attr,
	&mp_attr_total_limit_bytes.attr,
	NULL,
};

static const struct attribute_group mp_group = {
	.attrs = mp_attrs,
};

/* ---- load and unload ---------------------------------------------------- */

static void mp_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_fork"))
		mp_tp_fork = tp;
	else if (!strcmp(tp->name, "sched_process_exit"))
		mp_tp_exit = tp;
}

static void mp_free_scratch(void)
{
	kfree(mp_pfns);
	kfree(mp_src);
	kfree(mp_dst);
	mp_pfns = mp_src = mp_dst = NULL;
}

int mirror_process_init(void)
{
	int ret;

	mp_pfns = kcalloc(MP_RUN_PAGES, sizeof(long), GFP_KERNEL);
	mp_src = kcalloc(MP_RUN_PAGES, sizeof(long), GFP_KERNEL);
	mp_dst = kcalloc(MP_RUN_PAGES, sizeof(long), GFP_KERNEL);
	if (!mp_pfns || !mp_src || !mp_dst) {
		ret = -ENOMEM;
		goto out_scratch;
	}

	for_each_kernel_tracepoint(mp_find_tp, NULL);
	if (!mp_tp_fork || !mp_tp_exit) {
		pr_err("processes: tracepoints sched_process_fork/exit not found\n");
		ret = -ENOENT;
		goto out_scratch;
	}
	ret = tracepoint_probe_register(mp_tp_fork, mp_on_fork, NULL);
	if (ret)
		goto out_scratch;
	ret = tracepoint_probe_register(mp_tp_exit, mp_on_exit, NULL);
	if (ret)
		goto out_fork;

	mp_kobj = kobject_create_and_add("processes", mirror.root);
	if (!mp_kobj) {
		ret = -ENOMEM;
		goto out_exit;
	}
	ret = sysfs_create_group(mp_kobj, &mp_group);
	if (ret)
		goto out_kobj;

	mp_sweeper = kthread_run(mp_sweeper_fn, NULL, "mirror_sweep");
	if (IS_ERR(mp_sweeper)) {
		ret = PTR_ERR(mp_sweeper);
		goto out_kobj;
	}
	ret = misc_register(&mp_misc);
	if (ret)
		goto out_thread;
	return 0;

out_thread:
	kthread_stop(mp_sweeper);
out_kobj:
	kobject_put(mp_kobj);
out_exit:
	tracepoint_probe_unregister(mp_tp_exit, mp_on_exit, NULL);
out_fork:
	tracepoint_probe_unregister(mp_tp_fork, mp_on_fork, NULL);
	tracepoint_synchronize_unregister();
out_scratch:
	mp_free_scratch();
	return ret;
}

void mirror_process_exit(void)
{
	unsigned long index;
	struct mp_proc *rec;

	misc_deregister(&mp_misc);
	kthread_stop(mp_sweeper);
	tracepoint_probe_unregister(mp_tp_exit, mp_on_exit, NULL);
	tracepoint_probe_unregister(mp_tp_fork, mp_on_fork, NULL);
	tracepoint_synchronize_unregister();
	kobject_put(mp_kobj);
	xa_for_each(&mp_procs, index, rec) {
		xa_erase(&mp_procs, index);
		mp_proc_put(rec);
	}
	xa_destroy(&mp_procs);
	/* kfree_rcu() callbacks of the records must not outlive the code. */
	rcu_barrier();
	mp_free_scratch();
}
