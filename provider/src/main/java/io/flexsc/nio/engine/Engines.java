package io.flexsc.nio.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses and holds the process-wide engine.
 *
 * <p>{@code -Dflexsc.engine=auto|kmod|uring|direct} (default {@code auto}). {@code auto} takes the
 * first engine, in the order kmod, uring, direct, that probes available and starts; a forced engine
 * that cannot start fails with {@link EngineUnavailableException} naming what is missing. The choice
 * and the reason are logged once, at INFO, through {@code System.Logger} "io.flexsc.nio.engine".
 */
public final class Engines {
    private Engines() {}

    public static final String PROPERTY = "flexsc.engine";

    /** An engine and why it was chosen. */
    public record Selection(SyscallEngine engine, String reason) {}

    /**
     * Every registered engine's factory ({@link EngineFactory}), in {@code auto}'s order of
     * preference, found with {@link ServiceLoader} in the class loader that loaded this class.
     *
     * @throws EngineUnavailableException if the registrations cannot be read or name no engine
     */
    public static List<EngineFactory> factories() {
        List<EngineFactory> found = new ArrayList<>();
        try {
            ServiceLoader.load(EngineFactory.class, EngineFactory.class.getClassLoader()).forEach(found::add);
        } catch (ServiceConfigurationError e) {
            throw new EngineUnavailableException("the flexsc engine registrations cannot be read: " + e, e);
        }
        if (found.isEmpty()) {
            throw new EngineUnavailableException("no flexsc engine is registered (META-INF/services/"
                    + EngineFactory.class.getName() + " is missing from the class path)");
        }
        found.sort(Comparator.comparingInt(EngineFactory::preference));
        return found;
    }

    /** The factory of the named engine. */
    public static EngineFactory factory(String name) {
        List<String> names = new ArrayList<>(List.of("auto"));
        for (EngineFactory f : factories()) {
            if (f.name().equals(name)) {
                return f;
            }
            names.add(f.name());
        }
        throw new IllegalArgumentException("unknown flexsc engine '" + name + "'; expected one of " + String.join(", ", names));
    }

