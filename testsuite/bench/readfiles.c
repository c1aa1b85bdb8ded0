// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * readfiles - the least work that reads a list of small files: open, one
 * read, close, for each path given on standard input.  A floor for
 * mirrorstat's benchmark that, unlike cat, allocates no buffer per file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char path[4096], buf[256];
	unsigned long n = 0;

	while (fgets(path, sizeof(path), stdin)) {
		int fd;

		path[strcspn(path, "\n")] = '\0';
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		if (read(fd, buf, sizeof(buf)) < 0) {
			perror(path);
			return 1;
		}
		close(fd);
		n++;
	}
	return n ? 0 : 1;
}
