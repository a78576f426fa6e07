package io.flexsc.nio.net.select;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.ffi.Threads;
import io.flexsc.nio.net.batch.Batched;
import io.flexsc.nio.net.batch.ByteBudget;
import io.flexsc.nio.net.batch.Drainer;
import io.flexsc.nio.net.batch.Flusher;
import io.flexsc.nio.net.channels.FdState;
import io.flexsc.nio.net.channels.FlexSelChannel;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.sys.NetIO;
import io.flexsc.nio.net.sys.NetSys;
import io.flexsc.nio.vthread.VtPoller;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An epoll-based, level-triggered {@link Selector}, as the JDK's, whose system calls go through the
 * flexsc engine, and which batches: the queued writes of its channels, its pending epoll_ctl
 * updates and its epoll_wait go to the engine as one batch, and after the wait the reads of all
 * readable channels are prefetched in a second batch (see {@link Batched}).
 *
 * <p>Contract as {@link Selector}'s: {@code keys()} is safe for concurrent use and not growable;
 * {@code selectedKeys()} allows removal only and is not thread-safe; registration and interest
 * changes from other threads take effect at the next select; {@link #wakeup()} works from any
 * thread and, with no select in progress, makes the next one return at once; an interrupted
 * selecting thread returns at once with its interrupt status kept.
 *
 * <p>Batching applies to the channels of a selector created while {@code flexsc.net.batch} is true.
 */
public final class FlexSelector extends AbstractSelector {
    private static final int MAX_EVENTS = 1024;

    private final boolean batching;
    private final int epfd;
    private final int wakeFd;
    private final ByteBuffer events = ByteBuffer.allocateDirect(MAX_EVENTS * Linux.EPOLL_EVENT_SIZE).order(ByteOrder.nativeOrder());
    private final long eventsAddr = NativeMemory.address(events);
    /** One epoll_event per pending epoll_ctl of a batch. */
    private ByteBuffer ctlArea = ByteBuffer.allocateDirect(64 * Linux.EPOLL_EVENT_SIZE).order(ByteOrder.nativeOrder());

    /**
     * Whether a batching selector gets an engine of its own ({@link SyscallEngine#openSibling}: a
     * ring per selector on uring, as Netty's io_uring transport has one per event loop), so that
     * event loops do not take turns submitting and reaping on one shared ring.
     * {@code -Dflexsc.net.selectorRing=false} shares the process's engine.
     */
    static final boolean OWN_RING = Boolean.parseBoolean(System.getProperty("flexsc.net.selectorRing", "true"));

    /**
     * {@code -Dflexsc.net.epollInRing=true|false} (default false; read at each selector's creation):
     * whether a selector's own ring ({@link #OWN_RING}) also carries the epoll_wait that ends its
     * first batch, where the kernel has {@code IORING_OP_EPOLL_WAIT} (Linux 6.15): the queued writes,
     * the epoll_ctl updates, the speculative reads and the wait then cost one {@code io_uring_enter},
     * which submits them and waits ({@link SyscallEngine#openSibling(boolean)}; the wait's timeout is a
     * linked timeout, a wait of 0 is cancelled in the same entry). Without the opcode, on other
     * engines, or with {@code selectorRing=false}, nothing changes: the wait is a system call of its own.
     */
    static final String EPOLL_IN_RING_PROPERTY = "flexsc.net.epollInRing";

    private static final System.Logger LOG = System.getLogger("io.flexsc.nio.net.select");
    /** The "epollInRing asked but not available" line is logged once. */
    private static final java.util.concurrent.atomic.AtomicBoolean EPOLL_IN_RING_NOTED = new java.util.concurrent.atomic.AtomicBoolean();

    /** The engine of this selector's batches: its own, or the process's. */
    private final SyscallEngine engine;

    private final Set<SelectionKey> keys = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
    private final SelectedKeySet selectedKeys = new SelectedKeySet();
    /** What {@code selectedKeys()} returns: the set itself, which refuses additions. */
    private final Set<SelectionKey> publicSelectedKeys = selectedKeys;
    /** fd -> key of registered descriptors; selector thread (holding this) only. */
    private final FdKeyTable fdToKey = new FdKeyTable();

    private final Object updateLock = new Object();
    private ArrayDeque<FlexSelectionKey> updateKeys = new ArrayDeque<>();
    private ArrayDeque<FlexSelectionKey> updating = new ArrayDeque<>();

    private final Object interruptLock = new Object();
    private boolean interruptTriggered;
    /** The wake-up descriptor was signalled by {@link #nudge()} (guarded by interruptLock). */
    private boolean nudged;
    /**
     * The wake-up descriptor, and the epoll descriptor, are closed (guarded by interruptLock). Wake-ups test this, not
     * {@link #isOpen()}: {@code close()} marks the selector closed before {@link #implCloseSelector}
     * runs, which must still wake a select in progress to get the selector's lock.
     */
    private boolean wakeFdClosed;
    /** Wake-ups consumed by selects; written and read by the selecting thread only. */
    private long wakeupsSeen;

    /** The thread of the last select, and whether a select is running (see {@link #mayQueue()}). */
    private volatile Thread owner;
    private volatile boolean inSelect;
    /** A select operation is running (guarded by this selector's monitor): a nested one is refused. */
    private boolean selecting;

    // batching state, selector thread only
    /** Keys whose channel has readiness the kernel does not report (read-ahead, queue room, errors). */
    private final AttentionList attention = new AttentionList();
    /** Channels with queued bytes, flushed in the next select's batch; its own lock. */
    private final FlushList flushList = new FlushList(this, attention);
    /** Numbers the passes over epoll's events (for {@link FlexSelectionKey#seenInSelect}). */
    private long eventPass;
    private Call[] calls = new Call[64];
    private final ArrayList<Batched> reading = new ArrayList<>();
    private final ArrayList<FlexSelectionKey> readingKeys = new ArrayList<>();
    /** Keys whose last read-ahead found data: read speculatively in the next select's first batch. */
    private final ArrayList<FlexSelectionKey> hot = new ArrayList<>();
    private final ArrayList<Batched> speculating = new ArrayList<>();
    private final ArrayList<FlexSelectionKey> speculatingKeys = new ArrayList<>();
    /** What the read-ahead buffers, and the write queues, of this selector's channels may hold. */
    private final ByteBudget aheadBudget = Batched.readAheadBudget();
    /** Read ahead only where it pays ({@code -Dflexsc.net.readAheadRule=adaptive}, see {@link Batched}). */
    private final boolean adaptiveReadAhead = Batched.adaptiveReadAhead();
    /** Send a write at once when nothing is queued ({@code -Dflexsc.net.writeRule=through}, see {@link Batched}). */
    private final boolean writeThrough = Batched.writeThrough();
    /** Speculative reads made, and those that found nothing (tests); selector thread only. */
    private long speculativeReads, speculativeMisses;
    private final ByteBudget queueBudget = Batched.writeQueueBudget();

    public FlexSelector(SelectorProvider provider, boolean batching) throws IOException {
        super(provider);
        this.batching = batching;
        if (batching) {
            Flusher.armExitHook(); // queued bytes reach the kernel on every normal exit
        }
        SyscallEngine shared = NetSys.engine();
        boolean epollInRing = Boolean.parseBoolean(System.getProperty(EPOLL_IN_RING_PROPERTY, "false"));
        this.engine = batching && OWN_RING ? shared.openSibling(epollInRing) : shared;
        if (epollInRing && !engine.waitsInBatch() && EPOLL_IN_RING_NOTED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.DEBUG, "flexsc: " + EPOLL_IN_RING_PROPERTY + " has no effect here (engine "
                    + engine.name() + ", batching " + batching + ", own ring " + OWN_RING
                    + "; it needs uring's IORING_OP_EPOLL_WAIT, Linux 6.15): epoll_wait stays a system call of its own");
        }
        this.epfd = (int) NetSys.check(NetSys.call(SysNr.EPOLL_CREATE1, Linux.O_CLOEXEC, 0, 0), "epoll_create1");
        int w;
        try {
            w = NetIO.eventfd();
        } catch (IOException e) {
            NetSys.close(epfd);
            closeOwnEngine();
            throw e;
        }
        this.wakeFd = w;
        long r;
        Scratch s = Scratch.acquire(Linux.EPOLL_EVENT_SIZE);
        try {
            s.buffer().putInt(0, Linux.EPOLLIN).putLong(4, wakeFd);
            r = NetSys.call(SysNr.EPOLL_CTL, epfd, Linux.EPOLL_CTL_ADD, wakeFd, s.address(), 0, 0);
        } finally {
            s.release();
        }
        if (r < 0) {
            NetSys.close(epfd);
            NetSys.close(wakeFd);
            closeOwnEngine();
            NetSys.check(r, "epoll_ctl");
        }
        for (int i = 0; i < calls.length; i++) {
            calls[i] = new Call(0, 0, 0, 0, 0, 0, 0);
        }
    }

    private void ensureOpen() {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
    }

    @Override
    public Set<SelectionKey> keys() {
        ensureOpen();
        return publicKeys;
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        ensureOpen();
        return publicSelectedKeys;
    }

    // ---- registration ----

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        if (!(ch instanceof FlexSelChannel)) {
            throw new IllegalSelectorException();
        }
        FlexSelectionKey k = new FlexSelectionKey(ch, this);
        k.attach(att);
        ensureOpen();
        // the interest set is the key's before the key is published (keys() shows it to other
        // threads, which may cancel it at once): nothing below depends on the key staying valid
        k.initInterestOps(ops);
        Batched b = batching && ch instanceof FlexSocketChannel ? ((FlexSocketChannel) ch).batched() : null;
        if (b != null) {
            b.claim(this, k);
        }
        keys.add(k);
        FdState fds = ((FlexSelChannel) ch).fdState();
        fds.addRegistration(k); // before any EPOLL_CTL_ADD: a close deletes it from the epoll set
        try {
            updateKey(k);
        } catch (ClosedSelectorException e) {
            fds.removeRegistration(k);
            keys.remove(k);
            if (b != null) {
                b.unclaim(k);
            }
            deregister(k);
            throw e;
        }
        return k;
    }

    /** Queues a key for an epoll update at the next select. */
    void updateKey(FlexSelectionKey k) {
        synchronized (updateLock) {
            if (!isOpen()) {
                throw new ClosedSelectorException();
            }
            if (!k.updatePending) {
                k.updatePending = true;
                updateKeys.add(k);
            }
        }
    }

    /**
     * True when a write on the current thread may be queued: it is this selector's thread, between
     * two selects, and the last select ended less than a flush period ago (a thread that has been
     * busy elsewhere for longer is not running an event loop right now: its writes go straight to
     * the kernel, as the JDK's would, and report their errors at once).
     */
    public boolean mayQueue() {
        return owner == Thread.currentThread() && !inSelect && isOpen()
                && System.nanoTime() - lastSelectEnd < Flusher.PERIOD_NANOS;
    }

    /** Whether this selector's channels send a write at once when nothing is queued ({@code writeRule=through}). */
    public boolean writesThrough() {
        return writeThrough;
    }

    /** The budget of this selector's channels' write queues. */
    public ByteBudget queueBudget() {
        return queueBudget;
    }

    /** The budget of this selector's channels' read-ahead buffers. */
    public ByteBudget readAheadBudget() {
        return aheadBudget;
    }

    /**
     * A batched channel's congestion changed without a flush (a direct write): its epoll events
     * change at the next select, and a select in progress, or one that another thread may be about
     * to begin, is woken so as not to wait without them.
     */
    public void congestionChanged(FlexSelectionKey k) {
        try {
            updateKey(k);
        } catch (ClosedSelectorException e) {
            return;
        }
        if (owner != Thread.currentThread() || inSelect) {
            nudge();
        }
    }

    /**
     * Makes a select in progress, or the next one, apply the pending key updates: it is woken as by
     * {@link #wakeup()}, but goes on selecting rather than return (a caller sees no wake-up).
     */
    void nudge() {
        synchronized (interruptLock) {
            if (!interruptTriggered && !nudged && !wakeFdClosed) {
                NetIO.signal(wakeFd);
                nudged = true;
            }
        }
    }

    /** When the last select returned (System.nanoTime); selector thread only. */
    private long lastSelectEnd;

    /**
     * Deletes {@code fd} from the epoll set now, from any thread (epoll_ctl is thread-safe): a
     * closing channel's socket leaves the set before its number gets the dead socket (see
     * {@link FdState#preClose}). The key's bookkeeping stays as it is: the selector deregisters the
     * cancelled key later, and its EPOLL_CTL_DEL then finds nothing (ENOENT), as does a MOD meanwhile.
     * Under the lock that guards the epoll descriptor's close, so that the number is still ours.
     */
    void deleteFromEpoll(int fd) {
        synchronized (interruptLock) {
            if (!wakeFdClosed) {
                NetSys.call(SysNr.EPOLL_CTL, epfd, Linux.EPOLL_CTL_DEL, fd, 0, 0, 0);
            }
        }
    }

    /** A channel queued bytes: it is flushed at the next select ({@link FlushList#enlist}). */
    public void enlist(Batched b) {
        flushList.enlist(b);
    }

    /** Some channel has queued bytes (for the {@link Flusher}). */
    public boolean hasQueuedWrites() {
        return flushList.hasQueuedWrites();
    }

    /** Incremented each time the selector's channels start queueing bytes (for the {@link Flusher}). */
    public long queueings() {
        return flushList.queueings();
    }

    /** Incremented by every select (for the {@link Flusher}). */
    private volatile long selectCount;

    public long selectCount() {
        return selectCount;
    }

    public boolean isSelecting() {
        return inSelect;
    }

    /** The concurrent key set, without the open check. */
    public Set<SelectionKey> keysView() {
        return keys;
    }

    // ---- wakeup ----

    @Override
    public Selector wakeup() {
        synchronized (interruptLock) {
            if (!interruptTriggered && !wakeFdClosed) {
                NetIO.signal(wakeFd);
                interruptTriggered = true;
            }
        }
        return this;
    }

    private boolean wakeupPending() {
        synchronized (interruptLock) {
            return interruptTriggered;
        }
    }

    /** The wake-up descriptor fired: a wake-up (the select returns), or only a {@link #nudge()}. */
    private void clearWakeup() {
        synchronized (interruptLock) {
            NetIO.drain(wakeFd);
            if (interruptTriggered) {
                interruptTriggered = false;
                wakeupsSeen++;
            } else {
                passToRepeat = true; // a nudge alone
            }
            nudged = false;
        }
    }

    // ---- select ----

    @Override
    public int selectNow() throws IOException {
        return lockAndDoSelect(null, 0);
    }

    @Override
    public int select(long timeout) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout");
        }
        return lockAndDoSelect(null, timeout == 0 ? -1 : timeout);
    }

    @Override
    public int select() throws IOException {
        return lockAndDoSelect(null, -1);
    }

    @Override
    public int select(Consumer<SelectionKey> action, long timeout) throws IOException {
        Objects.requireNonNull(action);
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout");
        }
        return lockAndDoSelect(action, timeout == 0 ? -1 : timeout);
    }

    @Override
    public int select(Consumer<SelectionKey> action) throws IOException {
        Objects.requireNonNull(action);
        return lockAndDoSelect(action, -1);
    }

    @Override
    public int selectNow(Consumer<SelectionKey> action) throws IOException {
        Objects.requireNonNull(action);
        return lockAndDoSelect(action, 0);
    }

    private int lockAndDoSelect(Consumer<SelectionKey> action, long timeout) throws IOException {
        // Monitors, although a virtual thread parks under them (waitBatch): the Selector spec says
        // selection operations synchronize on the selector and then on its selected-key set, and
        // applications rely on that. So a virtual thread's select pins its carrier on JDK 21-23,
        // as with the JDK's own selector; JDK 24+ does not pin on monitors.
        synchronized (this) {
            ensureOpen();
            if (selecting) {
                // as the JDK's: a select from inside a select action (the only way this thread
                // can be here while holding the monitor in a select)
                throw new IllegalStateException("select in progress");
            }
            selecting = true;
            owner = Thread.currentThread();
            try {
                synchronized (publicSelectedKeys) {
                    return doSelect(action, timeout);
                }
            } finally {
                selecting = false;
                lastSelectEnd = System.nanoTime();
            }
        }
    }

    /**
     * Longest wait, in ms, of a pass that could not flush a channel's queue because another thread
     * held the channel's write lock (the flusher, say): the queue is tried again after it.
     */
    static final long SKIPPED_RETRY_MILLIS = 1;

    /**
     * Whether the last pass of {@link #doSelect} is to be repeated if it selected nothing: it skipped
     * a queue whose write lock was busy, consumed a {@link #nudge()} and no wake-up, or its epoll_wait
     * was interrupted. Selecting thread only.
     */
    private boolean passToRepeat;

    /**
     * timeout: -1 wait without limit, 0 do not wait, > 0 millis. Passes until something is selected,
     * a wake-up, an interrupt or the timeout. A pass that skipped a busy queue (it waited at most
     * {@link #SKIPPED_RETRY_MILLIS}), or was ended by a {@link #nudge()} alone or an interrupted
     * epoll_wait ({@link #epollResult}), is repeated: returning 0 early instead would make a caller
     * that selects again spin (Netty rebuilds a selector after 512 such returns).
     *
     * <p>One pass: the batch of updates, flushes and speculative reads, the wait, the events. The
     * pass is written out here, not in a method of its own, on purpose: this method is then over
     * C2's inlining limit for hot calls ({@code FreqInlineSize}, 325 bytes of bytecode;
     * {@code SelectorCodeShapeTest} checks it), so an event loop's compiled select loop calls it
     * instead of inlining the whole pass. When the pass was inlined there, that one C2 compilation
     * took up to 39 MiB of compiler arena, which glibc kept resident (peak RSS at 1,000 connections:
     * see bench/RESULTS.md, "The select pass kept out of the event loop's compilation").
     */
    private int doSelect(Consumer<SelectionKey> action, long timeout) throws IOException {
        long deadline = timeout > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout) : 0;
        long t = timeout;
        for (;;) {
            long wakeups = wakeupsSeen;
            selectCount++;
            processDeregisterQueue();
            // epoll_ctl updates
            int nc = addUpdateCalls(0);
            // queued writes
            boolean skipped = flushList.addQueuedFlushCalls(nc);
            passToRepeat = skipped;
            nc += flushList.flushing.size();
            // speculative reads: channels whose last read found data are read again in this batch,
            // so a busy connection costs no crossing of its own to find out it is readable
            int flushEnd = nc;
            nc = addSpeculativeReadCalls(nc);
            boolean now = wakeupPending() || hasSyntheticReadiness();
            long wait = (now || nc > 0 && (!flushList.flushing.isEmpty() || !speculating.isEmpty())) ? 0 : bounded(t, skipped);
            int n;
            try {
                n = waitBatch(nc, wait);
            } finally {
                // apply flush and speculative read results, and release their locks, however the batch ended
                batchDone(flushEnd);
            }
            if (n == 0 && t != 0 && wait == 0 && !now && !Thread.currentThread().isInterrupted()
                    && !hasSyntheticReadiness()) {
                // the writes are out and nothing is ready yet: now wait for real
                int c2 = addUpdateCalls(0);
                n = waitBatch(c2, bounded(t, skipped));
            }
            processDeregisterQueue();
            int count = processEvents(n, action);
            // the end of the pass: select again, or return
            if (count > 0 || !passToRepeat || t == 0 || wakeupsSeen != wakeups || wakeupPending()
                    || Thread.currentThread().isInterrupted()) {
                return count;
            }
            if (t > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return count;
                }
                t = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
            }
        }
    }

    /**
     * After the first batch, whether it ran or failed: applies the results of the flushes (calls
     * from {@code flushEnd - flushing.size()}) and speculative reads (from {@code flushEnd}), and
     * releases the write and read locks they held; every step runs whatever an earlier one threw.
     */
    private void batchDone(int flushEnd) {
        try {
            flushList.flushesDone(flushEnd - flushList.flushing.size());
        } finally {
            try {
                readAheadsDone(speculating, speculatingKeys, flushEnd, true);
            } finally {
                try {
                    flushList.rebuildFlushList();
                } finally {
                    epollAddsDone();
                }
            }
        }
    }

    /** A wait of {@code timeout} (as for doSelect), bounded by {@link #SKIPPED_RETRY_MILLIS} if {@code skipped}. */
    private static long bounded(long timeout, boolean skipped) {
        if (!skipped || timeout == 0) {
            return timeout;
        }
        return timeout < 0 ? SKIPPED_RETRY_MILLIS : Math.min(timeout, SKIPPED_RETRY_MILLIS);
    }

    // The phases of a select are methods of their own, each with its own try/finally: in one method
    // their loops, lock calls and copies of finally blocks made very large C1 compilations.

    /**
     * Adds, from calls[start], a read-ahead of every {@link #hot} key's channel whose read lock it
     * gets (kept until {@link #speculativeReadsDone}); empties {@code hot}. Returns the next free index.
     */
    private int addSpeculativeReadCalls(int start) {
        int nc = start;
        speculating.clear();
        speculatingKeys.clear();
        for (int i = 0; i < hot.size(); i++) {
            FlexSelectionKey k = hot.get(i);
            if (!k.isValid() || (k.interestOpsRaw() & SelectionKey.OP_READ) == 0) {
                continue;
            }
            FlexSocketChannel ch = (FlexSocketChannel) k.channel();
            Batched b = ch.batched();
            if (b.selector() != this || !ch.isConnected() || ch.isInputClosed() || !ch.fdState().readLock.tryLock()) {
                continue;
            }
            Call c = adaptiveReadAhead && !b.readAheadPays() ? null : b.readAheadCall(call(nc));
            if (c == null) {
                ch.fdState().readLock.unlock();
                continue;
            }
            nc++;
            speculating.add(b);
            speculatingKeys.add(k);
        }
        hot.clear();
        return nc;
    }

    /**
     * Applies the results of the read-aheads of {@code bs} (keys {@code keys}), from calls[first],
     * and releases their read locks. Their keys go to {@link #attention} (all of them, or for the
     * {@code speculative} reads those whose read-ahead holds something), and to {@link #hot} when
     * the read found data (and, by the adaptive rule, the channel is not backing off).
     */
    private void readAheadsDone(ArrayList<Batched> bs, ArrayList<FlexSelectionKey> keys, int first,
            boolean speculative) {
        if (speculative) {
            speculativeReads += bs.size();
        }
        for (int i = 0; i < bs.size(); i++) {
            Batched b = bs.get(i);
            try {
                b.readAheadDone(calls[first + i], speculative);
            } finally {
                b.channel().fdState().readLock.unlock();
            }
            if (speculative && !b.hasReadAhead()) {
                speculativeMisses++;
                continue;
            }
            attention.add(keys.get(i));
            if (b.readAheadBytesVolatile() > 0 && (!adaptiveReadAhead || b.speculateNext())) {
                hot.add(keys.get(i));
            }
        }
    }

    /** Speculative reads this selector made (tests). */
    long speculativeReads() {
        return speculativeReads;
    }

    /** Speculative reads that found nothing (tests). */
    long speculativeMisses() {
        return speculativeMisses;
    }


    Call call(int i) {
        if (i >= calls.length) {
            Call[] nc = java.util.Arrays.copyOf(calls, calls.length * 2);
            for (int j = calls.length; j < nc.length; j++) {
                nc[j] = new Call(0, 0, 0, 0, 0, 0, 0);
            }
            calls = nc;
        }
        return calls[i];
    }

    private boolean hasSyntheticReadiness() {
        if (attention.isEmpty()) {
            return false;
        }
        boolean any = false;
        attention.startPass();
        try {
            FlexSelectionKey k;
            while ((k = attention.next()) != null) {
                attention.keep(k);
                if (!any) {
                    Batched b = ((FlexSocketChannel) k.channel()).batched();
                    any = b.syntheticReadyOps(k.interestOpsRaw()) != 0;
                }
            }
        } finally {
            attention.endPass();
        }
        return any;
    }

    /** The last {@link FlexSelectionKey#epollTag} given; selector thread only. */
    private int lastEpollTag;

    /** A new registration's tag: never 0, which is the wake-up descriptor's (its data is its number alone). */
    private int nextEpollTag() {
        int t = ++lastEpollTag;
        if (t == 0) {
            t = ++lastEpollTag;
        }
        return t;
    }

    /** The data of a registration's epoll events: the descriptor, and the registration's tag above it. */
    private static long epollData(int fd, int tag) {
        return (fd & 0xffffffffL) | (long) tag << 32;
    }

    /**
     * The key an event's {@code data} is for, or null. The tag must be that of the key registered
     * under the descriptor now: a socket can outlive its descriptor number (a duplicate in the
     * {@link io.flexsc.nio.net.batch.Drainer}, an io_uring request not yet freed, a child process
     * between fork and exec). Its registration then stayed in the epoll set after the channel's
     * deregistration, whose EPOLL_CTL_DEL found the dead socket that the channel's close put under
     * the number, and went on reporting events with the number in them until the socket was
     * released. Those events are not for a channel that has the number now (issue 18: a second
     * read-ahead into the same buffer in one batch lost the first one's bytes). A close now takes
     * the socket out of the epoll set first ({@link #deleteFromEpoll}); the tag stays, so that an
     * event of any registration left over is never given to another key.
     */
    private FlexSelectionKey keyOf(long data) {
        FlexSelectionKey k = fdToKey.get((int) data);
        return k != null && k.epollTag == (int) (data >>> 32) ? k : null;
    }

    /** The descriptors whose EPOLL_CTL_ADD is in the coming batch ({@link FdState#beginEpollAdd}); selector thread only. */
    private final ArrayList<FdState> adding = new ArrayList<>();

    /** The ADDs of {@link #adding} have run, or will not: {@link FdState#endEpollAdd} for each. */
    private void epollAddsDone() {
        for (int i = 0; i < adding.size(); i++) {
            adding.get(i).endEpollAdd();
        }
        adding.clear();
    }

    /** Adds epoll_ctl calls for the queued key updates, from calls[start]; returns the next free index. */
    private int addUpdateCalls(int start) {
        ArrayDeque<FlexSelectionKey> q;
        synchronized (updateLock) {
            q = updateKeys;
            updateKeys = updating;
            updating = q;
        }
        int nc = start;
        int slot = 0;
        int need = q.size() * Linux.EPOLL_EVENT_SIZE;
        if (ctlArea.capacity() < need) {
            ctlArea = ByteBuffer.allocateDirect(need * 2).order(ByteOrder.nativeOrder());
        }
        long ctlAddr = NativeMemory.address(ctlArea);
        FlexSelectionKey k;
        while ((k = q.poll()) != null) {
            synchronized (updateLock) {
                k.updatePending = false;
            }
            if (!k.isValid()) {
                continue;
            }
            FlexSelChannel ch = k.flexChannel();
            int fd = ch.fdState().fd;
            boolean batchedHere = ch instanceof FlexSocketChannel && ((FlexSocketChannel) ch).batched().selector() == this;
            // a channel batched by another selector is plain here
            int ev = batchedHere || !(ch instanceof FlexSocketChannel) ? ch.toEpoll(k.interestOpsRaw())
                    : FlexSelChannel.plainEpoll(k.interestOpsRaw());
            if (batchedHere && ((FlexSocketChannel) ch).batched().syntheticReadyOps(k.interestOpsRaw()) != 0) {
                attention.add(k);
            }
            if (ev == k.registeredEvents && k.inEpoll == (ev != 0)) {
                continue;
            }
            int op;
            if (ev == 0) {
                if (!k.inEpoll) {
                    continue;
                }
                op = Linux.EPOLL_CTL_DEL;
                k.inEpoll = false;
                fdToKey.remove(fd);
            } else if (!k.inEpoll) {
                if (!ch.fdState().beginEpollAdd()) {
                    continue; // the channel is closing: its key is about to be cancelled
                }
                adding.add(ch.fdState());
                op = Linux.EPOLL_CTL_ADD;
                k.inEpoll = true;
                k.epollTag = nextEpollTag();
                fdToKey.put(fd, k);
            } else {
                op = Linux.EPOLL_CTL_MOD;
            }
            k.registeredEvents = ev;
            long ea = ctlAddr + (long) slot * Linux.EPOLL_EVENT_SIZE;
            ctlArea.putInt(slot * Linux.EPOLL_EVENT_SIZE, ev);
            ctlArea.putLong(slot * Linux.EPOLL_EVENT_SIZE + 4, epollData(fd, k.epollTag));
            slot++;
            call(nc).set(SysNr.EPOLL_CTL, epfd, op, fd, ea, 0, 0);
            nc++;
        }
        return nc;
    }

    /** Runs calls[0..nc) plus an epoll_wait as one batch; returns the number of events. */
    private int waitBatch(int nc, long timeout) throws IOException {
        int t = timeout < 0 ? -1 : (int) Math.min(timeout, Integer.MAX_VALUE);
        // the epoll_wait goes last in the array; engines may run a batch in any order, which is
        // safe: an epoll_ctl ADD of a ready descriptor wakes a wait already in progress
        boolean blocking = t != 0;
        // a virtual thread does not wait in the kernel: a pass that does not wait, then it parks
        // until the epoll instance is readable (a wake-up or interrupt makes it so), then another
        boolean parks = blocking && Threads.isVirtual();
        Call w = call(nc).set(SysNr.EPOLL_WAIT, epfd, eventsAddr, MAX_EVENTS, parks ? 0 : t, 0, 0);
        if (blocking) {
            inSelect = true;
            begin();
        }
        try {
            int n;
            if (nc == 0) {
                n = epollResult(engine.execute(w));
            } else {
                // calls before the wait are in [0, nc); move the wait to the end: it already is
                engine.executeBatch(calls, 0, nc + 1);
                checkCtlResults(nc);
                n = epollResult(w.result());
            }
            if (parks && n == 0 && VtPoller.await(epfd, Linux.POLLIN, t < 0 ? -1 : t * 1_000_000L, () -> false) != 0) {
                n = epollResult(engine.execute(w.set(SysNr.EPOLL_WAIT, epfd, eventsAddr, MAX_EVENTS, 0, 0, 0)));
            }
            return n;
        } catch (EngineClosedException e) {
            throw NetSys.engineClosed(); // an IOException, as every other failure of the select
        } finally {
            epollAddsDone();
            lastSelectEnd = System.nanoTime();
            if (blocking) {
                end();
                inSelect = false;
            }
        }
    }

    private void checkCtlResults(int nc) {
        for (int i = 0; i < nc; i++) {
            Call c = calls[i];
            if (c.nr() == SysNr.EPOLL_CTL) {
                long r = c.result();
                if (r == -Errno.EEXIST && c.a1() == Linux.EPOLL_CTL_ADD) {
                    // the descriptor is still registered (a cancelled key of the same channel): modify instead
                    NetSys.call(SysNr.EPOLL_CTL, epfd, Linux.EPOLL_CTL_MOD, c.a2(), c.a3(), 0, 0);
                }
                // ENOENT/EBADF: the channel was closed under us; its key is cancelled and goes away
            }
        }
    }

    /**
     * An epoll_wait's result: the number of events; 0 if it was interrupted (EINTR: a signal, or on
     * io_uring the kernel delivering a completion of the thread's own ring), and the pass is repeated
     * with what is left of the timeout, as the JDK's selector does.
     */
    private int epollResult(long r) throws IOException {
        if (r == -Errno.EINTR) {
            passToRepeat = true;
            return 0;
        }
        return (int) NetSys.check(r, "epoll_wait");
    }

    private int processEvents(int n, Consumer<SelectionKey> action) throws IOException {
        // read-ahead: one batch of reads for every readable batched channel
        int nc = addReadAheadCalls(n);
        // congested channels that became writable: flush them in the same batch
        nc = flushList.addCongestedFlushCalls(nc);
        if (adaptiveReadAhead && nc == 1 && reading.size() == 1) {
            nc = dropLoneReadAhead();
        }
        if (nc > 0) {
            try {
                engine.executeBatch(calls, 0, nc);
            } catch (EngineClosedException e) {
                throw NetSys.engineClosed();
            } finally {
                try {
                    readAheadsDone(reading, readingKeys, 0, false);
                } finally {
                    try {
                        flushList.flushesDone(reading.size());
                    } finally {
                        flushList.rebuildFlushList();
                    }
                }
            }
        }
        long pass = ++eventPass;
        int count = reportEvents(n, pass, action);
        for (int i = 0; i < reading.size(); i++) {
            readingKeys.get(i).readAheadTaken = false;
        }
        if (!attention.isEmpty()) {
            count += reportAttention(pass, action);
        }
        return count;
    }

    /**
     * Adaptive rule: the batch would carry one read-ahead and nothing else, one crossing as the
     * reader's own read would be; unless the reader reads again after a short read (which the
     * read-ahead answers without a crossing), the call is taken back and the key reports what epoll
     * said. Returns the calls left in the batch.
     */
    private int dropLoneReadAhead() {
        Batched b = reading.get(0);
        if (!b.stopsAtShortRead()) {
            return 1;
        }
        try {
            b.cancelReadAhead();
        } finally {
            b.channel().fdState().readLock.unlock();
        }
        readingKeys.get(0).readAheadTaken = false;
        reading.clear();
        readingKeys.clear();
        return 0;
    }

    /**
     * Adds, from calls[0], a read-ahead of every batched channel of the {@code n} events that is
     * readable and whose read lock it gets (kept until {@link #readAheadsDone}); they go to
     * {@link #reading}, marked {@link FlexSelectionKey#readAheadTaken}. Enlists congested channels that became
     * writable. Returns the next free index.
     */
    private int addReadAheadCalls(int n) {
        reading.clear();
        readingKeys.clear();
        int nc = 0;
        for (int i = 0; i < n; i++) {
            int off = i * Linux.EPOLL_EVENT_SIZE;
            long data = events.getLong(off + 4);
            if (data == wakeFd) {
                continue;
            }
            int ev = events.getInt(off);
            FlexSelectionKey k = keyOf(data);
            if (k == null || !k.isValid() || !batching || !(k.channel() instanceof FlexSocketChannel)) {
                continue;
            }
            FlexSocketChannel ch = (FlexSocketChannel) k.channel();
            Batched b = ch.batched();
            if (b.selector() != this) {
                continue;
            }
            if ((ev & Linux.EPOLLOUT) != 0) {
                writable(b, k);
            }
            if ((ev & (Linux.EPOLLIN | Linux.EPOLLERR | Linux.EPOLLHUP)) != 0
                    && (k.interestOpsRaw() & SelectionKey.OP_READ) != 0 && ch.isConnected()
                    && !ch.isInputClosed() && ch.fdState().readLock.tryLock()) {
                Call c = adaptiveReadAhead && !b.readAheadPays() ? null : b.readAheadCall(call(nc));
                if (c == null) {
                    ch.fdState().readLock.unlock();
                } else {
                    nc++;
                    k.readAheadTaken = true;
                    reading.add(b);
                    readingKeys.add(k);
                }
            }
        }
        return nc;
    }

    /**
     * EPOLLOUT on a batched channel, which has it only while congested: a queue is flushed at the
     * next select (or with the read-aheads); a channel whose direct write the kernel did not take
     * whole, nothing queued, is no longer congested (and its EPOLLOUT goes at the next select). If
     * another thread holds the write lock, its write decides, and a level-triggered EPOLLOUT comes
     * again.
     */
    private void writable(Batched b, FlexSelectionKey k) {
        if (b.hasQueued()) {
            flushList.enlist(b);
            return;
        }
        if (!b.isCongested()) {
            return;
        }
        FlexSocketChannel ch = b.channel();
        if (ch.fdState().writeLock.tryLock()) {
            try {
                b.kernelWritable();
            } finally {
                ch.fdState().writeLock.unlock();
            }
            updateKey(k);
        }
    }

    /** Reports the keys of the {@code n} events (pass number {@code pass}); returns how many were updated. */
    private int reportEvents(int n, long pass, Consumer<SelectionKey> action) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            int off = i * Linux.EPOLL_EVENT_SIZE;
            long data = events.getLong(off + 4);
            if (data == wakeFd) {
                clearWakeup();
                continue;
            }
            int ev = events.getInt(off);
            FlexSelectionKey k = keyOf(data);
            if (k == null || !k.isValid()) {
                continue;
            }
            int interest = k.interestOpsRaw();
            int ready = k.flexChannel().toReadyOps(ev, interest);
            if (batching && k.channel() instanceof FlexSocketChannel) {
                Batched b = ((FlexSocketChannel) k.channel()).batched();
                if (b.selector() == this) {
                    if ((ev & (Linux.EPOLLERR | Linux.EPOLLHUP)) == 0) {
                        // OP_WRITE is the queue's; OP_READ comes from the read-ahead when it was taken
                        ready &= ~SelectionKey.OP_WRITE;
                        if (k.readAheadTaken) {
                            ready &= ~SelectionKey.OP_READ;
                        }
                    }
                    ready |= b.syntheticReadyOps(interest);
                    k.seenInSelect = pass;
                }
            }
            count += report(k, ready, action);
        }
        return count;
    }

    /**
     * Reports the {@link #attention} keys with synthetic readiness that no event of this pass
     * reported, and drops those without; returns how many were updated.
     */
    private int reportAttention(long pass, Consumer<SelectionKey> action) {
        int count = 0;
        attention.startPass();
        try {
            FlexSelectionKey k;
            while ((k = attention.next()) != null) {
                Batched b = ((FlexSocketChannel) k.channel()).batched();
                int ready = b.syntheticReadyOps(k.interestOpsRaw());
                if (ready == 0) {
                    attention.drop(k);
                    continue;
                }
                attention.keep(k);
                if (k.seenInSelect == pass) {
                    continue;
                }
                count += report(k, ready, action);
            }
        } finally {
            attention.endPass(); // an action that throws must not lose the keys not yet visited
        }
        return count;
    }

    private int report(FlexSelectionKey k, int ready, Consumer<SelectionKey> action) {
        if (ready == 0) {
            return 0;
        }
        if (action != null) {
            k.readyOpsRaw(ready);
            action.accept(k);
            ensureOpen(); // an action that closed the selector ends the select, as the JDK's
            return 1;
        }
        if (selectedKeys.contains(k)) {
            int old = k.readyOpsRaw();
            if ((ready & ~old) != 0) {
                k.readyOpsRaw(old | ready);
                return 1;
            }
            return 0;
        }
        k.readyOpsRaw(ready);
        selectedKeys.addKey(k);
        return 1;
    }

    /** Deregisters cancelled keys: epoll_ctl DEL at once, then the channel may close its descriptor. */
    private void processDeregisterQueue() {
        Set<SelectionKey> cks = cancelledKeys();
        SelectionKey[] todo;
        synchronized (cks) {
            if (cks.isEmpty()) {
                return;
            }
            todo = cks.toArray(new SelectionKey[0]);
            cks.clear();
        }
        // outside the cancelled-set lock: deregistration may wait for a channel's write lock
        for (SelectionKey sk : todo) {
            implDereg((FlexSelectionKey) sk);
        }
    }

    private void implDereg(FlexSelectionKey k) {
        FlexSelChannel ch = k.flexChannel();
        int fd = ch.fdState().fd;
        if (k.inEpoll) {
            if (fdToKey.get(fd) == k) {
                fdToKey.remove(fd);
            }
            NetSys.call(SysNr.EPOLL_CTL, epfd, Linux.EPOLL_CTL_DEL, fd, 0, 0, 0); // ENOENT if pre-closed
            k.inEpoll = false;
        }
        selectedKeys.remove(k);
        keys.remove(k);
        attention.remove(k);
        if (ch instanceof FlexSocketChannel) {
            Batched b = ((FlexSocketChannel) ch).batched();
            if (b.selector() == this) {
                FlexSocketChannel sc = (FlexSocketChannel) ch;
                sc.fdState().writeLock.lock();
                try {
                    if (sc.isOpen()) {
                        b.sendQueuedNow(); // an error is kept: the next operation on the channel reports it
                        if (b.hasQueued()) {
                            Drainer.watch(b); // no selector sends the rest any more
                        }
                    }
                    b.unclaim(k);
                } finally {
                    sc.fdState().writeLock.unlock();
                }
                flushList.delist(b);
            }
        }
        ch.fdState().removeRegistration(k);
        deregister(k);
        ch.kill();
    }

    @Override
    protected void implCloseSelector() throws IOException {
        wakeup();
        synchronized (this) {
            synchronized (publicSelectedKeys) {
                processDeregisterQueue();
                for (SelectionKey sk : new ArrayList<>(keys)) {
                    FlexSelectionKey k = (FlexSelectionKey) sk;
                    k.cancel(); // adds to the cancelled set; deregistered below
                }
                processDeregisterQueue();
                for (SelectionKey sk : new ArrayList<>(keys)) {
                    implDereg((FlexSelectionKey) sk);
                }
                synchronized (updateLock) {
                    updateKeys.clear();
                }
                synchronized (interruptLock) {
                    NetSys.close(epfd);
                    NetSys.close(wakeFd);
                    wakeFdClosed = true; // no more writes to the closed eventfd
                }
            }
            closeOwnEngine();
        }
    }

    /** Whether this selector's batches carry their epoll_wait in its own ring ({@link #EPOLL_IN_RING_PROPERTY}; tests). */
    boolean epollInRing() {
        return engine.waitsInBatch();
    }

    /** The engine of this selector's batches (tests). */
    SyscallEngine batchEngine() {
        return engine;
    }

    /** Whether this selector batches (select-time batching on, engine not direct). */
    boolean batching() {
        return batching;
    }

    /** Closes the selector's own engine, if it has one (not the shared engine). */
    private void closeOwnEngine() {
        if (engine != NetSys.engine()) {
            engine.close();
        }
    }
}
