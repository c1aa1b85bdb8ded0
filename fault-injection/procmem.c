// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procmem.c - what the drill reads of processes and of the kernel's text
 * files (page frame numbers come from libmirror): anonymous mappings
 * from /proc/PID/maps, memory through /proc/PID/mem, /proc/meminfo and
 * /proc/PID/status (with the core's field parser), and the kernel's
 * hwpoison injector.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>

#include "drill.h"
#include "field.h"

int proc_anon_maps(const char *sysroot, pid_t pid,
		   int (*fn)(unsigned long long start, unsigned long long end,
			     void *arg), void *arg)
{
	char rel[64], path[4096], line[1024];
	FILE *f;
	int rc = 0;

	snprintf(rel, sizeof(rel), "/proc/%d/maps", (int)pid);
	rc = sysroot_path(path, sizeof(path), sysroot, rel);
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
	char buf[8192];
	u64 v;
	int rc = read_text(sysroot, "/proc/meminfo", buf, sizeof(buf));

	if (rc == 0)
		rc = mc_field_kb(buf, strlen(buf), key, &v);
	return rc < 0 ? rc : (long long)v;
}

bool proc_running(const char *sysroot, pid_t pid)
{
	char rel[64], buf[4096];
	const char *state;
	size_t n;

	snprintf(rel, sizeof(rel), "/proc/%d/status", (int)pid);
	if (read_text(sysroot, rel, buf, sizeof(buf)) < 0 ||
	    mc_field_find(buf, strlen(buf), "State", &state, &n) < 0 || !n)
		return false;
	return *state != 'Z' && *state != 'X';
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
