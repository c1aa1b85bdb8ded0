// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output.c - valid text, exact counters and a checked standard output for
 * every tool.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmirror.h"
#include "output.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

char *text_safe(const char *in, char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	while (*s) {
		size_t n = utf8_seq(s);

		if (n == 1 && (*s < 0x20 || *s == 0x7f || *s == '\\'))
			n = 0;
		if (n == 0) {
			if (o + 4 >= len)
				break;
			snprintf(out + o, 5, "\\x%02x", *s);
			o += 4;
			s++;
			continue;
		}
		if (o + n >= len)
			break;
		memcpy(out + o, s, n);
		o += n;
		s += n;
	}
	out[o] = '\0';
	return out;
}

char *text_safe_dup(const char *in)
{
	size_t len = strlen(in) * 4 + 1;
	char *out = malloc(len);

	return out ? text_safe(in, out, len) : NULL;
}

void prom_label(FILE *out, const char *s)
{
	char *safe = text_safe_dup(s);
	const char *p;

	for (p = safe ? safe : "?"; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else
			fputc(*p, out);
	}
	free(safe);
}

json_t *json_text(const char *s)
{
	char *safe;
	json_t *j;

	if (!s)
		return json_null();
	safe = text_safe_dup(s);
	j = safe ? json_string(safe) : NULL;
	free(safe);
	return j;
}

/*
 * jansson has signed integers only: a value above INT64_MAX (or below
 * INT64_MIN) travels as a string of a control character (which no
 * text_safe() string holds, and which jansson writes as \u0001) and its
 * digits, after a '-' for a negative one, turned back into a bare number
 * by json_print().
 */
#define BIG_MARK	"\001"
#define BIG_MARK_JSON	"\"\\u0001"

json_t *json_uint(unsigned long long v)
{
	char buf[32];

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), BIG_MARK "%llu", v);
	return json_string(buf);
}

json_t *json_diff(unsigned long long a, unsigned long long b)
{
	unsigned long long m;
	char buf[32];

	if (a >= b)
		return json_uint(a - b);
	m = b - a;
	/* -m, computed without overflow for m up to 2^63 */
	if (m <= (unsigned long long)INT64_MAX + 1)
		return json_integer(-(json_int_t)(m - 1) - 1);
	snprintf(buf, sizeof(buf), BIG_MARK "-%llu", m);
	return json_string(buf);
}

json_t *json_count(unsigned long long v)
{
	return v == MIRROR_UNKNOWN ? json_null() : json_uint(v);
}

int json_print(FILE *out, json_t *root, size_t flags)
{
	char *text = json_dumps(root, flags), *p, *q;

	if (!text)
		return -ENOMEM;
	/* In place: the marked string is longer than its digits. */
	for (p = q = text; *p;) {
		if (!strncmp(p, BIG_MARK_JSON, strlen(BIG_MARK_JSON))) {
			char *n = p + strlen(BIG_MARK_JSON);
			size_t sign = *n == '-';
			size_t d = sign + strspn(n + sign, "0123456789");

			if (d > sign && n[d] == '"') {
				memmove(q, n, d);
				q += d;
				p = n + d + 1;
				continue;
			}
		}
		*q++ = *p++;
	}
	*q = '\0';
	fputs(text, out);
	fputc('\n', out);
	free(text);
	return 0;
}

/* Why standard output failed, kept from the flush that found it. */
static int stdout_errno;

bool stdout_flush(void)
{
	errno = 0;
	if (fflush(stdout) != 0 && !stdout_errno)
		stdout_errno = errno;
	return ferror(stdout) == 0;
}

static void close_stdout(void)
{
	bool prev_fail = ferror(stdout) != 0;
	int err;

	errno = 0;
	if (fclose(stdout) != 0 || prev_fail) {
		err = errno ? errno : stdout_errno;
		if (err != EPIPE) {
			fprintf(stderr, "%s: write error: %s\n",
				program_invocation_short_name,
				err ? strerror(err) : "unknown reason");
			_exit(EXIT_FAILURE);
		}
	}
	if (fclose(stderr) != 0 && errno != EBADF)
		_exit(EXIT_FAILURE);
}

void close_stdout_atexit(void)
{
	atexit(close_stdout);
}
