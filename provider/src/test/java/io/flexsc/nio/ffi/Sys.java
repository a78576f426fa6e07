package io.flexsc.nio.ffi;

import java.nio.ByteBuffer;

/**
 * The few system calls the ffi tests make, each straight through {@link RawSyscall}, with raw
 * results ({@code >= 0}, or {@code -errno}). A path goes through {@link CString} as every channel's
 * does, so a NUL in it is refused before the kernel sees it.
 */
final class Sys {
    private Sys() {}

    static int open(String path, int flags, int mode) {
        ByteBuffer p = Mem.cstring(path);
        try {
            return (int) RawSyscall.invoke4(SysNr.OPENAT, Linux.AT_FDCWD, Mem.addr(p), flags, mode);
        } finally {
            java.lang.ref.Reference.reachabilityFence(p);
        }
    }

    static int close(int fd) {
        return (int) RawSyscall.invoke3(SysNr.CLOSE, fd, 0, 0);
    }

    static long read(int fd, long buf, long len) {
        return RawSyscall.invoke3(SysNr.READ, fd, buf, len);
    }

    static int socket(int domain, int type, int protocol) {
        return (int) RawSyscall.invoke3(SysNr.SOCKET, domain, type, protocol);
    }

    static int connect(int fd, long addr, int len) {
        return (int) RawSyscall.invoke3(SysNr.CONNECT, fd, addr, len);
    }

    static int bind(int fd, long addr, int len) {
        return (int) RawSyscall.invoke3(SysNr.BIND, fd, addr, len);
    }

    static int getsockname(int fd, long addr, long lenAddr) {
        return (int) RawSyscall.invoke3(SysNr.GETSOCKNAME, fd, addr, lenAddr);
    }

    static int getsockopt(int fd, int level, int name, long value, long lenAddr) {
        return (int) RawSyscall.invoke(SysNr.GETSOCKOPT, fd, level, name, value, lenAddr, 0);
    }

    static int poll(long fds, int n, int timeoutMillis) {
        return (int) RawSyscall.invoke3(SysNr.POLL, fds, n, timeoutMillis);
    }

    static long send(int fd, long buf, long len, int flags) {
        return RawSyscall.send(fd, buf, len, flags);
    }

    static long sendto(int fd, long buf, long len, int flags, long addr, int addrLen) {
        return RawSyscall.sendto(fd, buf, len, flags, addr, addrLen);
    }
}
