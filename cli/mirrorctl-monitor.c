// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mirrorctl monitor - mirror.ko's events as they happen, one line each (a
 * JSON object with -J), on standard output or, with --daemon, in the
 * system log: a zone exhausted or recovered, a failover, the module
 * loaded or unloaded.  It listens to the kernel's uevents (cli/uevent.c),
 * which go on arriving across an unload and a new load of the module.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "mirrorctl.h"
#include "output.h"
#include "tool.h"
#include "uevent.h"
#include "util.h"

#define MONITOR_SCHEMA	1

static volatile sig_atomic_t monitor_stop;

static void on_signal(int sig)
{
	monitor_stop = sig;
}

/* "2026-12-02T16:57:01.123+01:00": local time, milliseconds, its offset. */
static void iso_time(const struct timespec *ts, char *buf, size_t len)
{
	char date[32], zone[16];
	struct tm tm;

	localtime_r(&ts->tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	/* %z is "+0100": ISO 8601 wants "+01:00". */
	snprintf(buf, len, "%s.%03ld%.3s:%.2s", date, ts->tv_nsec / 1000000L,
		 zone, zone + 3);
}

/*
 * Physical addresses are root's (kernel-module/ABI.md): the page of a
 * failover is shown to root only.
 */
static bool show_pfn(const struct mirror_uevent *ev)
{
	return ev->have_pfn && geteuid() == 0;
}

static char *event_json(const struct mirror_uevent *ev, const char *when)
{
	json_t *o = json_object();
	char pfn[32], *text;

	json_object_set_new(o, "schema", json_integer(MONITOR_SCHEMA));
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "event", json_text(ev->event));
	if (ev->zone >= 0)
		json_object_set_new(o, "zone", json_integer(ev->zone));
	if (ev->node >= 0)
		json_object_set_new(o, "node", json_integer(ev->node));
	if (ev->pages_free >= 0)
		json_object_set_new(o, "pages_free", json_integer(ev->pages_free));
	if (show_pfn(ev)) {
		snprintf(pfn, sizeof(pfn), "0x%llx", ev->pfn);
		json_object_set_new(o, "pfn", json_string(pfn));
	}
	if (ev->latency_us >= 0)
		json_object_set_new(o, "latency_us", json_integer(ev->latency_us));
	if (ev->seqnum)
		json_object_set_new(o, "seqnum", json_uint(ev->seqnum));
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

static char *event_text(const struct mirror_uevent *ev, const char *when)
{
	char name[32], pfn[32] = "", *text = NULL;
	int n;

	text_safe(ev->event, name, sizeof(name));
	if (show_pfn(ev))
		snprintf(pfn, sizeof(pfn), " pfn 0x%llx", ev->pfn);
	if (!strcmp(ev->event, "failover"))
		n = asprintf(&text, "%s failover zone %d node %d%s: repaired from the mirror copy after %lld us",
			     when, ev->zone, ev->node, pfn, ev->latency_us);
	else if (ev->zone >= 0)
		n = asprintf(&text, "%s %s zone %d node %d (%lld pages free)",
			     when, name, ev->zone, ev->node, ev->pages_free);
	else
		n = asprintf(&text, "%s mirror.ko %s", when, name);
	return n < 0 ? NULL : text;
}

/* The line for 'ev' (JSON or text), allocated; NULL when out of memory. */
static char *event_line(const struct mirror_uevent *ev, bool json)
{
	char when[80];

	iso_time(&ev->received, when, sizeof(when));
	return json ? event_json(ev, when) : event_text(ev, when);
}

/* Exhaustion and failover want attention; the rest is news. */
static int event_priority(const struct mirror_uevent *ev)
{
	if (!strcmp(ev->event, "exhausted") || !strcmp(ev->event, "failover") ||
	    !strcmp(ev->event, "unloaded"))
		return LOG_WARNING;
	return LOG_NOTICE;
}

/*
 * Tell systemd (Type=notify) that the listener is up, when it asked:
 * events from then on are not missed.
 */
static void notify_ready(void)
{
	int rc = sd_notify_ready();

	if (rc < 0)
		warnx_("cannot tell systemd it is ready: %s", strerror(-rc));
}

static void say(bool daemon, int prio, const char *fmt, const char *arg)
{
	if (daemon)
		syslog(prio, fmt, arg);
	else
		warnx_(fmt, arg);
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "daemon", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	sigset_t waiting;
	struct uevent_listener *u;
	struct mirror_uevent ev;
	bool daemon = false;
	int c, rc = EXIT_SUCCESS;

	optind = 0;	/* 0: glibc starts afresh (main used "+") */
	while ((c = getopt_long(argc, argv, ":J", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			daemon = true;
			break;
		case 'J':
			json_out = true;
			break;
		default:
			bad_option(argv[0], c, argv);
		}
	}
	if (optind < argc)
		usage_error("monitor: unexpected '%s'", argv[optind]);
	if (sysroot_option)
		usage_error("monitor: --sysroot does not apply (it listens to the running kernel)");

	/*
	 * The stop signals are blocked but while waiting for an event: one
	 * that comes while a line is written ends the wait that follows.
	 */
	stop_signals(on_signal, &waiting);
	if (daemon)
		openlog("mirrorctl", LOG_PID, LOG_DAEMON);
	u = uevent_listen();
	if (!u) {
		say(daemon, LOG_ERR, "cannot listen to the kernel's uevents: %s",
		    strerror(errno));
		return EXIT_FAILURE;
	}
	uevent_wait_mask(u, &waiting);
	if (daemon)
		syslog(LOG_INFO, "listening to mirror.ko's events");
	notify_ready();
	while (!monitor_stop) {
		char *line;
		int r = uevent_next(u, &ev, -1);

		if (r == -EINTR)
			continue;
		if (r == -ENOBUFS) {
			say(daemon, LOG_WARNING, "%s",
			    "events were lost: they came faster than they were read");
			continue;
		}
		if (r < 0) {
			say(daemon, LOG_ERR, "receiving uevents: %s", strerror(-r));
			rc = EXIT_FAILURE;
			break;
		}
		line = event_line(&ev, json_out);
		if (!line) {
			say(daemon, LOG_ERR, "%s", "out of memory");
			rc = EXIT_FAILURE;
			break;
		}
		if (daemon) {
			syslog(event_priority(&ev), "%s", line);
		} else {
			puts(line);
			/* One event, one line, now: a pipe reader sees it at once. */
			if (!stdout_flush()) {
				free(line);
				rc = EXIT_FAILURE;
				break;
			}
		}
		free(line);
	}
	if (daemon && monitor_stop)
		syslog(LOG_INFO, "stopped by signal %d", (int)monitor_stop);
	uevent_close(u);
	return rc;
}
