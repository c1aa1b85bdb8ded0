/* SPDX-License-Identifier: GPL-2.0 */
/*
 * asuser - run a command as another user id, without any capability, or
 * with only the capabilities named.
 *
 * usage: asuser [--cap NAME[,NAME...]] UID COMMAND [ARG...]
 *
 * The test scripts run as root; this checks what an unprivileged caller
 * is told.  Group and user ids both become UID, supplementary groups go.
 * --cap keeps the named capabilities (sys_admin, sys_ptrace) through the
 * change of user and the exec, as ambient capabilities: a caller that is
 * not root and holds exactly those.
 */
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

static const struct {
	const char *name;
	int cap;
} cap_names[] = {
	{ "sys_admin", CAP_SYS_ADMIN },
	{ "sys_ptrace", CAP_SYS_PTRACE },
};

/* "sys_admin,sys_ptrace" as a mask of capability bits (all below 32). */
static int parse_caps(char *list, uint32_t *mask)
{
	char *name, *save = NULL;
	size_t i;

	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
			if (!strcmp(name, cap_names[i].name))
				break;
		if (i == sizeof(cap_names) / sizeof(cap_names[0])) {
			fprintf(stderr, "asuser: unknown capability '%s' (sys_admin, sys_ptrace)\n",
				name);
			return -1;
		}
		*mask |= 1U << cap_names[i].cap;
	}
	return *mask ? 0 : -1;
}

/* After setuid(): keep exactly 'mask', also across exec (ambient). */
static int keep_caps(uint32_t mask)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {
		{ .effective = mask, .permitted = mask, .inheritable = mask },
	};
	int cap;

	if (syscall(SYS_capset, &hdr, data))
		return -1;
	for (cap = 0; cap < 32; cap++)
		if ((mask & (1U << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t caps = 0;
	char *end;
	long uid;
	int a = 1;

	if (argc > 2 && !strcmp(argv[1], "--cap")) {
		if (parse_caps(argv[2], &caps))
			return 2;
		a = 3;
	}
	if (argc - a < 2) {
		fprintf(stderr, "usage: asuser [--cap NAME[,NAME...]] UID COMMAND [ARG...]\n");
		return 2;
	}
	uid = strtol(argv[a], &end, 10);
	if (*end || uid <= 0) {
		fprintf(stderr, "asuser: bad uid '%s'\n", argv[a]);
		return 2;
	}
	/* The permitted set survives setuid() only with KEEPCAPS. */
	if (caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)) {
		perror("asuser: PR_SET_KEEPCAPS");
		return 1;
	}
	if (setgroups(0, NULL) || setgid((gid_t)uid) || setuid((uid_t)uid)) {
		perror("asuser");
		return 1;
	}
	if (caps && keep_caps(caps)) {
		perror("asuser: keeping capabilities");
		return 1;
	}
	execvp(argv[a + 1], argv + a + 1);
	perror(argv[a + 1]);
	return 127;
}
