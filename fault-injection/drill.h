/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * drill.h - mirror-drill's pieces: the options, the report every scenario
 * fills in, the victim process, /proc helpers and the clean-up record that Ctrl-C and every exit path run.
 */
#ifndef MIRROR_DRILL_H
#define MIRROR_DRILL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "uevent.h"
#include "util.h"

struct mirror_ctx;

/* Exit codes (mirror-drill(8)). */
#define DRILL_EXIT_PASS		0	/* every check passed */
#define DRILL_EXIT_FAIL		1	/* a check failed */
#define DRILL_EXIT_USAGE	2	/* bad command line, or a refusal */
#define DRILL_EXIT_CANNOT	3	/* this machine cannot run the drill */
#define DRILL_EXIT_BUSY		4	/* another drill is running */
#define DRILL_EXIT_INTERRUPTED	130	/* Ctrl-C: cleaned up, no verdict */

/* The page size of the running system (drills run on the real machine). */
unsigned long drill_page_size(void);
#define DRILL_PAGE_SIZE		drill_page_size()

enum drill_repair {
	DRILL_REPAIR_KERNEL,	/* report each error through memory_failure() */
	DRILL_REPAIR_SCRUB,	/* an on-demand scrub right after injecting */
	DRILL_REPAIR_PATROL,	/* wait for the patrol scrub */
};

/* hwpoison_inject's debugfs directory (the kernel's own injector). */
#define HWPOISON_DIR	"/sys/kernel/debug/hwpoison"

/*
 * Make sure hwpoison_inject's files are there, loading it through libkmod
 * when they are not.  0 or -errno.
 */
int need_hwpoison(void);

enum drill_method {
	DRILL_METHOD_MADVISE,	/* the victim: madvise(MADV_HWPOISON) */
	DRILL_METHOD_CORRUPT_PFN, /* debugfs hwpoison/corrupt-pfn */
};

enum drill_format {
	DRILL_FORMAT_HUMAN,
	DRILL_FORMAT_JSON,
	DRILL_FORMAT_TAP,
	DRILL_FORMAT_PROMETHEUS,
};

struct drill_opts {
	unsigned long pages;		/* pages to corrupt (or to fill-check) */
	bool pages_set;
	unsigned long long size;	/* the victim's data, bytes */
	pid_t pid;			/* failover: an existing victim, or 0 */
	unsigned long long mask;	/* bits to flip, 0: one random bit */
	enum drill_repair repair;
	enum drill_method method;
	unsigned long rounds;
	double duration;		/* seconds of rounds (soak), 0: none */
	double timeout;			/* seconds to wait for an outcome */
	unsigned long long addr;	/* hardware: physical address */
	bool have_addr;
	bool confirm;
	enum drill_format format;
	const char *sysroot;
};

/* ---- report.c ----------------------------------------------------------- */

struct drill_check {
	char *name;
	bool ok;
	char *detail;
};

struct drill_report {
	const char *scenario;
	struct drill_check *checks;
	size_t nr_checks;
	size_t cap;
	char **notes;			/* steps, for people, in order */
	size_t nr_notes;
	json_t *metrics;		/* figures measured, by name */
};

void report_init(struct drill_report *r, const char *scenario);
void report_free(struct drill_report *r);
/* Record one check; returns 'ok'. */
bool report_check(struct drill_report *r, bool ok, const char *name,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void report_note(struct drill_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void report_metric_int(struct drill_report *r, const char *key, long long v);
void report_metric_real(struct drill_report *r, const char *key, double v);
void report_metric_str(struct drill_report *r, const char *key,
		       const char *v);
bool report_passed(const struct drill_report *r);
/* Print the reports in 'format'; 'contrast' (JSON, may be NULL) for 'all'. */
void report_print(struct drill_report *reports, size_t n,
		  enum drill_format format, json_t *contrast);

/* ---- victim.c: a child that holds known data and checks it itself ------- */

struct victim {
	pid_t pid;
	int cmd_fd;			/* commands to the victim */
	int ans_fd;			/* its answers */
	unsigned long long addr;	/* its data: [addr, addr + len) */
	size_t len;
};

/*
 * Start a victim holding 'len' bytes of known data in anonymous memory;
 * returns 0 or -errno with a message printed.
 */
int victim_start(struct victim *v, size_t len);
/*
 * Send one command line and wait (at most 'timeout' s) for its one-line
 * answer.  Commands: "check" -> "bad_pages= bad_words= lost= code=
 * signals=", "poison IDX..." -> "poisoned= errno=", "exit".
 */
int victim_cmd(struct victim *v, const char *cmd, char *ans, size_t len,
	       double timeout);
/* KEY=VALUE from an answer, or -1. */
long long victim_val(const char *ans, const char *key);
/* Ask it to exit, then reap it; returns its wait status, or -1. */
int victim_stop(struct victim *v);
/* Whether the victim is still running (not exited, not killed). */
bool victim_alive(struct victim *v, int *status);

/*
 * ---- procmem.c: what a process has where --------------------------------
 * (its page frame numbers: libmirror's mirror_proc_get_pfns())
 */

/* Private anonymous writable mappings of 'pid': calls fn for each. */
int proc_anon_maps(const char *sysroot, pid_t pid,
		   int (*fn)(unsigned long long start, unsigned long long end,
			     void *arg), void *arg);
/* Read or write a process's memory through /proc/PID/mem. */
int proc_mem_read(pid_t pid, unsigned long long vaddr, void *buf, size_t len);
/* /proc/meminfo "Key: N kB" in bytes, or -errno. */
long long proc_meminfo(const char *sysroot, const char *key);
/* Whether 'pid' exists and is not a zombie. */
bool proc_running(const char *sysroot, pid_t pid);
/* sysroot_path(), read_text(), write_text(): cli/util.h. */

/* mirror.ko's uevents: cli/uevent.h (struct uevent_listener). */

/* ---- mirror-drill.c: shared by the scenarios ---------------------------- */

/* Set by SIGINT/SIGTERM: every wait returns early, clean-up runs. */
extern volatile sig_atomic_t drill_interrupted;

/*
 * What has to be undone however the drill ends: the victim, pages the
 * kernel poisoned, the patrol interval and energy table it changed, a
 * MIRROR_FIRST flag it set on someone else's process.
 */
struct drill_cleanup {
	struct mirror_ctx *ctx;
	struct victim *victim;
	unsigned long long *poisoned;	/* pfns */
	size_t nr_poisoned;
	long long saved_interval;	/* -1: not changed */
	char *saved_table;		/* energy table text, or NULL */
	pid_t flagged_pid;		/* 0: none */
};
extern struct drill_cleanup drill_cleanup;

/* Run (and forget) everything drill_cleanup records. */
void drill_cleanup_run(void);

/* Seconds since some fixed point (CLOCK_MONOTONIC). */
double drill_now(void);
/* Sleep 's' seconds unless interrupted; false when interrupted. */
bool drill_sleep(double s);

/* The mirror zone holding physical address 'paddr', or -1. */
int drill_zone_of(struct mirror_ctx *ctx, unsigned long long paddr);

/* The scenarios: each fills 'r' and returns an exit code. */
int drill_failover(struct mirror_ctx *ctx, const struct drill_opts *o,
		   struct drill_report *r);
int drill_control(struct mirror_ctx *ctx, const struct drill_opts *o,
		  struct drill_report *r);
int drill_fill(struct mirror_ctx *ctx, const struct drill_opts *o,
	       struct drill_report *r);
int drill_hardware(struct mirror_ctx *ctx, const struct drill_opts *o,
		   struct drill_report *r);


#endif /* MIRROR_DRILL_H */
