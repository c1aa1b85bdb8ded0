// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf.c - the parser of mirror.conf (see conf.h and mirror.conf(5)).
 *
 * The file is read whole and every problem is reported, each once with
 * its line, before the caller does anything: a file with one bad line
 * changes nothing on the system.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "output.h"
#include "range.h"
#include "util.h"

enum section { SEC_NONE, SEC_MODULE, SEC_POLICY, SEC_FLAG };

static const char *const section_names[] = {
	[SEC_MODULE] = "module",
	[SEC_POLICY] = "policy",
	[SEC_FLAG] = "flag",
};

/* The keys of [module] and [policy]: each may be set once. */
enum key {
	K_MODE, K_RANGES, K_BUDGET, K_CHANNEL,
	K_DEFAULT_MIRROR, K_FALLBACK, K_SCRUB, NR_KEYS
};

static const struct {
	enum section section;
	const char *name;
} keys[NR_KEYS] = {
	[K_MODE]		= { SEC_MODULE, "mode" },
	[K_RANGES]		= { SEC_MODULE, "ranges" },
	[K_BUDGET]		= { SEC_MODULE, "budget" },
	[K_CHANNEL]		= { SEC_MODULE, "channel" },
	[K_DEFAULT_MIRROR]	= { SEC_POLICY, "default_mirror" },
	[K_FALLBACK]		= { SEC_POLICY, "fallback" },
	[K_SCRUB]		= { SEC_POLICY, "scrub_interval_ms" },
};

static const char *const kind_names[] = {
	[CONF_UNIT] = "unit",
	[CONF_CGROUP] = "cgroup",
	[CONF_COMMAND] = "command",
	[CONF_PIDFILE] = "pidfile",
};

/* The unit types that have a cgroup of their own with processes in it. */
static const char *const unit_suffixes[] = { ".service", ".scope", ".slice" };

/* Where cgroup v2 is mounted: a path may be given with it in front. */
#define CGROUP_MOUNT	"/sys/fs/cgroup"

struct parser {
	struct mirror_conf *conf;
	const struct conf_env *env;
	conf_problem_fn problem;
	void *data;
	int problems;
	enum section section;
	unsigned int line;		/* the line being read */
	unsigned int key_line[NR_KEYS];	/* where each key was set, 0: not */
};

const char *conf_kind_name(enum conf_kind kind)
{
	return kind_names[kind];
}

static void __attribute__((format(printf, 3, 4)))
bad(struct parser *p, unsigned int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->problem(p->data, p->conf->path, line, msg);
	p->problems++;
}

/* A value for a message: valid UTF-8, no control characters, cut short. */
static const char *shown(const char *s, char *buf, size_t len)
{
	return text_safe(s, buf, len);
}

static int parse_switch(struct parser *p, const char *key, const char *v)
{
	char q[80];

	if (!strcmp(v, "on") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "off") || !strcmp(v, "0"))
		return 0;
	bad(p, p->line, "%s: '%s' is not on or off", key, shown(v, q, sizeof(q)));
	return -1;
}

/* ---- [module] and [policy] -------------------------------------------- */

