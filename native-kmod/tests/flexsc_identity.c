// SPDX-License-Identifier: GPL-2.0
/*
 * Identity: REGISTER records the caller's credentials, fs context and file
 * table; a thread whose identity differs (raw per-thread setfsuid,
 * unshare(CLONE_FILES), unshare(CLONE_FS)) is refused WORK, WAKE and WAIT
 * with EXDEV, and gets them back once its identity matches again.  The
 * module cannot see which thread wrote an entry: an entry posted by a thread
 * with another fsuid runs with the registration's identity (documented;
 * checked here so that a change of that behaviour is noticed).  Needs root.
 */
#include "flexsc_test.h"

static struct fx S;
static char secret[256];

struct res {
	int work_errno, wake_errno, wait_errno;
	int restored_ok;
};

static int work_errno(void)
{
	struct flexsc_work w = { .spin_us = 1 };

	/* STOP is not set: a matching identity would sit in WORK; the
	 * threads below only call it while their identity differs. */
	return ioctl(S.fd, FLEXSC_IOC_WORK, &w) ? errno : 0;
}

static void probe(struct res *r)
{
	struct flexsc_wait w = { .index = 0, .timeout_ns = 0 };

	r->work_errno = work_errno();
	r->wake_errno = ioctl(S.fd, FLEXSC_IOC_WAKE) ? errno : 0;
	r->wait_errno = ioctl(S.fd, FLEXSC_IOC_WAIT, &w) ? errno : 0;
}

static void *fsuid_thread(void *arg)
{
	struct res *r = arg;
	struct flexsc_wait w = { .index = 0, .timeout_ns = 0 };

	syscall(SYS_setfsuid, 12345);	/* this thread only */
	probe(r);
	syscall(SYS_setfsuid, 0);
	r->restored_ok = ioctl(S.fd, FLEXSC_IOC_WAKE) == 0 && ioctl(S.fd, FLEXSC_IOC_WAIT, &w) == 0;
	return NULL;
}

static void *files_thread(void *arg)
{
	if (unshare(CLONE_FILES) == 0)
		probe(arg);
	return NULL;
}

static void *fs_thread(void *arg)
{
	if (unshare(CLONE_FS) == 0)
		probe(arg);
	return NULL;
}

struct sub {
	int direct_errno, wake_errno;
};

/*
 * Post openat(secret) from a thread with fsuid 12345 and return; the
 * registering thread (root) kicks and reaps it: the module cannot tell who
 * wrote the entry, and this thread's own WAKE is refused.
 */
static void *fsuid_submitter(void *arg)
{
	struct sub *r = arg;
	int fd;

	syscall(SYS_setfsuid, 12345);
	fd = open(secret, O_RDONLY | O_CLOEXEC);
	r->direct_errno = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	fx_submit(&S, 0, __NR_openat, AT_FDCWD, FXA(secret), O_RDONLY | O_CLOEXEC, 0, 0, 0);
	r->wake_errno = ioctl(S.fd, FLEXSC_IOC_WAKE) ? errno : 0;
	syscall(SYS_setfsuid, 0);
	return NULL;
}

/* Run fn in a thread; a thread wrongly admitted to WORK is signalled out
 * (SIGUSR1, no SA_RESTART: WORK fails with EINTR) after 10 s. */
static void run(void *(*fn)(void *), void *arg)
{
	struct timespec dl;
	pthread_t t;

	pthread_create(&t, NULL, fn, arg);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 10;
	if (pthread_timedjoin_np(t, NULL, &dl)) {
		printf("# thread still inside after 10 s: SIGUSR1\n");
		pthread_kill(t, SIGUSR1);
		pthread_join(t, NULL);
	}
}

int main(void)
{
	struct res r;
	struct sub sb = { 0 };
	int64_t via;
	int rc, fd;

	t_start("flexsc_identity");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	if (geteuid() != 0) {
		ok(0, "needs root");
		return t_end();
	}
	rc = fx_open(&S, 4);
	ok(rc == 0, "session open (%d)", rc);
	if (rc)
		return t_end();

	memset(&r, 0, sizeof(r));
	run(fsuid_thread, &r);
	ok(r.work_errno == EXDEV && r.wake_errno == EXDEV && r.wait_errno == EXDEV,
	   "thread with its own fsuid: WORK/WAKE/WAIT -> EXDEV (%s/%s/%s)", strerror(r.work_errno),
	   strerror(r.wake_errno), strerror(r.wait_errno));
	ok(r.restored_ok, "same thread after setfsuid(0): WAKE and WAIT accepted again");

	memset(&r, 0, sizeof(r));
	run(files_thread, &r);
	ok(r.work_errno == EXDEV && r.wake_errno == EXDEV && r.wait_errno == EXDEV,
	   "thread after unshare(CLONE_FILES): WORK/WAKE/WAIT -> EXDEV (%s/%s/%s)",
	   strerror(r.work_errno), strerror(r.wake_errno), strerror(r.wait_errno));

	memset(&r, 0, sizeof(r));
	run(fs_thread, &r);
	ok(r.work_errno == EXDEV && r.wake_errno == EXDEV && r.wait_errno == EXDEV,
	   "thread after unshare(CLONE_FS): WORK/WAKE/WAIT -> EXDEV (%s/%s/%s)", strerror(r.work_errno),
	   strerror(r.wake_errno), strerror(r.wait_errno));

	/* A syscall thread with the registration's identity works. */
	fx_start(&S, 1);
	ok(FX(&S, __NR_getpid) == getpid(), "syscall thread with the registration's identity runs entries");

	snprintf(secret, sizeof(secret), "%s/flexsc-identity-secret", tmpdir());
	fd = open(secret, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	ok(fd >= 0 && fchown(fd, 0, 0) == 0, "root-only file %s", secret);
	if (fd >= 0)
		close(fd);
	run(fsuid_submitter, &sb);
	ok(sb.direct_errno == EACCES, "fsuid 12345 opening it directly: EACCES (%s)", strerror(sb.direct_errno));
	ok(sb.wake_errno == EXDEV, "its WAKE: EXDEV (%s)", strerror(sb.wake_errno));
	fx_kick(&S);
	via = fx_reap(&S, 0);
	ok(via >= 0, "its openat entry ran with the registration's identity (result %lld)", (long long)via);
	if (via >= 0)
		FX(&S, __NR_close, (uint64_t)via);
	unlink(secret);
	fx_close(&S);
	return t_end();
}
