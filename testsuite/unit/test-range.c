// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * test-range.c - unit tests of the range list parsers and formatters
 * (kernel-module/core/range.c): ranges= lists, e820 lines, every error
 * case with its position, and format/parse round trips.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"

#define K	(1ULL << 10)
#define M	(1ULL << 20)
#define G	(1ULL << 30)
#define T	(1ULL << 40)

static struct mc_range_list list;
static struct mc_parse_error err;

static void setup(void)
{
	mc_range_list_init(&list);
	memset(&err, 0, sizeof(err));
}

static void teardown(void)
{
	mc_range_list_free(&list);
}

static int parse(const char *s, u64 align)
{
	mc_range_list_free(&list);
	return mc_ranges_parse(s, strlen(s), align, &list, &err);
}

static int parse_e820(const char *s, u64 align)
{
	mc_range_list_free(&list);
	return mc_e820_parse(s, strlen(s), align, &list, &err);
}

/* A failed parse: code, position, a word of the message, empty list. */
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
	ck_assert_uint_eq(list.nr, 0);
	ck_assert_ptr_null(list.ranges);
}

static void expect_range(unsigned int i, u64 start, u64 size,
			 enum mc_mem_type type)
{
	ck_assert_uint_lt(i, list.nr);
	ck_assert_uint_eq(list.ranges[i].start, start);
	ck_assert_uint_eq(list.ranges[i].size, size);
	ck_assert_int_eq(list.ranges[i].type, type);
}

/* ---- ranges= -------------------------------------------------------- */

START_TEST(test_ranges_single)
{
	ck_assert_int_eq(parse("1G@0", 0), 0);
	ck_assert_uint_eq(list.nr, 1);
	expect_range(0, 0, G, MC_MEM_MIRROR);
	ck_assert_int_eq(err.code, 0);
}
END_TEST

START_TEST(test_ranges_reference_layout_sorted)
{
	/* The reference layout, given out of order. */
	ck_assert_int_eq(parse("1G@36G,1023M@1M,1G@24G,1G@12G", 0), 0);
	ck_assert_uint_eq(list.nr, 4);
	expect_range(0, M, 1023 * M, MC_MEM_MIRROR);
	expect_range(1, 12 * G, G, MC_MEM_MIRROR);
	expect_range(2, 24 * G, G, MC_MEM_MIRROR);
	expect_range(3, 36 * G, G, MC_MEM_MIRROR);
}
END_TEST

START_TEST(test_ranges_number_forms)
{
	ck_assert_int_eq(parse("0x1000@0x2000", 0), 0);
	expect_range(0, 0x2000, 0x1000, MC_MEM_MIRROR);
	ck_assert_int_eq(parse("4k@1m", 0), 0);
	expect_range(0, M, 4 * K, MC_MEM_MIRROR);
	ck_assert_int_eq(parse("1t@2T", 0), 0);
	expect_range(0, 2 * T, T, MC_MEM_MIRROR);
	ck_assert_int_eq(parse("0X10g@0x1G", 0), 0);
	expect_range(0, G, 16 * G, MC_MEM_MIRROR);
	ck_assert_int_eq(parse("4096@8192", 0), 0);
	expect_range(0, 8192, 4096, MC_MEM_MIRROR);
	/* Leading zeros are decimal, not octal. */
	ck_assert_int_eq(parse("010@0", 1), 0);
	expect_range(0, 0, 10, MC_MEM_MIRROR);
	/* A suffix may be followed by B or iB: binary units all the same. */
	ck_assert_int_eq(parse("64MiB@1GB", 0), 0);
	expect_range(0, G, 64 * M, MC_MEM_MIRROR);
	ck_assert_int_eq(parse("2mb@4kB", 1), 0);
	expect_range(0, 4 * K, 2 * M, MC_MEM_MIRROR);
}
END_TEST

