// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * backend-module.c - mirror.ko's tree, /sys/kernel/mm/mirror (ABI.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmirror-private.h"

#define MODULE_DIR		"/sys/kernel/mm/mirror"
#define MODULE_ABI		2
/* More zones than any machine has: a garbled nr_zones, not a layout. */
#define MODULE_ZONES_MAX	4096
#define MODULE_NODES_MAX	4096

struct attr_map {
	const char *name;
	unsigned int counter;
};

/*
 * What a report needs, and all a refresh reads.  pages_used and the node
 * page totals are sums and differences of these (ABI.md defines them so);
 * pages_requested and blocks_unclaimed never change after the load and
 * are read when asked for.  A 64-node machine has thousands of files: each
 * one left unread is three system calls saved.
 */
static const struct attr_map zone_attrs[] = {
	{ "pages_free",		ZC_PAGES_FREE },
	{ "allocs",		ZC_ALLOCS },
	{ "frees",		ZC_FREES },
	{ "alloc_failures",	ZC_ALLOC_FAILURES },
};

static const struct attr_map zone_opt_attrs[] = {
	{ "failovers",		ZC_FAILOVERS },
	{ "bad_frees",		ZC_BAD_FREES },
	{ "exhausted",		ZC_EXHAUSTED },
};

static const struct attr_map node_attrs[] = {
	{ "allocs_local",	NC_ALLOCS_LOCAL },
	{ "allocs_remote",	NC_ALLOCS_REMOTE },
	{ "fallback_exhausted",	NC_FALLBACK_EXHAUSTED },
	{ "fallback_constraint", NC_FALLBACK_CONSTRAINT },
	{ "failed",		NC_FAILED },
};

/*
 * The one-line stat files (ABI.md): their fields in order.  A zone's
 * line has failovers last where the zone counts them; fields a later
 * module adds after these are ignored.
 */
static const unsigned int zone_stat_fields[] = {
	ZC_PAGES_PRESENT, ZC_PAGES_FREE, ZC_PAGES_USED, ZC_ALLOCS, ZC_FREES,
	ZC_ALLOC_FAILURES, ZC_BAD_FREES, ZC_EXHAUSTED, ZC_FAILOVERS,
};
#define ZONE_STAT_MIN_FIELDS	8

static const unsigned int node_stat_fields[] = {
	NC_PAGES_TOTAL, NC_PAGES_FREE, NC_PAGES_USED, NC_ALLOCS_LOCAL,
	NC_ALLOCS_REMOTE, NC_FALLBACK_EXHAUSTED, NC_FALLBACK_CONSTRAINT,
	NC_FAILED, NC_ALLOCS_ORDINARY,
};
#define NODE_STAT_MIN_FIELDS	9

/* Room for the fields of either stat line, in read_stat(). */
#define STAT_FIELDS_MAX		16
_Static_assert(ARRAY_SIZE(zone_stat_fields) <= STAT_FIELDS_MAX &&
	       ARRAY_SIZE(node_stat_fields) <= STAT_FIELDS_MAX,
	       "a stat line has more fields than read_stat() has room for");

static const struct mirror_policy module_policies[] = {
	{
		.name = "default_mirror",
		.description = "serve allocations without __GFP_MIRROR mirror-first too",
		.relpath = MODULE_DIR "/policy/default_mirror",
		.type = MIRROR_POLICY_BOOL,
	},
	{
		.name = "fallback",
		.description = "fall back to ordinary memory when mirror memory is full",
		.relpath = MODULE_DIR "/policy/fallback",
		.type = MIRROR_POLICY_BOOL,
	},
};

static int module_detect(struct mirror_ctx *ctx, char *why, size_t len)
{
	char path[MIRROR_PATH_MAX];
	int rc;

	rc = mirror_path(ctx, path, sizeof(path), MODULE_DIR);
	if (rc < 0)
		return rc;
	if (access(path, F_OK) == 0)
		return 1;
	snprintf(why, len, "%s: absent (mirror.ko not loaded)", path);
	return 0;
}

