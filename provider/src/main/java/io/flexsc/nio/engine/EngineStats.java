package io.flexsc.nio.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one engine: calls, batches, a batch-size histogram, adaptive direct calls and
 * fallbacks. Cheap to update from many threads (LongAdders); exposed over JMX by
 * {@link EngineStatsRegistry} and printed at exit with {@code -Dflexsc.stats=true}. A
 * {@link CallPort}'s counters ({@link PortStats}) are these and a few of its own.
 */
public class EngineStats implements EngineStatsMBean {
    /** Bucket {@code i} counts batches of size in {@code (2^(i-1), 2^i]}; bucket 0 is size 1. */
    static final int BUCKETS = 12; // 1, 2, 3-4, ..., 1025+

    private final String engine;
    private final LongAdder calls = new LongAdder();
    /** Batches of other sizes than one, and their calls; batches of one are {@code histogram[0]}. */
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedCalls = new LongAdder();
    private final LongAdder directCalls = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder writeThroughs = new LongAdder();
    private final LongAdder queuedWrites = new LongAdder();
    private final LongAdder[] histogram = new LongAdder[BUCKETS];

    public EngineStats(String engine) {
        this.engine = engine;
        for (int i = 0; i < BUCKETS; i++) {
            histogram[i] = new LongAdder();
        }
    }

    /** Counts {@code n} submitted calls. */
    public void calls(int n) {
        calls.add(n);
    }

    /**
     * Counts one batch of {@code size} calls handed to the kernel. A batch of one, by far the most
     * common (every direct call), costs one counter update: the totals are derived from its bucket.
     */
    public void batch(int size) {
        if (size == 1) {
            histogram[0].increment();
            return;
        }
        batches.increment();
        batchedCalls.add(size);
        if (size > 1) {
            histogram[bucket(size)].increment();
        }
    }

    /** Counts a call run on the caller's thread by the engine's choice: also a batch of one. */
    public void directCall() {
        directCalls.increment();
        batch(1);
    }

    /** Counts a call the engine could not carry and ran directly: also a batch of one. */
    public void fallback() {
        fallbacks.increment();
        batch(1);
    }

    /**
     * Counts one write a channel layer sent on its caller's thread from the caller's buffer, past
     * this engine (the net layer's write-through, {@code -Dflexsc.net.writeRule=through}): not a
     * call of this engine, so in no other counter.
     */
    public void writeThrough() {
        writeThroughs.increment();
    }

    /** Counts one write a channel layer copied into a queue, to go to this engine in a later batch. */
    public void queuedWrite() {
        queuedWrites.increment();
    }

    static int bucket(int size) {
        if (size <= 1) {
            return 0;
        }
        int b = 32 - Integer.numberOfLeadingZeros(size - 1); // ceil(log2(size))
        return Math.min(b, BUCKETS - 1);
    }

    static String bucketLabel(int b) {
        if (b == 0) {
            return "1";
        }
        if (b == BUCKETS - 1) {
            return ((1 << (b - 1)) + 1) + "+";
        }
        int lo = (1 << (b - 1)) + 1;
        int hi = 1 << b;
        return lo == hi ? Integer.toString(hi) : lo + "-" + hi;
    }

    /** Batches whose size fell in bucket {@code b}. */
    public long batchesInBucket(int b) {
        return histogram[b].sum();
    }

    /** Batches of more than one call. */
    public long multiCallBatches() {
        return batches.sum();
    }

    @Override public String getEngine() { return engine; }
    @Override public long getCalls() { return calls.sum(); }
    @Override public long getBatches() { return batches.sum() + histogram[0].sum(); }
    @Override public long getDirectCalls() { return directCalls.sum(); }
    @Override public long getFallbacks() { return fallbacks.sum(); }
    @Override public long getWriteThroughs() { return writeThroughs.sum(); }
    @Override public long getQueuedWrites() { return queuedWrites.sum(); }

    @Override
    public double getAverageBatchSize() {
        long singles = histogram[0].sum();
        long b = batches.sum() + singles;
        return b == 0 ? 0.0 : (double) (batchedCalls.sum() + singles) / b;
    }

    @Override
    public String getBatchSizeHistogram() {
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < BUCKETS; b++) {
            long n = histogram[b].sum();
            if (n != 0) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(bucketLabel(b)).append(": ").append(n);
            }
        }
        return sb.length() == 0 ? "(none)" : sb.toString();
    }

    @Override
    public void reset() {
        calls.reset();
        batches.reset();
        batchedCalls.reset();
        directCalls.reset();
        fallbacks.reset();
        writeThroughs.reset();
        queuedWrites.reset();
        for (LongAdder h : histogram) {
            h.reset();
        }
    }

    /** A one-line summary for logs and the exit report. */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "flexsc %s engine: calls=%d batches=%d avgBatch=%.2f direct=%d fallbacks=%d histogram={%s}"
                        + " writeThroughs=%d queuedWrites=%d",
                engine, getCalls(), getBatches(), getAverageBatchSize(), getDirectCalls(), getFallbacks(),
                getBatchSizeHistogram(), getWriteThroughs(), getQueuedWrites());
    }
}
