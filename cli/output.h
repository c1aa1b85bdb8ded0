/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output.h - what every tool does to the text and numbers it writes for
 * machines (JSON, Prometheus) and to its standard output at exit.
 */
#ifndef MIRROR_CLI_OUTPUT_H
#define MIRROR_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/*
 * Text read from the system (process names, version strings), made valid
 * UTF-8 with no control characters: every byte that is not part of a valid
 * UTF-8 sequence, every control character (0x00-0x1f, 0x7f) and the
 * backslash itself are written as "\xNN" (two lower-case hex digits), so a
 * backslash in the result always starts such an escape.  The result is cut
 * at a whole character or escape to fit 'len' (at least 1).  Returns 'out'.
 */
char *text_safe(const char *in, char *out, size_t len);

/* text_safe() into a buffer of its own; NULL only when out of memory. */
char *text_safe_dup(const char *in);

/* A Prometheus label value: text_safe(), then '\\', '"' and '\n' escaped. */
void prom_label(FILE *out, const char *s);

/* A JSON string of text_safe(s); JSON null for NULL. */
json_t *json_text(const char *s);

/*
 * An unsigned 64-bit counter as a JSON number, written exactly: values
 * above 2^63-1 too (jansson's integers are signed), never negative.
 * Only json_print() writes such values correctly.
 */
json_t *json_uint(unsigned long long v);

/*
 * a - b as a JSON number, written exactly: the difference of two such
 * counters, negative when b is larger (down to -(2^64-1)).
 */
json_t *json_diff(unsigned long long a, unsigned long long b);

/* json_uint(), or JSON null for MIRROR_UNKNOWN. */
json_t *json_count(unsigned long long v);

/*
 * json_dumps(root, flags) to 'out' with a newline, json_uint() values
 * above 2^63-1 (and json_diff() values below -2^63) written as their
 * decimal digits.  Takes no reference.
 * 0, or -ENOMEM.
 */
int json_print(FILE *out, json_t *root, size_t flags);

/*
 * Register, with atexit(), a check of standard output at exit like
 * util-linux's close_stdout(): when it cannot be flushed or closed (a full
 * disk, >/dev/full), "PROG: write error: REASON" goes to stderr and the
 * exit status becomes 1.  A closed pipe (EPIPE) is not an error.
 */
void close_stdout_atexit(void);

/*
 * Flush standard output now (a report of a loop); false when it failed,
 * keeping the reason for the message at exit.
 */
bool stdout_flush(void);

#endif /* MIRROR_CLI_OUTPUT_H */
