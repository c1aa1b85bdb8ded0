// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mirrorctl - make processes use mirrored memory (the MIRROR_FIRST flag),
 * move what they already have, set the policies, load and unload mirror.ko.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libkmod.h>
#include <libsmartcols.h>

#include "config.h"
#include "cgroup.h"
#include "conf.h"
#include "follow.h"
#include "libmirror.h"
#include "mirrorctl.h"
#include "output.h"
#include "range.h"
#include "tool.h"
#include "util.h"

/*
 * mirror.ko wants every range aligned to a memory block (ranges_alignment()
 * reads its size).  A machine that shows none gets the least any kernel
 * needs checked here, a pageblock: 2 MiB on x86-64 (4 KiB pages, order-9
 * pageblocks), elsewhere the page size; the module judges the rest.
 */
#if defined(__x86_64__)
#define MIRROR_PAGEBLOCK_SIZE	(2ULL << 20)
#else
#define MIRROR_PAGEBLOCK_SIZE	0
#endif

/* 2: the process name is "command", as in mirrorstat (1 said "comm"). */
#define JSON_SCHEMA	2
#define PIDS_MAX	4096

#ifndef MIRROR_CONF
#define MIRROR_CONF	"/etc/mirror/mirror.conf"
#endif

bool json_out;
const char *sysroot;
bool sysroot_option;

/* ---- parsing ------------------------------------------------------------ */

unsigned long page_size(void)
{
	struct mirror_ctx *ctx;
	unsigned long ps = (unsigned long)sysconf(_SC_PAGESIZE);

	if (mirror_new(&ctx) == 0) {
		mirror_set_log_priority(ctx, 0);
		if (!sysroot || mirror_set_sysroot(ctx, sysroot) == 0)
			ps = mirror_get_page_size(ctx);
		mirror_unref(ctx);
	}
	return ps;
}

static int parse_limit(const char *arg, unsigned long long *limit)
{
	unsigned long ps;

	if (!parse_size(arg, limit) || *limit == 0)
		usage_error("--limit: '%s' is not a size above 0 (e.g. 64M)",
				   arg);
	ps = page_size();
	if (*limit % ps) {
		char msg[128];

		snprintf(msg, sizeof(msg),
			 "--limit: '%.32s' is not a multiple of the page size (%lu bytes)",
			 arg, ps);
		usage_error("%s", msg);
	}
	return 0;
}

/* on/1 or off/0; anything else is a usage error (exit 2). */
static void parse_onoff(const char *opt, const char *arg, int *val)
{
	if (!strcmp(arg, "on") || !strcmp(arg, "1"))
		*val = 1;
	else if (!strcmp(arg, "off") || !strcmp(arg, "0"))
		*val = 0;
	else
		usage_error("%s: '%s' is not on or off", opt, arg);
}

/*
 * The /proc of the system the tools look at: below MIRROR_SYSROOT when set,
 * as libmirror does, so that tests over a captured tree never mix in the
 * processes of the machine they run on.
 */
static void proc_path(char *buf, size_t len, const char *fmt, pid_t pid)
{
	int n = snprintf(buf, len, "%s/proc", sysroot ? sysroot : "");

	if (pid > 0)
		snprintf(buf + n, len - (size_t)n, fmt, pid);
}

int proc_state(pid_t pid, char *comm, size_t len)
{
	return proc_state_at(sysroot, pid, comm, len);
}

/*
 * The PID arguments, checked all before anything is done: numbers, no
 * repeats, existing, not a zombie, kernel thread or init (for changes).
 */
/* Every word a process id, none twice: the whole line is checked first. */
static int parse_pid_words(int argc, char **argv, pid_t *pids)
{
	int i, j;

	for (i = 0; i < argc; i++) {
		unsigned long v;

		if (!parse_ulong(argv[i], 1, INT_MAX, &v))
			usage_error("'%s' is not a process id", argv[i]);
		pids[i] = (pid_t)v;
		for (j = 0; j < i; j++)
			if (pids[j] == pids[i])
				usage_error("PID %s is given twice", argv[i]);
	}
	return 0;
}

/*
 * Whether the process exists and, for a change, has memory of its own that
 * may be moved: a zombie has none, a kernel thread none of its own, and
 * init is left alone.
 */
int check_process(pid_t pid, bool change)
{
	char comm[64];
	int st = proc_state(pid, comm, sizeof(comm));

	if (st == -ESRCH) {
		warnx_("no process %d", pid);
		return EXIT_FAILURE;
	}
	if (!change)
		return 0;
	if (st == 'Z') {
		warnx_("process %d (%s) is exiting or a zombie: it has no memory left", pid, comm);
		return EXIT_FAILURE;
	}
	if (st == 'K') {
		warnx_("process %d (%s) is a kernel thread: it has no memory of its own", pid, comm);
		return EXIT_FAILURE;
	}
	if (pid == 1) {
		warnx_("process 1 (%s) is init: refused", comm);
		return EXIT_FAILURE;
	}
	return 0;
}

static int parse_pids(int argc, char **argv, bool change, pid_t **out,
		      int *nr)
{
	pid_t *pids;
	int i, rc;

	if (argc > PIDS_MAX)
		usage_error("at most %s PIDs", "4096");
	pids = calloc((size_t)argc + 1, sizeof(*pids));
	if (!pids)
		return EXIT_FAILURE;
	rc = parse_pid_words(argc, argv, pids);
	for (i = 0; !rc && i < argc; i++)
		rc = check_process(pids[i], change);
	if (rc) {
		free(pids);
		return rc;
	}
	*out = pids;
	*nr = argc;
	return 0;
}

/* ---- context ------------------------------------------------------------ */

int open_ctx(struct mirror_ctx **ctx)
{
	int rc = tool_open(ctx, sysroot, NULL);

	if (rc) {
		mirror_unref(*ctx);
		return rc;
	}
	rc = mirror_load(*ctx);
	if (rc < 0) {
		/* One line: it names every place that was checked. */
		warnx_("%s", mirror_get_last_error(*ctx));
		mirror_unref(*ctx);
		return rc == -ENODEV ? EXIT_NOBACKEND : EXIT_FAILURE;
	}
	return 0;
}

int lib_fail(struct mirror_ctx *ctx, int rc)
{
	warnx_("%s", mirror_get_last_error(ctx));
	return rc == -ENODEV || rc == -EOPNOTSUPP ? EXIT_NOBACKEND :
	       EXIT_FAILURE;
}

/* ---- output ------------------------------------------------------------- */

