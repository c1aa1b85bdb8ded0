/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mproc - a process with anonymous memory whose physical placement the
 * MIRROR_FIRST tests check from outside mirror.ko.
 *
 * usage: mproc FIFO
 *
 * Reads one command per line from FIFO (reopened at each end of file) and
 * answers each with one line on stdout:
 *
 *   alloc MB       map MB MiB of anonymous memory and fill it with a
 *                  pattern unique to every word -> "alloc N ok"
 *   thp MB         the same with MADV_HUGEPAGE (transparent huge pages)
 *   check          verify every word of every region and look each page
 *                  up in /proc/self/pagemap (needs root for the frames):
 *                  -> "check pages=P resident=R mirror=M bad=B sigbus=S"
 *                  resident: pages present; mirror: of those, frames inside
 *                  a zone of /sys/kernel/mm/mirror/zones; bad: words that
 *                  differ from the pattern; sigbus: pages whose read raised
 *                  SIGBUS (their words count as bad)
 *   spawn FIFO2    fork; the child execs this program on FIFO2, its
 *                  answers going to FIFO2.out -> "spawn PID"
 *   pfn R P        the frame of page P of region R (0-based; from
 *                  /proc/self/pagemap, needs root) -> "pfn 0xPFN"
 *   hwpoison R P   madvise(MADV_HWPOISON) on page P of region R, the
 *                  kernel's own injector, then read the page
 *                  -> "hwpoison rc=RC errno=E sigbus=S code=C": S is 1
 *                  when the read raised SIGBUS, C its si_code (4 is
 *                  BUS_MCEERR_AR)
 *   hold PATH      map the first page of PATH shared and read its first
 *                  word -> "hold word=0xW pfn=0xPFN"
 *   peek           read that word again -> "peek word=0xW"
 *   release        unmap it again -> "release ok"
 *   free           unmap every region -> "free ok"
 *   touchlat N MS  map and first-touch N fresh one-page mappings, one
 *                  every MS/N ms, and time each page from its touch to
 *                  the first look (pagemap, about every millisecond
 *                  until 60 s after the last touch) that finds its frame
 *                  in a zone -> "touchlat n=N mirrored=M p50_ms=A
 *                  p99_ms=B max_ms=C poll_ms=D": M pages were seen
 *                  mirrored, A/B/C their latencies (nearest rank), D the
 *                  longest pass over the pages still waiting (the
 *                  figures' resolution); the mappings are unmapped
 *   hole           map one more anonymous page and leave it untouched
 *                  -> "hole addr=0xADDR" (for a write from outside, e.g.
 *                  through /proc/PID/mem)
 *   holeframe      where that page is now, without touching it
 *                  -> "holeframe pfn=0xPFN mirror=0|1" (pfn 0: absent)
 *   forkhold       fork a child that only waits to be killed, sharing
 *                  every page copy-on-write -> "forkhold PID"
 *   frameof PID ADDR  where page ADDR of process PID is, from outside
 *                  it (its pagemap) -> "frameof pfn=0xPFN mirror=0|1"
 *   pid            -> "pid PID"
 *   exit           -> "exit", then exit 0
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "zonemap.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON	100
#endif

#define MAX_REGIONS	64

struct region {
	uint64_t *base;
	size_t bytes;
	unsigned int id;
};

static struct region regions[MAX_REGIONS];
static unsigned int nr_regions;
static unsigned int next_id;

static void *held;		/* the page of 'hold' */
static void *hole;		/* the page of 'hole' */

/* A read that raised SIGBUS jumps back here, with its si_code kept. */
static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_code;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_code = si->si_code;
	siglongjmp(bus_jmp, 1);
}

static uint64_t pattern(unsigned int id, size_t word)
{
	return ((uint64_t)id << 48) ^ ((uint64_t)word * 0x9E3779B97F4A7C15ULL) ^
	       0x5a5a000000000000ULL;
}

static void fill(struct region *r)
{
	size_t i, n = r->bytes / sizeof(uint64_t);

	for (i = 0; i < n; i++)
		r->base[i] = pattern(r->id, i);
}

/*
 * Compare page 'p' of region 'rg' with its pattern: the words that differ,
 * or -1 when reading it raised SIGBUS (a poisoned page).
 */
