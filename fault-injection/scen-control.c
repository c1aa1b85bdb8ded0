// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scen-control.c - the control drill: the same corruption against
 * ordinary memory, through the kernel's own hwpoison.  There is no second
 * copy, so the victim loses the pages: it gets SIGBUS (BUS_MCEERR_AR) when
 * it touches them.  This is the contrast the failover drill is measured
 * against.  Every page poisoned is unpoisoned when the victim is gone.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>

#include "drill.h"
#include "libmirror.h"

#ifndef BUS_MCEERR_AR
#define BUS_MCEERR_AR	4
#endif

/* Outside emulation the poison is as real as it gets: ask first. */
static int control_allowed(struct mirror_ctx *ctx, const struct drill_opts *o)
{
	const char *mode = mirror_get_module_mode(ctx);

	if (o->confirm || (mode && !strcmp(mode, "emulation")))
		return 0;
	warnx_("control poisons real pages of this machine (it is not running mirror.ko in emulation mode): add --confirm to go ahead");
	return DRILL_EXIT_USAGE;
}

/* The victim must be on ordinary memory: no MIRROR_FIRST inherited. */
static void victim_ordinary(struct mirror_ctx *ctx, struct victim *v)
{
	struct mirror_first_info info = { .size = sizeof(info) };

	if (mirror_first_get(ctx, v->pid, &info) == 0 && info.mirror_first)
		mirror_first_clear(ctx, v->pid, MIRROR_FIRST_MOVE_BACK, NULL);
}

static int poison_pages(const struct drill_opts *o, struct victim *v,
			const size_t *idx, const unsigned long long *pfns, size_t n,
			struct drill_report *r)
{
	char cmd[4096], ans[128];
	size_t i, len = 0;
	int done = 0;

	drill_cleanup.poisoned = calloc(n, sizeof(uint64_t));
	if (!drill_cleanup.poisoned)
		return -ENOMEM;
	if (o->method == DRILL_METHOD_CORRUPT_PFN) {
		for (i = 0; i < n; i++) {
			char buf[32];
			int rc;

			snprintf(buf, sizeof(buf), "0x%llx\n",
				 (unsigned long long)pfns[i]);
			rc = write_text(NULL, HWPOISON_DIR "/corrupt-pfn", buf);
			if (rc) {
				report_check(r, false, "pages poisoned",
					     "%s/corrupt-pfn 0x%llx: %s (modprobe hwpoison_inject)",
					     HWPOISON_DIR,
					     (unsigned long long)pfns[i],
					     strerror(-rc));
				return rc;
			}
			drill_cleanup.poisoned[drill_cleanup.nr_poisoned++] = pfns[i];
			done++;
		}
	} else {
		len = (size_t)snprintf(cmd, sizeof(cmd), "poison");
		for (i = 0; i < n && len < sizeof(cmd) - 24; i++)
			len += (size_t)snprintf(cmd + len, sizeof(cmd) - len,
						" %zu", idx[i]);
		if (victim_cmd(v, cmd, ans, sizeof(ans), o->timeout) < 0) {
			report_check(r, false, "pages poisoned",
				     "the victim did not answer");
			return -EIO;
		}
		done = (int)victim_val(ans, "poisoned");
		for (i = 0; i < (size_t)(done > 0 ? done : 0); i++)
			drill_cleanup.poisoned[drill_cleanup.nr_poisoned++] = pfns[i];
		if (victim_val(ans, "errno") > 0) {
			report_check(r, false, "pages poisoned",
				     "madvise(MADV_HWPOISON): %s",
				     strerror((int)victim_val(ans, "errno")));
			return -EIO;
		}
	}
	report_check(r, (size_t)done == n, "pages poisoned",
		     "%d of %zu pages through %s", done, n,
		     o->method == DRILL_METHOD_CORRUPT_PFN ?
		     HWPOISON_DIR "/corrupt-pfn" : "madvise(MADV_HWPOISON)");
	return 0;
}

int drill_control(struct mirror_ctx *ctx, const struct drill_opts *o,
		  struct drill_report *r)
{
	size_t npages = o->size / DRILL_PAGE_SIZE, i, k = 0, ordinary = 0, seen;
	long long hc_before, hc_after;
	unsigned long long *pfns = NULL, *picked = NULL;
	size_t *idx = NULL;
	static struct victim v;	/* drill_cleanup stops it, after we return */
	char ans[256];
	int rc;

