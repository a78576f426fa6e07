// SPDX-License-Identifier: GPL-2.0
/*
 * Basic ABI checks, bad input, and: every allowlisted call through flexsc
 * gives the same result and side effects as the direct call.
 */
#include "flexsc_test.h"
#include <arpa/inet.h>
#include <linux/stat.h>
#include <netinet/in.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>

static void test_bad_input(void)
{
	struct flexsc_register r;
	struct flexsc_work w = { 0 };
	struct flexsc_wait wt = { 0 };
	uint64_t mask = 1;
	uint32_t v = 0;
	void *p;
	int fd = open(FLEXSC_DEVICE, O_RDWR);

	ok(fd >= 0, "open %s", FLEXSC_DEVICE);
	ok(ioctl(fd, FLEXSC_IOC_VERSION, &v) == 0 && v == FLEXSC_ABI_VERSION,
	   "FLEXSC_IOC_VERSION == %u (got %u)", FLEXSC_ABI_VERSION, v);
	ok(ioctl(fd, FLEXSC_IOC_VERSION, (void *)8) == -1 && errno == EFAULT,
	   "VERSION to bad pointer -> EFAULT");
	ok(ioctl(fd, FLEXSC_IOC_WORK, &w) == -1 && errno == EINVAL, "WORK before REGISTER -> EINVAL");
	ok(ioctl(fd, FLEXSC_IOC_WAKE) == -1 && errno == EINVAL, "WAKE before REGISTER -> EINVAL");
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ok(p == MAP_FAILED && errno == EINVAL, "mmap before REGISTER -> EINVAL");

	memset(&r, 0, sizeof(r));
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == -1 && errno == EINVAL, "nentries 0 -> EINVAL");
	r.nentries = FLEXSC_MAX_ENTRIES + 1;
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == -1 && errno == EINVAL, "nentries MAX+1 -> EINVAL");
	r.nentries = 0xffffffff;
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == -1 && errno == EINVAL, "nentries ~0 -> EINVAL");
	r.nentries = 16;
	r.flags = 1;
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == -1 && errno == EINVAL, "flags != 0 -> EINVAL");
	r.flags = 0;
	r.cpumask_ptr = (uintptr_t)&mask;
	r.cpumask_size = 3;
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == -1 && errno == EINVAL, "cpumask_size 3 -> EINVAL");
	r.cpumask_size = 1 << 20;
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == -1 && errno == EINVAL, "cpumask_size 1M -> EINVAL");
	r.cpumask_ptr = 0;
	r.cpumask_size = 8;
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == -1 && errno == EINVAL, "size without mask -> EINVAL");
	r.cpumask_ptr = 16;
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == -1 && errno == EFAULT, "bad cpumask pointer -> EFAULT");
	mask = 0;
	r.cpumask_ptr = (uintptr_t)&mask;
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == -1 && errno == EINVAL, "empty cpumask -> EINVAL");
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, (void *)8) == -1 && errno == EFAULT, "REGISTER bad pointer -> EFAULT");
	mask = ~0ull;
	r.nentries = 100;	/* not a power of two on purpose */
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == 0 && r.entry_size == 64 &&
	   r.entries_offset == 4096 && r.area_size == 4096 + 8192 &&
	   r.abi_version == FLEXSC_ABI_VERSION, "REGISTER 100 entries, area %llu",
	   (unsigned long long)r.area_size);
	ok(ioctl(fd, FLEXSC_IOC_REGISTER, &r) == -1 && errno == EBUSY, "second REGISTER -> EBUSY");
	ok(ioctl(fd, _IO(FLEXSC_IOC_BASE, 99)) == -1 && errno == ENOTTY, "unknown ioctl -> ENOTTY");
	ok(ioctl(fd, FLEXSC_IOC_WORK, (void *)8) == -1 && errno == EFAULT, "WORK bad pointer -> EFAULT");
	w.flags = 1;
	ok(ioctl(fd, FLEXSC_IOC_WORK, &w) == -1 && errno == EINVAL, "WORK flags -> EINVAL");
	w.flags = 0;
	w.spin_us = 2000000;
	ok(ioctl(fd, FLEXSC_IOC_WORK, &w) == -1 && errno == EINVAL, "WORK spin_us too big -> EINVAL");
	wt.index = 100;
	ok(ioctl(fd, FLEXSC_IOC_WAIT, &wt) == -1 && errno == EINVAL, "WAIT index out of range -> EINVAL");
	wt.index = 5;
	wt.flags = 2;
	ok(ioctl(fd, FLEXSC_IOC_WAIT, &wt) == -1 && errno == EINVAL, "WAIT flags -> EINVAL");
	wt.flags = 0;
	ok(ioctl(fd, FLEXSC_IOC_WAIT, &wt) == 0, "WAIT on a FREE entry returns at once");
	wt.index = FLEXSC_WAIT_ANY;
	wt.timeout_ns = 1000000;
	ok(ioctl(fd, FLEXSC_IOC_WAIT, &wt) == -1 && errno == ETIMEDOUT, "WAIT ANY 1ms -> ETIMEDOUT");
	wt.timeout_ns = 0;
	ok(ioctl(fd, FLEXSC_IOC_WAIT, &wt) == -1 && errno == ETIMEDOUT, "WAIT ANY poll -> ETIMEDOUT");

	p = mmap(NULL, r.area_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ok(p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE -> EINVAL");
	p = mmap(NULL, r.area_size - 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ok(p == MAP_FAILED && errno == EINVAL, "short mmap -> EINVAL");
	p = mmap(NULL, r.area_size + 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ok(p == MAP_FAILED && errno == EINVAL, "long mmap -> EINVAL");
	p = mmap(NULL, r.area_size - 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
	ok(p == MAP_FAILED && errno == EINVAL, "mmap at offset 4096 -> EINVAL");
	p = mmap(NULL, r.area_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 100);
	ok(p == MAP_FAILED && errno == EINVAL, "unaligned offset -> EINVAL");
	p = mmap((void *)0x10000100, r.area_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	ok(p == MAP_FAILED && errno == EINVAL, "unaligned MAP_FIXED address -> EINVAL");
	p = mmap(NULL, r.area_size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	ok(p == MAP_FAILED && errno == EPERM, "PROT_EXEC -> EPERM");
	p = mmap(NULL, r.area_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ok(p != MAP_FAILED && ((struct flexsc_header *)p)->magic == FLEXSC_MAGIC &&
	   ((struct flexsc_header *)p)->nentries == 100, "good mmap, header magic/nentries");
	if (p != MAP_FAILED) {
		ok(mprotect(p, r.area_size, PROT_READ | PROT_EXEC) == -1, "mprotect PROT_EXEC refused");
		munmap(p, r.area_size);
	}
	close(fd);
}

static void check_eq(const char *name, int64_t got, int64_t want)
{
	ok(got == want, "%s: flexsc %lld == direct %lld", name, (long long)got, (long long)want);
}

static void test_files(struct fx *s)
{
	char path[512], path2[512], buf[256], buf2[256];
	struct iovec iov[2], iov2[2];
	struct stat st1, st2;
	struct statx sx1, sx2;
	int fd, fd2, pfd[2];
	int64_t r;
	off_t off;

	snprintf(path, sizeof(path), "%s/flexsc_basic.%d", tmpdir(), getpid());
	snprintf(path2, sizeof(path2), "%s/flexsc_basic2.%d", tmpdir(), getpid());
	r = FX(s, __NR_openat, (uint64_t)AT_FDCWD, FXA(path), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ok(r >= 0, "openat via flexsc -> %lld", (long long)r);
	fd = (int)r;
	fd2 = open(path2, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	check_eq("write", FX(s, __NR_write, fd, FXA("hello flexsc world\n"), 19),
		 write(fd2, "hello flexsc world\n", 19));
	check_eq("pwrite64", FX(s, __NR_pwrite64, fd, FXA("XY"), 2, 3), pwrite(fd2, "XY", 2, 3));
	check_eq("lseek", FX(s, __NR_lseek, fd, 0, SEEK_SET), lseek(fd2, 0, SEEK_SET));
	memset(buf, 0, sizeof(buf));
	memset(buf2, 0, sizeof(buf2));
	r = FX(s, __NR_read, fd, FXA(buf), 5);
	check_eq("read", r, read(fd2, buf2, 5));
	ok(!memcmp(buf, buf2, 5) && !memcmp(buf, "helXY", 5), "read data identical (%.5s)", buf);
	r = FX(s, __NR_pread64, fd, FXA(buf), 5, 13);
	check_eq("pread64", r, pread(fd2, buf2, 5, 13));
	ok(!memcmp(buf, buf2, 5), "pread64 data identical (%.5s)", buf);

	iov[0] = (struct iovec){ "ab", 2 };
	iov[1] = (struct iovec){ "cde", 3 };
	check_eq("writev", FX(s, __NR_writev, fd, FXA(iov), 2), writev(fd2, iov, 2));
	check_eq("pwritev", FX(s, __NR_pwritev, fd, FXA(iov), 2, 30, 0), pwritev(fd2, iov, 2, 30));
	check_eq("pwritev2", FX(s, __NR_pwritev2, fd, FXA(iov), 2, 40, 0, 0), pwritev2(fd2, iov, 2, 40, 0));
	memset(buf, 0, sizeof(buf));
	memset(buf2, 0, sizeof(buf2));
	iov[0] = (struct iovec){ buf, 4 };
	iov[1] = (struct iovec){ buf + 4, 8 };
	iov2[0] = (struct iovec){ buf2, 4 };
	iov2[1] = (struct iovec){ buf2 + 4, 8 };
	check_eq("preadv", FX(s, __NR_preadv, fd, FXA(iov), 2, 1, 0), preadv(fd2, iov2, 2, 1));
	ok(!memcmp(buf, buf2, 12), "preadv data identical");
	check_eq("preadv2", FX(s, __NR_preadv2, fd, FXA(iov), 2, 28, 0, 0), preadv2(fd2, iov2, 2, 28, 0));
	ok(!memcmp(buf, buf2, 12), "preadv2 data identical");
	lseek(fd, 0, SEEK_SET);
	lseek(fd2, 0, SEEK_SET);
	check_eq("readv", FX(s, __NR_readv, fd, FXA(iov), 2), readv(fd2, iov2, 2));
	ok(!memcmp(buf, buf2, 12), "readv data identical");
	check_eq("fsync", FX(s, __NR_fsync, fd), fsync(fd2));
	check_eq("fdatasync", FX(s, __NR_fdatasync, fd), fdatasync(fd2));
	check_eq("fallocate", FX(s, __NR_fallocate, fd, 0, 0, 8192), kret(fallocate(fd2, 0, 0, 8192)));
	check_eq("ftruncate", FX(s, __NR_ftruncate, fd, 100), ftruncate(fd2, 100));
	r = FX(s, __NR_fstat, fd, FXA(&st1));
	check_eq("fstat", r, fstat(fd2, &st2));
	ok(st1.st_size == 100 && st1.st_size == st2.st_size && st1.st_ino != st2.st_ino,
	   "fstat sees the same size %lld", (long long)st1.st_size);
	r = FX(s, __NR_newfstatat, (uint64_t)AT_FDCWD, FXA(path), FXA(&st1), 0);
	check_eq("newfstatat", r, fstatat(AT_FDCWD, path2, &st2, 0));
	ok(st1.st_size == st2.st_size, "newfstatat sizes equal");
	r = FX(s, __NR_statx, fd, FXA(""), AT_EMPTY_PATH, STATX_BASIC_STATS, FXA(&sx1));
	check_eq("statx", r, statx(fd2, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx2));
	ok(sx1.stx_size == sx2.stx_size && sx1.stx_size == 100, "statx size 100");
	off = 0;
	check_eq("copy_file_range", FX(s, __NR_copy_file_range, fd, 0, fd2, FXA(&off), 10, 0), 10);
	ok(off == 10, "copy_file_range updated the offset");
	off = 0;
	check_eq("sendfile", FX(s, __NR_sendfile, fd2, fd, FXA(&off), 7), 7);
	ok(pipe(pfd) == 0, "pipe");
	off = 0;
	check_eq("splice", FX(s, __NR_splice, fd, FXA(&off), pfd[1], 0, 9, 0), 9);
	memset(buf, 0, sizeof(buf));
	memset(buf2, 0, sizeof(buf2));
	ok(read(pfd[0], buf, 9) == 9 && pread(fd, buf2, 9, 0) == 9 && !memcmp(buf, buf2, 9),
	   "spliced data arrived (%.9s)", buf);
	/* invalid user pointers give -EFAULT, as a direct call would */
	lseek(fd, 0, SEEK_SET);
	check_eq("read to bad pointer", FX(s, __NR_read, fd, 8, 16), -EFAULT);
	check_eq("write from bad pointer", FX(s, __NR_write, fd, 16, 16), -EFAULT);
	check_eq("fstat to bad pointer", FX(s, __NR_fstat, fd, 24), -EFAULT);
	check_eq("openat bad path", FX(s, __NR_openat, (uint64_t)AT_FDCWD, 32, O_RDONLY, 0), -EFAULT);
	check_eq("writev bad iov", FX(s, __NR_writev, fd, 8, 1), -EFAULT);
	check_eq("bad fd", FX(s, __NR_read, 100000, FXA(buf), 1), -EBADF);
	check_eq("close", FX(s, __NR_close, fd), 0);
	check_eq("close again", FX(s, __NR_close, fd), -EBADF);
	close(fd2);
	close(pfd[0]);
	close(pfd[1]);
	unlink(path);
	unlink(path2);
}

/* The test VM may boot with lo down; bring it up (root). */
static int lo_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	r = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!r && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return r;
}

static void test_sockets(struct fx *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, b;
	socklen_t alen = sizeof(a), blen;
	int ls, cs, as, one = 1, val = 0;
	socklen_t vlen = sizeof(val);
	char buf[64] = { 0 };
	struct msghdr mh = { 0 };
	struct iovec iov;
	int64_t r;

	ok(lo_up() == 0, "loopback is up");
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = (int)FX(s, __NR_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ok(ls >= 0, "socket via flexsc -> %d", ls);
	check_eq("setsockopt", FX(s, __NR_setsockopt, ls, SOL_SOCKET, SO_REUSEADDR, FXA(&one), sizeof(one)), 0);
	check_eq("getsockopt", FX(s, __NR_getsockopt, ls, SOL_SOCKET, SO_REUSEADDR, FXA(&val), FXA(&vlen)), 0);
	ok(val == 1, "SO_REUSEADDR reads back 1");
	check_eq("bind", FX(s, __NR_bind, ls, FXA(&a), sizeof(a)), 0);
	check_eq("listen", FX(s, __NR_listen, ls, 8), 0);
	check_eq("getsockname", FX(s, __NR_getsockname, ls, FXA(&a), FXA(&alen)), 0);
	blen = sizeof(b);
	getsockname(ls, (struct sockaddr *)&b, &blen);
	ok(a.sin_port == b.sin_port && a.sin_port != 0, "getsockname port %d matches direct", ntohs(a.sin_port));
	cs = (int)FX(s, __NR_socket, AF_INET, SOCK_STREAM, 0);
	check_eq("connect", FX(s, __NR_connect, cs, FXA(&a), sizeof(a)), 0);
	as = (int)FX(s, __NR_accept4, ls, 0, 0, SOCK_CLOEXEC);
	ok(as >= 0, "accept4 -> %d", as);
	check_eq("sendto", FX(s, __NR_sendto, cs, FXA("ping"), 4, 0, 0, 0), 4);
	check_eq("recvfrom", FX(s, __NR_recvfrom, as, FXA(buf), sizeof(buf), 0, 0, 0), 4);
	ok(!memcmp(buf, "ping", 4), "recvfrom data");
	iov = (struct iovec){ "pong!", 5 };
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	check_eq("sendmsg", FX(s, __NR_sendmsg, as, FXA(&mh), 0), 5);
	iov = (struct iovec){ buf, sizeof(buf) };
	check_eq("recvmsg", FX(s, __NR_recvmsg, cs, FXA(&mh), 0), 5);
	ok(!memcmp(buf, "pong!", 5), "recvmsg data");
	val = -1;
	check_eq("ioctl FIONREAD", FX(s, __NR_ioctl, cs, FIONREAD, FXA(&val)), 0);
	ok(val == 0, "FIONREAD == 0");
	check_eq("getpeername", FX(s, __NR_getpeername, cs, FXA(&b), FXA(&blen)), 0);
	ok(b.sin_port == a.sin_port, "getpeername port matches");
	check_eq("recvfrom bad buffer", (FX(s, __NR_sendto, cs, FXA("x"), 1, 0, 0, 0),
		 FX(s, __NR_recvfrom, as, 8, 1, 0, 0, 0)), -EFAULT);
	check_eq("shutdown", FX(s, __NR_shutdown, cs, SHUT_WR), 0);
	check_eq("read EOF after shutdown", FX(s, __NR_read, as, FXA(buf), sizeof(buf)), 1);
	check_eq("read EOF", FX(s, __NR_read, as, FXA(buf), sizeof(buf)), 0);
	/* accept (no flags) on a second connection */
	close(cs);
	cs = socket(AF_INET, SOCK_STREAM, 0);
	connect(cs, (struct sockaddr *)&a, sizeof(a));
	r = FX(s, __NR_accept, ls, 0, 0);
	ok(r >= 0, "accept -> %lld", (long long)r);
	close((int)r);
	close(cs);
	close(as);
	close(ls);
}

static void test_epoll(struct fx *s)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	uint64_t one = 1;
	int ep, efd;

	ep = (int)FX(s, __NR_epoll_create1, EPOLL_CLOEXEC);
	ok(ep >= 0, "epoll_create1 -> %d", ep);
	efd = (int)FX(s, __NR_eventfd2, 0, EFD_CLOEXEC | EFD_NONBLOCK);
	ok(efd >= 0, "eventfd2 -> %d", efd);
	ev.data.u64 = 42;
	check_eq("epoll_ctl", FX(s, __NR_epoll_ctl, ep, EPOLL_CTL_ADD, efd, FXA(&ev)), 0);
	check_eq("epoll_wait empty", FX(s, __NR_epoll_wait, ep, FXA(out), 4, 0), 0);
	check_eq("write eventfd", FX(s, __NR_write, efd, FXA(&one), 8), 8);
	check_eq("epoll_wait", FX(s, __NR_epoll_wait, ep, FXA(out), 4, 0), 1);
	ok(out[0].data.u64 == 42, "epoll data 42");
	check_eq("epoll_pwait", FX(s, __NR_epoll_pwait, ep, FXA(out), 4, 10, 0, 8), 1);
	check_eq("epoll_wait bad events pointer", FX(s, __NR_epoll_wait, ep, 8, 4, 0), -EFAULT);
	close(efd);
	close(ep);
}

static const long forbidden[] = {
	__NR_exit, __NR_exit_group, __NR_clone, __NR_clone3, __NR_fork, __NR_vfork,
	__NR_execve, __NR_execveat, __NR_rt_sigreturn, __NR_setuid, __NR_setgid,
	__NR_setreuid, __NR_setregid, __NR_setresuid, __NR_setresgid, __NR_setfsuid,
	__NR_setfsgid, __NR_setgroups, __NR_prctl, __NR_arch_prctl, __NR_seccomp,
	__NR_unshare, __NR_setns, __NR_rt_sigprocmask, __NR_sigaltstack,
	__NR_rt_sigaction, __NR_ptrace, __NR_io_uring_setup, __NR_io_uring_enter,
	__NR_io_uring_register,
};

static const long allowed[] = {
	__NR_read, __NR_write, __NR_pread64, __NR_pwrite64, __NR_readv, __NR_writev,
	__NR_preadv, __NR_pwritev, __NR_preadv2, __NR_pwritev2, __NR_fsync,
	__NR_fdatasync, __NR_ftruncate, __NR_fallocate, __NR_lseek, __NR_fstat,
	__NR_statx, __NR_newfstatat, __NR_openat, __NR_close, __NR_socket, __NR_bind,
	__NR_listen, __NR_accept, __NR_accept4, __NR_connect, __NR_sendto,
	__NR_recvfrom, __NR_sendmsg, __NR_recvmsg, __NR_shutdown, __NR_getsockopt,
	__NR_setsockopt, __NR_getsockname, __NR_getpeername, __NR_epoll_create1,
	__NR_epoll_ctl, __NR_epoll_wait, __NR_epoll_pwait, __NR_sendfile, __NR_splice,
	__NR_copy_file_range, __NR_getpid, __NR_eventfd2, __NR_ioctl,
};

static int in_list(const long *l, size_t n, long v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i] == v)
			return 1;
	return 0;
}

static void test_policy(struct fx *s)
{
	unsigned int seed = 20101004, i, bad = 0, n_eperm = 0, n_enosys = 0;
	struct flexsc_stats st;
	size_t k;
	int64_t r;

	check_eq("getpid", FX(s, __NR_getpid), getpid());
	for (k = 0, bad = 0; k < sizeof(forbidden) / sizeof(forbidden[0]); k++) {
		r = FX(s, forbidden[k], 0, 0, 0, 0, 0, 0);
		if (r != -EPERM) {
			printf("# forbidden nr %ld gave %lld\n", forbidden[k], (long long)r);
			bad++;
		}
	}
	ok(!bad, "all %zu forbidden calls -> EPERM", k);
	check_eq("ioctl on the flexsc fd", FX(s, __NR_ioctl, s->fd, FLEXSC_IOC_WAKE, 0), -EPERM);
	check_eq("close of the flexsc fd", FX(s, __NR_close, s->fd), -EPERM);
	check_eq("mmap (not allowlisted)", FX(s, __NR_mmap, 0, 4096, 3, 0x22, -1, 0), -ENOSYS);
	check_eq("fcntl (not allowlisted)", FX(s, __NR_fcntl, 0, F_GETFD), -ENOSYS);
	check_eq("nr 450", FX(s, 450), -ENOSYS);
	check_eq("nr 511", FX(s, 511), -ENOSYS);
	check_eq("nr 512", FX(s, 512), -ENOSYS);
	check_eq("nr 0xffffffff", FX(s, 0xffffffffL), -ENOSYS);
	check_eq("nr 0x80000000", FX(s, 0x80000000L), -ENOSYS);

	printf("# fuzz seed %u\n", seed);
	srand(seed);
	for (i = 0, bad = 0; i < 3000; i++) {
		long nr = (i % 10 == 0) ? (long)(uint32_t)((unsigned)rand() * 2654435761u) : rand() % 600;
		unsigned int idx = i % s->reg.nentries;

		if (in_list(allowed, sizeof(allowed) / sizeof(allowed[0]), nr))
			continue;
		fx_submit(s, idx, nr, (uint64_t)rand() << 33 ^ rand(), rand(), ~0ull, rand(),
			  0x8000000000000000ull, rand());
		fx_kick(s);
		r = fx_reap(s, idx);
		if (in_list(forbidden, sizeof(forbidden) / sizeof(forbidden[0]), nr)) {
			n_eperm++;
			if (r != -EPERM)
				bad++;
		} else {
			n_enosys++;
			if (r != -ENOSYS)
				bad++;
		}
		if (r != -EPERM && r != -ENOSYS)
			printf("# fuzz nr %ld -> %lld\n", nr, (long long)r);
	}
	ok(!bad, "fuzz: %u EPERM + %u ENOSYS, %u wrong", n_eperm, n_enosys, bad);
	ok(getpid() == FX(s, __NR_getpid), "still alive after fuzz");
	memset(&st, 0, sizeof(st));
	r = ioctl(s->fd, FLEXSC_IOC_STATS, &st);
	ok(r == 0 && st.entries > 2500 && st.eperm >= n_eperm &&
	   st.enosys >= n_enosys, "STATS: entries %llu eperm %llu enosys %llu batches %llu",
	   (unsigned long long)st.entries, (unsigned long long)st.eperm,
	   (unsigned long long)st.enosys, (unsigned long long)st.batches);
	ok(ioctl(s->fd, FLEXSC_IOC_STATS, (void *)8) == -1 && errno == EFAULT, "STATS bad pointer -> EFAULT");
}

int main(void)
{
	struct fx s;
	int r;

	t_start("flexsc_basic");
	if (ensure_module()) {
		ok(0, "module loaded / %s exists", FLEXSC_DEVICE);
		return t_end();
	}
	test_bad_input();
	r = fx_open(&s, 64);
	ok(r == 0, "session open (%d)", r);
	if (r)
		return t_end();
	ok(ioctl(s.fd, FLEXSC_IOC_WAKE) == 0, "WAKE with no syscall thread is fine");
	fx_start(&s, 1);
	test_policy(&s);
	test_files(&s);
	test_sockets(&s);
	test_epoll(&s);
	fx_close(&s);
	return t_end();
}