/* Open "<base>/<sub>" for attribute reads; 'path' receives its name. */
static int open_sub(struct mirror_ctx *ctx, int basefd, const char *base,
		    const char *sub, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/%s", base, sub);
	fd = openat(basefd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return mirror_error(ctx, -errno, "%s: %s", path,
				    strerror(errno));
	return fd;
}

/*
 * An attribute of one zone or node, named relative to the zones/ or nodes/
 * directory ("zone5/allocs"): no directory to open and close per zone.
 */
static int sub_u64(struct mirror_ctx *ctx, int fd, const char *dirpath,
		   const char *sub, const char *name, bool hex, bool optional,
		   unsigned long long *val)
{
	size_t sl = strlen(sub), nl = strlen(name);
	char rel[64];

	/* Thousands of calls on a large machine: no snprintf() here. */
	if (sl + nl + 2 > sizeof(rel))
		return mirror_error(ctx, -ENAMETOOLONG, "%s/%s/%s: name too long",
				    dirpath, sub, name);
	memcpy(rel, sub, sl);
	rel[sl] = '/';
	memcpy(rel + sl + 1, name, nl + 1);
	if (optional)
		return mirror_attr_u64_opt(ctx, fd, dirpath, rel, val);
	return mirror_attr_u64(ctx, fd, dirpath, rel, hex, val);
}

/*
 * The numbers of one line of fields separated by single spaces (a stat
 * line, a line of layout) into v[0..max): field i is 0x hex when hex[i]
 * (hex may be NULL: all decimal); fields past 'max' are ignored (a later
 * module may add them).  The number of fields read, or -EINVAL naming
 * "<dir>/<name>: field N".
 */
static int parse_fields(struct mirror_ctx *ctx, const char *dir,
			const char *name, char *line, const bool *hex,
			unsigned int max, unsigned long long *v)
{
	unsigned int i;
	char *p, *tok;

	for (i = 0, p = line; i < max && *p; i++) {
		bool x = hex && hex[i];

		tok = p;
		p = strchr(tok, ' ');
		if (p)
			*p++ = '\0';
		else
			p = tok + strlen(tok);
		if (mirror_parse_u64(tok, x, &v[i]) < 0 ||
		    v[i] == MIRROR_UNKNOWN)
			return mirror_error(ctx, -EINVAL,
					    "%s/%s: field %u is not a %s number: '%s'",
					    dir, name, i + 1,
					    x ? "0x hex" : "decimal", tok);
	}
	return (int)i;
}

/*
 * "<sub>/stat" below fd into c: 1 (fields the line lacks past 'min' are
 * MIRROR_UNKNOWN), 0 when there is no such file (a module from before
 * the stat files), or -errno.
 */
static int read_stat(struct mirror_ctx *ctx, int fd, const char *path,
		     const char *sub, const unsigned int *fields,
		     unsigned int nfields, unsigned int min,
		     unsigned long long *c)
{
	unsigned long long v[STAT_FIELDS_MAX];
	char rel[64], line[256];
	unsigned int i;
	int rc, n;

	snprintf(rel, sizeof(rel), "%s/stat", sub);
	rc = mirror_attr_read_opt(ctx, fd, path, rel, line, sizeof(line));
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	n = parse_fields(ctx, path, rel, line, NULL, nfields, v);
	if (n < 0)
		return n;
	if ((unsigned int)n < min)
		return mirror_error(ctx, -EINVAL,
				    "%s/%s: %d fields, expected at least %u",
				    path, rel, n, min);
	for (i = 0; i < nfields; i++)
		c[fields[i]] = i < (unsigned int)n ? v[i] : MIRROR_UNKNOWN;
	return 1;
}

/* A zone's counters from its single files (a module without stat). */
static int read_zone_files(struct mirror_ctx *ctx, int fd, const char *path,
			   struct mirror_zone *z, bool load,
			   unsigned long long *c)
{
	unsigned int i;
	int rc;

	if (load) {
		rc = sub_u64(ctx, fd, path, z->name, "pages_present", false,
			     false, &c[ZC_PAGES_PRESENT]);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < ARRAY_SIZE(zone_attrs); i++) {
		rc = sub_u64(ctx, fd, path, z->name, zone_attrs[i].name, false,
			     false, &c[zone_attrs[i].counter]);
		if (rc < 0)
			return rc;
	}
	/* Added after the first module release: absent means "not counted". */
	for (i = 0; i < ARRAY_SIZE(zone_opt_attrs); i++) {
		rc = sub_u64(ctx, fd, path, z->name, zone_opt_attrs[i].name,
			     false, true, &c[zone_opt_attrs[i].counter]);
		if (rc < 0)
			return rc;
	}
	if (c[ZC_PAGES_FREE] <= c[ZC_PAGES_PRESENT])
		c[ZC_PAGES_USED] = c[ZC_PAGES_PRESENT] - c[ZC_PAGES_FREE];
	return 0;
}

static int read_zone_counters(struct mirror_ctx *ctx, int fd,
			      const char *path, struct mirror_zone *z,
			      bool load)
{
	unsigned long long c[ZC_NR];
	const char *from;
	int rc;

	memcpy(c, z->c, sizeof(c));
	/* One read() for the whole zone where the module has stat. */
	rc = read_stat(ctx, fd, path, z->name, zone_stat_fields,
		       ARRAY_SIZE(zone_stat_fields), ZONE_STAT_MIN_FIELDS, c);
	from = rc == 1 ? "stat" : "exhausted";
	if (rc == 0)
		rc = read_zone_files(ctx, fd, path, z, load, c);
	if (rc < 0)
		return rc;
	if (load &&
	    c[ZC_PAGES_PRESENT] > (z->end - z->start) / ctx->page_size)
		return mirror_error(ctx, -EINVAL,
				    "%s/%s: pages_present %llu exceeds the range",
				    path, z->name, c[ZC_PAGES_PRESENT]);
	if (c[ZC_EXHAUSTED] != MIRROR_UNKNOWN && c[ZC_EXHAUSTED] > 1)
		return mirror_error(ctx, -EINVAL,
				    "%s/%s/%s: exhausted is not 0 or 1",
				    path, z->name, from);
	if (c[ZC_PAGES_FREE] > c[ZC_PAGES_PRESENT])
		return mirror_error(ctx, -EINVAL,
				    "%s/%s: pages_free %llu exceeds pages_present %llu",
				    path, z->name, c[ZC_PAGES_FREE],
				    c[ZC_PAGES_PRESENT]);
	if (c[ZC_PAGES_FREE] + c[ZC_PAGES_USED] != c[ZC_PAGES_PRESENT])
		return mirror_error(ctx, -EINVAL,
				    "%s/%s/stat: pages_free %llu + pages_used %llu is not pages_present %llu",
				    path, z->name, c[ZC_PAGES_FREE],
				    c[ZC_PAGES_USED], c[ZC_PAGES_PRESENT]);
	c[ZC_PAGES_TOTAL] = c[ZC_PAGES_PRESENT];
	memcpy(z->c, c, sizeof(c));
	return 0;
}

/*
 * A zone's place, from its files or from layout ("<dir>/<name>" names
 * where in errors).
 */
static int set_zone_layout(struct mirror_ctx *ctx, const char *dir,
			   const char *name, struct mirror_zone *z,
			   unsigned long long node, unsigned long long start,
			   unsigned long long size)
{
	if (node >= MODULE_NODES_MAX)
		return mirror_error(ctx, -EINVAL,
				    "%s/%s: node %llu out of range", dir, name,
				    node);
	if (size == 0 || start + size < start ||
	    (start | size) % ctx->page_size)
		return mirror_error(ctx, -EINVAL,
				    "%s/%s: bad range start 0x%llx size %llu",
				    dir, name, start, size);
	z->node_id = (int)node;
	z->start = start;
	z->end = start + size;
	return 0;
}

/* A zone's node, start and size files (a module without layout). */
static int read_zone_place(struct mirror_ctx *ctx, int fd, const char *path,
			   struct mirror_zone *z)
{
	unsigned long long node, start, size;
	int rc;

	rc = sub_u64(ctx, fd, path, z->name, "node", false, false, &node);
	if (rc == 0)
		rc = sub_u64(ctx, fd, path, z->name, "start", true, false,
			     &start);
	if (rc == 0)
		rc = sub_u64(ctx, fd, path, z->name, "size", false, false,
			     &size);
	if (rc < 0)
		return rc;
	return set_zone_layout(ctx, path, z->name, z, node, start, size);
}

/*
 * A zone's counters, and at the load ('load') its place too unless the
 * layout file gave it ('placed').
 */
static int read_zone(struct mirror_ctx *ctx, int fd, const char *path,
		     struct mirror_zone *z, bool load, bool placed)
{
	int rc;

	snprintf(z->name, sizeof(z->name), "zone%u", z->id);
	if (load && !placed) {
		rc = read_zone_place(ctx, fd, path, z);
		if (rc < 0)
			return rc;
	}
	return read_zone_counters(ctx, fd, path, z, load);
}

static int read_node(struct mirror_ctx *ctx, int fd, const char *path,
		     struct mirror_node *n)
{
	unsigned long long c[NC_NR];
	unsigned int i;
	char name[24];
	int rc = 0;

	snprintf(name, sizeof(name), "node%d", n->id);
	memcpy(c, n->c, sizeof(c));
	/* The page counts are recomputed from the zones (sum_node_pages). */
	rc = read_stat(ctx, fd, path, name, node_stat_fields,
		       ARRAY_SIZE(node_stat_fields), NODE_STAT_MIN_FIELDS, c);
	if (rc == 1) {
		memcpy(n->c, c, sizeof(c));
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(node_attrs) && rc == 0; i++)
		rc = sub_u64(ctx, fd, path, name, node_attrs[i].name, false,
			     false, &c[node_attrs[i].counter]);
	if (rc == 0)
		rc = sub_u64(ctx, fd, path, name, "allocs_ordinary", false,
			     true, &c[NC_ALLOCS_ORDINARY]);
	if (rc < 0)
		return rc;
	memcpy(n->c, c, sizeof(c));
	return 0;
}

/* The node page counts are the sums of its zones' (ABI.md). */
static void sum_node_pages(struct mirror_ctx *ctx)
{
	static const enum mirror_node_counter nc[] = {
		NC_PAGES_TOTAL, NC_PAGES_FREE, NC_PAGES_USED };
	static const enum mirror_zone_counter zc[] = {
		ZC_PAGES_TOTAL, ZC_PAGES_FREE, ZC_PAGES_USED };

	mirror_sum_nodes(ctx, nc, zc, ARRAY_SIZE(nc));
}

/* The node ids under nodes/, in 'ids' (caller frees). */
static int list_nodes(struct mirror_ctx *ctx, int basefd, const char *base,
		      int **ids, unsigned int *nr)
{
	char path[MIRROR_PATH_MAX];
	unsigned int n = 0, cap = 16;
	struct dirent *de;
	int *list, *tmp;
	DIR *dir;
	int fd;

	fd = open_sub(ctx, basefd, base, "nodes", path, sizeof(path));
	if (fd < 0)
		return fd;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return mirror_error(ctx, -errno, "%s: %s", path, strerror(errno));
	}
	list = malloc(cap * sizeof(*list));
	if (!list)
		goto nomem;
	while ((de = readdir(dir))) {
		unsigned long long id;

		if (strncmp(de->d_name, "node", 4) != 0)
			continue;
		if (mirror_parse_u64(de->d_name + 4, false, &id) < 0 ||
		    id >= MODULE_NODES_MAX) {
			closedir(dir);
			free(list);
			return mirror_error(ctx, -EINVAL, "%s/%s: not a node",
					    path, de->d_name);
		}
		if (n == cap) {
			cap *= 2;
			tmp = realloc(list, cap * sizeof(*list));
			if (!tmp)
				goto nomem;
			list = tmp;
		}
		list[n++] = (int)id;
	}
	closedir(dir);
	*ids = list;
	*nr = n;
	return 0;
nomem:
	free(list);
	closedir(dir);
	return -ENOMEM;
}

