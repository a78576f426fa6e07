// SPDX-License-Identifier: GPL-2.0
/*
 * flexsc_bench: per-call cost of direct system calls vs FlexSC entries.
 *
 * Calls: getpid, and write(2) of 64 bytes to /dev/null.  Batches of 1, 8,
 * 32, 64 entries, from 1 and 2 submitting threads pinned on CPU 0, with one
 * syscall thread pinned on CPU 1 (the "other" CPU; everything shares CPU 0
 * on a single-CPU machine).  Submitters wait for completion by polling the
 * status words (no system call on the submit/complete path unless the
 * syscall thread went to sleep, which the long spin_us avoids).
 *
 * Each cell runs for FLEXSC_BENCH_MS milliseconds (default 300).  Output:
 * ns/call = wall time / calls, summed over submitting threads; ratio =
 * flexsc / direct (< 1 means FlexSC is cheaper).  Under emulation (TCG) only
 * the ratios within one run mean anything.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "uapi/flexsc.h"

#define MAXB	64
#define MAXT	2

static int sub_cpu, sys_cpu, devnull, fd;
static long run_ms = 300;
static struct flexsc_header *hdr;
static struct flexsc_entry *ent;
static char wbuf[64];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	sched_setaffinity(0, sizeof(s), &s);
}

struct job {
	int call;	/* 0 getpid, 1 write */
	int flexsc;
	int batch;
	int tid;
	volatile int *go;
	uint64_t calls;
	uint64_t bad;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	uint64_t end, n = 0, bad = 0;
	int base = j->tid * MAXB, i;

	pin(sub_cpu);
	while (!*j->go)
		;
	end = now_ns() + (uint64_t)run_ms * 1000000ull;
	while (now_ns() < end) {
		if (!j->flexsc) {
			for (i = 0; i < j->batch; i++) {
				long r = j->call ? syscall(SYS_write, devnull, wbuf, 64)
						 : syscall(SYS_getpid);
				bad += r < 0;
			}
		} else {
			for (i = 0; i < j->batch; i++) {
				struct flexsc_entry *e = &ent[base + i];

				e->nr = j->call ? __NR_write : __NR_getpid;
				e->args[0] = (uint64_t)devnull;
				e->args[1] = (uint64_t)(uintptr_t)wbuf;
				e->args[2] = 64;
				__atomic_store_n(&e->status, FLEXSC_STATUS_SUBMITTED, __ATOMIC_RELEASE);
			}
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (__atomic_load_n(&hdr->flags, __ATOMIC_RELAXED) & FLEXSC_HDR_NEED_WAKEUP)
				ioctl(fd, FLEXSC_IOC_WAKE);
			for (i = 0; i < j->batch; i++) {
				struct flexsc_entry *e = &ent[base + i];
				unsigned int spins = 0;

				while (__atomic_load_n(&e->status, __ATOMIC_ACQUIRE) != FLEXSC_STATUS_DONE)
					if (++spins % 256 == 0)
						sched_yield();
				bad += e->result < 0;
				e->status = FLEXSC_STATUS_FREE;
			}
		}
		n += j->batch;
	}
	j->calls = n;
	j->bad = bad;
	return NULL;
}

/* Returns ns per call over all threads (wall time / total calls). */
static double measure(int call, int flexsc, int batch, int nthreads, uint64_t *bad)
{
	struct job j[MAXT];
	pthread_t th[MAXT];
	volatile int go = 0;
	uint64_t t0, t1, calls = 0;
	int i;

	for (i = 0; i < nthreads; i++) {
		j[i] = (struct job){ .call = call, .flexsc = flexsc, .batch = batch, .tid = i, .go = &go };
		pthread_create(&th[i], NULL, run_job, &j[i]);
	}
	usleep(20000);
	t0 = now_ns();
	go = 1;
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		calls += j[i].calls;
		*bad += j[i].bad;
	}
	t1 = now_ns();
	return calls ? (double)(t1 - t0) / (double)calls : 0;
}

static volatile int stop_workers;

static void *syscall_thread(void *arg)
{
	struct flexsc_work w = { .spin_us = 100000 };

	(void)arg;
	pin(sys_cpu);
	while (!stop_workers) {
		w.flags = 0;
		if (ioctl(fd, FLEXSC_IOC_WORK, &w) && errno != EINTR)
			break;
		if (w.reason == FLEXSC_WORK_STOPPED)
			break;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const int batches[] = { 1, 8, 32, 64 };
	static const char *const names[] = { "getpid", "write64" };
	struct flexsc_register reg = { .nentries = MAXB * MAXT };
	struct flexsc_stats st;
	uint64_t mask, bad = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const char *ms = getenv("FLEXSC_BENCH_MS");
	pthread_t worker;
	void *area;
	int c, t, b;

	(void)argc;
	(void)argv;
	if (ms && atol(ms) > 0)
		run_ms = atol(ms);
	sub_cpu = 0;
	sys_cpu = ncpu > 1 ? 1 : 0;
	mask = 1ull << sys_cpu;
	memset(wbuf, 'x', sizeof(wbuf));
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	fd = open(FLEXSC_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("open " FLEXSC_DEVICE);
		return 2;
	}
	reg.cpumask_ptr = (uintptr_t)&mask;
	reg.cpumask_size = sizeof(mask);
	if (ioctl(fd, FLEXSC_IOC_REGISTER, &reg)) {
		perror("FLEXSC_IOC_REGISTER");
		return 2;
	}
	area = mmap(NULL, reg.area_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (area == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	hdr = area;
	ent = (struct flexsc_entry *)((char *)area + reg.entries_offset);
	pthread_create(&worker, NULL, syscall_thread, NULL);

	printf("flexsc_bench: %ld CPUs online, submitters on CPU %d, syscall thread on CPU %d, %ld ms per cell\n",
	       ncpu, sub_cpu, sys_cpu, run_ms);
	printf("%-8s %7s %5s %14s %14s %8s\n", "call", "threads", "batch", "direct ns/call",
	       "flexsc ns/call", "ratio");
	for (c = 0; c < 2; c++) {
		for (t = 1; t <= MAXT; t++) {
			double direct = measure(c, 0, 1, t, &bad);

			for (b = 0; b < 4; b++) {
				double fx = measure(c, 1, batches[b], t, &bad);

				printf("%-8s %7d %5d %14.1f %14.1f %8.2f\n", names[c], t, batches[b],
				       direct, fx, direct > 0 ? fx / direct : 0);
				fflush(stdout);
			}
		}
	}
	stop_workers = 1;
	ioctl(fd, FLEXSC_IOC_STOP);
	pthread_join(worker, NULL);
	if (ioctl(fd, FLEXSC_IOC_STATS, &st) == 0)
		printf("session: entries %llu batches %llu empty_scans %llu sleeps %llu wakeups %llu\n",
		       (unsigned long long)st.entries, (unsigned long long)st.batches,
		       (unsigned long long)st.empty_scans, (unsigned long long)st.sleeps,
		       (unsigned long long)st.wakeups);
	printf("errors: %llu\n", (unsigned long long)bad);
	munmap(area, reg.area_size);
	close(fd);
	return bad ? 1 : 0;
}
