package io.flexsc.nio.engine;

/**
 * Knows whether an engine can run on this machine and how to start it. One per engine, registered
 * as a {@link java.util.ServiceLoader} service ({@code META-INF/services/io.flexsc.nio.engine.EngineFactory},
 * from {@code provider/src/main/resources}), so that this package names no implementation;
 * {@link Engines} finds them and orders them by {@link #preference()}.
 */
public interface EngineFactory {

    /** The engine's name as {@code -Dflexsc.engine} spells it. */
    String name();

    /** Place in {@code auto}'s order, lowest first: kmod 0, uring 1, direct 2. */
    int preference();

    /**
     * Checks, without side effects that outlive the call, whether the engine can start here.
     * Never throws: problems are reported in the probe's reason.
     */
    Probe probe();

    /**
     * Starts the engine.
     *
     * @throws EngineUnavailableException naming what is missing, if it cannot start
     */
    SyscallEngine create();

    /** The outcome of a probe: available or not, why, and details for the diagnostic report. */
    record Probe(boolean available, String reason, java.util.Map<String, String> details) {
        public static Probe yes(String reason, java.util.Map<String, String> details) {
            return new Probe(true, reason, details);
        }

        public static Probe no(String reason, java.util.Map<String, String> details) {
            return new Probe(false, reason, details);
        }
    }
}