static int read_text(struct mirror_ctx *ctx, int fd, const char *path,
		     const char *name, char *buf, size_t len)
{
	int rc = mirror_attr_read(ctx, fd, path, name, buf, len);

	if (rc == 0 && !buf[0])
		rc = mirror_error(ctx, -EINVAL, "%s/%s: empty", path, name);
	return rc;
}

static int read_header(struct mirror_ctx *ctx, int fd, const char *path,
		       unsigned long long *nr_zones)
{
	unsigned long long abi, bad_frees, ordinary;
	int rc;

	rc = mirror_attr_u64(ctx, fd, path, "abi_version", false, &abi);
	if (rc < 0)
		return rc;
	/*
	 * ABI 2 changed what frees count (pages) and dropped processes/
	 * files this library never read: it reads both the same way.
	 */
	if (abi < 1 || abi > MODULE_ABI)
		return mirror_error(ctx, -EPROTO,
				    "%s/abi_version: ABI %llu, this libmirror reads ABI 1 to %d",
				    path, abi, MODULE_ABI);
	ctx->abi_version = (unsigned int)abi;
	rc = read_text(ctx, fd, path, "version", ctx->module_version,
		       sizeof(ctx->module_version));
	if (rc == 0)
		rc = read_text(ctx, fd, path, "mode", ctx->module_mode,
			       sizeof(ctx->module_mode));
	if (rc == 0 && strcmp(ctx->module_mode, "emulation") != 0 &&
	    strcmp(ctx->module_mode, "firmware") != 0)
		rc = mirror_error(ctx, -EINVAL,
				  "%s/mode: '%s' is neither emulation nor firmware",
				  path, ctx->module_mode);
	if (rc == 0)
		rc = mirror_attr_u64(ctx, fd, path, "nr_zones", false, nr_zones);
	if (rc == 0 && *nr_zones > MODULE_ZONES_MAX)
		rc = mirror_error(ctx, -EINVAL, "%s/nr_zones: %llu is too many",
				  path, *nr_zones);
	if (rc == 0)
		rc = mirror_attr_u64_opt(ctx, fd, path, "bad_frees", &bad_frees);
	if (rc == 0)
		rc = mirror_attr_u64_opt(ctx, fd, path, "ordinary_pages",
					 &ordinary);
	if (rc == 0) {
		ctx->bad_frees = bad_frees;
		ctx->ordinary_pages = ordinary;
	}
	return rc;
}

