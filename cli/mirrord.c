// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mirrord - keep every process of the followed cgroup v2 groups flagged
 * MIRROR_FIRST: the "unit =" and "cgroup =" entries of mirror.conf and the
 * groups 'mirrorctl set --unit/--cgroup' recorded in /run/mirror/cgroups.d/
 * (follow.c), their processes found as 'mirrorctl apply' finds them
 * (cgroup.c).
 *
 * cgroup v2 tells nobody that a process joined a group.  What it does
 * tell, through inotify, is that a group became populated or empty
 * (cgroup.events) and that groups were made or removed (the directories):
 * a unit that starts or restarts is seen at once, mostly before its first
 * exec.  A process written into a group that already has processes is
 * only seen by the rescan of every followed group, each --interval.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "cgroup.h"
#include "follow.h"
#include "libmirror.h"
#include "output.h"
#include "tool.h"
#include "util.h"

#ifndef MIRROR_CONF
#define MIRROR_CONF	"/etc/mirror/mirror.conf"
#endif

/* The rescan of every followed group, by default (seconds). */
#define DEFAULT_INTERVAL	1.0

/* A process seen in a followed group: flagged (or found so), or failed. */
struct seen {
	pid_t pid;
	unsigned long long start;	/* proc_start_time() */
};

struct seen_set {
	struct seen *s;
	size_t n, cap;
};

static struct {
	const char *conf_path;
	const char *sysroot;
	double interval;
	bool daemon, once, dry_run;
	struct follow_list list;
	char (*dirs)[PATH_MAX];		/* each entry's group now, "" none */
	char root[PATH_MAX];		/* the hierarchy, "" none */
	struct mirror_ctx *ctx;		/* NULL while mirror.ko is away */
	bool said_no_module, said_no_hierarchy;
	struct seen_set seen;		/* of the last scan */
	struct seen_set now;		/* of this scan */
	int problems;			/* of the files, at a load */
	int records_wd;			/* the watch of FOLLOW_DIR */
	bool rescan_soon;		/* a group to watch was found */
} d = { .conf_path = MIRROR_CONF, .interval = DEFAULT_INTERVAL,
	.records_wd = -1 };

static volatile sig_atomic_t stop_sig, reload_sig;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_sig = 1;
	else
		stop_sig = sig;
}

/* One line: the system log with --daemon, else standard error (output). */
static void __attribute__((format(printf, 2, 3)))
say(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (d.daemon) {
		vsyslog(prio, fmt, ap);
	} else {
		FILE *out = prio <= LOG_WARNING ? stderr : stdout;

		if (out == stderr)
			fprintf(out, "%s: ", program_invocation_short_name);
		vfprintf(out, fmt, ap);
		fputc('\n', out);
		fflush(out);
	}
	va_end(ap);
}

static void file_problem(void *data, const char *path, unsigned int line,
			 const char *msg)
{
	if (line)
		say(LOG_ERR, "%s:%u: %s", path, line, msg);
	else
		say(LOG_ERR, "%s: %s", path, msg);
	d.problems++;
}

/*
 * Read what to follow.  At the start a problem is fatal (false); at a
 * reload the groups followed so far stay (said).
 */
static bool load(bool reload)
{
	struct conf_env env = { (unsigned long)sysconf(_SC_PAGESIZE), 0 };
	struct follow_list l;
	char (*dirs)[PATH_MAX];
	size_t i;

	d.problems = 0;
	if (follow_load(&l, d.sysroot, d.conf_path, FOLLOW_DIR, &env,
			file_problem, NULL) < 0) {
		say(LOG_ERR, "out of memory");
		follow_free(&l);
		return false;
	}
	if (d.problems) {
		if (reload)
			say(LOG_WARNING, "keeping the %zu groups followed so far",
			    d.list.n);
		follow_free(&l);
		return reload;
	}
	dirs = calloc(l.n + 1, sizeof(*dirs));
	if (!dirs) {
		say(LOG_ERR, "out of memory");
		follow_free(&l);
		return reload;
	}
	follow_free(&d.list);
	free(d.dirs);
	d.list = l;
	d.dirs = dirs;
	for (i = 0; i < l.n; i++) {
		char name[PATH_MAX + 16], lim[32] = "";

		follow_name(&l.e[i], name, sizeof(name));
		if (l.e[i].limit) {
			strcpy(lim, ", limit ");
			size_to_human(l.e[i].limit, lim + 8, sizeof(lim) - 8);
		}
		if (l.e[i].line)
			say(LOG_INFO, "following %s%s (%s:%u)", name, lim,
			    l.e[i].source, l.e[i].line);
		else
			say(LOG_INFO, "following %s%s (%s)", name, lim,
			    l.e[i].source);
	}
	if (!l.n)
		say(LOG_INFO, "no group to follow (%s, %s)", d.conf_path,
		    FOLLOW_DIR);
	return true;
}

