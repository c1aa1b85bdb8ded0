// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-libmirror.c - libmirror over captured trees: mirror.ko's sysfs
 * (the 48 GiB reference layout and a generated 64-node machine), mainline
 * kernelcore=mirror and openEuler memory reliable, plus damaged copies of
 * them.  Only the public API is used.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "libmirror.h"

#define GiB (1ULL << 30)

static char fixtures[1024];
static char tmpdir[1024];

/* ---- helpers ----------------------------------------------------------- */

static void run(const char *fmt, ...)
{
	char cmd[8192];
	va_list args;

	va_start(args, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, args);
	va_end(args);
	ck_assert_msg(system(cmd) == 0, "command failed: %s", cmd);
}

static const char *fixture(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	return path;
}

/* A private copy of a fixture that a test may damage; its root. */
static const char *copy_fixture(const char *name)
{
	static char dst[4096];

	snprintf(dst, sizeof(dst), "%s/%s", tmpdir, name);
	run("rm -rf '%s' && cp -a '%s' '%s'", dst, fixture(name), dst);
	return dst;
}

static void write_file(const char *root, const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *root, const char *rel)
{
	static char buf[4096];
	char path[4096];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct mirror_ctx *ctx_at(const char *root)
{
	struct mirror_ctx *ctx;

	ck_assert_int_eq(mirror_new(&ctx), 0);
	mirror_set_log_priority(ctx, 0);
	ck_assert_int_eq(mirror_set_sysroot(ctx, root), 0);
	return ctx;
}

static struct mirror_ctx *load(const char *root)
{
	struct mirror_ctx *ctx = ctx_at(root);
	int rc = mirror_load(ctx);

	ck_assert_msg(rc == 0, "load %s: %d: %s", root, rc,
		      mirror_get_last_error(ctx));
	return ctx;
}

/* Load must fail with 'err' and a message containing 'what'. */
static void load_fails(const char *root, int err, const char *what)
{
	struct mirror_ctx *ctx = ctx_at(root);
	int rc = mirror_load(ctx);

	ck_assert_int_eq(rc, err);
	ck_assert_msg(strstr(mirror_get_last_error(ctx), what) != NULL,
		      "error '%s' does not mention '%s'",
		      mirror_get_last_error(ctx), what);
	/* Nothing half loaded. */
	ck_assert_ptr_null(mirror_zone_get_first(ctx));
	ck_assert_ptr_null(mirror_node_get_first(ctx));
	ck_assert_ptr_null(mirror_get_backend_name(ctx));
	mirror_unref(ctx);
}

static struct mirror_zone *zone_nr(struct mirror_ctx *ctx, unsigned int nr)
{
	struct mirror_zone *z;

	mirror_zone_foreach(ctx, z)
		if (nr-- == 0)
			return z;
	ck_abort_msg("no zone %u", nr);
	return NULL;
}

static void setup(void)
{
	const char *top = getenv("top_srcdir");

	snprintf(fixtures, sizeof(fixtures), "%s/testsuite/fixtures",
		 top ? top : "..");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-libmirror.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	unsetenv("MIRROR_LOG");
	unsetenv("MIRROR_SYSROOT");
	unsetenv("MIRROR_BACKEND");
}

static void teardown(void)
{
	run("rm -rf '%s'", tmpdir);
}

/* ---- context ----------------------------------------------------------- */

START_TEST(test_ctx_refcount)
{
	struct mirror_ctx *ctx;

	ck_assert_int_eq(mirror_new(&ctx), 0);
	ck_assert_ptr_eq(mirror_ref(ctx), ctx);
	ck_assert_ptr_eq(mirror_unref(ctx), ctx);
	ck_assert_ptr_null(mirror_unref(ctx));
	ck_assert_ptr_null(mirror_unref(NULL));
	ck_assert_int_eq(mirror_new(NULL), -EINVAL);
}
END_TEST

START_TEST(test_log_env)
{
	static const struct { const char *env; int prio; } cases[] = {
		{ "debug", LOG_DEBUG }, { "info", LOG_INFO }, { "err", LOG_ERR },
		{ "5", 5 },
	};
	struct mirror_ctx *ctx;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setenv("MIRROR_LOG", cases[i].env, 1);
		ck_assert_int_eq(mirror_new(&ctx), 0);
		ck_assert_int_eq(mirror_get_log_priority(ctx), cases[i].prio);
		mirror_unref(ctx);
	}
	unsetenv("MIRROR_LOG");
	ck_assert_int_eq(mirror_new(&ctx), 0);
	ck_assert_int_eq(mirror_get_log_priority(ctx), LOG_ERR);
	mirror_unref(ctx);
}
END_TEST

static int logged[8];
static char last_log[512];

static void count_log(struct mirror_ctx *ctx, int priority, const char *file,
		      int line, const char *fn, const char *format, va_list args)
{
	if (priority >= 0 && priority < 8)
		logged[priority]++;
	vsnprintf(last_log, sizeof(last_log), format, args);
}

START_TEST(test_log_callback)
{
	struct mirror_ctx *ctx;
	int data;

	ck_assert_int_eq(mirror_new(&ctx), 0);
	mirror_set_log_fn(ctx, count_log);
	mirror_set_userdata(ctx, &data);
	ck_assert_ptr_eq(mirror_get_userdata(ctx), &data);
	mirror_set_log_priority(ctx, LOG_DEBUG);
	ck_assert_int_eq(mirror_set_sysroot(ctx, fixture("module-48g")), 0);
	ck_assert_int_eq(mirror_load(ctx), 0);
	ck_assert_int_gt(logged[LOG_INFO], 0);
	ck_assert_int_eq(logged[LOG_ERR], 0);
	ck_assert_int_eq(mirror_load(ctx), -EBUSY);
	ck_assert_int_eq(logged[LOG_ERR], 1);
	ck_assert_str_eq(last_log, mirror_get_last_error(ctx));
	/* Below LOG_ERR nothing is passed on, but the error is still kept. */
	mirror_set_log_priority(ctx, 0);
	ck_assert_int_eq(mirror_set_backend(ctx, "module"), -EBUSY);
	ck_assert_int_eq(logged[LOG_ERR], 1);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx), "backend"));
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_sysroot_env)
{
	struct mirror_ctx *ctx;

	setenv("MIRROR_SYSROOT", fixture("openeuler"), 1);
	setenv("MIRROR_LOG", "0", 1);
	ck_assert_int_eq(mirror_new(&ctx), 0);
	ck_assert_str_eq(mirror_get_sysroot(ctx), fixture("openeuler"));
	ck_assert_int_eq(mirror_load(ctx), 0);
	ck_assert_str_eq(mirror_get_backend_name(ctx), "reliable");
	mirror_unref(ctx);

	setenv("MIRROR_SYSROOT", "/nonexistent/mirror-sysroot", 1);
	ck_assert_int_eq(mirror_new(&ctx), -ENOENT);
	unsetenv("MIRROR_SYSROOT");

	ck_assert_int_eq(mirror_new(&ctx), 0);
	ck_assert_str_eq(mirror_get_sysroot(ctx), "/");
	ck_assert_int_eq(mirror_set_sysroot(ctx,
		"testsuite-no-such-directory"), -ENOENT);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_sysroot_not_dir)
{
	struct mirror_ctx *ctx = ctx_at("/");
	char path[4096];

	snprintf(path, sizeof(path), "%s/module-48g/sys/kernel/mm/mirror/version",
		 fixtures);
	ck_assert_int_eq(mirror_set_sysroot(ctx, path), -ENOTDIR);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx), "not a directory"));
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_backend_names)
{
	struct mirror_ctx *ctx;

	setenv("MIRROR_BACKEND", "bogus", 1);
	setenv("MIRROR_LOG", "0", 1);
	ck_assert_int_eq(mirror_new(&ctx), -EINVAL);
	setenv("MIRROR_BACKEND", "kernelcore", 1);
	ck_assert_int_eq(mirror_new(&ctx), 0);
	ck_assert_int_eq(mirror_set_backend(ctx, "nope"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx), "nope"));
	ck_assert_int_eq(mirror_set_backend(ctx, "auto"), 0);
	ck_assert_int_eq(mirror_set_sysroot(ctx, fixture("kernelcore-48g")), 0);
	ck_assert_int_eq(mirror_load(ctx), 0);
	ck_assert_str_eq(mirror_get_backend_name(ctx), "kernelcore");
	ck_assert_int_eq(mirror_set_backend(ctx, "module"), -EBUSY);
	ck_assert_int_eq(mirror_set_sysroot(ctx, "/"), -EBUSY);
	mirror_unref(ctx);
	unsetenv("MIRROR_BACKEND");
}
END_TEST

