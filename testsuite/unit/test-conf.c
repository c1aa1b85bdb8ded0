// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-conf.c - the parser of mirror.conf (cli/conf.c): what a good file
 * gives, the module options it makes, and that every problem is reported
 * once, with its line, in line order.  mirrorctl apply's own tests
 * (lib/mirrorctl-apply.sh) cover the messages one by one.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static const struct conf_env env = { .page_size = 4096,
				     .range_align = 128ULL << 20 };

/* The problems of the last parse, "LINE: MSG" each. */
static char problems[16][600];
static int nr_problems;

static void collect(void *data, const char *path, unsigned int line,
		    const char *msg)
{
	ck_assert_str_eq(path, "t.conf");
	ck_assert_ptr_eq(data, problems);
	if (nr_problems < 16)
		snprintf(problems[nr_problems], sizeof(problems[0]), "%u: %s",
			 line, msg);
	nr_problems++;
}

static int parse(struct mirror_conf *c, const char *text)
{
	nr_problems = 0;
	return conf_parse(c, "t.conf", text, strlen(text), &env, collect,
			  problems);
}

START_TEST(test_good_file)
{
	struct mirror_conf c;
	char opts[256];

	ck_assert_int_eq(parse(&c,
		"# comment\n"
		"  [module]  \n"
		"ranges=128M@0x8000000\r\n"
		"\tbudget = 25%\n"
		"\n"
		"[flag]\n"
		"unit = db limit=4G\n"
		"cgroup = /sys/fs/cgroup/a.slice/b/\n"
		"command = redis-server\n"
		"pidfile = /run/x.pid limit=8K\n"
		"[policy]\n"
		"fallback = 0\n"
		"scrub_interval_ms = 0\n"), 0);
	ck_assert_int_eq(c.mode, CONF_MODE_EMULATION);
	ck_assert_str_eq(c.ranges, "128M@0x8000000");
	ck_assert_str_eq(c.budget, "25%");
	ck_assert_int_eq(c.channel, -1);
	ck_assert_int_eq(c.default_mirror, -1);
	ck_assert_int_eq(c.fallback, 0);
	ck_assert_int_eq(c.scrub_interval_ms, 0);
	ck_assert_uint_eq(c.nr_flags, 4);
	ck_assert_int_eq(c.flags[0].kind, CONF_UNIT);
	ck_assert_str_eq(c.flags[0].target, "db.service");
	ck_assert_uint_eq(c.flags[0].limit, 4ULL << 30);
	ck_assert_uint_eq(c.flags[0].line, 7);
	ck_assert_str_eq(c.flags[1].target, "/a.slice/b");
	ck_assert_uint_eq(c.flags[1].limit, 0);
	ck_assert_str_eq(c.flags[2].target, "redis-server");
	ck_assert_int_eq(c.flags[3].kind, CONF_PIDFILE);
	ck_assert_uint_eq(c.flags[3].limit, 8192);
	conf_module_options(&c, opts, sizeof(opts));
	ck_assert_str_eq(opts, "ranges=128M@0x8000000 budget=25% fallback=0");
	conf_free(&c);
}
END_TEST

START_TEST(test_module_options)
{
	struct mirror_conf c;
	char opts[256];
	int n;

	/* Nothing set: no options, modprobe.d's alone. */
	ck_assert_int_eq(parse(&c, ""), 0);
	ck_assert_int_eq(c.mode, CONF_MODE_UNSET);
	ck_assert_int_eq(conf_module_options(&c, opts, sizeof(opts)), 0);
	ck_assert_str_eq(opts, "");
	conf_free(&c);
	/* Firmware mode: an empty ranges= wins over modprobe.d's. */
	ck_assert_int_eq(parse(&c, "[module]\nmode = firmware\n"
			       "[policy]\ndefault_mirror = on\n"), 0);
	conf_module_options(&c, opts, sizeof(opts));
	ck_assert_str_eq(opts, "ranges= default_mirror=1");
	conf_free(&c);
	/* Like snprintf: the length it needs, cut to fit. */
	ck_assert_int_eq(parse(&c, "[module]\nranges = 128M@0\nchannel = off\n"), 0);
	n = conf_module_options(&c, opts, 10);
	ck_assert_int_eq(n, (int)strlen("ranges=128M@0 channel=0"));
	ck_assert_str_eq(opts, "ranges=12");
	conf_free(&c);
}
END_TEST

START_TEST(test_every_problem_once)
{
	struct mirror_conf c;

	ck_assert_int_eq(parse(&c,
		"key = 1\n"			/* 1: outside a section */
		"[module]\n"
		"budget = 0%\n"			/* 3: bad */
		"\n"
		"budget = 60%\n"		/* 5: twice, even if bad once */
		"[flag]\n"
		"command = x limit=1\n"		/* 7: limit */
		"command = y\n"
		"command = y\n"			/* 9: duplicate */
		"[module]\n"
		"mode = firmware\n"
		"channel = on\n"),		/* 12: firmware has none */
		6);
	ck_assert_int_eq(nr_problems, 6);
	ck_assert(!strncmp(problems[0], "1: key: outside a section", 25));
	ck_assert(!strncmp(problems[1], "3: budget: '0%'", 15));
	ck_assert_str_eq(problems[2], "5: duplicate entry: budget is set on line 3 already");
	ck_assert(!strncmp(problems[3], "7: limit: '1' is not a multiple", 31));
	ck_assert_str_eq(problems[4], "9: duplicate entry: command y is named on line 8 already");
	ck_assert(!strncmp(problems[5], "12: channel:", 12));
	/* Neither value is taken. */
	ck_assert_ptr_null(c.budget);
	ck_assert_uint_eq(c.nr_flags, 1);
	conf_free(&c);
}
END_TEST

START_TEST(test_lines)
{
	struct mirror_conf c;
	char big[CONF_LINE_MAX + 64];

	/* A NUL byte is a problem of its line, the next line still read. */
	ck_assert_int_eq(conf_parse(&c, "t.conf", "[module]\nbud\0get = 5\nfoo = 1\n",
				    24, &env, collect, problems), 2);
	conf_free(&c);
	memset(big, 'x', sizeof(big));
	memcpy(big, "[policy]\n#", 10);
	big[sizeof(big) - 1] = '\n';
	nr_problems = 0;
	ck_assert_int_eq(conf_parse(&c, "t.conf", big, sizeof(big), &env, collect,
				    problems), 1);
	ck_assert_str_eq(problems[0], "2: longer than 4096 bytes");
	conf_free(&c);
	/* No newline at the end: the last line counts. */
	ck_assert_int_eq(parse(&c, "[policy]\nfallback = off"), 0);
	ck_assert_int_eq(c.fallback, 0);
	conf_free(&c);
}
END_TEST

static Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_good_file);
	tcase_add_test(tc, test_module_options);
	tcase_add_test(tc, test_every_problem_once);
	tcase_add_test(tc, test_lines);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
