// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * range.c - parse and format physical address range lists.
 *
 * Two inputs reach the module from outside: the ranges= parameter
 * ("SIZE@START,...") and e820-style memory map lines.  Both come from
 * users or firmware dumps, so every byte is checked, nothing is read past
 * 'len' (the text need not be NUL-terminated), and a failed parse leaves
 * the output list empty: a half-parsed map must never be applied.
 *
 * Whitespace policy for ranges=: none at all, except one trailing newline
 * (sysfs writes and "echo" carry one).  "1G@0, 1G@12G" is rejected with the
 * column of the space rather than guessed at.
 */
#include "range.h"
#include "text.h"

/* Longest piece of user text a message quotes: sizes mc_quote() buffers. */
#define MC_QUOTE_MAX		48

/* A range as parsed, before sorting, with where it came from. */
struct mc_pending {
	u64 start;
	u64 size;
	enum mc_mem_type type;
	unsigned int index;		/* range number (ranges=) or line */
	unsigned int line;
	unsigned int column;
	size_t text_off;		/* element text, for messages */
	size_t text_len;
};

static const char *const mc_type_names[MC_MEM_NR_TYPES] = {
	[MC_MEM_USABLE]		= "usable",
	[MC_MEM_RESERVED]	= "reserved",
	[MC_MEM_MIRROR]		= "mirror",
	[MC_MEM_ACPI_DATA]	= "ACPI data",
	[MC_MEM_ACPI_NVS]	= "ACPI NVS",
};

static int mc_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One byte as it should appear in a message: 'x' or 0xNN. */
static void mc_char_desc(char *dst, size_t dstlen, char c)
{
	if (mc_is_printable(c))
		snprintf(dst, dstlen, "'%c'", c);
	else
		snprintf(dst, dstlen, "byte 0x%02x", (unsigned int)(u8)c);
}

/* ---- output ---------------------------------------------------------- */

/* Fixed-width 16-digit hex, as the kernel prints e820 maps. */
static void mc_out_hex16(struct mc_out *o, u64 v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[18];
	int i;

	tmp[0] = '0';
	tmp[1] = 'x';
	for (i = 17; i >= 2; i--) {
		tmp[i] = digits[v & 0xf];
		v >>= 4;
	}
	mc_out_mem(o, tmp, sizeof(tmp));
}

static void mc_out_size(struct mc_out *o, u64 v)
{
	static const char suffix[] = "TGMK";
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int shift = 40 - 10 * i;
		u64 mask = (1ULL << shift) - 1;

		if (v && !(v & mask)) {
			mc_out_dec(o, v >> shift);
			mc_out_mem(o, &suffix[i], 1);
			return;
		}
	}
	mc_out_dec(o, v);
}

/* ---- lists ---------------------------------------------------------- */

void mc_range_list_init(struct mc_range_list *list)
{
	list->ranges = NULL;
	list->nr = 0;
	list->cap = 0;
}

void mc_range_list_free(struct mc_range_list *list)
{
	mc_free(list->ranges);
	mc_range_list_init(list);
}

const char *mc_mem_type_name(enum mc_mem_type type)
{
	if ((unsigned int)type >= MC_MEM_NR_TYPES)
		return "unknown";
	return mc_type_names[type];
}

int mc_range_find(const struct mc_range_list *list, u64 addr)
{
	unsigned int lo = 0, hi = list->nr;

	/* Binary search: the list is sorted and free of overlap. */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct mc_range *r = &list->ranges[mid];

		if (addr < r->start)
			hi = mid;
		else if (addr - r->start >= r->size)
			lo = mid + 1;
		else
			return (int)mid;
	}
	return -1;
}

/* ---- validation shared by both parsers ------------------------------ */

/* Both parsers' 'align': 0 means MC_PAGE_SIZE, else a power of two. */
static int mc_align_resolve(u64 *align, struct mc_parse_error *e)
{
	if (!*align)
		*align = MC_PAGE_SIZE;
	if (*align & (*align - 1))
		return MC_FAIL(e, -EINVAL, 1, 1,
			       "alignment %llu is not a power of two",
			       (unsigned long long)*align);
	return 0;
}

