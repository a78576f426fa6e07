package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.ChildJvm;
import io.flexsc.nio.engine.AllEngines;
import io.flexsc.nio.engine.EngineUnderTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-ahead rules ({@code -Dflexsc.net.readAheadRule=always|adaptive}) on every engine, with
 * batching forced, each engine in a child JVM of its own (the engine is the process's):
 * {@link ReadAheadRuleProbe} streams bytes through every state of the adaptive rule (read ahead,
 * a lone read-ahead taken back, speculative reads backing off, a reader that reads past the
 * read-ahead) and checks that every byte arrives in order, that ends of input and resets are
 * reported, and that no readable channel waits for a select that does not come (lost wake-up);
 * and, with request-response traffic where each message is read whole, that the adaptive rule
 * makes fewer speculative reads that find nothing.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ReadAheadRuleTest {
    @TempDir
    Path dir;

    @AllEngines
    void bytesInOrderEndsReportedAndFewerSpeculativeMisses(EngineUnderTest engine) throws Exception {
        List<String> jvm = new ArrayList<>(engine.jvmOptions());
        jvm.add("-ea");
        jvm.add("-Dflexsc.net.batch=true");
        ChildJvm.Result r = ChildJvm.run("this", dir, jvm, ReadAheadRuleProbe.class.getName());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(engine.engine(), r.get("engine"), r.toString());
        assertTrue(r.out().contains("\ndone\n"), r.toString());
        assertEquals("ok", r.get("streams.always"), r.toString());
        assertEquals("ok", r.get("streams.adaptive"), r.toString());
        long messages = 8 * 150;
        assertEquals(messages, Long.parseLong(r.get("pingpong.always.messages")), r.toString());
        assertEquals(messages, Long.parseLong(r.get("pingpong.adaptive.messages")), r.toString());
        long always = Long.parseLong(r.get("pingpong.always.speculativeMisses"));
        long adaptive = Long.parseLong(r.get("pingpong.adaptive.speculativeMisses"));
        // the workload does what it is for: reading each request ahead, "always" reads the
        // channel again at the next select, in the batch that sends the answer, and finds nothing
        assertTrue(always >= messages / 2, "speculative misses, always: " + always + "\n" + r);
        // backing off after misses: at most half as many (direct, whose batch runs call after call,
        // gives a client time to answer before the speculative read: more hits, fewer misses to save)
        System.out.println("ReadAheadRuleTest [" + engine + "]: speculative reads " + r.get("pingpong.always.speculativeReads") + " (always), " + r.get("pingpong.adaptive.speculativeReads") + " (adaptive); of them found nothing " + always + " (always), " + adaptive + " (adaptive)");
        assertTrue(adaptive * 2 <= always, "speculative misses, adaptive: " + adaptive + ", always: " + always + "\n" + r);
    }
}
