package io.flexsc.nio.net.sys;

import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Errors;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;

/**
 * The socket-level system calls the network provider makes, their constants, and errno-to-exception
 * mapping. Every call goes through the process-wide engine ({@link Engines#shared()}); arguments
 * that are pointers are native addresses the caller keeps alive for the call's duration.
 *
 * <p>Stateless and thread-safe.
 */
public final class NetSys {
    private NetSys() {}

    // address families and socket types
    public static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    // levels and options
    public static final int SOL_SOCKET = 1, IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_IPV6 = 41;
    public static final int SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_BROADCAST = 6, SO_SNDBUF = 7,
            SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_LINGER = 13, SO_REUSEPORT = 15,
            SO_ACCEPTCONN = 30, SO_DOMAIN = 39, SO_INCOMING_NAPI_ID = 56;
    public static final int IP_TOS = 1, IP_MULTICAST_IF = 32, IP_MULTICAST_TTL = 33, IP_MULTICAST_LOOP = 34,
            IP_ADD_MEMBERSHIP = 35, IP_DROP_MEMBERSHIP = 36, IP_UNBLOCK_SOURCE = 37, IP_BLOCK_SOURCE = 38,
            IP_ADD_SOURCE_MEMBERSHIP = 39, IP_DROP_SOURCE_MEMBERSHIP = 40;
    public static final int IPV6_MULTICAST_IF = 17, IPV6_MULTICAST_HOPS = 18, IPV6_MULTICAST_LOOP = 19,
            IPV6_ADD_MEMBERSHIP = 20, IPV6_DROP_MEMBERSHIP = 21, IPV6_V6ONLY = 26, IPV6_TCLASS = 67;
    public static final int MCAST_JOIN_SOURCE_GROUP = 46, MCAST_BLOCK_SOURCE = 43, MCAST_UNBLOCK_SOURCE = 44,
            MCAST_LEAVE_SOURCE_GROUP = 47;
    public static final int TCP_NODELAY = 1, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6, TCP_QUICKACK = 12;
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    public static final int MSG_PEEK = 0x2, MSG_OOB = 0x1, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;
    // fcntl
    public static final int F_GETFL = 3, F_SETFL = 4, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    // poll
    public static final short POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    // epoll
    public static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
    public static final int EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10,
            EPOLLRDHUP = 0x2000;
    /** Size of {@code struct epoll_event} on x86_64 (packed: u32 events, u64 data). */
    public static final int EPOLL_EVENT_SIZE = 12;
    static final int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
    /** The kernel's limit on an iovec array. */
    static final int IOV_MAX = 1024;

    public static SyscallEngine engine() {
        return Engines.shared();
    }

    /**
     * Not an errno: the result of a call that the engine refused because it is closed
     * ({@link EngineClosedException}). Within the kernel's error range, so callers treat it as any
     * other error, and the exception mappings below turn it into an {@link IOException} (as the
     * file channels do), never an unchecked exception out of a channel.
     */
    static final int ENGINE_CLOSED = 4095;

    public static long call(int nr, long a0, long a1, long a2) {
        try {
            return engine().syscall(nr, a0, a1, a2);
        } catch (EngineClosedException e) {
            return -ENGINE_CLOSED;
        }
    }

    public static long call(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        try {
            return engine().syscall(nr, a0, a1, a2, a3, a4, a5);
        } catch (EngineClosedException e) {
            return -ENGINE_CLOSED;
        }
    }

    /** The exception for a call the engine refused because it is closed (as the file channels'). */
    public static IOException engineClosed() {
        return new IOException("flexsc engine closed");
    }

