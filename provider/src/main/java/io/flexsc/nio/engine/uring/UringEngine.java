package io.flexsc.nio.engine.uring;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.EngineStats;
import io.flexsc.nio.engine.EngineStatsRegistry;
import io.flexsc.nio.engine.SharedEngineView;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.engine.Waiting;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.NativeMemory;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code uring} engine: system calls carried by one io_uring instance, batched across threads.
 *
 * <h2>How a call travels</h2>
 * A call whose system call has an io_uring opcode ({@link OpcodeMap}) is written as an SQE; any other
 * call runs directly on the caller's thread and counts as a {@linkplain EngineStats#fallback()
 * fallback}. With {@code adaptive} on, a call that finds the engine idle (nothing queued, nothing in
 * the kernel, no one submitting) also runs directly ({@linkplain EngineStats#directCall() direct
 * call}): one system call costs what one {@code io_uring_enter} costs, so the ring only pays off when
 * it carries more than one call per entry.
 *
 * <p>There are no engine threads; callers take two roles in turn:
 * <ul>
 *   <li><b>Submitter</b> (a try-lock): drains the queue of waiting calls, and its own calls, into
 *       SQEs, publishes the SQ tail (release store) and submits them all with one
 *       {@code io_uring_enter}. An explicit batch ({@link #executeBatch}) waits for the role so that it
 *       goes into the kernel in one entry (several only when it exceeds the SQ). A caller that finds
 *       the role taken leaves its call on a lock-free queue; the submitter looks at the queue again
 *       after giving up the role, so no call is stranded.</li>
 *   <li><b>Reaper</b> (one thread at a time): reads CQEs (acquire load of the CQ tail), completes
 *       their calls ({@code user_data} is the call's slot in the in-flight table) and unparks their
 *       waiters. While its own call is not done it waits in {@code io_uring_enter(GETEVENTS)} for any
 *       completion, so a call that blocks in the kernel (a {@code recv} on a blocking socket, which
 *       io_uring parks on a poll) never holds up other callers' completions. When its own calls are
 *       done it hands the role to a caller that still waits.</li>
 * </ul>
 * Calls that complete while being submitted (most file I/O on cached data, sends, receives with data
 * at hand) are in the CQ when {@code io_uring_enter} returns: one kernel entry per batch.
 *
 * <p>Calls in the kernel are capped at the CQ size, so the CQ cannot overflow; should the kernel still
 * report an overflow backlog ({@code IORING_SQ_CQ_OVERFLOW}), the reaper flushes it.
 *
 * <p>io_uring ties a request to the thread that submitted it; if that thread exits before a request
 * parked on a poll has run, the kernel cancels the request ({@code -ECANCELED}) without running it.
 * Since a submitter also submits other threads' calls, the engine resubmits a call that comes back
 * {@code -ECANCELED} when the engine did not cancel it and its submitter has terminated.
 *
 * <h2>SQPOLL</h2>
 * With {@code -Dflexsc.uring.sqpoll=true} a kernel thread consumes the SQ; submitting is a release
 * store of the tail, a full fence, and a read of the SQ flags; only when the thread sleeps
 * ({@code IORING_SQ_NEED_WAKEUP}) does the submitter enter the kernel, with {@code SQ_WAKEUP}.
 *
 * <h2>Closing</h2>
 * As {@link SyscallEngine} specifies: new calls fail with {@link EngineClosedException}, queued calls
 * fail with it too, calls in the kernel are waited for ({@code closeTimeoutMillis}), then cancelled
 * with {@code IORING_OP_ASYNC_CANCEL} (they finish with {@code -ECANCELED} or {@code -EINTR}) and
 * waited for again; any still unfinished then fail with {@link EngineClosedException}. Then the rings
 * are unmapped and the ring fd closed.
 *
 * <p>Thread safety: all public methods may be called from any number of threads.
 */
public final class UringEngine implements SyscallEngine {
    public static final String NAME = "uring";

    private static final System.Logger LOG = System.getLogger("io.flexsc.nio.engine.uring");

    /** {@code user_data} of the engine's own SQEs (NOP, ASYNC_CANCEL): completions to skip. */
    private static final long INTERNAL = -1L;
    private static final int FREE = 0;
    private static final int HELD = 1;
    private static final int SHUT = 2;
    /** Occupies the reaper role for good once the engine is closed. Never started. */
    private static final Thread CLOSED = new Thread("flexsc-uring-closed");
    /** Bound of one reaper wait in the kernel; a safety net, completions wake it earlier. */
    private static final long REAP_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** Marks a call for its second, waiting attempt (see {@link OpcodeMap#nowaitFirst}). */
    private static final class Retry {
        final Object waiter;

        Retry(Object waiter) {
            this.waiter = waiter instanceof Retry ? ((Retry) waiter).waiter : waiter;
        }
    }

    /** A waiting caller; completers unpark it only when it says it parks. */
    static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean parked;
        /** This thread's scratch mask for {@link #executeBatch}: all zero between batches. */
        private long[] mask = new long[1];

        long[] mask(int bits) {
            int words = (bits + 63) >>> 6;
            if (mask.length < words) {
                mask = new long[Math.max(words, mask.length * 2)];
            }
            return mask;
        }
    }

    private final UringConfig config;
    private final Ring ring;
    private final OpcodeMap ops;
    private final boolean sqpoll;
    private final String sqpollNote;
    private final EngineStats stats;
    private final ThreadLocal<Waiter> waiters = ThreadLocal.withInitial(Waiter::new);

    /** Calls accepted but not yet written to the SQ. */
    private final ConcurrentLinkedQueue<Call> pending = new ConcurrentLinkedQueue<>();
    /** The submitter role: FREE, HELD, or SHUT once closed. */
    private final AtomicInteger submitRole = new AtomicInteger(FREE);
    /** The reaper role's holder, or null; {@link #CLOSED} once closed. */
    private final AtomicReference<Thread> reaper = new AtomicReference<>();
    /** The completion lock: FREE, HELD while a thread reads CQEs, SHUT once closed. */
    private final AtomicInteger cqLock = new AtomicInteger(FREE);
    /** In-flight table: slot (the SQE's user_data) to call. */
    private final AtomicReferenceArray<Call> slots;
    /** The thread whose io_uring_enter submitted the slot's call (null in SQPOLL mode). */
    private final AtomicReferenceArray<Thread> submitters;
    /** Whether the slot's SQE carries a "don't wait" flag the caller did not ask for. */
    private final boolean[] nowaitSlots;
    /** Per descriptor: whether io_uring completes its writes inline or punts them to io-wq. */
    private final InlineWrites writes;
    /** struct stat for the completion lock holder's descriptor checks. */
    private final long statBuf;
    private final AtomicInteger inflight = new AtomicInteger();
    /** Threads in {@link #await} whose calls were not done at once. */
    private final AtomicInteger awaiting = new AtomicInteger();
    private final int capacity;
    /** Next slot to try; submitter role only. */
    private int cursor;
    /** SQEs were published that an io_uring_enter did not take (it failed); resubmit them. */
    private volatile boolean leftover;
    private volatile boolean closed;
    /** Serialises close (a lock, not a monitor: close waits, and may park a virtual thread, while it holds it). */
    private final ReentrantLock closeLock = new ReentrantLock();
    private boolean closeDone;
    /** io_uring_getevents_arg + __kernel_timespec for bounded waits (read-only once filled). */
    private final long waitArg;
    private final boolean extArg;
    /** A batch's last call, an epoll_wait, is carried in the ring ({@link #batchWithWait}). */
    private final boolean waitInBatch;
    /** Whether the slot's call is such a wait, which our cancel or linked timeout ends (-ECANCELED means 0 events). */
    private final boolean[] waitSlots;
    /** {@link #batchWithWait}'s getevents argument, its bound, and the linked timeout's timespec; 0 without. */
    private final long linkTs;
    private final ByteBuffer linkTsBuf;
    /**
     * Bound of each further wait of {@link #batchWithWait} in the kernel, after an entry that came back
     * before the batch's wait completed (a signal): a safety net; a wait without a timeout goes round
     * once per this.
     */
    private static final long WAIT_SLICE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Starts an engine.
     *
     * @throws Ring.SetupException if the ring cannot be set up
     */
    UringEngine(UringConfig config) throws Ring.SetupException {
        this(config, null, new InlineWrites(), false);
    }

    /**
     * With {@code sharedStats} non-null, a sibling: counts into those and publishes nothing. What is
     * learned about descriptors' writes ({@code writes}) is shared between an engine and its siblings.
     */
    private UringEngine(UringConfig config, EngineStats sharedStats, InlineWrites writes, boolean waitInBatch)
            throws Ring.SetupException {
        this.config = config;
        this.stats = sharedStats != null ? sharedStats : new EngineStats(NAME);
        this.writes = writes;
        Ring r;
        String note;
        if (config.sqpoll()) {
            Ring polled;
            try {
                polled = Ring.open(config.entries(), 2 * config.entries(), Uring.SETUP_SQPOLL, config.sqpollIdleMillis());
                note = "on (idle " + config.sqpollIdleMillis() + " ms)";
            } catch (Ring.SetupException e) {
                LOG.log(System.Logger.Level.WARNING,
                        "flexsc uring: SQPOLL was requested but refused ({0}); running without it", e.getMessage());
                polled = null;
                note = "requested but refused (" + e.getMessage() + "); off";
            }
            r = polled != null ? polled : Ring.open(config.entries(), 2 * config.entries(), 0, 0);
        } else {
            r = Ring.open(config.entries(), 2 * config.entries(), 0, 0);
            note = "off";
        }
        this.ring = r;
        this.sqpoll = r.sqpoll();
        this.sqpollNote = note;
        BitSet supported = r.probeOpcodes();
        if (supported == null) {
            supported = new BitSet(); // pre-5.6 kernel: no probe, carry nothing rather than guess
        }
        supported.andNot(config.disabledOpcodes());
        this.ops = new OpcodeMap(supported, r.hasFeature(Uring.FEAT_RW_CUR_POS));
        this.capacity = r.cqEntries;
        this.slots = new AtomicReferenceArray<>(capacity);
        this.submitters = new AtomicReferenceArray<>(capacity);
        this.nowaitSlots = new boolean[capacity];
        this.statBuf = NativeMemory.allocate(io.flexsc.nio.ffi.Linux.STAT_SIZE);
        this.extArg = r.hasFeature(Uring.FEAT_EXT_ARG);
        this.waitArg = NativeMemory.allocate(Uring.GETEVENTS_ARG_SIZE + 16);
        ByteBuffer a = NativeMemory.wrap(waitArg, Uring.GETEVENTS_ARG_SIZE + 16);
        a.putLong(Uring.GEA_TS, waitArg + Uring.GETEVENTS_ARG_SIZE);
        a.putLong(Uring.GETEVENTS_ARG_SIZE, REAP_WAIT_NANOS / 1_000_000_000L);
        a.putLong(Uring.GETEVENTS_ARG_SIZE + 8, REAP_WAIT_NANOS % 1_000_000_000L);
        // the batch's wait in the ring: one owner (a sibling that asked), the opcode (Linux 6.15) and
        // the two that bound it; every SQE then gets one CQE, and SUBMIT_ALL (5.18) submits them all
        this.waitInBatch = waitInBatch && sharedStats != null && !sqpoll && ops.supports(Uring.OP_EPOLL_WAIT)
                && ops.supports(Uring.OP_ASYNC_CANCEL) && ops.supports(Uring.OP_LINK_TIMEOUT) && extArg
                && (r.setupFlags & Uring.SETUP_SUBMIT_ALL) != 0;
        this.waitSlots = new boolean[capacity];
        this.linkTs = this.waitInBatch ? NativeMemory.allocate(Uring.GETEVENTS_ARG_SIZE + 32) : 0;
        this.linkTsBuf = this.waitInBatch ? NativeMemory.wrap(linkTs, Uring.GETEVENTS_ARG_SIZE + 32) : null;
        if (this.waitInBatch) {
            // [0, 24): io_uring_getevents_arg for the waits after the batch's entry, pointing at [24, 40):
            // their bound (WAIT_SLICE_NANOS); [40, 56): the LINK_TIMEOUT's timespec, written per batch
            ByteBuffer b = linkTsBuf;
            b.putLong(Uring.GEA_TS, linkTs + Uring.GETEVENTS_ARG_SIZE);
            b.putLong(Uring.GETEVENTS_ARG_SIZE, WAIT_SLICE_NANOS / 1_000_000_000L);
            b.putLong(Uring.GETEVENTS_ARG_SIZE + 8, WAIT_SLICE_NANOS % 1_000_000_000L);
        }
        this.publishes = sharedStats == null;
        if (publishes) {
            EngineStatsRegistry.publish(stats);
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "flexsc uring engine started: " + describe());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EngineStats stats() {
        return stats;
    }

    /**
     * A ring of its own with this engine's settings, counting into this engine's stats; a
     * {@link SharedEngineView} of this engine if the ring cannot be set up (logged) or this one is
     * closed. Either way the caller's to close.
     */
    @Override
    public SyscallEngine openSibling() {
        return openSibling(false);
    }

    /**
     * {@link #openSibling()}; with {@code waitInBatch}, the ring also carries a batch's last call, an
     * {@code epoll_wait}, when the kernel has {@code IORING_OP_EPOLL_WAIT} ({@link #waitsInBatch()};
     * see {@link #batchWithWait}).
     */
    @Override
    public SyscallEngine openSibling(boolean waitInBatch) {
        if (closed) {
            return new SharedEngineView(this);
        }
        try {
            return new UringEngine(config, stats, writes, waitInBatch);
        } catch (Ring.SetupException e) {
            LOG.log(System.Logger.Level.WARNING, "flexsc uring: no ring of its own for a selector ({0}); it shares the engine's",
                    e.getMessage());
            return new SharedEngineView(this);
        }
    }

    @Override
    public boolean waitsInBatch() {
        return waitInBatch;
    }

    /** Calls in the kernel (tests: a batch's wait leaves nothing behind). */
    int inflight() {
        return inflight.get();
    }

    /** The port for posted calls, made on first use ({@link #callPort}). */
    private final AtomicReference<UringPort> port = new AtomicReference<>();
    /** Not a sibling: its counters, and its port's, are published. */
    private final boolean publishes;
    private volatile boolean portFailed;

    /**
     * The engine's {@link UringPort}: a ring of its own (this engine's ring size, a larger CQ, no
     * SQPOLL) and the platform thread that reaps it, made on first use; null if it cannot be set up
     * (logged once) or the engine is closed.
     */
    @Override
    public CallPort callPort() {
        UringPort p = port.get();
        if (p != null || portFailed || closed) {
            return p;
        }
        Ring r;
        try {
            r = Ring.open(config.entries(), Math.max(4096, 2 * config.entries()), 0, 0);
        } catch (Ring.SetupException e) {
            portFailed = true;
            LOG.log(System.Logger.Level.WARNING, "flexsc uring: no ring for posted calls ({0}); virtual threads' I/O runs on their carriers",
                    e.getMessage());
            return null;
        }
        BitSet supported = r.probeOpcodes();
        if (supported == null) {
            supported = new BitSet();
        }
        supported.andNot(config.disabledOpcodes());
        UringPort made = new UringPort(r, new OpcodeMap(supported, r.hasFeature(Uring.FEAT_RW_CUR_POS)));
        if (!port.compareAndSet(null, made)) {
            made.close(0);
        } else if (closed) {
            made.close(TimeUnit.MILLISECONDS.toNanos(config.closeTimeoutMillis()));
        } else if (publishes) {
            EngineStatsRegistry.publish(made.stats()); // io.flexsc.nio:type=Port,name="uring-port"
        }
        return port.get();
    }

    /** The ring's shape and what the engine uses, for logs and diagnostics. */
    String describe() {
        return "sq=" + ring.sqEntries + " cq=" + ring.cqEntries + " features=" + Uring.featureNames(ring.features)
                + " opcodes=" + ops.describe() + " sqpoll=" + sqpollNote + " adaptive=" + config.adaptive();
    }

    /** Whether the ring runs in SQPOLL mode. */
    boolean sqpollActive() {
        return sqpoll;
    }

    /** Whether calls of this kind travel through the ring (else they run directly). */
    boolean carries(Call c) {
        return ops.opcode(c) != OpcodeMap.FALLBACK;
    }

    /** What the engine has learned about {@code fd}'s writes ({@link InlineWrites}), for tests. */
    byte writeState(int fd) {
        return writes.state(fd);
    }

    int sqEntries() {
        return ring.sqEntries;
    }

    // ---------------------------------------------------------------- submission

    @Override
    public long execute(Call call) {
        if (closed) {
            throw new EngineClosedException(NAME);
        }
        call.markSubmitted();
        if (runsHere(call.nr(), call.a0(), call.a1(), call.a2(), call.a3(), call.a4(), call.a5())) {
            return runDirect(call);
        }
        return viaRing(call);
    }

    /**
     * {@link #execute} without allocating a {@link Call} when the call runs on this thread (an
     * uncarried call, a punted write, or the adaptive choice on an idle ring): the file channels'
     * path, where a {@code Call} per transfer was garbage the direct engine never made.
     */
    @Override
    public long syscall(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        if (closed) {
            throw new EngineClosedException(NAME);
        }
        if (runsHere(nr, a0, a1, a2, a3, a4, a5)) {
            return DirectEngine.run(nr, a0, a1, a2, a3, a4, a5);
        }
        Call call = new Call(nr, a0, a1, a2, a3, a4, a5);
        call.markSubmitted();
        return viaRing(call);
    }

    /**
     * Counts one lone call and decides, once (InlineWrites' probe tick moves on each asking),
     * whether it runs on the caller's thread: a fallback ({@link #fallsBack}), or the adaptive
     * choice on an idle ring (a direct call).
     */
    private boolean runsHere(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        stats.calls(1);
        return lonePicksDirect(fallsBack(nr, a0, a1, a2, a3, a4, a5));
    }

    /** The rest of {@link #runsHere} once {@code fallback} is known; counts the choice. */
    private boolean lonePicksDirect(boolean fallback) {
        if (fallback) {
            stats.fallback();
            return true;
        }
        if (config.adaptive() && idle()) {
            stats.directCall();
            return true;
        }
        return false;
    }

    /**
     * Whether a call must run on the caller's thread: the ring does not carry it, or it is a
     * positional write to a descriptor whose writes the kernel punts to io-wq ({@link InlineWrites};
     * asking moves its probe tick on, so ask once per call). A close forgets what was learned of
     * its descriptor, whose number may name another file next.
     */
    private boolean fallsBack(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        if (nr == io.flexsc.nio.ffi.SysNr.CLOSE) {
            writes.forget((int) a0);
        }
        return ops.opcode(nr, a1, a2, a3, a4, a5) == OpcodeMap.FALLBACK || writes.runDirect(nr, a0, a5);
    }

    private boolean fallsBack(Call c) {
        return fallsBack(c.nr(), c.a0(), c.a1(), c.a2(), c.a3(), c.a4(), c.a5());
    }

    private long viaRing(Call call) {
        Call[] one = {call};
        submit(one, 0, 1, false);
        await(one, 0, 1);
        return call.result();
    }

    @Override
    public long syscall(int nr, long a0, long a1, long a2) {
        return syscall(nr, a0, a1, a2, 0, 0, 0);
    }

    @Override
    public void executeBatch(Call[] calls, int from, int to) {
        Objects.checkFromToIndex(from, to, calls.length);
        if (closed) {
            throw new EngineClosedException(NAME);
        }
        Call.markSubmitted(calls, from, to);
        int n = to - from;
        if (n == 0) {
            return;
        }
        stats.calls(n);
        if (waitInBatch && n > 1 && calls[to - 1].nr() == io.flexsc.nio.ffi.SysNr.EPOLL_WAIT && batchWithWait(calls, from, to)) {
            return;
        }
        if (n == 1) {
            if (lonePicksDirect(fallsBack(calls[from]))) {
                runDirect(calls[from]);
            } else {
                submit(calls, from, to, true);
                await(calls, from, to);
            }
            return;
        }
        // Which calls run directly, decided once (InlineWrites' re-probe makes the answer vary),
        // kept in the thread's bit mask: a batch is neither copied nor split into new arrays (a
        // selector's ends with an epoll_wait, which the ring does not carry before Linux 6.15).
        Waiter w = waiters.get();
        long[] direct = w.mask(n);
        boolean anyDirect = false;
        for (int i = from; i < to; i++) {
            if (fallsBack(calls[i])) {
                int k = i - from;
                direct[k >>> 6] |= 1L << k;
                anyDirect = true;
            }
        }
        if (!anyDirect) {
            submit(calls, from, to, true);
            await(calls, from, to);
            return;
        }
        try {
            for (int i = from; i < to; ) { // each run of carried calls goes in
                if (isSet(direct, i - from)) {
                    i++;
                    continue;
                }
                int j = i + 1;
                while (j < to && !isSet(direct, j - from)) {
                    j++;
                }
                submit(calls, i, j, true);
                i = j;
            }
            for (int word = 0, words = (n + 63) >>> 6; word < words; word++) {
                for (long d = direct[word]; d != 0; d &= d - 1) {
                    stats.fallback();
                    runDirect(calls[from + (word << 6) + Long.numberOfTrailingZeros(d)]);
                }
            }
        } finally {
            java.util.Arrays.fill(direct, 0, (n + 63) >>> 6, 0L);
        }
        await(calls, from, to); // the direct ones are done already
    }

    /**
     * A batch whose last call is an {@code epoll_wait}, on a sibling whose owner waits in it
     * ({@link #waitInBatch}): the calls and the wait go into the ring together and one
     * {@code io_uring_enter} submits them and waits for all their completions. The wait's timeout
     * (its {@code a3}, milliseconds) is a {@code IORING_OP_LINK_TIMEOUT} linked to it; a timeout of 0
     * is an {@code IORING_OP_ASYNC_CANCEL} right behind it, which ends it in the same entry if it found
     * no events at once; -1 is no bound. Either ends the wait with {@code -ECANCELED}, given to the
     * caller as epoll_wait's 0 ({@link #completeSlot}); events that won the race are given as such.
     * So the call never outlives the batch, and its buffer is free when it returns. Calls the ring
     * does not carry run first, on the caller's thread. False, with nothing done, if the submitter
     * role is busy or the ring has no room: the caller takes the ordinary path (the wait then runs
     * on the caller's thread).
     */
    private boolean batchWithWait(Call[] calls, int from, int to) {
        int n = to - from;
        int last = to - 1;
        boolean mine = submitRole.compareAndSet(FREE, HELD);
        for (int k = 0; !mine && k < ROLE_SPINS && submitRole.get() != SHUT; k++) {
            Thread.onSpinWait();
            mine = submitRole.compareAndSet(FREE, HELD);
        }
        if (!mine) {
            return false;
        }
        Waiter me = waiters.get();
        long[] direct = me.mask(n);
        boolean anyDirect = false;
        try {
            // room for every call, the wait and its bound (SQEs), and their slots
            if (closed || leftover || ring.sqFree() < n + 1 || inflight.get() + n + 1 > capacity) {
                return false;
            }
            Call w = calls[last];
            for (int i = from; i < to; i++) {
                calls[i].engineTag(me);
            }
            for (int i = from; i < last; i++) {
                if (fallsBack(calls[i])) {
                    int k = i - from;
                    direct[k >>> 6] |= 1L << k;
                    anyDirect = true;
                }
            }
            if (anyDirect) { // before the wait, which they must not follow
                for (int word = 0, words = (n + 63) >>> 6; word < words; word++) {
                    for (long d = direct[word]; d != 0; d &= d - 1) {
                        stats.fallback();
                        runDirect(calls[from + (word << 6) + Long.numberOfTrailingZeros(d)]);
                    }
                }
            }
            Thread self = Thread.currentThread();
            ByteBuffer sqes = ring.sqes();
            int sqesOut = 0;
            for (int i = from; i < last; i++) {
                Call c = calls[i];
                if (c.isDone()) {
                    continue; // ran directly
                }
                boolean nowait = OpcodeMap.nowaitFirst(c) || writes.ask(c);
                int slot = claimSlot(c, self, nowait);
                OpcodeMap.encode(c, ops.opcode(c), sqes, ring.nextSqe(), slot, nowait);
                sqesOut++;
            }
            int carried = sqesOut + 1;
            long timeoutMs = (int) w.a3();
            int ws = claimSlot(w, self, false, true);
            int o = ring.nextSqe();
            sqes.put(o + Uring.SQE_OPCODE, (byte) Uring.OP_EPOLL_WAIT);
            sqes.putInt(o + Uring.SQE_FD, (int) w.a0());
            sqes.putLong(o + Uring.SQE_ADDR, w.a1());
            sqes.putInt(o + Uring.SQE_LEN, (int) w.a2());
            sqes.putLong(o + Uring.SQE_USER_DATA, ws);
            sqesOut++;
            if (timeoutMs >= 0) {
                if (timeoutMs > 0) {
                    sqes.put(o + Uring.SQE_FLAGS, (byte) Uring.SQE_IO_LINK);
                    linkTsBuf.putLong(Uring.GETEVENTS_ARG_SIZE + 16, timeoutMs / 1000);
                    linkTsBuf.putLong(Uring.GETEVENTS_ARG_SIZE + 24, (timeoutMs % 1000) * 1_000_000L);
                }
                int b = ring.nextSqe();
                sqes.put(b + Uring.SQE_OPCODE, (byte) (timeoutMs > 0 ? Uring.OP_LINK_TIMEOUT : Uring.OP_ASYNC_CANCEL));
                sqes.putInt(b + Uring.SQE_FD, -1);
                if (timeoutMs > 0) {
                    sqes.putLong(b + Uring.SQE_ADDR, linkTs + Uring.GETEVENTS_ARG_SIZE + 16); // read at submission
                    sqes.putInt(b + Uring.SQE_LEN, 1);
                } else {
                    sqes.putLong(b + Uring.SQE_ADDR, ws); // the user_data to cancel: the wait's slot
                }
                sqes.putLong(b + Uring.SQE_USER_DATA, INTERNAL);
                sqesOut++;
            }
            ring.publish();
            // one entry: submit everything and wait until each SQE has its CQE (one each: the wait's
            // own bound ends it); whatever is left (a signal ended the entry) is waited for below.
            // No EXT_ARG here: io_uring_enter then has five arguments, jffi's allocation-free path.
            long r = ring.enter(ring.unsubmitted(), sqesOut, Uring.ENTER_GETEVENTS, 0, 0);
            if (r > 0) {
                stats.batch(carried);
            }
            leftover = ring.unsubmitted() > 0; // an entry that failed (EAGAIN, EBUSY): retried below
            if (Errno.isError(r) && r != -62 /* ETIME */ && r != -Errno.EINTR && r != -Errno.EAGAIN && r != -Errno.EBUSY) {
                LOG.log(System.Logger.Level.ERROR, "flexsc uring: io_uring_enter(submit and wait) failed: {0}",
                        Ring.errnoName(Errno.of(r)));
            }
        } finally {
            if (anyDirect) {
                java.util.Arrays.fill(direct, 0, (n + 63) >>> 6, 0L);
            }
            submitRole.compareAndSet(HELD, FREE);
        }
        submitPending();
        // the entry came back before the wait's completion (a signal, the safety bound): wait on,
        // in bounded entries, rather than in await's short reaper slices
        Call w = calls[last];
        while (!closed) {
            boolean reaped = tryReapReady();
            if (w.isDone()) {
                break;
            }
            if (ring.cqReady() > 0) {
                if (!reaped) {
                    Thread.yield(); // another thread is reaping what is there
                }
                continue;
            }
            ring.enter(0, 1, Uring.ENTER_GETEVENTS | Uring.ENTER_EXT_ARG, linkTs, Uring.GETEVENTS_ARG_SIZE);
        }
        await(calls, from, to);
        return true;
    }

    private static boolean isSet(long[] mask, int k) {
        return (mask[k >>> 6] & (1L << k)) != 0;
    }

    private static long runDirect(Call call) {
        long r = DirectEngine.run(call);
        call.complete(r);
        return r;
    }

    /** Nothing queued, nothing in the kernel, no one submitting. */
    private boolean idle() {
        return inflight.get() == 0 && submitRole.get() == FREE && pending.isEmpty();
    }

    /**
     * Hands {@code calls[from..to)} to the kernel: as submitter if the role is free (or, with
     * {@code waitForRole}, frees within a short spin), else through the queue for the current
     * submitter.
     */
    private void submit(Call[] calls, int from, int to, boolean waitForRole) {
        Waiter w = waiters.get();
        for (int i = from; i < to; i++) {
            calls[i].engineTag(w);
        }
        boolean mine = submitRole.compareAndSet(FREE, HELD);
        for (int k = 0; !mine && waitForRole && k < ROLE_SPINS; k++) {
            // A short wait keeps a batch in one entry; a longer one would spin on a core that the
            // holder, descheduled, needs: then the batch goes through the queue to the holder.
            int r = submitRole.get();
            if (r == SHUT) {
                break;
            }
            Thread.onSpinWait();
            mine = r == FREE && submitRole.compareAndSet(FREE, HELD);
        }
        if (mine) {
            try {
                if (closed) {
                    for (int i = from; i < to; i++) {
                        calls[i].fail(new EngineClosedException(NAME));
                    }
                } else {
                    fillAndSubmit(calls, from, to);
                }
            } finally {
                submitRole.compareAndSet(HELD, FREE);
            }
        } else {
            for (int i = from; i < to; i++) {
                pending.add(calls[i]);
            }
            if (closed) {
                for (int i = from; i < to; i++) {
                    if (pending.remove(calls[i])) {
                        calls[i].fail(new EngineClosedException(NAME));
                    }
                }
                return;
            }
        }
        submitPending();
    }

    /** Submits queued calls if there are any and the role is free; repeats while more arrive. */
    private void submitPending() {
        while ((!pending.isEmpty() || leftover) && submitRole.compareAndSet(FREE, HELD)) {
            try {
                if (closed) {
                    return; // the closer fails what is queued
                }
                fillAndSubmit(null, 0, 0);
            } finally {
                submitRole.compareAndSet(HELD, FREE);
            }
            if (inflight.get() >= capacity) {
                return; // the reaper submits the rest as slots free up
            }
        }
    }

    /**
     * Submitter role held: writes {@code calls[from..to)} and then queued calls into SQEs and enters
     * the kernel once per SQ-full. Calls that find no room (the in-flight table is full) are queued.
     */
    private void fillAndSubmit(Call[] calls, int from, int to) {
        Thread me = sqpoll ? null : Thread.currentThread();
        int i = from;
        ByteBuffer sqes = ring.sqes();
        while (true) {
            int published = 0;
            int free = ring.sqFree();
            while (published < free && inflight.get() < capacity) {
                Call c;
                if (i < to) {
                    c = calls[i++];
                } else if ((c = pending.poll()) == null) {
                    break;
                }
                boolean nowait = !(c.engineTag() instanceof Retry) && (OpcodeMap.nowaitFirst(c) || writes.ask(c));
                int slot = claimSlot(c, me, nowait);
                OpcodeMap.encode(c, ops.opcode(c), sqes, ring.nextSqe(), slot, nowait);
                published++;
            }
            if (published > 0) {
                ring.publish();
            }
            boolean more = i < to || !pending.isEmpty();
            if (published > 0 || leftover) {
                if (!enterSubmit(published, more)) {
                    break;
                }
            }
            if (!more || inflight.get() >= capacity || published == 0) {
                break;
            }
        }
        while (i < to) {
            pending.add(calls[i++]); // no room in the kernel now; the reaper submits them later
        }
    }

    private int claimSlot(Call c, Thread submitter, boolean nowait) {
        return claimSlot(c, submitter, nowait, false);
    }

    private int claimSlot(Call c, Thread submitter, boolean nowait, boolean wait) {
        while (true) {
            int s = cursor;
            cursor = s + 1 == capacity ? 0 : s + 1;
            if (slots.get(s) == null) {
                nowaitSlots[s] = nowait; // published to the reaper by the volatile store below
                waitSlots[s] = wait;
                submitters.set(s, submitter);
                slots.set(s, c);
                inflight.incrementAndGet();
                return s;
            }
        }
    }

    /** Submitter role held: gets published SQEs to the kernel. False if it could not. */
    private boolean enterSubmit(int published, boolean more) {
        if (sqpoll) {
            if (published > 0) {
                stats.batch(published);
            }
            if (ring.sqNeedsWakeup()) {
                ring.enter(0, 0, Uring.ENTER_SQ_WAKEUP, 0, 0);
            }
            if (more && ring.sqFree() == 0) {
                ring.enter(0, 0, Uring.ENTER_SQ_WAIT, 0, 0); // wait for the SQ thread to make room
            }
            leftover = false;
            return true;
        }
        while (true) {
            int n = ring.unsubmitted();
            if (n == 0) {
                leftover = false;
                return true;
            }
            long r = ring.enter(n, 0, 0, 0, 0);
            if (r > 0) {
                stats.batch((int) r);
            }
            if (r >= 0) {
                leftover = ring.unsubmitted() > 0;
                return !leftover;
            }
            if (r != -Errno.EINTR) {
                // EAGAIN/EBUSY: kernel resources or a completion backlog; the SQEs stay published and
                // the next submitter or the reaper retries them.
                leftover = true;
                if (r != -Errno.EAGAIN && r != -Errno.EBUSY) {
                    LOG.log(System.Logger.Level.ERROR, "flexsc uring: io_uring_enter failed: {0}",
                            Ring.errnoName(Errno.of(r)));
                }
                return false;
            }
        }
    }

    // ---------------------------------------------------------------- completion

    /** Waits until {@code calls[from..to)} are done, reaping when the role is free. */
    private void await(Call[] calls, int from, int to) {
        int i = from;
        while (i < to && calls[i].isDone()) {
            i++;
        }
        if (i == to) {
            return;
        }
        // With at least as many waiters as cores, a spinning waiter holds a core that the thread it
        // waits for (a submitter or reaper, descheduled) needs: yield instead.
        boolean crowded = awaiting.incrementAndGet() >= CPUS;
        try {
            awaitSlow(calls, i, to, crowded ? Waiting.SPINS : 0);
        } finally {
            awaiting.decrementAndGet();
        }
    }

    /**
     * Waits, as long as it takes, for calls handed to the ring, by the engines' one policy
     * ({@link Waiting}: not interruptible, the interrupt status kept). Between pauses it helps:
     * it reaps what is in the CQ, or takes the reaper role when it is free.
     */
    private void awaitSlow(Call[] calls, int i, int to, int firstRound) {
        Waiter me = null;
        int round = firstRound;
        boolean interrupted = false;
        try {
            while (true) {
                while (i < to && calls[i].isDone()) {
                    i++;
                }
                if (i == to) {
                    return;
                }
                // Completions already in the CQ (most calls complete inside the io_uring_enter that
                // submits them): reap them at once rather than wait for the reaper to be scheduled.
                if (((round - firstRound) & HELP_MASK) == 0 && tryReapReady()) {
                    round++;
                    continue;
                }
                if (reaper.get() == null && reaper.compareAndSet(null, Thread.currentThread())) {
                    try {
                        i = reap(calls, i, to);
                    } finally {
                        releaseReaper();
                    }
                    continue;
                }
                if (Waiting.pause(round)) {
                    round++;
                } else {
                    if (me == null) {
                        me = waiters.get();
                    }
                    me.parked = true;
                    if (!calls[i].isDone() && reaper.get() != null) {
                        // Bounded: a missed hand-over costs a millisecond, never liveness.
                        interrupted |= Waiting.parkNanos(this, PARK_NANOS);
                    }
                    me.parked = false;
                    round = Waiting.SPINS; // after a park, yield and look at the CQ again before the next
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    /** How long an explicit batch spins for the submitter role before it queues its calls. */
    private static final int ROLE_SPINS = 256;

    /** A waiter that cannot be the reaper looks at the CQ every this many + 1 rounds. */
    private static final int HELP_MASK = 15;

    /**
     * Reaps what is in the CQ if the completion lock is free: true if it took the lock. Any thread
     * may; only the reaper role waits in the kernel.
     */
    private boolean tryReapReady() {
        if (cqLock.get() != FREE || !cqLock.compareAndSet(FREE, HELD)) {
            return false;
        }
        try {
            reapReady();
        } finally {
            cqLock.compareAndSet(HELD, FREE);
        }
        return true;
    }

    /** Reaper role held: reaps until {@code calls[i..to)} are done; returns the first not done. */
    private int reap(Call[] calls, int i, int to) {
        while (true) {
            boolean reaped = tryReapReady();
            while (i < to && calls[i].isDone()) {
                i++;
            }
            if (i == to) {
                return i;
            }
            if (!pending.isEmpty() || leftover) {
                submitPending();
            }
            if (ring.cqReady() == 0) {
                waitInKernel();
            } else if (!reaped) {
                Thread.yield(); // another thread is reaping what is there
            }
        }
    }

    /** Reaper role held: one bounded wait in the kernel for at least one completion. */
    private void waitInKernel() {
        long r = extArg
                ? ring.enter(0, 1, Uring.ENTER_GETEVENTS | Uring.ENTER_EXT_ARG, waitArg, Uring.GETEVENTS_ARG_SIZE)
                : ring.enter(0, 1, Uring.ENTER_GETEVENTS, 0, 0);
        if (Errno.isError(r) && r != -62 /* ETIME */ && r != -Errno.EINTR && r != -Errno.EAGAIN && r != -Errno.EBUSY) {
            LOG.log(System.Logger.Level.ERROR, "flexsc uring: io_uring_enter(GETEVENTS) failed: {0}",
                    Ring.errnoName(Errno.of(r)));
            LockSupport.parkNanos(REAP_WAIT_NANOS); // never a hot loop on a broken ring
        }
    }

    /** Completion lock held: completes every ready CQE's call. */
    private void reapReady() {
        int n = ring.cqReady();
        if (n > 0) {
            for (int k = 0; k < n; k++) {
                long ud = ring.cqeUserData(k);
                if (ud != INTERNAL) {
                    completeSlot((int) ud, ring.cqeRes(k));
                }
            }
            ring.cqAdvance(n);
        }
        if (ring.cqOverflowPending()) {
            ring.enter(0, 0, Uring.ENTER_GETEVENTS, 0, 0); // flush the kernel's backlog into the CQ
        }
    }

    /**
     * Completion lock held: frees slot {@code s} of a CQE with result {@code res} and completes its
     * call (or sends it round again). A method of its own, not inlined by C1 into the loop of
     * {@link #reapReady}: each alone is a small compilation.
     */
    private void completeSlot(int s, int res) {
        Call c = slots.get(s);
        Thread submitter = submitters.get(s);
        boolean nowait = nowaitSlots[s]; // before the slot is freed: a submitter may reuse it at once
        boolean wait = waitSlots[s];
        submitters.set(s, null);
        slots.set(s, null);
        inflight.decrementAndGet();
        if (c == null) {
            return;
        }
        if (wait && res == -Errno.ECANCELED) {
            // a batch's wait that its linked timeout or its cancel ended: epoll_wait's "no events"
            // (a close of the engine also ends it so: the owner finds the engine closed next)
            completeAndWake(c, 0);
            return;
        }
        if (nowait && (res == -Errno.EAGAIN || (res == -Errno.EOPNOTSUPP && OpcodeMap.isReadWrite(c)))) {
            nowaitRefused(c, res);
            return;
        }
        if (nowait && res >= 0 && InlineWrites.isPositionalWrite(c)) {
            writes.inline(c);
        }
        if (nowait && res > 0 && !closed && shortPositionalFileRead(c, res)) {
            // RWF_NOWAIT stops where the page cache does; pread(2) on a file reads on to its end:
            // the read again, without the flag (positional, so it reads the same range)
            c.engineTag(new Retry(c.engineTag()));
            pending.add(c);
            return;
        }
        if (res == -Errno.ECANCELED && !closed && submitter != null && !submitter.isAlive()) {
            resubmitOrphan(c);
            return;
        }
        completeAndWake(c, res);
    }

    /**
     * Completion lock held: {@code c}, sent with a "don't wait" flag the caller did not ask for,
     * came back {@code res} (EAGAIN, or EOPNOTSUPP for the read/write family): completes it with
     * the answer the system call would give, or queues it for its second, waiting attempt.
     * Out of {@link #reapReady}'s hot loop: most socket I/O (send/recv with MSG_DONTWAIT) never
     * comes here.
     */
    private void nowaitRefused(Call c, int res) {
        if (res == -Errno.EAGAIN && nonBlocking(c)) {
            completeAndWake(c, res);
        } else if (res == -Errno.EOPNOTSUPP && !closed && nonBlocking(c)) {
            // The kernel cannot try this descriptor without waiting (a pipe before
            // Linux 6.4 lacks FMODE_NOWAIT), and in the ring without the flag the call
            // would wait where the system call on an O_NONBLOCK descriptor does not:
            // run the system call, which returns at once.
            completeAndWake(c, DirectEngine.run(c));
        } else if (closed) {
            failAndWake(c); // its real attempt never reached the kernel
        } else if (InlineWrites.isWrite(c) && isFileOrBlockDevice((int) c.a0())) {
            // The file system has no asynchronous buffered writes: in the ring without
            // the flag the write would go to an io-wq thread. Run it directly, and later
            // positional writes to the descriptor too.
            writes.punted(c);
            completeAndWake(c, DirectEngine.run(c));
        } else {
            c.engineTag(new Retry(c.engineTag()));
            pending.add(c);
        }
    }

    /**
     * Completion lock held: whether {@code c}, a positional read tried with RWF_NOWAIT, came back
     * with fewer bytes ({@code res}) than it asked for from a regular file or block device, where the
     * system call would not have stopped short before the end of the file.
     */
    private boolean shortPositionalFileRead(Call c, int res) {
        long requested;
        switch (c.nr()) {
            case io.flexsc.nio.ffi.SysNr.PREAD64:
                requested = c.a2();
                break;
            case io.flexsc.nio.ffi.SysNr.PREADV:
            case io.flexsc.nio.ffi.SysNr.PREADV2:
                if (c.a3() == -1L || c.a2() <= 0 || c.a2() > 1024) {
                    return false; // the file position (not positional), or nothing valid to sum
                }
                ByteBuffer iov = NativeMemory.wrap(c.a1(), 16 * (int) c.a2());
                requested = 0;
                for (int i = 0; i < (int) c.a2(); i++) {
                    requested += iov.getLong(16 * i + 8);
                }
                break;
            default:
                return false;
        }
        return res < requested && isFileOrBlockDevice((int) c.a0());
    }

    /** Completion lock held: the kernel dropped {@code c} with its submitting thread; it did not run. */
    private void resubmitOrphan(Call c) {
        LOG.log(System.Logger.Level.DEBUG, "flexsc uring: resubmitting {0}: its submitter exited", c);
        pending.add(c);
    }

    /** Longest park of a waiter between checks of its calls and of the reaper role. */
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * Completion lock held: whether the call's descriptor makes EAGAIN the system call's answer: it is
     * O_NONBLOCK and, for the read/write family, not a regular file or block device (where the
     * system call ignores O_NONBLOCK and waits for the disk).
     */
    private boolean nonBlocking(Call c) {
        int fd = (int) c.a0();
        long fl = io.flexsc.nio.ffi.RawSyscall.invoke3(io.flexsc.nio.ffi.SysNr.FCNTL, fd, io.flexsc.nio.ffi.Linux.F_GETFL, 0);
        if (Errno.isError(fl) || (fl & io.flexsc.nio.ffi.Linux.O_NONBLOCK) == 0) {
            return false;
        }
        if (!OpcodeMap.isReadWrite(c)) {
            return true;
        }
        int type = fileType(fd);
        return type >= 0 && type != io.flexsc.nio.ffi.Linux.S_IFREG && type != io.flexsc.nio.ffi.Linux.S_IFBLK;
    }

    /** Completion lock held: whether {@code fd} is a regular file or a block device. */
    private boolean isFileOrBlockDevice(int fd) {
        int type = fileType(fd);
        return type == io.flexsc.nio.ffi.Linux.S_IFREG || type == io.flexsc.nio.ffi.Linux.S_IFBLK;
    }

    /** Completion lock held: the S_IFMT bits of {@code fd}'s mode, or -1 if fstat fails. */
    private int fileType(int fd) {
        long r = io.flexsc.nio.ffi.RawSyscall.invoke3(io.flexsc.nio.ffi.SysNr.FSTAT, fd, statBuf, 0);
        if (Errno.isError(r)) {
            return -1;
        }
        ByteBuffer stat = NativeMemory.wrap(statBuf, io.flexsc.nio.ffi.Linux.STAT_SIZE);
        return stat.getInt(io.flexsc.nio.ffi.Linux.STAT_MODE_OFFSET) & io.flexsc.nio.ffi.Linux.S_IFMT;
    }

    private static void completeAndWake(Call c, long res) {
        Object tag = c.engineTag(); // read before complete: the owner may reuse the call at once
        c.complete(res);
        wake(tag);
    }

    private static void failAndWake(Call c) {
        Object tag = c.engineTag();
        c.fail(new EngineClosedException(NAME));
        wake(tag);
    }

    private static void wake(Object tag) {
        if (tag instanceof Retry) {
            tag = ((Retry) tag).waiter;
        }
        if (tag instanceof Waiter) {
            Waiter w = (Waiter) tag;
            if (w.parked) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    /** Gives up the reaper role and, if calls are still in the kernel, wakes one of their waiters. */
    private void releaseReaper() {
        reaper.compareAndSet(Thread.currentThread(), null);
        if (!pending.isEmpty() || leftover) {
            submitPending(); // calls re-queued while reaping (retries) must not wait for a next caller
        }
        if (inflight.get() == 0) {
            return;
        }
        for (int s = 0; s < capacity; s++) {
            Call c = slots.get(s);
            if (c != null && !c.isDone()) {
                Object tag = c.engineTag();
                if (tag instanceof Waiter || tag instanceof Retry) {
                    wake(tag); // a spinning waiter sees the free role by itself
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- closing

    @Override
    public void close() {
        closeLock.lock();
        try {
            if (closeDone) {
                return;
            }
            closed = true;
            UringPort p = port.get();
            if (p != null) {
                p.close(TimeUnit.MILLISECONDS.toNanos(config.closeTimeoutMillis()));
            }
            // 1. The submit side, for good; whoever holds it finishes its entry first.
            Waiting.awaitCondition(() -> submitRole.compareAndSet(FREE, SHUT), 100_000);
            // 2. Queued calls never reached the kernel.
            Call c;
            while ((c = pending.poll()) != null) {
                failAndWake(c);
            }
            // 3. Calls in the kernel: wait, then cancel, then wait again.
            long timeout = TimeUnit.MILLISECONDS.toNanos(config.closeTimeoutMillis());
            if (!drain(timeout)) {
                int cancelled = cancelInflight();
                LOG.log(System.Logger.Level.DEBUG, "flexsc uring: close cancelled {0} calls still in the kernel", cancelled);
                if (!drain(timeout)) {
                    LOG.log(System.Logger.Level.WARNING,
                            "flexsc uring: {0} calls did not finish after cancellation; they fail with EngineClosedException",
                            inflight.get());
                }
            }
            // 4. The completion side, for good: wake a reaper waiting in the kernel, wait for it to leave.
            postInternal(Uring.OP_NOP, 0);
            Waiting.awaitCondition(() -> reaper.compareAndSet(null, CLOSED), 1_000_000);
            Waiting.awaitCondition(() -> cqLock.compareAndSet(FREE, SHUT), 100_000);
            reapReady();
            for (int s = 0; s < capacity; s++) {
                Call left = slots.getAndSet(s, null);
                if (left != null && !left.isDone()) {
                    failAndWake(left);
                }
            }
            inflight.set(0);
            while ((c = pending.poll()) != null) {
                failAndWake(c);
            }
            ring.close();
            NativeMemory.free(waitArg);
            if (linkTs != 0) {
                NativeMemory.free(linkTs);
            }
            NativeMemory.free(statBuf);
            closeDone = true;
            LOG.log(System.Logger.Level.DEBUG, () -> "flexsc uring engine closed; " + stats);
        } finally {
            closeLock.unlock();
        }
    }

    /** Closing: reaps (when the role is free) until nothing is in the kernel or the time is up. */
    private boolean drain(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (inflight.get() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            if (reaper.get() == null && reaper.compareAndSet(null, Thread.currentThread())) {
                try {
                    tryReapReady();
                    if (inflight.get() > 0 && ring.cqReady() == 0) {
                        waitInKernel();
                    }
                } finally {
                    releaseReaper();
                }
            } else {
                LockSupport.parkNanos(1_000_000);
            }
        }
        return true;
    }

    /** Closing, submit side held: asks the kernel to cancel every call in flight. */
    private int cancelInflight() {
        int n = 0;
        for (int s = 0; s < capacity; s++) {
            Call c = slots.get(s);
            if (c != null && !c.isDone()) {
                postInternal(Uring.OP_ASYNC_CANCEL, s);
                n++;
            }
        }
        return n;
    }

    /** Closing, submit side held: submits one engine-internal SQE. */
    private void postInternal(int op, long target) {
        if (!ops.supports(op) && op != Uring.OP_NOP) {
            return;
        }
        for (int tries = 0; ring.sqFree() == 0 && tries < 100; tries++) {
            if (!sqpoll) {
                ring.enter(ring.unsubmitted(), 0, 0, 0, 0);
            } else {
                ring.enter(0, 0, Uring.ENTER_SQ_WAIT, 0, 0);
            }
        }
        if (ring.sqFree() == 0) {
            return;
        }
        int o = ring.nextSqe();
        ByteBuffer s = ring.sqes();
        s.put(o + Uring.SQE_OPCODE, (byte) op);
        s.putInt(o + Uring.SQE_FD, -1);
        s.putLong(o + Uring.SQE_ADDR, target);
        s.putLong(o + Uring.SQE_USER_DATA, INTERNAL);
        ring.publish();
        if (sqpoll) {
            if (ring.sqNeedsWakeup()) {
                ring.enter(0, 0, Uring.ENTER_SQ_WAKEUP, 0, 0);
            }
        } else {
            ring.enter(ring.unsubmitted(), 0, 0, 0, 0);
        }
    }
}
