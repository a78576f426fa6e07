package io.flexsc.nio.net.batch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of native buffers held against a limit: a selector's budget for the read-ahead buffers, or
 * for the write queues, of its batched channels (see {@link Batched}). A channel asks
 * {@link #fits} before it takes a buffer, {@link #charge}s what it took and {@link #credit}s it when
 * it gives the buffer back, whichever thread that is. The check and the charge are separate steps,
 * so two threads may together overshoot the limit by a buffer each; only the selector's own thread
 * takes buffers, so in practice it does not. Thread-safe.
 */
public final class ByteBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    ByteBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative budget: " + limit);
        }
        this.limit = limit;
    }

    /** Whether {@code more} bytes may be taken now. */
    boolean fits(long more) {
        return used.get() + more <= limit;
    }

    void charge(long n) {
        used.addAndGet(n);
    }

    void credit(long n) {
        used.addAndGet(-n);
    }

    /** Bytes charged and not yet credited. */
    long used() {
        return used.get();
    }

    long limit() {
        return limit;
    }
}
