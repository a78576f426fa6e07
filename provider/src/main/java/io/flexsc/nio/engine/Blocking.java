package io.flexsc.nio.engine;

import io.flexsc.nio.ffi.SysNr;

/**
 * The one rule for "may this call wait for something outside the process" (a peer, a FIFO's
 * other end, a lock holder), from its number and arguments alone. Such a call never enters a shared
 * ring or a syscall thread: an engine runs it on the calling thread, where it holds up only its
 * caller, as the JDK's would. A kmod syscall thread blocked in it would stop every other call of the
 * session; on io_uring an open is first tried non-blocking, which for a FIFO says ENXIO (no
 * reader) or succeeds at once (no writer) where the system call waits.
 *
 * <p>What the arguments cannot tell: a read or write of a blocking pipe or tty looks like a file's.
 * Callers that may do those (the file channel on a non-regular file) run them on their own thread
 * ({@code DirectEngine.run}); the socket channels use MSG_DONTWAIT or non-blocking descriptors.
 *
 * <p>Stateless and thread-safe.
 */
public final class Blocking {
    private Blocking() {}

    private static final long MSG_DONTWAIT = 0x40;
    private static final long O_CREAT = 0100, O_EXCL = 0200, O_NONBLOCK = 04000, O_DIRECTORY = 0200000,
            O_PATH = 010000000;
    private static final long LOCK_NB = 4;
    private static final long F_SETLKW = 7, F_OFD_SETLKW = 38;

    /** Whether the call may wait for something outside the process (see the class comment). */
    public static boolean mayBlock(Call c) {
        return mayBlock(c.nr(), c.a1(), c.a2(), c.a3());
    }

    /** {@link #mayBlock(Call)} from the call's number and arguments 1 to 3 (the rest play no part). */
    public static boolean mayBlock(int nr, long a1, long a2, long a3) {
        switch (nr) {
            case SysNr.SENDTO:
            case SysNr.RECVFROM:
                return (a3 & MSG_DONTWAIT) == 0;
            case SysNr.SENDMSG:
            case SysNr.RECVMSG:
                return (a2 & MSG_DONTWAIT) == 0;
            case SysNr.ACCEPT:
            case SysNr.ACCEPT4:
            case SysNr.CONNECT:
                return true;
            case SysNr.EPOLL_WAIT:
            case SysNr.EPOLL_PWAIT:
                return a3 != 0;
            case SysNr.OPENAT:
                return openMayBlock(a2);
            case SysNr.FLOCK:
                return (a1 & LOCK_NB) == 0;
            case SysNr.FCNTL:
                return a1 == F_SETLKW || a1 == F_OFD_SETLKW;
            default:
                return false;
        }
    }

    /**
     * Whether an open with these flags may wait: it may name a FIFO (which waits for its other end)
     * or a device, unless the flags rule that out (non-blocking, a path or directory only, or a new
     * file created exclusively).
     */
    static boolean openMayBlock(long flags) {
        if ((flags & (O_NONBLOCK | O_PATH | O_DIRECTORY)) != 0) {
            return false;
        }
        return (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
    }
}