static void set_key(struct parser *p, enum key k, const char *v)
{
	struct mirror_conf *c = p->conf;
	struct mc_parse_error err;
	struct mc_range_list list;
	char q[80], size[32];
	unsigned long ms;
	bool share;
	u64 bytes;

	switch (k) {
	case K_MODE:
		if (!strcmp(v, "firmware"))
			c->mode = CONF_MODE_FIRMWARE;
		else if (!strcmp(v, "emulation"))
			c->mode = CONF_MODE_EMULATION;
		else
			bad(p, p->line, "mode: '%s' is not firmware or emulation",
			    shown(v, q, sizeof(q)));
		break;
	case K_RANGES:
		if (mc_ranges_parse(v, strlen(v), p->env->range_align, &list,
				    &err) < 0) {
			bad(p, p->line, "ranges: %s", err.msg);
			break;
		}
		mc_range_list_free(&list);
		c->ranges = strdup(v);
		break;
	case K_BUDGET:
		if (mc_budget_parse(v, strlen(v), &share, &bytes, &err) < 0) {
			bad(p, p->line, "budget: '%s': %s", shown(v, q, sizeof(q)),
			    err.msg);
			break;
		}
		/* The module claims whole blocks: less than one claims none. */
		if (!share && p->env->range_align && bytes < p->env->range_align) {
			mc_size_format(p->env->range_align, size, sizeof(size));
			bad(p, p->line,
			    "budget: '%s' is less than one memory block (%s): nothing could be claimed",
			    shown(v, q, sizeof(q)), size);
			break;
		}
		c->budget = strdup(v);
		break;
	case K_CHANNEL:
		c->channel = parse_switch(p, keys[k].name, v);
		break;
	case K_DEFAULT_MIRROR:
		c->default_mirror = parse_switch(p, keys[k].name, v);
		break;
	case K_FALLBACK:
		c->fallback = parse_switch(p, keys[k].name, v);
		break;
	case K_SCRUB:
		if (!parse_ulong(v, 0, 3600000, &ms) || (ms && ms < 10))
			bad(p, p->line,
			    "scrub_interval_ms: '%s' is not 0 (no patrol) or 10 to 3600000",
			    shown(v, q, sizeof(q)));
		else
			c->scrub_interval_ms = (long)ms;
		break;
	default:
		break;
	}
}

static bool key_line(struct parser *p, const char *key, const char *v)
{
	unsigned int i;

	for (i = 0; i < NR_KEYS; i++) {
		if (keys[i].section != p->section || strcmp(keys[i].name, key))
			continue;
		if (p->key_line[i]) {
			bad(p, p->line, "duplicate entry: %s is set on line %u already",
			    key, p->key_line[i]);
			return true;
		}
		p->key_line[i] = p->line;
		set_key(p, (enum key)i, v);
		return true;
	}
	return false;
}

/* ---- [flag] -------------------------------------------------------------- */

static bool unit_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr(":_.\\-@", c);
}

/* Unit types without processes of their own to flag. */
static const char *const unit_other_types[] = {
	".target", ".timer", ".path", ".device", ".automount", ".socket",
	".mount", ".swap",
};

static bool ends_with_one_of(const char *s, const char *const *list,
			     size_t n)
{
	const char *dot = strrchr(s, '.');
	size_t i;

	for (i = 0; dot && i < n; i++)
		if (!strcmp(dot, list[i]))
			return true;
	return false;
}

/*
 * A unit name as systemd spells them, ".service" added when it has no
 * type of its own (as systemctl does).
 */
static char *unit_target(struct parser *p, const char *v)
{
	size_t len = strlen(v), i;
	bool typed = ends_with_one_of(v, unit_suffixes,
				      sizeof(unit_suffixes) / sizeof(unit_suffixes[0]));
	char q[80], *name;

	for (i = 0; i < len; i++)
		if (!unit_char(v[i]))
			break;
	if (i < len || v[0] == '.' || len > 255 - strlen(".service")) {
		bad(p, p->line, "unit '%s': not a unit name", shown(v, q, sizeof(q)));
		return NULL;
	}
	if (ends_with_one_of(v, unit_other_types,
			     sizeof(unit_other_types) / sizeof(unit_other_types[0]))) {
		bad(p, p->line,
		    "unit '%s': only a .service, .scope or .slice has processes to flag",
		    shown(v, q, sizeof(q)));
		return NULL;
	}
	if (asprintf(&name, "%s%s", v, typed ? "" : ".service") < 0)
		return NULL;
	/* "getty@.service" is a template: only its instances run. */
	if (strstr(name, "@.")) {
		bad(p, p->line,
		    "unit '%s': a template, name one of its instances (NAME@INSTANCE%s)",
		    shown(name, q, sizeof(q)), strrchr(name, '.'));
		free(name);
		return NULL;
	}
	return name;
}

/*
 * A cgroup as a path below the hierarchy's root: "/a/b", never ".." or
 * "." or an empty component, so that it cannot leave the hierarchy by its
 * spelling (symbolic links are the caller's to check).
 */
