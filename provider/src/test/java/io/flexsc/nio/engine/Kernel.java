package io.flexsc.nio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexsc.nio.ffi.Errno;

/**
 * Linux x86_64 ABI constants and struct layouts the suite needs (flags, socket options, and the
 * offsets of {@code struct stat}, {@code struct statx}, {@code struct msghdr}, ...), plus assertions
 * on raw results that name the errno.
 */
final class Kernel {
    private Kernel() {}

    // open(2)
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_NONBLOCK = 04000;
    static final int O_DIRECTORY = 0200000;
    static final int O_CLOEXEC = 02000000;
    static final long AT_FDCWD = -100;
    static final int AT_EMPTY_PATH = 0x1000;

    // lseek(2)
    static final int SEEK_SET = 0;
    static final int SEEK_CUR = 1;
    static final int SEEK_END = 2;

    // fallocate(2)
    static final int FALLOC_FL_KEEP_SIZE = 1;

    // struct stat (x86_64): 144 bytes
    static final int STAT_SIZE = 144;
    static final int STAT_INO = 8;
    static final int STAT_NLINK = 16;
    static final int STAT_MODE = 24;
    static final int STAT_ST_SIZE = 48;
    static final int STAT_BLOCKS = 64;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;

    // struct statx: 256 bytes
    static final int STATX_SIZE = 256;
    static final int STATX_BASIC_STATS = 0x7ff;
    static final int STATX_MASK = 0;
    static final int STATX_NLINK = 16;
    static final int STATX_MODE = 28;
    static final int STATX_INO = 32;
    static final int STATX_ST_SIZE = 40;

    // sockets
    static final int AF_INET = 2;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = O_NONBLOCK;
    static final int SOCK_CLOEXEC = O_CLOEXEC;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_TYPE = 3;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int SHUT_RD = 0;
    static final int SHUT_WR = 1;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int SOCKADDR_IN_SIZE = 16;
    // struct msghdr: 56 bytes
    static final int MSGHDR_SIZE = 56;
    static final int MSG_NAME = 0;
    static final int MSG_NAMELEN = 8;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_CONTROL = 32;
    static final int MSG_CONTROLLEN = 40;
    static final int MSG_FLAGS = 48;
    static final int IOVEC_SIZE = 16;

    // epoll, eventfd
    static final int EPOLL_CLOEXEC = O_CLOEXEC;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x1;
    static final int EPOLLOUT = 0x4;
    static final int EPOLL_EVENT_SIZE = 12; // packed on x86_64: u32 events, u64 data
    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = O_CLOEXEC;
    static final int EFD_SEMAPHORE = 1;

    // mmap
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_PRIVATE = 2;
    static final int MAP_ANONYMOUS = 0x20;

    /** A readable errno name ({@code "EBADF"}) or {@code "errno N"}. */
    static String errnoName(int errno) {
        for (var f : Errno.class.getFields()) {
            if (f.getType() == int.class) {
                try {
                    if (f.getInt(null) == errno) {
                        return f.getName();
                    }
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return "errno " + errno;
    }

    /** A raw result for messages: {@code 42} or {@code -EBADF}. */
    static String describe(long raw) {
        return Errno.isError(raw) ? "-" + errnoName(Errno.of(raw)) : Long.toString(raw);
    }

    /** Asserts success and returns the result. */
    static long ok(long raw, String what) {
        if (raw < 0) {
            throw new AssertionError(what + " failed: " + describe(raw));
        }
        return raw;
    }

    /** Asserts success and returns the result as an int (an fd, a count). */
    static int okInt(long raw, String what) {
        return Math.toIntExact(ok(raw, what));
    }

    /** Asserts the raw result is exactly {@code -errno}. */
    static void assertErrno(int errno, long raw, String what) {
        assertEquals(describe(-errno), describe(raw), what);
    }

    /** The open flags of one of our fds (octal "flags:" in /proc/self/fdinfo). */
    static int fdinfoFlags(int fd) {
        return Integer.parseInt(fdinfo(fd, "flags:"), 8);
    }

    private static String fdinfo(int fd, String key) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith(key)) {
                    return line.substring(key.length()).trim();
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no " + key + " line in /proc/self/fdinfo/" + fd);
    }

    private static final java.util.concurrent.atomic.AtomicInteger SPARE_FDS = new java.util.concurrent.atomic.AtomicInteger(-1);

    /**
     * An fd number near the top of RLIMIT_NOFILE, different on every call. The kernel hands out the
     * lowest free number, so once such an fd is closed its number is not reused by anyone else in the
     * JVM: calls on it after close are safe to make (a just-closed low number could be reopened by
     * another thread at any moment, and a test would then read, write or close someone else's file).
     */
    static int spareFdNumber() {
        SPARE_FDS.compareAndSet(-1, openFilesLimit() - 1);
        int n = SPARE_FDS.getAndDecrement();
        if (n < 10_000) {
            throw new AssertionError("RLIMIT_NOFILE too low for spare fd numbers: " + openFilesLimit());
        }
        return n;
    }

    private static int openFilesLimit() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return Integer.parseInt(line.substring("Max open files".length()).trim().split("\\s+")[0]);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no Max open files line in /proc/self/limits");
    }

    /** The process umask, from /proc/self/status. */
    static int umask() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).trim(), 8);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no Umask line in /proc/self/status");
    }

    /** The kernel's file position of one of our fds, from /proc/self/fdinfo: a witness no engine touches. */
    static long fdinfoPos(int fd) {
        return Long.parseLong(fdinfo(fd, "pos:"));
    }
}
