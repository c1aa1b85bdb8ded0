// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * zoneinfo.c - the kernel's own zones as mirror zones, for machines booted
 * with kernelcore=mirror (mainline) or kernelcore=reliable (openEuler).
 * There, everything that is not ZONE_MOVABLE is mirrored memory: the
 * kernel puts only mirrored ranges (and, by rule, all memory below 4 GiB)
 * in the zones below Movable.  Nothing in /proc says "mirror"; the zone
 * does.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "libmirror-private.h"

#define ZONEINFO		"/proc/zoneinfo"
#define ZONEINFO_MAX		(16U << 20)
#define NODE_MEMINFO		"/sys/devices/system/node/node%d/meminfo"

struct zi_zone {
	int node;
	char name[16];
	unsigned int line;
	unsigned long long v[9];
	unsigned int seen;		/* bit per v[] index */
};

enum { ZI_FREE, ZI_SPANNED, ZI_PRESENT, ZI_MANAGED, ZI_START_PFN, ZI_HIT,
       ZI_MISS, ZI_FOREIGN, ZI_LOCAL };

static const char *const zi_keys[] = {
	[ZI_FREE] = "pages free",
	[ZI_SPANNED] = "spanned",
	[ZI_PRESENT] = "present",
	[ZI_MANAGED] = "managed",
	[ZI_START_PFN] = "start_pfn:",
	[ZI_HIT] = "numa_hit",
	[ZI_MISS] = "numa_miss",
	[ZI_FOREIGN] = "numa_foreign",
	[ZI_LOCAL] = "numa_local",
};

#define ZI_REQUIRED	((1U << ZI_FREE) | (1U << ZI_SPANNED) | \
			 (1U << ZI_PRESENT) | (1U << ZI_MANAGED))
#define ZI_NUMA		((1U << ZI_HIT) | (1U << ZI_MISS) | \
			 (1U << ZI_FOREIGN) | (1U << ZI_LOCAL))

/* Kernel zones that hold kernel (mirrored) memory under kernelcore=mirror. */
static bool zone_is_mirrored(const char *name)
{
	return strcmp(name, "DMA") == 0 || strcmp(name, "DMA32") == 0 ||
	       strcmp(name, "Normal") == 0 || strcmp(name, "HighMem") == 0;
}

/* Zones whose pages are not kernel memory at all. */
static bool zone_is_ignored(const char *name)
{
	return strcmp(name, "Device") == 0;
}

static char *skip_space(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "Node 0, zone    DMA32" */
static int parse_header(char *line, struct zi_zone *z)
{
	unsigned long long node;
	char *p = line + 5, *end;
	size_t n;

	end = p;
	while (isdigit((unsigned char)*end))
		end++;
	if (end == p || strncmp(end, ", zone", 6) != 0)
		return -EINVAL;
	*end = '\0';
	if (mirror_parse_u64(p, false, &node) < 0 || node > 65535)
		return -EINVAL;
	p = skip_space(end + 6);
	n = strlen(p);
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(z->name))
		return -EINVAL;
	memcpy(z->name, p, n);
	z->name[n] = '\0';
	z->node = (int)node;
	return 0;
}

