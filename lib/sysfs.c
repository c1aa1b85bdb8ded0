// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sysfs.c - reading attributes and proc files below the sysroot.
 *
 * Attributes are read with openat() relative to an open directory: a
 * 64-node machine has thousands of them, and resolving each full path
 * again would cost more than reading the value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmirror-private.h"

int mirror_path(struct mirror_ctx *ctx, char *buf, size_t len,
		const char *fmt, ...)
{
	size_t root = strlen(ctx->sysroot);
	va_list args;
	int n;

	if (root >= len)
		return -ENAMETOOLONG;
	memcpy(buf, ctx->sysroot, root);
	va_start(args, fmt);
	n = vsnprintf(buf + root, len - root, fmt, args);
	va_end(args);
	if (n < 0 || (size_t)n >= len - root)
		return mirror_error(ctx, -ENAMETOOLONG, "%s...: path too long",
				    ctx->sysroot);
	return 0;
}

int mirror_open_dir(struct mirror_ctx *ctx, const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return mirror_error(ctx, -errno, "%s: %s", path,
				    strerror(errno));
	return fd;
}

bool mirror_exists(struct mirror_ctx *ctx, const char *relpath)
{
	char path[MIRROR_PATH_MAX];

	if (mirror_path(ctx, path, sizeof(path), "%s", relpath) < 0)
		return false;
	return access(path, F_OK) == 0;
}

static void strip_newline(char *buf, size_t *n)
{
	if (*n > 0 && buf[*n - 1] == '\n')
		(*n)--;
	buf[*n] = '\0';
}

static int attr_read(struct mirror_ctx *ctx, int dirfd, const char *dirpath,
		     const char *name, char *buf, size_t len, bool optional)
{
	ssize_t n;
	size_t got;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && optional && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return mirror_error(ctx, -errno, "%s/%s: %s", dirpath, name,
				    strerror(errno));
	/*
	 * sysfs hands out a whole attribute in one read; a regular file in a
	 * captured tree does too when it fits.  One byte of the buffer is
	 * kept back so a value that fills it is seen as too long.
	 */
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return mirror_error(ctx, err, "%s/%s: %s", dirpath, name,
				    strerror(-err));
	}
	close(fd);
	got = (size_t)n;
	if (got == len - 1)
		return mirror_error(ctx, -EINVAL, "%s/%s: value too long",
				    dirpath, name);
	if (memchr(buf, '\0', got))
		return mirror_error(ctx, -EINVAL, "%s/%s: contains a NUL byte",
				    dirpath, name);
	strip_newline(buf, &got);
	return 0;
}

int mirror_attr_read(struct mirror_ctx *ctx, int dirfd, const char *dirpath,
		     const char *name, char *buf, size_t len)
{
	return attr_read(ctx, dirfd, dirpath, name, buf, len, false);
}

int mirror_attr_read_opt(struct mirror_ctx *ctx, int dirfd,
			 const char *dirpath, const char *name, char *buf,
			 size_t len)
{
	return attr_read(ctx, dirfd, dirpath, name, buf, len, true);
}

int mirror_parse_u64(const char *s, bool hex, unsigned long long *val)
{
	unsigned long long v = 0;
	unsigned int base = 10;
	const char *p = s;

	if (hex) {
		if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
			return -EINVAL;
		p += 2;
		base = 16;
	}
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			return -EINVAL;
		if (v > (~0ULL - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*val = v;
	return 0;
}

static int attr_u64(struct mirror_ctx *ctx, int dirfd, const char *dirpath,
		    const char *name, bool hex, bool optional,
		    unsigned long long *val)
{
	char buf[MIRROR_ATTR_MAX];
	int rc;

	rc = attr_read(ctx, dirfd, dirpath, name, buf, sizeof(buf), optional);
	if (rc == -ENOENT && optional) {
		*val = MIRROR_UNKNOWN;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (!buf[0])
		return mirror_error(ctx, -EINVAL, "%s/%s: empty", dirpath, name);
	rc = mirror_parse_u64(buf, hex, val);
	/* The all-ones value is how the library spells "unknown". */
	if (rc == 0 && *val == MIRROR_UNKNOWN)
		rc = -ERANGE;
	if (rc < 0)
		return mirror_error(ctx, rc, "%s/%s: not %s: '%s'", dirpath,
				    name, hex ? "a 0x hex number" :
				    "a decimal number", buf);
	return 0;
}

int mirror_attr_u64(struct mirror_ctx *ctx, int dirfd, const char *dirpath,
		    const char *name, bool hex, unsigned long long *val)
{
	return attr_u64(ctx, dirfd, dirpath, name, hex, false, val);
}

/* One openat() whether or not the file exists: no access() before it. */
int mirror_attr_u64_opt(struct mirror_ctx *ctx, int dirfd,
			const char *dirpath, const char *name,
			unsigned long long *val)
{
	return attr_u64(ctx, dirfd, dirpath, name, false, true, val);
}

/* The whole of fd (closed here), named 'path' in errors. */
static int fd_read_all(struct mirror_ctx *ctx, int fd, const char *path,
		       size_t max, char **text, size_t *len)
{
	size_t cap = 4096, got = 0;
	char *buf, *tmp;
	ssize_t n;

	buf = malloc(cap);
	if (!buf)
		goto nomem;
	for (;;) {
		if (got + 1 >= cap) {
			if (cap > max) {
				free(buf);
				close(fd);
				return mirror_error(ctx, -EFBIG,
						    "%s: larger than %zu bytes",
						    path, max);
			}
			tmp = realloc(buf, cap * 2);
			if (!tmp)
				goto nomem;
			buf = tmp;
			cap *= 2;
		}
		n = read(fd, buf + got, cap - got - 1);
		if (n < 0) {
			int err = -errno;

			if (err == -EINTR)
				continue;
			free(buf);
			close(fd);
			return mirror_error(ctx, err, "%s: %s", path,
					    strerror(-err));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (memchr(buf, '\0', got)) {
		free(buf);
		return mirror_error(ctx, -EINVAL, "%s: contains a NUL byte",
				    path);
	}
	buf[got] = '\0';
	*text = buf;
	if (len)
		*len = got;
	return 0;
nomem:
	free(buf);
	close(fd);
	return mirror_error(ctx, -ENOMEM, "%s: out of memory", path);
}

int mirror_file_read(struct mirror_ctx *ctx, const char *path, size_t max,
		     char **text, size_t *len)
{
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mirror_error(ctx, -errno, "%s: %s", path,
				    strerror(errno));
	return fd_read_all(ctx, fd, path, max, text, len);
}

int mirror_file_readat_opt(struct mirror_ctx *ctx, int dirfd,
			   const char *dirpath, const char *name, size_t max,
			   char **text, size_t *len)
{
	char path[MIRROR_PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dirpath, name);
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return mirror_error(ctx, -errno, "%s: %s", path,
				    strerror(errno));
	return fd_read_all(ctx, fd, path, max, text, len);
}

int mirror_file_write(const char *path, const char *buf, size_t len)
{
	int fd, rc = 0;

	/* O_TRUNC means nothing to sysfs and debugfs; captured trees need it. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len && !rc) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno != EINTR)
			rc = -errno;
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		}
	}
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}
