// SPDX-License-Identifier: GPL-2.0
/*
 * Security model: seccomp and ptrace refusal, per-batch re-check, fork
 * isolation (the child neither sees the mapping nor may use the session),
 * and madvise/mremap games on the area.
 */
#include "flexsc_test.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>

static int install_allow_all(unsigned int flags)
{
	struct sock_filter f[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { .len = 1, .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/* Run fn in a child; returns its exit code (or 100+signal). */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		alarm(60);
		_exit(fn());
	}
	if (waitpid(pid, &st, 0) != pid)
		return 200;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static int child_seccomp_register(void)
{
	struct flexsc_register r = { .nentries = 8 };
	int fd;

	if (install_allow_all(0))
		return 2;
	fd = open(FLEXSC_DEVICE, O_RDWR);
	if (fd < 0)
		return 3;
	if (ioctl(fd, FLEXSC_IOC_REGISTER, &r) == 0)
		return 4;
	return errno == EPERM ? 0 : 5;
}

static int child_seccomp_later(void)
{
	struct flexsc_stats st;
	struct fx s;
	int64_t r;

	if (fx_open(&s, 8))
		return 2;
	fx_start(&s, 1);
	if (FX(&s, __NR_getpid) != getpid())
		return 3;
	/* TSYNC: the filter also lands on the syscall thread */
	if (install_allow_all(SECCOMP_FILTER_FLAG_TSYNC))
		return 4;
	r = FX(&s, __NR_getpid);
	if (r != -EPERM)
		return 5;
	if (FX(&s, __NR_write, 1, FXA("x"), 0) != -EPERM)
		return 6;
	ioctl(s.fd, FLEXSC_IOC_STOP);
	pthread_join(s.workers[0], NULL);	/* its counters are flushed now */
	s.nworkers = 0;
	memset(&st, 0, sizeof(st));
	ioctl(s.fd, FLEXSC_IOC_STATS, &st);
	fx_close(&s);
	return st.eperm >= 2 ? 0 : 7;
}

static void test_seccomp(void)
{
	int rc = in_child(child_seccomp_register);

	ok(rc == 0, "seccomp filter -> REGISTER fails with EPERM (child rc %d)", rc);
	rc = in_child(child_seccomp_later);
	ok(rc == 0, "filter installed after REGISTER -> next batch gets -EPERM (child rc %d)", rc);
}

static void test_ptrace(void)
{
	pid_t pid = fork();
	int st, n = 0;

	if (pid == 0) {
		struct flexsc_register r = { .nentries = 8 };
		int fd;

		alarm(60);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0))
			_exit(2);
		raise(SIGSTOP);
		fd = open(FLEXSC_DEVICE, O_RDWR);
		if (fd < 0)
			_exit(3);
		if (ioctl(fd, FLEXSC_IOC_REGISTER, &r) == 0)
			_exit(4);
		_exit(errno == EPERM ? 0 : 5);
	}
	while (waitpid(pid, &st, 0) == pid && WIFSTOPPED(st) && n++ < 10000)
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "traced at syscall entry -> REGISTER fails with EPERM (status %#x)", st);
}

static struct fx S;

static int child_fork_view(void)
{
	struct flexsc_wait w = { .index = 0 };
	struct flexsc_register r = { .nentries = 8 };
	unsigned char vec[4];
	uint32_t v;
	void *p;

	if (mincore(S.area, 4096, vec) == 0 || errno != ENOMEM)
		return 2;	/* the area must not exist in the child */
	if (ioctl(S.fd, FLEXSC_IOC_WAKE) == 0 || errno != EPERM)
		return 3;
	if (ioctl(S.fd, FLEXSC_IOC_WAIT, &w) == 0 || errno != EPERM)
		return 4;
	if (ioctl(S.fd, FLEXSC_IOC_REGISTER, &r) == 0 || errno != EPERM)
		return 5;
	p = mmap(NULL, S.reg.area_size, PROT_READ | PROT_WRITE, MAP_SHARED, S.fd, 0);
	if (p != MAP_FAILED || errno != EPERM)
		return 6;
	if (ioctl(S.fd, FLEXSC_IOC_VERSION, &v) || v != FLEXSC_ABI_VERSION)
		return 7;
	return 0;
}

static void test_fork(void)
{
	int rc;
	void *target, *n;
	size_t sz = S.reg.area_size;

	rc = in_child(child_fork_view);
	ok(rc == 0, "forked child: no mapping, session ioctls/mmap EPERM (rc %d)", rc);
	/* MADV_DOFORK and MADV_DONTNEED: flexsc_mapping.c */

	target = mmap(NULL, sz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	n = mremap(S.area, sz, sz, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	ok(n == target, "mremap the area to a new address");
	if (n == target) {
		S.area = n;
		S.hdr = n;
		S.ent = (struct flexsc_entry *)((char *)n + S.reg.entries_offset);
	}
	ok(FX(&S, __NR_getpid) == getpid() && S.hdr->magic == FLEXSC_MAGIC, "session works after mremap");
	n = mremap(S.area, sz, sz + 4096, MREMAP_MAYMOVE);
	ok(n == MAP_FAILED, "mremap cannot grow the area");
	n = mremap(S.area, 0, sz, MREMAP_MAYMOVE);
	ok(n == MAP_FAILED || munmap(n, sz) == 0, "mremap duplicate refused or harmless");
	rc = in_child(child_fork_view);
	ok(rc == 0, "after mremap the child still sees nothing (rc %d)", rc);
	ok(mprotect(S.area, sz, PROT_READ | PROT_WRITE | PROT_EXEC) == -1, "mprotect +x refused");
	ok(munmap((char *)S.area + sz - 4096, 4096) == 0, "partial munmap of the last page");
	ok(FX(&S, __NR_getpid) == getpid(), "session works after partial munmap");
}

static int child_passed_fd(void)
{
	/* A different process (fresh exec image not needed: fork already has another mm). */
	struct flexsc_work w = { 0 };

	return ioctl(S.fd, FLEXSC_IOC_WORK, &w) == -1 && errno == EPERM ? 0 : 2;
}

int main(void)
{
	int r;

	t_start("flexsc_security");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	test_seccomp();
	test_ptrace();
	r = fx_open(&S, 128);	/* 2 entry pages: the partial munmap test drops the last */
	ok(r == 0, "session open (%d)", r);
	if (r)
		return t_end();
	fx_start(&S, 1);
	ok(in_child(child_passed_fd) == 0, "other mm cannot become a syscall thread (EPERM)");
	test_fork();
	fx_close(&S);
	return t_end();
}
