/* SPDX-License-Identifier: GPL-2.0 */
/* Shared helpers of the flexsc selftests: TAP output and a small session API. */
#ifndef FLEXSC_TEST_H
#define FLEXSC_TEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/flexsc.h"

static int t_num, t_pass, t_fail, t_skip;

static void __attribute__((format(printf, 2, 3))) ok(int cond, const char *fmt, ...)
{
	va_list ap;

	t_num++;
	if (cond)
		t_pass++;
	else
		t_fail++;
	printf("%sok %d - ", cond ? "" : "not ", t_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void __attribute__((format(printf, 1, 2))) skip(const char *fmt, ...)
{
	va_list ap;

	t_num++;
	t_skip++;
	printf("ok %d - # SKIP ", t_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void t_start(const char *name)
{
	printf("TAP version 13\n# %s\n", name);
	fflush(stdout);
}

static int t_end(void)
{
	printf("1..%d\n", t_num);
	if (t_skip)
		printf("%d passed, %d failed, %d skipped\n", t_pass - t_skip, t_fail, t_skip);
	else
		printf("%d passed, %d failed\n", t_pass, t_fail);
	fflush(stdout);
	return t_fail ? 1 : 0;
}

static const char *tmpdir(void)
{
	const char *d = getenv("FLEXSC_TMP");

	return d && *d ? d : "/tmp";
}

/* Load the module from FLEXSC_KO if /dev/flexsc does not exist yet. */
/* Writes v to a sysfs or cgroup file: 0, or -errno. */
static int t_write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, strlen(v)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int ensure_module(void)
{
	const char *ko = getenv("FLEXSC_KO");
	int fd, i;

	if (access(FLEXSC_DEVICE, F_OK) == 0)
		return 0;
	if (!ko)
		return -1;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST) {
		close(fd);
		return -1;
	}
	close(fd);
	for (i = 0; i < 200 && access(FLEXSC_DEVICE, F_OK); i++)
		usleep(10000);
	return access(FLEXSC_DEVICE, F_OK);
}

#define FX_MAX_WORKERS 8

struct fx {
	int fd;
	struct flexsc_register reg;
	void *area;
	struct flexsc_header *hdr;
	struct flexsc_entry *ent;
	int nworkers;
	pthread_t workers[FX_MAX_WORKERS];
	int worker_cpu;
	unsigned int spin_us;
	volatile int taskwork_returns;
	volatile int eintr_returns;
};

static void *fx_worker(void *arg)
{
	struct fx *s = arg;

	if (s->worker_cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(s->worker_cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	for (;;) {
		struct flexsc_work w = { .spin_us = s->spin_us };

		if (ioctl(s->fd, FLEXSC_IOC_WORK, &w)) {
			if (errno == EINTR) {
				__atomic_add_fetch(&s->eintr_returns, 1, __ATOMIC_RELAXED);
				continue;
			}
			break;
		}
		if (w.reason == FLEXSC_WORK_STOPPED)
			break;
		if (w.reason == FLEXSC_WORK_TASKWORK)
			__atomic_add_fetch(&s->taskwork_returns, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void fx_nop_handler(int sig)
{
	(void)sig;
}

/* Open, register nentries and map. Returns 0 or -errno. */
static int fx_open(struct fx *s, unsigned int nentries)
{
	struct sigaction sa = { .sa_handler = fx_nop_handler };

	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
	memset(s, 0, sizeof(*s));
	s->worker_cpu = -1;
	s->fd = open(FLEXSC_DEVICE, O_RDWR | O_CLOEXEC);
	if (s->fd < 0)
		return -errno;
	s->reg.nentries = nentries;
	if (ioctl(s->fd, FLEXSC_IOC_REGISTER, &s->reg)) {
		int e = -errno;

		close(s->fd);
		return e;
	}
	s->area = mmap(NULL, s->reg.area_size, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (s->area == MAP_FAILED) {
		int e = -errno;

		close(s->fd);
		return e;
	}
	s->hdr = s->area;
	s->ent = (struct flexsc_entry *)((char *)s->area + s->reg.entries_offset);
	return 0;
}

static void fx_start(struct fx *s, int nworkers)
{
	int i;

	for (i = 0; i < nworkers && s->nworkers < FX_MAX_WORKERS; i++)
		pthread_create(&s->workers[s->nworkers++], NULL, fx_worker, s);
}

/* STOP, then poke workers with SIGUSR1 so a blocking syscall gets EINTR. */
static void fx_close(struct fx *s)
{
	int i, k;

	ioctl(s->fd, FLEXSC_IOC_STOP);
	for (i = 0; i < s->nworkers; i++) {
		for (k = 0; pthread_tryjoin_np(s->workers[i], NULL); k++) {
			if (k % 10 == 9)
				pthread_kill(s->workers[i], SIGUSR1);
			usleep(10000);
		}
	}
	s->nworkers = 0;
	munmap(s->area, s->reg.area_size);
	close(s->fd);
}

static void fx_submit(struct fx *s, unsigned int idx, long nr, uint64_t a0, uint64_t a1,
		      uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct flexsc_entry *e = &s->ent[idx];

	e->nr = (uint32_t)nr;
	e->args[0] = a0;
	e->args[1] = a1;
	e->args[2] = a2;
	e->args[3] = a3;
	e->args[4] = a4;
	e->args[5] = a5;
	e->tag = 0x7a6700000000ull | idx;
	__atomic_store_n(&e->status, FLEXSC_STATUS_SUBMITTED, __ATOMIC_RELEASE);
}

static void fx_kick(struct fx *s)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->hdr->flags, __ATOMIC_RELAXED) & FLEXSC_HDR_NEED_WAKEUP)
		ioctl(s->fd, FLEXSC_IOC_WAKE);
}

/* Wait for entry idx to be DONE (10 s max); returns result, sets FREE. */
static int64_t fx_reap(struct fx *s, unsigned int idx)
{
	struct flexsc_entry *e = &s->ent[idx];
	struct flexsc_wait w = { .index = idx, .timeout_ns = 10000000000ll };
	int64_t r;

	while (__atomic_load_n(&e->status, __ATOMIC_ACQUIRE) != FLEXSC_STATUS_DONE) {
		if (ioctl(s->fd, FLEXSC_IOC_WAIT, &w) && errno == ETIMEDOUT) {
			fprintf(stderr, "# entry %u timed out\n", idx);
			return -99999;
		}
	}
	r = e->result;
	if ((e->tag & 0xffffffff) != idx)
		r = -88888;
	__atomic_store_n(&e->status, FLEXSC_STATUS_FREE, __ATOMIC_RELAXED);
	return r;
}

#define FXA(a) ((uint64_t)(uintptr_t)(a))

/*
 * Waits (polling each millisecond) until cond holds, for at most ms milliseconds; evaluates to
 * whether it held. For waiting on an observable state instead of sleeping a guessed time.
 */
#define FX_AWAIT(cond, ms) ({ int _w; for (_w = 0; _w < (ms) && !(cond); _w++) usleep(1000); !!(cond); })

/* A counter shared with forked children (MAP_SHARED): their progress, seen by the parent. */
static volatile uint64_t *fx_shared_counter(void)
{
	void *p = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int64_t fx_call6(struct fx *s, unsigned int idx, long nr, uint64_t a0, uint64_t a1,
			uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	fx_submit(s, idx, nr, a0, a1, a2, a3, a4, a5);
	fx_kick(s);
	return fx_reap(s, idx);
}

static inline int64_t fx_cv(struct fx *s, long nr, const uint64_t *a)
{
	return fx_call6(s, 0, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* FX(s, __NR_x, arg...): one call through entry 0; pointers need FXA(). */
#define FX(s, nr, ...) fx_cv((s), (nr), (const uint64_t[6]){ __VA_ARGS__ })

/* Direct-syscall result in the kernel convention (-errno on error). */
static inline int64_t kret(long r)
{
	return r == -1 ? -errno : r;
}

#endif