/* Stable insertion sort by start: lists are short (MC_RANGES_MAX). */
static void mc_pending_sort(struct mc_pending *p, unsigned int nr)
{
	unsigned int i, j;

	for (i = 1; i < nr; i++) {
		struct mc_pending tmp = p[i];

		for (j = i; j > 0 && p[j - 1].start > tmp.start; j--)
			p[j] = p[j - 1];
		p[j] = tmp;
	}
}

/*
 * Sort, check for overlap and move the result into 'out'.  Sorted by start,
 * a list is free of overlap exactly when each range ends at or before the
 * next one starts, so neighbours are all that need comparing.  An overlap
 * is reported at whichever of the two came later in the input.
 */
static int mc_pending_commit(const char *text, struct mc_pending *p,
			     unsigned int nr, bool e820,
			     struct mc_range_list *out,
			     struct mc_parse_error *e)
{
	unsigned int i;

	mc_pending_sort(p, nr);
	for (i = 1; i < nr; i++) {
		const struct mc_pending *a = &p[i - 1], *b = &p[i];
		char qa[MC_QUOTE_MAX + 1], qb[MC_QUOTE_MAX + 1];

		if (a->start + a->size <= b->start)
			continue;
		if (a->index > b->index) {
			const struct mc_pending *t = a;

			a = b;
			b = t;
		}
		mc_quote(qa, sizeof(qa), text + a->text_off, a->text_len);
		mc_quote(qb, sizeof(qb), text + b->text_off, b->text_len);
		if (e820)
			return MC_FAIL(e, -EINVAL, b->line, b->column,
				       "%s overlaps line %u (%s)",
				       qb, a->line, qa);
		return MC_FAIL(e, -EINVAL, b->line, b->column,
			       "range %u (%s): overlaps range %u (%s)",
			       b->index, qb, a->index, qa);
	}

	out->ranges = mc_zalloc(sizeof(*out->ranges) * nr);
	if (!out->ranges)
		return MC_FAIL(e, -ENOMEM, 1, 1, "out of memory for %u ranges",
			       nr);
	for (i = 0; i < nr; i++) {
		out->ranges[i].start = p[i].start;
		out->ranges[i].size = p[i].size;
		out->ranges[i].type = p[i].type;
	}
	out->nr = nr;
	out->cap = nr;
	return 0;
}

/*
 * Checks one range, wherever it came from: zero size, an end beyond the
 * 64-bit address space (start + size must itself be representable, so that
 * every user can compute the end without wrapping) and alignment.
 */
static int mc_pending_check(const char *text, const struct mc_pending *p,
			    u64 align, bool e820, struct mc_parse_error *e)
{
	char q[MC_QUOTE_MAX + 1], who[MC_QUOTE_MAX + 24], al[24];

	if (p->size && p->size <= U64_MAX - p->start &&
	    !((p->start | p->size) & (align - 1)))
		return 0;

	mc_quote(q, sizeof(q), text + p->text_off, p->text_len);
	if (e820)
		snprintf(who, sizeof(who), "%s", q);
	else
		snprintf(who, sizeof(who), "range %u (%s)", p->index, q);

	if (!p->size)
		return MC_FAIL(e, -EINVAL, p->line, p->column,
			       "%s: size is zero", who);
	if (p->size > U64_MAX - p->start)
		return MC_FAIL(e, -ERANGE, p->line, p->column,
			       "%s: ends beyond the 64-bit address space", who);
	mc_size_format(align, al, sizeof(al));
	return MC_FAIL(e, -EINVAL, p->line, p->column,
		       "%s: %s not aligned to %s", who,
		       (p->start & (align - 1)) ? "start" : "size", al);
}

/* ---- ranges= -------------------------------------------------------- */

