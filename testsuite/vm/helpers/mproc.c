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
 *                  -> "check pages=P resident=R mirror=M bad=B"
 *                  resident: pages present; mirror: of those, frames inside
 *                  a zone of /sys/kernel/mm/mirror/zones; bad: words that
 *                  differ from the pattern
 *   spawn FIFO2    fork; the child execs this program on FIFO2, its
 *                  answers going to FIFO2.out -> "spawn PID"
 *   free           unmap every region -> "free ok"
 *   pid            -> "pid PID"
 *   exit           -> "exit", then exit 0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_REGIONS	64
#define MAX_ZONES	256
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)

struct region {
	uint64_t *base;
	size_t bytes;
	unsigned int id;
};

static struct region regions[MAX_REGIONS];
static unsigned int nr_regions;
static unsigned int next_id;

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

static unsigned long long read_num(const char *path)
{
	char buf[64];
	FILE *f = fopen(path, "r");

	if (!f)
		return ~0ULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return ~0ULL;
	}
	fclose(f);
	return strtoull(buf, NULL, 0);
}

/* Zone spans in pfns, from sysfs. */
static unsigned int zones(unsigned long long *start, unsigned long long *end)
{
	unsigned int z;
	char path[128];

	for (z = 0; z < MAX_ZONES; z++) {
		unsigned long long s, sz;

		snprintf(path, sizeof(path), "/sys/kernel/mm/mirror/zones/zone%u/start", z);
		s = read_num(path);
		snprintf(path, sizeof(path), "/sys/kernel/mm/mirror/zones/zone%u/size", z);
		sz = read_num(path);
		if (s == ~0ULL || sz == ~0ULL)
			break;
		start[z] = s / 4096;
		end[z] = (s + sz) / 4096;
	}
	return z;
}

static int check(void)
{
	static unsigned long long zs[MAX_ZONES], ze[MAX_ZONES];
	unsigned long long pages = 0, resident = 0, mirror = 0, bad = 0;
	unsigned int nz = zones(zs, ze), r, z;
	long psz = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0) {
		printf("check error pagemap: %s\n", strerror(errno));
		return -1;
	}
	for (r = 0; r < nr_regions; r++) {
		struct region *rg = &regions[r];
		size_t i, n = rg->bytes / sizeof(uint64_t);
		size_t np = rg->bytes / (size_t)psz, p;
		uint64_t ent;

		for (i = 0; i < n; i++)
			if (rg->base[i] != pattern(rg->id, i))
				bad++;
		for (p = 0; p < np; p++) {
			off_t off = (off_t)(((uintptr_t)rg->base / (uintptr_t)psz + p) * 8);
			unsigned long long pfn;

			pages++;
			if (pread(fd, &ent, 8, off) != 8) {
				printf("check error pread: %s\n", strerror(errno));
				close(fd);
				return -1;
			}
			if (!(ent & PM_PRESENT))
				continue;
			resident++;
			pfn = ent & PM_PFN_MASK;
			for (z = 0; z < nz; z++)
				if (pfn >= zs[z] && pfn < ze[z]) {
					mirror++;
					break;
				}
		}
	}
	close(fd);
	printf("check pages=%llu resident=%llu mirror=%llu bad=%llu\n", pages,
	       resident, mirror, bad);
	return 0;
}

static void command(char *line, const char *self)
{
	char arg[512];
	unsigned long mb;

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
