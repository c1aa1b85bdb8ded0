// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memtype - which memory technology sits at an address, which fill pattern
 * its pages get, what writing costs there, and the energy table mirror.ko
 * uses (show it, load a new one).
 *
 *   memtype [list]                    the ranges of System RAM
 *   memtype lookup ADDR               physical address -> range -> memory
 *   memtype lookup --pid PID VADDR      -> write costs -> fill pattern
 *   memtype energy                    the energy table
 *   memtype energy load FILE          check FILE, then load it
 *   memtype stats                     fill counters per memory type
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libsmartcols.h>

#include "config.h"
#include "libmirror.h"
#include "output.h"
#include "tool.h"
#include "util.h"

#define JSON_SCHEMA	1
#define TABLE_MAX	(1U << 20)

enum cmd { CMD_LIST, CMD_LOOKUP, CMD_ENERGY, CMD_ENERGY_LOAD, CMD_STATS };

enum { L_RANGE, L_SIZE, L_TYPE, L_FILL, L_NODE, L_MIRRORED, NR_LCOLS };
static const struct coldesc lcols[NR_LCOLS] = {
	[L_RANGE]	= { "RANGE", 37, 0, "physical address range",
			  { "start", "end" } },
	[L_SIZE]	= { "SIZE", 5, SCOLS_FL_RIGHT, "size of the range",
			  { "size_bytes" } },
	[L_TYPE]	= { "TYPE", 8, 0, "memory technology",
			  { "type" } },
	[L_FILL]	= { "FILL", 5, 0, "pattern new pages get (zeros/ones)",
			  { "fill" } },
	[L_NODE]	= { "NODE", 1, SCOLS_FL_RIGHT, "NUMA node",
			  { "node" } },
	[L_MIRRORED]	= { "MIRRORED", 3, 0, "inside a mirror zone (yes/no)",
			  { "mirrored" } },
};

enum { E_NAME, E_WRITE0, E_WRITE1, E_FILL, E_SAVING, E_SOURCE, NR_ECOLS };
static const struct coldesc ecols[NR_ECOLS] = {
	[E_NAME]	= { "NAME", 8, 0, "memory technology",
			  { "name" } },
	[E_WRITE0]	= { "WRITE0", 6, SCOLS_FL_RIGHT, "pJ to write a 0 bit",
			  { "write0_mpj" } },
	[E_WRITE1]	= { "WRITE1", 6, SCOLS_FL_RIGHT, "pJ to write a 1 bit",
			  { "write1_mpj" } },
	[E_FILL]	= { "FILL", 5, 0, "cheaper pattern (zeros/ones; a tie gives zeros)",
			  { "fill" } },
	[E_SAVING]	= { "SAVING", 6, SCOLS_FL_RIGHT, "pJ saved per bit against the other pattern" },
	[E_SOURCE]	= { "SOURCE", 30, SCOLS_FL_TRUNC, "where the figures come from",
			  { "source" } },
};

enum { S_TYPE, S_FILL, S_ALLOC0, S_ALLOC1, S_WRITE0, S_WRITE1, S_SCRUB,
       S_ENERGY, S_OTHER, S_SAVED, NR_SCOLS };
static const struct coldesc scols[NR_SCOLS] = {
	[S_TYPE]	= { "TYPE", 8, 0, "memory technology",
			  { "type" } },
	[S_FILL]	= { "FILL", 5, 0, "pattern new pages get now",
			  { "fill" } },
	[S_ALLOC0]	= { "ALLOC0", 6, SCOLS_FL_RIGHT, "pages handed out holding zeros",
			  { "alloc_zero_pages" } },
	[S_ALLOC1]	= { "ALLOC1", 6, SCOLS_FL_RIGHT, "pages handed out holding ones",
			  { "alloc_one_pages" } },
	[S_WRITE0]	= { "WRITE0", 6, SCOLS_FL_RIGHT, "pages written with zeros",
			  { "write_zero_pages" } },
	[S_WRITE1]	= { "WRITE1", 6, SCOLS_FL_RIGHT, "pages written with ones",
			  { "write_one_pages" } },
	[S_SCRUB]	= { "SCRUB", 6, SCOLS_FL_RIGHT, "freed pages scrubbed",
			  { "scrub_pages" } },
	[S_ENERGY]	= { "ENERGY", 8, SCOLS_FL_RIGHT, "estimated energy of those writes (uJ)",
			  { "energy_mpj" } },
	[S_OTHER]	= { "OTHER", 8, SCOLS_FL_RIGHT, "same writes with the other pattern (uJ)",
			  { "energy_other_mpj" } },
	[S_SAVED]	= { "SAVED", 8, SCOLS_FL_RIGHT, "OTHER - ENERGY (uJ)",
			  { "saved_mpj" } },
};

