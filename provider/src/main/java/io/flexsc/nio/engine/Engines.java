package io.flexsc.nio.engine;

import io.flexsc.nio.engine.kmod.KmodEngineFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
    private static final System.Logger LOG = System.getLogger("io.flexsc.nio.engine");

    /** An engine and why it was chosen. */
    public record Selection(SyscallEngine engine, String reason) {}

    /** Every engine's factory, in {@code auto}'s order of preference. */
    public static List<EngineFactory> factories() {
        return List.of(new KmodEngineFactory(), uringFactory(), new DirectEngineFactory());
    }

    private static EngineFactory uringFactory() {
        return new io.flexsc.nio.engine.uring.UringEngineFactory();
    }

    /** The factory of the named engine. */
    public static EngineFactory factory(String name) {
        for (EngineFactory f : factories()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown flexsc engine '" + name + "'; expected one of auto, kmod, uring, direct");
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

    private static final class Shared {
        static final Selection SELECTION = init();

        private static Selection init() {
            initializer = Thread.currentThread();
            Selection s;
            try {
                s = select(requested());
            } finally {
                initializer = null;
            }
            LOG.log(System.Logger.Level.INFO, "flexsc-nio: using the {0} engine ({1})", s.engine().name(), s.reason());
            return s;
        }
    }

    /**
     * The process-wide engine, started on first use from {@code -Dflexsc.engine} and logged once.
     * It lives as long as the JVM; its worker threads are daemons.
     */
    public static SyscallEngine shared() {
        return Shared.SELECTION.engine();
    }

    /**
     * Whether the calling thread is choosing the process-wide engine right now: then
     * {@link #shared()} cannot answer on this thread (start-up reads files, and with the file-system
     * provider installed those reads come back here); callers use the built-in path meanwhile.
     */
    public static boolean choosingOnThisThread() {
        return initializer == Thread.currentThread();
    }

    /** Why the process-wide engine was chosen. */
    public static String sharedReason() {
        return Shared.SELECTION.reason();
    }
}
