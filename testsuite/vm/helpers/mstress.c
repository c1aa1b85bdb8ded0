/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mstress - random-operation stress of mirror.ko, for tests/96-stress.sh.
 *
 * usage: mstress --seconds S --ko MIRROR_KO --ranges RANGES [--test-ko KO]
 *                [--seed N] [--root-workers N] [--user-workers N]
 *                [--uid UID] [--cycle-seconds S] [--kmsg-log FILE]
 *                [--ops GROUP,...|-GROUP,...]  (only / all but these groups:
 *                ioctl children files mmap mapmisc hwpoison inject fill mt
 *                energy policy)
 *        mstress --child SEED DEPTH      (what the workers' children run)
 *
 * For S seconds, worker processes (root ones, and unprivileged ones with
 * UID) each draw operations from their own random generator, seeded from
 * the run's seed, and issue them against the loaded module:
 *
 *   - every ioctl of /dev/mirror (SET, CLEAR, GET, MIGRATE, unknown
 *     commands, bad pointers, bad flags and limits) on the workers'
 *     children, on children about to die, on invalid pids;
 *   - mmap/munmap of /dev/mirror (valid and invalid), touches, partial
 *     munmap and mprotect, mremap, MADV_HWPOISON of a mapped zone page;
 *   - reads and writes of every file of /sys/kernel/mm/mirror,
 *     /sys/module/mirror/parameters, /sys/kernel/debug/mirror and
 *     /sys/kernel/debug/mirror_test: valid values, garbage, 2 MiB
 *     writes, odd offsets;
 *   - debugfs inject, channel scrub, fill commands, energy table loads
 *     (valid and broken), policy and interval flips;
 *   - mirror_test commands (alloc, free, storm, cache, mempool, share and
 *     its map, foreign, cachebad, bench);
 *   - children that allocate, fork, exec and exit, and that their worker
 *     kills meanwhile.
 *
 * Every 3-10 s the main process unloads mirror_test.ko while the workers
 * use it and loads it again.  It loads and unloads both modules once per
 * cycle (first
 * an unload while everything runs, which may fail with EBUSY/EAGAIN:
 * counted; then with the workers paused and their resources released,
 * when every zone must be idle and consistent, see idle_check()), follows
 * the kernel log (/dev/kmsg) for reports matching
 * $MIRROR_VM_KERNEL_TROUBLE, and prints a summary: operations per kind,
 * errors per errno.  The same seed draws the same operations in every
 * worker (their outcome depends on timing).
 *
 * What it never does, because it would wedge the machine or corrupt
 * someone else legitimately: offline memory blocks, poison ordinary
 * memory (MADV_HWPOISON only on /dev/mirror mappings, no corrupt-pfn),
 * MADV_SOFT_OFFLINE, mirror_test's leak and refree (a driver freeing
 * pages it does not own), SET/CLEAR/MIGRATE of processes other than its
 * own children, inject or fill stamp of zone pages while a mirror_test
 * command runs (mirror caches keep their free lists in zone pages), scrub
 * intervals below 250 ms (the patrol would take the emulated CPUs).
 *
 * Exit status: 0 nothing went wrong, 1 a check failed (printed as
 * "FAIL: ..."), 2 bad usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mirror_ioctl.h"

#define MSYS		"/sys/kernel/mm/mirror"
#define MDBG		"/sys/kernel/debug/mirror"
#define MTDBG		"/sys/kernel/debug/mirror_test"
#define MPARAM		"/sys/module/mirror/parameters"
#define DEV		"/dev/mirror"

#define MAX_WORKERS	16
#define MAX_KIDS	4
#define MAX_MAPS	4
#define MAX_FILES	256
#define MAX_ZONES	16
#define NERR		134
#define NMSG		32
#define HUGE_WRITE	(2 << 20)

/* ---- operation kinds ---------------------------------------------------- */

enum kind {
	K_IOC_SET, K_IOC_CLEAR, K_IOC_GET, K_IOC_MIGRATE, K_IOC_BAD,
	K_OPEN, K_MMAP, K_MMAP_BAD, K_MUNMAP, K_TOUCH, K_REMAP, K_HWPOISON,
	K_READ, K_READ_ODD, K_WRITE_VALID, K_WRITE_GARBAGE, K_WRITE_HUGE,
	K_WRITE_ODD, K_WRITE_RO, K_INJECT, K_SCRUB, K_FILL,
	K_MT_ALLOC, K_MT_FREE, K_MT_STORM, K_MT_MISC, K_MT_SHARE,
	K_ENERGY, K_ENERGY_BAD, K_POLICY,
	K_SPAWN, K_KILL, K_REAP,
	K_UNLOAD_RACING, K_UNLOAD_QUIET, K_LOAD,
	NKIND
};

static const char *const kind_name[NKIND] = {
	"ioctl-set", "ioctl-clear", "ioctl-get", "ioctl-migrate", "ioctl-bad",
	"open-dev", "mmap", "mmap-bad", "munmap", "touch", "mremap",
	"madv-hwpoison",
	"read", "read-odd", "write-valid", "write-garbage", "write-huge",
	"write-odd", "write-readonly", "inject", "scrub", "fill",
	"mt-alloc", "mt-free", "mt-storm", "mt-misc", "mt-share",
	"energy-load", "energy-bad", "policy",
	"child-spawn", "child-kill", "child-reap",
	"unload-racing", "unload-quiet", "load",
};

/* ---- state shared by every process of the run ----------------------------- */

struct shared {
	volatile int quiesce;		/* workers: release everything, wait */
	volatile int paused;		/* workers waiting */
	volatile int gen;		/* module generation (reloads) */
	volatile int stop;
	pthread_mutex_t ctl_lock;	/* mirror_test ctl, random inject/stamp */
	unsigned long ops[NKIND];
	unsigned long ok[NKIND];
	unsigned long err[NKIND][NERR];
	unsigned long storm_corrupt;
	unsigned long failures;
	volatile pid_t kids[MAX_WORKERS][MAX_KIDS];	/* published child pids */
	unsigned int nmsg;
	char msg[NMSG][240];
};

static struct shared *sh;
static const char *self_exe = "/proc/self/exe";

static void add(unsigned long *p, unsigned long v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

/* A check failed: counted, the first NMSG kept, printed at once. */
static void failure(const char *fmt, ...)
{
	unsigned int i;
	va_list ap;
	char buf[240];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	add(&sh->failures, 1);
	i = __atomic_fetch_add(&sh->nmsg, 1, __ATOMIC_RELAXED);
	if (i < NMSG)
		memcpy(sh->msg[i], buf, sizeof(buf));
	printf("FAIL: mstress: %s\n", buf);
	fflush(stdout);
}

/* Count one operation of KIND: rc >= 0 ok, else -errno. */
static int count(enum kind k, int rc)
{
	add(&sh->ops[k], 1);
	if (rc >= 0)
		add(&sh->ok[k], 1);
	else
		add(&sh->err[k][-rc < NERR ? -rc : 0], 1);
	return rc;
}

/* ---- random numbers: splitmix64 seeding, xorshift64* ---------------------- */

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rng;

static uint64_t rnd64(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* 0 .. n-1 */
static unsigned long rnd(unsigned long n)
{
	return n ? rnd64() % n : 0;
}

static int chance(unsigned int pct)
{
	return rnd(100) < pct;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- small file helpers --------------------------------------------------- */

static int write_file(const char *path, const void *buf, size_t len, off_t off)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	/* debugfs files have no pwrite (ESPIPE): offset 0 is a write */
	n = off ? pwrite(fd, buf, len, off) : write(fd, buf, len);
	n = n < 0 ? -errno : n;
	close(fd);
	return n;
}

static int write_str(const char *path, const char *s)
{
	return write_file(path, s, strlen(s), 0);
}

/* The whole file into buf (at most size - 1 bytes), NUL-terminated. */
static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			n = -errno;
			close(fd);
			buf[len] = 0;
			return n;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = 0;
	close(fd);
	return len;
}

static long read_long(const char *path)
{
	char buf[64];

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 0);
}

/* ---- the module's files ------------------------------------------------- */

struct file_ent {
	char path[300];
	mode_t mode;
};

static struct file_ent files[MAX_FILES];
static int nfiles;
static int files_gen = -1;

