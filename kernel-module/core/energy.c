// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * energy.c - the energy-difference table: parse, format, look up, and pick
 * the cheaper fill bit.
 *
 * The table is loaded at run time by an operator (through the module's
 * control file or libmirror), so it is untrusted text: the parser checks
 * every byte, never reads past 'len', and fills a fresh table that is only
 * handed over when the whole text was valid.  Energies are fixed point
 * (milli-picojoules) because the kernel has no floating point.
 */
#include "energy.h"
#include "text.h"

#define MC_ENERGY_FRAC_DIGITS	3
/* Longest piece of user text a message quotes: sizes mc_quote() buffers. */
#define MC_ENERGY_QUOTE_MAX	32

/*
 * The built-in table.  Sources are per row; where a row splits one
 * published per-bit write energy into a write-0 and a write-1 figure, the
 * split is an estimate and the row says so.  PCM: the 16.82 pJ/bit mean
 * is split in the ratio of I^2*t of the NVSim sample cell (RESET
 * 300^2*40 : SET 150^2*150 = 1.067 : 1, same resistance assumed), which
 * keeps the mean: 17.363 and 16.277.  STT-MRAM: the NVSim sample cell is
 * symmetric; the 1.5x for the slower P->AP switching is an assumption.
 */
const char mc_energy_default_text[] =
"# mirror energy-difference table\n"
"# name write0_pj write1_pj [source]   (picojoules per bit written)\n"
"#\n"
"# No published source splits write energy by bit value with certainty;\n"
"# rows that split one figure say 'estimate'.  Replace this table when\n"
"# measured figures for a part are known.  Bit values: PCM and RRAM store\n"
"# 0 as RESET (high resistance) and 1 as SET; STT-MRAM stores 0 as the\n"
"# parallel (low resistance) MTJ state and 1 as anti-parallel.\n"
"# Background: PCM SET takes longer but less current than RESET (Yue and\n"
"# Zhu, HPCA 2013); MTJ switching is asymmetric (Zhang et al., DATE 2012).\n"
"DRAM 0.39 0.39 Lee et al., ISCA 2009: DRAM array write 0.39 pJ/bit; no 0/1 difference assumed\n"
"PCM 17.363 16.277 Lee et al., ISCA 2009: mean 16.82 pJ/bit; split by I^2*t of the NVSim PCRAM cell, RESET 300uA/40ns vs SET 150uA/150ns: estimate\n"
"RRAM 0.6 0.6 NVSim sample RRAM cell: SET and RESET both 2V/10ns, 0.6 pJ; no 0/1 difference assumed: estimate, devices vary\n"
"STT-MRAM 0.194 0.291 NVSim STT-RAM cell 40.82uA/5ns = 0.194 pJ; P->AP (1) slower, Zhang et al., DATE 2012: 1.5x is an estimate\n";

static bool mc_e_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       mc_is_digit(c) || c == '_' || c == '-';
}

static char mc_e_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Case-insensitive comparison of n bytes against a NUL-terminated name. */
static bool mc_e_name_eq(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!b[i] || mc_e_lower(a[i]) != mc_e_lower(b[i]))
			return false;
	return b[n] == '\0';
}

/* ---- output ----------------------------------------------------------- */

/* Milli-pJ as a decimal: the integer part, then up to three digits. */
static void mc_e_out_value(struct mc_out *o, u64 mpj)
{
	unsigned int frac = (unsigned int)(mpj % 1000), k;
	char tmp[4];
	size_t n = 0;

	mc_out_dec(o, mpj / 1000);
	if (!frac)
		return;
	/* Three digits, then drop the trailing zeros: 390 -> ".39". */
	tmp[n++] = '.';
	for (k = 100; k; k /= 10)
		tmp[n++] = '0' + (char)((frac / k) % 10);
	while (tmp[n - 1] == '0')
		n--;
	mc_out_mem(o, tmp, n);
}

/* ---- table ------------------------------------------------------------ */

