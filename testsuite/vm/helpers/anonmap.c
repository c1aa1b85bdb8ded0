/* SPDX-License-Identifier: GPL-2.0 */
/*
 * anonmap - where the anonymous memory of another process lies: walks the
 * mappings of /proc/PID/maps and looks every page up in /proc/PID/pagemap
 * (needs root for the frames), so that a program which knows nothing of
 * mirror.ko can be checked from outside.
 *
 * usage: anonmap PID
 * prints: "anon=A mirror=M zero=Z"
 *   anon:   present pages that are private anonymous (pagemap's "file-page
 *           or shared-anon" bit clear), the shared zero page left out
 *   mirror: of those, frames inside a zone of /sys/kernel/mm/mirror/zones
 *   zero:   present pages mapping the zero page (never moved anywhere)
 * exits 1 when the process is gone or a file cannot be read.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ZONES	256
#define PM_PRESENT	(1ULL << 63)
#define PM_FILE		(1ULL << 61)
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define KPF_ZERO_PAGE	24	/* include/uapi/linux/kernel-page-flags.h */

static unsigned long long read_num(const char *path)
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

int main(int argc, char **argv)
{
	static unsigned long long zs[MAX_ZONES], ze[MAX_ZONES];
	unsigned long long anon = 0, mirror = 0, zero = 0;
	unsigned int nz, z;
	long psz = sysconf(_SC_PAGESIZE);
	char path[128], line[4096];
	int pm, kpf;
	FILE *maps;

	if (argc != 2 || atol(argv[1]) <= 0) {
		fprintf(stderr, "usage: anonmap PID\n");
		return 2;
	}
	for (nz = 0; nz < MAX_ZONES; nz++) {
		unsigned long long s, sz;

		snprintf(path, sizeof(path), "/sys/kernel/mm/mirror/zones/zone%u/start", nz);
		s = read_num(path);
		snprintf(path, sizeof(path), "/sys/kernel/mm/mirror/zones/zone%u/size", nz);
		sz = read_num(path);
		if (s == ~0ULL || sz == ~0ULL)
			break;
		zs[nz] = s / 4096;
		ze[nz] = (s + sz) / 4096;
	}
	snprintf(path, sizeof(path), "/proc/%s/maps", argv[1]);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%s/pagemap", argv[1]);
	pm = open(path, O_RDONLY);
	kpf = open("/proc/kpageflags", O_RDONLY);
	if (!maps || pm < 0 || kpf < 0) {
		fprintf(stderr, "anonmap: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long start, end, va;
		uint64_t ent[512];

		if (sscanf(line, "%llx-%llx", &start, &end) != 2)
			continue;
		/* [vsyscall] is not in the page tables */
		if (strstr(line, "[vsyscall]"))
			continue;
		for (va = start; va < end;) {
			size_t n = (end - va) / (unsigned long long)psz, i;
			ssize_t got;

			if (n > 512)
				n = 512;
			got = pread(pm, ent, n * 8, (off_t)(va / psz * 8));
			if (got <= 0) {
				/* the mapping went away meanwhile */
				break;
			}
			n = (size_t)got / 8;
			for (i = 0; i < n; i++) {
				unsigned long long pfn = ent[i] & PM_PFN_MASK;
				uint64_t flags = 0;

				if (!(ent[i] & PM_PRESENT) || (ent[i] & PM_FILE))
					continue;
				if (pread(kpf, &flags, 8, (off_t)(pfn * 8)) == 8 &&
				    (flags & (1ULL << KPF_ZERO_PAGE))) {
					zero++;
					continue;
				}
				anon++;
				for (z = 0; z < nz; z++)
					if (pfn >= zs[z] && pfn < ze[z]) {
						mirror++;
						break;
					}
			}
			va += n * (unsigned long long)psz;
		}
	}
	fclose(maps);
	close(pm);
	close(kpf);
	printf("anon=%llu mirror=%llu zero=%llu\n", anon, mirror, zero);
	return 0;
}
