// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency: many submitting threads, batches with WAIT ANY, the
 * NEED_WAKEUP handshake, blocking entries with WAIT timeouts, task work
 * (deferred fput after close), signals to syscall threads, CPU pinning.
 */
#include "flexsc_test.h"
#include <poll.h>

#define NSUB	8
#define PER	8
#define ROUNDS	150

static struct fx S;
static int devnull;
static int sub_errors[NSUB];

static void *submitter(void *arg)
{
	int t = (int)(intptr_t)arg, r, i;
	char buf[64];
	pid_t pid = getpid();

	memset(buf, 'a' + t, sizeof(buf));
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < PER; i++) {
			unsigned int idx = t * PER + i;

			if (i & 1)
				fx_submit(&S, idx, __NR_write, devnull, FXA(buf), 64, 0, 0, 0);
			else
				fx_submit(&S, idx, __NR_getpid, 0, 0, 0, 0, 0, 0);
		}
		fx_kick(&S);
		for (i = 0; i < PER; i++) {
			int64_t res = fx_reap(&S, t * PER + i);

			if (res != ((i & 1) ? 64 : pid))
				sub_errors[t]++;
		}
	}
	return NULL;
}

static void test_many_threads(void)
{
	pthread_t th[NSUB];
	int t, errs = 0;

	for (t = 0; t < NSUB; t++)
		pthread_create(&th[t], NULL, submitter, (void *)(intptr_t)t);
	for (t = 0; t < NSUB; t++) {
		pthread_join(th[t], NULL);
		errs += sub_errors[t];
	}
	ok(errs == 0, "%d threads x %d batches of %d: %d wrong results", NSUB, ROUNDS, PER, errs);
}

static void test_batch_wait_any(void)
{
	struct flexsc_wait w = { .index = FLEXSC_WAIT_ANY, .timeout_ns = 5000000000ll };
	unsigned int i, got = 0, bad = 0, loops = 0;

	for (i = 0; i < 64; i++)
		fx_submit(&S, i, __NR_getpid, 0, 0, 0, 0, 0, 0);
	fx_kick(&S);
	while (got < 64 && loops++ < 10000) {
		if (ioctl(S.fd, FLEXSC_IOC_WAIT, &w) && errno != EINTR)
			break;
		for (i = 0; i < 64; i++) {
			if (__atomic_load_n(&S.ent[i].status, __ATOMIC_ACQUIRE) != FLEXSC_STATUS_DONE)
				continue;
			if (S.ent[i].result != getpid() || S.ent[i].tag != (0x7a6700000000ull | i))
				bad++;
			S.ent[i].status = FLEXSC_STATUS_FREE;
			got++;
		}
	}
	ok(got == 64 && !bad, "batch of 64 collected with WAIT ANY (%u, %u bad)", got, bad);
}

static void test_need_wakeup(void)
{
	struct flexsc_stats a, b;
	uint32_t flags, sleeping, workers;

	ioctl(S.fd, FLEXSC_IOC_STATS, &a);
	/* past their spin time both idle syscall threads go to sleep and ask to be woken */
	FX_AWAIT(S.hdr->nsleeping == 2 && (__atomic_load_n(&S.hdr->flags, __ATOMIC_ACQUIRE) & FLEXSC_HDR_NEED_WAKEUP), 10000);
	flags = __atomic_load_n(&S.hdr->flags, __ATOMIC_ACQUIRE);
	sleeping = S.hdr->nsleeping;
	workers = S.hdr->nworkers;
	ok((flags & FLEXSC_HDR_NEED_WAKEUP) && sleeping == 2 && workers == 2,
	   "idle syscall threads sleep: flags %#x nsleeping %u nworkers %u", flags, sleeping, workers);
	ok(FX(&S, __NR_getpid) == getpid(), "submit + WAKE gets a sleeping thread going");
	ioctl(S.fd, FLEXSC_IOC_STATS, &b);
	ok(b.sleeps > a.sleeps - 1 && b.wakeups > a.wakeups, "stats: sleeps %llu wakeups %llu",
	   (unsigned long long)b.sleeps, (unsigned long long)b.wakeups);
	ok(S.hdr->completed >= NSUB * ROUNDS * PER + 64, "header completed counter %llu",
	   (unsigned long long)S.hdr->completed);
}

