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

static void check_round_trip(const struct mc_range_list *l, u64 align)
{
	struct mc_range_list again;
	struct mc_parse_error e;
	char *buf;
	int n;

	buf = fuzz_format_list(mc_e820_format, l, &n);
	FUZZ_CHECK(buf[n - 1] == '\n');
	FUZZ_CHECK(mc_e820_parse(buf, (size_t)n, align, &again, &e) == 0);
	FUZZ_CHECK(fuzz_same_list(l, &again));
	mc_range_list_free(&again);
	free(buf);
}

static void check_map(const struct mc_range_list *l, u64 align)
{
	unsigned int i;

	fuzz_check_list(l, align);
	for (i = 0; i < l->nr; i++) {
		const struct mc_range *r = &l->ranges[i];

		FUZZ_CHECK((unsigned int)r->type < MC_MEM_NR_TYPES);
		FUZZ_CHECK(strcmp(mc_mem_type_name(r->type), "unknown"));
	}
	check_round_trip(l, align);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_list_aligns(data, size, aligns, MC_ARRAY_SIZE(aligns),
			 mc_e820_parse, check_map, false);
	return 0;
}
