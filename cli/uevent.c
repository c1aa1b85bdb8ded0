// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uevent.c - mirror.ko's uevents through libudev (see uevent.h).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "uevent.h"
#include "util.h"

struct uevent_listener {
	struct udev *udev;
	struct udev_monitor *mon;
	bool have_mask;
	sigset_t mask;			/* the signal mask while waiting */
};

struct uevent_listener *uevent_listen(void)
{
	struct uevent_listener *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	errno = 0;
	u->udev = udev_new();
	/* "kernel": the kernel's own group, not udevd's rebroadcast. */
	if (u->udev)
		u->mon = udev_monitor_new_from_netlink(u->udev, "kernel");
	if (!u->mon ||
	    udev_monitor_filter_add_match_subsystem_devtype(u->mon, "mirror",
							    NULL) < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(u->mon, "module",
							    NULL) < 0 ||
	    udev_monitor_enable_receiving(u->mon) < 0) {
		int err = errno ? errno : EIO;

		uevent_close(u);
		errno = err;
		return NULL;
	}
	udev_monitor_set_receive_buffer_size(u->mon, 8 << 20);
	return u;
}

int uevent_fd(const struct uevent_listener *u)
{
	return udev_monitor_get_fd(u->mon);
}

void uevent_wait_mask(struct uevent_listener *u, const sigset_t *mask)
{
	u->have_mask = mask != NULL;
	if (mask)
		u->mask = *mask;
}

/* A number the module wrote; 'dflt' when it is absent or not a number. */
static long long prop_num(struct udev_device *dev, const char *key,
			  long long dflt)
{
	const char *v = udev_device_get_property_value(dev, key);
	unsigned long long n;

	if (!v || !parse_u64(v, 0, LLONG_MAX, &n))
		return dflt;
	return (long long)n;
}

/*
 * The event 'dev' carries, into 'ev'; false for one that is not mirror's:
 * another module, or a zone's add or remove.
 */
static bool uevent_fill(struct udev_device *dev, struct mirror_uevent *ev)
{
	const char *v = udev_device_get_property_value(dev, "MIRROR_EVENT");
	const char *subsystem = udev_device_get_subsystem(dev);
	const char *action = udev_device_get_action(dev);
	unsigned long long n;

	memset(ev, 0, sizeof(*ev));
	if (subsystem && !strcmp(subsystem, "module")) {
		const char *name = udev_device_get_sysname(dev);

		if (!name || strcmp(name, "mirror") || !action ||
		    (strcmp(action, "add") && strcmp(action, "remove")))
			return false;
		v = !strcmp(action, "add") ? "loaded" : "unloaded";
	} else if (!v) {
		return false;
	}
	clock_gettime(CLOCK_REALTIME, &ev->received);
	snprintf(ev->event, sizeof(ev->event), "%s", v);
	ev->zone = (int)prop_num(dev, "ZONE", -1);
	ev->node = (int)prop_num(dev, "NODE", -1);
	ev->pages_free = prop_num(dev, "PAGES_FREE", -1);
	ev->latency_us = prop_num(dev, "LATENCY_US", -1);
	v = udev_device_get_property_value(dev, "PFN");
	ev->have_pfn = v && parse_u64(v, 0, ~0ULL, &n);
	ev->pfn = ev->have_pfn ? n : 0;
	ev->seqnum = udev_device_get_seqnum(dev);
	return true;
}

int uevent_next(struct uevent_listener *u, struct mirror_uevent *ev,
		int timeout_ms)
{
	struct pollfd pfd = { .fd = udev_monitor_get_fd(u->mon),
			      .events = POLLIN };
	struct udev_device *dev;
	struct timespec end, now;
	int r, left = timeout_ms;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		struct timespec ts = { left / 1000, (long)(left % 1000) * 1000000L };

		r = ppoll(&pfd, 1, left < 0 ? NULL : &ts,
			  u->have_mask ? &u->mask : NULL);
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		/*
		 * NULL: a message of another sender or subsystem, dropped,
		 * or a receive error: ENOBUFS says the socket overflowed.
		 */
		errno = 0;
		dev = udev_monitor_receive_device(u->mon);
		if (dev) {
			bool ours = uevent_fill(dev, ev);

			udev_device_unref(dev);
			if (ours)
				return 1;
		} else if (errno == ENOBUFS) {
			return -ENOBUFS;
		}
		if (timeout_ms < 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (int)((end.tv_sec - now.tv_sec) * 1000 +
			     (end.tv_nsec - now.tv_nsec) / 1000000L);
		if (left <= 0)
			return 0;
	}
}

void uevent_close(struct uevent_listener *u)
{
	if (!u)
		return;
	if (u->mon)
		udev_monitor_unref(u->mon);
	if (u->udev)
		udev_unref(u->udev);
	free(u);
}