static void scan_dir(const char *dir, int depth)
{
	char p[300];
	struct dirent *de;
	struct stat st;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) && nfiles < MAX_FILES) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &st))
			continue;
		if (S_ISDIR(st.st_mode) && depth < 4) {
			scan_dir(p, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			snprintf(files[nfiles].path, sizeof(files[0].path), "%s", p);
			files[nfiles++].mode = st.st_mode;
		}
	}
	closedir(d);
}

static void scan_files(void)
{
	nfiles = 0;
	scan_dir(MSYS, 0);
	scan_dir(MPARAM, 0);
	scan_dir(MDBG, 0);
	scan_dir(MTDBG, 0);
	files_gen = sh->gen;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int under(const char *p, const char *dir)
{
	return !strncmp(p, dir, strlen(dir));
}

/* Zones of the loaded module: first pfn and pages, for inject and fill. */
static unsigned long zone_pfn[MAX_ZONES], zone_pages[MAX_ZONES];
static int nzones;

static void scan_zones(void)
{
	char p[128];
	long s, z;

	for (nzones = 0; nzones < MAX_ZONES; nzones++) {
		snprintf(p, sizeof(p), MSYS "/zones/zone%d/start", nzones);
		s = read_long(p);
		snprintf(p, sizeof(p), MSYS "/zones/zone%d/size", nzones);
		z = read_long(p);
		if (s < 0 || z <= 0)
			break;
		zone_pfn[nzones] = s / 4096;
		zone_pages[nzones] = z / 4096;
	}
}

/* A pfn in a zone (or, now and then, outside every zone). */
static unsigned long pick_pfn(void)
{
	int z;

	if (!nzones || chance(10))
		return rnd(2) ? 0x100 + rnd(0x1000) : (1UL << 40) + rnd(100);
	z = rnd(nzones);
	return zone_pfn[z] + rnd(zone_pages[z]);
}

/* ---- worker state ------------------------------------------------------- */

struct map {
	char *addr;
	size_t len;
};

/* Operation groups a run may leave out (--ops): to narrow a finding. */
enum opgroup { G_IOCTL, G_CHILDREN, G_FILES, G_MMAP, G_MAPMISC, G_HWPOISON,
	     G_INJECT, G_FILL, G_MT, G_ENERGY, G_POLICY, NGROUP };
static const char *const group_name[NGROUP] = {
	"ioctl", "children", "files", "mmap", "mapmisc", "hwpoison",
	"inject", "fill", "mt", "energy", "policy" };
static unsigned int groups = ~0u;

static int on(enum opgroup g)
{
	return groups >> g & 1;
}

/* MIRROR_STRESS_NO=word,...: leave out single behaviours, to narrow a finding
 * (zombie kill fork exec set clear migrate get). */
static int no(const char *what)
{
	const char *l = getenv("MIRROR_STRESS_NO");
	size_t n = strlen(what);

	while (l && *l) {
		if (!strncmp(l, what, n) && (l[n] == ',' || !l[n]))
			return 1;
		l = strchr(l, ',');
		l = l ? l + 1 : NULL;
	}
	return 0;
}

static int wid;			/* worker index */
static int is_root;
static int devfd = -1;
static struct map maps[MAX_MAPS];
static void *mtmap;		/* a mapping of mirror_test's map */
static pid_t kids[MAX_KIDS];
static char *hugebuf;
static char energy_text[8192];

static void publish_kids(void)
{
	int i;

	for (i = 0; i < MAX_KIDS; i++)
		sh->kids[wid][i] = kids[i];
}

/* The pfn behind a mapped address, from /proc/self/pagemap (root). */
static unsigned long pfn_of(void *addr)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, ((uintptr_t)addr / 4096) * 8) != 8)
		e = 0;
	close(fd);
	if (!(e >> 63 & 1))
		return 0;
	return e & ((1ULL << 55) - 1);
}

static struct map *pick_map(void)
{
	int i, start = rnd(MAX_MAPS);

	for (i = 0; i < MAX_MAPS; i++) {
		struct map *m = &maps[(start + i) % MAX_MAPS];

		if (m->addr)
			return m;
	}
	return NULL;
}

/* ---- children: allocate, fork, exec, exit --------------------------------- */

static void child_main(uint64_t seed, int depth) __attribute__((noreturn));

static void child_main(uint64_t seed, int depth)
{
	int rounds, i;
	char *p;
	size_t len;

	rng = splitmix(&seed) | 1;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	rounds = 1 + rnd(12);
	for (i = 0; i < rounds; i++) {
		switch (rnd(8)) {
		case 0: case 1: case 2:
			len = (1 + rnd(64)) * 4096;
			p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p != MAP_FAILED) {
				memset(p, 0x5a + i, len);
				if (chance(50))
					munmap(p, len);
			}
			break;
		case 3:
			if (depth < 2 && !no("fork")) {
				pid_t c = fork();

				if (c == 0)
					child_main(rnd64(), depth + 1);
				if (c > 0 && chance(50))
					waitpid(c, NULL, 0);
			}
			break;
		case 4:
			if (chance(30) && !no("exec")) {
				char s[32], d[8];

				snprintf(s, sizeof(s), "%llu",
					 (unsigned long long)rnd64());
				snprintf(d, sizeof(d), "%d", depth);
				execl(self_exe, "mstress", "--child", s, d,
				      (char *)NULL);
			}
			break;
		default:
			msleep(rnd(200));
			break;
		}
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	_exit(rnd(3));
}

