// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libmirror.c - the context object: reference counting, logging, the
 * choice of backend, and the zone and node iterators and getters.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmirror-private.h"

static const struct mirror_backend *const backends[] = {
	/* Most specific first: a loaded module wins over boot options. */
	&mirror_backend_module,
	&mirror_backend_reliable,
	&mirror_backend_kernelcore,
};

static void log_stderr(struct mirror_ctx *ctx, int priority, const char *file,
		       int line, const char *fn, const char *format,
		       va_list args)
{
	fprintf(stderr, "libmirror: %s: ", fn);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

void mirror_log(struct mirror_ctx *ctx, int priority, const char *file,
		int line, const char *fn, const char *format, ...)
{
	va_list args;

	if (!ctx->log_fn)
		return;
	va_start(args, format);
	ctx->log_fn(ctx, priority, file, line, fn, format, args);
	va_end(args);
}

int mirror_error_at(struct mirror_ctx *ctx, int err, const char *file,
		    int line, const char *fn, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vsnprintf(ctx->errbuf, sizeof(ctx->errbuf), format, args);
	va_end(args);
	if (ctx->log_priority >= LOG_ERR)
		mirror_log(ctx, LOG_ERR, file, line, fn, "%s", ctx->errbuf);
	return err;
}

/* A number, or one of the names syslog uses in its configuration. */
static int log_priority(const char *s)
{
	char *end;
	long prio;

	prio = strtol(s, &end, 10);
	if (end != s && (*end == '\0' || isspace((unsigned char)*end)))
		return (int)prio;
	if (strncmp(s, "err", 3) == 0)
		return LOG_ERR;
	if (strncmp(s, "info", 4) == 0)
		return LOG_INFO;
	if (strncmp(s, "debug", 5) == 0)
		return LOG_DEBUG;
	return LOG_ERR;
}

MIRROR_EXPORT int mirror_new(struct mirror_ctx **ctx)
{
	struct mirror_ctx *c;
	const char *env;
	int rc;

	if (!ctx)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->refcount = 1;
	c->bad_frees = c->ordinary_pages = MIRROR_UNKNOWN;
	c->log_fn = log_stderr;
	c->log_priority = LOG_ERR;
	c->page_size = (unsigned long)sysconf(_SC_PAGESIZE);

	env = secure_getenv("MIRROR_LOG");
	if (env)
		mirror_set_log_priority(c, log_priority(env));
	env = secure_getenv("MIRROR_SYSROOT");
	if (env && *env) {
		rc = mirror_set_sysroot(c, env);
		if (rc < 0)
			goto err;
	}
	env = secure_getenv("MIRROR_BACKEND");
	if (env && *env) {
		rc = mirror_set_backend(c, env);
		if (rc < 0)
			goto err;
	}
	info(c, "ctx %p created", (void *)c);
	*ctx = c;
	return 0;
err:
	/* The message is already logged; the caller has no context to ask. */
	free(c);
	return rc;
}

MIRROR_EXPORT struct mirror_ctx *mirror_ref(struct mirror_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

static void ctx_clear(struct mirror_ctx *ctx)
{
	mirror_procs_free(ctx);
	free(ctx->zones);
	free(ctx->nodes);
	free(ctx->policies);
	free(ctx->spans);
	ctx->zones = NULL;
	ctx->nodes = NULL;
	ctx->policies = NULL;
	ctx->spans = NULL;
	ctx->nr_zones = ctx->nr_nodes = ctx->nr_policies = ctx->nr_spans = 0;
}

MIRROR_EXPORT struct mirror_ctx *mirror_unref(struct mirror_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (--ctx->refcount > 0)
		return ctx;
	info(ctx, "ctx %p released", (void *)ctx);
	ctx_clear(ctx);
	free(ctx);
	return NULL;
}

MIRROR_EXPORT void mirror_set_log_fn(struct mirror_ctx *ctx,
				     mirror_log_fn log_fn)
{
	ctx->log_fn = log_fn;
}

MIRROR_EXPORT int mirror_get_log_priority(struct mirror_ctx *ctx)
{
	return ctx->log_priority;
}

MIRROR_EXPORT void mirror_set_log_priority(struct mirror_ctx *ctx,
					   int priority)
{
	ctx->log_priority = priority;
}

MIRROR_EXPORT void mirror_set_userdata(struct mirror_ctx *ctx, void *userdata)
{
	ctx->userdata = userdata;
}

MIRROR_EXPORT void *mirror_get_userdata(struct mirror_ctx *ctx)
{
	return ctx->userdata;
}

MIRROR_EXPORT const char *mirror_get_last_error(struct mirror_ctx *ctx)
{
	return ctx->errbuf;
}

int mirror_info_check(struct mirror_ctx *ctx, const void *info,
		      const char *type)
{
	size_t size;

	memcpy(&size, info, sizeof(size));
	if (size < sizeof(size))
		return mirror_error(ctx, -EINVAL,
				    "struct %s: size %zu is too small (set it to sizeof(struct %s))",
				    type, size, type);
	return 0;
}

void mirror_info_copy(void *info, const void *full, size_t len)
{
	size_t size;

	memcpy(&size, info, sizeof(size));
	if (size > len)
		size = len;
	memcpy((char *)info + sizeof(size), (const char *)full + sizeof(size),
	       size - sizeof(size));
	memcpy(info, &size, sizeof(size));
}

/*
 * The page size of a captured system: the first "KernelPageSize:" of its
 * proc/self/smaps (a capture from a machine whose page size differs from
 * this one's must hold that file), else this machine's.
 */
static int sysroot_page_size(struct mirror_ctx *ctx, const char *dir,
			     size_t len, unsigned long *page_size)
{
	char path[MIRROR_PATH_MAX];
	unsigned long long v;
	char *text;
	int rc;

	*page_size = (unsigned long)sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "%.*s/proc/self/smaps", (int)len, dir);
	if (access(path, F_OK) < 0)
		return 0;
	rc = mirror_file_read(ctx, path, 16U << 20, &text, NULL);
	if (rc < 0)
		return rc;
	rc = mirror_meminfo_get(text, "KernelPageSize", &v);
	free(text);
	/* Pages of 4 KiB to 1 MiB, a power of two: what Linux builds with. */
	if (rc < 0 || v < 4096 || v > (1ULL << 20) || (v & (v - 1)))
		return mirror_error(ctx, -EINVAL,
				    "%s: no KernelPageSize: line of a page size (4 kB to 1024 kB, a power of two)",
				    path);
	*page_size = (unsigned long)v;
	return 0;
}

MIRROR_EXPORT int mirror_set_sysroot(struct mirror_ctx *ctx, const char *dir)
{
	unsigned long page_size;
	struct stat st;
	size_t len;
	int rc;

	if (ctx->backend)
		return mirror_error(ctx, -EBUSY,
				    "sysroot: cannot change after loading");
	if (!dir || !*dir || strcmp(dir, "/") == 0) {
		ctx->sysroot[0] = '\0';
		ctx->page_size = (unsigned long)sysconf(_SC_PAGESIZE);
		return 0;
	}
	if (stat(dir, &st) < 0)
		return mirror_error(ctx, -errno, "sysroot %s: %s", dir,
				    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return mirror_error(ctx, -ENOTDIR, "sysroot %s: not a directory",
				    dir);
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	/* Room for the longest path the backends append. */
	if (len >= sizeof(ctx->sysroot) - 256)
		return mirror_error(ctx, -ENAMETOOLONG, "sysroot %s: too long",
				    dir);
	rc = sysroot_page_size(ctx, dir, len, &page_size);
	if (rc < 0)
		return rc;
	memcpy(ctx->sysroot, dir, len);
	ctx->sysroot[len] = '\0';
	ctx->page_size = page_size;
	return 0;
}

MIRROR_EXPORT const char *mirror_get_sysroot(struct mirror_ctx *ctx)
{
	return ctx->sysroot[0] ? ctx->sysroot : "/";
}

MIRROR_EXPORT int mirror_set_backend(struct mirror_ctx *ctx, const char *name)
{
	unsigned int i;

	if (ctx->backend)
		return mirror_error(ctx, -EBUSY,
				    "backend: cannot change after loading");
	if (!name || strcmp(name, "auto") == 0) {
		ctx->forced_backend = NULL;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(backends); i++) {
		if (strcmp(name, backends[i]->name) == 0) {
			ctx->forced_backend = backends[i]->name;
			return 0;
		}
	}
	return mirror_error(ctx, -EINVAL,
			    "unknown backend '%s' (auto, module, kernelcore, reliable)",
			    name);
}

/* Spans the pagemap classifier uses: each zone, mirrored or not. */
static int build_spans(struct mirror_ctx *ctx)
{
	unsigned int i, j;

	ctx->spans = calloc(ctx->nr_zones ? ctx->nr_zones : 1,
			    sizeof(*ctx->spans));
	if (!ctx->spans)
		return -ENOMEM;
	for (i = 0; i < ctx->nr_zones; i++) {
		struct mirror_span s = {
			.start = ctx->zones[i].start,
			.end = ctx->zones[i].end,
			.mirrored = ctx->zones[i].mirrored,
		};

		/* Insertion sort: zone lists are short and nearly sorted. */
		for (j = ctx->nr_spans; j > 0 && ctx->spans[j - 1].start > s.start;
		     j--)
			ctx->spans[j] = ctx->spans[j - 1];
		ctx->spans[j] = s;
		ctx->nr_spans++;
	}
	return 0;
}

static int load_backend(struct mirror_ctx *ctx,
			const struct mirror_backend *be)
{
	int rc;

	ctx->backend = be;
	rc = be->load(ctx);
	if (rc == 0)
		rc = mirror_install_policies(ctx);
	if (rc == 0)
		rc = build_spans(ctx);
	if (rc < 0) {
		ctx_clear(ctx);
		ctx->backend = NULL;
		if (rc == -ENOMEM)
			mirror_error(ctx, rc, "out of memory");
		return rc;
	}
	info(ctx, "backend %s: %u zones on %u nodes", be->name, ctx->nr_zones,
	     ctx->nr_nodes);
	return 0;
}

bool mirror_detect_absent(struct mirror_ctx *ctx, int rc, const char *path,
			  char *why, size_t len)
{
	if (rc != -ENOENT && rc != -ENOTDIR)
		return false;
	ctx->errbuf[0] = '\0';
	snprintf(why, len, "%s: absent", path);
	return true;
}

MIRROR_EXPORT int mirror_load(struct mirror_ctx *ctx)
{
	char checked[3][MIRROR_PATH_MAX / 4];
	unsigned int i, n = 0;
	int rc;

	if (ctx->backend)
		return mirror_error(ctx, -EBUSY, "already loaded");
	ctx->errbuf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(backends); i++) {
		const struct mirror_backend *be = backends[i];

		if (ctx->forced_backend && ctx->forced_backend != be->name)
			continue;
		checked[n][0] = '\0';
		rc = be->detect(ctx, checked[n], sizeof(checked[n]));
		if (rc < 0)
			return rc;
		if (rc > 0)
			return load_backend(ctx, be);
		dbg(ctx, "backend %s: %s", be->name, checked[n]);
		n++;
	}
	if (ctx->forced_backend)
		return mirror_error(ctx, -ENODEV, "backend %s: %s",
				    ctx->forced_backend, checked[0]);
	return mirror_error(ctx, -ENODEV,
			    "no mirrored memory found: %s; %s; %s",
			    checked[0], checked[1], checked[2]);
}

MIRROR_EXPORT int mirror_refresh(struct mirror_ctx *ctx)
{
	unsigned long long *saved;
	unsigned long long rel[RC_NR], hdr[2];
	unsigned int i, k = 0;
	int rc;

	if (!ctx->backend)
		return mirror_error(ctx, -ENODEV, "not loaded");
	/* On error the counters stay as they were: nothing half read. */
	saved = malloc((ctx->nr_zones * ZC_NR + ctx->nr_nodes * NC_NR + 1) *
		       sizeof(*saved));
	if (!saved)
		return mirror_error(ctx, -ENOMEM, "out of memory");
	for (i = 0; i < ctx->nr_zones; i++, k += ZC_NR)
		memcpy(&saved[k], ctx->zones[i].c, sizeof(ctx->zones[i].c));
	for (i = 0; i < ctx->nr_nodes; i++, k += NC_NR)
		memcpy(&saved[k], ctx->nodes[i].c, sizeof(ctx->nodes[i].c));
	memcpy(rel, ctx->reliable, sizeof(rel));
	hdr[0] = ctx->bad_frees;
	hdr[1] = ctx->ordinary_pages;
	rc = ctx->backend->refresh(ctx);
	if (rc < 0) {
		for (i = 0, k = 0; i < ctx->nr_zones; i++, k += ZC_NR)
			memcpy(ctx->zones[i].c, &saved[k],
			       sizeof(ctx->zones[i].c));
		for (i = 0; i < ctx->nr_nodes; i++, k += NC_NR)
			memcpy(ctx->nodes[i].c, &saved[k],
			       sizeof(ctx->nodes[i].c));
		memcpy(ctx->reliable, rel, sizeof(rel));
		ctx->bad_frees = hdr[0];
		ctx->ordinary_pages = hdr[1];
	}
	free(saved);
	return rc;
}

MIRROR_EXPORT const char *mirror_get_backend_name(struct mirror_ctx *ctx)
{
	return ctx->backend ? ctx->backend->name : NULL;
}

MIRROR_EXPORT const char *mirror_get_backend_description(struct mirror_ctx *ctx)
{
	return ctx->backend ? ctx->description : NULL;
}

MIRROR_EXPORT const char *mirror_get_module_version(struct mirror_ctx *ctx)
{
	return ctx->module_version[0] ? ctx->module_version : NULL;
}

MIRROR_EXPORT const char *mirror_get_module_mode(struct mirror_ctx *ctx)
{
	return ctx->module_mode[0] ? ctx->module_mode : NULL;
}

MIRROR_EXPORT unsigned int mirror_get_abi_version(struct mirror_ctx *ctx)
{
	return ctx->abi_version;
}

MIRROR_EXPORT unsigned long mirror_get_page_size(struct mirror_ctx *ctx)
{
	return ctx->page_size;
}

MIRROR_EXPORT unsigned int mirror_get_nr_zones(struct mirror_ctx *ctx)
{
	unsigned int i, n = 0;

	for (i = 0; i < ctx->nr_zones; i++)
		n += ctx->zones[i].mirrored;
	return n;
}

MIRROR_EXPORT unsigned int mirror_get_nr_nodes(struct mirror_ctx *ctx)
{
	return ctx->nr_nodes;
}

static unsigned long long sum_zones(struct mirror_ctx *ctx,
				    enum mirror_zone_counter c)
{
	unsigned long long sum = 0;
	unsigned int i;

	if (!ctx->backend)
		return MIRROR_UNKNOWN;
	for (i = 0; i < ctx->nr_zones; i++)
		if (ctx->zones[i].mirrored)
			sum = mirror_add(sum, ctx->zones[i].c[c]);
	return sum;
}

static unsigned long long sum_nodes(struct mirror_ctx *ctx,
				    enum mirror_node_counter c)
{
	unsigned long long sum = 0;
	unsigned int i;

	if (!ctx->backend)
		return MIRROR_UNKNOWN;
	for (i = 0; i < ctx->nr_nodes; i++)
		sum = mirror_add(sum, ctx->nodes[i].c[c]);
	return sum;
}

static bool is_reliable(struct mirror_ctx *ctx)
{
	return ctx->backend == &mirror_backend_reliable;
}

MIRROR_EXPORT unsigned long long mirror_get_total_bytes(struct mirror_ctx *ctx)
{
	if (is_reliable(ctx))
		return ctx->reliable[RC_TOTAL];
	return mirror_pages_to_bytes(ctx, sum_zones(ctx, ZC_PAGES_TOTAL));
}

MIRROR_EXPORT unsigned long long mirror_get_used_bytes(struct mirror_ctx *ctx)
{
	if (is_reliable(ctx))
		return ctx->reliable[RC_USED];
	return mirror_pages_to_bytes(ctx, sum_zones(ctx, ZC_PAGES_USED));
}

MIRROR_EXPORT unsigned long long mirror_get_free_bytes(struct mirror_ctx *ctx)
{
	unsigned long long total, used;

	if (is_reliable(ctx)) {
		total = ctx->reliable[RC_TOTAL];
		used = ctx->reliable[RC_USED];
		if (total == MIRROR_UNKNOWN || used == MIRROR_UNKNOWN)
			return MIRROR_UNKNOWN;
		return used > total ? 0 : total - used;
	}
	return mirror_pages_to_bytes(ctx, sum_zones(ctx, ZC_PAGES_FREE));
}

MIRROR_EXPORT unsigned long long mirror_get_allocs(struct mirror_ctx *ctx)
{
	return sum_zones(ctx, ZC_ALLOCS);
}

MIRROR_EXPORT unsigned long long mirror_get_fallbacks(struct mirror_ctx *ctx)
{
	return mirror_add(sum_nodes(ctx, NC_FALLBACK_EXHAUSTED),
			  sum_nodes(ctx, NC_FALLBACK_CONSTRAINT));
}

MIRROR_EXPORT unsigned long long mirror_get_failovers(struct mirror_ctx *ctx)
{
	return sum_zones(ctx, ZC_FAILOVERS);
}

static bool is_module(struct mirror_ctx *ctx)
{
	return ctx->backend == &mirror_backend_module;
}

MIRROR_EXPORT unsigned long long mirror_get_bad_frees(struct mirror_ctx *ctx)
{
	return is_module(ctx) ? ctx->bad_frees : MIRROR_UNKNOWN;
}

MIRROR_EXPORT unsigned long long mirror_get_ordinary_bytes(struct mirror_ctx *ctx)
{
	return is_module(ctx) ? mirror_pages_to_bytes(ctx, ctx->ordinary_pages) :
				MIRROR_UNKNOWN;
}

static unsigned long long reliable_counter(struct mirror_ctx *ctx,
					   enum mirror_reliable_counter c)
{
	return is_reliable(ctx) ? ctx->reliable[c] : MIRROR_UNKNOWN;
}

MIRROR_EXPORT unsigned long long mirror_get_task_used_bytes(struct mirror_ctx *ctx)
{
	return reliable_counter(ctx, RC_TASK_USED);
}

MIRROR_EXPORT unsigned long long mirror_get_buddy_bytes(struct mirror_ctx *ctx)
{
	return reliable_counter(ctx, RC_BUDDY);
}

MIRROR_EXPORT unsigned long long mirror_get_shmem_bytes(struct mirror_ctx *ctx)
{
	return reliable_counter(ctx, RC_SHMEM);
}

MIRROR_EXPORT unsigned long long mirror_get_pagecache_bytes(struct mirror_ctx *ctx)
{
	return reliable_counter(ctx, RC_PAGECACHE);
}

/* ---- zones ------------------------------------------------------------- */

int mirror_alloc_zones(struct mirror_ctx *ctx, unsigned int nr)
{
	unsigned int i, j;

	ctx->zones = calloc(nr ? nr : 1, sizeof(*ctx->zones));
	if (!ctx->zones)
		return -ENOMEM;
	ctx->nr_zones = nr;
	for (i = 0; i < nr; i++) {
		ctx->zones[i].ctx = ctx;
		ctx->zones[i].index = i;
		ctx->zones[i].id = i;
		ctx->zones[i].mirrored = true;
		for (j = 0; j < ZC_NR; j++)
			ctx->zones[i].c[j] = MIRROR_UNKNOWN;
	}
	return 0;
}

MIRROR_EXPORT struct mirror_zone *mirror_zone_get_first(struct mirror_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_zones; i++)
		if (ctx->zones[i].mirrored)
			return &ctx->zones[i];
	return NULL;
}

