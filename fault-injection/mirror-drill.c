// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mirror-drill - failure drills for partially mirrored memory.
 *
 * Each scenario is a sequence of steps with checks and a verdict: corrupt
 * the primary copy of mirrored data and see the mirror take over
 * (failover), corrupt ordinary memory and see the data go (control), check
 * the fill pattern of new pages (fill), or inject through ACPI EINJ on
 * real mirrored hardware (hardware).  The exit status is 0 only when every
 * check passed.
 *
 * Safety: outside emulation mode nothing is injected without --confirm;
 * what was poisoned is unpoisoned, changed settings are put back, and
 * Ctrl-C runs the same clean-up; a lock keeps two drills apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "drill.h"
#include "libmirror.h"
#include "output.h"
#include "util.h"

#define DRILL_LOCK_DEFAULT	"/run/mirror-drill.lock"

volatile sig_atomic_t drill_interrupted;
struct drill_cleanup drill_cleanup = { .saved_interval = -1 };

double drill_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool drill_sleep(double s)
{
	double end = drill_now() + s;

	while (!drill_interrupted) {
		double left = end - drill_now();

		if (left <= 0)
			return true;
		usleep((useconds_t)(fmin(left, 0.05) * 1e6) + 1);
	}
	return false;
}

int drill_zone_of(struct mirror_ctx *ctx, unsigned long long paddr)
{
	struct mirror_zone *zone;

	mirror_zone_foreach(ctx, zone)
		if (paddr >= mirror_zone_get_start(zone) &&
		    paddr < mirror_zone_get_end(zone))
			return (int)mirror_zone_get_id(zone);
	return -1;
}

/* ---- clean-up ------------------------------------------------------------ */

static void unpoison_all(void)
{
	size_t i, done = 0;
	char buf[32];

	for (i = 0; i < drill_cleanup.nr_poisoned; i++) {
		snprintf(buf, sizeof(buf), "0x%llx\n",
			 (unsigned long long)drill_cleanup.poisoned[i]);
		if (write_text(NULL, "/sys/kernel/debug/hwpoison/unpoison-pfn",
			       buf) == 0)
			done++;
	}
	if (done != drill_cleanup.nr_poisoned)
		warnx_("clean-up: %zu of %zu poisoned pages could not be unpoisoned (see dmesg)",
		       drill_cleanup.nr_poisoned - done,
		       drill_cleanup.nr_poisoned);
	free(drill_cleanup.poisoned);
	drill_cleanup.poisoned = NULL;
	drill_cleanup.nr_poisoned = 0;
}

void drill_cleanup_run(void)
{
	struct drill_cleanup *c = &drill_cleanup;

	if (c->victim) {
		victim_stop(c->victim);
		c->victim = NULL;
	}
	/* After the victim is gone: a page still mapped cannot be unpoisoned. */
	if (c->nr_poisoned)
		unpoison_all();
	if (c->ctx && c->saved_interval >= 0) {
		if (mirror_channel_set_interval(c->ctx,
						(unsigned int)c->saved_interval))
			warnx_("clean-up: could not restore the patrol interval (%lld ms)",
			       c->saved_interval);
		c->saved_interval = -1;
	}
	if (c->ctx && c->saved_table) {
		if (mirror_energy_load(c->ctx, c->saved_table,
				       strlen(c->saved_table)))
			warnx_("clean-up: could not restore the energy table: %s",
			       mirror_get_last_error(c->ctx));
		free(c->saved_table);
		c->saved_table = NULL;
	}
	if (c->ctx && c->flagged_pid > 0) {
		mirror_first_clear(c->ctx, c->flagged_pid, 0, NULL);
		c->flagged_pid = 0;
	}
}

static void on_signal(int sig)
{
	drill_interrupted = 1;
}

static void setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A victim that died must show as an answer missing, not kill us. */
	signal(SIGPIPE, SIG_IGN);
}

/*
 * One drill at a time: two would count each other's failovers.  The lock
 * dies with the process, so a killed drill never leaves it behind.
 */
static int take_lock(void)
{
	const char *path = getenv("MIRROR_DRILL_LOCK");
	char buf[32];
	int fd;

	if (!path || !*path)
		path = DRILL_LOCK_DEFAULT;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -DRILL_EXIT_CANNOT;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		long holder;

		buf[n > 0 ? n : 0] = '\0';
		holder = strtol(buf, NULL, 10);
		/* The file keeps the last holder's pid: name it only if alive. */
		if (holder > 0 && kill((pid_t)holder, 0) == 0)
			warnx_("another drill is running (pid %ld, lock %s)",
			       holder, path);
		else
			warnx_("another drill is running (lock %s)", path);
		close(fd);
		return -DRILL_EXIT_BUSY;
	}
	if (ftruncate(fd, 0) == 0) {
		int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

		if (pwrite(fd, buf, (size_t)n, 0) != n)
			warnx_("%s: could not record our pid", path);
	}
	return fd;
}

