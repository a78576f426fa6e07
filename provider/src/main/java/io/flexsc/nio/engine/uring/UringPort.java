package io.flexsc.nio.engine.uring;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.PortStats;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.NativeMemory;
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
 * A poster puts its call on a lock-free queue; whoever holds the submit role (a CAS) drains the
 * queue into SQEs and submits them with one {@code io_uring_enter}, then looks at the queue again
 * after giving up the role, so no call is stranded. A call posted to an idle port is submitted by
 * its poster at once. A call posted by a virtual thread while other threads woken by completions
 * have not run yet ({@link #awake}: they are about to post their next calls) is batched: the first
 * such poster yields its carrier once, so that they post first, and then submits them all in one
 * entry; later ones just leave their calls on the queue for it. So batches form only while calls
 * arrive faster than they complete, and a lone call never waits for a batch.
 *
 * <p>After submitting, a poster reaps what is already in the CQ (most file I/O on cached data
 * completes inside the submitting {@code io_uring_enter}), so such a call is done without a
 * hand-over to the port thread.
 *
 * <h2>Posted calls wait in the kernel, not in a thread</h2>
 * SQEs carry no "don't wait" flag: a read of a file whose data is not cached goes to the disk (or
 * an io-wq worker) while its poster is parked, a readiness wait ({@code IORING_OP_POLL_ADD}) is
 * armed on the descriptor's wait queue. No thread of ours is blocked in the kernel for them; the
 * port thread is the only one that waits there, for any completion.
 *
 * <p>io_uring ties a request to the task that submitted it; when that task exits (a carrier thread
 * retired by its pool), requests still armed are cancelled ({@code -ECANCELED}) without having run.
 * A call that comes back {@code -ECANCELED} without having been cancelled by its poster is posted
 * again.
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
    /** Bound of one wait of the port thread in the kernel; a safety net, completions wake it. */
    private static final long REAP_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final int KIND_CALL = 0;
    private static final int KIND_POLL = 1;
    private static final int KIND_CANCEL = 2;
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
    private final ConcurrentLinkedQueue<Posted> pending = new ConcurrentLinkedQueue<>();
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
    private final boolean extArg;
    /** The completion lock holder's scratch: one CQ's worth of reaped calls, results, wake flags. */
    private final Posted[] reaped;
    private final int[] results;
    private final boolean[] wake;
    private final Thread reaper;
    private volatile boolean closed;
    /** Tests: while set, completions stay in the CQ (posters stay parked on calls the kernel has done). */
    private volatile boolean holdCompletions;

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
        a.putLong(Uring.GETEVENTS_ARG_SIZE, REAP_WAIT_NANOS / 1_000_000_000L);
        a.putLong(Uring.GETEVENTS_ARG_SIZE + 8, REAP_WAIT_NANOS % 1_000_000_000L);
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
        enqueue(new Posted(c, waiter, ids.incrementAndGet(), KIND_CALL, op, 0));
    }

    @Override
    public void postPoll(Call c, int fd, int events, Thread waiter) {
        c.set(SysNr.POLL, fd, events, 0, 0, 0, 0);
        c.markSubmitted();
        stats.poll();
        enqueue(new Posted(c, waiter, ids.incrementAndGet(), KIND_POLL, events, 0));
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
        if (pending.remove(p)) {
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

    private void enqueue(Posted p) {
        p.call.engineTag(p);
        if (closed) {
            p.call.fail(new EngineClosedException(NAME));
            LockSupport.unpark(p.waiter);
            return;
        }
        stats.calls(1);
        pending.add(p);
        if (closed && pending.remove(p)) {
            p.call.fail(new EngineClosedException(NAME));
            LockSupport.unpark(p.waiter);
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
                fillAndSubmit();
            } finally {
                submitRole.set(false);
            }
        }
    }

    /** Submit role held: queued calls into SQEs, one {@code io_uring_enter} per SQ-full. */
    private void fillAndSubmit() {
        ByteBuffer sqes = ring.sqes();
        while (true) {
            int n = 0;
            Posted p;
            while (ring.sqFree() > 0 && (p = pending.poll()) != null) {
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
            enter();
            if (pending.isEmpty()) {
                return;
            }
        }
    }

    /** Submit role held: gets every published SQE into the kernel. */
    private void enter() {
        for (int tries = 0; ; tries++) {
            int n = ring.unsubmitted();
            if (n == 0) {
                return;
            }
            long r = ring.enter(n, 0, 0, 0, 0);
            if (r > 0) {
                stats.batch((int) r);
                continue;
            }
            if (r == -Errno.EINTR) {
                continue;
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

    /** The port thread: waits for completions, dispatches them, submits what was left queued. */
    private void run() {
        while (!closed || !inflight.isEmpty()) {
            if (holdCompletions) {
                LockSupport.parkNanos(1_000_000); // tests only
                continue;
            }
            tryReap();
            if (!pending.isEmpty()) {
                flush();
            }
            if (ring.cqReady() == 0) {
                long r = extArg
                        ? ring.enter(0, 1, Uring.ENTER_GETEVENTS | Uring.ENTER_EXT_ARG, waitArg, Uring.GETEVENTS_ARG_SIZE)
                        : ring.enter(0, 1, Uring.ENTER_GETEVENTS, 0, 0);
                stats.wakeup();
                if (Errno.isError(r) && r != -62 /* ETIME */ && r != -Errno.EINTR && r != -Errno.EAGAIN
                        && r != -Errno.EBUSY) {
                    LOG.log(System.Logger.Level.ERROR, "flexsc uring port: io_uring_enter(GETEVENTS) failed: {0}",
                            Ring.errnoName(Errno.of(r)));
                    LockSupport.parkNanos(REAP_WAIT_NANOS); // never a hot loop on a broken ring
                }
            }
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
            while ((p = pending.poll()) != null) {
                if (p.call != null) {
                    p.call.fail(new EngineClosedException(NAME));
                    LockSupport.unpark(p.waiter);
                }
            }
            if (ops.supports(Uring.OP_ASYNC_CANCEL)) {
                for (Posted q : inflight.values()) {
                    pending.add(new Posted(null, null, INTERNAL, KIND_CANCEL, 0, q.id));
                }
            }
            pending.add(new Posted(null, null, INTERNAL, KIND_CANCEL, 0, INTERNAL)); // wakes the port thread
            fillAndSubmit();
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
    }
}