START_TEST(test_before_load)
{
	struct mirror_ctx *ctx = ctx_at(fixture("module-48g"));
	struct mirror_proc *p;

	ck_assert_ptr_null(mirror_zone_get_first(ctx));
	ck_assert_ptr_null(mirror_node_get_first(ctx));
	ck_assert_ptr_null(mirror_policy_get_first(ctx));
	ck_assert_ptr_null(mirror_get_backend_name(ctx));
	ck_assert(mirror_get_total_bytes(ctx) == MIRROR_UNKNOWN);
	ck_assert_int_eq(mirror_refresh(ctx), -ENODEV);
	ck_assert_int_eq(mirror_proc_new(ctx, 4242, &p), -ENODEV);
	ck_assert_int_eq(mirror_proc_scan(ctx), -ENODEV);
	mirror_unref(ctx);
}
END_TEST

/* ---- backend choice ---------------------------------------------------- */

START_TEST(test_no_backend)
{
	struct mirror_ctx *ctx = ctx_at(tmpdir);
	const char *msg;

	ck_assert_int_eq(mirror_load(ctx), -ENODEV);
	msg = mirror_get_last_error(ctx);
	ck_assert_ptr_nonnull(strstr(msg, "/sys/kernel/mm/mirror"));
	ck_assert_ptr_nonnull(strstr(msg, "/proc/meminfo"));
	ck_assert_ptr_nonnull(strstr(msg, "/proc/cmdline"));
	ck_assert_int_eq(mirror_get_nr_zones(ctx), 0);
	mirror_unref(ctx);

	/* A machine with none of it: a cmdline and meminfo, nothing else. */
	run("mkdir -p '%s/proc' && echo 'ro quiet' > '%s/proc/cmdline' && "
	    "echo 'MemTotal: 1024 kB' > '%s/proc/meminfo'", tmpdir, tmpdir,
	    tmpdir);
	load_fails(tmpdir, -ENODEV, "no kernelcore=mirror");
}
END_TEST

START_TEST(test_forced_backend_absent)
{
	struct mirror_ctx *ctx = ctx_at(fixture("openeuler"));

	ck_assert_int_eq(mirror_set_backend(ctx, "module"), 0);
	ck_assert_int_eq(mirror_load(ctx), -ENODEV);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx),
				     "backend module"));
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx),
				     "/sys/kernel/mm/mirror"));
	mirror_unref(ctx);

	/* openEuler boots kernelcore=reliable, not kernelcore=mirror. */
	ctx = ctx_at(fixture("openeuler"));
	ck_assert_int_eq(mirror_set_backend(ctx, "kernelcore"), 0);
	ck_assert_int_eq(mirror_load(ctx), -ENODEV);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_auto_prefers_module)
{
	const char *root = copy_fixture("openeuler");
	struct mirror_ctx *ctx;

	run("cp -a '%s/sys/kernel' '%s/sys/'", fixture("module-48g"), root);
	ctx = load(root);
	ck_assert_str_eq(mirror_get_backend_name(ctx), "module");
	mirror_unref(ctx);
	ctx = ctx_at(root);
	ck_assert_int_eq(mirror_set_backend(ctx, "reliable"), 0);
	ck_assert_int_eq(mirror_load(ctx), 0);
	ck_assert_str_eq(mirror_get_backend_name(ctx), "reliable");
	mirror_unref(ctx);
}
END_TEST

/* ---- mirror.ko: the reference layout ------------------------------------ */

START_TEST(test_module_layout)
{
	static const unsigned long long starts[] = { 2ULL << 20, 12 * GiB,
						     24 * GiB, 36 * GiB };
	struct mirror_ctx *ctx = load(fixture("module-48g"));
	struct mirror_zone *z;
	unsigned int i = 0;
	char name[16];

	ck_assert_str_eq(mirror_get_backend_name(ctx), "module");
	ck_assert_str_eq(mirror_get_backend_description(ctx),
			 "mirror.ko 0.1.0 (firmware)");
	ck_assert_str_eq(mirror_get_module_version(ctx), "0.1.0");
	ck_assert_str_eq(mirror_get_module_mode(ctx), "firmware");
	ck_assert_uint_eq(mirror_get_abi_version(ctx), 1);
	ck_assert_uint_eq(mirror_get_page_size(ctx), 4096);
	ck_assert_uint_eq(mirror_get_nr_zones(ctx), 4);
	ck_assert_uint_eq(mirror_get_nr_nodes(ctx), 4);
	mirror_zone_foreach(ctx, z) {
		snprintf(name, sizeof(name), "zone%u", i);
		ck_assert_str_eq(mirror_zone_get_name(z), name);
		ck_assert_uint_eq(mirror_zone_get_id(z), i);
		ck_assert_int_eq(mirror_zone_get_node_id(z), (int)i);
		ck_assert_ptr_eq(mirror_zone_get_ctx(z), ctx);
		ck_assert(mirror_zone_get_start(z) == starts[i]);
		ck_assert(mirror_zone_get_end(z) == (i + 1) * 12 * GiB -
			  11 * GiB);
		ck_assert(mirror_zone_get_span(z) ==
			  mirror_zone_get_end(z) - mirror_zone_get_start(z));
		ck_assert_int_eq(mirror_node_get_id(mirror_zone_get_node(z)),
				 (int)i);
		i++;
	}
	ck_assert_uint_eq(i, 4);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_module_counters)
{
	struct mirror_ctx *ctx = load(fixture("module-48g"));
	struct mirror_zone *z = zone_nr(ctx, 2);
	struct mirror_node *n = mirror_node_get_by_id(ctx, 2);

	ck_assert_uint_eq(mirror_zone_get_pages_present(z), 262144);
	ck_assert_uint_eq(mirror_zone_get_pages_total(z), 262144);
	ck_assert_uint_eq(mirror_zone_get_pages_free(z), 120);
	ck_assert_uint_eq(mirror_zone_get_pages_used(z), 262024);
	ck_assert_uint_eq(mirror_zone_get_allocs(z), 300000);
	ck_assert_uint_eq(mirror_zone_get_frees(z), 38000);
	ck_assert_uint_eq(mirror_zone_get_alloc_failures(z), 517);
	/* ABI 1 without the failovers file: unknown, never 0. */
	ck_assert(mirror_zone_get_failovers(z) == MIRROR_UNKNOWN);
	ck_assert(mirror_node_get_failovers(n) == MIRROR_UNKNOWN);
	ck_assert(mirror_get_failovers(ctx) == MIRROR_UNKNOWN);
	ck_assert_uint_eq(mirror_zone_get_bad_frees(z), 3);
	ck_assert_uint_eq(mirror_zone_get_exhausted(z), 1);
	ck_assert_uint_eq(mirror_zone_get_exhausted(zone_nr(ctx, 3)), 0);
	ck_assert_uint_eq(mirror_node_get_allocs_ordinary(n), 34);
	ck_assert_uint_eq(mirror_get_bad_frees(ctx), 3);
	ck_assert(mirror_get_ordinary_bytes(ctx) == 1234ULL * 4096);

	ck_assert_uint_eq(mirror_node_get_pages_total(n), 262144);
	ck_assert_uint_eq(mirror_node_get_pages_free(n), 120);
	ck_assert_uint_eq(mirror_node_get_pages_used(n), 262024);
	ck_assert_uint_eq(mirror_node_get_allocs_local(n), 300000);
	ck_assert_uint_eq(mirror_node_get_allocs_remote(n), 500);
	ck_assert_uint_eq(mirror_node_get_fallback_exhausted(n), 17);
	ck_assert_uint_eq(mirror_node_get_fallback_constraint(n), 0);
	ck_assert_uint_eq(mirror_node_get_failed(n), 0);
	ck_assert(mirror_node_get_memory_bytes(n) == MIRROR_UNKNOWN);

	ck_assert(mirror_get_total_bytes(ctx) == (260096ULL + 3 * 262144) * 4096);
	ck_assert(mirror_get_used_bytes(ctx) == (80096ULL + 40000 + 262024) * 4096);
	ck_assert(mirror_get_free_bytes(ctx) ==
		  mirror_get_total_bytes(ctx) - mirror_get_used_bytes(ctx));
	ck_assert_uint_eq(mirror_get_allocs(ctx), 152840 + 61000 + 300000);
	ck_assert_uint_eq(mirror_get_fallbacks(ctx), 21);
	ck_assert(mirror_get_task_used_bytes(ctx) == MIRROR_UNKNOWN);
	ck_assert(mirror_get_shmem_bytes(ctx) == MIRROR_UNKNOWN);
	mirror_unref(ctx);
}
END_TEST

