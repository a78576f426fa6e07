package io.flexsc.nio.engine;

import io.flexsc.nio.ffi.SysNr;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * A child JVM for {@link StatsTest}: starts the shared engine ({@code -Dflexsc.engine}), makes one
 * call, and reports on standard output whether an MBean server existed then ({@code server-before=})
 * and whether the engine's MBean appeared in the platform server within the wait given as the only
 * argument, in ms, after this child created that server ({@code mbean-after=}, with the time taken).
 */
public final class JmxModeChild {
    private JmxModeChild() {}

    public static void main(String[] args) throws Exception {
        long waitMillis = Long.parseLong(args[0]);
        SyscallEngine e = Engines.shared();
        e.syscall(SysNr.GETPID, 0, 0, 0);
        System.out.println("server-before=" + !MBeanServerFactory.findMBeanServer(null).isEmpty());
        long t0 = System.nanoTime();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = EngineStatsRegistry.objectName(e.name());
        long deadline = t0 + waitMillis * 1_000_000L;
        boolean found = server.isRegistered(name);
        while (!found && System.nanoTime() < deadline) {
            Thread.sleep(10);
            found = server.isRegistered(name);
        }
        System.out.println("mbean-after=" + found + " millis=" + (System.nanoTime() - t0) / 1_000_000L);
        if (found && ((Number) server.getAttribute(name, "Calls")).longValue() < 1) {
            System.exit(3); // the MBean is not this engine's counters
        }
    }
}