/* ---- the processes -------------------------------------------------------- */

static bool seen_has(const struct seen_set *set, pid_t pid,
		     unsigned long long start)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->s[i].pid == pid && set->s[i].start == start)
			return true;
	return false;
}

static void seen_add(struct seen_set *set, pid_t pid, unsigned long long start)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		struct seen *s = realloc(set->s, cap * sizeof(*s));

		/* Out of memory: asked of the module again next time. */
		if (!s)
			return;
		set->s = s;
		set->cap = cap;
	}
	set->s[set->n].pid = pid;
	set->s[set->n++].start = start;
}

/* mirror.ko's context; NULL (said once) while it is not loaded. */
static struct mirror_ctx *module_ctx(void)
{
	struct mirror_ctx *ctx;
	int rc;

	if (d.ctx)
		return d.ctx;
	if (tool_open(&ctx, d.sysroot, NULL))
		return NULL;
	rc = mirror_load(ctx);
	if (rc < 0) {
		if (!d.said_no_module)
			say(LOG_WARNING, "%s: waiting for it",
			    mirror_get_last_error(ctx));
		d.said_no_module = true;
		mirror_unref(ctx);
		return NULL;
	}
	if (d.said_no_module)
		say(LOG_NOTICE, "mirrored memory is there (%s backend)",
		    mirror_get_backend_name(ctx));
	d.said_no_module = false;
	d.ctx = ctx;
	return ctx;
}

struct visit {
	const struct follow_entry *e;
};

static void entry_by(const struct follow_entry *e, char *buf, size_t len)
{
	char name[PATH_MAX + 16];

	follow_name(e, name, sizeof(name));
	if (e->line)
		snprintf(buf, len, "%s, %s:%u", name, e->source, e->line);
	else
		snprintf(buf, len, "%s, %s", name, e->source);
}

