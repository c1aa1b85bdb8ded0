// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * fuzz-energy.c - libFuzzer target for mc_energy_parse().  A parsed table
 * must hold 1..MC_ENERGY_MAX_TYPES entries with valid, unique names,
 * values within the limit and printable sources, and must format and
 * parse back to the same table.
 */
#include <stdint.h>

#include "fuzz.h"
#include "energy.h"

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? *a - 'A' + 'a' : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? *b - 'A' + 'a' : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

static void check_table(const struct mc_energy_table *t)
{
	unsigned int i, j;

	FUZZ_CHECK(t->nr >= 1 && t->nr <= MC_ENERGY_MAX_TYPES);
	FUZZ_CHECK(t->cap >= t->nr && t->entries != NULL);
	for (i = 0; i < t->nr; i++) {
		const struct mc_energy_entry *en = &t->entries[i];
		size_t n = strnlen(en->name, sizeof(en->name)), k;
		size_t s = strnlen(en->source, sizeof(en->source));
		unsigned int bit = mc_energy_fill_bit(en);

		FUZZ_CHECK(n >= 1 && n < sizeof(en->name));
		for (k = 0; k < n; k++)
			FUZZ_CHECK(name_char(en->name[k]));
		FUZZ_CHECK(s < sizeof(en->source));
		for (k = 0; k < s; k++)
			FUZZ_CHECK(en->source[k] == '\t' ||
				   ((unsigned char)en->source[k] >= 0x20 &&
				    (unsigned char)en->source[k] < 0x7f));
		FUZZ_CHECK(s == 0 || (en->source[0] != ' ' &&
				      en->source[0] != '\t' &&
				      en->source[s - 1] != ' ' &&
				      en->source[s - 1] != '\t'));
		FUZZ_CHECK(en->write0_mpj <= MC_ENERGY_MAX_MPJ);
		FUZZ_CHECK(en->write1_mpj <= MC_ENERGY_MAX_MPJ);
		FUZZ_CHECK(bit == (en->write1_mpj < en->write0_mpj ? 1u : 0u));
		FUZZ_CHECK(mc_energy_lookup(t, en->name) == en);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(!same_name(t->entries[j].name, en->name));
	}
}

static void check_round_trip(const struct mc_energy_table *t)
{
	struct mc_energy_table again;
	struct mc_parse_error e;
	unsigned int i;
	char *buf;
	int n;

	n = mc_energy_format(t, NULL, 0);
	FUZZ_CHECK(n > 0);
	buf = malloc((size_t)n + 1);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(mc_energy_format(t, buf, (size_t)n + 1) == n);
	FUZZ_CHECK(strlen(buf) == (size_t)n);
	FUZZ_CHECK(mc_energy_parse(buf, (size_t)n, &again, &e) == 0);
	FUZZ_CHECK(again.nr == t->nr);
	for (i = 0; i < t->nr; i++) {
		FUZZ_CHECK(!strcmp(again.entries[i].name, t->entries[i].name));
		FUZZ_CHECK(again.entries[i].write0_mpj ==
			   t->entries[i].write0_mpj);
		FUZZ_CHECK(again.entries[i].write1_mpj ==
			   t->entries[i].write1_mpj);
		FUZZ_CHECK(!strcmp(again.entries[i].source,
				   t->entries[i].source));
	}
	mc_energy_free(&again);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_energy_table t;
	struct mc_parse_error e;
	int ret;

	ret = mc_energy_parse((const char *)data, size, &t, &e);
	if (ret) {
		fuzz_check_error(ret, &e);
		FUZZ_CHECK(t.nr == 0 && t.entries == NULL);
		return 0;
	}
	check_table(&t);
	check_round_trip(&t);
	mc_energy_free(&t);
	return 0;
}
