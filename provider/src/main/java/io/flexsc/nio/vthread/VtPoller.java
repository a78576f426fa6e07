package io.flexsc.nio.vthread;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.EpollEvent;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Errors;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Readiness waits for virtual threads (JDK 21+): instead of blocking its carrier in poll(2), a
 * virtual thread registers the descriptor here, one-shot, and parks; this class's own platform
 * daemon thread, the only one to wait in the kernel, owns an epoll instance and unparks the waiter
 * when the descriptor is ready.
 *
 * <p>Every wait ends when the descriptor is ready, at its deadline, when the waiting thread is
 * interrupted, or when the caller's {@code stop} condition holds once the thread is unparked: the
 * owner of what is waited on (a channel that is closed, say) sets its state and then calls
 * {@link LockSupport#unpark} on the waiters it tracks. No lock is held across a park.
 *
 * <p>Several waiters may wait on one descriptor (a reader and a writer of one socket): the
 * descriptor is registered once, for the union of their events, and a readiness wakes those it
 * concerns. Each registration carries a generation number in its epoll data, so a stale event of
 * a descriptor number that was deregistered and registered again wakes nobody.
 *
 * <p>On an engine with a {@link CallPort} ({@code uring}), a wait is posted there instead, as a
 * one-shot {@code IORING_OP_POLL_ADD} ({@link VtCalls}, {@code -Dflexsc.vthread.ring}), and the
 * epoll instance and its thread are never made.
 *
 * <p>Thread safety: all methods are safe from any thread. Virtual threads are told apart with
 * {@link io.flexsc.nio.ffi.Threads#isVirtual()} (always false on JDK 17).
 */
public final class VtPoller {
    private VtPoller() {}

    /**
     * Parks the current thread until {@code fd} has one of {@code events} (poll(2) bits, which are
     * epoll's), {@code timeoutNanos} passes ({@code < 0}: no limit), the thread is interrupted, or
     * {@code stop} holds after an unpark. Returns the ready events (with POLLERR/POLLHUP as poll
     * reports them), or 0 if the wait ended otherwise. A descriptor epoll cannot watch (a file
     * that has no readiness, such as /dev/null) is ready at once, as poll(2) says.
     */
    public static int await(int fd, int events, long timeoutNanos, BooleanSupplier stop) throws IOException {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        if (timeoutNanos == 0) {
            return 0;
        }
        CallPort port = VtCalls.pollPort();
        if (port != null) {
            return awaitPosted(port, fd, events, deadline, stop);
        }
        Waiter w = new Waiter(Thread.currentThread(), events);
        Poller p = poller();
        int r = p.register(fd, w);
        if (r != 0) {
            return r;
        }
        try {
            for (;;) {
                int rev = w.revents;
                if (rev != 0) {
                    return rev;
                }
                if (stop.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                    return 0;
                }
                if (deadline == 0) {
                    LockSupport.park(w);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return 0;
                    }
                    LockSupport.parkNanos(w, left);
                }
            }
        } finally {
            p.deregister(fd, w);
        }
    }

    /**
     * {@link #await} through the engine's ring ({@link VtCalls.Mode#ALL}): a one-shot
     * {@code IORING_OP_POLL_ADD} posted with the other virtual threads' calls, and a park. When the
     * wait ends otherwise (deadline, interrupt, {@code stop}), the poll is cancelled and not waited
     * for: it names no memory of ours, and the port does not unpark the waiter of a cancelled poll.
     */
    private static int awaitPosted(CallPort port, int fd, int events, long deadline, BooleanSupplier stop) {
        Call c = new Call();
        Thread me = Thread.currentThread();
        port.postPoll(c, fd, events, me);
        while (!c.isDone()) {
            if (stop.getAsBoolean() || me.isInterrupted()) {
                port.cancel(c);
                break;
            }
            if (deadline == 0) {
                LockSupport.park(c);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    port.cancel(c);
                    break;
                }
                LockSupport.parkNanos(c, left);
            }
        }
        port.resumed(c); // also after a cancel: the completion may have woken it meanwhile
        if (!c.isDone()) {
            return 0;
        }
        if (c.failure() != null) {
            return events; // the engine closed: let the operation itself find out
        }
        long r = c.result();
        if (r > 0) {
            return (int) r;
        }
        // cancelled (0), or an error the operation itself reports (EBADF, ...)
        return r == -Errno.ECANCELED || r == 0 ? 0 : events;
    }

    private static final ReentrantLock INIT = new ReentrantLock();
    private static volatile Poller poller;

    /**
     * The poller, made by the first wait. Not in a class initializer: a virtual thread that waits
     * for another thread's class initialization pins its carrier; on this lock it parks.
     */
    private static Poller poller() {
        Poller p = poller;
        if (p == null) {
            INIT.lock();
            try {
                p = poller;
                if (p == null) {
                    p = new Poller();
                    poller = p;
                }
            } finally {
                INIT.unlock();
            }
        }
        return p;
    }

    /** A parked thread's wait: its events, and the events that woke it (set by the poller). */
    private static final class Waiter {
        final Thread thread;
        final int events;
        volatile int revents;

        Waiter(Thread thread, int events) {
            this.thread = thread;
            this.events = events;
        }
    }

    /** The waiters of one registered descriptor. Guarded by {@link Poller#lock}. */
    private static final class Entry {
        final long generation;
        final ArrayList<Waiter> waiters = new ArrayList<>(2);
        int registered;

        Entry(long generation) {
            this.generation = generation;
        }

        int union() {
            int u = 0;
            for (Waiter w : waiters) {
                u |= w.events;
            }
            return u;
        }
    }

    /** The epoll instance and the daemon thread that waits on it (made on first use). */
    private static final class Poller {
        private static final int MAX_EVENTS = 256;
        private static final int ALWAYS = Linux.EPOLLERR | Linux.EPOLLHUP;

        final ReentrantLock lock = new ReentrantLock();
        private final HashMap<Integer, Entry> entries = new HashMap<>(); // guarded by lock
        private long generations;                                        // guarded by lock
        private final int epfd;
        /** epoll_ctl's event argument, used under lock. */
        private final ByteBuffer ctl = ByteBuffer.allocateDirect(EpollEvent.SIZE);
        private final long ctlAddr = NativeMemory.address(ctl);

        private Poller() {
            long r = DirectEngine.run(SysNr.EPOLL_CREATE1, Linux.EPOLL_CLOEXEC, 0, 0, 0, 0, 0);
            if (r < 0) {
                throw new IllegalStateException("flexsc: epoll_create1 for the virtual-thread poller failed, errno " + -r);
            }
            epfd = (int) r;
            Thread t = new Thread(this::run, "flexsc-vthread-poller");
            t.setDaemon(true);
            t.start();
        }

        /** Registers {@code w} for {@code fd}; returns 0, or events at once if epoll cannot watch it. */
        int register(int fd, Waiter w) throws IOException {
            lock.lock();
            try {
                Entry e = entries.get(fd);
                boolean added = e == null;
                if (added) {
                    e = new Entry(++generations);
                    entries.put(fd, e);
                }
                e.waiters.add(w);
                int want = e.union();
                if (!added && (e.registered & want) == want) {
                    return 0;
                }
                long r = ctl(added ? Linux.EPOLL_CTL_ADD : Linux.EPOLL_CTL_MOD, fd, want, e.generation);
                if (r == -Errno.EEXIST || r == -Errno.ENOENT) {
                    // out of step with the kernel (a descriptor closed and its number reused): the other op
                    r = ctl(r == -Errno.EEXIST ? Linux.EPOLL_CTL_MOD : Linux.EPOLL_CTL_ADD, fd, want, e.generation);
                }
                if (r < 0) {
                    e.waiters.remove(w);
                    if (e.waiters.isEmpty()) {
                        entries.remove(fd);
                    }
                    if (r == -Errno.EPERM) {
                        return w.events; // no readiness to wait for: ready, as poll(2) reports it
                    }
                    throw new IOException("epoll_ctl: " + Errors.strerror((int) -r));
                }
                e.registered = want;
                return 0;
            } finally {
                lock.unlock();
            }
        }

        /** Removes {@code w} (woken or not); the descriptor leaves epoll with its last waiter. */
        void deregister(int fd, Waiter w) {
            lock.lock();
            try {
                Entry e = entries.get(fd);
                if (e == null || !e.waiters.remove(w)) {
                    return; // already woken and removed by the poller
                }
                if (e.waiters.isEmpty()) {
                    entries.remove(fd);
                    ctl(Linux.EPOLL_CTL_DEL, fd, 0, 0); // ENOENT/EBADF: closed meanwhile
                }
            } finally {
                lock.unlock();
            }
        }

        private long ctl(int op, int fd, int events, long generation) {
            EpollEvent.put(ctlAddr, 0, events | Linux.EPOLLONESHOT, ((long) fd << 32) | (generation & 0xffffffffL));
            return DirectEngine.run(SysNr.EPOLL_CTL, epfd, op, fd, ctlAddr, 0, 0);
        }

        private void run() {
            ByteBuffer buf = ByteBuffer.allocateDirect(MAX_EVENTS * EpollEvent.SIZE);
            long addr = NativeMemory.address(buf);
            for (;;) {
                long n = DirectEngine.run(SysNr.EPOLL_WAIT, epfd, addr, MAX_EVENTS, -1, 0, 0);
                if (n < 0) {
                    if (n == -Errno.EINTR) {
                        continue;
                    }
                    System.getLogger(VtPoller.class.getName()).log(System.Logger.Level.ERROR,
                            "flexsc: epoll_wait of the virtual-thread poller failed, errno {0}", -n);
                    return;
                }
                for (int i = 0; i < n; i++) {
                    long data = EpollEvent.data(addr, i);
                    fired((int) (data >>> 32), data & 0xffffffffL, EpollEvent.events(addr, i));
                }
                Reference.reachabilityFence(buf); // else compiled code may let it (and its memory) go while epoll_wait writes there
            }
        }

        /** One event: wakes the waiters it concerns; re-arms the descriptor for those left. */
        private void fired(int fd, long generation, int ev) {
            lock.lock();
            try {
                Entry e = entries.get(fd);
                if (e == null || (e.generation & 0xffffffffL) != generation) {
                    return; // stale: its waiters have gone
                }
                for (int i = e.waiters.size() - 1; i >= 0; i--) {
                    Waiter w = e.waiters.get(i);
                    int rev = ev & (w.events | ALWAYS);
                    if (rev != 0) {
                        w.revents = rev;
                        e.waiters.remove(i);
                        LockSupport.unpark(w.thread);
                    }
                }
                if (e.waiters.isEmpty()) {
                    entries.remove(fd);
                    ctl(Linux.EPOLL_CTL_DEL, fd, 0, 0);
                } else {
                    // one-shot: disarmed by this event; armed again for the waiters left
                    e.registered = e.union();
                    ctl(Linux.EPOLL_CTL_MOD, fd, e.registered, e.generation);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
