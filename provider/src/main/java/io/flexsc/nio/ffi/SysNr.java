package io.flexsc.nio.ffi;

/**
 * Linux system call numbers for x86_64, the numbers every engine speaks.
 *
 * <p>A {@link io.flexsc.nio.engine.Call} names its system call by one of these numbers; the
 * {@code direct} engine passes it to {@code syscall(2)}, the {@code uring} engine maps it to an
 * io_uring opcode where one exists, and the {@code kmod} engine hands it to the kernel module.
 */
public final class SysNr {
    private SysNr() {}

    /** True when these numbers are the running machine's. */
    public static final boolean SUPPORTED_ARCH =
            "amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"));

    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int OPEN = 2;
    public static final int CLOSE = 3;
    public static final int STAT = 4;
    public static final int FSTAT = 5;
    public static final int LSTAT = 6;
    public static final int POLL = 7;
    public static final int LSEEK = 8;
    public static final int MMAP = 9;
    public static final int MPROTECT = 10;
    public static final int MUNMAP = 11;
    public static final int RT_SIGACTION = 13;
    public static final int RT_SIGPROCMASK = 14;
    public static final int RT_SIGRETURN = 15;
    public static final int IOCTL = 16;
    public static final int PREAD64 = 17;
    public static final int PWRITE64 = 18;
    public static final int READV = 19;
    public static final int WRITEV = 20;
    public static final int PIPE = 22;
    public static final int SCHED_YIELD = 24;
    public static final int DUP = 32;
    public static final int DUP2 = 33;
    public static final int GETPID = 39;
    public static final int SENDFILE = 40;
    public static final int SOCKET = 41;
    public static final int CONNECT = 42;
    public static final int ACCEPT = 43;
    public static final int SENDTO = 44;
    public static final int RECVFROM = 45;
    public static final int SENDMSG = 46;
    public static final int RECVMSG = 47;
    public static final int SHUTDOWN = 48;
    public static final int BIND = 49;
    public static final int LISTEN = 50;
    public static final int GETSOCKNAME = 51;
    public static final int GETPEERNAME = 52;
    public static final int SOCKETPAIR = 53;
    public static final int SETSOCKOPT = 54;
    public static final int GETSOCKOPT = 55;
    public static final int CLONE = 56;
    public static final int FORK = 57;
    public static final int VFORK = 58;
    public static final int EXECVE = 59;
    public static final int EXIT = 60;
    public static final int KILL = 62;
    public static final int FCNTL = 72;
    public static final int FLOCK = 73;
    public static final int FSYNC = 74;
    public static final int FDATASYNC = 75;
    public static final int TRUNCATE = 76;
    public static final int FTRUNCATE = 77;
    public static final int GETDENTS = 78;
    public static final int RENAME = 82;
    public static final int MKDIR = 83;
    public static final int UNLINK = 87;
    public static final int SETUID = 105;
    public static final int SETGID = 106;
    public static final int PRCTL = 157;
    public static final int ARCH_PRCTL = 158;
    public static final int GETTID = 186;
    public static final int EPOLL_CREATE = 213;
    public static final int TIMER_CREATE = 222;
    public static final int TIMER_SETTIME = 223;
    public static final int TIMER_DELETE = 226;
    public static final int EXIT_GROUP = 231;
    public static final int EPOLL_WAIT = 232;
    public static final int EPOLL_CTL = 233;
    public static final int TGKILL = 234;
    public static final int OPENAT = 257;
    public static final int MKDIRAT = 258;
    public static final int NEWFSTATAT = 262;
    public static final int UNLINKAT = 263;
    public static final int RENAMEAT = 264;
    public static final int SPLICE = 275;
    public static final int TEE = 276;
    public static final int SYNC_FILE_RANGE = 277;
    public static final int EPOLL_PWAIT = 281;
    public static final int EVENTFD = 284;
    public static final int FALLOCATE = 285;
    public static final int ACCEPT4 = 288;
    public static final int EVENTFD2 = 290;
    public static final int EPOLL_CREATE1 = 291;
    public static final int DUP3 = 292;
    public static final int PIPE2 = 293;
    public static final int PREADV = 295;
    public static final int PWRITEV = 296;
    public static final int RECVMMSG = 299;
    public static final int SENDMMSG = 307;
    public static final int SETNS = 308;
    public static final int RENAMEAT2 = 316;
    public static final int SECCOMP = 317;
    public static final int COPY_FILE_RANGE = 326;
    public static final int PREADV2 = 327;
    public static final int PWRITEV2 = 328;
    public static final int STATX = 332;
    public static final int IO_URING_SETUP = 425;
    public static final int IO_URING_ENTER = 426;
    public static final int IO_URING_REGISTER = 427;
    public static final int CLOSE_RANGE = 436;
    public static final int OPENAT2 = 437;
    public static final int EPOLL_PWAIT2 = 441;

    /** The highest number this table knows; engines size lookup tables with it. */
    public static final int MAX = 511;

    /** A readable name for logs and stats, or {@code "syscall#N"}. */
    public static String name(int nr) {
        for (var f : SysNr.class.getFields()) {
            if (f.getType() == int.class && !f.getName().equals("MAX")) {
                try {
                    if (f.getInt(null) == nr) {
                        return f.getName().toLowerCase(java.util.Locale.ROOT);
                    }
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return "syscall#" + nr;
    }
}