/* Files added after the first module release may be absent: unknown. */
START_TEST(test_module_optional_files)
{
	const char *root = copy_fixture("module-48g");
	struct mirror_ctx *ctx;

	run("cd '%s/sys/kernel/mm/mirror' && rm bad_frees ordinary_pages "
	    "zones/*/bad_frees zones/*/exhausted nodes/*/allocs_ordinary", root);
	ctx = load(root);
	ck_assert(mirror_get_bad_frees(ctx) == MIRROR_UNKNOWN);
	ck_assert(mirror_get_ordinary_bytes(ctx) == MIRROR_UNKNOWN);
	ck_assert(mirror_zone_get_bad_frees(zone_nr(ctx, 2)) == MIRROR_UNKNOWN);
	ck_assert(mirror_zone_get_exhausted(zone_nr(ctx, 2)) == MIRROR_UNKNOWN);
	ck_assert(mirror_node_get_allocs_ordinary(mirror_node_get_first(ctx)) ==
		  MIRROR_UNKNOWN);
	ck_assert_uint_eq(mirror_zone_get_allocs(zone_nr(ctx, 2)), 300000);
	mirror_unref(ctx);

	write_file(root, "sys/kernel/mm/mirror/zones/zone1/exhausted", "2\n");
	load_fails(root, -EINVAL, "zone1/exhausted: exhausted is not 0 or 1");

	ctx = load(fixture("kernelcore-48g"));
	ck_assert(mirror_get_bad_frees(ctx) == MIRROR_UNKNOWN);
	ck_assert(mirror_zone_get_exhausted(zone_nr(ctx, 0)) == MIRROR_UNKNOWN);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_module_node_iter)
{
	struct mirror_ctx *ctx = load(fixture("module-48g"));
	struct mirror_node *n;
	struct mirror_zone *z;
	int expect = 0;

	mirror_node_foreach(ctx, n) {
		unsigned int zones = 0;

		ck_assert_int_eq(mirror_node_get_id(n), expect++);
		ck_assert_ptr_eq(mirror_node_get_ctx(n), ctx);
		mirror_node_zone_foreach(n, z) {
			ck_assert_int_eq(mirror_zone_get_node_id(z),
					 mirror_node_get_id(n));
			zones++;
		}
		ck_assert_uint_eq(zones, 1);
		ck_assert_uint_eq(mirror_node_get_nr_zones(n), 1);
	}
	ck_assert_int_eq(expect, 4);
	ck_assert_ptr_null(mirror_node_get_by_id(ctx, 4));
	mirror_unref(ctx);
}
END_TEST

/* A node online at load without a mirror zone still has its counters. */
START_TEST(test_module_node_without_zone)
{
	const char *root = copy_fixture("module-48g");
	struct mirror_ctx *ctx;
	struct mirror_node *n;

	run("cp -a '%s/sys/kernel/mm/mirror/nodes/node3' "
	    "'%s/sys/kernel/mm/mirror/nodes/node7'", root, root);
	write_file(root, "sys/kernel/mm/mirror/nodes/node7/fallback_exhausted",
		   "12\n");
	ctx = load(root);
	ck_assert_uint_eq(mirror_get_nr_nodes(ctx), 5);
	n = mirror_node_get_by_id(ctx, 7);
	ck_assert_ptr_nonnull(n);
	ck_assert_ptr_eq(mirror_node_get_next(mirror_node_get_by_id(ctx, 3)), n);
	ck_assert_uint_eq(mirror_node_get_nr_zones(n), 0);
	ck_assert_ptr_null(mirror_node_zone_get_first(n));
	ck_assert_uint_eq(mirror_node_get_pages_total(n), 0);
	ck_assert_uint_eq(mirror_node_get_fallback_exhausted(n), 12);
	ck_assert(mirror_node_get_failovers(n) == MIRROR_UNKNOWN);
	ck_assert_uint_eq(mirror_get_fallbacks(ctx), 21 + 12);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_module_on_demand)
{
	struct mirror_ctx *ctx = load(fixture("module-48g"));
	struct mirror_zone *z0 = zone_nr(ctx, 0), *z3 = zone_nr(ctx, 3);
	unsigned long long sum = 0;
	unsigned int o;

	ck_assert_uint_eq(mirror_zone_get_pages_requested(z0), 261632);
	ck_assert_uint_eq(mirror_zone_get_blocks_unclaimed(z0), 3);
	ck_assert_uint_eq(mirror_zone_get_pages_requested(z3), 262144);
	for (o = 0; o < MIRROR_NR_ORDERS; o++)
		sum += mirror_zone_get_free_blocks(z0, o) << o;
	ck_assert(sum == mirror_zone_get_pages_free(z0));
	ck_assert_uint_eq(mirror_zone_get_free_blocks(z3, 10), 256);
	ck_assert(mirror_zone_get_free_blocks(z3, MIRROR_NR_ORDERS) ==
		  MIRROR_UNKNOWN);
	mirror_unref(ctx);
}
END_TEST

struct runs { unsigned long long pages; unsigned int n, stop_after; };

static int count_run(unsigned long long s, unsigned long long e, void *arg)
{
	struct runs *r = arg;

	ck_assert(e > s);
	r->pages += e - s;
	r->n++;
	return r->stop_after && r->n == r->stop_after ? 42 : 0;
}

