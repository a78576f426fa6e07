package io.flexsc.nio.engine.kmod;

import io.flexsc.nio.ffi.SysNr;

/**
 * The system calls the module executes (its allowlist, see native-kmod/README.md). Anything else is
 * run directly on the caller's thread instead of being sent to the module, where it would come back
 * as -ENOSYS or -EPERM.
 */
final class KmodAllowlist {
    private KmodAllowlist() {}

    private static final boolean[] ALLOWED = new boolean[SysNr.MAX + 1];

    static {
        int[] nrs = {
            SysNr.READ, SysNr.WRITE, SysNr.PREAD64, SysNr.PWRITE64, SysNr.READV, SysNr.WRITEV,
            SysNr.PREADV, SysNr.PWRITEV, SysNr.PREADV2, SysNr.PWRITEV2, SysNr.FSYNC, SysNr.FDATASYNC,
            SysNr.FTRUNCATE, SysNr.FALLOCATE, SysNr.LSEEK, SysNr.FSTAT, SysNr.STATX, SysNr.NEWFSTATAT,
            SysNr.OPENAT, SysNr.CLOSE, SysNr.SOCKET, SysNr.BIND, SysNr.LISTEN, SysNr.ACCEPT, SysNr.ACCEPT4,
            SysNr.CONNECT, SysNr.SENDTO, SysNr.RECVFROM, SysNr.SENDMSG, SysNr.RECVMSG, SysNr.SHUTDOWN,
            SysNr.GETSOCKOPT, SysNr.SETSOCKOPT, SysNr.GETSOCKNAME, SysNr.GETPEERNAME, SysNr.EPOLL_CREATE1,
            SysNr.EPOLL_CTL, SysNr.EPOLL_WAIT, SysNr.EPOLL_PWAIT, SysNr.SENDFILE, SysNr.SPLICE,
            SysNr.COPY_FILE_RANGE, SysNr.GETPID, SysNr.EVENTFD2,
        };
        for (int nr : nrs) {
            ALLOWED[nr] = true;
        }
    }

    static boolean allowed(int nr) {
        return nr >= 0 && nr < ALLOWED.length && ALLOWED[nr];
    }
}
