package io.flexsc.nio.engine.uring;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Rings of their own for the threads that submit explicit batches to one engine.
 *
 * <p>A batch is already a batch: it gains nothing from sharing a ring with other threads' batches,
 * and on a shared ring it can lose much. With more threads than cores a thread whose batch is done
 * in the kernel still waits for whichever thread holds the ring's submitter or completion role to
 * be scheduled again (measured: batches of 8 to {@code /dev/null} from 4 and 16 threads on 2 cores
 * cost 1.5-1.9x the JDK's calls per call on the shared ring). On a ring of its own a thread submits
 * and reaps its batch alone, as io_uring intends, and never waits for another thread.
 *
 * <p>At most {@code max} rings exist at once; threads beyond that (and every thread when a ring
 * cannot be set up) use the shared ring. A thread's ring is closed when the owning engine closes,
 * when the thread has terminated and another thread needs a ring, or when the terminated thread's
 * ring has become unreachable (a {@link Cleaner}), whichever comes first.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
final class ThreadRings {
    /** Maximum rings per engine, {@code flexsc.uring.threadRings}; 0 turns them off. */
    static final int DEFAULT_MAX = Integer.getInteger("flexsc.uring.threadRings",
            16 * Runtime.getRuntime().availableProcessors());

    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "flexsc-uring-ring-cleaner");
        t.setDaemon(true);
        return t;
    });

    /** What a thread's slot holds: its ring, or none (the cap was reached, or setup failed). */
    private static final class Slot {
        final UringEngine ring;

        Slot(UringEngine ring) {
            this.ring = ring;
        }
    }

    private static final Slot NONE = new Slot(null);

    private final int max;
    private final Supplier<UringEngine> opener;
    private final ThreadLocal<Slot> slots = new ThreadLocal<>();
    /** Open rings and their threads (weakly: a ring must not keep its thread's locals alive). */
    private final Map<UringEngine, WeakReference<Thread>> open = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param max most rings at once (0: none)
     * @param opener sets up one ring; returns null if it cannot
     */
    ThreadRings(int max, Supplier<UringEngine> opener) {
        this.max = max;
        this.opener = opener;
    }

    /** The calling thread's ring, set up on first use; null if it has none (use the shared ring). */
    UringEngine current() {
        Slot s = slots.get();
        if (s == null) {
            s = create();
            slots.set(s);
        }
        return s.ring;
    }

    private Slot create() {
        if (count.get() >= max) {
            releaseTerminated();
        }
        if (closed || count.incrementAndGet() > max) {
            count.decrementAndGet();
            return NONE;
        }
        UringEngine ring = opener.get();
        if (ring == null) {
            count.decrementAndGet();
            return NONE;
        }
        open.put(ring, new WeakReference<>(Thread.currentThread()));
        Slot s = new Slot(ring);
        // The action holds the ring, not the slot: it runs once the thread (and with it the slot)
        // is gone.
        CLEANER.register(s, () -> release(ring));
        if (closed) {
            release(ring); // raced with close(): close() may have missed it
            return NONE;
        }
        return s;
    }

    /** Closes the rings of threads that have terminated. */
    void releaseTerminated() {
        for (Map.Entry<UringEngine, WeakReference<Thread>> e : open.entrySet()) {
            Thread t = e.getValue().get();
            if (t == null || !t.isAlive()) {
                release(e.getKey());
            }
        }
    }

    private void release(UringEngine ring) {
        if (open.remove(ring) != null) {
            count.decrementAndGet();
            ring.close();
        }
    }

    /** Rings open now (tests, diagnostics). */
    int size() {
        return open.size();
    }

    /** Closes every ring; later {@link #current()} calls get none. */
    void close() {
        closed = true;
        for (UringEngine ring : open.keySet()) {
            release(ring);
        }
    }
}
