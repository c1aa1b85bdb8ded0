// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * process.c - the MIRROR_FIRST flag of processes.
 *
 * mirror.ko: ioctls on /dev/mirror (kernel-module/include/mirror_ioctl.h),
 * which also move memory in and out and count per process.  openEuler
 * memory reliable: /proc/PID/reliable ("0"/"1"); that kernel moves no
 * existing page, so a migration is -EOPNOTSUPP there.  kernelcore=mirror
 * has no per-process flag at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libmirror-private.h"
#include "mirror_ioctl.h"

static bool is_module(struct mirror_ctx *ctx)
{
	return strcmp(ctx->backend->name, "module") == 0;
}

static bool is_reliable(struct mirror_ctx *ctx)
{
	return strcmp(ctx->backend->name, "reliable") == 0;
}

static int first_errno_text(struct mirror_ctx *ctx, int err, pid_t pid,
			    const char *what)
{
	switch (err) {
	case -ESRCH:
		return mirror_error(ctx, err, "%s %d: no such process (or it is exiting, or not yours to see)",
				    what, pid);
	case -EINVAL:
		return mirror_error(ctx, err, "%s %d: not allowed for a kernel thread or init, or a bad argument",
				    what, pid);
	case -EPERM:
		return mirror_error(ctx, err, "%s %d: permission denied: needs root (CAP_SYS_ADMIN and the right to trace the process)",
				    what, pid);
	case -EACCES:
		return mirror_error(ctx, -EPERM, "%s %d: permission denied: /dev/%s is root's (mode 0600)",
				    what, pid, MIRROR_DEV_NAME);
	case -EBUSY:
		return mirror_error(ctx, err, "%s %d: the process is MIRROR_FIRST: clear the flag first",
				    what, pid);
	default:
		return mirror_error(ctx, err, "%s %d: %s", what, pid,
				    strerror(-err));
	}
}

static int module_ioctl(struct mirror_ctx *ctx, unsigned long cmd,
			struct mirror_proc_req *req, const char *what)
{
	int fd, rc = 0;

	fd = open("/dev/" MIRROR_DEV_NAME,
		  (cmd == MIRROR_IOC_GET ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0 && errno == EACCES)
		return first_errno_text(ctx, -EACCES, req->pid, what);
	if (fd < 0)
		return mirror_error(ctx, errno == ENOENT ? -ENODEV : -errno,
				    "/dev/%s: %s (mirror.ko older than ABI 1 with processes, or not loaded)",
				    MIRROR_DEV_NAME, strerror(errno));
	if (ioctl(fd, cmd, req) < 0)
		rc = first_errno_text(ctx, -errno, req->pid, what);
	close(fd);
	return rc;
}

/* The state mirror.ko answered, as much of it as the caller's info holds. */
static void fill(struct mirror_first_info *info,
		 const struct mirror_proc_req *req)
{
	struct mirror_first_info full = { .size = sizeof(full) };

	if (!info)
		return;
	full.pid = (pid_t)req->tgid;
	full.mirror_first = (int)req->mirror_first;
	full.inherited = (int)req->inherited;
	full.limit_bytes = req->limit;
	full.mirror_bytes = req->mirror_bytes;
	full.ordinary_bytes = req->ordinary_bytes;
	full.pages_migrated = req->pages_migrated;
	full.pages_failed = req->pages_failed;
	full.pages_shortfall = req->pages_shortfall;
	full.pages_returned = req->pages_returned;
	full.pages_moved = req->moved_now;
	mirror_info_copy(info, &full, sizeof(full));
}

/*
 * A request to mirror.ko (the only backend with a per-process flag) and,
 * when it succeeds, the state it answered into 'info'.
 */
static int module_call(struct mirror_ctx *ctx, unsigned long cmd,
		       struct mirror_proc_req *req,
		       struct mirror_first_info *info)
{
	int rc;

	if (!is_module(ctx))
		return mirror_error(ctx, -EOPNOTSUPP,
				    "the %s backend has no per-process flag",
				    ctx->backend->name);
	rc = module_ioctl(ctx, cmd, req, "process");
	if (rc == 0)
		fill(info, req);
	return rc;
}

/* Memory reliable shows the flag only. */
static void fill_unknown(struct mirror_first_info *info, pid_t pid, int flag)
{
	struct mirror_first_info full = { .size = sizeof(full) };

	if (!info)
		return;
	full.pid = pid;
	full.mirror_first = flag;
	full.limit_bytes = MIRROR_UNKNOWN;
	full.mirror_bytes = MIRROR_UNKNOWN;
	full.ordinary_bytes = MIRROR_UNKNOWN;
	full.pages_migrated = MIRROR_UNKNOWN;
	full.pages_failed = MIRROR_UNKNOWN;
	full.pages_shortfall = MIRROR_UNKNOWN;
	full.pages_returned = MIRROR_UNKNOWN;
	mirror_info_copy(info, &full, sizeof(full));
}

static int reliable_path(struct mirror_ctx *ctx, pid_t pid, char *buf,
			 size_t len)
{
	return mirror_path(ctx, buf, len, "/proc/%d/reliable", pid);
}

/* Memory reliable's flag set to 'flag', and 'info' filled as it can be. */
static int reliable_write(struct mirror_ctx *ctx, pid_t pid, int flag,
			  struct mirror_first_info *info)
{
	char path[MIRROR_PATH_MAX];
	int fd, rc;

