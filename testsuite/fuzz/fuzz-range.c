// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * fuzz-range.c - libFuzzer target for mc_ranges_parse() (the ranges=
 * parameter).  Each input is parsed with three alignments; whatever
 * parses must be sorted, free of overlap, aligned and inside 64 bits, must
 * format and parse back to the same list, and must parse with every
 * smaller alignment to the same list too.
 */
#include <stdint.h>

#include "fuzz.h"

static const u64 aligns[] = { 2ULL << 20, 0 /* 4K */, 1 };

static void check_round_trip(const struct mc_range_list *l, u64 align)
{
	struct mc_range_list again;
	struct mc_parse_error e;
	char *buf;
	int n, ret;

	buf = fuzz_format_list(mc_ranges_format, l, &n);
	ret = mc_ranges_parse(buf, (size_t)n, align, &again, &e);
	if (n > MC_LINE_MAX) {
		/* Canonical decimal can outgrow a hex input near the limit. */
		FUZZ_CHECK(ret == -E2BIG);
	} else {
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(fuzz_same_list(l, &again));
	}
	mc_range_list_free(&again);

	/* A short buffer gets a NUL-terminated prefix. */
	if (n > 1) {
		char small[8];
		size_t sz = (size_t)n / 2 < sizeof(small) ? (size_t)n / 2 :
			    sizeof(small);

		FUZZ_CHECK(mc_ranges_format(l, small, sz) == n);
		FUZZ_CHECK(strlen(small) == sz - 1);
		FUZZ_CHECK(!memcmp(small, buf, sz - 1));
	}
	free(buf);
}

static void check_list(const struct mc_range_list *l, u64 align)
{
	unsigned int i;

	fuzz_check_list(l, align);
	for (i = 0; i < l->nr; i++)
		FUZZ_CHECK(l->ranges[i].type == MC_MEM_MIRROR);
	check_round_trip(l, align);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_list_aligns(data, size, aligns, MC_ARRAY_SIZE(aligns),
			 mc_ranges_parse, check_list, true);
	return 0;
}
