package io.flexsc.nio.net.sys;

import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Errors;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * The socket-level system calls this package makes and errno-to-exception mapping (the constants
 * they take are {@link Linux}'s). Every call goes through the process-wide engine ({@link Engines#shared()}); arguments
 * that are pointers are native addresses the caller keeps alive for the call's duration.
 *
 * <p>Stateless and thread-safe.
 */
public final class NetSys {
    private NetSys() {}

    public static SyscallEngine engine() {
        return Engines.shared();
    }

    /**
     * Not an errno: the result of a call that the engine refused because it is closed
     * ({@link EngineClosedException}). Within the kernel's error range, so callers treat it as any
     * other error, and the exception mappings below turn it into an {@link IOException} (as the
     * file channels do), never an unchecked exception out of a channel.
     */
    public static final int ENGINE_CLOSED = 4095;

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
        long r = call(SysNr.SOCKET, family, type | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0);
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
        long fl = call(SysNr.FCNTL, fd, Linux.F_GETFL, 0);
        check(fl, null);
        long nfl = blocking ? (fl & ~Linux.O_NONBLOCK) : (fl | Linux.O_NONBLOCK);
        if (nfl != fl) {
            check(call(SysNr.FCNTL, fd, Linux.F_SETFL, nfl), null);
        }
    }

    /** An int-valued getsockopt. */
    public static int getIntOpt(int fd, int level, int opt) throws IOException {
        Scratch s = Scratch.acquire(12);
        try {
            ByteBuffer v = s.buffer().putInt(0, 0).putInt(8, 4);
            check(call(SysNr.GETSOCKOPT, fd, level, opt, s.address(), s.address() + 8, 0), null);
            return v.getInt(0);
        } finally {
            s.release();
        }
    }

    /** An int-valued setsockopt. */
    public static void setIntOpt(int fd, int level, int opt, int value) throws IOException {
        Scratch s = Scratch.acquire(4);
        try {
            s.buffer().putInt(0, value);
            check(call(SysNr.SETSOCKOPT, fd, level, opt, s.address(), 4, 0), null);
        } finally {
            s.release();
        }
    }

    /** The pending socket error (SO_ERROR), cleared by reading it; 0 if none. */
    public static int socketError(int fd) throws IOException {
        return getIntOpt(fd, Linux.SOL_SOCKET, Linux.SO_ERROR);
    }

    /** Throws the exception for a raw result that is an error; returns it otherwise. */
    public static long check(long raw, String context) throws IOException {
        if (Errno.isError(raw)) {
            throw exception(Errno.of(raw), context);
        }
        return raw;
    }

    /** The text for a raw errno in log lines: {@link Errors#strerror}, or the engine being closed. */
    public static String message(int errno) {
        return errno == ENGINE_CLOSED ? "flexsc engine closed" : Errors.strerror(errno);
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
}
