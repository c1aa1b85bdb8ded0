// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mirrorstat - how much mirrored memory there is, where, how full, who
 * uses it, and whether anything falls back to ordinary memory.
 *
 * Every sample is first turned into rows (one per zone, one per node);
 * the table, JSON and Prometheus printers only format rows.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libsmartcols.h>

#include "config.h"
#include "cgroup.h"
#include "libmirror.h"
#include "output.h"
#include "tool.h"
#include "util.h"

#define UNKNOWN		MIRROR_UNKNOWN
#define JSON_SCHEMA	1
#define TOP_MAX		100000
#define PIDS_MAX	1024
#define INTERVAL_MIN	0.01
#define INTERVAL_MAX	86400.0

/* ---- columns ----------------------------------------------------------- */

enum {
	COL_ZONE,
	COL_NODE,
	COL_RANGE,
	COL_SIZE,
	COL_USED,
	COL_FREE,
	COL_USEPERC,
	COL_ALLOCS,
	COL_FREES,
	COL_REMOTE,
	COL_FALLBACKS,
	COL_FAILED,
	COL_FAILOVERS,
	COL_BADFREES,
	COL_EXHAUSTED,
	COL_ORDINARY,
	COL_ALLOC_RATE,
	COL_FALLBACK_RATE,
	COL_FAILOVER_RATE,
	NR_COLS
};

enum {
	PCOL_PID,
	PCOL_COMMAND,
	PCOL_RSS,
	PCOL_MIRROR,
	PCOL_OTHER,
	PCOL_MIRRORPERC,
	PCOL_FIRST,
	PCOL_SOURCE,
	PCOL_CGROUP,
	NR_PCOLS
};

static const struct coldesc coldescs[NR_COLS] = {
	[COL_ZONE]	= { "ZONE", 5, 0, "mirror zone (node rows: its zones)",
			  { "zone", "zones" } },
	[COL_NODE]	= { "NODE", 1, SCOLS_FL_RIGHT, "NUMA node",
			  { "node" } },
	[COL_RANGE]	= { "RANGE", 37, 0, "physical address range of the zone",
			  { "start", "end" } },
	[COL_SIZE]	= { "SIZE", 5, SCOLS_FL_RIGHT, "mirrored memory that can be handed out",
			  { "size_bytes" } },
	[COL_USED]	= { "USED", 5, SCOLS_FL_RIGHT, "mirrored memory in use",
			  { "used_bytes" } },
	[COL_FREE]	= { "FREE", 5, SCOLS_FL_RIGHT, "mirrored memory free",
			  { "free_bytes" } },
	[COL_USEPERC]	= { "USE%", 5, SCOLS_FL_RIGHT, "USED as a share of SIZE" },
	[COL_ALLOCS]	= { "ALLOCS", 6, SCOLS_FL_RIGHT, "allocations served (zone) or made (node)",
			  { "allocs" } },
	[COL_FREES]	= { "FREES", 6, SCOLS_FL_RIGHT, "frees returned to the zone",
			  { "frees" } },
	[COL_REMOTE]	= { "REMOTE", 6, SCOLS_FL_RIGHT, "node's allocations served by another node",
			  { "remote" } },
	[COL_FALLBACKS]	= { "FALLBACKS", 6, SCOLS_FL_RIGHT, "requests passed on (zone) or served from ordinary memory (node)",
			  { "fallbacks" } },
	[COL_FAILED]	= { "FAILED", 6, SCOLS_FL_RIGHT, "node's requests that got no memory at all",
			  { "failed" } },
	[COL_FAILOVERS]	= { "FAILOVERS", 6, SCOLS_FL_RIGHT, "errors repaired from the mirror copy",
			  { "failovers" } },
	[COL_BADFREES]	= { "BADFREES", 6, SCOLS_FL_RIGHT, "frees of the zone's pages that were refused",
			  { "bad_frees" } },
	[COL_EXHAUSTED]	= { "EXHAUSTED", 3, 0, "zone found full by a request and not yet recovered",
			  { "exhausted" } },
	[COL_ORDINARY]	= { "ORDINARY", 6, SCOLS_FL_RIGHT, "node's requests without mirror preference, ordinary memory",
			  { "allocs_ordinary" } },
	[COL_ALLOC_RATE] = { "ALLOC/S", 6, SCOLS_FL_RIGHT, "allocations per second (watch mode)",
			  { "rates" } },
	[COL_FALLBACK_RATE] = { "FALLBACK/S", 6, SCOLS_FL_RIGHT, "fallbacks per second (watch mode)",
			  { "rates" } },
	[COL_FAILOVER_RATE] = { "FAILOVER/S", 6, SCOLS_FL_RIGHT, "failovers per second (watch mode)",
			  { "rates" } },
};

static const struct coldesc pcoldescs[NR_PCOLS] = {
	[PCOL_PID]	= { "PID", 5, SCOLS_FL_RIGHT, "process id",
			  { "pid" } },
	[PCOL_COMMAND]	= { "COMMAND", 10, 0, "command name",
			  { "command" } },
	[PCOL_RSS]	= { "RSS", 5, SCOLS_FL_RIGHT, "resident memory",
			  { "resident_bytes" } },
	[PCOL_MIRROR]	= { "MIRROR", 5, SCOLS_FL_RIGHT, "resident memory in mirrored ranges",
			  { "mirror_bytes" } },
	[PCOL_OTHER]	= { "OTHER", 5, SCOLS_FL_RIGHT, "resident memory elsewhere",
			  { "other_bytes" } },
	[PCOL_MIRRORPERC] = { "MIRROR%", 5, SCOLS_FL_RIGHT, "MIRROR as a share of RSS" },
	[PCOL_FIRST]	= { "FIRST", 3, 0, "mirror-first flag of the process (yes/no)",
			  { "mirror_first" } },
	[PCOL_SOURCE]	= { "SOURCE", 7, 0, "where the figures come from (pagemap/status)",
			  { "source" } },
	[PCOL_CGROUP]	= { "CGROUP", 20, 0, "its cgroup v2 group (- none; not printed by default)",
			  { "cgroup" } },
};

static const int zone_defaults[] = {
	COL_ZONE, COL_NODE, COL_RANGE, COL_SIZE, COL_USED, COL_FREE,
	COL_USEPERC, COL_ALLOCS, COL_FALLBACKS, COL_FAILOVERS,
};

