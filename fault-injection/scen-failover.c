// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scen-failover.c - the failover drill: a victim holds known data in
 * mirrored memory (through MIRROR_FIRST); the primary copy of N of its
 * pages is corrupted through the emulated controller; the scrub finds the
 * latched errors and restores them from the mirror copy.  Checked from
 * outside the module wherever possible: the victim's own check of every
 * word, the frame numbers in /proc/PID/pagemap, the failover counters of
 * the zones and the channel, and the uevents.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drill.h"
#include "libmirror.h"

/* One word to corrupt. */
struct pick {
	unsigned long long vaddr;	/* in the victim, 0 with --addr */
	unsigned long long paddr;
	int zone;
	uint64_t before;		/* --pid: the word before injecting */
};

/* What the rounds add up to. */
struct tally {
	unsigned long rounds;
	unsigned long injected;
	unsigned long long failovers;	/* channel counter, total delta */
	unsigned long long zone_failovers;
	unsigned long events;
	unsigned long events_matched;
	unsigned long long lost;	/* pages the victim lost or saw changed */
	unsigned long long bad_words;
	long long signals;
	double repair_s_max;
	long long lat_min, lat_max, lat_sum;
	/*
	 * --repair kernel: errors the patrol scrub repaired between the
	 * injection and the kernel's report, which the emulation then
	 * counts as a second error served from the copy.
	 */
	unsigned long long reported_twice;
	bool counters_exact;
	bool latched_clear;
	char first_problem[256];

	/*
	 * The counters as the last round left them: the next round's
	 * starting point, so each round reads them once.
	 */
	struct mirror_channel_info chan;
	unsigned long long *zones;	/* failovers per zone id */
	unsigned long long zones_sum;
	unsigned int nr_zones;
};

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* xorshift64*: reproducible from the seed the report prints. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void problem(struct tally *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct tally *t, const char *fmt, ...)
{
	va_list args;

	if (t->first_problem[0])
		return;
	va_start(args, fmt);
	vsnprintf(t->first_problem, sizeof(t->first_problem), fmt, args);
	va_end(args);
}

/* ---- where the victim's data is ------------------------------------------ */

/* Pages of [addr, addr + len) of 'pid' that sit in mirror zones. */
static size_t mirrored_pages(struct mirror_ctx *ctx, pid_t pid,
			     unsigned long long addr, size_t npages,
			     unsigned long long *pfns, size_t *resident)
{
	size_t i, in = 0;

	*resident = 0;
	if (mirror_proc_get_pfns(ctx, pid, addr, npages, pfns) < 0)
		return 0;
	for (i = 0; i < npages; i++) {
		if (!pfns[i])
			continue;
		(*resident)++;
		if (drill_zone_of(ctx, pfns[i] * DRILL_PAGE_SIZE) >= 0)
			in++;
		else
			pfns[i] = 0;	/* not a candidate */
	}
	return in;
}

/* A random word of the pick's page, the same in its virtual address. */
static void pick_word(struct pick *p)
{
	unsigned long long off = (rng_next() % (DRILL_PAGE_SIZE / 8)) * 8;

	p->paddr = (p->paddr & ~(DRILL_PAGE_SIZE - 1)) + off;
	if (p->vaddr)
		p->vaddr = (p->vaddr & ~(DRILL_PAGE_SIZE - 1)) + off;
}

/* Spread n picks evenly over the candidate pages (pfns[i] != 0). */
static void spread_picks(struct mirror_ctx *ctx, const struct drill_opts *o,
			 unsigned long long addr, const unsigned long long *pfns,
			 size_t npages, size_t candidates, struct pick *picks)
{
	size_t stride = candidates / o->pages, i, k = 0, seen = 0;

	for (i = 0; i < npages && k < o->pages; i++) {
		if (!pfns[i])
			continue;
		if (seen++ % stride)
			continue;
		picks[k].vaddr = addr + i * DRILL_PAGE_SIZE;
		picks[k].paddr = pfns[i] * DRILL_PAGE_SIZE;
		picks[k].zone = drill_zone_of(ctx, picks[k].paddr);
		pick_word(&picks[k++]);
	}
}

