// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * memtype.c - memory technologies: mirror.ko's address -> memory-name map,
 * the energy table (memory name -> cost of writing a 0 and a 1 bit), the
 * fill counters per memory type, and virtual -> physical lookups through
 * /proc/PID/pagemap.
 *
 * Energy tables are parsed with the same core parser mirror.ko uses
 * (kernel-module/core/energy.c), so a table that passes here is one the
 * module takes, and a table is checked whole before any byte of it is
 * written to the module.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmirror-private.h"
#include "energy.h"

#define MEMTYPES_DIR	"/sys/kernel/mm/mirror/memtypes"
#define RANGES_MAX	(16U << 20)	/* bytes of memtypes/ranges */
#define TABLE_MAX	(1U << 20)	/* bytes of an energy table */
#define MAPS_MAX	(64U << 20)

struct mirror_energy {
	struct mc_energy_table table;
};

struct memrange {
	unsigned long long start, end;	/* end exclusive */
	char type[MC_ENERGY_NAME_MAX];
	int node;
	bool mirrored;
};

struct memtype {
	char name[MC_ENERGY_NAME_MAX];
	int fill;
	unsigned long long c[MIRROR_MEMTYPE_NR_COUNTERS];
};

struct mirror_memmap {
	struct memrange *ranges;
	unsigned int nr_ranges;
	struct memtype *types;
	unsigned int nr_types;
	char default_type[MC_ENERGY_NAME_MAX];
};

static const char *const counter_files[MIRROR_MEMTYPE_NR_COUNTERS] = {
	[MIRROR_MEMTYPE_ALLOC_ZERO_PAGES] = "alloc_zero_pages",
	[MIRROR_MEMTYPE_ALLOC_ONE_PAGES] = "alloc_one_pages",
	[MIRROR_MEMTYPE_WRITE_ZERO_PAGES] = "write_zero_pages",
	[MIRROR_MEMTYPE_WRITE_ONE_PAGES] = "write_one_pages",
	[MIRROR_MEMTYPE_SCRUB_PAGES] = "scrub_pages",
	[MIRROR_MEMTYPE_ENERGY_MPJ] = "energy_mpj",
	[MIRROR_MEMTYPE_ENERGY_OTHER_MPJ] = "energy_other_mpj",
};

/* ---- energy tables ------------------------------------------------------- */

static int energy_from_text(struct mirror_ctx *ctx, const char *what,
			    const char *text, size_t len,
			    struct mirror_energy **out)
{
	struct mc_parse_error err = { 0 };
	struct mirror_energy *e;
	int rc;

	e = calloc(1, sizeof(*e));
	if (!e)
		return mirror_error(ctx, -ENOMEM, "out of memory");
	mc_energy_init(&e->table);
	rc = mc_energy_parse(text, len, &e->table, &err);
	if (rc < 0) {
		free(e);
		if (err.line)
			return mirror_error(ctx, rc, "%s: line %u: %s", what,
					    err.line, err.msg);
		return mirror_error(ctx, rc, "%s: %s", what, err.msg);
	}
	*out = e;
	return 0;
}

MIRROR_EXPORT int mirror_energy_parse(struct mirror_ctx *ctx, const char *text,
				      size_t len, struct mirror_energy **table)
{
	return energy_from_text(ctx, "energy table", text, len, table);
}

MIRROR_EXPORT int mirror_energy_new_default(struct mirror_ctx *ctx,
					    struct mirror_energy **table)
{
	return energy_from_text(ctx, "built-in energy table",
				mc_energy_default_text,
				strlen(mc_energy_default_text), table);
}

static int memtypes_path(struct mirror_ctx *ctx, char *buf, size_t len,
			 const char *name)
{
	int rc = mirror_path(ctx, buf, len, MEMTYPES_DIR "%s%s",
			     name ? "/" : "", name ? name : "");

	if (rc < 0)
		return rc;
	return 0;
}

/*
 * -ENODEV unless mirror.ko with memory types is there; then the path of
 * its file 'name' into buf.
 */
