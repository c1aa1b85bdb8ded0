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

#include "zonemap.h"

#define KPF_ZERO_PAGE	24	/* include/uapi/linux/kernel-page-flags.h */

struct anon_count {
	const struct zonemap *zm;
	int kpf;
	unsigned long long anon, mirror, zero;
};

static void count(uint64_t ent, void *arg)
{
	struct anon_count *c = arg;
	unsigned long long pfn = zm_pfn(ent);
	uint64_t flags = 0;

	if (ent & PM_FILE)
		return;
	if (pread(c->kpf, &flags, 8, (off_t)(pfn * 8)) == 8 &&
	    (flags & (1ULL << KPF_ZERO_PAGE))) {
		c->zero++;
		return;
	}
	c->anon++;
	if (zm_find(c->zm, pfn) >= 0)
		c->mirror++;
}

int main(int argc, char **argv)
{
	static struct zonemap zm;
	struct anon_count c = { .zm = &zm };

	if (argc != 2 || atol(argv[1]) <= 0) {
		fprintf(stderr, "usage: anonmap PID\n");
		return 2;
	}
	zm_load(&zm);
	c.kpf = open("/proc/kpageflags", O_RDONLY);
	if (c.kpf < 0 || zm_walk_pid((pid_t)atol(argv[1]), count, &c) < 0) {
		fprintf(stderr, "anonmap: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	close(c.kpf);
	printf("anon=%llu mirror=%llu zero=%llu\n", c.anon, c.mirror, c.zero);
	return 0;
}
