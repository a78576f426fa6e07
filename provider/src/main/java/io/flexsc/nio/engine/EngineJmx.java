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

    static ObjectName objectName(String engine) {
        try {
            return new ObjectName("io.flexsc.nio:type=Engine,name=" + ObjectName.quote(engine));
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
            ObjectName name = objectName(stats.getEngine());
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(stats, name);
        } catch (Exception | LinkageError e) {
            System.getLogger("io.flexsc.nio.engine").log(System.Logger.Level.DEBUG, "JMX registration of flexsc stats failed", e);
        }
    }
}