static long check_page(const struct region *rg, size_t p, size_t psz)
{
	size_t w = psz / sizeof(uint64_t), i;
	long bad = 0;

	if (sigsetjmp(bus_jmp, 1))
		return -1;
	for (i = p * w; i < (p + 1) * w; i++)
		if (rg->base[i] != pattern(rg->id, i))
			bad++;
	return bad;
}

static int check(void)
{
	static struct zonemap zm;
	unsigned long long pages = 0, resident = 0, mirror = 0, bad = 0;
	unsigned long long sigbus = 0;
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	unsigned int r;

	if (fd < 0) {
		printf("check error pagemap: %s\n", strerror(errno));
		return -1;
	}
	zm_load(&zm);
	for (r = 0; r < nr_regions; r++) {
		struct region *rg = &regions[r];
		size_t np = rg->bytes / psz, p;
		uint64_t ent;

		for (p = 0; p < np; p++) {
			off_t off = (off_t)(((uintptr_t)rg->base / psz + p) * 8);
			long b = check_page(rg, p, psz);

			if (b < 0) {
				sigbus++;
				bad += psz / sizeof(uint64_t);
			} else {
				bad += (unsigned long long)b;
			}
			pages++;
			if (pread(fd, &ent, 8, off) != 8) {
				printf("check error pread: %s\n", strerror(errno));
				close(fd);
				return -1;
			}
			if (!(ent & PM_PRESENT))
				continue;
			resident++;
			if (zm_find(&zm, zm_pfn(ent)) >= 0)
				mirror++;
		}
	}
	close(fd);
	printf("check pages=%llu resident=%llu mirror=%llu bad=%llu sigbus=%llu\n",
	       pages, resident, mirror, bad, sigbus);
	return 0;
}

/* Page P of region R, or NULL (an error line printed) when there is none. */
static char *page_of(const char *cmd, unsigned int r, size_t p)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);

	if (r >= nr_regions || p >= regions[r].bytes / psz) {
		printf("%s error no page %zu in region %u\n", cmd, p, r);
		return NULL;
	}
	return (char *)regions[r].base + p * psz;
}

/*
 * The frame behind 'addr' in process 'pid' (0: this one), from its
 * pagemap: 0 when none, ~0 (errno set) when pagemap cannot say.
 */
static unsigned long long frame_of_pid(pid_t pid, unsigned long long addr)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t ent = 0;
	char path[64];
	ssize_t got = -1;
	int fd, err;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return ~0ULL;
	got = pread(fd, &ent, 8, (off_t)(addr / psz * 8));
	err = errno;
	close(fd);
	errno = err;
	return got == 8 ? zm_pfn(ent) : ~0ULL;
}

static unsigned long long frame_of(const void *addr)
{
	return frame_of_pid(0, (uintptr_t)addr);
}

/* "CMD pfn=0xPFN mirror=0|1" for a frame_of_pid() answer. */
static void print_frame(const char *cmd, unsigned long long pfn)
{
	static struct zonemap zm;

	if (pfn == ~0ULL) {
		printf("%s error pagemap: %s\n", cmd, strerror(errno));
		return;
	}
	zm_load(&zm);
	printf("%s pfn=0x%llx mirror=%d\n", cmd, pfn,
	       pfn && zm_find(&zm, pfn) >= 0);
}

static void cmd_pfn(unsigned int r, size_t p)
{
	char *addr = page_of("pfn", r, p);
	unsigned long long pfn;

	if (!addr)
		return;
	pfn = frame_of(addr);
	if (pfn == ~0ULL)
		printf("pfn error pagemap: %s\n", strerror(errno));
	else
		printf("pfn 0x%llx\n", pfn);
}

static void cmd_hwpoison(unsigned int r, size_t p)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	char *addr = page_of("hwpoison", r, p);
	volatile uint64_t sink;
	int rc, err, sig = 0;

	if (!addr)
		return;
	bus_code = 0;
	rc = madvise(addr, psz, MADV_HWPOISON);
	err = rc ? errno : 0;
	if (sigsetjmp(bus_jmp, 1))
		sig = 1;
	else
		sink = *(volatile uint64_t *)addr;
	(void)sink;
	printf("hwpoison rc=%d errno=%d sigbus=%d code=%d\n", rc, err, sig,
	       (int)bus_code);
}