/* ---- command line -------------------------------------------------------- */

static void usage(void)
{
	fputs("Usage:\n"
	      " mirror-drill [options] <scenario>\n"
	      "\n"
	      "Failure drills for partially mirrored memory: corrupt data and check\n"
	      "that the mirror takes over.\n"
	      "\n"
	      "Scenarios:\n"
	      " failover   corrupt the primary copy of mirrored data; the mirror repairs it\n"
	      " control    corrupt ordinary memory with the kernel's hwpoison; data is lost\n"
	      " fill       check every byte of new zone pages against their fill pattern\n"
	      " hardware   inject through ACPI EINJ on real mirrored hardware\n"
	      " all        failover, control and fill, and the contrast of the first two\n"
	      "\n"
	      "Options:\n"
	      "     --pages <n>        pages to corrupt, or per node to check (default 8)\n"
	      "     --size <size>      the victim's data (default 4M)\n"
	      " -p, --pid <pid>        failover: corrupt an existing process's data\n"
	      " -m, --mask <bits>      bits to flip in each word (default: one at random)\n"
	      "     --repair <how>     failover: kernel (default: report each error through\n"
	      "                        the kernel's memory-failure path), scrub, or patrol\n"
	      "     --method <how>     control: madvise (default) or corrupt-pfn\n"
	      "     --rounds <n>       rounds of injections (default 1)\n"
	      " -d, --duration <secs>  repeat rounds for this long (a soak)\n"
	      "     --timeout <secs>   wait this long for each outcome (default 10)\n"
	      "     --addr <phys>      hardware: the physical address to inject at\n"
	      "     --confirm          inject although the machine is not an emulation\n"
	      " -J, --json             JSON report (schema 1)\n"
	      "     --tap              TAP report\n"
	      "     --prometheus       Prometheus text: verdict, time, figures\n"
	      "     --sysroot <dir>    read sys/ and proc/ below dir (tests)\n"
	      " -h, --help             display this help\n"
	      " -V, --version          display version\n"
	      "\n"
	      "Exit status: 0 every check passed, 1 a check failed, 2 bad usage or a\n"
	      "refusal, 3 this machine cannot run the drill, 4 another drill is running,\n"
	      "130 interrupted.\n"
	      "\n"
	      "See mirror-drill(8).\n", stdout);
}

unsigned long drill_page_size(void)
{
	static unsigned long ps;

	if (!ps)
		ps = (unsigned long)sysconf(_SC_PAGESIZE);
	return ps;
}

/*
 * Long options are the spelling; the short letters kept are those the
 * sibling tools give the same meaning (-p, -J) or do not use (-m, -d):
 * -n, -s, -r and -t are -n/--noheadings, -s/--summary, -r/--raw and
 * -t/--top there.
 */
enum {
	OPT_PAGES = 256,
	OPT_SIZE,
	OPT_ROUNDS,
	OPT_TIMEOUT,
	OPT_REPAIR,
	OPT_METHOD,
	OPT_ADDR,
	OPT_CONFIRM,
	OPT_TAP,
	OPT_PROMETHEUS,
	OPT_SYSROOT,
};

