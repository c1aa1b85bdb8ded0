// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * follow.c - the groups mirrord follows: mirror.conf's and the records of
 * 'mirrorctl set --unit/--cgroup' (see follow.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"
#include "output.h"
#include "util.h"

void follow_entry_free(struct follow_entry *e)
{
	free(e->target);
	free(e->source);
	e->target = e->source = NULL;
}

void follow_free(struct follow_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		follow_entry_free(&l->e[i]);
	free(l->e);
	l->e = NULL;
	l->n = 0;
}

void follow_name(const struct follow_entry *e, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s", conf_kind_name(e->kind), e->target);
}

const struct follow_entry *follow_find(const struct follow_list *l,
				       const struct follow_entry *e)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->e[i].kind == e->kind && !strcmp(l->e[i].target, e->target))
			return &l->e[i];
	return NULL;
}

/* The entry text of a record, as mirror.conf would have it. */
static void entry_text(enum conf_kind kind, const char *target,
		       unsigned long long limit, char *buf, size_t len)
{
	int n = snprintf(buf, len, "[flag]\n%s = %s", conf_kind_name(kind),
			 target);

	if (limit && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " limit=%llu", limit);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "\n");
}

/*
 * Add the unit and cgroup entries of the file at 'path' (read at 'real'),
 * 'record' when it is one of 'mirrorctl set'.  0, 1 when the file had
 * problems (said), or -ENOMEM.
 */
static int load_file(struct follow_list *l, const char *path,
		     const char *real, bool record, const struct conf_env *env,
		     conf_problem_fn problem, void *data)
{
	struct mirror_conf conf;
	struct follow_entry *ne;
	char why[PATH_MAX + 64], *text;
	size_t len, i;
	int rc;

	text = conf_read(real, &len, why, sizeof(why));
	if (!text) {
		if (errno == ENOENT && !record)
			return 0;
		problem(data, path, 0, why + (strncmp(why, real, strlen(real)) ?
					      0 : strlen(real) + 2));
		return 1;
	}
	rc = conf_parse(&conf, path, text, len, env, problem, data);
	free(text);
	if (rc) {
		conf_free(&conf);
		return rc < 0 ? rc : 1;
	}
	if (record && (conf.nr_flags != 1 || conf.ranges || conf.budget ||
		       conf.mode != CONF_MODE_UNSET ||
		       (conf.flags[0].kind != CONF_UNIT &&
			conf.flags[0].kind != CONF_CGROUP))) {
		problem(data, path, 0,
			"not a record of 'mirrorctl set' (one unit or cgroup entry)");
		conf_free(&conf);
		return 1;
	}
	for (i = 0; i < conf.nr_flags; i++) {
		const struct conf_flag *f = &conf.flags[i];
		struct follow_entry e = {
			.kind = f->kind, .target = f->target,
			.limit = f->limit, .line = record ? 0 : f->line,
		};

		if (f->kind != CONF_UNIT && f->kind != CONF_CGROUP)
			continue;
		/* Named twice: the first one is followed. */
		if (follow_find(l, &e))
			continue;
		ne = realloc(l->e, (l->n + 1) * sizeof(*ne));
		if (!ne) {
			conf_free(&conf);
			return -ENOMEM;
		}
		l->e = ne;
		e.target = strdup(f->target);
		e.source = strdup(path);
		if (!e.target || !e.source) {
			follow_entry_free(&e);
			conf_free(&conf);
			return -ENOMEM;
		}
		l->e[l->n++] = e;
	}
	conf_free(&conf);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int follow_load(struct follow_list *l, const char *sysroot,
		const char *conf_path, const char *dir,
		const struct conf_env *env, conf_problem_fn problem,
		void *data)
{
	char real[PATH_MAX], path[PATH_MAX], *names[FOLLOW_MAX];
	struct dirent *de;
	size_t n = 0, i;
	int rc = 0;
	DIR *d;

	l->e = NULL;
	l->n = 0;
	if (conf_path) {
		rc = load_file(l, conf_path, conf_path, false, env, problem,
			       data);
		if (rc < 0)
			return rc;
	}
	if (sysroot_path(real, sizeof(real), sysroot, dir) < 0)
		return -ENAMETOOLONG;
	d = opendir(real);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < FOLLOW_MAX) {
		size_t len = strlen(de->d_name);

		/* Only *.conf: the temporary files of a write are not. */
		if (de->d_name[0] == '.' || len < 6 ||
		    strcmp(de->d_name + len - 5, ".conf"))
			continue;
		names[n] = strdup(de->d_name);
		if (!names[n])
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(real, sizeof(real), "%s%s", sysroot &&
			 strcmp(sysroot, "/") ? sysroot : "", path);
		if (rc >= 0) {
			int r = load_file(l, path, real, true, env, problem, data);

			if (r < 0)
				rc = r;
		}
		free(names[i]);
	}
	return rc < 0 ? rc : 0;
}