static int spawn(void)
{
	int i;
	pid_t c;

	for (i = 0; i < MAX_KIDS; i++)
		if (!kids[i])
			break;
	if (i == MAX_KIDS)
		return -EAGAIN;
	uint64_t seed = rnd64();
	int pfd[2];
	char b;

	/*
	 * The child execs at once, and becomes a target only then: before
	 * the exec it shares its pages with this worker (and the worker
	 * with the main process) copy-on-write, and SET moves a shared
	 * page for every process that maps it (kernel-module/ABI.md), which
	 * would leave zone pages in the workers and the main process.
	 */
	if (pipe(pfd))
		return -errno;
	c = fork();
	if (c < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (c == 0) {
		char sd[32], fd[16];

		close(pfd[0]);
		snprintf(sd, sizeof(sd), "%llu", (unsigned long long)seed);
		snprintf(fd, sizeof(fd), "%d", pfd[1]);
		execl(self_exe, "mstress", "--child", sd, "0", fd, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	if (read(pfd[0], &b, 1) != 1) {
		/* it died before it was ready */
		close(pfd[0]);
		waitpid(c, NULL, 0);
		return -ECHILD;
	}
	close(pfd[0]);
	kids[i] = c;
	publish_kids();
	return 0;
}

/* Reap children that exited by themselves. */
static void reap_kids(int block)
{
	int i, st;

	for (i = 0; i < MAX_KIDS; i++) {
		if (!kids[i])
			continue;
		pid_t p = waitpid(kids[i], &st, block ? 0 : WNOHANG);

		if (p == kids[i] || (p < 0 && errno == ECHILD)) {
			kids[i] = 0;
			count(K_REAP, 0);
		}
	}
	publish_kids();
}

static void kill_kid(int i)
{
	pid_t p = kids[i];

	if (!p)
		return;
	kids[i] = 0;
	publish_kids();
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

/* A target pid for an ioctl: a child (maybe another worker's), or junk. */
static pid_t pick_pid(int for_get)
{
	int w, i;

	switch (rnd(10)) {
	case 0:
		return (pid_t[]){ 0, -1, 1, 2, INT_MAX, INT_MIN }[rnd(6)];
	case 1:
		if (for_get)
			return chance(50) ? getpid() : 1 + rnd(32768);
		/* fall through */
	case 2: case 3:
		w = rnd(MAX_WORKERS);
		i = rnd(MAX_KIDS);
		if (sh->kids[w][i])
			return sh->kids[w][i];
		/* fall through */
	default:
		for (i = 0; i < MAX_KIDS; i++)
			if (kids[(i + wid) % MAX_KIDS])
				return kids[(i + wid) % MAX_KIDS];
		return 999999;
	}
}

/* ---- /dev/mirror ---------------------------------------------------------- */

static void open_dev(void)
{
	if (devfd >= 0)
		return;
	devfd = open(DEV, (is_root ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	count(K_OPEN, devfd < 0 ? -errno : 0);
}

static int ioc(unsigned long cmd, struct mirror_proc_req *r)
{
	if (devfd < 0)
		return -EBADF;
	return ioctl(devfd, cmd, r) ? -errno : 0;
}

static void op_ioctl(void)
{
	static const unsigned int set_flags[] = {
		0, MIRROR_PROC_NOMOVE, MIRROR_PROC_NOMOVE | 0x100, 0x2 };
	static const unsigned int clear_flags[] = { 0, MIRROR_PROC_MOVE_BACK, 0x40 };
	static const unsigned int mig_flags[] = {
		MIRROR_PROC_TO_MIRROR, MIRROR_PROC_TO_NORMAL,
		MIRROR_PROC_TO_MIRROR | MIRROR_PROC_TO_NORMAL, 0 };
	struct mirror_proc_req r = { 0 };
	int rc, zombie = -1, i;
	enum kind k;

	if (devfd < 0 || chance(3)) {
		if (devfd >= 0) {
			close(devfd);
			devfd = -1;
		}
		open_dev();
	}
	switch (rnd(10)) {
	case 0: case 1: case 2:
		k = K_IOC_SET;
		r.flags = set_flags[rnd(4)];
		switch (rnd(5)) {
		case 0: r.limit_bytes = 0; break;
		case 1: r.limit_bytes = 4097; break;
		case 2: r.limit_bytes = ~0xfffULL; break;
		default: r.limit_bytes = (1 + rnd(1024)) * 4096ULL; break;
		}
		break;
	case 3: case 4:
		k = K_IOC_CLEAR;
		r.flags = clear_flags[rnd(3)];
		break;
	case 5: case 6:
		k = K_IOC_GET;
		break;
	case 7: case 8:
		k = K_IOC_MIGRATE;
		r.flags = mig_flags[rnd(4)];
		break;
	default:
		k = K_IOC_BAD;
		break;
	}
	if (k == K_IOC_BAD) {
		static const unsigned long bad[] = {
			_IOWR(MIRROR_IOC_MAGIC, 5, struct mirror_proc_req),
			_IOWR(MIRROR_IOC_MAGIC, 0, struct mirror_proc_req),
			_IOR(MIRROR_IOC_MAGIC, 1, int),
			_IOWR(MIRROR_IOC_MAGIC, 3, int),
			0x5401,
		};
		switch (rnd(4)) {
		case 0:		/* commands it does not know: ENOTTY */
			rc = devfd < 0 ? -EBADF :
			     ioctl(devfd, bad[rnd(5)], &r) ? -errno : 0;
			if (devfd >= 0 && rc != -ENOTTY)
				failure("worker %d: an unknown ioctl answered %s, expected ENOTTY",
					wid, rc ? strerror(-rc) : "success");
			break;
		case 1:		/* a NULL request */
			rc = devfd < 0 ? -EBADF :
			     ioctl(devfd, MIRROR_IOC_GET, NULL) ? -errno : 0;
			break;
		case 2:		/* a request in no mapping */
			rc = devfd < 0 ? -EBADF :
			     ioctl(devfd, is_root && chance(50) ?
				   MIRROR_IOC_SET : MIRROR_IOC_GET,
				   (void *)0x10) ? -errno : 0;
			break;
		default:	/* reserved words set */
			r.pid = getpid();
			memset(r.reserved, 0xff, sizeof(r.reserved));
			rc = ioc(MIRROR_IOC_GET, &r);
			break;
		}
		count(k, rc);
		return;
	}
	r.pid = pick_pid(k == K_IOC_GET);
	/* Now and then the target is a child dying: killed, not reaped. */
	if ((k == K_IOC_SET && no("set")) || (k == K_IOC_CLEAR && no("clear")) ||
	    (k == K_IOC_MIGRATE && no("migrate")) || (k == K_IOC_GET && no("get")))
		return;
	if (chance(15) && !no("zombie")) {
		for (i = 0; i < MAX_KIDS; i++)
			if (kids[i]) {
				r.pid = kids[i];
				kill(kids[i], SIGKILL);
				zombie = i;
				break;
			}
	}
	rc = ioc(k == K_IOC_SET ? MIRROR_IOC_SET : k == K_IOC_CLEAR ?
		 MIRROR_IOC_CLEAR : k == K_IOC_GET ? MIRROR_IOC_GET :
		 MIRROR_IOC_MIGRATE, &r);
	count(k, rc);
	if (!is_root && k != K_IOC_GET && rc == 0)
		failure("worker %d (uid %d): %s of pid %d succeeded without CAP_SYS_ADMIN",
			wid, getuid(), kind_name[k], r.pid);
	if (rc == 0 && k == K_IOC_SET && (r.limit_bytes & 0xfff))
		failure("worker %d: SET with limit %llu (not a multiple of 4096) succeeded",
			wid, (unsigned long long)r.limit_bytes);
	if (zombie >= 0)
		kill_kid(zombie);
}

static void op_mmap(void)
{
	static const size_t sizes[] = { 1, 2, 16, 64, 256, 1024 };
	struct map *m = NULL;
	size_t pages;
	long node;
	int flags = MAP_SHARED, i;
	char *p;

	for (i = 0; i < MAX_MAPS; i++)
		if (!maps[i].addr)
			m = &maps[i];
	if (devfd < 0)
		open_dev();
	pages = sizes[rnd(6)];
	node = rnd(4);
	if (chance(15)) {
		/* something mmap must refuse */
		switch (rnd(5)) {
		case 0: flags = MAP_PRIVATE; break;
		case 1: node = 4 + rnd(60); break;
		case 2: pages = 65537; break;
		case 3: pages = 0; break;
		default: node = -1; break;
		}
		p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, flags,
			 devfd, node * 4096);
		count(K_MMAP_BAD, p == MAP_FAILED ? -errno : 0);
		if (p != MAP_FAILED) {
			if (devfd >= 0 && is_root)
				failure("worker %d: mmap of /dev/mirror that must fail (pages %zu node %ld flags %#x) succeeded",
					wid, pages, node, flags);
			munmap(p, pages * 4096);
		}
		return;
	}
	if (chance(2))
		pages = 32768 + rnd(32768);	/* more than a zone: ENOMEM */
	if (!m)
		return;
	p = mmap(NULL, pages * 4096, is_root ? PROT_READ | PROT_WRITE : PROT_READ,
		 flags, devfd, node * 4096);
	count(K_MMAP, p == MAP_FAILED ? -errno : 0);
	if (p == MAP_FAILED)
		return;
	if (!is_root)
		failure("worker %d (uid %d): mmap of /dev/mirror succeeded", wid,
			getuid());
	if (pages > 4096) {
		munmap(p, pages * 4096);
		return;
	}
	m->addr = p;
	m->len = pages * 4096;
}

static void op_map_misc(void)
{
	struct map *m = pick_map();
	size_t pg;
	void *q;
	int rc;

	if (!m)
		return;
	pg = m->len / 4096;
	switch (rnd(6)) {
	case 0: case 1:		/* touch */
		for (rc = 0; rc < 4; rc++)
			m->addr[rnd(pg) * 4096 + rnd(4096)] = rnd(256);
		count(K_TOUCH, 0);
		break;
	case 2:			/* whole munmap */
		count(K_MUNMAP, munmap(m->addr, m->len) ? -errno : 0);
		m->addr = NULL;
		break;
	case 3:			/* partial munmap / mprotect: refused */
		if (pg < 2)
			break;
		if (chance(50))
			rc = munmap(m->addr + 4096, 4096) ? -errno : 0;
		else
			rc = mprotect(m->addr, 4096, PROT_READ) ? -errno : 0;
		count(K_MMAP_BAD, rc);
		if (rc == 0)
			failure("worker %d: a partial munmap/mprotect of a /dev/mirror mapping succeeded",
				wid);
		break;
	case 4:			/* mremap: move it, or try to grow it */
		if (chance(50)) {
			q = mmap(NULL, m->len, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (q == MAP_FAILED)
				break;
			q = mremap(m->addr, m->len, m->len,
				   MREMAP_MAYMOVE | MREMAP_FIXED, q);
		} else {
			q = mremap(m->addr, m->len, m->len + 4096, MREMAP_MAYMOVE);
			if (q != MAP_FAILED) {
				failure("worker %d: a /dev/mirror mapping grew by mremap",
					wid);
				m->len += 4096;
			}
		}
		count(K_REMAP, q == MAP_FAILED ? -errno : 0);
		if (q != MAP_FAILED)
			m->addr = q;
		break;
	default:		/* the kernel's memory-failure path */
		if (!on(G_HWPOISON))
			break;
		rc = rnd(pg) * 4096;
		m->addr[rc] = 1;
		count(K_HWPOISON, madvise(m->addr + rc, 4096, MADV_HWPOISON) ?
		      -errno : 0);
		/* mirror.ko repairs it: the page stays usable */
		m->addr[rc + 8] = 2;
		break;
	}
}

/* ---- sysfs and debugfs files ----------------------------------------------- */

static const char *const garbage[] = {
	"2", "-1", "yes", "1x", "", "1\n\n", "00", "+5", "9999999999999999999999",
	"0x", " 1", "on\n\n", "\xff\xfe", "-0", "1 1", "nan", "5s",
};

static int is_policy(const char *p)
{
	return under(p, MSYS "/policy/");
}

static void op_read(void)
{
	static char buf[65536];
	struct file_ent *f;
	off_t off = 0;
	int fd, rc;
	ssize_t n;

	if (!nfiles)
		return;
	f = &files[rnd(nfiles)];
	/* the scrub benchmark is slow under TCG: seldom */
	if (!strcmp(base(f->path), "scrub_bench") && !chance(3))
		return;
	if (!strcmp(base(f->path), "map"))	/* mirror_test's mmap file */
		return;
	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		count(K_READ, -errno);
		return;
	}
	if (chance(30)) {
		static const off_t offs[] = { 1, 3, 7, 4095, 4096, 65537, 1LL << 40 };

		off = offs[rnd(7)];
		n = pread(fd, buf, 1 + rnd(sizeof(buf) - 1), off);
		count(K_READ_ODD, n < 0 ? -errno : 0);
	} else {
		size_t chunk = (size_t[]){ 1, 7, 4096, sizeof(buf) }[rnd(4)];
		size_t total = 0;

		do {
			n = read(fd, buf, chunk);
			if (n > 0)
				total += n;
		} while (n > 0 && total < (4 << 20));
		rc = n < 0 ? -errno : 0;
		count(K_READ, rc);
	}
	close(fd);
}

/* A valid value for a writable file, or NULL. */
static const char *valid_value(const char *p)
{
	static const char *const bools[] = {
		"0", "1", "N", "Y", "n", "y", "off", "on", "1\n", "0\n" };
	static char buf[32];

	if (is_policy(p))
		return bools[rnd(10)];
	if (!strcmp(base(p), "sweep_interval_ms")) {
		snprintf(buf, sizeof(buf), "%d",
			 (int[]){ 10, 100, 500, 2000, 3600000 }[rnd(5)]);
		return buf;
	}
	if (!strcmp(base(p), "scrub_interval_ms")) {
		snprintf(buf, sizeof(buf), "%d",
			 (int[]){ 0, 250, 1000, 5000 }[rnd(4)]);
		return buf;
	}
	if (!strcmp(base(p), "scrub"))
		return "1";
	return NULL;
}

static void op_write(void)
{
	struct file_ent *f;
	const char *v;
	int rc, fd;

	if (!nfiles)
		return;
	f = &files[rnd(nfiles)];
	/* Files whose valid commands act on pages or the energy table have
	 * their own operations; here they get garbage only. */
	switch (rnd(5)) {
	case 0: case 1:
		v = valid_value(f->path);
		if (!v)
			return;
		count(K_WRITE_VALID, rc = write_str(f->path, v));
		if (!is_root && rc >= 0)
			failure("worker %d (uid %d): writing %s succeeded", wid,
				getuid(), f->path);
		break;
	case 2: {
		char junk[48];
		size_t len;

		if (chance(50)) {
			v = garbage[rnd(sizeof(garbage) / sizeof(garbage[0]))];
			len = strlen(v);
		} else {
			for (len = 0; len < 1 + rnd(sizeof(junk)); len++)
				junk[len] = rnd(256);
			/* never a command word of fill, ctl or inject */
			junk[0] = '#' + rnd(4);
			v = junk;
		}
		rc = write_file(f->path, v, len, 0);
		count(K_WRITE_GARBAGE, rc);
		/*
		 * A write of no bytes never reaches the file (sysfs returns 0
		 * and changes nothing): not a value taken.
		 */
		if (rc >= 0 && v != junk && len && (is_policy(f->path) ||
		    !strcmp(base(f->path), "sweep_interval_ms") ||
		    !strcmp(base(f->path), "scrub_interval_ms") ||
		    !strcmp(base(f->path), "scrub") ||
		    !strcmp(base(f->path), "energy_commit")))
			failure("worker %d: writing '%s' to %s succeeded", wid, v,
				f->path);
		break;
	}
	case 3:
		if (chance(50)) {
			count(K_WRITE_HUGE,
			      rc = write_file(f->path, hugebuf, HUGE_WRITE, 0));
		} else {
			static const off_t offs[] = { 1, 7, 4095, 4096, 1LL << 33 };

			count(K_WRITE_ODD, rc = write_file(f->path, "1", 1,
							   offs[rnd(5)]));
		}
		break;
	default:
		/* Every read-only file of the module's sysfs refuses to be
		 * opened for writing, root included. */
		if (!(under(f->path, MSYS) || under(f->path, MPARAM)) ||
		    (f->mode & 0222))
			return;
		fd = open(f->path, O_WRONLY | O_CLOEXEC);
		count(K_WRITE_RO, fd < 0 ? -errno : 0);
		if (fd >= 0) {
			failure("worker %d: read-only %s opened for writing", wid,
				f->path);
			close(fd);
		} else if (errno != EACCES && errno != ENOENT) {
			failure("worker %d: opening read-only %s for writing: %s, expected EACCES",
				wid, f->path, strerror(errno));
		}
		break;
	}
}

static void op_policy(void)
{
	static const char *const pf[] = {
		MSYS "/policy/default_mirror", MSYS "/policy/fallback",
		MSYS "/processes/sweep_interval_ms",
		MSYS "/channel/scrub_interval_ms" };
	const char *p = pf[rnd(4)];
	const char *v = valid_value(p);

	count(K_POLICY, write_str(p, v));
}

/* ---- channel: inject and scrub --------------------------------------------- */

static int ctl_lock(void)
{
	int rc = pthread_mutex_lock(&sh->ctl_lock);

	if (rc == EOWNERDEAD)
		pthread_mutex_consistent(&sh->ctl_lock);
	return 0;
}

static void ctl_unlock(void)
{
	pthread_mutex_unlock(&sh->ctl_lock);
}

static void op_inject(void)
{
	char cmd[128];
	unsigned long pfn = 0;
	struct map *m;
	int locked = 0, rc, off;

	m = pick_map();
	if (m && chance(60)) {
		char *a = m->addr + rnd(m->len / 4096) * 4096;

		a[0] = 3;		/* present */
		pfn = pfn_of(a);
	}
	if (!pfn) {
		ctl_lock();
		locked = 1;
		pfn = pick_pfn();
	}
	off = chance(90) ? rnd(512) * 8 : (int[]){ 3, 4096, -8 }[rnd(3)];
	snprintf(cmd, sizeof(cmd), chance(90) ? "pfn=0x%lx offset=%d mask=0x%llx" :
		 "pfn=0x%lx offset=%d mask=0", pfn, off,
		 (unsigned long long)(rnd64() | 1));
	rc = write_str(MDBG "/inject", cmd);
	count(K_INJECT, rc);
	if (chance(40))
		count(K_SCRUB, write_str(MSYS "/channel/scrub", "1"));
	if (locked)
		ctl_unlock();
}

static void op_fill(void)
{
	char cmd[128], out[4096];
	struct map *m;
	unsigned long pfn;
	int rc;

	switch (rnd(4)) {
	case 0: case 1:
		snprintf(cmd, sizeof(cmd), "read pfn=0x%lx n=%lu", pick_pfn(),
			 1 + rnd(64));
		break;
	case 2:
		snprintf(cmd, sizeof(cmd), "bench n=%lu", 1 + rnd(32));
		break;
	default:
		m = pick_map();
		if (m && chance(70)) {
			m->addr[0] = 1;
			pfn = pfn_of(m->addr);
		} else {
			pfn = 0;
		}
		if (!pfn) {
			ctl_lock();
			snprintf(cmd, sizeof(cmd), "stamp pfn=0x%lx n=1", pick_pfn());
			rc = write_str(MDBG "/fill", cmd);
			ctl_unlock();
			count(K_FILL, rc);
			return;
		}
		snprintf(cmd, sizeof(cmd), "stamp pfn=0x%lx n=1", pfn);
		break;
	}
	rc = write_str(MDBG "/fill", cmd);
	count(K_FILL, rc);
	if (rc >= 0)
		read_file(MDBG "/fill", out, sizeof(out));
}

/* ---- mirror_test ------------------------------------------------------------- */

static char mt_out[1 << 16];

/* One command and its output, under the lock (the output is shared). */
static int mt(enum kind k, const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ctl_lock();
	rc = write_str(MTDBG "/ctl", cmd);
	mt_out[0] = 0;
	if (rc >= 0)
		read_file(MTDBG "/ctl", mt_out, sizeof(mt_out));
	ctl_unlock();
	return count(k, rc);
}

static unsigned long mt_val(const char *key)
{
	char k[32];
	const char *p;

	snprintf(k, sizeof(k), "%s=", key);
	p = strstr(mt_out, k);
	return p ? strtoul(p + strlen(k), NULL, 0) : 0;
}

static const char *gfp_combo(int atomic)
{
	static const char *const sleep[] = {
		"kernel,mirror", "kernel,mirror,strict", "kernel,mirror,zero",
		"kernel,mirror,thisnode", "kernel", "kernel,mirror,dma32",
		"kernel,mirror,noretry,nowarn", "kernel,mirror,strict,dma" };
	static const char *const atom[] = {
		"atomic,mirror", "atomic,mirror,strict", "nowait,mirror",
		"atomic", "atomic,mirror,zero,nowarn" };

	return atomic ? atom[rnd(5)] : sleep[rnd(8)];
}

/* A kept block's pfn from mirror_test's pages file, or a random one. */
static unsigned long mt_kept_pfn(void)
{
	static char buf[1 << 16];
	int n = read_file(MTDBG "/pages", buf, sizeof(buf)), lines = 0;
	char *p;

	if (n <= 0)
		return pick_pfn();
	for (p = buf; *p; p++)
		lines += *p == '\n';
	if (!lines)
		return pick_pfn();
	lines = rnd(lines);
	for (p = buf; lines && *p; p++)
		if (*p == '\n')
			lines--;
	return strtoul(p, NULL, 0);
}

static void op_mt(void)
{
	static const char *const ctxs[] = { "irqoff", "softirq", "hardirq" };
	char node[16] = "", cpu[16] = "", ctx[24] = "";
	unsigned long pfn, order;
	int atomic;

	if (access(MTDBG "/ctl", F_OK))
		return;
	switch (rnd(16)) {
	case 0: case 1: case 2: case 3: case 4:
		atomic = chance(25);
		if (atomic)
			snprintf(ctx, sizeof(ctx), " ctx=%s", ctxs[rnd(3)]);
		if (chance(50))
			snprintf(node, sizeof(node), " node=%lu", rnd(chance(90) ? 4 : 64));
		if (chance(30))
			snprintf(cpu, sizeof(cpu), " cpu=%lu", rnd(chance(90) ? 4 : 64));
		/* orders above 4 seldom and few: a fallback takes them from
		 * the machine's ordinary memory */
		order = chance(90) ? rnd(5) : 5 + rnd(6);
		mt(K_MT_ALLOC, "alloc n=%lu order=%lu gfp=%s%s%s%s",
		   order > 4 ? 1 + rnd(2) : 1 + rnd(32), order,
		   gfp_combo(atomic), node, cpu, ctx);
		if (mt_val("held") > 4000 || chance(5))
			mt(K_MT_FREE, "free all");
		break;
	case 5: case 6: case 7:
		switch (rnd(4)) {
		case 0: mt(K_MT_FREE, "free all"); break;
		case 1: mt(K_MT_FREE, "free n=%lu", 1 + rnd(64)); break;
		case 2: mt(K_MT_FREE, "free every=%lu", 1 + rnd(5)); break;
		default: mt(K_MT_FREE, "free pfn=0x%lx", mt_kept_pfn()); break;
		}
		break;
	case 8:
		/* a storm holds mirror_test's lock for a second: seldom */
		if (!chance(25))
			break;
		mt(K_MT_STORM, "storm seconds=1 order=%lu slots=%lu gfp=%s",
		   rnd(4), 4 + rnd(61), chance(50) ? "kernel,mirror" :
		   "kernel,mirror,strict");
		add(&sh->storm_corrupt, mt_val("corrupt"));
		break;
	case 9: case 10:
		switch (rnd(6)) {
		case 0: mt(K_MT_MISC, "foreign order=%lu", rnd(4)); break;
		case 1: mt(K_MT_MISC, "cachebad size=%lu", 16 + rnd(500)); break;
		case 2:
			mt(K_MT_MISC, "cache size=%lu n=%lu strict=%lu",
			   8 + rnd(2040), 1 + rnd(256), rnd(2));
			break;
		case 3:
			if (chance(20))
				mt(K_MT_MISC, "mempool min=%lu order=%lu",
				   1 + rnd(16), rnd(3));
			break;
		case 4:
			if (chance(20))
				mt(K_MT_MISC, "bench order=%lu cpus=%s n=%lu",
				   rnd(3), chance(50) ? "one" : "all",
				   50 + rnd(200));
			break;
		default:	/* commands it must refuse */
			mt(K_MT_MISC, (const char *[]){ "alloc n=-1", "alloc order=11",
			   "free", "storm slots=0", "cache size=0", "bogus",
			   "alloc gfp=nonsense", "alloc ctx=hardirq gfp=kernel" }[rnd(8)]);
			break;
		}
		break;
	default:	/* share a kept page and map it, or drop the mapping */
		if (mtmap && chance(50)) {
			count(K_MT_SHARE, munmap(mtmap, 4096) ? -errno : 0);
			mtmap = NULL;
			break;
		}
		pfn = mt_kept_pfn();
		if (mt(K_MT_SHARE, "share pfn=0x%lx", pfn) < 0 || mtmap)
			break;
		{
			int fd = open(MTDBG "/map", O_RDWR | O_CLOEXEC);

			if (fd < 0) {
				count(K_MT_SHARE, -errno);
				break;
			}
			mtmap = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				     MAP_SHARED, fd, 0);
			count(K_MT_SHARE, mtmap == MAP_FAILED ? -errno : 0);
			if (mtmap == MAP_FAILED)
				mtmap = NULL;
			else
				((volatile char *)mtmap)[8] = 1;
			close(fd);
		}
		break;
	}
}

/* ---- the energy table ------------------------------------------------------- */

static void op_energy(void)
{
	const char *t = MSYS "/memtypes/energy_table";
	const char *c = MSYS "/memtypes/energy_commit";
	char text[8192], *p, *line, *save = NULL;
	size_t len = 0;
	int rc;

	if (!energy_text[0] && read_file(t, energy_text, sizeof(energy_text)) <= 0)
		return;
	if (chance(70)) {
		/* the table in use with new figures: valid */
		char copy[8192];

		snprintf(copy, sizeof(copy), "%s", energy_text);
		for (line = strtok_r(copy, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char name[64];

			if (sscanf(line, "%63s", name) != 1 || name[0] == '#')
				continue;
			len += snprintf(text + len, sizeof(text) - len,
					"%s %lu.%lu %lu.%lu\n", name, rnd(1000),
					rnd(10), rnd(1000), rnd(10));
		}
		rc = write_file(t, text, len, 0);
		if (rc >= 0)
			rc = write_str(c, chance(50) ? "1" : "1\n");
		count(K_ENERGY, rc);
		return;
	}
	switch (rnd(6)) {
	case 0: p = "DRAM -1 2\n"; break;
	case 1: p = "DRAM nan 1\n"; break;
	case 2: p = "DRAM 1 2\nDRAM 1 2\n"; break;
	case 3: p = "PCM 1 2\n"; break;		/* no DRAM, which is in use */
	case 4: p = "\n"; break;
	default: p = "DRAM 1e7 1\n"; break;
	}
	switch (rnd(4)) {
	case 0:			/* odd offset: a write that does not continue */
		rc = write_file(t, p, strlen(p), 1 + rnd(100));
		break;
	case 1: {		/* more than 1 MiB staged: EFBIG */
		/* sysfs takes a page per write(): write on until refused */
		int fd = open(t, O_WRONLY | O_CLOEXEC);
		size_t done = 0;
		ssize_t n = 0;

		if (fd < 0) {
			rc = -errno;
			break;
		}
		while (done < HUGE_WRITE &&
		       (n = write(fd, hugebuf + done, HUGE_WRITE - done)) > 0)
			done += n;
		rc = n < 0 ? -errno : 0;
		close(fd);
		/* another loader's text may interleave (EINVAL), no more */
		if (rc == 0)
			failure("worker %d: %zu bytes staged in energy_table, above its 1 MiB",
				wid, done);
		break;
	}
	default:
		rc = write_file(t, p, strlen(p), 0);
		if (rc >= 0)
			rc = write_str(c, "1");
		break;
	}
	count(K_ENERGY_BAD, rc);
	if (chance(20))
		count(K_ENERGY_BAD, write_str(c, "2"));
}

/* ---- a worker -------------------------------------------------------------- */

static void release_all(void)
{
	int i;

	for (i = 0; i < MAX_MAPS; i++)
		if (maps[i].addr) {
			munmap(maps[i].addr, maps[i].len);
			maps[i].addr = NULL;
		}
	if (mtmap) {
		munmap(mtmap, 4096);
		mtmap = NULL;
	}
	for (i = 0; i < MAX_KIDS; i++)
		kill_kid(i);
	if (devfd >= 0) {
		close(devfd);
		devfd = -1;
	}
}

static void worker(int id, uint64_t seed, int root, uid_t uid)
{
	unsigned long n = 0;

	wid = id;
	is_root = root;
	rng = splitmix(&seed) | 1;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!root) {
		setgroups(0, NULL);
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)) {
			failure("worker %d: cannot become uid %d: %s", id, uid,
				strerror(errno));
			_exit(1);
		}
	}
	hugebuf = malloc(HUGE_WRITE);
	memset(hugebuf, '7', HUGE_WRITE);
	while (!sh->stop) {
		if (sh->quiesce) {
			release_all();
			reap_kids(1);
			__atomic_fetch_add(&sh->paused, 1, __ATOMIC_SEQ_CST);
			while (sh->quiesce && !sh->stop)
				msleep(20);
			__atomic_fetch_sub(&sh->paused, 1, __ATOMIC_SEQ_CST);
			energy_text[0] = 0;
			continue;
		}
		if (files_gen != sh->gen) {
			scan_files();
			scan_zones();
		}
		reap_kids(0);
		switch (rnd(root ? 24 : 12)) {
		case 0: case 1: case 2: case 3:
			if (on(G_IOCTL))
				op_ioctl();
			break;
		case 4:
			if (!on(G_CHILDREN))
				break;
			if (chance(15) && !no("kill")) {
				int i = rnd(MAX_KIDS);

				if (kids[i]) {
					count(K_KILL, 0);
					kill_kid(i);
				}
			} else {
				count(K_SPAWN, spawn());
			}
			break;
		case 5: case 6:
			if (on(G_FILES))
				op_read();
			break;
		case 7: case 8:
			if (on(G_FILES))
				op_write();
			break;
		case 9:
			if (!on(G_MMAP))
				break;
			if (root)
				op_mmap();
			else if (chance(20))
				op_mmap();	/* refused */
			break;
		case 10:
			if (on(G_ENERGY))
				op_energy();
			break;
		case 11:
			if (on(G_POLICY))
				op_policy();
			break;
		case 12: case 13:
			if (on(G_MMAP))
				op_mmap();
			break;
		case 14: case 15:
			if (on(G_MAPMISC))
				op_map_misc();
			break;
		case 16:
			if (!on(G_INJECT))
				break;
			if (chance(50))
				op_inject();
			else
				count(K_SCRUB, write_str(MSYS "/channel/scrub", "1"));
			break;
		case 17:
			if (on(G_FILL))
				op_fill();
			break;
		default:
			if (on(G_MT))
				op_mt();
			break;
		}
		if (!(++n % 64))
			msleep(1);
	}
	release_all();
	reap_kids(1);
	_exit(0);
}

/* ---- the main process: modules, kernel log, checks -------------------------- */

static const char *ko, *test_ko, *ranges;
static regex_t trouble;
static int have_trouble;
static int kmsg_fd = -1;
static FILE *kmsg_log;
static unsigned long kmsg_lost, kmsg_lines;

static void follow_kmsg(void)
{
	char rec[8192], *msg;
	ssize_t n;

	if (kmsg_fd < 0)
		return;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE) {
				kmsg_lost++;
				continue;
			}
			return;
		}
		rec[n] = 0;
		kmsg_lines++;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (kmsg_log)
			fputs(msg, kmsg_log);
		if (have_trouble && !regexec(&trouble, msg, 0, NULL, 0)) {
			msg[strcspn(msg, "\n")] = 0;
			failure("kernel: %s", msg);
		}
	}
}

