// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * field.c - "Key:  value" lines (see field.h).
 */
#include "field.h"
#include "text.h"

int mc_field_find(const char *text, size_t len, const char *key,
		  const char **val, size_t *vlen)
{
	size_t kl = strlen(key), i = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;

		if (end - i > kl && memcmp(text + i, key, kl) == 0 &&
		    text[i + kl] == ':') {
			size_t v = mc_skip_blank(text, end, i + kl + 1);

			while (end > v && mc_is_blank(text[end - 1]))
				end--;
			*val = text + v;
			*vlen = end - v;
			return 0;
		}
		i = end + 1;
	}
	return -ENOENT;
}

int mc_field_kb(const char *text, size_t len, const char *key, u64 *bytes)
{
	const char *v;
	size_t n, i = 0;
	u64 kb = 0;
	int ret = mc_field_find(text, len, key, &v, &n);

	if (ret)
		return ret;
	if (!n || !mc_is_digit(v[0]))
		return -EINVAL;
	for (; i < n && mc_is_digit(v[i]); i++) {
		u64 d = (u64)(v[i] - '0');

		if (kb > (U64_MAX - d) / 10)
			return -ERANGE;
		kb = kb * 10 + d;
	}
	if (n - i != 3 || memcmp(v + i, " kB", 3) != 0)
		return -EINVAL;
	if (kb > (U64_MAX >> 10))
		return -ERANGE;
	*bytes = kb << 10;
	return 0;
}
