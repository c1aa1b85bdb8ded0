// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * test-energy.c - unit tests of the energy-difference table
 * (kernel-module/core/energy.c): the built-in defaults, fixed-point
 * values, every rejected input with its line, fill-bit choice, lookup and
 * format/parse round trips.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "energy.h"

static struct mc_energy_table table;
static struct mc_parse_error err;

static void setup(void)
{
	mc_energy_init(&table);
	memset(&err, 0, sizeof(err));
}

static void teardown(void)
{
	mc_energy_free(&table);
}

static int parse(const char *s)
{
	mc_energy_free(&table);
	return mc_energy_parse(s, strlen(s), &table, &err);
}

static void expect_fail(int ret, int code, unsigned int line,
			unsigned int column, const char *needle)
{
	ck_assert_int_eq(ret, code);
	ck_assert_int_eq(err.code, code);
	ck_assert_uint_eq(err.line, line);
	ck_assert_uint_eq(err.column, column);
	ck_assert_msg(strstr(err.msg, needle) != NULL,
		      "message \"%s\" lacks \"%s\"", err.msg, needle);
	ck_assert_ptr_null(strchr(err.msg, '\n'));
	ck_assert_uint_eq(table.nr, 0);
	ck_assert_ptr_null(table.entries);
}

static void expect_entry(unsigned int i, const char *name, u64 w0, u64 w1,
			 const char *source)
{
	ck_assert_uint_lt(i, table.nr);
	ck_assert_str_eq(table.entries[i].name, name);
	ck_assert_uint_eq(table.entries[i].write0_mpj, w0);
	ck_assert_uint_eq(table.entries[i].write1_mpj, w1);
	if (source)
		ck_assert_str_eq(table.entries[i].source, source);
}

START_TEST(test_default_table)
{
	unsigned int i;

	ck_assert_int_eq(parse(mc_energy_default_text), 0);
	ck_assert_uint_eq(table.nr, 4);
	expect_entry(0, "DRAM", 390, 390, NULL);
	expect_entry(1, "PCM", 17363, 16277, NULL);
	expect_entry(2, "RRAM", 600, 600, NULL);
	expect_entry(3, "STT-MRAM", 194, 291, NULL);
	/* The PCM split keeps the published 16.82 pJ/bit mean. */
	ck_assert_uint_eq(table.entries[1].write0_mpj +
			  table.entries[1].write1_mpj, 2 * 16820);
	/* Every row names its source; split rows say they are estimates. */
	for (i = 0; i < table.nr; i++)
		ck_assert_uint_gt(strlen(table.entries[i].source), 10);
	ck_assert_ptr_nonnull(strstr(table.entries[0].source, "ISCA 2009"));
	ck_assert_ptr_nonnull(strstr(table.entries[1].source, "estimate"));
	ck_assert_ptr_nonnull(strstr(table.entries[1].source, "NVSim"));
	ck_assert_ptr_nonnull(strstr(table.entries[2].source, "estimate"));
	ck_assert_ptr_nonnull(strstr(table.entries[3].source, "estimate"));
	ck_assert_ptr_nonnull(strstr(table.entries[3].source, "DATE 2012"));
}
END_TEST

static unsigned int fill_bit_of(const char *name)
{
	const struct mc_energy_entry *en = mc_energy_lookup(&table, name);

	ck_assert_ptr_nonnull(en);
	return mc_energy_fill_bit(en);
}

START_TEST(test_fill_bit)
{
	struct mc_energy_entry en = { "X", 0, 0, "" };

	ck_assert_int_eq(parse(mc_energy_default_text), 0);
	ck_assert_uint_eq(fill_bit_of("DRAM"), 0);	/* tie */
	ck_assert_uint_eq(fill_bit_of("PCM"), 1);	/* SET is cheaper */
	ck_assert_uint_eq(fill_bit_of("RRAM"), 0);	/* tie */
	ck_assert_uint_eq(fill_bit_of("STT-MRAM"), 0);	/* P->AP dearer */

	en.write0_mpj = 2;
	en.write1_mpj = 1;
	ck_assert_uint_eq(mc_energy_fill_bit(&en), 1);
	en.write1_mpj = 3;
	ck_assert_uint_eq(mc_energy_fill_bit(&en), 0);
	en.write1_mpj = 2;		/* tie: zeros */
	ck_assert_uint_eq(mc_energy_fill_bit(&en), 0);
	ck_assert_uint_eq(mc_energy_fill_bit(NULL), 0);
}
END_TEST