	rc = reliable_path(ctx, pid, path, sizeof(path));
	if (rc < 0)
		return rc;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return first_errno_text(ctx, errno == ENOENT ? -ESRCH : -errno,
					pid, path);
	rc = write(fd, flag ? "1" : "0", 1) == 1 ? 0 : -errno;
	close(fd);
	if (rc < 0)
		return first_errno_text(ctx, rc, pid, path);
	fill_unknown(info, pid, flag);
	return 0;
}

/* Memory reliable's flag into 'info'. */
static int reliable_read(struct mirror_ctx *ctx, pid_t pid,
			 struct mirror_first_info *info)
{
	char path[MIRROR_PATH_MAX];
	char *text;
	int rc;

	rc = reliable_path(ctx, pid, path, sizeof(path));
	if (rc < 0)
		return rc;
	rc = mirror_file_read(ctx, path, 64, &text, NULL);
	if (rc == -ENOENT)
		return first_errno_text(ctx, -ESRCH, pid, path);
	if (rc < 0)
		return rc;
	if (text[0] == '0' || text[0] == '1')
		fill_unknown(info, pid, text[0] - '0');
	else
		rc = mirror_error(ctx, -EINVAL, "%s: expected 0 or 1", path);
	free(text);
	return rc;
}

/* Everything a call can refuse before it acts: nothing is half done. */
static int check_args(struct mirror_ctx *ctx, pid_t pid,
		      const struct mirror_first_info *info,
		      unsigned int flags, unsigned int known)
{
	int rc;

	if (!ctx->backend)
		return mirror_error(ctx, -ENODEV, "not loaded");
	if (pid <= 0)
		return mirror_error(ctx, -EINVAL, "%d is not a process id", pid);
	rc = info ? mirror_info_check(ctx, info, "mirror_first_info") : 0;
	if (rc == 0 && (flags & ~known))
		rc = mirror_error(ctx, -EINVAL, "unknown flags %#x", flags);
	return rc;
}

MIRROR_EXPORT int mirror_first_set(struct mirror_ctx *ctx, pid_t pid,
				   unsigned long long limit_bytes,
				   unsigned int flags,
				   struct mirror_first_info *info)
{
	struct mirror_proc_req req = { .pid = pid };
	int rc = check_args(ctx, pid, info, flags, MIRROR_FIRST_NOMOVE);

	if (rc < 0)
		return rc;
	if (is_reliable(ctx)) {
		if (limit_bytes)
			return mirror_error(ctx, -EOPNOTSUPP,
					    "memory reliable has no per-process limit (only vm.task_reliable_limit)");
		return reliable_write(ctx, pid, 1, info);
	}
	if (is_module(ctx) && limit_bytes % ctx->page_size)
		return mirror_error(ctx, -EINVAL,
				    "limit %llu is not a multiple of the page size (%lu bytes)",
				    limit_bytes, ctx->page_size);
	req.limit_bytes = limit_bytes;
	req.flags = flags & MIRROR_FIRST_NOMOVE ? MIRROR_PROC_NOMOVE : 0;
	return module_call(ctx, MIRROR_IOC_SET, &req, info);
}

MIRROR_EXPORT int mirror_first_clear(struct mirror_ctx *ctx, pid_t pid,
				     unsigned int flags,
				     struct mirror_first_info *info)
{
	struct mirror_proc_req req = { .pid = pid };
	int rc = check_args(ctx, pid, info, flags, MIRROR_FIRST_MOVE_BACK);

	if (rc < 0)
		return rc;
	if (is_reliable(ctx)) {
		if (flags & MIRROR_FIRST_MOVE_BACK)
			return mirror_error(ctx, -EOPNOTSUPP,
					    "memory reliable cannot move existing pages");
		return reliable_write(ctx, pid, 0, info);
	}
	req.flags = flags & MIRROR_FIRST_MOVE_BACK ? MIRROR_PROC_MOVE_BACK : 0;
	return module_call(ctx, MIRROR_IOC_CLEAR, &req, info);
}

MIRROR_EXPORT int mirror_first_get(struct mirror_ctx *ctx, pid_t pid,
				   struct mirror_first_info *info)
{
	struct mirror_proc_req req = { .pid = pid };
	int rc = check_args(ctx, pid, info, 0, 0);

	if (rc < 0)
		return rc;
	if (is_reliable(ctx))
		return reliable_read(ctx, pid, info);
	return module_call(ctx, MIRROR_IOC_GET, &req, info);
}

MIRROR_EXPORT int mirror_first_migrate(struct mirror_ctx *ctx, pid_t pid,
				       bool to_mirror,
				       struct mirror_first_info *info)
{
	struct mirror_proc_req req = { .pid = pid };
	int rc = check_args(ctx, pid, info, 0, 0);

	if (rc < 0)
		return rc;
	if (!is_module(ctx))
		return mirror_error(ctx, -EOPNOTSUPP,
				    "the %s backend cannot move a process's existing pages (only mirror.ko migrates)",
				    ctx->backend->name);
	req.flags = to_mirror ? MIRROR_PROC_TO_MIRROR : MIRROR_PROC_TO_NORMAL;
	return module_call(ctx, MIRROR_IOC_MIGRATE, &req, info);
}

/*
 * The flag for mirrorstat's FIRST column: 1, 0, or -1 when unknown (no
 * /dev/mirror, a captured sysroot, an error).  Leaves no error behind.
 */
int mirror_first_flag(struct mirror_ctx *ctx, pid_t pid)
{
	struct mirror_proc_req req = { .pid = pid };
	int fd, rc;

	if (!ctx->backend || !is_module(ctx) || ctx->sysroot[0])
		return -1;
	fd = open("/dev/" MIRROR_DEV_NAME, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = ioctl(fd, MIRROR_IOC_GET, &req);
	close(fd);
	return rc < 0 ? -1 : (int)req.mirror_first;
}