/*
 * Parse one number at text[*pos]: decimal, or hex after 0x/0X, and with
 * 'suffix' an optional K/M/G/T (binary, either case) that may be followed
 * by "B" or "iB" ("64M", "64MB", "64MiB" are all 64 MiB).  Returns 0,
 * -EINVAL when there is no number here, or -ERANGE when it exceeds 64 bits.
 */
static int mc_parse_number(const char *text, size_t len, size_t *pos,
			   bool suffix, u64 *val)
{
	size_t i = *pos;
	u64 v = 0;
	unsigned int shift = 0;

	if (i >= len || !mc_is_digit(text[i]))
		return -EINVAL;
	if (text[i] == '0' && i + 1 < len &&
	    (text[i + 1] == 'x' || text[i + 1] == 'X')) {
		i += 2;
		if (i >= len || mc_hex_value(text[i]) < 0) {
			*pos = i;
			return -EINVAL;
		}
		for (; i < len && mc_hex_value(text[i]) >= 0; i++) {
			if (v > (U64_MAX >> 4))
				return -ERANGE;
			v = (v << 4) | (u64)mc_hex_value(text[i]);
		}
	} else {
		for (; i < len && mc_is_digit(text[i]); i++) {
			u64 d = (u64)(text[i] - '0');

			if (v > (U64_MAX - d) / 10)
				return -ERANGE;
			v = v * 10 + d;
		}
	}
	if (suffix && i < len) {
		switch (text[i]) {
		case 'k': case 'K':
			shift = 10;
			break;
		case 'm': case 'M':
			shift = 20;
			break;
		case 'g': case 'G':
			shift = 30;
			break;
		case 't': case 'T':
			shift = 40;
			break;
		}
		if (shift) {
			if (v > (U64_MAX >> shift))
				return -ERANGE;
			v <<= shift;
			i++;
			if (i < len && (text[i] == 'B' || text[i] == 'b'))
				i++;
			else if (i + 1 < len && text[i] == 'i' &&
				 text[i + 1] == 'B')
				i += 2;
		}
	}
	*pos = i;
	*val = v;
	return 0;
}

int mc_number_parse(const char *text, size_t len, bool suffix, u64 *val)
{
	size_t pos = 0;
	u64 v;
	int ret;

	if (len > MC_LINE_MAX)
		return -EINVAL;
	ret = mc_parse_number(text, len, &pos, suffix, &v);
	if (ret)
		return ret;
	if (pos != len)
		return -EINVAL;
	*val = v;
	return 0;
}

int mc_budget_parse(const char *text, size_t len, bool *share, u64 *value,
		    struct mc_parse_error *err)
{
	struct mc_parse_error local, *e = err ? err : &local;
	u64 v;

	mc_error(e, 0, 1, 0);
	if (len && text[len - 1] == '%') {
		if (mc_number_parse(text, len - 1, false, &v) || !v || v > 100)
			return MC_FAIL(e, -EINVAL, 1, 1,
				       "a share is 1%% to 100%% of a node's mirrored memory");
		*share = true;
		*value = v;
		return 0;
	}
	if (mc_number_parse(text, len, true, &v) || !v)
		return MC_FAIL(e, -EINVAL, 1, 1,
			       "expected a size above 0 (K/M/G/T) or a share (1%% to 100%%)");
	*share = false;
	*value = v;
	return 0;
}

/* Why text[i] cannot start what was expected there. */
static int mc_ranges_unexpected(const char *text, size_t len, size_t i,
				unsigned int index, const char *expected,
				struct mc_parse_error *e)
{
	char c[16];

	if (i >= len || text[i] == ',')
		return MC_FAIL(e, -EINVAL, 1, (unsigned int)i + 1,
			       "range %u: missing %s", index, expected);
	mc_char_desc(c, sizeof(c), text[i]);
	if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' ||
	    text[i] == '\r')
		return MC_FAIL(e, -EINVAL, 1, (unsigned int)i + 1,
			       "range %u: whitespace is not allowed here (expected %s)",
			       index, expected);
	return MC_FAIL(e, -EINVAL, 1, (unsigned int)i + 1,
		       "range %u: expected %s, found %s", index, expected, c);
}

