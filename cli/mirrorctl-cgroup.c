// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mirrorctl set/clear/show --unit/--cgroup - a whole group: its processes
 * flagged now, and the group recorded in /run/mirror/cgroups.d/ for
 * mirrord(8), which flags every process that joins it later (a restart of
 * the unit too).  The groups and their processes are found by the code
 * 'mirrorctl apply' uses (cgroup.c), the records read and written by the
 * code mirrord uses (follow.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cgroup.h"
#include "follow.h"
#include "mirrorctl.h"
#include "tool.h"
#include "util.h"

#ifndef MIRROR_CONF
#define MIRROR_CONF	"/etc/mirror/mirror.conf"
#endif

static void usage_problem(void *data, const char *path, unsigned int line,
			  const char *msg)
{
	usage_error("%s%s", (const char *)data, msg);
}

static void quiet_problem(void *data, const char *path, unsigned int line,
			  const char *msg)
{
}

void group_parse(enum conf_kind kind, const char *arg,
		 unsigned long long limit, struct follow_entry *e)
{
	struct conf_env env = { page_size(), 0 };
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "--%s: ", conf_kind_name(kind));
	/* The parser's message names the entry: "cgroup 'x': ..." */
	if (follow_parse_one(e, kind, arg, limit, &env, "--", usage_problem,
			     prefix) < 0) {
		warnx_("out of memory");
		exit(EXIT_FAILURE);
	}
}

int group_followed(const struct follow_entry *e, struct follow_list *l,
		   const struct follow_entry **by)
{
	struct conf_env env = { page_size(), 0 };

	if (follow_load(l, sysroot, MIRROR_CONF, FOLLOW_DIR, &env,
			quiet_problem, NULL) < 0) {
		warnx_("out of memory");
		return EXIT_FAILURE;
	}
	*by = follow_find(l, e);
	return 0;
}

void group_by(const struct follow_entry *by, char *buf, size_t len)
{
	if (!by)
		snprintf(buf, len, "no");
	else if (by->line)
		snprintf(buf, len, "%s:%u", by->source, by->line);
	else
		snprintf(buf, len, "%s", by->source);
}

struct pid_list {
	pid_t *pids;
	int nr;
};

static int add_pid(pid_t pid, void *data)
{
	struct pid_list *l = data;
	pid_t *np;

	/* mirrorctl itself, run from the service it flags. */
	if (!sysroot && pid == getpid())
		return 0;
	if (l->nr % 64 == 0) {
		np = realloc(l->pids, ((size_t)l->nr + 64) * sizeof(*np));
		if (!np)
			return -ENOMEM;
		l->pids = np;
	}
	l->pids[l->nr++] = pid;
	return 0;
}

int group_pids(const struct follow_entry *e, char *dir, size_t len,
	       pid_t **pids, int *nr)
{
	char root[PATH_MAX], why[2 * PATH_MAX + 64], name[PATH_MAX + 16];
	struct pid_list l = { NULL, 0 };
	int rc;

	*pids = NULL;
	*nr = 0;
	dir[0] = '\0';
	follow_name(e, name, sizeof(name));
	if (cg_hierarchy(sysroot, root, sizeof(root)) < 0) {
		warnx_("%s: no cgroup v2 hierarchy at /sys/fs/cgroup", name);
		return EXIT_FAILURE;
	}
	if (e->kind == CONF_UNIT) {
		rc = cg_unit_dir(root, e->target, dir, len, why, sizeof(why));
		if (rc == 0 && !cg_unit_file_exists(sysroot, e->target)) {
			warnx_("%s: no such unit", name);
			return EXIT_FAILURE;
		}
		if (rc == 0)
			return 0;
	} else {
		rc = cg_group_dir(root, e->target, dir, len, why, sizeof(why));
	}
	if (rc < 0) {
		warnx_("%s: %s", name, why);
		return EXIT_FAILURE;
	}
	rc = cg_foreach_pid(dir, add_pid, &l, why, sizeof(why));
	if (rc < 0) {
		free(l.pids);
		if (rc == -ENOMEM)
			warnx_("out of memory");
		else
			warnx_("%s: %s", name, why);
		return EXIT_FAILURE;
	}
	*pids = l.pids;
	*nr = l.nr;
	return 0;
}

int group_set_clear(bool set, enum conf_kind kind, const char *arg,
		    unsigned long long limit, unsigned int flags)
{
	const struct follow_entry *by;
	struct follow_list followed;
	struct follow_entry e;
	char dir[PATH_MAX], name[PATH_MAX + 16], path[PATH_MAX * 4];
	pid_t *pids = NULL;
	int nr = 0, i, n, rc, forgot = -ENOENT;

	if (sysroot_option)
		usage_error("%s: --sysroot does not apply to --%s (it acts on the running system)",
			    set ? "set" : "clear", conf_kind_name(kind));
	sysroot = NULL;
	group_parse(kind, arg, limit, &e);
	follow_name(&e, name, sizeof(name));
	followed.e = NULL;
	followed.n = 0;
	rc = group_followed(&e, &followed, &by);
	if (rc)
		goto out;
	follow_record_path(FOLLOW_DIR, &e, path, sizeof(path));
	if (by && by->line) {
		warnx_("%s is followed by %s:%u: %s", name, by->source,
		       by->line, set ? "that entry applies" :
		       "remove it there and reload mirrord");
		rc = EXIT_FAILURE;
		goto out;
	}
	if (!set) {
		/* Not followed from now on: what joins stays as it is. */
		forgot = follow_forget(FOLLOW_DIR, &e);
		if (forgot < 0 && forgot != -ENOENT) {
			warnx_("%s: %s", path, strerror(-forgot));
			rc = EXIT_FAILURE;
			goto out;
		}
	}
	rc = group_pids(&e, dir, sizeof(dir), &pids, &nr);
	if (rc && forgot == 0) {
		/* A group that is gone: its record went with the line above. */
		if (!json_out)
			printf("%s: no longer followed\n", name);
		rc = EXIT_SUCCESS;
	}
	if (rc)
		goto out;
	/* Every process checked first: gone ones left out, init refused. */
	for (i = n = 0; i < nr; i++) {
		char comm[64];
		int st = proc_state(pids[i], comm, sizeof(comm));

		if (st == -ESRCH || st == 'Z' || st == 'K')
			continue;
		if (set && pids[i] == 1) {
			warnx_("%s: process 1 (%s) is init, which is never flagged",
			       name, comm);
			rc = EXIT_FAILURE;
			goto out;
		}
		pids[n++] = pids[i];
	}
	nr = n;
	if (!set && forgot == -ENOENT)
		warnx_("%s was not followed", name);
	rc = first_apply_pids(set, pids, nr, limit, flags);
	if (rc)
		goto out;
	if (set) {
		rc = follow_record(FOLLOW_DIR, &e);
		if (rc < 0) {
			warnx_("%s: %s", path, strerror(-rc));
			rc = EXIT_FAILURE;
			goto out;
		}
	}
	if (!json_out && set)
		printf("%s: %d process%s flagged; mirrord flags those that join it (%s)\n",
		       name, nr, nr == 1 ? "" : "es", path);
	else if (!json_out)
		printf("%s: %d process%s cleared; no longer followed\n", name,
		       nr, nr == 1 ? "" : "es");
	rc = EXIT_SUCCESS;
out:
	free(pids);
	follow_free(&followed);
	follow_entry_free(&e);
	return rc;
}
