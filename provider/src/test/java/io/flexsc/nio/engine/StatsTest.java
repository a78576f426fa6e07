package io.flexsc.nio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.SysNr;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Counters move with calls, the JMX MBean shows them, and -Dflexsc.stats=true prints them at exit. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@ExtendWith(SeedReporter.class)
class StatsTest {
    @TempDir
    Path dir;

    @AllEngines
    void countersMoveAsCallsAreMade(EngineUnderTest eut) {
        try (SyscallEngine e = eut.start(); Mem m = new Mem()) {
            EngineStats s = e.stats();
            s.reset();
            assertEquals(0, s.getCalls());
            assertEquals(0, s.getBatches());
            assertEquals("(none)", s.getBatchSizeHistogram());
            for (int i = 0; i < 100; i++) {
                e.execute(Call.of(SysNr.GETPID));
            }
            for (int i = 0; i < 50; i++) {
                e.syscall(SysNr.GETPID, 0, 0, 0);
            }
            assertEquals(150, s.getCalls(), "each execute and syscall counts once: " + s);
            Call[] batch = new Call[20];
            long buf = m.alloc(64);
            for (int i = 0; i < batch.length; i++) {
                batch[i] = Call.of(SysNr.PREAD64, -1, buf, 64, 0);
            }
            e.executeBatch(batch, 0, batch.length);
            assertEquals(170, s.getCalls(), "each call of a batch counts once: " + s);
            long batches = s.getBatches();
            long inBuckets = 0;
            for (int b = 0; b < EngineStats.BUCKETS; b++) {
                inBuckets += s.batchesInBucket(b);
            }
            assertEquals(batches, inBuckets, "the histogram counts every batch");
            assertEquals(170.0, s.getAverageBatchSize() * batches, 1e-6, "every call is in exactly one batch: " + s);
            assertFalse(s.getBatchSizeHistogram().equals("(none)"));
            switch (eut.engine()) {
                case DirectEngine.NAME -> {
                    // every call alone on the caller's thread
                    assertEquals(170, batches, s::toString);
                    assertEquals(0, s.getDirectCalls(), s::toString);
                    assertEquals(0, s.getFallbacks(), s::toString);
                }
                case "uring" -> {
                    // getpid has no io_uring opcode: each runs on the caller's thread as a fallback
                    // (adaptive or not); the 20 reads of the batch go into the kernel in one entry
                    assertEquals(150, s.getFallbacks(), s::toString);
                    assertEquals(0, s.getDirectCalls(), "an explicit batch never takes the adaptive path: " + s);
                    assertEquals(151, batches, s::toString);
                }
                default -> assertTrue(batches >= 2 && batches < 170, "a batch of 20 took more than one kernel entry: " + s);
            }
            assertTrue(s.toString().contains("flexsc " + eut.engine() + " engine: calls=170"), s.toString());
            s.reset();
            assertEquals(0, s.getCalls());
        }
    }

    @AllEngines
    void theMBeanIsRegisteredWithReadableAttributes(EngineUnderTest eut) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try (SyscallEngine e = eut.start()) {
            ObjectName name = EngineStatsRegistry.objectName(eut.engine());
            assertEquals("io.flexsc.nio", name.getDomain());
            assertEquals("Engine", name.getKeyProperty("type"));
            assertEquals(eut.engine(), ObjectName.unquote(name.getKeyProperty("name")));
            Set<ObjectName> found = server.queryNames(new ObjectName("io.flexsc.nio:type=Engine,*"), null);
            assertTrue(found.contains(name), "registered: " + found);
            e.stats().reset();
            for (int i = 0; i < 7; i++) {
                e.syscall(SysNr.GETPID, 0, 0, 0);
            }
            for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                assertTrue(a.isReadable(), a.getName());
                server.getAttribute(name, a.getName()); // every attribute can be read
            }
            assertEquals(eut.engine(), server.getAttribute(name, "Engine"));
            assertEquals(7L, server.getAttribute(name, "Calls"), "the MBean is this engine's counters");
            EngineStats st = e.stats();
            assertEquals(st.getBatches(), server.getAttribute(name, "Batches"));
            assertEquals(st.getAverageBatchSize(), server.getAttribute(name, "AverageBatchSize"));
            assertEquals(st.getBatchSizeHistogram(), server.getAttribute(name, "BatchSizeHistogram"));
            assertEquals(st.getDirectCalls(), server.getAttribute(name, "DirectCalls"));
            assertEquals(st.getFallbacks(), server.getAttribute(name, "Fallbacks"));
            server.invoke(name, "reset", null, null);
            assertEquals(0L, server.getAttribute(name, "Calls"));
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> with(List<String> options, String more) {
        List<String> out = new ArrayList<>(options);
        out.add(more);
        return out;
    }

