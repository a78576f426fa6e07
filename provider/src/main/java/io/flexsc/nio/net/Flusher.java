package io.flexsc.nio.net;

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
 * each channel's write lock ({@code tryLock}), what is still queued. Thread-safe.
 */
final class Flusher {
    private Flusher() {}

    static final long PERIOD_NANOS = TimeUnit.MICROSECONDS.toNanos(
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
    /** Times {@link #watch} started the flusher or woke it from idle (for tests). */
    private static final AtomicLong WAKEUPS = new AtomicLong();

    /** A selector has queued bytes: watch it. Cheap when already watched. */
    static void watch(FlexSelector s) {
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
                if (b.hasQueued() && ch.fds.writeLock.tryLock()) {
                    try {
                        if (ch.isOpen()) {
                            b.flushDirect();
                        }
                    } catch (java.io.IOException ignored) {
                        // kept by the channel: its next operation reports it
                    } finally {
                        ch.fds.writeLock.unlock();
                    }
                }
            }
        }
    }
}