void mc_energy_init(struct mc_energy_table *table)
{
	table->entries = NULL;
	table->nr = 0;
	table->cap = 0;
}

void mc_energy_free(struct mc_energy_table *table)
{
	mc_free(table->entries);
	mc_energy_init(table);
}

const struct mc_energy_entry *
mc_energy_lookup(const struct mc_energy_table *table, const char *name)
{
	unsigned int i;

	if (!table || !name)
		return NULL;
	for (i = 0; i < table->nr; i++)
		if (mc_e_name_eq(name, strlen(name), table->entries[i].name))
			return &table->entries[i];
	return NULL;
}

unsigned int mc_energy_fill_bit(const struct mc_energy_entry *entry)
{
	if (!entry)
		return 0;
	return entry->write1_mpj < entry->write0_mpj ? 1 : 0;
}

int mc_energy_value_format(u64 mpj, char *buf, size_t buflen)
{
	struct mc_out o = { buf, buflen, 0 };

	mc_e_out_value(&o, mpj);
	return mc_out_finish(&o);
}

/*
 * A source that starts like a number (or with '#') would read back as an
 * extra value (or lose its '#'), so it is written after "# ".
 */
static bool mc_e_source_needs_hash(const char *src)
{
	return mc_is_digit(src[0]) || src[0] == '+' || src[0] == '-' ||
	       src[0] == '.' || src[0] == '#';
}

int mc_energy_format(const struct mc_energy_table *table, char *buf,
		     size_t buflen)
{
	struct mc_out o = { buf, buflen, 0 };
	unsigned int i;

	for (i = 0; i < table->nr; i++) {
		const struct mc_energy_entry *en = &table->entries[i];

		mc_out_str(&o, en->name);
		mc_out_mem(&o, " ", 1);
		mc_e_out_value(&o, en->write0_mpj);
		mc_out_mem(&o, " ", 1);
		mc_e_out_value(&o, en->write1_mpj);
		if (en->source[0]) {
			mc_out_mem(&o, " ", 1);
			if (mc_e_source_needs_hash(en->source))
				mc_out_mem(&o, "# ", 2);
			mc_out_str(&o, en->source);
		}
		mc_out_mem(&o, "\n", 1);
	}
	return mc_out_finish(&o);
}

/* ---- parser ------------------------------------------------------------ */

static bool mc_e_word_ieq(const char *s, size_t n, const char *word)
{
	return mc_e_name_eq(s, n, word);
}

/*
 * Parse one energy token "DIGITS[.D[D[D]]]" into milli-pJ.  Syntax is
 * checked over the whole token before the range, so "1e99" is called
 * non-numeric, not too large.
 */
static int mc_e_value(const char *s, size_t n, const char *what,
		      unsigned int line, unsigned int col, u64 *out,
		      struct mc_parse_error *e)
{
	char q[MC_ENERGY_QUOTE_MAX + 1];
	u64 ip = 0, frac = 0;
	size_t i = 0, fd = 0;
	bool big = false;