    private record Outcome(int exit, String out, String err) {}

    /** A started child JVM running {@link StatsExitChild}, its output going to files. */
    private final class Child {
        final List<String> cmd = new ArrayList<>();
        final File out = dir.resolve("out-" + System.nanoTime()).toFile();
        final File err = dir.resolve("err-" + System.nanoTime()).toFile();
        final Process process;

        Child(List<String> props, int calls) throws Exception {
            this(props, StatsExitChild.class, Integer.toString(calls));
        }

        Child(List<String> props, Class<?> main, String arg) throws Exception {
            cmd.add(javaBinary());
            cmd.add("-XX:TieredStopAtLevel=1");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.addAll(props);
            cmd.add(main.getName());
            cmd.add(arg);
            process = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
        }

        Outcome await() throws Exception {
            long bound = 60L * Integer.getInteger("flexsc.test.timeoutScale", 1); // stretched under TCG
            if (!process.waitFor(bound, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child JVM did not exit within " + bound + " s: " + cmd);
            }
            return new Outcome(process.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
        }
    }

    @AllEngines
    void statsTruePrintsTheSummaryAtExit(EngineUnderTest eut) throws Exception {
        // Both children at once: JVM start-up dominates, and the machine has two cores.
        List<String> stats = new ArrayList<>(eut.jvmOptions());
        stats.add("-Dflexsc.stats=true");
        Child withStats = new Child(stats, 42);
        Child without = new Child(eut.jvmOptions(), 42);
        Outcome on = withStats.await();
        Outcome off = without.await();
        assertEquals(0, on.exit(), "child failed: " + on);
        assertTrue(on.out().contains("child used " + eut.engine()), on.out());
        assertTrue(on.err().contains("flexsc " + eut.engine() + " engine: calls=42 "), "the exit summary on stderr:\n" + on.err());
        assertEquals(0, off.exit(), "child failed: " + off);
        assertFalse(off.err().contains("engine: calls="), "no summary without -Dflexsc.stats=true:\n" + off.err());
    }

    /**
     * By default (lazy) an engine creates no MBean server, and its MBean appears once something else
     * creates the platform server; eager creates it at once; off never registers.
     */
    @AllEngines
    void jmxModesDecideWhenTheMBeanIsRegistered(EngineUnderTest eut) throws Exception {
        List<String> engine = eut.jvmOptions();
        long wait = 10_000L * Integer.getInteger("flexsc.test.timeoutScale", 1);
        long offWait = 4 * EngineStatsRegistry.POLL_MILLIS;
        Child lazy = new Child(engine, JmxModeChild.class, Long.toString(wait));
        Child eager = new Child(with(engine, "-Dflexsc.jmx=eager"), JmxModeChild.class, "0");
        Outcome l = lazy.await();
        Outcome e = eager.await();
        Outcome o = new Child(with(engine, "-Dflexsc.jmx=off"), JmxModeChild.class, Long.toString(offWait)).await();
        assertEquals(0, l.exit(), "lazy child failed: " + l);
        assertTrue(l.out().contains("server-before=false"), "lazy: the engine created an MBean server:\n" + l.out());
        assertTrue(l.out().contains("mbean-after=true"), "lazy: the MBean never appeared:\n" + l.out());
        assertEquals(0, e.exit(), "eager child failed: " + e);
        assertTrue(e.out().contains("server-before=true"), "eager: no MBean server:\n" + e.out());
        assertTrue(e.out().contains("mbean-after=true millis="), "eager: not registered at once:\n" + e.out());
        assertEquals(0, o.exit(), "off child failed: " + o);
        assertTrue(o.out().contains("server-before=false") && o.out().contains("mbean-after=false"),
                "off: registered anyway:\n" + o.out());
    }
}
