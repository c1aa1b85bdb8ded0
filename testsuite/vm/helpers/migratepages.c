/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migratepages - move a process's pages from one NUMA node to another with
 * migrate_pages(2), as numactl's migratepages does, and time it.
 *
 * usage: migratepages PID FROM_NODE TO_NODE
 * prints: "not_moved=N elapsed_us=U"
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long from = 0, to = 0;
	struct timespec t0, t1;
	long pid, a, b, ret;

	if (argc != 4) {
		fprintf(stderr, "usage: migratepages PID FROM_NODE TO_NODE\n");
		return 2;
	}
	pid = atol(argv[1]);
	a = atol(argv[2]);
	b = atol(argv[3]);
	if (pid <= 0 || a < 0 || b < 0 || a >= 64 || b >= 64) {
		fprintf(stderr, "migratepages: bad arguments\n");
		return 2;
	}
	from = 1UL << a;
	to = 1UL << b;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = syscall(SYS_migrate_pages, pid, 64UL, &from, &to);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ret < 0) {
		fprintf(stderr, "migratepages: %s\n", strerror(errno));
		return 1;
	}
	printf("not_moved=%ld elapsed_us=%ld\n", ret,
	       (t1.tv_sec - t0.tv_sec) * 1000000L +
	       (t1.tv_nsec - t0.tv_nsec) / 1000L);
	return 0;
}