/* The whole-string parser the tools use for sizes and numbers. */
START_TEST(test_number_parse)
{
	static const struct { const char *s; bool suffix; int ret; u64 v; } c[] = {
		{ "0", false, 0, 0 },
		{ "4096", false, 0, 4096 },
		{ "010", false, 0, 10 },
		{ "0x10", false, 0, 16 },
		{ "0XfF", false, 0, 255 },
		{ "18446744073709551615", false, 0, ~0ULL },
		{ "18446744073709551616", false, -ERANGE, 0 },
		{ "0x10000000000000000", false, -ERANGE, 0 },
		{ "4K", false, -EINVAL, 0 },
		{ "4K", true, 0, 4096 },
		{ "4k", true, 0, 4096 },
		{ "4KB", true, 0, 4096 },
		{ "4KiB", true, 0, 4096 },
		{ "64MiB", true, 0, 64ULL << 20 },
		{ "3G", true, 0, 3ULL << 30 },
		{ "2TiB", true, 0, 2ULL << 40 },
		{ "0x10M", true, 0, 16ULL << 20 },
		{ "16777215T", true, 0, 16777215ULL << 40 },
		{ "16777216T", true, -ERANGE, 0 },
		{ "18014398509481985M", true, -ERANGE, 0 },
		{ "4B", true, -EINVAL, 0 },
		{ "4KiBB", true, -EINVAL, 0 },
		{ "4Ki", true, -EINVAL, 0 },
		{ "4P", true, -EINVAL, 0 },
		{ "", true, -EINVAL, 0 },
		{ " 5", false, -EINVAL, 0 },
		{ "5 ", false, -EINVAL, 0 },
		{ "-5", false, -EINVAL, 0 },
		{ "+5", false, -EINVAL, 0 },
		{ "0x", false, -EINVAL, 0 },
		{ "1.5G", true, -EINVAL, 0 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		u64 v = 12345;
		int ret = mc_number_parse(c[i].s, strlen(c[i].s), c[i].suffix, &v);

		ck_assert_msg(ret == c[i].ret, "'%s': %d, not %d", c[i].s, ret,
			      c[i].ret);
		ck_assert_msg(v == (ret ? 12345 : c[i].v), "'%s': %llu", c[i].s,
			      (unsigned long long)v);
	}
	/* The length counts: a NUL inside is not the end. */
	ck_assert_int_eq(mc_number_parse("12\0003", 4, false, &(u64){ 0 }), -EINVAL);
}
END_TEST

START_TEST(test_budget_parse)
{
	static const struct {
		const char *s; int ret; bool share; u64 v; const char *msg;
	} c[] = {
		{ "50%", 0, true, 50, NULL },
		{ "1%", 0, true, 1, NULL },
		{ "100%", 0, true, 100, NULL },
		{ "010%", 0, true, 10, NULL },
		{ "128M", 0, false, 128ULL << 20, NULL },
		{ "1GiB", 0, false, 1ULL << 30, NULL },
		{ "4096", 0, false, 4096, NULL },
		{ "0x1000", 0, false, 4096, NULL },
		{ "0%", -EINVAL, false, 0, "a share is 1% to 100%" },
		{ "101%", -EINVAL, false, 0, "a share is 1% to 100%" },
		{ "50M%", -EINVAL, false, 0, "a share is 1% to 100%" },
		{ "%", -EINVAL, false, 0, "a share is 1% to 100%" },
		{ "0", -EINVAL, false, 0, "expected a size above 0" },
		{ "half", -EINVAL, false, 0, "expected a size above 0" },
		{ "", -EINVAL, false, 0, "expected a size above 0" },
		{ "50 %", -EINVAL, false, 0, "a share is 1% to 100%" },
		{ "16777216T", -EINVAL, false, 0, "expected a size above 0" },
	};
	struct mc_parse_error err;
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		bool share = !c[i].share;
		u64 v = 12345;
		int ret = mc_budget_parse(c[i].s, strlen(c[i].s), &share, &v, &err);

		ck_assert_msg(ret == c[i].ret, "'%s': %d, not %d", c[i].s, ret,
			      c[i].ret);
		if (ret) {
			ck_assert_msg(strstr(err.msg, c[i].msg), "'%s': '%s'",
				      c[i].s, err.msg);
			ck_assert_msg(v == 12345, "'%s': value changed", c[i].s);
			continue;
		}
		ck_assert_msg(share == c[i].share && v == c[i].v,
			      "'%s': share %d value %llu", c[i].s, share,
			      (unsigned long long)v);
	}
	/* No error structure is fine. */
	ck_assert_int_eq(mc_budget_parse("0%", 2, &(bool){ 0 }, &(u64){ 0 }, NULL),
			 -EINVAL);
}
END_TEST

START_TEST(test_ranges_trailing_newline)
{
	ck_assert_int_eq(parse("1G@0\n", 0), 0);
	expect_range(0, 0, G, MC_MEM_MIRROR);
	/* Only one newline, and only at the end. */
	expect_fail(parse("1G@0\n\n", 0), -EINVAL, 1, 5, "after the start");
	expect_fail(parse("1G@0\n,1G@1G", 0), -EINVAL, 1, 5, "after the start");
}
END_TEST

