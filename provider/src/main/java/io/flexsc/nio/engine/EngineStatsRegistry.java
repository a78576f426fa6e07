package io.flexsc.nio.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * Publishes engine counters: a JMX MBean per engine ({@code io.flexsc.nio:type=Engine,name=...})
 * and, with {@code -Dflexsc.stats=true}, a summary on standard error at JVM exit.
 *
 * <p>The MBean goes into the platform MBean server, but this class does not create that server:
 * building it loads the JDK's management and JFR classes, about 10 MiB of memory that an
 * application without JMX would not otherwise pay. {@code -Dflexsc.jmx} chooses:
 * <ul>
 *   <li>{@code lazy} (the default): if an MBean server exists when the engine starts (a JMX agent, an
 *       application that uses JMX), the MBean is registered at once; else a daemon thread checks
 *       once per {@link #POLL_MILLIS} ms, without creating anything, and registers the MBeans as soon
 *       as the platform server has been created (a JMX console attaching, say), then ends;
 *   <li>{@code eager}: the platform server is created if needed and the MBean registered at once;
 *   <li>{@code off}: no MBean.
 * </ul>
 * JMX is optional: without the {@code java.management} module (a jlink'ed runtime, {@code
 * --limit-modules java.base}) there are simply no MBeans. Every use of {@code javax.management} is in
 * {@link EngineJmx}, which is loaded only when the module is present.
 *
 * <p>Thread-safe.
 */
public final class EngineStatsRegistry {
    private EngineStatsRegistry() {}

    /** Whether {@code java.management} is in this runtime. */
    static final boolean JMX = ModuleLayer.boot().findModule("java.management").isPresent();
    /** How often the lazy publisher looks for an MBean server. */
    static final long POLL_MILLIS = 500;

    private static final List<EngineStats> PRINT_AT_EXIT = new CopyOnWriteArrayList<>();
    private static volatile boolean hookInstalled;

    /** Published engines not yet registered (lazy mode, no MBean server yet). Guarded by the class. */
    private static final List<EngineStats> WAITING = new java.util.ArrayList<>();
    private static Thread publisher;

    /** The MBean name for an engine's stats (needs {@code java.management}). */
    public static ObjectName objectName(String engine) {
        return EngineJmx.objectName(engine, false);
    }

    /** The MBean name for a call port's stats ({@code type=Port}; needs {@code java.management}). */
    public static ObjectName portObjectName(String port) {
        return EngineJmx.objectName(port, true);
    }

    /** Registers the engine's MBean (replacing an older one of the same name) and the exit report. */
    public static void publish(EngineStats stats) {
        String mode = JMX ? System.getProperty("flexsc.jmx", "lazy").trim() : "off";
        if ("eager".equalsIgnoreCase(mode)) {
            register(stats);
        } else if (!"off".equalsIgnoreCase(mode)) {
            publishLazily(stats);
        }
        if (Boolean.getBoolean("flexsc.stats")) {
            PRINT_AT_EXIT.add(stats);
            installHook();
        }
    }

    /** Whether some MBean server exists; creates none. */
    private static boolean serverExists() {
        return EngineJmx.serverExists();
    }

    private static synchronized void publishLazily(EngineStats stats) {
        if (serverExists()) {
            // an older engine of the same name still waiting is superseded: drop it
            WAITING.removeIf(w -> w.getEngine().equals(stats.getEngine()));
            register(stats);
            return;
        }
        WAITING.add(stats);
        if (publisher == null) {
            Thread t = new Thread(EngineStatsRegistry::awaitServer, "flexsc-jmx-publisher");
            t.setDaemon(true);
            publisher = t;
            t.start();
        }
    }

    /** The lazy publisher: waits for an MBean server, registers what is waiting, ends. */
    private static void awaitServer() {
        try {
            while (!serverExists()) {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            synchronized (EngineStatsRegistry.class) {
                publisher = null; // the next publish starts another
            }
            return;
        }
        synchronized (EngineStatsRegistry.class) {
            for (EngineStats s : WAITING) {
                register(s);
            }
            WAITING.clear();
            publisher = null; // from now on a server exists: publish registers at once
        }
    }

    private static void register(EngineStats stats) {
        EngineJmx.register(stats);
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