static int memtypes_file(struct mirror_ctx *ctx, char *buf, size_t len,
			 const char *name)
{
	char path[MIRROR_PATH_MAX];
	int rc = memtypes_path(ctx, path, sizeof(path), NULL);

	if (rc < 0)
		return rc;
	if (access(path, F_OK) < 0)
		return mirror_error(ctx, -ENODEV,
				    "%s: not found: mirror.ko is not loaded (memory types come from its memtypes= map)",
				    path);
	return memtypes_path(ctx, buf, len, name);
}

MIRROR_EXPORT int mirror_energy_read(struct mirror_ctx *ctx,
				     struct mirror_energy **table)
{
	char path[MIRROR_PATH_MAX];
	char *text;
	size_t len;
	int rc;

	rc = memtypes_file(ctx, path, sizeof(path), "energy_table");
	if (rc < 0)
		return rc;
	rc = mirror_file_read(ctx, path, TABLE_MAX, &text, &len);
	if (rc < 0)
		return rc;
	rc = energy_from_text(ctx, path, text, len, table);
	free(text);
	return rc;
}

MIRROR_EXPORT int mirror_energy_load(struct mirror_ctx *ctx, const char *text,
				     size_t len)
{
	struct mirror_energy *check;
	char path[MIRROR_PATH_MAX], status[256];
	int rc, dirfd;

	/* Whole-table check first: nothing reaches the module otherwise. */
	rc = mirror_energy_parse(ctx, text, len, &check);
	if (rc < 0)
		return rc;
	mirror_energy_free(check);
	rc = memtypes_file(ctx, path, sizeof(path), "energy_table");
	if (rc < 0)
		return rc;
	rc = mirror_file_write(path, text, len);
	if (rc < 0)
		return mirror_error(ctx, rc, "%s: %s", path, strerror(-rc));

	rc = memtypes_path(ctx, path, sizeof(path), "energy_commit");
	if (rc < 0)
		return rc;
	rc = mirror_file_write(path, "1\n", 2);
	if (rc == -ENOENT || rc == -EACCES || rc == -EPERM)
		return mirror_error(ctx, rc, "%s: %s", path, strerror(-rc));
	if (rc < 0) {
		/* The module checks once more (memory types in use). */
		status[0] = '\0';
		rc = memtypes_path(ctx, path, sizeof(path), NULL);
		if (!rc) {
			dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dirfd >= 0) {
				mirror_attr_read(ctx, dirfd, path,
						 "energy_status", status,
						 sizeof(status));
				close(dirfd);
			}
		}
		return mirror_error(ctx, -EINVAL,
				    "mirror.ko refused the table: %s",
				    status[0] ? status : "no reason given");
	}
	return 0;
}

MIRROR_EXPORT void mirror_energy_free(struct mirror_energy *table)
{
	if (!table)
		return;
	mc_energy_free(&table->table);
	free(table);
}

MIRROR_EXPORT unsigned int mirror_energy_get_nr(struct mirror_energy *table)
{
	return table->table.nr;
}

static const struct mc_energy_entry *entry(struct mirror_energy *table,
					   unsigned int i)
{
	return i < table->table.nr ? &table->table.entries[i] : NULL;
}

MIRROR_EXPORT const char *mirror_energy_get_name(struct mirror_energy *table,
						 unsigned int i)
{
	const struct mc_energy_entry *e = entry(table, i);

	return e ? e->name : NULL;
}

MIRROR_EXPORT const char *
mirror_energy_get_source(struct mirror_energy *table, unsigned int i)
{
	const struct mc_energy_entry *e = entry(table, i);

	return e ? e->source : NULL;
}

MIRROR_EXPORT unsigned long long
mirror_energy_get_write0_mpj(struct mirror_energy *table, unsigned int i)
{
	const struct mc_energy_entry *e = entry(table, i);

	return e ? e->write0_mpj : MIRROR_UNKNOWN;
}

MIRROR_EXPORT unsigned long long
mirror_energy_get_write1_mpj(struct mirror_energy *table, unsigned int i)
{
	const struct mc_energy_entry *e = entry(table, i);

	return e ? e->write1_mpj : MIRROR_UNKNOWN;
}

