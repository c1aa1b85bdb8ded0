// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procmem.c - what the drill reads of processes and of the kernel's text
 * files: page frame numbers from /proc/PID/pagemap, anonymous mappings
 * from /proc/PID/maps, memory through /proc/PID/mem, /proc/meminfo,
 * one-line files below the sysroot, and the kernel's hwpoison injector.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>

#include "drill.h"

/* pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst). */
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)

int drill_path(char *buf, size_t len, const char *sysroot, const char *path)
{
	int n = snprintf(buf, len, "%s%s",
			 sysroot && strcmp(sysroot, "/") ? sysroot : "", path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int proc_pfns(const char *sysroot, pid_t pid, unsigned long long vaddr,
	      size_t n, uint64_t *pfns)
{
	char rel[64], path[4096];
	bool present = false, hidden = true;
	ssize_t got;
	size_t i;
	int fd, rc;

	snprintf(rel, sizeof(rel), "/proc/%d/pagemap", (int)pid);
	rc = drill_path(path, sizeof(path), sysroot, rel);
	if (rc < 0)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	got = pread(fd, pfns, n * sizeof(*pfns),
		    (off_t)(vaddr / DRILL_PAGE_SIZE * sizeof(*pfns)));
	rc = got < 0 ? -errno : 0;
	close(fd);
	if (rc < 0)
		return rc;
	if ((size_t)got != n * sizeof(*pfns))
		return -EIO;
	for (i = 0; i < n; i++) {
		if (pfns[i] & PM_PRESENT) {
			present = true;
			if (pfns[i] & PM_PFN_MASK)
				hidden = false;
			pfns[i] &= PM_PFN_MASK;
		} else {
			pfns[i] = 0;
		}
	}
	/* Present pages with frame 0 everywhere: the kernel hid them. */
	return present && hidden ? -EPERM : 0;
}

int proc_anon_maps(const char *sysroot, pid_t pid,
		   int (*fn)(unsigned long long start, unsigned long long end,
			     void *arg), void *arg)
{
	char rel[64], path[4096], line[1024];
	FILE *f;
	int rc = 0;

	snprintf(rel, sizeof(rel), "/proc/%d/maps", (int)pid);
	rc = drill_path(path, sizeof(path), sysroot, rel);
	if (rc < 0)
		return rc;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!rc && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, inode;
		char perms[8], dev[16];
		int name = 0;

		if (sscanf(line, "%llx-%llx %7s %*x %15s %llu %n", &start,
			   &end, perms, dev, &inode, &name) < 5)
			continue;
		/* Private, writable, no file behind it, not the stack guard. */
		if (perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p' ||
		    inode != 0)
			continue;
		if (name && line[name] == '[' && strncmp(line + name, "[heap]", 6))
			continue;
		rc = fn(start, end, arg);
	}
	fclose(f);
	return rc;
}

int proc_mem_read(pid_t pid, unsigned long long vaddr, void *buf, size_t len)
{
	char path[64];
	ssize_t got;
	int fd, rc;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	got = pread(fd, buf, len, (off_t)vaddr);
	rc = got < 0 ? -errno : (size_t)got != len ? -EIO : 0;
	close(fd);
	return rc;
}

long long proc_meminfo(const char *sysroot, const char *key)
{
	char path[4096], line[256];
	size_t klen = strlen(key);
	long long val = -ENOENT;
	FILE *f;

	if (drill_path(path, sizeof(path), sysroot, "/proc/meminfo") < 0)
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long kb;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		if (sscanf(line + klen + 1, "%llu", &kb) == 1)
			val = (long long)kb * 1024;
		break;
	}
	fclose(f);
	return val;
}

bool proc_running(const char *sysroot, pid_t pid)
{
	char rel[64], buf[4096];
	const char *state;

	snprintf(rel, sizeof(rel), "/proc/%d/status", (int)pid);
	if (read_text(sysroot, rel, buf, sizeof(buf)) < 0)
		return false;
	state = strstr(buf, "\nState:");
	if (!state)
		return false;
	state += strlen("\nState:");
	state += strspn(state, " \t");
	return *state != 'Z' && *state != 'X';
}

int write_text(const char *sysroot, const char *path, const char *text)
{
	char full[4096];
	size_t len = strlen(text);
	ssize_t n;
	int fd, rc;

	rc = drill_path(full, sizeof(full), sysroot, path);
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

int read_text(const char *sysroot, const char *path, char *buf, size_t len)
{
	char full[4096];
	ssize_t n;
	int fd, rc;

	rc = drill_path(full, sizeof(full), sysroot, path);
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

/*
 * hwpoison_inject's debugfs files: corrupt-pfn for that method, and
 * unpoison-pfn for every method (what is poisoned must be unpoisoned).
 * Loaded through libkmod when it is not there yet.
 */
int need_hwpoison(void)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx;
	int rc;

	if (access(HWPOISON_DIR "/unpoison-pfn", F_OK) == 0)
		return 0;
	kctx = kmod_new(NULL, NULL);
	if (!kctx)
		return -ENOMEM;
	rc = kmod_module_new_from_name(kctx, "hwpoison_inject", &mod);
	if (rc == 0)
		rc = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL,
						     NULL);
	kmod_module_unref(mod);
	kmod_unref(kctx);
	if (rc == 0 && access(HWPOISON_DIR "/unpoison-pfn", F_OK))
		rc = -ENOENT;
	return rc < 0 ? rc : rc > 0 ? -ENOENT : 0;
}
