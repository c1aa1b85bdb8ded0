// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - what a drill found: checks (each with a verdict and a line of
 * detail), notes of the steps taken, and the figures measured; printed for
 * people, as JSON (schema 1, mirror-drill(8)), as TAP for CI or as
 * Prometheus text for node_exporter's textfile collector.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "drill.h"
#include "output.h"

#define DRILL_JSON_SCHEMA	1

static char *vformat(const char *fmt, va_list args)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, args) < 0)
		return NULL;
	return s;
}

void report_init(struct drill_report *r, const char *scenario)
{
	memset(r, 0, sizeof(*r));
	r->scenario = scenario;
	r->metrics = json_object();
}

void report_free(struct drill_report *r)
{
	size_t i;

	for (i = 0; i < r->nr_checks; i++) {
		free(r->checks[i].name);
		free(r->checks[i].detail);
	}
	free(r->checks);
	for (i = 0; i < r->nr_notes; i++)
		free(r->notes[i]);
	free(r->notes);
	json_decref(r->metrics);
	memset(r, 0, sizeof(*r));
}

bool report_check(struct drill_report *r, bool ok, const char *name,
		  const char *fmt, ...)
{
	struct drill_check *c;
	va_list args;

	if (r->nr_checks == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct drill_check *n = realloc(r->checks, cap * sizeof(*n));

		if (!n) {
			perror("mirror-drill");
			exit(DRILL_EXIT_FAIL);
		}
		r->checks = n;
		r->cap = cap;
	}
	c = &r->checks[r->nr_checks++];
	c->ok = ok;
	c->name = strdup(name);
	va_start(args, fmt);
	c->detail = vformat(fmt, args);
	va_end(args);
	return ok;
}

void report_note(struct drill_report *r, const char *fmt, ...)
{
	char **n = realloc(r->notes, (r->nr_notes + 1) * sizeof(*n));
	va_list args;

	if (!n)
		return;
	r->notes = n;
	va_start(args, fmt);
	r->notes[r->nr_notes] = vformat(fmt, args);
	va_end(args);
	if (r->notes[r->nr_notes])
		r->nr_notes++;
}

void report_metric_int(struct drill_report *r, const char *key, long long v)
{
	json_object_set_new(r->metrics, key, json_integer(v));
}

void report_metric_real(struct drill_report *r, const char *key, double v)
{
	json_object_set_new(r->metrics, key, json_real(v));
}

void report_metric_str(struct drill_report *r, const char *key, const char *v)
{
	json_object_set_new(r->metrics, key, json_text(v));
}

/* A drill with no check proved nothing: it does not pass. */
bool report_passed(const struct drill_report *r)
{
	size_t i;

	for (i = 0; i < r->nr_checks; i++)
		if (!r->checks[i].ok)
			return false;
	return r->nr_checks > 0;
}

static bool all_passed(const struct drill_report *reports, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!report_passed(&reports[i]))
			return false;
	return n > 0;
}

static void print_human(const struct drill_report *reports, size_t n)
{
	size_t i, j, failed = 0, total = 0;

	for (i = 0; i < n; i++) {
		const struct drill_report *r = &reports[i];
		const char *key;
		json_t *val;

		printf("%s%s\n", i ? "\n" : "", r->scenario);
		for (j = 0; j < r->nr_notes; j++)
			printf("  - %s\n", r->notes[j]);
		for (j = 0; j < r->nr_checks; j++) {
			const struct drill_check *c = &r->checks[j];

			printf("  %s  %s: %s\n", c->ok ? "PASS" : "FAIL",
			       c->name, c->detail ? c->detail : "");
			total++;
			failed += !c->ok;
		}
		json_object_foreach(r->metrics, key, val) {
			char *text = json_dumps(val, JSON_ENCODE_ANY |
						     JSON_REAL_PRECISION(6));

			printf("  %-24s %s\n", key, text ? text : "?");
			free(text);
		}
		printf("  verdict: %s\n", report_passed(r) ? "PASS" : "FAIL");
	}
	if (n > 1)
		printf("\nall: %s (%zu checks, %zu failed)\n",
		       all_passed(reports, n) ? "PASS" : "FAIL", total,
		       failed);
}

static json_t *report_json(const struct drill_report *r)
{
	json_t *checks = json_array(), *notes = json_array();
	size_t i;

	for (i = 0; i < r->nr_checks; i++)
		json_array_append_new(checks,
			json_pack("{s:o, s:b, s:o}",
				  "name", json_text(r->checks[i].name),
				  "ok", r->checks[i].ok,
				  "detail", json_text(r->checks[i].detail ?
						      r->checks[i].detail : "")));
	for (i = 0; i < r->nr_notes; i++)
		json_array_append_new(notes, json_text(r->notes[i]));
	return json_pack("{s:s, s:s, s:o, s:o, s:O}",
			 "scenario", r->scenario,
			 "verdict", report_passed(r) ? "pass" : "fail",
			 "checks", checks,
			 "steps", notes,
			 "metrics", r->metrics);
}

