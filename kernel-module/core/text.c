// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * text.c - helpers shared by the parsers and formatters of the core.
 *
 * Input here is untrusted and need not be NUL-terminated: every function
 * takes a length and reads nothing past it.
 */
#include "text.h"

size_t mc_skip_blank(const char *s, size_t n, size_t i)
{
	while (i < n && mc_is_blank(s[i]))
		i++;
	return i;
}

bool mc_is_skipped_line(const char *s, size_t n)
{
	size_t i = mc_skip_blank(s, n, 0);

	return i == n || s[i] == '#';
}

void mc_quote(char *dst, size_t dstlen, const char *src, size_t n)
{
	size_t i, max;
	bool cut = false;

	if (!dstlen)
		return;
	max = dstlen - 1;
	if (n > max) {
		/* Room for "..." is needed to say the text was cut. */
		cut = max >= 3;
		n = cut ? max - 3 : max;
	}
	for (i = 0; i < n; i++)
		dst[i] = mc_is_printable(src[i]) ? src[i] : '?';
	if (cut) {
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
}

unsigned int mc_count_pieces(const char *text, size_t len, char sep,
			     unsigned int max)
{
	unsigned int n = 1;
	size_t i;

	for (i = 0; i < len && n < max; i++)
		if (text[i] == sep)
			n++;
	return n;
}

int mc_line_length(const char *s, size_t left, unsigned int line, size_t *n,
		   struct mc_parse_error *e)
{
	size_t k;

	for (k = 0; k < left && s[k] != '\n'; k++)
		;
	*n = k;
	if (k > MC_LINE_MAX)
		return MC_FAIL(e, -E2BIG, line, MC_LINE_MAX + 1,
			       "line longer than %u bytes", MC_LINE_MAX);
	return 0;
}

int mc_error(struct mc_parse_error *e, int code, unsigned int line,
	     unsigned int column)
{
	e->code = code;
	e->line = line;
	e->column = column;
	e->msg[0] = '\0';
	return code;
}

void mc_out_mem(struct mc_out *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, o->pos++)
		if (o->size && o->pos < o->size - 1)
			o->buf[o->pos] = s[i];
}

void mc_out_str(struct mc_out *o, const char *s)
{
	mc_out_mem(o, s, strlen(s));
}

void mc_out_dec(struct mc_out *o, u64 v)
{
	char tmp[24];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = '0' + (char)(v % 10);
		v /= 10;
	} while (v);
	mc_out_mem(o, tmp + n, sizeof(tmp) - n);
}

int mc_out_finish(struct mc_out *o)
{
	if (o->size)
		o->buf[o->pos < o->size ? o->pos : o->size - 1] = '\0';
	/* Callers' outputs are bounded by their list limits: never clips. */
	return o->pos > (size_t)INT_MAX ? INT_MAX : (int)o->pos;
}