START_TEST(test_module_occupied)
{
	struct mirror_ctx *ctx = load(fixture("module-48g"));
	struct mirror_zone *z;

	mirror_zone_foreach(ctx, z) {
		struct runs r = { 0 };

		ck_assert_int_eq(mirror_zone_occupied_foreach(z, count_run, &r), 0);
		ck_assert(r.pages == mirror_zone_get_pages_used(z));
	}
	{
		struct runs r = { .stop_after = 1 };

		ck_assert_int_eq(mirror_zone_occupied_foreach(zone_nr(ctx, 2),
							      count_run, &r), 42);
		ck_assert_uint_eq(r.n, 1);
	}
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_module_occupied_garbled)
{
	const char *root = copy_fixture("module-48g");
	struct mirror_ctx *ctx = load(root);
	struct runs r = { 0 };

	write_file(root, "sys/kernel/mm/mirror/zones/zone1/occupied",
		   "0x300000-0x309c40\n0x400000 to 0x500000\n");
	ck_assert_int_eq(mirror_zone_occupied_foreach(zone_nr(ctx, 1),
						      count_run, &r), -EINVAL);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx),
				     "zone1/occupied:2"));
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_module_policy)
{
	const char *root = copy_fixture("module-48g");
	struct mirror_ctx *ctx = load(root);
	struct mirror_policy *p;
	unsigned long long v;
	unsigned int n = 0;

	mirror_policy_foreach(ctx, p) {
		ck_assert_int_eq(mirror_policy_get_type(p), MIRROR_POLICY_BOOL);
		ck_assert_ptr_nonnull(mirror_policy_get_description(p));
		n++;
	}
	ck_assert_uint_eq(n, 2);
	p = mirror_policy_get_by_name(ctx, "default_mirror");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(mirror_policy_get_path(p),
			 "/sys/kernel/mm/mirror/policy/default_mirror");
	ck_assert_int_eq(mirror_policy_get_value(p, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(mirror_policy_set_value(p, 1), 0);
	ck_assert_str_eq(read_file(root, "sys/kernel/mm/mirror/policy/default_mirror"),
			 "1\n");
	ck_assert_int_eq(mirror_policy_get_value(p, &v), 0);
	ck_assert_uint_eq(v, 1);
	/* A bool takes 0 or 1; nothing is written otherwise. */
	ck_assert_int_eq(mirror_policy_set_value(p, 2), -EINVAL);
	ck_assert_str_eq(read_file(root, "sys/kernel/mm/mirror/policy/default_mirror"),
			 "1\n");
	p = mirror_policy_get_by_name(ctx, "fallback");
	write_file(root, "sys/kernel/mm/mirror/policy/fallback", "maybe\n");
	ck_assert_int_eq(mirror_policy_get_value(p, &v), -EINVAL);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx), "policy/fallback"));
	ck_assert_ptr_null(mirror_policy_get_by_name(ctx, "task_reliable_limit"));
	mirror_unref(ctx);
}
END_TEST

/* ---- mirror.ko: damaged trees ----------------------------------------- */

START_TEST(test_module_missing_file)
{
	const char *root = copy_fixture("module-48g");

	run("rm '%s/sys/kernel/mm/mirror/zones/zone1/allocs'", root);
	load_fails(root, -ENOENT, "zones/zone1/allocs: No such file");
}
END_TEST

START_TEST(test_module_missing_zone)
{
	const char *root = copy_fixture("module-48g");

	write_file(root, "sys/kernel/mm/mirror/nr_zones", "5\n");
	load_fails(root, -ENOENT, "zones/zone4");
}
END_TEST

START_TEST(test_module_garbled_file)
{
	const char *root = copy_fixture("module-48g");

	write_file(root, "sys/kernel/mm/mirror/zones/zone2/pages_free", "12abc\n");
	load_fails(root, -EINVAL, "zone2/pages_free: not a decimal number: '12abc'");
	write_file(root, "sys/kernel/mm/mirror/zones/zone2/pages_free", "120\n");
	write_file(root, "sys/kernel/mm/mirror/zones/zone3/start", "36G\n");
	load_fails(root, -EINVAL, "zone3/start: not a 0x hex number");
	write_file(root, "sys/kernel/mm/mirror/zones/zone3/start", "0x900000000\n");
	write_file(root, "sys/kernel/mm/mirror/nodes/node1/failed",
		   "99999999999999999999999\n");
	load_fails(root, -ERANGE, "node1/failed");
}
END_TEST

START_TEST(test_module_truncated_file)
{
	const char *root = copy_fixture("module-48g");

	write_file(root, "sys/kernel/mm/mirror/zones/zone0/allocs", "");
	load_fails(root, -EINVAL, "zone0/allocs: empty");
	write_file(root, "sys/kernel/mm/mirror/zones/zone0/allocs", "1\n");
	write_file(root, "sys/kernel/mm/mirror/version", "\n");
	load_fails(root, -EINVAL, "version: empty");
}
END_TEST

START_TEST(test_module_inconsistent)
{
	const char *root = copy_fixture("module-48g");

	write_file(root, "sys/kernel/mm/mirror/zones/zone1/pages_free", "262145\n");
	load_fails(root, -EINVAL, "pages_free 262145 exceeds pages_present");
	write_file(root, "sys/kernel/mm/mirror/zones/zone1/pages_free", "0\n");
	write_file(root, "sys/kernel/mm/mirror/zones/zone1/start", "0x0\n");
	load_fails(root, -EINVAL, "overlaps or precedes zone0");
	write_file(root, "sys/kernel/mm/mirror/zones/zone1/start", "0x300000001\n");
	load_fails(root, -EINVAL, "bad range");
	write_file(root, "sys/kernel/mm/mirror/zones/zone1/start", "0x300000000\n");
	write_file(root, "sys/kernel/mm/mirror/mode", "dreaming\n");
	load_fails(root, -EINVAL, "neither emulation nor firmware");
}
END_TEST

START_TEST(test_module_abi_newer)
{
	const char *root = copy_fixture("module-48g");

	write_file(root, "sys/kernel/mm/mirror/abi_version", "3\n");
	load_fails(root, -EPROTO, "ABI 3");
}
END_TEST

START_TEST(test_module_nul_byte)
{
	const char *root = copy_fixture("module-48g");
	char path[8192];
	int fd;

	snprintf(path, sizeof(path), "%s/sys/kernel/mm/mirror/nodes/node0/allocs_local",
		 root);
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "12\0003\n", 5), 5);
	close(fd);
	load_fails(root, -EINVAL, "node0/allocs_local: contains a NUL byte");
}
END_TEST

/* ---- mirror.ko: refresh ------------------------------------------------- */

START_TEST(test_module_refresh)
{
	const char *root = copy_fixture("module-48g");
	struct mirror_ctx *ctx = load(root);
	struct mirror_zone *z = zone_nr(ctx, 3);
	struct mirror_node *n = mirror_zone_get_node(z);

	write_file(root, "sys/kernel/mm/mirror/zones/zone3/pages_free", "262000\n");
	write_file(root, "sys/kernel/mm/mirror/zones/zone3/allocs", "9\n");
	write_file(root, "sys/kernel/mm/mirror/zones/zone3/failovers", "2\n");
	write_file(root, "sys/kernel/mm/mirror/nodes/node3/allocs_local", "9\n");
	ck_assert_int_eq(mirror_refresh(ctx), 0);
	ck_assert_ptr_eq(zone_nr(ctx, 3), z);
	ck_assert_uint_eq(mirror_zone_get_pages_free(z), 262000);
	ck_assert_uint_eq(mirror_zone_get_pages_used(z), 144);
	ck_assert_uint_eq(mirror_zone_get_allocs(z), 9);
	ck_assert_uint_eq(mirror_zone_get_failovers(z), 2);
	ck_assert_uint_eq(mirror_node_get_pages_used(n), 144);
	ck_assert_uint_eq(mirror_node_get_allocs_local(n), 9);
	ck_assert_uint_eq(mirror_get_allocs(ctx), 513849);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_module_refresh_error)
{
	const char *root = copy_fixture("module-48g");
	struct mirror_ctx *ctx = load(root);

	/* zone0 re-read fine, zone2 garbled: zone0 must not change either. */
	write_file(root, "sys/kernel/mm/mirror/zones/zone0/allocs", "999999\n");
	write_file(root, "sys/kernel/mm/mirror/zones/zone2/frees", "lots\n");
	ck_assert_int_eq(mirror_refresh(ctx), -EINVAL);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx), "zone2/frees"));
	ck_assert_uint_eq(mirror_zone_get_allocs(zone_nr(ctx, 0)), 152840);
	ck_assert_uint_eq(mirror_zone_get_frees(zone_nr(ctx, 2)), 38000);

	write_file(root, "sys/kernel/mm/mirror/zones/zone2/frees", "38001\n");
	write_file(root, "sys/kernel/mm/mirror/nr_zones", "3\n");
	ck_assert_int_eq(mirror_refresh(ctx), -ESTALE);
	write_file(root, "sys/kernel/mm/mirror/nr_zones", "4\n");
	ck_assert_int_eq(mirror_refresh(ctx), 0);
	ck_assert_uint_eq(mirror_zone_get_allocs(zone_nr(ctx, 0)), 999999);
	ck_assert_uint_eq(mirror_zone_get_frees(zone_nr(ctx, 2)), 38001);
	mirror_unref(ctx);
}
END_TEST

