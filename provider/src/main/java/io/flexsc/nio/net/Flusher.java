package io.flexsc.nio.net;

import java.nio.channels.SelectionKey;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The safety net of select-time batching: if a selector's thread queued writes and then does not
 * select again within {@code -Dflexsc.net.flushDelayMicros} (default 1000 µs) — an event loop that
 * blocks in a handler, say — this daemon thread sends those queues itself, so queued bytes are
 * never held back indefinitely.
 *
 * <p>It runs only while some selector has queued bytes, and checks once per period; while every
 * watched selector keeps selecting, the period doubles up to 8 times the configured one (fewer
 * wake-ups of its own for a busy event loop), and it drops back as soon as one stalls. It never
 * touches the selector's own state: it walks the selector's (concurrent) key set and flushes, under
 * each channel's write lock ({@code tryLock}), what is still queued. Thread-safe.
 */
final class Flusher {
    private Flusher() {}

    static final long PERIOD_NANOS = TimeUnit.MICROSECONDS.toNanos(
            Math.max(50, Long.getLong("flexsc.net.flushDelayMicros", 1000)));

    /** Watched selectors and the select count seen at the previous check. */
    private static final Map<FlexSelector, Long> WATCHED = new ConcurrentHashMap<>();
    private static volatile Thread thread;
    private static volatile boolean idle;
    /** The current check period: PERIOD_NANOS, doubled while all watched selectors progress. */
    private static long period = PERIOD_NANOS;

    /** A selector has queued bytes: watch it until they are gone. Cheap when already watched. */
    static void watch(FlexSelector s) {
        if (WATCHED.putIfAbsent(s, -1L) == null) {
            Thread t = thread;
            if (t == null) {
                start();
            } else if (idle) {
                LockSupport.unpark(t);
            }
        }
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
            for (Iterator<Map.Entry<FlexSelector, Long>> it = WATCHED.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<FlexSelector, Long> e = it.next();
                FlexSelector s = e.getKey();
                if (!s.isOpen() || !s.hasQueuedWrites()) {
                    it.remove();
                    continue;
                }
                long count = s.selectCount();
                if (e.getValue() == count && !s.isSelecting()) {
                    rescue(s); // no select for a whole period: send the queues now
                    stalled = true;
                }
                e.setValue(count);
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
