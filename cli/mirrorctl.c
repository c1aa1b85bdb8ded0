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

#include "config.h"
#include "libmirror.h"
#include "field.h"
#include "output.h"
#include "range.h"
#include "util.h"

/*
 * mirror.ko wants every range aligned to a pageblock: 2 MiB on x86-64 (4 KiB
 * pages, order-9 pageblocks).  Elsewhere only the page size is checked here
 * and the module judges the rest.
 */
#if defined(__x86_64__)
#define MIRROR_PAGEBLOCK_SIZE	(2ULL << 20)
#else
#define MIRROR_PAGEBLOCK_SIZE	0
#endif

#define JSON_SCHEMA	1
#define PIDS_MAX	4096
#define MODULE_SYS	"/sys/kernel/mm/mirror"
#define PF_KTHREAD_FLAG	0x00200000UL

static const char *prog = "mirrorctl";
static bool json_out;

static void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	return EXIT_USAGE;
}

static void usage(void)
{
	printf("Usage:\n"
	       " %s [-J] set [--limit SIZE] [--no-move] PID...\n"
	       " %s [-J] clear [--move-back] PID...\n"
	       " %s [-J] show [PID...]\n"
	       " %s run [--limit SIZE] -- COMMAND [ARG...]\n"
	       " %s [-J] migrate PID --to-mirror|--to-normal\n"
	       " %s [-J] policy [--default-mirror on|off] [--fallback on|off]\n"
	       " %s load [--module FILE] [--ranges RANGES] [--default-mirror on|off] [--fallback on|off]\n"
	       " %s unload\n"
	       "\nMake processes use mirrored memory first, move their memory,\n"
	       "set the policies, load and unload mirror.ko.\n"
	       "\nOptions:\n"
	       " -J, --json     JSON output (schema %d)\n"
	       " -h, --help     this help\n"
	       " -V, --version  the version\n"
	       "\nSIZE: bytes or with K, M, G, T (powers of 1024; B or iB may follow).\n"
	       "Exit status: 0 done, 1 failed, 2 bad command line, 3 no mirrored memory\n"
	       "or control interface.  See mirrorctl(8).\n",
	       prog, prog, prog, prog, prog, prog, prog, prog, JSON_SCHEMA);
}

/* ---- parsing ------------------------------------------------------------ */

/* The page size of the system looked at (MIRROR_SYSROOT's capture too). */
static unsigned long page_size(void)
{
	struct mirror_ctx *ctx;
	unsigned long ps = (unsigned long)sysconf(_SC_PAGESIZE);

	if (mirror_new(&ctx) == 0) {
		ps = mirror_get_page_size(ctx);
		mirror_unref(ctx);
	}
	return ps;
}

static int parse_limit(const char *arg, unsigned long long *limit)
{
	unsigned long ps;

	if (!parse_size(arg, limit) || *limit == 0)
		return usage_error("--limit: '%s' is not a size above 0 (e.g. 64M)",
				   arg);
	ps = page_size();
	if (*limit % ps) {
		char msg[128];

		snprintf(msg, sizeof(msg),
			 "--limit: '%.32s' is not a multiple of the page size (%lu bytes)",
			 arg, ps);
		return usage_error("%s", msg);
	}
	return 0;
}

