// SPDX-License-Identifier: GPL-2.0
/*
 * Memory: the areas are charged to the registering process's memory cgroup
 * (a child in a fresh cgroup v2 group registers 16 areas of 4096 entries,
 * 16 x 260 KiB, and its memory.current must grow by at least that), and a
 * process may hold at most flexsc_max_areas registered areas (EMFILE past
 * it; closing one frees its slot).  Needs root; mounts cgroup2 under
 * $FLEXSC_TMP if needed and restores flexsc_max_areas.
 */
#include "flexsc_test.h"
#include <sys/mount.h>

#define P_MAX	"/sys/module/flexsc/parameters/flexsc_max_areas"
#define NAREAS	16

static long long read_ll(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t k;

	if (fd < 0)
		return -1;
	k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (k <= 0)
		return -1;
	buf[k] = 0;
	return atoll(buf);
}

static int open_reg(unsigned int n)
{
	struct flexsc_register r = { .nentries = n };
	int fd = open(FLEXSC_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, FLEXSC_IOC_REGISTER, &r)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static void test_bound(void)
{
	long long old = read_ll(P_MAX);
	int fds[4], i, r;
	char buf[32];

	ok(old >= 1, "flexsc_max_areas readable (%lld)", old);
	ok(t_write_file(P_MAX, "0") == -EINVAL && t_write_file(P_MAX, "65537") == -EINVAL,
	   "flexsc_max_areas 0 and 65537 refused");
	ok(t_write_file(P_MAX, "3") == 0, "flexsc_max_areas=3");
	for (i = 0; i < 3; i++)
		fds[i] = open_reg(4);
	ok(fds[0] >= 0 && fds[1] >= 0 && fds[2] >= 0, "3 areas registered (%d %d %d)", fds[0], fds[1], fds[2]);
	r = open_reg(4);
	ok(r == -EMFILE, "the 4th: EMFILE (%d)", r);
	if (r >= 0)
		close(r);
	{	/* an opened but unregistered fd does not count, and registers later */
		struct flexsc_register reg = { .nentries = 4 };
		int fd = open(FLEXSC_DEVICE, O_RDWR | O_CLOEXEC);

		ok(fd >= 0, "a 4th fd opens (only areas count)");
		close(fds[2]);
		r = ioctl(fd, FLEXSC_IOC_REGISTER, &reg) ? errno : 0;
		ok(r == 0, "after closing one, it registers (%s)", strerror(r));
		fds[2] = fd;
	}
	r = fork();
	if (r == 0) {	/* another process has its own count */
		int fd = open_reg(4);

		_exit(fd >= 0 ? 0 : 1);
	}
	{
		int st;

		ok(r > 0 && waitpid(r, &st, 0) == r && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "another process registers while this one is at the limit");
	}
	for (i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	snprintf(buf, sizeof(buf), "%lld", old);
	ok(t_write_file(P_MAX, buf) == 0, "flexsc_max_areas restored to %s", buf);
}

/* In the child: join cg, register NAREAS big areas, report the growth. */
static int child_charge(const char *cg)
{
	char path[512], pid[32];
	long long before, after;
	int fds[NAREAS], i;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (t_write_file(path, pid))
		return 2;
	snprintf(path, sizeof(path), "%s/memory.current", cg);
	before = read_ll(path);
	for (i = 0; i < NAREAS; i++) {
		fds[i] = open_reg(FLEXSC_MAX_ENTRIES);
		if (fds[i] < 0)
			return 3;
	}
	after = read_ll(path);
	printf("# memory.current %lld -> %lld (+%lld KiB for %d areas of %u entries)\n", before, after,
	       (after - before) / 1024, NAREAS, FLEXSC_MAX_ENTRIES);
	fflush(stdout);
	/* memory.current moves in charge batches: ask for 3/4 of the entries */
	return after - before >= (long long)NAREAS * FLEXSC_MAX_ENTRIES * FLEXSC_ENTRY_SIZE * 3 / 4 ? 0 : 4;
}

static void test_charge(void)
{
	char root[256], cg[300];
	pid_t pid;
	int st, rc, mounted = 0;

	snprintf(root, sizeof(root), "%s/cg2", tmpdir());
	mkdir(root, 0755);
	if (access("/sys/fs/cgroup/cgroup.subtree_control", F_OK) == 0) {
		snprintf(root, sizeof(root), "/sys/fs/cgroup");
	} else {
		int e = mount("none", root, "cgroup2", 0, NULL) ? errno : 0;

		mounted = !e;
		ok(mounted, "cgroup2 mounted at %s (%s)", root, strerror(e));
		if (!mounted)
			return;
	}
	snprintf(cg, sizeof(cg), "%s/cgroup.subtree_control", root);
	t_write_file(cg, "+memory");
	snprintf(cg, sizeof(cg), "%s/flexsc-test", root);
	mkdir(cg, 0755);
	{
		char p[400];

		snprintf(p, sizeof(p), "%s/memory.current", cg);
		ok(access(p, F_OK) == 0, "memory controller on %s", cg);
	}
	pid = fork();
	if (pid == 0) {
		alarm(60);
		_exit(child_charge(cg));
	}
	rc = waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : 100;
	ok(rc == 0, "%d areas of %u entries are charged to the child's memory cgroup (rc %d)", NAREAS,
	   FLEXSC_MAX_ENTRIES, rc);
	rmdir(cg);
	if (mounted)
		umount(root);
}

int main(void)
{
	t_start("flexsc_memory");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	if (geteuid() != 0) {
		ok(0, "needs root");
		return t_end();
	}
	test_bound();
	test_charge();
	return t_end();
}
