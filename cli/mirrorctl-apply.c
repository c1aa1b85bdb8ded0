// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mirrorctl apply - do what /etc/mirror/mirror.conf says (mirror.conf(5)):
 * load mirror.ko through the probe path with the file's parameters, set
 * the policies and the scrub interval, flag the processes it names.
 *
 * Everything is checked before anything is done: the file whole (conf.c),
 * then every unit, cgroup, command and PID file it names, then the module
 * as loaded; one problem, and nothing changes.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cgroup.h"
#include "conf.h"
#include "mirrorctl.h"
#include "output.h"
#include "tool.h"
#include "util.h"

#ifndef MIRROR_CONF
#define MIRROR_CONF	"/etc/mirror/mirror.conf"
#endif

/* Most processes one apply flags. */
#define APPLY_PIDS_MAX	65536

/* A process to flag, and the entry that named it first. */
struct want {
	pid_t pid;
	char comm[64];
	const struct conf_flag *by;
};

struct apply {
	const struct mirror_conf *conf;
	int problems;
	struct want *wants;
	size_t nr_wants;
	bool too_many;			/* APPLY_PIDS_MAX reached (said once) */
	char cgroot[PATH_MAX];		/* the hierarchy below the sysroot */
	int cgroot_state;		/* 0 not looked for, 1 found, -1 none */
};

/* ---- messages ------------------------------------------------------------ */

static void say(const char *path, unsigned int line, const char *msg)
{
	if (line)
		warnx_("%s:%u: %s", path, line, msg);
	else
		warnx_("%s: %s", path, msg);
}

static void conf_problem(void *data, const char *path, unsigned int line,
			 const char *msg)
{
	say(path, line, msg);
	(*(int *)data)++;
}

/* One line about the entry at 'line' of the file. */
static void __attribute__((format(printf, 3, 0)))
say_entry(struct apply *a, unsigned int line, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	say(a->conf->path, line, msg);
}

/* A problem with one entry: the apply will do nothing. */
static void __attribute__((format(printf, 3, 4)))
problem(struct apply *a, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_entry(a, line, fmt, ap);
	va_end(ap);
	a->problems++;
}

/* Something worth knowing that changes nothing (a service not running). */
static void __attribute__((format(printf, 3, 4)))
note(struct apply *a, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_entry(a, line, fmt, ap);
	va_end(ap);
}

/* ---- the processes an entry names --------------------------------------- */

/*
 * Add process 'pid' for entry 'f'.  Gone or exiting processes and kernel
 * threads are passed over (false); init and a process that two entries
 * give different limits are problems.
 */
static bool want_pid(struct apply *a, const struct conf_flag *f, pid_t pid)
{
	char comm[64];
	struct want *w;
	size_t i;
	int st;

	/* mirrorctl itself, run from the service it flags (ExecStartPost). */
	if (!sysroot && pid == getpid())
		return false;
	st = proc_state(pid, comm, sizeof(comm));
	if (st == -ESRCH || st == 'Z' || st == 'K')
		return false;
	if (pid == 1) {
		problem(a, f->line, "%s %s: process 1 (%s) is init, which is never flagged",
			conf_kind_name(f->kind), f->target, comm);
		return true;
	}
	for (i = 0; i < a->nr_wants; i++) {
		const struct conf_flag *by = a->wants[i].by;

		if (a->wants[i].pid != pid)
			continue;
		if (by->limit != f->limit)
			problem(a, f->line,
				"%s %s: process %d (%s) is named on line %u too, with another limit",
				conf_kind_name(f->kind), f->target, (int)pid, comm,
				by->line);
		return true;
	}
	if (a->nr_wants == APPLY_PIDS_MAX) {
		if (!a->too_many)
			problem(a, f->line, "more than %d processes to flag",
				APPLY_PIDS_MAX);
		a->too_many = true;
		return true;
	}
	if (a->nr_wants % 64 == 0) {
		w = realloc(a->wants, (a->nr_wants + 64) * sizeof(*w));
		if (!w) {
			problem(a, f->line, "out of memory");
			return true;
		}
		a->wants = w;
	}
	w = &a->wants[a->nr_wants++];
	w->pid = pid;
	w->by = f;
	snprintf(w->comm, sizeof(w->comm), "%s", comm);
	return true;
}

/* ---- cgroups and units ---------------------------------------------------- */

struct pid_walk {
	struct apply *a;
	const struct conf_flag *f;
};

