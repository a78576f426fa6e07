// SPDX-License-Identifier: GPL-2.0
/*
 * Re-entry: entries that ioctl() a descriptor which sibling threads keep
 * dup2()ing between /dev/null and the flexsc file.  The fd check in the
 * module looks the descriptor up once, the ioctl looks it up again; if the
 * flexsc file is there the second time, FLEXSC_IOC_WORK would run inside a
 * syscall thread's entry (and recurse until the kernel stack overflows,
 * which panics the guest).  The module refuses every flexsc ioctl from a task
 * inside FLEXSC_IOC_WORK (EDEADLK); the fd check gives EPERM; /dev/null gives
 * ENOTTY.  Nothing else may come back, and the session must stay usable.
 *
 * FLEXSC_REENTRY_SECS: duration of the race (default 6).
 */
#include "flexsc_test.h"

#define NSUB		3
#define PER		8
#define NRACE		2

static struct fx S;
static int target_fd, null_fd;
static volatile int stop;
static long long n_eperm, n_edeadlk, n_enotty, n_other, n_calls, n_dup2;
static long long last_other;

static void *racer(void *arg)
{
	long long n = 0;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		dup2(S.fd, target_fd);
		dup2(null_fd, target_fd);
		n += 2;
	}
	__atomic_add_fetch(&n_dup2, n, __ATOMIC_RELAXED);
	return NULL;
}

static void *submitter(void *arg)
{
	int t = (int)(intptr_t)arg, i;
	/* a valid FLEXSC_IOC_WORK argument, in case a nested WORK ever ran */
	static struct flexsc_work wa[NSUB][PER];
	unsigned long cmds[3] = { FLEXSC_IOC_WORK, FLEXSC_IOC_WAKE, FLEXSC_IOC_STATS };
	static struct flexsc_stats st[NSUB][PER];

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < PER; i++) {
			unsigned int idx = t * PER + i;
			unsigned long cmd = cmds[i % 3];
			void *p = cmd == FLEXSC_IOC_STATS ? (void *)&st[t][i] : (void *)&wa[t][i];

			wa[t][i] = (struct flexsc_work){ .spin_us = 1 };
			fx_submit(&S, idx, __NR_ioctl, target_fd, cmd, FXA(p), 0, 0, 0);
		}
		fx_kick(&S);
		for (i = 0; i < PER; i++) {
			int64_t r = fx_reap(&S, t * PER + i);

			__atomic_add_fetch(&n_calls, 1, __ATOMIC_RELAXED);
			if (r == -EPERM)
				__atomic_add_fetch(&n_eperm, 1, __ATOMIC_RELAXED);
			else if (r == -EDEADLK)
				__atomic_add_fetch(&n_edeadlk, 1, __ATOMIC_RELAXED);
			else if (r == -ENOTTY)
				__atomic_add_fetch(&n_enotty, 1, __ATOMIC_RELAXED);
			else {
				__atomic_add_fetch(&n_other, 1, __ATOMIC_RELAXED);
				last_other = r;
			}
		}
	}
	return NULL;
}

int main(void)
{
	pthread_t sub[NSUB], race[NRACE];
	const char *e = getenv("FLEXSC_REENTRY_SECS");
	int secs = e ? atoi(e) : 6, i, r;
	struct timespec t0, t1;

	t_start("flexsc_reentry");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	r = fx_open(&S, NSUB * PER);
	ok(r == 0, "session open (%d)", r);
	if (r)
		return t_end();
	fx_start(&S, 4);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	target_fd = dup(null_fd);
	ok(null_fd >= 0 && target_fd >= 0, "descriptors");

	/* Direct checks first: the fd check and the guard, one at a time. */
	ok(FX(&S, __NR_ioctl, S.fd, FLEXSC_IOC_WAKE) == -EPERM, "ioctl entry on the flexsc fd: -EPERM");
	ok(FX(&S, __NR_ioctl, null_fd, FLEXSC_IOC_WAKE) == -ENOTTY, "same ioctl on /dev/null: -ENOTTY");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < NRACE; i++)
		pthread_create(&race[i], NULL, racer, NULL);
	for (i = 0; i < NSUB; i++)
		pthread_create(&sub[i], NULL, submitter, (void *)(intptr_t)i);
	do {
		struct timespec d = { .tv_sec = 0, .tv_nsec = 100000000 };

		nanosleep(&d, NULL);	/* the race's duration, not synchronisation */
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while (t1.tv_sec - t0.tv_sec < secs);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < NSUB; i++)
		pthread_join(sub[i], NULL);
	for (i = 0; i < NRACE; i++)
		pthread_join(race[i], NULL);
	printf("# %lld ioctl entries in %d s against %lld dup2: %lld EPERM (fd check), %lld EDEADLK "
	       "(re-entry guard), %lld ENOTTY (/dev/null), %lld other\n",
	       n_calls, secs, n_dup2, n_eperm, n_edeadlk, n_enotty, n_other);
	ok(n_calls > 0 && n_dup2 > 0, "the race ran (%lld entries, %lld dup2)", n_calls, n_dup2);
	ok(n_eperm > 0 && n_enotty > 0, "both files were seen (%lld EPERM, %lld ENOTTY)", n_eperm, n_enotty);
	ok(n_other == 0, "no entry returned anything else (%lld, last %lld)", n_other, last_other);
	ok(FX(&S, __NR_getpid) == getpid(), "session still works");
	fx_close(&S);
	close(target_fd);
	close(null_fd);
	return t_end();
}