static char *cgroup_target(struct parser *p, const char *v)
{
	const char *rel = v, *s;
	char q[80];
	size_t n;

	if (v[0] != '/') {
		bad(p, p->line,
		    "cgroup '%s': give its path from the hierarchy's root (e.g. /system.slice/NAME.service)",
		    shown(v, q, sizeof(q)));
		return NULL;
	}
	n = strlen(CGROUP_MOUNT);
	if (!strncmp(v, CGROUP_MOUNT, n) && (v[n] == '/' || !v[n]))
		rel = v + n;
	for (s = rel; *s == '/'; ) {
		size_t len = strcspn(s + 1, "/");

		if ((len == 1 && s[1] == '.') || (len == 2 && !strncmp(s + 1, "..", 2))) {
			bad(p, p->line,
			    "cgroup '%s': outside the cgroup hierarchy ('.' and '..' are not allowed)",
			    shown(v, q, sizeof(q)));
			return NULL;
		}
		if (len == 0 && s[1] == '/') {
			bad(p, p->line, "cgroup '%s': an empty path component ('//')",
			    shown(v, q, sizeof(q)));
			return NULL;
		}
		s += 1 + len;
	}
	n = strlen(rel);
	while (n && rel[n - 1] == '/')
		n--;
	if (n == 0) {
		bad(p, p->line,
		    "cgroup '%s': the root cgroup holds init and the kernel's threads, name a group below it",
		    shown(v, q, sizeof(q)));
		return NULL;
	}
	return strndup(rel, n);
}

static char *flag_target(struct parser *p, enum conf_kind kind, const char *v)
{
	char q[80];

	switch (kind) {
	case CONF_UNIT:
		return unit_target(p, v);
	case CONF_CGROUP:
		return cgroup_target(p, v);
	case CONF_COMMAND:
		if (strlen(v) > CONF_COMM_MAX) {
			bad(p, p->line,
			    "command '%s': longer than the %d bytes the kernel keeps of a command name",
			    shown(v, q, sizeof(q)), CONF_COMM_MAX);
			return NULL;
		}
		return strdup(v);
	case CONF_PIDFILE:
		if (v[0] != '/') {
			bad(p, p->line, "pidfile '%s': not an absolute path",
			    shown(v, q, sizeof(q)));
			return NULL;
		}
		return strdup(v);
	}
	return NULL;
}

/* "limit=SIZE" after the target; false after reporting a problem. */
static bool flag_option(struct parser *p, struct conf_flag *f, const char *w,
			bool *have_limit)
{
	unsigned long long v;
	char q[80];

	if (strncmp(w, "limit=", 6)) {
		bad(p, p->line, "%s %s: unknown option '%s' (limit=SIZE is the only one)",
		    kind_names[f->kind], f->target, shown(w, q, sizeof(q)));
		return false;
	}
	if (*have_limit) {
		bad(p, p->line, "%s %s: limit= is given twice", kind_names[f->kind],
		    f->target);
		return false;
	}
	*have_limit = true;
	w += 6;
	if (!parse_size(w, &v) || v == 0) {
		bad(p, p->line, "limit: '%s' is not a size above 0 (e.g. 64M)",
		    shown(w, q, sizeof(q)));
		return false;
	}
	if (v % p->env->page_size) {
		bad(p, p->line, "limit: '%s' is not a multiple of the page size (%lu bytes)",
		    shown(w, q, sizeof(q)), p->env->page_size);
		return false;
	}
	f->limit = v;
	return true;
}

static const char *const spaces = " \t";

