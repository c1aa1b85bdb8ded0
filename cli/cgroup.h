/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup.h - the groups of the cgroup v2 hierarchy that mirror.conf's
 * "unit =" and "cgroup =" entries and 'mirrorctl set --unit/--cgroup'
 * name, and the processes in them: the one code that 'mirrorctl apply',
 * 'mirrorctl set', 'mirrorctl show --cgroup' and mirrord(8) use.
 */
#ifndef MIRROR_CLI_CGROUP_H
#define MIRROR_CLI_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Deepest group looked into below a group (or the hierarchy's root). */
#define CG_DEPTH	32

/*
 * The cgroup v2 hierarchy below 'sysroot' (NULL: the running system):
 * /sys/fs/cgroup, else /sys/fs/cgroup/unified; its path into 'root'.
 * 0, or -ENOENT when there is none.
 */
int cg_hierarchy(const char *sysroot, char *root, size_t len);

/*
 * The group of "cgroup = TARGET" (TARGET as conf.c gives it: "/a/b"
 * below the root): it must be a cgroup inside the hierarchy (a symbolic
 * link may not lead out).  0 and its real path in 'dir', or -errno and in
 * 'why' what is wrong ("no such cgroup", "not a cgroup (no
 * cgroup.procs)", ...), to follow "cgroup TARGET: ".
 */
int cg_group_dir(const char *root, const char *target, char *dir,
		 size_t len, char *why, size_t whylen);

/*
 * The group of unit 'name' (with its suffix): the one directory of that
 * name below the root, the user managers' groups (user@UID.service) not
 * looked into.  1 and its path in 'dir', 0 when there is none (not
 * running), -EEXIST when two groups have that name ('why' names them,
 * below the root, to follow "unit NAME: ").
 */
int cg_unit_dir(const char *root, const char *name, char *dir, size_t len,
		char *why, size_t whylen);

/* Whether systemd has a unit file for 'name' (or for its template). */
bool cg_unit_file_exists(const char *sysroot, const char *name);

/*
 * Call fn(pid, data) for every process of the group at 'dir' and of the
 * groups below it (CG_DEPTH deep at most); a non-zero return stops the
 * walk and is returned.  A group that goes meanwhile has no process
 * left; a cgroup.procs that cannot be read for another reason gives
 * -errno, its path in 'why'.
 */
int cg_foreach_pid(const char *dir, int (*fn)(pid_t pid, void *data),
		   void *data, char *why, size_t whylen);

/*
 * The group of process 'pid' as /proc/PID/cgroup says ("0::/PATH", the
 * v2 line), below 'sysroot': 0 and the path in 'buf', or -errno.
 */
int cg_of_pid(const char *sysroot, pid_t pid, char *buf, size_t len);

#endif /* MIRROR_CLI_CGROUP_H */