/* --pid: anonymous pages of another process, found through its maps. */
struct pid_scan {
	struct mirror_ctx *ctx;
	pid_t pid;
	const struct drill_opts *o;
	struct pick *picks;
	size_t found;
	size_t resident;
	size_t mirrored;
};

static int scan_range(unsigned long long start, unsigned long long end,
		      void *arg)
{
	struct pid_scan *s = arg;
	size_t n = (size_t)((end - start) / DRILL_PAGE_SIZE), i;
	unsigned long long *pfns = calloc(n, sizeof(*pfns));

	if (!pfns)
		return -ENOMEM;
	if (mirror_proc_get_pfns(s->ctx, s->pid, start, n, pfns) == 0) {
		for (i = 0; i < n; i++) {
			unsigned long long pa = pfns[i] * DRILL_PAGE_SIZE;

			if (!pfns[i])
				continue;
			s->resident++;
			if (drill_zone_of(s->ctx, pa) < 0)
				continue;
			s->mirrored++;
			/* Reservoir: every mirrored page equally likely. */
			if (s->found < s->o->pages) {
				s->picks[s->found].vaddr = start + i * DRILL_PAGE_SIZE;
				s->picks[s->found++].paddr = pa;
			} else {
				size_t j = (size_t)(rng_next() % s->mirrored);

				if (j < s->o->pages) {
					s->picks[j].vaddr = start + i * DRILL_PAGE_SIZE;
					s->picks[j].paddr = pa;
				}
			}
		}
	}
	free(pfns);
	return 0;
}

/* ---- one round ------------------------------------------------------------ */

/* The channel's counters and every zone's failovers, as they are now. */
static int read_counters(struct mirror_ctx *ctx,
			 struct mirror_channel_info *chan,
			 unsigned long long *per_zone, unsigned long long *sum)
{
	struct mirror_zone *zone;

	chan->size = sizeof(*chan);
	if (mirror_channel_read(ctx, chan) || mirror_refresh(ctx))
		return -EIO;
	*sum = 0;
	mirror_zone_foreach(ctx, zone) {
		unsigned long long f = mirror_zone_get_failovers(zone);

		per_zone[mirror_zone_get_id(zone)] = f;
		*sum += f == MIRROR_UNKNOWN ? 0 : f;
	}
	return 0;
}

/* Wait for the patrol to have repaired 'want' more errors. */
static bool wait_patrol(struct mirror_ctx *ctx, unsigned long long base,
			unsigned long long want, double timeout)
{
	double end = drill_now() + timeout;
	struct mirror_channel_info ci = { .size = sizeof(ci) };

	while (drill_now() < end && !drill_interrupted) {
		if (mirror_channel_read(ctx, &ci) == 0 &&
		    ci.failovers >= base + want)
			return true;
		drill_sleep(0.005);
	}
	return false;
}

/* The failover uevents of this round: one per pick, PFN matching. */
static void collect_events(struct uevent_listener *u, const struct pick *picks,
			   size_t n, double timeout, struct tally *t)
{
	bool *seen = calloc(n, sizeof(*seen));
	double end = drill_now() + timeout;
	size_t got = 0, i;

	while (seen && got < n && drill_now() < end) {
		struct mirror_uevent ev;
		double left = end - drill_now();
		int r = uevent_next(u, &ev, left > 0 ? (int)(left * 1000) + 1 : 0);

		/* A signal other than Ctrl-C (a victim's SIGCHLD) is no end. */
		if (r == -EINTR && !drill_interrupted)
			continue;
		if (r <= 0)
			break;
		if (strcmp(ev.event, "failover"))
			continue;
		t->events++;
		for (i = 0; i < n; i++) {
			if (seen[i] || ev.pfn != picks[i].paddr / DRILL_PAGE_SIZE)
				continue;
			seen[i] = true;
			got++;
			t->events_matched++;
			if (ev.latency_us >= 0) {
				if (t->lat_min < 0 || ev.latency_us < t->lat_min)
					t->lat_min = ev.latency_us;
				if (ev.latency_us > t->lat_max)
					t->lat_max = ev.latency_us;
				t->lat_sum += ev.latency_us;
			}
			break;
		}
	}
	if (got < n)
		problem(t, "round %lu: %zu of %zu failover uevents arrived",
			t->rounds + 1, got, n);
	free(seen);
}