static void cmd_hold(const char *path)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t word;
	int fd;

	if (held) {
		printf("hold error already holding\n");
		return;
	}
	fd = open(path, O_RDWR);
	if (fd < 0) {
		printf("hold error %s: %s\n", path, strerror(errno));
		return;
	}
	held = mmap(NULL, (size_t)psz, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	close(fd);
	if (held == MAP_FAILED) {
		held = NULL;
		printf("hold error mmap: %s\n", strerror(errno));
		return;
	}
	/* The read maps the page: before its frame is looked up. */
	word = *(volatile uint64_t *)held;
	printf("hold word=0x%llx pfn=0x%llx\n", (unsigned long long)word,
	       frame_of(held));
}

static void cmd_hole(void)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);

	if (hole)
		munmap(hole, psz);
	hole = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED) {
		hole = NULL;
		printf("hole error mmap: %s\n", strerror(errno));
		return;
	}
	printf("hole addr=%p\n", hole);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The nearest-rank percentile 'pct' of n sorted values (n > 0). */
static double percentile(const double *v, size_t n, unsigned int pct)
{
	size_t rank = (n * pct + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

struct touched {
	char *page;
	double at;		/* ms, the first touch */
	double lat;		/* ms from the touch to seen mirrored, <0: not yet */
};

/*
 * One look at every touched page not yet seen mirrored; the number still
 * waiting, or -1 when pagemap cannot be read.
 */
static long touchlat_poll(int pm, const struct zonemap *zm,
			  struct touched *t, size_t n, double *pass_ms)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE), i;
	double t0 = now_ms(), t1;
	long waiting = 0;

	for (i = 0; i < n; i++) {
		uint64_t ent;

		if (t[i].lat >= 0)
			continue;
		if (pread(pm, &ent, 8,
			  (off_t)((uintptr_t)t[i].page / psz * 8)) != 8)
			return -1;
		if (zm_find(zm, zm_pfn(ent)) >= 0)
			t[i].lat = now_ms() - t[i].at;
		else
			waiting++;
	}
	t1 = now_ms();
	if (t1 - t0 > *pass_ms)
		*pass_ms = t1 - t0;
	return waiting;
}

static void cmd_touchlat(size_t n, double spread_ms)
{
	static struct zonemap zm;
	size_t psz = (size_t)sysconf(_SC_PAGESIZE), i, done = 0, m = 0;
	struct touched *t = calloc(n, sizeof(*t));
	double *lat = calloc(n, sizeof(*lat));
	double start, pass_ms = 0, deadline;
	int pm = open("/proc/self/pagemap", O_RDONLY);
	long waiting = 0;

	if (!t || !lat || pm < 0 || !zm_load(&zm)) {
		printf("touchlat error setup: %s\n",
		       pm < 0 ? strerror(errno) : "no zones or no memory");
		goto out;
	}
	start = now_ms();
	for (i = 0; i < n; i++) {
		double due = start + spread_ms * (double)i / (double)n;

		/* Look at the pages already touched until this one is due. */
		for (;;) {
			waiting = touchlat_poll(pm, &zm, t, i, &pass_ms);
			if (waiting < 0 || now_ms() >= due)
				break;
			/* A look a millisecond: leave the CPUs to the sweeper. */
			usleep(1000);
		}
		if (waiting < 0)
			break;
		t[i].page = mmap(NULL, psz, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t[i].page == MAP_FAILED) {
			printf("touchlat error mmap: %s\n", strerror(errno));
			t[i].page = NULL;
			goto unmap;
		}
		t[i].lat = -1;
		t[i].at = now_ms();
		*(volatile char *)t[i].page = 1;
		done = i + 1;
	}
	deadline = now_ms() + 60000;
	while (waiting >= 0 && now_ms() < deadline) {
		waiting = touchlat_poll(pm, &zm, t, done, &pass_ms);
		if (!waiting)
			break;
		usleep(1000);
	}
	if (waiting < 0) {
		printf("touchlat error pagemap: %s\n", strerror(errno));
		goto unmap;
	}
	for (i = 0; i < done; i++)
		if (t[i].lat >= 0)
			lat[m++] = t[i].lat;
	qsort(lat, m, sizeof(*lat), cmp_double);
	printf("touchlat n=%zu mirrored=%zu p50_ms=%.1f p99_ms=%.1f max_ms=%.1f poll_ms=%.1f\n",
	       done, m, m ? percentile(lat, m, 50) : 0.0,
	       m ? percentile(lat, m, 99) : 0.0, m ? lat[m - 1] : 0.0,
	       pass_ms);
unmap:
	for (i = 0; i < n; i++)
		if (t[i].page)
			munmap(t[i].page, psz);
out:
	if (pm >= 0)
		close(pm);
	free(t);
	free(lat);
}

