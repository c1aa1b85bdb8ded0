/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - small helpers the command-line tools share.
 */
#ifndef MIRROR_CLI_UTIL_H
#define MIRROR_CLI_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <sys/types.h>

/* Exit codes every tool documents. */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_NOBACKEND	3	/* no mirrored memory on this machine */

/*
 * A size for people: "0", "512K", "1G", "3.9G" (binary units, one decimal
 * when the value is not whole), like util-linux's size_to_human_string().
 */
void size_to_human(unsigned long long bytes, char *buf, size_t len);

/* A size for a table: in bytes or size_to_human(); "-" for MIRROR_UNKNOWN. */
void fmt_size(unsigned long long v, bool bytes, char *buf, size_t len);

/* A count for a table; "-" for MIRROR_UNKNOWN. */
void fmt_count(unsigned long long v, char *buf, size_t len);

/* A whole decimal number in [min, max]; false on anything else. */
bool parse_ulong(const char *s, unsigned long min, unsigned long max,
		 unsigned long *val);

/*
 * A number for an address, a mask or a count: decimal or 0x hex (never
 * octal), nothing before or after it, in [min, max].  The core's parser
 * (mc_number_parse), as the kernel's ranges= uses it.
 */
bool parse_u64(const char *s, unsigned long long min, unsigned long long max,
	       unsigned long long *val);

/*
 * A size: such a number with an optional K, M, G or T (powers of 1024),
 * optionally followed by B or iB ("64M", "64MB", "64MiB"); anything that
 * does not fit in 64 bits is refused, never wrapped.
 */
bool parse_size(const char *s, unsigned long long *val);

/* Seconds as "2", "0.5", "1.25"; false unless finite and in [min, max]. */
bool parse_seconds(const char *s, double min, double max, double *val);

/* "PROG from mirror VERSION" on stdout, exit 0 (-V, --version). */
void __attribute__((noreturn)) print_version(void);

/* An error for people, one line on stderr: "PROG: message". */
void __attribute__((format(printf, 1, 2))) warnx_(const char *fmt, ...);
void vwarnx_(const char *fmt, va_list args);

/* "Try 'PROG --help' ..." on stderr, exit 2: after getopt's own message. */
void __attribute__((noreturn)) usage_hint(void);
/* The "Try 'PROG --help'" line alone, for callers that return their status. */
void try_help(void);

/* 'path' below 'sysroot' (NULL or "/": the running system) into buf. */
int sysroot_path(char *buf, size_t len, const char *sysroot, const char *path);

/*
 * The one reader of small text files (sysfs values, /proc/PID/status)
 * for the tools and the drills: 'path' below 'sysroot' into buf, without
 * trailing newlines.  0 or -errno.
 */
int read_text(const char *sysroot, const char *path, char *buf, size_t len);

/* Write 'text' to a file (below 'sysroot'); 0 or -errno. */
int write_text(const char *sysroot, const char *path, const char *text);

/* Percentage of part in whole, or -1 when whole is 0. */
double percent(unsigned long long part, unsigned long long whole);

/*
 * Put the memory blocks of the physical span [start, end) online, as
 * 'echo online > /sys/devices/system/memory/memoryN/state' does (below
 * 'root' when it is not NULL); blocks already online are left alone.
 * Adds the blocks it onlined to *onlined.  0, or -errno with a one-line
 * reason naming the block in 'why'.
 */
int memory_online(const char *root, unsigned long long start,
		  unsigned long long end, unsigned int *onlined, char *why,
		  size_t whylen);

/*
 * What /proc/PID/status (below 'sysroot') says of a process: -ESRCH
 * none, 'Z' zombie or exiting, 'K' kernel thread, 0 fine; 'comm' gets its
 * name ("?" when unknown).
 */
int proc_state_at(const char *sysroot, pid_t pid, char *comm, size_t len);

/*
 * When the process started (field 22 of /proc/PID/stat, clock ticks after
 * boot): with its PID, it names one process and not a later one that got
 * the PID again.  0 when it cannot be read.
 */
unsigned long long proc_start_time(const char *sysroot, pid_t pid);

/*
 * Tell systemd (Type=notify) that the service is ready, when it asked
 * (NOTIFY_SOCKET); 0 also when it did not, or -errno.
 */
int sd_notify_ready(void);

/*
 * For a long-running command: SIGINT, SIGTERM and SIGHUP go to 'handler'
 * and are blocked but while waiting; 'waiting' gets the mask to wait with
 * (ppoll), so that a signal that comes during work ends the wait after it.
 */
void stop_signals(void (*handler)(int), sigset_t *waiting);

#endif /* MIRROR_CLI_UTIL_H */