/* ---- mirror.ko: 64 nodes x 4 zones ------------------------------------ */

START_TEST(test_module_64x4)
{
	char root[4200];
	struct mirror_ctx *ctx;
	struct mirror_node *n;
	struct mirror_zone *z;
	unsigned long long failovers = 0, used = 0;
	unsigned int zones = 0;

	snprintf(root, sizeof(root), "%s/m64", tmpdir);
	run("sh '%s/gen-module-tree.sh' '%s' 64 4", fixtures, root);
	ctx = load(root);
	ck_assert_str_eq(mirror_get_module_mode(ctx), "emulation");
	ck_assert_uint_eq(mirror_get_nr_zones(ctx), 256);
	ck_assert_uint_eq(mirror_get_nr_nodes(ctx), 64);
	mirror_zone_foreach(ctx, z) {
		ck_assert_int_eq(mirror_zone_get_node_id(z), (int)zones / 4);
		ck_assert(mirror_zone_get_failovers(z) != MIRROR_UNKNOWN);
		failovers += mirror_zone_get_failovers(z);
		used += mirror_zone_get_pages_used(z);
		zones++;
	}
	ck_assert_uint_eq(zones, 256);
	ck_assert(mirror_get_failovers(ctx) == failovers);
	ck_assert(mirror_get_used_bytes(ctx) == used * 4096);
	mirror_node_foreach(ctx, n) {
		unsigned long long allocs = 0;

		ck_assert_uint_eq(mirror_node_get_nr_zones(n), 4);
		mirror_node_zone_foreach(n, z)
			allocs += mirror_zone_get_allocs(z);
		ck_assert(mirror_node_get_allocs_local(n) +
			  mirror_node_get_allocs_remote(n) == allocs);
	}
	mirror_unref(ctx);
}
END_TEST

/* ---- kernelcore=mirror ------------------------------------------------- */

START_TEST(test_kernelcore_layout)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "Normal",
					     "Normal" };
	static const int nodes[] = { 0, 0, 1, 2, 3 };
	struct mirror_ctx *ctx = load(fixture("kernelcore-48g"));
	struct mirror_zone *z;
	struct mirror_node *n;
	unsigned int i = 0;

	ck_assert_str_eq(mirror_get_backend_name(ctx), "kernelcore");
	ck_assert_ptr_null(mirror_get_module_version(ctx));
	ck_assert_uint_eq(mirror_get_abi_version(ctx), 0);
	ck_assert_uint_eq(mirror_get_nr_zones(ctx), 5);
	ck_assert_uint_eq(mirror_get_nr_nodes(ctx), 4);
	mirror_zone_foreach(ctx, z) {
		ck_assert_str_eq(mirror_zone_get_name(z), names[i]);
		ck_assert_int_eq(mirror_zone_get_node_id(z), nodes[i]);
		ck_assert_uint_eq(mirror_zone_get_id(z), i);
		i++;
	}
	z = zone_nr(ctx, 2);
	ck_assert(mirror_zone_get_start(z) == 12 * GiB);
	ck_assert(mirror_zone_get_end(z) == 24 * GiB);
	ck_assert_uint_eq(mirror_zone_get_pages_present(z), 262144);
	ck_assert_uint_eq(mirror_zone_get_pages_total(z), 262144 - 4567);
	ck_assert_uint_eq(mirror_zone_get_pages_free(z), 50000);
	ck_assert_uint_eq(mirror_zone_get_allocs(z), 4000000 + 100);
	ck_assert(mirror_zone_get_frees(z) == MIRROR_UNKNOWN);
	ck_assert(mirror_zone_get_failovers(z) == MIRROR_UNKNOWN);
	ck_assert(mirror_zone_get_free_blocks(z, 0) == MIRROR_UNKNOWN);
	ck_assert_int_eq(mirror_zone_occupied_foreach(z, count_run, NULL),
			 -EOPNOTSUPP);
	n = mirror_node_get_by_id(ctx, 0);
	ck_assert_uint_eq(mirror_node_get_nr_zones(n), 2);
	ck_assert_uint_eq(mirror_node_get_pages_total(n), 3840 + 765104);
	ck_assert(mirror_node_get_memory_bytes(n) ==
		  (12ULL * 1024 * 1024 - 100000) * 1024);
	ck_assert(mirror_node_get_fallback_exhausted(n) == MIRROR_UNKNOWN);
	ck_assert(mirror_get_fallbacks(ctx) == MIRROR_UNKNOWN);
	ck_assert_ptr_null(mirror_policy_get_first(ctx));
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_kernelcore_truncated)
{
	const char *root = copy_fixture("kernelcore-48g");

	/* Cut the file inside node 2's Normal zone, before start_pfn. */
	run("sed -i '/^Node 2, zone   Normal/,$!b; /start_pfn/,$d' "
	    "'%s/proc/zoneinfo'", root);
	load_fails(root, -EINVAL, "has no start_pfn (truncated?)");
	write_file(root, "proc/zoneinfo", "");
	load_fails(root, -EINVAL, "no zones");
	write_file(root, "proc/zoneinfo", "Node 0, zone      DMA\n  pages free 3\n");
	load_fails(root, -EINVAL, "lacks pages free/spanned/present/managed");
}
END_TEST

START_TEST(test_kernelcore_garbled)
{
	const char *root = copy_fixture("kernelcore-48g");

	run("sed -i '0,/spanned  1044480/s//spanned  lots/' '%s/proc/zoneinfo'",
	    root);
	load_fails(root, -EINVAL, "/proc/zoneinfo:");
	load_fails(root, -EINVAL, "'lots' is not a number");
	run("cp '%s/proc/zoneinfo' '%s/proc/zoneinfo'", fixture("kernelcore-48g"),
	    root);
	run("sed -i '1s/.*/Nodule 0, zone DMA/' '%s/proc/zoneinfo'", root);
	load_fails(root, -EINVAL, "zoneinfo:1: expected 'Node N, zone NAME'");
	run("sed -i '1s/.*/Node x, zone DMA/' '%s/proc/zoneinfo'", root);
	load_fails(root, -EINVAL, "bad zone header");
	run("rm '%s/proc/zoneinfo'", root);
	load_fails(root, -ENOENT, "/proc/zoneinfo: No such file");
}
END_TEST

START_TEST(test_kernelcore_node_meminfo)
{
	const char *root = copy_fixture("kernelcore-48g");
	struct mirror_ctx *ctx;

	write_file(root, "sys/devices/system/node/node1/meminfo", "garbage\n");
	load_fails(root, -EINVAL, "node1/meminfo: no readable 'Node 1 MemTotal:' line");
	/* A kernel without NUMA has no node directories: not an error. */
	run("rm -rf '%s/sys'", root);
	ctx = load(root);
	ck_assert(mirror_node_get_memory_bytes(mirror_node_get_first(ctx)) ==
		  MIRROR_UNKNOWN);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_kernelcore_refresh)
{
	const char *root = copy_fixture("kernelcore-48g");
	struct mirror_ctx *ctx = load(root);

	run("sed -i '0,/pages free     150000/s//pages free     150001/' "
	    "'%s/proc/zoneinfo'", root);
	ck_assert_int_eq(mirror_refresh(ctx), 0);
	ck_assert_uint_eq(mirror_zone_get_pages_free(zone_nr(ctx, 4)), 150001);
	run("sed -i 's/zone   Normal/zone  HighMem/' '%s/proc/zoneinfo'", root);
	ck_assert_int_eq(mirror_refresh(ctx), -ESTALE);
	ck_assert_uint_eq(mirror_zone_get_pages_free(zone_nr(ctx, 4)), 150001);
	mirror_unref(ctx);
}
END_TEST

/* ---- openEuler memory reliable ----------------------------------------- */

