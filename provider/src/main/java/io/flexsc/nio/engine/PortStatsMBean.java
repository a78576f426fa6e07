package io.flexsc.nio.engine;

/**
 * JMX view of a {@link CallPort}'s counters: {@code io.flexsc.nio:type=Port,name=<port>} (the
 * {@code uring} engine's is {@code uring-port}). The inherited attributes read: {@code Calls}, the
 * calls posted (readiness waits included); {@code Batches}, the kernel entries that submitted
 * them (a port thread that submits calls with its wait for completions counts each such entry
 * that submitted any); the histogram, the entries by the number of SQEs they submitted (cancels
 * and wake-ups included).
 */
public interface PortStatsMBean extends EngineStatsMBean {
    /** Completions of posted calls reaped from the completion queue (by the port thread or a poster). */
    long getCompletions();

    /** Times the port thread came back from its wait in the kernel for completions. */
    long getReaperWakeups();

    /** Readiness waits posted for virtual threads (among {@code Calls}). */
    long getPolls();

    /**
     * Times a poster woke the port thread from its wait in the kernel so that it submits the
     * poster's call (a port whose thread submits calls that wait; each costs the poster one entry).
     */
    long getPortWakes();

    /**
     * Sends run at once on the poster's thread instead of being posted (a lone send that did not
     * have to wait for room; not among {@code Calls}).
     */
    long getDirectSends();
}
