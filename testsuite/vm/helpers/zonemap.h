/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zonemap.h - the mirror zones as sysfs shows them, and the pagemap
 * lookups every helper makes against them, in one place.
 *
 * Header-only: each helper is one static binary built from one .c file.
 */
#ifndef MIRROR_VM_ZONEMAP_H
#define MIRROR_VM_ZONEMAP_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define ZM_MAX_ZONES	256
#define PM_PRESENT	(1ULL << 63)
#define PM_FILE		(1ULL << 61)
#define PM_PFN_MASK	((1ULL << 55) - 1)

struct zonemap {
	unsigned int nr;
	unsigned long long start[ZM_MAX_ZONES];	/* first pfn */
	unsigned long long end[ZM_MAX_ZONES];	/* pfn after the last */
};

/* One number from a sysfs file (decimal or 0x hex), ~0 when unreadable. */
static inline unsigned long long zm_read_num(const char *path)
{
	char buf[64];
	FILE *f = fopen(path, "r");

	if (!f)
		return ~0ULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return ~0ULL;
	}
	fclose(f);
	return strtoull(buf, NULL, 0);
}

/* The zones of /sys/kernel/mm/mirror/zones, in pfns; their number. */
static inline unsigned int zm_load(struct zonemap *zm)
{
	long psz = sysconf(_SC_PAGESIZE);
	char path[128];

	for (zm->nr = 0; zm->nr < ZM_MAX_ZONES; zm->nr++) {
		unsigned long long s, sz;

		snprintf(path, sizeof(path),
			 "/sys/kernel/mm/mirror/zones/zone%u/start", zm->nr);
		s = zm_read_num(path);
		snprintf(path, sizeof(path),
			 "/sys/kernel/mm/mirror/zones/zone%u/size", zm->nr);
		sz = zm_read_num(path);
		if (s == ~0ULL || sz == ~0ULL)
			break;
		zm->start[zm->nr] = s / (unsigned long long)psz;
		zm->end[zm->nr] = (s + sz) / (unsigned long long)psz;
	}
	return zm->nr;
}

/* The zone holding 'pfn', or -1. */
static inline int zm_find(const struct zonemap *zm, unsigned long long pfn)
{
	unsigned int z;

	for (z = 0; z < zm->nr; z++)
		if (pfn >= zm->start[z] && pfn < zm->end[z])
			return (int)z;
	return -1;
}

/* The frame behind one pagemap entry, 0 when nothing is present. */
static inline unsigned long long zm_pfn(uint64_t ent)
{
	return (ent & PM_PRESENT) ? ent & PM_PFN_MASK : 0;
}

/*
 * fn(entry, arg) for the pagemap entry of every present page of every
 * mapping of process 'pid' (PID 0: this process), read from its maps and
 * pagemap (the frames need root).  0, or -1 when the process is gone or
 * its files cannot be read.
 */
static inline int zm_walk_pid(pid_t pid, void (*fn)(uint64_t ent, void *arg),
			      void *arg)
{
	long psz = sysconf(_SC_PAGESIZE);
	char path[64], line[4096];
	FILE *maps;
	int pm;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/maps");
	maps = fopen(path, "r");
	strcpy(strrchr(path, '/'), "/pagemap");
	pm = open(path, O_RDONLY);
	if (!maps || pm < 0) {
		if (maps)
			fclose(maps);
		if (pm >= 0)
			close(pm);
		return -1;
	}
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long start, end, va;
		uint64_t ent[512];

		/* [vsyscall] is not in the page tables */
		if (sscanf(line, "%llx-%llx", &start, &end) != 2 ||
		    strstr(line, "[vsyscall]"))
			continue;
		for (va = start; va < end;) {
			size_t n = (end - va) / (unsigned long long)psz, i;
			ssize_t got;

			if (n > 512)
				n = 512;
			got = pread(pm, ent, n * 8, (off_t)(va / psz * 8));
			/* <= 0: the mapping went away meanwhile */
			if (got <= 0)
				break;
			n = (size_t)got / 8;
			for (i = 0; i < n; i++)
				if (ent[i] & PM_PRESENT)
					fn(ent[i], arg);
			va += n * (unsigned long long)psz;
		}
	}
	fclose(maps);
	close(pm);
	return 0;
}

#endif /* MIRROR_VM_ZONEMAP_H */
