// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-field.c - the core's "Key:  value" parser (field.h), on text as
 * /proc/PID/status, /proc/meminfo, smaps and node meminfo write it.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"

static const char status[] =
	"Name:\tdb worker \n"
	"Umask:\t0022\n"
	"State:\tS (sleeping)\n"
	"VmSize:\t  123456 kB\n"
	"VmRSSx:\t1 kB\n"
	"VmRSS:\t    2048 kB\n"
	"Reliable:\t0 kB\n"
	"Empty:\n"
	"Bad:\t12 MB\n"
	"Huge:\t18014398509481984 kB\n"
	"Max:\t18014398509481983 kB";

static int find(const char *key, char *buf, size_t len)
{
	const char *v;
	size_t n;
	int ret = mc_field_find(status, strlen(status), key, &v, &n);

	if (ret == 0)
		snprintf(buf, len, "%.*s", (int)n, v);
	return ret;
}

START_TEST(test_field_find)
{
	char buf[64];

	ck_assert_int_eq(find("Name", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "db worker");
	ck_assert_int_eq(find("State", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "S (sleeping)");
	/* A key is a whole key: "VmRSS" is not "VmRSSx". */
	ck_assert_int_eq(find("VmRSS", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2048 kB");
	ck_assert_int_eq(find("Empty", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(find("Vm", buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(find("Tgid", buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(find("ame", buf, sizeof(buf)), -ENOENT);
	/* The last line needs no newline; the length bounds the text. */
	ck_assert_int_eq(find("Max", buf, sizeof(buf)), 0);
	ck_assert_int_eq(mc_field_find(status, 4, "Name", &(const char *){ 0 },
				       &(size_t){ 0 }), -ENOENT);
}
END_TEST

START_TEST(test_field_kb)
{
	u64 v = 7;

	ck_assert_int_eq(mc_field_kb(status, strlen(status), "VmRSS", &v), 0);
	ck_assert_uint_eq(v, 2048 * 1024);
	ck_assert_int_eq(mc_field_kb(status, strlen(status), "VmSize", &v), 0);
	ck_assert_uint_eq(v, 123456ULL * 1024);
	ck_assert_int_eq(mc_field_kb(status, strlen(status), "Reliable", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(mc_field_kb(status, strlen(status), "Max", &v), 0);
	ck_assert(v == 18014398509481983ULL * 1024);
	v = 7;
	ck_assert_int_eq(mc_field_kb(status, strlen(status), "Huge", &v), -ERANGE);
	ck_assert_int_eq(mc_field_kb(status, strlen(status), "Bad", &v), -EINVAL);
	ck_assert_int_eq(mc_field_kb(status, strlen(status), "Name", &v), -EINVAL);
	ck_assert_int_eq(mc_field_kb(status, strlen(status), "Empty", &v), -EINVAL);
	ck_assert_int_eq(mc_field_kb(status, strlen(status), "Nope", &v), -ENOENT);
	ck_assert_uint_eq(v, 7);
	/* Node meminfo keys carry spaces. */
	ck_assert_int_eq(mc_field_kb("Node 1 MemTotal:   4 kB\n", 24,
				     "Node 1 MemTotal", &v), 0);
	ck_assert_uint_eq(v, 4096);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("field");
	TCase *tc = tcase_create("field");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_field_find);
	tcase_add_test(tc, test_field_kb);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
