// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uevent.c - mirror.ko's uevents (SUBSYSTEM=mirror) as the drill sees
 * them: straight from the kernel's netlink group through libudev, so no
 * udevd is needed (the test machine has none).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "drill.h"

struct drill_uevents {
	struct udev *udev;
	struct udev_monitor *mon;
};

struct drill_uevents *uevents_open(void)
{
	struct drill_uevents *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->udev = udev_new();
	if (u->udev)
		u->mon = udev_monitor_new_from_netlink(u->udev, "kernel");
	if (!u->mon ||
	    udev_monitor_filter_add_match_subsystem_devtype(u->mon, "mirror",
							    NULL) < 0 ||
	    udev_monitor_enable_receiving(u->mon) < 0) {
		int err = errno ? errno : EIO;

		uevents_close(u);
		errno = err;
		return NULL;
	}
	/* Many failovers arrive at once in a soak: room for all of them. */
	udev_monitor_set_receive_buffer_size(u->mon, 8 << 20);
	return u;
}

static void copy_prop(struct udev_device *dev, const char *key, char *buf,
		      size_t len)
{
	const char *v = udev_device_get_property_value(dev, key);

	buf[0] = '\0';
	if (v) {
		strncpy(buf, v, len - 1);
		buf[len - 1] = '\0';
	}
}

int uevents_next(struct drill_uevents *u, struct drill_uevent *ev,
		 double timeout)
{
	double end = drill_now() + timeout;

	for (;;) {
		struct pollfd pfd = { .fd = udev_monitor_get_fd(u->mon),
				      .events = POLLIN };
		double left = end - drill_now();
		struct udev_device *dev;
		char buf[32];
		int r;

		if (left < 0 || drill_interrupted)
			return 0;
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		dev = udev_monitor_receive_device(u->mon);
		if (!dev)
			continue;
		copy_prop(dev, "MIRROR_EVENT", ev->event, sizeof(ev->event));
		copy_prop(dev, "ZONE", buf, sizeof(buf));
		ev->zone = buf[0] ? atoi(buf) : -1;
		copy_prop(dev, "PFN", buf, sizeof(buf));
		ev->pfn = buf[0] ? strtoull(buf, NULL, 16) : 0;
		copy_prop(dev, "LATENCY_US", buf, sizeof(buf));
		ev->latency_us = buf[0] ? strtoll(buf, NULL, 10) : -1;
		udev_device_unref(dev);
		if (ev->event[0])
			return 1;
	}
}

void uevents_close(struct drill_uevents *u)
{
	if (!u)
		return;
	if (u->mon)
		udev_monitor_unref(u->mon);
	if (u->udev)
		udev_unref(u->udev);
	free(u);
}
