package io.flexsc.nio.engine;

/**
 * JMX view of a {@link CallPort}'s counters: {@code io.flexsc.nio:type=Port,name=<port>} (the
 * {@code uring} engine's is {@code uring-port}). The inherited attributes read: {@code Calls}, the
 * calls posted (readiness waits included); {@code Batches}, the kernel entries that submitted
 * them; the histogram, the entries by the number of entries they submitted (cancels included).
 */
public interface PortStatsMBean extends EngineStatsMBean {
    /** Completions of posted calls reaped from the completion queue (by the port thread or a poster). */
    long getCompletions();

    /** Times the port thread came back from its wait in the kernel for completions. */
    long getReaperWakeups();

    /** Readiness waits posted for virtual threads (among {@code Calls}). */
    long getPolls();
}