MIRROR_EXPORT struct mirror_zone *mirror_zone_get_next(struct mirror_zone *zone)
{
	struct mirror_ctx *ctx = zone->ctx;
	unsigned int i;

	for (i = zone->index + 1; i < ctx->nr_zones; i++)
		if (ctx->zones[i].mirrored)
			return &ctx->zones[i];
	return NULL;
}

MIRROR_EXPORT struct mirror_ctx *mirror_zone_get_ctx(struct mirror_zone *zone)
{
	return zone->ctx;
}

MIRROR_EXPORT struct mirror_node *mirror_zone_get_node(struct mirror_zone *zone)
{
	return zone->node;
}

MIRROR_EXPORT unsigned int mirror_zone_get_id(struct mirror_zone *zone)
{
	return zone->id;
}

MIRROR_EXPORT const char *mirror_zone_get_name(struct mirror_zone *zone)
{
	return zone->name;
}

MIRROR_EXPORT int mirror_zone_get_node_id(struct mirror_zone *zone)
{
	return zone->node_id;
}

MIRROR_EXPORT unsigned long long mirror_zone_get_start(struct mirror_zone *zone)
{
	return zone->start;
}

MIRROR_EXPORT unsigned long long mirror_zone_get_end(struct mirror_zone *zone)
{
	return zone->end;
}