/*
 * One "ID NODE 0xSTART SIZE" line of layout (ABI.md) into ctx->zones[i];
 * 'where' ("layout: line N") names it in errors, below 'base'.
 */
static int parse_layout_line(struct mirror_ctx *ctx, const char *base,
			     const char *where, char *line, unsigned int i)
{
	static const bool hex[] = { false, false, true, false };
	unsigned long long v[4];
	int n;

	n = parse_fields(ctx, base, where, line, hex, 4, v);
	if (n < 0)
		return n;
	if (n < 4)
		return mirror_error(ctx, -EINVAL, "%s/%s: %d fields, expected 4",
				    base, where, n);
	if (v[0] != i)
		return mirror_error(ctx, -EINVAL, "%s/%s: zone %llu, expected %u",
				    base, where, v[0], i);
	return set_zone_layout(ctx, base, where, &ctx->zones[i], v[1], v[2],
			       v[3]);
}

/*
 * Every zone's place from the module's one layout file: 1, 0 when the
 * module has none (its zones' node, start and size files then), or -errno.
 */
static int read_layout(struct mirror_ctx *ctx, int fd, const char *base)
{
	char where[32], *text, *line, *next;
	unsigned int i = 0;
	int rc;

	rc = mirror_file_readat_opt(ctx, fd, base, "layout",
				    (size_t)MODULE_ZONES_MAX * 64, &text, NULL);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	for (line = text; rc == 0 && *line; line = next, i++) {
		next = strchr(line, '\n');
		if (!next) {
			rc = mirror_error(ctx, -EINVAL,
					  "%s/layout: line %u has no newline",
					  base, i + 1);
			break;
		}
		*next++ = '\0';
		snprintf(where, sizeof(where), "layout: line %u", i + 1);
		if (i >= ctx->nr_zones)
			rc = mirror_error(ctx, -EINVAL,
					  "%s/%s: more lines than nr_zones (%u)",
					  base, where, ctx->nr_zones);
		else
			rc = parse_layout_line(ctx, base, where, line, i);
	}
	if (rc == 0 && i != ctx->nr_zones)
		rc = mirror_error(ctx, -EINVAL,
				  "%s/layout: %u lines, nr_zones is %u", base, i,
				  ctx->nr_zones);
	free(text);
	return rc < 0 ? rc : 1;
}