/* One [flag] entry: "KIND = TARGET [limit=SIZE]"; -ENOMEM or 0. */
static int flag_line(struct parser *p, enum conf_kind kind, char *v)
{
	struct mirror_conf *c = p->conf;
	struct conf_flag f = { .kind = kind, .line = p->line };
	bool have_limit = false, ok = true;
	char *save = NULL, *w;
	size_t i;

	w = strtok_r(v, spaces, &save);
	f.target = flag_target(p, kind, w);
	if (!f.target)
		return 0;
	while (ok && (w = strtok_r(NULL, spaces, &save)))
		ok = flag_option(p, &f, w, &have_limit);
	for (i = 0; ok && i < c->nr_flags; i++) {
		if (c->flags[i].kind != kind || strcmp(c->flags[i].target, f.target))
			continue;
		bad(p, p->line, "duplicate entry: %s %s is named on line %u already",
		    kind_names[kind], f.target, c->flags[i].line);
		ok = false;
	}
	if (ok && c->nr_flags == CONF_FLAGS_MAX) {
		bad(p, p->line, "more than %d [flag] entries", CONF_FLAGS_MAX);
		ok = false;
	}
	if (!ok) {
		free(f.target);
		return 0;
	}
	if (c->nr_flags % 16 == 0) {
		struct conf_flag *n = realloc(c->flags, (c->nr_flags + 16) * sizeof(*n));

		if (!n) {
			free(f.target);
			return -ENOMEM;
		}
		c->flags = n;
	}
	c->flags[c->nr_flags++] = f;
	return 0;
}

/* ---- lines ------------------------------------------------------------- */

static char *trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static void section_line(struct parser *p, char *s)
{
	size_t len = strlen(s);
	char q[80];
	int i;

	p->section = SEC_NONE;
	if (len < 2 || s[len - 1] != ']') {
		bad(p, p->line, "'%s': a section is written [NAME]", shown(s, q, sizeof(q)));
		return;
	}
	s[len - 1] = '\0';
	s = trim(s + 1);
	for (i = SEC_MODULE; i <= SEC_FLAG; i++)
		if (!strcmp(s, section_names[i])) {
			p->section = (enum section)i;
			return;
		}
	bad(p, p->line, "unknown section [%s] ([module], [policy] or [flag])",
	    shown(s, q, sizeof(q)));
}

/* The keys of the current section, for a message. */
static void section_keys(const struct parser *p, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	if (p->section == SEC_FLAG) {
		snprintf(buf, len, "unit, cgroup, command, pidfile");
		return;
	}
	for (i = 0; i < NR_KEYS && n < len; i++)
		if (keys[i].section == p->section)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      keys[i].name);
}

static int key_value_line(struct parser *p, char *s)
{
	char *eq = strchr(s, '='), *key, *v, q[80], known[128];
	int i;

	if (!eq) {
		bad(p, p->line, "'%s': expected KEY = VALUE or a [section]",
		    shown(s, q, sizeof(q)));
		return 0;
	}
	*eq = '\0';
	key = trim(s);
	v = trim(eq + 1);
	if (p->section == SEC_NONE) {
		bad(p, p->line, "%s: outside a section ([module], [policy] or [flag] comes first)",
		    shown(key, q, sizeof(q)));
		return 0;
	}
	if (!*v) {
		bad(p, p->line, "%s: no value", shown(key, q, sizeof(q)));
		return 0;
	}
	if (p->section == SEC_FLAG) {
		for (i = CONF_UNIT; i <= CONF_PIDFILE; i++)
			if (!strcmp(key, kind_names[i]))
				return flag_line(p, (enum conf_kind)i, v);
	} else if (key_line(p, key, v)) {
		return 0;
	}
	section_keys(p, known, sizeof(known));
	bad(p, p->line, "unknown key '%s' in [%s] (%s)", shown(key, q, sizeof(q)),
	    section_names[p->section], known);
	return 0;
}