/* One process of the group of 'e': flag it unless it is already. */
static int visit_pid(pid_t pid, void *data)
{
	const struct follow_entry *e = ((struct visit *)data)->e;
	struct mirror_first_info in = { .size = sizeof(in) };
	char comm[64], safe[64], by[PATH_MAX * 2], lim[32] = "";
	unsigned long long start;
	struct mirror_ctx *ctx;
	int rc;

	/* Init is never flagged; nor is mirrord (it has no use for it). */
	if (pid == 1 || (!d.sysroot && pid == getpid()))
		return 0;
	start = proc_start_time(d.sysroot, pid);
	/* Named by an entry before: its limit holds. */
	if (seen_has(&d.now, pid, start))
		return 0;
	if (seen_has(&d.seen, pid, start)) {
		seen_add(&d.now, pid, start);
		return 0;
	}
	rc = proc_state_at(d.sysroot, pid, comm, sizeof(comm));
	if (rc == -ESRCH || rc == 'Z' || rc == 'K')
		return 0;
	text_safe(comm, safe, sizeof(safe));
	entry_by(e, by, sizeof(by));
	if (e->limit) {
		strcpy(lim, ", limit ");
		size_to_human(e->limit, lim + 8, sizeof(lim) - 8);
	}
	if (d.dry_run) {
		printf("flag %d (%s)%s: %s\n", (int)pid, safe, lim, by);
		seen_add(&d.now, pid, start);
		return 0;
	}
	ctx = module_ctx();
	if (!ctx)
		return 1;
	/*
	 * A record removed by 'mirrorctl clear' meanwhile: its group is not
	 * followed any more.
	 */
	if (!e->line && access(e->source, F_OK))
		return 1;
	rc = mirror_first_get(ctx, pid, &in);
	if (rc == -ESRCH)
		return 0;
	if (rc == 0 && in.mirror_first) {
		seen_add(&d.now, pid, start);
		return 0;
	}
	if (rc == 0)
		rc = mirror_first_set(ctx, pid, e->limit, 0, &in);
	if (rc == -ESRCH)
		return 0;
	if (rc == -ENODEV || rc == -EBADF || rc == -ENOTTY) {
		/* mirror.ko went away: wait for it again. */
		say(LOG_WARNING, "%s", mirror_get_last_error(ctx));
		mirror_unref(d.ctx);
		d.ctx = NULL;
		return 1;
	}
	if (rc < 0) {
		/* Said once: the process is not asked about again. */
		say(LOG_WARNING, "process %d (%s) of %s: %s", (int)pid, safe, by,
		    mirror_get_last_error(ctx));
	} else if (in.pages_moved != MIRROR_UNKNOWN) {
		say(LOG_INFO, "flagged %d (%s)%s: %s; %llu pages moved",
		    (int)pid, safe, lim, by, in.pages_moved);
	} else {
		say(LOG_INFO, "flagged %d (%s)%s: %s", (int)pid, safe, lim, by);
	}
	seen_add(&d.now, pid, start);
	return 0;
}

/* Where each entry's group is now ("" none). */
static void resolve(size_t i)
{
	const struct follow_entry *e = &d.list.e[i];
	char why[2 * PATH_MAX + 64], name[PATH_MAX + 16];
	char *dir = d.dirs[i];
	int rc;

	follow_name(e, name, sizeof(name));
	if (e->kind == CONF_UNIT) {
		rc = cg_unit_dir(d.root, e->target, dir, PATH_MAX, why, sizeof(why));
		if (rc <= 0)
			dir[0] = '\0';
		if (rc < 0)
			say(LOG_WARNING, "%s: %s", name, why);
	} else {
		rc = cg_group_dir(d.root, e->target, dir, PATH_MAX, why, sizeof(why));
		if (rc < 0)
			dir[0] = '\0';
		/* A group that is not there (yet) is no news. */
		if (rc < 0 && rc != -ENOENT)
			say(LOG_WARNING, "%s: %s", name, why);
	}
}

/* Every followed group once: what is in it and not flagged gets flagged. */
static void scan(void)
{
	struct seen_set tmp;
	size_t i;

	if (!*d.root && cg_hierarchy(d.sysroot, d.root, sizeof(d.root)) < 0) {
		d.root[0] = '\0';
		if (!d.said_no_hierarchy && d.list.n)
			say(LOG_WARNING, "no cgroup v2 hierarchy at /sys/fs/cgroup: waiting for it");
		d.said_no_hierarchy = true;
		return;
	}
	d.said_no_hierarchy = false;
	d.now.n = 0;
	for (i = 0; i < d.list.n; i++) {
		struct visit v = { &d.list.e[i] };
		char why[PATH_MAX + 64], prev[PATH_MAX];

		snprintf(prev, sizeof(prev), "%s", d.dirs[i]);
		resolve(i);
		if (strcmp(prev, d.dirs[i]))
			d.rescan_soon = true;	/* watch the new place */
		if (!*d.dirs[i])
			continue;
		if (cg_foreach_pid(d.dirs[i], visit_pid, &v, why, sizeof(why)) < 0)
			say(LOG_WARNING, "%s", why);
		if (!d.dry_run && !d.ctx)
			break;
	}
	/* Until mirror.ko is there, nothing counts as seen. */
	if (!d.dry_run && !d.ctx)
		d.now.n = 0;
	tmp = d.seen;
	d.seen = d.now;
	d.now = tmp;
}

/* ---- what wakes it up ------------------------------------------------------ */