static json_t *info_json(const struct mirror_first_info *in)
{
	char comm[64] = "?";
	json_t *o = json_object();

	proc_state(in->pid, comm, sizeof(comm));
	json_object_set_new(o, "pid", json_integer(in->pid));
	json_object_set_new(o, "command", json_text(comm));
	json_object_set_new(o, "mirror_first", json_boolean(in->mirror_first));
	json_object_set_new(o, "inherited", json_boolean(in->inherited));
	json_object_set_new(o, "limit_bytes", json_count(in->limit_bytes));
	json_object_set_new(o, "mirror_bytes", json_count(in->mirror_bytes));
	json_object_set_new(o, "ordinary_bytes", json_count(in->ordinary_bytes));
	json_object_set_new(o, "pages_migrated", json_count(in->pages_migrated));
	json_object_set_new(o, "pages_failed", json_count(in->pages_failed));
	json_object_set_new(o, "pages_shortfall", json_count(in->pages_shortfall));
	json_object_set_new(o, "pages_returned", json_count(in->pages_returned));
	json_object_set_new(o, "pages_moved", json_count(in->pages_moved));
	return o;
}

/* ---- tables: show and policy ------------------------------------------- */

enum {
	S_PID, S_COMMAND, S_FIRST, S_INHERITED, S_LIMIT, S_MIRROR, S_ORDINARY,
	S_MIGRATED, S_FAILED, S_SHORTFALL, S_RETURNED, NR_SCOLS
};

static const struct coldesc show_cols[NR_SCOLS] = {
	[S_PID]		= { "PID", 5, SCOLS_FL_RIGHT, "process id",
			  { "pid" } },
	[S_COMMAND]	= { "COMMAND", 10, 0, "command name",
			  { "command" } },
	[S_FIRST]	= { "FIRST", 3, 0, "MIRROR_FIRST flag (yes/no)",
			  { "mirror_first" } },
	[S_INHERITED]	= { "INHERITED", 3, 0, "flag inherited from the parent at fork (yes/no)",
			  { "inherited" } },
	[S_LIMIT]	= { "LIMIT", 5, SCOLS_FL_RIGHT, "cap on its family's mirrored memory (unlimited, - unknown)",
			  { "limit_bytes" } },
	[S_MIRROR]	= { "MIRROR", 5, SCOLS_FL_RIGHT, "resident anonymous memory, mirrored",
			  { "mirror_bytes" } },
	[S_ORDINARY]	= { "ORDINARY", 5, SCOLS_FL_RIGHT, "resident anonymous memory elsewhere",
			  { "ordinary_bytes" } },
	[S_MIGRATED]	= { "MIGRATED", 6, SCOLS_FL_RIGHT, "pages moved in since the flag was set",
			  { "pages_migrated" } },
	[S_FAILED]	= { "FAILED", 6, SCOLS_FL_RIGHT, "pages the kernel would not move",
			  { "pages_failed" } },
	[S_SHORTFALL]	= { "SHORTFALL", 6, SCOLS_FL_RIGHT, "pages that found no mirrored page",
			  { "pages_shortfall" } },
	[S_RETURNED]	= { "RETURNED", 6, SCOLS_FL_RIGHT, "pages moved back out",
			  { "pages_returned" } },
};

static const int show_defaults[] = {
	S_PID, S_COMMAND, S_FIRST, S_LIMIT, S_MIRROR, S_ORDINARY, S_MIGRATED,
	S_FAILED, S_SHORTFALL, S_RETURNED,
};


/* show --cgroup: one line per group. */
enum {
	G_GROUP, G_CGROUP, G_FOLLOWED, G_LIMIT, G_PROCS, G_FLAGGED, G_MIRROR,
	G_ORDINARY, NR_GCOLS
};

static const struct coldesc group_cols[NR_GCOLS] = {
	[G_GROUP]	= { "GROUP", 20, 0, "unit NAME or cgroup PATH",
			  { "kind", "target" } },
	[G_CGROUP]	= { "CGROUP", 20, 0, "its cgroup below the hierarchy's root (- none now)",
			  { "cgroup" } },
	[G_FOLLOWED]	= { "FOLLOWED", 10, 0, "what makes mirrord follow it (FILE:LINE, a record, no)",
			  { "followed_by" } },
	[G_LIMIT]	= { "LIMIT", 5, SCOLS_FL_RIGHT, "cap on each family's mirrored memory (- not followed)",
			  { "limit_bytes" } },
	[G_PROCS]	= { "PROCS", 5, SCOLS_FL_RIGHT, "processes in it now",
			  { "processes" } },
	[G_FLAGGED]	= { "FLAGGED", 5, SCOLS_FL_RIGHT, "of them with MIRROR_FIRST",
			  { "flagged" } },
	[G_MIRROR]	= { "MIRROR", 5, SCOLS_FL_RIGHT, "their resident anonymous memory, mirrored",
			  { "mirror_bytes" } },
	[G_ORDINARY]	= { "ORDINARY", 5, SCOLS_FL_RIGHT, "their resident anonymous memory elsewhere",
			  { "ordinary_bytes" } },
};

static const int group_defaults[] = {
	G_GROUP, G_CGROUP, G_FOLLOWED, G_LIMIT, G_PROCS, G_FLAGGED, G_MIRROR,
	G_ORDINARY,
};

/* What show --cgroup says of one group. */
struct group_row {
	const struct follow_entry *e;
	char cgroup[PATH_MAX];
	char by[PATH_MAX + 16];
	long long limit;		/* -1: not followed */
	unsigned long long procs, flagged, mirror, ordinary;
};

enum { P_NAME, P_VALUE, P_TYPE, P_FILE, P_DESCRIPTION, NR_PCOLS };

static const struct coldesc policy_cols[NR_PCOLS] = {
	[P_NAME]	= { "NAME", 16, 0, "policy name" },
	[P_VALUE]	= { "VALUE", 8, SCOLS_FL_RIGHT, "current value (on/off, a size or unlimited, a mask; ? unreadable)" },
	[P_TYPE]	= { "TYPE", 5, 0, "bool, bytes or mask" },
	[P_FILE]	= { "FILE", 30, 0, "the file behind it" },
	[P_DESCRIPTION]	= { "DESCRIPTION", 30, SCOLS_FL_TRUNC, "what it does" },
};

static const int policy_defaults[] = { P_NAME, P_VALUE };

enum { OPT_SYSROOT = 0x100 };

/*
 * -b, -n and -r shape the table only; -o and --output-all also choose the
 * keys of show's JSON (as mirrorstat's), while policy's JSON, one value a
 * name, has no columns to choose.
 */
static void table_columns(struct tableopts *o, const char *cmd,
			  const struct coldesc *d, unsigned int n,
			  const int *defs, unsigned int ndefs, bool json_cols)
{
	table_options_json(o, json_out, cmd);
	if (json_out && !json_cols && (o->outarg || o->all))
		usage_error("%s: -o and --output-all are for the table; -J prints every policy",
			    cmd);
	columns_parse(o, d, n, defs, ndefs);
}

