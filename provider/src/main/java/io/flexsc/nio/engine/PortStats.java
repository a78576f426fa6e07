package io.flexsc.nio.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a {@link CallPort}: an engine's counters ({@link EngineStats}: the calls posted, the
 * kernel entries that submitted them and their sizes) plus the completions reaped, the port
 * thread's wake-ups, the readiness waits posted, the posters' wake-ups of the port thread and the sends run at once. Published as an engine's are, by
 * {@link EngineStatsRegistry} (JMX, and the {@code -Dflexsc.stats} exit summary).
 */
public final class PortStats extends EngineStats implements PortStatsMBean {
    private final LongAdder completions = new LongAdder();
    private final LongAdder wakeups = new LongAdder();
    private final LongAdder polls = new LongAdder();
    private final LongAdder portWakes = new LongAdder();
    private final LongAdder directSends = new LongAdder();

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

    /** Counts one wake-up of the port thread by a poster. */
    public void portWake() {
        portWakes.increment();
    }

    /** Counts one send run at once instead of posted. */
    public void direct() {
        directSends.increment();
    }

    @Override public long getCompletions() { return completions.sum(); }
    @Override public long getReaperWakeups() { return wakeups.sum(); }
    @Override public long getPolls() { return polls.sum(); }
    @Override public long getPortWakes() { return portWakes.sum(); }
    @Override public long getDirectSends() { return directSends.sum(); }

    @Override
    public void reset() {
        super.reset();
        completions.reset();
        wakeups.reset();
        polls.reset();
        portWakes.reset();
        directSends.reset();
    }

    /** A one-line summary for logs and the exit report. */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "flexsc %s: calls=%d polls=%d batches=%d avgBatch=%.2f completions=%d reaperWakeups=%d portWakes=%d directSends=%d histogram={%s}",
                getEngine(), getCalls(), getPolls(), getBatches(), getAverageBatchSize(), getCompletions(), getReaperWakeups(),
                getPortWakes(), getDirectSends(), getBatchSizeHistogram());
    }
}