START_TEST(test_ranges_empty)
{
	expect_fail(parse("", 0), -EINVAL, 1, 1, "empty");
	expect_fail(parse("\n", 0), -EINVAL, 1, 1, "empty");
	expect_fail(mc_ranges_parse(NULL, 0, 0, &list, &err), -EINVAL, 1, 1,
		    "empty");
}
END_TEST

START_TEST(test_ranges_empty_elements)
{
	expect_fail(parse(",1G@0", 0), -EINVAL, 1, 1, "range 1 is empty");
	expect_fail(parse("1G@0,,1G@1G", 0), -EINVAL, 1, 6,
		    "range 2 is empty");
	expect_fail(parse("1G@0,", 0), -EINVAL, 1, 5, "trailing ','");
	expect_fail(parse(",", 0), -EINVAL, 1, 1, "range 1 is empty");
}
END_TEST

START_TEST(test_ranges_zero_size)
{
	expect_fail(parse("0@0", 0), -EINVAL, 1, 1, "size is zero");
	expect_fail(parse("1G@0,0x0@4G", 0), -EINVAL, 1, 6,
		    "range 2 (0x0@4G): size is zero");
}
END_TEST

START_TEST(test_ranges_overlap)
{
	expect_fail(parse("1G@0,1G@512M", 0), -EINVAL, 1, 6,
		    "range 2 (1G@512M): overlaps range 1 (1G@0)");
	/* Reported at the later element even when it sorts first. */
	expect_fail(parse("1G@1G,2G@0", 0), -EINVAL, 1, 7,
		    "range 2 (2G@0): overlaps range 1 (1G@1G)");
	/* Same start. */
	expect_fail(parse("4K@0,8K@0", 0), -EINVAL, 1, 6, "overlaps range 1");
	/* Touching ranges do not overlap and stay separate. */
	ck_assert_int_eq(parse("1G@1G,1G@0", 0), 0);
	ck_assert_uint_eq(list.nr, 2);
	expect_range(0, 0, G, MC_MEM_MIRROR);
	expect_range(1, G, G, MC_MEM_MIRROR);
}
END_TEST

START_TEST(test_ranges_number_overflow)
{
	expect_fail(parse("0x10000000000000000@0", 0), -ERANGE, 1, 1,
		    "size does not fit");
	expect_fail(parse("18446744073709551616@0", 0), -ERANGE, 1, 1,
		    "size does not fit");
	/* 2^24 T is 2^64: the suffix overflows. */
	expect_fail(parse("16777216T@0", 0), -ERANGE, 1, 1,
		    "size does not fit");
	expect_fail(parse("4K@99999999999999999999", 0), -ERANGE, 1, 4,
		    "start does not fit");
	/* The largest 64-bit number itself is fine (as a start, align 1). */
	ck_assert_int_eq(parse("0@18446744073709551615", 1), -EINVAL);
	ck_assert_str_eq(err.msg,
			 "range 1 (0@18446744073709551615): size is zero");
}
END_TEST

START_TEST(test_ranges_end_overflow)
{
	/* Ends exactly at 2^64: the exclusive end does not fit. */
	expect_fail(parse("4K@0xfffffffffffff000", 0), -ERANGE, 1, 1,
		    "ends beyond the 64-bit address space");
	expect_fail(parse("1G@0,16T@0xfffff00000000000", 0), -ERANGE, 1, 6,
		    "range 2");
	ck_assert_int_eq(parse("4K@0xffffffffffffe000", 0), 0);
	expect_range(0, 0xffffffffffffe000ULL, 4 * K, MC_MEM_MIRROR);
	/* The last byte below 2^64-1 is the highest usable end (align 1). */
	ck_assert_int_eq(parse("1@0xfffffffffffffffe", 1), 0);
	expect_range(0, U64_MAX - 1, 1, MC_MEM_MIRROR);
	expect_fail(parse("2@0xfffffffffffffffe", 1), -ERANGE, 1, 1,
		    "ends beyond");
}
END_TEST

START_TEST(test_ranges_alignment)
{
	expect_fail(parse("4K@0x800", 0), -EINVAL, 1, 1,
		    "start not aligned to 4K");
	expect_fail(parse("6K@0", 0), -EINVAL, 1, 1, "size not aligned to 4K");
	expect_fail(parse("2M@0,1M@2M", 2 * M), -EINVAL, 1, 6,
		    "range 2 (1M@2M): size not aligned to 2M");
	ck_assert_int_eq(parse("2M@2M", 2 * M), 0);
	ck_assert_int_eq(parse("1@3", 1), 0);
	expect_range(0, 3, 1, MC_MEM_MIRROR);
	expect_fail(parse("1G@0", 3), -EINVAL, 1, 1, "not a power of two");
}
END_TEST