static void watch(int fd, const char *path, uint32_t mask)
{
	/* Gone meanwhile: the rescan sees it. */
	inotify_add_watch(fd, path, mask);
}

/* The parent directory of 'dir' into buf ("" at the root). */
static void parent(const char *dir, char *buf, size_t len)
{
	const char *p = strrchr(dir, '/');
	size_t n = p ? (size_t)(p - dir) : 0;

	if (n >= len)
		n = len - 1;
	memmove(buf, dir, n);
	buf[n] = '\0';
}

/*
 * A new inotify instance watching what may change the groups: the
 * records, each group's cgroup.events (populated or not) and directory
 * (subgroups), the directory above it (a group made again: a restart),
 * for a group not there the nearest directory above its place.
 */
static int watches(void)
{
	char path[PATH_MAX * 2], rec[PATH_MAX];
	size_t i;
	int fd;

	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		say(LOG_WARNING, "inotify: %s: rescanning every %gs only",
		    strerror(errno), d.interval);
		return -1;
	}
	if (sysroot_path(rec, sizeof(rec), d.sysroot, FOLLOW_DIR) == 0)
		d.records_wd = inotify_add_watch(fd, rec, IN_CREATE | IN_DELETE |
				IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE);
	if (!*d.root)
		return fd;
	for (i = 0; i < d.list.n; i++) {
		const struct follow_entry *e = &d.list.e[i];

		if (*d.dirs[i]) {
			snprintf(path, sizeof(path), "%s/cgroup.events", d.dirs[i]);
			watch(fd, path, IN_MODIFY);
			watch(fd, d.dirs[i], IN_CREATE);
			parent(d.dirs[i], path, sizeof(path));
			watch(fd, path, IN_CREATE | IN_DELETE);
		} else if (e->kind == CONF_CGROUP) {
			/* The nearest directory there is above it. */
			snprintf(path, sizeof(path), "%s%s", d.root, e->target);
			do {
				parent(path, path, sizeof(path));
			} while (strlen(path) > strlen(d.root) &&
				 access(path, F_OK));
			watch(fd, path, IN_CREATE);
		} else {
			/* Where systemd puts the groups of system services. */
			snprintf(path, sizeof(path), "%s/system.slice", d.root);
			watch(fd, path, IN_CREATE);
			watch(fd, d.root, IN_CREATE);
		}
	}
	return fd;
}

/* Drain the events: whether one was about the records. */
static bool drain(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool records = false;
	ssize_t n;
	char *p;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->wd == d.records_wd)
				records = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	return records;
}

/* ---- main ------------------------------------------------------------------ */

static void __attribute__((noreturn)) usage(void)
{
	FILE *out = stdout;

	fprintf(out, "Usage:\n %s [options]\n",
		program_invocation_short_name);
	fputs("\nKeep every process of the followed cgroup v2 groups flagged\n"
	      "MIRROR_FIRST: the unit and cgroup entries of mirror.conf and the\n"
	      "groups of 'mirrorctl set --unit/--cgroup' (" FOLLOW_DIR "),\n"
	      "the processes that join them later included.\n", out);
	fputs("\nOptions:\n", out);
	fputs(" -f, --foreground         messages on standard output and error (the default)\n", out);
	fputs(" -d, --daemon             messages to the system log (for a service; it does\n"
	      "                          not fork)\n", out);
	fputs(" -c, --config <file>      the mirror.conf to read (default " MIRROR_CONF ")\n", out);
	fputs(" -i, --interval <secs>    rescan every followed group this often (default 1)\n", out);
	fputs("     --once               one scan, then exit\n", out);
	fputs(" -n, --dry-run            flag nothing, print what would be flagged (with --once)\n", out);
	fputs("     --sysroot <dir>      read proc/, sys/, run/ below <dir> (only with --dry-run)\n", out);
	fputs(" -h, --help               display this help\n", out);
	fputs(" -V, --version            display version\n", out);
	fputs("\nSIGHUP reads mirror.conf and the records again; SIGTERM and SIGINT stop it.\n"
	      "Exit status: 0 stopped by a signal or --once done, 1 failed, 2 bad command\n"
	      "line.  See mirrord(8).\n", out);
	exit(EXIT_SUCCESS);
}

