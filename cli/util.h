/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - small helpers the command-line tools share.
 */
#ifndef MIRROR_CLI_UTIL_H
#define MIRROR_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Exit codes every tool documents. */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_NOBACKEND	3	/* no mirrored memory on this machine */

/*
 * A size for people: "0", "512K", "1G", "3.9G" (binary units, one decimal
 * when the value is not whole), like util-linux's size_to_human_string().
 */
void size_to_human(unsigned long long bytes, char *buf, size_t len);

/* A whole decimal number in [min, max]; false on anything else. */
bool parse_ulong(const char *s, unsigned long min, unsigned long max,
		 unsigned long *val);

/* Seconds as "2", "0.5", "1.25"; false unless finite and in [min, max]. */
bool parse_seconds(const char *s, double min, double max, double *val);

/* Percentage of part in whole, or -1 when whole is 0. */
double percent(unsigned long long part, unsigned long long whole);

/*
 * Put the memory blocks of the physical span [start, end) online, as
 * 'echo online > /sys/devices/system/memory/memoryN/state' does (below
 * 'root' when it is not NULL); blocks already online are left alone.
 * Adds the blocks it onlined to *onlined.  0, or -errno with a one-line
 * reason naming the block in 'why'.
 */
int memory_online(const char *root, unsigned long long start,
		  unsigned long long end, unsigned int *onlined, char *why,
		  size_t whylen);

#endif /* MIRROR_CLI_UTIL_H */
