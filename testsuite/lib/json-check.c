// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json-check - read mirrorstat -J output (schema 1) back with jansson and
 * check its shape and arithmetic: every key of the schema present with
 * its type, zone and node sizes adding up to the summary.
 *   json-check [ZONES NODES] < output.json
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static int errors;

static void fail(const char *where, const char *what)
{
	fprintf(stderr, "json-check: %s: %s\n", where, what);
	errors++;
}

/* 'types' is one letter per key: i integer, I integer or null, s string,
 * S string or null, a array, o object, O object or null, A array or null,
 * n number, b boolean or null. */
static void check_keys(json_t *o, const char *where, const char *const *keys,
		       const char *types)
{
	size_t i;

	if (!json_is_object(o)) {
		fail(where, "not an object");
		return;
	}
	if (json_object_size(o) != strlen(types))
		fail(where, "unexpected number of keys");
	for (i = 0; keys[i]; i++) {
		json_t *v = json_object_get(o, keys[i]);
		bool ok;

		switch (types[i]) {
		case 'i': ok = json_is_integer(v); break;
		case 'I': ok = json_is_integer(v) || json_is_null(v); break;
		case 's': ok = json_is_string(v); break;
		case 'S': ok = json_is_string(v) || json_is_null(v); break;
		case 'a': ok = json_is_array(v); break;
		case 'A': ok = json_is_array(v) || json_is_null(v); break;
		case 'o': ok = json_is_object(v); break;
		case 'O': ok = json_is_object(v) || json_is_null(v); break;
		case 'n': ok = json_is_number(v) || json_is_null(v); break;
		case 'b': ok = json_is_boolean(v) || json_is_null(v); break;
		default: ok = false;
		}
		if (!ok) {
			char msg[128];

			snprintf(msg, sizeof(msg), "key '%s' missing or of the wrong type",
				 keys[i]);
			fail(where, msg);
		}
	}
}

static json_int_t sum(json_t *arr, const char *key, bool *known)
{
	json_int_t total = 0;
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e) {
		json_t *v = json_object_get(e, key);

		if (json_is_null(v))
			*known = false;
		else
			total += json_integer_value(v);
	}
	return total;
}

int main(int argc, char **argv)
{
	static const char *const top[] = { "schema", "backend", "page_size",
		"interval", "summary", "zones", "nodes", "processes", NULL };
	static const char *const backend[] = { "name", "description", "version",
		"mode", NULL };
	static const char *const summary[] = { "zones", "nodes", "size_bytes",
		"used_bytes", "free_bytes", "allocs", "fallbacks", "failovers",
		"bad_frees", "ordinary_bytes", "task_used_bytes", "pagecache_bytes", "shmem_bytes",
		"buddy_free_bytes", NULL };
	static const char *const zone[] = { "zone", "node", "start", "end",
		"size_bytes", "used_bytes", "free_bytes", "allocs", "frees",
		"fallbacks", "failovers", "bad_frees", "exhausted", "rates", NULL };
	static const char *const node[] = { "node", "zones", "size_bytes",
		"used_bytes", "free_bytes", "allocs", "remote", "fallbacks",
		"failed", "failovers", "allocs_ordinary", "rates", NULL };
	static const char *const proc[] = { "pid", "command", "resident_bytes",
		"mirror_bytes", "other_bytes", "mirror_first", "source", NULL };
	json_error_t err;
	json_t *root, *zones, *nodes, *procs, *e, *s;
	const char *keys[] = { "size_bytes", "used_bytes", "free_bytes" };
	size_t i;

	root = json_loadf(stdin, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		fprintf(stderr, "json-check: line %d: %s\n", err.line, err.text);
		return 1;
	}
	check_keys(root, "top level", top, "ioinoaaA");
	if (json_integer_value(json_object_get(root, "schema")) != 1)
		fail("schema", "not 1");
	check_keys(json_object_get(root, "backend"), "backend", backend, "ssSS");
	s = json_object_get(root, "summary");
	check_keys(s, "summary", summary, "iiIIIIIIIIIIII");
	zones = json_object_get(root, "zones");
	nodes = json_object_get(root, "nodes");
	procs = json_object_get(root, "processes");
	json_array_foreach(zones, i, e)
		check_keys(e, "zone", zone, "sissIIIIIIIIbO");
	json_array_foreach(nodes, i, e)
		check_keys(e, "node", node, "iaIIIIIIIIIO");
	if (json_is_array(procs))
		json_array_foreach(procs, i, e) {
			check_keys(e, "process", proc, "isIIIbs");
			if (json_integer_value(json_object_get(e, "mirror_bytes")) +
			    json_integer_value(json_object_get(e, "other_bytes")) !=
			    json_integer_value(json_object_get(e, "resident_bytes")))
				fail("process", "mirror + other != resident");
		}
	if ((size_t)json_integer_value(json_object_get(s, "zones")) !=
	    json_array_size(zones))
		fail("summary", "zones differs from the zone list");
	if ((size_t)json_integer_value(json_object_get(s, "nodes")) !=
	    json_array_size(nodes))
		fail("summary", "nodes differs from the node list");
	if (argc == 3 && ((size_t)atoi(argv[1]) != json_array_size(zones) ||
			  (size_t)atoi(argv[2]) != json_array_size(nodes)))
		fail("layout", "unexpected number of zones or nodes");
	/* memory reliable's summary comes from /proc/meminfo, not the zones. */
	if (strcmp(json_string_value(json_object_get(json_object_get(root,
			"backend"), "name")), "reliable") != 0) {
		for (i = 0; i < 3; i++) {
			bool zk = true, nk = true;
			json_int_t z = sum(zones, keys[i], &zk);
			json_int_t n = sum(nodes, keys[i], &nk);

			if (zk && z != json_integer_value(json_object_get(s, keys[i])))
				fail(keys[i], "zones do not add up to the summary");
			if (nk && n != z)
				fail(keys[i], "nodes do not add up to the zones");
		}
	}
	json_decref(root);
	if (!errors)
		puts("json-check: ok");
	return errors ? 1 : 0;
}