MIRROR_EXPORT unsigned long long mirror_zone_get_span(struct mirror_zone *zone)
{
	return zone->end - zone->start;
}

#define ZONE_GETTER(fn, counter) \
MIRROR_EXPORT unsigned long long mirror_zone_get_##fn(struct mirror_zone *zone) \
{ \
	return zone->c[counter]; \
}

ZONE_GETTER(pages_total, ZC_PAGES_TOTAL)
ZONE_GETTER(pages_free, ZC_PAGES_FREE)
ZONE_GETTER(pages_used, ZC_PAGES_USED)
ZONE_GETTER(pages_present, ZC_PAGES_PRESENT)
ZONE_GETTER(allocs, ZC_ALLOCS)
ZONE_GETTER(frees, ZC_FREES)
ZONE_GETTER(alloc_failures, ZC_ALLOC_FAILURES)
ZONE_GETTER(failovers, ZC_FAILOVERS)
ZONE_GETTER(bad_frees, ZC_BAD_FREES)
ZONE_GETTER(exhausted, ZC_EXHAUSTED)

/* ---- nodes ------------------------------------------------------------- */

static int node_cmp(const void *a, const void *b)
{
	const struct mirror_node *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static struct mirror_node *add_node(struct mirror_ctx *ctx, int id)
{
	struct mirror_node *n;
	unsigned int k;

	n = mirror_node_get_by_id(ctx, id);
	if (n)
		return n;
	n = &ctx->nodes[ctx->nr_nodes++];
	n->ctx = ctx;
	n->id = id;
	for (k = 0; k < NC_NR; k++)
		n->c[k] = MIRROR_UNKNOWN;
	return n;
}

int mirror_link_nodes(struct mirror_ctx *ctx, const int *extra,
		      unsigned int nr_extra)
{
	struct mirror_zone **tail;
	unsigned int i, j;

	ctx->nodes = calloc(ctx->nr_zones + nr_extra + 1, sizeof(*ctx->nodes));
	if (!ctx->nodes)
		return -ENOMEM;
	ctx->nr_nodes = 0;
	for (i = 0; i < ctx->nr_zones; i++)
		if (ctx->zones[i].mirrored)
			add_node(ctx, ctx->zones[i].node_id);
	for (i = 0; i < nr_extra; i++)
		add_node(ctx, extra[i]);
	qsort(ctx->nodes, ctx->nr_nodes, sizeof(*ctx->nodes), node_cmp);
	for (j = 0; j < ctx->nr_nodes; j++) {
		struct mirror_node *n = &ctx->nodes[j];

		tail = &n->first_zone;
		for (i = 0; i < ctx->nr_zones; i++) {
			struct mirror_zone *z = &ctx->zones[i];

			if (!z->mirrored || z->node_id != n->id)
				continue;
			z->node = n;
			*tail = z;
			tail = &z->next_in_node;
			n->nr_zones++;
		}
	}
	return 0;
}

void mirror_sum_nodes(struct mirror_ctx *ctx, const enum mirror_node_counter *nc,
		      const enum mirror_zone_counter *zc, unsigned int n)
{
	unsigned int i, k;

	for (i = 0; i < ctx->nr_nodes; i++) {
		struct mirror_node *node = &ctx->nodes[i];
		struct mirror_zone *z;

		for (k = 0; k < n; k++) {
			unsigned long long sum = 0;

			for (z = node->first_zone; z; z = z->next_in_node)
				sum = mirror_add(sum, z->c[zc[k]]);
			node->c[nc[k]] = sum;
		}
	}
}

MIRROR_EXPORT struct mirror_node *mirror_node_get_first(struct mirror_ctx *ctx)
{
	return ctx->nr_nodes ? &ctx->nodes[0] : NULL;
}

MIRROR_EXPORT struct mirror_node *mirror_node_get_next(struct mirror_node *node)
{
	struct mirror_ctx *ctx = node->ctx;
	unsigned int i = (unsigned int)(node - ctx->nodes) + 1;

	return i < ctx->nr_nodes ? &ctx->nodes[i] : NULL;
}

MIRROR_EXPORT struct mirror_zone *mirror_node_zone_get_first(struct mirror_node *node)
{
	return node->first_zone;
}

MIRROR_EXPORT struct mirror_zone *mirror_node_zone_get_next(struct mirror_zone *zone)
{
	return zone->next_in_node;
}

MIRROR_EXPORT struct mirror_node *mirror_node_get_by_id(struct mirror_ctx *ctx,
							int id)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_nodes; i++)
		if (ctx->nodes[i].id == id)
			return &ctx->nodes[i];
	return NULL;
}