static int parse_value(struct mirror_ctx *ctx, const char *path,
		       unsigned int lineno, char *p, struct zi_zone *z)
{
	unsigned int k;

	p = skip_space(p);
	for (k = 0; k < ARRAY_SIZE(zi_keys); k++) {
		size_t kl = strlen(zi_keys[k]);
		char *v, *end;

		if (strncmp(p, zi_keys[k], kl) != 0 ||
		    (p[kl] != ' ' && p[kl] != '\t'))
			continue;
		v = skip_space(p + kl);
		end = v + strlen(v);
		while (end > v && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (mirror_parse_u64(v, false, &z->v[k]) < 0)
			return mirror_error(ctx, -EINVAL,
					    "%s:%u: '%s' is not a number",
					    path, lineno, v);
		z->seen |= 1U << k;
		return 0;
	}
	return 0;
}

static int zone_bad(struct mirror_ctx *ctx, const char *path,
		    const struct zi_zone *z, const char *a, unsigned int ia,
		    const char *b, unsigned int ib)
{
	return mirror_error(ctx, -EINVAL,
			    "%s:%u: node %d zone %s: %s %llu exceeds %s %llu",
			    path, z->line, z->node, z->name, a, z->v[ia], b,
			    z->v[ib]);
}

static int check_zone(struct mirror_ctx *ctx, const char *path,
		      const struct zi_zone *z)
{
	if ((z->seen & ZI_REQUIRED) != ZI_REQUIRED)
		return mirror_error(ctx, -EINVAL,
				    "%s:%u: node %d zone %s lacks pages free/spanned/present/managed (truncated?)",
				    path, z->line, z->node, z->name);
	if (!z->v[ZI_PRESENT])
		return 0;
	if (!(z->seen & (1U << ZI_START_PFN)))
		return mirror_error(ctx, -EINVAL,
				    "%s:%u: node %d zone %s has no start_pfn (truncated?)",
				    path, z->line, z->node, z->name);
	if (z->v[ZI_FREE] > z->v[ZI_MANAGED])
		return zone_bad(ctx, path, z, "pages free", ZI_FREE, "managed",
				ZI_MANAGED);
	if (z->v[ZI_MANAGED] > z->v[ZI_PRESENT])
		return zone_bad(ctx, path, z, "managed", ZI_MANAGED, "present",
				ZI_PRESENT);
	if (z->v[ZI_PRESENT] > z->v[ZI_SPANNED])
		return zone_bad(ctx, path, z, "present", ZI_PRESENT, "spanned",
				ZI_SPANNED);
	if (z->v[ZI_START_PFN] + z->v[ZI_SPANNED] > ~0ULL / ctx->page_size)
		return mirror_error(ctx, -EINVAL,
				    "%s:%u: node %d zone %s: start_pfn %llu + spanned overflows",
				    path, z->line, z->node, z->name,
				    z->v[ZI_START_PFN]);
	return 0;
}

/* Parse the text into populated zones (caller frees *out). */
static int zoneinfo_parse(struct mirror_ctx *ctx, const char *path, char *text,
			  struct zi_zone **out, unsigned int *nr)
{
	struct zi_zone *zones = NULL, *z = NULL, *tmp;
	unsigned int n = 0, cap = 0, lineno = 0;
	char *line, *save = NULL;
	int rc = 0;

	for (line = strtok_r(text, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (strncmp(line, "Node ", 5) != 0) {
			if (!z)
				rc = mirror_error(ctx, -EINVAL,
						  "%s:%u: expected 'Node N, zone NAME'",
						  path, lineno);
			else
				rc = parse_value(ctx, path, lineno, line, z);
			continue;
		}
		if (z)
			rc = check_zone(ctx, path, z);
		if (rc < 0)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			tmp = realloc(zones, cap * sizeof(*zones));
			if (!tmp) {
				rc = -ENOMEM;
				break;
			}
			zones = tmp;
		}
		z = &zones[n++];
		memset(z, 0, sizeof(*z));
		z->line = lineno;
		if (parse_header(line, z) < 0)
			rc = mirror_error(ctx, -EINVAL,
					  "%s:%u: bad zone header '%s'",
					  path, lineno, line);
	}
	if (rc == 0 && z)
		rc = check_zone(ctx, path, z);
	if (rc == 0 && n == 0)
		rc = mirror_error(ctx, -EINVAL, "%s: no zones (empty file?)",
				  path);
	if (rc < 0) {
		free(zones);
		return rc;
	}
	*out = zones;
	*nr = n;
	return 0;
}

static bool zone_kept(const struct zi_zone *z)
{
	return z->v[ZI_PRESENT] && !zone_is_ignored(z->name);
}

static void zone_fill(struct mirror_zone *mz, const struct zi_zone *z)
{
	mz->c[ZC_PAGES_TOTAL] = z->v[ZI_MANAGED];
	mz->c[ZC_PAGES_FREE] = z->v[ZI_FREE];
	mz->c[ZC_PAGES_USED] = z->v[ZI_MANAGED] - z->v[ZI_FREE];
	mz->c[ZC_PAGES_REQUESTED] = z->v[ZI_SPANNED];
	mz->c[ZC_PAGES_PRESENT] = z->v[ZI_PRESENT];
	/* numa_hit + numa_miss: every allocation this zone served. */
	if ((z->seen & ZI_NUMA) == ZI_NUMA)
		mz->c[ZC_ALLOCS] = z->v[ZI_HIT] + z->v[ZI_MISS];
}

/*
 * The node view the kernel gives: allocations meant for the node and served
 * there (numa_hit), and meant for it but served by another (numa_foreign).
 */
static void nodes_fill(struct mirror_ctx *ctx, const struct zi_zone *zi,
		       unsigned int nr)
{
	static const enum mirror_node_counter nc[] = {
		NC_PAGES_TOTAL, NC_PAGES_FREE, NC_PAGES_USED };
	static const enum mirror_zone_counter zc[] = {
		ZC_PAGES_TOTAL, ZC_PAGES_FREE, ZC_PAGES_USED };
	unsigned int i, j;

	mirror_sum_nodes(ctx, nc, zc, ARRAY_SIZE(nc));
	for (i = 0; i < ctx->nr_nodes; i++) {
		struct mirror_node *n = &ctx->nodes[i];
		unsigned long long hit = 0, foreign = 0;

		for (j = 0; j < nr; j++) {
			const struct zi_zone *z = &zi[j];

			if (z->node != n->id || !zone_kept(z) ||
			    !zone_is_mirrored(z->name))
				continue;
			if ((z->seen & ZI_NUMA) != ZI_NUMA) {
				hit = foreign = MIRROR_UNKNOWN;
				break;
			}
			hit += z->v[ZI_HIT];
			foreign += z->v[ZI_FOREIGN];
		}
		n->c[NC_ALLOCS_LOCAL] = hit;
		n->c[NC_ALLOCS_REMOTE] = foreign;
	}
}

/* MemTotal of each node; unknown when the kernel has no node directories. */
static int nodes_memory(struct mirror_ctx *ctx)
{
	char path[MIRROR_PATH_MAX], key[48];
	unsigned int i;
	int rc;

	for (i = 0; i < ctx->nr_nodes; i++) {
		struct mirror_node *n = &ctx->nodes[i];
		char *text;

		rc = mirror_path(ctx, path, sizeof(path), NODE_MEMINFO, n->id);
		if (rc < 0)
			return rc;
		rc = mirror_file_read(ctx, path, 1U << 20, &text, NULL);
		if (rc == -ENOENT) {
			ctx->errbuf[0] = '\0';
			continue;
		}
		if (rc < 0)
			return rc;
		snprintf(key, sizeof(key), "Node %d MemTotal", n->id);
		rc = mirror_meminfo_get(text, key, &n->c[NC_MEMORY_BYTES]);
		free(text);
		if (rc < 0)
			return mirror_error(ctx, -EINVAL,
					    "%s: no readable '%s:' line",
					    path, key);
	}
	return 0;
}

static int zoneinfo_read(struct mirror_ctx *ctx, struct zi_zone **zi,
			 unsigned int *nr)
{
	char path[MIRROR_PATH_MAX];
	char *text;
	int rc;

	rc = mirror_path(ctx, path, sizeof(path), ZONEINFO);
	if (rc < 0)
		return rc;
	rc = mirror_file_read(ctx, path, ZONEINFO_MAX, &text, NULL);
	if (rc < 0)
		return rc;
	rc = zoneinfo_parse(ctx, path, text, zi, nr);
	free(text);
	return rc;
}

int mirror_zoneinfo_load(struct mirror_ctx *ctx)
{
	struct zi_zone *zi;
	unsigned int nr, i, kept = 0, id = 0;
	int rc;

	rc = zoneinfo_read(ctx, &zi, &nr);
	if (rc < 0)
		return rc;
	for (i = 0; i < nr; i++)
		kept += zone_kept(&zi[i]);
	rc = mirror_alloc_zones(ctx, kept);
	if (rc < 0)
		goto out;
	for (i = 0, kept = 0; i < nr; i++) {
		struct mirror_zone *mz;

		if (!zone_kept(&zi[i]))
			continue;
		mz = &ctx->zones[kept++];
		mz->node_id = zi[i].node;
		memcpy(mz->name, zi[i].name, sizeof(mz->name));
		mz->start = zi[i].v[ZI_START_PFN] * ctx->page_size;
		mz->end = mz->start + zi[i].v[ZI_SPANNED] * ctx->page_size;
		mz->mirrored = zone_is_mirrored(zi[i].name);
		mz->id = mz->mirrored ? id++ : ~0U;
		zone_fill(mz, &zi[i]);
	}
	if (id == 0) {
		rc = mirror_error(ctx, -ENODEV,
				  "%s%s: no populated zone below Movable",
				  ctx->sysroot, ZONEINFO);
		goto out;
	}
	rc = mirror_link_nodes(ctx, NULL, 0);
	if (rc == 0) {
		nodes_fill(ctx, zi, nr);
		rc = nodes_memory(ctx);
	}
out:
	free(zi);
	return rc;
}

int mirror_zoneinfo_refresh(struct mirror_ctx *ctx)
{
	struct zi_zone *zi;
	unsigned int nr, i, k = 0;
	int rc;

	rc = zoneinfo_read(ctx, &zi, &nr);
	if (rc < 0)
		return rc;
	for (i = 0; i < nr && rc == 0; i++) {
		struct mirror_zone *mz;

		if (!zone_kept(&zi[i]))
			continue;
		mz = k < ctx->nr_zones ? &ctx->zones[k] : NULL;
		if (!mz || mz->node_id != zi[i].node ||
		    strcmp(mz->name, zi[i].name) != 0)
			rc = mirror_error(ctx, -ESTALE,
					  "%s%s: the zones changed (memory hotplug?)",
					  ctx->sysroot, ZONEINFO);
		else
			zone_fill(mz, &zi[i]);
		k++;
	}
	if (rc == 0 && k != ctx->nr_zones)
		rc = mirror_error(ctx, -ESTALE,
				  "%s%s: the zones changed (memory hotplug?)",
				  ctx->sysroot, ZONEINFO);
	if (rc == 0)
		nodes_fill(ctx, zi, nr);
	free(zi);
	return rc;
}

int mirror_meminfo_get(const char *text, const char *key,
		       unsigned long long *bytes)
{
	u64 v;
	int rc = mc_field_kb(text, strlen(text), key, &v);

	if (rc == 0)
		*bytes = v;
	return rc;
}

int mirror_cmdline_has(struct mirror_ctx *ctx, const char *token, char *why,
		       size_t len)
{
	char path[MIRROR_PATH_MAX];
	size_t tl = strlen(token);
	char *text, *p;
	int rc;

	rc = mirror_path(ctx, path, sizeof(path), "/proc/cmdline");
	if (rc < 0)
		return rc;
	rc = mirror_file_read(ctx, path, 1U << 16, &text, NULL);
	if (mirror_detect_absent(ctx, rc, path, why, len))
		return 0;
	if (rc < 0)
		return rc;
	rc = 0;
	for (p = text; *p; ) {
		size_t wl;

		p += strspn(p, " \t\n");
		wl = strcspn(p, " \t\n");
		/* Everything after "--" belongs to init, not the kernel. */
		if (wl == 2 && strncmp(p, "--", 2) == 0)
			break;
		if (wl == tl && strncmp(p, token, tl) == 0) {
			rc = 1;
			break;
		}
		p += wl;
	}
	free(text);
	if (!rc)
		snprintf(why, len, "%s: no %s", path, token);
	return rc;
}
