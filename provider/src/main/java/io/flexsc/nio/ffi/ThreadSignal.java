package io.flexsc.nio.ffi;

import java.nio.ByteBuffer;

/**
 * Ends a system call that waits in the kernel, the way the JDK ends its own blocked calls
 * ({@code sun.nio.ch.NativeThread}): a signal sent to the thread, whose handler does nothing and is
 * installed without {@link Linux#SA_RESTART}, makes the call return EINTR. Signal and handler are
 * the JDK's (SIGRTMAX - 2 on Linux, installed as {@code sun.nio.ch.NativeThread} initialises), so
 * nothing in the process's signal set-up changes. Before anything is sent, {@code rt_sigaction}
 * confirms the handler is there and does not restart calls: the signal's default action would end
 * the process ({@link #usable()}).
 *
 * <p>Also a POSIX timer that sends the same signal to one thread, for a deadline ({@link #arm}).
 *
 * <p>Stateless apart from the one-time check; thread-safe. Every call runs on the caller's thread.
 */
public final class ThreadSignal {
    private ThreadSignal() {}

    /** The JDK's INTERRUPT_SIGNAL on Linux: __SIGRTMAX (64) - 2. */
    public static final int SIGNAL = 64 - 2;

    private static final class Check {
        static final int PID = (int) RawSyscall.invoke3(SysNr.GETPID, 0, 0, 0);
        static final boolean USABLE = handlerInstalled();

        private static boolean handlerInstalled() {
            try {
                Class.forName("sun.nio.ch.NativeThread", true, null); // its initialiser installs the handler
            } catch (ClassNotFoundException | LinkageError e) {
                // not this JDK's way: rt_sigaction below tells whether a handler is there all the same
            }
            Scratch s = Scratch.acquire(32);
            try {
                ByteBuffer a = s.buffer();
                // struct kernel_sigaction: handler, then flags (x86_64)
                if (RawSyscall.invoke4(SysNr.RT_SIGACTION, SIGNAL, 0, s.address(), 8) != 0) {
                    return false;
                }
                long handler = a.getLong(0);
                long flags = a.getLong(8);
                return handler != 0 /* SIG_DFL */ && handler != 1 /* SIG_IGN */ && (flags & Linux.SA_RESTART) == 0;
            } finally {
                s.release();
            }
        }
    }

    /** Whether {@link #SIGNAL} has a handler that makes a waiting system call return EINTR (checked once). */
    public static boolean usable() {
        return Check.USABLE;
    }

    /** The calling thread's kernel id (for {@link #signal} and {@link #arm}). */
    public static int currentTid() {
        return (int) RawSyscall.invoke3(SysNr.GETTID, 0, 0, 0);
    }

    /** Sends {@link #SIGNAL} to thread {@code tid} of this process; only if {@link #usable()}. */
    public static void signal(int tid) {
        if (Check.USABLE) {
            RawSyscall.invoke3(SysNr.TGKILL, Check.PID, tid, SIGNAL);
        }
    }

    /**
     * A timer that sends {@link #SIGNAL} to thread {@code tid} in {@code nanos} and then every
     * {@code periodNanos} until {@link #disarm disarmed}; its id, or {@code -errno}. Only if {@link #usable()}.
     */
    public static long arm(int tid, long nanos, long periodNanos) {
        if (!Check.USABLE) {
            return -Errno.EINVAL;
        }
        Scratch s = Scratch.acquire(104);
        try {
            ByteBuffer b = s.buffer();
            for (int i = 0; i < 64; i += 8) {
                b.putLong(i, 0);
            }
            // struct sigevent: sigev_value @0, sigev_signo @8, sigev_notify @12, the thread id @16
            b.putInt(8, SIGNAL).putInt(12, Linux.SIGEV_THREAD_ID).putInt(16, tid);
            long r = RawSyscall.invoke3(SysNr.TIMER_CREATE, Linux.CLOCK_MONOTONIC, s.address(), s.address() + 64);
            if (r < 0) {
                return r;
            }
            int id = b.getInt(64);
            // struct itimerspec @72: it_interval, then it_value, each {tv_sec, tv_nsec}
            long first = Math.max(1, nanos);
            b.putLong(72, periodNanos / 1_000_000_000L).putLong(80, periodNanos % 1_000_000_000L);
            b.putLong(88, first / 1_000_000_000L).putLong(96, first % 1_000_000_000L);
            r = RawSyscall.invoke4(SysNr.TIMER_SETTIME, id, 0, s.address() + 72, 0);
            if (r < 0) {
                disarm(id);
                return r;
            }
            return id;
        } finally {
            s.release();
        }
    }

    /** Deletes a timer of {@link #arm}. */
    public static void disarm(long id) {
        RawSyscall.invoke3(SysNr.TIMER_DELETE, id, 0, 0);
    }
}
