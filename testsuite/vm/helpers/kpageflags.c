/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpageflags - how many pages of a pfn range carry some of the kernel's
 * page flags, as /proc/kpageflags reports them (one u64 per pfn).
 *
 * usage: kpageflags START_PFN END_PFN
 * prints: "buddy=N lru=N slab=N reserved=N nopage=N"  (END_PFN exclusive)
 *
 * The test scripts use it to see from outside mirror.ko whether the kernel
 * still owns a range: free memory of the kernel shows buddy blocks (the
 * flag is on each free block's first page), memory claimed by mirror.ko
 * shows none, nor LRU or slab pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* include/uapi/linux/kernel-page-flags.h */
#define KPF_SLAB	7
#define KPF_LRU		5
#define KPF_BUDDY	10
#define KPF_NOPAGE	20
#define KPF_RESERVED	32

int main(int argc, char **argv)
{
	unsigned long long start, end, pfn;
	unsigned long long buddy = 0, lru = 0, slab = 0, reserved = 0;
	unsigned long long nopage = 0;
	uint64_t buf[512];
	char *e1, *e2;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: kpageflags START_PFN END_PFN\n");
		return 2;
	}
	errno = 0;
	start = strtoull(argv[1], &e1, 0);
	end = strtoull(argv[2], &e2, 0);
	if (errno || *e1 || *e2 || end < start) {
		fprintf(stderr, "kpageflags: bad pfn range '%s' '%s'\n",
			argv[1], argv[2]);
		return 2;
	}
	fd = open("/proc/kpageflags", O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "kpageflags: /proc/kpageflags: %s\n",
			strerror(errno));
		return 1;
	}
	for (pfn = start; pfn < end;) {
		size_t want = end - pfn > 512 ? 512 : end - pfn;
		ssize_t got = pread(fd, buf, want * 8, (off_t)(pfn * 8));
		size_t i;

		if (got <= 0 || got % 8) {
			fprintf(stderr, "kpageflags: read at pfn 0x%llx: %s\n",
				pfn, got < 0 ? strerror(errno) : "short read");
			return 1;
		}
		for (i = 0; i < (size_t)got / 8; i++) {
			buddy += buf[i] >> KPF_BUDDY & 1;
			lru += buf[i] >> KPF_LRU & 1;
			slab += buf[i] >> KPF_SLAB & 1;
			reserved += buf[i] >> KPF_RESERVED & 1;
			nopage += buf[i] >> KPF_NOPAGE & 1;
		}
		pfn += (size_t)got / 8;
	}
	close(fd);
	printf("buddy=%llu lru=%llu slab=%llu reserved=%llu nopage=%llu\n",
	       buddy, lru, slab, reserved, nopage);
	return 0;
}