static int delete_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static int finit(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	rc = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return rc;
}

static int loaded(const char *name)
{
	char p[64];

	snprintf(p, sizeof(p), "/sys/module/%s/initstate", name);
	return !access(p, F_OK);
}

static void settle(void)
{
	char p[64], buf[4096];
	int z;

	for (z = 0; z < MAX_ZONES; z++) {
		snprintf(p, sizeof(p), MSYS "/zones/zone%d/occupied", z);
		if (read_file(p, buf, sizeof(buf)) < 0)
			break;
	}
}

/*
 * Memory blocks mirror.ko gave back, online again as movable memory (as
 * mirrorctl unload does): the kernel's own allocations stay out of them,
 * so the next load can claim them.
 */
static void online_blocks(void)
{
	char p[300], st[32];
	struct dirent *de;
	DIR *d = opendir("/sys/devices/system/memory");

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "memory", 6) || !de->d_name[6] ||
		    de->d_name[6] < '0' || de->d_name[6] > '9')
			continue;
		snprintf(p, sizeof(p), "/sys/devices/system/memory/%s/state",
			 de->d_name);
		if (read_file(p, st, sizeof(st)) > 0 && !strncmp(st, "offline", 7) &&
		    write_str(p, "online_movable") < 0)
			failure("cannot online %s: %s", de->d_name, strerror(errno));
	}
	closedir(d);
}