static int walk_pid(pid_t pid, void *data)
{
	struct pid_walk *w = data;

	want_pid(w->a, w->f, pid);
	return 0;
}

/* Every process of the group at 'dir' and of the groups below it. */
static void cgroup_pids(struct apply *a, const struct conf_flag *f,
			const char *dir)
{
	struct pid_walk w = { a, f };
	char why[PATH_MAX + 64];

	if (cg_foreach_pid(dir, walk_pid, &w, why, sizeof(why)) < 0)
		problem(a, f->line, "%s %s: %s", conf_kind_name(f->kind),
			f->target, why);
}

static void cgroup_entry(struct apply *a, const struct conf_flag *f)
{
	char dir[PATH_MAX], why[PATH_MAX + 64];

	if (cg_group_dir(a->cgroot, f->target, dir, sizeof(dir), why,
			 sizeof(why)) < 0)
		problem(a, f->line, "cgroup %s: %s", f->target, why);
	else
		cgroup_pids(a, f, dir);
}

static void unit_entry(struct apply *a, const struct conf_flag *f)
{
	char dir[PATH_MAX], why[2 * PATH_MAX + 64];
	int rc;

	rc = cg_unit_dir(a->cgroot, f->target, dir, sizeof(dir), why,
			 sizeof(why));
	if (rc < 0)
		problem(a, f->line, "unit %s: %s", f->target, why);
	else if (rc > 0)
		cgroup_pids(a, f, dir);
	else if (cg_unit_file_exists(sysroot, f->target))
		note(a, f->line, "unit %s is not running: nothing to flag",
		     f->target);
	else
		problem(a, f->line, "unit %s: no such unit", f->target);
}

/* ---- commands and PID files -------------------------------------------- */