int follow_parse_one(struct follow_entry *e, enum conf_kind kind,
		     const char *target, unsigned long long limit,
		     const struct conf_env *env, const char *what,
		     conf_problem_fn problem, void *data)
{
	struct mirror_conf conf;
	char text[PATH_MAX + 128];
	int rc;

	memset(e, 0, sizeof(*e));
	/* One line: what would end it or start another is not a name. */
	if (!*target || strpbrk(target, " \t\n\r#;=") ||
	    strlen(target) > PATH_MAX) {
		char q[80];

		snprintf(text, sizeof(text), "%s '%s': not a %s name",
			 conf_kind_name(kind), text_safe(target, q, sizeof(q)),
			 kind == CONF_UNIT ? "unit" : "cgroup");
		problem(data, what, 0, text);
		return 1;
	}
	entry_text(kind, target, limit, text, sizeof(text));
	rc = conf_parse(&conf, what, text, strlen(text), env, problem, data);
	if (rc == 0 && conf.nr_flags == 1) {
		e->kind = conf.flags[0].kind;
		e->target = strdup(conf.flags[0].target);
		e->limit = conf.flags[0].limit;
		if (!e->target)
			rc = -ENOMEM;
	}
	conf_free(&conf);
	return rc;
}

void follow_record_path(const char *dir, const struct follow_entry *e,
			char *buf, size_t len)
{
	char name[PATH_MAX * 4 + 16];
	const char *s = e->target;
	size_t n;

	n = (size_t)snprintf(name, sizeof(name), "%s-",
			     conf_kind_name(e->kind));
	if (e->kind == CONF_CGROUP && *s == '/')
		s++;
	for (; *s && n + 5 < sizeof(name); s++) {
		if (*s == '/' && e->kind == CONF_CGROUP)
			name[n++] = '-';
		else if (*s == '-' || *s == '\\')
			n += (size_t)snprintf(name + n, sizeof(name) - n,
					      "\\x%02x", (unsigned char)*s);
		else
			name[n++] = *s;
	}
	name[n] = '\0';
	snprintf(buf, len, "%s/%s.conf", dir, name);
}

int follow_record(const char *dir, const struct follow_entry *e)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16], text[PATH_MAX + 256];
	const char *p;
	size_t n;
	int fd, rc = 0;

	/* The directory and its parent (/run/mirror), as mkdir -p. */
	p = strrchr(dir, '/');
	if (p && p != dir) {
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(p - dir), dir);
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	follow_record_path(dir, e, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%d", dir, (int)getpid());
	n = (size_t)snprintf(text, sizeof(text),
			     "# Written by 'mirrorctl set --%s'; removed by 'mirrorctl clear --%s'.\n"
			     "# mirrord(8) keeps the processes of this group flagged.\n",
			     conf_kind_name(e->kind), conf_kind_name(e->kind));
	entry_text(e->kind, e->target, e->limit, text + n, sizeof(text) - n);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n || fsync(fd) < 0)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int follow_forget(const char *dir, const struct follow_entry *e)
{
	char path[PATH_MAX];

	follow_record_path(dir, e, path, sizeof(path));
	return unlink(path) < 0 ? -errno : 0;
}
