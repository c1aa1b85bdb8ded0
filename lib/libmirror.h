/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmirror - read and control partially mirrored memory.
 *
 * One context object (struct mirror_ctx) holds everything: the backend that
 * serves the data (mirror.ko's sysfs tree, mainline kernelcore=mirror, or
 * openEuler's memory reliable), the mirror zones and NUMA nodes it found,
 * the policies it can change, and the log settings.  Zones, nodes and
 * policies belong to the context and live as long as it does.
 *
 * Counters a backend does not provide read as MIRROR_UNKNOWN, never as 0.
 * Functions that can fail return 0 or a negative errno; the last error is
 * kept, as one line naming the file and the problem, for
 * mirror_get_last_error().
 */
#ifndef LIBMIRROR_H
#define LIBMIRROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A counter the backend does not provide. */
#define MIRROR_UNKNOWN		(~0ULL)

/* Orders of the buddy free-block counts in zones/zoneN/free_blocks. */
#define MIRROR_NR_ORDERS	11

struct mirror_ctx;
struct mirror_zone;
struct mirror_node;
struct mirror_policy;
struct mirror_proc;

/* ---- context ----------------------------------------------------------- */

/*
 * Create a context.  Reads MIRROR_LOG (err, info, debug or a syslog
 * number), MIRROR_SYSROOT (a directory holding a captured sys/ and proc/)
 * and MIRROR_BACKEND (auto, module, kernelcore, reliable).  Nothing is read
 * from the system until mirror_load().
 */
int mirror_new(struct mirror_ctx **ctx);
struct mirror_ctx *mirror_ref(struct mirror_ctx *ctx);
struct mirror_ctx *mirror_unref(struct mirror_ctx *ctx);

typedef void (*mirror_log_fn)(struct mirror_ctx *ctx, int priority,
			      const char *file, int line, const char *fn,
			      const char *format, va_list args);
/* The default writes "libmirror: fn: message" to stderr. */
void mirror_set_log_fn(struct mirror_ctx *ctx, mirror_log_fn log_fn);
int mirror_get_log_priority(struct mirror_ctx *ctx);
/* syslog priorities: LOG_ERR (3, the default), LOG_INFO (6), LOG_DEBUG (7). */
void mirror_set_log_priority(struct mirror_ctx *ctx, int priority);
void mirror_set_userdata(struct mirror_ctx *ctx, void *userdata);
void *mirror_get_userdata(struct mirror_ctx *ctx);

/* The last error as one line ("" when none). */
const char *mirror_get_last_error(struct mirror_ctx *ctx);

/*
 * Read the system below 'dir' instead of "/" (NULL or "" or "/" for the
 * real system).  Only before mirror_load(); -EBUSY after, -ENOTDIR when
 * 'dir' is not a directory.
 */
int mirror_set_sysroot(struct mirror_ctx *ctx, const char *dir);
const char *mirror_get_sysroot(struct mirror_ctx *ctx);

/*
 * Force a backend: "auto" (the default), "module", "kernelcore" or
 * "reliable".  -EINVAL for any other name, -EBUSY after mirror_load().
 */
int mirror_set_backend(struct mirror_ctx *ctx, const char *name);

/*
 * Find the backend and read every zone and node.  -ENODEV when no backend
 * applies (mirror_get_last_error() names what was checked), -EINVAL or
 * -EIO when a file is missing, truncated or garbled (the error names it).
 * Nothing is half loaded: on error the context has no zones.
 */
int mirror_load(struct mirror_ctx *ctx);

/*
 * Re-read the counters.  Zone and node objects stay valid.  -ESTALE when
 * the layout changed (a module reload): create a new context then.
 */
int mirror_refresh(struct mirror_ctx *ctx);

/* "module", "kernelcore", "reliable"; NULL before mirror_load(). */
const char *mirror_get_backend_name(struct mirror_ctx *ctx);
/* One line describing the backend, e.g. "mirror.ko 0.1.0 (emulation)". */
const char *mirror_get_backend_description(struct mirror_ctx *ctx);
/* mirror.ko only; NULL or 0 otherwise. */
const char *mirror_get_module_version(struct mirror_ctx *ctx);
const char *mirror_get_module_mode(struct mirror_ctx *ctx);
unsigned int mirror_get_abi_version(struct mirror_ctx *ctx);

unsigned long mirror_get_page_size(struct mirror_ctx *ctx);
unsigned int mirror_get_nr_zones(struct mirror_ctx *ctx);
unsigned int mirror_get_nr_nodes(struct mirror_ctx *ctx);

/* Whole-system totals in bytes (sums over zones unless the backend says). */
unsigned long long mirror_get_total_bytes(struct mirror_ctx *ctx);
unsigned long long mirror_get_used_bytes(struct mirror_ctx *ctx);
unsigned long long mirror_get_free_bytes(struct mirror_ctx *ctx);
unsigned long long mirror_get_allocs(struct mirror_ctx *ctx);
/* Requests served from ordinary memory (all nodes). */
unsigned long long mirror_get_fallbacks(struct mirror_ctx *ctx);
unsigned long long mirror_get_failovers(struct mirror_ctx *ctx);
/* mirror.ko only: frees it refused, ordinary memory out through its API. */
unsigned long long mirror_get_bad_frees(struct mirror_ctx *ctx);
unsigned long long mirror_get_ordinary_bytes(struct mirror_ctx *ctx);
/* openEuler memory reliable only (/proc/meminfo), bytes. */
unsigned long long mirror_get_task_used_bytes(struct mirror_ctx *ctx);
unsigned long long mirror_get_buddy_bytes(struct mirror_ctx *ctx);
unsigned long long mirror_get_shmem_bytes(struct mirror_ctx *ctx);
unsigned long long mirror_get_pagecache_bytes(struct mirror_ctx *ctx);

/* ---- zones ------------------------------------------------------------- */

struct mirror_zone *mirror_zone_get_first(struct mirror_ctx *ctx);
struct mirror_zone *mirror_zone_get_next(struct mirror_zone *zone);
#define mirror_zone_foreach(ctx, zone) \
	for (zone = mirror_zone_get_first(ctx); zone != NULL; \
	     zone = mirror_zone_get_next(zone))

struct mirror_ctx *mirror_zone_get_ctx(struct mirror_zone *zone);
struct mirror_node *mirror_zone_get_node(struct mirror_zone *zone);
unsigned int mirror_zone_get_id(struct mirror_zone *zone);
/* "zone0" (mirror.ko) or the kernel zone name ("DMA32", "Normal"). */
const char *mirror_zone_get_name(struct mirror_zone *zone);
int mirror_zone_get_node_id(struct mirror_zone *zone);
/*
 * Physical span, bytes; end is exclusive (one past the last byte), as
 * every end in the library; the tools print the last byte, end - 1.
 */
unsigned long long mirror_zone_get_start(struct mirror_zone *zone);
unsigned long long mirror_zone_get_end(struct mirror_zone *zone);
unsigned long long mirror_zone_get_span(struct mirror_zone *zone);
/* Pages that can be handed out (mirror.ko: present; kernel: managed). */
unsigned long long mirror_zone_get_pages_total(struct mirror_zone *zone);
unsigned long long mirror_zone_get_pages_free(struct mirror_zone *zone);
unsigned long long mirror_zone_get_pages_used(struct mirror_zone *zone);
unsigned long long mirror_zone_get_pages_present(struct mirror_zone *zone);
/*
 * Fixed when the zone was set up, so read on first use (MIRROR_UNKNOWN,
 * with the last error set, when that read fails).  The kernel backends
 * give the zone's spanned pages as "requested".
 */
unsigned long long mirror_zone_get_pages_requested(struct mirror_zone *zone);
unsigned long long mirror_zone_get_blocks_unclaimed(struct mirror_zone *zone);
unsigned long long mirror_zone_get_allocs(struct mirror_zone *zone);
unsigned long long mirror_zone_get_frees(struct mirror_zone *zone);
/* Times the zone was tried and full: the request moved on. */
unsigned long long mirror_zone_get_alloc_failures(struct mirror_zone *zone);
unsigned long long mirror_zone_get_failovers(struct mirror_zone *zone);
/* Frees of pages in the zone that were refused (double, wrong order...). */
unsigned long long mirror_zone_get_bad_frees(struct mirror_zone *zone);
/* 1 from an allocation failure until the zone recovers, else 0. */
unsigned long long mirror_zone_get_exhausted(struct mirror_zone *zone);
/* Free blocks of one buddy order (0..MIRROR_NR_ORDERS-1); read on demand. */
unsigned long long mirror_zone_get_free_blocks(struct mirror_zone *zone,
					       unsigned int order);
/*
 * The occupied pfn runs, read on demand: calls 'fn' once per run
 * [start_pfn, end_pfn).  Stops and returns fn's value when it is non-zero.
 * -EOPNOTSUPP when the backend has no such list.
 */
int mirror_zone_occupied_foreach(struct mirror_zone *zone,
				 int (*fn)(unsigned long long start_pfn,
					   unsigned long long end_pfn,
					   void *arg),
				 void *arg);

/* ---- nodes ------------------------------------------------------------- */

struct mirror_node *mirror_node_get_first(struct mirror_ctx *ctx);
struct mirror_node *mirror_node_get_next(struct mirror_node *node);
#define mirror_node_foreach(ctx, node) \
	for (node = mirror_node_get_first(ctx); node != NULL; \
	     node = mirror_node_get_next(node))

struct mirror_zone *mirror_node_zone_get_first(struct mirror_node *node);
struct mirror_zone *mirror_node_zone_get_next(struct mirror_zone *zone);
#define mirror_node_zone_foreach(node, zone) \
	for (zone = mirror_node_zone_get_first(node); zone != NULL; \
	     zone = mirror_node_zone_get_next(zone))

struct mirror_node *mirror_node_get_by_id(struct mirror_ctx *ctx, int id);
struct mirror_ctx *mirror_node_get_ctx(struct mirror_node *node);
int mirror_node_get_id(struct mirror_node *node);
unsigned int mirror_node_get_nr_zones(struct mirror_node *node);
unsigned long long mirror_node_get_pages_total(struct mirror_node *node);
unsigned long long mirror_node_get_pages_free(struct mirror_node *node);
unsigned long long mirror_node_get_pages_used(struct mirror_node *node);
unsigned long long mirror_node_get_allocs_local(struct mirror_node *node);
unsigned long long mirror_node_get_allocs_remote(struct mirror_node *node);
unsigned long long mirror_node_get_fallback_exhausted(struct mirror_node *node);
unsigned long long mirror_node_get_fallback_constraint(struct mirror_node *node);
unsigned long long mirror_node_get_failed(struct mirror_node *node);
/* Requests without mirror preference, served from ordinary memory. */
unsigned long long mirror_node_get_allocs_ordinary(struct mirror_node *node);
/* Sum of its zones' failovers; unknown when any zone lacks them or
 * the node has no zone. */
unsigned long long mirror_node_get_failovers(struct mirror_node *node);
/* All memory of the node (MemTotal of its meminfo), bytes. */
unsigned long long mirror_node_get_memory_bytes(struct mirror_node *node);

/* ---- policies ---------------------------------------------------------- */

enum mirror_policy_type {
	MIRROR_POLICY_BOOL,	/* 0 or 1 */
	MIRROR_POLICY_BYTES,	/* a size in bytes */
	MIRROR_POLICY_MASK,	/* a bit mask */
};

struct mirror_policy *mirror_policy_get_first(struct mirror_ctx *ctx);
struct mirror_policy *mirror_policy_get_next(struct mirror_policy *policy);
#define mirror_policy_foreach(ctx, policy) \
	for (policy = mirror_policy_get_first(ctx); policy != NULL; \
	     policy = mirror_policy_get_next(policy))

struct mirror_policy *mirror_policy_get_by_name(struct mirror_ctx *ctx,
						const char *name);
const char *mirror_policy_get_name(struct mirror_policy *policy);
const char *mirror_policy_get_description(struct mirror_policy *policy);
/* The file behind it, below the sysroot. */
const char *mirror_policy_get_path(struct mirror_policy *policy);
enum mirror_policy_type mirror_policy_get_type(struct mirror_policy *policy);
/*
 * A MIRROR_POLICY_BYTES limit that does not limit: the kernel's ULONG_MAX.
 * A policy value is never "unknown": a value that cannot be read is an
 * error of mirror_policy_get_value(), so MIRROR_NO_LIMIT, although it has
 * the bits of MIRROR_UNKNOWN, always means "no limit" there.
 */
#define MIRROR_NO_LIMIT		(~0ULL)

/*
 * Read the current value from the system: 0, or a negative errno (the
 * value unknown) with the last error naming the file.
 */
int mirror_policy_get_value(struct mirror_policy *policy,
			    unsigned long long *value);
/* -EINVAL for a value the type does not allow; nothing written then. */
int mirror_policy_set_value(struct mirror_policy *policy,
			    unsigned long long value);

/* ---- processes --------------------------------------------------------- */

enum mirror_proc_source {
	MIRROR_PROC_PAGEMAP,	/* resident pages classified by /proc/PID/pagemap */
	MIRROR_PROC_STATUS,	/* the backend's counter (/proc/PID/status) */
};

/*
 * Measure one process.  -ESRCH when it does not exist, -EPERM when its
 * page frame numbers are hidden (pagemap needs CAP_SYS_ADMIN), -ENODEV
 * before a successful mirror_load().  Free with mirror_proc_free().
 */
int mirror_proc_new(struct mirror_ctx *ctx, pid_t pid,
		    struct mirror_proc **proc);
void mirror_proc_free(struct mirror_proc *proc);

/*
 * Measure every process in /proc, keeping them in the context (replacing
 * an earlier scan).  Processes that exit meanwhile and kernel threads are
 * left out, and so, for root, are processes the kernel will not let it
 * read; anyone else gets -EPERM: the list needs root.
 */
int mirror_proc_scan(struct mirror_ctx *ctx);
struct mirror_proc *mirror_proc_get_first(struct mirror_ctx *ctx);
struct mirror_proc *mirror_proc_get_next(struct mirror_proc *proc);
#define mirror_proc_foreach(ctx, proc) \
	for (proc = mirror_proc_get_first(ctx); proc != NULL; \
	     proc = mirror_proc_get_next(proc))

pid_t mirror_proc_get_pid(struct mirror_proc *proc);
const char *mirror_proc_get_comm(struct mirror_proc *proc);
enum mirror_proc_source mirror_proc_get_source(struct mirror_proc *proc);
unsigned long long mirror_proc_get_resident_bytes(struct mirror_proc *proc);
unsigned long long mirror_proc_get_mirror_bytes(struct mirror_proc *proc);
unsigned long long mirror_proc_get_other_bytes(struct mirror_proc *proc);
/* 1 or 0 when the backend shows the process's mirror flag, else -1. */
int mirror_proc_get_mirror_first(struct mirror_proc *proc);

/* ---- memory types and the energy table (mirror.ko) --------------------- */

/*
 * Technology-aware page fill: mirror.ko maps physical ranges to memory
 * names (PCM, DRAM, ...) and keeps an energy table (memory name -> cost of
 * writing a 0 and a 1 bit); each page a mirror zone hands out holds the
 * cheaper bit.  These functions read /sys/kernel/mm/mirror/memtypes/
 * below the sysroot and need no mirror_load(); -ENODEV when mirror.ko is
 * not loaded.  Energies are integer milli-picojoules per bit.
 */
struct mirror_energy;
struct mirror_memmap;

/*
 * Parse a table in the module's text format ("name write0_pj write1_pj
 * [source]" per line), with the parser mirror.ko itself uses.  On error
 * (-EINVAL, -ERANGE, -E2BIG) the last error says "line N: problem".
 */
int mirror_energy_parse(struct mirror_ctx *ctx, const char *text, size_t len,
			struct mirror_energy **table);
/* The built-in table (DRAM, PCM, RRAM, STT-MRAM, each with its source). */
int mirror_energy_new_default(struct mirror_ctx *ctx,
			      struct mirror_energy **table);
/* The table mirror.ko uses now. */
int mirror_energy_read(struct mirror_ctx *ctx, struct mirror_energy **table);
/*
 * Check 'text' as a whole, then hand it to mirror.ko.  Nothing is written
 * when it does not parse; the module refuses (-EINVAL, nothing changed) a
 * table without an entry for a memory type in use.
 */
int mirror_energy_load(struct mirror_ctx *ctx, const char *text, size_t len);
void mirror_energy_free(struct mirror_energy *table);
unsigned int mirror_energy_get_nr(struct mirror_energy *table);
/* Entry i (0 .. nr-1); NULL / MIRROR_UNKNOWN / -EINVAL past the end. */
const char *mirror_energy_get_name(struct mirror_energy *table, unsigned int i);
const char *mirror_energy_get_source(struct mirror_energy *table,
				     unsigned int i);
unsigned long long mirror_energy_get_write0_mpj(struct mirror_energy *table,
						unsigned int i);
unsigned long long mirror_energy_get_write1_mpj(struct mirror_energy *table,
						unsigned int i);
/* The cheaper bit to fill with, 0 or 1 (a tie gives 0). */
int mirror_energy_get_fill_bit(struct mirror_energy *table, unsigned int i);
/* Index of the entry called 'name' (any case), or -ENOENT. */
int mirror_energy_find(struct mirror_energy *table, const char *name);
/* The table as text; returns the length needed, like snprintf. */
int mirror_energy_format(struct mirror_energy *table, char *buf, size_t len);

enum mirror_memtype_counter {
	MIRROR_MEMTYPE_ALLOC_ZERO_PAGES,	/* pages handed out holding zeros */
	MIRROR_MEMTYPE_ALLOC_ONE_PAGES,		/* ... holding ones */
	MIRROR_MEMTYPE_WRITE_ZERO_PAGES,	/* pages written with zeros */
	MIRROR_MEMTYPE_WRITE_ONE_PAGES,		/* ... with ones */
	MIRROR_MEMTYPE_SCRUB_PAGES,		/* freed pages scrubbed */
	MIRROR_MEMTYPE_ENERGY_MPJ,		/* energy of those writes */
	MIRROR_MEMTYPE_ENERGY_OTHER_MPJ,	/* same writes, other pattern */
	MIRROR_MEMTYPE_NR_COUNTERS,
};

/*
 * The map: System RAM in address order, split where the memory type, the
 * node or mirroring changes, plus the memory types in use and their fill
 * counters.  A snapshot: read again for new counters.
 */
int mirror_memmap_read(struct mirror_ctx *ctx, struct mirror_memmap **map);
void mirror_memmap_free(struct mirror_memmap *map);
unsigned int mirror_memmap_get_nr_ranges(struct mirror_memmap *map);
/* Range i: [start, end) in bytes, memory name, node (-1: offline). */
unsigned long long mirror_memmap_range_get_start(struct mirror_memmap *map,
						 unsigned int i);
unsigned long long mirror_memmap_range_get_end(struct mirror_memmap *map,
					       unsigned int i);
const char *mirror_memmap_range_get_type(struct mirror_memmap *map,
					 unsigned int i);
int mirror_memmap_range_get_node(struct mirror_memmap *map, unsigned int i);
bool mirror_memmap_range_is_mirrored(struct mirror_memmap *map,
				     unsigned int i);
/* Index of the range holding physical address 'addr'; -ENOENT outside RAM. */
int mirror_memmap_find(struct mirror_memmap *map, unsigned long long addr);
/* The memory type of System RAM that memtypes= does not name ("DRAM"). */
const char *mirror_memmap_get_default_type(struct mirror_memmap *map);
unsigned int mirror_memmap_get_nr_types(struct mirror_memmap *map);
const char *mirror_memmap_type_get_name(struct mirror_memmap *map,
					unsigned int i);
/* Index of the type called 'name' (any case), or -ENOENT. */
int mirror_memmap_type_find(struct mirror_memmap *map, const char *name);
/* The pattern its pages get now: 0 or 1. */
int mirror_memmap_type_get_fill_bit(struct mirror_memmap *map, unsigned int i);
unsigned long long mirror_memmap_type_get_counter(struct mirror_memmap *map,
						  unsigned int i,
						  enum mirror_memtype_counter c);

/*
 * The page frame numbers of 'n' pages of process 'pid' from virtual
 * address 'vaddr' on (/proc/PID/pagemap below the sysroot; no
 * mirror_load() needed): pfns[i] is 0 for a page not in memory.  -ESRCH:
 * no such process; -EPERM: the frame numbers are hidden (every present
 * page shows 0: reading them needs CAP_SYS_ADMIN); -EIO: the range runs
 * past the end of the address space.
 */
int mirror_proc_get_pfns(struct mirror_ctx *ctx, pid_t pid,
			 unsigned long long vaddr, size_t n,
			 unsigned long long *pfns);

/*
 * The physical address behind virtual address 'vaddr' of process 'pid'
 * (/proc/PID/maps and pagemap below the sysroot).  -ESRCH: no such
 * process; -ENXIO: not mapped, or mapped but not in memory; -EPERM: the
 * page frame numbers are hidden (pagemap needs CAP_SYS_ADMIN).
 */
int mirror_virt_to_phys(struct mirror_ctx *ctx, pid_t pid,
			unsigned long long vaddr, unsigned long long *paddr);

/* ---- the emulated mirror channel (mirror.ko, emulation mode) ----------- */

/*
 * In emulation mode mirror.ko plays the memory controller: each zone page
 * has a mirror copy, an injected error corrupts the primary copy of one
 * 64-bit word and latches an uncorrectable error, and the scrub (patrol
 * or on demand) finds it and restores the word from the copy: a failover.
 * These read and write /sys/kernel/mm/mirror/channel/ and debugfs below
 * the sysroot and need no mirror_load().  -ENODEV: mirror.ko is not
 * loaded; -EOPNOTSUPP: it has no channel (firmware mode, channel=0).
 *
 * The structures the library fills (mirror_channel_info,
 * mirror_first_info) begin with 'size', which the caller sets to
 * sizeof the structure it was built with, so that members can be added
 * at the end without breaking older callers: the library writes at most
 * that many bytes, and on return 'size' is how many it wrote (the smaller
 * of the caller's and its own), so a member was filled when
 * offsetof(type, member) + sizeof(member) <= size.  A size smaller than
 * the member itself is -EINVAL.
 */
struct mirror_channel_info {
	size_t size;				/* set by the caller, see above */
	unsigned long long copy_bytes;		/* memory of the mirror copies */
	unsigned long long injected;		/* errors injected */
	unsigned long long latched;		/* injected, not found yet */
	unsigned long long overwritten;		/* rewritten by the owner first */
	unsigned long long failovers;		/* found and restored */
	unsigned long long scrubs;		/* scrub passes */
	unsigned long long pages_scrubbed;	/* pages compared */
	unsigned long long pages_synced;	/* copies brought in step */
	unsigned long long last_scrub_us;	/* duration of the last pass */
	unsigned long long scrub_interval_ms;	/* patrol period, 0: off */
};

#define MIRROR_CHANNEL_INTERVAL_MIN	10
#define MIRROR_CHANNEL_INTERVAL_MAX	3600000

int mirror_channel_read(struct mirror_ctx *ctx,
			struct mirror_channel_info *info);
/* The patrol scrub period: 0 (off) or 10..3600000 ms. */
int mirror_channel_set_interval(struct mirror_ctx *ctx, unsigned int ms);
/* One full scrub pass now; returns when it is done. */
int mirror_channel_scrub(struct mirror_ctx *ctx);
/*
 * Flip the bits 'mask' of the 64-bit word at physical address 'paddr'
 * (8-byte aligned) in the primary copy and latch an error on its page.
 * -ERANGE: not a claimed page of a mirror zone; -EBUSY: the page already
 * has a latched error; -EINVAL: unaligned address or an empty mask.
 */
int mirror_channel_inject(struct mirror_ctx *ctx, unsigned long long paddr,
			  unsigned long long mask);

/* ---- MIRROR_FIRST processes --------------------------------------------- */

/*
 * The flag of a process (thread group) and, on mirror.ko, what it has.
 * Sizes in bytes, counts in pages; MIRROR_UNKNOWN where the backend does
 * not count (memory reliable shows only the flag).
 */
struct mirror_first_info {
	size_t size;			/* set by the caller, as for the channel */
	pid_t pid;			/* the process the call acted on */
	int mirror_first;		/* 1 or 0 */
	int inherited;			/* 1: from its parent at fork */
	unsigned long long limit_bytes;	/* 0: no limit */
	unsigned long long mirror_bytes;	/* resident anonymous, mirrored */
	unsigned long long ordinary_bytes;	/* resident anonymous, elsewhere */
	unsigned long long pages_migrated;	/* moved in since the flag was set */
	unsigned long long pages_failed;	/* had a mirror page, did not move */
	unsigned long long pages_shortfall;	/* found no mirror page */
	unsigned long long pages_returned;	/* moved back out */
	unsigned long long pages_moved;		/* moved by this call */
};

#define MIRROR_FIRST_NOMOVE	0x1u	/* set: move nothing now */
#define MIRROR_FIRST_MOVE_BACK	0x2u	/* clear: move mirrored pages out */

/*
 * -ESRCH no such process (or exiting), -EINVAL kernel thread or init,
 * -EPERM not root, -ENODEV no control interface, -EOPNOTSUPP the backend
 * cannot (kernelcore; migrations and limits on memory reliable), -EBUSY
 * moving a flagged process to ordinary memory.  'info' (the state after
 * the call) may be NULL; a size in it that is too small is -EINVAL
 * before anything is done.
 */
int mirror_first_set(struct mirror_ctx *ctx, pid_t pid,
		     unsigned long long limit_bytes, unsigned int flags,
		     struct mirror_first_info *info);
int mirror_first_clear(struct mirror_ctx *ctx, pid_t pid, unsigned int flags,
		       struct mirror_first_info *info);
int mirror_first_get(struct mirror_ctx *ctx, pid_t pid,
		     struct mirror_first_info *info);
int mirror_first_migrate(struct mirror_ctx *ctx, pid_t pid, bool to_mirror,
			 struct mirror_first_info *info);

#ifdef __cplusplus
}
#endif

#endif /* LIBMIRROR_H */