/*
 * The size or the start of a ranges= element ('what' names it in messages;
 * 'expected' says what should stand where there is no number at all).
 */
static int mc_ranges_number(const char *text, size_t len, size_t *pos,
			    unsigned int index, const char *what,
			    const char *expected, u64 *val,
			    struct mc_parse_error *e)
{
	size_t i = *pos;
	int ret;

	ret = mc_parse_number(text, len, &i, true, val);
	if (ret == -ERANGE)
		return MC_FAIL(e, -ERANGE, 1, (unsigned int)*pos + 1,
			       "range %u: %s does not fit in 64 bits",
			       index, what);
	if (ret && i > *pos)
		return MC_FAIL(e, -EINVAL, 1, (unsigned int)i + 1,
			       "range %u: expected hex digits after '0x'",
			       index);
	if (ret)
		return mc_ranges_unexpected(text, len, i, index, expected, e);
	*pos = i;
	return 0;
}

static int mc_ranges_parse_one(const char *text, size_t len, size_t *pos,
			       struct mc_pending *p, struct mc_parse_error *e)
{
	size_t i = *pos;
	int ret;

	p->line = 1;
	p->column = (unsigned int)i + 1;
	p->text_off = i;
	p->type = MC_MEM_MIRROR;

	if (i >= len || text[i] == ',')
		return MC_FAIL(e, -EINVAL, 1, (unsigned int)i + 1,
			       "range %u is empty", p->index);

	ret = mc_ranges_number(text, len, &i, p->index, "size", "SIZE@START",
			       &p->size, e);
	if (ret)
		return ret;
	if (i >= len || text[i] != '@')
		return mc_ranges_unexpected(text, len, i, p->index,
					    "'@' after the size", e);
	i++;
	ret = mc_ranges_number(text, len, &i, p->index, "start",
			       "a start address after '@'", &p->start, e);
	if (ret)
		return ret;

	if (i < len && text[i] != ',') {
		char c[16];

		mc_char_desc(c, sizeof(c), text[i]);
		return MC_FAIL(e, -EINVAL, 1, (unsigned int)i + 1,
			       "range %u: unexpected %s after the start address",
			       p->index, c);
	}
	p->text_len = i - p->text_off;
	*pos = i;
	return 0;
}

int mc_ranges_parse(const char *text, size_t len, u64 align,
		    struct mc_range_list *out, struct mc_parse_error *err)
{
	struct mc_parse_error local, *e = err ? err : &local;
	struct mc_pending *p = NULL;
	unsigned int nr = 0, cap;
	size_t i;
	int ret;

	mc_range_list_init(out);
	mc_error(e, 0, 0, 0);

	ret = mc_align_resolve(&align, e);
	if (ret)
		return ret;
	if (!text)
		len = 0;
	/* One trailing newline is what sysfs and echo hand us: accept it. */
	if (len && text[len - 1] == '\n')
		len--;
	if (!len)
		return MC_FAIL(e, -EINVAL, 1, 1, "empty range list");
	if (len > MC_LINE_MAX)
		return MC_FAIL(e, -E2BIG, 1, MC_LINE_MAX + 1,
			       "range list longer than %u bytes", MC_LINE_MAX);
	for (i = 0; i < len; i++)
		if (!text[i])
			return MC_FAIL(e, -EINVAL, 1, (unsigned int)i + 1,
				       "NUL byte in range list");

	cap = mc_count_pieces(text, len, ',', MC_RANGES_MAX);
	p = mc_zalloc(sizeof(*p) * cap);
	if (!p)
		return MC_FAIL(e, -ENOMEM, 1, 1, "out of memory");

