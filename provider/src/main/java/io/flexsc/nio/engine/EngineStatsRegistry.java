package io.flexsc.nio.engine;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Publishes engine counters: a JMX MBean per engine ({@code io.flexsc.nio:type=Engine,name=...})
 * and, with {@code -Dflexsc.stats=true}, a summary on standard error at JVM exit.
 */
public final class EngineStatsRegistry {
    private EngineStatsRegistry() {}

    private static final System.Logger LOG = System.getLogger("io.flexsc.nio.engine");
    private static final List<EngineStats> PRINT_AT_EXIT = new CopyOnWriteArrayList<>();
    private static volatile boolean hookInstalled;

    /** The MBean name for an engine's stats. */
    public static ObjectName objectName(String engine) {
        try {
            return new ObjectName("io.flexsc.nio:type=Engine,name=" + ObjectName.quote(engine));
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Registers the engine's MBean (replacing an older one of the same name) and the exit report. */
    public static void publish(EngineStats stats) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = objectName(stats.getEngine());
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(stats, name);
        } catch (Exception | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "JMX registration of flexsc stats failed", e);
        }
        if (Boolean.getBoolean("flexsc.stats")) {
            PRINT_AT_EXIT.add(stats);
            installHook();
        }
    }

    private static synchronized void installHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (EngineStats s : PRINT_AT_EXIT) {
                System.err.println(s);
            }
        }, "flexsc-stats-at-exit"));
    }
}
