// SPDX-License-Identifier: GPL-2.0
/*
 * Wake-ups and statistics.  A thread sleeping in FLEXSC_IOC_WAIT on an entry
 * that does not complete must not be woken by the completions of other
 * entries (its voluntary context switches stay flat while 300 other
 * entries complete, each reaped with a WAIT of its own); a WAIT_ANY sleeper
 * is woken by them.  The per-session and debugfs counters (per CPU in the
 * module) add up across syscall threads on both CPUs.
 */
#include "flexsc_test.h"

#define NCALLS	300

static struct fx S;
static volatile pid_t waiter_tid;

static long long ctxsw(pid_t tid)
{
	char path[128], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

struct waiter {
	unsigned int index;
	int ret, err;
	volatile int started;
	pid_t tid;
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;
	struct flexsc_wait a = { .index = w->index, .timeout_ns = -1 };

	w->tid = (pid_t)syscall(SYS_gettid);
	__atomic_store_n(&w->started, 1, __ATOMIC_RELEASE);
	w->ret = ioctl(S.fd, FLEXSC_IOC_WAIT, &a);
	w->err = errno;
	return NULL;
}

/* Poll until tid sleeps (state S) in the kernel, 5 s max. */
static int sleeping(pid_t tid)
{
	char path[128], buf[512];
	int i;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	for (i = 0; i < 5000; i++) {
		FILE *f = fopen(path, "r");
		char *p = NULL;

		if (f) {
			p = fgets(buf, sizeof(buf), f);
			fclose(f);
		}
		p = p ? strrchr(buf, ')') : NULL;
		if (p && p[1] == ' ' && p[2] == 'S')
			return 1;
		usleep(1000);	/* polling an observable state, with a deadline */
	}
	return 0;
}

static long long debugfs_stat(const char *key)
{
	FILE *f = fopen("/sys/kernel/debug/flexsc/stats", "r");
	char name[64];
	long long v, r = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2)
		if (!strcmp(name, key))
			r = v;
	fclose(f);
	return r;
}

int main(void)
{
	struct waiter w = { .index = 5 }, any = { .index = FLEXSC_WAIT_ANY };
	struct flexsc_stats st;
	pthread_t tw, ta;
	long long before, after, g0, g1;
	int p[2], i, bad = 0, r;
	char c;

	t_start("flexsc_wakeup");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	r = fx_open(&S, 16);
	ok(r == 0, "session open (%d)", r);
	if (r)
		return t_end();
	fx_start(&S, 3);	/* one will block in the read below */
	g0 = debugfs_stat("entries");
	if (pipe(p)) {
		ok(0, "pipe");
		return t_end();
	}
	fx_submit(&S, 5, __NR_read, p[0], FXA(&c), 1, 0, 0, 0);
	fx_kick(&S);
	pthread_create(&tw, NULL, waiter_fn, &w);
	while (!__atomic_load_n(&w.started, __ATOMIC_ACQUIRE))
		sched_yield();
	ok(sleeping(w.tid), "waiter on entry 5 sleeps");
	before = ctxsw(w.tid);
	for (i = 0; i < NCALLS; i++)
		if (fx_call6(&S, i % 4, __NR_getpid, 0, 0, 0, 0, 0, 0) != getpid())
			bad++;
	after = ctxsw(w.tid);
	ok(!bad, "%d getpid entries on entries 0-3 (%d wrong)", NCALLS, bad);
	ok(before >= 0 && after - before <= 5,
	   "the waiter on entry 5 was not woken by them (%lld voluntary switches)", after - before);

	pthread_create(&ta, NULL, waiter_fn, &any);
	while (!__atomic_load_n(&any.started, __ATOMIC_ACQUIRE))
		sched_yield();
	ok(sleeping(any.tid), "WAIT_ANY waiter sleeps");
	fx_submit(&S, 0, __NR_getpid, 0, 0, 0, 0, 0, 0);
	fx_kick(&S);
	pthread_join(ta, NULL);
	ok(any.ret == 0, "an unrelated completion wakes the WAIT_ANY waiter (%d %s)", any.ret,
	   any.ret ? strerror(any.err) : "");
	fx_reap(&S, 0);

	ok(write(p[1], "z", 1) == 1, "feed the blocked read");
	pthread_join(tw, NULL);
	ok(w.ret == 0, "entry 5 completes and wakes its waiter (%d)", w.ret);
	ok(fx_reap(&S, 5) == 1, "with the byte");

	ioctl(S.fd, FLEXSC_IOC_STOP);	/* workers flush their counters as they leave */
	for (i = 0; i < S.nworkers; i++)
		pthread_join(S.workers[i], NULL);
	S.nworkers = 0;
	memset(&st, 0, sizeof(st));
	r = ioctl(S.fd, FLEXSC_IOC_STATS, &st);
	ok(r == 0 && st.entries == NCALLS + 2,
	   "session counters: %llu entries (expected %d)", (unsigned long long)st.entries, NCALLS + 2);
	ok(st.waits >= 2, "%llu waits counted", (unsigned long long)st.waits);
	g1 = debugfs_stat("entries");
	ok(g0 >= 0 && g1 - g0 >= NCALLS + 2, "debugfs entries grew by %lld", g1 - g0);
	fx_close(&S);
	close(p[0]);
	close(p[1]);
	return t_end();
}
