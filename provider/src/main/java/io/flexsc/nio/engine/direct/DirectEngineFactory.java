package io.flexsc.nio.engine.direct;

import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.engine.EngineUnavailableException;
import io.flexsc.nio.engine.SyscallEngine;
import java.util.Map;

/** The {@code direct} engine: available wherever the C library can be bound. */
public final class DirectEngineFactory implements EngineFactory {
    @Override
    public String name() {
        return DirectEngine.NAME;
    }

    /** Last in {@code auto}'s order: the baseline, where nothing else starts. */
    @Override
    public int preference() {
        return 2;
    }

    @Override
    public Probe probe() {
        if (!io.flexsc.nio.ffi.SysNr.SUPPORTED_ARCH) {
            return Probe.no("system call numbers are for x86_64; os.arch is " + System.getProperty("os.arch"), Map.of());
        }
        try {
            io.flexsc.nio.ffi.RawSyscall.load();
            return Probe.yes("syscall(2) bound through jffi", Map.of());
        } catch (RuntimeException | LinkageError e) {
            return Probe.no("cannot bind libc through jffi: " + e, Map.of());
        }
    }

    @Override
    public SyscallEngine create() {
        Probe p = probe();
        if (!p.available()) {
            throw new EngineUnavailableException("flexsc direct engine unavailable: " + p.reason());
        }
        return new DirectEngine();
    }
}
