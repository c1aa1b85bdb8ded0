// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tool.c - what the table tools share (see tool.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "util.h"

void usage_error(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vwarnx_(fmt, args);
	va_end(args);
	usage_hint();
}

int tool_fail(struct mirror_ctx *ctx, int rc)
{
	const char *msg = ctx ? mirror_get_last_error(ctx) : "";

	warnx_("%s", *msg ? msg : strerror(-rc));
	return rc == -ENODEV ? EXIT_NOBACKEND : EXIT_FAILURE;
}

void tool_log_fn(struct mirror_ctx *ctx, int priority, const char *file,
		 int line, const char *fn, const char *format, va_list args)
{
	fprintf(stderr, "%s: libmirror: %s: ", program_invocation_short_name,
		fn);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

int tool_open(struct mirror_ctx **ctx, const char *sysroot,
	      const char *backend)
{
	const char *env;
	int rc;

	/*
	 * Pass the library's environment variables through the options, so
	 * a bad value is reported once, like the option would be.
	 */
	env = getenv("MIRROR_SYSROOT");
	if (env && *env && !sysroot)
		sysroot = env;
	env = getenv("MIRROR_BACKEND");
	if (env && *env && !backend)
		backend = env;
	unsetenv("MIRROR_SYSROOT");
	unsetenv("MIRROR_BACKEND");
	*ctx = NULL;
	rc = mirror_new(ctx);
	if (rc < 0) {
		warnx_("cannot initialise libmirror: %s", strerror(-rc));
		return EXIT_FAILURE;
	}
	mirror_set_log_fn(*ctx, tool_log_fn);
	/* Errors are printed once, by the tool; MIRROR_LOG asks for more. */
	if (!getenv("MIRROR_LOG"))
		mirror_set_log_priority(*ctx, 0);
	if (sysroot && (rc = mirror_set_sysroot(*ctx, sysroot)) < 0)
		return tool_fail(*ctx, rc);
	if (backend && (rc = mirror_set_backend(*ctx, backend)) < 0)
		return tool_fail(*ctx, rc) == EXIT_FAILURE ? EXIT_USAGE :
		       EXIT_FAILURE;
	return 0;
}

static int column_id(const struct coldesc *d, unsigned int n,
		     const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strncasecmp(d[i].name, name, len) == 0 &&
		    d[i].name[len] == '\0')
			return (int)i;
	return -1;
}

bool table_option(struct tableopts *t, int c, const char *arg)
{
	switch (c) {
	case 'o':
		t->outarg = arg;
		return true;
	case OPT_OUTPUT_ALL:
		t->all = true;
		return true;
	case 'b':
		t->bytes = true;
		return true;
	case 'n':
		t->noheadings = true;
		return true;
	case 'r':
		t->raw = true;
		return true;
	}
	return false;
}

bool table_options_given(const struct tableopts *t)
{
	return t->outarg || t->all || t->bytes || t->noheadings || t->raw;
}

void table_options_json(const struct tableopts *t, bool json, const char *cmd)
{
	if (json && (t->bytes || t->noheadings || t->raw))
		usage_error("%s%s-b, -n and -r are for the table, not -J",
			    cmd ? cmd : "", cmd ? ": " : "");
}

void columns_parse(struct tableopts *t, const struct coldesc *d,
		   unsigned int n, const int *defs, unsigned int ndefs)
{
	const unsigned int max = sizeof(t->cols) / sizeof(t->cols[0]);
	const char *p = t->outarg;
	unsigned int nr = 0, i;

	if (t->all) {
		for (i = 0; i < n && nr < max; i++)
			t->cols[nr++] = (int)i;
		t->ncols = nr;
		return;
	}
	if (!p || *p == '+') {
		for (i = 0; i < ndefs && nr < max; i++)
			t->cols[nr++] = defs[i];
		if (p)
			p++;
	}
	while (p && *p) {
		size_t len = strcspn(p, ",");
		int id = column_id(d, n, p, len);

		if (len == 0)
			usage_error("empty column name in '%s'", t->outarg);
		if (id < 0)
			usage_error("unknown column: %.*s", (int)len, p);
		if (nr >= max)
			usage_error("too many columns");
		t->cols[nr++] = id;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!nr)
		usage_error("no columns given to --output");
	t->ncols = nr;
}

struct libscols_table *columns_table(const struct tableopts *t,
				     const struct coldesc *d)
{
	struct libscols_table *tb = scols_new_table();
	unsigned int i;

	if (!tb)
		return NULL;
	scols_table_enable_raw(tb, t->raw);
	scols_table_enable_noheadings(tb, t->noheadings);
	for (i = 0; i < t->ncols; i++) {
		const struct coldesc *c = &d[t->cols[i]];

		if (!scols_table_new_column(tb, c->name, c->whint, c->flags)) {
			scols_unref_table(tb);
			return NULL;
		}
	}
	return tb;
}

int columns_line(struct libscols_table *tb, const struct tableopts *t,
		 column_cell_fn cell, void *ctx, void *row)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char buf[512];
	unsigned int c;

	if (!ln)
		return -ENOMEM;
	for (c = 0; c < t->ncols; c++) {
		cell(ctx, row, t->cols[c], buf, sizeof(buf));
		if (scols_line_set_data(ln, c, buf) < 0)
			return -ENOMEM;
	}
	return 0;
}

static bool column_has_key(const struct tableopts *t,
			   const struct coldesc *d, const char *key)
{
	unsigned int i, k;

	for (i = 0; i < t->ncols; i++)
		for (k = 0; k < 3 && d[t->cols[i]].json[k]; k++)
			if (!strcmp(d[t->cols[i]].json[k], key))
				return true;
	return false;
}

json_t *columns_json(json_t *o, const struct tableopts *t,
		     const struct coldesc *d)
{
	const char *key;
	json_t *v;
	void *tmp;

	if (!t->outarg)
		return o;
	json_object_foreach_safe(o, tmp, key, v)
		if (!column_has_key(t, d, key))
			json_object_del(o, key);
	return o;
}

void columns_help(FILE *out, const char *title, const struct coldesc *d,
		  unsigned int n, int width)
{
	unsigned int i;

	fprintf(out, "\n%s:\n", title);
	for (i = 0; i < n; i++)
		fprintf(out, " %*s  %s\n", width, d[i].name, d[i].help);
}