/* After a load: the device readable by the group of the unprivileged
 * workers, as a udev rule may make it (kernel-module/ABI.md). */
static void open_up_dev(gid_t gid)
{
	int i;

	for (i = 0; i < 50 && access(DEV, F_OK); i++)
		msleep(20);
	if (chown(DEV, 0, gid) || chmod(DEV, 0640))
		printf("mstress: cannot open up %s: %s\n", DEV, strerror(errno));
}

static int load_all(gid_t gid)
{
	char params[512];
	int rc = 0, i;

	if (!loaded("mirror")) {
		online_blocks();
		snprintf(params, sizeof(params), "ranges=%s", ranges);
		for (i = 0; i < 5; i++) {
			rc = finit(ko, params);
			if (rc == 0 || rc == -EEXIST)
				break;
			msleep(1000);
			online_blocks();
		}
		count(K_LOAD, rc);
		if (rc && rc != -EEXIST) {
			failure("loading mirror.ko failed 5 times: %s", strerror(-rc));
			return rc;
		}
		open_up_dev(gid);
	}
	if (test_ko && !loaded("mirror_test"))
		count(K_LOAD, rc = finit(test_ko, ""));
	return rc;
}

static long stat_field(const char *file, int idx)
{
	char buf[512], *p = buf, *end;
	long v = -1;
	int i;

	if (read_file(file, buf, sizeof(buf)) <= 0)
		return -1;
	for (i = 0; i <= idx; i++) {
		v = strtol(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
	}
	return v;
}

/* What is still out when nothing should be: for the report. */
static void leak_report(int nz)
{
	static char buf[1 << 16];
	char p[300], st[512], *l, *save;
	struct dirent *de;
	int z, n, shown = 0;
	DIR *d;

	printf("mstress: processes/nr_flagged %ld, ordinary_pages %ld\n",
	       read_long(MSYS "/processes/nr_flagged"),
	       read_long(MSYS "/ordinary_pages"));
	n = read_file(MTDBG "/pages", buf, sizeof(buf));
	for (z = 0, l = buf; n > 0 && *l; l++)
		z += *l == '\n';
	printf("mstress: mirror_test keeps %d blocks\n", z);
	for (z = 0; z < nz; z++) {
		snprintf(p, sizeof(p), MSYS "/zones/zone%d/stat", z);
		read_file(p, st, sizeof(st));
		printf("mstress: zone%d stat: %s", z, st);
		snprintf(p, sizeof(p), MSYS "/zones/zone%d/occupied", z);
		if (read_file(p, buf, sizeof(buf)) <= 0)
			continue;
		save = NULL;
		for (l = strtok_r(buf, "\n", &save), n = 0; l && n < 6;
		     l = strtok_r(NULL, "\n", &save), n++) {
			char cmd[64], out[256];

			snprintf(cmd, sizeof(cmd), "read pfn=%.*s n=1",
				 (int)strcspn(l, "-"), l);
			out[0] = 0;
			if (write_str(MDBG "/fill", cmd) >= 0)
				read_file(MDBG "/fill", out, sizeof(out));
			printf("mstress:   occupied %s: %s", l, out[0] ? out : "?\n");
		}
	}
	d = opendir("/proc");
	while (d && (de = readdir(d)) && shown < 40) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/cmdline", de->d_name);
		if (read_file(p, st, sizeof(st)) <= 0)
			continue;	/* a kernel thread */
		snprintf(p, sizeof(p), "/proc/%s/stat", de->d_name);
		if (read_file(p, st, sizeof(st)) > 0) {
			printf("mstress:   process %s", st);
			shown++;
		}
	}
	if (d)
		closedir(d);
	fflush(stdout);
}