/* The victim's data afterwards: its own check, or the words we saved. */
static void check_data(const struct drill_opts *o, struct victim *v,
		       struct pick *picks, size_t n, struct tally *t)
{
	char ans[256];
	size_t i;

	if (v) {
		if (victim_cmd(v, "check", ans, sizeof(ans), o->timeout + 60)) {
			problem(t, "round %lu: the victim did not answer",
				t->rounds + 1);
			t->lost += n;
			return;
		}
		t->lost += (unsigned long long)(victim_val(ans, "bad_pages") +
						victim_val(ans, "lost"));
		t->bad_words += (unsigned long long)victim_val(ans, "bad_words");
		t->signals = victim_val(ans, "signals");
		if (victim_val(ans, "bad_pages") || victim_val(ans, "lost"))
			problem(t, "round %lu: the victim found %s",
				t->rounds + 1, ans);
		return;
	}
	for (i = 0; i < n && picks[i].vaddr; i++) {
		uint64_t now;

		if (proc_mem_read(o->pid, picks[i].vaddr, &now, sizeof(now)) ||
		    now != picks[i].before) {
			t->lost++;
			problem(t, "round %lu: word at 0x%llx changed",
				t->rounds + 1, picks[i].vaddr);
		}
	}
}

/*
 * Report each corrupted page as a machine check would: through the
 * kernel's memory-failure path (hwpoison's corrupt-pfn), which hands an
 * error on a zone page to mirror.ko, and mirror.ko repairs it at once.
 */