START_TEST(test_reliable_counters)
{
	struct mirror_ctx *ctx = load(fixture("openeuler"));
	unsigned long long total = (3840ULL + 765104 + (524288 - 20480) +
				    (524288 - 8192)) * 4096;
	unsigned long long freeb = (3201ULL + 401234 + 300123 + 400321) * 4096;

	ck_assert_str_eq(mirror_get_backend_name(ctx), "reliable");
	ck_assert(mirror_get_total_bytes(ctx) == total);
	ck_assert(mirror_get_used_bytes(ctx) == total - freeb);
	ck_assert(mirror_get_free_bytes(ctx) == freeb);
	ck_assert(mirror_get_task_used_bytes(ctx) == 2162688ULL * 1024);
	ck_assert(mirror_get_buddy_bytes(ctx) == freeb);
	ck_assert(mirror_get_shmem_bytes(ctx) == 23456ULL * 1024);
	ck_assert(mirror_get_pagecache_bytes(ctx) == 1012344ULL * 1024);
	ck_assert_uint_eq(mirror_get_nr_zones(ctx), 4);
	ck_assert_uint_eq(mirror_get_nr_nodes(ctx), 2);
	ck_assert_uint_eq(mirror_node_get_allocs_remote(mirror_node_get_by_id(ctx, 1)),
			  321);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_reliable_meminfo_bad)
{
	const char *root = copy_fixture("openeuler");

	run("sed -i 's/^ReliableUsed:.*/ReliableUsed:   lots kB/' '%s/proc/meminfo'",
	    root);
	load_fails(root, -EINVAL, "/proc/meminfo: ReliableUsed: not 'N kB'");
	run("sed -i '/^ReliableUsed:/d' '%s/proc/meminfo'", root);
	load_fails(root, -EINVAL, "ReliableUsed: missing");
}
END_TEST

START_TEST(test_reliable_policies)
{
	const char *root = copy_fixture("openeuler");
	struct mirror_ctx *ctx;
	struct mirror_policy *p;
	unsigned long long v;
	unsigned int n = 0;

	/* Older kernels lack some sysctls: those are not offered. */
	run("rm '%s/proc/sys/vm/reliable_debug'", root);
	ctx = load(root);
	mirror_policy_foreach(ctx, p)
		n++;
	ck_assert_uint_eq(n, 3);
	ck_assert_ptr_null(mirror_policy_get_by_name(ctx, "reliable_debug"));
	p = mirror_policy_get_by_name(ctx, "task_reliable_limit");
	ck_assert_int_eq(mirror_policy_get_type(p), MIRROR_POLICY_BYTES);
	ck_assert_int_eq(mirror_policy_get_value(p, &v), 0);
	ck_assert(v == ~0ULL);
	ck_assert_int_eq(mirror_policy_set_value(p, 8 * GiB), 0);
	ck_assert_str_eq(read_file(root, "proc/sys/vm/task_reliable_limit"),
			 "8589934592\n");
	p = mirror_policy_get_by_name(ctx, "reliable_pagecache_max_bytes");
	ck_assert_int_eq(mirror_policy_get_value(p, &v), 0);
	ck_assert(v == 4 * GiB);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_reliable_proc)
{
	struct mirror_ctx *ctx = load(fixture("openeuler"));
	struct mirror_proc *p;
	unsigned int n = 0;

	ck_assert_int_eq(mirror_proc_new(ctx, 1000, &p), 0);
	ck_assert_int_eq(mirror_proc_get_pid(p), 1000);
	ck_assert_str_eq(mirror_proc_get_comm(p), "java");
	ck_assert_int_eq(mirror_proc_get_source(p), MIRROR_PROC_STATUS);
	ck_assert(mirror_proc_get_resident_bytes(p) == 2 * GiB);
	ck_assert(mirror_proc_get_mirror_bytes(p) == GiB / 2);
	ck_assert(mirror_proc_get_other_bytes(p) == 3 * GiB / 2);
	ck_assert_int_eq(mirror_proc_get_mirror_first(p), 1);
	mirror_proc_free(p);
	ck_assert_int_eq(mirror_proc_scan(ctx), 0);
	mirror_proc_foreach(ctx, p) {
		ck_assert_int_ne(mirror_proc_get_pid(p), 2);	/* kthread */
		n++;
	}
	ck_assert_uint_eq(n, 3);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_reliable_proc_bad)
{
	const char *root = copy_fixture("openeuler");
	struct mirror_ctx *ctx = load(root);
	struct mirror_proc *p;

	run("sed -i '/^Reliable:/d' '%s/proc/1001/status'", root);
	ck_assert_int_eq(mirror_proc_new(ctx, 1001, &p), -EINVAL);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx),
				     "/proc/1001/status: no 'Reliable:' line"));
	write_file(root, "proc/1000/reliable", "yes\n");
	ck_assert_int_eq(mirror_proc_new(ctx, 1000, &p), -EINVAL);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx),
				     "/proc/1000/reliable: expected 0 or 1"));
	mirror_unref(ctx);
}
END_TEST

/* ---- per-process usage from pagemap ------------------------------------ */

START_TEST(test_pagemap_module)
{
	struct mirror_ctx *ctx = load(fixture("module-48g"));
	struct mirror_proc *p;

	ck_assert_int_eq(mirror_proc_new(ctx, 4242, &p), 0);
	ck_assert_str_eq(mirror_proc_get_comm(p), "database");
	ck_assert_int_eq(mirror_proc_get_source(p), MIRROR_PROC_PAGEMAP);
	ck_assert_uint_eq(mirror_proc_get_resident_bytes(p), 56 * 4096);
	ck_assert_uint_eq(mirror_proc_get_mirror_bytes(p), 32 * 4096);
	ck_assert_uint_eq(mirror_proc_get_other_bytes(p), 24 * 4096);
	ck_assert_int_eq(mirror_proc_get_mirror_first(p), -1);
	mirror_proc_free(p);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_pagemap_kernelcore)
{
	struct mirror_ctx *ctx = load(fixture("kernelcore-48g"));
	struct mirror_proc *p;

	/* Pages in node 1's Movable span are ordinary though Normal spans it. */
	ck_assert_int_eq(mirror_proc_new(ctx, 777, &p), 0);
	ck_assert_uint_eq(mirror_proc_get_resident_bytes(p), 32 * 4096);
	ck_assert_uint_eq(mirror_proc_get_mirror_bytes(p), 24 * 4096);
	ck_assert_uint_eq(mirror_proc_get_other_bytes(p), 8 * 4096);
	mirror_proc_free(p);
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_pagemap_hidden_pfns)
{
	const char *root = copy_fixture("module-48g");
	struct mirror_ctx *ctx;
	struct mirror_proc *p;

	/* What an unprivileged reader gets: present pages, PFN 0. */
	run("mkdir -p '%s/proc/5000' && echo sh > '%s/proc/5000/comm' && "
	    "echo '00400000-00402000 r-xp 00000000 08:01 5 /bin/sh' > '%s/proc/5000/maps' && "
	    "dd if=/dev/zero bs=8 count=1024 2>/dev/null > '%s/proc/5000/pagemap' && "
	    "printf '\\0\\0\\0\\0\\0\\0\\0\\200\\0\\0\\0\\0\\0\\0\\0\\200' >> '%s/proc/5000/pagemap'",
	    root, root, root, root, root);
	ctx = load(root);
	ck_assert_int_eq(mirror_proc_new(ctx, 5000, &p), -EPERM);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx), "needs root"));
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx),
				     "/proc/5000/pagemap"));
	ck_assert_int_eq(mirror_proc_scan(ctx), -EPERM);
	ck_assert_ptr_null(mirror_proc_get_first(ctx));
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_pagemap_bad)
{
	const char *root = copy_fixture("module-48g");
	struct mirror_ctx *ctx = load(root);
	struct mirror_proc *p;

	ck_assert_int_eq(mirror_proc_new(ctx, 999999, &p), -ESRCH);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx), "no process 999999"));
	ck_assert_int_eq(mirror_proc_new(ctx, 0, &p), -EINVAL);
	write_file(root, "proc/4250/maps", "00400000-zzz r-xp\n");
	ck_assert_int_eq(mirror_proc_new(ctx, 4250, &p), -EINVAL);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx), "/proc/4250/maps:1"));
	run("rm '%s/proc/4242/pagemap'", root);
	ck_assert_int_eq(mirror_proc_new(ctx, 4242, &p), -ENOENT);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx),
				     "/proc/4242/pagemap: No such file"));
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_proc_scan_module)
{
	struct mirror_ctx *ctx = load(fixture("module-48g"));
	struct mirror_proc *p;
	unsigned long long mirror = 0;
	unsigned int n = 0;

	ck_assert_int_eq(mirror_proc_scan(ctx), 0);
	mirror_proc_foreach(ctx, p) {
		ck_assert_int_ne(mirror_proc_get_pid(p), 2);
		mirror += mirror_proc_get_mirror_bytes(p);
		n++;
	}
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(mirror, (32 + 2) * 4096);
	/* A second scan replaces the first. */
	ck_assert_int_eq(mirror_proc_scan(ctx), 0);
	n = 0;
	mirror_proc_foreach(ctx, p)
		n++;
	ck_assert_uint_eq(n, 3);
	mirror_unref(ctx);
}
END_TEST