static const int node_defaults[] = {
	COL_NODE, COL_ZONE, COL_SIZE, COL_USED, COL_FREE, COL_USEPERC,
	COL_ALLOCS, COL_REMOTE, COL_FALLBACKS, COL_FAILED, COL_FAILOVERS,
};

static const int rate_defaults[] = { COL_ALLOC_RATE, COL_FALLBACK_RATE };

static const int proc_defaults[] = {
	PCOL_PID, PCOL_COMMAND, PCOL_RSS, PCOL_MIRROR, PCOL_OTHER,
	PCOL_MIRRORPERC, PCOL_FIRST,
};

/* ---- state ------------------------------------------------------------- */

enum view { VIEW_ZONES, VIEW_NODES, VIEW_SUMMARY, VIEW_PROCS };
enum format { FMT_TABLE, FMT_JSON, FMT_PROMETHEUS };

/* One zone or node, as printed.  Counters are UNKNOWN when not provided. */
struct row {
	char zone[256];
	int node;
	unsigned long long start, last;	/* zone rows; last is inclusive */
	bool has_range;
	unsigned long long size, used, free;
	unsigned long long allocs, frees, remote, fallbacks, failed, failovers;
	unsigned long long bad_frees, exhausted, ordinary;
	double rate[3];			/* allocs, fallbacks, failovers; <0: none */
	char (*zone_names)[16];		/* node rows: names of its zones */
	unsigned int nr_zone_names;
};

struct prev {
	unsigned long long v[3];
};

struct mirrorstat {
	struct mirror_ctx *ctx;
	const char *sysroot;
	const char *backend;
	enum view view;
	enum format format;
	bool watch;
	double interval;
	unsigned long count;		/* 0: forever */
	struct tableopts t;
	pid_t pids[PIDS_MAX];
	unsigned int npids;
	unsigned long top;

	struct row *zrows, *nrows;
	unsigned int nzrows, nnrows;
	struct prev *zprev, *nprev;
	bool have_prev;
	double prev_time;
	struct mirror_proc **procs;
	unsigned int nprocs;
	bool procs_scanned;
};

/* ---- rows -------------------------------------------------------------- */

static unsigned long long pages(struct mirror_ctx *ctx, unsigned long long n)
{
	unsigned long ps = mirror_get_page_size(ctx);

	return n == UNKNOWN || n > UNKNOWN / ps ? UNKNOWN : n * ps;
}

static unsigned long long add(unsigned long long a, unsigned long long b)
{
	return a == UNKNOWN || b == UNKNOWN || a + b < a ? UNKNOWN : a + b;
}

static void zone_row(struct mirror_zone *z, struct row *r)
{
	struct mirror_ctx *ctx = mirror_zone_get_ctx(z);

	memset(r, 0, sizeof(*r));
	snprintf(r->zone, sizeof(r->zone), "%s", mirror_zone_get_name(z));
	r->node = mirror_zone_get_node_id(z);
	r->start = mirror_zone_get_start(z);
	r->last = mirror_zone_get_end(z) - 1;
	r->has_range = true;
	r->size = pages(ctx, mirror_zone_get_pages_total(z));
	r->used = pages(ctx, mirror_zone_get_pages_used(z));
	r->free = pages(ctx, mirror_zone_get_pages_free(z));
	r->allocs = mirror_zone_get_allocs(z);
	r->frees = mirror_zone_get_frees(z);
	r->remote = UNKNOWN;
	r->fallbacks = mirror_zone_get_alloc_failures(z);
	r->failed = UNKNOWN;
	r->failovers = mirror_zone_get_failovers(z);
	r->bad_frees = mirror_zone_get_bad_frees(z);
	r->exhausted = mirror_zone_get_exhausted(z);
	r->ordinary = UNKNOWN;
}

static int node_row(struct mirror_node *n, struct row *r)
{
	struct mirror_ctx *ctx = mirror_node_get_ctx(n);
	struct mirror_zone *z;
	size_t off = 0;
	unsigned int i = 0;

	memset(r, 0, sizeof(*r));
	r->node = mirror_node_get_id(n);
	r->nr_zone_names = mirror_node_get_nr_zones(n);
	r->zone_names = calloc(r->nr_zone_names + 1, sizeof(*r->zone_names));
	if (!r->zone_names)
		return -ENOMEM;
	mirror_node_zone_foreach(n, z) {
		const char *name = mirror_zone_get_name(z);

		snprintf(r->zone_names[i++], sizeof(r->zone_names[0]), "%s", name);
		if (off + strlen(name) + 2 < sizeof(r->zone))
			off += (size_t)snprintf(r->zone + off,
						sizeof(r->zone) - off, "%s%s",
						off ? "," : "", name);
	}
	if (!off)
		snprintf(r->zone, sizeof(r->zone), "-");
	r->size = pages(ctx, mirror_node_get_pages_total(n));
	r->used = pages(ctx, mirror_node_get_pages_used(n));
	r->free = pages(ctx, mirror_node_get_pages_free(n));
	r->allocs = add(mirror_node_get_allocs_local(n),
			mirror_node_get_allocs_remote(n));
	r->frees = UNKNOWN;
	r->remote = mirror_node_get_allocs_remote(n);
	r->fallbacks = add(mirror_node_get_fallback_exhausted(n),
			   mirror_node_get_fallback_constraint(n));
	r->failed = mirror_node_get_failed(n);
	r->failovers = mirror_node_get_failovers(n);
	r->bad_frees = UNKNOWN;
	r->exhausted = UNKNOWN;
	r->ordinary = mirror_node_get_allocs_ordinary(n);
	return 0;
}