static void show_cell(const struct tableopts *o, const struct mirror_first_info *in,
		      const char *comm, int col, char *buf, size_t len)
{
	switch (col) {
	case S_PID:
		snprintf(buf, len, "%d", (int)in->pid);
		break;
	case S_COMMAND:
		text_safe(comm, buf, len);
		break;
	case S_FIRST:
		snprintf(buf, len, "%s", in->mirror_first ? "yes" : "no");
		break;
	case S_INHERITED:
		snprintf(buf, len, "%s", in->inherited ? "yes" : "no");
		break;
	case S_LIMIT:
		/* 0 is no limit; MIRROR_UNKNOWN (memory reliable) is not known. */
		if (in->limit_bytes == 0)
			snprintf(buf, len, "unlimited");
		else
			fmt_size(in->limit_bytes, o->bytes, buf, len);
		break;
	case S_MIRROR:
		fmt_size(in->mirror_bytes, o->bytes, buf, len);
		break;
	case S_ORDINARY:
		fmt_size(in->ordinary_bytes, o->bytes, buf, len);
		break;
	case S_MIGRATED:
		fmt_count(in->pages_migrated, buf, len);
		break;
	case S_FAILED:
		fmt_count(in->pages_failed, buf, len);
		break;
	case S_SHORTFALL:
		fmt_count(in->pages_shortfall, buf, len);
		break;
	default:
		fmt_count(in->pages_returned, buf, len);
	}
}

/* A cell of show's table (columns_line(), 'ctx' the table options). */
static void show_line_cell(void *ctx, void *what, int col, char *buf,
			   size_t len)
{
	const struct tableopts *o = ctx;
	const struct mirror_first_info *in = what;
	char comm[64] = "?";

	if (col == S_COMMAND)
		proc_state(in->pid, comm, sizeof(comm));
	show_cell(o, in, comm, col, buf, len);
}

/* A cell of policy's table (columns_line(), 'ctx' the table options). */
static void policy_cell(void *ctx, void *what, int col, char *buf, size_t len)
{
	const struct tableopts *o = ctx;
	struct mirror_policy *pol = what;
	enum mirror_policy_type type = mirror_policy_get_type(pol);
	unsigned long long v;

	switch (col) {
	case P_NAME:
		snprintf(buf, len, "%s", mirror_policy_get_name(pol));
		break;
	case P_VALUE:
		if (mirror_policy_get_value(pol, &v) < 0)
			snprintf(buf, len, "?");
		else if (type == MIRROR_POLICY_BOOL)
			snprintf(buf, len, "%s", v ? "on" : "off");
		else if (type == MIRROR_POLICY_BYTES && v == MIRROR_NO_LIMIT)
			snprintf(buf, len, "unlimited");
		else if (type == MIRROR_POLICY_BYTES)
			fmt_size(v, o->bytes, buf, len);
		else
			snprintf(buf, len, "%llu", v);
		break;
	case P_TYPE:
		snprintf(buf, len, "%s", type == MIRROR_POLICY_BOOL ? "bool" :
			 type == MIRROR_POLICY_BYTES ? "bytes" : "mask");
		break;
	case P_FILE:
		snprintf(buf, len, "%s", mirror_policy_get_path(pol));
		break;
	default:
		snprintf(buf, len, "%s", mirror_policy_get_description(pol));
	}
}

