package io.flexsc.nio.engine.kmod;

import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.engine.EngineUnavailableException;
import io.flexsc.nio.engine.SyscallEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code kmod} engine's seam: the FlexSC kernel module behind {@code /dev/flexsc}. The Java side
 * of that engine is not part of this build yet; until it is, this factory reports the device's state
 * and never offers the engine, so {@code auto} passes it over with the reason logged.
 */
public final class KmodEngineFactory implements EngineFactory {
    public static final String NAME = "kmod";
    public static final Path DEVICE = Path.of("/dev/flexsc");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Probe probe() {
        if (!Files.exists(DEVICE)) {
            return Probe.no(DEVICE + " is absent (the flexsc kernel module is not loaded)", Map.of("device", "absent"));
        }
        return Probe.no(DEVICE + " is present, but this build has no kmod engine yet", Map.of("device", "present"));
    }

    @Override
    public SyscallEngine create() {
        throw new EngineUnavailableException("flexsc kmod engine cannot start: " + probe().reason());
    }
}
