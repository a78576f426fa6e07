package io.flexsc.nio.engine.uring;

import io.flexsc.nio.engine.SyscallEngine;

/** Tests in other packages: what they observe of a {@code uring} engine (a selector's own ring). */
public final class UringAccess {
    private UringAccess() {}

    /** Whether {@code e} is a uring engine (a ring of its own), not a view of another engine. */
    public static boolean isUring(SyscallEngine e) {
        return e instanceof UringEngine;
    }

    /** Calls of {@code e} in the kernel (submitted, not yet reaped). */
    public static int inflight(SyscallEngine e) {
        return ((UringEngine) e).inflight();
    }
}
