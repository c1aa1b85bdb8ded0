// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-output.c - the tools' output helpers (cli/output.c, cli/util.c):
 * text made valid UTF-8, Prometheus label values, exact 64-bit counters in
 * JSON, and the number and size parsers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmirror.h"
#include "output.h"
#include "util.h"

static const char *safe(const char *in, size_t len)
{
	static char buf[256];

	return text_safe(in, buf, len);
}

START_TEST(test_text_safe)
{
	ck_assert_str_eq(safe("plain name", 64), "plain name");
	/* Valid UTF-8 of 2, 3 and 4 bytes stays. */
	ck_assert_str_eq(safe("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 64),
			 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* Stray bytes, overlong forms, surrogates, beyond U+10FFFF, cut
	 * sequences: each byte escaped. */
	ck_assert_str_eq(safe("a\xff" "b", 64), "a\\xffb");
	ck_assert_str_eq(safe("\xc0\xaf", 64), "\\xc0\\xaf");
	ck_assert_str_eq(safe("\xe0\x80\xaf", 64), "\\xe0\\x80\\xaf");
	ck_assert_str_eq(safe("\xed\xa0\x80", 64), "\\xed\\xa0\\x80");
	ck_assert_str_eq(safe("\xf4\x90\x80\x80", 64), "\\xf4\\x90\\x80\\x80");
	ck_assert_str_eq(safe("x\xe2\x82", 64), "x\\xe2\\x82");
	/* Control characters and the backslash itself. */
	ck_assert_str_eq(safe("a\tb\nc\\d\x7f", 64), "a\\x09b\\x0ac\\x5cd\\x7f");
	/* Cut at a whole character or escape, always terminated. */
	ck_assert_str_eq(safe("ab\xc3\xa9", 4), "ab");
	ck_assert_str_eq(safe("ab\xff", 6), "ab");
	ck_assert_str_eq(safe("ab\xff", 7), "ab\\xff");
	ck_assert_str_eq(safe("abc", 1), "");
}
END_TEST

START_TEST(test_prom_label)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	prom_label(f, "a\"b\\c\nd\xff");
	fclose(f);
	ck_assert_str_eq(buf, "a\\\"b\\\\x5cc\\\\x0ad\\\\xff");
	free(buf);
}
END_TEST

static char *dump(json_t *root)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(json_print(f, root, JSON_COMPACT | JSON_PRESERVE_ORDER), 0);
	fclose(f);
	json_decref(root);
	return buf;
}

START_TEST(test_json_exact)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "small", json_uint(42));
	json_object_set_new(o, "max63", json_uint(9223372036854775807ULL));
	json_object_set_new(o, "two63", json_uint(9223372036854775808ULL));
	json_object_set_new(o, "big", json_uint(18446744073709551614ULL));
	json_object_set_new(o, "unknown", json_count(MIRROR_UNKNOWN));
	json_object_set_new(o, "odd", json_text("n\xff\x01" "18"));
	s = dump(o);
	ck_assert_str_eq(s, "{\"small\":42,\"max63\":9223372036854775807,"
			 "\"two63\":9223372036854775808,"
			 "\"big\":18446744073709551614,\"unknown\":null,"
			 "\"odd\":\"n\\\\xff\\\\x0118\"}\n");
	free(s);
	o = json_object();
	json_object_set_new(o, "zero", json_diff(7, 7));
	json_object_set_new(o, "up", json_diff(18446744073709551614ULL, 1));
	json_object_set_new(o, "down", json_diff(1, 8));
	json_object_set_new(o, "min63", json_diff(0, 9223372036854775808ULL));
	json_object_set_new(o, "below", json_diff(0, 18446744073709551615ULL));
	s = dump(o);
	ck_assert_str_eq(s, "{\"zero\":0,\"up\":18446744073709551613,"
			 "\"down\":-7,\"min63\":-9223372036854775808,"
			 "\"below\":-18446744073709551615}\n");
	free(s);
	/* System text of the marker's shape stays a string (text_safe). */
	s = dump(json_pack("[o]", json_text("\001" "123")));
	ck_assert_str_eq(s, "[\"\\\\x01123\"]\n");
	free(s);
}
END_TEST

START_TEST(test_parsers)
{
	unsigned long long v;

	ck_assert(parse_size("64MiB", &v) && v == 64ULL << 20);
	ck_assert(parse_size("4MB", &v) && v == 4ULL << 20);
	ck_assert(!parse_size("18014398509481985M", &v));
	ck_assert(!parse_size(" 4M", &v));
	ck_assert(parse_u64("010", 0, 100, &v) && v == 10);
	ck_assert(parse_u64("0x10", 0, 100, &v) && v == 16);
	ck_assert(!parse_u64("101", 0, 100, &v));
	ck_assert(!parse_u64("5 ", 0, 100, &v));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("output");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_text_safe);
	tcase_add_test(tc, test_prom_label);
	tcase_add_test(tc, test_json_exact);
	tcase_add_test(tc, test_parsers);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
