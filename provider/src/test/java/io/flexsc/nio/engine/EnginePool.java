package io.flexsc.nio.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One started engine per engine name, shared by the tests of a class and closed after them.
 * Register with {@code @RegisterExtension static final EnginePool ENGINES = new EnginePool();}.
 * Closing is itself checked: it must finish within ten seconds.
 */
public final class EnginePool implements AfterAllCallback {
    private final Map<String, SyscallEngine> engines = new ConcurrentHashMap<>();

    /** The class's engine of that kind, started on first use. */
    public SyscallEngine get(EngineUnderTest e) {
        return engines.computeIfAbsent(e.name(), n -> e.start());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        AssertionError failed = null;
        for (SyscallEngine e : engines.values()) {
            Thread t = new Thread(e::close, "close-" + e.name());
            t.setDaemon(true);
            t.start();
            t.join(TimeUnit.SECONDS.toMillis(10));
            if (t.isAlive()) {
                AssertionError err = new AssertionError("closing the " + e.name() + " engine took more than 10 s");
                if (failed == null) {
                    failed = err;
                } else {
                    failed.addSuppressed(err);
                }
            }
        }
        engines.clear();
        if (failed != null) {
            throw failed;
        }
    }
}