struct memtype {
	enum cmd cmd;
	bool json;
	struct tableopts t;
	const char *sysroot;
	const char *file;
	long pid;			/* 0: physical lookup */
	unsigned long long addr;
	struct mirror_ctx *ctx;
};

/* ---- helpers ------------------------------------------------------------- */

static int fail(struct memtype *mt, int rc)
{
	return tool_fail(mt->ctx, rc);
}

/* Bits one page fill writes, on the system read. */
static unsigned long long page_bits(struct memtype *mt)
{
	return (unsigned long long)mirror_get_page_size(mt->ctx) * 8;
}

/* milli-pJ as pJ: "16.277", "0.39", "17" (as the table writes them). */
static void fmt_pj(unsigned long long mpj, char *buf, size_t len)
{
	unsigned long long frac = mpj % 1000;

	if (!frac)
		snprintf(buf, len, "%llu", mpj / 1000);
	else if (frac % 100 == 0)
		snprintf(buf, len, "%llu.%llu", mpj / 1000, frac / 100);
	else if (frac % 10 == 0)
		snprintf(buf, len, "%llu.%02llu", mpj / 1000, frac / 10);
	else
		snprintf(buf, len, "%llu.%03llu", mpj / 1000, frac);
}

/* milli-pJ as microjoules with three decimals (1 uJ = 1e9 mpJ). */
static void fmt_uj(long double mpj, char *buf, size_t len)
{
	snprintf(buf, len, "%.3Lf", mpj / 1e9L);
}

static const char *pattern(int bit)
{
	return bit ? "ones" : "zeros";
}

/* All columns by default. */
static void set_columns(struct memtype *mt, const struct coldesc *d,
			unsigned int n)
{
	int defs[16];
	unsigned int i;

	for (i = 0; i < n; i++)
		defs[i] = (int)i;
	columns_parse(&mt->t, d, n, defs, n);
}

static int print_json(json_t *root)
{
	int rc = json_print(stdout, root, JSON_INDENT(2));

	json_decref(root);
	return rc;
}

/*
 * The rows of a table command (list, energy, stats): 'n' of them in
 * 'data', each a JSON object under 'key' or a line of the columns 'd'.
 */
struct rows {
	const char *key;
	const struct coldesc *d;
	unsigned int n;
	json_t *(*json)(struct memtype *mt, void *data, unsigned int i);
	void (*cell)(struct memtype *mt, void *data, unsigned int i, int col,
		     char *buf, size_t len);
	void *data;
};

/* One row as columns_line() sees it. */
struct row {
	const struct rows *r;
	unsigned int i;
};

static void row_cell(void *ctx, void *row, int col, char *buf, size_t len)
{
	struct row *w = row;

	w->r->cell(ctx, w->r->data, w->i, col, buf, len);
}

/*
 * A table command's result: with -J, the rows under r->key of 'root' (the
 * document begun by json_root(), which this takes; with -o only the keys
 * of those columns), else the table.
 */
static int print_rows(struct memtype *mt, json_t *root, const struct rows *r)
{
	struct libscols_table *tb;
	struct row w = { .r = r };
	int rc = 0;

	if (mt->json) {
		json_t *arr = json_array();

		for (w.i = 0; w.i < r->n; w.i++)
			json_array_append_new(arr, columns_json(
				r->json(mt, r->data, w.i), &mt->t, r->d));
		json_object_set_new(root, r->key, arr);
		return print_json(root) < 0 ? fail(mt, -ENOMEM) : EXIT_SUCCESS;
	}
	tb = columns_table(&mt->t, r->d);
	if (!tb)
		return fail(mt, -ENOMEM);
	for (w.i = 0; w.i < r->n && rc == 0; w.i++)
		rc = columns_line(tb, &mt->t, row_cell, mt, &w);
	if (rc == 0)
		scols_print_table(tb);
	scols_unref_table(tb);
	return rc < 0 ? fail(mt, rc) : EXIT_SUCCESS;
}

