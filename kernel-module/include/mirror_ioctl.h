/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mirror_ioctl.h - the MIRROR_FIRST process interface of mirror.ko:
 * ioctls on the misc character device /dev/mirror.  Usable from the kernel
 * and from userspace (libmirror); kernel-module/ABI.md describes it.
 */
#ifndef _MIRROR_IOCTL_H
#define _MIRROR_IOCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MIRROR_DEV_NAME		"mirror"

/* MIRROR_IOC_SET flags */
#define MIRROR_PROC_NOMOVE	0x1u	/* set the flag, move nothing now */
/* MIRROR_IOC_CLEAR flags */
#define MIRROR_PROC_MOVE_BACK	0x2u	/* move mirrored pages to ordinary memory */
/* MIRROR_IOC_MIGRATE flags: exactly one of */
#define MIRROR_PROC_TO_MIRROR	0x4u
#define MIRROR_PROC_TO_NORMAL	0x8u

/*
 * One request about one process.  'pid' and, for SET, 'limit_bytes' and
 * 'flags' are inputs; everything from 'mirror_first' on is filled in by
 * every call that succeeds (the state after the call).
 */
struct mirror_proc_req {
	__s32 pid;		/* a process (thread group) id, or a thread of it */
	__u32 flags;
	__u64 limit_bytes;	/* SET: 0 = no limit, else a multiple of 4096 */

	__u32 mirror_first;	/* 1 when the flag is set */
	__u32 inherited;	/* 1 when it came from the parent at fork */
	__u64 mirror_bytes;	/* resident anonymous memory in mirror zones */
	__u64 ordinary_bytes;	/* resident anonymous memory elsewhere */
	__u64 pages_migrated;	/* pages moved into mirror zones */
	__u64 pages_failed;	/* pages that had a mirror page but did not move */
	__u64 pages_shortfall;	/* pages that found no mirror page (full, limit) */
	__u64 pages_returned;	/* pages moved back to ordinary memory */
	__u64 moved_now;	/* pages this call moved */
	__u64 limit;		/* the limit in force, bytes (0 = none) */
	__u32 tgid;		/* the process the request acted on */
	__u32 reserved[7];
};

#define MIRROR_IOC_MAGIC	0xB7
#define MIRROR_IOC_SET		_IOWR(MIRROR_IOC_MAGIC, 1, struct mirror_proc_req)
#define MIRROR_IOC_CLEAR	_IOWR(MIRROR_IOC_MAGIC, 2, struct mirror_proc_req)
#define MIRROR_IOC_GET		_IOWR(MIRROR_IOC_MAGIC, 3, struct mirror_proc_req)
#define MIRROR_IOC_MIGRATE	_IOWR(MIRROR_IOC_MAGIC, 4, struct mirror_proc_req)

#endif /* _MIRROR_IOCTL_H */