/* The one pagemap reader, as mirror-drill uses it, against virt_to_phys. */
START_TEST(test_proc_get_pfns)
{
	const char *root = copy_fixture("module-48g");
	unsigned long long pfns[64], pa;
	struct mirror_ctx *ctx = ctx_at(fixture("module-48g"));
	unsigned int i, present = 0;
	int rc;

	ck_assert_int_eq(mirror_proc_get_pfns(ctx, 4242, 0x600000, 32, pfns), 0);
	for (i = 0; i < 32; i++) {
		rc = mirror_virt_to_phys(ctx, 4242, 0x600000 + i * 4096ULL + 8, &pa);
		if (pfns[i]) {
			present++;
			ck_assert_int_eq(rc, 0);
			ck_assert(pa == pfns[i] * 4096 + 8);
		} else {
			ck_assert_int_eq(rc, -ENXIO);
		}
	}
	ck_assert_uint_gt(present, 0);
	ck_assert_int_eq(mirror_proc_get_pfns(ctx, 4244, 0x600000, 1, pfns),
			 -ESRCH);
	/* The captured file ends before 0x640000. */
	ck_assert_int_eq(mirror_proc_get_pfns(ctx, 4242, 0x630000, 64, pfns),
			 -EIO);
	mirror_unref(ctx);

	/* Present pages that all show frame 0: hidden, not absent. */
	run("mkdir -p '%s/proc/5000' && "
	    "dd if=/dev/zero bs=8 count=1024 2>/dev/null > '%s/proc/5000/pagemap' && "
	    "printf '\\0\\0\\0\\0\\0\\0\\0\\200' >> '%s/proc/5000/pagemap'",
	    root, root, root);
	ctx = ctx_at(root);
	ck_assert_int_eq(mirror_proc_get_pfns(ctx, 5000, 0x3ff000, 2, pfns),
			 -EPERM);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx), "CAP_SYS_ADMIN"));
	mirror_unref(ctx);
}
END_TEST

/* ---- what monitoring relies on ----------------------------------------- */

/* The page size of a captured tree: its proc/self/smaps, 64 KiB here. */
START_TEST(test_page_size_sysroot)
{
	const char *root = copy_fixture("kernelcore-48g");
	struct mirror_ctx *small = load(fixture("kernelcore-48g")), *big;
	struct mirror_zone *zs, *zb;

	run("mkdir -p '%s/proc/self'", root);
	write_file(root, "proc/self/smaps",
		   "55d0c0000000-55d0c0010000 r--p 00000000 08:01 1 /bin/x\n"
		   "Size:                 64 kB\nKernelPageSize:       64 kB\n"
		   "MMUPageSize:          64 kB\n");
	big = load(root);
	ck_assert_uint_eq(mirror_get_page_size(big), 65536);
	ck_assert(mirror_get_total_bytes(big) ==
		  16 * mirror_get_total_bytes(small));
	for (zs = mirror_zone_get_first(small), zb = mirror_zone_get_first(big);
	     zs && zb; zs = mirror_zone_get_next(zs), zb = mirror_zone_get_next(zb)) {
		ck_assert(mirror_zone_get_start(zb) ==
			  16 * mirror_zone_get_start(zs));
		ck_assert(mirror_zone_get_end(zb) ==
			  16 * mirror_zone_get_end(zs));
	}
	ck_assert(!zs && !zb);
	mirror_unref(small);
	mirror_unref(big);
}
END_TEST

/* A garbled smaps is refused, and the sysroot stays what it was. */
START_TEST(test_page_size_garbled)
{
	static const char *const bad[] = { "KernelPageSize: 3 kB\n",
		"KernelPageSize: 12 kB\n", "KernelPageSize: 2048 kB\n",
		"KernelPageSize: many\n", "Size: 4 kB\n" };
	const char *root = copy_fixture("kernelcore-48g");
	struct mirror_ctx *ctx;
	unsigned int i;

	run("mkdir -p '%s/proc/self'", root);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(root, "proc/self/smaps", bad[i]);
		ck_assert_int_eq(mirror_new(&ctx), 0);
		mirror_set_log_priority(ctx, 0);
		ck_assert_int_eq(mirror_set_sysroot(ctx, root), -EINVAL);
		ck_assert_msg(strstr(mirror_get_last_error(ctx), "KernelPageSize") != NULL,
			      "%s", mirror_get_last_error(ctx));
		ck_assert_str_eq(mirror_get_sysroot(ctx), "/");
		mirror_unref(ctx);
	}
}
END_TEST

/* A counter at 2^64-2 is kept; a sum past 2^64-1 is unknown, not wrapped. */
START_TEST(test_counter_huge)
{
	const char *root = copy_fixture("module-48g");
	struct mirror_ctx *ctx;

	write_file(root, "sys/kernel/mm/mirror/zones/zone0/allocs",
		   "18446744073709551614\n");
	ctx = load(root);
	ck_assert(mirror_zone_get_allocs(zone_nr(ctx, 0)) ==
		  18446744073709551614ULL);
	ck_assert(mirror_get_allocs(ctx) == MIRROR_UNKNOWN);
	mirror_unref(ctx);
}
END_TEST

/* "No limit" is a value; a policy that cannot be read is an error. */
START_TEST(test_policy_no_limit)
{
	const char *root = copy_fixture("openeuler");
	struct mirror_ctx *ctx = load(root);
	struct mirror_policy *pol;
	unsigned long long v = 0;

	pol = mirror_policy_get_by_name(ctx, "task_reliable_limit");
	ck_assert_ptr_nonnull(pol);
	ck_assert_int_eq(mirror_policy_get_value(pol, &v), 0);
	ck_assert(v == MIRROR_NO_LIMIT);
	write_file(root, "proc/sys/vm/task_reliable_limit", "lots\n");
	v = 7;
	ck_assert_int_eq(mirror_policy_get_value(pol, &v), -EINVAL);
	ck_assert(v == 7);
	mirror_unref(ctx);
}
END_TEST

/* ---- structures the library fills: the caller's size ------------------- */

/* The module tree with an emulated channel whose counters are 1 to 10. */
static const char *channel_tree(void)
{
	static const char *const names[] = {
		"copy_bytes", "injected", "latched", "overwritten",
		"failovers", "scrubs", "pages_scrubbed", "pages_synced",
		"last_scrub_us", "scrub_interval_ms",
	};
	const char *root = copy_fixture("module-48g");
	char rel[256], val[16];
	unsigned int i;

	run("mkdir -p '%s/sys/kernel/mm/mirror/channel'", root);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(rel, sizeof(rel), "sys/kernel/mm/mirror/channel/%s",
			 names[i]);
		snprintf(val, sizeof(val), "%u\n", i + 1);
		write_file(root, rel, val);
	}
	return root;
}