static void command_entry(struct apply *a, const struct conf_flag *f)
{
	char dir[PATH_MAX], rel[64], comm[64];
	unsigned int found = 0;
	struct dirent *de;
	unsigned long v;
	DIR *d;

	if (sysroot_path(dir, sizeof(dir), sysroot, "/proc") < 0 ||
	    !(d = opendir(dir))) {
		problem(a, f->line, "command %s: cannot list the processes: %s",
			f->target, strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		if (!parse_ulong(de->d_name, 1, INT_MAX, &v))
			continue;
		snprintf(rel, sizeof(rel), "/proc/%lu/comm", v);
		if (read_text(sysroot, rel, comm, sizeof(comm)) == 0 &&
		    !strcmp(comm, f->target) && want_pid(a, f, (pid_t)v))
			found++;
	}
	closedir(d);
	if (!found)
		note(a, f->line, "no process named %s: nothing to flag", f->target);
}

static void pidfile_entry(struct apply *a, const struct conf_flag *f)
{
	char text[64], comm[64];
	unsigned long v;
	int rc;

	rc = read_text(sysroot, f->target, text, sizeof(text));
	if (rc == -ENOENT) {
		note(a, f->line, "pidfile %s: no such file (not running?): nothing to flag",
		     f->target);
		return;
	}
	if (rc < 0) {
		problem(a, f->line, "pidfile %s: %s", f->target, strerror(-rc));
		return;
	}
	/* One process id, as daemons write it (spaces around it are fine). */
	text[strcspn(text, "\n")] = '\0';
	memmove(text, text + strspn(text, " \t"), strlen(text) + 1);
	text[strcspn(text, " \t")] = '\0';
	if (!parse_ulong(text, 1, INT_MAX, &v)) {
		problem(a, f->line, "pidfile %s: '%s' is not a process id",
			f->target, text_safe(text, comm, 33));
		return;
	}
	rc = proc_state((pid_t)v, comm, sizeof(comm));
	if (rc == -ESRCH || rc == 'Z') {
		note(a, f->line, "pidfile %s names process %lu, which is not running: nothing to flag",
		     f->target, v);
		return;
	}
	if (rc == 'K') {
		problem(a, f->line, "pidfile %s names process %lu (%s), a kernel thread",
			f->target, v, comm);
		return;
	}
	want_pid(a, f, (pid_t)v);
}

/* Every process the [flag] entries name, as they are now. */
static void resolve_flags(struct apply *a)
{
	size_t i;

	for (i = 0; i < a->conf->nr_flags; i++) {
		const struct conf_flag *f = &a->conf->flags[i];

		switch (f->kind) {
		case CONF_UNIT:
		case CONF_CGROUP:
			if (!a->cgroot_state)
				a->cgroot_state = cg_hierarchy(sysroot, a->cgroot,
						sizeof(a->cgroot)) ? -1 : 1;
			if (a->cgroot_state < 0) {
				problem(a, f->line,
					"%s %s: no cgroup v2 hierarchy at /sys/fs/cgroup",
					conf_kind_name(f->kind), f->target);
				break;
			}
			if (f->kind == CONF_UNIT)
				unit_entry(a, f);
			else
				cgroup_entry(a, f);
			break;
		case CONF_COMMAND:
			command_entry(a, f);
			break;
		case CONF_PIDFILE:
			pidfile_entry(a, f);
			break;
		}
	}
}

/* ---- the module as it is loaded ------------------------------------------ */

/*
 * mirror.ko was loaded before: its parameters stay as they are until the
 * next load.  Say where they differ from the file.
 */
static void loaded_params(struct apply *a, const char *ver)
{
	const struct mirror_conf *c = a->conf;
	char rel[128], now[4096], want[4096];
	const char *names[] = { "ranges", "budget", "channel" };
	unsigned int i;

	printf("mirror.ko %s already loaded\n", ver);
	for (i = 0; i < 3; i++) {
		if (i == 0 && c->mode == CONF_MODE_FIRMWARE)
			snprintf(want, sizeof(want), "%s", "");
		else if (i == 0 && c->ranges)
			snprintf(want, sizeof(want), "%s", c->ranges);
		else if (i == 1 && c->budget)
			snprintf(want, sizeof(want), "%s", c->budget);
		else if (i == 2 && c->channel >= 0)
			snprintf(want, sizeof(want), "%s", c->channel ? "Y" : "N");
		else
			continue;
		snprintf(rel, sizeof(rel), "/sys/module/mirror/parameters/%s",
			 names[i]);
		if (read_text(sysroot, rel, now, sizeof(now)) < 0)
			continue;
		/* An unset charp reads "(null)". */
		if (!strcmp(now, "(null)"))
			now[0] = '\0';
		if (strcmp(now, want))
			note(a, 0, "mirror.ko is loaded with %s=%s, the file says %s=%s: that takes effect at its next load",
			     names[i], now, names[i], want);
	}
}

/*
 * What the loaded module must offer for the file: the policies it sets,
 * the channel when it sets the scrub interval.  Counts problems.
 */
static void check_loaded(struct apply *a, struct mirror_ctx *ctx)
{
	const struct mirror_conf *c = a->conf;
	struct mirror_channel_info info = { .size = sizeof(info) };
	char mode[32];
	int rc;

	if (read_text(sysroot, MODULE_SYS "/mode", mode, sizeof(mode)) == 0 &&
	    ((c->mode == CONF_MODE_FIRMWARE && strcmp(mode, "firmware")) ||
	     (c->mode == CONF_MODE_EMULATION && strcmp(mode, "emulation"))))
		note(a, 0, "mirror.ko runs in %s mode, the file says %s: that takes effect at its next load",
		     mode, c->mode == CONF_MODE_FIRMWARE ? "firmware" : "emulation");
	if ((c->default_mirror >= 0 &&
	     !mirror_policy_get_by_name(ctx, "default_mirror")) ||
	    (c->fallback >= 0 && !mirror_policy_get_by_name(ctx, "fallback")))
		problem(a, 0, "the %s backend has not the policies of [policy]",
			mirror_get_backend_name(ctx));
	if (c->scrub_interval_ms >= 0) {
		rc = mirror_channel_read(ctx, &info);
		if (rc == -EOPNOTSUPP || rc == -ENODEV)
			problem(a, 0, "scrub_interval_ms: mirror.ko has no mirror channel (firmware mode, or loaded with channel=0)");
		else if (rc < 0)
			problem(a, 0, "scrub_interval_ms: %s", mirror_get_last_error(ctx));
	}
}

/* ---- doing it ------------------------------------------------------------- */

static int set_policy(struct mirror_ctx *ctx, const char *name, int v,
		      bool dry_run)
{
	int rc;

	if (v < 0)
		return 0;
	if (!dry_run) {
		rc = mirror_policy_set_value(mirror_policy_get_by_name(ctx, name),
					     (unsigned long long)v);
		if (rc < 0)
			return lib_fail(ctx, rc);
	}
	printf("policy %s = %s\n", name, v ? "on" : "off");
	return 0;
}

static void flag_line(const struct want *w)
{
	char lim[32], comm[64];

	size_to_human(w->by->limit, lim, sizeof(lim));
	printf("flag %d (%s)%s%s: %s %s, line %u\n", (int)w->pid,
	       text_safe(w->comm, comm, sizeof(comm)),
	       w->by->limit ? ", limit " : "", w->by->limit ? lim : "",
	       conf_kind_name(w->by->kind), w->by->target, w->by->line);
}

/* The policies, the scrub interval and the flags; the exit status. */
static int apply_settings(struct apply *a, struct mirror_ctx *ctx,
			  bool dry_run)
{
	const struct mirror_conf *c = a->conf;
	struct mirror_first_info in = { .size = sizeof(in) };
	size_t i;
	int rc;

	rc = set_policy(ctx, "default_mirror", c->default_mirror, dry_run);
	if (!rc)
		rc = set_policy(ctx, "fallback", c->fallback, dry_run);
	if (rc)
		return rc;
	if (c->scrub_interval_ms >= 0) {
		if (!dry_run) {
			rc = mirror_channel_set_interval(ctx,
					(unsigned int)c->scrub_interval_ms);
			if (rc < 0)
				return lib_fail(ctx, rc);
		}
		printf("scrub_interval_ms = %ld\n", c->scrub_interval_ms);
	}
	for (i = 0; i < a->nr_wants; i++) {
		const struct want *w = &a->wants[i];

		if (dry_run) {
			flag_line(w);
			continue;
		}
		rc = mirror_first_set(ctx, w->pid, w->by->limit, 0, &in);
		if (rc == -ESRCH) {
			/* It exited since it was looked at: nothing to flag. */
			note(a, w->by->line, "process %d (%s) exited meanwhile",
			     (int)w->pid, w->comm);
			continue;
		}
		if (rc < 0)
			return lib_fail(ctx, rc);
		flag_line(w);
	}
	return EXIT_SUCCESS;
}

int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = MIRROR_CONF;
	struct mirror_conf conf;
	struct conf_env env;
	struct apply a = { .conf = &conf };
	struct mirror_ctx *ctx = NULL;
	bool dry_run = false, loaded;
	char options[8192], ver[64], why[PATH_MAX + 64], *text;
	size_t len;
	int c, rc;

	optind = 0;	/* 0: glibc starts afresh (main used "+") */
	while ((c = getopt_long(argc, argv, ":c:n", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			dry_run = true;
			break;
		default:
			bad_option(argv[0], c, argv);
		}
	}
	if (optind < argc)
		usage_error("apply: unexpected '%s'", argv[optind]);
	if (json_out)
		usage_error("apply: -J does not apply (it prints no report)");
	if (sysroot_option && !dry_run)
		usage_error("apply: --sysroot only with --dry-run (apply acts on the running system)");
	if (!dry_run)
		sysroot = NULL;

	text = conf_read(path, &len, why, sizeof(why));
	if (!text) {
		warnx_("%s", why);
		return EXIT_FAILURE;
	}
	env.page_size = page_size();
	env.range_align = ranges_alignment();
	rc = conf_parse(&conf, path, text, len, &env, conf_problem, &a.problems);
	free(text);
	if (rc < 0) {
		warnx_("out of memory");
		rc = EXIT_FAILURE;
		goto out;
	}
	if (a.problems == 0)
		resolve_flags(&a);
	if (a.problems) {
		rc = EXIT_FAILURE;
		goto out;
	}

	loaded = module_is_loaded(ver, sizeof(ver));
	conf_module_options(&conf, options, sizeof(options));
	if (loaded) {
		loaded_params(&a, ver);
	} else if (sysroot) {
		/* A captured tree: no modules to look for. */
		printf("load mirror.ko%s%s\n", *options ? ": " : "", options);
	} else {
		rc = module_probe(NULL, options, dry_run);
		if (rc)
			goto out;
	}
	if (dry_run && !loaded) {
		/* Nothing to check against yet: what would be done after it. */
		rc = apply_settings(&a, NULL, true);
		goto out;
	}
	rc = open_ctx(&ctx);
	if (rc)
		goto out;
	check_loaded(&a, ctx);
	rc = a.problems ? EXIT_FAILURE : apply_settings(&a, ctx, dry_run);
out:
	mirror_unref(ctx);
	free(a.wants);
	conf_free(&conf);
	return rc;
}
