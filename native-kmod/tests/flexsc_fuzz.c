// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzer: for a bounded time, several "victim" processes at once each open a
 * session of a random size, run 1-3 syscall threads and 1-4 submitter
 * threads that post random entries: allowlisted, forbidden, unknown and
 * random system call numbers with random arguments (small fds, random
 * words, kernel addresses, NULL, an unmapped page, pointers into the area
 * itself, a valid buffer and its end, odd lengths), random WAIT/WAKE,
 * random status words, forks that poke the session, STOP, REGISTER on new
 * fds.  Victims end by SIGKILL, exit_group or exec, at random times.  Every
 * few seconds all victims are killed and the module is unloaded and loaded
 * again (FLEXSC_KO).  The guest runs with panic_on_warn, so any WARN or oops
 * ends the run; the fuzzer also checks the kernel's taint flags.
 *
 * usage: flexsc_fuzz [seconds]   (default $FLEXSC_FUZZ_SECS or 30)
 *        FLEXSC_FUZZ_SEED=n to repeat a run.
 */
#include "flexsc_test.h"
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/eventfd.h>

#define NVICTIMS	3
#define RELOAD_MS	8000

static struct fx V;
static uint64_t seed0;
static void *unmapped, *buf;
static size_t bufsz = 4 * 4096;

static uint64_t xs(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static const uint32_t allowed_nrs[] = {
	__NR_read, __NR_write, __NR_pread64, __NR_pwrite64, __NR_readv, __NR_writev,
	__NR_preadv, __NR_pwritev, __NR_preadv2, __NR_pwritev2, __NR_fsync, __NR_fdatasync,
	__NR_ftruncate, __NR_fallocate, __NR_lseek, __NR_fstat, __NR_statx, __NR_newfstatat,
	__NR_openat, __NR_close, __NR_socket, __NR_bind, __NR_listen, __NR_accept,
	__NR_accept4, __NR_connect, __NR_sendto, __NR_recvfrom, __NR_sendmsg, __NR_recvmsg,
	__NR_shutdown, __NR_getsockopt, __NR_setsockopt, __NR_getsockname, __NR_getpeername,
	__NR_epoll_create1, __NR_epoll_ctl, __NR_epoll_wait, __NR_epoll_pwait, __NR_sendfile,
	__NR_splice, __NR_copy_file_range, __NR_getpid, __NR_eventfd2, __NR_ioctl,
};

static const uint32_t forbidden_nrs[] = {
	__NR_exit, __NR_exit_group, __NR_clone, __NR_fork, __NR_execve, __NR_setuid,
	__NR_setfsuid, __NR_prctl, __NR_unshare, __NR_rt_sigaction, __NR_ptrace,
	__NR_io_uring_setup, __NR_seccomp, __NR_kill, __NR_mmap, __NR_munmap,
};

static uint32_t rnd_nr(uint64_t *s)
{
	uint64_t r = xs(s);

	switch (r % 10) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		return allowed_nrs[(r >> 8) % (sizeof(allowed_nrs) / sizeof(allowed_nrs[0]))];
	case 6:
		return forbidden_nrs[(r >> 8) % (sizeof(forbidden_nrs) / sizeof(forbidden_nrs[0]))];
	case 7:
		return (r >> 8) % 512;
	case 8:
		return (r >> 8) % 1024;
	default:
		return (uint32_t)(r >> 16);
	}
}

static uint64_t rnd_arg(uint64_t *s)
{
	static const uint64_t lens[] = { 0, 1, 7, 64, 4096, 65536, 1ull << 31, ~0ull, 0x7fffffff };
	uint64_t r = xs(s);

	switch (r % 12) {
	case 0:
		return (uint64_t)((int64_t)((r >> 8) % 24) - 1);	/* fd -1..22 */
	case 1:
		return xs(s);
	case 2:
		return (r & 256) ? 0xffff888000000000ull + ((r >> 12) & 0xfffffff000ull)
				 : 0xffffffff81000000ull + ((r >> 12) & 0xffffff);
	case 3:
		return 0;
	case 4:
		return (uint64_t)(uintptr_t)unmapped + ((r >> 8) & 4095);
	case 5:	/* the area itself, header included */
		return (uint64_t)(uintptr_t)V.area + ((r >> 8) % V.reg.area_size);
	case 6:
		return (uint64_t)(uintptr_t)buf + ((r >> 8) % bufsz);
	case 7:
		return lens[(r >> 8) % (sizeof(lens) / sizeof(lens[0]))];
	case 8:
		return (r >> 8) & 0xfff;
	case 9:
		return ~0ull;
	case 10:	/* just before the end of the buffer's mapping */
		return (uint64_t)(uintptr_t)buf + bufsz - ((r >> 8) % 64);
	default:
		return (r >> 8) & 0x7fffffffffffull;
	}
}

