/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * field.h - "Key:  value" lines, as /proc/meminfo, /proc/PID/status,
 * /proc/PID/smaps and the node meminfo files ("Node 0 MemTotal:") write
 * them: the one parser of such text for the library, the tools and the
 * drills.  Pure text: the callers read the files.
 */
#ifndef MIRROR_CORE_FIELD_H
#define MIRROR_CORE_FIELD_H

#include "compat.h"

/*
 * The value of the first line of text[0..len) that starts with 'key' and
 * a colon: '*val' points at it after the blanks, '*vlen' is its length up
 * to the end of the line (trailing blanks cut).  0, or -ENOENT when no
 * line has that key.
 */
int mc_field_find(const char *text, size_t len, const char *key,
		  const char **val, size_t *vlen);

/*
 * Such a value of the form "N kB" as bytes (N * 1024).  0, -ENOENT (no such
 * line), -EINVAL (not "N kB"), -ERANGE (beyond 64 bits).
 */
int mc_field_kb(const char *text, size_t len, const char *key, u64 *bytes);

#endif /* MIRROR_CORE_FIELD_H */