    /** The requested engine name from {@code -Dflexsc.engine}, normalised; {@code auto} if unset. */
    public static String requested() {
        return System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Starts a new engine for the request ({@code auto} or an engine name). The caller owns it.
     *
     * @throws EngineUnavailableException a forced engine cannot start
     * @throws IllegalArgumentException the name is not an engine's
     */
    public static Selection select(String request) {
        if (!"auto".equals(request)) {
            EngineFactory f = factory(request);
            EngineFactory.Probe p = f.probe();
            if (!p.available()) {
                throw new EngineUnavailableException("flexsc engine '" + request + "' was requested (-D"
                        + PROPERTY + ") but cannot start: " + p.reason());
            }
            return new Selection(f.create(), "requested with -D" + PROPERTY + "=" + request + "; " + p.reason());
        }
        List<String> passedOver = new ArrayList<>();
        for (EngineFactory f : factories()) {
            EngineFactory.Probe p = f.probe();
            if (!p.available()) {
                passedOver.add(f.name() + ": " + p.reason());
                continue;
            }
            try {
                SyscallEngine e = f.create();
                String why = "auto: " + p.reason();
                if (!passedOver.isEmpty()) {
                    why += " (passed over " + String.join("; ", passedOver) + ")";
                }
                return new Selection(e, why);
            } catch (RuntimeException | LinkageError ex) {
                passedOver.add(f.name() + ": failed to start: " + ex);
            }
        }
        throw new EngineUnavailableException("no flexsc engine can start: " + String.join("; ", passedOver));
    }

    /** The thread choosing the process-wide engine, while it does. */
    private static volatile Thread initializer;

    /*
     * The process-wide engine. Deliberately not a class-initialiser holder: a start that fails in a
     * class initialiser is cached by the JVM for good (NoClassDefFoundError on every later use),
     * and a start may legitimately be refused now and succeed later (see startDeferred).
     */
    private static final Object LOCK = new Object();
    private static volatile Selection shared;
    private static volatile EngineUnavailableException sharedFailure;
    private static volatile String deferredBecause;

    /**
     * The process-wide engine, started on first use from {@code -Dflexsc.engine} and logged once.
     * It lives as long as the JVM; its worker threads are daemons.
     *
     * <p>Two kinds of failure, both {@link EngineUnavailableException}, never an {@link Error}:
     * <ul>
     *   <li>{@link StartDeferred}: not now. The call comes from inside a JDK class initialiser (the
     *       JDK's own start-up, for instance {@code Security.<clinit>} reading {@code java.security}),
     *       or from the engine's own start-up on this thread. Starting there could fail half-way or
     *       deadlock on that initialiser; the caller serves this one call on the JDK's own channel,
     *       and a later call starts the engine. Nothing is recorded.</li>
     *   <li>otherwise: no engine can start in this JVM (a forced engine is unavailable, the native
     *       library cannot load). That is recorded, warned about once, and answered at once from then
     *       on; the providers then use the JDK's own channels.</li>
     * </ul>
     */
    public static SyscallEngine shared() {
        Selection s = shared;
        return s != null ? s.engine() : start().engine();
    }

    /** Why the process-wide engine was chosen (starts it if needed). */
    public static String sharedReason() {
        Selection s = shared;
        return (s != null ? s : start()).reason();
    }

    /** The process-wide engine if it is running, else null; never starts it. */
    public static SyscallEngine sharedIfStarted() {
        Selection s = shared;
        return s != null ? s.engine() : null;
    }

    /** Thrown by {@link #shared()} when the engine cannot start now but may on a later call. */
    public static final class StartDeferred extends EngineUnavailableException {
        private static final long serialVersionUID = 1L;

        StartDeferred(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an expected, control-flow answer: no stack trace to build
        }
    }

    private static Selection start() {
        EngineUnavailableException failed = sharedFailure;
        if (failed != null) {
            throw failed;
        }
        if (initializer == Thread.currentThread()) {
            throw new StartDeferred("the engine is starting on this thread");
        }
        // Checked before taking the lock: a thread inside a JDK class initialiser must never wait
        // for a starter that may itself be waiting for that initialiser.
        String jdkInit = JdkInit.initializerOnStack();
        if (jdkInit != null) {
            if (deferredBecause == null) {
                deferredBecause = jdkInit;
            }
            throw new StartDeferred("called from " + jdkInit + " (the JDK is initialising)");
        }
        synchronized (LOCK) {
            Selection s = shared;
            if (s != null) {
                return s;
            }
            failed = sharedFailure;
            if (failed != null) {
                throw failed;
            }
            initializer = Thread.currentThread();
            // Start-up loads native code through file channels of its own; an interrupt pending on
            // this thread would close them and lose the engine, so it is set aside meanwhile.
            boolean interrupted = Thread.interrupted();
            try {
                io.flexsc.nio.ffi.JffiLibrary.prepare();
                s = select(requested());
            } catch (RuntimeException | LinkageError | InternalError e) {
                EngineUnavailableException x = e instanceof EngineUnavailableException ? (EngineUnavailableException) e
                        : new EngineUnavailableException("no flexsc engine can start: " + e, e);
                sharedFailure = x;
                log(System.Logger.Level.WARNING, "flexsc-nio: no syscall engine could start; files, sockets, pipes and"
                        + " selectors use the JDK''s own channels: {0}", x.getMessage());
                throw x;
            } finally {
                initializer = null;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            shared = s;
            String deferred = deferredBecause;
            log(System.Logger.Level.INFO, "flexsc-nio: using the {0} engine ({1})" + (deferred == null ? ""
                    : "; it started on first use after the JDK''s own initialisation: I/O from " + deferred
                    + " ran on the JDK''s own channels"), s.engine().name(), s.reason());
            return s;
        }
    }

    private static void log(System.Logger.Level level, String format, Object... args) {
        try {
            System.getLogger("io.flexsc.nio.engine").log(level, format, args);
        } catch (RuntimeException | LinkageError ignore) {
            // no logging this early; the outcome stands
        }
    }

    /**
     * Whether the calling thread is choosing the process-wide engine right now: then
     * {@link #shared()} cannot answer on this thread (start-up reads files, and with the file-system
     * provider installed those reads come back here); callers use the built-in path meanwhile.
     */
    public static boolean choosingOnThisThread() {
        return initializer == Thread.currentThread();
    }
}