struct sub {
	unsigned int first, count;
	uint64_t seed;
};

static void poke_fork(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct flexsc_work w = { 0 };
		struct flexsc_wait wt = { .index = 0 };

		ioctl(V.fd, FLEXSC_IOC_WORK, &w);
		ioctl(V.fd, FLEXSC_IOC_WAIT, &wt);
		ioctl(V.fd, FLEXSC_IOC_WAKE);
		mmap(NULL, V.reg.area_size, PROT_READ | PROT_WRITE, MAP_SHARED, V.fd, 0);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void rare_action(uint64_t *s)
{
	uint64_t r = xs(s);

	switch (r % 6) {
	case 0:
		poke_fork();
		break;
	case 1: {
		struct flexsc_register reg = { .nentries = (uint32_t)(r >> 8),
					       .cpumask_ptr = rnd_arg(s),
					       .cpumask_size = (uint32_t)(r >> 40) };
		int fd = open(FLEXSC_DEVICE, O_RDWR | O_CLOEXEC);

		if (fd >= 0) {
			ioctl(fd, FLEXSC_IOC_REGISTER, &reg);
			ioctl(fd, FLEXSC_IOC_REGISTER, (void *)(uintptr_t)rnd_arg(s));
			close(fd);
		}
		break;
	}
	case 2:	/* random status words */
		__atomic_store_n(&V.ent[(r >> 8) % V.reg.nentries].status, (uint32_t)(r >> 32),
				 __ATOMIC_RELAXED);
		break;
	case 3: {
		struct flexsc_stats st;

		ioctl(V.fd, FLEXSC_IOC_STATS, &st);
		ioctl(V.fd, FLEXSC_IOC_STATS, (void *)(uintptr_t)rnd_arg(s));
		ioctl(V.fd, (unsigned long)xs(s), (void *)(uintptr_t)rnd_arg(s));
		break;
	}
	case 4:
		if ((r >> 8) % 8 == 0)
			ioctl(V.fd, FLEXSC_IOC_STOP);
		break;
	default: {
		struct flexsc_wait w = { .index = (uint32_t)(r >> 8) % (V.reg.nentries + 2),
					 .timeout_ns = (int64_t)((r >> 20) % 2000000) };

		if (r & (1ull << 60))
			w.index = FLEXSC_WAIT_ANY;
		ioctl(V.fd, FLEXSC_IOC_WAIT, &w);
		ioctl(V.fd, FLEXSC_IOC_WAIT, (void *)(uintptr_t)rnd_arg(s));
		break;
	}
	}
}

static void *submitter(void *arg)
{
	struct sub *sb = arg;
	uint64_t *s = &sb->seed;

	for (;;) {
		unsigned int k;

		for (k = 0; k < sb->count; k++) {
			struct flexsc_entry *e = &V.ent[sb->first + k];
			uint32_t st = __atomic_load_n(&e->status, __ATOMIC_ACQUIRE);
			int j;

			if (st == FLEXSC_STATUS_SUBMITTED || st == FLEXSC_STATUS_BUSY)
				continue;
			e->nr = rnd_nr(s);
			for (j = 0; j < 6; j++)
				e->args[j] = rnd_arg(s);
			if (xs(s) % 2)	/* fds are the likeliest first argument */
				e->args[0] = (uint64_t)((int64_t)(xs(s) % 24) - 1);
			__atomic_store_n(&e->status, FLEXSC_STATUS_SUBMITTED, __ATOMIC_RELEASE);
		}
		fx_kick(&V);
		if (xs(s) % 64 == 0) {
			struct flexsc_wait w = { .index = sb->first, .timeout_ns = 100000 };

			ioctl(V.fd, FLEXSC_IOC_WAIT, &w);
		}
		if (xs(s) % 2000 == 0)
			rare_action(s);
	}
	return NULL;
}

static void victim(uint64_t seed)
{
	struct rlimit fsz = { 1 << 20, 1 << 20 }, nof = { 64, 64 };
	struct sub subs[4];
	uint64_t s = seed;
	unsigned int n, nsub, i, per;
	int null = open("/dev/null", O_RDWR), sp[2], pp[2];
	char path[256];
	struct timespec life;

	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &fsz);
	setrlimit(RLIMIT_NOFILE, &nof);
	snprintf(path, sizeof(path), "%s/fuzz", tmpdir());
	if (chdir(path))
		_exit(3);
	n = 1 + xs(&s) % 64;
	if (fx_open(&V, n))
		_exit(2);
	V.spin_us = xs(&s) % 200;
	unmapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(unmapped, 4096);
	buf = mmap(NULL, bufsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < bufsz / 8; i++)
		((uint64_t *)buf)[i] = xs(&s);
	/* some descriptors worth hitting */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0 && pipe2(pp, O_CLOEXEC) == 0) {
		eventfd(0, EFD_CLOEXEC);
		open("fuzzfile", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	}
	fx_start(&V, 1 + xs(&s) % 3);
	nsub = 1 + xs(&s) % 4;
	if (nsub > n)
		nsub = n;
	per = n / nsub;
	for (i = 0; i < nsub; i++) {
		pthread_t t;

		subs[i].first = i * per;
		subs[i].count = per;
		subs[i].seed = xs(&s) | 1;
		pthread_create(&t, NULL, submitter, &subs[i]);
	}
	life.tv_sec = 0;
	life.tv_nsec = (long)(20 + xs(&s) % 400) * 1000000;
	nanosleep(&life, NULL);	/* the victim's lifetime */
	switch (xs(&s) % 4) {
	case 0:
		syscall(SYS_exit_group, 0);
		break;
	case 1: {
		char *argv[] = { "flexsc_fuzz", "--noop", NULL };

		execv("/proc/self/exe", argv);
		_exit(4);
	}
	case 2:
		munmap(V.area, V.reg.area_size);	/* submitters fault: SIGSEGV */
		close(V.fd);
		nanosleep(&life, NULL);
		_exit(0);
	default:
		ioctl(V.fd, FLEXSC_IOC_STOP);
		close(V.fd);
		_exit(0);
	}
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000ll + t.tv_nsec / 1000000;
}