static json_t *json_root(const char *what)
{
	json_t *root = json_object();

	json_object_set_new(root, "schema", json_integer(JSON_SCHEMA));
	json_object_set_new(root, "command", json_string(what));
	return root;
}

/* Fill bit of a type by name from the map, or -1. */
static int map_fill(struct mirror_memmap *map, const char *type)
{
	int t = mirror_memmap_type_find(map, type);

	return t < 0 ? -1 : mirror_memmap_type_get_fill_bit(map, (unsigned)t);
}

/* ---- list ----------------------------------------------------------------- */

/* Range i of the map, as list shows it. */
struct range {
	unsigned long long s, e;	/* [s, e) */
	const char *type;
	int node, fill;			/* -1: none, unknown */
	bool mirrored;
};

static struct range range_get(struct mirror_memmap *map, unsigned int i)
{
	struct range r = {
		.s = mirror_memmap_range_get_start(map, i),
		.e = mirror_memmap_range_get_end(map, i),
		.type = mirror_memmap_range_get_type(map, i),
		.node = mirror_memmap_range_get_node(map, i),
		.mirrored = mirror_memmap_range_is_mirrored(map, i),
	};

	r.fill = map_fill(map, r.type);
	return r;
}

static json_t *list_json(struct memtype *mt, void *data, unsigned int i)
{
	struct range r = range_get(data, i);
	json_t *o = json_object();
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", r.s);
	json_object_set_new(o, "start", json_string(buf));
	snprintf(buf, sizeof(buf), "0x%llx", r.e - 1);
	json_object_set_new(o, "end", json_string(buf));
	json_object_set_new(o, "size_bytes", json_uint(r.e - r.s));
	json_object_set_new(o, "type", json_text(r.type));
	json_object_set_new(o, "fill", r.fill < 0 ? json_null() :
			    json_string(pattern(r.fill)));
	json_object_set_new(o, "node", r.node < 0 ? json_null() :
			    json_integer(r.node));
	json_object_set_new(o, "mirrored", json_boolean(r.mirrored));
	return o;
}

static void list_cell(struct memtype *mt, void *data, unsigned int i,
		      int col, char *buf, size_t len)
{
	struct range r = range_get(data, i);

	switch (col) {
	case L_RANGE:
		snprintf(buf, len, "0x%016llx-0x%016llx", r.s, r.e - 1);
		break;
	case L_SIZE:
		fmt_size(r.e - r.s, mt->t.bytes, buf, len);
		break;
	case L_TYPE:
		snprintf(buf, len, "%s", r.type);
		break;
	case L_FILL:
		snprintf(buf, len, "%s", r.fill < 0 ? "-" : pattern(r.fill));
		break;
	case L_NODE:
		if (r.node < 0)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%d", r.node);
		break;
	default:
		snprintf(buf, len, "%s", r.mirrored ? "yes" : "no");
	}
}

static int cmd_list(struct memtype *mt)
{
	struct mirror_memmap *map;
	json_t *root = NULL;
	int rc;

	rc = mirror_memmap_read(mt->ctx, &map);
	if (rc < 0)
		return fail(mt, rc);
	if (mt->json) {
		root = json_root("list");
		json_object_set_new(root, "default_type",
				    json_text(mirror_memmap_get_default_type(map)));
	}
	rc = print_rows(mt, root, &(struct rows){
		.key = "ranges", .d = lcols,
		.n = mirror_memmap_get_nr_ranges(map),
		.json = list_json, .cell = list_cell, .data = map });
	mirror_memmap_free(map);
	return rc;
}

/* ---- lookup ----------------------------------------------------------------- */

static void chain_line(const char *label, const char *value)
{
	printf("%-18s%s\n", label, value);
}

