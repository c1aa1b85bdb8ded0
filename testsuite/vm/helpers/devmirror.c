/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devmirror - one raw request to /dev/mirror, its errno by name: what
 * mirror.ko itself answers, below libmirror's messages.
 *
 * usage:
 *   devmirror get|set|clear|migrate-in|migrate-out PID [LIMIT_BYTES]
 *       one ioctl (/dev/mirror opened read-only for get, read-write for
 *       the others; set with LIMIT_BYTES, default 0, and NOMOVE never)
 *       -> "ok tgid=T first=F inherited=I limit=L migrated=M elapsed_us=U"
 *       (U: the ioctl's own wall time, as migratepages times its call)
 *   devmirror mmap NODE
 *       map one page of NODE's zones -> "ok"
 *   devmirror pidns REQUEST...
 *       the same request from the first process of a new PID namespace
 *       (needs root); its own PID there is 1
 *   devmirror hold [nodump]
 *       touch 4 MiB of anonymous memory, with nodump stop being dumpable
 *       (PR_SET_DUMPABLE 0), print "ready", sleep until killed
 *
 * A refusal prints "err open|ioctl|mmap ERRNO" (ERRNO by name) and exits 1;
 * bad usage exits 2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mirror_ioctl.h"

static const char *errno_name(int err)
{
	static char buf[16];

	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	}
	snprintf(buf, sizeof(buf), "errno%d", err);
	return buf;
}

static int refused(const char *what)
{
	printf("err %s %s\n", what, errno_name(errno));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: devmirror get|set|clear|migrate-in|migrate-out PID [LIMIT_BYTES]\n"
			"       devmirror mmap NODE | pidns REQUEST... | hold [nodump]\n");
	return 2;
}

static int number(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return errno || !*s || *end ? -1 : 0;
}

static int request(int argc, char **argv)
{
	struct mirror_proc_req req;
	unsigned long cmd;
	long long pid, limit = 0;
	struct timespec t0, t1;
	int fd, rw = O_RDWR;

	if (argc < 2 || argc > 3 || number(argv[1], &pid) ||
	    (argc == 3 && number(argv[2], &limit)))
		return usage();
	memset(&req, 0, sizeof(req));
	req.pid = (int)pid;
	if (!strcmp(argv[0], "get")) {
		cmd = MIRROR_IOC_GET;
		rw = O_RDONLY;
	} else if (!strcmp(argv[0], "set")) {
		cmd = MIRROR_IOC_SET;
		req.limit_bytes = (unsigned long long)limit;
	} else if (!strcmp(argv[0], "clear")) {
		cmd = MIRROR_IOC_CLEAR;
	} else if (!strcmp(argv[0], "migrate-in")) {
		cmd = MIRROR_IOC_MIGRATE;
		req.flags = MIRROR_PROC_TO_MIRROR;
	} else if (!strcmp(argv[0], "migrate-out")) {
		cmd = MIRROR_IOC_MIGRATE;
		req.flags = MIRROR_PROC_TO_NORMAL;
	} else {
		return usage();
	}
	fd = open("/dev/" MIRROR_DEV_NAME, rw | O_CLOEXEC);
	if (fd < 0)
		return refused("open");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ioctl(fd, cmd, &req) < 0)
		return refused("ioctl");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	printf("ok tgid=%u first=%u inherited=%u limit=%llu migrated=%llu elapsed_us=%lld\n",
	       req.tgid, req.mirror_first, req.inherited,
	       (unsigned long long)req.limit,
	       (unsigned long long)req.pages_migrated,
	       (long long)(t1.tv_sec - t0.tv_sec) * 1000000 +
	       (t1.tv_nsec - t0.tv_nsec) / 1000);
	return 0;
}

static int map_one(int argc, char **argv)
{
	long long node;
	void *p;
	int fd;

	if (argc != 2 || number(argv[1], &node) || node < 0)
		return usage();
	fd = open("/dev/" MIRROR_DEV_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return refused("open");
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)node * 4096);
	if (p == MAP_FAILED)
		return refused("mmap");
	munmap(p, 4096);
	close(fd);
	printf("ok\n");
	return 0;
}

static int hold(int argc, char **argv)
{
	size_t bytes = 4U << 20;
	char *mem;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "nodump")))
		return usage();
	if (argc == 2 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		perror("devmirror: PR_SET_DUMPABLE");
		return 1;
	}
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("devmirror: mmap");
		return 1;
	}
	memset(mem, 0x5a, bytes);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int dispatch(int argc, char **argv);

/* The request from PID 1 of a new PID namespace. */
static int in_pidns(int argc, char **argv)
{
	pid_t child;
	int status;

	if (argc < 2)
		return usage();
	if (unshare(CLONE_NEWPID)) {
		perror("devmirror: unshare(CLONE_NEWPID)");
		return 1;
	}
	fflush(stdout);
	child = fork();
	if (child < 0) {
		perror("devmirror: fork");
		return 1;
	}
	if (!child)
		exit(dispatch(argc - 1, argv + 1));
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

static int dispatch(int argc, char **argv)
{
	if (!strcmp(argv[0], "mmap"))
		return map_one(argc, argv);
	if (!strcmp(argv[0], "hold"))
		return hold(argc, argv);
	if (!strcmp(argv[0], "pidns"))
		return in_pidns(argc, argv);
	return request(argc, argv);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	return dispatch(argc - 1, argv + 1);
}
