/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * fuzz.h - checks shared by the parser fuzzers.  A broken invariant prints
 * what broke and aborts, which libFuzzer reports as a crash and saves the
 * input for.
 */
#ifndef MIRROR_FUZZ_H
#define MIRROR_FUZZ_H

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

#endif /* MIRROR_FUZZ_H */
