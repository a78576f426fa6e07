package io.flexsc.nio.engine.uring;

import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.engine.SyscallEngine;

/**
 * The {@code uring} engine with the adaptive direct path off ({@code flexsc.uring.adaptive=false}):
 * every call the ring carries goes through the ring, even a lone one on an idle engine. The other
 * settings come from the system properties as for {@link UringEngineFactory}. Tests only: it is the
 * {@code uring-ring} variant of {@link io.flexsc.nio.engine.TestEngines}.
 */
public final class ForcedRingFactory implements EngineFactory {
    private final UringEngineFactory uring = new UringEngineFactory();

    @Override
    public String name() {
        return UringEngine.NAME;
    }

    @Override
    public int preference() {
        return uring.preference();
    }

    @Override
    public Probe probe() {
        return uring.probe();
    }

    @Override
    public SyscallEngine create() {
        UringEngine e = UringEngineFactory.create(UringConfig.fromSystemProperties().withAdaptive(false));
        if (e.describe().contains("adaptive=true")) {
            e.close();
            throw new AssertionError("the forced-ring engine is adaptive: " + e.describe());
        }
        return e;
    }
}