MIRROR_EXPORT int mirror_energy_get_fill_bit(struct mirror_energy *table,
					     unsigned int i)
{
	const struct mc_energy_entry *e = entry(table, i);

	return e ? (int)mc_energy_fill_bit(e) : -EINVAL;
}

MIRROR_EXPORT int mirror_energy_find(struct mirror_energy *table,
				     const char *name)
{
	const struct mc_energy_entry *e = mc_energy_lookup(&table->table, name);

	return e ? (int)(e - table->table.entries) : -ENOENT;
}

MIRROR_EXPORT int mirror_energy_format(struct mirror_energy *table, char *buf,
				       size_t len)
{
	return mc_energy_format(&table->table, buf, len);
}

/* ---- the memory-type map --------------------------------------------------- */

static bool type_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= MC_ENERGY_NAME_MAX)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* "0xSTART-0xEND NAME NODE MIRRORED" lines of memtypes/ranges. */
static int parse_ranges(struct mirror_ctx *ctx, const char *path, char *text,
			struct mirror_memmap *map)
{
	unsigned int lineno = 0, cap = 0;
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct memrange r = { 0 };
		char type[64], extra;
		int mirrored;

		lineno++;
		if (sscanf(line, "0x%llx-0x%llx %63s %d %d %c", &r.start,
			   &r.end, type, &r.node, &mirrored, &extra) != 5 ||
		    r.end <= r.start || !type_name_ok(type) ||
		    (mirrored != 0 && mirrored != 1) || r.node < -1 ||
		    (map->nr_ranges &&
		     r.start < map->ranges[map->nr_ranges - 1].end))
			return mirror_error(ctx, -EINVAL,
					    "%s: line %u: not '0xSTART-0xEND NAME NODE 0|1' in address order: '%.80s'",
					    path, lineno, line);
		snprintf(r.type, sizeof(r.type), "%s", type);
		r.mirrored = mirrored;
		if (map->nr_ranges == cap) {
			struct memrange *n;

			cap = cap ? cap * 2 : 16;
			n = realloc(map->ranges, cap * sizeof(*n));
			if (!n)
				return mirror_error(ctx, -ENOMEM,
						    "out of memory");
			map->ranges = n;
		}
		map->ranges[map->nr_ranges++] = r;
	}
	return 0;
}

static int type_cmp(const void *a, const void *b)
{
	return strcmp(((const struct memtype *)a)->name,
		      ((const struct memtype *)b)->name);
}

static int read_types(struct mirror_ctx *ctx, struct mirror_memmap *map)
{
	char dirpath[MIRROR_PATH_MAX], tpath[MIRROR_PATH_MAX + 64];
	unsigned int i, k;
	int rc, fd, tfd;
	DIR *dir;
	struct dirent *de;

	rc = memtypes_path(ctx, dirpath, sizeof(dirpath), "types");
	if (rc < 0)
		return rc;
	fd = mirror_open_dir(ctx, dirpath);
	if (fd < 0)
		return fd;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return mirror_error(ctx, -errno, "%s: %s", dirpath,
				    strerror(errno));
	}
	while ((de = readdir(dir)) != NULL) {
		struct memtype *n;

		if (de->d_name[0] == '.')
			continue;
		if (!type_name_ok(de->d_name))
			continue;
		n = realloc(map->types, (map->nr_types + 1) * sizeof(*n));
		if (!n) {
			closedir(dir);
			return mirror_error(ctx, -ENOMEM, "out of memory");
		}
		map->types = n;
		memset(&n[map->nr_types], 0, sizeof(*n));
		snprintf(n[map->nr_types].name, sizeof(n->name), "%s",
			 de->d_name);
		map->nr_types++;
	}
	closedir(dir);
	if (map->nr_types)
		qsort(map->types, map->nr_types, sizeof(*map->types),
		      type_cmp);

	for (i = 0; i < map->nr_types; i++) {
		struct memtype *t = &map->types[i];
		unsigned long long v;

		snprintf(tpath, sizeof(tpath), "%s/%s", dirpath, t->name);
		tfd = mirror_open_dir(ctx, tpath);
		if (tfd < 0)
			return tfd;
		rc = mirror_attr_u64(ctx, tfd, tpath, "fill", false, &v);
		if (!rc && v > 1)
			rc = mirror_error(ctx, -EINVAL, "%s/fill: not 0 or 1",
					  tpath);
		t->fill = (int)v;
		for (k = 0; !rc && k < MIRROR_MEMTYPE_NR_COUNTERS; k++)
			rc = mirror_attr_u64(ctx, tfd, tpath, counter_files[k],
					     false, &t->c[k]);
		close(tfd);
		if (rc < 0)
			return rc;
	}
	return 0;
}

