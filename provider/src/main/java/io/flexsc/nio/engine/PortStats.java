package io.flexsc.nio.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a {@link CallPort}: an engine's counters ({@link EngineStats}: the calls posted, the
 * kernel entries that submitted them and their sizes) plus the completions reaped, the port
 * thread's wake-ups and the readiness waits posted. Published as an engine's are, by
 * {@link EngineStatsRegistry} (JMX, and the {@code -Dflexsc.stats} exit summary).
 */
public final class PortStats extends EngineStats implements PortStatsMBean {
    private final LongAdder completions = new LongAdder();
    private final LongAdder wakeups = new LongAdder();
    private final LongAdder polls = new LongAdder();

    public PortStats(String port) {
        super(port);
    }

    /** Counts {@code n} completions of posted calls reaped. */
    public void completions(int n) {
        completions.add(n);
    }

    /** Counts one return of the port thread from its wait in the kernel. */
    public void wakeup() {
        wakeups.increment();
    }

    /** Counts one readiness wait posted (also counted as a call). */
    public void poll() {
        polls.increment();
    }

    @Override public long getCompletions() { return completions.sum(); }
    @Override public long getReaperWakeups() { return wakeups.sum(); }
    @Override public long getPolls() { return polls.sum(); }

    @Override
    public void reset() {
        super.reset();
        completions.reset();
        wakeups.reset();
        polls.reset();
    }

    /** A one-line summary for logs and the exit report. */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "flexsc %s: calls=%d polls=%d batches=%d avgBatch=%.2f completions=%d reaperWakeups=%d histogram={%s}",
                getEngine(), getCalls(), getPolls(), getBatches(), getAverageBatchSize(), getCompletions(), getReaperWakeups(),
                getBatchSizeHistogram());
    }
}
