package io.flexsc.nio.vthread;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with {@link VtCalls.Mode#FILES}: virtual threads' readiness waits use the
 * poller's epoll (the path of the engines without a ring) whatever the process engine is.
 */
final class EpollModeExtension implements BeforeAllCallback, AfterAllCallback {
    private VtCalls.Mode before;

    @Override
    public void beforeAll(ExtensionContext context) {
        before = VtCalls.mode(VtCalls.Mode.FILES);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        VtCalls.mode(before);
    }
}
