// SPDX-License-Identifier: GPL-2.0
/*
 * Module load/unload with finit_module(2)/delete_module(2): rmmod refused
 * while an fd or a mapping exists, allowed once a SIGKILLed user is gone,
 * and 20 load/use/unload cycles.  Needs FLEXSC_KO; leaves the module loaded
 * (as the harness expects to rmmod it afterwards).
 */
#include "flexsc_test.h"

static const char *ko;

static int load(void)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = (int)syscall(SYS_finit_module, fd, "", 0);
	r = r ? -errno : 0;
	close(fd);
	return r;
}

static int unload(void)
{
	int i, r;

	/* O_NONBLOCK: fail instead of waiting when still in use */
	for (i = 0; i < 50; i++) {
		r = (int)syscall(SYS_delete_module, "flexsc", O_NONBLOCK);
		if (r == 0)
			return 0;
		r = -errno;
		if (r != -EAGAIN && r != -EBUSY)
			return r;
		usleep(20000);	/* a just-killed user may still be tearing down */
	}
	return r;
}

static int wait_dev(int present)
{
	int i;

	for (i = 0; i < 300; i++) {
		if ((access(FLEXSC_DEVICE, F_OK) == 0) == present)
			return 0;
		usleep(10000);
	}
	return -1;
}

static int use_once(void)
{
	struct fx s;
	int r = fx_open(&s, 16);

	if (r)
		return r;
	fx_start(&s, 1);
	r = FX(&s, __NR_getpid) == getpid() ? 0 : -1;
	fx_close(&s);
	return r;
}

static void test_busy_refusal(void)
{
	struct fx s;
	int r;

	ok(fx_open(&s, 8) == 0, "session open");
	r = (int)syscall(SYS_delete_module, "flexsc", O_NONBLOCK);
	ok(r == -1 && (errno == EWOULDBLOCK || errno == EBUSY), "rmmod refused while fd open (errno %d)", errno);
	close(s.fd);
	r = (int)syscall(SYS_delete_module, "flexsc", O_NONBLOCK);
	ok(r == -1 && (errno == EWOULDBLOCK || errno == EBUSY), "rmmod refused while only mapped (errno %d)", errno);
	munmap(s.area, s.reg.area_size);
}

static void test_kill_then_rmmod(void)
{
	volatile uint64_t *calls = fx_shared_counter();
	pid_t pid;
	int st;

	if (!calls) {
		ok(0, "shared counter: %s", strerror(errno));
		return;
	}
	pid = fork();

	if (pid == 0) {
		struct fx s;
		int i;

		if (fx_open(&s, 32))
			_exit(2);
		fx_start(&s, 3);
		for (;;) {
			for (i = 0; i < 32; i++)
				fx_call6(&s, i, __NR_getpid, 0, 0, 0, 0, 0, 0);
			__atomic_add_fetch(calls, 32, __ATOMIC_RELAXED);
		}
	}
	/* killed while busy: wait until it has made calls through the module */
	ok(FX_AWAIT(*calls >= 3200, 30000), "busy user making calls (%llu)", (unsigned long long)*calls);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "busy user killed with SIGKILL");
	ok(unload() == 0, "rmmod succeeds once all users are gone");
	ok(wait_dev(0) == 0, "%s disappeared", FLEXSC_DEVICE);
}

int main(void)
{
	int i, bad = 0, r;

	t_start("flexsc_module");
	ko = getenv("FLEXSC_KO");
	if (!ko || access(ko, R_OK)) {
		skip("FLEXSC_KO not set or unreadable");
		return t_end();
	}
	if (access(FLEXSC_DEVICE, F_OK)) {
		r = load();
		ok(r == 0 || r == -EEXIST, "initial load (%d)", r);
		wait_dev(1);
	}
	test_busy_refusal();
	test_kill_then_rmmod();
	for (i = 0; i < 20; i++) {
		r = load();
		if (r) {
			printf("# cycle %d: load %d\n", i, r);
			bad++;
			break;
		}
		if (wait_dev(1) || use_once()) {
			printf("# cycle %d: use failed\n", i);
			bad++;
		}
		r = unload();
		if (r) {
			printf("# cycle %d: unload %d\n", i, r);
			bad++;
			break;
		}
	}
	ok(!bad, "20 x insmod/use/rmmod cycles (%d bad)", bad);
	r = load();
	ok(r == 0 && wait_dev(1) == 0, "module loaded again at the end (%d)", r);
	ok(use_once() == 0, "works after the cycles");
	return t_end();
}
