// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util.c - small helpers the command-line tools share.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"
#include "util.h"

void size_to_human(unsigned long long bytes, char *buf, size_t len)
{
	static const char suffix[] = "BKMGTPE";
	unsigned long long whole = bytes, rem = 0;
	unsigned int exp = 0;
	unsigned int tenth;

	while (whole >= 1024 && exp < sizeof(suffix) - 2) {
		rem = whole % 1024;
		whole /= 1024;
		exp++;
	}
	if (exp == 0) {
		snprintf(buf, len, "%llu", bytes);
		return;
	}
	/* One decimal, rounded half up; 1023.96K is shown as 1024K. */
	tenth = (unsigned int)((rem * 10 + 512) / 1024);
	if (tenth == 10) {
		whole++;
		tenth = 0;
	}
	if (tenth)
		snprintf(buf, len, "%llu.%u%c", whole, tenth, suffix[exp]);
	else
		snprintf(buf, len, "%llu%c", whole, suffix[exp]);
}

bool parse_ulong(const char *s, unsigned long min, unsigned long max,
		 unsigned long *val)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*val = v;
	return true;
}

bool parse_u64(const char *s, unsigned long long min, unsigned long long max,
	       unsigned long long *val)
{
	u64 v;

	if (!s || mc_number_parse(s, strlen(s), false, &v) < 0 || v < min ||
	    v > max)
		return false;
	*val = v;
	return true;
}

bool parse_size(const char *s, unsigned long long *val)
{
	u64 v;

	if (!s || mc_number_parse(s, strlen(s), true, &v) < 0)
		return false;
	*val = v;
	return true;
}

bool parse_seconds(const char *s, double min, double max, double *val)
{
	double v;
	char *end;

	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return false;
	*val = v;
	return true;
}

double percent(unsigned long long part, unsigned long long whole)
{
	if (!whole)
		return -1;
	return (double)part * 100.0 / (double)whole;
}
