// SPDX-License-Identifier: GPL-2.0
/*
 * Access policy: the device is 0660; the module parameters flexsc_disabled
 * (0 device permissions, 1 CAP_SYS_ADMIN or flexsc_group only, 2 nobody)
 * and flexsc_group are enforced at open and at FLEXSC_IOC_REGISTER with
 * EPERM.  Runs as root: writes the parameters through sysfs, and drops
 * privileges in forked children (setgroups/setgid/setuid).  Restores the
 * parameters and the device's group at the end.
 */
#include "flexsc_test.h"
#include <grp.h>

#define P_DISABLED	"/sys/module/flexsc/parameters/flexsc_disabled"
#define P_GROUP		"/sys/module/flexsc/parameters/flexsc_group"
#define UID		54321
#define GID_IN		54322
#define GID_OUT		54323

static int read_param(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t k;

	if (fd < 0)
		return -errno;
	k = read(fd, buf, n - 1);
	close(fd);
	if (k < 0)
		return -errno;
	buf[k] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static void set_policy(const char *disabled, const char *group)
{
	int a = t_write_file(P_DISABLED, disabled), b = t_write_file(P_GROUP, group);

	if (a || b)
		printf("# setting flexsc_disabled=%s flexsc_group=%s: %d %d\n", disabled, group, a, b);
}

static int drop_to(gid_t gid)
{
	if (setgroups(0, NULL) || setgid(gid) || setuid(UID))
		return -1;
	return 0;
}

/*
 * In a child: open the device as root, drop to gid, REGISTER (a session
 * belongs to the process that opened it).  0 on success or errno.
 */
static int child_register(gid_t gid)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct flexsc_register r = { .nentries = 4 };
		int fd;

		alarm(30);
		fd = open(FLEXSC_DEVICE, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(101);
		if (drop_to(gid))
			_exit(100);
		_exit(ioctl(fd, FLEXSC_IOC_REGISTER, &r) ? errno : 0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 200;
	return WEXITSTATUS(st);
}

/* open(/dev/flexsc) after dropping to gid; 0 on success or errno. */
static int child_open(gid_t gid)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int fd;

		alarm(30);
		if (drop_to(gid))
			_exit(100);
		fd = open(FLEXSC_DEVICE, O_RDWR | O_CLOEXEC);
		_exit(fd < 0 ? errno : 0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 200;
	return WEXITSTATUS(st);
}

/* A freshly opened (root) fd for a child to REGISTER on. */
static int root_fd(void)
{
	return open(FLEXSC_DEVICE, O_RDWR | O_CLOEXEC);
}

static int try_register(int fd)
{
	struct flexsc_register r = { .nentries = 4 };

	return ioctl(fd, FLEXSC_IOC_REGISTER, &r) ? errno : 0;
}

int main(void)
{
	char old_dis[32], old_grp[32], buf[32];
	struct stat st;
	gid_t old_gid;
	int fd, fd2, r;

	t_start("flexsc_access");
	if (ensure_module()) {
		ok(0, "module loaded");
		return t_end();
	}
	if (geteuid() != 0) {
		ok(0, "needs root");
		return t_end();
	}
	ok(read_param(P_DISABLED, old_dis, sizeof(old_dis)) == 0 &&
	   read_param(P_GROUP, old_grp, sizeof(old_grp)) == 0,
	   "parameters readable (flexsc_disabled=%s flexsc_group=%s)", old_dis, old_grp);
	r = stat(FLEXSC_DEVICE, &st);
	ok(r == 0 && (st.st_mode & 07777) == 0660, "device mode is 0660 (%o)", st.st_mode & 07777);
	old_gid = st.st_gid;

	/* parameter validation */
	ok(t_write_file(P_DISABLED, "3") == -EINVAL, "flexsc_disabled=3 refused");
	ok(t_write_file(P_DISABLED, "-1") == -EINVAL, "flexsc_disabled=-1 refused");
	ok(t_write_file(P_GROUP, "-2") == -EINVAL, "flexsc_group=-2 refused");
	ok(t_write_file(P_GROUP, "x") == -EINVAL, "flexsc_group=x refused");

	/* 0: device permissions decide */
	set_policy("0", "-1");
	ok(chown(FLEXSC_DEVICE, 0, GID_IN) == 0, "device group set to %d", GID_IN);
	r = child_open(GID_IN);
	ok(r == 0, "disabled=0: member of the device's group opens (%s)", strerror(r));
	r = child_open(GID_OUT);
	ok(r == EACCES, "disabled=0: non-member gets EACCES from the 0660 mode (%s)", strerror(r));
	r = child_register(GID_OUT);
	ok(r == 0, "disabled=0: an unprivileged holder of an fd registers (%s)", strerror(r));

	/* 1 without a group: CAP_SYS_ADMIN only */
	set_policy("1", "-1");
	ok(read_param(P_DISABLED, buf, sizeof(buf)) == 0 && !strcmp(buf, "1"), "flexsc_disabled reads back 1");
	fd = root_fd();
	ok(fd >= 0 && try_register(fd) == 0, "disabled=1: root opens and registers");
	if (fd >= 0)
		close(fd);
	r = child_open(GID_IN);
	ok(r == EPERM, "disabled=1, no group: unprivileged open -> EPERM (%s)", strerror(r));
	r = child_register(GID_IN);
	ok(r == EPERM, "disabled=1, no group: unprivileged REGISTER -> EPERM (%s)", strerror(r));

	/* 1 with a group: members too */
	snprintf(buf, sizeof(buf), "%d", GID_IN);
	set_policy("1", buf);
	r = child_open(GID_IN);
	ok(r == 0, "disabled=1, group %d: member opens (%s)", GID_IN, strerror(r));
	r = child_register(GID_IN);
	ok(r == 0, "disabled=1, group %d: member registers (%s)", GID_IN, strerror(r));
	r = child_register(GID_OUT);
	ok(r == EPERM, "disabled=1, group %d: non-member REGISTER -> EPERM (%s)", GID_IN, strerror(r));

	/* 2: nobody, root included; an fd opened before cannot register */
	set_policy("0", "-1");
	fd2 = root_fd();
	set_policy("2", "-1");
	fd = root_fd();
	ok(fd < 0 && errno == EPERM, "disabled=2: root open -> EPERM");
	if (fd >= 0)
		close(fd);
	ok(fd2 >= 0 && try_register(fd2) == EPERM, "disabled=2: REGISTER on an fd opened before -> EPERM");
	if (fd2 >= 0)
		close(fd2);

	/* back to the defaults: a session works again */
	set_policy(old_dis, old_grp);
	ok(chown(FLEXSC_DEVICE, 0, old_gid) == 0, "device group restored");
	{
		struct fx s;

		r = fx_open(&s, 4);
		ok(r == 0, "policy restored: session opens (%d)", r);
		if (!r) {
			fx_start(&s, 1);
			ok(FX(&s, __NR_getpid) == getpid(), "and runs getpid");
			fx_close(&s);
		}
	}
	return t_end();
}
