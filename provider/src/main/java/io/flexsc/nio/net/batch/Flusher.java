package io.flexsc.nio.net.batch;

import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.select.FlexSelector;
import java.nio.channels.SelectionKey;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The safety net of select-time batching: if a selector's thread queued writes and then does not
 * select again within {@code -Dflexsc.net.flushDelayMicros} (default 1000 µs) — an event loop that
 * blocks in a handler, say — this daemon thread sends those queues itself, so queued bytes are
 * never held back indefinitely.
 *
 * <p>It runs only while some selector queues bytes, and checks once per period; while every
 * watched selector keeps selecting, the period doubles up to 8 times the configured one (fewer
 * wake-ups of its own for a busy event loop), and it drops back as soon as one stalls. A selector
 * stays watched while it queues again within each period, even if every check finds its queues
 * already sent (as it usually does: a select sends them), and is dropped after a period without
 * queueing; so a busy event loop neither wakes the flusher from idle nor finds its map entry gone
 * at each select, and an idle one costs nothing. It never
 * touches the selector's own state: it walks the selector's (concurrent) key set and flushes, under
 * each channel's write lock ({@code tryLock}), what is still queued.
 *
 * <p>At exit: bytes a {@code write()} accepted into a queue must reach the kernel on every normal
 * exit ({@code System.exit}, the end of {@code main}, shutdown hooks), as the JDK's accepted bytes
 * already have. The first batching selector registers a shutdown hook ({@link #flushAtExit}) that marks the
 * JVM as exiting, from which point no write is queued any more (it goes straight to the kernel,
 * {@link #exiting()}), and then sends every queue still holding bytes, under its channel's write
 * lock, and waits for the {@link Drainer} to send what closed channels handed it, waiting for full
 * socket buffers to drain for at most {@link #EXIT_FLUSH_MILLIS} in all. A
 * {@code kill -9} (or {@code Runtime.halt}) runs no hook: bytes queued since the selector's last
 * select are lost, see the README. Thread-safe.
 */
public final class Flusher {
    private Flusher() {}

    public static final long PERIOD_NANOS = TimeUnit.MICROSECONDS.toNanos(
            Math.max(50, Long.getLong("flexsc.net.flushDelayMicros", 1000)));

    /** What the flusher saw of a watched selector at its previous check. Flusher thread only. */
    private static final class Seen {
        long selects = -1;
        long queueings = -1;
    }

    /** Watched selectors and what the previous check saw of each. */
    private static final Map<FlexSelector, Seen> WATCHED = new ConcurrentHashMap<>();
    private static volatile Thread thread;
    private static volatile boolean idle;
    /** The current check period: PERIOD_NANOS, doubled while all watched selectors progress. */
    private static long period = PERIOD_NANOS;
    /** How long the exit hook waits, in all, for peers' socket buffers to take queued bytes. */
    static final long EXIT_FLUSH_MILLIS = Math.max(0, Long.getLong("flexsc.net.exitFlushMillis", 2000));
    /** Set when the JVM begins to shut down: writes are no longer queued. */
    private static volatile boolean exiting;
    /** Times {@link #watch} started the flusher or woke it from idle (for tests). */
    private static final AtomicLong WAKEUPS = new AtomicLong();

    /** A selector has queued bytes: watch it. Cheap when already watched. */
    public static void watch(FlexSelector s) {
        if (WATCHED.get(s) == null && WATCHED.putIfAbsent(s, new Seen()) == null) {
            Thread t = thread;
            if (t == null) {
                WAKEUPS.incrementAndGet();
                start();
            } else if (idle) {
                WAKEUPS.incrementAndGet();
                LockSupport.unpark(t);
            }
        }
    }

    /** Whether {@code s} is watched. */
    static boolean watches(FlexSelector s) {
        return WATCHED.containsKey(s);
    }

    /** Times a selector's queueing started the flusher or woke it from idle. */
    static long wakeups() {
        return WAKEUPS.get();
    }

    private static synchronized void start() {
        if (thread == null) {
            Thread t = new Thread(Flusher::run, "flexsc-net-flusher");
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    private static final System.Logger LOG = System.getLogger("io.flexsc.nio.net");
    private static boolean hookArmed;

    /**
     * Registers the exit hook, once; called by every batching selector's creation, so that the hook
     * exists before any write can be queued. During shutdown it is too late for a hook: nothing is
     * queued from then on.
     */
    public static synchronized void armExitHook() {
        if (hookArmed) {
            return;
        }
        hookArmed = true;
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(Flusher::flushAtExit, "flexsc-net-exit-flush"));
        } catch (IllegalStateException shuttingDown) {
            exiting = true;
        }
    }

    /** Whether the JVM is shutting down: a write then goes straight to the kernel, never to a queue. */
    static boolean exiting() {
        return exiting;
    }

    /**
     * The shutdown hook: stops queueing, then sends every queue that holds bytes, and lets the
     * {@link Drainer} finish with closed channels' bytes, waiting (bounded by
     * {@link #EXIT_FLUSH_MILLIS} in all) for the kernel to take them. A write that was queueing when
     * the flag was set holds its channel's write lock, which this takes before it flushes; a second
     * pass catches a selector that was being added to the watch list meanwhile.
     */
    static void flushAtExit() {
        exiting = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_FLUSH_MILLIS);
        for (int pass = 0; ; pass++) {
            boolean left = false;
            for (FlexSelector s : WATCHED.keySet()) {
                for (SelectionKey k : s.keysView()) {
                    if (k.channel() instanceof FlexSocketChannel) {
                        left |= flushAtExit((FlexSocketChannel) k.channel(), deadline);
                    }
                }
            }
            if (pass >= 1 && (!left || System.nanoTime() - deadline >= 0)) {
                break;
            }
        }
        // what closed (or deregistered) channels handed to the drainer, within the same bound
        if (!Drainer.awaitDone(deadline)) {
            LOG.log(System.Logger.Level.DEBUG, "flexsc: exit after {0} ms with bytes of closed channels not yet taken by their peers",
                    EXIT_FLUSH_MILLIS);
        }
    }

    /** Sends {@code ch}'s queue, waiting until {@code deadline}; whether bytes are left. */
    private static boolean flushAtExit(FlexSocketChannel ch, long deadline) {
        Batched b = ch.batched();
        if (!b.hasQueued()) {
            return false;
        }
        try {
            long wait = Math.max(0, deadline - System.nanoTime());
            if (!ch.fdState().writeLock.tryLock(wait, TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return b.hasQueued();
        }
        try {
            if (ch.isOpen()) {
                b.flushUntil(deadline);
            }
        } catch (java.io.IOException ignored) {
            // the connection failed: no one is left to deliver to
        } finally {
            ch.fdState().writeLock.unlock();
        }
        return b.hasQueued();
    }

    private static void run() {
        for (;;) {
            if (WATCHED.isEmpty()) {
                idle = true;
                if (WATCHED.isEmpty()) {
                    LockSupport.park(Flusher.class);
                }
                idle = false;
                period = PERIOD_NANOS;
                continue;
            }
            LockSupport.parkNanos(Flusher.class, period);
            boolean stalled = false;
            for (Iterator<Map.Entry<FlexSelector, Seen>> it = WATCHED.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<FlexSelector, Seen> e = it.next();
                FlexSelector s = e.getKey();
                Seen seen = e.getValue();
                long queueings = s.queueings();
                boolean queued = s.hasQueuedWrites();
                if (!s.isOpen() || (!queued && queueings == seen.queueings)) {
                    it.remove();
                    // the selector's thread sets hasQueuedWrites before it calls watch(): if it
                    // found the entry still there, it is seen here and the entry comes back
                    if (s.isOpen() && s.hasQueuedWrites()) {
                        WATCHED.putIfAbsent(s, seen);
                    }
                    continue;
                }
                seen.queueings = queueings;
                long count = s.selectCount();
                if (queued && seen.selects == count && !s.isSelecting()) {
                    rescue(s); // no select for a whole period: send the queues now
                    stalled = true;
                }
                seen.selects = count;
            }
            period = stalled ? PERIOD_NANOS : Math.min(period * 2, PERIOD_NANOS * 8);
        }
    }

    private static void rescue(FlexSelector s) {
        for (SelectionKey k : s.keysView()) {
            if (k.channel() instanceof FlexSocketChannel) {
                FlexSocketChannel ch = (FlexSocketChannel) k.channel();
                Batched b = ch.batched();
                if (b.hasQueued() && ch.fdState().writeLock.tryLock()) {
                    try {
                        if (ch.isOpen()) {
                            b.flushDirect();
                        }
                    } catch (java.io.IOException ignored) {
                        // kept by the channel: its next operation reports it
                    } finally {
                        ch.fdState().writeLock.unlock();
                    }
                }
            }
        }
    }
}