START_TEST(test_fixed_point_values)
{
	ck_assert_int_eq(parse("A 16.82 0.39\n"
			       "B 1 1.5\n"
			       "C 0.001 0\n"
			       "D 1000000 0.000\n"
			       "E 007.100 12.3\n"), 0);
	ck_assert_uint_eq(table.nr, 5);
	expect_entry(0, "A", 16820, 390, "");
	expect_entry(1, "B", 1000, 1500, "");
	expect_entry(2, "C", 1, 0, "");
	expect_entry(3, "D", MC_ENERGY_MAX_MPJ, 0, "");
	expect_entry(4, "E", 7100, 12300, "");
}
END_TEST

START_TEST(test_value_too_large)
{
	expect_fail(parse("A 1000000.001 0\n"), -ERANGE, 1, 3,
		    "write0 energy '1000000.001' is above the limit of 1000000 pJ");
	expect_fail(parse("A 1 1000001\n"), -ERANGE, 1, 5, "write1 energy");
	expect_fail(parse("A 99999999999999999999999999 0"), -ERANGE, 1, 3,
		    "above the limit");
}
END_TEST

START_TEST(test_negative)
{
	expect_fail(parse("PCM -1 2\n"), -EINVAL, 1, 5,
		    "write0 energy '-1' is negative");
	expect_fail(parse("PCM 1 -0.5\n"), -EINVAL, 1, 7,
		    "write1 energy '-0.5' is negative");
	expect_fail(parse("PCM 1 -0\n"), -EINVAL, 1, 7, "negative");
}
END_TEST

START_TEST(test_nan_inf)
{
	static const char *const bad[] = {
		"nan", "NaN", "inf", "INF", "Infinity", "+inf", "+NAN",
	};
	char line[64];
	unsigned int i;

	for (i = 0; i < MC_ARRAY_SIZE(bad); i++) {
		snprintf(line, sizeof(line), "X 1 %s\n", bad[i]);
		expect_fail(parse(line), -EINVAL, 1, 5, "NaN and infinity");
	}
	expect_fail(parse("X -inf 1\n"), -EINVAL, 1, 3, "negative");
}
END_TEST

START_TEST(test_non_numeric)
{
	static const char *const bad[] = {
		"abc", "1e3", "0x10", "1,5", ".5", "+1", "1.2.3",
		"12pJ", "1_000",
	};
	char line[64];
	unsigned int i;

	for (i = 0; i < MC_ARRAY_SIZE(bad); i++) {
		snprintf(line, sizeof(line), "DRAM %s 1\n", bad[i]);
		expect_fail(parse(line), -EINVAL, 1, 6, "not a decimal number");
	}
	expect_fail(parse("DRAM 1. 1\n"), -EINVAL, 1, 6,
		    "no digits after '.'");
	expect_fail(parse("DRAM 1..2 1\n"), -EINVAL, 1, 6,
		    "'1..2': no digits after '.'");
}
END_TEST

START_TEST(test_fraction_digits)
{
	expect_fail(parse("DRAM 0.3900 0.39\n"), -EINVAL, 1, 6,
		    "more than 3 fractional digits");
	expect_fail(parse("# header\nDRAM 0.39 1.0001\n"), -EINVAL, 2, 11,
		    "write1 energy '1.0001': more than 3 fractional digits");
	ck_assert_int_eq(parse("DRAM 0.390 1.000\n"), 0);
	expect_entry(0, "DRAM", 390, 1000, "");
}
END_TEST

