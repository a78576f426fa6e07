package io.flexsc.nio.engine;

/** JMX view of an engine's counters: {@code io.flexsc.nio:type=Engine,name=<engine>}. */
public interface EngineStatsMBean {
    String getEngine();

    /** Calls submitted (each call of an explicit batch counts once). */
    long getCalls();

    /**
     * Kernel entries that carried calls: one io_uring_enter that submitted, one group of entries
     * published to the module, one call run directly (adaptive or fallback). Calls divided by
     * batches is the number of calls per kernel entry.
     */
    long getBatches();

    /** Calls that formed a batch of their own and ran on the caller's thread by choice (adaptive). */
    long getDirectCalls();

    /** Calls the engine could not carry and ran directly instead (e.g. an opcode the kernel lacks). */
    long getFallbacks();

    /**
     * Socket writes a batching selector's channel sent at once, on the writer's thread, from the
     * writer's buffer ({@code -Dflexsc.net.writeRule=through}); not calls of this engine.
     */
    long getWriteThroughs();

    /** Socket writes a batching selector's channel copied into its queue, sent later in the selector's batch. */
    long getQueuedWrites();

    /** Calls in batches divided by batches. */
    double getAverageBatchSize();

    /** Batch-size histogram: bucket labels (1, 2, 3-4, 5-8, ...) to counts, as text. */
    String getBatchSizeHistogram();

    /** Clears every counter. */
    void reset();
}