static int cmd_lookup(struct memtype *mt)
{
	struct mirror_memmap *map = NULL;
	struct mirror_energy *table = NULL;
	unsigned long long paddr = mt->addr, w0, w1, diff;
	struct range rg;
	char buf[256], a[32], b[32];
	int rc, r, t;

	if (mt->pid) {
		rc = mirror_virt_to_phys(mt->ctx, (pid_t)mt->pid, mt->addr,
					 &paddr);
		if (rc < 0)
			return fail(mt, rc);
	}
	rc = mirror_memmap_read(mt->ctx, &map);
	if (rc < 0)
		return fail(mt, rc);
	r = mirror_memmap_find(map, paddr);
	if (r < 0) {
		mirror_memmap_free(map);
		warnx_("0x%llx is not System RAM", paddr);
		return EXIT_FAILURE;
	}
	rc = mirror_energy_read(mt->ctx, &table);
	if (rc < 0) {
		mirror_memmap_free(map);
		return fail(mt, rc);
	}
	rg = range_get(map, (unsigned)r);
	t = mirror_energy_find(table, rg.type);
	if (t < 0 || rg.fill < 0) {
		warnx_("memory type %s is not in the energy table", rg.type);
		mirror_memmap_free(map);
		mirror_energy_free(table);
		return EXIT_FAILURE;
	}
	w0 = mirror_energy_get_write0_mpj(table, (unsigned)t);
	w1 = mirror_energy_get_write1_mpj(table, (unsigned)t);
	diff = w0 > w1 ? w0 - w1 : w1 - w0;

	if (mt->json) {
		json_t *root = json_root("lookup"), *o;

		if (mt->pid) {
			json_object_set_new(root, "pid", json_integer(mt->pid));
			snprintf(buf, sizeof(buf), "0x%llx", mt->addr);
			json_object_set_new(root, "virtual", json_string(buf));
		} else {
			json_object_set_new(root, "pid", json_null());
			json_object_set_new(root, "virtual", json_null());
		}
		snprintf(buf, sizeof(buf), "0x%llx", paddr);
		json_object_set_new(root, "physical", json_string(buf));
		o = json_object();
		snprintf(buf, sizeof(buf), "0x%llx", rg.s);
		json_object_set_new(o, "start", json_string(buf));
		snprintf(buf, sizeof(buf), "0x%llx", rg.e - 1);
		json_object_set_new(o, "end", json_string(buf));
		json_object_set_new(o, "node", rg.node < 0 ? json_null() : json_integer(rg.node));
		json_object_set_new(o, "mirrored", json_boolean(rg.mirrored));
		json_object_set_new(root, "range", o);
		json_object_set_new(root, "type", json_text(rg.type));
		json_object_set_new(root, "write0_mpj", json_uint(w0));
		json_object_set_new(root, "write1_mpj", json_uint(w1));
		json_object_set_new(root, "fill", json_string(pattern(rg.fill)));
		json_object_set_new(root, "saving_mpj_per_page",
				    json_uint(diff * page_bits(mt)));
		mirror_memmap_free(map);
		mirror_energy_free(table);
		return print_json(root) < 0 ? fail(mt, -ENOMEM) : EXIT_SUCCESS;
	}

	if (mt->pid) {
		snprintf(buf, sizeof(buf), "0x%llx (process %ld)", mt->addr, mt->pid);
		chain_line("Virtual address:", buf);
	}
	snprintf(buf, sizeof(buf), "0x%llx", paddr);
	chain_line("Physical address:", buf);
	if (rg.node < 0)
		snprintf(buf, sizeof(buf), "0x%llx-0x%llx (offline, %s)", rg.s,
			 rg.e - 1, rg.mirrored ? "mirrored" : "not mirrored");
	else
		snprintf(buf, sizeof(buf), "0x%llx-0x%llx (node %d, %s)", rg.s,
			 rg.e - 1, rg.node, rg.mirrored ? "mirrored" : "not mirrored");
	chain_line("Range:", buf);
	chain_line("Memory:", rg.type);
	fmt_pj(w0, a, sizeof(a));
	fmt_pj(w1, b, sizeof(b));
	snprintf(buf, sizeof(buf), "0: %s pJ/bit, 1: %s pJ/bit", a, b);
	chain_line("Write cost:", buf);
	fmt_pj(diff, a, sizeof(a));
	fmt_pj(diff * page_bits(mt) / 1000, b, sizeof(b));
	snprintf(buf, sizeof(buf), "%s (saves %s pJ/bit, %s nJ per %lu KiB page)",
		 pattern(rg.fill), a, b, mirror_get_page_size(mt->ctx) >> 10);
	chain_line("Fill pattern:", buf);
	mirror_memmap_free(map);
	mirror_energy_free(table);
	return EXIT_SUCCESS;
}

/* ---- energy ------------------------------------------------------------------ */

static json_t *energy_json(struct memtype *mt, void *data, unsigned int i)
{
	struct mirror_energy *table = data;
	json_t *o = json_object();

	json_object_set_new(o, "name", json_text(mirror_energy_get_name(table, i)));
	json_object_set_new(o, "write0_mpj",
			    json_uint(mirror_energy_get_write0_mpj(table, i)));
	json_object_set_new(o, "write1_mpj",
			    json_uint(mirror_energy_get_write1_mpj(table, i)));
	json_object_set_new(o, "fill",
			    json_string(pattern(mirror_energy_get_fill_bit(table, i))));
	json_object_set_new(o, "source", json_text(mirror_energy_get_source(table, i)));
	return o;
}

