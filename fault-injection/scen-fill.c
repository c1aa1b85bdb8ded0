// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scen-fill.c - the fill drill: new pages from every node's mirror zones,
 * mapped through /dev/mirror, must hold their memory type's cheaper bit in
 * every byte; the per-type counters must count exactly those pages; and
 * after loading an energy table that flips the cheaper bit, new pages must
 * follow it.  The table in force before is put back afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "drill.h"
#include "libmirror.h"

#define FILL_DEFAULT_PAGES	16
#define MAX_TYPES		64

/* Pages of each memory type one pass saw. */
struct fill_count {
	unsigned long pages[MAX_TYPES];
};

/*
 * The memory type of a page that node 'nid's mirror zones handed out, or
 * -1 when the map puts it elsewhere: outside RAM, on another node, or
 * outside every mirror zone.
 */
static int zone_page_type(struct mirror_memmap *map, unsigned long long paddr,
			  int nid)
{
	int range = mirror_memmap_find(map, paddr);

	if (range < 0 ||
	    mirror_memmap_range_get_node(map, (unsigned int)range) != nid ||
	    !mirror_memmap_range_is_mirrored(map, (unsigned int)range))
		return -1;
	return mirror_memmap_type_find(map,
			mirror_memmap_range_get_type(map, (unsigned int)range));
}

/* First byte of 'page' that is not 'byte', or -1. */
static long first_wrong(const unsigned char *page, unsigned char byte)
{
	size_t i;

	for (i = 0; i < DRILL_PAGE_SIZE; i++)
		if (page[i] != byte)
			return (long)i;
	return -1;
}

/* One node: map n pages from its zones and check every byte of each. */
static void check_node(struct mirror_ctx *ctx, struct mirror_memmap *map,
		       int fd, int nid, unsigned long n, const char *when,
		       struct fill_count *fc, struct drill_report *r)
{
	size_t len = n * DRILL_PAGE_SIZE, i;
	unsigned long wrong = 0, elsewhere = 0;
	char where[128] = "";
	unsigned long long *pfns;
	unsigned char *p;
	int rc;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)nid * (off_t)DRILL_PAGE_SIZE);
	if (p == MAP_FAILED) {
		report_check(r, false, "pages mapped",
			     "%s node %d: mmap of %lu pages of /dev/mirror: %s",
			     when, nid, n, strerror(errno));
		return;
	}
	pfns = calloc(n, sizeof(*pfns));
	/* Touch every page read-only first: that maps it, nothing more. */
	for (i = 0; i < n; i++)
		(void)*(volatile unsigned char *)(p + i * DRILL_PAGE_SIZE);
	rc = pfns ? mirror_proc_get_pfns(ctx, getpid(),
					 (unsigned long long)(uintptr_t)p, n,
					 pfns) : -ENOMEM;
	for (i = 0; i < n && rc == 0; i++) {
		unsigned long long pa = pfns[i] * DRILL_PAGE_SIZE;
		int type = pfns[i] ? zone_page_type(map, pa, nid) : -1;
		long bad;
		int bit;

		if (type < 0 || type >= MAX_TYPES) {
			elsewhere++;
			continue;
		}
		bit = mirror_memmap_type_get_fill_bit(map, (unsigned int)type);
		fc->pages[type]++;
		bad = first_wrong(p + i * DRILL_PAGE_SIZE, bit ? 0xff : 0x00);
		if (bad >= 0 && !wrong++) {
			snprintf(where, sizeof(where),
				 "; first at 0x%llx (%s, fill %d): byte 0x%02x",
				 pa + (unsigned long long)bad,
				 mirror_memmap_type_get_name(map, (unsigned int)type),
				 bit, p[i * DRILL_PAGE_SIZE + (size_t)bad]);
		}
	}
	if (rc)
		report_check(r, false, "pages mapped",
			     "%s node %d: pagemap: %s", when, nid,
			     strerror(-rc));
	else
		report_check(r, !wrong && !elsewhere,
			     "every byte holds the pattern",
			     "%s node %d: %lu pages, %lu outside the node's zones, %lu with a wrong byte%s",
			     when, nid, n, elsewhere, wrong, where);
	free(pfns);
	munmap(p, len);
}

