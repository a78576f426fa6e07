package io.flexsc.bench;

import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.engine.EngineUnavailableException;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The engine under test, one per trial, shared by all benchmark threads (as the process-wide
 * engine is shared by all channels).
 *
 * <p>The {@code engine} parameter is an {@link EngineSpec}. An engine that cannot start on this
 * machine fails the trial's setup with {@link EngineUnavailableException} and its probe's reason,
 * which JMH prints before going on with the next benchmark; {@code bench/run.sh} leaves such
 * engines out beforehand (see {@link EngineProbe}). At the end of a trial the engine's counters
 * (batches, average batch size) are printed, then the engine is closed.
 */
@State(Scope.Benchmark)
public class EngineState {
    @Param({"direct", "uring"})
    public String engine;

    SyscallEngine syscalls;

    @Setup(Level.Trial)
    public void start() {
        EngineSpec spec = EngineSpec.parse(engine);
        spec.applyProperties();
        EngineFactory factory = Engines.factory(spec.name());
        EngineFactory.Probe probe = factory.probe();
        if (!probe.available()) {
            throw new EngineUnavailableException("skipping engine '" + engine + "': " + probe.reason());
        }
        syscalls = factory.create();
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (syscalls != null) {
            System.out.println();
            System.out.println("[" + engine + "] " + syscalls.stats());
            syscalls.close();
            syscalls = null;
        }
    }
}