/*
 * With nothing running: every zone free and consistent, its counters
 * adding up (kernel-module/ABI.md), the channel's equation holding.
 * Returns 0 when the zones were idle (checked), 1 when something was out.
 */
static int idle_check(const char *when, int must)
{
	char p[96], buf[4096];
	long present, fre, used, allocs, frees, zfail, sum_allocs = 0;
	long sum_node = 0, inj, lat, ovw, fov, drp, zfov = 0, ord;
	int z, nz, n, bad = 0;
	double t0 = now();

	/* the children's last pages come back as they exit */
	for (;;) {
		settle();
		used = 0;
		for (z = 0; z < MAX_ZONES; z++) {
			snprintf(p, sizeof(p), MSYS "/zones/zone%d/stat", z);
			n = stat_field(p, 2);
			if (n < 0)
				break;
			used += n;
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (!used || now() - t0 > 20)
			break;
		msleep(100);
	}
	nz = z;
	if (used && must) {
		failure("%s: %ld zone pages still in use 20 s after every process let go",
			when, used);
		leak_report(nz);
	}
	if (used)
		return 1;
	for (z = 0; z < nz; z++) {
		snprintf(p, sizeof(p), MSYS "/zones/zone%d/stat", z);
		present = stat_field(p, 0);
		fre = stat_field(p, 1);
		used = stat_field(p, 2);
		allocs = stat_field(p, 3);
		frees = stat_field(p, 4);
		zfail = stat_field(p, 8);
		if (fre != present || used != 0) {
			failure("%s: zone%d: %ld of %ld pages free, %ld used", when, z,
				fre, present, used);
			bad++;
		}
		if (allocs != frees) {
			failure("%s: zone%d: allocs %ld - frees %ld = %ld blocks out, but no page is used",
				when, z, allocs, frees, allocs - frees);
			bad++;
		}
		sum_allocs += allocs;
		if (zfail > 0)
			zfov += zfail;
	}
	for (n = 0; n < 64; n++) {
		snprintf(p, sizeof(p), MSYS "/nodes/node%d/stat", n);
		if (access(p, F_OK))
			continue;
		sum_node += stat_field(p, 3) + stat_field(p, 4);
		if (stat_field(p, 2) != 0) {
			failure("%s: node%d: pages_used %ld", when, n, stat_field(p, 2));
			bad++;
		}
	}
	if (sum_allocs != sum_node) {
		failure("%s: zones' allocs %ld, nodes' allocs_local + allocs_remote %ld",
			when, sum_allocs, sum_node);
		bad++;
	}
	ord = read_long(MSYS "/ordinary_pages");
	if (ord != 0) {
		failure("%s: ordinary_pages %ld", when, ord);
		bad++;
	}
	if (read_file(MDBG "/check", buf, sizeof(buf)) > 0) {
		char *l, *s = NULL;

		for (l = strtok_r(buf, "\n", &s); l; l = strtok_r(NULL, "\n", &s))
			if (!strstr(l, ": ok")) {
				failure("%s: debugfs check: %s", when, l);
				bad++;
			}
	} else {
		failure("%s: cannot read " MDBG "/check", when);
		bad++;
	}
	if (!access(MSYS "/channel", F_OK)) {
		/* no injection runs now; a patrol pass may, read until stable */
		for (n = 0; n < 10; n++) {
			inj = read_long(MSYS "/channel/injected");
			lat = read_long(MSYS "/channel/latched");
			ovw = read_long(MSYS "/channel/overwritten");
			fov = read_long(MSYS "/channel/failovers");
			drp = read_long(MSYS "/channel/dropped");
			if (inj == read_long(MSYS "/channel/injected") &&
			    fov == read_long(MSYS "/channel/failovers"))
				break;
		}
		if (inj != lat + ovw + fov + drp) {
			failure("%s: channel: injected %ld != latched %ld + overwritten %ld + failovers %ld + dropped %ld",
				when, inj, lat, ovw, fov, drp);
			bad++;
		}
		if (lat != 0) {
			failure("%s: channel: %ld errors latched with no page out", when,
				lat);
			bad++;
		}
		if (zfov != fov) {
			failure("%s: channel failovers %ld, zones' failovers %ld", when,
				fov, zfov);
			bad++;
		}
		printf("mstress: %s: idle, %s; allocs %ld, channel injected %ld = latched %ld + overwritten %ld + failovers %ld + dropped %ld\n",
		       when, bad ? "NOT consistent" : "consistent", sum_allocs, inj,
		       lat, ovw, fov, drp);
	} else {
		printf("mstress: %s: idle, %s; allocs %ld\n", when,
		       bad ? "NOT consistent" : "consistent", sum_allocs);
	}
	fflush(stdout);
	return 0;
}

static pid_t wpids[MAX_WORKERS];
static int nworkers;

static void reap_main(void)
{
	int st, i;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < nworkers; i++) {
			if (wpids[i] != p)
				continue;
			wpids[i] = 0;
			if (!sh->stop || !WIFEXITED(st) || WEXITSTATUS(st))
				failure("worker %d ended early: %s %d", i,
					WIFSIGNALED(st) ? "signal" : "status",
					WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		}
	}
}

