// SPDX-License-Identifier: GPL-2.0
/*
 * handoff: the three host figures the kmod engine's performance model is built from
 * (bench/RESULTS.md, "A performance model of the kmod engine on real hardware").
 *
 *   trap     ns per trapped getpid (syscall(SYS_getpid) in a loop)
 *   line     ns per one-way cache-line hand-off between CPU 0 and CPU 1: two threads
 *            take turns writing one shared, cache-line-aligned word and spin until the
 *            other's write arrives (round trip / 2)
 *   switch   ns per hand-off between two threads on ONE CPU that wake each other
 *            with futex(FUTEX_WAKE)/futex(FUTEX_WAIT) (a wake-up, a wait and a context
 *            switch each way: round trip / 2)
 *
 * Each figure is the median (and the minimum) of 7 rounds of HANDOFF_MS (default 200) milliseconds:
 * on a machine with other work the minimum is the closer to the hardware's figure.
 * Only ratios between figures of one run mean anything on a shared or emulated CPU.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 7

static long run_ms = 200;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, ROUNDS, sizeof(*v), cmp);
	return v[ROUNDS / 2];
}

static double minimum(double *v)
{
	qsort(v, ROUNDS, sizeof(*v), cmp);
	return v[0];
}

static double trap_round(void)
{
	uint64_t n = 0, t0 = now_ns(), end = t0 + run_ms * 1000000ull, t;

	do {
		for (int i = 0; i < 1000; i++)
			syscall(SYS_getpid);
		n += 1000;
	} while ((t = now_ns()) < end);
	return (double)(t - t0) / n;
}

/* Ping-pong state: one word per cache line, both threads spin on it. */
static _Alignas(64) _Atomic uint32_t word;
static _Atomic int stop;
static int other_cpu;
static int use_futex;

static void futex_wait(_Atomic uint32_t *w, uint32_t v)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* The partner turns every odd value into the next even one. */
static void *partner(void *arg)
{
	(void)arg;
	pin(other_cpu);
	for (;;) {
		uint32_t v = atomic_load_explicit(&word, memory_order_acquire);

		if (atomic_load_explicit(&stop, memory_order_relaxed))
			return NULL;
		if (v & 1) {
			atomic_store_explicit(&word, v + 1, memory_order_release);
			if (use_futex)
				futex_wake(&word);
		} else if (use_futex) {
			futex_wait(&word, v);
		}
	}
}

static double pingpong_round(int cpu_a, int cpu_b, int futex)
{
	pthread_t t;
	uint64_t n = 0, t0, end, now;

	use_futex = futex;
	other_cpu = cpu_b;
	atomic_store(&word, 0);
	atomic_store(&stop, 0);
	pin(cpu_a);
	pthread_create(&t, NULL, partner, NULL);
	t0 = now_ns();
	end = t0 + run_ms * 1000000ull;
	do {
		for (int i = 0; i < 100; i++) {
			uint32_t v = atomic_load_explicit(&word, memory_order_acquire);

			atomic_store_explicit(&word, v + 1, memory_order_release);
			if (futex)
				futex_wake(&word);
			while (atomic_load_explicit(&word, memory_order_acquire) == v + 1) {
				if (futex)
					futex_wait(&word, v + 1);
			}
		}
		n += 100;
	} while ((now = now_ns()) < end);
	atomic_store(&stop, 1);
	atomic_fetch_add(&word, 2); /* odd stays odd: the partner sees stop and leaves */
	futex_wake(&word);
	pthread_join(t, NULL);
	return (double)(now - t0) / n / 2;
}

int main(void)
{
	double trap[ROUNDS], line[ROUNDS], sw[ROUNDS];
	const char *ms = getenv("HANDOFF_MS");
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (ms)
		run_ms = atol(ms);
	for (int r = 0; r < ROUNDS; r++) {
		trap[r] = trap_round();
		line[r] = ncpu > 1 ? pingpong_round(0, 1, 0) : 0;
		sw[r] = pingpong_round(0, 0, 1);
	}
	printf("         median      min\n");
	printf("trap   %8.1f %8.1f ns  (getpid)\n", median(trap), minimum(trap));
	if (ncpu > 1)
		printf("line   %8.1f %8.1f ns  (one-way cache-line hand-off, CPU 0 <-> CPU 1)\n", median(line),
		       minimum(line));
	else
		printf("line        n/a  (one CPU)\n");
	printf("switch %8.1f %8.1f ns  (one-way futex wake + context switch on one CPU)\n", median(sw), minimum(sw));
	printf("ratios: line/trap %.2f, switch/trap %.2f\n", median(line) / median(trap), median(sw) / median(trap));
	return 0;
}
