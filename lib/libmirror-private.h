/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmirror-private.h - what the library's parts share and nobody else sees.
 */
#ifndef LIBMIRROR_PRIVATE_H
#define LIBMIRROR_PRIVATE_H

#include <stdio.h>
#include <stdint.h>
#include <syslog.h>
#include "libmirror.h"

#define MIRROR_EXPORT __attribute__((visibility("default")))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIRROR_PATH_MAX		4096
/* The largest sysfs attribute the module writes is a zone's occupied list. */
#define MIRROR_ATTR_MAX		64

enum mirror_zone_counter {
	ZC_PAGES_TOTAL,
	ZC_PAGES_FREE,
	ZC_PAGES_USED,
	ZC_PAGES_REQUESTED,
	ZC_PAGES_PRESENT,
	ZC_BLOCKS_UNCLAIMED,
	ZC_ALLOCS,
	ZC_FREES,
	ZC_ALLOC_FAILURES,
	ZC_FAILOVERS,
	ZC_BAD_FREES,
	ZC_EXHAUSTED,
	ZC_NR,
};

enum mirror_node_counter {
	NC_PAGES_TOTAL,
	NC_PAGES_FREE,
	NC_PAGES_USED,
	NC_ALLOCS_LOCAL,
	NC_ALLOCS_REMOTE,
	NC_FALLBACK_EXHAUSTED,
	NC_FALLBACK_CONSTRAINT,
	NC_FAILED,
	NC_MEMORY_BYTES,
	NC_ALLOCS_ORDINARY,
	NC_NR,
};

/* openEuler memory reliable: /proc/meminfo lines, bytes. */
enum mirror_reliable_counter {
	RC_TOTAL,
	RC_USED,
	RC_TASK_USED,
	RC_BUDDY,
	RC_SHMEM,
	RC_PAGECACHE,
	RC_NR,
};

struct mirror_zone {
	struct mirror_ctx *ctx;
	struct mirror_node *node;
	struct mirror_zone *next_in_node;
	unsigned int index;			/* in ctx->zones */
	unsigned int id;			/* among the mirrored zones */
	int node_id;
	char name[16];
	unsigned long long start;		/* bytes */
	unsigned long long end;			/* exclusive */
	unsigned long long c[ZC_NR];
	bool mirrored;				/* zoneinfo: below Movable */
};

struct mirror_node {
	struct mirror_ctx *ctx;
	struct mirror_zone *first_zone;
	int id;
	unsigned int nr_zones;
	unsigned long long c[NC_NR];
};

struct mirror_policy {
	struct mirror_ctx *ctx;
	const char *name;
	const char *description;
	const char *relpath;			/* below the sysroot */
	enum mirror_policy_type type;
};

struct mirror_proc {
	struct mirror_ctx *ctx;
	struct mirror_proc *next;
	pid_t pid;
	char comm[64];
	enum mirror_proc_source source;
	unsigned long long resident;		/* bytes */
	unsigned long long mirror;
	unsigned long long other;
	int mirror_first;
};

/* A physical interval [start, end) in bytes, for pagemap classification. */
struct mirror_span {
	unsigned long long start;
	unsigned long long end;
	bool mirrored;
};

struct mirror_backend {
	const char *name;
	/*
	 * 1 when the backend applies, 0 when not (with 'why' saying what was
	 * checked and found), negative errno on a read error.
	 */
	int (*detect)(struct mirror_ctx *ctx, char *why, size_t len);
	/* Fill ctx->zones/nodes; called with an empty context. */
	int (*load)(struct mirror_ctx *ctx);
	/* Re-read counters into the existing objects. */
	int (*refresh)(struct mirror_ctx *ctx);
	/* Per-process counter of the backend, or -EOPNOTSUPP for pagemap. */
	int (*proc_read)(struct mirror_ctx *ctx, struct mirror_proc *proc);
	const struct mirror_policy *policies;
	unsigned int nr_policies;
};

struct mirror_ctx {
	int refcount;
	mirror_log_fn log_fn;
	int log_priority;
	void *userdata;
	char sysroot[MIRROR_PATH_MAX];		/* "" for the real system */
	const char *forced_backend;		/* NULL for auto */
	const struct mirror_backend *backend;
	char description[128];
	char errbuf[MIRROR_PATH_MAX + 256];
	/* Of the system read: the running one, or the sysroot's capture. */
	unsigned long page_size;