	i = 0;
	for (;;) {
		if (nr == cap) {
			ret = MC_FAIL(e, -E2BIG, 1, (unsigned int)i + 1,
				      "more than %u ranges", MC_RANGES_MAX);
			goto out;
		}
		p[nr].index = nr + 1;
		ret = mc_ranges_parse_one(text, len, &i, &p[nr], e);
		if (ret)
			goto out;
		ret = mc_pending_check(text, &p[nr], align, false, e);
		if (ret)
			goto out;
		nr++;
		if (i == len)
			break;
		i++;			/* the ',' */
		if (i == len) {
			ret = MC_FAIL(e, -EINVAL, 1, (unsigned int)i,
				      "range %u is empty (trailing ',')",
				      nr + 1);
			goto out;
		}
	}
	ret = mc_pending_commit(text, p, nr, false, out, e);
out:
	mc_free(p);
	return ret;
}

/* ---- e820 ----------------------------------------------------------- */

static bool mc_match(const char *text, size_t len, size_t i, const char *lit)
{
	size_t n = strlen(lit);

	return len - i >= n && !memcmp(text + i, lit, n);
}

/* A 0x hex address inside an e820 line; no suffixes there. */
static int mc_e820_address(const char *s, size_t n, size_t *i, u64 *val,
			   unsigned int line, const char *what,
			   struct mc_parse_error *e)
{
	size_t at = *i;
	int ret;

	if (!mc_match(s, n, at, "0x") && !mc_match(s, n, at, "0X"))
		return MC_FAIL(e, -EINVAL, line, (unsigned int)at + 1,
			       "expected a 0x hex %s address", what);
	ret = mc_parse_number(s, n, i, false, val);
	if (ret == -ERANGE)
		return MC_FAIL(e, -ERANGE, line, (unsigned int)at + 1,
			       "%s address does not fit in 64 bits", what);
	if (ret)
		return MC_FAIL(e, -EINVAL, line, (unsigned int)*i + 1,
			       "expected hex digits in the %s address", what);
	return 0;
}

static int mc_e820_line(const char *s, size_t n, unsigned int line,
			struct mc_pending *p, struct mc_parse_error *e)
{
	static const char form[] = "'[mem 0xSTART-0xEND] TYPE'";
	size_t i = 0, col;
	u64 end;
	int t, ret;

	p->line = line;
	p->index = line;
	p->column = 1;

	if (!mc_match(s, n, i, "[mem "))
		return MC_FAIL(e, -EINVAL, line, 1, "expected %s", form);
	i += 5;
	col = i;
	ret = mc_e820_address(s, n, &i, &p->start, line, "start", e);
	if (ret)
		return ret;
	if (i >= n || s[i] != '-')
		return MC_FAIL(e, -EINVAL, line, (unsigned int)i + 1,
			       "expected '-' after the start address in %s",
			       form);
	i++;
	ret = mc_e820_address(s, n, &i, &end, line, "end", e);
	if (ret)
		return ret;
	if (!mc_match(s, n, i, "] "))
		return MC_FAIL(e, -EINVAL, line, (unsigned int)i + 1,
			       "expected '] ' after the end address in %s",
			       form);
	p->text_off = 0;
	p->text_len = i + 1;
	i += 2;

	for (t = 0; t < MC_MEM_NR_TYPES; t++) {
		size_t tl = strlen(mc_type_names[t]);

		if (n - i == tl && !memcmp(s + i, mc_type_names[t], tl))
			break;
	}
	if (t == MC_MEM_NR_TYPES) {
		char q[MC_QUOTE_MAX + 1];

		mc_quote(q, sizeof(q), s + i, n - i);
		return MC_FAIL(e, -EINVAL, line, (unsigned int)i + 1,
			       "unknown memory type '%s' (usable, reserved, mirror, ACPI data, ACPI NVS)",
			       q);
	}
	p->type = (enum mc_mem_type)t;
	p->column = (unsigned int)col + 1;