static int read_zones(struct mirror_ctx *ctx, int basefd, const char *base,
		      bool load)
{
	char path[MIRROR_PATH_MAX];
	bool placed = false;
	unsigned int i;
	int fd, rc = 0;

	if (!ctx->nr_zones)
		return 0;
	if (load) {
		rc = read_layout(ctx, basefd, base);
		if (rc < 0)
			return rc;
		placed = rc == 1;
		rc = 0;
	}
	fd = open_sub(ctx, basefd, base, "zones", path, sizeof(path));
	if (fd < 0)
		return fd;
	for (i = 0; i < ctx->nr_zones && rc == 0; i++) {
		rc = read_zone(ctx, fd, path, &ctx->zones[i], load, placed);
		if (rc == 0 && load && i > 0 &&
		    ctx->zones[i].start < ctx->zones[i - 1].end)
			rc = mirror_error(ctx, -EINVAL,
					  "%s/zone%u: overlaps or precedes zone%u",
					  path, i, i - 1);
	}
	close(fd);
	return rc;
}

static int read_nodes(struct mirror_ctx *ctx, int basefd, const char *base)
{
	char path[MIRROR_PATH_MAX];
	unsigned int i;
	int fd, rc = 0;

	if (!ctx->nr_nodes)
		return 0;
	fd = open_sub(ctx, basefd, base, "nodes", path, sizeof(path));
	if (fd < 0)
		return fd;
	for (i = 0; i < ctx->nr_nodes && rc == 0; i++)
		rc = read_node(ctx, fd, path, &ctx->nodes[i]);
	close(fd);
	return rc;
}