	/* mirror.ko */
	unsigned int abi_version;
	unsigned long long bad_frees;		/* MIRROR_UNKNOWN if absent */
	unsigned long long ordinary_pages;
	char module_version[32];
	char module_mode[32];

	struct mirror_zone *zones;
	unsigned int nr_zones;
	struct mirror_node *nodes;		/* sorted by id */
	unsigned int nr_nodes;
	struct mirror_policy *policies;
	unsigned int nr_policies;
	unsigned long long reliable[RC_NR];

	struct mirror_span *spans;		/* sorted by start */
	unsigned int nr_spans;
	struct mirror_proc *procs;
};

/* ---- logging and errors (libmirror.c) ---------------------------------- */

void mirror_log(struct mirror_ctx *ctx, int priority, const char *file,
		int line, const char *fn, const char *format, ...)
	__attribute__((format(printf, 6, 7)));

#define mirror_log_cond(ctx, prio, ...) \
	do { \
		if ((ctx)->log_priority >= (prio)) \
			mirror_log(ctx, prio, __FILE__, __LINE__, __func__, \
				   __VA_ARGS__); \
	} while (0)
#define dbg(ctx, ...)	mirror_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define info(ctx, ...)	mirror_log_cond(ctx, LOG_INFO, __VA_ARGS__)

/* Record the last error (and log it at LOG_ERR); returns 'err'. */
int mirror_error_at(struct mirror_ctx *ctx, int err, const char *file,
		    int line, const char *fn, const char *format, ...)
	__attribute__((format(printf, 6, 7)));
#define mirror_error(ctx, err, ...) \
	mirror_error_at(ctx, err, __FILE__, __LINE__, __func__, __VA_ARGS__)

/* ---- files (sysfs.c) --------------------------------------------------- */

