// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * channel.c - the emulated mirror channel of mirror.ko (emulation mode):
 * its counters and patrol scrub under /sys/kernel/mm/mirror/channel/, and
 * the injector in debugfs that corrupts the primary copy of a page.
 * Like memtype.c these need no mirror_load(): they read below the sysroot.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libmirror-private.h"
#include "libmirror.h"

#define MIRROR_DIR	"/sys/kernel/mm/mirror"
#define CHANNEL_DIR	MIRROR_DIR "/channel"
#define INJECT_FILE	"/sys/kernel/debug/mirror/inject"

/* -ENODEV without mirror.ko, -EOPNOTSUPP when it has no channel. */
static int channel_check(struct mirror_ctx *ctx)
{
	if (!mirror_exists(ctx, MIRROR_DIR "/abi_version"))
		return mirror_error(ctx, -ENODEV,
				    "%s%s: mirror.ko is not loaded",
				    ctx->sysroot, MIRROR_DIR);
	if (!mirror_exists(ctx, CHANNEL_DIR))
		return mirror_error(ctx, -EOPNOTSUPP,
				    "%s%s: no emulated mirror channel (firmware mode, or loaded with channel=0)",
				    ctx->sysroot, CHANNEL_DIR);
	return 0;
}

static const struct {
	const char *name;
	size_t offset;
} channel_counters[] = {
#define C(f) { #f, offsetof(struct mirror_channel_info, f) }
	C(copy_bytes),
	C(injected),
	C(latched),
	C(overwritten),
	C(failovers),
	C(scrubs),
	C(pages_scrubbed),
	C(pages_synced),
	C(last_scrub_us),
	C(scrub_interval_ms),
#undef C
};

MIRROR_EXPORT int mirror_channel_read(struct mirror_ctx *ctx,
				      struct mirror_channel_info *info)
{
	struct mirror_channel_info full = { .size = sizeof(full) };
	char path[MIRROR_PATH_MAX];
	unsigned int i;
	int rc, dirfd;

	if (!info)
		return mirror_error(ctx, -EINVAL, "no mirror_channel_info to fill");
	rc = mirror_info_check(ctx, info, "mirror_channel_info");
	if (rc < 0)
		return rc;
	rc = channel_check(ctx);
	if (rc < 0)
		return rc;
	rc = mirror_path(ctx, path, sizeof(path), "%s", CHANNEL_DIR);
	if (rc < 0)
		return rc;
	dirfd = mirror_open_dir(ctx, path);
	if (dirfd < 0)
		return dirfd;
	for (i = 0; i < sizeof(channel_counters) / sizeof(channel_counters[0]);
	     i++) {
		unsigned long long *val = (unsigned long long *)
			((char *)&full + channel_counters[i].offset);

		rc = mirror_attr_u64(ctx, dirfd, path, channel_counters[i].name,
				     false, val);
		if (rc < 0)
			break;
	}
	close(dirfd);
	if (rc < 0)
		return rc;
	/* All or nothing: the caller never sees half a reading. */
	mirror_info_copy(info, &full, sizeof(full));
	return 0;
}

/* Write one line to a file below the sysroot; a refusal is recorded. */
static int channel_write(struct mirror_ctx *ctx, const char *relpath,
			 const char *line)
{
	char path[MIRROR_PATH_MAX];
	int rc;

	rc = mirror_path(ctx, path, sizeof(path), "%s", relpath);
	if (rc < 0)
		return rc;
	rc = mirror_file_write(path, line, strlen(line));
	if (rc < 0)
		return mirror_error(ctx, rc, "%s: writing '%.*s': %s", path,
				    (int)strcspn(line, "\n"), line,
				    strerror(-rc));
	return 0;
}

MIRROR_EXPORT int mirror_channel_set_interval(struct mirror_ctx *ctx,
					      unsigned int ms)
{
	char buf[32];
	int rc;

	if (ms && (ms < MIRROR_CHANNEL_INTERVAL_MIN ||
		   ms > MIRROR_CHANNEL_INTERVAL_MAX))
		return mirror_error(ctx, -EINVAL,
				    "scrub interval %u ms: not 0 (off) or %u..%u",
				    ms, MIRROR_CHANNEL_INTERVAL_MIN,
				    MIRROR_CHANNEL_INTERVAL_MAX);
	rc = channel_check(ctx);
	if (rc < 0)
		return rc;
	snprintf(buf, sizeof(buf), "%u\n", ms);
	return channel_write(ctx, CHANNEL_DIR "/scrub_interval_ms", buf);
}

MIRROR_EXPORT int mirror_channel_scrub(struct mirror_ctx *ctx)
{
	int rc = channel_check(ctx);

	if (rc < 0)
		return rc;
	return channel_write(ctx, CHANNEL_DIR "/scrub", "1\n");
}

MIRROR_EXPORT int mirror_channel_inject(struct mirror_ctx *ctx,
					unsigned long long paddr,
					unsigned long long mask)
{
	unsigned long long pfn = paddr / ctx->page_size;
	unsigned int offset = (unsigned int)(paddr % ctx->page_size);
	char path[MIRROR_PATH_MAX], buf[96];
	int rc;

	if (paddr % 8)
		return mirror_error(ctx, -EINVAL,
				    "0x%llx: not the address of a 64-bit word (8-byte aligned)",
				    paddr);
	if (!mask)
		return mirror_error(ctx, -EINVAL, "a mask of 0 flips no bit");
	rc = channel_check(ctx);
	if (rc < 0)
		return rc;
	rc = mirror_path(ctx, path, sizeof(path), "%s", INJECT_FILE);
	if (rc < 0)
		return rc;
	if (access(path, F_OK))
		return mirror_error(ctx, -ENOENT,
				    "%s: not there (is debugfs mounted?)", path);
	snprintf(buf, sizeof(buf), "pfn=0x%llx offset=%u mask=0x%llx\n", pfn,
		 offset, mask);
	rc = mirror_file_write(path, buf, strlen(buf));
	if (rc == -ENOENT)
		return mirror_error(ctx, rc,
				    "0x%llx: the page is free (mirror.ko refuses an error in a page that holds nobody's data)",
				    paddr);
	if (rc == -ERANGE)
		return mirror_error(ctx, rc, "0x%llx: not in a mirror zone",
				    paddr);
	if (rc == -EBUSY)
		return mirror_error(ctx, rc,
				    "0x%llx: its page already has a latched error",
				    paddr);
	if (rc < 0)
		return mirror_error(ctx, rc, "%s: %s", path, strerror(-rc));
	return 0;
}
