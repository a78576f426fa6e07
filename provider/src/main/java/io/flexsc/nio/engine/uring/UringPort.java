package io.flexsc.nio.engine.uring;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.PortStats;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.RawSyscall;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.ffi.Threads;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code uring} engine's {@link CallPort}: a ring of its own whose completions one platform
 * daemon thread, {@code flexsc-uring-port}, reaps and dispatches by id, as Netty's io_uring
 * transport does: every posted call gets a fresh 64-bit id, which is its SQE's {@code user_data}
 * and the key of the in-flight table; a CQE's {@code user_data} finds the call, which is completed
 * and its waiter unparked. Ids are never reused, so a cancel ({@code IORING_OP_ASYNC_CANCEL} by
 * {@code user_data}) can never hit another call than the one it names.
 *
 * <h2>Submitting</h2>
 * At light load, calls that usually wait in the kernel (a receive, {@code IORING_OP_RECV}; a
 * readiness wait, {@code IORING_OP_POLL_ADD}) are submitted by the port thread; all other calls
 * (file I/O, which mostly completes inside the submitting entry; sends; cancels), and those under
 * load, by their posters. The reason is where io_uring runs such a call once it can go on: a
 * receive whose data has not arrived arms a readiness wait, and when the data comes the receive
 * is retried as task work of the task that submitted it. Submitted by a virtual thread's carrier,
 * that carrier (parked in its pool when the load is light) is woken to run it, and only then does
 * the completion wake the port thread, which unparks the waiter: three wake-ups in a row where the
 * JDK's poller has two. Submitted by the port thread, the task work runs in the thread that waits
 * for the completion anyway. Under load the carriers are awake, and the waiters are better woken
 * by the carriers' own reaping (below) than one by one from the port thread; so "light load"
 * ({@link #lightLoad}) is: nothing queued, no thread woken by a completion yet to run, and fewer
 * than 4 calls in the kernel ({@code -Dflexsc.uring.portSubmitsBelow}).
 *
 * <p>A poster of such a call puts it on the port thread's queue ({@link #portQueue}) and returns.
 * The port thread looks at that queue after every round of completions, puts what it finds into
 * SQEs and submits them in the {@code io_uring_enter} that waits for the next completion
 * ({@code to_submit} with {@code IORING_ENTER_GETEVENTS}). Before it waits it says so
 * ({@link #portState}) and then looks at the queue once more; a poster that finds it saying so
 * wakes it (once, by a compare-and-set) by writing an eventfd ({@link #wakeFd}) of which the port
 * thread always has a read armed in the ring: the read completes, and its completion ends the
 * wait. That costs the poster one system call and no submit role (a NOP SQE would need the role,
 * and the woken port thread would find it still held). So a busy port thread costs posters no
 * kernel entry at all, a waiting one one call, and no call is left queued while the thread waits.
 * ({@code -Dflexsc.uring.portSubmits=false}: posters submit all their calls, as before.)
 *
 * <p>A send ({@code sendto}) at light load is first tried at once on the poster's thread with {@code MSG_DONTWAIT}, as the JDK's
 * own virtual threads write: it almost always finds room, and is then done without a CQE, whose
 * posting would wake the port thread for nothing. Only if it finds none ({@code EAGAIN}) is it
 * posted. Sends under load are posted, and batched as below.
 * ({@code -Dflexsc.uring.sendFirst=false}: every send is posted.)
 *
 * <p>The other calls go on a second lock-free queue ({@link #pending}); whoever holds the submit
 * role (a CAS) drains it into SQEs and submits them with one {@code io_uring_enter}, then looks at
 * the queue again after giving up the role, so no call is stranded. A call posted to an idle port
 * is submitted by its poster at once. A call posted by a virtual thread while other threads woken
 * by completions have not run yet ({@link #awake}: they are about to post their next calls) is
 * batched: the first such poster yields its carrier once, so that they post first, and then
 * submits them all in one entry; later ones just leave their calls on the queue for it. So
 * batches form only while calls arrive faster than they complete, and a lone call never waits for
 * a batch.
 *
 * <p>After submitting, a poster reaps what is already in the CQ (most file I/O on cached data
 * completes inside the submitting {@code io_uring_enter}), so such a call is done without a
 * hand-over to the port thread.
 *
 * <h2>Posted calls wait in the kernel, not in a thread</h2>
 * SQEs carry no "don't wait" flag: a read of a file whose data is not cached goes to the disk (or
 * an io-wq worker) while its poster is parked, a receive or a readiness wait is armed on the
 * descriptor's wait queue. No thread of ours is blocked in the kernel for them; the port thread is
 * the only one that waits there, for any completion.
 *
 * <p>io_uring ties a request to the task that submitted it; when that task exits (a carrier thread
 * retired by its pool), requests still armed are cancelled ({@code -ECANCELED}) without having run.
 * A call that comes back {@code -ECANCELED} without having been cancelled by its poster is posted
 * again. (Calls the port thread submitted are not affected: it lives as long as the port.)
 *
 * <h2>Closing</h2>
 * With its engine: new posts fail ({@link EngineClosedException}), queued ones too, calls in the
 * kernel are cancelled and waited for (bounded), and any left then fail before the ring is unmapped.
 *
 * <p>Thread safety: all public methods may be called from any thread.
 */
final class UringPort implements CallPort {
    static final String NAME = "uring-port";
    private static final System.Logger LOG = System.getLogger("io.flexsc.nio.engine.uring");

    /** {@code user_data} of the port's own SQEs (cancels, wake-ups): completions to skip. */
    private static final long INTERNAL = -1L;
    private static final boolean SEND_FIRST = !"false".equalsIgnoreCase(System.getProperty("flexsc.uring.sendFirst", "true").trim());
    private static final boolean PORT_SUBMITS = !"false".equalsIgnoreCase(System.getProperty("flexsc.uring.portSubmits", "true").trim());
    /** How long the port thread spins for the submit role before it yields. */
    private static final int SPINS = 64;
    /** Light load: fewer calls than this in the kernel (see {@link #lightLoad}). */
    private static final int LIGHT_INFLIGHT = Integer.getInteger("flexsc.uring.portSubmitsBelow", 4);
    /** Bound of one wait of the port thread in the kernel; a safety net, completions wake it. */
    private static final long REAP_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final int KIND_CALL = 0;
    private static final int KIND_POLL = 1;
    private static final int KIND_CANCEL = 2;
    /** A NOP whose completion wakes the port thread from its wait in the kernel. */
    private static final int KIND_WAKE = 3;
    /** The port thread's read of its wake-up eventfd ({@link #wakeFd}), always armed. */
    private static final int KIND_WAKE_READ = 4;
    /** The port thread's states ({@link #portState}). */
    private static final int RUNNING = 0;
    private static final int SLEEPING = 1;
    private static final int WAKING = 2;
    private static final int WAITING = 0;
    private static final int WOKEN = 1;
    private static final int LEFT = 2;
    private static final int RESUMED = 3;

    /** One posted call (or a cancel of one), queued and then in flight under its id. */
    static final class Posted {
        final Call call;
        final Thread waiter;
        final long id;
        final int kind;
        /** KIND_POLL: the events; KIND_CALL: the opcode. */
        final int arg;
        /** KIND_CANCEL: the id to cancel. */
        final long target;
        /** Set by {@link #cancel}: a -ECANCELED is then the answer, not an orphan to post again. */
        volatile boolean cancelled;
        /**
         * WAITING, then WOKEN (completed and its waiter unparked: it counts in {@link #awake}) and
         * RESUMED, or LEFT (a cancelled poll whose waiter went: not unparked).
         */
        final AtomicInteger state = new AtomicInteger(WAITING);

        Posted(Call call, Thread waiter, long id, int kind, int arg, long target) {
            this.call = call;
            this.waiter = waiter;
            this.id = id;
            this.kind = kind;
            this.arg = arg;
            this.target = target;
        }
    }

    private final Ring ring;
    private final OpcodeMap ops;
    private final PortStats stats = new PortStats(NAME);
    /** Calls their posters submit (expected to complete inside the entry), cancels, wake-ups. */
    private final ConcurrentLinkedQueue<Posted> pending = new ConcurrentLinkedQueue<>();
    /** Calls only the port thread submits (expected to wait in the kernel: receives, readiness waits). */
    private final ConcurrentLinkedQueue<Posted> portQueue = new ConcurrentLinkedQueue<>();
    /** Whether calls that wait go to {@link #portQueue} ({@code -Dflexsc.uring.portSubmits}, default true). */
    private final boolean portSubmits = PORT_SUBMITS;
    /** Whether a lone send is tried at once, not waiting ({@code -Dflexsc.uring.sendFirst}, default true). */
    private final boolean sendFirst = SEND_FIRST;
    /** RUNNING, SLEEPING (about to wait, or waiting, in the kernel), WAKING (a wake-up NOP is on its way). */
    private final AtomicInteger portState = new AtomicInteger(RUNNING);
    /** Calls in the kernel, by id. */
    private final ConcurrentHashMap<Long, Posted> inflight = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean submitRole = new AtomicBoolean();
    private final AtomicBoolean cqLock = new AtomicBoolean();
    /** A poster has yielded and will submit the queue: others leave their calls to it. */
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** Waiters unparked by a completion that have not run since ({@link #resumed}). */
    private final AtomicInteger awake = new AtomicInteger();
    private final long waitArg;
    private final ByteBuffer waitTimeout;
    /**
     * An eventfd (blocking) the port thread always has a read of armed ({@link #wakeRead}): a
     * poster wakes the waiting port thread by writing it, with no SQE and no submit role; -1 if
     * there is none (then a NOP SQE wakes it).
     */
    private final int wakeFd;
    /** 16 bytes: the armed read's 8 bytes, then the 1 that posters write. */
    private final long wakeBuf;
    /** The armed (or queued) read of {@link #wakeFd}; null once closed. Written under the CQ lock, or before the thread starts. */
    private volatile Posted wakeRead;
    private final boolean extArg;
    /** The completion lock holder's scratch: one CQ's worth of reaped calls, results, wake flags. */
    private final Posted[] reaped;
    private final int[] results;
    private final boolean[] wake;
    private final Thread reaper;
    private volatile boolean closed;
    /** Tests: while set, completions stay in the CQ (posters stay parked on calls the kernel has done). */
    private volatile boolean holdCompletions;
    /** Tests: while set, the port thread leaves {@link #portQueue} alone. */
    private volatile boolean holdPortQueue;
    /** Tests: calls the port thread has put into SQEs from {@link #portQueue}. */
    private final AtomicLong portSubmitted = new AtomicLong();
    /** The port thread's: calls it has put into SQEs since its last entry (its wake-up reads do not count). */
    private int portFilled;

    UringPort(Ring ring, OpcodeMap ops) {
        this.ring = ring;
        this.ops = ops;
        this.extArg = ring.hasFeature(Uring.FEAT_EXT_ARG);
        this.reaped = new Posted[ring.cqEntries];
        this.results = new int[ring.cqEntries];
        this.wake = new boolean[ring.cqEntries];
        this.waitArg = NativeMemory.allocate(Uring.GETEVENTS_ARG_SIZE + 16);
        ByteBuffer a = NativeMemory.wrap(waitArg, Uring.GETEVENTS_ARG_SIZE + 16);
        a.putLong(Uring.GEA_TS, waitArg + Uring.GETEVENTS_ARG_SIZE);
        this.waitTimeout = a;
        reapWait(REAP_WAIT_NANOS);
        this.wakeBuf = NativeMemory.allocate(16);
        NativeMemory.wrap(wakeBuf, 16).putLong(8, 1L);
        long efd = ops.supports(Uring.OP_READ) ? RawSyscall.invoke(SysNr.EVENTFD2, 0, Linux.EFD_CLOEXEC, 0, 0, 0, 0) : -1;
        this.wakeFd = efd >= 0 ? (int) efd : -1;
        if (wakeFd >= 0) {
            armWake();
        }
        this.reaper = new Thread(this::run, "flexsc-uring-port");
        reaper.setDaemon(true);
        reaper.start();
    }

    @Override
    public PortStats stats() {
        return stats;
    }

    @Override
    public boolean carries(int nr, long a1, long a2, long a3, long a4, long a5) {
        switch (nr) {
            case SysNr.READ:
            case SysNr.WRITE:
            case SysNr.PREAD64:
            case SysNr.PWRITE64:
            case SysNr.READV:
            case SysNr.WRITEV:
            case SysNr.PREADV:
            case SysNr.PWRITEV:
            case SysNr.FSYNC:
            case SysNr.FDATASYNC:
            case SysNr.RECVFROM:
            case SysNr.SENDTO:
                return ops.opcode(nr, a1, a2, a3, a4, a5) != OpcodeMap.FALLBACK;
            default:
                return false;
        }
    }

    /** Queues a new read of {@link #wakeFd} for the port thread (CQ lock held, or before it starts). */
    private void armWake() {
        Posted w = new Posted(null, null, ids.incrementAndGet(), KIND_WAKE_READ, 0, 0);
        wakeRead = w;
        portQueue.add(w);
    }

    /** Wakes the port thread from its wait in the kernel (a poster that moved it to WAKING). */
    private void wakePort() {
        stats.portWake();
        if (wakeFd >= 0) {
            RawSyscall.invoke3(SysNr.WRITE, wakeFd, wakeBuf + 8, 8); // completes the armed read
        } else {
            pending.add(new Posted(null, null, INTERNAL, KIND_WAKE, 0, 0));
            flush();
        }
    }

    /**
     * Whether a call that waits goes to the port thread (see the class comment): nothing queued, no
     * thread woken by a completion yet to run, and fewer than {@link #LIGHT_INFLIGHT} calls in the kernel.
     */
    private boolean lightLoad() {
        return awake.get() == 0 && pending.isEmpty() && inflight.size() < LIGHT_INFLIGHT;
    }

    /** Whether the kernel has IORING_OP_POLL_ADD (for {@link #postPoll}). */
    boolean polls() {
        return ops.supports(Uring.OP_POLL_ADD);
    }

    @Override
    public void post(Call c, Thread waiter) {
        int op = ops.opcode(c);
        if (op == OpcodeMap.FALLBACK) {
            throw new IllegalArgumentException("the port does not carry " + c);
        }
        c.markSubmitted();
        if (op == Uring.OP_SEND && sendFirst && c.nr() == SysNr.SENDTO && lightLoad()) {
            // a lone send: try it at once, not waiting; its completion then wakes no one
            long r = RawSyscall.invoke(SysNr.SENDTO, c.a0(), c.a1(), c.a2(), c.a3() | Linux.MSG_DONTWAIT, c.a4(), c.a5());
            if (r != -Errno.EAGAIN) {
                stats.direct();
                c.complete(r);
                return;
            }
        }
        enqueue(new Posted(c, waiter, ids.incrementAndGet(), KIND_CALL, op, 0), portSubmits && op == Uring.OP_RECV && lightLoad());
    }

    @Override
    public void postPoll(Call c, int fd, int events, Thread waiter) {
        c.set(SysNr.POLL, fd, events, 0, 0, 0, 0);
        c.markSubmitted();
        stats.poll();
        enqueue(new Posted(c, waiter, ids.incrementAndGet(), KIND_POLL, events, 0), portSubmits && lightLoad());
    }

    @Override
    public void cancel(Call c) {
        Object tag = c.engineTag();
        if (!(tag instanceof Posted) || c.isDone()) {
            return;
        }
        Posted p = (Posted) tag;
        p.cancelled = true;
        if (p.kind == KIND_POLL) {
            p.state.compareAndSet(WAITING, LEFT); // its waiter leaves without waiting (see CallPort#cancel)
        }
        if (pending.remove(p) || portQueue.remove(p)) {
            complete(p, -Errno.ECANCELED); // never reached the kernel
            return;
        }
        if (!closed && ops.supports(Uring.OP_ASYNC_CANCEL)) {
            pending.add(new Posted(null, null, INTERNAL, KIND_CANCEL, 0, p.id));
            flush();
        }
    }

    /**
     * A waiter unparked by a completion has run again: it no longer counts among those about to
     * post (see the class comment). Called by the waiter once it sees its call done.
     */
    @Override
    public void resumed(Call c) {
        Object tag = c.engineTag();
        if (tag instanceof Posted && ((Posted) tag).state.compareAndSet(WOKEN, RESUMED)) {
            awake.decrementAndGet();
        }
    }

    private void enqueue(Posted p, boolean byPort) {
        p.call.engineTag(p);
        if (closed) {
            p.call.fail(new EngineClosedException(NAME));
            LockSupport.unpark(p.waiter);
            return;
        }
        stats.calls(1);
        ConcurrentLinkedQueue<Posted> q = byPort ? portQueue : pending;
        q.add(p);
        if (closed && q.remove(p)) {
            p.call.fail(new EngineClosedException(NAME));
            LockSupport.unpark(p.waiter);
            return;
        }
        if (byPort) {
            // the port thread submits it; it sees the queue before it sleeps, unless it sleeps already
            if (portState.get() == SLEEPING && portState.compareAndSet(SLEEPING, WAKING)) {
                wakePort();
            }
            return;
        }
        if (awake.get() > 0 && Threads.isVirtual()) {
            // Threads woken by completions are about to post too: let them, then submit together.
            if (!flushScheduled.compareAndSet(false, true)) {
                return; // the poster that yielded submits this one with its own
            }
            Thread.yield();
            flushScheduled.set(false); // before draining: a later poster then schedules anew
        }
        flush();
        if (!closed && !p.call.isDone() && ring.cqReady() > 0 && tryReap() && !pending.isEmpty()) {
            flush(); // a call posted again while reaping
        }
    }

    /** Submits what is queued, if the submit role is free; repeats while more arrives. */
    private void flush() {
        while (!pending.isEmpty() && !submitRole.get() && submitRole.compareAndSet(false, true)) {
            try {
                if (closed) {
                    return; // the closer fails what is queued
                }
                fillAndSubmit(false);
            } finally {
                submitRole.set(false);
            }
        }
    }

    /**
     * The port thread: puts both queues into SQEs, submitting only when the SQ fills; the rest goes
     * in with its wait ({@link #run}). With nothing in its own queue it only flushes
     * {@link #pending} if the submit role is free (its holder looks at that queue again after it).
     * False if a poster held the role for long while its own queue waited.
     */
    private boolean portFill() {
        if (portQueue.isEmpty() || holdPortQueue) {
            flush(); // what posters left queued, as they do
            return true;
        }
        for (int spins = 0; submitRole.get() || !submitRole.compareAndSet(false, true); spins++) {
            if (spins == SPINS) {
                return false;
            }
            Thread.onSpinWait(); // a poster holds the role for one entry at most
        }
        try {
            if (!closed) {
                fill(true);
            }
        } finally {
            submitRole.set(false);
        }
        flush(); // what posters queued meanwhile (their flush found the role held)
        return true;
    }

    /** The port thread takes a call from its queue: counts it; true. */
    private boolean countPortCall() {
        portFilled++;
        portSubmitted.incrementAndGet();
        return true;
    }

    /** Submit role held: queued calls into SQEs, one {@code io_uring_enter} per SQ-full. */
    private void fillAndSubmit(boolean port) {
        while (true) {
            fill(port);
            enter(true);
            if (pending.isEmpty() && (!port || holdPortQueue || portQueue.isEmpty())) {
                return;
            }
        }
    }

    /**
     * Submit role held: puts queued calls into SQEs and publishes them: {@link #pending}'s, and
     * for the port thread ({@code port}) {@link #portQueue}'s too; enters only when the SQ is full.
     */
    private void fill(boolean port) {
        ByteBuffer sqes = ring.sqes();
        while (true) {
            int n = 0;
            Posted p;
            while (ring.sqFree() > 0 && ((p = pending.poll()) != null
                    || (port && !holdPortQueue && (p = portQueue.poll()) != null && (p.call == null || countPortCall())))) {
                int o = ring.nextSqe();
                switch (p.kind) {
                    case KIND_CALL:
                        inflight.put(p.id, p);
                        OpcodeMap.encode(p.call, p.arg, sqes, o, p.id, false);
                        break;
                    case KIND_POLL:
                        inflight.put(p.id, p);
                        sqes.put(o + Uring.SQE_OPCODE, (byte) Uring.OP_POLL_ADD);
                        sqes.putInt(o + Uring.SQE_FD, (int) p.call.a0());
                        sqes.putInt(o + Uring.SQE_OP_FLAGS, p.arg); // poll32_events; one-shot
                        sqes.putLong(o + Uring.SQE_USER_DATA, p.id);
                        break;
                    case KIND_WAKE_READ:
                        sqes.put(o + Uring.SQE_OPCODE, (byte) Uring.OP_READ);
                        sqes.putInt(o + Uring.SQE_FD, wakeFd);
                        sqes.putLong(o + Uring.SQE_OFF, -1L); // the current position (an eventfd has none)
                        sqes.putLong(o + Uring.SQE_ADDR, wakeBuf);
                        sqes.putInt(o + Uring.SQE_LEN, 8);
                        sqes.putLong(o + Uring.SQE_USER_DATA, p.id);
                        break;
                    case KIND_WAKE:
                        sqes.put(o + Uring.SQE_OPCODE, (byte) Uring.OP_NOP);
                        sqes.putLong(o + Uring.SQE_USER_DATA, INTERNAL);
                        break;
                    default:
                        sqes.put(o + Uring.SQE_OPCODE, (byte) Uring.OP_ASYNC_CANCEL);
                        sqes.putInt(o + Uring.SQE_FD, -1);
                        sqes.putLong(o + Uring.SQE_ADDR, p.target);
                        sqes.putLong(o + Uring.SQE_USER_DATA, INTERNAL);
                        break;
                }
                n++;
            }
            if (n > 0) {
                ring.publish();
            }
            if (ring.sqFree() > 0 || (pending.isEmpty() && (!port || holdPortQueue || portQueue.isEmpty()))) {
                return;
            }
            enter(true); // the SQ is full and more is queued
        }
    }

    /** Submit role held: gets every published SQE into the kernel; {@code count}: in the stats' batches. */
    private void enter(boolean count) {
        for (int tries = 0; ; tries++) {
            int n = ring.unsubmitted();
            if (n == 0) {
                return;
            }
            long r = ring.enter(n, 0, 0, 0, 0);
            if (r > 0) {
                if (count) {
                    stats.batch((int) r);
                }
                continue;
            }
            if (r == 0 || r == -Errno.EINTR) {
                continue; // 0: the port thread's wait submitted them meanwhile
            }
            // EAGAIN/EBUSY: kernel resources or a completion backlog the port thread is reaping
            if (r != -Errno.EAGAIN && r != -Errno.EBUSY && tries % 1000 == 0) {
                LOG.log(System.Logger.Level.ERROR, "flexsc uring port: io_uring_enter failed: {0}", Ring.errnoName(Errno.of(r)));
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /**
     * Reaps what is in the CQ if no one else is; false if someone was. In two steps: the calls of
     * all ready completions are counted in {@link #awake} first, and only then completed and their
     * waiters unparked, so that a waiter that runs at once still sees the others of its turn about
     * to post, and batches with them.
     */
    private boolean tryReap() {
        if (holdCompletions || cqLock.get() || !cqLock.compareAndSet(false, true)) {
            return false;
        }
        try {
            int n = Math.min(ring.cqReady(), reaped.length);
            int m = 0;
            for (int k = 0; k < n; k++) {
                long ud = ring.cqeUserData(k);
                if (ud == INTERNAL) {
                    continue;
                }
                Posted w = wakeRead;
                if (w != null && ud == w.id) {
                    if (closed) {
                        wakeRead = null; // cancelled by the close (or done): no new one
                    } else {
                        armWake(); // the port thread ran it, so it is awake: it submits the new one
                    }
                    continue;
                }
                Posted p = inflight.remove(ud);
                if (p == null) {
                    continue;
                }
                int res = ring.cqeRes(k);
                if (res == -Errno.ECANCELED && !p.cancelled && !closed) {
                    // its submitting task exited before it ran: post it again
                    LOG.log(System.Logger.Level.DEBUG, "flexsc uring port: posting {0} again: its submitter exited", p.call);
                    pending.add(p);
                    continue;
                }
                reaped[m] = p;
                results[m++] = res;
            }
            if (n > 0) {
                ring.cqAdvance(n);
            }
            stats.completions(m);
            int woken = 0;
            for (int i = 0; i < m; i++) {
                wake[i] = reaped[i].state.compareAndSet(WAITING, WOKEN); // not a poll whose waiter left
                woken += wake[i] ? 1 : 0;
            }
            awake.addAndGet(woken);
            for (int i = 0; i < m; i++) {
                Posted p = reaped[i];
                reaped[i] = null;
                p.call.complete(results[i]);
                if (wake[i]) {
                    LockSupport.unpark(p.waiter);
                }
            }
            if (ring.cqOverflowPending()) {
                ring.enter(0, 0, Uring.ENTER_GETEVENTS, 0, 0); // flush the kernel's backlog into the CQ
            }
        } finally {
            cqLock.set(false);
        }
        return true;
    }

    /** Completes a call that did not come through the CQ (cancelled while still queued). */
    private void complete(Posted p, long res) {
        if (p.state.compareAndSet(WAITING, WOKEN)) { // before the result: the waiter resumes after this
            awake.incrementAndGet();
            p.call.complete(res);
            LockSupport.unpark(p.waiter);
        } else {
            p.call.complete(res); // a poll whose waiter has left (see CallPort#cancel)
        }
    }

    /**
     * The port thread: reaps and dispatches completions, puts the queued calls into SQEs, and
     * submits them in the same {@code io_uring_enter} that waits for the next completion.
     */
    private void run() {
        while (!closed || !inflight.isEmpty() || wakeRead != null) {
            if (holdCompletions) { // tests only: submits, reaps nothing
                if (portFill()) {
                    submitPublished();
                }
                LockSupport.parkNanos(1_000_000);
                continue;
            }
            tryReap();
            if (!portFill()) {
                Thread.yield(); // a poster held the submit role for long (preempted?): let it run
                continue;
            }
            if (ring.cqReady() > 0) {
                submitPublished();
                continue;
            }
            if (!closed) {
                portState.set(SLEEPING); // then look at the queues: a poster that queues after this wakes us
                if ((!portQueue.isEmpty() && !holdPortQueue) || ring.cqReady() > 0) {
                    portState.set(RUNNING);
                    continue;
                }
            }
            // what the port thread published (a poster holding the role submits everything itself)
            int toSubmit = submitRole.get() ? 0 : ring.unsubmitted();
            long r = extArg
                    ? ring.enter(toSubmit, 1, Uring.ENTER_GETEVENTS | Uring.ENTER_EXT_ARG, waitArg, Uring.GETEVENTS_ARG_SIZE)
                    : ring.enter(toSubmit, 1, Uring.ENTER_GETEVENTS, 0, 0);
            portState.set(RUNNING);
            stats.wakeup();
            if (toSubmit > 0 && r > 0) {
                if (portFilled > 0) {
                    stats.batch((int) r); // an entry that submitted calls (not only its own wake-up read)
                }
                portFilled = 0;
            } else if (toSubmit > 0 && ring.unsubmitted() > 0) {
                submitPublished(); // refused (EAGAIN/EBUSY): submit as a poster does
            }
            if (Errno.isError(r) && r != -62 /* ETIME */ && r != -Errno.EINTR && r != -Errno.EAGAIN
                    && r != -Errno.EBUSY) {
                LOG.log(System.Logger.Level.ERROR, "flexsc uring port: io_uring_enter(GETEVENTS) failed: {0}",
                        Ring.errnoName(Errno.of(r)));
                LockSupport.parkNanos(REAP_WAIT_NANOS); // never a hot loop on a broken ring
            }
        }
    }

    /** Submits the SQEs published and not yet submitted, if the submit role is free. */
    private void submitPublished() {
        if (ring.unsubmitted() > 0 && !submitRole.get() && submitRole.compareAndSet(false, true)) {
            try {
                if (!closed) {
                    enter(portFilled > 0); // not an entry that submitted only the port's wake-up read
                    portFilled = 0;
                }
            } finally {
                submitRole.set(false);
            }
        }
    }

    /** Sets the bound of the port thread's wait in the kernel (tests: a long one shows a missed wake-up). */
    void reapWait(long nanos) {
        waitTimeout.putLong(Uring.GETEVENTS_ARG_SIZE, nanos / 1_000_000_000L);
        waitTimeout.putLong(Uring.GETEVENTS_ARG_SIZE + 8, nanos % 1_000_000_000L);
    }

    /** Tests: whether the port thread is waiting (or about to wait) in the kernel, and no one has woken it yet. */
    boolean portSleeping() {
        return portState.get() == SLEEPING;
    }

    /** Calls queued for the port thread to submit (tests). */
    int portQueued() {
        int n = 0;
        for (Posted p : portQueue) {
            n += p.call != null ? 1 : 0;
        }
        return n;
    }

    /** Calls the port thread has submitted from its queue (tests). */
    long portSubmitted() {
        return portSubmitted.get();
    }

    /** Tests: while {@code hold}, the port thread submits nothing from its queue (calls stay queued). */
    void holdPortQueue(boolean hold) {
        holdPortQueue = hold;
        if (!hold) {
            wakeIfSleeping();
        }
    }

    /** Tests: wakes the port thread as a poster would, if it waits in the kernel. */
    void wakeIfSleeping() {
        if (portState.compareAndSet(SLEEPING, WAKING)) {
            wakePort();
        }
    }

    /** Tests: holds completions in the CQ (true) or lets them be dispatched again (false). */
    void holdCompletions(boolean hold) {
        holdCompletions = hold;
        if (!hold) {
            LockSupport.unpark(reaper);
        }
    }

    /** Completions in the CQ not yet reaped (tests). */
    int ready() {
        return ring.cqReady();
    }

    /** Calls in the kernel (tests). */
    int inflight() {
        return inflight.size();
    }

    /** Closes the port with its engine: see the class comment. */
    void close(long timeoutNanos) {
        closed = true;
        holdCompletions = false;
        while (!submitRole.compareAndSet(false, true)) {
            Thread.onSpinWait();
        }
        try {
            Posted p;
            while ((p = pending.poll()) != null || (p = portQueue.poll()) != null) {
                if (p == wakeRead) {
                    wakeRead = null; // never submitted
                }
                if (p.call != null) {
                    p.call.fail(new EngineClosedException(NAME));
                    LockSupport.unpark(p.waiter);
                }
            }
            if (ops.supports(Uring.OP_ASYNC_CANCEL)) {
                for (Posted q : inflight.values()) {
                    pending.add(new Posted(null, null, INTERNAL, KIND_CANCEL, 0, q.id));
                }
                Posted w = wakeRead;
                if (w != null) {
                    pending.add(new Posted(null, null, INTERNAL, KIND_CANCEL, 0, w.id));
                }
            }
            pending.add(new Posted(null, null, INTERNAL, KIND_WAKE, 0, 0)); // wakes the port thread
            fillAndSubmit(false);
        } finally {
            submitRole.set(false);
        }
        try {
            reaper.join(TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reaper.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "flexsc uring port: {0} calls did not finish; they fail with EngineClosedException",
                    inflight.size());
            for (Posted q : inflight.values()) {
                q.call.fail(new EngineClosedException(NAME));
                LockSupport.unpark(q.waiter);
            }
            return; // the ring stays mapped: the kernel may still write into it
        }
        while (!cqLock.compareAndSet(false, true)) {
            Thread.onSpinWait(); // a poster reaping; the lock is kept: nothing touches the ring after this
        }
        while (!submitRole.compareAndSet(false, true)) {
            Thread.onSpinWait();
        }
        ring.close();
        NativeMemory.free(waitArg);
        if (wakeFd >= 0) {
            RawSyscall.invoke(SysNr.CLOSE, wakeFd, 0, 0, 0, 0, 0);
        }
        NativeMemory.free(wakeBuf); // (on the timeout path above both stay: the kernel may still use them)
    }
}
