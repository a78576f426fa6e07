package io.flexsc.nio.fs;

import io.flexsc.nio.engine.EngineUnavailableException;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;

/**
 * The file system's lazy hold on the process-wide engine.
 *
 * <p>The default provider is built very early in JVM start-up, so nothing here runs until the first
 * channel is opened. The first caller starts {@link Engines#shared()}. When the engine cannot serve a
 * call, {@link #get()} answers {@code null} and the provider hands out the built-in provider's
 * channel for that call, so the application runs exactly as it would without us:
 * <ul>
 *   <li>not now ({@link Engines.StartDeferred}): the call comes from inside the JDK's own
 *       initialisation, or from the engine's start-up on this thread; a later call starts it;</li>
 *   <li>never: no engine can start in this JVM; {@link Engines} has warned once.</li>
 * </ul>
 *
 * <p>Thread safety: safe for any number of threads.
 */
final class FsEngine {
    private FsEngine() {}

    private static volatile SyscallEngine engine;
    private static volatile boolean failed;

    /** The engine, started on first use; {@code null} when it cannot serve this call (built-in fallback). */
    static SyscallEngine get() {
        SyscallEngine e = engine;
        if (e != null) {
            return e;
        }
        if (failed || Engines.choosingOnThisThread()) {
            return null; // (the latter: start-up's own file reads, which use the built-in path)
        }
        try {
            e = Engines.shared();
        } catch (Engines.StartDeferred notNow) {
            return null;
        } catch (EngineUnavailableException never) {
            failed = true;
            return null;
        }
        engine = e;
        return e;
    }

    /** True once start-up has failed for good and the built-in channels are in use. */
    static boolean fellBack() {
        return failed;
    }

    private static volatile boolean internalFailureLogged;

    /**
     * Records an internal failure while building a channel (the caller then falls back to the
     * built-in channel); the first one is logged as a warning.
     */
    static void internalFailure(Throwable x) {
        if (!internalFailureLogged) {
            internalFailureLogged = true;
            try {
                System.getLogger("io.flexsc.nio.fs").log(System.Logger.Level.WARNING,
                        "flexsc-nio: internal failure opening a channel; using the built-in channel", x);
            } catch (RuntimeException | LinkageError ignore) {
                // nothing more to do
            }
        }
    }
}
