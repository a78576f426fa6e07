package io.flexsc.nio.fs;

import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;

/**
 * The file system's lazy hold on the process-wide engine.
 *
 * <p>The default provider is built very early in JVM start-up, so nothing here runs until the first
 * channel is opened. The first caller starts {@link Engines#shared()}; if that fails for any reason
 * (no engine can start, the FFI cannot load, a forced engine is unavailable), one warning is logged
 * and {@link #get()} answers {@code null} from then on: the provider then hands out the built-in
 * provider's channels, so the application runs exactly as it would without us.
 *
 * <p>The engine starts with the starting thread's interrupt status set aside (and restored after),
 * so that an interrupted thread opening the first file does not cost the process its engine.
 *
 * <p>A thread that opens a file while it is itself starting the engine (the FFI may touch files as
 * it loads) also gets {@code null} for that call, so start-up never recurses into itself.
 *
 * <p>Thread safety: safe for any number of threads; start-up happens once.
 */
final class FsEngine {
    private FsEngine() {}

    private static final int NOT_STARTED = 0;
    private static final int READY = 1;
    private static final int FAILED = 2;

    private static final Object LOCK = new Object();
    private static volatile int state = NOT_STARTED;
    private static volatile SyscallEngine engine;
    private static Thread starter;

    /** The engine, started on first use; {@code null} when it cannot start (built-in fallback). */
    static SyscallEngine get() {
        int s = state;
        if (s == READY) {
            return engine;
        }
        if (s == FAILED) {
            return null;
        }
        return start();
    }

    private static SyscallEngine start() {
        synchronized (LOCK) {
            if (state == READY) {
                return engine;
            }
            if (state == FAILED || starter == Thread.currentThread() || Engines.choosingOnThisThread()) {
                return null; // (the last two: start-up's own file reads, which use the built-in path)
            }
            starter = Thread.currentThread();
            // Start-up loads native code through file channels of its own; an interrupt pending on
            // this thread would close them and lose the engine for good, so set it aside meanwhile.
            boolean interrupted = Thread.interrupted();
            try {
                SyscallEngine e = Engines.shared();
                engine = e;
                state = READY;
                return e;
            } catch (RuntimeException | LinkageError x) {
                state = FAILED;
                warn(x);
                return null;
            } finally {
                starter = null;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void warn(Throwable x) {
        try {
            System.getLogger("io.flexsc.nio.fs").log(System.Logger.Level.WARNING,
                    "flexsc-nio: no syscall engine could start; file channels fall back to the built-in provider", x);
        } catch (RuntimeException | LinkageError ignore) {
            // logging itself is unavailable this early; the fallback still holds
        }
    }

    /** True once start-up has failed and the built-in channels are in use. */
    static boolean fellBack() {
        return state == FAILED;
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