static void emit(json_t *root)
{
	json_print(stdout, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
}

static json_t *json_root(void)
{
	json_t *root = json_object();

	json_object_set_new(root, "schema", json_integer(JSON_SCHEMA));
	return root;
}

/* ---- set / clear / show / migrate --------------------------------------- */

enum op { OP_SET, OP_CLEAR, OP_SHOW, OP_TO_MIRROR, OP_TO_NORMAL };

/* 'o': the table of show (NULL for the other commands). */
static int apply(enum op op, pid_t *pids, int nr, unsigned long long limit,
		 unsigned int flags, const struct tableopts *o)
{
	struct libscols_table *tb = NULL;
	struct mirror_ctx *ctx;
	json_t *root = NULL, *arr = NULL;
	int i, rc, ret = EXIT_SUCCESS;

	ret = open_ctx(&ctx);
	if (ret)
		return ret;
	if (json_out) {
		root = json_root();
		arr = json_array();
		json_object_set(root, "processes", arr);
	} else if (op == OP_SHOW) {
		tb = columns_table(o, show_cols);
		if (!tb) {
			warnx_("out of memory");
			mirror_unref(ctx);
			return EXIT_FAILURE;
		}
	}
	for (i = 0; i < nr; i++) {
		struct mirror_first_info in = { .size = sizeof(in) };

		switch (op) {
		case OP_SET:
			rc = mirror_first_set(ctx, pids[i], limit, flags, &in);
			break;
		case OP_CLEAR:
			rc = mirror_first_clear(ctx, pids[i], flags, &in);
			break;
		case OP_TO_MIRROR:
		case OP_TO_NORMAL:
			rc = mirror_first_migrate(ctx, pids[i],
						  op == OP_TO_MIRROR, &in);
			break;
		default:
			rc = mirror_first_get(ctx, pids[i], &in);
			/* Listing everything: one that went meanwhile is no error. */
			if (rc == -ESRCH && flags)
				continue;
			if (rc == 0 && flags && !in.mirror_first)
				continue;
			break;
		}
		if (rc < 0) {
			ret = lib_fail(ctx, rc);
			break;
		}
		if (json_out && o) {
			json_array_append_new(arr, columns_json(info_json(&in),
								o, show_cols));
		} else if (json_out) {
			json_array_append_new(arr, info_json(&in));
		} else if (op == OP_SHOW) {
			if (columns_line(tb, o, show_line_cell, (void *)o, &in) < 0) {
				warnx_("out of memory");
				ret = EXIT_FAILURE;
				break;
			}
		} else {
			char m[16], ord[16];

			fmt_size(in.mirror_bytes, false, m, sizeof(m));
			fmt_size(in.ordinary_bytes, false, ord, sizeof(ord));
			printf("%d: MIRROR_FIRST %s", in.pid,
			       in.mirror_first ? "set" : "clear");
			if (in.pages_moved != MIRROR_UNKNOWN &&
			    op != OP_SHOW)
				printf(", %llu pages moved", in.pages_moved);
			if (in.mirror_bytes != MIRROR_UNKNOWN)
				printf(", mirrored %s, ordinary %s", m, ord);
			if (in.pages_shortfall && in.pages_shortfall != MIRROR_UNKNOWN)
				printf(", shortfall %llu pages", in.pages_shortfall);
			putchar('\n');
		}
	}
	if (json_out) {
		json_decref(arr);
		if (ret == EXIT_SUCCESS)
			emit(root);
		else
			json_decref(root);
	}
	if (tb && ret == EXIT_SUCCESS)
		scols_print_table(tb);
	scols_unref_table(tb);
	mirror_unref(ctx);
	return ret;
}

int first_apply_pids(bool set, pid_t *pids, int nr, unsigned long long limit,
		     unsigned int flags)
{
	return apply(set ? OP_SET : OP_CLEAR, pids, nr, limit, flags, NULL);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Every process in /proc, in PID order, for 'show' without PIDs. */
static int all_pids(pid_t **out, int *nr)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;
	pid_t *pids = NULL;
	int n = 0, cap = 0;

	proc_path(dir, sizeof(dir), "", 0);
	d = opendir(dir);
	if (!d) {
		warnx_("%s: %s", dir, strerror(errno));
		return EXIT_FAILURE;
	}
	while ((de = readdir(d))) {
		unsigned long v;

		if (!parse_ulong(de->d_name, 1, INT_MAX, &v))
			continue;
		if (n == cap) {
			pid_t *np;

			cap = cap ? cap * 2 : 256;
			np = realloc(pids, (size_t)cap * sizeof(*pids));
			if (!np) {
				free(pids);
				closedir(d);
				return EXIT_FAILURE;
			}
			pids = np;
		}
		pids[n++] = (pid_t)v;
	}
	closedir(d);
	qsort(pids, (size_t)n, sizeof(*pids), cmp_pid);
	*out = pids;
	*nr = n;
	return 0;
}

/*
 * getopt is quiet (opterr = 0, optstrings start with ':'), so that a bad
 * option gets one line naming it, like every other usage error.
 */
void bad_option(const char *cmd, int c, char **argv)
{
	usage_error("%s%s%s '%s'", cmd ? cmd : "", cmd ? ": " : "",
		    c == ':' ? "missing the argument of option" : "unknown option",
		    argv[optind - 1]);
}

static int cmd_set_clear(int argc, char **argv, enum op op)
{
	static const struct option set_opts[] = {
		{ "limit", required_argument, NULL, 'l' },
		{ "no-move", no_argument, NULL, 'n' },
		{ "move-back", no_argument, NULL, 'b' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "unit", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long limit = 0;
	unsigned int flags = 0;
	const char *group = NULL;
	enum conf_kind kind = CONF_CGROUP;
	pid_t *pids;
	int c, nr, rc;

	optind = 0;	/* 0: glibc starts afresh (main used "+") */
	while ((c = getopt_long(argc, argv, ":J", set_opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (op != OP_SET)
				usage_error("%s: --limit is for set", argv[0]);
			rc = parse_limit(optarg, &limit);
			if (rc)
				return rc;
			break;
		case 'n':
			if (op != OP_SET)
				usage_error("%s: --no-move is for set", argv[0]);
			flags |= MIRROR_FIRST_NOMOVE;
			break;
		case 'b':
			if (op != OP_CLEAR)
				usage_error("%s: --move-back is for clear", argv[0]);
			flags |= MIRROR_FIRST_MOVE_BACK;
			break;
		case 'g':
		case 'u':
			if (group)
				usage_error("%s: give one --cgroup or --unit", argv[0]);
			group = optarg;
			kind = c == 'g' ? CONF_CGROUP : CONF_UNIT;
			break;
		case 'J':
			json_out = true;
			break;
		default:
			bad_option(argv[0], c, argv);
		}
	}
	if (group) {
		if (optind < argc)
			usage_error("%s: PIDs or --%s, not both", argv[0],
				    conf_kind_name(kind));
		/* mirrord moves what joins, as mirror.conf's groups. */
		if (flags & MIRROR_FIRST_NOMOVE)
			usage_error("%s: --no-move is for PIDs (a group's processes are moved, as those of mirror.conf)",
				    argv[0]);
		return group_set_clear(op == OP_SET, kind, group, limit, flags);
	}
	if (optind >= argc)
		usage_error("%s: no PID given", argv[0]);
	rc = parse_pids(argc - optind, argv + optind, true, &pids, &nr);
	if (rc)
		return rc;
	rc = apply(op, pids, nr, limit, flags, NULL);
	free(pids);
	return rc;
}

/* A cell of show --cgroup's table (columns_line(), 'ctx' the options). */
static void group_cell(void *ctx, void *what, int col, char *buf, size_t len)
{
	const struct tableopts *o = ctx;
	const struct group_row *g = what;

	switch (col) {
	case G_GROUP:
		follow_name(g->e, buf, len);
		break;
	case G_CGROUP:
		text_safe(*g->cgroup ? g->cgroup : "-", buf, len);
		break;
	case G_FOLLOWED:
		text_safe(g->by, buf, len);
		break;
	case G_LIMIT:
		if (g->limit < 0)
			snprintf(buf, len, "-");
		else if (g->limit == 0)
			snprintf(buf, len, "unlimited");
		else
			fmt_size((unsigned long long)g->limit, o->bytes, buf, len);
		break;
	case G_PROCS:
		fmt_count(g->procs, buf, len);
		break;
	case G_FLAGGED:
		fmt_count(g->flagged, buf, len);
		break;
	case G_MIRROR:
		fmt_size(g->mirror, o->bytes, buf, len);
		break;
	default:
		fmt_size(g->ordinary, o->bytes, buf, len);
	}
}

static json_t *group_json(const struct group_row *g)
{
	json_t *o = json_object();

	json_object_set_new(o, "kind", json_string(conf_kind_name(g->e->kind)));
	json_object_set_new(o, "target", json_text(g->e->target));
	json_object_set_new(o, "cgroup", *g->cgroup ? json_text(g->cgroup) : json_null());
	json_object_set_new(o, "followed_by", strcmp(g->by, "no") ? json_text(g->by) : json_null());
	json_object_set_new(o, "limit_bytes", g->limit < 0 ? json_null() :
			    json_uint((unsigned long long)g->limit));
	json_object_set_new(o, "processes", json_uint(g->procs));
	json_object_set_new(o, "flagged", json_uint(g->flagged));
	json_object_set_new(o, "mirror_bytes", json_count(g->mirror));
	json_object_set_new(o, "ordinary_bytes", json_count(g->ordinary));
	return o;
}

/* Adds 'v' to a sum that stays MIRROR_UNKNOWN once a part is unknown. */
static void add_known(unsigned long long *sum, unsigned long long v)
{
	if (*sum != MIRROR_UNKNOWN)
		*sum = v == MIRROR_UNKNOWN ? MIRROR_UNKNOWN : *sum + v;
}

/* One group's line: its processes as they are now.  0 or the exit status. */
static int group_row(struct mirror_ctx *ctx, const struct follow_entry *e,
		     const struct follow_entry *by, struct group_row *g)
{
	char dir[PATH_MAX], root[PATH_MAX];
	pid_t *pids;
	int nr, i, rc;

	memset(g, 0, sizeof(*g));
	g->e = e;
	g->limit = by ? (long long)by->limit : -1;
	group_by(by, g->by, sizeof(g->by));
	rc = group_pids(e, dir, sizeof(dir), &pids, &nr);
	if (rc)
		return rc;
	if (*dir && cg_hierarchy(sysroot, root, sizeof(root)) == 0)
		snprintf(g->cgroup, sizeof(g->cgroup), "%s",
			 *(dir + strlen(root)) ? dir + strlen(root) : "/");
	for (i = 0; i < nr; i++) {
		struct mirror_first_info in = { .size = sizeof(in) };

		/* One that went meanwhile is not in it any more. */
		if (mirror_first_get(ctx, pids[i], &in) < 0)
			continue;
		g->procs++;
		if (in.mirror_first)
			g->flagged++;
		add_known(&g->mirror, in.mirror_bytes);
		add_known(&g->ordinary, in.ordinary_bytes);
	}
	free(pids);
	return 0;
}

/*
 * show --cgroup [PATH...] or --unit NAME: the groups named, else every
 * group mirrord follows.
 */
static int show_groups(struct tableopts *o, enum conf_kind kind,
		       const char *unit, int argc, char **argv)
{
	struct follow_list followed = { NULL, 0 }, named = { NULL, 0 };
	const struct follow_list *list;
	struct libscols_table *tb = NULL;
	const struct follow_entry *by;
	struct follow_entry e;
	struct mirror_ctx *ctx = NULL;
	json_t *root = NULL, *arr = NULL;
	struct group_row g;
	size_t i;
	int rc;

	e.kind = kind;
	e.target = (char *)"";
	rc = group_followed(&e, &followed, &by);
	if (rc)
		goto out;
	named.e = calloc((size_t)argc + 1, sizeof(*named.e));
	if (!named.e) {
		warnx_("out of memory");
		rc = EXIT_FAILURE;
		goto out;
	}
	if (unit)
		group_parse(CONF_UNIT, unit, 0, &named.e[named.n++]);
	for (i = 0; i < (size_t)argc; i++)
		group_parse(CONF_CGROUP, argv[i], 0, &named.e[named.n++]);
	list = named.n ? &named : &followed;
	rc = open_ctx(&ctx);
	if (rc) {
		ctx = NULL;	/* open_ctx let it go */
		goto out;
	}
	if (json_out) {
		root = json_root();
		arr = json_array();
		json_object_set(root, "cgroups", arr);
	} else {
		tb = columns_table(o, group_cols);
		if (!tb) {
			warnx_("out of memory");
			rc = EXIT_FAILURE;
			goto out;
		}
	}
	for (i = 0; i < list->n; i++) {
		rc = group_row(ctx, &list->e[i], follow_find(&followed, &list->e[i]), &g);
		if (rc)
			goto out;
		if (json_out)
			json_array_append_new(arr, columns_json(group_json(&g),
								o, group_cols));
		else if (columns_line(tb, o, group_cell, o, &g) < 0) {
			warnx_("out of memory");
			rc = EXIT_FAILURE;
			goto out;
		}
	}
	if (json_out)
		emit(json_incref(root));
	else
		scols_print_table(tb);
	rc = EXIT_SUCCESS;
out:
	json_decref(arr);
	json_decref(root);
	scols_unref_table(tb);
	mirror_unref(ctx);
	follow_free(&named);
	follow_free(&followed);
	return rc;
}

static int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "cgroup", no_argument, NULL, 'g' },
		{ "unit", required_argument, NULL, 'u' },
		TABLE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tableopts o = { 0 };
	const char *unit = NULL;
	bool groups = false;
	pid_t *pids;
	int c, nr, rc;

	optind = 0;	/* 0: glibc starts afresh (main used "+") */
	while ((c = getopt_long(argc, argv, ":Jo:bnr", opts, NULL)) != -1) {
		if (c == 'J')
			json_out = true;
		else if (c == 'g')
			groups = true;
		else if (c == 'u')
			unit = optarg;
		else if (!table_option(&o, c, optarg))
			bad_option(argv[0], c, argv);
	}
	if (groups || unit) {
		if (unit && optind < argc)
			usage_error("show: --unit names one group: unexpected '%s'",
				    argv[optind]);
		if (unit && groups)
			usage_error("show: give --cgroup [PATH...] or --unit NAME");
		table_columns(&o, "show", group_cols, NR_GCOLS, group_defaults,
			      sizeof(group_defaults) / sizeof(group_defaults[0]),
			      true);
		return show_groups(&o, CONF_CGROUP, unit, argc - optind,
				   argv + optind);
	}
	table_columns(&o, "show", show_cols, NR_SCOLS, show_defaults,
		      sizeof(show_defaults) / sizeof(show_defaults[0]), true);
	if (optind < argc) {
		rc = parse_pids(argc - optind, argv + optind, false, &pids, &nr);
		if (rc)
			return rc;
		rc = apply(OP_SHOW, pids, nr, 0, 0, &o);
	} else {
		rc = all_pids(&pids, &nr);
		if (rc)
			return rc;
		/* flags = 1: only flagged ones, skip those that went. */
		rc = apply(OP_SHOW, pids, nr, 0, 1, &o);
	}
	free(pids);
	return rc;
}

static int cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to-mirror", no_argument, NULL, 'm' },
		{ "to-normal", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	enum op op = OP_SHOW;
	pid_t *pids;
	int c, nr, rc;

	optind = 0;	/* 0: glibc starts afresh (main used "+") */
	while ((c = getopt_long(argc, argv, ":J", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
		case 'n':
			if (op != OP_SHOW)
				usage_error("migrate: %s", "give one of --to-mirror and --to-normal");
			op = c == 'm' ? OP_TO_MIRROR : OP_TO_NORMAL;
			break;
		case 'J':
			json_out = true;
			break;
		default:
			bad_option(argv[0], c, argv);
		}
	}
	if (op == OP_SHOW)
		usage_error("migrate: %s", "--to-mirror or --to-normal is required");
	if (argc - optind != 1)
		usage_error("migrate: %s", "give exactly one PID");
	rc = parse_pids(1, argv + optind, true, &pids, &nr);
	if (rc)
		return rc;
	rc = apply(op, pids, nr, 0, 0, NULL);
	free(pids);
	return rc;
}

/* Options that mean nothing to run, load and unload. */
void no_json_sysroot(const char *cmd)
{
	if (json_out)
		usage_error("%s: -J does not apply (it prints no report)", cmd);
	if (sysroot_option)
		usage_error("%s: --sysroot does not apply (it acts on the running system)",
			    cmd);
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long limit = 0;
	struct mirror_first_info in = { .size = sizeof(in) };
	struct mirror_ctx *ctx;
	int c, rc;

	no_json_sysroot("run");
	optind = 0;	/* 0: glibc starts afresh (main used "+") */
	/* '+': the command and its own options are not ours. */
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if (c != 'l')
			bad_option(argv[0], c, argv);
		rc = parse_limit(optarg, &limit);
		if (rc)
			return rc;
	}
	if (optind < argc && strcmp(argv[optind - 1], "--"))
		usage_error("run: unexpected '%s' (the command goes after --)",
			    argv[optind]);
	if (optind >= argc)
		usage_error("run: %s", "no command given (mirrorctl run [--limit SIZE] -- COMMAND [ARG...])");
	rc = open_ctx(&ctx);
	if (rc)
		return rc;
	/* This process is flagged; the flag survives exec. */
	rc = mirror_first_set(ctx, getpid(), limit, MIRROR_FIRST_NOMOVE, &in);
	if (rc < 0) {
		rc = lib_fail(ctx, rc);
		mirror_unref(ctx);
		return rc;
	}
	mirror_unref(ctx);
	execvp(argv[optind], argv + optind);
	warnx_("%s: %s", argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

/* ---- policy ------------------------------------------------------------- */

static int cmd_policy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "default-mirror", required_argument, NULL, 'd' },
		{ "fallback", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },
		TABLE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int want[2] = { -1, -1 };
	static const char *const names[2] = { "default_mirror", "fallback" };
	struct libscols_table *tb;
	struct tableopts o = { 0 };
	struct mirror_ctx *ctx;
	struct mirror_policy *pol;
	int c, rc, i;

	optind = 0;	/* 0: glibc starts afresh (main used "+") */
	while ((c = getopt_long(argc, argv, ":Jo:bnr", opts, NULL)) != -1) {
		if (table_option(&o, c, optarg))
			continue;
		switch (c) {
		case 'd':
			parse_onoff("--default-mirror", optarg, &want[0]);
			break;
		case 'f':
			parse_onoff("--fallback", optarg, &want[1]);
			break;
		case 'J':
			json_out = true;
			break;
		default:
			bad_option(argv[0], c, argv);
		}
	}
	if (optind < argc)
		usage_error("policy: unexpected '%s'", argv[optind]);
	table_columns(&o, "policy", policy_cols, NR_PCOLS, policy_defaults,
		      sizeof(policy_defaults) / sizeof(policy_defaults[0]), false);
	rc = open_ctx(&ctx);
	if (rc)
		return rc;
	/* Check both before writing either. */
	for (i = 0; i < 2; i++)
		if (want[i] >= 0 && !mirror_policy_get_by_name(ctx, names[i])) {
			warnx_("the %s backend has no %s policy",
			       mirror_get_backend_name(ctx), names[i]);
			mirror_unref(ctx);
			return EXIT_NOBACKEND;
		}
	for (i = 0; i < 2; i++) {
		if (want[i] < 0)
			continue;
		pol = mirror_policy_get_by_name(ctx, names[i]);
		rc = mirror_policy_set_value(pol, (unsigned long long)want[i]);
		if (rc < 0) {
			rc = lib_fail(ctx, rc);
			mirror_unref(ctx);
			return rc;
		}
	}
	if (json_out) {
		json_t *root = json_root(), *pols = json_object();

		mirror_policy_foreach(ctx, pol) {
			const char *name = mirror_policy_get_name(pol);
			unsigned long long v;

			if (mirror_policy_get_value(pol, &v) < 0)
				json_object_set_new(pols, name, json_null());
			else if (mirror_policy_get_type(pol) == MIRROR_POLICY_BOOL)
				json_object_set_new(pols, name, json_boolean(v));
			else
				/* MIRROR_NO_LIMIT stays a number: null is unknown. */
				json_object_set_new(pols, name, json_uint(v));
		}
		json_object_set_new(root, "backend",
				    json_string(mirror_get_backend_name(ctx)));
		json_object_set_new(root, "policies", pols);
		emit(root);
	} else {
		tb = columns_table(&o, policy_cols);
		rc = tb ? 0 : -ENOMEM;
		mirror_policy_foreach(ctx, pol)
			if (rc == 0)
				rc = columns_line(tb, &o, policy_cell, &o, pol);
		if (rc == 0)
			scols_print_table(tb);
		scols_unref_table(tb);
		if (rc < 0) {
			warnx_("out of memory");
			mirror_unref(ctx);
			return EXIT_FAILURE;
		}
	}
	mirror_unref(ctx);
	return EXIT_SUCCESS;
}

/* ---- load / unload ------------------------------------------------------ */

/* libkmod's own messages would repeat ours, less clearly. */
static void kmod_quiet(void *data, int priority, const char *file, int line,
		       const char *fn, const char *format, va_list args)
{
}

static struct kmod_ctx *kmod_open(void)
{
	struct kmod_ctx *kctx = kmod_new(NULL, NULL);

	if (kctx)
		kmod_set_log_fn(kctx, kmod_quiet, NULL);
	return kctx;
}

unsigned long long ranges_alignment(void)
{
	char buf[64];
	unsigned long long bs;

	/* The kernel writes it in hex without a prefix. */
	if (read_text(sysroot, "/sys/devices/system/memory/block_size_bytes",
		      buf, sizeof(buf)) == 0) {
		bs = strtoull(buf, NULL, 16);
		if (bs && !(bs & (bs - 1)))
			return bs;
	}
	return MIRROR_PAGEBLOCK_SIZE;
}

/*
 * Parse --ranges with the module's own parser and alignment, so that a typo
 * is named here (with its position) instead of as a bare EINVAL from the
 * kernel.  What only the kernel can judge (inside System RAM, one node)
 * stays the module's to refuse.
 */
static int check_ranges(const char *ranges)
{
	struct mc_range_list list;
	struct mc_parse_error err;

	mc_range_list_init(&list);
	if (mc_ranges_parse(ranges, strlen(ranges), ranges_alignment(), &list,
			    &err) < 0) {
		usage_error("--ranges: %s", err.msg);
	}
	mc_range_list_free(&list);
	return 0;
}

/* The version mirror.ko reports in sysfs, "?" when it cannot be read. */
static void module_version(char *ver, size_t len)
{
	if (read_text(sysroot, MODULE_SYS "/version", ver, len) < 0)
		snprintf(ver, len, "?");
}

bool module_is_loaded(char *ver, size_t len)
{
	struct kmod_ctx *kctx;
	struct kmod_module *mod;
	bool loaded = false;
	char state[32];

	snprintf(ver, len, "?");
	if (sysroot) {
		/* The file libkmod reads, in the captured tree. */
		loaded = read_text(sysroot, "/sys/module/mirror/initstate",
				   state, sizeof(state)) == 0;
	} else {
		kctx = kmod_open();
		if (kctx && kmod_module_new_from_name(kctx, "mirror", &mod) == 0) {
			/* -ENOENT when not loaded; live, coming or going else. */
			loaded = kmod_module_get_initstate(mod) >= 0;
			kmod_module_unref(mod);
		}
		kmod_unref(kctx);
	}
	if (loaded)
		module_version(ver, len);
	return loaded;
}

/*
 * What the probe does, as libkmod reports it before doing it: the options
 * it passes (those of /etc/modprobe.d, then ours) and whether an install
 * command of /etc/modprobe.d runs instead of an insmod.
 */
static struct {
	char options[4096];
	bool install;
	bool called;
} probe_action;

static void probe_print_action(struct kmod_module *m, bool install,
			       const char *options)
{
	size_t n;

	if (strcmp(kmod_module_get_name(m), "mirror"))
		return;
	/* libkmod ends modprobe.d's options with a space when we add none. */
	n = strlen(options);
	while (n && options[n - 1] == ' ')
		n--;
	snprintf(probe_action.options, sizeof(probe_action.options), "%.*s",
		 (int)n, options);
	probe_action.install = install;
	probe_action.called = true;
}

static int probe_failed(const char *file, int rc)
{
	const char *what = file ? file : "mirror.ko";

	if (rc == KMOD_PROBE_APPLY_BLACKLIST)
		warnx_("mirror is blacklisted in modprobe.d ('blacklist mirror'): not loaded");
	else if (rc == -ENOENT && !file)
		warnx_("mirror.ko is not installed for this kernel (give --module FILE, or install mirror-dkms)");
	else if (rc == -EEXIST)
		warnx_("mirror.ko was loaded meanwhile by someone else");
	else if (rc == -EINVAL && probe_action.install)
		warnx_("the install command for mirror in modprobe.d failed");
	else if (rc == -EINVAL)
		warnx_("mirror.ko refused the parameters '%s' (the kernel log names the problem)",
		       probe_action.options);
	else
		warnx_("loading %s: %s", what, strerror(rc < 0 ? -rc : EIO));
	return EXIT_FAILURE;
}

int module_probe(const char *file, const char *extra, bool dry_run)
{
	unsigned int flags = KMOD_PROBE_APPLY_BLACKLIST;
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx;
	char ver[64];
	int rc;

	kctx = kmod_open();
	if (!kctx) {
		warnx_("libkmod: cannot create a context");
		return EXIT_FAILURE;
	}
	if (file)
		rc = kmod_module_new_from_path(kctx, file, &mod);
	else
		rc = kmod_module_new_from_name(kctx, "mirror", &mod);
	if (rc < 0) {
		warnx_("%s: %s", file ? file : "mirror", strerror(-rc));
		kmod_unref(kctx);
		return EXIT_FAILURE;
	}
	memset(&probe_action, 0, sizeof(probe_action));
	/* A dry run still finds the module file and applies the blacklist. */
	if (dry_run && !kmod_module_get_path(mod)) {
		rc = -ENOENT;
	} else {
		rc = kmod_module_probe_insert_module(mod,
				flags | (dry_run ? KMOD_PROBE_DRY_RUN : 0),
				extra && *extra ? extra : NULL, NULL, NULL,
				probe_print_action);
	}
	if (rc != 0) {
		rc = probe_failed(file, rc);
		goto out;
	}
	if (dry_run) {
		printf("load %s%s%s%s\n", kmod_module_get_path(mod),
		       probe_action.install ? " (through modprobe.d's install command)" : "",
		       *probe_action.options ? ": " : "", probe_action.options);
		rc = EXIT_SUCCESS;
		goto out;
	}
	if (access(MODULE_SYS, F_OK) != 0) {
		warnx_("the probe loaded no mirror.ko (an install command in modprobe.d?)");
		rc = EXIT_FAILURE;
		goto out;
	}
	/* The tools and the module must be of one release. */
	module_version(ver, sizeof(ver));
	if (strcmp(ver, PACKAGE_VERSION)) {
		warnx_("mirror.ko version %s does not match mirrorctl %s: unloaded again",
		       ver, PACKAGE_VERSION);
		kmod_module_remove_module(mod, 0);
		rc = EXIT_FAILURE;
		goto out;
	}
	printf("mirror.ko %s loaded%s%s\n", ver, *probe_action.options ? ": " : "",
	       probe_action.options);
	rc = EXIT_SUCCESS;
out:
	kmod_module_unref(mod);
	kmod_unref(kctx);
	return rc;
}

static int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "module", required_argument, NULL, 'm' },
		{ "ranges", required_argument, NULL, 'r' },
		{ "default-mirror", required_argument, NULL, 'd' },
		{ "fallback", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *ranges = NULL;
	int dm = -1, fb = -1, c;
	char params[4096] = "", ver[64];

	no_json_sysroot("load");
	/* The running system's, whatever MIRROR_SYSROOT says. */
	sysroot = NULL;
	optind = 0;	/* 0: glibc starts afresh (main used "+") */
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			file = optarg;
			break;
		case 'r':
			ranges = optarg;
			if (check_ranges(ranges))
				return EXIT_USAGE;
			break;
		case 'd':
			parse_onoff("--default-mirror", optarg, &dm);
			break;
		case 'f':
			parse_onoff("--fallback", optarg, &fb);
			break;
		default:
			bad_option(argv[0], c, argv);
		}
	}
	if (optind < argc)
		usage_error("load: unexpected '%s'", argv[optind]);
	if (module_is_loaded(ver, sizeof(ver))) {
		warnx_("mirror.ko is already loaded (version %s): unload it first", ver);
		return EXIT_FAILURE;
	}
	if (ranges)
		snprintf(params, sizeof(params), "ranges=%s", ranges);
	if (dm >= 0)
		snprintf(params + strlen(params), sizeof(params) - strlen(params),
			 "%sdefault_mirror=%d", *params ? " " : "", dm);
	if (fb >= 0)
		snprintf(params + strlen(params), sizeof(params) - strlen(params),
			 "%sfallback=%d", *params ? " " : "", fb);
	return module_probe(file, params, false);
}

