package io.flexsc.nio.engine;

/**
 * A handle on an engine that others share, owned by whoever opened it: it runs calls on that
 * engine, and its {@link #close()} ends the handle only (later calls through it fail with
 * {@link EngineClosedException}; calls already accepted finish on the engine), never the engine.
 * What {@link SyscallEngine#openSibling()} returns where there is nothing per instance to multiply
 * (direct) or it is too expensive to (kmod), so that what {@code openSibling} returns is always
 * the caller's to close.
 *
 * <p>Thread-safe as its engine is.
 */
public final class SharedEngineView implements SyscallEngine {
    private final SyscallEngine engine;
    private volatile boolean closed;

    public SharedEngineView(SyscallEngine engine) {
        this.engine = engine;
    }

    private SyscallEngine open() {
        if (closed) {
            throw new EngineClosedException(engine.name());
        }
        return engine;
    }

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public long execute(Call call) {
        return open().execute(call);
    }

    @Override
    public void executeBatch(Call[] calls, int from, int to) {
        open().executeBatch(calls, from, to);
    }

    @Override
    public long syscall(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        return open().syscall(nr, a0, a1, a2, a3, a4, a5);
    }

    @Override
    public long syscall(int nr, long a0, long a1, long a2) {
        return open().syscall(nr, a0, a1, a2);
    }

    @Override
    public EngineStats stats() {
        return engine.stats();
    }

    @Override
    public CallPort callPort() {
        return engine.callPort();
    }

    /** Another handle on the same engine. */
    @Override
    public SyscallEngine openSibling() {
        return new SharedEngineView(open());
    }

    /** Ends this handle; the engine stays open. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }
}