START_TEST(test_missing_numbers)
{
	expect_fail(parse("DRAM\n"), -EINVAL, 1, 5, "missing write0 energy");
	expect_fail(parse("DRAM   \n"), -EINVAL, 1, 8, "missing write0 energy");
	expect_fail(parse("DRAM 0.39"), -EINVAL, 1, 10,
		    "missing write1 energy");
	expect_fail(parse("DRAM 0.39 # no second value\n"), -EINVAL, 1, 11,
		    "missing write1 energy");
}
END_TEST

START_TEST(test_extra_numbers)
{
	expect_fail(parse("DRAM 1 2 3\n"), -EINVAL, 1, 10,
		    "extra value '3' after write1");
	expect_fail(parse("DRAM 1 2 -3 x\n"), -EINVAL, 1, 10, "extra value");
	/* A source that starts with a number goes after '#'. */
	ck_assert_int_eq(parse("DRAM 1 2 # 2009 paper\n"), 0);
	expect_entry(0, "DRAM", 1000, 2000, "2009 paper");
}
END_TEST

START_TEST(test_duplicate_names)
{
	expect_fail(parse("DRAM 1 1\nPCM 2 1\n# x\nDRAM 3 3\n"), -EINVAL, 4, 1,
		    "duplicate name 'DRAM' (first on line 1)");
	/* Names are compared without case. */
	expect_fail(parse("\nPCM 2 1\n  pcm 2 1\n"), -EINVAL, 3, 3,
		    "duplicate name 'pcm' (first on line 2)");
}
END_TEST

START_TEST(test_bad_names)
{
	char line[128];

	expect_fail(parse("DR@M 1 1\n"), -EINVAL, 1, 3,
		    "bad character '@' in name 'DR@M'");
	expect_fail(parse("DRAM, 1 1\n"), -EINVAL, 1, 5, "bad character ','");
	expect_fail(parse("DRAM\x01 1 1\n"), -EINVAL, 1, 5,
		    "control character 0x01");
	/* 31 bytes fit, 32 do not. */
	memset(line, 'N', 31);
	strcpy(line + 31, " 1 1\n");
	ck_assert_int_eq(parse(line), 0);
	ck_assert_uint_eq(strlen(table.entries[0].name), 31);
	memset(line, 'N', 32);
	strcpy(line + 32, " 1 1\n");
	expect_fail(parse(line), -EINVAL, 1, 1, "longer than 31 bytes");
}
END_TEST

START_TEST(test_bad_bytes)
{
	static const char nul[] = "DRAM 1 1\nPCM 2\0 1\n";
	static const char garbage[] = "\x7f\x45\x4c\x46\x02\x01\x01";

	expect_fail(mc_energy_parse(nul, sizeof(nul) - 1, &table, &err),
		    -EINVAL, 2, 6, "NUL byte");
	expect_fail(mc_energy_parse(garbage, sizeof(garbage) - 1, &table,
				    &err), -EINVAL, 1, 1,
		    "control character 0x7f");
	expect_fail(parse("DRAM 1 1 caf\xc3\xa9\n"), -EINVAL, 1, 13,
		    "non-ASCII byte 0xc3");
	expect_fail(parse("DRAM 1 1\r\nPCM 2 1\r\n"), -EINVAL, 1, 9,
		    "carriage return");
	/* Also inside comments: the whole text is checked. */
	expect_fail(parse("# \x1b[31m\nDRAM 1 1\n"), -EINVAL, 1, 3,
		    "control character 0x1b");
}
END_TEST

START_TEST(test_long_line)
{
	size_t n = MC_LINE_MAX + 16;
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	/* A comment line of exactly MC_LINE_MAX bytes, then an entry. */
	memset(s, '#', MC_LINE_MAX);
	strcpy(s + MC_LINE_MAX, "\nDRAM 1 1\n");
	ck_assert_int_eq(parse(s), 0);
	/* One byte more. */
	memset(s, '#', MC_LINE_MAX + 1);
	strcpy(s + MC_LINE_MAX + 1, "\nDRAM 1 1\n");
	expect_fail(parse(s), -E2BIG, 1, MC_LINE_MAX + 1, "longer than 4096");
	free(s);
}
END_TEST

