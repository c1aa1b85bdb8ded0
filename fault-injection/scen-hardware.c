// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scen-hardware.c - the one drill that is not emulated: ask the firmware,
 * through ACPI EINJ, to plant a real uncorrectable memory error at a
 * physical address inside a mirror range, and watch the EDAC counters.  On
 * a machine whose memory controller mirrors that range the error is
 * corrected from the other copy and reported as a corrected error
 * (ce_count rises); an uncorrectable report (ue_count) means the mirror
 * did not take over.
 *
 * Nothing is written before the address, the zone, --confirm, EINJ and
 * EDAC have all been checked: an injection that cannot be observed proves
 * nothing and may still take the machine down.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libmirror.h"
#include "drill.h"

#define EINJ_DIR	"/sys/kernel/debug/apei/einj"
#define EDAC_MC_DIR	"/sys/devices/system/edac/mc"

/* ACPI 6.x, table 18-409 (Error Type Definition): memory uncorrectable. */
#define EINJ_MEM_UNCORRECTABLE	0x10
/* The kernel's SETWA_FLAGS_MEM: param1 (address) and param2 (mask) valid. */
#define EINJ_FLAGS_MEM		"0x2"
/* One page: the firmware may pick any word of it, all inside the range. */
#define EINJ_PAGE_MASK		"0xfffffffffffff000"

#define POLL_INTERVAL	0.1	/* seconds between two EDAC reads */
#define ZONES_LISTED	8	/* zones named in an error, at most */

struct edac_counts {
	unsigned long long ce;
	unsigned long long ue;
	unsigned int controllers;
};

static int parse_count(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return *end ? -EINVAL : 0;
}