MIRROR_EXPORT int mirror_memmap_read(struct mirror_ctx *ctx,
				     struct mirror_memmap **out)
{
	struct mirror_memmap *map;
	char path[MIRROR_PATH_MAX], dirpath[MIRROR_PATH_MAX];
	char *text = NULL;
	int rc, fd;

	rc = memtypes_file(ctx, path, sizeof(path), "ranges");
	if (rc < 0)
		return rc;
	map = calloc(1, sizeof(*map));
	if (!map)
		return mirror_error(ctx, -ENOMEM, "out of memory");
	rc = mirror_file_read(ctx, path, RANGES_MAX, &text, NULL);
	/* mirror.ko shows the layout of RAM to root only, as /proc/iomem. */
	if (rc == -EACCES)
		rc = mirror_error(ctx, -EPERM,
				  "%s: the layout of physical memory is root's (reading it needs root)",
				  path);
	if (!rc)
		rc = parse_ranges(ctx, path, text, map);
	free(text);
	if (!rc)
		rc = memtypes_path(ctx, dirpath, sizeof(dirpath), NULL);
	if (!rc) {
		fd = mirror_open_dir(ctx, dirpath);
		rc = fd < 0 ? fd :
		     mirror_attr_read(ctx, fd, dirpath, "default",
				      map->default_type,
				      sizeof(map->default_type));
		if (fd >= 0)
			close(fd);
	}
	if (!rc)
		rc = read_types(ctx, map);
	if (rc < 0) {
		mirror_memmap_free(map);
		return rc;
	}
	*out = map;
	return 0;
}

MIRROR_EXPORT void mirror_memmap_free(struct mirror_memmap *map)
{
	if (!map)
		return;
	free(map->ranges);
	free(map->types);
	free(map);
}

MIRROR_EXPORT unsigned int mirror_memmap_get_nr_ranges(struct mirror_memmap *map)
{
	return map->nr_ranges;
}

MIRROR_EXPORT unsigned long long
mirror_memmap_range_get_start(struct mirror_memmap *map, unsigned int i)
{
	return i < map->nr_ranges ? map->ranges[i].start : MIRROR_UNKNOWN;
}

MIRROR_EXPORT unsigned long long
mirror_memmap_range_get_end(struct mirror_memmap *map, unsigned int i)
{
	return i < map->nr_ranges ? map->ranges[i].end : MIRROR_UNKNOWN;
}

MIRROR_EXPORT const char *
mirror_memmap_range_get_type(struct mirror_memmap *map, unsigned int i)
{
	return i < map->nr_ranges ? map->ranges[i].type : NULL;
}

MIRROR_EXPORT int mirror_memmap_range_get_node(struct mirror_memmap *map,
					       unsigned int i)
{
	return i < map->nr_ranges ? map->ranges[i].node : -1;
}

MIRROR_EXPORT bool mirror_memmap_range_is_mirrored(struct mirror_memmap *map,
						   unsigned int i)
{
	return i < map->nr_ranges && map->ranges[i].mirrored;
}

MIRROR_EXPORT int mirror_memmap_find(struct mirror_memmap *map,
				     unsigned long long addr)
{
	unsigned int lo = 0, hi = map->nr_ranges;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (addr < map->ranges[mid].start)
			hi = mid;
		else if (addr >= map->ranges[mid].end)
			lo = mid + 1;
		else
			return (int)mid;
	}
	return -ENOENT;
}