static void test_blocking_and_timeout(void)
{
	struct flexsc_wait w = { .index = 1, .timeout_ns = 50000000 };
	int pfd[2];
	char c = 0;
	int r;

	ok(pipe(pfd) == 0, "pipe");
	fx_submit(&S, 1, __NR_read, pfd[0], FXA(&c), 1, 0, 0, 0);
	fx_kick(&S);
	r = ioctl(S.fd, FLEXSC_IOC_WAIT, &w);
	ok(r == -1 && errno == ETIMEDOUT, "WAIT 50ms on a blocked read -> ETIMEDOUT");
	ok(S.ent[1].status == FLEXSC_STATUS_BUSY || S.ent[1].status == FLEXSC_STATUS_SUBMITTED,
	   "entry still in flight (status %u)", S.ent[1].status);
	ok(FX(&S, __NR_getpid) == getpid(), "the other syscall thread still serves entries");
	ok(write(pfd[1], "z", 1) == 1, "write to the pipe");
	ok(fx_reap(&S, 1) == 1 && c == 'z', "blocked read completed with the byte");
	close(pfd[0]);
	close(pfd[1]);
}

static void test_taskwork(void)
{
	int pfd[2], before = S.taskwork_returns;
	struct pollfd p;

	ok(pipe(pfd) == 0, "pipe");
	ok(FX(&S, __NR_close, pfd[1]) == 0, "close write end via flexsc");
	p = (struct pollfd){ .fd = pfd[0], .events = POLLIN };
	ok(poll(&p, 1, 5000) == 1 && (p.revents & POLLHUP),
	   "deferred fput ran: reader sees POLLHUP (revents %#x)", p.revents);
	/*
	 * The fput runs on the syscall thread's way out of the kernel, before
	 * that thread's user-space loop counts the return: the reader can see
	 * POLLHUP first. Give the count up to 2 s to follow.
	 */
	FX_AWAIT(S.taskwork_returns > before, 2000);
	ok(S.taskwork_returns > before, "syscall thread returned for task work (%d)", S.taskwork_returns);
	close(pfd[0]);
}

static void test_signals(void)
{
	int before = S.eintr_returns, i;

	for (i = 0; i < 5 && S.eintr_returns == before; i++) {
		/* a signal that finds the thread between two WORK calls makes no EINTR: send another */
		pthread_kill(S.workers[0], SIGUSR1);
		FX_AWAIT(S.eintr_returns > before, 1000);
	}
	ok(S.eintr_returns > before, "SIGUSR1 makes WORK return EINTR (%d times)", S.eintr_returns - before);
	ok(FX(&S, __NR_getpid) == getpid(), "syscall threads re-entered and still work");
}

static cpu_set_t pinned_seen;
static void *pin_worker(void *arg)
{
	struct fx *s = arg;
	struct flexsc_work w = { .spin_us = 10 };

	while (ioctl(s->fd, FLEXSC_IOC_WORK, &w) == 0 && w.reason != FLEXSC_WORK_STOPPED)
		;
	sched_getaffinity(0, sizeof(pinned_seen), &pinned_seen);
	return NULL;
}

static void test_pinning(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int cpu = ncpu > 1 ? 1 : 0;
	uint64_t mask = 1ull << cpu;
	struct fx p;
	pthread_t th;
	int r;

	memset(&p, 0, sizeof(p));
	p.fd = open(FLEXSC_DEVICE, O_RDWR | O_CLOEXEC);
	p.reg.nentries = 4;
	p.reg.cpumask_ptr = (uintptr_t)&mask;
	p.reg.cpumask_size = 8;
	r = ioctl(p.fd, FLEXSC_IOC_REGISTER, &p.reg);
	ok(r == 0, "REGISTER with cpumask {%d}", cpu);
	p.area = mmap(NULL, p.reg.area_size, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd, 0);
	p.hdr = p.area;
	p.ent = (struct flexsc_entry *)((char *)p.area + p.reg.entries_offset);
	pthread_create(&th, NULL, pin_worker, &p);
	ok(FX(&p, __NR_getpid) == getpid(), "pinned session works");
	ioctl(p.fd, FLEXSC_IOC_STOP);
	pthread_join(th, NULL);
	ok(CPU_COUNT(&pinned_seen) == 1 && CPU_ISSET(cpu, &pinned_seen),
	   "syscall thread pinned to cpu %d (count %d)", cpu, CPU_COUNT(&pinned_seen));
	{
		struct flexsc_work w = { 0 };

		ok(ioctl(p.fd, FLEXSC_IOC_WORK, &w) == 0 && w.reason == FLEXSC_WORK_STOPPED,
		   "STOP is sticky");
	}
	munmap(p.area, p.reg.area_size);
	close(p.fd);
}

int main(void)
{
	int r;

	t_start("flexsc_threads");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	r = fx_open(&S, NSUB * PER);
	ok(r == 0, "session with %d entries (%d)", NSUB * PER, r);
	if (r)
		return t_end();
	S.spin_us = 20;
	fx_start(&S, 2);
	test_many_threads();
	test_batch_wait_any();
	test_need_wakeup();
	test_blocking_and_timeout();
	test_taskwork();
	test_signals();
	fx_close(&S);
	test_pinning();
	return t_end();
}