/* "mc" followed by digits only: mc0, mc1... (not "power" or "uevent"). */
static bool is_mc_name(const char *name)
{
	const char *p;

	if (strncmp(name, "mc", 2) || !name[2])
		return false;
	for (p = name + 2; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/*
 * Sum ce_count and ue_count over every memory controller.  Returns the
 * number of controllers read (0: none), or -errno when the EDAC directory
 * cannot be listed.  A controller whose files cannot be read (or are
 * caught half written) is left out of this sample.
 */
static int edac_read(const char *sysroot, struct edac_counts *c)
{
	char dir[4096], rel[512], buf[64];
	struct dirent *d;
	DIR *dp;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = sysroot_path(dir, sizeof(dir), sysroot, EDAC_MC_DIR);
	if (rc < 0)
		return rc;
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((d = readdir(dp))) {
		unsigned long long ce, ue;

		if (!is_mc_name(d->d_name))
			continue;
		snprintf(rel, sizeof(rel), EDAC_MC_DIR "/%s/ce_count", d->d_name);
		if (read_text(sysroot, rel, buf, sizeof(buf)) < 0 ||
		    parse_count(buf, &ce) < 0)
			continue;
		snprintf(rel, sizeof(rel), EDAC_MC_DIR "/%s/ue_count", d->d_name);
		if (read_text(sysroot, rel, buf, sizeof(buf)) < 0 ||
		    parse_count(buf, &ue) < 0)
			continue;
		c->ce += ce;
		c->ue += ue;
		c->controllers++;
	}
	closedir(dp);
	return (int)c->controllers;
}

/* Growth of a counter; EDAC's reset_counters may set it back to 0. */
static long long rise(unsigned long long now, unsigned long long before)
{
	return now > before ? (long long)(now - before) : 0;
}

/* The mirror zones as "[start, end)" ranges, for an error line. */
static void list_zones(struct mirror_ctx *ctx, char *buf, size_t len)
{
	struct mirror_zone *z;
	unsigned int n = 0, total = mirror_get_nr_zones(ctx);
	size_t used = 0;

	buf[0] = '\0';
	mirror_zone_foreach(ctx, z) {
		int w;

		if (n == ZONES_LISTED) {
			snprintf(buf + used, len - used, " and %u more",
				 total - n);
			return;
		}
		/* Last byte included, as mirrorstat and memtype print ranges. */
		w = snprintf(buf + used, len - used, "%s0x%llx-0x%llx",
			     n ? ", " : "", mirror_zone_get_start(z),
			     mirror_zone_get_end(z) - 1);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
		n++;
	}
	if (!n)
		snprintf(buf, len, "none");
}

/*
 * Whether the EINJ error types the firmware offers, one a line
 * ("0x00000010\tMemory Uncorrectable non-fatal"), include 'type'.
 */
static bool einj_offers(const char *text, unsigned long type)
{
	const char *line = text;

	while (line && *line) {
		char *end;
		unsigned long t;

		errno = 0;
		t = strtoul(line, &end, 16);
		if (!errno && end != line && t == type)
			return true;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

/* 'text' for a one-line message: line breaks become "; ", tabs spaces. */
static void one_line(const char *text, char *buf, size_t len)
{
	size_t i = 0;

	for (; *text && i + 3 < len; text++) {
		if (*text == '\n') {
			if (text[1]) {
				buf[i++] = ';';
				buf[i++] = ' ';
			}
		} else {
			buf[i++] = (unsigned char)*text < ' ' ? ' ' : *text;
		}
	}
	buf[i] = '\0';
}

/* EINJ present, reachable and offering memory uncorrectable errors. */
static int check_einj(const char *sysroot)
{
	char path[4096], text[2048], offers[2048];
	struct stat st;
	int rc;

	if (sysroot_path(path, sizeof(path), sysroot, EINJ_DIR) < 0) {
		warnx_("%s: path too long", EINJ_DIR);
		return DRILL_EXIT_CANNOT;
	}
	rc = stat(path, &st) < 0 ? -errno : 0;
	/* debugfs is mode 0700: a normal user sees EACCES, not ENOENT. */
	if (rc == -EACCES || rc == -EPERM) {
		warnx_("cannot reach %s: %s (debugfs needs root)", path,
		       strerror(-rc));
		return DRILL_EXIT_CANNOT;
	}
	if (rc < 0 || !S_ISDIR(st.st_mode)) {
		warnx_("ACPI EINJ is not available: %s is missing "
		       "(modprobe einj, mount debugfs; the firmware must "
		       "offer EINJ)", path);
		return DRILL_EXIT_CANNOT;
	}
	rc = read_text(sysroot, EINJ_DIR "/available_error_type", text,
		       sizeof(text));
	if (rc < 0) {
		warnx_("cannot read %s/available_error_type: %s", path,
		       strerror(-rc));
		return DRILL_EXIT_CANNOT;
	}
	if (!einj_offers(text, EINJ_MEM_UNCORRECTABLE)) {
		one_line(text, offers, sizeof(offers));
		warnx_("the firmware's EINJ does not offer memory "
		       "uncorrectable errors (0x%08x); it offers: %s",
		       EINJ_MEM_UNCORRECTABLE, *offers ? offers : "nothing");
		return DRILL_EXIT_CANNOT;
	}
	return DRILL_EXIT_PASS;
}

static bool einj_has(const char *sysroot, const char *file)
{
	char rel[256], path[4096];
	struct stat st;

	snprintf(rel, sizeof(rel), EINJ_DIR "/%s", file);
	return sysroot_path(path, sizeof(path), sysroot, rel) == 0 &&
	       stat(path, &st) == 0;
}

static bool einj_write(const char *sysroot, struct drill_report *r,
		       const char *file, const char *value, const char *why)
{
	char rel[256];
	int rc;

	snprintf(rel, sizeof(rel), EINJ_DIR "/%s", file);
	rc = write_text(sysroot, rel, value);
	if (rc < 0) {
		report_check(r, false, "error injected", "writing %s to %s: %s",
			     value, rel, strerror(-rc));
		return false;
	}
	report_note(r, "%s = %s (%s)", file, value, why);
	return true;
}

/*
 * The writes, in the order EINJ wants them: everything describing the
 * error first, then error_inject, which makes the firmware act on them.
 */
static int inject(const char *sysroot, struct drill_report *r,
		  unsigned long long addr)
{
	char type[16], param1[32];

	snprintf(type, sizeof(type), "0x%x", EINJ_MEM_UNCORRECTABLE);
	snprintf(param1, sizeof(param1), "0x%llx", addr);
	if (!einj_write(sysroot, r, "error_type", type,
			"memory uncorrectable non-fatal"))
		return DRILL_EXIT_FAIL;
	/* Older kernels have no flags file and take param1/param2 anyway. */
	if (einj_has(sysroot, "flags") &&
	    !einj_write(sysroot, r, "flags", EINJ_FLAGS_MEM,
			"param1 and param2 valid"))
		return DRILL_EXIT_FAIL;
	if (!einj_write(sysroot, r, "param1", param1, "physical address") ||
	    !einj_write(sysroot, r, "param2", EINJ_PAGE_MASK, "page mask"))
		return DRILL_EXIT_FAIL;
	/* Last chance to back out: nothing has been injected yet. */
	if (drill_interrupted) {
		report_note(r, "interrupted before error_inject: nothing injected");
		return DRILL_EXIT_INTERRUPTED;
	}
	if (!einj_write(sysroot, r, "error_inject", "1", "the firmware injects"))
		return DRILL_EXIT_FAIL;
	report_check(r, true, "error injected",
		     "memory uncorrectable error at %s", param1);
	return DRILL_EXIT_PASS;
}

/*
 * Watch EDAC until it reports the error: corrected (the mirror took over)
 * passes, uncorrectable fails at once, silence fails after the time-out.
 */
static int watch_edac(const struct drill_opts *o, struct drill_report *r,
		      const struct edac_counts *before)
{
	double t0 = drill_now(), elapsed = 0;
	long long dce = 0, due = 0;

	for (;;) {
		struct edac_counts now;

		if (drill_interrupted)
			break;
		if (edac_read(o->sysroot, &now) > 0) {
			dce = rise(now.ce, before->ce);
			due = rise(now.ue, before->ue);
		}
		elapsed = drill_now() - t0;
		if (due > 0 || dce > 0)
			break;
		if (elapsed >= o->timeout)
			break;
		if (!drill_sleep(o->timeout - elapsed < POLL_INTERVAL ?
				 o->timeout - elapsed : POLL_INTERVAL))
			break;
	}
	report_metric_int(r, "ce_delta", dce);
	report_metric_int(r, "ue_delta", due);
	if (due > 0) {
		report_metric_real(r, "seconds_to_report", elapsed);
		report_check(r, false, "mirror took over",
			     "uncorrectable error reported: the mirror did not "
			     "take over (EDAC ce_count +%lld, ue_count +%lld)",
			     dce, due);
	} else if (dce > 0) {
		report_metric_real(r, "seconds_to_report", elapsed);
		report_check(r, true, "mirror took over",
			     "the mirror corrected it: EDAC ce_count +%lld, "
			     "ue_count +0", dce);
	} else if (drill_interrupted) {
		report_note(r, "interrupted while waiting for EDAC");
		return DRILL_EXIT_INTERRUPTED;
	} else {
		report_check(r, false, "mirror took over",
			     "no EDAC change within %g s", o->timeout);
	}
	return report_passed(r) ? DRILL_EXIT_PASS : DRILL_EXIT_FAIL;
}

int drill_hardware(struct mirror_ctx *ctx, const struct drill_opts *o,
		   struct drill_report *r)
{
	struct edac_counts before;
	char addr[32], zones[1024];
	int rc, zone;

	if (!o->have_addr) {
		warnx_("hardware needs --addr PHYS: a physical address "
		       "inside a mirror range");
		return DRILL_EXIT_USAGE;
	}
	snprintf(addr, sizeof(addr), "0x%llx", o->addr);
	zone = drill_zone_of(ctx, o->addr);
	if (zone < 0) {
		list_zones(ctx, zones, sizeof(zones));
		warnx_("%s is not inside a mirror zone (the zones: %s)",
		       addr, zones);
		return DRILL_EXIT_USAGE;
	}
	if (!o->confirm) {
		warnx_("hardware injects a real uncorrectable memory error "
		       "at %s: add --confirm to go ahead", addr);
		return DRILL_EXIT_USAGE;
	}
	rc = check_einj(o->sysroot);
	if (rc != DRILL_EXIT_PASS)
		return rc;

	report_metric_str(r, "address", addr);
	report_note(r, "%s is in mirror zone %d", addr, zone);

	/* Without EDAC the outcome cannot be seen: do not inject blind. */
	rc = edac_read(o->sysroot, &before);
	if (rc <= 0) {
		if (rc == 0)
			report_check(r, false, "EDAC counters present",
				     "no mc*/ce_count and ue_count in "
				     EDAC_MC_DIR ": nothing injected");
		else
			report_check(r, false, "EDAC counters present",
				     "cannot list " EDAC_MC_DIR " (%s): "
				     "nothing injected", strerror(-rc));
		return DRILL_EXIT_FAIL;
	}
	report_check(r, true, "EDAC counters present",
		     "%d memory controller(s): ce_count %llu, ue_count %llu",
		     rc, before.ce, before.ue);

	rc = inject(o->sysroot, r, o->addr);
	if (rc != DRILL_EXIT_PASS)
		return rc;
	return watch_edac(o, r, &before);
}
