// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util.c - small helpers the command-line tools share.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "libmirror.h"
#include "field.h"
#include "range.h"
#include "util.h"

void size_to_human(unsigned long long bytes, char *buf, size_t len)
{
	static const char suffix[] = "BKMGTPE";
	unsigned long long whole = bytes, rem = 0;
	unsigned int exp = 0;
	unsigned int tenth;

	while (whole >= 1024 && exp < sizeof(suffix) - 2) {
		rem = whole % 1024;
		whole /= 1024;
		exp++;
	}
	if (exp == 0) {
		snprintf(buf, len, "%llu", bytes);
		return;
	}
	/* One decimal, rounded half up; 1023.96K is shown as 1024K. */
	tenth = (unsigned int)((rem * 10 + 512) / 1024);
	if (tenth == 10) {
		whole++;
		tenth = 0;
	}
	if (tenth)
		snprintf(buf, len, "%llu.%u%c", whole, tenth, suffix[exp]);
	else
		snprintf(buf, len, "%llu%c", whole, suffix[exp]);
}

void fmt_size(unsigned long long v, bool bytes, char *buf, size_t len)
{
	if (v == MIRROR_UNKNOWN)
		snprintf(buf, len, "-");
	else if (bytes)
		snprintf(buf, len, "%llu", v);
	else
		size_to_human(v, buf, len);
}

void fmt_count(unsigned long long v, char *buf, size_t len)
{
	if (v == MIRROR_UNKNOWN)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%llu", v);
}

bool parse_ulong(const char *s, unsigned long min, unsigned long max,
		 unsigned long *val)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*val = v;
	return true;
}

bool parse_u64(const char *s, unsigned long long min, unsigned long long max,
	       unsigned long long *val)
{
	u64 v;

	if (!s || mc_number_parse(s, strlen(s), false, &v) < 0 || v < min ||
	    v > max)
		return false;
	*val = v;
	return true;
}

bool parse_size(const char *s, unsigned long long *val)
{
	u64 v;

	if (!s || mc_number_parse(s, strlen(s), true, &v) < 0)
		return false;
	*val = v;
	return true;
}

bool parse_seconds(const char *s, double min, double max, double *val)
{
	double v;
	char *end;

	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return false;
	*val = v;
	return true;
}

void print_version(void)
{
	printf("%s from %s %s\n", program_invocation_short_name, PACKAGE_NAME,
	       PACKAGE_VERSION);
	exit(EXIT_SUCCESS);
}

void vwarnx_(const char *fmt, va_list args)
{
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, args);
	fputc('\n', stderr);
}

void warnx_(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vwarnx_(fmt, args);
	va_end(args);
}

void try_help(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n",
		program_invocation_short_name);
}

void usage_hint(void)
{
	try_help();
	exit(EXIT_USAGE);
}

double percent(unsigned long long part, unsigned long long whole)
{
	if (!whole)
		return -1;
	return (double)part * 100.0 / (double)whole;
}

