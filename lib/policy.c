// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * policy.c - the switches a backend lets userspace change: mirror.ko's
 * policy/ files, memory reliable's sysctls.  Values are read from the
 * system each time, never cached: another tool may have changed them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmirror-private.h"

int mirror_install_policies(struct mirror_ctx *ctx)
{
	const struct mirror_backend *be = ctx->backend;
	unsigned int i;

	ctx->policies = calloc(be->nr_policies + 1, sizeof(*ctx->policies));
	if (!ctx->policies)
		return -ENOMEM;
	for (i = 0; i < be->nr_policies; i++) {
		/* Older kernels lack some sysctls: show what exists. */
		if (!mirror_exists(ctx, be->policies[i].relpath))
			continue;
		ctx->policies[ctx->nr_policies] = be->policies[i];
		ctx->policies[ctx->nr_policies].ctx = ctx;
		ctx->nr_policies++;
	}
	return 0;
}

MIRROR_EXPORT struct mirror_policy *mirror_policy_get_first(struct mirror_ctx *ctx)
{
	return ctx->nr_policies ? &ctx->policies[0] : NULL;
}

MIRROR_EXPORT struct mirror_policy *mirror_policy_get_next(struct mirror_policy *policy)
{
	struct mirror_ctx *ctx = policy->ctx;
	unsigned int i = (unsigned int)(policy - ctx->policies) + 1;

	return i < ctx->nr_policies ? &ctx->policies[i] : NULL;
}

MIRROR_EXPORT struct mirror_policy *mirror_policy_get_by_name(struct mirror_ctx *ctx,
							      const char *name)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_policies; i++)
		if (strcmp(ctx->policies[i].name, name) == 0)
			return &ctx->policies[i];
	return NULL;
}

MIRROR_EXPORT const char *mirror_policy_get_name(struct mirror_policy *policy)
{
	return policy->name;
}

MIRROR_EXPORT const char *mirror_policy_get_description(struct mirror_policy *policy)
{
	return policy->description;
}

MIRROR_EXPORT const char *mirror_policy_get_path(struct mirror_policy *policy)
{
	return policy->relpath;
}

MIRROR_EXPORT enum mirror_policy_type mirror_policy_get_type(struct mirror_policy *policy)
{
	return policy->type;
}

MIRROR_EXPORT int mirror_policy_get_value(struct mirror_policy *policy,
					  unsigned long long *value)
{
	struct mirror_ctx *ctx = policy->ctx;
	char path[MIRROR_PATH_MAX];
	unsigned long long v;
	size_t len;
	char *text;
	int rc;

	rc = mirror_path(ctx, path, sizeof(path), "%s", policy->relpath);
	if (rc < 0)
		return rc;
	rc = mirror_file_read(ctx, path, 256, &text, &len);
	if (rc < 0)
		return rc;
	if (len && text[len - 1] == '\n')
		text[--len] = '\0';
	rc = mirror_parse_u64(text, false, &v);
	if (rc == 0 && policy->type == MIRROR_POLICY_BOOL && v > 1)
		rc = -EINVAL;
	if (rc < 0)
		rc = mirror_error(ctx, -EINVAL, "%s: not %s: '%s'", path,
				  policy->type == MIRROR_POLICY_BOOL ?
				  "0 or 1" : "a decimal number", text);
	free(text);
	if (rc == 0)
		*value = v;
	return rc;
}

MIRROR_EXPORT int mirror_policy_set_value(struct mirror_policy *policy,
					  unsigned long long value)
{
	struct mirror_ctx *ctx = policy->ctx;
	char path[MIRROR_PATH_MAX], buf[32];
	int rc, len;

	if (policy->type == MIRROR_POLICY_BOOL && value > 1)
		return mirror_error(ctx, -EINVAL, "%s: %llu is not 0 or 1",
				    policy->name, value);
	rc = mirror_path(ctx, path, sizeof(path), "%s", policy->relpath);
	if (rc < 0)
		return rc;
	len = snprintf(buf, sizeof(buf), "%llu\n", value);
	rc = mirror_file_write(path, buf, (size_t)len);
	if (rc < 0)
		return mirror_error(ctx, rc, "%s: writing %llu: %s", path,
				    value, strerror(-rc));
	info(ctx, "%s = %llu", policy->name, value);
	return 0;
}
