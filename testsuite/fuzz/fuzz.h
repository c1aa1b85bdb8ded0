/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * fuzz.h - checks shared by the parser fuzzers.  A broken invariant prints
 * what broke and aborts, which libFuzzer reports as a crash and saves the
 * input for.
 */
#ifndef MIRROR_FUZZ_H
#define MIRROR_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/*
 * A failed parse: one of the documented codes, a position, and a message
 * that is one non-empty, NUL-terminated, printable line.
 */
static inline void fuzz_check_error(int ret, const struct mc_parse_error *e)
{
	size_t n = strnlen(e->msg, sizeof(e->msg)), i;

	FUZZ_CHECK(ret == -EINVAL || ret == -ERANGE || ret == -E2BIG ||
		   ret == -ENOMEM);
	FUZZ_CHECK(e->code == ret);
	FUZZ_CHECK(e->line >= 1);
	FUZZ_CHECK(e->column >= 1 && e->column <= MC_LINE_MAX + 1);
	FUZZ_CHECK(n > 0 && n < sizeof(e->msg));
	for (i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)e->msg[i] >= 0x20 &&
			   (unsigned char)e->msg[i] < 0x7f);
}

/* The same ranges, in the same order and of the same types. */
static inline bool fuzz_same_list(const struct mc_range_list *a,
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

/*
 * What every parsed range list holds, whichever parser made it: 1 to
 * MC_RANGES_MAX ranges, each non-empty, ending inside 64 bits and aligned
 * to 'align' (0: MC_PAGE_SIZE), sorted without overlap, and each found by
 * mc_range_find() at its first and its last byte.  Types are the caller's.
 */
static inline void fuzz_check_list(const struct mc_range_list *l, u64 align)
{
	unsigned int i;

	if (!align)
		align = MC_PAGE_SIZE;
	FUZZ_CHECK(l->nr >= 1 && l->nr <= MC_RANGES_MAX);
	FUZZ_CHECK(l->cap >= l->nr && l->ranges != NULL);
	for (i = 0; i < l->nr; i++) {
		const struct mc_range *r = &l->ranges[i];

		FUZZ_CHECK(r->size != 0);
		FUZZ_CHECK(r->size <= U64_MAX - r->start);
		FUZZ_CHECK(!(r->start & (align - 1)));
		FUZZ_CHECK(!(r->size & (align - 1)));
		if (i)
			FUZZ_CHECK(l->ranges[i - 1].start +
				   l->ranges[i - 1].size <= r->start);
		FUZZ_CHECK(mc_range_find(l, r->start) == (int)i);
		FUZZ_CHECK(mc_range_find(l, r->start + r->size - 1) == (int)i);
	}
}

typedef int fuzz_list_format_fn(const struct mc_range_list *list, char *buf,
				size_t buflen);

/*
 * Format 'l' into a buffer of exactly the size 'format' asks for, checking
 * that the sizing call and the real one agree; the caller frees it.
 */
static inline char *fuzz_format_list(fuzz_list_format_fn *format,
				     const struct mc_range_list *l, int *len)
{
	char *buf;
	int n;

	n = format(l, NULL, 0);
	FUZZ_CHECK(n > 0);
	buf = malloc((size_t)n + 1);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(format(l, buf, (size_t)n + 1) == n);
	FUZZ_CHECK(strlen(buf) == (size_t)n);
	*len = n;
	return buf;
}

typedef int fuzz_list_parse_fn(const char *text, size_t len, u64 align,
			       struct mc_range_list *out,
			       struct mc_parse_error *err);
typedef void fuzz_list_check_fn(const struct mc_range_list *l, u64 align);

/*
 * Parse one input with each of 'aligns' in turn, largest first (0 means
 * MC_PAGE_SIZE).  A failure must be a well-formed error (on line 1 when
 * 'one_line') that leaves the list empty; once one alignment parses, every
 * smaller one must parse to the same list.  'check' gets each parsed list
 * and the alignment it was parsed with.
 */
static inline void fuzz_list_aligns(const uint8_t *data, size_t size,
				    const u64 *aligns, unsigned int nr,
				    fuzz_list_parse_fn *parse,
				    fuzz_list_check_fn *check, bool one_line)
{
	struct mc_range_list first, l;
	struct mc_parse_error e;
	bool have_first = false;
	unsigned int i;
	int ret;

	mc_range_list_init(&first);
	for (i = 0; i < nr; i++) {
		ret = parse((const char *)data, size, aligns[i], &l, &e);
		if (ret) {
			fuzz_check_error(ret, &e);
			if (one_line)
				FUZZ_CHECK(e.line == 1);
			FUZZ_CHECK(l.nr == 0 && l.ranges == NULL);
			/* Valid with a larger alignment: valid with less. */
			FUZZ_CHECK(!have_first);
			continue;
		}
		check(&l, aligns[i]);
		if (have_first) {
			FUZZ_CHECK(fuzz_same_list(&first, &l));
			mc_range_list_free(&l);
		} else {
			first = l;
			have_first = true;
		}
	}
	mc_range_list_free(&first);
}

#endif /* MIRROR_FUZZ_H */
