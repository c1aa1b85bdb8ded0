/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mirrorctl.h - what mirrorctl's commands share: mirrorctl.c holds the
 * options, the process checks and loading mirror.ko; mirrorctl-apply.c
 * the apply command (mirror.conf), mirrorctl-monitor.c the monitor
 * command (the module's uevents).
 */
#ifndef MIRROR_CLI_MIRRORCTL_H
#define MIRROR_CLI_MIRRORCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "libmirror.h"

#define MODULE_SYS	"/sys/kernel/mm/mirror"

/* -J, --json (before the command, or after it where it applies). */
extern bool json_out;
/* --sysroot, else MIRROR_SYSROOT: where /proc and /sys are read. */
extern const char *sysroot;
/* --sysroot was given (not only MIRROR_SYSROOT). */
extern bool sysroot_option;

/*
 * getopt_long's ':' (missing argument) or '?' (unknown option) for 'cmd'
 * (NULL: before the command) as a usage error.
 */
void __attribute__((noreturn)) bad_option(const char *cmd, int c,
					  char **argv);

/* Refuse -J and --sysroot for a command that acts on the running system. */
void no_json_sysroot(const char *cmd);

/* The page size of the system looked at (the sysroot's too). */
unsigned long page_size(void);

/*
 * What ranges must be aligned to: the memory block size of the system
 * looked at (mirror.ko claims whole blocks), else a pageblock.
 */
unsigned long long ranges_alignment(void);

/*
 * What /proc/PID/status (below the sysroot) says of a process: -ESRCH
 * none, 'Z' zombie or exiting, 'K' kernel thread, 0 fine; 'comm' gets its
 * name ("?" when unknown).
 */
int proc_state(pid_t pid, char *comm, size_t len);

/*
 * Whether 'pid' may be acted on: it exists and, for a change, is not a
 * zombie, a kernel thread or init.  0, or the exit status after one line.
 */
int check_process(pid_t pid, bool change);

/* A libmirror context with the backend loaded; 0 or the exit status. */
int open_ctx(struct mirror_ctx **ctx);

/* Say what libmirror said; the exit status (3 for no backend, else 1). */
int lib_fail(struct mirror_ctx *ctx, int rc);

/*
 * Whether mirror.ko is in the kernel, as libkmod sees it (its init state:
 * live, coming or going); under a sysroot, the tree's own
 * sys/module/mirror/initstate.  'ver' gets its version ("?" unknown).
 */
bool module_is_loaded(char *ver, size_t len);

/*
 * Load mirror.ko through libkmod's probe path, as modprobe does: the
 * installed module for the running kernel (or 'file'), the options of
 * /etc/modprobe.d for mirror followed by 'extra' (later ones win), its
 * blacklist applied, install commands run.  With 'dry_run' only say what
 * would be loaded.  Then the version check (a module of another release
 * is unloaded again).  Prints one line; returns the exit status.
 */
int module_probe(const char *file, const char *extra, bool dry_run);

/*
 * Set (or clear) the flag of these processes as 'mirrorctl set' (clear)
 * does, one line each (JSON with -J); the exit status.
 */
int first_apply_pids(bool set, pid_t *pids, int nr, unsigned long long limit,
		     unsigned int flags);

struct follow_entry;
struct follow_list;
enum conf_kind;

/* --unit or --cgroup ARG (with --limit): checked, or a usage error. */
void group_parse(enum conf_kind kind, const char *arg,
		 unsigned long long limit, struct follow_entry *e);

/*
 * What mirrord follows (mirror.conf and the records, below the sysroot)
 * into 'l', and in *by the entry of it for the group of 'e' (NULL: not
 * followed).  0 or the exit status; follow_free(l) either way.
 */
int group_followed(const struct follow_entry *e, struct follow_list *l,
		   const struct follow_entry **by);

/* Who makes mirrord follow it: "FILE:LINE", the record's path, or "no". */
void group_by(const struct follow_entry *by, char *buf, size_t len);

/*
 * The group of 'e' (its path in 'dir', "" for a unit not running) and
 * its processes (malloc'ed).  0, or the exit status after one line.
 */
int group_pids(const struct follow_entry *e, char *dir, size_t len,
	       pid_t **pids, int *nr);

/*
 * set/clear --unit/--cgroup: flag (clear) the processes of the group
 * now and record it for mirrord (remove the record).
 */
int group_set_clear(bool set, enum conf_kind kind, const char *arg,
		    unsigned long long limit, unsigned int flags);

int cmd_apply(int argc, char **argv);
int cmd_monitor(int argc, char **argv);

#endif /* MIRROR_CLI_MIRRORCTL_H */