START_TEST(test_empty_table)
{
	expect_fail(parse(""), -EINVAL, 1, 1, "empty energy table");
	expect_fail(parse("\n\n"), -EINVAL, 2, 1, "empty energy table");
	expect_fail(parse("# only\n  # comments\n\t\n"), -EINVAL, 3, 1,
		    "empty energy table");
	expect_fail(mc_energy_parse(NULL, 0, &table, &err), -EINVAL, 1, 1,
		    "empty");
}
END_TEST

START_TEST(test_too_many_types)
{
	char *s = malloc((MC_ENERGY_MAX_TYPES + 1) * 32);
	size_t n = 0;
	unsigned int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < MC_ENERGY_MAX_TYPES; i++)
		n += (size_t)sprintf(s + n, "T%u %u 1\n", i, i);
	ck_assert_int_eq(mc_energy_parse(s, n, &table, &err), 0);
	ck_assert_uint_eq(table.nr, MC_ENERGY_MAX_TYPES);
	mc_energy_free(&table);
	n += (size_t)sprintf(s + n, "T%u 1 1\n", i);
	expect_fail(mc_energy_parse(s, n, &table, &err), -E2BIG,
		    MC_ENERGY_MAX_TYPES + 1, 1, "more than 64 memory types");
	free(s);
}
END_TEST

START_TEST(test_sources_and_layout)
{
	char line[256];

	ck_assert_int_eq(parse("# header\n"
			       "\n"
			       "  DRAM\t0.39  0.39   Lee et al., ISCA 2009  \n"
			       "PCM 2 1 # from a datasheet\n"
			       "RRAM 1 1 ## hash kept\n"
			       "NVM 3 3"), 0);
	ck_assert_uint_eq(table.nr, 4);
	expect_entry(0, "DRAM", 390, 390, "Lee et al., ISCA 2009");
	expect_entry(1, "PCM", 2000, 1000, "from a datasheet");
	expect_entry(2, "RRAM", 1000, 1000, "# hash kept");
	expect_entry(3, "NVM", 3000, 3000, "");

	/* 159 bytes of source fit, 160 do not. */
	memcpy(line, "X 1 1 ", 6);
	memset(line + 6, 's', 159);
	line[6 + 159] = '\0';
	ck_assert_int_eq(parse(line), 0);
	ck_assert_uint_eq(strlen(table.entries[0].source), 159);
	strcat(line, "s");
	expect_fail(parse(line), -EINVAL, 1, 7, "longer than 159 bytes");
}
END_TEST

START_TEST(test_length_not_nul_terminated)
{
	static const char s[] = "DRAM 1 2 and more text";

	/* Only the first 8 bytes are the input. */
	ck_assert_int_eq(mc_energy_parse(s, 8, &table, &err), 0);
	expect_entry(0, "DRAM", 1000, 2000, "");
	mc_energy_free(&table);
	expect_fail(mc_energy_parse(s, 6, &table, &err), -EINVAL, 1, 7,
		    "missing write1");
}
END_TEST

START_TEST(test_error_leaves_table_empty)
{
	/* Valid lines before the bad one are not kept. */
	expect_fail(parse("DRAM 1 1\nPCM 2 1\nRRAM x 1\n"), -EINVAL, 3, 6,
		    "not a decimal number");
	ck_assert_int_eq(mc_energy_parse("A 1 1\nA 1 1\n", 12, &table, NULL),
			 -EINVAL);
	ck_assert_uint_eq(table.nr, 0);
	ck_assert_uint_eq(table.cap, 0);
	ck_assert_ptr_null(table.entries);
}
END_TEST

START_TEST(test_value_format)
{
	static const struct {
		u64 mpj;
		const char *text;
	} cases[] = {
		{ 16820, "16.82" }, { 390, "0.39" }, { 300000, "300" },
		{ 1, "0.001" }, { 0, "0" }, { 10, "0.01" }, { 1001, "1.001" },
		{ 17363, "17.363" }, { MC_ENERGY_MAX_MPJ, "1000000" },
		{ U64_MAX, "18446744073709551.615" },
	};
	char buf[32];
	unsigned int i;

	for (i = 0; i < MC_ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(mc_energy_value_format(cases[i].mpj, buf,
							sizeof(buf)),
				 (int)strlen(cases[i].text));
		ck_assert_str_eq(buf, cases[i].text);
	}
	ck_assert_int_eq(mc_energy_value_format(16820, buf, 3), 5);
	ck_assert_str_eq(buf, "16");
}
END_TEST

