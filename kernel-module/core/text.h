/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * text.h - what the parsers of the core (range lists, e820 lines, the
 * energy table) share: character classes, the error record they fill,
 * quoting user text for messages, splitting text into lines, and an
 * output buffer that counts what it could not write (snprintf semantics).
 *
 * Internal to the core: nothing outside kernel-module/core includes this.
 */
#ifndef MIRROR_CORE_TEXT_H
#define MIRROR_CORE_TEXT_H

#include "compat.h"
#include "range.h"		/* struct mc_parse_error, MC_LINE_MAX */

static inline bool mc_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Printable ASCII: what a message may show of user text as it is. */
static inline bool mc_is_printable(char c)
{
	return (unsigned char)c >= 0x20 && (unsigned char)c < 0x7f;
}

/* Field separators inside a line: space and tab. */
static inline bool mc_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The first index at or after 'i' that is not blank, or 'n'. */
size_t mc_skip_blank(const char *s, size_t n, size_t i);

/* Empty, only blanks, or a comment: first non-blank character '#'. */
bool mc_is_skipped_line(const char *s, size_t n);

/*
 * Copy user text for a message into dst (dstlen bytes, NUL included):
 * anything that is not printable ASCII becomes '?', and text that does not
 * fit is cut and ends in "...", so a message stays one clean line whatever
 * the input held.
 */
void mc_quote(char *dst, size_t dstlen, const char *src, size_t n);

/*
 * Number of pieces 'sep' splits text[0..len) into, at most 'max': sizes
 * an allocation before parsing, so that the parser itself reports "more
 * than max" at the piece where that happens.
 */
unsigned int mc_count_pieces(const char *text, size_t len, char sep,
			     unsigned int max);

/*
 * Length of the line starting at s (up to the next '\n' or 'left' bytes).
 * Returns 0, or -E2BIG with 'e' filled when it exceeds MC_LINE_MAX.
 */
int mc_line_length(const char *s, size_t left, unsigned int line, size_t *n,
		   struct mc_parse_error *e);

/* Set code and position and clear the message; returns 'code'. */
int mc_error(struct mc_parse_error *e, int code, unsigned int line,
	     unsigned int column);

/* Set position and code, then write the message; evaluates to 'code'. */
#define MC_FAIL(e, code, line, col, ...)				\
	(mc_error((e), (code), (line), (col)),				\
	 snprintf((e)->msg, sizeof((e)->msg), __VA_ARGS__),		\
	 (code))

/*
 * Output buffer for the formatters: writes what fits into buf (always
 * NUL-terminated when size > 0) and counts every byte the full output
 * needs, so the formatters return what snprintf would.
 */
struct mc_out {
	char *buf;
	size_t size;
	size_t pos;		/* bytes the full output needs so far */
};

void mc_out_mem(struct mc_out *o, const char *s, size_t n);
void mc_out_str(struct mc_out *o, const char *s);
/* Unsigned decimal, no padding. */
void mc_out_dec(struct mc_out *o, u64 v);
/* Terminate the buffer; returns the length the full output needs. */
int mc_out_finish(struct mc_out *o);

#endif /* MIRROR_CORE_TEXT_H */