/* Every byte of [from, to) of 'p' still 0xa5: nothing written there. */
static bool untouched(const void *p, size_t from, size_t to)
{
	const unsigned char *b = p;

	for (; from < to; from++)
		if (b[from] != 0xa5)
			return false;
	return true;
}

START_TEST(test_channel_info_size)
{
	struct mirror_ctx *ctx = ctx_at(channel_tree());
	struct mirror_channel_info info = { .size = sizeof(info) };

	ck_assert_int_eq(mirror_channel_read(ctx, &info), 0);
	ck_assert_uint_eq(info.size, sizeof(info));
	ck_assert_uint_eq(info.copy_bytes, 1);
	ck_assert_uint_eq(info.scrub_interval_ms, 10);
	mirror_unref(ctx);
}
END_TEST

/* A caller built when the structure ended before scrub_interval_ms. */
START_TEST(test_channel_info_older)
{
	struct mirror_ctx *ctx = ctx_at(channel_tree());
	const size_t older = offsetof(struct mirror_channel_info,
				      scrub_interval_ms);
	struct mirror_channel_info info;

	memset(&info, 0xa5, sizeof(info));
	info.size = older;
	ck_assert_int_eq(mirror_channel_read(ctx, &info), 0);
	ck_assert_uint_eq(info.size, older);
	ck_assert_uint_eq(info.copy_bytes, 1);
	ck_assert_uint_eq(info.last_scrub_us, 9);
	ck_assert(untouched(&info, older, sizeof(info)));
	mirror_unref(ctx);
}
END_TEST

/* A caller built when the structure had one more member. */
START_TEST(test_channel_info_newer)
{
	struct mirror_ctx *ctx = ctx_at(channel_tree());
	struct {
		struct mirror_channel_info info;
		unsigned long long added;
	} newer;

	memset(&newer, 0xa5, sizeof(newer));
	newer.info.size = sizeof(newer);
	ck_assert_int_eq(mirror_channel_read(ctx, &newer.info), 0);
	ck_assert_uint_eq(newer.info.size, sizeof(newer.info));
	ck_assert_uint_eq(newer.info.scrub_interval_ms, 10);
	ck_assert(untouched(&newer, sizeof(newer.info), sizeof(newer)));
	mirror_unref(ctx);
}
END_TEST

START_TEST(test_channel_info_bad)
{
	const char *root = channel_tree();
	struct mirror_ctx *ctx = ctx_at(root);
	struct mirror_channel_info info;

	memset(&info, 0xa5, sizeof(info));
	info.size = 0;
	ck_assert_int_eq(mirror_channel_read(ctx, &info), -EINVAL);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx),
				     "mirror_channel_info: size 0 is too small"));
	ck_assert(untouched(&info, sizeof(info.size), sizeof(info)));
	info.size = sizeof(info.size) - 1;
	ck_assert_int_eq(mirror_channel_read(ctx, &info), -EINVAL);
	ck_assert_int_eq(mirror_channel_read(ctx, NULL), -EINVAL);
	/* A garbled counter: an error, and nothing of the reading. */
	write_file(root, "sys/kernel/mm/mirror/channel/scrubs", "six\n");
	info.size = sizeof(info);
	ck_assert_int_eq(mirror_channel_read(ctx, &info), -EINVAL);
	ck_assert_uint_eq(info.size, sizeof(info));
	ck_assert(untouched(&info, sizeof(info.size), sizeof(info)));
	mirror_unref(ctx);
}
END_TEST

/* memory reliable: the flag of /proc/PID/reliable, every count unknown. */
START_TEST(test_first_info_size)
{
	struct mirror_ctx *ctx = load(copy_fixture("openeuler"));
	const size_t older = offsetof(struct mirror_first_info, pages_moved);
	struct mirror_first_info info = { .size = sizeof(info) };

	ck_assert_int_eq(mirror_first_get(ctx, 1000, &info), 0);
	ck_assert_uint_eq(info.size, sizeof(info));
	ck_assert_int_eq(info.pid, 1000);
	ck_assert_int_eq(info.mirror_first, 1);
	ck_assert(info.pages_returned == MIRROR_UNKNOWN);
	ck_assert(info.pages_moved == 0);

	memset(&info, 0xa5, sizeof(info));
	info.size = older;
	ck_assert_int_eq(mirror_first_get(ctx, 1000, &info), 0);
	ck_assert_uint_eq(info.size, older);
	ck_assert_int_eq(info.mirror_first, 1);
	ck_assert(info.pages_returned == MIRROR_UNKNOWN);
	ck_assert(untouched(&info, older, sizeof(info)));
	mirror_unref(ctx);
}
END_TEST

/* A size too small is refused before the flag is touched. */
START_TEST(test_first_info_bad)
{
	const char *root = copy_fixture("openeuler");
	struct mirror_ctx *ctx = load(root);
	struct mirror_first_info info;

	memset(&info, 0xa5, sizeof(info));
	info.size = 0;
	ck_assert_int_eq(mirror_first_set(ctx, 1001, 0, 0, &info), -EINVAL);
	ck_assert_ptr_nonnull(strstr(mirror_get_last_error(ctx),
				     "mirror_first_info: size 0 is too small"));
	ck_assert_uint_eq(read_file(root, "proc/1001/reliable")[0], '0');
	ck_assert(untouched(&info, sizeof(info.size), sizeof(info)));
	ck_assert_int_eq(mirror_first_clear(ctx, 1000, 0, &info), -EINVAL);
	ck_assert_uint_eq(read_file(root, "proc/1000/reliable")[0], '1');
	/* NULL asks for nothing back: the flag is set. */
	ck_assert_int_eq(mirror_first_set(ctx, 1001, 0, 0, NULL), 0);
	ck_assert_uint_eq(read_file(root, "proc/1001/reliable")[0], '1');
	mirror_unref(ctx);
}
END_TEST

static Suite *libmirror_suite(void)
{
	Suite *s = suite_create("libmirror");
	struct { const char *name; const TTest *tests[16]; } cases[] = {
		{ "context", { test_ctx_refcount, test_log_env, test_log_callback,
			       test_sysroot_env, test_sysroot_not_dir,
			       test_backend_names, test_before_load } },
		{ "backend", { test_no_backend, test_forced_backend_absent,
			       test_auto_prefers_module } },
		{ "module", { test_module_layout, test_module_counters,
			      test_module_optional_files,
			      test_module_node_iter,
			      test_module_node_without_zone,
			      test_module_on_demand,
			      test_module_occupied, test_module_occupied_garbled,
			      test_module_policy, test_module_refresh,
			      test_module_refresh_error, test_module_64x4 } },
		{ "module-damaged", { test_module_missing_file,
				      test_module_missing_zone,
				      test_module_garbled_file,
				      test_module_truncated_file,
				      test_module_inconsistent,
				      test_module_abi_newer,
				      test_module_nul_byte } },
		{ "kernelcore", { test_kernelcore_layout, test_kernelcore_truncated,
				  test_kernelcore_garbled,
				  test_kernelcore_node_meminfo,
				  test_kernelcore_refresh } },
		{ "reliable", { test_reliable_counters, test_reliable_meminfo_bad,
				test_reliable_policies, test_reliable_proc,
				test_reliable_proc_bad } },
		{ "process", { test_pagemap_module, test_pagemap_kernelcore,
			       test_pagemap_hidden_pfns, test_pagemap_bad,
			       test_proc_scan_module, test_proc_get_pfns } },
		{ "contracts", { test_page_size_sysroot, test_page_size_garbled,
				 test_counter_huge, test_policy_no_limit } },
		{ "sized-structs", { test_channel_info_size,
				     test_channel_info_older,
				     test_channel_info_newer,
				     test_channel_info_bad,
				     test_first_info_size,
				     test_first_info_bad } },
	};
	unsigned int i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);

		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_set_timeout(tc, 30);
		for (j = 0; cases[i].tests[j]; j++)
			tcase_add_test(tc, cases[i].tests[j]);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(libmirror_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
