/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zonewatch - who holds zone pages, checked from outside mirror.ko: the
 * promise that no process but a MIRROR_FIRST one ever gets a zone page.
 *
 * usage: zonewatch watch SECONDS [INTERVAL_MS]
 *        zonewatch churn SECONDS
 *        zonewatch grow SECONDS
 *
 * watch  every INTERVAL_MS (default 100) reads /proc/PID/pagemap of every
 *        mapping of every process; a present frame inside a zone of a
 *        process that is not MIRROR_FIRST (MIRROR_IOC_GET, asked again
 *        after the read, so that a child flagged at fork meanwhile counts
 *        as flagged; a process already exiting is left out: see
 *        exiting()) is printed as "violation pid=P comm=C pfn=0xF".
 *        Ends with "watch scans=S procs=P flagged=F zone_pages=Z
 *        violations=V exiting=E" (flagged, zone_pages: flagged processes
 *        and the zone frames seen in them, summed over the scans;
 *        exiting: unflagged processes with zone frames left out because
 *        they were exiting).
 * churn  allocates and frees anonymous memory as fast as it can (4 MiB
 *        mapped, every page touched, unmapped); ends with "churn rounds=R".
 * grow   forks children, up to 4 at a time, that grow (4 steps of 4 MiB,
 *        50 ms apart), live 200 to 600 ms more and exit; ends with
 *        "grow children=N".  Run under 'mirrorctl run' they are flagged.
 * churn and grow lower their priority (nice 19 and 10) and watch runs
 * SCHED_FIFO, so that the watcher keeps its pace on a busy machine.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mirror_ioctl.h"
#include "zonemap.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 flagged, 0 not, -1 gone (or /dev/mirror cannot answer). */
static int flagged(int dev, pid_t pid)
{
	struct mirror_proc_req req;

	memset(&req, 0, sizeof(req));
	req.pid = pid;
	if (ioctl(dev, MIRROR_IOC_GET, &req))
		return -1;
	return req.mirror_first ? 1 : 0;
}

struct frames {
	const struct zonemap *zm;
	long found;
	unsigned long long first;
};

static void frame(uint64_t ent, void *arg)
{
	struct frames *f = arg;
	unsigned long long pfn = zm_pfn(ent);

	if (zm_find(f->zm, pfn) >= 0 && !f->found++)
		f->first = pfn;
}

/* Zone frames mapped by 'pid' (the first in *first); -1 when it is gone. */
static long zone_frames(const struct zonemap *zm, pid_t pid,
			unsigned long long *first)
{
	struct frames f = { .zm = zm };

	if (zm_walk_pid(pid, frame, &f) < 0)
		return -1;
	*first = f.first;
	return f.found;
}

/*
 * Whether 'pid' is exiting or gone: PF_EXITING in /proc/PID/stat's flags
 * (field 9), or a zombie.  mirror.ko drops a process's record when its
 * last thread exits, after the kernel let go of its memory; but a reader
 * of its pagemap (this one) keeps that memory mapped until the read ends,
 * so an exiting flagged process can show its own zone pages unflagged.
 */
static int exiting(pid_t pid)
{
	unsigned long flags = 0;
	char path[64], buf[1024], state = 'X';
	const char *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	/* After the command, which may hold anything: ") S ppid pgrp ..." */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state,
			 &flags) != 2)
		return 1;
	return state == 'Z' || state == 'X' || (flags & 0x4UL);
}

static void comm_of(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, (int)len, f))
		snprintf(buf, len, "?");
	else
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

static int watch(double seconds, unsigned int interval_ms)
{
	unsigned long long scans = 0, procs = 0, nflagged = 0, pages = 0;
	unsigned long long violations = 0, nexiting = 0;
	static struct zonemap zm;
	double end = now() + seconds;
	int dev = open("/dev/mirror", O_RDONLY);

	struct sched_param sp = { .sched_priority = 10 };

	if (dev < 0 || !zm_load(&zm)) {
		fprintf(stderr, "zonewatch: no mirror zones or no /dev/mirror\n");
		return 1;
	}
	/* Ahead of the load it watches, so that it keeps its pace. */
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		perror("zonewatch: SCHED_FIFO");
	while (now() < end) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		if (!d)
			return 1;
		while ((e = readdir(d)) != NULL) {
			pid_t pid = (pid_t)atoi(e->d_name);
			unsigned long long pfn = 0;
			char comm[64];
			long n;
			int f;

			if (pid <= 0 || pid == getpid())
				continue;
			n = zone_frames(&zm, pid, &pfn);
			if (n < 0)
				continue;
			procs++;
			if (!n)
				continue;
			f = flagged(dev, pid);
			if (f == 1) {
				nflagged++;
				pages += (unsigned long long)n;
				continue;
			}
			if (f < 0)
				continue;
			/*
			 * Asked after the read: still not flagged, and not
			 * a flagged process on its way out.
			 */
			if (flagged(dev, pid) != 0)
				continue;
			if (exiting(pid)) {
				nexiting++;
				continue;
			}
			comm_of(pid, comm, sizeof(comm));
			printf("violation pid=%d comm=%s pfn=0x%llx frames=%ld\n",
			       (int)pid, comm, pfn, n);
			violations++;
		}
		closedir(d);
		scans++;
		usleep(interval_ms * 1000);
	}
	printf("watch scans=%llu procs=%llu flagged=%llu zone_pages=%llu violations=%llu exiting=%llu\n",
	       scans, procs, nflagged, pages, violations, nexiting);
	return 0;
}

/* Map 'bytes', touch every page. */
static char *grab(size_t bytes)
{
	long psz = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	if (p == MAP_FAILED)
		return NULL;
	for (i = 0; i < bytes; i += (size_t)psz)
		p[i] = (char)i;
	return p;
}

static int churn(double seconds)
{
	unsigned long long rounds = 0;
	double end = now() + seconds;

	/* Lowest priority: the watcher must get its turns. */
	if (nice(19) == -1 && errno)
		perror("zonewatch: nice");
	while (now() < end) {
		char *p = grab(4 << 20);

		if (p)
			munmap(p, 4 << 20);
		rounds++;
	}
	printf("churn rounds=%llu\n", rounds);
	return 0;
}

static void grow_child(unsigned int seed)
{
	int i;

	for (i = 0; i < 4; i++) {
		grab(4 << 20);
		usleep(50000);
	}
	usleep(200000 + (seed % 400) * 1000);
	_exit(0);
}

static int grow(double seconds)
{
	unsigned long long children = 0;
	double end = now() + seconds;
	int running = 0;

	if (nice(10) == -1 && errno)
		perror("zonewatch: nice");
	while (now() < end) {
		pid_t pid;

		while (running >= 4) {
			if (wait(NULL) > 0)
				running--;
		}
		pid = fork();
		if (pid == 0)
			grow_child((unsigned int)children * 7919u);
		if (pid > 0) {
			running++;
			children++;
		}
		usleep(20000);
	}
	while (running > 0 && wait(NULL) > 0)
		running--;
	printf("grow children=%llu\n", children);
	return 0;
}

int main(int argc, char **argv)
{
	double seconds = argc > 2 ? atof(argv[2]) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "watch"))
		return watch(seconds, argc > 3 ? (unsigned int)atoi(argv[3]) : 100);
	if (argc == 3 && !strcmp(argv[1], "churn"))
		return churn(seconds);
	if (argc == 3 && !strcmp(argv[1], "grow"))
		return grow(seconds);
	fprintf(stderr, "usage: zonewatch watch|churn|grow SECONDS [INTERVAL_MS]\n");
	return 2;
}