	if (end < p->start)
		return MC_FAIL(e, -EINVAL, line, (unsigned int)col + 1,
			       "end 0x%llx is below start 0x%llx",
			       (unsigned long long)end,
			       (unsigned long long)p->start);
	/* The end is inclusive; an end of 2^64-1 leaves no exclusive end. */
	if (end == U64_MAX)
		return MC_FAIL(e, -ERANGE, line, (unsigned int)col + 1,
			       "range ends beyond the 64-bit address space");
	p->size = end - p->start + 1;
	return 0;
}

int mc_e820_parse(const char *text, size_t len, u64 align,
		  struct mc_range_list *out, struct mc_parse_error *err)
{
	struct mc_parse_error local, *e = err ? err : &local;
	struct mc_pending *p = NULL;
	unsigned int nr = 0, cap, line = 0;
	size_t i, next;
	int ret = 0;

	mc_range_list_init(out);
	mc_error(e, 0, 0, 0);

	ret = mc_align_resolve(&align, e);
	if (ret)
		return ret;
	if (!text)
		len = 0;

	cap = mc_count_pieces(text, len, '\n', MC_RANGES_MAX);
	p = mc_zalloc(sizeof(*p) * cap);
	if (!p)
		return MC_FAIL(e, -ENOMEM, 1, 1, "out of memory");

	for (i = 0; i < len; i = next) {
		const char *s = text + i;
		size_t n, k;

		line++;
		ret = mc_line_length(s, len - i, line, &n, e);
		if (ret)
			goto out;
		next = i + n + 1;
		for (k = 0; k < n; k++) {
			if (!s[k]) {
				ret = MC_FAIL(e, -EINVAL, line,
					      (unsigned int)k + 1, "NUL byte");
				goto out;
			}
		}
		if (mc_is_skipped_line(s, n))
			continue;
		if (nr == cap) {
			ret = MC_FAIL(e, -E2BIG, line, 1,
				      "more than %u ranges", MC_RANGES_MAX);
			goto out;
		}
		ret = mc_e820_line(s, n, line, &p[nr], e);
		if (ret)
			goto out;
		/* Messages quote the line's text: make offsets absolute. */
		p[nr].text_off += i;
		ret = mc_pending_check(text, &p[nr], align, true, e);
		if (ret)
			goto out;
		nr++;
	}
	if (!nr) {
		ret = MC_FAIL(e, -EINVAL, line ? line : 1, 1,
			      "no ranges (empty input, or only blank lines and comments)");
		goto out;
	}
	ret = mc_pending_commit(text, p, nr, true, out, e);
out:
	mc_free(p);
	return ret;
}

/* ---- formatting ----------------------------------------------------- */

int mc_size_format(u64 bytes, char *buf, size_t buflen)
{
	struct mc_out o = { buf, buflen, 0 };

	mc_out_size(&o, bytes);
	return mc_out_finish(&o);
}

int mc_ranges_format(const struct mc_range_list *list, char *buf,
		     size_t buflen)
{
	struct mc_out o = { buf, buflen, 0 };
	unsigned int i;

	for (i = 0; i < list->nr; i++) {
		if (i)
			mc_out_mem(&o, ",", 1);
		mc_out_size(&o, list->ranges[i].size);
		mc_out_mem(&o, "@", 1);
		mc_out_size(&o, list->ranges[i].start);
	}
	return mc_out_finish(&o);
}

int mc_e820_format(const struct mc_range_list *list, char *buf,
		   size_t buflen)
{
	struct mc_out o = { buf, buflen, 0 };
	unsigned int i;

	for (i = 0; i < list->nr; i++) {
		const struct mc_range *r = &list->ranges[i];

		mc_out_str(&o, "[mem ");
		mc_out_hex16(&o, r->start);
		mc_out_mem(&o, "-", 1);
		mc_out_hex16(&o, r->start + r->size - 1);
		mc_out_mem(&o, "] ", 2);
		mc_out_str(&o, mc_mem_type_name(r->type));
		mc_out_mem(&o, "\n", 1);
	}
	return mc_out_finish(&o);
}