/*
 * While everything runs: each zone's stat line comes from one lock round,
 * so pages_free + pages_used == pages_present holds on it (ABI.md).
 */
static void busy_check(void)
{
	char p[96], line[512];
	long v[3];
	int z;

	for (z = 0; z < MAX_ZONES; z++) {
		snprintf(p, sizeof(p), MSYS "/zones/zone%d/stat", z);
		if (read_file(p, line, sizeof(line)) <= 0)
			break;
		if (sscanf(line, "%ld %ld %ld", &v[0], &v[1], &v[2]) != 3)
			continue;	/* the module went meanwhile */
		if (v[1] + v[2] != v[0] || v[1] < 0 || v[2] < 0)
			failure("zone%d stat line: free %ld + used %ld != present %ld",
				z, v[1], v[2], v[0]);
	}
}

/* One module cycle: an unload while everything runs, then a quiet one. */
static void cycle(int nr, gid_t gid)
{
	char when[64];
	double t0;
	int rc, i, unloaded = 0;

	rc = delete_module("mirror_test");
	if (rc != -ENOENT)
		count(K_UNLOAD_RACING, rc);
	if (!rc && test_ko)
		count(K_LOAD, finit(test_ko, ""));
	rc = delete_module("mirror");
	count(K_UNLOAD_RACING, rc);
	if (!rc) {
		printf("mstress: cycle %d: mirror.ko unloaded while the workers ran\n", nr);
		sh->gen++;
		load_all(gid);
	}

	sh->quiesce = 1;
	t0 = now();
	while (sh->paused < nworkers && now() - t0 < 120) {
		follow_kmsg();
		reap_main();
		msleep(50);
	}
	if (sh->paused < nworkers)
		failure("cycle %d: %d of %d workers paused after 120 s", nr,
			sh->paused, nworkers);
	if (loaded("mirror_test") && (rc = write_str(MTDBG "/ctl", "free all")) < 0)
		failure("cycle %d: mirror_test free all: %s", nr, strerror(-rc));
	snprintf(when, sizeof(when), "cycle %d", nr);
	if (loaded("mirror"))
		idle_check(when, 1);
	if (test_ko)
		count(K_UNLOAD_QUIET, delete_module("mirror_test"));
	for (i = 0; i < 30; i++) {
		settle();
		rc = delete_module("mirror");
		if (rc != -EAGAIN && rc != -EBUSY)
			break;
		msleep(100);
	}
	count(K_UNLOAD_QUIET, rc);
	if (rc == 0 || rc == -ENOENT)
		unloaded = 1;
	else
		failure("cycle %d: mirror.ko would not unload with nothing running: %s",
			nr, strerror(-rc));
	if (unloaded)
		sh->gen++;
	load_all(gid);
	scan_files();
	sh->gen++;
	sh->quiesce = 0;
	follow_kmsg();
}