int sysroot_path(char *buf, size_t len, const char *sysroot, const char *path)
{
	int n = snprintf(buf, len, "%s%s",
			 sysroot && strcmp(sysroot, "/") ? sysroot : "", path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int read_text(const char *sysroot, const char *path, char *buf, size_t len)
{
	char full[4096];
	ssize_t n;
	int fd, rc;

	rc = sysroot_path(full, sizeof(full), sysroot, path);
	if (rc < 0)
		return rc;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc < 0)
		return rc;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

int write_text(const char *sysroot, const char *path, const char *text)
{
	char full[4096];
	size_t len = strlen(text);
	ssize_t n;
	int fd, rc;

	rc = sysroot_path(full, sizeof(full), sysroot, path);
	if (rc < 0)
		return rc;
	/* O_TRUNC means nothing to sysfs and debugfs; captured trees need it. */
	fd = open(full, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	rc = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}

int memory_online(const char *root, unsigned long long start,
		  unsigned long long end, unsigned int *onlined, char *why,
		  size_t whylen)
{
	const char *dir = "/sys/devices/system/memory";
	char path[128], buf[64];
	unsigned long long bs, b;
	int rc;

	snprintf(path, sizeof(path), "%s/block_size_bytes", dir);
	rc = read_text(root, path, buf, sizeof(buf));
	if (rc < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	/* The kernel writes it in hex without a prefix. */
	bs = strtoull(buf, NULL, 16);
	if (!bs) {
		snprintf(why, whylen, "%s: '%s' is no block size", path, buf);
		return -EINVAL;
	}
	for (b = start / bs; b < (end + bs - 1) / bs; b++) {
		snprintf(path, sizeof(path), "%s/memory%llu/state", dir, b);
		rc = read_text(root, path, buf, sizeof(buf));
		if (rc == 0 && strcmp(buf, "online") == 0)
			continue;
		/*
		 * As movable memory: the kernel then keeps only pages it can
		 * migrate there, so a later load can claim the block again
		 * (plain "online" would let its own allocations in).
		 */
		if (rc == 0)
			rc = write_text(root, path, "online_movable");
		if (rc < 0) {
			snprintf(why, whylen, "memory%llu (0x%llx): cannot put it online: %s",
				 b, b * bs, strerror(-rc));
			return rc;
		}
		(*onlined)++;
	}
	return 0;
}

/* PF_KTHREAD in the flags field of /proc/PID/stat. */
#define PROC_PF_KTHREAD	0x00200000UL

/*
 * Whether /proc/PID/stat says it is a kernel thread.  A stat that cannot
 * be read means the process is gone meanwhile: not a kernel thread.
 */
static bool proc_is_kthread(const char *sysroot, pid_t pid)
{
	char rel[64], line[1024], *p;
	unsigned long flags = 0;

	snprintf(rel, sizeof(rel), "/proc/%d/stat", (int)pid);
	if (read_text(sysroot, rel, line, sizeof(line)) < 0)
		return false;
	p = strrchr(line, ')');
	/* After "(comm)": state ppid pgrp session tty_nr tpgid flags. */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return false;
	return flags & PROC_PF_KTHREAD;
}

int proc_state_at(const char *sysroot, pid_t pid, char *comm, size_t len)
{
	char rel[64], text[4096], st;
	const char *v;
	size_t n;

	snprintf(rel, sizeof(rel), "/proc/%d/status", (int)pid);
	snprintf(comm, len, "?");
	if (read_text(sysroot, rel, text, sizeof(text)) < 0 ||
	    mc_field_find(text, strlen(text), "State", &v, &n) < 0 || !n)
		return -ESRCH;
	st = *v;
	if (mc_field_find(text, strlen(text), "Name", &v, &n) == 0)
		snprintf(comm, len, "%.*s", (int)n, v);
	if (st == 'Z' || st == 'X')
		return 'Z';
	/* No VmSize: no memory of its own (a kernel thread, or exiting). */
	if (mc_field_find(text, strlen(text), "VmSize", &v, &n) < 0)
		return proc_is_kthread(sysroot, pid) ? 'K' : 'Z';
	return 0;
}

unsigned long long proc_start_time(const char *sysroot, pid_t pid)
{
	char rel[64], line[1024], *p;
	unsigned long long start = 0;

	snprintf(rel, sizeof(rel), "/proc/%d/stat", (int)pid);
	if (read_text(sysroot, rel, line, sizeof(line)) < 0)
		return 0;
	p = strrchr(line, ')');
	/* Field 22, the 20th after "(comm)". */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u"
			 " %*u %*u %*d %*d %*d %*d %*d %*d %llu", &start) != 1)
		return 0;
	return start;
}

int sd_notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t salen;
	size_t n;
	int fd, rc = 0;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return 0;
	n = strlen(path);
	if (n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, n);
	/* '@': an abstract socket, named after a NUL byte. */
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   salen) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

void stop_signals(void (*handler)(int), sigset_t *waiting)
{
	static const int stop[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = handler };
	sigset_t stops;
	size_t i;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&stops);
	for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		sigaddset(&stops, stop[i]);
	sigprocmask(SIG_BLOCK, &stops, waiting);
	for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
		sigdelset(waiting, stop[i]);
		sigaction(stop[i], &sa, NULL);
	}
}
