/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * range.h - physical address range lists: the module's ranges= parameter
 * (SIZE@START[,SIZE@START...]) and e820-style memory map lines.
 */
#ifndef MIRROR_CORE_RANGE_H
#define MIRROR_CORE_RANGE_H

#include "compat.h"

/* Longest input line either parser accepts (bytes, without the newline). */
#define MC_LINE_MAX		4096
/* Most ranges one list holds. */
#define MC_RANGES_MAX		1024

enum mc_mem_type {
	MC_MEM_USABLE = 0,
	MC_MEM_RESERVED,
	MC_MEM_MIRROR,
	MC_MEM_ACPI_DATA,
	MC_MEM_ACPI_NVS,
	MC_MEM_NR_TYPES,
};

struct mc_range {
	u64 start;			/* first byte */
	u64 size;			/* bytes, never 0 */
	enum mc_mem_type type;		/* MC_MEM_MIRROR for ranges= lists */
};

struct mc_range_list {
	struct mc_range *ranges;	/* sorted by start, no overlap */
	unsigned int nr;
	unsigned int cap;
};

/*
 * What went wrong and where: 'line' counts from 1 (always 1 for ranges=),
 * 'column' is the byte offset in that line counting from 1.  'msg' is one
 * line naming the problem, e.g.
 *   "range 2 (1G@0x40000000): overlaps range 1 (1G@0)".
 */
struct mc_parse_error {
	int code;			/* -EINVAL, -ERANGE, -E2BIG, -ENOMEM */
	unsigned int line;
	unsigned int column;
	char msg[160];
};

void mc_range_list_init(struct mc_range_list *list);
void mc_range_list_free(struct mc_range_list *list);

/*
 * Parse "SIZE@START[,SIZE@START...]".  SIZE and START are decimal or 0x hex
 * with an optional K/M/G/T suffix (binary units, either case).  Every range
 * must be 'align'-aligned in start and size (align is a power of two, 0
 * means MC_PAGE_SIZE).  The result is sorted; overlap, zero size, 64-bit
 * overflow (of SIZE, START or START+SIZE: the exclusive end must fit in 64
 * bits), misalignment, empty input, empty elements (",,", a leading or
 * trailing ','), trailing junk, a missing '@', whitespace, embedded NUL
 * bytes and inputs longer than MC_LINE_MAX are errors (-EINVAL, -ERANGE
 * for overflow, -E2BIG for too long or more than MC_RANGES_MAX ranges).
 * One trailing newline is accepted, as sysfs writes carry one.
 * Returns 0 or a negative errno; on error 'out' is left empty and 'err'
 * (if not NULL) says why.  'out' is overwritten without being freed: pass
 * a new list, or free the old result first.
 */
int mc_ranges_parse(const char *text, size_t len, u64 align,
		    struct mc_range_list *out, struct mc_parse_error *err);

/*
 * Parse e820-style lines, one range per line:
 *   [mem 0x0000000300000000-0x000000033fffffff] mirror
 * Types: usable, reserved, mirror, "ACPI data", "ACPI NVS" (spelt exactly
 * so).  Addresses are 0x hex; the end is inclusive.  Blank lines and
 * comments (first non-blank character '#') are skipped.  Same
 * errors as above, per line, plus unknown type and an end below the start;
 * 'align' applies to every range (pass 1 for maps with byte granularity).
 * An input with no range at all is an error.
 */
int mc_e820_parse(const char *text, size_t len, u64 align,
		  struct mc_range_list *out, struct mc_parse_error *err);

/*
 * Format as "SIZE@START,..." using the largest exact suffix (e.g. "1G@12G";
 * "2M@0x100000" is never produced: starts use the same suffix rules, and
 * values that no suffix divides are decimal).  Returns the length the full
 * string needs (like snprintf); writes at most 'buflen' bytes including
 * the terminating NUL.  The output parses back to the same list, unless it
 * exceeds MC_LINE_MAX (only possible for lists near that limit written in
 * hex: decimal can be a byte longer per number).
 */
int mc_ranges_format(const struct mc_range_list *list, char *buf,
		     size_t buflen);

/*
 * Format as e820-style lines, one per range, each ending in a newline,
 * addresses as 16 hex digits; mc_e820_parse() reads it back unchanged.
 */
int mc_e820_format(const struct mc_range_list *list, char *buf,
		   size_t buflen);

/*
 * The one number parser of the project, for the tools too: all of
 * text[0..len) must be a number, decimal or 0x hex (never octal: "010" is
 * ten), with 'suffix' an optional K/M/G/T (powers of 1024, either case)
 * optionally followed by "B" or "iB".  No sign, no space, nothing after.
 * Returns 0, -EINVAL (not such a number) or -ERANGE (beyond 64 bits,
 * suffix included).  ranges= sizes and starts are read the same way.
 */
int mc_number_parse(const char *text, size_t len, bool suffix, u64 *val);

/*
 * The module's budget= parameter, for the module and the tools alike:
 * "SIZE" (bytes per node, above 0, as mc_number_parse() reads sizes) or
 * "N%" (N decimal, 1 to 100) of each node's mirrored memory.  On success
 * *share says which and *value holds the bytes or the percentage.
 * Returns 0 or -EINVAL with err->msg (err may be NULL) naming the
 * problem without the value, which the caller prints in its own words.
 */
int mc_budget_parse(const char *text, size_t len, bool *share, u64 *value,
		    struct mc_parse_error *err);

/* One size with the largest exact binary suffix: "512M", "4K", "1000". */
int mc_size_format(u64 bytes, char *buf, size_t buflen);

/* "usable", "reserved", "mirror", "ACPI data", "ACPI NVS"; else "unknown" */
const char *mc_mem_type_name(enum mc_mem_type type);

/* Index of the range containing 'addr', or -1. */
int mc_range_find(const struct mc_range_list *list, u64 addr);

#endif /* MIRROR_CORE_RANGE_H */
