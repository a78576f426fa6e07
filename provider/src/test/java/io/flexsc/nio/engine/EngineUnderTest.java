package io.flexsc.nio.engine;

import io.flexsc.nio.engine.direct.DirectEngine;
import java.util.List;

/**
 * One engine the suite runs against: its factory, as {@link TestEngines} found it available. The
 * engine itself is started by an {@link EnginePool} (shared by a test class) or, for tests that
 * close it, by {@link #start()}.
 *
 * <p>An engine may be tested in several variants (the {@code uring} engine also as
 * {@code uring-ring}, with the adaptive direct path off so that every call it carries travels
 * through the ring): {@link #name()} is the variant's name, {@link #engine()} the engine's own
 * name ({@link SyscallEngine#name()}), and {@link #jvmOptions()} the options that select the same
 * variant in a child JVM.
 *
 * @param name the variant's name, as parameterised tests show it
 * @param factory starts the variant's engines
 * @param jvmOptions system-property options ({@code -Dk=v}) selecting this variant in a child JVM
 */
public record EngineUnderTest(String name, EngineFactory factory, List<String> jvmOptions) {

    public EngineUnderTest {
        jvmOptions = List.copyOf(jvmOptions);
    }

    /** The plain variant of an engine: its own name, selected with {@code -Dflexsc.engine} alone. */
    public EngineUnderTest(String name, EngineFactory factory) {
        this(name, factory, List.of("-D" + Engines.PROPERTY + "=" + factory.name()));
    }

    /** The engine's own name ({@code kmod}, {@code uring}, {@code direct}). */
    public String engine() {
        return factory.name();
    }

    /** Starts a new engine owned by the caller. */
    public SyscallEngine start() {
        SyscallEngine e = factory.create();
        if (!engine().equals(e.name())) {
            e.close();
            throw new AssertionError("factory '" + name + "' started an engine named '" + e.name() + "'");
        }
        return e;
    }

    /** True for the baseline engine, which runs every call alone on the caller's thread. */
    public boolean isDirect() {
        return DirectEngine.NAME.equals(engine());
    }

    @Override
    public String toString() {
        return name;
    }
}
