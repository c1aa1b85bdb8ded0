// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * fuzz-e820.c - libFuzzer target for mc_e820_parse().  Each input is
 * parsed with 4K alignment and with none; a parsed map must be sorted,
 * free of overlap, aligned, of known types, and must format and parse
 * back to the same map.
 */
#include <stdint.h>

#include "fuzz.h"

static const u64 aligns[] = { 0 /* 4K */, 1 };

static bool same_list(const struct mc_range_list *a,
		      const struct mc_range_list *b)
{
	unsigned int i;

	if (a->nr != b->nr)
		return false;
	for (i = 0; i < a->nr; i++)
		if (a->ranges[i].start != b->ranges[i].start ||
		    a->ranges[i].size != b->ranges[i].size ||
		    a->ranges[i].type != b->ranges[i].type)
			return false;
	return true;
}

static void check_map(const struct mc_range_list *l, u64 align)
{
	unsigned int i;

	FUZZ_CHECK(l->nr >= 1 && l->nr <= MC_RANGES_MAX);
	FUZZ_CHECK(l->cap >= l->nr && l->ranges != NULL);
	for (i = 0; i < l->nr; i++) {
		const struct mc_range *r = &l->ranges[i];

		FUZZ_CHECK(r->size != 0);
		FUZZ_CHECK(r->size <= U64_MAX - r->start);
		FUZZ_CHECK(!((r->start | r->size) & (align - 1)));
		FUZZ_CHECK((unsigned int)r->type < MC_MEM_NR_TYPES);
		FUZZ_CHECK(strcmp(mc_mem_type_name(r->type), "unknown"));
		if (i)
			FUZZ_CHECK(l->ranges[i - 1].start +
				   l->ranges[i - 1].size <= r->start);
		FUZZ_CHECK(mc_range_find(l, r->start) == (int)i);
		FUZZ_CHECK(mc_range_find(l, r->start + r->size - 1) == (int)i);
	}
}

static void check_round_trip(const struct mc_range_list *l, u64 align)
{
	struct mc_range_list again;
	struct mc_parse_error e;
	char *buf;
	int n;

	n = mc_e820_format(l, NULL, 0);
	FUZZ_CHECK(n > 0);
	buf = malloc((size_t)n + 1);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(mc_e820_format(l, buf, (size_t)n + 1) == n);
	FUZZ_CHECK(strlen(buf) == (size_t)n);
	FUZZ_CHECK(buf[n - 1] == '\n');
	FUZZ_CHECK(mc_e820_parse(buf, (size_t)n, align, &again, &e) == 0);
	FUZZ_CHECK(same_list(l, &again));
	mc_range_list_free(&again);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_range_list first, l;
	struct mc_parse_error e;
	bool have_first = false;
	unsigned int i;
	int ret;

	mc_range_list_init(&first);
	for (i = 0; i < MC_ARRAY_SIZE(aligns); i++) {
		u64 align = aligns[i] ? aligns[i] : MC_PAGE_SIZE;

		ret = mc_e820_parse((const char *)data, size, aligns[i], &l,
				    &e);
		if (ret) {
			fuzz_check_error(ret, &e);
			FUZZ_CHECK(l.nr == 0 && l.ranges == NULL);
			FUZZ_CHECK(!have_first);
			continue;
		}
		check_map(&l, align);
		check_round_trip(&l, aligns[i]);
		if (have_first) {
			FUZZ_CHECK(same_list(&first, &l));
			mc_range_list_free(&l);
		} else {
			first = l;
			have_first = true;
		}
	}
	mc_range_list_free(&first);
	return 0;
}
