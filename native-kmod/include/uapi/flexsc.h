/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * flexsc.h - user-space ABI of the FlexSC exception-less system call module.
 *
 * This is the ONLY header user space needs (C selftests, the C benchmark and
 * the Java binding all read it).  Everything here is fixed-width and has an
 * explicit layout; offsets are given in comments so other languages can
 * mirror it without a C compiler.  x86_64 only (the syscall numbers in
 * flexsc_entry.nr are x86_64 numbers).
 *
 * Protocol overview
 * -----------------
 *   1. fd = open("/dev/flexsc", O_RDWR | O_CLOEXEC)
 *   2. ioctl(fd, FLEXSC_IOC_VERSION, &v)      -> v == FLEXSC_ABI_VERSION
 *   3. ioctl(fd, FLEXSC_IOC_REGISTER, &reg)   -> reg.area_size etc. filled in
 *   4. area = mmap(NULL, reg.area_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
 *      (length must equal reg.area_size, offset must be 0, MAP_SHARED only)
 *   5. one or more "syscall threads" of the same process loop on
 *      ioctl(fd, FLEXSC_IOC_WORK, &work); they stay in the kernel and execute
 *      submitted entries until a signal, pending task work or
 *      FLEXSC_IOC_STOP makes them return; they then simply re-enter.
 *   6. other threads submit entries (see "Entry protocol") and collect
 *      results, optionally sleeping in FLEXSC_IOC_WAIT.
 *
 * Area layout (one mapping, reg.area_size bytes, page aligned)
 * -----------------------------------------------------------
 *   offset 0                     struct flexsc_header (padded to a page)
 *   offset reg.entries_offset    struct flexsc_entry[reg.nentries]
 *                                (entries_offset == FLEXSC_HEADER_SIZE == 4096)
 *
 * Entry protocol (status word transitions, all on flexsc_entry.status)
 * ------------------------------------------------------------------
 *   FREE      --user-->   SUBMITTED : user writes nr, args[], tag with plain
 *                                     stores, THEN stores status=SUBMITTED
 *                                     with RELEASE semantics.
 *   SUBMITTED --kernel--> BUSY      : a syscall thread claims the entry with
 *                                     an atomic compare-and-swap (full barrier,
 *                                     so it has ACQUIRE semantics) and copies
 *                                     nr and args[] once into kernel memory.
 *                                     The kernel never re-reads them.
 *   BUSY      --kernel--> SUBMITTED : the call was interrupted by a signal for
 *                                     the syscall thread that a trapping call
 *                                     would restart (SA_RESTART, no handler):
 *                                     the entry is given back untouched and
 *                                     run again.  Users waiting for DONE see
 *                                     nothing of it.
 *   BUSY      --kernel--> DONE      : kernel stores result (which overwrites
 *                                     args[0], see below), then stores
 *                                     status=DONE with RELEASE semantics.
 *   DONE      --user-->   FREE      : user loads status with ACQUIRE
 *                                     semantics; once it reads DONE, result
 *                                     and tag are valid.  The user then stores
 *                                     FREE (or directly re-submits).
 *   User space must not modify an entry while it is BUSY (the kernel does not
 *   care about its content, but the result would overwrite user data).
 *   Any other value in status is ignored by the kernel.
 *
 * Waking syscall threads (NEED_WAKEUP handshake, like io_uring SQPOLL)
 * -------------------------------------------------------------------
 *   A syscall thread that found no work for spin_us microseconds sets
 *   FLEXSC_HDR_NEED_WAKEUP in header.flags, executes a full memory barrier,
 *   rescans once, and then sleeps.  A submitter must therefore, after its
 *   RELEASE store of SUBMITTED, execute a FULL barrier (e.g.
 *   __atomic_thread_fence(__ATOMIC_SEQ_CST) / VarHandle.fullFence()), load
 *   header.flags and, if NEED_WAKEUP is set, call ioctl(fd, FLEXSC_IOC_WAKE).
 *   FLEXSC_IOC_WAKE clears the flag and wakes all sleeping syscall threads.
 */
#ifndef _UAPI_LINUX_FLEXSC_H
#define _UAPI_LINUX_FLEXSC_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define FLEXSC_ABI_VERSION	1
#define FLEXSC_DEVICE		"/dev/flexsc"
#define FLEXSC_MAGIC		0x46435358u	/* "XSCF" little endian */

#define FLEXSC_MIN_ENTRIES	1u
#define FLEXSC_MAX_ENTRIES	4096u	/* any count in [MIN, MAX] is fine */
#define FLEXSC_ENTRY_SIZE	64u
#define FLEXSC_HEADER_SIZE	4096u

/* Values of flexsc_entry.status */
#define FLEXSC_STATUS_FREE	0u	/* owned by user space */
#define FLEXSC_STATUS_SUBMITTED	1u	/* user -> kernel: please execute */
#define FLEXSC_STATUS_BUSY	2u	/* claimed by a syscall thread */
#define FLEXSC_STATUS_DONE	3u	/* kernel -> user: result valid */

/*
 * One system call entry: exactly one 64-byte cache line, 64-byte aligned
 * inside the area.
 *
 *   off  size  field    written by
 *     0     4  status   both, see protocol above (always an aligned u32)
 *     4     4  nr       user, before SUBMITTED: x86_64 syscall number
 *     8    48  args[6]  user, before SUBMITTED: arguments (rdi rsi rdx r10
 *                       r8 r9 order); unused ones are ignored
 *     8     8  result   kernel, before DONE: return value, -errno on error.
 *                       result SHARES STORAGE WITH args[0] (a line has room
 *                       for only 8 u64 slots); the kernel copied args[0]
 *                       before overwriting it.  ERESTART* codes never appear:
 *                       the call is restarted or fails with -EINTR (-4), as
 *                       a trapping call of the syscall thread would.
 *    56     8  tag      user: opaque caller tag, never touched by the kernel
 */
struct flexsc_entry {
	__u32 status;
	__u32 nr;
	union {
		__u64 args[6];
		__s64 result;
	};
	__u64 tag;
};

/* Bits of flexsc_header.flags */
#define FLEXSC_HDR_NEED_WAKEUP	(1u << 0)	/* kernel: a syscall thread sleeps */

/*
 * Header at offset 0 of the area.  Written only by the kernel; user space
 * only reads it (writes are harmless: the kernel keeps its own copies of
 * everything it relies on, except flags which is advisory).
 *
 *   off  field            meaning
 *     0  magic            FLEXSC_MAGIC
 *     4  abi_version      FLEXSC_ABI_VERSION
 *     8  nentries         number of entries in the area
 *    12  entries_offset   byte offset of entry 0 (FLEXSC_HEADER_SIZE)
 *    16  flags            FLEXSC_HDR_* bits, kernel sets/clears atomically
 *    20  nworkers         syscall threads currently inside FLEXSC_IOC_WORK
 *    24  nsleeping        of those, how many sleep (NEED_WAKEUP pending)
 *    28  __pad0           zero
 *    32  completed        total entries completed (incremented after each
 *                         batch; monotonic, wraps at 2^64)
 */
struct flexsc_header {
	__u32 magic;
	__u32 abi_version;
	__u32 nentries;
	__u32 entries_offset;
	__u32 flags;
	__u32 nworkers;
	__u32 nsleeping;
	__u32 __pad0;
	__u64 completed;
};

/*
 * FLEXSC_IOC_REGISTER argument.  Allowed once per open file.
 *   in : nentries      FLEXSC_MIN_ENTRIES..FLEXSC_MAX_ENTRIES
 *   in : flags         must be 0
 *   in : cpumask_ptr   0, or user pointer to a CPU bitmap (unsigned long
 *                      words, like sched_setaffinity); syscall threads pin
 *                      themselves to (mask & their own allowed CPUs) when
 *                      they enter FLEXSC_IOC_WORK.  Affinity is never widened.
 *   in : cpumask_size  bytes at cpumask_ptr; multiple of 8, 8..1024;
 *                      0 when cpumask_ptr is 0
 *   out: abi_version, entry_size, entries_offset, area_size (mmap length)
 * Errors: EINVAL bad value, EBUSY already registered, EPERM seccomp filter
 *         or syscall tracing active, or refused by the access policy
 *         (module parameters flexsc_disabled/flexsc_group; open(2) of the
 *         device fails with EPERM for the same reason), EFAULT, ENOMEM
 *         (the area is charged to the caller's memory cgroup), EMFILE (the
 *         process already has flexsc_max_areas registered areas).
 * REGISTER records the caller's identity (credentials, fs context, file
 * table): see FLEXSC_IOC_WORK.
 */
struct flexsc_register {
	__u32 nentries;
	__u32 flags;
	__u64 cpumask_ptr;
	__u32 cpumask_size;
	__u32 abi_version;
	__u32 entry_size;
	__u32 entries_offset;
	__u64 area_size;
};

/*
 * FLEXSC_IOC_WORK argument: become a syscall thread.
 *   in : spin_us   how long to spin without work before sleeping;
 *                  0 = default (50), max 1000000
 *   in : flags     must be 0
 *   out: executed  entries this call executed
 *   out: reason    why the call returned (FLEXSC_WORK_*)
 * Return: 0 (see reason), or -1 with errno EINTR/ERESTART-transparent on a
 * signal (the out fields are then not written), EPERM (wrong process),
 * EINVAL (not registered or bad argument), EXDEV (the caller's credentials,
 * fs context or file table differ from the registering thread's: entries
 * always run with the registration's identity), EDEADLK (called from inside
 * an entry).
 */
#define FLEXSC_WORK_TASKWORK	1	/* task work pending (e.g. after close) */
#define FLEXSC_WORK_STOPPED	2	/* FLEXSC_IOC_STOP was called */

struct flexsc_work {
	__u32 spin_us;
	__u32 flags;
	__u64 executed;
	__u32 reason;
	__u32 __pad0;
};

/*
 * FLEXSC_IOC_WAIT argument (the paper's flexsc_wait).
 *   index       entry to wait for, or FLEXSC_WAIT_ANY
 *   flags       must be 0
 *   timeout_ns  <0: no timeout, 0: just check, >0: relative timeout
 * For one index: returns 0 once that entry is neither SUBMITTED nor BUSY.
 * For FLEXSC_WAIT_ANY: returns 0 once any entry is DONE.
 * Errors: ETIMEDOUT, EINTR (signal; with or without a timeout, never
 *         restarted, whatever SA_RESTART says), EINVAL, EPERM (wrong process),
 *         ESHUTDOWN (FLEXSC_IOC_STOP was called while waiting), EXDEV
 *         (identity differs from the registration's, as for WORK; also
 *         for FLEXSC_IOC_WAKE).
 */
#define FLEXSC_WAIT_ANY		0xffffffffu

struct flexsc_wait {
	__u32 index;
	__u32 flags;
	__s64 timeout_ns;
};

/* FLEXSC_IOC_STATS result: counters of this session. */
struct flexsc_stats {
	__u64 entries;		/* entries executed (any result) */
	__u64 batches;		/* scans that found at least one entry */
	__u64 empty_scans;	/* scans that found nothing */
	__u64 sleeps;		/* times a syscall thread went to sleep */
	__u64 wakeups;		/* FLEXSC_IOC_WAKE calls that woke someone */
	__u64 eperm;		/* entries failed with -EPERM by policy */
	__u64 enosys;		/* entries failed with -ENOSYS (unknown nr) */
	__u64 waits;		/* FLEXSC_IOC_WAIT calls */
};

/*
 * The allowlist: the system calls the module executes, and the one table of
 * them.  X(x86_64 system call name, kernel wrapper: __x64_sys_<wrapper>).
 * The module expands it into its dispatch; user space reads the names (the
 * Java engine reads this header, packaged into its jar, and runs any other
 * call itself).  A number outside it is answered -ENOSYS, or -EPERM for the
 * forbidden ones (exit, clone, execve, setuid, ...: see the module's README).
 * Keep it one #define of X(name, wrapper) items on continuation lines.
 */
#define FLEXSC_ALLOWED(X)						\
	X(read, read) X(write, write) X(pread64, pread64)		\
	X(pwrite64, pwrite64) X(readv, readv) X(writev, writev)		\
	X(preadv, preadv) X(pwritev, pwritev) X(preadv2, preadv2)	\
	X(pwritev2, pwritev2) X(fsync, fsync) X(fdatasync, fdatasync)	\
	X(ftruncate, ftruncate) X(fallocate, fallocate) X(lseek, lseek)	\
	X(fstat, newfstat) X(statx, statx) X(newfstatat, newfstatat)	\
	X(openat, openat) X(close, close) X(socket, socket)		\
	X(bind, bind) X(listen, listen) X(accept, accept)		\
	X(accept4, accept4) X(connect, connect) X(sendto, sendto)	\
	X(recvfrom, recvfrom) X(sendmsg, sendmsg) X(recvmsg, recvmsg)	\
	X(shutdown, shutdown) X(getsockopt, getsockopt)			\
	X(setsockopt, setsockopt) X(getsockname, getsockname)		\
	X(getpeername, getpeername) X(epoll_create1, epoll_create1)	\
	X(epoll_ctl, epoll_ctl) X(epoll_wait, epoll_wait)		\
	X(epoll_pwait, epoll_pwait) X(sendfile, sendfile64)		\
	X(splice, splice) X(copy_file_range, copy_file_range)		\
	X(getpid, getpid) X(eventfd2, eventfd2) X(ioctl, ioctl)

#define FLEXSC_IOC_BASE		0xF5
#define FLEXSC_IOC_VERSION	_IOR(FLEXSC_IOC_BASE, 0, __u32)
#define FLEXSC_IOC_REGISTER	_IOWR(FLEXSC_IOC_BASE, 1, struct flexsc_register)
#define FLEXSC_IOC_WORK		_IOWR(FLEXSC_IOC_BASE, 2, struct flexsc_work)
#define FLEXSC_IOC_WAKE		_IO(FLEXSC_IOC_BASE, 3)
#define FLEXSC_IOC_WAIT		_IOW(FLEXSC_IOC_BASE, 4, struct flexsc_wait)
#define FLEXSC_IOC_STATS	_IOR(FLEXSC_IOC_BASE, 5, struct flexsc_stats)
/* FLEXSC_IOC_STOP is sticky: all current and later WORK calls return STOPPED */
#define FLEXSC_IOC_STOP		_IO(FLEXSC_IOC_BASE, 6)

#endif /* _UAPI_LINUX_FLEXSC_H */
