// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup.c - the groups units and cgroup entries name, and their
 * processes (see cgroup.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

/* Where systemd finds unit files (systemd.unit(5)), most important first. */
static const char *const unit_dirs[] = {
	"/etc/systemd/system.control", "/run/systemd/system.control",
	"/run/systemd/transient", "/run/systemd/generator.early",
	"/etc/systemd/system", "/etc/systemd/system.attached",
	"/run/systemd/system", "/run/systemd/system.attached",
	"/run/systemd/generator", "/usr/local/lib/systemd/system",
	"/lib/systemd/system", "/usr/lib/systemd/system",
	"/run/systemd/generator.late",
};

int cg_hierarchy(const char *sysroot, char *root, size_t len)
{
	static const char *const mounts[] = {
		"/sys/fs/cgroup", "/sys/fs/cgroup/unified",
	};
	char path[PATH_MAX + 32];
	unsigned int i;

	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		if (sysroot_path(root, len, sysroot, mounts[i]) < 0)
			continue;
		/* cgroup.controllers: v2 only. */
		snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
		if (access(path, F_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

int cg_group_dir(const char *root, const char *target, char *dir,
		 size_t len, char *why, size_t whylen)
{
	char path[PATH_MAX + 16], real[PATH_MAX], rroot[PATH_MAX];
	size_t n;
	int err;

	snprintf(path, sizeof(path), "%s%s", root, target);
	if (!realpath(root, rroot) || !realpath(path, real)) {
		err = errno;
		if (err == ENOENT || err == ENOTDIR)
			snprintf(why, whylen, "no such cgroup");
		else
			snprintf(why, whylen, "%s", strerror(err));
		return -err;
	}
	n = strlen(rroot);
	/* A symbolic link may lead out of the hierarchy. */
	if (strncmp(real, rroot, n) || real[n] != '/') {
		snprintf(why, whylen,
			 "outside the cgroup hierarchy (it leads to %s)", real);
		return -EXDEV;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", real);
	if (access(path, F_OK)) {
		snprintf(why, whylen, "not a cgroup (no cgroup.procs)");
		return -ENOTDIR;
	}
	/* The caller's root, which may differ from its real path. */
	snprintf(dir, len, "%s%s", root, real + n);
	return 0;
}

static void unit_find(const char *dir, const char *name, int depth,
		      char found[2][PATH_MAX], unsigned int *nfound)
{
	struct dirent *de;
	char path[PATH_MAX];
	DIR *d;

	if (depth >= CG_DEPTH || *nfound >= 2)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) && *nfound < 2) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!strcmp(de->d_name, name)) {
			snprintf(found[(*nfound)++], PATH_MAX, "%s", path);
			continue;
		}
		/* A user's manager runs user units, not system units. */
		if (fnmatch("user@*.service", de->d_name, 0) == 0)
			continue;
		unit_find(path, name, depth + 1, found, nfound);
	}
	closedir(d);
}

int cg_unit_dir(const char *root, const char *name, char *dir, size_t len,
		char *why, size_t whylen)
{
	static char found[2][PATH_MAX];
	unsigned int nfound = 0;
	size_t n = strlen(root);
	int a = 0;

	unit_find(root, name, 0, found, &nfound);
	if (nfound == 0)
		return 0;
	if (nfound == 2) {
		/* In a stable order, not the directories'. */
		if (strcmp(found[0], found[1]) > 0)
			a = 1;
		snprintf(why, whylen, "two cgroups of that name (%s and %s)",
			 found[a] + n, found[!a] + n);
		return -EEXIST;
	}
	snprintf(dir, len, "%s", found[0]);
	return 1;
}

bool cg_unit_file_exists(const char *sysroot, const char *name)
{
	char tmpl[300], rel[PATH_MAX], path[PATH_MAX];
	const char *at = strchr(name, '@');
	unsigned int i;

	tmpl[0] = '\0';
	if (at && strrchr(name, '.'))
		snprintf(tmpl, sizeof(tmpl), "%.*s%s", (int)(at - name + 1), name,
			 strrchr(name, '.'));
	for (i = 0; i < sizeof(unit_dirs) / sizeof(unit_dirs[0]); i++) {
		snprintf(rel, sizeof(rel), "%s/%s", unit_dirs[i], name);
		if (sysroot_path(path, sizeof(path), sysroot, rel) == 0 &&
		    access(path, F_OK) == 0)
			return true;
		if (!*tmpl)
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", unit_dirs[i], tmpl);
		if (sysroot_path(path, sizeof(path), sysroot, rel) == 0 &&
		    access(path, F_OK) == 0)
			return true;
	}
	return false;
}

static int foreach_pid(const char *dir, int depth,
		       int (*fn)(pid_t pid, void *data), void *data,
		       char *why, size_t whylen)
{
	char path[PATH_MAX], line[32];
	struct dirent *de;
	unsigned long v;
	FILE *procs;
	int rc = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	procs = fopen(path, "re");
	if (!procs) {
		/* The group went meanwhile: it has no process left. */
		if (errno == ENOENT || errno == ENODEV)
			return 0;
		rc = -errno;
		snprintf(why, whylen, "cannot read %s: %s", path,
			 strerror(errno));
		return rc;
	}
	while (!rc && fgets(line, sizeof(line), procs)) {
		line[strcspn(line, "\n")] = '\0';
		if (parse_ulong(line, 1, INT_MAX, &v))
			rc = fn((pid_t)v, data);
	}
	fclose(procs);
	if (rc || depth >= CG_DEPTH)
		return rc;
	d = opendir(dir);
	if (!d)
		return 0;
	while (!rc && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		rc = foreach_pid(path, depth + 1, fn, data, why, whylen);
	}
	closedir(d);
	return rc;
}

int cg_foreach_pid(const char *dir, int (*fn)(pid_t pid, void *data),
		   void *data, char *why, size_t whylen)
{
	return foreach_pid(dir, 0, fn, data, why, whylen);
}

int cg_of_pid(const char *sysroot, pid_t pid, char *buf, size_t len)
{
	char rel[64], text[4096], *line, *save = NULL;
	int rc;

	snprintf(rel, sizeof(rel), "/proc/%d/cgroup", (int)pid);
	rc = read_text(sysroot, rel, text, sizeof(text));
	if (rc < 0)
		return rc;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "0::", 3)) {
			snprintf(buf, len, "%s", line + 3);
			return 0;
		}
	}
	return -ENOENT;
}
