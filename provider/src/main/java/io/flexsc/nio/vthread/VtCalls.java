package io.flexsc.nio.vthread;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Threads;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A virtual thread's system call posted to its engine's {@link CallPort} (the exception-less path,
 * FlexSC's syscall page as io_uring): the thread posts the call, parks, and the completion unparks
 * it; its carrier runs other virtual threads meanwhile, and calls posted by many of them go to the
 * kernel together.
 *
 * <p>What goes this way ({@code -Dflexsc.vthread.ring}):
 * <ul>
 *   <li>{@code all} (default): the file channels' reads and writes; a socket channel's blocking
 *       single-buffer read and write without a timeout, posted as the operation itself
 *       ({@code IORING_OP_RECV}/{@code IORING_OP_SEND}, {@link #socketPort}: the call waits in the
 *       ring for data or room, and its completion brings the result, with no readiness wait and
 *       no second call); and the readiness waits of {@link VtPoller} that remain (timed reads,
 *       scattering reads and gathering writes, accept, connect: an {@code IORING_OP_POLL_ADD} in
 *       the same ring instead of the poller's epoll, which then never starts: one ring and one
 *       thread serve all);</li>
 *   <li>{@code files}: the file channels' reads and writes only (readiness waits on the epoll);</li>
 *   <li>{@code off}: none (file I/O runs on the carrier, readiness waits on the epoll).</li>
 * </ul>
 * Only on an engine that has a port ({@code uring}); elsewhere nothing changes.
 *
 * <p>Giving up: when the caller's {@code stop} condition holds (its channel was closed) or, for an
 * interruptible call, the thread is interrupted, the call is cancelled, and the thread still waits
 * until the call is done: the kernel may use the call's memory until then (a cancelled call
 * completes within microseconds; a disk transfer that cannot be stopped, when the disk answers).
 * To park while interrupted it clears its interrupt status and sets it again before it returns.
 * On JDKs that close an interrupted thread's channel while holding that thread's interrupt lock
 * (before {@code Interruptible.postInterrupt}; the close waits for this call) a virtual thread can
 * neither park nor clear its status then: it spins until the call is done.
 *
 * <p>Thread safety: static methods, for any thread.
 */
public final class VtCalls {
    private VtCalls() {}

    /** Which waits go through the ring: see the class comment. */
    public enum Mode { OFF, FILES, ALL }

    /** From {@code -Dflexsc.vthread.ring}; tests of this package switch it with {@link #mode(Mode)}. */
    private static volatile Mode MODE = mode(System.getProperty("flexsc.vthread.ring", "all"));

    static Mode mode(String v) {
        try {
            return Mode.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.getLogger(VtCalls.class.getName()).log(System.Logger.Level.WARNING,
                    "flexsc: -Dflexsc.vthread.ring={0} is not off, files or all; using all", v);
            return Mode.ALL;
        }
    }

    /** The mode in force ({@code -Dflexsc.vthread.ring}). */
    public static Mode mode() {
        return MODE;
    }

    /** Tests: sets the mode; returns the one it replaces. */
    static Mode mode(Mode m) {
        Mode old = MODE;
        MODE = m;
        return old;
    }

    /**
     * The port through which the current thread posts file I/O: {@code engine}'s, when the current
     * thread is a virtual thread and the mode says so; else null (run the call as before).
     */
    public static CallPort filePort(SyscallEngine engine) {
        if (MODE == Mode.OFF || !Threads.isVirtual()) {
            return null;
        }
        return engine.callPort();
    }

    /**
     * The port through which the current thread posts a blocking socket read or write (the
     * operation itself, not a readiness wait): {@code engine}'s, when the current thread is a
     * virtual thread and the mode is {@code all}; else null (the channel's readiness wait).
     */
    public static CallPort socketPort(SyscallEngine engine) {
        if (MODE != Mode.ALL || !Threads.isVirtual()) {
            return null;
        }
        return engine.callPort();
    }

    /**
     * The port through which {@link VtPoller} posts readiness waits: the process-wide engine's,
     * in mode {@code all} once that engine has started; else null (the poller's epoll).
     */
    static CallPort pollPort() {
        if (MODE != Mode.ALL) {
            return null;
        }
        SyscallEngine e = Engines.sharedIfStarted();
        return e == null ? null : e.callPort();
    }

    /**
     * Posts {@code nr(a0..a5)} to {@code port} and parks until it is done; returns its raw result,
     * {@code -ECANCELED} or {@code -EINTR} if it was cancelled before it ran (see the class comment
     * for when). The memory the call names is the kernel's until this returns.
     *
     * @param interruptible whether an interrupt cancels the call (else the wait goes on, the
     *     interrupt status kept)
     * @throws io.flexsc.nio.engine.EngineClosedException if the engine closed before the call ran
     */
    public static long run(CallPort port, int nr, long a0, long a1, long a2, long a3, long a4, long a5,
            BooleanSupplier stop, boolean interruptible) {
        Call c = new Call(nr, a0, a1, a2, a3, a4, a5);
        Thread me = Thread.currentThread();
        port.post(c, me);
        await(port, c, stop, interruptible);
        return c.result();
    }

    /** Parks until the posted {@code c} is done, cancelling it once if the caller gives up. */
    static void await(CallPort port, Call c, BooleanSupplier stop, boolean interruptible) {
        Thread me = Thread.currentThread();
        boolean cancelled = false;
        boolean cleared = false;
        try {
            while (!c.isDone()) {
                boolean interrupted = me.isInterrupted();
                if (!cancelled && (stop.getAsBoolean() || (interruptible && interrupted))) {
                    cancelled = true;
                    port.cancel(c);
                    continue;
                }
                if (interrupted) {
                    if (PARK_AFTER_INTERRUPT) {
                        cleared |= Thread.interrupted(); // a park would return at once; set again below
                    } else {
                        Thread.onSpinWait(); // see the class comment
                    }
                    continue;
                }
                LockSupport.park(c);
            }
        } finally {
            if (cleared) {
                me.interrupt();
            }
        }
        port.resumed(c);
    }

    /**
     * Whether the JDK closes a channel for an interrupt after it has released the interrupted
     * virtual thread's interrupt lock ({@code Interruptible.postInterrupt}): only then may that
     * thread park, or clear its interrupt status, while the close waits for its call.
     */
    private static final boolean PARK_AFTER_INTERRUPT = hasPostInterrupt();

    private static boolean hasPostInterrupt() {
        try {
            for (java.lang.reflect.Method m : Class.forName("sun.nio.ch.Interruptible").getMethods()) {
                if (m.getName().equals("postInterrupt")) {
                    return true;
                }
            }
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            // not this JDK's layout: assume the older protocol
        }
        return false;
    }

    /** {@code -ECANCELED}: what a call cancelled before it ran returns (as {@code -EINTR} does). */
    public static boolean cancelled(long r) {
        return r == -Errno.ECANCELED || r == -Errno.EINTR;
    }
}