	if (o->pid || o->have_addr) {
		warnx_("control corrupts its own victim only: --pid and --addr are for failover and hardware");
		return DRILL_EXIT_USAGE;
	}
	rc = control_allowed(ctx, o);
	if (rc)
		return rc;
	hc_before = proc_meminfo(NULL, "HardwareCorrupted");
	if (hc_before < 0) {
		warnx_("/proc/meminfo has no HardwareCorrupted: this kernel lacks CONFIG_MEMORY_FAILURE");
		return DRILL_EXIT_CANNOT;
	}
	rc = need_hwpoison();
	if (rc) {
		warnx_("hwpoison_inject: %s (it gives %s/unpoison-pfn; is debugfs mounted?)",
		       strerror(-rc), HWPOISON_DIR);
		return DRILL_EXIT_CANNOT;
	}
	if (victim_start(&v, o->size))
		return DRILL_EXIT_FAIL;
	drill_cleanup.victim = &v;
	victim_ordinary(ctx, &v);

	pfns = calloc(npages, sizeof(*pfns));
	picked = calloc(o->pages, sizeof(*picked));
	idx = calloc(o->pages, sizeof(*idx));
	if (!pfns || !picked || !idx) {
		rc = DRILL_EXIT_FAIL;
		goto out;
	}
	if (mirror_proc_get_pfns(ctx, v.pid, v.addr, npages, pfns) < 0) {
		warnx_("/proc/%d/pagemap: frame numbers hidden (run as root)",
		       (int)v.pid);
		rc = DRILL_EXIT_CANNOT;
		goto out;
	}
	for (i = 0; i < npages; i++) {
		if (pfns[i] && drill_zone_of(ctx, pfns[i] * DRILL_PAGE_SIZE) < 0)
			ordinary++;
		else
			pfns[i] = 0;	/* not a target */
	}
	report_note(r, "victim pid %d: %llu K of known data, not MIRROR_FIRST",
		    (int)v.pid, (unsigned long long)o->size >> 10);
	/*
	 * Zone pages are device memory the kernel's allocator never hands
	 * out: every page of an unflagged victim is ordinary memory.
	 */
	report_check(r, ordinary == npages, "data in ordinary memory",
		     "%zu of %zu pages outside every mirror zone", ordinary,
		     npages);
	for (i = 0, seen = 0; i < npages && k < o->pages; i++) {
		if (!pfns[i] || seen++ % (ordinary / o->pages ? ordinary / o->pages : 1))
			continue;
		idx[k] = i;
		picked[k++] = pfns[i];
	}

	if (poison_pages(o, &v, idx, picked, k, r) < 0) {
		rc = DRILL_EXIT_FAIL;
		goto out;
	}
	hc_after = proc_meminfo(NULL, "HardwareCorrupted");
	report_check(r, hc_after - hc_before == (long long)(k * DRILL_PAGE_SIZE),
		     "kernel counted the poison",
		     "HardwareCorrupted %+lld K", (hc_after - hc_before) / 1024);

	if (victim_cmd(&v, "check", ans, sizeof(ans), o->timeout + 60) < 0) {
		report_check(r, false, "victim checked its data",
			     "no answer (the victim died?)");
		rc = DRILL_EXIT_FAIL;
		goto out;
	}
	report_check(r, victim_val(ans, "lost") == (long long)k,
		     "poisoned pages lost",
		     "%lld of %zu pages raised SIGBUS when read", victim_val(ans, "lost"),
		     k);
	report_check(r, victim_val(ans, "code") == BUS_MCEERR_AR,
		     "SIGBUS is a memory error",
		     "si_code %lld (BUS_MCEERR_AR is %d)", victim_val(ans, "code"),
		     BUS_MCEERR_AR);
	report_check(r, victim_val(ans, "bad_pages") == 0,
		     "other pages intact", "%lld pages with changed words",
		     victim_val(ans, "bad_pages"));
	report_metric_int(r, "pages_corrupted", (long long)k);
	report_metric_int(r, "pages_lost", victim_val(ans, "lost"));
	report_metric_int(r, "sigbus_code", victim_val(ans, "code"));

	/* The victim goes first: a mapped poisoned page cannot be unpoisoned. */
	victim_stop(&v);
	drill_cleanup.victim = NULL;
	if (drill_cleanup.nr_poisoned) {
		size_t nr = drill_cleanup.nr_poisoned;
		long long hc_end;

		drill_cleanup_run();
		hc_end = proc_meminfo(NULL, "HardwareCorrupted");
		report_check(r, hc_end == hc_before, "unpoisoned",
			     "%zu pages given back, HardwareCorrupted %lld K (was %lld K)",
			     nr, hc_end / 1024, hc_before / 1024);
	}
	rc = report_passed(r) ? DRILL_EXIT_PASS : DRILL_EXIT_FAIL;
out:
	free(pfns);
	free(picked);
	free(idx);
	return rc;
}
