// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util.c - small helpers the command-line tools share.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The first line of 'path' into buf, without its newline; 0 or -errno. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		rc = ferror(f) ? -EIO : -ENODATA;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return rc;
}

int memory_online(const char *root, unsigned long long start,
		  unsigned long long end, unsigned int *onlined, char *why,
		  size_t whylen)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], buf[64];
	unsigned long long bs, b;
	int rc;

	snprintf(dir, sizeof(dir), "%s/sys/devices/system/memory",
		 root ? root : "");
	snprintf(path, sizeof(path), "%s/block_size_bytes", dir);
	rc = read_line(path, buf, sizeof(buf));
	if (rc < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	/* The kernel writes it in hex without a prefix. */
	bs = strtoull(buf, NULL, 16);
	if (!bs) {
		snprintf(why, whylen, "%s: '%s' is no block size", path, buf);
		return -EINVAL;
	}
	for (b = start / bs; b < (end + bs - 1) / bs; b++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/memory%llu/state", dir, b);
		rc = read_line(path, buf, sizeof(buf));
		if (rc == 0 && strcmp(buf, "online") == 0)
			continue;
		f = rc == 0 ? fopen(path, "we") : NULL;
		if (f) {
			fputs("online", f);
			rc = fclose(f) ? -errno : 0;
		} else if (rc == 0) {
			rc = -errno;
		}
		if (rc < 0) {
			snprintf(why, whylen, "memory%llu (0x%llx): cannot put it online: %s",
				 b, b * bs, strerror(-rc));
			return rc;
		}
		(*onlined)++;
	}
	return 0;
}