MIRROR_EXPORT struct mirror_ctx *mirror_node_get_ctx(struct mirror_node *node)
{
	return node->ctx;
}

MIRROR_EXPORT int mirror_node_get_id(struct mirror_node *node)
{
	return node->id;
}

MIRROR_EXPORT unsigned int mirror_node_get_nr_zones(struct mirror_node *node)
{
	return node->nr_zones;
}

#define NODE_GETTER(fn, counter) \
MIRROR_EXPORT unsigned long long mirror_node_get_##fn(struct mirror_node *node) \
{ \
	return node->c[counter]; \
}

NODE_GETTER(pages_total, NC_PAGES_TOTAL)
NODE_GETTER(pages_free, NC_PAGES_FREE)
NODE_GETTER(pages_used, NC_PAGES_USED)
NODE_GETTER(allocs_local, NC_ALLOCS_LOCAL)
NODE_GETTER(allocs_remote, NC_ALLOCS_REMOTE)
NODE_GETTER(fallback_exhausted, NC_FALLBACK_EXHAUSTED)
NODE_GETTER(fallback_constraint, NC_FALLBACK_CONSTRAINT)
NODE_GETTER(failed, NC_FAILED)
NODE_GETTER(memory_bytes, NC_MEMORY_BYTES)
NODE_GETTER(allocs_ordinary, NC_ALLOCS_ORDINARY)

MIRROR_EXPORT unsigned long long mirror_node_get_failovers(struct mirror_node *node)
{
	struct mirror_zone *z;
	unsigned long long sum = 0;

	/* Nothing to fail over: whether the backend counts it is unknown. */
	if (!node->first_zone)
		return MIRROR_UNKNOWN;
	for (z = node->first_zone; z; z = z->next_in_node)
		sum = mirror_add(sum, z->c[ZC_FAILOVERS]);
	return sum;
}
