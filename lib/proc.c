// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * proc.c - how much of a process's memory is mirrored.
 *
 * Where the backend counts it (memory reliable's "Reliable:" line), that
 * count is used.  Otherwise every resident page of the process is looked
 * up in /proc/PID/pagemap and its physical address compared with the
 * mirror zones.  The kernel shows page frame numbers only to
 * CAP_SYS_ADMIN; to anyone else it reports them as 0, which is how an
 * unprivileged caller is recognised and told.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmirror-private.h"

/* Addresses from here on are the kernel's ([vsyscall]), not the process's. */
#define USER_ADDR_END		0x0000800000000000ULL
#define PM_BATCH		512

struct classifier {
	unsigned long long page_size;
	struct mirror_span *mirror;	/* sorted by start */
	unsigned int nr_mirror;
	struct mirror_span *other;
	unsigned int nr_other;
};

struct pm_count {
	unsigned long long resident;	/* pages */
	unsigned long long mirror;
	unsigned long long hidden;	/* present, pfn shown as 0 */
};

static int span_cmp(const void *a, const void *b)
{
	const struct mirror_span *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static int classifier_init(struct mirror_ctx *ctx, struct classifier *cl)
{
	unsigned int i;

	memset(cl, 0, sizeof(*cl));
	cl->page_size = ctx->page_size;
	cl->mirror = calloc(ctx->nr_spans + 1, sizeof(*cl->mirror));
	cl->other = calloc(ctx->nr_spans + 1, sizeof(*cl->other));
	if (!cl->mirror || !cl->other) {
		free(cl->mirror);
		free(cl->other);
		return -ENOMEM;
	}
	for (i = 0; i < ctx->nr_spans; i++) {
		if (ctx->spans[i].mirrored)
			cl->mirror[cl->nr_mirror++] = ctx->spans[i];
		else
			cl->other[cl->nr_other++] = ctx->spans[i];
	}
	qsort(cl->mirror, cl->nr_mirror, sizeof(*cl->mirror), span_cmp);
	qsort(cl->other, cl->nr_other, sizeof(*cl->other), span_cmp);
	return 0;
}

static void classifier_free(struct classifier *cl)
{
	free(cl->mirror);
	free(cl->other);
}

/* Whether some span in the sorted list holds 'addr'. */
static bool spans_hold(const struct mirror_span *s, unsigned int n,
		       unsigned long long addr)
{
	unsigned int lo = 0, hi = n;

	/* The last span starting at or below addr. */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (s[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/*
	 * Spans of one kind do not overlap each other, except that a zone
	 * may start inside a longer one; looking back a few is enough.
	 */
	for (hi = lo; hi > 0 && lo - hi < 4; hi--)
		if (addr < s[hi - 1].end)
			return true;
	return false;
}

/*
 * Under kernelcore=mirror, ZONE_NORMAL spans the whole node and overlaps
 * ZONE_MOVABLE; a page inside Movable's span is taken as ordinary.
 */
static bool classify(const struct classifier *cl, unsigned long long pfn)
{
	unsigned long long addr = pfn * cl->page_size;

	if (cl->nr_other && spans_hold(cl->other, cl->nr_other, addr))
		return false;
	return spans_hold(cl->mirror, cl->nr_mirror, addr);
}

int mirror_pagemap_open(struct mirror_ctx *ctx, pid_t pid, char *path,
			size_t len)
{
	int fd, rc;

	rc = mirror_path(ctx, path, len, "/proc/%d/pagemap", (int)pid);
	if (rc < 0)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	rc = -errno;
	/* A missing process, or a process without the file (a bad capture). */
	if (rc == -ENOENT) {
		char dir[MIRROR_PATH_MAX];
		struct stat st;

		if (mirror_path(ctx, dir, sizeof(dir), "/proc/%d", (int)pid) == 0 &&
		    stat(dir, &st) < 0)
			return mirror_error(ctx, -ESRCH, "no process %d",
					    (int)pid);
	}
	return mirror_error(ctx, rc, "%s: %s", path, strerror(-rc));
}

ssize_t mirror_pagemap_read(struct mirror_ctx *ctx, const char *path, int fd,
			    unsigned long long vpn, unsigned long long *buf,
			    size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t got = pread(fd, buf + done, (n - done) * sizeof(*buf),
				    (off_t)((vpn + done) * sizeof(*buf)));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return mirror_error(ctx, -errno, "%s: %s", path,
					    strerror(errno));
		if (got == 0)
			break;
		done += (size_t)got / sizeof(*buf);
	}
	return (ssize_t)done;
}

MIRROR_EXPORT int mirror_proc_get_pfns(struct mirror_ctx *ctx, pid_t pid,
				       unsigned long long vaddr, size_t n,
				       unsigned long long *pfns)
{
	char path[MIRROR_PATH_MAX];
	bool present = false, hidden = true;
	ssize_t got;
	size_t i;
	int fd;

	if (pid <= 0)
		return mirror_error(ctx, -EINVAL, "invalid process id %d",
				    (int)pid);
	fd = mirror_pagemap_open(ctx, pid, path, sizeof(path));
	if (fd < 0)
		return fd;
	got = mirror_pagemap_read(ctx, path, fd, vaddr / ctx->page_size, pfns,
				  n);
	close(fd);
	if (got < 0)
		return (int)got;
	if ((size_t)got != n)
		return mirror_error(ctx, -EIO,
				    "%s: %zu pages from 0x%llx: past the end of the address space",
				    path, n, vaddr);
	for (i = 0; i < n; i++) {
		if (pfns[i] & MIRROR_PM_PRESENT) {
			present = true;
			if (pfns[i] & MIRROR_PM_PFN_MASK)
				hidden = false;
			pfns[i] &= MIRROR_PM_PFN_MASK;
		} else {
			pfns[i] = 0;
		}
	}
	/* Present pages with frame 0 everywhere: the kernel hid them. */
	if (present && hidden)
		return mirror_error(ctx, -EPERM,
				    "%s: page frame numbers are hidden (reading them needs CAP_SYS_ADMIN)",
				    path);
	return 0;
}

static int pagemap_range(struct mirror_ctx *ctx, const char *path, int fd,
			 const struct classifier *cl, unsigned long long start,
			 unsigned long long end, struct pm_count *cnt)
{
	unsigned long long buf[PM_BATCH];
	unsigned long long vpn = start / ctx->page_size;
	unsigned long long last = end / ctx->page_size;

	while (vpn < last) {
		unsigned long long want = last - vpn;
		size_t i, got;
		ssize_t n;

		if (want > PM_BATCH)
			want = PM_BATCH;
		n = mirror_pagemap_read(ctx, path, fd, vpn, buf, (size_t)want);
		if (n < 0)
			return (int)n;
		/* Past the end of a captured file: nothing resident there. */
		if (n == 0)
			break;
		got = (size_t)n;
		for (i = 0; i < got; i++) {
			unsigned long long pfn = buf[i] & MIRROR_PM_PFN_MASK;

			if (!(buf[i] & MIRROR_PM_PRESENT))
				continue;
			cnt->resident++;
			if (!pfn)
				cnt->hidden++;
			else if (classify(cl, pfn))
				cnt->mirror++;
		}
		if (got == 0)
			break;
		vpn += got;
	}
	return 0;
}

/* One line of /proc/PID/maps: "start-end perms ...". */
static int maps_line(const char *line, unsigned long long page_size,
		     unsigned long long *start, unsigned long long *end)
{
	char *p;

	*start = strtoull(line, &p, 16);
	if (p == line || *p != '-')
		return -EINVAL;
	line = p + 1;
	*end = strtoull(line, &p, 16);
	if (p == line || *p != ' ' || *end < *start ||
	    (*start | *end) % page_size)
		return -EINVAL;
	return 0;
}

/*
 * Another user's process (or, even for root, one the kernel protects).
 * -EACCES stays internal: callers turn it into -EPERM.
 */
static int denied(struct mirror_ctx *ctx, const char *path)
{
	return mirror_error(ctx, -EACCES,
			    "%s: permission denied: reading another user's memory map needs root",
			    path);
}

static int pagemap_scan(struct mirror_ctx *ctx, struct mirror_proc *p)
{
	char maps[MIRROR_PATH_MAX], pm[MIRROR_PATH_MAX];
	struct pm_count cnt = { 0 };
	struct classifier cl;
	unsigned int lineno = 0;
	char *text, *line, *save = NULL;
	int fd, rc;

	rc = mirror_path(ctx, maps, sizeof(maps), "/proc/%d/maps", p->pid);
	if (rc < 0)
		return rc;
	rc = mirror_file_read(ctx, maps, 64U << 20, &text, NULL);
	if (rc == -EACCES || rc == -EPERM)
		return denied(ctx, maps);
	if (rc < 0)
		return rc;
	fd = mirror_pagemap_open(ctx, p->pid, pm, sizeof(pm));
	if (fd < 0) {
		free(text);
		if (fd == -EACCES || fd == -EPERM)
			return denied(ctx, pm);
		return fd;
	}
	rc = classifier_init(ctx, &cl);
	if (rc < 0)
		goto out;
	for (line = strtok_r(text, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long start, end;

		lineno++;
		if (maps_line(line, ctx->page_size, &start, &end) < 0) {
			rc = mirror_error(ctx, -EINVAL, "%s:%u: garbled line",
					  maps, lineno);
			break;
		}
		if (start >= USER_ADDR_END)
			continue;
		rc = pagemap_range(ctx, pm, fd, &cl, start,
				   end < USER_ADDR_END ? end : USER_ADDR_END,
				   &cnt);
	}
	classifier_free(&cl);
	if (rc == 0 && cnt.hidden)
		rc = mirror_error(ctx, -EPERM,
				  "%s: physical page numbers are hidden: reading them needs root (CAP_SYS_ADMIN)",
				  pm);
	if (rc == 0) {
		p->source = MIRROR_PROC_PAGEMAP;
		p->resident = cnt.resident * ctx->page_size;
		p->mirror = cnt.mirror * ctx->page_size;
		p->other = p->resident - p->mirror;
	}
out:
	close(fd);
	free(text);
	return rc;
}

static void read_comm(struct mirror_ctx *ctx, struct mirror_proc *p)
{
	char path[MIRROR_PATH_MAX];
	char *text;
	size_t len;

	strcpy(p->comm, "?");
	if (mirror_path(ctx, path, sizeof(path), "/proc/%d/comm", p->pid) < 0)
		return;
	if (mirror_file_read(ctx, path, 256, &text, &len) < 0) {
		/* A name is only a label: a process without one still counts. */
		ctx->errbuf[0] = '\0';
		return;
	}
	if (len && text[len - 1] == '\n')
		text[--len] = '\0';
	if (len) {
		if (len >= sizeof(p->comm))
			len = sizeof(p->comm) - 1;
		memcpy(p->comm, text, len);
		p->comm[len] = '\0';
	}
	free(text);
}

static int proc_measure(struct mirror_ctx *ctx, pid_t pid,
			struct mirror_proc **out)
{
	char path[MIRROR_PATH_MAX];
	struct mirror_proc *p;
	struct stat st;
	int rc;

	if (!ctx->backend)
		return mirror_error(ctx, -ENODEV, "not loaded");
	if (pid <= 0)
		return mirror_error(ctx, -EINVAL, "%d is not a process id", pid);
	rc = mirror_path(ctx, path, sizeof(path), "/proc/%d", pid);
	if (rc < 0)
		return rc;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return mirror_error(ctx, -ESRCH, "no process %d (%s)", pid, path);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->ctx = ctx;
	p->pid = pid;
	p->mirror_first = -1;
	read_comm(ctx, p);
	rc = -EOPNOTSUPP;
	if (ctx->backend->proc_read)
		rc = ctx->backend->proc_read(ctx, p);
	if (rc == -EOPNOTSUPP) {
		rc = pagemap_scan(ctx, p);
		if (rc == 0)
			p->mirror_first = mirror_first_flag(ctx, pid);
	}
	/* It exited while being read (a missing file otherwise stays named). */
	if ((rc == -ENOENT || rc == -ESRCH) && stat(path, &st) < 0)
		rc = mirror_error(ctx, -ESRCH, "process %d exited", pid);
	if (rc < 0) {
		free(p);
		return rc;
	}
	*out = p;
	return 0;
}

MIRROR_EXPORT int mirror_proc_new(struct mirror_ctx *ctx, pid_t pid,
				  struct mirror_proc **proc)
{
	int rc = proc_measure(ctx, pid, proc);

	return rc == -EACCES ? -EPERM : rc;
}

MIRROR_EXPORT void mirror_proc_free(struct mirror_proc *proc)
{
	free(proc);
}

void mirror_procs_free(struct mirror_ctx *ctx)
{
	while (ctx->procs) {
		struct mirror_proc *next = ctx->procs->next;

		free(ctx->procs);
		ctx->procs = next;
	}
}

MIRROR_EXPORT int mirror_proc_scan(struct mirror_ctx *ctx)
{
	struct mirror_proc *head = NULL, **tail = &head, *p;
	char path[MIRROR_PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int rc = 0;

	if (!ctx->backend)
		return mirror_error(ctx, -ENODEV, "not loaded");
	rc = mirror_path(ctx, path, sizeof(path), "/proc");
	if (rc < 0)
		return rc;
	dir = opendir(path);
	if (!dir)
		return mirror_error(ctx, -errno, "%s: %s", path, strerror(errno));
	while ((de = readdir(dir))) {
		unsigned long long pid;

		if (mirror_parse_u64(de->d_name, false, &pid) < 0 ||
		    pid == 0 || pid > 0x7fffffff)
			continue;
		rc = proc_measure(ctx, (pid_t)pid, &p);
		/*
		 * Root may still be refused a process the kernel protects
		 * (another namespace's init, say): leave it out.  Anyone else
		 * is told that the list needs root.
		 */
		if (rc == -ESRCH || (rc == -EACCES && geteuid() == 0)) {
			if (rc == -EACCES)
				info(ctx, "%s (left out)", ctx->errbuf);
			rc = 0;
			continue;
		}
		if (rc == -EACCES)
			rc = -EPERM;
		if (rc < 0)
			break;
		/* Kernel threads own no memory. */
		if (!p->resident) {
			free(p);
			continue;
		}
		*tail = p;
		tail = &p->next;
	}
	closedir(dir);
	if (rc < 0) {
		while (head) {
			p = head->next;
			free(head);
			head = p;
		}
		return rc;
	}
	mirror_procs_free(ctx);
	ctx->procs = head;
	ctx->errbuf[0] = '\0';
	return 0;
}

MIRROR_EXPORT struct mirror_proc *mirror_proc_get_first(struct mirror_ctx *ctx)
{
	return ctx->procs;
}

MIRROR_EXPORT struct mirror_proc *mirror_proc_get_next(struct mirror_proc *proc)
{
	return proc->next;
}

MIRROR_EXPORT pid_t mirror_proc_get_pid(struct mirror_proc *proc)
{
	return proc->pid;
}

MIRROR_EXPORT const char *mirror_proc_get_comm(struct mirror_proc *proc)
{
	return proc->comm;
}

MIRROR_EXPORT enum mirror_proc_source mirror_proc_get_source(struct mirror_proc *proc)
{
	return proc->source;
}

MIRROR_EXPORT unsigned long long mirror_proc_get_resident_bytes(struct mirror_proc *proc)
{
	return proc->resident;
}

MIRROR_EXPORT unsigned long long mirror_proc_get_mirror_bytes(struct mirror_proc *proc)
{
	return proc->mirror;
}

MIRROR_EXPORT unsigned long long mirror_proc_get_other_bytes(struct mirror_proc *proc)
{
	return proc->other;
}

MIRROR_EXPORT int mirror_proc_get_mirror_first(struct mirror_proc *proc)
{
	return proc->mirror_first;
}
