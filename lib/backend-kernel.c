// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * backend-kernel.c - mirrors the kernel itself manages: mainline's
 * kernelcore=mirror and openEuler's memory reliable.  Both take their zones
 * from /proc/zoneinfo; memory reliable adds its /proc/meminfo counters,
 * per-task counters and sysctls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmirror-private.h"

#define MEMINFO		"/proc/meminfo"

/* ---- kernelcore=mirror ------------------------------------------------- */

static int kernelcore_detect(struct mirror_ctx *ctx, char *why, size_t len)
{
	return mirror_cmdline_has(ctx, "kernelcore=mirror", why, len);
}

static int kernelcore_load(struct mirror_ctx *ctx)
{
	int rc = mirror_zoneinfo_load(ctx);

	if (rc == 0)
		snprintf(ctx->description, sizeof(ctx->description),
			 "kernelcore=mirror (zones below Movable)");
	return rc;
}

const struct mirror_backend mirror_backend_kernelcore = {
	.name = "kernelcore",
	.detect = kernelcore_detect,
	.load = kernelcore_load,
	.refresh = mirror_zoneinfo_refresh,
	.proc_read = NULL,
};

/* ---- openEuler memory reliable ----------------------------------------- */

static const struct {
	const char *key;
	enum mirror_reliable_counter counter;
	bool required;
} meminfo_keys[] = {
	{ "ReliableTotal",	RC_TOTAL,	true },
	{ "ReliableUsed",	RC_USED,	true },
	{ "ReliableTaskUsed",	RC_TASK_USED,	false },
	{ "ReliableBuddyMem",	RC_BUDDY,	false },
	{ "ReliableShmem",	RC_SHMEM,	false },
	{ "ReliableFileCache",	RC_PAGECACHE,	false },
};

static const struct mirror_policy reliable_policies[] = {
	{
		.name = "task_reliable_limit",
		.description = "most mirrored memory all user tasks may use (bytes)",
		.relpath = "/proc/sys/vm/task_reliable_limit",
		.type = MIRROR_POLICY_BYTES,
	},
	{
		.name = "reliable_pagecache_max_bytes",
		.description = "most mirrored memory the page cache may use (bytes)",
		.relpath = "/proc/sys/vm/reliable_pagecache_max_bytes",
		.type = MIRROR_POLICY_BYTES,
	},
	{
		.name = "shmem_reliable_bytes_limit",
		.description = "most mirrored memory shmem may use (bytes)",
		.relpath = "/proc/sys/vm/shmem_reliable_bytes_limit",
		.type = MIRROR_POLICY_BYTES,
	},
	{
		.name = "reliable_debug",
		.description = "bit mask of memory reliable features turned off",
		.relpath = "/proc/sys/vm/reliable_debug",
		.type = MIRROR_POLICY_MASK,
	},
};

static int meminfo_read(struct mirror_ctx *ctx, char **text, char *path,
			size_t len)
{
	int rc = mirror_path(ctx, path, len, MEMINFO);

	if (rc < 0)
		return rc;
	return mirror_file_read(ctx, path, 1U << 20, text, NULL);
}

static int reliable_detect(struct mirror_ctx *ctx, char *why, size_t len)
{
	char path[MIRROR_PATH_MAX];
	unsigned long long v;
	char *text;
	int rc;

	rc = meminfo_read(ctx, &text, path, sizeof(path));
	if (mirror_detect_absent(ctx, rc, path, why, len))
		return 0;
	if (rc < 0)
		return rc;
	/* A garbled line still says the feature is there; load reports it. */
	rc = mirror_meminfo_get(text, "ReliableTotal", &v) != -ENOENT;
	free(text);
	if (!rc)
		snprintf(why, len, "%s: no ReliableTotal (no memory reliable)",
			 path);
	return rc;
}