/* sysroot + relpath into buf; -ENAMETOOLONG when it does not fit. */
int mirror_path(struct mirror_ctx *ctx, char *buf, size_t len,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Open a directory below the sysroot; errors are reported with the path. */
int mirror_open_dir(struct mirror_ctx *ctx, const char *path);
/* Whether path (below the sysroot) exists. */
bool mirror_exists(struct mirror_ctx *ctx, const char *path);

/*
 * Read a small attribute 'name' in directory 'dirfd' (whose path, for
 * messages, is 'dirpath') into buf, without the trailing newline.
 */
int mirror_attr_read(struct mirror_ctx *ctx, int dirfd, const char *dirpath,
		     const char *name, char *buf, size_t len);
/* Same, but -ENOENT (and nothing recorded) when the file does not exist. */
int mirror_attr_read_opt(struct mirror_ctx *ctx, int dirfd,
			 const char *dirpath, const char *name, char *buf,
			 size_t len);
/* Same, as an unsigned decimal (or 0x hex when 'hex'). */
int mirror_attr_u64(struct mirror_ctx *ctx, int dirfd, const char *dirpath,
		    const char *name, bool hex, unsigned long long *val);
/* As mirror_attr_u64, but MIRROR_UNKNOWN when the file does not exist. */
int mirror_attr_u64_opt(struct mirror_ctx *ctx, int dirfd,
			const char *dirpath, const char *name,
			unsigned long long *val);

/*
 * Read a whole file (below the sysroot) into a NUL-terminated buffer the
 * caller frees.  Files larger than 'max' are an error.
 */
int mirror_file_read(struct mirror_ctx *ctx, const char *path, size_t max,
		     char **text, size_t *len);
/*
 * Same for 'name' in directory 'dirfd' (path 'dirpath', for messages), but
 * -ENOENT (and nothing recorded) when the file does not exist.
 */
int mirror_file_readat_opt(struct mirror_ctx *ctx, int dirfd,
			   const char *dirpath, const char *name, size_t max,
			   char **text, size_t *len);

/*
 * Write all of buf to 'path' (a full path, already below the sysroot):
 * 0 or the -errno of the open, a write or the close.  Records nothing:
 * the caller names the problem.
 */
int mirror_file_write(const char *path, const char *buf, size_t len);

/* Parse "123" (or "0x7b" when hex) with nothing after it. */
int mirror_parse_u64(const char *s, bool hex, unsigned long long *val);

/* ---- backends ---------------------------------------------------------- */

extern const struct mirror_backend mirror_backend_module;
extern const struct mirror_backend mirror_backend_kernelcore;
extern const struct mirror_backend mirror_backend_reliable;

/* Allocate the zone and node arrays (zeroed, counters unknown). */
int mirror_alloc_zones(struct mirror_ctx *ctx, unsigned int nr);
/*
 * Create the nodes from the zones' node ids and the 'extra' ids (nodes
 * without a zone), sorted, and link the zones to them.
 */
int mirror_link_nodes(struct mirror_ctx *ctx, const int *extra,
		      unsigned int nr_extra);
/* Sum the zone counters into their nodes (what is not known stays so). */
void mirror_sum_nodes(struct mirror_ctx *ctx, const enum mirror_node_counter *nc,
		      const enum mirror_zone_counter *zc, unsigned int n);
/*
 * For a backend's detect(): when reading 'path' failed with 'rc' because
 * the file is not there (-ENOENT, -ENOTDIR), the backend is absent rather
 * than broken: clear the error, say so in 'why' and return true.
 */
bool mirror_detect_absent(struct mirror_ctx *ctx, int rc, const char *path,
			  char *why, size_t len);
/* Install a backend's policy table, keeping those whose file exists. */
int mirror_install_policies(struct mirror_ctx *ctx);

/* zoneinfo.c: shared by the kernelcore and reliable backends. */
int mirror_zoneinfo_load(struct mirror_ctx *ctx);
int mirror_zoneinfo_refresh(struct mirror_ctx *ctx);
int mirror_cmdline_has(struct mirror_ctx *ctx, const char *token,
		       char *why, size_t len);
/* /proc/meminfo "Key:   N kB" into bytes (the core's mc_field_kb); -ENOENT
 * when absent. */
int mirror_meminfo_get(const char *text, const char *key,
		       unsigned long long *bytes);

void mirror_procs_free(struct mirror_ctx *ctx);

/* /proc/PID/pagemap entries (Documentation/admin-guide/mm/pagemap.rst). */
#define MIRROR_PM_PRESENT	(1ULL << 63)
#define MIRROR_PM_SWAPPED	(1ULL << 62)
#define MIRROR_PM_PFN_MASK	((1ULL << 55) - 1)

/*
 * proc.c: the one pagemap reader.  Open /proc/PID/pagemap below the
 * sysroot (path into 'path'): the fd, or -ESRCH (no such process) or
 * -errno with the error recorded.
 */
int mirror_pagemap_open(struct mirror_ctx *ctx, pid_t pid, char *path,
			size_t len);
/*
 * Entries of pages [vpn, vpn + n) from an open pagemap: how many were read
 * (fewer past the end of a captured file), or -errno recorded.
 */
ssize_t mirror_pagemap_read(struct mirror_ctx *ctx, const char *path, int fd,
			    unsigned long long vpn, unsigned long long *buf,
			    size_t n);
/*
 * libmirror.c: the structures the library fills for a caller begin with
 * the size the caller knows (libmirror.h).  mirror_info_check(): -EINVAL,
 * naming 'type', when that size cannot even hold itself.
 * mirror_info_copy(): copy the filled 'full' ('len' bytes) into 'info',
 * at most the caller's size, and set info's size to what was copied.
 */
int mirror_info_check(struct mirror_ctx *ctx, const void *info,
		      const char *type);
void mirror_info_copy(void *info, const void *full, size_t len);

/* process.c: a process's MIRROR_FIRST flag on mirror.ko, -1 unknown. */
int mirror_first_flag(struct mirror_ctx *ctx, pid_t pid);

/* A sum beyond 64 bits is not known either: never a wrapped value. */
static inline unsigned long long mirror_add(unsigned long long a,
					    unsigned long long b)
{
	if (a == MIRROR_UNKNOWN || b == MIRROR_UNKNOWN || a + b < a)
		return MIRROR_UNKNOWN;
	return a + b;
}

static inline unsigned long long mirror_pages_to_bytes(struct mirror_ctx *ctx,
						       unsigned long long p)
{
	if (p == MIRROR_UNKNOWN || p > MIRROR_UNKNOWN / ctx->page_size)
		return MIRROR_UNKNOWN;
	return p * ctx->page_size;
}

#endif /* LIBMIRROR_PRIVATE_H */
