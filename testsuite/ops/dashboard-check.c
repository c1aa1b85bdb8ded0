// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dashboard-check - read a Grafana dashboard (contrib/grafana/mirror.json)
 * with jansson and check what Grafana needs to import it: a title and uid,
 * panels with unique ids, a type, a title and a place on the 24-column
 * grid, each with queries that carry an expression and a unique refId, and
 * only template variables the dashboard defines (or Grafana's own $__*).
 * Prints every query expression, one a line, for the caller to check the
 * metric names against mirrorstat --prometheus.
 *   dashboard-check FILE > exprs
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static int errors;

static void fail(const char *where, const char *fmt, const char *what)
{
	fprintf(stderr, "dashboard-check: %s: ", where);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	errors++;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Every $name or ${name} in s names a variable of 'vars' or is $__x. */
static void check_vars(const char *where, const char *s, json_t *vars)
{
	const char *p;

	for (p = strchr(s, '$'); p; p = strchr(p + 1, '$')) {
		const char *b = p + 1 + (p[1] == '{');
		size_t n = 0;
		char name[64];

		while (isalnum((unsigned char)b[n]) || b[n] == '_')
			n++;
		if (!n || n >= sizeof(name) || !strncmp(b, "__", 2))
			continue;
		memcpy(name, b, n);
		name[n] = '\0';
		if (!json_object_get(vars, name))
			fail(where, "uses the undefined variable $%s", name);
	}
}

static void check_panel(json_t *p, size_t i, json_t *ids, json_t *vars)
{
	static const char *const types[] = {
		"stat", "bargauge", "gauge", "timeseries", "table", "text", "row",
		NULL
	};
	const char *type = str(p, "type"), *title = str(p, "title");
	json_t *id = json_object_get(p, "id"), *grid = json_object_get(p, "gridPos");
	json_t *targets = json_object_get(p, "targets"), *refs, *t;
	char where[160], key[32];
	size_t k, j;

	snprintf(where, sizeof(where), "panel %zu (%s)", i, title ? title : "?");
	if (!title || !*title)
		fail(where, "%s", "no title");
	for (k = 0; types[k] && (!type || strcmp(type, types[k])); k++)
		;
	if (!types[k])
		fail(where, "type '%s' is not a panel type of Grafana 9", type ? type : "");
	if (!json_is_integer(id)) {
		fail(where, "%s", "no integer id");
	} else {
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(id));
		if (json_object_get(ids, key))
			fail(where, "id %s used twice", key);
		json_object_set_new(ids, key, json_true());
	}
	{
		json_t *x = json_object_get(grid, "x"), *y = json_object_get(grid, "y");
		json_t *w = json_object_get(grid, "w"), *h = json_object_get(grid, "h");

		if (!json_is_integer(x) || !json_is_integer(y) ||
		    !json_is_integer(w) || !json_is_integer(h) ||
		    json_integer_value(x) < 0 || json_integer_value(w) < 1 ||
		    json_integer_value(x) + json_integer_value(w) > 24 ||
		    json_integer_value(h) < 1)
			fail(where, "%s", "gridPos is not x, y, w, h on the 24-column grid");
	}
	if (!strcmp(type ? type : "", "text") || !strcmp(type ? type : "", "row"))
		return;
	if (!json_is_array(targets) || !json_array_size(targets)) {
		fail(where, "%s", "no queries (targets)");
		return;
	}
	refs = json_object();
	json_array_foreach(targets, j, t) {
		const char *expr = str(t, "expr"), *ref = str(t, "refId");

		if (!expr || !*expr) {
			fail(where, "%s", "a query without expr");
			continue;
		}
		if (!ref || json_object_get(refs, ref))
			fail(where, "refId '%s' missing or used twice", ref ? ref : "");
		else
			json_object_set_new(refs, ref, json_true());
		check_vars(where, expr, vars);
		printf("%s\n", expr);
	}
	json_decref(refs);
}

int main(int argc, char **argv)
{
	json_t *d, *panels, *list, *v, *ids, *vars;
	json_error_t err;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: dashboard-check FILE\n");
		return 2;
	}
	d = json_load_file(argv[1], JSON_REJECT_DUPLICATES, &err);
	if (!d) {
		fprintf(stderr, "dashboard-check: %s:%d:%d: %s\n", argv[1],
			err.line, err.column, err.text);
		return 1;
	}
	if (!str(d, "title") || !str(d, "uid"))
		fail(argv[1], "%s", "no title or uid");
	if (!json_is_integer(json_object_get(d, "schemaVersion")))
		fail(argv[1], "%s", "no schemaVersion");

	vars = json_object();
	list = json_object_get(json_object_get(d, "templating"), "list");
	json_array_foreach(list, i, v) {
		if (!str(v, "name") || !str(v, "type"))
			fail(argv[1], "%s", "a template variable without name or type");
		else
			json_object_set_new(vars, str(v, "name"), json_true());
	}
	json_array_foreach(list, i, v) {
		json_t *q = json_object_get(v, "query");
		json_t *ds = json_object_get(json_object_get(v, "datasource"), "uid");

		if (json_is_string(ds))
			check_vars("templating", json_string_value(ds), vars);
		if (json_is_object(q) && str(q, "query"))
			check_vars("templating", str(q, "query"), vars);
	}

	panels = json_object_get(d, "panels");
	if (!json_is_array(panels) || !json_array_size(panels))
		fail(argv[1], "%s", "no panels");
	ids = json_object();
	json_array_foreach(panels, i, v) {
		json_t *ds = json_object_get(json_object_get(v, "datasource"), "uid");

		if (json_is_string(ds))
			check_vars("panel datasource", json_string_value(ds), vars);
		check_panel(v, i, ids, vars);
	}
	json_decref(ids);
	json_decref(vars);
	json_decref(d);
	return errors ? 1 : 0;
}