static int report_to_kernel(const struct pick *picks, size_t n,
			    struct tally *t)
{
	char buf[32];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "0x%llx",
			 picks[i].paddr / DRILL_PAGE_SIZE);
		rc = write_text(NULL, HWPOISON_DIR "/corrupt-pfn", buf);
		if (rc) {
			problem(t, "%s/corrupt-pfn %s: %s", HWPOISON_DIR, buf,
				strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int one_round(struct mirror_ctx *ctx, const struct drill_opts *o,
		     struct victim *v, struct pick *picks, size_t n,
		     struct uevent_listener *u, struct tally *t)
{
	unsigned long long *za = calloc(t->nr_zones, sizeof(*za));
	const struct mirror_channel_info before = t->chan;
	unsigned long long extra;
	struct mirror_channel_info after;
	unsigned long long zsum_a;
	double start;
	size_t i, z;
	int rc = 0;

	if (!za)
		return -ENOMEM;

	for (i = 0; i < n && picks[i].vaddr && o->pid; i++)
		proc_mem_read(o->pid, picks[i].vaddr, &picks[i].before,
			      sizeof(picks[i].before));
	start = drill_now();
	for (i = 0; i < n; i++) {
		unsigned long long mask = o->mask ? o->mask :
					  1ULL << (rng_next() % 64);

		rc = mirror_channel_inject(ctx, picks[i].paddr, mask);
		if (rc) {
			problem(t, "injecting at 0x%llx: %s", picks[i].paddr,
				mirror_get_last_error(ctx));
			break;
		}
		t->injected++;
		/* At once, so that the patrol has (almost) no time between. */
		if (o->repair == DRILL_REPAIR_KERNEL) {
			rc = report_to_kernel(&picks[i], 1, t);
			if (rc) {
				i++;
				break;
			}
		}
	}
	if (!rc && o->repair == DRILL_REPAIR_SCRUB)
		rc = mirror_channel_scrub(ctx);
	else if (!rc && o->repair == DRILL_REPAIR_PATROL && !wait_patrol(ctx, before.failovers, n, o->timeout))
		problem(t, "round %lu: the patrol did not repair %zu errors within %g s",
			t->rounds + 1, n, o->timeout);
	if (drill_now() - start > t->repair_s_max)
		t->repair_s_max = drill_now() - start;

	collect_events(u, picks, i, o->timeout, t);
	check_data(o, v, picks, n, t);

	if (read_counters(ctx, &after, za, &zsum_a)) {
		problem(t, "cannot read the counters: %s",
			mirror_get_last_error(ctx));
		free(za);
		return -EIO;
	}
	t->failovers += after.failovers - before.failovers;
	t->zone_failovers += zsum_a - t->zones_sum;
	/* A report that found its error repaired counts once more, exactly. */
	extra = o->repair == DRILL_REPAIR_KERNEL &&
		after.injected - before.injected > i ?
		after.injected - before.injected - i : 0;
	t->reported_twice += extra;
	if (after.failovers - before.failovers != i + extra ||
	    zsum_a - t->zones_sum != i + extra ||
	    after.injected - before.injected != i + extra) {
		t->counters_exact = false;
		problem(t, "round %lu: %zu injected, channel failovers +%llu, zones +%llu, injected +%llu",
			t->rounds + 1, i, after.failovers - before.failovers,
			zsum_a - t->zones_sum, after.injected - before.injected);
	}
	/* Each zone rose by the picks inside it. */
	for (i = 0; i < n; i++)
		if (picks[i].zone >= 0 && picks[i].zone < (int)t->nr_zones)
			t->zones[picks[i].zone]++;
	for (z = 0; z < t->nr_zones; z++)
		if (!extra && za[z] != t->zones[z] && t->counters_exact) {
			t->counters_exact = false;
			problem(t, "round %lu: zone%zu failovers %llu, expected %llu",
				t->rounds + 1, z, za[z], t->zones[z]);
		}
	if (after.latched != before.latched) {
		t->latched_clear = false;
		problem(t, "round %lu: %llu errors still latched",
			t->rounds + 1, after.latched);
	}
	t->rounds++;
	/* Where the next round starts. */
	t->chan = after;
	memcpy(t->zones, za, t->nr_zones * sizeof(*za));
	t->zones_sum = zsum_a;
	free(za);
	return rc;
}

/* ---- the drill ------------------------------------------------------------ */

/* --addr: must be RAM and inside a mirror zone. */
static int check_addr(struct mirror_ctx *ctx, const struct drill_opts *o)
{
	struct mirror_memmap *map = NULL;
	int in_ram = -1;

	if (mirror_memmap_read(ctx, &map) == 0) {
		in_ram = mirror_memmap_find(map, o->addr) >= 0;
		mirror_memmap_free(map);
	}
	if (in_ram == 0) {
		warnx_("--addr 0x%llx: not in System RAM", o->addr);
		return DRILL_EXIT_USAGE;
	}
	if (drill_zone_of(ctx, o->addr) < 0) {
		warnx_("--addr 0x%llx: not inside a mirror zone (see mirrorstat)",
		       o->addr);
		return DRILL_EXIT_USAGE;
	}
	if (o->addr % 8) {
		warnx_("--addr 0x%llx: not the address of a 64-bit word (8-byte aligned)",
		       o->addr);
		return DRILL_EXIT_USAGE;
	}
	return 0;
}

/* The channel must be there: emulation mode with channel=1. */
static int need_channel(struct mirror_ctx *ctx)
{
	struct mirror_channel_info ci = { .size = sizeof(ci) };
	int rc = mirror_channel_read(ctx, &ci);

	if (rc == -EOPNOTSUPP) {
		warnx_("failover needs mirror.ko's emulated mirror channel (emulation mode); on real mirrored hardware use 'mirror-drill hardware --addr PHYS --confirm'");
		return DRILL_EXIT_CANNOT;
	}
	if (rc) {
		warnx_("%s", mirror_get_last_error(ctx));
		return DRILL_EXIT_CANNOT;
	}
	return 0;
}

/* Our own victim, flagged MIRROR_FIRST, its data moved into the zones. */
static int own_victim(struct mirror_ctx *ctx, const struct drill_opts *o,
		      struct drill_report *r, struct victim *v,
		      struct pick *picks)
{
	size_t npages = o->size / DRILL_PAGE_SIZE, resident, in;
	struct mirror_first_info info = { .size = sizeof(info) };
	unsigned long long *pfns;
	int rc;

	if (victim_start(v, o->size))
		return DRILL_EXIT_FAIL;
	drill_cleanup.victim = v;
	rc = mirror_first_set(ctx, v->pid, 0, 0, &info);
	if (rc) {
		warnx_("MIRROR_FIRST on the victim: %s",
		       mirror_get_last_error(ctx));
		return rc == -EPERM ? DRILL_EXIT_CANNOT : DRILL_EXIT_FAIL;
	}
	report_note(r, "victim pid %d: %llu K of known data, MIRROR_FIRST set, %llu pages moved into mirror zones",
		    (int)v->pid, (unsigned long long)o->size >> 10,
		    info.pages_moved);
	pfns = calloc(npages, sizeof(*pfns));
	if (!pfns)
		return DRILL_EXIT_FAIL;
	/*
	 * A page the kernel holds busy for a moment (on a per-CPU LRU list,
	 * under reclaim) does not move in the first pass: another pass, then
	 * the sweeper, take it.
	 */
	in = mirrored_pages(ctx, v->pid, v->addr, npages, pfns, &resident);
	if (in * 100 < npages * 99)
		mirror_first_migrate(ctx, v->pid, true, NULL);
	for (double end = drill_now() + o->timeout;
	     in * 100 < npages * 99 && drill_now() < end && drill_sleep(0.1);)
		in = mirrored_pages(ctx, v->pid, v->addr, npages, pfns,
				    &resident);
	report_check(r, resident == npages && in * 100 >= npages * 99,
		     "data in mirror zones",
		     "%zu of %zu pages in mirror zones (/proc/%d/pagemap)",
		     in, npages, (int)v->pid);
	if (in < o->pages) {
		free(pfns);
		report_check(r, false, "pages to corrupt",
			     "only %zu pages in mirror zones, %lu asked", in,
			     o->pages);
		return DRILL_EXIT_FAIL;
	}
	spread_picks(ctx, o, v->addr, pfns, npages, in, picks);
	free(pfns);
	return 0;
}

/* Someone else's process: its mirrored anonymous pages. */
static int other_victim(struct mirror_ctx *ctx, const struct drill_opts *o,
			struct drill_report *r, struct pick *picks)
{
	struct pid_scan s = { .ctx = ctx, .pid = o->pid, .o = o,
			      .picks = picks };
	struct mirror_first_info info = { .size = sizeof(info) };
	size_t i;

	if (!proc_running(NULL, o->pid)) {
		warnx_("--pid %d: no such process (or a zombie)", (int)o->pid);
		return DRILL_EXIT_USAGE;
	}
	if (mirror_first_get(ctx, o->pid, &info) == 0 && !info.mirror_first) {
		if (mirror_first_set(ctx, o->pid, 0, 0, &info)) {
			warnx_("--pid %d: MIRROR_FIRST: %s", (int)o->pid,
			       mirror_get_last_error(ctx));
			return DRILL_EXIT_USAGE;
		}
		drill_cleanup.flagged_pid = o->pid;
		report_note(r, "pid %d: MIRROR_FIRST set for the drill (cleared after), %llu pages moved",
			    (int)o->pid, info.pages_moved);
	}
	if (proc_anon_maps(NULL, o->pid, scan_range, &s) < 0) {
		warnx_("--pid %d: cannot read its mappings", (int)o->pid);
		return DRILL_EXIT_USAGE;
	}
	report_check(r, s.found == o->pages, "data in mirror zones",
		     "pid %d: %zu of %zu resident anonymous pages in mirror zones",
		     (int)o->pid, s.mirrored, s.resident);
	if (s.found < o->pages)
		return DRILL_EXIT_FAIL;
	for (i = 0; i < s.found; i++) {
		pick_word(&picks[i]);
		picks[i].zone = drill_zone_of(ctx, picks[i].paddr);
	}
	return 0;
}

static void report_tally(struct drill_report *r, const struct drill_opts *o,
			 const struct tally *t, bool own, double elapsed)
{
	report_check(r, t->injected == t->rounds * o->pages,
		     "errors injected", "%lu in %lu round%s",
		     t->injected, t->rounds, t->rounds == 1 ? "" : "s");
	report_check(r, t->counters_exact &&
		     t->failovers == t->injected + t->reported_twice,
		     "failover counters",
		     "channel +%llu, zones +%llu, for %lu injected%s%s",
		     t->failovers, t->zone_failovers, t->injected,
		     t->counters_exact ? "" : ": ", t->counters_exact ? "" :
		     t->first_problem);
	if (o->repair == DRILL_REPAIR_KERNEL)
		report_metric_int(r, "reported_after_patrol",
				  (long long)t->reported_twice);
	report_check(r, t->latched_clear, "nothing left latched", "%s",
		     t->latched_clear ? "every latched error was found" :
		     t->first_problem);
	report_check(r, t->events_matched == t->injected, "uevents",
		     "%lu failover uevents, %lu for the pages corrupted",
		     t->events, t->events_matched);
	if (own || o->pid)
		report_check(r, t->lost == 0, "data intact",
			     own ? "the victim checked every word: %llu pages lost or changed%s%s" :
				   "the corrupted words read back as before through /proc/PID/mem: %llu changed%s%s",
			     t->lost, t->lost ? ": " : "",
			     t->lost ? t->first_problem : "");
	if (own)
		report_check(r, t->signals == 0, "victim never signalled",
			     "%lld signals", t->signals);
	else if (o->pid)
		report_check(r, proc_running(NULL, o->pid), "victim still running",
			     "pid %d", (int)o->pid);
	report_metric_int(r, "rounds", (long long)t->rounds);
	report_metric_int(r, "pages_corrupted", (long long)t->injected);
	report_metric_int(r, "pages_lost", (long long)t->lost);
	if (own)
		report_metric_int(r, "words_changed",
				  (long long)t->bad_words);
	report_metric_int(r, "failovers", (long long)t->failovers);
	if (t->events_matched) {
		report_metric_int(r, "repair_latency_us_min", t->lat_min);
		report_metric_int(r, "repair_latency_us_avg",
				  t->lat_sum / (long long)t->events_matched);
		report_metric_int(r, "repair_latency_us_max", t->lat_max);
	}
	report_metric_real(r, "round_repair_s_max", t->repair_s_max);
	report_metric_real(r, "elapsed_s", elapsed);
}

/* --addr: one word of whatever page that is; counters and events only. */
static int fill_addr_pick(struct mirror_ctx *ctx, const struct drill_opts *o,
			  struct drill_report *r, struct pick *picks)
{
	picks[0].paddr = o->addr;
	picks[0].vaddr = 0;
	picks[0].zone = drill_zone_of(ctx, o->addr);
	report_note(r, "corrupting 0x%llx in zone%d: its owner is not ours, so the data is checked through the counters and events only",
		    o->addr, picks[0].zone);
	return 0;
}

int drill_failover(struct mirror_ctx *ctx, const struct drill_opts *o,
		   struct drill_report *r)
{
	struct drill_opts opts = *o;
	static struct victim v;	/* drill_cleanup stops it, after we return */
	struct pick *picks;
	struct uevent_listener *u;
	struct tally t = { .counters_exact = true, .latched_clear = true,
			   .lat_min = -1 };
	bool own = !o->pid && !o->have_addr;
	double start, end;
	int rc;

	if (o->have_addr && o->pid) {
		warnx_("--addr and --pid: choose one victim");
		return DRILL_EXIT_USAGE;
	}
	if (o->have_addr) {
		rc = check_addr(ctx, o);
		if (rc)
			return rc;
		opts.pages = 1;
	}
	rc = need_channel(ctx);
	if (rc)
		return rc;
	if (o->repair == DRILL_REPAIR_KERNEL) {
		rc = need_hwpoison();
		if (rc) {
			warnx_("hwpoison_inject: %s (it gives %s/corrupt-pfn; is debugfs mounted? --repair scrub does without it)",
			       strerror(-rc), HWPOISON_DIR);
			return DRILL_EXIT_CANNOT;
		}
	}
	rng_state = ((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20)) | 1;
	report_metric_int(r, "seed", (long long)rng_state);
	picks = calloc(opts.pages, sizeof(*picks));
	if (!picks)
		return DRILL_EXIT_FAIL;

	/* Listen before anything is injected, so no event is missed. */
	u = uevent_listen();
	if (!u) {
		warnx_("cannot listen to uevents: %s", strerror(errno));
		free(picks);
		return DRILL_EXIT_CANNOT;
	}
	if (o->have_addr)
		rc = fill_addr_pick(ctx, &opts, r, picks);
	else if (o->pid)
		rc = other_victim(ctx, &opts, r, picks);
	else
		rc = own_victim(ctx, &opts, r, &v, picks);
	if (rc)
		goto out;

	report_note(r, "corrupting %lu word%s a round (%s), repair by %s",
		    opts.pages, opts.pages == 1 ? "" : "s",
		    o->mask ? "the bits of --mask" : "one random bit each",
		    o->repair == DRILL_REPAIR_KERNEL ?
		    "the kernel's memory-failure path (" HWPOISON_DIR
		    "/corrupt-pfn, as a machine check reports)" :
		    o->repair == DRILL_REPAIR_SCRUB ? "an on-demand scrub" :
		    "the patrol scrub");
	report_metric_str(r, "repair_path",
			  o->repair == DRILL_REPAIR_KERNEL ? "kernel" :
			  o->repair == DRILL_REPAIR_SCRUB ? "scrub" : "patrol");
	t.nr_zones = mirror_get_nr_zones(ctx);
	t.zones = calloc(t.nr_zones ? t.nr_zones : 1, sizeof(*t.zones));
	if (!t.zones || read_counters(ctx, &t.chan, t.zones, &t.zones_sum)) {
		warnx_("cannot read the counters: %s",
		       mirror_get_last_error(ctx));
		rc = DRILL_EXIT_FAIL;
		goto out;
	}
	start = drill_now();
	end = start + o->duration;
	do {
		if (one_round(ctx, &opts, own ? &v : NULL, picks, opts.pages,
			      u, &t) < 0)
			break;
		/* A victim that is gone has nothing left to prove. */
		if ((own && !victim_alive(&v, NULL)) ||
		    (o->pid && !proc_running(NULL, o->pid))) {
			problem(&t, "round %lu: the victim is gone", t.rounds);
			t.lost += opts.pages;
			break;
		}
		/* New words each round, on the same pages. */
		for (size_t i = 0; i < opts.pages && !o->have_addr; i++)
			pick_word(&picks[i]);
	} while (!drill_interrupted &&
		 (t.rounds < o->rounds || drill_now() < end));
	if (own && !victim_alive(&v, NULL))
		report_check(r, false, "victim alive", "the victim died");
	report_tally(r, &opts, &t, own, drill_now() - start);
	rc = report_passed(r) ? DRILL_EXIT_PASS : DRILL_EXIT_FAIL;
out:
	uevent_close(u);
	free(t.zones);
	free(picks);
	return rc;
}
