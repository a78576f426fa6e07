package io.flexsc.nio.net.batch;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.select.FlexSelectionKey;
import io.flexsc.nio.net.select.FlexSelector;
import io.flexsc.nio.net.sys.NetIO;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * The select-time batching state of one socket channel: a bounded write queue and a read-ahead
 * buffer.
 *
 * <p><b>Writes.</b> A non-blocking write made on the thread of the batching {@link FlexSelector}
 * the channel is registered with, between two selects, copies its bytes into the queue and returns
 * at once. When the queue is full the write returns 0 and OP_WRITE is not ready. At the next select
 * the selector sends the queues of all its channels in one engine batch together with its epoll
 * wait. A write error found then is kept and thrown by the next write-side operation on the channel
 * (write, shutdownOutput); the key is reported write-ready so that a writer finds out, and reads go
 * on reporting what the kernel says (the remaining data, then EOF or the reset). A thread that has
 * not selected for a flush period ({@link Flusher}) writes directly, and so does every write once
 * the JVM shuts down (its exit hook sends what is queued, {@link Flusher#flushAtExit}). Any other
 * write (another thread, blocking mode, no batching selector) first sends what is queued itself,
 * so bytes are never reordered. {@code close()} sends what is queued first (see
 * {@link #flushOnClose()}).
 *
 * <p><b>Which writes are queued</b> ({@code -Dflexsc.net.writeRule}, read at each selector's
 * creation; issue 20). {@code through} (the default since the A/B of 2026-12-08 in
 * {@code bench/RESULTS.md}: 0.90x the CPU per message of {@code queue} over 8 scenarios): a
 * write that finds nothing queued and the socket last known writable (not congested) goes to the
 * kernel at once, in one send (sendmsg for a gathering write) on the caller's thread past the
 * engine ({@link NetIO#sendDirect}), from the caller's buffers (a heap buffer through the thread's
 * scratch memory): no copy into a queue, and an error is thrown by that write, as the JDK's. What
 * the kernel does not take is queued as any write and the channel is congested (OP_WRITE not
 * ready, the selector waits for EPOLLOUT); later writes queue, or return 0, until the queue is sent,
 * so bytes are never reordered, and the queue then meets shutdownOutput, close, the flusher, the
 * drainer and the exit hook as before. The engine's counters show both kinds
 * ({@code WriteThroughs}, {@code QueuedWrites}). {@code queue}: every such write, as above.
 *
 * <p><b>Reads.</b> After its epoll wait the selector reads, in one batch, every readable channel
 * that has OP_READ interest into its read-ahead buffer; {@code read} then copies from there without
 * a kernel crossing. A short read-ahead means the socket was drained: the next read returns 0 once
 * without asking the kernel (a non-blocking read may always find nothing), and the one after asks
 * the kernel again. A non-blocking read that empties a read-ahead which filled its buffer, and has
 * room left, goes on to ask the kernel for the rest ({@link #emptiedFullReadAhead}): like the JDK's
 * read, it returns what it can hold of what is there. Returning only the read-ahead would end the
 * read loop of a caller that stops on a short read (Netty's does) and make it allocate a buffer,
 * and wait for another select, for every read-ahead's worth of data.
 *
 * <p><b>Which channels are read ahead</b> ({@code -Dflexsc.net.readAheadRule}, read at each
 * selector's creation). {@code always} (the default): every readable channel with OP_READ interest,
 * and, speculatively in the next select's first batch, every channel whose last read-ahead found
 * data. {@code adaptive}: only where a read-ahead saves the reader a kernel crossing:
 * <ul>
 * <li>not a channel whose reader reads more than a read-ahead holds: a read that empties a full
 *     read-ahead with room left goes to the kernel for the rest anyway ({@link #toppedUp}), so the
 *     read-ahead only added a copy; such a channel is read by its reader alone until one of the
 *     reader's kernel reads finds less than a full read-ahead's worth ({@link #kernelRead});</li>
 * <li>not a lone read-ahead: a second batch that would carry one read-ahead and nothing else is one
 *     crossing, as the reader's own read would be, unless the reader reads again after a short read
 *     (a read until 0, which the read-ahead answers without the kernel); a reader that stopped at the
 *     short read last time ({@link #stopsAtShortRead}) reads the kernel itself;</li>
 * <li>speculative reads back off: a speculative read that finds nothing costs a call, and in
 *     request-response traffic (the next request waits for the reply this batch sends) it always
 *     finds nothing; after {@code m} misses in a row a channel is not read speculatively for its
 *     next {@code 2^m} (at most 64) read-aheads that find data ({@link #speculateNext}); a hit
 *     resets the count.</li>
 * </ul>
 * A channel left out is reported readable as epoll says (level-triggered), and its {@code read}
 * asks the kernel, as the JDK's does. Where many channels are readable in one select, their
 * read-aheads still share one batch.
 *
 * <p><b>Budgets.</b> The read-ahead buffers of one selector's channels together hold at most
 * {@code -Dflexsc.net.readAheadBudget} bytes, and their queues at most
 * {@code -Dflexsc.net.writeQueueBudget} (2 and 4 MiB by default, so that 64 connections never
 * reach them; read at each selector's creation).
 * Beyond its budget a channel is served as the JDK's would be: it gets no read-ahead, so its
 * {@code read} asks the kernel, and a write that finds no queue it may start or grow sends what is
 * queued and then its own bytes straight to the kernel. A direct write that the kernel does not take
 * whole marks the channel congested, as a flush that leaves bytes queued does: OP_WRITE is not
 * ready and the selector waits for EPOLLOUT, until which a queued write returns 0.
 *
 * <p>On by default unless the engine is {@code direct} ({@code -Dflexsc.net.batch=auto}); forced
 * with {@code -Dflexsc.net.batch=true}, switched off with {@code -Dflexsc.net.batch=false}. Queue and read-ahead sizes:
 * {@code -Dflexsc.net.writeQueue} (bytes, default 65536) and {@code -Dflexsc.net.readAhead}
 * (default 16384).
 *
 * <p>Thread safety: the write side is guarded by the channel's write lock, the read side by its
 * read lock; the selector takes them with {@code tryLock} and skips a channel that is busy.
 */
public final class Batched {
    static final int QUEUE_CAPACITY = Math.max(1024, Integer.getInteger("flexsc.net.writeQueue", 64 << 10));
    static final int READ_AHEAD = Math.max(1024, Integer.getInteger("flexsc.net.readAhead", 16 << 10));
    /** The default read-ahead budget: 128 connections' full {@link #READ_AHEAD}. */
    static final int DEFAULT_READ_AHEAD_BUDGET = 2 << 20;
    /** The default queue budget: 64 connections' full {@link #QUEUE_CAPACITY}. */
    static final int DEFAULT_QUEUE_BUDGET = 4 << 20;

    /** A new selector's budget for its channels' read-ahead buffers: {@code -Dflexsc.net.readAheadBudget}. */
    public static ByteBudget readAheadBudget() {
        return new ByteBudget(Math.max(0, Integer.getInteger("flexsc.net.readAheadBudget", DEFAULT_READ_AHEAD_BUDGET)));
    }

    /** A new selector's budget for its channels' write queues: {@code -Dflexsc.net.writeQueueBudget}. */
    public static ByteBudget writeQueueBudget() {
        return new ByteBudget(Math.max(0, Integer.getInteger("flexsc.net.writeQueueBudget", DEFAULT_QUEUE_BUDGET)));
    }

    /**
     * Whether selectors created now batch: {@code -Dflexsc.net.batch=true|false|auto}, read at each
     * selector's creation. {@code auto} (the default) batches unless the engine is {@code direct}:
     * that engine runs a batch as one system call per call, so batching would save no crossing and
     * the speculative reads would add some.
     */
    public static boolean enabled() {
        String v = System.getProperty("flexsc.net.batch", "auto").trim();
        if ("auto".equalsIgnoreCase(v)) {
            return !"direct".equals(NetSys.engine().name());
        }
        return Boolean.parseBoolean(v);
    }

    /**
     * Whether selectors created now send a non-blocking write at once from the caller's buffer when
     * nothing is queued: {@code -Dflexsc.net.writeRule=through} (the default); {@code queue} copies
     * every such write into the queue (see the class comment).
     */
    public static boolean writeThrough() {
        return "through".equalsIgnoreCase(System.getProperty("flexsc.net.writeRule", "through").trim());
    }

    /**
     * Whether selectors created now read ahead only where it pays: {@code -Dflexsc.net.readAheadRule=adaptive};
     * {@code always} (the default) reads every readable channel ahead (see the class comment).
     */
    public static boolean adaptiveReadAhead() {
        return "adaptive".equalsIgnoreCase(System.getProperty("flexsc.net.readAheadRule", "always").trim());
    }

    /** Speculative misses in a row after which the back-off stops doubling: at most 2^6 read-aheads skipped. */
    static final int MAX_SPECULATIVE_BACKOFF = 6;

    /** {@link #readAhead} result: nothing buffered, ask the kernel. */
    public static final long NOTHING = Long.MIN_VALUE;

    /**
     * Native buffers for queues and read-aheads, pooled by size while unused (bounded). Most
     * connections move a few messages per select, so each buffer is sized to what it carries: a
     * queue to what is written into it (it grows, copying, when a write needs more), a read-ahead
     * to twice what the last one found (the whole {@link #READ_AHEAD} after one that filled its
     * buffer). At 1,000 connections this keeps memory near the JDK's.
     */
    private static final SizedBuffers BUFFERS = new SizedBuffers(QUEUE_CAPACITY, READ_AHEAD);
    /** The first read-ahead's size, before the channel's traffic is known. */
    static final int FIRST_AHEAD = 2048;

    /** The next read-ahead's size after one of {@code capacity} bytes found {@code read} bytes (> 0). */
    static int nextAheadSize(int read, int capacity) {
        if (read >= capacity) {
            return READ_AHEAD; // more is probably waiting
        }
        return BUFFERS.sizeFor(2 * read, READ_AHEAD);
    }

    private final FlexSocketChannel ch;
    /**
     * The batching selector the channel is registered with, or null, and its key. Set by
     * {@link #claim} and cleared by {@link #unclaim}, under the write lock.
     */
    private volatile FlexSelector selector;
    private volatile FlexSelectionKey key;

    // ---- write side, guarded by ch.fdState().writeLock ----
    private ByteBuffer queue;      // direct; bytes [0, queued)
    private long queueAddr;
    /** The budget the queue buffer is charged to (its selector's when it was taken), or null. */
    private ByteBudget queueBudget;
    private int queued;
    /** The last flush could not send everything: wait for EPOLLOUT. */
    private boolean congested;
    /** A write error found by a flush, thrown by the next operation (0: none). */
    private volatile int pendingErrno;
    /** In the selector's list of channels to flush; guarded by that list's monitor. */
    public boolean listed;

    // ---- read side, guarded by ch.fdState().readLock ----
    private ByteBuffer ahead;
    private long aheadAddr;
    /** The budget the read-ahead buffer is charged to, or null. */
    private ByteBudget aheadBudget;
    /** The size of the next read-ahead buffer ({@link #nextAheadSize}). */
    private int aheadSize = FIRST_AHEAD;
    private int aheadPos, aheadLen;
    private boolean aheadEof;
    private int aheadErrno;
    private boolean drained;
    /**
     * A read-ahead call is out ({@link #readAheadCall} until {@link #readAheadDone}): the buffer is
     * the kernel's, so no second call may be made into it. The selector's read lock does not
     * exclude a second one: it is reentrant, and the selector's thread holds it for the first.
     */
    private boolean aheadInFlight;
    /** The reader read more than a read-ahead held and went to the kernel for the rest (adaptive rule). */
    private boolean readsPastAhead;
    /** The reader did not come back after a short read-ahead: it stops at a short read (adaptive rule). */
    private boolean stopsShort;
    /** Speculative reads in a row that found nothing, and read-aheads with data still to skip before the next one. */
    private int specMisses, specSkip;
    /** Whether the channel's next select reads it speculatively; set by {@link #readAheadDone}. */
    private boolean speculateNext;
    /** The selector declined a read-ahead; the reader's next kernel read tells whether one would have paid. */
    private boolean declined;

    public Batched(FlexSocketChannel ch) {
        this.ch = ch;
    }

    /** The batching selector the channel is registered with, or null. */
    public FlexSelector selector() {
        return selector;
    }

    /** That selector's key for the channel, or null. */
    public FlexSelectionKey key() {
        return key;
    }

    public FlexSocketChannel channel() {
        return ch;
    }

    private boolean writeLocked() {
        return ch.fdState().writeLock.isHeldByCurrentThread();
    }

    private boolean readLocked() {
        return ch.fdState().readLock.isHeldByCurrentThread();
    }

    /**
     * A batching selector registers the channel with key {@code k}: it batches the channel unless
     * another selector already does (a channel registered with several keeps the first).
     */
    public void claim(FlexSelector s, FlexSelectionKey k) {
        ch.fdState().writeLock.lock();
        try {
            if (selector == null) {
                key = k;
                selector = s;
            }
        } finally {
            ch.fdState().writeLock.unlock();
        }
    }

    /** Key {@code k} is being deregistered: if it batches the channel, nothing does any more. Takes the write lock. */
    public void unclaim(FlexSelectionKey k) {
        ch.fdState().writeLock.lock();
        try {
            if (key == k) {
                selector = null;
                key = null;
            }
        } finally {
            ch.fdState().writeLock.unlock();
        }
    }

    /** True when a write on this thread may be queued now. Write lock held. */
    private boolean queueable() {
        FlexSelector sel = selector;
        FlexSelectionKey k = key;
        return sel != null && k != null && k.isValid() && sel.mayQueue() && !Flusher.exiting();
    }

    /** The epoll events the channel needs: OP_WRITE is ours while batching, EPOLLOUT only when congested. */
    public int toEpoll(int interestOps, int plain) {
        if (selector == null) {
            return plain;
        }
        int ev = plain;
        if ((interestOps & SelectionKey.OP_WRITE) != 0 && (interestOps & SelectionKey.OP_CONNECT) == 0) {
            ev &= ~Linux.EPOLLOUT;
        }
        if (congestedFlag) {
            ev |= Linux.EPOLLOUT;
        }
        return ev;
    }

    /** Mirror of {@link #congested} readable without the write lock (selector's epoll interest). */
    private volatile boolean congestedFlag;

    /** Readiness the selector reports without asking the kernel, for {@code interestOps}. */
    public int syntheticReadyOps(int interestOps) {
        int ready = 0;
        if (pendingErrno != 0) {
            return interestOps & SelectionKey.OP_WRITE; // the writer finds the error on its next write
        }
        if ((interestOps & SelectionKey.OP_READ) != 0 && aheadAvailable) {
            ready |= SelectionKey.OP_READ;
        }
        if ((interestOps & SelectionKey.OP_WRITE) != 0 && !congestedFlag && queuedVolatile < QUEUE_CAPACITY
                && ch.isConnected() && !ch.isOutputClosed()) {
            ready |= SelectionKey.OP_WRITE;
        }
        return ready;
    }

    private volatile boolean aheadAvailable;
    private volatile int queuedVolatile;

    /** Throws the error a batched flush found, once. */
    public void throwPendingError() throws IOException {
        int e = pendingErrno;
        if (e != 0) {
            pendingErrno = 0;
            throw NetSys.ioException(e);
        }
    }

    // ---- writes ----

    /**
     * A non-blocking write: queued when batching applies and the selector's budget has room, else
     * sent directly. Write lock held.
     */
    public long write(ByteBuffer[] srcs, int off, int len) throws IOException {
        assert writeLocked();
        if (!queueable()) {
            return sendThrough(srcs, off, len);
        }
        if (congested) {
            return 0;
        }
        if (queued == 0 && selector.writesThrough()) {
            return writeThrough(srcs, off, len);
        }
        long n = enqueue(srcs, off, len);
        return n >= 0 ? n : sendThrough(srcs, off, len); // over the selector's budget
    }

    /**
     * The write-through rule, nothing queued and the socket last known writable: one send on this
     * thread from the caller's buffers, past the engine ({@link NetIO#sendDirect}); what the kernel
     * does not take is queued, and the channel is congested until the queue is sent. An error is
     * this write's, as the JDK's. Write lock held, on the selector's thread.
     */
    private long writeThrough(ByteBuffer[] srcs, int off, int len) throws IOException {
        assert writeLocked() && queued == 0 && !congested;
        if (!FlexSocketChannel.hasRemaining(srcs, off, len)) {
            return 0;
        }
        int fd = ch.fdState().fd;
        long r = len == 1 ? NetIO.sendDirect(fd, srcs[off]) : NetIO.sendvDirect(fd, srcs, off, len);
        NetSys.engine().stats().writeThrough();
        if (r < 0 && r != -Errno.EAGAIN && r != -Errno.EINTR) {
            throw NetSys.ioException(Errno.of(r));
        }
        long n = Math.max(r, 0);
        if (!FlexSocketChannel.hasRemaining(srcs, off, len)) {
            return n;
        }
        // the kernel had no room for the rest (or the call carried at most what one call carries):
        // the rest is queued as any write's, and sent, in order, by the next select's batch
        long q = enqueue(srcs, off, len);
        setCongested(true);
        return q > 0 ? n + q : n;
    }

    /**
     * Copies what fits of {@code srcs} into the queue and enlists the channel with its selector:
     * the bytes copied (0 if the queue is full), or -1 if the queue may not grow within the
     * selector's budget. Write lock held, on the selector's thread.
     */
    private long enqueue(ByteBuffer[] srcs, int off, int len) {
        int want = (int) remaining(srcs, off, len, QUEUE_CAPACITY - queued);
        if (want == 0) {
            return 0; // nothing to queue, or the queue is full
        }
        if (!ensureQueue(queued + want)) {
            return -1;
        }
        long n = 0;
        int room = want;
        for (int i = off; i < off + len && room > 0; i++) {
            ByteBuffer b = srcs[i];
            int k = Math.min(b.remaining(), room);
            if (k == 0) {
                continue;
            }
            queue.put(queued, b, b.position(), k);
            b.position(b.position() + k);
            queued += k;
            room -= k;
            n += k;
        }
        queuedVolatile = queued;
        selector.enlist(this);
        NetSys.engine().stats().queuedWrite();
        return n;
    }

    /**
     * Sends what is queued, then {@code srcs}, straight to the kernel, as the JDK's write would;
     * 0 if the queue does not go out whole (the caller waits for OP_WRITE). Write lock held.
     */
    private long sendThrough(ByteBuffer[] srcs, int off, int len) throws IOException {
        assert writeLocked();
        if (queued > 0) {
            flushDirect();
            if (queued > 0) {
                return 0;
            }
        }
        return writeDirect(srcs, off, len);
    }

    /** The bytes remaining in {@code srcs[off..off+len)}, counted up to {@code max}. */
    private static long remaining(ByteBuffer[] srcs, int off, int len, long max) {
        long n = 0;
        for (int i = off; i < off + len && n < max; i++) {
            n += srcs[i].remaining();
        }
        return Math.min(n, max);
    }

    /**
     * Makes the queue hold {@code need} bytes (at most {@link #QUEUE_CAPACITY}), taking or growing
     * its buffer within the selector's budget; false if that does not fit the budget. Write lock
     * held, on the selector's thread.
     */
    private boolean ensureQueue(int need) {
        assert writeLocked();
        int have = queue == null ? 0 : queue.capacity();
        if (need <= have) {
            return true;
        }
        ByteBudget budget = selector.queueBudget();
        int size = BUFFERS.sizeFor(need, QUEUE_CAPACITY);
        if (!budget.fits(size - have)) {
            return false;
        }
        ByteBuffer b = BUFFERS.take(size);
        budget.charge(size);
        if (queue != null) {
            b.put(0, queue, 0, queued);
            giveQueue();
        }
        queue = b;
        queueAddr = NativeMemory.address(b);
        queueBudget = budget;
        return true;
    }

    /** Returns the queue buffer to the pool and its bytes to the budget it was charged to. */
    private void giveQueue() {
        queueBudget.credit(queue.capacity());
        BUFFERS.give(queue);
        queue = null;
        queueAddr = 0;
        queueBudget = null;
    }

    /**
     * Sends {@code srcs} straight to the kernel, nothing being queued; a write the kernel does not
     * take whole marks the channel congested (see {@link #setCongested}). Write lock held.
     */
    private long writeDirect(ByteBuffer[] srcs, int off, int len) throws IOException {
        assert writeLocked();
        long want = remaining(srcs, off, len, Long.MAX_VALUE);
        long r = NetIO.writev(ch.fdState().fd, srcs, off, len);
        if (r == -Errno.EINTR) {
            return 0;
        }
        if (r < 0 && r != -Errno.EAGAIN) {
            throw NetSys.ioException(Errno.of(r));
        }
        long n = Math.max(r, 0);
        setCongested(n < want);
        return n;
    }

    /**
     * After a direct write, nothing queued, or a write-through whose rest was queued: the kernel took
     * all ({@code full} false) or not. A change
     * goes to the batching selector, which watches for EPOLLOUT while congested, and is woken if
     * this is not its thread between selects (its epoll interest changes). Write lock held.
     */
    private void setCongested(boolean full) {
        FlexSelector sel = selector;
        if (full == congested || sel == null) {
            return;
        }
        congested = full;
        congestedFlag = full;
        FlexSelectionKey k = key;
        if (k != null && k.isValid()) {
            sel.congestionChanged(k);
        }
    }

    /** The selector saw EPOLLOUT: a channel congested with nothing queued is writable again. Write lock held. */
    public void kernelWritable() {
        assert writeLocked();
        if (queued == 0 && congested) {
            congested = false;
            congestedFlag = false;
        }
    }

    /**
     * Sends what is queued now, without waiting; an error is kept, for the channel's next
     * operation to throw. Write lock held.
     */
    public void sendQueuedNow() {
        assert writeLocked();
        while (queued > 0) {
            long r = NetSys.call(SysNr.SENDTO, ch.fdState().fd, queueAddr, queued, Linux.MSG_DONTWAIT | Linux.MSG_NOSIGNAL, 0, 0);
            if (r == -Errno.EINTR) {
                continue;
            }
            if (!flushed(r)) {
                break;
            }
        }
    }

    /** Sends what is queued now, without waiting, and throws the error a flush found. Write lock held. */
    public void flushDirect() throws IOException {
        sendQueuedNow();
        throwPendingError();
    }

    /**
     * Blocking mode, before a write or urgent data: sends everything queued, waiting in poll(2)
     * while the kernel has no room, until done or the channel is closed (a close wakes the wait).
     * Write lock held.
     */
    public void flushBlocking() throws IOException {
        assert writeLocked();
        while (queued > 0) {
            flushDirect();
            if (queued == 0 || !ch.isOpen()) {
                return;
            }
            ch.fdState().await(Linux.POLLOUT, -1);
        }
    }

    /**
     * At exit: sends everything queued, waiting in poll(2) while the kernel has no room, at most
     * until {@code deadline} ({@link System#nanoTime()}) or the channel's close. Write lock held.
     */
    void flushUntil(long deadline) throws IOException {
        assert writeLocked();
        while (queued > 0) {
            flushDirect();
            long left = deadline - System.nanoTime();
            if (queued == 0 || !ch.isOpen() || left <= 0) {
                return;
            }
            ch.fdState().await(Linux.POLLOUT, (int) Math.max(1, left / 1_000_000L));
        }
    }

    /**
     * Before the descriptor is closed (both locks held), never waiting for the peer unless SO_LINGER
     * says so. The JDK's close returns at once: what its write accepted is already in the kernel,
     * which sends it, and then the FIN, after close(2) returns. So here: what the kernel takes at
     * once is sent now; with SO_LINGER n (> 0), close waits up to n seconds for the kernel to take
     * the rest, as close(2) waits for the send buffer; with SO_LINGER 0 the rest is discarded (the
     * close resets the connection, as the JDK's does). What is still left goes to the
     * {@link Drainer}, with a duplicate of the descriptor: it sends the bytes as the peer reads and
     * then closes the duplicate, so the connection ends after the last byte, as it would have had
     * the kernel held them. (For the JDK, those bytes would not have been accepted: its write would
     * have returned less. Having accepted them, we deliver them, or the connection fails, or the
     * peer has not read them for {@link Drainer#ADOPTED_LIMIT_NANOS}.)
     */
    public void flushOnClose() {
        assert writeLocked() && readLocked();
        if (queued == 0) {
            return;
        }
        try {
            sendQueuedNow();
            if (queued == 0) {
                return;
            }
            int linger = -1;
            try {
                linger = ch.linger();
            } catch (IOException ignored) {
                // no linger information: treat as off
            }
            if (linger == 0) {
                return; // discarded: the close resets the connection
            }
            if (linger > 0) {
                // close() itself waits, as close(2) with SO_LINGER does (a close is not woken by a close)
                long deadline = System.nanoTime() + linger * 1_000_000_000L;
                while (queued > 0 && pendingErrno == 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    NetIO.poll(ch.fdState().fd, Linux.POLLOUT, -1, (int) Math.max(1, left / 1_000_000L));
                    sendQueuedNow();
                }
            }
            if (queued > 0 && pendingErrno == 0) {
                handOver();
            }
        } finally {
            queued = 0;
            queuedVolatile = 0;
            pendingErrno = 0;
        }
    }

    /** Gives the queued bytes, with a duplicate of the descriptor, to the {@link Drainer}. Write lock held. */
    private void handOver() {
        long dup = NetSys.call(SysNr.FCNTL, ch.fdState().fd, Linux.F_DUPFD_CLOEXEC, 0);
        if (dup < 0) {
            LOG.log(System.Logger.Level.WARNING, "flexsc: {0} bytes queued before close() are dropped: no descriptor to send them on ({1})",
                    queued, NetSys.message((int) -dup));
            return;
        }
        ByteBuffer copy = ByteBuffer.allocateDirect(queued);
        copy.put(0, queue, 0, queued);
        if (!Drainer.adopt((int) dup, copy)) {
            NetSys.close((int) dup);
        }
    }

    private static final System.Logger LOG = System.getLogger("io.flexsc.nio.net");

    /** Applies a raw write result to the queue; returns true if everything queued was sent. */
    private boolean flushed(long r) {
        if (r >= 0) {
            int n = (int) r;
            if (n < queued) {
                queue.put(0, queue, n, queued - n); // compact; ByteBuffer.put copies as if through a temp
                queued -= n;
                congested = true;
            } else {
                queued = 0;
                congested = false;
            }
        } else if (r == -Errno.EAGAIN) {
            congested = true;
        } else {
            pendingErrno = Errno.of(r);
            queued = 0;
            congested = false;
        }
        queuedVolatile = queued;
        congestedFlag = congested;
        if (queued == 0 && queue != null) {
            giveQueue();
        }
        return queued == 0 && r >= 0;
    }

    /** Selector side: the call that sends the queue, or null if nothing is queued. Write lock held. */
    public Call flushCall(Call reuse) {
        assert writeLocked();
        if (queued == 0) {
            return null;
        }
        // send(2) with MSG_DONTWAIT: non-blocking by the call itself, so an engine need not ask the
        // descriptor (io_uring ignores O_NONBLOCK on sockets); MSG_NOSIGNAL: EPIPE, never SIGPIPE
        return reuse.set(SysNr.SENDTO, ch.fdState().fd, queueAddr, queued, Linux.MSG_DONTWAIT | Linux.MSG_NOSIGNAL, 0, 0);
    }

    /** Selector side: applies the flush call's result. Write lock held. */
    public void flushDone(Call c) {
        assert writeLocked();
        long r;
        try {
            r = c.result();
        } catch (RuntimeException e) {
            return; // the engine could not run it: the data stays queued for the next attempt
        }
        if (r == -Errno.EINTR) {
            return;
        }
        flushed(r);
    }

    public boolean hasQueued() {
        return queuedVolatile > 0;
    }

    public boolean isCongested() {
        return congestedFlag;
    }

    // ---- reads ----

    /**
     * Serves a read from the read-ahead buffer: bytes copied, -1 at EOF, 0 once after a drained
     * read-ahead, or {@link #NOTHING}. Read lock held.
     */
    public long readAhead(ByteBuffer[] dsts, int off, int len, boolean blocking) throws IOException {
        assert readLocked();
        if (aheadErrno != 0) {
            int e = aheadErrno;
            aheadErrno = 0;
            aheadAvailable = false;
            throw NetSys.readException(e);
        }
        if (aheadLen > aheadPos) {
            long n = 0;
            for (int i = off; i < off + len && aheadPos < aheadLen; i++) {
                ByteBuffer b = dsts[i];
                int k = Math.min(b.remaining(), aheadLen - aheadPos);
                if (k == 0) {
                    continue;
                }
                b.put(b.position(), ahead, aheadPos, k);
                b.position(b.position() + k);
                aheadPos += k;
                n += k;
            }
            if (aheadPos == aheadLen) {
                aheadPos = aheadLen = 0;
                releaseAhead();
                aheadAvailable = aheadEof;
            }
            return n;
        }
        if (aheadEof) {
            if (FlexSocketChannel.hasRemaining(dsts, off, len)) {
                aheadEof = false;
                aheadAvailable = false;
                return -1;
            }
            return 0;
        }
        if (drained && !blocking) {
            drained = false;
            stopsShort = false; // the reader came back for the rest: it reads until 0
            return 0;
        }
        drained = false;
        return NOTHING;
    }

    /**
     * Selector side (the batching selector's thread): the call that fills the read-ahead, or null
     * if it holds data or a buffer does not fit the selector's read-ahead budget (then {@code read}
     * asks the kernel). Read lock held.
     */
    public Call readAheadCall(Call reuse) {
        assert readLocked();
        if (aheadInFlight || aheadLen > aheadPos || aheadEof || aheadErrno != 0) {
            return null;
        }
        if (drained) {
            stopsShort = true; // the last short read-ahead's reader did not read again
        }
        if (ahead == null) {
            int size = BUFFERS.sizeFor(aheadSize, READ_AHEAD);
            FlexSelector sel = selector; // the caller's, which runs this select
            ByteBudget budget = sel == null ? null : sel.readAheadBudget();
            if (budget == null || !budget.fits(size)) {
                return null;
            }
            ahead = BUFFERS.take(size);
            aheadAddr = NativeMemory.address(ahead);
            budget.charge(size);
            aheadBudget = budget;
        }
        Call c = reuse.set(SysNr.RECVFROM, ch.fdState().fd, aheadAddr, ahead.capacity(), Linux.MSG_DONTWAIT, 0, 0);
        aheadInFlight = true;
        return c;
    }

    /**
     * Adaptive rule, selector side, for a channel about to be read ahead: false if its reader reads
     * more than a read-ahead holds (see the class comment); the channel is then left to its reader,
     * whose next read asks the kernel. Read lock held.
     */
    public boolean readAheadPays() {
        assert readLocked();
        if (!readsPastAhead) {
            return true;
        }
        decline();
        return false;
    }

    /** No read-ahead now although the kernel may have data: the next read asks it (no "drained" 0). */
    private void decline() {
        drained = false;
        declined = true;
    }

    /**
     * Adaptive rule: whether the channel's reader stopped at a short read last time, so that a read-ahead
     * alone in a batch saves it nothing. Read lock held.
     */
    public boolean stopsAtShortRead() {
        return stopsShort;
    }

    /**
     * Takes back the read-ahead call {@link #readAheadCall} made, which did not go to the engine
     * (adaptive rule: a lone read-ahead); the channel's next read asks the kernel. Read lock held.
     */
    public void cancelReadAhead() {
        assert readLocked() && aheadInFlight && aheadLen == 0;
        aheadInFlight = false;
        releaseAhead();
        decline();
    }

    /**
     * After a read of the channel's reader into {@code dsts[off..off+len)} went to the kernel,
     * non-blocking, with result {@code r}. Teaches the adaptive rule: a read
     * that finds nothing is a reader that reads until 0; the first read after a declined read-ahead
     * that found less than a read-ahead holds, and all there was, would have been served whole by
     * one. Read lock held.
     */
    public void kernelRead(long r, ByteBuffer[] dsts, int off, int len) {
        if (r == -Errno.EAGAIN) {
            stopsShort = false;
        }
        if (declined) {
            declined = false;
            if (r >= 0 && r < READ_AHEAD && FlexSocketChannel.hasRemaining(dsts, off, len)) {
                readsPastAhead = false;
            }
        }
    }

    /** Whether the selector reads the channel speculatively at its next select (adaptive rule). */
    public boolean speculateNext() {
        return speculateNext;
    }

    /**
     * Selector side: applies the read-ahead call's result; {@code speculative} for a speculative
     * read (the adaptive rule's back-off counts its misses). Read lock held.
     */
    public void readAheadDone(Call c, boolean speculative) {
        assert readLocked();
        aheadInFlight = false;
        long r;
        try {
            r = c.result();
        } catch (IllegalStateException notDone) {
            // the batch failed with this receive possibly still in the kernel's hands: give up the
            // buffer (a bounded leak on an engine failure) rather than let it be reused or freed
            aheadBudget.credit(ahead.capacity());
            ahead = null;
            aheadAddr = 0;
            aheadBudget = null;
            r = -Errno.EAGAIN;
        } catch (RuntimeException e) {
            r = -Errno.EAGAIN;
        }
        if (r > 0) {
            aheadPos = 0;
            aheadLen = (int) r;
            int cap = ahead.capacity();
            drained = r < cap;
            aheadSize = nextAheadSize((int) r, cap);
        } else if (r == 0) {
            aheadEof = true;
        } else if (r != -Errno.EAGAIN && r != -Errno.EINTR) {
            aheadErrno = Errno.of(r);
        }
        if (aheadLen == 0) {
            releaseAhead();
        }
        aheadAvailable = aheadLen > aheadPos || aheadEof || aheadErrno != 0;
        if (speculative) {
            if (r > 0) {
                specMisses = 0;
            } else if (r == -Errno.EAGAIN) {
                specMisses = Math.min(specMisses + 1, MAX_SPECULATIVE_BACKOFF);
                specSkip = 1 << specMisses;
            }
        }
        speculateNext = false;
        if (r > 0) {
            if (specSkip > 0) {
                specSkip--;
            } else {
                speculateNext = true;
            }
        }
    }

    /**
     * Right after a read that {@link #readAhead} served: whether that read emptied a read-ahead
     * which had filled its buffer, so the kernel probably holds more. Read lock held.
     */
    public boolean emptiedFullReadAhead() {
        return aheadLen == 0 && !drained && !aheadEof && aheadErrno == 0;
    }

    /**
     * Applies the result {@code r} of the kernel read that topped up a read emptying a full
     * read-ahead ({@link #emptiedFullReadAhead}); {@code full}: it filled what was left of the
     * caller's buffers. Its bytes are already the caller's. Nothing more (EAGAIN, or a short read)
     * drains, as a short read-ahead does; the end of input or an error is kept for the next read,
     * since this one returns the bytes it has. Read lock held.
     */
    public void toppedUp(long r, boolean full) {
        assert readLocked();
        readsPastAhead = true; // the read-ahead saved this reader no crossing, only added a copy
        if (r == -Errno.EAGAIN || (r > 0 && !full)) {
            drained = true;
        } else if (r == 0) {
            aheadEof = true;
            aheadAvailable = true;
        } else if (r < 0 && r != -Errno.EINTR) {
            aheadErrno = Errno.of(r);
            aheadAvailable = true;
        }
    }

    /** Whether the last read-ahead found data (selector thread, after readAheadDone). */
    public int readAheadBytesVolatile() {
        return aheadAvailable ? aheadLen - aheadPos : 0;
    }

    /** Bytes waiting in the read-ahead buffer. Read lock held. */
    public int readAheadBytes() {
        return aheadLen - aheadPos;
    }

    public boolean hasReadAhead() {
        return aheadAvailable;
    }

    private void releaseAhead() {
        if (ahead != null) {
            aheadBudget.credit(ahead.capacity());
            BUFFERS.give(ahead);
            ahead = null;
            aheadAddr = 0;
            aheadBudget = null;
        }
    }

    /** Returns pooled memory when the channel closes. Both locks held. */
    public void release() {
        assert readLocked() && writeLocked();
        queued = 0;
        queuedVolatile = 0;
        if (queue != null) {
            giveQueue();
        }
        aheadPos = aheadLen = 0;
        releaseAhead();
        aheadAvailable = false;
    }
}
