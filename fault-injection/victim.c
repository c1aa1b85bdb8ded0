// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * victim.c - the drill's victim: a child process that holds known data in
 * anonymous memory and checks it itself when asked, so that "nothing was
 * lost" is the victim's own word and not the harness's reading of it.
 *
 * Every 64-bit word holds a value computed from its address and a seed,
 * so any flipped bit, lost page or misplaced page shows.  The victim only
 * touches its data inside a command: between commands it sits in read(),
 * which is what keeps it away from a corrupted word until the emulated
 * controller has repaired it (kernel-module/ABI.md, "channel/").
 *
 * A SIGBUS while checking (hwpoison: BUS_MCEERR_AR) skips the page and
 * counts it lost; any signal at all is counted, so "never signalled" can
 * be checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drill.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON	100
#endif

/* The victim's own state (the child's copy of these globals). */
static uint64_t *v_data;
static size_t v_len;
static uint64_t v_seed;
static sigjmp_buf v_jump;
static volatile sig_atomic_t v_checking;
static volatile sig_atomic_t v_signals;
static volatile sig_atomic_t v_sigbus_code;

static uint64_t word_value(const uint64_t *addr)
{
	uint64_t x = (uint64_t)(uintptr_t)addr ^ v_seed;

	/* splitmix64's finaliser: every bit of the address counts. */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void victim_signal(int sig, siginfo_t *si, void *uc)
{
	v_signals++;
	if (sig == SIGBUS) {
		v_sigbus_code = si->si_code;
		if (v_checking)
			siglongjmp(v_jump, 1);
	}
}

static void victim_handlers(void)
{
	static const int sigs[] = { SIGBUS, SIGSEGV, SIGHUP, SIGUSR1, SIGUSR2,
				    SIGALRM, SIGPIPE, SIGTRAP, SIGURG };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = victim_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* Ctrl-C goes to the drill, which cleans up and stops us. */
	signal(SIGINT, SIG_IGN);
}

/* Check every word; a page that raises SIGBUS is skipped as lost. */
static void victim_check(int ans)
{
	size_t words_per_page = DRILL_PAGE_SIZE / sizeof(uint64_t);
	size_t pages = v_len / DRILL_PAGE_SIZE;
	volatile size_t p, lost = 0, bad_pages = 0, bad_words = 0;

	for (p = 0; p < pages; p++) {
		uint64_t *page = v_data + p * words_per_page;
		volatile size_t bad = 0;
		size_t w;

		if (sigsetjmp(v_jump, 1)) {
			v_checking = 0;
			lost++;
			continue;
		}
		v_checking = 1;
		for (w = 0; w < words_per_page; w++)
			if (page[w] != word_value(&page[w]))
				bad++;
		v_checking = 0;
		bad_words += bad;
		bad_pages += bad != 0;
	}
	dprintf(ans, "bad_pages=%zu bad_words=%zu lost=%zu code=%d signals=%d\n",
		(size_t)bad_pages, (size_t)bad_words, (size_t)lost,
		(int)v_sigbus_code, (int)v_signals);
}

/* "poison IDX...": madvise(MADV_HWPOISON) on those pages of our data. */
static void victim_poison(int ans, char *args)
{
	char *tok, *save = NULL;
	int done = 0, err = 0;

	for (tok = strtok_r(args, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		size_t idx = strtoul(tok, NULL, 10);

		if (idx >= v_len / DRILL_PAGE_SIZE) {
			err = EINVAL;
			break;
		}
		if (madvise((char *)v_data + idx * DRILL_PAGE_SIZE,
			    DRILL_PAGE_SIZE, MADV_HWPOISON)) {
			err = errno;
			break;
		}
		done++;
	}
	dprintf(ans, "poisoned=%d errno=%d\n", done, err);
}

static int victim_readline(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

static void victim_main(int cmd, int ans, size_t len)
{
	char line[4096];
	size_t i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The kernel's log names it when it kills it (control drill). */
	prctl(PR_SET_NAME, "drill-victim");
	victim_handlers();
	v_len = len;
	v_seed = ((uint64_t)getpid() << 32) ^ 0x6d6972726f72ULL;
	v_data = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v_data == MAP_FAILED) {
		dprintf(ans, "error=%d\n", errno);
		_exit(1);
	}
	/* Whole pages of our own: no transparent huge page to split later. */
	madvise(v_data, len, MADV_NOHUGEPAGE);
	for (i = 0; i < len / sizeof(uint64_t); i++)
		v_data[i] = word_value(&v_data[i]);
	dprintf(ans, "ready addr=0x%llx len=%zu\n",
		(unsigned long long)(uintptr_t)v_data, len);

	while (victim_readline(cmd, line, sizeof(line)) == 0) {
		if (!strcmp(line, "check"))
			victim_check(ans);
		else if (!strncmp(line, "poison ", 7))
			victim_poison(ans, line + 7);
		else if (!strcmp(line, "exit"))
			break;
		else
			dprintf(ans, "error=unknown-command\n");
	}
	_exit(0);
}

int victim_start(struct victim *v, size_t len)
{
	int to_child[2], from_child[2];
	char ans[256];
	pid_t pid;

	memset(v, 0, sizeof(*v));
	v->cmd_fd = v->ans_fd = -1;
	if (pipe2(to_child, O_CLOEXEC) || pipe2(from_child, O_CLOEXEC)) {
		warnx_("victim: pipe: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		warnx_("victim: fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		victim_main(to_child[0], from_child[1], len);
	}
	close(to_child[0]);
	close(from_child[1]);
	v->pid = pid;
	v->cmd_fd = to_child[1];
	v->ans_fd = from_child[0];
	v->len = len;
	if (victim_cmd(v, NULL, ans, sizeof(ans), 60) < 0 ||
	    strncmp(ans, "ready ", 6)) {
		warnx_("victim: did not start (%s)", ans);
		victim_stop(v);
		return -EIO;
	}
	v->addr = strtoull(strstr(ans, "addr=") + 5, NULL, 16);
	return 0;
}

int victim_cmd(struct victim *v, const char *cmd, char *ans, size_t len,
	       double timeout)
{
	double end = drill_now() + timeout;
	size_t n = 0;

	ans[0] = '\0';
	if (cmd && dprintf(v->cmd_fd, "%s\n", cmd) < 0)
		return -EPIPE;
	while (n + 1 < len) {
		struct pollfd pfd = { .fd = v->ans_fd, .events = POLLIN };
		double left = end - drill_now();
		ssize_t r;

		if (left <= 0 || drill_interrupted)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		r = read(v->ans_fd, ans + n, 1);
		if (r <= 0) {
			ans[n] = '\0';
			return -EPIPE;
		}
		if (ans[n] == '\n')
			break;
		n++;
	}
	ans[n] = '\0';
	return 0;
}

long long victim_val(const char *ans, const char *key)
{
	size_t klen = strlen(key);
	const char *p = ans;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == ans || p[-1] == ' ') && p[klen] == '=')
			return strtoll(p + klen + 1, NULL, 0);
		p += klen;
	}
	return -1;
}

bool victim_alive(struct victim *v, int *status)
{
	int st = 0;

	if (v->pid <= 0)
		return false;
	if (waitpid(v->pid, &st, WNOHANG) == v->pid) {
		if (status)
			*status = st;
		v->pid = -v->pid;	/* reaped: remember who it was */
		return false;
	}
	return true;
}

int victim_stop(struct victim *v)
{
	int status = -1;

	if (v->pid > 0) {
		double end = drill_now() + 5;

		if (v->cmd_fd >= 0 && dprintf(v->cmd_fd, "exit\n") < 0)
			kill(v->pid, SIGKILL);
		while (waitpid(v->pid, &status, WNOHANG) == 0) {
			if (drill_now() > end) {
				kill(v->pid, SIGKILL);
				waitpid(v->pid, &status, 0);
				break;
			}
			usleep(10000);
		}
		v->pid = 0;
	}
	if (v->cmd_fd >= 0)
		close(v->cmd_fd);
	if (v->ans_fd >= 0)
		close(v->ans_fd);
	v->cmd_fd = v->ans_fd = -1;
	return status;
}
