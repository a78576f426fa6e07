// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime: SIGKILL during busy batches, exit with syscall threads inside
 * the kernel, close of the fd while mapped or while a syscall thread works,
 * two processes at once, many sessions.
 */
#include "flexsc_test.h"

static int wait_child(pid_t pid, int secs)
{
	int st, i;

	for (i = 0; i < secs * 100; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static struct fx K;
static int k_devnull;
static volatile uint64_t *k_batches;	/* batches reaped by the busy child, seen by the parent */

static void *busy_submitter(void *arg)
{
	int base = (int)(intptr_t)arg, i;
	char buf[64] = { 0 };

	for (;;) {
		for (i = 0; i < 16; i++)
			fx_submit(&K, base + i, (i & 1) ? __NR_write : __NR_getpid, k_devnull,
				  FXA(buf), 64, 0, 0, 0);
		fx_kick(&K);
		for (i = 0; i < 16; i++)
			fx_reap(&K, base + i);
		__atomic_add_fetch(k_batches, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Child: 3 syscall threads, 2 submitters, one entry blocked in read(). */
static void busy_child(void)
{
	pthread_t t[2];
	int pfd[2];
	char c;

	if (fx_open(&K, 64))
		_exit(2);
	k_devnull = open("/dev/null", O_WRONLY);
	if (pipe(pfd))
		_exit(3);
	K.spin_us = 100;
	fx_start(&K, 3);
	fx_submit(&K, 63, __NR_read, pfd[0], FXA(&c), 1, 0, 0, 0);	/* blocks forever */
	fx_kick(&K);
	pthread_create(&t[0], NULL, busy_submitter, (void *)0);
	pthread_create(&t[1], NULL, busy_submitter, (void *)16);
	for (;;)
		pause();
}

static void test_kill9(void)
{
	int round, bad = 0;

	k_batches = fx_shared_counter();
	if (!k_batches) {
		ok(0, "shared counter: %s", strerror(errno));
		return;
	}
	for (round = 0; round < 3; round++) {
		pid_t pid;
		int st;
		uint64_t seen = *k_batches;

		pid = fork();
		if (pid == 0)
			busy_child();
		/* killed in the middle of busy batches: wait until both submitters are going */
		if (!FX_AWAIT(*k_batches >= seen + 50 * (round + 1), 30000))
			bad++;
		kill(pid, SIGKILL);
		st = wait_child(pid, 30);
		if (st == -1 || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
			bad++;
	}
	ok(!bad, "3 x SIGKILL during busy batches: children died promptly (%d bad)", bad);
}

static int exit_child(int mode)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct fx s;
		int pfd[2];
		char c;

		if (fx_open(&s, 16))
			_exit(2);
		fx_start(&s, 2);
		if (FX(&s, __NR_getpid) != getpid())
			_exit(3);
		if (mode == 1) {
			if (pipe(pfd))
				_exit(4);
			fx_submit(&s, 5, __NR_read, pfd[0], FXA(&c), 1, 0, 0, 0);
			fx_kick(&s);
			/* a syscall thread has claimed the read and blocks in it */
			if (!FX_AWAIT(__atomic_load_n(&s.ent[5].status, __ATOMIC_ACQUIRE) == FLEXSC_STATUS_BUSY, 10000))
				_exit(5);
		}
		_exit(0);	/* exit_group with syscall threads in the kernel */
	}
	return wait_child(pid, 30);
}

static void test_exit(void)
{
	int st = exit_child(0);

	ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit with syscall threads inside WORK (%#x)", st);
	st = exit_child(1);
	ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "exit while a syscall thread is blocked in read (%#x)", st);
}

static void test_close_paths(void)
{
	struct fx s, s2;
	int i;

	ok(fx_open(&s, 8) == 0, "session open");
	close(s.fd);
	/* Still mapped: the session lives on in the mapping. Read before writing, so that an area
	 * the module freed or reset at close(fd) shows (a zeroed or foreign header), and check that
	 * a session opened meanwhile gets memory of its own rather than the first one's. */
	ok(s.hdr->magic == FLEXSC_MAGIC && s.hdr->nentries == 8 && s.hdr->entries_offset == s.reg.entries_offset,
	   "area intact after close(fd): magic %#x nentries %u", s.hdr->magic, s.hdr->nentries);
	s.hdr->flags = 0xdead;
	ok(fx_open(&s2, 16) == 0, "second session open");
	ok(s2.area != s.area && s2.hdr->nentries == 16 && s.hdr->flags == 0xdead && s.hdr->nentries == 8,
	   "the first area is still its own beside a new session (flags %#x nentries %u)", s.hdr->flags, s.hdr->nentries);
	fx_close(&s2);
	ok(munmap(s.area, s.reg.area_size) == 0, "munmap after close frees the session");

	ok(fx_open(&s, 8) == 0, "session open");
	fx_start(&s, 1);
	ok(FX(&s, __NR_getpid) == getpid(), "works");
	close(s.fd);	/* the syscall thread keeps its file reference */
	for (i = 0; i < 500 && pthread_tryjoin_np(s.workers[0], NULL); i++) {
		if (i % 10 == 0)
			pthread_kill(s.workers[0], SIGUSR1);
		usleep(10000);
	}
	ok(i < 500, "syscall thread leaves after close(fd) + signal (EBADF on re-entry)");
	munmap(s.area, s.reg.area_size);
}

static int two_proc_child(void)
{
	struct fx s;
	int i, bad = 0;

	if (fx_open(&s, 32))
		return 2;
	fx_start(&s, 2);
	for (i = 0; i < 400; i++)
		if (fx_call6(&s, i % 32, __NR_getpid, 0, 0, 0, 0, 0, 0) != getpid())
			bad++;
	fx_close(&s);
	return bad ? 3 : 0;
}

static void test_two_processes(void)
{
	pid_t p[2];
	int i, st, bad = 0;

	for (i = 0; i < 2; i++) {
		p[i] = fork();
		if (p[i] == 0)
			_exit(two_proc_child());
	}
	for (i = 0; i < 2; i++) {
		st = wait_child(p[i], 60);
		if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	ok(!bad, "two processes with their own sessions at once (%d bad)", bad);
}

static void test_many_sessions(void)
{
	struct fx s[16];
	int i, bad = 0;

	for (i = 0; i < 16; i++)
		if (fx_open(&s[i], 1 + i * 200))
			bad++;
	for (i = 0; i < 16; i++) {
		if (i % 4 == 0) {
			fx_start(&s[i], 1);
			if (FX(&s[i], __NR_getpid) != getpid())
				bad++;
		}
	}
	for (i = 0; i < 16; i++)
		fx_close(&s[i]);
	ok(!bad, "16 sessions in one process (%d bad)", bad);
}

int main(void)
{
	struct fx s;

	t_start("flexsc_lifetime");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	test_kill9();
	ok(fx_open(&s, 8) == 0, "module still works after the kills");
	fx_start(&s, 1);
	ok(FX(&s, __NR_getpid) == getpid(), "getpid through a fresh session");
	fx_close(&s);
	test_exit();
	test_close_paths();
	test_two_processes();
	test_many_sessions();
	return t_end();
}