static void command(char *line, const char *self)
{
	char arg[512];
	unsigned long mb, p;
	unsigned int r;

	line[strcspn(line, "\n")] = '\0';
	if (sscanf(line, "alloc %lu", &mb) == 1 ||
	    sscanf(line, "thp %lu", &mb) == 1) {
		struct region *r;

		if (nr_regions == MAX_REGIONS || !mb) {
			printf("alloc error\n");
			return;
		}
		r = &regions[nr_regions];
		r->bytes = mb << 20;
		r->base = mmap(NULL, r->bytes, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r->base == MAP_FAILED) {
			printf("alloc error %s\n", strerror(errno));
			return;
		}
		if (line[0] == 't' &&
		    madvise(r->base, r->bytes, MADV_HUGEPAGE)) {
			printf("alloc error madvise: %s\n", strerror(errno));
			munmap(r->base, r->bytes);
			return;
		}
		r->id = ++next_id;
		fill(r);
		nr_regions++;
		printf("alloc %u ok\n", r->id);
	} else if (!strcmp(line, "check")) {
		check();
	} else if (sscanf(line, "spawn %511s", arg) == 1) {
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			char out[600];
			int fd;

			snprintf(out, sizeof(out), "%s.out", arg);
			fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(126);
			close(fd);
			execl(self, "mproc", arg, (char *)NULL);
			_exit(127);
		}
		printf("spawn %d\n", (int)pid);
	} else if (!strcmp(line, "free")) {
		while (nr_regions) {
			nr_regions--;
			munmap(regions[nr_regions].base,
			       regions[nr_regions].bytes);
		}
		printf("free ok\n");
	} else if (sscanf(line, "pfn %u %lu", &r, &p) == 2) {
		cmd_pfn(r, p);
	} else if (sscanf(line, "hwpoison %u %lu", &r, &p) == 2) {
		cmd_hwpoison(r, p);
	} else if (sscanf(line, "hold %511s", arg) == 1) {
		cmd_hold(arg);
	} else if (!strcmp(line, "peek") && held) {
		printf("peek word=0x%llx\n",
		       (unsigned long long)*(volatile uint64_t *)held);
	} else if (!strcmp(line, "release")) {
		if (held)
			munmap(held, (size_t)sysconf(_SC_PAGESIZE));
		held = NULL;
		printf("release ok\n");
	} else if (sscanf(line, "touchlat %lu %lu", &mb, &p) == 2 && mb) {
		cmd_touchlat(mb, (double)p);
	} else if (!strcmp(line, "hole")) {
		cmd_hole();
	} else if (!strcmp(line, "holeframe") && hole) {
		print_frame("holeframe", frame_of(hole));
	} else if (!strcmp(line, "forkhold")) {
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			for (;;)
				pause();
		}
		printf("forkhold %d\n", (int)pid);
	} else if (sscanf(line, "frameof %lu %511s", &p, arg) == 2) {
		print_frame("frameof",
			    frame_of_pid((pid_t)p, strtoull(arg, NULL, 0)));
	} else if (!strcmp(line, "pid")) {
		printf("pid %d\n", (int)getpid());
	} else if (!strcmp(line, "exit")) {
		printf("exit\n");
		fflush(stdout);
		exit(0);
	} else {
		printf("error unknown command '%s'\n", line);
	}
}

int main(int argc, char **argv)
{
	char self[4096], line[1024];
	ssize_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: mproc FIFO\n");
		return 2;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		perror("mproc: /proc/self/exe");
		return 1;
	}
	self[n] = '\0';
	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		struct sigaction sa = { .sa_sigaction = on_sigbus,
					.sa_flags = SA_SIGINFO };

		sigaction(SIGBUS, &sa, NULL);
	}
	for (;;) {
		FILE *in = fopen(argv[1], "r");

		if (!in) {
			fprintf(stderr, "mproc: %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
		while (fgets(line, sizeof(line), in)) {
			command(line, self);
			fflush(stdout);
		}
		fclose(in);
	}
}