    public static int socket(int family, int type) throws IOException {
        long r = call(SysNr.SOCKET, family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (Errno.isError(r)) {
            throw exception(Errno.of(r), null);
        }
        return (int) r;
    }

    public static void close(int fd) {
        if (fd >= 0) {
            call(SysNr.CLOSE, fd, 0, 0); // errors from close(2) of a socket carry no information we can act on
        }
    }

    /** shutdown(2); returns the raw result. */
    public static long shutdown(int fd, int how) {
        return call(SysNr.SHUTDOWN, fd, how, 0);
    }

    public static void setBlocking(int fd, boolean blocking) throws IOException {
        long fl = call(SysNr.FCNTL, fd, F_GETFL, 0);
        check(fl, null);
        long nfl = blocking ? (fl & ~O_NONBLOCK) : (fl | O_NONBLOCK);
        if (nfl != fl) {
            check(call(SysNr.FCNTL, fd, F_SETFL, nfl), null);
        }
    }

    /** An int-valued getsockopt. */
    public static int getIntOpt(int fd, int level, int opt) throws IOException {
        Scratch s = Scratch.get();
        s.putInt(0, 0);
        s.putInt(8, 4);
        long r = call(SysNr.GETSOCKOPT, fd, level, opt, s.address, s.address + 8, 0);
        check(r, null);
        return s.getInt(0);
    }

    /** An int-valued setsockopt. */
    public static void setIntOpt(int fd, int level, int opt, int value) throws IOException {
        Scratch s = Scratch.get();
        s.putInt(0, value);
        long r = call(SysNr.SETSOCKOPT, fd, level, opt, s.address, 4, 0);
        check(r, null);
    }

    /** The pending socket error (SO_ERROR), cleared by reading it; 0 if none. */
    public static int socketError(int fd) throws IOException {
        return getIntOpt(fd, SOL_SOCKET, SO_ERROR);
    }

    /** Throws the exception for a raw result that is an error; returns it otherwise. */
    public static long check(long raw, String context) throws IOException {
        if (Errno.isError(raw)) {
            throw exception(Errno.of(raw), context);
        }
        return raw;
    }

    /** The C library's message for an errno, as the JDK's exceptions carry it. */
    public static String message(int errno) {
        switch (errno) {
            case Errno.EPERM: return "Operation not permitted";
            case Errno.ENOENT: return "No such file or directory";
            case Errno.EINTR: return "Interrupted system call";
            case Errno.EIO: return "Input/output error";
            case Errno.EBADF: return "Bad file descriptor";
            case Errno.EAGAIN: return "Resource temporarily unavailable";
            case Errno.ENOMEM: return "Cannot allocate memory";
            case Errno.EACCES: return "Permission denied";
            case Errno.EFAULT: return "Bad address";
            case Errno.EINVAL: return "Invalid argument";
            case Errno.ENFILE: return "Too many open files in system";
            case Errno.EMFILE: return "Too many open files";
            case Errno.EPIPE: return "Broken pipe";
            case Errno.ENOTSOCK: return "Socket operation on non-socket";
            case Errno.EDESTADDRREQ: return "Destination address required";
            case Errno.EMSGSIZE: return "Message too long";
            case Errno.EPROTOTYPE: return "Protocol wrong type for socket";
            case Errno.ENOPROTOOPT: return "Protocol not available";
            case Errno.EPROTONOSUPPORT: return "Protocol not supported";
            case Errno.EOPNOTSUPP: return "Operation not supported";
            case Errno.EAFNOSUPPORT: return "Address family not supported by protocol";
            case Errno.EADDRINUSE: return "Address already in use";
            case Errno.EADDRNOTAVAIL: return "Cannot assign requested address";
            case Errno.ENETDOWN: return "Network is down";
            case Errno.ENETUNREACH: return "Network is unreachable";
            case Errno.ECONNABORTED: return "Software caused connection abort";
            case Errno.ECONNRESET: return "Connection reset by peer";
            case Errno.ENOBUFS: return "No buffer space available";
            case Errno.EISCONN: return "Transport endpoint is already connected";
            case Errno.ENOTCONN: return "Transport endpoint is not connected";
            case Errno.ESHUTDOWN: return "Cannot send after transport endpoint shutdown";
            case Errno.ETIMEDOUT: return "Connection timed out";
            case Errno.ECONNREFUSED: return "Connection refused";
            case Errno.EHOSTDOWN: return "Host is down";
            case Errno.EHOSTUNREACH: return "No route to host";
            case Errno.EALREADY: return "Operation already in progress";
            case Errno.EINPROGRESS: return "Operation now in progress";
            case ENGINE_CLOSED: return "flexsc engine closed";
            default: return "errno " + errno;
        }
    }

    /**
     * The JDK's exception for a failed socket set-up or datagram operation (connect, bind, listen,
     * accept, options, send/receive): {@link ConnectException} for a refused or timed-out connect,
     * {@link BindException}, {@link NoRouteToHostException}, else {@link SocketException}; the
     * message is the C library's text. From the ffi branch's {@link Errors}. {@code context} is
     * accepted for call sites' readability and not shown, as the JDK shows none.
     */
    public static IOException exception(int errno, String context) {
        return errno == ENGINE_CLOSED ? engineClosed() : Errors.forSocket(errno);
    }

    /** The JDK's exception for a failed write on a stream socket or pipe: an IOException, e.g. "Broken pipe". */
    public static IOException ioException(int errno) {
        return errno == ENGINE_CLOSED ? engineClosed() : Errors.forIo(errno);
    }

    /** The JDK's read-side exception: a reset connection is a {@link SocketException} "Connection reset". */
    public static IOException readException(int errno) {
        return errno == ENGINE_CLOSED ? engineClosed() : Errors.forSocketRead(errno);
    }

    /** Per-thread native scratch memory for the arguments of one synchronous call. */
    public static final class Scratch {
        static final int SIZE = 512;
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
        /** A direct buffer, so the memory goes with the thread's last reference to it. */
        public final java.nio.ByteBuffer view = java.nio.ByteBuffer.allocateDirect(SIZE).order(java.nio.ByteOrder.nativeOrder());
        public final long address = NativeMemory.address(view);

        public static Scratch get() {
            return LOCAL.get();
        }

        public int getInt(int off) { return view.getInt(off); }
        public void putInt(int off, int v) { view.putInt(off, v); }
        short getShort(int off) { return view.getShort(off); }
        public void putShort(int off, short v) { view.putShort(off, v); }
        long getLong(int off) { return view.getLong(off); }
        public void putLong(int off, long v) { view.putLong(off, v); }
    }
}
