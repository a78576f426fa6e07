package io.flexsc.nio.net.channels;

import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.ffi.ThreadSignal;
import io.flexsc.nio.ffi.Threads;
import io.flexsc.nio.net.sys.NetIO;
import io.flexsc.nio.net.sys.NetSys;
import io.flexsc.nio.vthread.VtPoller;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The file descriptor of one channel and the coordination every channel needs around it: the read
 * and write locks, the state lock, and waking threads blocked in poll(2) when the channel is closed
 * or interrupted.
 *
 * <p>The descriptor is always non-blocking in the kernel; a channel in blocking mode waits with
 * poll(2) on the descriptor and on a per-channel eventfd (made on the first blocking wait) that
 * {@link #wakeBlocked()} signals, so an asynchronous close or an interrupt ends every wait at once.
 * A virtual thread parks instead ({@link VtPoller}), and {@link #wakeBlocked()} unparks it.
 *
 * <p>Closing has two steps, as in the JDK: {@link #preClose()} releases the socket at once (so the
 * peer sees the close) while the descriptor number stays reserved, pointing at a dead socket, until
 * {@link #closeNow()} once no selector has the channel registered any more. That way a selector
 * never confuses a new socket that reused the number with the old one. Before the dup2, every
 * selector's epoll set lets go of the socket ({@link EpollRegistration}): a registration must not
 * outlive the close.
 *
 * <p>Thread safety: all methods are safe from any thread.
 */
public final class FdState {
    /** A socket whose peer is closed: reads see EOF, writes fail. dup2'd over closing descriptors. */
    private static final class Dead {
        static final int FD = makeDead();

        private static int makeDead() {
            Scratch s = Scratch.acquire(8);
            try {
                long r = NetSys.call(SysNr.SOCKETPAIR, Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0,
                        s.address(), 0, 0);
                if (r < 0) {
                    throw new IllegalStateException("socketpair for the pre-close descriptor failed: " + NetSys.message((int) -r));
                }
                int a = s.buffer().getInt(0);
                int b = s.buffer().getInt(4);
                NetSys.shutdown(a, Linux.SHUT_RDWR);
                NetSys.close(b);
                return a;
            } finally {
                s.release();
            }
        }
    }

    public final int fd;
    final Object stateLock = new Object();
    public final ReentrantLock readLock = new ReentrantLock();
    public final ReentrantLock writeLock = new ReentrantLock();
    private int wakeFd = -1;     // guarded by stateLock
    /**
     * The descriptor's open file description is in blocking mode: an inherited one (fd 0, see
     * {@code io.flexsc.nio.net.InheritedChannels}), shared with the parent and {@code System.in},
     * which, as with the JDK, stays as it is until the application calls {@code configureBlocking(false)} (which sets
     * O_NONBLOCK and clears this; {@code configureBlocking(true)} clears O_NONBLOCK again and sets
     * this). Meanwhile the channel's blocking calls wait for readiness in {@link #await} first and
     * then use MSG_DONTWAIT, or, for calls without such a flag (accept4), run through
     * {@link #callMayWait}.
     */
    volatile boolean blockingDescription;
    /** The open file description is shared (inherited): its mode follows the channel's, as the JDK's does. */
    volatile boolean sharedDescription;
    private boolean closing;     // guarded by stateLock
    /** Virtual threads parked in {@link #await} (made on the first), guarded by stateLock. */
    private java.util.Set<Thread> parked;
    private boolean fdClosed;    // guarded by stateLock
    /** The kernel id of the thread in {@link #callMayWait}'s system call, 0 if none; guarded by stateLock. */
    private int waitingTid;

    FdState(int fd) {
        this.fd = fd;
    }

    /** The descriptor was inherited: its description is shared, in blocking mode or not. */
    public void inherited(boolean blocking) {
        sharedDescription = true;
        blockingDescription = blocking;
    }

    /**
     * Waits until the descriptor has one of {@code events}, the timeout passes ({@code -1}: none),
     * or the channel is closed or interrupted. Returns the descriptor's revents, 0 if woken or timed out.
     */
    public int await(short events, int timeoutMillis) throws IOException {
        if (timeoutMillis != 0 && Threads.isVirtual()) {
            return awaitParked(events, timeoutMillis);
        }
        int wfd;
        synchronized (stateLock) {
            if (closing) {
                return 0;
            }
            if (wakeFd < 0) {
                wakeFd = NetIO.eventfd();
            }
            wfd = wakeFd;
        }
        long r = NetIO.poll(fd, events, wfd, timeoutMillis);
        return (int) NetSys.check(r, "poll");
    }

    /**
     * {@link #await} from a virtual thread: parks it ({@link VtPoller}) instead of blocking its
     * carrier in poll(2); {@link #wakeBlocked()} unparks it.
     */
    private int awaitParked(short events, int timeoutMillis) throws IOException {
        Thread me = Thread.currentThread();
        assert !Thread.holdsLock(stateLock) : "a monitor held across a park pins on JDK 21-23";
        synchronized (stateLock) {
            if (closing) {
                return 0;
            }
            if (parked == null) {
                parked = new java.util.HashSet<>();
            }
            parked.add(me);
        }
        try {
            long nanos = timeoutMillis < 0 ? -1 : timeoutMillis * 1_000_000L;
            return VtPoller.await(fd, events, nanos, this::isClosing);
        } catch (IOException e) {
            if (isClosing()) {
                return 0; // closed meanwhile (the descriptor may be gone): woken, as poll(2) would be
            }
            throw e;
        } finally {
            synchronized (stateLock) {
                parked.remove(me);
            }
        }
    }

    /**
     * A blocking recv ({@code out} false) or send of {@code buf} posted by a virtual thread to
     * {@code port} ({@link io.flexsc.nio.vthread.VtCalls}): the call waits in the ring while the
     * thread is parked, registered as {@link #awaitParked} is, so that {@link #wakeBlocked()}
     * unparks it and it cancels the call (and still waits until the kernel is done with the
     * buffer). The raw result; {@code -ECANCELED} if the channel was closing already.
     */
    long posted(CallPort port, ByteBuffer buf, boolean out) {
        Thread me = Thread.currentThread();
        synchronized (stateLock) {
            if (closing) {
                return -Errno.ECANCELED;
            }
            if (parked == null) {
                parked = new java.util.HashSet<>();
            }
            parked.add(me);
        }
        try {
            return out ? NetIO.sendPosted(port, fd, buf, this::isClosing) : NetIO.recvPosted(port, fd, buf, this::isClosing);
        } finally {
            synchronized (stateLock) {
                parked.remove(me);
            }
        }
    }

    private boolean isClosing() {
        synchronized (stateLock) {
            return closing;
        }
    }

    /**
     * The channel's mode changes: a shared description follows it (as the JDK's configureBlocking
     * sets or clears O_NONBLOCK); our own descriptors stay non-blocking. The calls in blocking mode
     * on a blocking description: see {@link #blockingDescription}.
     */
    void configureBlocking(boolean block) throws IOException {
        if (sharedDescription && blockingDescription != block) {
            NetSys.setBlocking(fd, block);
            blockingDescription = block;
        }
    }

    /**
     * Marks the channel closing and wakes every thread blocked in {@link #await} or in
     * {@link #callMayWait}'s system call.
     */
    void wakeBlocked() {
        synchronized (stateLock) {
            closing = true;
            if (wakeFd >= 0) {
                NetIO.signal(wakeFd);
            }
            if (parked != null) {
                parked.forEach(java.util.concurrent.locks.LockSupport::unpark);
            }
            if (waitingTid != 0) {
                preClose(); // first: a call not yet in the kernel finds the dead socket (EINVAL) ...
                ThreadSignal.signal(waitingTid); // ... and one in it returns EINTR
            }
        }
    }

    /** Period of the deadline timer's signal after the first, should the first come too early (see {@link #callMayWait}). */
    private static final long TIMER_REPEAT_NANOS = 10_000_000L;
    private static volatile boolean unsignalledLogged;

    /**
     * Runs, on the caller's thread, a system call that has no non-blocking flag of its own (accept4)
     * on a blocking description ({@link #blockingDescription}), after {@link #await} saw the
     * descriptor ready: the readiness may be gone by then (another process sharing the description
     * took the connection) and the call then waits in the kernel. That wait stays bounded and
     * wakeable as the JDK's blocked calls are: {@link #wakeBlocked()} pre-closes the descriptor and
     * signals the thread ({@link ThreadSignal}), and a timer signals it at {@code deadline} (a
     * {@link System#nanoTime()} value, 0 for none). Returns the raw result: {@code -EINTR} when woken
     * so (the caller looks at its state again), EINVAL if it found the descriptor pre-closed.
     *
     * <p>Why a signal. There is no per-call non-blocking accept but io_uring's (IORING_OP_ACCEPT,
     * with IORING_ACCEPT_DONTWAIT from Linux 6.10, or cancelled at once before), and io_uring is
     * missing where seccomp profiles (Docker's default among them) or {@code kernel.io_uring_disabled}
     * deny it, so a second way would be needed all the same, and this one holds everywhere, on every
     * engine. O_NONBLOCK and SO_RCVTIMEO are state of the description or socket shared with the
     * parent: setting either, even for the one call, changes the parent's accepts, and restoring it
     * races with them. The JDK waits in the kernel too and signals the thread on close (its timed
     * accept sets O_NONBLOCK on the description meanwhile, which we do not).
     */
    long callMayWait(long deadline, int nr, long a0, long a1, long a2, long a3) throws IOException {
        if (!ThreadSignal.usable()) {
            if (!unsignalledLogged) {
                unsignalledLogged = true;
                System.getLogger("io.flexsc.nio.net").log(System.Logger.Level.WARNING, "flexsc: the JDK's thread"
                        + " signal (SIGRTMAX-2) has no handler: a system call on an inherited blocking socket may"
                        + " wait until the next connection or datagram, deaf to close()");
            }
            return DirectEngine.run(nr, a0, a1, a2, a3, 0, 0);
        }
        int tid;
        synchronized (stateLock) {
            if (closing) {
                return -Errno.EINTR;
            }
            tid = ThreadSignal.currentTid(); // here: a virtual thread stays on this carrier until it parks
            waitingTid = tid;
        }
        long timer = -1; // none (ids start at 0)
        try {
            if (deadline != 0) {
                long t = ThreadSignal.arm(tid, deadline - System.nanoTime(), TIMER_REPEAT_NANOS);
                if (t < 0) {
                    throw NetSys.exception((int) -t, null); // no timer: the deadline could not hold
                }
                timer = t;
            }
            // on this thread, never in an engine: the signal must find the call where it waits
            return DirectEngine.run(nr, a0, a1, a2, a3, 0, 0);
        } finally {
            synchronized (stateLock) {
                waitingTid = 0;
            }
            if (timer >= 0) {
                ThreadSignal.disarm(timer);
            }
        }
    }

    /**
     * A selector's registration of this descriptor: its epoll set holds the socket under the
     * descriptor's number until the selector deregisters it.
     */
    public interface EpollRegistration {
        /**
         * Deletes the descriptor from the selector's epoll set now, from any thread (an
         * EPOLL_CTL_DEL; nothing if the selector is closed).
         */
        void deleteFromEpoll(int fd);

        /** Makes the selector's select in progress, or its next, finish a pass (see {@link FdState#endEpollAdd}). */
        void nudge();
    }

    /** The selectors' registrations of the descriptor (made on the first), guarded by stateLock. */
    private java.util.List<EpollRegistration> registrations;
    /** Selectors' EPOLL_CTL_ADDs of the descriptor in flight ({@link #beginEpollAdd}), guarded by stateLock. */
    private int addsInFlight;
    /** {@link #preClose()} waits for {@link #addsInFlight} to end (see {@link #endEpollAdd}), guarded by stateLock. */
    private boolean preClosePending;

    /** A selector registered the descriptor (before it may add it to its epoll set). */
    public void addRegistration(EpollRegistration r) {
        synchronized (stateLock) {
            if (registrations == null) {
                registrations = new java.util.ArrayList<>(1);
            }
            registrations.add(r);
        }
    }

    /** A selector deregistered the descriptor (its epoll set no longer holds it). */
    public void removeRegistration(EpollRegistration r) {
        synchronized (stateLock) {
            if (registrations != null) {
                registrations.remove(r);
            }
        }
    }

    /**
     * A selector is about to add the descriptor to its epoll set (EPOLL_CTL_ADD, in a batch): false
     * if the channel is closing (the key is about to be cancelled; no ADD). Otherwise the selector
     * calls {@link #endEpollAdd} once the ADD has run (or failed), and a {@link #preClose()} meanwhile
     * waits for it.
     */
    public boolean beginEpollAdd() {
        synchronized (stateLock) {
            if (closing) {
                return false;
            }
            addsInFlight++;
            return true;
        }
    }

    /** The EPOLL_CTL_ADD of {@link #beginEpollAdd} has run: a {@link #preClose()} that waited for it happens now. */
    public void endEpollAdd() {
        synchronized (stateLock) {
            if (--addsInFlight == 0 && preClosePending) {
                preClosePending = false;
                preCloseLocked();
            }
        }
    }

    /**
     * Releases the socket now while keeping the descriptor number reserved (see class comment).
     * First every selector's epoll set lets go of the socket (EPOLL_CTL_DEL on the socket itself):
     * after the dup2, a DEL under the number names the dead socket and finds nothing, and if anything
     * else still holds the socket (the {@code Drainer}'s duplicate, an io_uring request not yet
     * freed) its registration would stay in the epoll set, reporting its readiness (end-of-stream,
     * EPOLLHUP) to every epoll_wait, which then returns at once: a selector spinning at full CPU.
     * A selector's ADD in flight (its batch is running) could put the socket back after the DEL: the
     * release then waits for that ADD ({@link #endEpollAdd}), and the selector is nudged so that its
     * batch ends soon.
     */
    void preClose() {
        synchronized (stateLock) {
            closing = true; // (already, by wakeBlocked): no more ADDs
            if (addsInFlight > 0) {
                preClosePending = true;
                if (registrations != null) {
                    for (EpollRegistration r : registrations) {
                        r.nudge();
                    }
                }
                return;
            }
            preCloseLocked();
        }
    }

    private void preCloseLocked() {
        assert Thread.holdsLock(stateLock);
        if (fdClosed) {
            return;
        }
        if (registrations != null) {
            for (EpollRegistration r : registrations) {
                r.deleteFromEpoll(fd);
            }
        }
        NetSys.call(SysNr.DUP2, Dead.FD, fd, 0);
    }

    /**
     * For a channel's {@code kill()}: closes the descriptor once the channel is closed and no
     * longer registered with any selector (checked under {@link #stateLock}); otherwise does nothing.
     */
    void closeIfReleased(java.nio.channels.SelectableChannel ch) {
        synchronized (stateLock) {
            if (ch.isOpen() || ch.isRegistered()) {
                return;
            }
        }
        closeNow();
    }

    /** Closes the descriptor (and the wake eventfd). Idempotent. */
    void closeNow() {
        synchronized (stateLock) {
            if (fdClosed) {
                return;
            }
            fdClosed = true;
            closing = true;
            NetSys.close(fd);
            if (wakeFd >= 0) {
                NetSys.close(wakeFd);
                wakeFd = -1;
            }
        }
    }

    /**
     * Releases the read and write locks this thread holds, before a blocking operation calls
     * {@code end()}: an interrupting thread closes the channel while holding the blocked thread's
     * blocker lock, which {@code end()} needs, so close must never wait for a lock held across
     * {@code end()}.
     */
    void releaseBeforeEnd() {
        if (writeLock.isHeldByCurrentThread()) {
            writeLock.unlock();
        }
        if (readLock.isHeldByCurrentThread()) {
            readLock.unlock();
        }
    }

    static void unlockIfHeld(ReentrantLock lock) {
        if (lock.isHeldByCurrentThread()) {
            lock.unlock();
        }
    }

    /**
     * The poll(2) timeout, in ms, left before {@code deadline} (a {@link System#nanoTime()} value, 0
     * for none: -1, no limit); throws {@link SocketTimeoutException} with
     * {@code timeoutMessage} once the deadline has passed.
     */
    static int millisUntil(long deadline, String timeoutMessage) throws SocketTimeoutException {
        if (deadline == 0) {
            return -1;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(timeoutMessage);
        }
        return (int) Math.max(1, left / 1_000_000L);
    }
}