/* What the entries say about each other, once the whole file is read. */
static void check_together(struct parser *p)
{
	struct mirror_conf *c = p->conf;
	bool firmware = c->mode == CONF_MODE_FIRMWARE;

	if (firmware && c->ranges)
		bad(p, p->key_line[K_RANGES],
		    "ranges: firmware mode (line %u) takes the ranges from the EFI memory map",
		    p->key_line[K_MODE]);
	/* (Bad ranges were said already.) */
	if (c->mode == CONF_MODE_EMULATION && !p->key_line[K_RANGES])
		bad(p, p->key_line[K_MODE], "mode = emulation needs ranges");
	if (!c->mode && c->ranges)
		c->mode = CONF_MODE_EMULATION;
	if (firmware && p->key_line[K_CHANNEL])
		bad(p, p->key_line[K_CHANNEL],
		    "channel: the mirror channel is emulated, firmware mode (line %u) has none",
		    p->key_line[K_MODE]);
	if (p->key_line[K_SCRUB] && (firmware || c->channel == 0))
		bad(p, p->key_line[K_SCRUB],
		    "scrub_interval_ms: no mirror channel to scrub (%s, line %u)",
		    firmware ? "firmware mode" : "channel = off",
		    firmware ? p->key_line[K_MODE] : p->key_line[K_CHANNEL]);
}

int conf_parse(struct mirror_conf *conf, const char *path, const char *text,
	       size_t len, const struct conf_env *env, conf_problem_fn problem,
	       void *data)
{
	struct parser p = {
		.conf = conf, .env = env, .problem = problem, .data = data,
	};
	char line[CONF_LINE_MAX + 1];
	size_t pos = 0;
	int rc = 0;

	memset(conf, 0, sizeof(*conf));
	conf->path = path;
	conf->channel = conf->default_mirror = conf->fallback = -1;
	conf->scrub_interval_ms = -1;
	if (len > CONF_SIZE_MAX) {
		bad(&p, 0, "larger than %d bytes", CONF_SIZE_MAX);
		return p.problems;
	}
	while (pos < len && rc == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *s;

		p.line++;
		if (memchr(text + pos, '\0', n)) {
			bad(&p, p.line, "a NUL byte (not a text file?)");
		} else if (n > CONF_LINE_MAX) {
			bad(&p, p.line, "longer than %d bytes", CONF_LINE_MAX);
		} else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			s = trim(line);
			if (*s == '[')
				section_line(&p, s);
			else if (*s && *s != '#')
				rc = key_value_line(&p, s);
		}
		pos += n + 1;
	}
	if (rc < 0)
		return rc;
	check_together(&p);
	return p.problems;
}

void conf_free(struct mirror_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->nr_flags; i++)
		free(conf->flags[i].target);
	free(conf->flags);
	free(conf->ranges);
	free(conf->budget);
	memset(conf, 0, sizeof(*conf));
}

int conf_module_options(const struct mirror_conf *conf, char *buf, size_t len)
{
	static const char *const names[] = { "channel", "default_mirror", "fallback" };
	const int vals[] = { conf->channel, conf->default_mirror, conf->fallback };
	size_t n = 0;
	unsigned int i;

#define ADD(...)	n += (size_t)snprintf(buf + (n < len ? n : len), \
					      n < len ? len - n : 0, __VA_ARGS__)
	if (len)
		buf[0] = '\0';
	/* An empty ranges= is firmware mode, whatever modprobe.d says. */
	if (conf->ranges || conf->mode == CONF_MODE_FIRMWARE)
		ADD("%sranges=%s", n ? " " : "", conf->ranges ? conf->ranges : "");
	if (conf->budget)
		ADD("%sbudget=%s", n ? " " : "", conf->budget);
	for (i = 0; i < 3; i++)
		if (vals[i] >= 0)
			ADD("%s%s=%d", n ? " " : "", names[i], vals[i]);
#undef ADD
	return (int)n;
}

char *conf_read(const char *path, size_t *len, char *why, size_t whylen)
{
	char *text = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_size > CONF_SIZE_MAX) {
		snprintf(why, whylen, "%s: larger than %d bytes", path,
			 CONF_SIZE_MAX);
		goto fail;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		snprintf(why, whylen, "out of memory");
		goto fail;
	}
	n = read(fd, text, (size_t)st.st_size + 1);
	if (n < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	close(fd);
	*len = (size_t)n;
	text[n < st.st_size + 1 ? n : st.st_size] = '\0';
	return text;
fail:
	if (fd >= 0)
		close(fd);
	free(text);
	return NULL;
}
