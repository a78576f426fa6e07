package io.flexsc.nio.engine;

import io.flexsc.nio.ffi.SysNr;

/**
 * A child JVM for {@link StatsTest}: makes a known number of calls through the shared engine
 * ({@code -Dflexsc.engine}) and exits, so that {@code -Dflexsc.stats=true} prints its summary.
 * Arguments: the number of getpid calls.
 */
public final class StatsExitChild {
    private StatsExitChild() {}

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        SyscallEngine e = Engines.shared();
        long pid = ProcessHandle.current().pid();
        for (int i = 0; i < n; i++) {
            if (e.syscall(SysNr.GETPID, 0, 0, 0) != pid) {
                System.exit(3);
            }
        }
        System.out.println("child used " + e.name());
    }
}