static int parse_args(int argc, char **argv, struct drill_opts *o,
		      const char **scenario)
{
	static const struct option longopts[] = {
		{ "pages",	required_argument,	NULL, OPT_PAGES },
		{ "size",	required_argument,	NULL, OPT_SIZE },
		{ "pid",	required_argument,	NULL, 'p' },
		{ "mask",	required_argument,	NULL, 'm' },
		{ "repair",	required_argument,	NULL, OPT_REPAIR },
		{ "method",	required_argument,	NULL, OPT_METHOD },
		{ "rounds",	required_argument,	NULL, OPT_ROUNDS },
		{ "duration",	required_argument,	NULL, 'd' },
		{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
		{ "addr",	required_argument,	NULL, OPT_ADDR },
		{ "confirm",	no_argument,		NULL, OPT_CONFIRM },
		{ "json",	no_argument,		NULL, 'J' },
		{ "tap",	no_argument,		NULL, OPT_TAP },
		{ "prometheus",	no_argument,		NULL, OPT_PROMETHEUS },
		{ "sysroot",	required_argument,	NULL, OPT_SYSROOT },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:m:d:JhV", longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_PAGES:
			if (!parse_u64(optarg, 1, 65536, &v)) {
				warnx_("--pages: '%s' is not a number of pages from 1 to 65536", optarg);
				return DRILL_EXIT_USAGE;
			}
			o->pages = (unsigned long)v;
			o->pages_set = true;
			break;
		case OPT_SIZE:
			if (!parse_size(optarg, &o->size) ||
			    o->size < DRILL_PAGE_SIZE ||
			    o->size > (1ULL << 30) ||
			    o->size % DRILL_PAGE_SIZE) {
				warnx_("--size: '%s' is not a whole number of %luK pages up to 1G",
				       optarg, DRILL_PAGE_SIZE >> 10);
				return DRILL_EXIT_USAGE;
			}
			break;
		case 'p':
			if (!parse_u64(optarg, 1, 0x7fffffff, &v)) {
				warnx_("--pid: '%s' is not a process id", optarg);
				return DRILL_EXIT_USAGE;
			}
			o->pid = (pid_t)v;
			break;
		case 'm':
			if (!parse_u64(optarg, 1, ~0ULL, &o->mask)) {
				warnx_("--mask: '%s' is not a non-zero 64-bit number", optarg);
				return DRILL_EXIT_USAGE;
			}
			break;
		case OPT_REPAIR:
			if (!strcmp(optarg, "scrub"))
				o->repair = DRILL_REPAIR_SCRUB;
			else if (!strcmp(optarg, "kernel"))
				o->repair = DRILL_REPAIR_KERNEL;
			else if (!strcmp(optarg, "patrol"))
				o->repair = DRILL_REPAIR_PATROL;
			else {
				warnx_("--repair: '%s' is not kernel, scrub or patrol", optarg);
				return DRILL_EXIT_USAGE;
			}
			break;
		case OPT_METHOD:
			if (!strcmp(optarg, "madvise"))
				o->method = DRILL_METHOD_MADVISE;
			else if (!strcmp(optarg, "corrupt-pfn"))
				o->method = DRILL_METHOD_CORRUPT_PFN;
			else {
				warnx_("--method: '%s' is not madvise or corrupt-pfn", optarg);
				return DRILL_EXIT_USAGE;
			}
			break;
		case OPT_ROUNDS:
			if (!parse_u64(optarg, 1, 1000000, &v)) {
				warnx_("--rounds: '%s' is not a number from 1 to 1000000", optarg);
				return DRILL_EXIT_USAGE;
			}
			o->rounds = (unsigned long)v;
			break;
		case 'd':
			if (!parse_seconds(optarg, 0.001, 86400, &o->duration)) {
				warnx_("--duration: '%s' is not a number of seconds above 0, at most 86400", optarg);
				return DRILL_EXIT_USAGE;
			}
			break;
		case OPT_TIMEOUT:
			if (!parse_seconds(optarg, 0.001, 3600, &o->timeout)) {
				warnx_("--timeout: '%s' is not a number of seconds above 0, at most 3600", optarg);
				return DRILL_EXIT_USAGE;
			}
			break;
		case OPT_ADDR:
			if (!parse_u64(optarg, 0, ~0ULL, &o->addr)) {
				warnx_("--addr: '%s' is not a physical address", optarg);
				return DRILL_EXIT_USAGE;
			}
			o->have_addr = true;
			break;
		case OPT_CONFIRM:
			o->confirm = true;
			break;
		case 'J':
			o->format = DRILL_FORMAT_JSON;
			break;
		case OPT_TAP:
			o->format = DRILL_FORMAT_TAP;
			break;
		case OPT_PROMETHEUS:
			o->format = DRILL_FORMAT_PROMETHEUS;
			break;
		case OPT_SYSROOT:
			o->sysroot = optarg;
			break;
		case 'h':
			usage();
			exit(DRILL_EXIT_PASS);
		case 'V':
			print_version();
		case ':':
			warnx_("option '%s' needs an argument", argv[optind - 1]);
			try_help();
			return DRILL_EXIT_USAGE;
		default:
			warnx_("unknown option '%s'", argv[optind - 1]);
			try_help();
			return DRILL_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		warnx_("no scenario given: failover, control, fill, hardware or all");
		try_help();
		return DRILL_EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		warnx_("one scenario at a time: '%s' is extra", argv[optind + 1]);
		return DRILL_EXIT_USAGE;
	}
	*scenario = argv[optind];
	return 0;
}

/* ---- scenarios ----------------------------------------------------------- */

typedef int (*drill_fn)(struct mirror_ctx *, const struct drill_opts *,
			struct drill_report *);

static const struct {
	const char *name;
	drill_fn fn;
} scenarios[] = {
	{ "failover", drill_failover },
	{ "control", drill_control },
	{ "fill", drill_fill },
	{ "hardware", drill_hardware },
};

#define NR_SCENARIOS	(sizeof(scenarios) / sizeof(scenarios[0]))

/* Pages corrupted and pages lost, from a failover or control report. */
static json_t *contrast_of(const struct drill_report *r)
{
	json_t *c = json_object_get(r->metrics, "pages_corrupted");
	json_t *l = json_object_get(r->metrics, "pages_lost");

	if (!c || !l)
		return NULL;
	return json_pack("{s:O, s:O}", "corrupted", c, "lost", l);
}

static int run_all(struct mirror_ctx *ctx, const struct drill_opts *o,
		   struct drill_report *reports, size_t *n, json_t **contrast)
{
	static const char *const order[] = { "failover", "control", "fill" };
	int worst = DRILL_EXIT_PASS;
	size_t i, j;

	*contrast = json_object();
	for (i = 0; i < 3 && !drill_interrupted; i++) {
		for (j = 0; strcmp(scenarios[j].name, order[i]); j++)
			;
		report_init(&reports[*n], order[i]);
		int rc = scenarios[j].fn(ctx, o, &reports[*n]);
		json_t *c = contrast_of(&reports[*n]);

		drill_cleanup_run();
		if (c)
			json_object_set_new(*contrast,
					    i == 0 ? "mirrored" : "ordinary", c);
		(*n)++;
		if (rc > worst)
			worst = rc;
		/* A machine that cannot run one part cannot run the rest. */
		if (rc == DRILL_EXIT_CANNOT || rc == DRILL_EXIT_USAGE)
			break;
	}
	return worst;
}

int main(int argc, char **argv)
{
	struct drill_opts o = {
		.pages = 8,
		.size = 4ULL << 20,
		.rounds = 1,
		.timeout = 10,
		.repair = DRILL_REPAIR_KERNEL,
		.method = DRILL_METHOD_MADVISE,
	};
	struct drill_report reports[NR_SCENARIOS];
	const char *scenario = NULL;
	struct mirror_ctx *ctx = NULL;
	json_t *contrast = NULL;
	size_t i, nr = 0;
	int rc, lock;

	close_stdout_atexit();
	rc = parse_args(argc, argv, &o, &scenario);
	if (rc)
		return rc;
	for (i = 0; i < NR_SCENARIOS; i++)
		if (!strcmp(scenario, scenarios[i].name))
			break;
	if (i == NR_SCENARIOS && strcmp(scenario, "all")) {
		warnx_("unknown scenario '%s': failover, control, fill, hardware or all", scenario);
		return DRILL_EXIT_USAGE;
	}
	if (o.pages * DRILL_PAGE_SIZE > o.size && strcmp(scenario, "fill") &&
	    strcmp(scenario, "hardware")) {
		warnx_("--pages %lu: more pages than the victim's %llu K of data",
		       o.pages, o.size >> 10);
		return DRILL_EXIT_USAGE;
	}

	setup_signals();
	lock = take_lock();
	if (lock < 0)
		return -lock;

	rc = mirror_new(&ctx);
	/* Errors reach people through our own one-line messages. */
	if (rc == 0)
		mirror_set_log_priority(ctx, 0);
	if (rc == 0 && o.sysroot)
		rc = mirror_set_sysroot(ctx, o.sysroot);
	if (rc == 0)
		rc = mirror_load(ctx);
	if (rc < 0) {
		warnx_("%s", ctx && *mirror_get_last_error(ctx) ?
		       mirror_get_last_error(ctx) :
		       "no mirrored memory found on this machine");
		mirror_unref(ctx);
		return DRILL_EXIT_CANNOT;
	}
	drill_cleanup.ctx = ctx;

	if (i < NR_SCENARIOS) {
		report_init(&reports[0], scenarios[i].name);
		nr = 1;
		rc = scenarios[i].fn(ctx, &o, &reports[0]);
	} else {
		rc = run_all(ctx, &o, reports, &nr, &contrast);
	}
	drill_cleanup_run();

	if (drill_interrupted) {
		warnx_("interrupted: cleaned up, no verdict");
		rc = DRILL_EXIT_INTERRUPTED;
	} else if (rc == DRILL_EXIT_PASS || rc == DRILL_EXIT_FAIL) {
		report_print(reports, nr, o.format, contrast);
		rc = DRILL_EXIT_PASS;
		for (i = 0; i < nr; i++)
			if (!report_passed(&reports[i]))
				rc = DRILL_EXIT_FAIL;
	}
	for (i = 0; i < nr; i++)
		report_free(&reports[i]);
	json_decref(contrast);
	mirror_unref(ctx);
	close(lock);
	return rc;
}