/* At most this many zones have their memory put back online. */
#define MAX_SPANS	256

/*
 * The zones' physical spans, read while mirror.ko is still there: once it
 * is gone their memory is System RAM again, but offline.
 */
static size_t zone_spans(unsigned long long (*span)[2])
{
	struct mirror_ctx *ctx;
	struct mirror_zone *zone;
	size_t n = 0;

	if (open_ctx(&ctx))
		return 0;
	mirror_zone_foreach(ctx, zone) {
		if (n == MAX_SPANS)
			break;
		span[n][0] = mirror_zone_get_start(zone);
		span[n][1] = mirror_zone_get_end(zone);
		n++;
	}
	mirror_unref(ctx);
	return n;
}

static int cmd_unload(int argc, char **argv)
{
	static unsigned long long span[MAX_SPANS][2];
	struct kmod_ctx *kctx;
	struct kmod_module *mod;
	unsigned int onlined = 0;
	size_t nspan, i;
	char why[256];
	int rc;

	no_json_sysroot("unload");
	if (argc > 1)
		usage_error("unload: unexpected '%s'", argv[1]);
	/* The running system's, whatever MIRROR_SYSROOT says. */
	sysroot = NULL;
	if (!module_is_loaded(why, sizeof(why))) {
		warnx_("mirror.ko is not loaded");
		return EXIT_NOBACKEND;
	}
	nspan = zone_spans(span);
	kctx = kmod_open();
	if (!kctx)
		return EXIT_FAILURE;
	rc = kmod_module_new_from_name(kctx, "mirror", &mod);
	if (rc == 0) {
		rc = kmod_module_remove_module(mod, 0);
		/*
		 * Right after the last free the per-CPU caches may still
		 * hold pages for a few hundred ms: give them a second.
		 */
		for (i = 0; i < 10 && (rc == -EAGAIN || rc == -EWOULDBLOCK);
		     i++) {
			usleep(100 * 1000);
			rc = kmod_module_remove_module(mod, 0);
		}
		kmod_module_unref(mod);
	}
	kmod_unref(kctx);
	if (rc == -EAGAIN || rc == -EBUSY || rc == -EWOULDBLOCK) {
		warnx_("mirror.ko is in use: mirrored pages are still out (processes or drivers hold them)");
		return EXIT_FAILURE;
	}
	if (rc < 0) {
		warnx_("unloading mirror.ko: %s", strerror(-rc));
		return EXIT_FAILURE;
	}
	/* The zones' memory blocks came back offline: put them to use. */
	for (i = 0; i < nspan; i++) {
		if (memory_online(sysroot, span[i][0],
				  span[i][1], &onlined, why, sizeof(why)) < 0) {
			warnx_("mirror.ko unloaded, but its memory stays offline: %s",
			       why);
			return EXIT_FAILURE;
		}
	}
	printf("mirror.ko unloaded, %u memory block%s online again\n",
	       onlined, onlined == 1 ? "" : "s");
	return EXIT_SUCCESS;
}

