package io.flexsc.nio.engine;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * Every use of {@code javax.management} by the engines: loaded only when the {@code java.management}
 * module is present (see {@link EngineStatsRegistry#JMX}).
 */
final class EngineJmx {
    private EngineJmx() {}

    /**
     * {@code io.flexsc.nio:type=Engine,name="<engine>"}, or for a port's counters ({@link PortStats})
     * {@code type=Port}: a separate type, so that a query of the engines ({@code type=Engine,*})
     * finds the engines only.
     */
    static ObjectName objectName(String name, boolean port) {
        try {
            return new ObjectName("io.flexsc.nio:type=" + (port ? "Port" : "Engine") + ",name=" + ObjectName.quote(name));
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Whether some MBean server exists; creates none. */
    static boolean serverExists() {
        try {
            return !MBeanServerFactory.findMBeanServer(null).isEmpty();
        } catch (SecurityException e) {
            return false;
        }
    }

    /** Registers the stats in the platform MBean server (creating it), replacing an older one of the same name. */
    static void register(EngineStats stats) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = objectName(stats.getEngine(), stats instanceof PortStats);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(stats, name);
        } catch (Exception | LinkageError e) {
            System.getLogger("io.flexsc.nio.engine").log(System.Logger.Level.DEBUG, "JMX registration of flexsc stats failed", e);
        }
    }
}