static long tainted(void)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/*
 * Entries the module executed since it was loaded (debugfs; the victims'
 * own memory is a fuzz target, so they keep no counters).
 */
static long long executed(void)
{
	FILE *f = fopen("/sys/kernel/debug/flexsc/stats", "r");
	char name[64];
	long long v, r = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2)
		if (!strcmp(name, "entries"))
			r = v;
	fclose(f);
	return r;
}

static int reload(const char *ko)
{
	int64_t end = now_ms() + 10000;
	int fd, r;

	while (syscall(SYS_delete_module, "flexsc", O_NONBLOCK)) {
		if (errno != EAGAIN && errno != EBUSY)
			return -errno;
		if (now_ms() > end)
			return -EBUSY;
		usleep(10000);	/* a just-killed victim may still be tearing down */
	}
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = (int)syscall(SYS_finit_module, fd, "", 0);
	r = r ? -errno : 0;
	close(fd);
	if (r)
		return r;
	for (r = 0; r < 500 && access(FLEXSC_DEVICE, F_OK); r++)
		usleep(10000);	/* devtmpfs node appears asynchronously */
	return access(FLEXSC_DEVICE, F_OK) ? -ENODEV : 0;
}

/*
 * Victims die of SIGSEGV/SIGBUS by design (the fuzz writes into their own
 * memory, munmap pulls the area away): keep the kernel from logging each
 * one ("segfault at", "traps: ... general protection fault") so that the
 * log shows kernel problems only.  Faults in kernel mode are still oopses.
 */
static int exception_trace(const char *v)
{
	char old[8] = "";
	int fd = open("/proc/sys/debug/exception-trace", O_RDWR | O_CLOEXEC), r = -1;

	if (fd < 0)
		return -1;
	if (read(fd, old, sizeof(old) - 1) > 0)
		r = atoi(old);
	if (pwrite(fd, v, strlen(v), 0) < 0)
		r = -1;
	close(fd);
	return r;
}

struct vic {
	pid_t pid;
	int64_t kill_at;
};

