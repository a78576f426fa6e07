// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping (vm_insert_pages at mmap time, no fault handler, no VM_IO):
 * a second mapping of the same session shares the pages; fork does not
 * inherit the area (VM_DONTCOPY) unless the owner asks with MADV_DOFORK: the
 * child then shares it, can post entries that the parent's syscall threads
 * run (with the parent's identity) but still cannot use the session's
 * ioctls; MADV_DONTFORK ends that; MADV_DONTNEED removes the pages from the
 * mapping for good (SIGBUS on the next access, in a child).
 */
#include "flexsc_test.h"

static struct fx S;

static int child_posts(void)
{
	struct flexsc_entry *e = &S.ent[2];
	unsigned char vec[1];
	int i;

	if (mincore(S.area, 4096, vec))
		return 2;	/* no mapping */
	if (S.hdr->magic != FLEXSC_MAGIC)
		return 3;
	if (ioctl(S.fd, FLEXSC_IOC_WAKE) == 0 || errno != EPERM)
		return 4;
	e->nr = __NR_getpid;
	__atomic_store_n(&e->status, FLEXSC_STATUS_SUBMITTED, __ATOMIC_RELEASE);
	for (i = 0; i < 10000 && __atomic_load_n(&e->status, __ATOMIC_ACQUIRE) != FLEXSC_STATUS_DONE; i++)
		usleep(1000);	/* polling the entry, 10 s max; the parent keeps waking */
	if (__atomic_load_n(&e->status, __ATOMIC_ACQUIRE) != FLEXSC_STATUS_DONE)
		return 5;
	if (e->result != getppid())
		return 6;
	e->status = FLEXSC_STATUS_FREE;
	return 0;
}

static int child_sees_nothing(void)
{
	unsigned char vec[1];

	return mincore(S.area, 4096, vec) == -1 && errno == ENOMEM ? 0 : 2;
}

/* Fork fn; the parent keeps the syscall thread awake until the child is done. */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int st, i;

	if (pid == 0) {
		alarm(60);
		_exit(fn());
	}
	for (i = 0; i < 30000; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
		ioctl(S.fd, FLEXSC_IOC_WAKE);
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 200;
}

/* In a child: own session, MADV_DONTNEED, touch the header. */
static int child_dontneed(void)
{
	struct fx s;
	volatile uint32_t magic;

	if (fx_open(&s, 4))
		return 2;
	if (madvise(s.area, s.reg.area_size, MADV_DONTNEED))
		return 3;
	magic = s.hdr->magic;	/* SIGBUS here */
	(void)magic;
	return 4;
}

int main(void)
{
	size_t sz;
	void *second;
	int r, st;
	pid_t pid;

	t_start("flexsc_mapping");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	r = fx_open(&S, 16);
	ok(r == 0, "session open (%d)", r);
	if (r)
		return t_end();
	sz = S.reg.area_size;
	fx_start(&S, 1);

	second = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, S.fd, 0);
	ok(second != MAP_FAILED, "a second mapping of the session");
	if (second != MAP_FAILED) {
		struct flexsc_entry *e2 = (struct flexsc_entry *)((char *)second + S.reg.entries_offset);

		S.ent[3].tag = 0x1234567;
		ok(((struct flexsc_header *)second)->magic == FLEXSC_MAGIC && e2[3].tag == 0x1234567,
		   "shares the pages with the first");
		munmap(second, sz);
	}

	r = in_child(child_sees_nothing);
	ok(r == 0, "fork: the child has no mapping (VM_DONTCOPY) (rc %d)", r);
	ok(madvise(S.area, sz, MADV_DOFORK) == 0, "MADV_DOFORK accepted (%s)", strerror(errno));
	r = in_child(child_posts);
	ok(r == 0, "after MADV_DOFORK the child shares the area, its getpid entry runs in the parent's "
	   "syscall thread, its ioctls get EPERM (rc %d)", r);
	ok(madvise(S.area, sz, MADV_DONTFORK) == 0, "MADV_DONTFORK");
	r = in_child(child_sees_nothing);
	ok(r == 0, "then the child has no mapping again (rc %d)", r);
	ok(FX(&S, __NR_getpid) == getpid(), "parent's session still works");

	pid = fork();
	if (pid == 0) {
		alarm(60);
		_exit(child_dontneed());
	}
	st = 0;
	r = pid > 0 && waitpid(pid, &st, 0) == pid;
	ok(r && WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
	   "MADV_DONTNEED on an area: the next access gets SIGBUS (status %#x)", st);
	fx_close(&S);
	return t_end();
}