static void print_json(const struct drill_report *reports, size_t n,
		       json_t *contrast)
{
	json_t *drills = json_array(), *top;
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(drills, report_json(&reports[i]));
	top = json_pack("{s:i, s:s, s:s, s:o}",
			"schema", DRILL_JSON_SCHEMA,
			"version", PACKAGE_VERSION,
			"verdict", all_passed(reports, n) ? "pass" : "fail",
			"drills", drills);
	if (contrast)
		json_object_set(top, "contrast", contrast);
	json_print(stdout, top, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				JSON_REAL_PRECISION(6));
	json_decref(top);
}

/* TAP 13: one test point per check, the notes as comments. */
static void print_tap(const struct drill_report *reports, size_t n)
{
	size_t i, j, total = 0, k = 0;

	for (i = 0; i < n; i++)
		total += reports[i].nr_checks;
	printf("TAP version 13\n1..%zu\n", total);
	for (i = 0; i < n; i++) {
		const struct drill_report *r = &reports[i];

		for (j = 0; j < r->nr_notes; j++)
			printf("# %s: %s\n", r->scenario, r->notes[j]);
		for (j = 0; j < r->nr_checks; j++)
			printf("%s %zu - %s: %s # %s\n",
			       r->checks[j].ok ? "ok" : "not ok", ++k,
			       r->scenario, r->checks[j].name,
			       r->checks[j].detail ? r->checks[j].detail : "");
	}
}

static void prom_family(const char *name, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/*
 * Prometheus text: per scenario the verdict, the checks, when it finished,
 * and every numeric figure of the report as mirror_drill_<key>.  A family's
 * samples stay together, as the format wants.
 */
static void print_prometheus(const struct drill_report *reports, size_t n)
{
	json_t *keys = json_array(), *seen = json_object(), *val, *k;
	long long now = (long long)time(NULL);
	const char *key;
	size_t i, j;

	prom_family("mirror_drill_passed",
		    "1 when every check of the drill passed, else 0.");
	for (i = 0; i < n; i++)
		printf("mirror_drill_passed{scenario=\"%s\"} %d\n",
		       reports[i].scenario, report_passed(&reports[i]));
	prom_family("mirror_drill_checks", "Checks the drill made.");
	for (i = 0; i < n; i++)
		printf("mirror_drill_checks{scenario=\"%s\"} %zu\n",
		       reports[i].scenario, reports[i].nr_checks);
	prom_family("mirror_drill_checks_failed", "Checks of the drill that failed.");
	for (i = 0; i < n; i++) {
		size_t failed = 0;

		for (j = 0; j < reports[i].nr_checks; j++)
			failed += !reports[i].checks[j].ok;
		printf("mirror_drill_checks_failed{scenario=\"%s\"} %zu\n",
		       reports[i].scenario, failed);
	}
	prom_family("mirror_drill_last_run_timestamp_seconds",
		    "When the drill finished, seconds since the epoch.");
	for (i = 0; i < n; i++)
		printf("mirror_drill_last_run_timestamp_seconds{scenario=\"%s\"} %lld\n",
		       reports[i].scenario, now);

	/* The numeric figures, each key once, in the order first met. */
	for (i = 0; i < n; i++)
		json_object_foreach(reports[i].metrics, key, val)
			if (json_is_number(val) && !json_object_get(seen, key)) {
				json_object_set_new(seen, key, json_true());
				json_array_append_new(keys, json_string(key));
			}
	json_array_foreach(keys, j, k) {
		char name[128], help[160];

		key = json_string_value(k);
		snprintf(name, sizeof(name), "mirror_drill_%s", key);
		snprintf(help, sizeof(help),
			 "The drill's figure %s (mirror-drill(8), JSON metrics).", key);
		prom_family(name, help);
		for (i = 0; i < n; i++) {
			val = json_object_get(reports[i].metrics, key);
			if (json_is_integer(val))
				printf("%s{scenario=\"%s\"} %lld\n", name,
				       reports[i].scenario,
				       (long long)json_integer_value(val));
			else if (json_is_real(val))
				printf("%s{scenario=\"%s\"} %.6g\n", name,
				       reports[i].scenario, json_real_value(val));
		}
	}
	json_decref(keys);
	json_decref(seen);
}

void report_print(struct drill_report *reports, size_t n,
		  enum drill_format format, json_t *contrast)
{
	switch (format) {
	case DRILL_FORMAT_JSON:
		print_json(reports, n, contrast);
		break;
	case DRILL_FORMAT_TAP:
		print_tap(reports, n);
		break;
	case DRILL_FORMAT_PROMETHEUS:
		print_prometheus(reports, n);
		break;
	default:
		print_human(reports, n);
		if (contrast) {
			const char *key;
			json_t *val;

			printf("\ncontrast (pages corrupted -> pages lost):\n");
			json_object_foreach(contrast, key, val) {
				char *text = json_dumps(val, JSON_ENCODE_ANY);

				printf("  %-10s %s\n", key, text ? text : "?");
				free(text);
			}
		}
		break;
	}
	fflush(stdout);
}