	mc_quote(q, sizeof(q), s, n);
	if (s[0] == '-')
		return MC_FAIL(e, -EINVAL, line, col,
			       "%s '%s' is negative", what, q);
	if (mc_e_word_ieq(s, n, "nan") || mc_e_word_ieq(s, n, "+nan") ||
	    mc_e_word_ieq(s, n, "inf") || mc_e_word_ieq(s, n, "+inf") ||
	    mc_e_word_ieq(s, n, "infinity") ||
	    mc_e_word_ieq(s, n, "+infinity"))
		return MC_FAIL(e, -EINVAL, line, col,
			       "%s '%s': NaN and infinity are not energies",
			       what, q);
	if (!mc_is_digit(s[0]))
		return MC_FAIL(e, -EINVAL, line, col,
			       "%s '%s' is not a decimal number", what, q);
	for (; i < n && mc_is_digit(s[i]); i++) {
		/* Saturate: only "above the limit" matters past 10^7. */
		if (ip < 10000000ULL)
			ip = ip * 10 + (u64)(s[i] - '0');
		else
			big = true;
	}
	if (i < n && s[i] == '.') {
		i++;
		for (; i < n && mc_is_digit(s[i]); i++, fd++)
			if (fd < MC_ENERGY_FRAC_DIGITS)
				frac = frac * 10 + (u64)(s[i] - '0');
		if (!fd)
			return MC_FAIL(e, -EINVAL, line, col,
				       "%s '%s': no digits after '.'",
				       what, q);
		if (i == n && fd > MC_ENERGY_FRAC_DIGITS)
			return MC_FAIL(e, -EINVAL, line, col,
				       "%s '%s': more than %u fractional digits (resolution 0.001 pJ)",
				       what, q, MC_ENERGY_FRAC_DIGITS);
	}
	if (i < n)
		return MC_FAIL(e, -EINVAL, line, col,
			       "%s '%s' is not a decimal number", what, q);
	for (; fd < MC_ENERGY_FRAC_DIGITS; fd++)
		frac *= 10;
	if (big || ip * 1000 + frac > MC_ENERGY_MAX_MPJ)
		return MC_FAIL(e, -ERANGE, line, col,
			       "%s '%s' is above the limit of %llu pJ", what,
			       q, MC_ENERGY_MAX_MPJ / 1000);
	*out = ip * 1000 + frac;
	return 0;
}

/* Every byte of a line: printable ASCII or tab. */
static int mc_e_check_bytes(const char *s, size_t n, unsigned int line,
			    struct mc_parse_error *e)
{
	size_t k;

	for (k = 0; k < n; k++) {
		u8 c = (u8)s[k];
		unsigned int col = (unsigned int)k + 1;

		if (mc_is_printable((char)c) || c == '\t')
			continue;
		if (!c)
			return MC_FAIL(e, -EINVAL, line, col, "NUL byte");
		if (c == '\r')
			return MC_FAIL(e, -EINVAL, line, col,
				       "carriage return (DOS line ending?)");
		if (c >= 0x80)
			return MC_FAIL(e, -EINVAL, line, col,
				       "non-ASCII byte 0x%02x", c);
		return MC_FAIL(e, -EINVAL, line, col,
			       "control character 0x%02x", c);
	}
	return 0;
}

/* The end of the token at s[i]: the next blank or the end of the line. */
static size_t mc_e_token_end(const char *s, size_t n, size_t i)
{
	while (i < n && !mc_is_blank(s[i]))
		i++;
	return i;
}

/* One number field; "missing" when the line ends or a comment begins. */
static int mc_e_field(const char *s, size_t n, size_t *pos, const char *what,
		      unsigned int line, u64 *out, struct mc_parse_error *e)
{
	size_t i = mc_skip_blank(s, n, *pos), end;
	int ret;

	if (i >= n || s[i] == '#')
		return MC_FAIL(e, -EINVAL, line, (unsigned int)i + 1,
			       "missing %s (expected: name write0_pj write1_pj [source])",
			       what);
	end = mc_e_token_end(s, n, i);
	ret = mc_e_value(s + i, end - i, what, line, (unsigned int)i + 1, out,
			 e);
	*pos = end;
	return ret;
}

static int mc_e_line(const char *s, size_t n, unsigned int line,
		     struct mc_energy_entry *en, struct mc_parse_error *e)
{
	char q[MC_ENERGY_QUOTE_MAX + 1];
	size_t i = mc_skip_blank(s, n, 0), name, end, k;
	int ret;

	name = i;
	end = mc_e_token_end(s, n, i);
	for (k = name; k < end; k++) {
		if (!mc_e_name_char(s[k])) {
			mc_quote(q, sizeof(q), s + name, end - name);
			return MC_FAIL(e, -EINVAL, line, (unsigned int)k + 1,
				       "bad character '%c' in name '%s' (allowed: A-Z a-z 0-9 _ -)",
				       s[k], q);
		}
	}
	if (end - name >= MC_ENERGY_NAME_MAX) {
		mc_quote(q, sizeof(q), s + name, end - name);
		return MC_FAIL(e, -EINVAL, line, (unsigned int)name + 1,
			       "name '%s' is longer than %u bytes", q,
			       MC_ENERGY_NAME_MAX - 1);
	}
	memcpy(en->name, s + name, end - name);
	en->name[end - name] = '\0';
	i = end;