int main(int argc, char **argv)
{
	const char *e = getenv("FLEXSC_FUZZ_SECS"), *ko = getenv("FLEXSC_KO");
	const char *se = getenv("FLEXSC_FUZZ_SEED");
	int secs = argc > 1 ? atoi(argv[1]) : e ? atoi(e) : 30;
	struct vic v[NVICTIMS] = { 0 };
	uint64_t s, spawned = 0, killed = 0, ended = 0, reloads = 0;
	long long calls = 0, c;
	long taint0, taint1;
	int trace0;
	int64_t start, end, next_reload;
	int i, reload_err = 0;
	char path[256];

	if (argc > 1 && !strcmp(argv[1], "--noop"))
		return 0;	/* the image an exec'ing victim becomes */
	t_start("flexsc_fuzz");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	ok(ko != NULL, "FLEXSC_KO set (needed for the rmmod/insmod cycles)");
	seed0 = se ? strtoull(se, NULL, 0) : (uint64_t)time(NULL) * 2654435761u;
	s = seed0 | 1;
	printf("# fuzzing for %d s, seed %llu (FLEXSC_FUZZ_SEED)\n", secs, (unsigned long long)seed0);
	fflush(stdout);
	snprintf(path, sizeof(path), "%s/fuzz", tmpdir());
	mkdir(path, 0700);
	trace0 = exception_trace("0");
	taint0 = tainted();
	start = now_ms();
	end = start + secs * 1000ll;
	next_reload = start + RELOAD_MS;
	while (now_ms() < end) {
		int64_t t = now_ms();
		int st;

		for (i = 0; i < NVICTIMS; i++) {
			if (v[i].pid > 0 && waitpid(v[i].pid, &st, WNOHANG) == v[i].pid) {
				v[i].pid = 0;
				ended++;
			}
			if (v[i].pid > 0 && t >= v[i].kill_at) {
				kill(v[i].pid, SIGKILL);
				waitpid(v[i].pid, &st, 0);
				v[i].pid = 0;
				killed++;
			}
			if (v[i].pid == 0 && t < next_reload) {
				uint64_t vs = xs(&s);
				pid_t pid = fork();

				if (pid == 0)
					victim(vs | 1);
				if (pid > 0) {
					v[i].pid = pid;
					v[i].kill_at = t + 30 + (int64_t)(xs(&s) % 500);
					spawned++;
				}
			}
		}
		if (t >= next_reload) {
			for (i = 0; i < NVICTIMS; i++) {
				if (v[i].pid > 0) {
					kill(v[i].pid, SIGKILL);
					waitpid(v[i].pid, &st, 0);
					v[i].pid = 0;
					killed++;
				}
			}
			if (ko) {
				int r;

				c = executed();
				calls += c > 0 ? c : 0;
				r = reload(ko);

				if (r) {
					printf("# rmmod/insmod failed: %s\n", strerror(-r));
					reload_err++;
					break;
				}
				reloads++;
			}
			next_reload = now_ms() + RELOAD_MS;
		}
		usleep(5000);	/* pacing of the supervisor loop */
	}
	for (i = 0; i < NVICTIMS; i++) {
		if (v[i].pid > 0) {
			kill(v[i].pid, SIGKILL);
			waitpid(v[i].pid, NULL, 0);
			killed++;
		}
	}
	taint1 = tainted();
	if (trace0 >= 0) {
		char t[16];

		snprintf(t, sizeof(t), "%d", trace0);
		exception_trace(t);
	}
	c = executed();
	calls += c > 0 ? c : 0;
	printf("# fuzz: %lld s, %lld entries executed, %llu victims (%llu SIGKILLed, %llu "
	       "ended by exit/exec/STOP/munmap), %llu rmmod/insmod cycles, seed %llu\n",
	       (long long)(now_ms() - start) / 1000, calls,
	       (unsigned long long)spawned, (unsigned long long)killed,
	       (unsigned long long)ended, (unsigned long long)reloads, (unsigned long long)seed0);
	/* 1<<5 bad page, 1<<7 died (oops), 1<<9 warning, 1<<14 soft lockup */
	printf("# oopses/warnings: %d (taint %#lx -> %#lx)\n",
	       (taint1 & ((1 << 5) | (1 << 7) | (1 << 9) | (1 << 14))) ? 1 : 0, taint0, taint1);
	ok(calls > 0 && spawned > 0, "entries ran (%lld)", calls);
	ok(!reload_err && (!ko || reloads > 0 || secs * 1000 < RELOAD_MS),
	   "module unloaded and loaded again %llu times between victims", (unsigned long long)reloads);
	ok(taint0 >= 0 && !((taint1 & ~taint0) & ((1 << 5) | (1 << 7) | (1 << 9) | (1 << 14))),
	   "no oops, warning, bad page or lockup taint");
	ok(access(FLEXSC_DEVICE, F_OK) == 0, "module loaded at the end");
	return t_end();
}