static void __attribute__((noreturn)) usage(void)
{
	FILE *out = stdout;

	fprintf(out, "Usage:\n"
		" %1$s [options] set [--limit SIZE] [--no-move] PID...\n"
		" %1$s [options] set [--limit SIZE] --cgroup PATH|--unit NAME\n"
		" %1$s [options] clear [--move-back] PID...|--cgroup PATH|--unit NAME\n"
		" %1$s [options] show [table options] [PID...]\n"
		" %1$s [options] show [table options] --cgroup [PATH...]|--unit NAME\n"
		" %1$s [options] migrate PID --to-mirror|--to-normal\n"
		" %1$s [options] policy [table options] [--default-mirror on|off] [--fallback on|off]\n"
		" %1$s run [--limit SIZE] -- COMMAND [ARG...]\n"
		" %1$s load [--module FILE] [--ranges RANGES] [--default-mirror on|off] [--fallback on|off]\n"
		" %1$s unload\n"
		" %1$s [options] apply [--config FILE] [--dry-run]\n"
		" %1$s [options] monitor [--daemon]\n", program_invocation_short_name);
	fputs("\nMake processes use mirrored memory first, move their memory,\n"
	      "set the policies, load and unload mirror.ko, apply mirror.conf,\n"
	      "follow the module's events.\n", out);
	fputs("\nOptions (before the command; -J after it too):\n", out);
	fprintf(out, " -J, --json               JSON output (schema %d; not for run, load, unload,\n"
		"                          apply)\n", JSON_SCHEMA);
	fputs("     --sysroot <dir>      read proc/ and sys/ below <dir> (not for run, load,\n"
	      "                          unload, monitor; apply only with --dry-run)\n", out);
	fputs(" -h, --help               display this help\n", out);
	fputs(" -V, --version            display version\n", out);
	fputs("\nTable options (show, policy):\n", out);
	fputs(" -o, --output <list>      columns to print (+<list> adds to the default)\n", out);
	fputs("     --output-all         print all columns\n", out);
	fputs(" -b, --bytes              print sizes in bytes\n", out);
	fputs(" -n, --noheadings         do not print headings\n", out);
	fputs(" -r, --raw                raw output, no alignment\n", out);
	columns_help(out, "Show columns", show_cols, NR_SCOLS, 11);
	columns_help(out, "Group columns (show --cgroup)", group_cols, NR_GCOLS, 11);
	columns_help(out, "Policy columns", policy_cols, NR_PCOLS, 11);
	fputs("\nset --cgroup or --unit flags the processes of a cgroup v2 group now and\n"
	      "records it in " FOLLOW_DIR "; mirrord(8) flags those that join it\n"
	      "later.  clear --cgroup or --unit clears its processes and the record.\n"
	      "show --cgroup shows each followed group (or those named).\n", out);
	fputs("\napply reads " MIRROR_CONF " (mirror.conf(5)) unless --config\n"
	      "names another; --dry-run changes nothing and says what would be done.\n"
	      "monitor prints one line per event (a JSON object with -J); --daemon\n"
	      "sends them to the system log instead.\n", out);
	fputs("\nSIZE: bytes or with K, M, G, T (powers of 1024; B or iB may follow).\n"
	      "Exit status: 0 done, 1 failed, 2 bad command line, 3 no mirrored memory\n"
	      "or control interface.  See mirrorctl(8).\n", out);
	exit(EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd, *env;
	int c;

	close_stdout_atexit();
	opterr = 0;
	/* '+': the options before the command; the command parses the rest. */
	while ((c = getopt_long(argc, argv, "+:JhV", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			json_out = true;
			break;
		case OPT_SYSROOT:
			if (!*optarg)
				usage_error("--sysroot: empty directory name");
			sysroot = optarg;
			sysroot_option = true;
			break;
		case 'h':
			usage();
		case 'V':
			print_version();
		default:
			bad_option(NULL, c, argv);
		}
	}
	if (optind >= argc)
		usage_error("%s", "no command given");
	env = secure_getenv("MIRROR_SYSROOT");
	if (!sysroot && env && *env)
		sysroot = env;
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	if (sysroot && strcmp(cmd, "run") && strcmp(cmd, "load") &&
	    strcmp(cmd, "unload")) {
		/* A sysroot that is not there, named as the other tools do. */
		struct mirror_ctx *ctx;
		int rc = tool_open(&ctx, sysroot, NULL);

		mirror_unref(ctx);
		if (rc)
			return rc;
	}
	if (!strcmp(cmd, "set"))
		return cmd_set_clear(argc, argv, OP_SET);
	if (!strcmp(cmd, "clear"))
		return cmd_set_clear(argc, argv, OP_CLEAR);
	if (!strcmp(cmd, "show"))
		return cmd_show(argc, argv);
	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "migrate"))
		return cmd_migrate(argc, argv);
	if (!strcmp(cmd, "policy"))
		return cmd_policy(argc, argv);
	if (!strcmp(cmd, "load"))
		return cmd_load(argc, argv);
	if (!strcmp(cmd, "unload"))
		return cmd_unload(argc, argv);
	if (!strcmp(cmd, "apply"))
		return cmd_apply(argc, argv);
	if (!strcmp(cmd, "monitor"))
		return cmd_monitor(argc, argv);
	usage_error("unknown command '%s'", cmd);
}
