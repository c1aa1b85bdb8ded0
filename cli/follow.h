/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * follow.h - the groups whose processes are kept flagged: the "unit ="
 * and "cgroup =" entries of mirror.conf, and those that 'mirrorctl set
 * --unit/--cgroup' recorded in /run/mirror/cgroups.d/ (one file each, a
 * [flag] section of one entry, read by the same parser).  mirrord(8)
 * follows them; mirrorctl writes, removes and shows them; one code for
 * both.
 */
#ifndef MIRROR_CLI_FOLLOW_H
#define MIRROR_CLI_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

/* Where 'mirrorctl set --unit/--cgroup' records what mirrord follows. */
#define FOLLOW_DIR	"/run/mirror/cgroups.d"
/* Most records read. */
#define FOLLOW_MAX	1024

/* One group followed, and where it is named. */
struct follow_entry {
	enum conf_kind kind;		/* CONF_UNIT or CONF_CGROUP */
	char *target;			/* as conf.c gives it */
	unsigned long long limit;	/* bytes, 0: none */
	char *source;			/* mirror.conf or the record's path */
	unsigned int line;		/* in mirror.conf; 0 for a record */
};

struct follow_list {
	struct follow_entry *e;
	size_t n;
};

/*
 * The one [flag] entry "KIND = TARGET[ limit=LIMIT]" (kind "unit" or
 * "cgroup", as given on a command line) through the parser of
 * mirror.conf: 0 and the entry (target checked, normalized), or the
 * number of problems after calling 'problem' for each ('what' names the
 * input in them), or -ENOMEM.
 */
int follow_parse_one(struct follow_entry *e, enum conf_kind kind,
		     const char *target, unsigned long long limit,
		     const struct conf_env *env, const char *what,
		     conf_problem_fn problem, void *data);

/*
 * The groups to follow: the unit and cgroup entries of mirror.conf at
 * 'conf_path' (its other entries are not groups; a missing file has
 * none), then the records of 'dir' in name order; a group named twice
 * (mirror.conf and a record) is followed as the first names it.  The
 * records below 'sysroot', mirror.conf where 'conf_path' says.  'problem' is called for each problem of the files;
 * a file with problems adds nothing.  0, or -ENOMEM.
 */
int follow_load(struct follow_list *l, const char *sysroot,
		const char *conf_path, const char *dir,
		const struct conf_env *env, conf_problem_fn problem,
		void *data);

void follow_entry_free(struct follow_entry *e);
void follow_free(struct follow_list *l);

/* The entry of 'l' for the same group as 'e', or NULL. */
const struct follow_entry *follow_find(const struct follow_list *l,
				       const struct follow_entry *e);

/*
 * The record of 'e' in 'dir': its path ("unit-NAME.conf",
 * "cgroup-PATH.conf" with '/' written '-' and '-' written "\x2d", as
 * systemd-escape --path does).
 */
void follow_record_path(const char *dir, const struct follow_entry *e,
			char *buf, size_t len);

/*
 * Write the record of 'e' into 'dir' (made when missing), replacing the
 * one there atomically.  0 or -errno.
 */
int follow_record(const char *dir, const struct follow_entry *e);

/* Remove the record of 'e'; 0, -ENOENT when there was none, or -errno. */
int follow_forget(const char *dir, const struct follow_entry *e);

/* "unit NAME.service", "cgroup /PATH" */
void follow_name(const struct follow_entry *e, char *buf, size_t len);

#endif /* MIRROR_CLI_FOLLOW_H */