START_TEST(test_ranges_line_limit)
{
	char *s = malloc(MC_LINE_MAX + 3);

	ck_assert_ptr_nonnull(s);
	/* Exactly MC_LINE_MAX bytes, padded with leading zeros: valid. */
	memcpy(s, "4K@", 3);
	memset(s + 3, '0', MC_LINE_MAX - 3);
	ck_assert_int_eq(mc_ranges_parse(s, MC_LINE_MAX, 0, &list, &err), 0);
	expect_range(0, 0, 4 * K, MC_MEM_MIRROR);
	mc_range_list_free(&list);
	/* Plus the one trailing newline: still valid. */
	s[MC_LINE_MAX] = '\n';
	ck_assert_int_eq(mc_ranges_parse(s, MC_LINE_MAX + 1, 0, &list, &err),
			 0);
	mc_range_list_free(&list);
	/* One byte more: too long. */
	s[MC_LINE_MAX] = '0';
	expect_fail(mc_ranges_parse(s, MC_LINE_MAX + 1, 0, &list, &err),
		    -E2BIG, 1, MC_LINE_MAX + 1, "longer than 4096");
	free(s);
}
END_TEST

START_TEST(test_ranges_nul_byte)
{
	static const char s[] = "1G@0\0,1G@1G";

	expect_fail(mc_ranges_parse(s, sizeof(s) - 1, 0, &list, &err),
		    -EINVAL, 1, 5, "NUL byte");
}
END_TEST

START_TEST(test_ranges_whitespace)
{
	expect_fail(parse("1G@0, 1G@1G", 0), -EINVAL, 1, 6, "whitespace");
	expect_fail(parse(" 1G@0", 0), -EINVAL, 1, 1, "whitespace");
	expect_fail(parse("1G @0", 0), -EINVAL, 1, 3, "whitespace");
	expect_fail(parse("1G@0 ", 0), -EINVAL, 1, 5, "unexpected ' '");
	expect_fail(parse("1G@0\t", 0), -EINVAL, 1, 5, "byte 0x09");
	expect_fail(parse("1G@0\r\n", 0), -EINVAL, 1, 5, "byte 0x0d");
}
END_TEST

START_TEST(test_ranges_junk_and_missing_at)
{
	expect_fail(parse("1G", 0), -EINVAL, 1, 3, "missing '@'");
	expect_fail(parse("1G0@0", 0), -EINVAL, 1, 3,
		    "expected '@' after the size, found '0'");
	expect_fail(parse("1G@", 0), -EINVAL, 1, 4, "missing a start");
	expect_fail(parse("1G@0x", 0), -EINVAL, 1, 6, "hex digits after '0x'");
	expect_fail(parse("0x@0", 0), -EINVAL, 1, 3, "hex digits after '0x'");
	expect_fail(parse("1G@0xg", 0), -EINVAL, 1, 6, "hex digits after '0x'");
	expect_fail(parse("1G@0q", 0), -EINVAL, 1, 5, "unexpected 'q'");
	expect_fail(parse("1G@0,1G@1GX", 0), -EINVAL, 1, 11,
		    "range 2: unexpected 'X'");
	expect_fail(parse("1KX@0", 0), -EINVAL, 1, 3, "found 'X'");
	expect_fail(parse("G@0", 0), -EINVAL, 1, 1,
		    "expected SIZE@START, found 'G'");
	expect_fail(parse("-1G@0", 0), -EINVAL, 1, 1, "found '-'");
	expect_fail(parse("1G@0\xff", 0), -EINVAL, 1, 5, "byte 0xff");
	expect_fail(parse("1G@@0", 0), -EINVAL, 1, 4, "found '@'");
}
END_TEST

START_TEST(test_ranges_error_clears_output)
{
	/* A valid parse, then a failing one into the same (freed) list. */
	ck_assert_int_eq(parse("1G@0,1G@12G", 0), 0);
	ck_assert_uint_eq(list.nr, 2);
	mc_range_list_free(&list);
	ck_assert_int_eq(mc_ranges_parse("1G@0,1G@0", 9, 0, &list, NULL),
			 -EINVAL);
	ck_assert_uint_eq(list.nr, 0);
	ck_assert_uint_eq(list.cap, 0);
	ck_assert_ptr_null(list.ranges);
	/* Later valid elements do not leak into a failed result. */
	expect_fail(parse("1G@0,1G@12G,1G@24G,bad", 0), -EINVAL, 1, 20,
		    "range 4");
}
END_TEST