START_TEST(test_format_round_trip)
{
	struct mc_energy_table again;
	char buf[2048];
	unsigned int i;
	int n;

	ck_assert_int_eq(parse(mc_energy_default_text), 0);
	n = mc_energy_format(&table, buf, sizeof(buf));
	ck_assert_int_eq(n, (int)strlen(buf));
	ck_assert_ptr_nonnull(strstr(buf, "DRAM 0.39 0.39 Lee et al."));
	ck_assert_ptr_nonnull(strstr(buf, "\nPCM 17.363 16.277 "));
	ck_assert_int_eq(mc_energy_parse(buf, (size_t)n, &again, &err), 0);
	ck_assert_uint_eq(again.nr, table.nr);
	for (i = 0; i < table.nr; i++) {
		ck_assert_str_eq(again.entries[i].name, table.entries[i].name);
		ck_assert_uint_eq(again.entries[i].write0_mpj,
				  table.entries[i].write0_mpj);
		ck_assert_uint_eq(again.entries[i].write1_mpj,
				  table.entries[i].write1_mpj);
		ck_assert_str_eq(again.entries[i].source,
				 table.entries[i].source);
	}
	mc_energy_free(&again);

	/* Sources that would read as a value or lose a '#' get "# ". */
	ck_assert_int_eq(parse("A 1 2 # 2009 paper\nB 0.5 0.25 ## x\nC 1 1\n"),
			 0);
	n = mc_energy_format(&table, buf, sizeof(buf));
	ck_assert_str_eq(buf, "A 1 2 # 2009 paper\nB 0.5 0.25 # # x\nC 1 1\n");
	/* Truncation keeps a NUL-terminated prefix and reports the need. */
	ck_assert_int_eq(mc_energy_format(&table, buf, 4), n);
	ck_assert_str_eq(buf, "A 1");
}
END_TEST

START_TEST(test_lookup)
{
	ck_assert_ptr_null(mc_energy_lookup(&table, "DRAM"));
	ck_assert_int_eq(parse(mc_energy_default_text), 0);
	ck_assert_ptr_eq(mc_energy_lookup(&table, "PCM"), &table.entries[1]);
	ck_assert_ptr_eq(mc_energy_lookup(&table, "stt-mram"),
			 &table.entries[3]);
	ck_assert_ptr_null(mc_energy_lookup(&table, "STT"));
	ck_assert_ptr_null(mc_energy_lookup(&table, "PCM2"));
	ck_assert_ptr_null(mc_energy_lookup(&table, ""));
	ck_assert_ptr_null(mc_energy_lookup(&table, NULL));
	ck_assert_ptr_null(mc_energy_lookup(NULL, "PCM"));
}
END_TEST

static Suite *energy_suite(void)
{
	Suite *s = suite_create("energy");
	TCase *tc;

	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_default_table);
	tcase_add_test(tc, test_fill_bit);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_value_format);
	tcase_add_test(tc, test_format_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fixed_point_values);
	tcase_add_test(tc, test_sources_and_layout);
	tcase_add_test(tc, test_length_not_nul_terminated);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_value_too_large);
	tcase_add_test(tc, test_negative);
	tcase_add_test(tc, test_nan_inf);
	tcase_add_test(tc, test_non_numeric);
	tcase_add_test(tc, test_fraction_digits);
	tcase_add_test(tc, test_missing_numbers);
	tcase_add_test(tc, test_extra_numbers);
	tcase_add_test(tc, test_duplicate_names);
	tcase_add_test(tc, test_bad_names);
	tcase_add_test(tc, test_bad_bytes);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_empty_table);
	tcase_add_test(tc, test_too_many_types);
	tcase_add_test(tc, test_error_leaves_table_empty);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(energy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
