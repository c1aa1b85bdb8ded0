/* SPDX-License-Identifier: GPL-2.0 */
/*
 * finit - load a kernel module with exactly one finit_module(2) call.
 *
 * usage: finit MODULE.ko [PARAM=VALUE...]
 *
 * busybox insmod retries a failed finit_module() with init_module(), so a
 * rejected load runs the module's init twice; the scripts that count the
 * log lines of one rejected load use this instead.  On failure prints
 * "finit: MODULE: <strerror>" and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t len = 1;
	char *params;
	int fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: finit MODULE.ko [PARAM=VALUE...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++)
		len += strlen(argv[i]) + 1;
	params = calloc(1, len);
	if (!params)
		return 1;
	for (i = 2; i < argc; i++) {
		if (i > 2)
			strcat(params, " ");
		strcat(params, argv[i]);
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "finit: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (syscall(SYS_finit_module, fd, params, 0) != 0) {
		fprintf(stderr, "finit: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	close(fd);
	free(params);
	return 0;
}