static int reliable_counters(struct mirror_ctx *ctx)
{
	unsigned long long v[RC_NR];
	char path[MIRROR_PATH_MAX];
	unsigned int i;
	char *text;
	int rc;

	rc = meminfo_read(ctx, &text, path, sizeof(path));
	if (rc < 0)
		return rc;
	for (i = 0; i < ARRAY_SIZE(meminfo_keys); i++) {
		unsigned int c = meminfo_keys[i].counter;

		rc = mirror_meminfo_get(text, meminfo_keys[i].key, &v[c]);
		if (rc == -ENOENT && !meminfo_keys[i].required) {
			v[c] = MIRROR_UNKNOWN;
			rc = 0;
		}
		if (rc < 0) {
			rc = mirror_error(ctx, -EINVAL,
					  "%s: %s: %s", path,
					  meminfo_keys[i].key,
					  rc == -ENOENT ? "missing" :
					  "not 'N kB'");
			break;
		}
	}
	free(text);
	if (rc == 0 && v[RC_USED] > v[RC_TOTAL])
		rc = mirror_error(ctx, -EINVAL,
				  "%s: ReliableUsed exceeds ReliableTotal", path);
	if (rc == 0)
		memcpy(ctx->reliable, v, sizeof(v));
	return rc;
}

static int reliable_load(struct mirror_ctx *ctx)
{
	int rc;

	rc = reliable_counters(ctx);
	if (rc == 0)
		rc = mirror_zoneinfo_load(ctx);
	if (rc == 0)
		snprintf(ctx->description, sizeof(ctx->description),
			 "memory reliable (zones below Movable)");
	return rc;
}

static int reliable_refresh(struct mirror_ctx *ctx)
{
	int rc = reliable_counters(ctx);

	return rc < 0 ? rc : mirror_zoneinfo_refresh(ctx);
}

/* "Reliable:     1234 kB" in /proc/PID/status, and /proc/PID/reliable. */
static int reliable_proc_read(struct mirror_ctx *ctx, struct mirror_proc *p)
{
	char path[MIRROR_PATH_MAX];
	unsigned long long rss, rel;
	char *text;
	int rc;

	rc = mirror_path(ctx, path, sizeof(path), "/proc/%d/status", p->pid);
	if (rc < 0)
		return rc;
	rc = mirror_file_read(ctx, path, 1U << 20, &text, NULL);
	if (rc < 0)
		return rc;
	rc = mirror_meminfo_get(text, "VmRSS", &rss);
	if (rc == -ENOENT) {
		/* Kernel threads have no memory of their own. */
		rss = 0;
		rc = 0;
	}
	if (rc == 0)
		rc = mirror_meminfo_get(text, "Reliable", &rel);
	free(text);
	if (rc == -ENOENT && rss == 0)
		rel = 0, rc = 0;
	if (rc < 0)
		return mirror_error(ctx, -EINVAL, "%s: %s", path,
				    rc == -ENOENT ? "no 'Reliable:' line" :
				    "garbled VmRSS or Reliable line");
	if (rel > rss)
		rss = rel;
	p->source = MIRROR_PROC_STATUS;
	p->resident = rss;
	p->mirror = rel;
	p->other = rss - rel;

	rc = mirror_path(ctx, path, sizeof(path), "/proc/%d/reliable", p->pid);
	if (rc == 0 && access(path, F_OK) == 0) {
		char *flag;

		rc = mirror_file_read(ctx, path, 64, &flag, NULL);
		if (rc < 0)
			return rc;
		if (strcmp(flag, "0\n") == 0 || strcmp(flag, "0") == 0)
			p->mirror_first = 0;
		else if (strcmp(flag, "1\n") == 0 || strcmp(flag, "1") == 0)
			p->mirror_first = 1;
		else
			rc = mirror_error(ctx, -EINVAL,
					  "%s: expected 0 or 1", path);
		free(flag);
	}
	return rc;
}

const struct mirror_backend mirror_backend_reliable = {
	.name = "reliable",
	.detect = reliable_detect,
	.load = reliable_load,
	.refresh = reliable_refresh,
	.proc_read = reliable_proc_read,
	.policies = reliable_policies,
	.nr_policies = ARRAY_SIZE(reliable_policies),
};
