package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.uring.PortAccess;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with {@link VtCalls.Mode#ALL}: virtual threads' readiness waits go through the
 * uring engine's ring too. Skips the class (reported) if the process engine has no uring port, and
 * fails it if no wait went through the ring after all.
 */
final class RingModeExtension implements BeforeAllCallback, AfterAllCallback {
    private VtCalls.Mode before;
    private CallPort port;
    private long polls;

    @Override
    public void beforeAll(ExtensionContext context) {
        port = PortAccess.sharedUringPort();
        polls = port.stats().getCalls();
        before = VtCalls.mode(VtCalls.Mode.ALL);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (before == null) {
            return;
        }
        VtCalls.mode(before);
        long posted = port.stats().getCalls() - polls;
        assertTrue(posted > 0, "waits went through the ring (" + posted + " posted)");
    }
}
