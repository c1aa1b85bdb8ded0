/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uevent.h - mirror.ko's uevents (SUBSYSTEM=mirror, kernel-module/ABI.md
 * "uevents"), and the kernel's own of the module coming and going
 * (SUBSYSTEM=module, /module/mirror), straight from the kernel's netlink
 * group through libudev, so no udevd is needed; for mirrorctl monitor and
 * mirror-drill.
 */
#ifndef MIRROR_CLI_UEVENT_H
#define MIRROR_CLI_UEVENT_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

struct uevent_listener;

/* One event, as the module sent it; -1 (or false) for what it left out. */
struct mirror_uevent {
	/*
	 * MIRROR_EVENT (exhausted, recovered, failover), or "loaded" and
	 * "unloaded" for the module's own add and remove.
	 */
	char event[16];
	int zone;			/* ZONE */
	int node;			/* NODE */
	long long pages_free;		/* PAGES_FREE (exhausted, recovered) */
	bool have_pfn;
	unsigned long long pfn;		/* PFN (failover) */
	long long latency_us;		/* LATENCY_US (failover) */
	unsigned long long seqnum;	/* the kernel's SEQNUM, 0 if none */
	struct timespec received;	/* CLOCK_REALTIME when it was read */
};

/*
 * Start listening: events sent from now on are kept (a receive buffer of
 * 8 MiB, room for a soak's burst of failovers).  NULL with errno set.
 */
struct uevent_listener *uevent_listen(void);

/* The socket, for poll(): readable when an event may be there. */
int uevent_fd(const struct uevent_listener *u);

/*
 * While uevent_next() waits, the signal mask is 'mask' (as ppoll() sets
 * it): a caller that blocks its stop signals otherwise sees each of them
 * as -EINTR, never lost between its check of a flag and the wait.
 */
void uevent_wait_mask(struct uevent_listener *u, const sigset_t *mask);

/*
 * Wait up to 'timeout_ms' (-1: for ever) for the next mirror event.
 * Returns 1 with 'ev' filled, 0 on time-out, -EINTR when a signal came,
 * -ENOBUFS when events were lost (the receive buffer overflowed; the
 * next call goes on), another -errno on error.  Other events of the
 * subsystems (the zones' add and remove, other modules) are passed over.
 */
int uevent_next(struct uevent_listener *u, struct mirror_uevent *ev,
		int timeout_ms);

void uevent_close(struct uevent_listener *u);

#endif /* MIRROR_CLI_UEVENT_H */
