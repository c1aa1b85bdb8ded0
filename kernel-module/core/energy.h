/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * energy.h - the energy-difference table: for each memory technology, the
 * energy to write a 0 bit and a 1 bit, and so the cheaper fill pattern.
 *
 * Text format, one memory type per line:
 *   name write0_pj write1_pj [source text...]
 * Fields are separated by spaces or tabs.  A line whose first non-blank
 * character is '#' is a comment; blank lines are skipped.  The rest of an
 * entry line after the two numbers is its source text, trimmed; it may be
 * introduced by '#' ("DRAM 0.39 0.39 # Lee et al."), and must be when it
 * starts with a digit, sign or '.' (otherwise it reads as an extra value).
 * Energies are decimal picojoules with up to three fractional digits
 * ("16.82"), held as integer milli-picojoules (u64) because the kernel has
 * no floating point.  Names are unique without regard to case.  The whole
 * text must be printable ASCII, tabs and newlines.
 */
#ifndef MIRROR_CORE_ENERGY_H
#define MIRROR_CORE_ENERGY_H

#include "compat.h"
#include "range.h"		/* struct mc_parse_error, MC_LINE_MAX */

#define MC_ENERGY_NAME_MAX	32	/* bytes including NUL */
#define MC_ENERGY_SOURCE_MAX	160	/* bytes including NUL */
#define MC_ENERGY_MAX_TYPES	64
/* Largest energy accepted: 1e6 pJ per bit, far above any technology. */
#define MC_ENERGY_MAX_MPJ	(1000000ULL * 1000ULL)

struct mc_energy_entry {
	char name[MC_ENERGY_NAME_MAX];		/* [A-Za-z0-9_-]+, unique */
	u64 write0_mpj;				/* milli-pJ per bit */
	u64 write1_mpj;
	char source[MC_ENERGY_SOURCE_MAX];	/* may be empty */
};

struct mc_energy_table {
	struct mc_energy_entry *entries;
	unsigned int nr;
	unsigned int cap;
};

void mc_energy_init(struct mc_energy_table *table);
void mc_energy_free(struct mc_energy_table *table);

/*
 * Parse a whole table.  Errors (each naming the line, and the column where
 * it helps): missing or extra numbers, negative, NaN/inf or non-numeric
 * values, more than three fractional digits, values above
 * MC_ENERGY_MAX_MPJ (-ERANGE), duplicate names (naming the earlier line),
 * bad name characters, names over 31 or sources over 159 bytes, lines over
 * MC_LINE_MAX or more than MC_ENERGY_MAX_TYPES entries (-E2BIG), NUL,
 * control or non-ASCII bytes, an empty table (only comments counts as
 * empty).  On error 'out' is left empty; the caller's old table is
 * untouched because parsing always goes into a fresh table.  'out' is
 * overwritten without being freed.
 */
int mc_energy_parse(const char *text, size_t len, struct mc_energy_table *out,
		    struct mc_parse_error *err);

/*
 * Format in the same text format, one "name w0 w1[ source]" line per entry;
 * returns the length needed (like snprintf).  mc_energy_parse() reads the
 * result back to the same table.
 */
int mc_energy_format(const struct mc_energy_table *table, char *buf,
		     size_t buflen);

/* Format milli-pJ as a decimal ("16.82", "0.39", "300"). */
int mc_energy_value_format(u64 mpj, char *buf, size_t buflen);

/* The entry called 'name' (compared without case), or NULL. */
const struct mc_energy_entry *
mc_energy_lookup(const struct mc_energy_table *table, const char *name);

/* The cheaper bit to fill with: 0 or 1; a tie gives 0. */
unsigned int mc_energy_fill_bit(const struct mc_energy_entry *entry);

/*
 * The built-in defaults (DRAM, PCM, RRAM, STT-MRAM) with the source of each
 * row, in the text format above.
 */
extern const char mc_energy_default_text[];

#endif /* MIRROR_CORE_ENERGY_H */
