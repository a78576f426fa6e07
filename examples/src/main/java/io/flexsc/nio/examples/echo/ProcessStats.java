package io.flexsc.nio.examples.echo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The server's {@code STATS} line: memory after a GC, resident set size, process CPU time, the
 * installed SelectorProvider and flexsc-nio's engine counters. The counters are read from the
 * engine's JMX MBean ({@code io.flexsc.nio:type=Engine,name=<engine>}), so this class needs no
 * flexsc-nio class: without the drop-in jar, or before an engine started, the engine is
 * {@code none} and the counters 0. (flexsc-nio registers its MBeans only once the platform MBean
 * server exists, so the first read waits for them; see {@code -Dflexsc.jmx} in the README.)
 *
 * <p>Format (one line, space-separated {@code key=value}): {@code STATS heapAfterGcBytes=<n>
 * rssPeakKiB=<n> rssKiB=<n> cpuNanos=<n> provider=<class> engine=<name|none> calls=<n> batches=<n>
 * avgBatch=<x.xx>}.
 */
public final class ProcessStats {
    private ProcessStats() {}

    /** The pattern of flexsc-nio's engine MBeans. */
    static final String ENGINE_MBEANS = "io.flexsc.nio:type=Engine,*";

    /** Counters of the flexsc engine this process uses; {@link #NONE} when there is none. */
    public record EngineCounters(String engine, long calls, long batches, double avgBatch) {
        public static final EngineCounters NONE = new EngineCounters("none", 0, 0, 0.0);
    }

    /**
     * The engine counters from JMX. When more than one engine MBean is registered (an engine
     * created by a probe, say), the one that carried the most calls is the process's engine.
     */
    public static EngineCounters engineCounters() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        EngineCounters best = EngineCounters.NONE;
        try {
            Set<ObjectName> names = engineMBeans(server);
            for (ObjectName n : names) {
                try {
                    String engine = String.valueOf(server.getAttribute(n, "Engine"));
                    long calls = ((Number) server.getAttribute(n, "Calls")).longValue();
                    long batches = ((Number) server.getAttribute(n, "Batches")).longValue();
                    double avg = ((Number) server.getAttribute(n, "AverageBatchSize")).doubleValue();
                    if (best == EngineCounters.NONE || calls > best.calls()) {
                        best = new EngineCounters(engine, calls, batches, avg);
                    }
                } catch (JMException e) {
                    // unregistered between the query and the read (an engine replaced): skip it
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot query the flexsc engine MBeans", e);
        }
        return best;
    }

    /**
     * The engine MBeans. flexsc-nio registers them once the platform MBean server exists, which
     * the call above may just have created: with the drop-in jar's provider installed, wait for
     * them up to {@link #MBEAN_WAIT_MILLIS}.
     */
    private static Set<ObjectName> engineMBeans(MBeanServer server) throws JMException {
        ObjectName pattern = new ObjectName(ENGINE_MBEANS);
        Set<ObjectName> names = server.queryNames(pattern, null);
        boolean flexsc = SelectorProvider.provider().getClass().getName().startsWith("io.flexsc.");
        long deadline = System.nanoTime() + MBEAN_WAIT_MILLIS * 1_000_000L;
        while (names.isEmpty() && flexsc && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            names = server.queryNames(pattern, null);
        }
        return names;
    }

    /** Longest wait for flexsc-nio's MBeans to appear (its lazy publisher looks twice a second). */
    static final long MBEAN_WAIT_MILLIS = 3000;

    /** The {@code STATS} line (after running the garbage collector twice). */
    public static String statsLine() {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, Long> status = procStatus("VmHWM", "VmRSS");
        EngineCounters e = engineCounters();
        return String.format(Locale.ROOT,
                "STATS heapAfterGcBytes=%d rssPeakKiB=%d rssKiB=%d cpuNanos=%d provider=%s engine=%s calls=%d batches=%d avgBatch=%.2f",
                heap, status.get("VmHWM"), status.get("VmRSS"), processCpuNanos(),
                SelectorProvider.provider().getClass().getName(), e.engine(), e.calls(), e.batches(), e.avgBatch());
    }

    /** User plus system CPU time of this process, in nanoseconds; -1 when the JVM cannot tell. */
    public static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return -1;
    }

    /** Values in kB of the named fields of {@code /proc/self/status}; -1 for one that is missing. */
    static Map<String, Long> procStatus(String... fields) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String f : fields) {
            out.put(f, -1L);
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                int colon = line.indexOf(':');
                if (colon > 0 && out.containsKey(line.substring(0, colon))) {
                    String v = line.substring(colon + 1).trim();
                    int sp = v.indexOf(' ');
                    out.put(line.substring(0, colon), Long.parseLong(sp < 0 ? v : v.substring(0, sp)));
                }
            }
        } catch (IOException | NumberFormatException e) {
            System.getLogger(ProcessStats.class.getName()).log(System.Logger.Level.DEBUG, "cannot read /proc/self/status", e);
        }
        return out;
    }

    /**
     * Parses a {@code STATS} line into its key/value pairs (in order).
     *
     * @throws IllegalArgumentException when the line is not a STATS line
     */
    public static Map<String, String> parse(String line) {
        String s = line.strip();
        if (!s.startsWith("STATS ")) {
            throw new IllegalArgumentException("not a STATS line: " + line);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : s.substring(6).trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed field '" + kv + "' in STATS line: " + line);
            }
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        for (String required : new String[] {"heapAfterGcBytes", "rssPeakKiB", "rssKiB", "cpuNanos", "provider",
                "engine", "calls", "batches", "avgBatch"}) {
            if (!out.containsKey(required)) {
                throw new IllegalArgumentException("STATS line lacks " + required + ": " + line);
            }
        }
        return out;
    }
}
