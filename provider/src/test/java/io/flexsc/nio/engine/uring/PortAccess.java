package io.flexsc.nio.engine.uring;

import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;
import org.junit.jupiter.api.Assumptions;

/** Tests in other packages: the {@code uring} engine's {@link CallPort} internals they observe or hold. */
public final class PortAccess {
    private PortAccess() {}

    /**
     * The process engine's port, when it is the uring engine's; otherwise the calling test is
     * aborted (reported as such, with the engine's name), as on the {@code direct} pass.
     */
    public static CallPort sharedUringPort() {
        SyscallEngine engine = Engines.shared();
        CallPort port = engine.callPort();
        Assumptions.assumeTrue(port != null && isUringPort(port),
                "the port is the uring engine's; the process engine here is " + engine.name());
        return port;
    }

    /** Whether {@code p} is the uring engine's port. */
    public static boolean isUringPort(CallPort p) {
        return p instanceof UringPort;
    }

    /**
     * While {@code hold}, completions stay in the port's CQ: posters stay parked on calls the kernel
     * has done, and what they do meanwhile (cancel, wait) can be observed.
     */
    public static void holdCompletions(CallPort p, boolean hold) {
        ((UringPort) p).holdCompletions(hold);
    }

    /** Calls in the kernel (posted and not yet reaped). */
    public static int inflight(CallPort p) {
        return ((UringPort) p).inflight();
    }

    /** Completions in the CQ, not yet reaped. */
    public static int ready(CallPort p) {
        return ((UringPort) p).ready();
    }
}
