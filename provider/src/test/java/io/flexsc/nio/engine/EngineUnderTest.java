package io.flexsc.nio.engine;

/**
 * One engine the suite runs against: its factory, as {@link TestEngines} found it available. The
 * engine itself is started by an {@link EnginePool} (shared by a test class) or, for tests that
 * close it, by {@link #start()}.
 */
public record EngineUnderTest(String name, EngineFactory factory) {

    /** Starts a new engine owned by the caller. */
    public SyscallEngine start() {
        SyscallEngine e = factory.create();
        if (!name.equals(e.name())) {
            e.close();
            throw new AssertionError("factory '" + name + "' started an engine named '" + e.name() + "'");
        }
        return e;
    }

    /** True for the baseline engine, which runs every call alone on the caller's thread. */
    public boolean isDirect() {
        return DirectEngine.NAME.equals(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
