package io.flexsc.nio.engine.uring;

import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.engine.EngineUnavailableException;
import io.flexsc.nio.engine.SyscallEngine;
import java.util.Map;

/** Placeholder until the io_uring engine lands: never available. */
public final class UringEngineFactory implements EngineFactory {
    @Override
    public String name() {
        return "uring";
    }

    @Override
    public Probe probe() {
        return Probe.no("the io_uring engine is not in this build yet", Map.of());
    }

    @Override
    public SyscallEngine create() {
        throw new EngineUnavailableException("flexsc uring engine cannot start: " + probe().reason());
    }
}