static void free_rows(struct mirrorstat *ms)
{
	unsigned int i;

	for (i = 0; i < ms->nnrows; i++)
		free(ms->nrows[i].zone_names);
	free(ms->zrows);
	free(ms->nrows);
	ms->zrows = ms->nrows = NULL;
	ms->nzrows = ms->nnrows = 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Per-second change since the last sample; -1 when there is none. */
static void rates(struct row *r, struct prev *p, bool have, double dt)
{
	unsigned long long cur[3] = { r->allocs, r->fallbacks, r->failovers };
	unsigned int k;

	for (k = 0; k < 3; k++) {
		r->rate[k] = -1;
		if (have && dt > 0 && cur[k] != UNKNOWN && p->v[k] != UNKNOWN &&
		    cur[k] >= p->v[k])
			r->rate[k] = (double)(cur[k] - p->v[k]) / dt;
		p->v[k] = cur[k];
	}
}

static int build_rows(struct mirrorstat *ms)
{
	struct mirror_zone *z;
	struct mirror_node *n;
	unsigned int nz = mirror_get_nr_zones(ms->ctx);
	unsigned int nn = mirror_get_nr_nodes(ms->ctx);
	double t = now();
	unsigned int i = 0;
	int rc;

	free_rows(ms);
	ms->zrows = calloc(nz + 1, sizeof(*ms->zrows));
	ms->nrows = calloc(nn + 1, sizeof(*ms->nrows));
	if (!ms->zprev)
		ms->zprev = calloc(nz + 1, sizeof(*ms->zprev));
	if (!ms->nprev)
		ms->nprev = calloc(nn + 1, sizeof(*ms->nprev));
	if (!ms->zrows || !ms->nrows || !ms->zprev || !ms->nprev)
		return -ENOMEM;
	mirror_zone_foreach(ms->ctx, z) {
		zone_row(z, &ms->zrows[i]);
		rates(&ms->zrows[i], &ms->zprev[i], ms->have_prev,
		      t - ms->prev_time);
		i++;
	}
	ms->nzrows = i;
	i = 0;
	mirror_node_foreach(ms->ctx, n) {
		rc = node_row(n, &ms->nrows[i]);
		ms->nnrows = i + 1;
		if (rc < 0)
			return rc;
		rates(&ms->nrows[i], &ms->nprev[i], ms->have_prev,
		      t - ms->prev_time);
		i++;
	}
	ms->have_prev = ms->watch;
	ms->prev_time = t;
	return 0;
}

/* ---- processes --------------------------------------------------------- */

static void free_procs(struct mirrorstat *ms)
{
	unsigned int i;

	/* Scanned ones belong to the context. */
	if (!ms->procs_scanned)
		for (i = 0; i < ms->nprocs; i++)
			mirror_proc_free(ms->procs[i]);
	free(ms->procs);
	ms->procs = NULL;
	ms->nprocs = 0;
}

static int proc_cmp(const void *a, const void *b)
{
	struct mirror_proc *x = *(struct mirror_proc *const *)a;
	struct mirror_proc *y = *(struct mirror_proc *const *)b;
	unsigned long long mx = mirror_proc_get_mirror_bytes(x);
	unsigned long long my = mirror_proc_get_mirror_bytes(y);
	unsigned long long rx = mirror_proc_get_resident_bytes(x);
	unsigned long long ry = mirror_proc_get_resident_bytes(y);

	if (mx != my)
		return mx < my ? 1 : -1;
	if (rx != ry)
		return rx < ry ? 1 : -1;
	return mirror_proc_get_pid(x) - mirror_proc_get_pid(y);
}

static int load_procs(struct mirrorstat *ms)
{
	struct mirror_proc *p;
	unsigned int i, n = 0;
	int rc;

	free_procs(ms);
	if (ms->npids) {
		ms->procs_scanned = false;
		ms->procs = calloc(ms->npids, sizeof(*ms->procs));
		if (!ms->procs)
			return -ENOMEM;
		for (i = 0; i < ms->npids; i++) {
			rc = mirror_proc_new(ms->ctx, ms->pids[i], &ms->procs[i]);
			if (rc < 0)
				return rc;
			ms->nprocs++;
		}
		return 0;
	}
	ms->procs_scanned = true;
	rc = mirror_proc_scan(ms->ctx);
	if (rc < 0)
		return rc;
	mirror_proc_foreach(ms->ctx, p)
		n++;
	ms->procs = calloc(n + 1, sizeof(*ms->procs));
	if (!ms->procs)
		return -ENOMEM;
	mirror_proc_foreach(ms->ctx, p)
		ms->procs[ms->nprocs++] = p;
	qsort(ms->procs, ms->nprocs, sizeof(*ms->procs), proc_cmp);
	if (ms->nprocs > ms->top)
		ms->nprocs = (unsigned int)ms->top;
	return 0;
}

/* ---- table ------------------------------------------------------------- */


static void fmt_size_ms(struct mirrorstat *ms, unsigned long long v,
			char *buf, size_t len)
{
	fmt_size(v, ms->t.bytes, buf, len);
}

static void fmt_percent(unsigned long long part, unsigned long long whole,
			char *buf, size_t len)
{
	double p;

	if (part == UNKNOWN || whole == UNKNOWN || (p = percent(part, whole)) < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", p);
}

static void fmt_rate(double r, char *buf, size_t len)
{
	if (r < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", r);
}

/* A cell of a zone or node line (columns_line(), 'ctx' the mirrorstat). */
static void row_cell(void *ctx, void *row, int col, char *buf, size_t len)
{
	struct mirrorstat *ms = ctx;
	const struct row *r = row;

	switch (col) {
	case COL_ZONE:
		snprintf(buf, len, "%s", r->zone);
		break;
	case COL_NODE:
		snprintf(buf, len, "%d", r->node);
		break;
	case COL_RANGE:
		if (r->has_range)
			snprintf(buf, len, "0x%016llx-0x%016llx", r->start,
				 r->last);
		else
			snprintf(buf, len, "-");
		break;
	case COL_SIZE:
		fmt_size_ms(ms, r->size, buf, len);
		break;
	case COL_USED:
		fmt_size_ms(ms, r->used, buf, len);
		break;
	case COL_FREE:
		fmt_size_ms(ms, r->free, buf, len);
		break;
	case COL_USEPERC:
		fmt_percent(r->used, r->size, buf, len);
		break;
	case COL_ALLOCS:
		fmt_count(r->allocs, buf, len);
		break;
	case COL_FREES:
		fmt_count(r->frees, buf, len);
		break;
	case COL_REMOTE:
		fmt_count(r->remote, buf, len);
		break;
	case COL_FALLBACKS:
		fmt_count(r->fallbacks, buf, len);
		break;
	case COL_FAILED:
		fmt_count(r->failed, buf, len);
		break;
	case COL_FAILOVERS:
		fmt_count(r->failovers, buf, len);
		break;
	case COL_BADFREES:
		fmt_count(r->bad_frees, buf, len);
		break;
	case COL_EXHAUSTED:
		snprintf(buf, len, "%s", r->exhausted == UNKNOWN ? "-" :
			 r->exhausted ? "yes" : "no");
		break;
	case COL_ORDINARY:
		fmt_count(r->ordinary, buf, len);
		break;
	case COL_ALLOC_RATE:
	case COL_FALLBACK_RATE:
	case COL_FAILOVER_RATE:
		fmt_rate(r->rate[col - COL_ALLOC_RATE], buf, len);
		break;
	default:
		snprintf(buf, len, "-");
	}
}

/* Its group as /proc/PID/cgroup says (one small read), "-" for none. */
static bool proc_cgroup(struct mirrorstat *ms, struct mirror_proc *p,
			char *buf, size_t len)
{
	char raw[PATH_MAX];

	if (cg_of_pid(mirror_get_sysroot(ms->ctx), mirror_proc_get_pid(p), raw,
		      sizeof(raw)) < 0) {
		snprintf(buf, len, "-");
		return false;
	}
	text_safe(raw, buf, len);
	return true;
}

/* A cell of a process line (columns_line(), 'ctx' the mirrorstat). */
static void proc_cell(void *ctx, void *row, int col, char *buf, size_t len)
{
	struct mirrorstat *ms = ctx;
	struct mirror_proc *p = row;
	int first;

	switch (col) {
	case PCOL_PID:
		snprintf(buf, len, "%d", (int)mirror_proc_get_pid(p));
		break;
	case PCOL_COMMAND:
		snprintf(buf, len, "%s", mirror_proc_get_comm(p));
		break;
	case PCOL_RSS:
		fmt_size_ms(ms, mirror_proc_get_resident_bytes(p), buf, len);
		break;
	case PCOL_MIRROR:
		fmt_size_ms(ms, mirror_proc_get_mirror_bytes(p), buf, len);
		break;
	case PCOL_OTHER:
		fmt_size_ms(ms, mirror_proc_get_other_bytes(p), buf, len);
		break;
	case PCOL_MIRRORPERC:
		fmt_percent(mirror_proc_get_mirror_bytes(p),
			    mirror_proc_get_resident_bytes(p), buf, len);
		break;
	case PCOL_FIRST:
		first = mirror_proc_get_mirror_first(p);
		snprintf(buf, len, "%s", first < 0 ? "-" : first ? "yes" : "no");
		break;
	case PCOL_SOURCE:
		snprintf(buf, len, "%s",
			 mirror_proc_get_source(p) == MIRROR_PROC_STATUS ?
			 "status" : "pagemap");
		break;
	case PCOL_CGROUP:
		proc_cgroup(ms, p, buf, len);
		break;
	default:
		snprintf(buf, len, "-");
	}
}

static int print_table(struct mirrorstat *ms)
{
	struct libscols_table *tb;
	const struct row *rows = ms->view == VIEW_NODES ? ms->nrows : ms->zrows;
	unsigned int nrows = ms->view == VIEW_NODES ? ms->nnrows : ms->nzrows;
	unsigned int i;
	int rc = 0;

	tb = columns_table(&ms->t, ms->view == VIEW_PROCS ? pcoldescs : coldescs);
	if (!tb)
		return -ENOMEM;
	if (ms->view == VIEW_PROCS)
		nrows = ms->nprocs;
	for (i = 0; i < nrows && rc == 0; i++) {
		if (ms->view == VIEW_PROCS)
			rc = columns_line(tb, &ms->t, proc_cell, ms,
					  ms->procs[i]);
		else
			rc = columns_line(tb, &ms->t, row_cell, ms,
					  (void *)&rows[i]);
	}
	if (rc == 0)
		scols_print_table(tb);
	scols_unref_table(tb);
	return rc;
}

static void summary_line(const char *label, const char *value)
{
	printf("%-24s%s\n", label, value);
}

static void summary_size(struct mirrorstat *ms, const char *label,
			 unsigned long long v)
{
	char buf[64];

	if (v == UNKNOWN)
		return;
	fmt_size_ms(ms, v, buf, sizeof(buf));
	summary_line(label, buf);
}

static void print_summary(struct mirrorstat *ms)
{
	struct mirror_ctx *ctx = ms->ctx;
	unsigned long long total = mirror_get_total_bytes(ctx);
	unsigned long long used = mirror_get_used_bytes(ctx);
	char buf[160], size[64], pct[16];

	summary_line("Backend:", mirror_get_backend_description(ctx));
	fmt_size_ms(ms, total, size, sizeof(size));
	snprintf(buf, sizeof(buf), "%s in %u zones on %u nodes", size,
		 mirror_get_nr_zones(ctx), mirror_get_nr_nodes(ctx));
	summary_line("Mirrored memory:", buf);
	fmt_size_ms(ms, used, size, sizeof(size));
	fmt_percent(used, total, pct, sizeof(pct));
	snprintf(buf, sizeof(buf), "%s (%s)", size, pct);
	summary_line("Used:", buf);
	fmt_size_ms(ms, mirror_get_free_bytes(ctx), size, sizeof(size));
	summary_line("Free:", size);
	summary_size(ms, "Used by tasks:", mirror_get_task_used_bytes(ctx));
	summary_size(ms, "Used by page cache:", mirror_get_pagecache_bytes(ctx));
	summary_size(ms, "Used by shmem:", mirror_get_shmem_bytes(ctx));
	summary_size(ms, "Free in buddy:", mirror_get_buddy_bytes(ctx));
	fmt_count(mirror_get_allocs(ctx), buf, sizeof(buf));
	summary_line("Allocations:", buf);
	fmt_count(mirror_get_fallbacks(ctx), buf, sizeof(buf));
	summary_line("Fallbacks to ordinary:", buf);
	fmt_count(mirror_get_failovers(ctx), buf, sizeof(buf));
	summary_line("Failovers:", buf);
	if (mirror_get_bad_frees(ctx) != UNKNOWN) {
		fmt_count(mirror_get_bad_frees(ctx), buf, sizeof(buf));
		summary_line("Refused frees:", buf);
	}
	summary_size(ms, "Ordinary memory out:", mirror_get_ordinary_bytes(ctx));
}

/* ---- JSON (schema 1) --------------------------------------------------- */

static json_t *jhex(unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", v);
	return json_string(buf);
}

static json_t *jrates(struct mirrorstat *ms, const struct row *r)
{
	static const char *const names[3] = { "allocs", "fallbacks",
					      "failovers" };
	json_t *o;
	unsigned int k;

	if (!ms->watch || r->rate[0] < 0)
		return json_null();
	o = json_object();
	for (k = 0; k < 3; k++)
		json_object_set_new(o, names[k], r->rate[k] < 0 ? json_null() :
				    json_real(r->rate[k]));
	return o;
}

/*
 * With -o, keep only the keys of the columns asked for (of this view: the
 * zone and node objects, or the process objects), as lsblk does.
 */
static json_t *json_columns(struct mirrorstat *ms, bool proc, json_t *o)
{
	if (proc != (ms->view == VIEW_PROCS))
		return o;
	return columns_json(o, &ms->t, proc ? pcoldescs : coldescs);
}

static json_t *json_zone(struct mirrorstat *ms, const struct row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "zone", json_text(r->zone));
	json_object_set_new(o, "node", json_integer(r->node));
	json_object_set_new(o, "start", jhex(r->start));
	json_object_set_new(o, "end", jhex(r->last));
	json_object_set_new(o, "size_bytes", json_count(r->size));
	json_object_set_new(o, "used_bytes", json_count(r->used));
	json_object_set_new(o, "free_bytes", json_count(r->free));
	json_object_set_new(o, "allocs", json_count(r->allocs));
	json_object_set_new(o, "frees", json_count(r->frees));
	json_object_set_new(o, "fallbacks", json_count(r->fallbacks));
	json_object_set_new(o, "failovers", json_count(r->failovers));
	json_object_set_new(o, "bad_frees", json_count(r->bad_frees));
	json_object_set_new(o, "exhausted", r->exhausted == UNKNOWN ?
			    json_null() : json_boolean(r->exhausted));
	json_object_set_new(o, "rates", jrates(ms, r));
	return o;
}

static json_t *json_node(struct mirrorstat *ms, const struct row *r)
{
	json_t *o = json_object(), *zones = json_array();
	unsigned int i;

	for (i = 0; i < r->nr_zone_names; i++)
		json_array_append_new(zones, json_text(r->zone_names[i]));
	json_object_set_new(o, "node", json_integer(r->node));
	json_object_set_new(o, "zones", zones);
	json_object_set_new(o, "size_bytes", json_count(r->size));
	json_object_set_new(o, "used_bytes", json_count(r->used));
	json_object_set_new(o, "free_bytes", json_count(r->free));
	json_object_set_new(o, "allocs", json_count(r->allocs));
	json_object_set_new(o, "remote", json_count(r->remote));
	json_object_set_new(o, "fallbacks", json_count(r->fallbacks));
	json_object_set_new(o, "failed", json_count(r->failed));
	json_object_set_new(o, "failovers", json_count(r->failovers));
	json_object_set_new(o, "allocs_ordinary", json_count(r->ordinary));
	json_object_set_new(o, "rates", jrates(ms, r));
	return o;
}

/* Whether -o asked for column 'col' of the process view. */
static bool proc_col_asked(struct mirrorstat *ms, int col)
{
	unsigned int i;

	for (i = 0; ms->t.outarg && i < ms->t.ncols; i++)
		if (ms->t.cols[i] == col)
			return true;
	return false;
}

static json_t *json_proc(struct mirrorstat *ms, struct mirror_proc *p)
{
	json_t *o = json_object();
	int first = mirror_proc_get_mirror_first(p);
	char cg[PATH_MAX];

	json_object_set_new(o, "pid", json_integer(mirror_proc_get_pid(p)));
	json_object_set_new(o, "command", json_text(mirror_proc_get_comm(p)));
	json_object_set_new(o, "resident_bytes",
			    json_count(mirror_proc_get_resident_bytes(p)));
	json_object_set_new(o, "mirror_bytes",
			    json_count(mirror_proc_get_mirror_bytes(p)));
	json_object_set_new(o, "other_bytes",
			    json_count(mirror_proc_get_other_bytes(p)));
	json_object_set_new(o, "mirror_first",
			    first < 0 ? json_null() : json_boolean(first));
	json_object_set_new(o, "source", json_string(
			    mirror_proc_get_source(p) == MIRROR_PROC_STATUS ?
			    "status" : "pagemap"));
	/* Only when asked (-o CGROUP): schema 1 had no such key. */
	if (proc_col_asked(ms, PCOL_CGROUP))
		json_object_set_new(o, "cgroup", proc_cgroup(ms, p, cg, sizeof(cg)) ?
				    json_string(cg) : json_null());
	return o;
}

static json_t *json_summary(struct mirrorstat *ms)
{
	struct mirror_ctx *ctx = ms->ctx;
	json_t *o = json_object();

	json_object_set_new(o, "zones", json_integer(mirror_get_nr_zones(ctx)));
	json_object_set_new(o, "nodes", json_integer(mirror_get_nr_nodes(ctx)));
	json_object_set_new(o, "size_bytes", json_count(mirror_get_total_bytes(ctx)));
	json_object_set_new(o, "used_bytes", json_count(mirror_get_used_bytes(ctx)));
	json_object_set_new(o, "free_bytes", json_count(mirror_get_free_bytes(ctx)));
	json_object_set_new(o, "allocs", json_count(mirror_get_allocs(ctx)));
	json_object_set_new(o, "fallbacks", json_count(mirror_get_fallbacks(ctx)));
	json_object_set_new(o, "failovers", json_count(mirror_get_failovers(ctx)));
	json_object_set_new(o, "bad_frees", json_count(mirror_get_bad_frees(ctx)));
	json_object_set_new(o, "ordinary_bytes",
			    json_count(mirror_get_ordinary_bytes(ctx)));
	json_object_set_new(o, "task_used_bytes",
			    json_count(mirror_get_task_used_bytes(ctx)));
	json_object_set_new(o, "pagecache_bytes",
			    json_count(mirror_get_pagecache_bytes(ctx)));
	json_object_set_new(o, "shmem_bytes", json_count(mirror_get_shmem_bytes(ctx)));
	json_object_set_new(o, "buddy_free_bytes",
			    json_count(mirror_get_buddy_bytes(ctx)));
	return o;
}

static int print_json(struct mirrorstat *ms)
{
	struct mirror_ctx *ctx = ms->ctx;
	json_t *root = json_object(), *be = json_object(), *a;
	unsigned int i;
	int rc;

	json_object_set_new(root, "schema", json_integer(JSON_SCHEMA));
	json_object_set_new(be, "name", json_text(mirror_get_backend_name(ctx)));
	json_object_set_new(be, "description",
			    json_text(mirror_get_backend_description(ctx)));
	json_object_set_new(be, "version", json_text(mirror_get_module_version(ctx)));
	json_object_set_new(be, "mode", json_text(mirror_get_module_mode(ctx)));
	json_object_set_new(root, "backend", be);
	json_object_set_new(root, "page_size",
			    json_uint(mirror_get_page_size(ctx)));
	json_object_set_new(root, "interval",
			    ms->watch ? json_real(ms->interval) : json_null());
	json_object_set_new(root, "summary", json_summary(ms));
	a = json_array();
	for (i = 0; i < ms->nzrows; i++)
		json_array_append_new(a, json_columns(ms, false,
						      json_zone(ms, &ms->zrows[i])));
	json_object_set_new(root, "zones", a);
	a = json_array();
	for (i = 0; i < ms->nnrows; i++)
		json_array_append_new(a, json_columns(ms, false,
						      json_node(ms, &ms->nrows[i])));
	json_object_set_new(root, "nodes", a);
	if (ms->view == VIEW_PROCS) {
		a = json_array();
		for (i = 0; i < ms->nprocs; i++)
			json_array_append_new(a, json_columns(ms, true,
							      json_proc(ms, ms->procs[i])));
	} else {
		a = json_null();
	}
	json_object_set_new(root, "processes", a);

	rc = json_print(stdout, root, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	json_decref(root);
	return rc;
}

/* ---- Prometheus text exposition ---------------------------------------- */

struct metric {
	const char *name;
	const char *type;
	const char *help;
	size_t offset;			/* into struct row */
};

#define ROW_FIELD(f)	offsetof(struct row, f)

static const struct metric zone_metrics[] = {
	{ "mirror_zone_size_bytes", "gauge", "Mirrored memory of the zone that can be handed out.", ROW_FIELD(size) },
	{ "mirror_zone_used_bytes", "gauge", "Mirrored memory of the zone in use.", ROW_FIELD(used) },
	{ "mirror_zone_free_bytes", "gauge", "Mirrored memory of the zone free.", ROW_FIELD(free) },
	{ "mirror_zone_allocations_total", "counter", "Allocations served by the zone.", ROW_FIELD(allocs) },
	{ "mirror_zone_frees_total", "counter", "Frees returned to the zone.", ROW_FIELD(frees) },
	{ "mirror_zone_fallbacks_total", "counter", "Requests passed on because the zone was full.", ROW_FIELD(fallbacks) },
	{ "mirror_zone_failovers_total", "counter", "Reads served by the mirror copy after an error.", ROW_FIELD(failovers) },
	{ "mirror_zone_bad_frees_total", "counter", "Frees of the zone's pages that were refused.", ROW_FIELD(bad_frees) },
	{ "mirror_zone_exhausted", "gauge", "1 while the zone is exhausted (no free block for a request, not yet recovered).", ROW_FIELD(exhausted) },
};

static const struct metric node_metrics[] = {
	{ "mirror_node_size_bytes", "gauge", "Mirrored memory of the node that can be handed out.", ROW_FIELD(size) },
	{ "mirror_node_used_bytes", "gauge", "Mirrored memory of the node in use.", ROW_FIELD(used) },
	{ "mirror_node_free_bytes", "gauge", "Mirrored memory of the node free.", ROW_FIELD(free) },
	{ "mirror_node_allocations_total", "counter", "Mirrored allocations requested on the node.", ROW_FIELD(allocs) },
	{ "mirror_node_remote_allocations_total", "counter", "Allocations of the node served by another node's zone.", ROW_FIELD(remote) },
	{ "mirror_node_fallbacks_total", "counter", "Requests of the node served from ordinary memory.", ROW_FIELD(fallbacks) },
	{ "mirror_node_failed_total", "counter", "Requests of the node that got no memory.", ROW_FIELD(failed) },
	{ "mirror_node_ordinary_allocations_total", "counter", "Requests of the node without mirror preference, served from ordinary memory.", ROW_FIELD(ordinary) },
};

static unsigned long long row_value(const struct row *r, size_t off)
{
	return *(const unsigned long long *)((const char *)r + off);
}

static void prom_header(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_rows(const struct metric *m, const struct row *rows,
		      unsigned int n, bool zone)
{
	unsigned int i;
	bool any = false;

	/* A family nobody reports is left out, not shown as 0. */
	for (i = 0; i < n; i++)
		any |= row_value(&rows[i], m->offset) != UNKNOWN;
	if (!any)
		return;
	prom_header(m->name, m->type, m->help);
	for (i = 0; i < n; i++) {
		unsigned long long v = row_value(&rows[i], m->offset);

		if (v == UNKNOWN)
			continue;
		printf("%s{node=\"%d\"", m->name, rows[i].node);
		if (zone) {
			fputs(",zone=\"", stdout);
			prom_label(stdout, rows[i].zone);
			fputc('"', stdout);
		}
		printf("} %llu\n", v);
	}
}

static void prom_scalar(const char *name, const char *type, const char *help,
			unsigned long long v)
{
	if (v == UNKNOWN)
		return;
	prom_header(name, type, help);
	printf("%s %llu\n", name, v);
}

static void prom_procs(struct mirrorstat *ms)
{
	unsigned int i, k;

	if (ms->view != VIEW_PROCS || !ms->nprocs)
		return;
	prom_header("mirror_process_resident_bytes", "gauge",
		    "Resident memory of the process, in mirrored ranges or elsewhere.");
	for (i = 0; i < ms->nprocs; i++) {
		struct mirror_proc *p = ms->procs[i];

		for (k = 0; k < 2; k++) {
			printf("mirror_process_resident_bytes{pid=\"%d\",command=\"",
			       (int)mirror_proc_get_pid(p));
			prom_label(stdout, mirror_proc_get_comm(p));
			printf("\",memory=\"%s\"} %llu\n", k ? "other" : "mirror",
			       k ? mirror_proc_get_other_bytes(p) :
			       mirror_proc_get_mirror_bytes(p));
		}
	}
}

static int print_prometheus(struct mirrorstat *ms)
{
	struct mirror_ctx *ctx = ms->ctx;
	unsigned int i;

	prom_header("mirror_info", "gauge",
		    "Where the mirrored memory figures come from.");
	fputs("mirror_info{backend=\"", stdout);
	prom_label(stdout, mirror_get_backend_name(ctx));
	fputs("\",description=\"", stdout);
	prom_label(stdout, mirror_get_backend_description(ctx));
	fputs("\"} 1\n", stdout);
	for (i = 0; i < sizeof(zone_metrics) / sizeof(zone_metrics[0]); i++)
		prom_rows(&zone_metrics[i], ms->zrows, ms->nzrows, true);
	for (i = 0; i < sizeof(node_metrics) / sizeof(node_metrics[0]); i++)
		prom_rows(&node_metrics[i], ms->nrows, ms->nnrows, false);
	prom_scalar("mirror_bad_frees_total", "counter",
		    "Frees mirror.ko refused.", mirror_get_bad_frees(ctx));
	prom_scalar("mirror_ordinary_bytes", "gauge",
		    "Ordinary memory out through mirror.ko's API.",
		    mirror_get_ordinary_bytes(ctx));
	prom_scalar("mirror_task_used_bytes", "gauge",
		    "Mirrored memory used by user tasks.",
		    mirror_get_task_used_bytes(ctx));
	prom_scalar("mirror_pagecache_bytes", "gauge",
		    "Mirrored memory used by the page cache.",
		    mirror_get_pagecache_bytes(ctx));
	prom_scalar("mirror_shmem_bytes", "gauge", "Mirrored memory used by shmem.",
		    mirror_get_shmem_bytes(ctx));
	prom_scalar("mirror_buddy_free_bytes", "gauge",
		    "Mirrored memory free in the buddy allocator.",
		    mirror_get_buddy_bytes(ctx));
	prom_procs(ms);
	return 0;
}

/* ---- one report -------------------------------------------------------- */

static int report(struct mirrorstat *ms, unsigned long n)
{
	int rc;

	rc = build_rows(ms);
	if (rc == 0 && ms->view == VIEW_PROCS)
		rc = load_procs(ms);
	if (rc < 0)
		return rc;
	switch (ms->format) {
	case FMT_JSON:
		return print_json(ms);
	case FMT_PROMETHEUS:
		return print_prometheus(ms);
	case FMT_TABLE:
		break;
	}
	if (n > 0)
		putchar('\n');
	if (ms->view != VIEW_SUMMARY) {
		rc = print_table(ms);
		if (rc < 0)
			return rc;
	}
	/* Like lsmem: the summary follows the table unless output is raw. */
	if (ms->view == VIEW_SUMMARY ||
	    (ms->view != VIEW_PROCS && !ms->t.raw && !ms->t.noheadings)) {
		if (ms->view != VIEW_SUMMARY)
			putchar('\n');
		print_summary(ms);
	}
	return 0;
}

static int fail(struct mirrorstat *ms, int rc)
{
	return tool_fail(ms->ctx, rc);
}

static int open_ctx(struct mirrorstat *ms)
{
	int rc = tool_open(&ms->ctx, ms->sysroot, ms->backend);

	if (rc)
		return rc;
	rc = mirror_load(ms->ctx);
	if (rc < 0)
		return fail(ms, rc);
	return EXIT_SUCCESS;
}

/* Start over after the layout changed (mirror.ko reloaded). */
static int reopen(struct mirrorstat *ms)
{
	free_procs(ms);
	free_rows(ms);
	free(ms->zprev);
	free(ms->nprev);
	ms->zprev = ms->nprev = NULL;
	ms->have_prev = false;
	ms->ctx = mirror_unref(ms->ctx);
	return open_ctx(ms);
}

static void sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static int run(struct mirrorstat *ms)
{
	double next = now();
	unsigned long n;
	int rc;

	rc = open_ctx(ms);
	if (rc != EXIT_SUCCESS)
		return rc;
	for (n = 0; !ms->watch || !ms->count || n < ms->count; n++) {
		if (n > 0) {
			next += ms->interval;
			sleep_until(next);
			rc = mirror_refresh(ms->ctx);
			if (rc == -ESTALE) {
				rc = reopen(ms);
				if (rc != EXIT_SUCCESS)
					return rc;
			} else if (rc < 0) {
				return fail(ms, rc);
			}
		}
		rc = report(ms, n);
		if (rc < 0)
			return fail(ms, rc);
		/* Nobody reads what cannot be written: stop (close_stdout says why). */
		if (!stdout_flush() || !ms->watch)
			break;
	}
	return EXIT_SUCCESS;
}

/* ---- command line ------------------------------------------------------ */

static void __attribute__((noreturn)) usage(void)
{
	FILE *out = stdout;

	fprintf(out, "Usage:\n %s [options]\n\n", program_invocation_short_name);
	fputs("Show how much mirrored memory there is, where, how full, who uses it,\n"
	      "and whether allocations fall back to ordinary memory.\n\n", out);
	fputs("Options:\n", out);
	fputs(" -Z, --zones              one line per mirror zone (the default)\n", out);
	fputs(" -N, --nodes              one line per NUMA node\n", out);
	fputs(" -s, --summary            print only the summary\n", out);
	fputs(" -p, --pid <pid>[,...]    mirrored memory of these processes\n", out);
	fputs(" -t, --top <n>            the <n> processes using the most mirrored memory\n", out);
	fputs(" -i, --interval <secs>    report every <secs> seconds, with rates\n", out);
	fputs(" -c, --count <n>          stop after <n> reports\n", out);
	fputs(" -o, --output <list>      columns to print (+<list> adds to the default)\n", out);
	fputs("     --output-all         print all columns\n", out);
	fputs(" -b, --bytes              print sizes in bytes\n", out);
	fputs(" -n, --noheadings         do not print headings (or the summary)\n", out);
	fputs(" -r, --raw                raw output, no alignment (no summary)\n", out);
	fputs(" -J, --json               JSON output (schema 1)\n", out);
	fputs("     --prometheus         Prometheus text exposition format\n", out);
	fputs("     --sysroot <dir>      read sys/ and proc/ below <dir>\n", out);
	fputs("     --backend <name>     auto, module, kernelcore or reliable\n", out);
	fputs(" -h, --help               display this help\n", out);
	fputs(" -V, --version            display version\n", out);
	columns_help(out, "Zone and node columns", coldescs, NR_COLS, 11);
	columns_help(out, "Process columns (--pid, --top)", pcoldescs, NR_PCOLS, 11);
	fputs("\nExit status: 0 success, 1 error, 2 bad usage, 3 no mirrored memory found.\n"
	      "For more details see mirrorstat(8).\n", out);
	exit(EXIT_SUCCESS);
}

static void set_columns(struct mirrorstat *ms)
{
	const struct coldesc *descs = ms->view == VIEW_PROCS ? pcoldescs : coldescs;
	unsigned int ndescs = ms->view == VIEW_PROCS ? NR_PCOLS : NR_COLS;
	int defs[(int)NR_COLS + (int)NR_PCOLS];
	unsigned int ndefs = 0, i;

	if (ms->view == VIEW_PROCS) {
		for (i = 0; i < sizeof(proc_defaults) / sizeof(int); i++)
			defs[ndefs++] = proc_defaults[i];
	} else if (ms->view == VIEW_NODES) {
		for (i = 0; i < sizeof(node_defaults) / sizeof(int); i++)
			defs[ndefs++] = node_defaults[i];
	} else {
		for (i = 0; i < sizeof(zone_defaults) / sizeof(int); i++)
			defs[ndefs++] = zone_defaults[i];
	}
	if (ms->watch && ms->view != VIEW_PROCS)
		for (i = 0; i < 2; i++)
			defs[ndefs++] = rate_defaults[i];
	columns_parse(&ms->t, descs, ndescs, defs, ndefs);
}

static void parse_pids(struct mirrorstat *ms, const char *arg)
{
	const char *p = arg;

	while (*p) {
		size_t len = strcspn(p, ",");
		char num[16];
		unsigned long pid;

		if (len == 0 || len >= sizeof(num))
			usage_error("invalid process id list: '%s'", arg);
		memcpy(num, p, len);
		num[len] = '\0';
		if (!parse_ulong(num, 1, 0x7fffffff, &pid))
			usage_error("invalid process id: '%s'", num);
		if (ms->npids >= PIDS_MAX)
			usage_error("more than %d process ids", PIDS_MAX);
		ms->pids[ms->npids++] = (pid_t)pid;
		p += len;
		if (*p == ',' && !*++p)
			usage_error("invalid process id list: '%s'", arg);
	}
	if (!ms->npids)
		usage_error("invalid process id list: '%s'", arg);
}

enum {
	OPT_PROMETHEUS = 0x100,
	OPT_SYSROOT,
	OPT_BACKEND,
};

static void parse_args(struct mirrorstat *ms, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "zones",	no_argument,		NULL, 'Z' },
		{ "nodes",	no_argument,		NULL, 'N' },
		{ "summary",	no_argument,		NULL, 's' },
		{ "pid",	required_argument,	NULL, 'p' },
		{ "top",	required_argument,	NULL, 't' },
		{ "interval",	required_argument,	NULL, 'i' },
		{ "count",	required_argument,	NULL, 'c' },
		TABLE_LONGOPTS,
		{ "json",	no_argument,		NULL, 'J' },
		{ "prometheus",	no_argument,		NULL, OPT_PROMETHEUS },
		{ "sysroot",	required_argument,	NULL, OPT_SYSROOT },
		{ "backend",	required_argument,	NULL, OPT_BACKEND },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool interval_set = false, count_set = false;
	unsigned int views = 0;
	int c, formats = 0;

	while ((c = getopt_long(argc, argv, "ZNsp:t:i:c:o:bnrJhV", longopts,
				NULL)) != -1) {
		if (table_option(&ms->t, c, optarg))
			continue;
		switch (c) {
		case 'Z':
			ms->view = VIEW_ZONES;
			views |= 1u << VIEW_ZONES;
			break;
		case 'N':
			ms->view = VIEW_NODES;
			views |= 1u << VIEW_NODES;
			break;
		case 's':
			ms->view = VIEW_SUMMARY;
			views |= 1u << VIEW_SUMMARY;
			break;
		case 'p':
			parse_pids(ms, optarg);
			ms->view = VIEW_PROCS;
			views |= 1u << VIEW_PROCS;
			break;
		case 't':
			if (!parse_ulong(optarg, 1, TOP_MAX, &ms->top))
				usage_error("invalid --top count '%s' (1 to %d)",
					    optarg, TOP_MAX);
			ms->view = VIEW_PROCS;
			views |= 1u << (VIEW_PROCS + 1);
			break;
		case 'i':
			if (!parse_seconds(optarg, INTERVAL_MIN, INTERVAL_MAX,
					   &ms->interval))
				usage_error("invalid interval '%s' (%g to %g seconds)",
					    optarg, INTERVAL_MIN, INTERVAL_MAX);
			interval_set = true;
			break;
		case 'c':
			if (!parse_ulong(optarg, 1, 1000000000UL, &ms->count))
				usage_error("invalid count '%s' (1 to 1000000000)",
					    optarg);
			count_set = true;
			break;
		case 'J':
			ms->format = FMT_JSON;
			formats++;
			break;
		case OPT_PROMETHEUS:
			ms->format = FMT_PROMETHEUS;
			formats++;
			break;
		case OPT_SYSROOT:
			ms->sysroot = optarg;
			break;
		case OPT_BACKEND:
			ms->backend = optarg;
			break;
		case 'h':
			usage();
		case 'V':
			print_version();
		default:
			usage_hint();
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (views & (views - 1))
		usage_error("--zones, --nodes, --summary, --pid and --top are mutually exclusive");
	if (formats > 1)
		usage_error("--json and --prometheus are mutually exclusive");
	if (ms->npids && ms->top)
		usage_error("--pid and --top are mutually exclusive");
	if (count_set && !interval_set)
		ms->interval = 1;
	ms->watch = interval_set || count_set;
	if (ms->format == FMT_PROMETHEUS && ms->watch)
		usage_error("--prometheus writes one snapshot; --interval and --count do not apply");
	if (ms->format == FMT_PROMETHEUS && table_options_given(&ms->t))
		usage_error("--prometheus has no table: -o, --output-all, -b, -n and -r do not apply");
	table_options_json(&ms->t, ms->format == FMT_JSON, NULL);
	if (ms->view == VIEW_SUMMARY && (ms->t.outarg || ms->t.all))
		usage_error("--summary has no columns");
	set_columns(ms);
}

int main(int argc, char **argv)
{
	struct mirrorstat ms = { .view = VIEW_ZONES, .format = FMT_TABLE };
	int rc;

	close_stdout_atexit();
	parse_args(&ms, argc, argv);
	rc = run(&ms);
	free_procs(&ms);
	free_rows(&ms);
	free(ms.zprev);
	free(ms.nprev);
	mirror_unref(ms.ctx);
	return rc;
}
