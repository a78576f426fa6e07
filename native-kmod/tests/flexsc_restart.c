// SPDX-License-Identifier: GPL-2.0
/*
 * Restart semantics.  An entry blocked in a restartable call (read on an
 * empty pipe) when its syscall thread gets a signal behaves as a trapping
 * call of that thread would: with an SA_RESTART handler the call is run
 * again (the entry goes back to SUBMITTED while the handler runs) and later
 * completes with the data; with a handler without SA_RESTART it completes
 * with -EINTR.  FLEXSC_IOC_WAIT fails with EINTR on a signal with or without
 * a timeout, even for an SA_RESTART handler (never restarted, like
 * epoll_wait).
 */
#include "flexsc_test.h"

static struct fx S;
static volatile int usr2_hits;

static void usr2_handler(int sig)
{
	(void)sig;
	__atomic_add_fetch(&usr2_hits, 1, __ATOMIC_RELAXED);
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000ll + t.tv_nsec / 1000000;
}

/* Poll until entry idx has status st (5 s max). */
static int wait_status(unsigned int idx, uint32_t st)
{
	int64_t end = now_ms() + 5000;

	while (__atomic_load_n(&S.ent[idx].status, __ATOMIC_ACQUIRE) != st)
		if (now_ms() > end)
			return -1;
		else
			sched_yield();
	return 0;
}

static long long restarts(void)
{
	FILE *f = fopen("/sys/kernel/debug/flexsc/stats", "r");
	char name[64];
	long long v, r = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2)
		if (!strcmp(name, "restarts"))
			r = v;
	fclose(f);
	return r;
}

/* Block a read entry in the syscall thread, signal it with sig, feed it. */
static void blocked_read(int sig, int sa_restart)
{
	int p[2];
	char buf[4] = { 0 };
	int hits0 = usr2_hits, busy, back, hit;
	long long r0 = restarts(), r1;
	int64_t res;

	if (pipe(p)) {
		ok(0, "pipe");
		return;
	}
	fx_submit(&S, 0, __NR_read, p[0], FXA(buf), 1, 0, 0, 0);
	fx_kick(&S);
	busy = wait_status(0, FLEXSC_STATUS_BUSY) == 0;
	pthread_kill(S.workers[0], sig);
	if (sa_restart) {
		int64_t end = now_ms() + 5000;

		while (usr2_hits == hits0 && now_ms() < end)
			sched_yield();
		hit = usr2_hits != hits0;
		/* handler done: the read was given back and runs again */
		back = wait_status(0, FLEXSC_STATUS_BUSY) == 0;
		r1 = restarts();
		ok(busy && hit && back, "SA_RESTART handler ran, entry back in the read (busy %d hit %d back %d)",
		   busy, hit, back);
		ok(r1 > r0, "module counted the restart (%lld -> %lld)", r0, r1);
		ok(write(p[1], "x", 1) == 1, "feed the pipe");
		res = fx_reap(&S, 0);
		ok(res == 1 && buf[0] == 'x', "restarted read completes with the byte (%lld)", (long long)res);
	} else {
		res = fx_reap(&S, 0);
		ok(busy && res == -EINTR, "handler without SA_RESTART: read entry -> -EINTR (%lld)", (long long)res);
	}
	close(p[0]);
	close(p[1]);
}

struct waiter {
	pthread_t t;
	int64_t timeout_ns;
	volatile int started;
	int ret, err;
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;
	struct flexsc_wait a = { .index = 1, .timeout_ns = w->timeout_ns };

	__atomic_store_n(&w->started, 1, __ATOMIC_RELEASE);
	w->ret = ioctl(S.fd, FLEXSC_IOC_WAIT, &a);
	w->err = errno;
	return NULL;
}

/* A WAIT on a blocked entry, interrupted by an SA_RESTART signal. */
static void wait_interrupted(int64_t timeout_ns)
{
	struct waiter w = { .timeout_ns = timeout_ns };
	struct timespec dl;
	int joined;

	pthread_create(&w.t, NULL, waiter_fn, &w);
	while (!__atomic_load_n(&w.started, __ATOMIC_ACQUIRE))
		sched_yield();
	/* it may not sleep yet: signal until it returns (3 s max) */
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 3;
	do {
		struct timespec t;

		pthread_kill(w.t, SIGUSR2);
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 20000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		joined = pthread_timedjoin_np(w.t, NULL, &t) == 0;
		clock_gettime(CLOCK_REALTIME, &t);
		if (t.tv_sec > dl.tv_sec)
			break;
	} while (!joined);
	if (!joined) {
		ioctl(S.fd, FLEXSC_IOC_STOP);	/* end the wait; the session is done after this */
		pthread_join(w.t, NULL);
	}
	ok(joined && w.ret == -1 && w.err == EINTR, "WAIT (timeout %lld ns) + SA_RESTART signal -> EINTR (%s)",
	   (long long)timeout_ns, joined ? strerror(w.err) : "not interrupted: still waiting");
}

int main(void)
{
	struct sigaction sa = { .sa_handler = usr2_handler, .sa_flags = SA_RESTART };
	int p[2], r;
	char c;

	t_start("flexsc_restart");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	r = fx_open(&S, 4);
	ok(r == 0, "session open (%d)", r);
	if (r)
		return t_end();
	sigaction(SIGUSR2, &sa, NULL);
	fx_start(&S, 1);

	blocked_read(SIGUSR2, 1);
	blocked_read(SIGUSR1, 0);	/* fx_open's SIGUSR1 handler has no SA_RESTART */
	ok(FX(&S, __NR_getpid) == getpid(), "session still works");

	/* entry 1 blocks in a read while the waiters sleep on it */
	if (pipe(p) == 0) {
		fx_submit(&S, 1, __NR_read, p[0], FXA(&c), 1, 0, 0, 0);
		fx_kick(&S);
		wait_interrupted(-1);
		wait_interrupted(10000000000ll);
		ok(write(p[1], "y", 1) == 1 && fx_reap(&S, 1) == 1, "the waited-for entry completes");
		close(p[0]);
		close(p[1]);
	}
	fx_close(&S);
	return t_end();
}