enum { OPT_ONCE = 0x100, OPT_SYSROOT };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	sigset_t waiting;
	bool ready = false, config_given = false;
	int c, fd = -1, rc = EXIT_SUCCESS;

	close_stdout_atexit();
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fdc:i:nhV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			d.daemon = false;
			break;
		case 'd':
			d.daemon = true;
			break;
		case 'c':
			d.conf_path = optarg;
			config_given = true;
			break;
		case 'i':
			if (!parse_seconds(optarg, 0.01, 3600, &d.interval))
				usage_error("--interval: '%s' is not 0.01 to 3600 seconds",
					    optarg);
			break;
		case OPT_ONCE:
			d.once = true;
			break;
		case 'n':
			d.dry_run = true;
			break;
		case OPT_SYSROOT:
			if (!*optarg)
				usage_error("--sysroot: empty directory name");
			d.sysroot = optarg;
			break;
		case 'h':
			usage();
		case 'V':
			print_version();
		case ':':
			usage_error("missing the argument of option '%s'",
				    argv[optind - 1]);
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected '%s'", argv[optind]);
	if (d.dry_run && !d.once)
		usage_error("--dry-run only with --once");
	if (d.sysroot && !d.dry_run)
		usage_error("--sysroot only with --dry-run (mirrord acts on the running system)");
	if (d.daemon && d.dry_run)
		usage_error("--dry-run prints to standard output, not with --daemon");

	/*
	 * The signals are blocked but while waiting: one that comes during
	 * a scan ends the wait that follows.
	 */
	stop_signals(on_signal, &waiting);
	if (d.daemon)
		openlog("mirrord", LOG_PID, LOG_DAEMON);

	/* The default may be missing (no groups there); one given may not. */
	if (config_given && access(d.conf_path, F_OK)) {
		say(LOG_ERR, "%s: %s", d.conf_path, strerror(errno));
		return EXIT_FAILURE;
	}
	if (!load(false))
		return EXIT_FAILURE;
	if (!d.dry_run && !d.sysroot) {
		/* Where mirrorctl records: watched from the start. */
		mkdir("/run/mirror", 0755);
		mkdir(FOLLOW_DIR, 0755);
	}
	if (!d.once)
		say(LOG_INFO, "rescanning every %gs", d.interval);
	while (!stop_sig) {
		struct pollfd pfd;
		int r;

		if (reload_sig) {
			reload_sig = 0;
			say(LOG_INFO, "reloading %s and %s", d.conf_path, FOLLOW_DIR);
			load(true);
		}
		/* Watched before the scan: what changes during it wakes us. */
		if (fd >= 0)
			close(fd);
		fd = d.once ? -1 : watches();
		d.rescan_soon = false;
		scan();
		if (d.once)
			break;
		if (!ready) {
			r = sd_notify_ready();
			if (r < 0)
				say(LOG_WARNING, "cannot tell systemd it is ready: %s",
				    strerror(-r));
			ready = true;
		}
		if (d.rescan_soon)
			continue;
		pfd.fd = fd;
		pfd.events = POLLIN;
		{
			struct timespec ts = {
				.tv_sec = (time_t)d.interval,
				.tv_nsec = (long)((d.interval - (double)(time_t)d.interval) * 1e9),
			};

			r = ppoll(&pfd, fd >= 0 ? 1 : 0, &ts, &waiting);
		}
		if (r < 0 && errno != EINTR) {
			say(LOG_ERR, "poll: %s", strerror(errno));
			rc = EXIT_FAILURE;
			break;
		}
		if (r > 0 && drain(fd))
			reload_sig = 1;
	}
	if (fd >= 0)
		close(fd);
	if (stop_sig)
		say(LOG_INFO, "stopped by signal %d", (int)stop_sig);
	mirror_unref(d.ctx);
	follow_free(&d.list);
	free(d.dirs);
	free(d.seen.s);
	free(d.now.s);
	return rc;
}
