/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tool.h - what the table tools (mirrorstat, memtype) share: usage errors,
 * libmirror's errors and log lines, the column table behind -o and the
 * help, the libsmartcols table, and the context set up from the options
 * and the environment.
 */
#ifndef MIRROR_CLI_TOOL_H
#define MIRROR_CLI_TOOL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>
#include <libsmartcols.h>

#include "libmirror.h"

/*
 * One column: its name (for -o and the heading), width hint, flags, help,
 * and the JSON keys that hold its data (for -o with --json; none for a
 * column computed from others, such as USE%).
 */
struct coldesc {
	const char *name;
	double whint;
	int flags;
	const char *help;
	const char *json[3];
};

/* "PROG: message", the --help hint, exit 2 (EXIT_USAGE). */
void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...);

/*
 * Say what failed: the context's last error, else strerror(-rc).  Returns
 * the exit status: 3 (EXIT_NOBACKEND) for -ENODEV, else 1.
 */
int tool_fail(struct mirror_ctx *ctx, int rc);

/* libmirror's log lines as "PROG: libmirror: fn: message". */
void tool_log_fn(struct mirror_ctx *ctx, int priority, const char *file,
		 int line, const char *fn, const char *format, va_list args);

/*
 * A context for the tool: the --sysroot and --backend options (NULL: not
 * given) or else MIRROR_SYSROOT and MIRROR_BACKEND, checked once and
 * reported as the options would be; libmirror's own messages only with
 * MIRROR_LOG.  Nothing is loaded.  Returns 0, or the exit status after
 * saying why (1, or 2 for a bad backend name).
 */
int tool_open(struct mirror_ctx **ctx, const char *sysroot,
	      const char *backend);

/*
 * The table options every table tool takes: -o/--output, --output-all,
 * -b/--bytes, -n/--noheadings, -r/--raw (TABLE_LONGOPTS in its long
 * options, "o:bnr" in its short ones), and the columns they give.
 */
#define OPT_OUTPUT_ALL	0x200

#define TABLE_LONGOPTS \
	{ "output",	required_argument,	NULL, 'o' }, \
	{ "output-all",	no_argument,		NULL, OPT_OUTPUT_ALL }, \
	{ "bytes",	no_argument,		NULL, 'b' }, \
	{ "noheadings",	no_argument,		NULL, 'n' }, \
	{ "raw",	no_argument,		NULL, 'r' }

struct tableopts {
	const char *outarg;		/* -o LIST, or NULL */
	bool all, bytes, raw, noheadings;
	int cols[32];			/* the columns shown, in order */
	unsigned int ncols;
};

/* Take getopt's 'c' (and 'arg') when it is a table option; false if not. */
bool table_option(struct tableopts *t, int c, const char *arg);

/* Whether any table option was given. */
bool table_options_given(const struct tableopts *t);

/*
 * With -J, -b, -n and -r are a usage error ("CMD: " before the message
 * when 'cmd' is not NULL); -o and --output-all choose the JSON keys.
 */
void table_options_json(const struct tableopts *t, bool json,
			const char *cmd);

/*
 * The columns of t->outarg and t->all into t->cols: no -o gives 'defs';
 * "+LIST" adds LIST to them; "LIST" is LIST alone (names in any case,
 * comma-separated); --output-all every column.  Bad names and empty
 * lists are usage errors.
 */
void columns_parse(struct tableopts *t, const struct coldesc *d,
		   unsigned int n, const int *defs, unsigned int ndefs);

/* A libsmartcols table of t's columns, raw and without headings when
 * asked; NULL when out of memory. */
struct libscols_table *columns_table(const struct tableopts *t,
				     const struct coldesc *d);

/*
 * One cell: the text of column 'col' of 'row' into buf ('ctx' is the
 * caller's).
 */
typedef void (*column_cell_fn)(void *ctx, void *row, int col, char *buf,
			       size_t len);

/* A line of 'tb' with t's columns of 'row', each from 'cell'; -ENOMEM. */
int columns_line(struct libscols_table *tb, const struct tableopts *t,
		 column_cell_fn cell, void *ctx, void *row);

/*
 * -o with --json, as lsblk does it: of the keys of 'o' (one row), keep
 * only those of t's columns; all of them without -o.  Returns 'o'.
 */
json_t *columns_json(json_t *o, const struct tableopts *t,
		     const struct coldesc *d);

/* The columns for --help: "\nTITLE:\n" and "  NAME  help" lines. */
void columns_help(FILE *out, const char *title, const struct coldesc *d,
		  unsigned int n, int width);

#endif /* MIRROR_CLI_TOOL_H */