START_TEST(test_ranges_length_not_nul_terminated)
{
	/* Only 'len' bytes count; what follows is never read as input. */
	static const char s[] = "1G@0,garbage";

	ck_assert_int_eq(mc_ranges_parse(s, 4, 0, &list, &err), 0);
	ck_assert_uint_eq(list.nr, 1);
	expect_range(0, 0, G, MC_MEM_MIRROR);
}
END_TEST

/* ---- formatting ----------------------------------------------------- */

START_TEST(test_size_format)
{
	char buf[32];

	ck_assert_int_eq(mc_size_format(0, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "0");
	ck_assert_int_eq(mc_size_format(1000, buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "1000");
	mc_size_format(4096, buf, sizeof(buf));
	ck_assert_str_eq(buf, "4K");
	mc_size_format(512 * M, buf, sizeof(buf));
	ck_assert_str_eq(buf, "512M");
	mc_size_format(1536 * K, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1536K");
	mc_size_format(3 * T, buf, sizeof(buf));
	ck_assert_str_eq(buf, "3T");
	mc_size_format(2048 * T, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2048T");
	mc_size_format(U64_MAX, buf, sizeof(buf));
	ck_assert_str_eq(buf, "18446744073709551615");
	/* Truncation: the needed length, a NUL-terminated prefix. */
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(mc_size_format(512 * M, buf, 3), 4);
	ck_assert_str_eq(buf, "51");
	ck_assert_int_eq(mc_size_format(512 * M, NULL, 0), 4);
}
END_TEST

START_TEST(test_ranges_format_round_trip)
{
	static const char *const inputs[] = {
		"1023M@1M,1G@12G,1G@24G,1G@36G",
		"0x1000@0x2000,4k@1m,1t@2T",
		"4K@0xffffffffffffe000,4K@0",
	};
	static const char *const canonical[] = {
		"1023M@1M,1G@12G,1G@24G,1G@36G",
		"4K@8K,4K@1M,1T@2T",
		"4K@0,4K@18014398509481976K",
	};
	struct mc_range_list again;
	char buf[256];
	unsigned int i, j;

	for (i = 0; i < MC_ARRAY_SIZE(inputs); i++) {
		ck_assert_int_eq(parse(inputs[i], 0), 0);
		ck_assert_int_eq(mc_ranges_format(&list, buf, sizeof(buf)),
				 (int)strlen(canonical[i]));
		ck_assert_str_eq(buf, canonical[i]);
		ck_assert_int_eq(mc_ranges_parse(buf, strlen(buf), 0, &again,
						 &err), 0);
		ck_assert_uint_eq(again.nr, list.nr);
		for (j = 0; j < list.nr; j++) {
			ck_assert_uint_eq(again.ranges[j].start,
					  list.ranges[j].start);
			ck_assert_uint_eq(again.ranges[j].size,
					  list.ranges[j].size);
		}
		mc_range_list_free(&again);
	}
	/* Truncated output is a prefix; the return says what is needed. */
	ck_assert_int_eq(parse("1G@12G,1G@24G", 0), 0);
	ck_assert_int_eq(mc_ranges_format(&list, buf, 5), 13);
	ck_assert_str_eq(buf, "1G@1");
	/* The empty list formats as "". */
	mc_range_list_free(&list);
	ck_assert_int_eq(mc_ranges_format(&list, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_range_find)
{
	ck_assert_int_eq(mc_range_find(&list, 0), -1);
	ck_assert_int_eq(parse("1023M@1M,1G@12G,1G@24G,1G@36G", 0), 0);
	ck_assert_int_eq(mc_range_find(&list, 0), -1);
	ck_assert_int_eq(mc_range_find(&list, M - 1), -1);
	ck_assert_int_eq(mc_range_find(&list, M), 0);
	ck_assert_int_eq(mc_range_find(&list, G - 1), 0);
	ck_assert_int_eq(mc_range_find(&list, G), -1);
	ck_assert_int_eq(mc_range_find(&list, 12 * G + 5), 1);
	ck_assert_int_eq(mc_range_find(&list, 25 * G - 1), 2);
	ck_assert_int_eq(mc_range_find(&list, 36 * G), 3);
	ck_assert_int_eq(mc_range_find(&list, 37 * G), -1);
	ck_assert_int_eq(mc_range_find(&list, U64_MAX), -1);
}
END_TEST

START_TEST(test_mem_type_names)
{
	ck_assert_str_eq(mc_mem_type_name(MC_MEM_USABLE), "usable");
	ck_assert_str_eq(mc_mem_type_name(MC_MEM_RESERVED), "reserved");
	ck_assert_str_eq(mc_mem_type_name(MC_MEM_MIRROR), "mirror");
	ck_assert_str_eq(mc_mem_type_name(MC_MEM_ACPI_DATA), "ACPI data");
	ck_assert_str_eq(mc_mem_type_name(MC_MEM_ACPI_NVS), "ACPI NVS");
	ck_assert_str_eq(mc_mem_type_name(MC_MEM_NR_TYPES), "unknown");
	ck_assert_str_eq(mc_mem_type_name((enum mc_mem_type)-1), "unknown");
}
END_TEST

/* ---- e820 ----------------------------------------------------------- */

static const char e820_map[] =
	"# a captured map\n"
	"  # indented comment\n"
	"[mem 0x0000000300000000-0x000000033fffffff] mirror\n"
	"\n"
	"[mem 0x0000000000000000-0x000000000009ffff] usable\n"
	"   \t\n"
	"[mem 0x00000000000a0000-0x00000000000fffff] reserved\n"
	"[mem 0x0000000000100000-0x00000000bffdffff] usable\n"
	"[mem 0x00000000bffe0000-0x00000000bffeffff] ACPI data\n"
	"[mem 0x00000000bfff0000-0x00000000bfffffff] ACPI NVS";

START_TEST(test_e820_parse)
{
	ck_assert_int_eq(parse_e820(e820_map, 0), 0);
	ck_assert_uint_eq(list.nr, 6);
	expect_range(0, 0, 0xa0000, MC_MEM_USABLE);
	expect_range(1, 0xa0000, 0x60000, MC_MEM_RESERVED);
	expect_range(2, 0x100000, 0xbffe0000 - 0x100000, MC_MEM_USABLE);
	expect_range(3, 0xbffe0000, 0x10000, MC_MEM_ACPI_DATA);
	expect_range(4, 0xbfff0000, 0x10000, MC_MEM_ACPI_NVS);
	expect_range(5, 12 * G, G, MC_MEM_MIRROR);
}
END_TEST

START_TEST(test_e820_unknown_type)
{
	expect_fail(parse_e820("[mem 0x0-0xfff] mirrored\n", 0), -EINVAL, 1,
		    17, "unknown memory type 'mirrored'");
	expect_fail(parse_e820("[mem 0x0-0xfff] usable\n"
			       "[mem 0x1000-0x1fff] soft reserved\n", 0),
		    -EINVAL, 2, 21, "'soft reserved'");
	/* Types are spelt exactly as the kernel prints them. */
	expect_fail(parse_e820("[mem 0x0-0xfff] acpi nvs", 0), -EINVAL, 1, 17,
		    "unknown memory type");
	expect_fail(parse_e820("[mem 0x0-0xfff] mirror ", 0), -EINVAL, 1, 17,
		    "'mirror '");
	expect_fail(parse_e820("[mem 0x0-0xfff] mirror\r\n", 0), -EINVAL, 1,
		    17, "'mirror?'");
	expect_fail(parse_e820("[mem 0x0-0xfff] ", 0), -EINVAL, 1, 17,
		    "unknown memory type ''");
}
END_TEST

START_TEST(test_e820_syntax)
{
	expect_fail(parse_e820("mem 0x0-0xfff] usable", 0), -EINVAL, 1, 1,
		    "expected '[mem");
	expect_fail(parse_e820("[mem 0-0xfff] usable", 0), -EINVAL, 1, 6,
		    "expected a 0x hex start address");
	expect_fail(parse_e820("[mem 0x-0xfff] usable", 0), -EINVAL, 1, 8,
		    "expected hex digits in the start");
	expect_fail(parse_e820("[mem 0x0 0xfff] usable", 0), -EINVAL, 1, 9,
		    "expected '-'");
	expect_fail(parse_e820("[mem 0x0-fff] usable", 0), -EINVAL, 1, 10,
		    "0x hex end address");
	expect_fail(parse_e820("[mem 0x0-0xfff]usable", 0), -EINVAL, 1, 15,
		    "expected '] '");
	expect_fail(parse_e820("[mem 0x0-0xfffK] usable", 0), -EINVAL, 1, 15,
		    "expected '] '");
	/* Position on a later line. */
	expect_fail(parse_e820("[mem 0x0-0xfff] usable\n"
			       "\n"
			       "[mem 0x1000-0x1fff]] usable\n", 0),
		    -EINVAL, 3, 19, "expected '] '");
}
END_TEST

START_TEST(test_e820_end_below_start)
{
	expect_fail(parse_e820("[mem 0x2000-0x1fff] usable", 0), -EINVAL, 1,
		    6, "end 0x1fff is below start 0x2000");
}
END_TEST

START_TEST(test_e820_overflow)
{
	expect_fail(parse_e820("[mem 0xfffffffffffff000-0xffffffffffffffff] "
			       "reserved", 0), -ERANGE, 1, 6,
		    "beyond the 64-bit address space");
	/* The whole space: its size (2^64) does not fit either. */
	expect_fail(parse_e820("[mem 0x0-0xffffffffffffffff] reserved", 1),
		    -ERANGE, 1, 6, "beyond the 64-bit address space");
	ck_assert_int_eq(parse_e820("[mem 0x0-0xfffffffffffffffe] reserved",
				    1), 0);
	expect_range(0, 0, U64_MAX, MC_MEM_RESERVED);
	expect_fail(parse_e820("[mem 0x10000000000000000-0x1] usable", 0),
		    -ERANGE, 1, 6, "start address does not fit");
	expect_fail(parse_e820("[mem 0x0-0x1ffffffffffffffff] usable", 0),
		    -ERANGE, 1, 10, "end address does not fit");
	/* Leading zeros beyond 16 digits are fine. */
	ck_assert_int_eq(parse_e820("[mem 0x00000000000000001000-"
				    "0x1fff] usable", 0), 0);
	expect_range(0, 0x1000, 0x1000, MC_MEM_USABLE);
}
END_TEST

START_TEST(test_e820_overlap)
{
	expect_fail(parse_e820("[mem 0x100000-0x1fffff] usable\n"
			       "[mem 0x0-0xfffff] reserved\n"
			       "[mem 0x180000-0x27ffff] mirror\n", 0),
		    -EINVAL, 3, 6,
		    "[mem 0x180000-0x27ffff] overlaps line 1 "
		    "([mem 0x100000-0x1fffff])");
}
END_TEST

START_TEST(test_e820_alignment)
{
	static const char map[] =
		"[mem 0x0000000000000000-0x000000000009fbff] usable\n";

	expect_fail(parse_e820(map, 0), -EINVAL, 1, 6,
		    "size not aligned to 4K");
	ck_assert_int_eq(parse_e820(map, 1), 0);
	expect_range(0, 0, 0x9fc00, MC_MEM_USABLE);
	expect_fail(parse_e820("[mem 0x1000-0x2fff] mirror", 2 * M), -EINVAL, 1,
		    6, "start not aligned to 2M");
}
END_TEST

START_TEST(test_e820_empty)
{
	expect_fail(parse_e820("", 0), -EINVAL, 1, 1, "no ranges");
	expect_fail(parse_e820("\n\n  \n", 0), -EINVAL, 3, 1, "no ranges");
	expect_fail(parse_e820("# only a comment\n\t# another", 0), -EINVAL,
		    2, 1, "no ranges");
	/* Anything else before "[mem" is not a comment. */
	expect_fail(parse_e820(" [mem 0x0-0xfff] usable", 0), -EINVAL, 1, 1,
		    "expected '[mem");
}
END_TEST

START_TEST(test_e820_nul_and_long_line)
{
	static const char nul[] =
		"[mem 0x0-0xfff] usable\n[mem 0x1000-\0" "0x1fff] usable";
	char *s = malloc(MC_LINE_MAX + 64);

	expect_fail(mc_e820_parse(nul, sizeof(nul) - 1, 0, &list, &err),
		    -EINVAL, 2, 13, "NUL byte");

	ck_assert_ptr_nonnull(s);
	strcpy(s, "[mem 0x0-0xfff] usable\n# ");
	memset(s + strlen(s), 'x', MC_LINE_MAX - 1);
	s[23 + MC_LINE_MAX] = '\0';
	/* A comment line of exactly MC_LINE_MAX bytes is fine... */
	ck_assert_int_eq(parse_e820(s, 0), 0);
	/* ...one more byte is not. */
	strcat(s, "x");
	expect_fail(parse_e820(s, 0), -E2BIG, 2, MC_LINE_MAX + 1,
		    "longer than 4096");
	free(s);
}
END_TEST

START_TEST(test_e820_too_many_ranges)
{
	size_t cap = (MC_RANGES_MAX + 1) * 64;
	char *s = malloc(cap);
	size_t n = 0;
	unsigned int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < MC_RANGES_MAX; i++)
		n += (size_t)snprintf(s + n, cap - n,
				      "[mem 0x%x-0x%x] usable\n",
				      i * 0x1000, i * 0x1000 + 0xfff);
	ck_assert_int_eq(mc_e820_parse(s, n, 0, &list, &err), 0);
	ck_assert_uint_eq(list.nr, MC_RANGES_MAX);
	mc_range_list_free(&list);
	n += (size_t)snprintf(s + n, cap - n, "[mem 0x%x-0x%x] usable\n",
			      i * 0x1000, i * 0x1000 + 0xfff);
	expect_fail(mc_e820_parse(s, n, 0, &list, &err), -E2BIG,
		    MC_RANGES_MAX + 1, 1, "more than 1024 ranges");
	free(s);
}
END_TEST

START_TEST(test_e820_format_round_trip)
{
	struct mc_range_list again;
	char buf[1024];
	int n;
	unsigned int j;

	ck_assert_int_eq(parse_e820(e820_map, 0), 0);
	n = mc_e820_format(&list, buf, sizeof(buf));
	ck_assert_int_eq(n, (int)strlen(buf));
	/* 45 fixed bytes a line, plus the type names. */
	ck_assert_int_eq(n, 6 * 45 + 6 + 8 + 6 + 9 + 8 + 6);
	ck_assert_ptr_nonnull(strstr(buf,
		"[mem 0x0000000000000000-0x000000000009ffff] usable\n"
		"[mem 0x00000000000a0000-0x00000000000fffff] reserved\n"));
	ck_assert_ptr_nonnull(strstr(buf,
		"[mem 0x0000000300000000-0x000000033fffffff] mirror\n"));
	ck_assert_int_eq(mc_e820_parse(buf, (size_t)n, 0, &again, &err), 0);
	ck_assert_uint_eq(again.nr, list.nr);
	for (j = 0; j < list.nr; j++) {
		ck_assert_uint_eq(again.ranges[j].start, list.ranges[j].start);
		ck_assert_uint_eq(again.ranges[j].size, list.ranges[j].size);
		ck_assert_int_eq(again.ranges[j].type, list.ranges[j].type);
	}
	mc_range_list_free(&again);
}
END_TEST

static Suite *range_suite(void)
{
	Suite *s = suite_create("range");
	TCase *tc;

	tc = tcase_create("ranges");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ranges_single);
	tcase_add_test(tc, test_ranges_reference_layout_sorted);
	tcase_add_test(tc, test_ranges_number_forms);
	tcase_add_test(tc, test_number_parse);
	tcase_add_test(tc, test_budget_parse);
	tcase_add_test(tc, test_ranges_trailing_newline);
	tcase_add_test(tc, test_ranges_empty);
	tcase_add_test(tc, test_ranges_empty_elements);
	tcase_add_test(tc, test_ranges_zero_size);
	tcase_add_test(tc, test_ranges_overlap);
	tcase_add_test(tc, test_ranges_number_overflow);
	tcase_add_test(tc, test_ranges_end_overflow);
	tcase_add_test(tc, test_ranges_alignment);
	tcase_add_test(tc, test_ranges_line_limit);
	tcase_add_test(tc, test_ranges_nul_byte);
	tcase_add_test(tc, test_ranges_whitespace);
	tcase_add_test(tc, test_ranges_junk_and_missing_at);
	tcase_add_test(tc, test_ranges_error_clears_output);
	tcase_add_test(tc, test_ranges_length_not_nul_terminated);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_size_format);
	tcase_add_test(tc, test_ranges_format_round_trip);
	tcase_add_test(tc, test_range_find);
	tcase_add_test(tc, test_mem_type_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("e820");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_e820_parse);
	tcase_add_test(tc, test_e820_unknown_type);
	tcase_add_test(tc, test_e820_syntax);
	tcase_add_test(tc, test_e820_end_below_start);
	tcase_add_test(tc, test_e820_overflow);
	tcase_add_test(tc, test_e820_overlap);
	tcase_add_test(tc, test_e820_alignment);
	tcase_add_test(tc, test_e820_empty);
	tcase_add_test(tc, test_e820_nul_and_long_line);
	tcase_add_test(tc, test_e820_too_many_ranges);
	tcase_add_test(tc, test_e820_format_round_trip);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(range_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