	ret = mc_e_field(s, n, &i, "write0 energy", line, &en->write0_mpj, e);
	if (ret)
		return ret;
	ret = mc_e_field(s, n, &i, "write1 energy", line, &en->write1_mpj, e);
	if (ret)
		return ret;

	/* The rest of the line, optionally after '#', is the source. */
	i = mc_skip_blank(s, n, i);
	if (i < n && s[i] == '#') {
		i = mc_skip_blank(s, n, i + 1);
	} else if (i < n && (mc_is_digit(s[i]) || s[i] == '+' ||
			     s[i] == '-' || s[i] == '.')) {
		end = mc_e_token_end(s, n, i);
		mc_quote(q, sizeof(q), s + i, end - i);
		return MC_FAIL(e, -EINVAL, line, (unsigned int)i + 1,
			       "extra value '%s' after write1 (a source starting with a number goes after '#')",
			       q);
	}
	end = n;
	while (end > i && mc_is_blank(s[end - 1]))
		end--;
	if (end - i >= MC_ENERGY_SOURCE_MAX)
		return MC_FAIL(e, -EINVAL, line, (unsigned int)i + 1,
			       "source text is longer than %u bytes",
			       MC_ENERGY_SOURCE_MAX - 1);
	memcpy(en->source, s + i, end - i);
	en->source[end - i] = '\0';
	return 0;
}

int mc_energy_parse(const char *text, size_t len, struct mc_energy_table *out,
		    struct mc_parse_error *err)
{
	struct mc_parse_error local, *e = err ? err : &local;
	unsigned int first_line[MC_ENERGY_MAX_TYPES];
	struct mc_energy_table t;
	unsigned int line = 0, j;
	size_t i, next;
	int ret = 0;

	mc_energy_init(out);
	mc_energy_init(&t);
	mc_error(e, 0, 0, 0);
	if (!text)
		len = 0;

	t.cap = mc_count_pieces(text, len, '\n', MC_ENERGY_MAX_TYPES);
	t.entries = mc_zalloc(sizeof(*t.entries) * t.cap);
	if (!t.entries)
		return MC_FAIL(e, -ENOMEM, 1, 1, "out of memory");

	for (i = 0; i < len; i = next) {
		const char *s = text + i;
		struct mc_energy_entry *en;
		size_t n, k;

		line++;
		ret = mc_line_length(s, len - i, line, &n, e);
		if (ret)
			goto fail;
		next = i + n + 1;
		ret = mc_e_check_bytes(s, n, line, e);
		if (ret)
			goto fail;
		if (mc_is_skipped_line(s, n))
			continue;
		k = mc_skip_blank(s, n, 0);
		if (t.nr == t.cap) {
			ret = MC_FAIL(e, -E2BIG, line, (unsigned int)k + 1,
				      "more than %u memory types",
				      MC_ENERGY_MAX_TYPES);
			goto fail;
		}
		en = &t.entries[t.nr];
		ret = mc_e_line(s, n, line, en, e);
		if (ret)
			goto fail;
		for (j = 0; j < t.nr; j++) {
			if (mc_e_name_eq(en->name, strlen(en->name),
					 t.entries[j].name)) {
				ret = MC_FAIL(e, -EINVAL, line,
					      (unsigned int)k + 1,
					      "duplicate name '%s' (first on line %u)",
					      en->name, first_line[j]);
				goto fail;
			}
		}
		first_line[t.nr++] = line;
	}
	if (!t.nr) {
		ret = MC_FAIL(e, -EINVAL, line ? line : 1, 1,
			      "empty energy table (no entries, only blank lines or comments)");
		goto fail;
	}
	*out = t;
	return 0;
fail:
	mc_energy_free(&t);
	return ret;
}