/* Every node with zones, then the per-type counters against what we saw. */
static int check_all_nodes(struct mirror_ctx *ctx, int fd, unsigned long n,
			   const char *when, struct drill_report *r,
			   struct mirror_memmap **map_out)
{
	struct mirror_memmap *map = NULL, *after = NULL;
	struct fill_count fc;
	struct mirror_node *node;
	unsigned int t;
	int rc;

	memset(&fc, 0, sizeof(fc));
	rc = mirror_memmap_read(ctx, &map);
	if (rc)
		return rc;
	mirror_node_foreach(ctx, node)
		if (mirror_node_get_nr_zones(node))
			check_node(ctx, map, fd, mirror_node_get_id(node), n,
				   when, &fc, r);
	rc = mirror_memmap_read(ctx, &after);
	if (rc) {
		mirror_memmap_free(map);
		return rc;
	}
	for (t = 0; t < mirror_memmap_get_nr_types(map) && t < MAX_TYPES; t++) {
		int bit = mirror_memmap_type_get_fill_bit(map, t);
		enum mirror_memtype_counter want = bit ?
			MIRROR_MEMTYPE_ALLOC_ONE_PAGES :
			MIRROR_MEMTYPE_ALLOC_ZERO_PAGES;
		enum mirror_memtype_counter other = bit ?
			MIRROR_MEMTYPE_ALLOC_ZERO_PAGES :
			MIRROR_MEMTYPE_ALLOC_ONE_PAGES;
		unsigned long long d_want, d_other;

		if (!fc.pages[t])
			continue;
		d_want = mirror_memmap_type_get_counter(after, t, want) -
			 mirror_memmap_type_get_counter(map, t, want);
		d_other = mirror_memmap_type_get_counter(after, t, other) -
			  mirror_memmap_type_get_counter(map, t, other);
		report_check(r, d_want == fc.pages[t] && d_other == 0,
			     "fill counters",
			     "%s %s: %lu pages seen, alloc_%s_pages +%llu, alloc_%s_pages +%llu",
			     when, mirror_memmap_type_get_name(map, t),
			     fc.pages[t], bit ? "one" : "zero", d_want,
			     bit ? "zero" : "one", d_other);
	}
	mirror_memmap_free(after);
	*map_out = map;
	return 0;
}

/*
 * The table in use with the cheaper bit of every memory type in use
 * flipped (write0 and write1 swapped where they differ).  NULL when no
 * type in use can flip.
 */
static char *flipped_table(struct mirror_energy *table,
			   struct mirror_memmap *map, char *flips, size_t flen)
{
	unsigned int i, n = mirror_energy_get_nr(table);
	size_t cap = 256 * (n + 1), len = 0;
	char *text = malloc(cap);
	bool any = false;

	if (!text)
		return NULL;
	flips[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *name = mirror_energy_get_name(table, i);
		const char *src = mirror_energy_get_source(table, i);
		unsigned long long w0 = mirror_energy_get_write0_mpj(table, i);
		unsigned long long w1 = mirror_energy_get_write1_mpj(table, i);

		if (mirror_memmap_type_find(map, name) >= 0 && w0 != w1) {
			unsigned long long tmp = w0;
			size_t fl = strlen(flips);

			w0 = w1;
			w1 = tmp;
			any = true;
			snprintf(flips + fl, flen - fl, "%s%s %d->%d",
				 fl ? ", " : "", name,
				 mirror_energy_get_fill_bit(table, i),
				 !mirror_energy_get_fill_bit(table, i));
		}
		len += (size_t)snprintf(text + len, cap - len,
					"%s %llu.%03llu %llu.%03llu%s%s\n", name,
					w0 / 1000, w0 % 1000, w1 / 1000,
					w1 % 1000, src && *src ? " " : "",
					src ? src : "");
		if (len >= cap) {
			free(text);
			return NULL;
		}
	}
	if (!any) {
		free(text);
		return NULL;
	}
	return text;
}

static char *table_text(struct mirror_energy *table)
{
	int len = mirror_energy_format(table, NULL, 0);
	char *text = len > 0 ? malloc((size_t)len + 1) : NULL;

	if (text)
		mirror_energy_format(table, text, (size_t)len + 1);
	return text;
}