static void summary(double secs, uint64_t seed)
{
	unsigned long total = 0;
	int k, e;

	for (k = 0; k < NKIND; k++)
		total += sh->ops[k];
	printf("mstress: summary: seed %llu, %.0f s, %d workers, %lu operations\n",
	       (unsigned long long)seed, secs, nworkers, total);
	printf("mstress: %-16s %9s %9s  %s\n", "kind", "ops", "ok", "errors");
	for (k = 0; k < NKIND; k++) {
		char errs[512] = "";
		size_t len = 0;

		if (!sh->ops[k])
			continue;
		for (e = 0; e < NERR; e++) {
			const char *name;

			if (!sh->err[k][e])
				continue;
			name = e ? strerrorname_np(e) : "other";
			len += snprintf(errs + len, sizeof(errs) - len, "%s%s=%lu",
					len ? " " : "", name ? name : "?",
					sh->err[k][e]);
			if (len >= sizeof(errs))
				break;
		}
		printf("mstress: %-16s %9lu %9lu  %s\n", kind_name[k], sh->ops[k],
		       sh->ok[k], errs);
	}
	printf("mstress: storm blocks found changed at free: %lu (injections and stamps hit them; not a failure)\n",
	       sh->storm_corrupt);
	printf("mstress: kernel log: %lu records read, %lu times records were lost before they were read\n",
	       kmsg_lines, kmsg_lost);
	printf("mstress: failures: %lu\n", sh->failures);
	fflush(stdout);
}

static unsigned int parse_groups(const char *list)
{
	char copy[256], *w, *save = NULL;
	unsigned int g = 0, neg = 0;
	int i;

	snprintf(copy, sizeof(copy), "%s", list);
	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int minus = w[0] == '-';

		for (i = 0; i < NGROUP; i++)
			if (!strcmp(w + minus, group_name[i]))
				break;
		if (!strcmp(w, "all")) {
			g = ~0u;
			continue;
		}
		if (i == NGROUP) {
			fprintf(stderr, "mstress: unknown operation group '%s'\n", w);
			exit(2);
		}
		if (minus)
			neg |= 1u << i;
		else
			g |= 1u << i;
	}
	if (!g)
		g = ~0u;
	return g & ~neg;
}

static void usage(void)
{
	fprintf(stderr, "usage: mstress --seconds S --ko KO --ranges RANGES [--test-ko KO] [--seed N]\n"
		"               [--root-workers N] [--user-workers N] [--uid UID]\n"
		"               [--cycle-seconds S] [--kmsg-log FILE] [--ops GROUP,-GROUP...]\n"
		"groups: ioctl children files mmap mapmisc hwpoison inject fill mt energy policy\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long seconds = 0, cycle_secs = 60;
	int nroot = 3, nuser = 2, i, cycles = 0;
	uint64_t seed = 0, s;
	pthread_mutexattr_t ma;
	const char *klog = NULL, *pat;
	uid_t uid = 65534;
	double t0, next_cycle, next_note, next_race, next_busy = 0;
	int seeded = 0;

	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "--child")) {
		/* the worker waits for this byte: exec'd, a target now */
		if (argc == 5) {
			int fd = atoi(argv[4]);

			if (write(fd, "r", 1) != 1)
				_exit(127);
			close(fd);
		}
		child_main(strtoull(argv[2], NULL, 0), atoi(argv[3]));
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		if (!strcmp(a, "--seconds"))
			seconds = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--seed"))
			seed = strtoull(v, NULL, 0), seeded = 1;
		else if (!strcmp(a, "--ko"))
			ko = v;
		else if (!strcmp(a, "--test-ko"))
			test_ko = *v ? v : NULL;
		else if (!strcmp(a, "--ranges"))
			ranges = v;
		else if (!strcmp(a, "--root-workers"))
			nroot = atoi(v);
		else if (!strcmp(a, "--user-workers"))
			nuser = atoi(v);
		else if (!strcmp(a, "--uid"))
			uid = atoi(v);
		else if (!strcmp(a, "--cycle-seconds"))
			cycle_secs = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--kmsg-log"))
			klog = v;
		else if (!strcmp(a, "--ops"))
			groups = parse_groups(v);
		else
			usage();
		i++;
	}
	if (!seconds || !ko || !ranges || nroot < 0 || nuser < 0 ||
	    nroot + nuser < 1 || nroot + nuser > MAX_WORKERS || !cycle_secs)
		usage();
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ getpid();
		seed %= 1000000000000ULL;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("mstress: seed %llu (replay: MIRROR_STRESS_SEED=%llu), %lu s, %d root + %d uid-%d workers, a module cycle every %lu s\n",
	       (unsigned long long)seed, (unsigned long long)seed, seconds, nroot,
	       nuser, uid, cycle_secs);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mstress: mmap");
		return 1;
	}
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&sh->ctl_lock, &ma);

	pat = getenv("MIRROR_VM_KERNEL_TROUBLE");
	if (pat && *pat && !regcomp(&trouble, pat, REG_EXTENDED | REG_NOSUB))
		have_trouble = 1;
	else
		printf("mstress: no MIRROR_VM_KERNEL_TROUBLE: the kernel log is not followed here\n");
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_DATA);	/* from the last clear on */
	if (klog)
		kmsg_log = fopen(klog, "w");
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	if (load_all(uid))
		return 1;
	open_up_dev(uid);
	scan_files();
	scan_zones();
	if (loaded("mirror"))
		idle_check("start", 1);

	s = seed;
	nworkers = nroot + nuser;
	for (i = 0; i < nworkers; i++) {
		uint64_t ws = splitmix(&s);
		pid_t p = fork();

		if (p < 0) {
			perror("mstress: fork");
			sh->stop = 1;
			break;
		}
		if (p == 0)
			worker(i, ws, i < nroot, uid);
		wpids[i] = p;
	}

	t0 = now();
	next_cycle = t0 + cycle_secs;
	next_note = t0 + 30;
	next_race = t0 + 7;
	while (now() - t0 < seconds) {
		follow_kmsg();
		reap_main();
		if (now() >= next_cycle) {
			cycle(++cycles, uid);
			next_cycle = now() + cycle_secs;
		}
		/*
		 * Between cycles, mirror_test goes and comes back while the
		 * workers use it (its debugfs files vanish under them): it
		 * unloads when no ctl write holds it at that moment.
		 */
		if (test_ko && now() >= next_race) {
			int rc = delete_module("mirror_test");

			if (rc != -ENOENT)
				count(K_UNLOAD_RACING, rc);
			if (!rc || !loaded("mirror_test"))
				count(K_LOAD, finit(test_ko, ""));
			next_race = now() + 3 + (unsigned long)(now() * 1000) % 8;
		}
		if (now() >= next_busy) {
			busy_check();
			next_busy = now() + 1;
		}
		if (now() >= next_note) {
			unsigned long total = 0;
			int k;

			for (k = 0; k < NKIND; k++)
				total += sh->ops[k];
			printf("mstress: %.0f s: %lu operations, %d module cycles, %lu failures\n",
			       now() - t0, total, cycles, sh->failures);
			next_note = now() + 30;
		}
		msleep(100);
	}
	sh->stop = 1;
	for (i = 0; i < nworkers; i++) {
		int st;

		if (!wpids[i])
			continue;
		if (waitpid(wpids[i], &st, 0) == wpids[i] &&
		    (!WIFEXITED(st) || WEXITSTATUS(st)))
			failure("worker %d ended with %s %d", i,
				WIFSIGNALED(st) ? "signal" : "status",
				WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		wpids[i] = 0;
	}
	if (loaded("mirror_test"))
		write_str(MTDBG "/ctl", "free all");
	if (loaded("mirror"))
		idle_check("end", 1);
	else
		failure("end: mirror.ko is not loaded");
	follow_kmsg();
	summary(now() - t0, seed);
	if (kmsg_log)
		fclose(kmsg_log);
	return sh->failures ? 1 : 0;
}
