/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf.h - /etc/mirror/mirror.conf (mirror.conf(5)): the one parser of the
 * file that 'mirrorctl apply' (and so mirror.service) reads.  It checks
 * everything that can be checked without looking at the system: sections,
 * keys, values (the module's own range and budget parsers), duplicates
 * and what the entries say about each other.  Whether the units, cgroups,
 * processes and PID files named exist is the caller's to check.
 */
#ifndef MIRROR_CLI_CONF_H
#define MIRROR_CLI_CONF_H

#include <stdbool.h>
#include <stddef.h>

/* Longest line accepted (bytes, without the newline); the module's own. */
#define CONF_LINE_MAX	4096
/* Largest file accepted. */
#define CONF_SIZE_MAX	(1 << 20)
/* Most [flag] entries. */
#define CONF_FLAGS_MAX	1024
/* The kernel keeps this many bytes of a command name (TASK_COMM_LEN - 1). */
#define CONF_COMM_MAX	15

enum conf_mode {
	CONF_MODE_UNSET,	/* neither mode nor ranges: the module decides */
	CONF_MODE_FIRMWARE,
	CONF_MODE_EMULATION,
};

/* What a [flag] entry names. */
enum conf_kind {
	CONF_UNIT,		/* unit = NAME.service */
	CONF_CGROUP,		/* cgroup = /PATH (below the hierarchy's root) */
	CONF_COMMAND,		/* command = COMM */
	CONF_PIDFILE,		/* pidfile = /PATH */
};

struct conf_flag {
	enum conf_kind kind;
	/*
	 * Unit names carry their suffix (".service" added when none was
	 * given), cgroup paths start with '/' and name the group below the
	 * hierarchy's root (a leading /sys/fs/cgroup is dropped).
	 */
	char *target;
	unsigned long long limit;	/* bytes, 0: no limit */
	unsigned int line;
};

/* -1 in a number or switch: not set in the file. */
struct mirror_conf {
	const char *path;		/* as given, for messages */
	enum conf_mode mode;
	char *ranges;			/* [module] ranges, NULL when not set */
	char *budget;			/* [module] budget, NULL when not set */
	int channel;			/* [module] channel */
	int default_mirror;		/* [policy] default_mirror */
	int fallback;			/* [policy] fallback */
	long scrub_interval_ms;		/* [policy] scrub_interval_ms */
	struct conf_flag *flags;	/* [flag] entries, in file order */
	size_t nr_flags;
};

/* What the values are checked against. */
struct conf_env {
	unsigned long page_size;	/* limits are multiples of it */
	unsigned long long range_align;	/* ranges start and size (0: a page) */
};

/* One problem: "PATH:LINE: MSG" is how the tools print it. */
typedef void (*conf_problem_fn)(void *data, const char *path,
				unsigned int line, const char *msg);

/*
 * Parse the whole of 'text' (the contents of 'path') into 'conf', calling
 * 'problem' once per problem found, in line order (the checks of entries
 * against each other come last).  Returns the number of problems (0: the
 * file is good), or -ENOMEM.  Free 'conf' with conf_free() either way.
 */
int conf_parse(struct mirror_conf *conf, const char *path, const char *text,
	       size_t len, const struct conf_env *env, conf_problem_fn problem,
	       void *data);

void conf_free(struct mirror_conf *conf);

/*
 * The module parameters the file sets, as insmod takes them:
 * "ranges=... budget=... channel=N default_mirror=N fallback=N" (each
 * only when set; an empty "ranges=" in firmware mode, so that ranges from
 * modprobe.d cannot turn it into emulation).  Returns the length, like
 * snprintf.
 */
int conf_module_options(const struct mirror_conf *conf, char *buf,
			size_t len);

/*
 * The whole of the file at 'path' (a regular file of CONF_SIZE_MAX bytes
 * at most), NUL-terminated, its length in *len; NULL with a one-line
 * reason naming the file in 'why'.
 */
char *conf_read(const char *path, size_t *len, char *why, size_t whylen);

/* "unit", "cgroup", "command", "pidfile" */
const char *conf_kind_name(enum conf_kind kind);

#endif /* MIRROR_CLI_CONF_H */