MIRROR_EXPORT const char *
mirror_memmap_get_default_type(struct mirror_memmap *map)
{
	return map->default_type;
}

MIRROR_EXPORT unsigned int mirror_memmap_get_nr_types(struct mirror_memmap *map)
{
	return map->nr_types;
}

MIRROR_EXPORT const char *
mirror_memmap_type_get_name(struct mirror_memmap *map, unsigned int i)
{
	return i < map->nr_types ? map->types[i].name : NULL;
}

MIRROR_EXPORT int mirror_memmap_type_find(struct mirror_memmap *map,
					  const char *name)
{
	unsigned int i;

	for (i = 0; i < map->nr_types; i++)
		if (!strcasecmp(map->types[i].name, name))
			return (int)i;
	return -ENOENT;
}

MIRROR_EXPORT int mirror_memmap_type_get_fill_bit(struct mirror_memmap *map,
						  unsigned int i)
{
	return i < map->nr_types ? map->types[i].fill : -EINVAL;
}

MIRROR_EXPORT unsigned long long
mirror_memmap_type_get_counter(struct mirror_memmap *map, unsigned int i,
			       enum mirror_memtype_counter counter)
{
	if (i >= map->nr_types || (unsigned int)counter >= MIRROR_MEMTYPE_NR_COUNTERS)
		return MIRROR_UNKNOWN;
	return map->types[i].c[counter];
}

/* ---- virtual -> physical -------------------------------------------------- */

/* Whether vaddr lies in a mapping of /proc/PID/maps. */
static int vaddr_mapped(struct mirror_ctx *ctx, pid_t pid,
			unsigned long long vaddr)
{
	char path[MIRROR_PATH_MAX], *text, *line, *save = NULL;
	int rc, found = 0;

	rc = mirror_path(ctx, path, sizeof(path), "/proc/%d/maps", (int)pid);
	if (rc < 0)
		return rc;
	rc = mirror_file_read(ctx, path, MAPS_MAX, &text, NULL);
	if (rc == -ENOENT)
		return mirror_error(ctx, -ESRCH, "no process %d", (int)pid);
	if (rc < 0)
		return rc;
	for (line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, e;

		if (sscanf(line, "%llx-%llx", &s, &e) == 2 && vaddr >= s &&
		    vaddr < e)
			found = 1;
	}
	free(text);
	return found;
}

MIRROR_EXPORT int mirror_virt_to_phys(struct mirror_ctx *ctx, pid_t pid,
				      unsigned long long vaddr,
				      unsigned long long *paddr)
{
	char path[MIRROR_PATH_MAX];
	unsigned long long entry;
	ssize_t n;
	int rc, fd;

	if (pid <= 0)
		return mirror_error(ctx, -EINVAL, "invalid process id %d",
				    (int)pid);
	rc = vaddr_mapped(ctx, pid, vaddr);
	if (rc < 0)
		return rc;
	if (!rc)
		return mirror_error(ctx, -ENXIO,
				    "0x%llx is not mapped in process %d",
				    vaddr, (int)pid);
	fd = mirror_pagemap_open(ctx, pid, path, sizeof(path));
	if (fd < 0)
		return fd;
	n = mirror_pagemap_read(ctx, path, fd, vaddr / ctx->page_size, &entry, 1);
	close(fd);
	if (n < 0)
		return (int)n;
	if (n != 1)
		return mirror_error(ctx, -EIO, "%s: short read at 0x%llx",
				    path, vaddr);
	if (!(entry & MIRROR_PM_PRESENT))
		return mirror_error(ctx, -ENXIO,
				    "0x%llx in process %d is mapped but not in memory (%s)",
				    vaddr, (int)pid,
				    entry & MIRROR_PM_SWAPPED ? "swapped out" :
				    "never touched");
	if (!(entry & MIRROR_PM_PFN_MASK))
		return mirror_error(ctx, -EPERM,
				    "%s: page frame numbers are hidden (reading them needs CAP_SYS_ADMIN)",
				    path);
	*paddr = (entry & MIRROR_PM_PFN_MASK) * ctx->page_size +
		 vaddr % ctx->page_size;
	return 0;
}
