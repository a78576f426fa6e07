package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.ChildJvm;
import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.PortStats;
import io.flexsc.nio.engine.uring.PortAccess;
import io.flexsc.nio.fs.FlexFileSystemProvider;
import io.flexsc.nio.net.FlexSelectorProvider;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uring engine's port counts what it does (issue 19): calls posted, readiness waits among
 * them, the kernel entries that submitted them, the completions reaped and the port thread's
 * wake-ups; its MBean ({@code io.flexsc.nio:type=Port,name="uring-port"}) shows them and
 * {@code -Dflexsc.stats=true} prints them at exit.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UringPortStatsTest {
    private static final int READS = 20;

    @TempDir
    Path dir;

    private CallPort port;

    @BeforeEach
    void setUp() {
        port = PortAccess.sharedUringPort();
    }

    private static void join(Thread t, AtomicReference<Throwable> failure) throws Exception {
        t.join(30_000);
        assertFalse(t.isAlive(), "the virtual thread finished");
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    /** Each posted read counts once as a call and once as a completion; the entries that submitted them, between one and one each. */
    @Test
    void fileReadsOfAVirtualThreadRaiseTheCounters() throws Exception {
        Path f = dir.resolve("data.bin");
        Files.write(f, new byte[READS * 4096]);
        FileSystem fs = new FlexFileSystemProvider(FileSystems.getDefault().provider()).getFileSystem(URI.create("file:///"));
        PortStats s = port.stats();
        try (FileChannel ch = FileChannel.open(fs.getPath(f.toString()), StandardOpenOption.READ)) {
            long calls = s.getCalls();
            long polls = s.getPolls();
            long batches = s.getBatches();
            long completions = s.getCompletions();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = VThreads.start(() -> {
                try {
                    for (int i = 0; i < READS; i++) {
                        assertEquals(4096, ch.read(ByteBuffer.allocate(4096), i * 4096L));
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            join(t, failure);
            assertEquals(READS, s.getCalls() - calls, "every read posted once: " + s);
            assertEquals(0, s.getPolls() - polls, "no readiness wait for a file: " + s);
            assertEquals(READS, s.getCompletions() - completions, "every read's completion reaped once: " + s);
            long entries = s.getBatches() - batches;
            assertTrue(entries >= 1 && entries <= READS, "the reads reached the kernel in 1.." + READS + " entries: " + entries + ", " + s);
            long inBuckets = 0;
            for (int b = 0; b < 12; b++) {
                inBuckets += s.batchesInBucket(b);
            }
            assertEquals(s.getBatches(), inBuckets, "the histogram counts every entry: " + s);
        }
    }

    /** A virtual thread's wait for a pipe's data is one readiness wait posted, whose completion wakes the port thread. */
    @Test
    void aReadinessWaitIsAPollThatWakesThePortThread() throws Exception {
        Pipe pipe = new FlexSelectorProvider().openPipe();
        PortStats s = port.stats();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            long calls = s.getCalls();
            long polls = s.getPolls();
            long completions = s.getCompletions();
            long wakeups = s.getReaperWakeups();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = VThreads.start(() -> {
                try {
                    assertEquals(3, source.read(ByteBuffer.allocate(16)));
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            VThreads.awaitTrue(() -> t.getState() == Thread.State.WAITING && s.getPolls() > polls, 20_000,
                    "the reader parked on a posted readiness wait");
            sink.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            join(t, failure);
            assertEquals(1, s.getPolls() - polls, "one readiness wait: " + s);
            assertEquals(1, s.getCalls() - calls, "the wait is the only call posted (a pipe's read runs on its caller): " + s);
            assertEquals(1, s.getCompletions() - completions, "its completion reaped: " + s);
            assertTrue(s.getReaperWakeups() > wakeups,
                    "no one else reaps while the reader is parked: the completion woke the port thread: " + s);
        }
    }

    /** In a child JVM: the port's MBean shows its counters, and -Dflexsc.stats=true prints them at exit. */
    @Test
    void theMBeanAndTheExitSummaryShowThePortsCounters() throws Exception {
        List<String> opts = List.of("-Dflexsc.engine=uring", "-Dflexsc.jmx=eager", "-Dflexsc.stats=true", "-XX:TieredStopAtLevel=1");
        ChildJvm.Result r = ChildJvm.run("this", dir, opts, PortStatsChild.class.getName(), dir.toString(), Integer.toString(READS));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("true", r.get("registered"), "io.flexsc.nio:type=Port,name=\"uring-port\" registered: " + r);
        assertEquals("\"uring\"", r.get("engines"), "the engines' MBeans (type=Engine) hold the engine only: " + r);
        assertEquals(Integer.toString(READS), r.get("Calls"), r.toString());
        assertEquals("0", r.get("Polls"), r.toString());
        assertEquals(Integer.toString(READS), r.get("Completions"), r.toString());
        long entries = Long.parseLong(r.get("Batches"));
        assertTrue(entries >= 1 && entries <= READS, r.toString());
        assertTrue(r.err().contains("flexsc uring-port: calls=" + READS + " polls=0 batches=" + entries + " "),
                "the port's summary on stderr at exit:\n" + r);
        assertTrue(r.err().contains(" completions=" + READS + " reaperWakeups="), r.toString());
        assertTrue(r.err().contains("flexsc uring engine: calls="), "the engine's summary too:\n" + r);
    }
}