/* Whether 'name' is one of the "NAME a->b" items of 'flips'. */
static bool listed(const char *flips, const char *name)
{
	size_t len = strlen(name);
	const char *p = flips;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == flips || p[-1] == ' ') && p[len] == ' ')
			return true;
		p += len;
	}
	return false;
}

/* Load the flipped table, check new pages follow it, put the old one back. */
static void flip_and_check(struct mirror_ctx *ctx, int fd, unsigned long n,
			   struct mirror_memmap *map, struct drill_report *r)
{
	struct mirror_energy *table = NULL;
	struct mirror_memmap *flipped_map = NULL, *back = NULL;
	char flips[512], *flipped, *saved;
	unsigned int t;
	bool followed = true, restored = true;

	if (mirror_energy_read(ctx, &table)) {
		report_check(r, false, "energy table read", "%s",
			     mirror_get_last_error(ctx));
		return;
	}
	flipped = flipped_table(table, map, flips, sizeof(flips));
	saved = table_text(table);
	mirror_energy_free(table);
	if (!flipped || !saved) {
		report_note(r, "no memory type in use has a cheaper bit to flip: the table-change step is skipped");
		free(flipped);
		free(saved);
		return;
	}
	drill_cleanup.saved_table = saved;
	if (mirror_energy_load(ctx, flipped, strlen(flipped))) {
		report_check(r, false, "flipped table loaded", "%s",
			     mirror_get_last_error(ctx));
		free(flipped);
		return;
	}
	free(flipped);
	report_note(r, "loaded a table with the cheaper bit flipped: %s", flips);
	if (check_all_nodes(ctx, fd, n, "after the flip:", r, &flipped_map))
		return;
	for (t = 0; t < mirror_memmap_get_nr_types(map); t++) {
		int want = mirror_memmap_type_get_fill_bit(map, t);
		int now = mirror_memmap_type_get_fill_bit(flipped_map, t);

		if (listed(flips, mirror_memmap_type_get_name(map, t)))
			want = !want;
		followed &= now == want;
	}
	report_check(r, followed, "new pages follow the new table",
		     "fill pattern now %s", flips);
	mirror_memmap_free(flipped_map);

	/* Put the old table back now, and see that it took. */
	drill_cleanup_run();
	if (mirror_memmap_read(ctx, &back) == 0) {
		for (t = 0; t < mirror_memmap_get_nr_types(map); t++)
			restored &= mirror_memmap_type_get_fill_bit(back, t) ==
				    mirror_memmap_type_get_fill_bit(map, t);
		mirror_memmap_free(back);
	} else {
		restored = false;
	}
	report_check(r, restored, "previous table restored",
		     "every memory type has its former fill pattern");
}

int drill_fill(struct mirror_ctx *ctx, const struct drill_opts *o,
	       struct drill_report *r)
{
	unsigned long n = o->pages_set ? o->pages : FILL_DEFAULT_PAGES;
	struct mirror_memmap *map = NULL;
	int fd, rc;

	if (o->pid || o->have_addr) {
		warnx_("fill allocates its own pages: --pid and --addr are for failover and hardware");
		return DRILL_EXIT_USAGE;
	}
	rc = mirror_memmap_read(ctx, &map);
	if (rc) {
		warnx_("%s", mirror_get_last_error(ctx));
		return DRILL_EXIT_CANNOT;
	}
	mirror_memmap_free(map);
	map = NULL;
	fd = open("/dev/mirror", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		warnx_("/dev/mirror: %s", strerror(errno));
		return errno == EACCES || errno == EPERM || errno == ENOENT ?
		       DRILL_EXIT_CANNOT : DRILL_EXIT_FAIL;
	}
	report_note(r, "%lu new pages from each node's mirror zones through mmap of /dev/mirror",
		    n);
	rc = check_all_nodes(ctx, fd, n, "table in use:", r, &map);
	if (rc == 0 && !drill_interrupted)
		flip_and_check(ctx, fd, n, map, r);
	mirror_memmap_free(map);
	close(fd);
	if (rc) {
		warnx_("%s", mirror_get_last_error(ctx));
		return DRILL_EXIT_FAIL;
	}
	return report_passed(r) ? DRILL_EXIT_PASS : DRILL_EXIT_FAIL;
}