/*
 * Open the module's directory (its path into 'base') and read the header
 * attributes; returns the directory's fd, or a negative errno with nothing
 * left open.
 */
static int open_module(struct mirror_ctx *ctx, char *base, size_t len,
		       unsigned long long *nr_zones)
{
	int fd, rc;

	rc = mirror_path(ctx, base, len, MODULE_DIR);
	if (rc < 0)
		return rc;
	fd = mirror_open_dir(ctx, base);
	if (fd < 0)
		return fd;
	rc = read_header(ctx, fd, base, nr_zones);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

static int module_load(struct mirror_ctx *ctx)
{
	char base[MIRROR_PATH_MAX];
	unsigned long long nr_zones;
	unsigned int nr_ids = 0;
	int *ids = NULL;
	int fd, rc;

	fd = open_module(ctx, base, sizeof(base), &nr_zones);
	if (fd < 0)
		return fd;
	rc = mirror_alloc_zones(ctx, (unsigned int)nr_zones);
	if (rc == 0)
		rc = read_zones(ctx, fd, base, true);
	if (rc == 0)
		rc = list_nodes(ctx, fd, base, &ids, &nr_ids);
	if (rc == 0)
		rc = mirror_link_nodes(ctx, ids, nr_ids);
	if (rc == 0)
		rc = read_nodes(ctx, fd, base);
	free(ids);
	close(fd);
	if (rc == 0)
		sum_node_pages(ctx);
	if (rc == 0)
		snprintf(ctx->description, sizeof(ctx->description),
			 "mirror.ko %s (%s)", ctx->module_version,
			 ctx->module_mode);
	return rc;
}

static int module_refresh(struct mirror_ctx *ctx)
{
	char base[MIRROR_PATH_MAX];
	unsigned long long nr_zones;
	unsigned int nr_ids = 0, i;
	int *ids = NULL;
	int fd, rc;

	fd = open_module(ctx, base, sizeof(base), &nr_zones);
	if (fd < 0)
		return fd;
	if (nr_zones != ctx->nr_zones)
		rc = mirror_error(ctx, -ESTALE,
				  "%s/nr_zones: changed from %u to %llu",
				  base, ctx->nr_zones, nr_zones);
	else
		rc = list_nodes(ctx, fd, base, &ids, &nr_ids);
	/* A node that made its first allocation since the load is new. */
	for (i = 0; rc == 0 && i < nr_ids; i++)
		if (!mirror_node_get_by_id(ctx, ids[i]))
			rc = mirror_error(ctx, -ESTALE, "%s/nodes/node%d: new",
					  base, ids[i]);
	if (rc == 0)
		rc = read_zones(ctx, fd, base, false);
	if (rc == 0)
		rc = read_nodes(ctx, fd, base);
	free(ids);
	close(fd);
	if (rc == 0)
		sum_node_pages(ctx);
	return rc;
}

const struct mirror_backend mirror_backend_module = {
	.name = "module",
	.detect = module_detect,
	.load = module_load,
	.refresh = module_refresh,
	.proc_read = NULL,
	.policies = module_policies,
	.nr_policies = ARRAY_SIZE(module_policies),
};

/* ---- read on demand ---------------------------------------------------- */

static bool is_module(struct mirror_zone *zone)
{
	return zone->ctx->backend == &mirror_backend_module;
}

/* Open the zone's directory, its path into 'path'; an fd or -errno. */
static int open_zone(struct mirror_zone *zone, char *path, size_t len)
{
	int rc;

	rc = mirror_path(zone->ctx, path, len, MODULE_DIR "/zones/%s",
			 zone->name);
	if (rc < 0)
		return rc;
	return mirror_open_dir(zone->ctx, path);
}

/* A zone attribute that never changes after the load, read once. */
static unsigned long long zone_constant(struct mirror_zone *zone,
					enum mirror_zone_counter c,
					const char *name)
{
	struct mirror_ctx *ctx = zone->ctx;
	char path[MIRROR_PATH_MAX];
	unsigned long long v;
	int fd;

	if (zone->c[c] != MIRROR_UNKNOWN || !is_module(zone))
		return zone->c[c];
	fd = open_zone(zone, path, sizeof(path));
	if (fd < 0)
		return MIRROR_UNKNOWN;
	if (mirror_attr_u64(ctx, fd, path, name, false, &v) == 0)
		zone->c[c] = v;
	close(fd);
	return zone->c[c];
}

MIRROR_EXPORT unsigned long long mirror_zone_get_pages_requested(struct mirror_zone *zone)
{
	return zone_constant(zone, ZC_PAGES_REQUESTED, "pages_requested");
}

MIRROR_EXPORT unsigned long long mirror_zone_get_blocks_unclaimed(struct mirror_zone *zone)
{
	return zone_constant(zone, ZC_BLOCKS_UNCLAIMED, "blocks_unclaimed");
}

MIRROR_EXPORT unsigned long long mirror_zone_get_free_blocks(struct mirror_zone *zone,
							     unsigned int order)
{
	struct mirror_ctx *ctx = zone->ctx;
	char path[MIRROR_PATH_MAX], buf[512], *p, *end;
	unsigned long long v = MIRROR_UNKNOWN;
	unsigned int i;
	int fd;

	if (!is_module(zone) || order >= MIRROR_NR_ORDERS)
		return MIRROR_UNKNOWN;
	fd = open_zone(zone, path, sizeof(path));
	if (fd < 0)
		return MIRROR_UNKNOWN;
	if (mirror_attr_read(ctx, fd, path, "free_blocks", buf, sizeof(buf)) < 0)
		goto out;
	for (i = 0, p = buf; i <= order; i++) {
		unsigned long long n;

		while (*p == ' ')
			p++;
		end = p + strcspn(p, " ");
		if (end == p)
			break;
		if (*end)
			*end++ = '\0';
		if (mirror_parse_u64(p, false, &n) < 0)
			break;
		if (i == order)
			v = n;
		p = end;
	}
	if (v == MIRROR_UNKNOWN)
		mirror_error(ctx, -EINVAL,
			     "%s/free_blocks: no count for order %u", path, order);
out:
	close(fd);
	return v;
}

MIRROR_EXPORT int mirror_zone_occupied_foreach(struct mirror_zone *zone,
		int (*fn)(unsigned long long start_pfn,
			  unsigned long long end_pfn, void *arg),
		void *arg)
{
	struct mirror_ctx *ctx = zone->ctx;
	char path[MIRROR_PATH_MAX], *text, *line, *save = NULL;
	unsigned int lineno = 0;
	int rc;

	if (!is_module(zone))
		return mirror_error(ctx, -EOPNOTSUPP,
				    "%s backend has no occupied list",
				    ctx->backend ? ctx->backend->name : "no");
	rc = mirror_path(ctx, path, sizeof(path),
			 MODULE_DIR "/zones/%s/occupied", zone->name);
	if (rc < 0)
		return rc;
	rc = mirror_file_read(ctx, path, 256U << 20, &text, NULL);
	/* Which physical pages are in use is root's, as /proc/iomem. */
	if (rc == -EACCES)
		return mirror_error(ctx, -EPERM,
				    "%s: physical addresses are root's (reading them needs root)",
				    path);
	if (rc < 0)
		return rc;
	for (line = strtok_r(text, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, e;
		char *dash = strchr(line, '-');

		lineno++;
		if (dash)
			*dash = '\0';
		if (!dash || mirror_parse_u64(line, true, &s) < 0 ||
		    mirror_parse_u64(dash + 1, true, &e) < 0 || e <= s) {
			rc = mirror_error(ctx, -EINVAL,
					  "%s:%u: not 0xSTART-0xEND", path,
					  lineno);
			break;
		}
		rc = fn(s, e, arg);
	}
	free(text);
	return rc;
}