static void energy_cell(struct memtype *mt, void *data, unsigned int i,
			int col, char *buf, size_t len)
{
	struct mirror_energy *table = data;
	unsigned long long w0 = mirror_energy_get_write0_mpj(table, i);
	unsigned long long w1 = mirror_energy_get_write1_mpj(table, i);

	switch (col) {
	case E_NAME:
		snprintf(buf, len, "%s", mirror_energy_get_name(table, i));
		break;
	case E_WRITE0:
		fmt_pj(w0, buf, len);
		break;
	case E_WRITE1:
		fmt_pj(w1, buf, len);
		break;
	case E_FILL:
		snprintf(buf, len, "%s",
			 pattern(mirror_energy_get_fill_bit(table, i)));
		break;
	case E_SAVING:
		fmt_pj(w0 > w1 ? w0 - w1 : w1 - w0, buf, len);
		break;
	default:
		snprintf(buf, len, "%s", mirror_energy_get_source(table, i));
	}
}

static int cmd_energy(struct memtype *mt)
{
	struct mirror_energy *table;
	json_t *root = NULL;
	const char *origin = "mirror.ko";
	int rc;

	rc = mirror_energy_read(mt->ctx, &table);
	if (rc == -ENODEV) {
		warnx_("mirror.ko is not loaded: the built-in table");
		origin = "built-in";
		rc = mirror_energy_new_default(mt->ctx, &table);
	}
	if (rc < 0)
		return fail(mt, rc);
	if (mt->json) {
		root = json_root("energy");
		json_object_set_new(root, "origin", json_string(origin));
	}
	rc = print_rows(mt, root, &(struct rows){
		.key = "types", .d = ecols, .n = mirror_energy_get_nr(table),
		.json = energy_json, .cell = energy_cell, .data = table });
	mirror_energy_free(table);
	return rc;
}

static int read_input(const char *file, char **text, size_t *len)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "re") : stdin;
	size_t cap = 4096, got = 0;
	char *buf;

	if (!f)
		return -errno;
	buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + got, 1, cap - got, f);

		got += n;
		if (got < cap)
			break;
		if (cap >= TABLE_MAX) {
			free(buf);
			if (f != stdin)
				fclose(f);
			return -EFBIG;
		}
		cap *= 2;
		{
			char *nb = realloc(buf, cap);

			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	if (!buf || ferror(f)) {
		int err = buf ? -EIO : -ENOMEM;

		free(buf);
		if (f != stdin)
			fclose(f);
		return err;
	}
	if (f != stdin)
		fclose(f);
	*text = buf;
	*len = got;
	return 0;
}