static int parse_onoff(const char *opt, const char *arg, int *val)
{
	if (!strcmp(arg, "on") || !strcmp(arg, "1"))
		*val = 1;
	else if (!strcmp(arg, "off") || !strcmp(arg, "0"))
		*val = 0;
	else {
		fprintf(stderr, "%s: %s: '%s' is not on or off\n", prog, opt, arg);
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * The /proc of the system the tools look at: below MIRROR_SYSROOT when set,
 * as libmirror does, so that tests over a captured tree never mix in the
 * processes of the machine they run on.
 */
static void proc_path(char *buf, size_t len, const char *fmt, pid_t pid)
{
	const char *root = secure_getenv("MIRROR_SYSROOT");
	int n = snprintf(buf, len, "%s/proc", root ? root : "");

	if (pid > 0)
		snprintf(buf + n, len - (size_t)n, fmt, pid);
}

/* PF_KTHREAD in the flags field of /proc/PID/stat. */
#define PROC_PF_KTHREAD	0x00200000UL

/*
 * Whether /proc/PID/stat says it is a kernel thread.  A stat that cannot
 * be read means the process is gone meanwhile: not a kernel thread.
 */
static bool proc_is_kthread(pid_t pid)
{
	char path[PATH_MAX], line[1024], *p;
	unsigned long flags = 0;
	FILE *f;

	proc_path(path, sizeof(path), "/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	/* After "(comm)": state ppid pgrp session tty_nr tpgid flags. */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return false;
	return flags & PROC_PF_KTHREAD;
}

/*
 * What /proc/PID/status says about a process: -ESRCH none, 'Z' zombie (or
 * dead, or exiting: its memory is already gone), 'K' a kernel thread (no
 * memory of its own), 0 fine.  The kernel checks again; this only names
 * the problem.
 */
static int proc_state(pid_t pid, char *comm, size_t len)
{
	char rel[64], text[4096], st;
	const char *v;
	size_t n;

	snprintf(rel, sizeof(rel), "/proc/%d/status", pid);
	snprintf(comm, len, "?");
	if (read_text(secure_getenv("MIRROR_SYSROOT"), rel, text,
		      sizeof(text)) < 0 ||
	    mc_field_find(text, strlen(text), "State", &v, &n) < 0 || !n)
		return -ESRCH;
	st = *v;
	if (mc_field_find(text, strlen(text), "Name", &v, &n) == 0)
		snprintf(comm, len, "%.*s", (int)n, v);
	if (st == 'Z' || st == 'X')
		return 'Z';
	/* No VmSize: no memory of its own (a kernel thread, or exiting). */
	if (mc_field_find(text, strlen(text), "VmSize", &v, &n) < 0)
		return proc_is_kthread(pid) ? 'K' : 'Z';
	return 0;
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
			return usage_error("'%s' is not a process id", argv[i]);
		pids[i] = (pid_t)v;
		for (j = 0; j < i; j++)
			if (pids[j] == pids[i])
				return usage_error("PID %s is given twice", argv[i]);
	}
	return 0;
}

/*
 * Whether the process exists and, for a change, has memory of its own that
 * may be moved: a zombie has none, a kernel thread none of its own, and
 * init is left alone.
 */
static int check_process(pid_t pid, bool change)
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
		return usage_error("at most %s PIDs", "4096");
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

static int open_ctx(struct mirror_ctx **ctx)
{
	int rc = mirror_new(ctx);

	if (rc < 0) {
		warnx_("cannot create a context: %s", strerror(-rc));
		return EXIT_FAILURE;
	}
	/* Errors are printed here, once. */
	mirror_set_log_priority(*ctx, 0);
	rc = mirror_load(*ctx);
	if (rc < 0) {
		/* One line: it names every place that was checked. */
		warnx_("%s", mirror_get_last_error(*ctx));
		mirror_unref(*ctx);
		return rc == -ENODEV ? EXIT_NOBACKEND : EXIT_FAILURE;
	}
	return 0;
}

static int lib_fail(struct mirror_ctx *ctx, int rc)
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
	json_object_set_new(o, "comm", json_text(comm));
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

static void human(unsigned long long v, char *buf, size_t len)
{
	if (v == MIRROR_UNKNOWN)
		snprintf(buf, len, "-");
	else
		size_to_human(v, buf, len);
}

static void num(unsigned long long v, char *buf, size_t len)
{
	if (v == MIRROR_UNKNOWN)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%llu", v);
}

static void print_header(void)
{
	printf("%7s %-15s %5s %9s %9s %9s %9s %8s %9s %8s\n", "PID", "COMMAND",
	       "FIRST", "LIMIT", "MIRROR", "ORDINARY", "MIGRATED", "FAILED",
	       "SHORTFALL", "RETURNED");
}

static void print_info(const struct mirror_first_info *in)
{
	char comm[64] = "?", lim[16], mir[16], ord[16], mig[24], fl[24];
	char sh[24], ret[24], safe[64];

	proc_state(in->pid, comm, sizeof(comm));
	/* 0 is no limit; MIRROR_UNKNOWN (memory reliable) is not known. */
	if (in->limit_bytes == 0)
		snprintf(lim, sizeof(lim), "unlimited");
	else
		human(in->limit_bytes, lim, sizeof(lim));
	human(in->mirror_bytes, mir, sizeof(mir));
	human(in->ordinary_bytes, ord, sizeof(ord));
	num(in->pages_migrated, mig, sizeof(mig));
	num(in->pages_failed, fl, sizeof(fl));
	num(in->pages_shortfall, sh, sizeof(sh));
	num(in->pages_returned, ret, sizeof(ret));
	text_safe(comm, safe, sizeof(safe));
	printf("%7d %-15.15s %5s %9s %9s %9s %9s %8s %9s %8s\n", in->pid, safe,
	       in->mirror_first ? "yes" : "no", lim, mir, ord, mig, fl, sh,
	       ret);
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

static int apply(enum op op, pid_t *pids, int nr, unsigned long long limit,
		 unsigned int flags)
{
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
		print_header();
	}
	for (i = 0; i < nr; i++) {
		struct mirror_first_info in;

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
		if (json_out) {
			json_array_append_new(arr, info_json(&in));
		} else if (op == OP_SHOW) {
			print_info(&in);
		} else {
			char m[16], o[16];

			human(in.mirror_bytes, m, sizeof(m));
			human(in.ordinary_bytes, o, sizeof(o));
			printf("%d: MIRROR_FIRST %s", in.pid,
			       in.mirror_first ? "set" : "clear");
			if (in.pages_moved != MIRROR_UNKNOWN &&
			    op != OP_SHOW)
				printf(", %llu pages moved", in.pages_moved);
			if (in.mirror_bytes != MIRROR_UNKNOWN)
				printf(", mirrored %s, ordinary %s", m, o);
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
	mirror_unref(ctx);
	return ret;
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
static int bad_option(const char *cmd, int c, char **argv)
{
	char what[256];

	snprintf(what, sizeof(what), "%s: %s '%s'", cmd,
		 c == ':' ? "missing the argument of option" : "unknown option",
		 argv[optind - 1]);
	return usage_error("%s", what);
}

static int cmd_set_clear(int argc, char **argv, enum op op)
{
	static const struct option set_opts[] = {
		{ "limit", required_argument, NULL, 'l' },
		{ "no-move", no_argument, NULL, 'n' },
		{ "move-back", no_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long limit = 0;
	unsigned int flags = 0;
	pid_t *pids;
	int c, nr, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+:J", set_opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (op != OP_SET)
				return usage_error("%s: --limit is for set", argv[0]);
			rc = parse_limit(optarg, &limit);
			if (rc)
				return rc;
			break;
		case 'n':
			if (op != OP_SET)
				return usage_error("%s: --no-move is for set", argv[0]);
			flags |= MIRROR_FIRST_NOMOVE;
			break;
		case 'b':
			if (op != OP_CLEAR)
				return usage_error("%s: --move-back is for clear", argv[0]);
			flags |= MIRROR_FIRST_MOVE_BACK;
			break;
		case 'J':
			json_out = true;
			break;
		default:
			return bad_option(argv[0], c, argv);
		}
	}
	if (optind >= argc)
		return usage_error("%s: no PID given", argv[0]);
	rc = parse_pids(argc - optind, argv + optind, true, &pids, &nr);
	if (rc)
		return rc;
	rc = apply(op, pids, nr, limit, flags);
	free(pids);
	return rc;
}

static int cmd_show(int argc, char **argv)
{
	pid_t *pids;
	int nr, rc, i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-J") || !strcmp(argv[i], "--json"))
			json_out = true;
		else if (!strcmp(argv[i], "--"))
			break;
		else
			return usage_error("show: unknown option '%s'", argv[i]);
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i < argc) {
		rc = parse_pids(argc - i, argv + i, false, &pids, &nr);
		if (rc)
			return rc;
		rc = apply(OP_SHOW, pids, nr, 0, 0);
	} else {
		rc = all_pids(&pids, &nr);
		if (rc)
			return rc;
		/* flags = 1: only flagged ones, skip those that went. */
		rc = apply(OP_SHOW, pids, nr, 0, 1);
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

	optind = 1;
	while ((c = getopt_long(argc, argv, ":J", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
		case 'n':
			if (op != OP_SHOW)
				return usage_error("migrate: %s", "give one of --to-mirror and --to-normal");
			op = c == 'm' ? OP_TO_MIRROR : OP_TO_NORMAL;
			break;
		case 'J':
			json_out = true;
			break;
		default:
			return bad_option(argv[0], c, argv);
		}
	}
	if (op == OP_SHOW)
		return usage_error("migrate: %s", "--to-mirror or --to-normal is required");
	if (argc - optind != 1)
		return usage_error("migrate: %s", "give exactly one PID");
	rc = parse_pids(1, argv + optind, true, &pids, &nr);
	if (rc)
		return rc;
	rc = apply(op, pids, nr, 0, 0);
	free(pids);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	unsigned long long limit = 0;
	struct mirror_first_info in;
	struct mirror_ctx *ctx;
	int i, rc;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
			rc = parse_limit(argv[++i], &limit);
			if (rc)
				return rc;
		} else if (!strncmp(argv[i], "--limit=", 8)) {
			rc = parse_limit(argv[i] + 8, &limit);
			if (rc)
				return rc;
		} else {
			return usage_error("run: unexpected '%s' (the command goes after --)",
					   argv[i]);
		}
	}
	if (i >= argc || i + 1 >= argc)
		return usage_error("run: %s", "no command given (mirrorctl run [--limit SIZE] -- COMMAND [ARG...])");
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
	execvp(argv[i + 1], argv + i + 1);
	warnx_("%s: %s", argv[i + 1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

/* ---- policy ------------------------------------------------------------- */

static int cmd_policy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "default-mirror", required_argument, NULL, 'd' },
		{ "fallback", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	int want[2] = { -1, -1 };
	static const char *const names[2] = { "default_mirror", "fallback" };
	struct mirror_ctx *ctx;
	struct mirror_policy *pol;
	int c, rc, i;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":J", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_onoff("--default-mirror", optarg, &want[0]))
				return EXIT_USAGE;
			break;
		case 'f':
			if (parse_onoff("--fallback", optarg, &want[1]))
				return EXIT_USAGE;
			break;
		case 'J':
			json_out = true;
			break;
		default:
			return bad_option(argv[0], c, argv);
		}
	}
	if (optind < argc)
		return usage_error("policy: unexpected '%s'", argv[optind]);
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
		json_t *root = json_root(), *o = json_object();

		mirror_policy_foreach(ctx, pol) {
			unsigned long long v;

			if (mirror_policy_get_value(pol, &v) < 0)
				json_object_set_new(o, mirror_policy_get_name(pol), json_null());
			else if (mirror_policy_get_type(pol) == MIRROR_POLICY_BOOL)
				json_object_set_new(o, mirror_policy_get_name(pol), json_boolean(v));
			else
				/* MIRROR_NO_LIMIT stays a number: null is unknown. */
				json_object_set_new(o, mirror_policy_get_name(pol), json_uint(v));
		}
		json_object_set_new(root, "backend",
				    json_string(mirror_get_backend_name(ctx)));
		json_object_set_new(root, "policies", o);
		emit(root);
	} else {
		mirror_policy_foreach(ctx, pol) {
			unsigned long long v;

			if (mirror_policy_get_value(pol, &v) < 0)
				printf("%-16s ?\n", mirror_policy_get_name(pol));
			else if (mirror_policy_get_type(pol) == MIRROR_POLICY_BOOL)
				printf("%-16s %s\n", mirror_policy_get_name(pol),
				       v ? "on" : "off");
			else if (mirror_policy_get_type(pol) == MIRROR_POLICY_BYTES &&
				 v == MIRROR_NO_LIMIT)
				printf("%-16s unlimited\n", mirror_policy_get_name(pol));
			else
				printf("%-16s %llu\n", mirror_policy_get_name(pol), v);
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
	if (mc_ranges_parse(ranges, strlen(ranges), MIRROR_PAGEBLOCK_SIZE,
			    &list, &err) < 0) {
		usage_error("--ranges: %s", err.msg);
		return -1;
	}
	mc_range_list_free(&list);
	return 0;
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
	int dm = -1, fb = -1, c, rc;
	char params[4096] = "", ver[64];
	struct kmod_ctx *kctx;
	struct kmod_module *mod = NULL;

	optind = 1;
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
			if (parse_onoff("--default-mirror", optarg, &dm))
				return EXIT_USAGE;
			break;
		case 'f':
			if (parse_onoff("--fallback", optarg, &fb))
				return EXIT_USAGE;
			break;
		default:
			return bad_option(argv[0], c, argv);
		}
	}
	if (optind < argc)
		return usage_error("load: unexpected '%s'", argv[optind]);
	if (access(MODULE_SYS, F_OK) == 0) {
		if (read_text(NULL, MODULE_SYS "/version", ver, sizeof(ver)) < 0)
			strcpy(ver, "?");
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
	rc = kmod_module_insert_module(mod, 0, params);
	if (rc < 0) {
		if (rc == -ENOENT && !file)
			warnx_("mirror.ko is not installed for this kernel (give --module FILE)");
		else if (rc == -EINVAL)
			warnx_("mirror.ko refused the parameters '%s' (the kernel log names the problem)",
			       params);
		else
			warnx_("loading %s: %s", file ? file : "mirror",
			       strerror(-rc));
		kmod_module_unref(mod);
		kmod_unref(kctx);
		return EXIT_FAILURE;
	}
	/* The tools and the module must be of one release. */
	if (read_text(NULL, MODULE_SYS "/version", ver, sizeof(ver)) < 0 ||
	    strcmp(ver, PACKAGE_VERSION)) {
		warnx_("mirror.ko version %s does not match mirrorctl %s: unloaded again",
		       ver, PACKAGE_VERSION);
		kmod_module_remove_module(mod, 0);
		kmod_module_unref(mod);
		kmod_unref(kctx);
		return EXIT_FAILURE;
	}
	printf("mirror.ko %s loaded%s%s\n", ver, *params ? ": " : "", params);
	kmod_module_unref(mod);
	kmod_unref(kctx);
	return EXIT_SUCCESS;
}

static int cmd_unload(int argc, char **argv)
{
	struct kmod_ctx *kctx;
	struct kmod_module *mod;
	int rc;

	if (argc > 1)
		return usage_error("unload: unexpected '%s'", argv[1]);
	if (access(MODULE_SYS, F_OK) != 0) {
		warnx_("mirror.ko is not loaded");
		return EXIT_NOBACKEND;
	}
	kctx = kmod_open();
	if (!kctx)
		return EXIT_FAILURE;
	rc = kmod_module_new_from_name(kctx, "mirror", &mod);
	if (rc == 0) {
		rc = kmod_module_remove_module(mod, 0);
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
	printf("mirror.ko unloaded\n");
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i;

	close_stdout_atexit();
	opterr = 0;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-J") || !strcmp(argv[i], "--json")) {
			json_out = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage();
			return EXIT_SUCCESS;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			print_version();
		} else {
			return usage_error("unknown option '%s'", argv[i]);
		}
	}
	if (i >= argc)
		return usage_error("%s", "no command given");
	cmd = argv[i];
	argc -= i;
	argv += i;
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
	return usage_error("unknown command '%s'", cmd);
}
