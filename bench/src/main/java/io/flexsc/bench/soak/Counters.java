package io.flexsc.bench.soak;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/** What a soak run counts, shared by its threads. */
final class Counters {
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesVerified = new LongAdder();
    final LongAdder corruptBytes = new LongAdder();
    final LongAdder lostBytes = new LongAdder();
    final LongAdder opened = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder halfClosed = new LongAdder();
    final LongAdder resets = new LongAdder();
    final LongAdder slowSpells = new LongAdder();
    final LongAdder serverAccepted = new LongAdder();
    final LongAdder serverClosed = new LongAdder();
    final LongAdder serverErrors = new LongAdder();
    final LongAdder childKills = new LongAdder();
    final LongAdder gcs = new LongAdder();
    /** The first few failures, for the report. */
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    void fail(String what) {
        if (failures.size() < 20) {
            failures.add(what);
        }
    }

    /** Moves whenever anything happens: the watchdog's measure of progress. */
    long progress() {
        return bytesSent.sum() + bytesVerified.sum() + opened.sum() + completed.sum() + serverClosed.sum();
    }
}