static int cmd_energy_load(struct memtype *mt)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = read_input(mt->file, &text, &len);
	if (rc < 0) {
		warnx_("%s: %s", mt->file, rc == -EFBIG ? "larger than 1 MiB" :
		       strerror(-rc));
		return EXIT_FAILURE;
	}
	rc = mirror_energy_load(mt->ctx, text, len);
	free(text);
	if (rc < 0) {
		const char *msg = mirror_get_last_error(mt->ctx);

		/* "energy table: line 3: ..." reads better with the file name. */
		if (!strncmp(msg, "energy table: ", 14))
			warnx_("%s: %s", mt->file, msg + 14);
		else
			warnx_("%s", msg);
		return rc == -ENODEV ? EXIT_NOBACKEND : EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* ---- stats -------------------------------------------------------------------- */

static json_t *stats_json(struct memtype *mt, void *data, unsigned int i)
{
	static const char *const names[] = {
		"alloc_zero_pages", "alloc_one_pages",
		"write_zero_pages", "write_one_pages",
		"scrub_pages", "energy_mpj", "energy_other_mpj",
	};
	struct mirror_memmap *map = data;
	json_t *o = json_object();
	unsigned int k;

	json_object_set_new(o, "type", json_text(mirror_memmap_type_get_name(map, i)));
	json_object_set_new(o, "fill",
			    json_string(pattern(mirror_memmap_type_get_fill_bit(map, i))));
	for (k = 0; k < MIRROR_MEMTYPE_NR_COUNTERS; k++)
		json_object_set_new(o, names[k],
				    json_count(mirror_memmap_type_get_counter(map, i, k)));
	json_object_set_new(o, "saved_mpj", json_diff(
		mirror_memmap_type_get_counter(map, i, MIRROR_MEMTYPE_ENERGY_OTHER_MPJ),
		mirror_memmap_type_get_counter(map, i, MIRROR_MEMTYPE_ENERGY_MPJ)));
	return o;
}

static void stats_cell(struct memtype *mt, void *data, unsigned int i,
		       int col, char *buf, size_t len)
{
	struct mirror_memmap *map = data;
	long double energy = (long double)mirror_memmap_type_get_counter(map, i,
					MIRROR_MEMTYPE_ENERGY_MPJ);
	long double other = (long double)mirror_memmap_type_get_counter(map, i,
					MIRROR_MEMTYPE_ENERGY_OTHER_MPJ);

	switch (col) {
	case S_TYPE:
		snprintf(buf, len, "%s", mirror_memmap_type_get_name(map, i));
		break;
	case S_FILL:
		snprintf(buf, len, "%s",
			 pattern(mirror_memmap_type_get_fill_bit(map, i)));
		break;
	case S_ENERGY:
		fmt_uj(energy, buf, len);
		break;
	case S_OTHER:
		fmt_uj(other, buf, len);
		break;
	case S_SAVED:
		fmt_uj(other - energy, buf, len);
		break;
	default:
		snprintf(buf, len, "%llu", mirror_memmap_type_get_counter(map, i,
				(enum mirror_memtype_counter)(col - S_ALLOC0)));
	}
}

static int cmd_stats(struct memtype *mt)
{
	struct mirror_memmap *map;
	int rc;

	rc = mirror_memmap_read(mt->ctx, &map);
	if (rc < 0)
		return fail(mt, rc);
	rc = print_rows(mt, mt->json ? json_root("stats") : NULL, &(struct rows){
		.key = "types", .d = scols,
		.n = mirror_memmap_get_nr_types(map),
		.json = stats_json, .cell = stats_cell, .data = map });
	mirror_memmap_free(map);
	return rc;
}

/* ---- command line -------------------------------------------------------------- */

static void __attribute__((noreturn)) usage(void)
{
	FILE *out = stdout;

	fprintf(out, "Usage:\n"
		" %1$s [options] [list]\n"
		" %1$s [options] lookup <addr>\n"
		" %1$s [options] lookup --pid <pid> <vaddr>\n"
		" %1$s [options] energy\n"
		" %1$s [options] energy load <file>\n"
		" %1$s [options] stats\n\n", program_invocation_short_name);
	fputs("Show which memory technology sits at a physical address, which fill\n"
	      "pattern its pages get and what writing costs there; show or load the\n"
	      "energy table of mirror.ko.\n\n", out);
	fputs("Commands:\n", out);
	fputs(" list                     ranges of System RAM with memory type and fill (default)\n", out);
	fputs(" lookup <addr>            physical address -> range -> memory -> costs -> fill\n", out);
	fputs(" lookup --pid <pid> <vaddr>  the same for a virtual address of a process\n", out);
	fputs(" energy                   the energy table in use\n", out);
	fputs(" energy load <file>       check <file> (- for stdin) as a whole, then load it\n", out);
	fputs(" stats                    fill counters and estimated energy per memory type\n", out);
	fputs("\nOptions:\n", out);
	fputs(" -p, --pid <pid>          process whose virtual address lookup resolves\n", out);
	fputs(" -o, --output <list>      columns to print (+<list> adds to the default)\n", out);
	fputs("     --output-all         print all columns (the default)\n", out);
	fputs(" -b, --bytes              print sizes in bytes\n", out);
	fputs(" -n, --noheadings         do not print headings\n", out);
	fputs(" -r, --raw                raw output, no alignment\n", out);
	fputs(" -J, --json               JSON output (schema 1)\n", out);
	fputs("     --sysroot <dir>      read sys/ and proc/ below <dir>\n", out);
	fputs(" -h, --help               display this help\n", out);
	fputs(" -V, --version            display version\n", out);
	columns_help(out, "List columns", lcols, NR_LCOLS, 9);
	columns_help(out, "Energy columns", ecols, NR_ECOLS, 9);
	columns_help(out, "Stats columns", scols, NR_SCOLS, 9);
	fputs("\nExit status: 0 success, 1 error, 2 bad usage, 3 mirror.ko not loaded.\n"
	      "For more details see memtype(8).\n", out);
	exit(EXIT_SUCCESS);
}

/* Hex with 0x or decimal; never octal, no spaces around it. */
static unsigned long long parse_addr(const char *s, const char *what)
{
	unsigned long long v;

	if (!parse_u64(s, 0, ~0ULL, &v))
		usage_error("invalid %s '%s' (hex with 0x, or decimal)", what, s);
	return v;
}

enum { OPT_SYSROOT = 0x100 };

static void parse_args(struct memtype *mt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pid",	required_argument,	NULL, 'p' },
		TABLE_LONGOPTS,
		{ "json",	no_argument,		NULL, 'J' },
		{ "sysroot",	required_argument,	NULL, OPT_SYSROOT },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pidarg = NULL;
	unsigned long pid;
	int c, nargs;
	char **args;

	while ((c = getopt_long(argc, argv, "p:o:bnrJhV", longopts, NULL)) != -1) {
		if (table_option(&mt->t, c, optarg))
			continue;
		switch (c) {
		case 'p':
			pidarg = optarg;
			break;
		case 'J':
			mt->json = true;
			break;
		case OPT_SYSROOT:
			mt->sysroot = optarg;
			break;
		case 'h':
			usage();
		case 'V':
			print_version();
		default:
			usage_hint();
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	if (!nargs || !strcmp(args[0], "list")) {
		mt->cmd = CMD_LIST;
		if (nargs > 1)
			usage_error("unexpected argument '%s'", args[1]);
	} else if (!strcmp(args[0], "lookup")) {
		mt->cmd = CMD_LOOKUP;
		if (nargs != 2)
			usage_error("lookup takes one address");
		mt->addr = parse_addr(args[1], pidarg ? "virtual address" : "address");
	} else if (!strcmp(args[0], "energy")) {
		mt->cmd = CMD_ENERGY;
		if (nargs > 1) {
			if (strcmp(args[1], "load"))
				usage_error("unknown energy command '%s'", args[1]);
			if (nargs != 3)
				usage_error("energy load takes one file");
			mt->cmd = CMD_ENERGY_LOAD;
			mt->file = args[2];
		}
	} else if (!strcmp(args[0], "stats")) {
		mt->cmd = CMD_STATS;
		if (nargs > 1)
			usage_error("unexpected argument '%s'", args[1]);
	} else {
		usage_error("unknown command '%s'", args[0]);
	}
	if (pidarg) {
		if (mt->cmd != CMD_LOOKUP)
			usage_error("--pid applies to lookup only");
		if (!parse_ulong(pidarg, 1, 0x7fffffff, &pid))
			usage_error("invalid process id '%s'", pidarg);
		mt->pid = (long)pid;
	}
	if (mt->cmd == CMD_LOOKUP || mt->cmd == CMD_ENERGY_LOAD) {
		if (table_options_given(&mt->t))
			usage_error("-o, --output-all, -b, -n and -r apply to tables (list, energy, stats)");
	}
	if (mt->cmd == CMD_ENERGY_LOAD && mt->json)
		usage_error("energy load prints nothing: -J does not apply");
	table_options_json(&mt->t, mt->json, NULL);
	if (mt->cmd == CMD_LIST)
		set_columns(mt, lcols, NR_LCOLS);
	else if (mt->cmd == CMD_ENERGY)
		set_columns(mt, ecols, NR_ECOLS);
	else if (mt->cmd == CMD_STATS)
		set_columns(mt, scols, NR_SCOLS);
}

int main(int argc, char **argv)
{
	struct memtype mt = { .cmd = CMD_LIST };
	int rc;

	close_stdout_atexit();
	parse_args(&mt, argc, argv);
	rc = tool_open(&mt.ctx, mt.sysroot, NULL);
	if (rc)
		goto out;
	switch (mt.cmd) {
	case CMD_LIST:
		rc = cmd_list(&mt);
		break;
	case CMD_LOOKUP:
		rc = cmd_lookup(&mt);
		break;
	case CMD_ENERGY:
		rc = cmd_energy(&mt);
		break;
	case CMD_ENERGY_LOAD:
		rc = cmd_energy_load(&mt);
		break;
	default:
		rc = cmd_stats(&mt);
	}
out:
	mirror_unref(mt.ctx);
	return rc;
}
