package io.flexsc.nio.engine;

import io.flexsc.nio.ffi.RawSyscall;

/**
 * The baseline engine: every call runs on the calling thread as one {@code syscall(2)}. Always
 * available; an explicit batch is simply its calls one after another.
 */
public final class DirectEngine implements SyscallEngine {
    public static final String NAME = "direct";

    private final EngineStats stats = new EngineStats(NAME);
    private volatile boolean closed;

    public DirectEngine() {
        RawSyscall.lib(); // load libc now, so a broken FFI fails here and not on the first call
        EngineStatsRegistry.publish(stats);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Runs a call on this thread, bypassing any engine; what other engines use for fallbacks. */
    public static long run(Call call) {
        return RawSyscall.invoke(call.nr(), call.a0(), call.a1(), call.a2(), call.a3(), call.a4(), call.a5());
    }

    @Override
    public long execute(Call call) {
        if (closed) {
            throw new EngineClosedException(NAME);
        }
        call.markSubmitted();
        stats.calls(1);
        stats.batch(1);
        long r = run(call);
        call.complete(r);
        return r;
    }

    @Override
    public void executeBatch(Call[] calls, int from, int to) {
        java.util.Objects.checkFromToIndex(from, to, calls.length);
        if (closed) {
            throw new EngineClosedException(NAME);
        }
        for (int i = from; i < to; i++) {
            calls[i].markSubmitted();
        }
        stats.calls(to - from);
        for (int i = from; i < to; i++) {
            stats.batch(1);
            calls[i].complete(run(calls[i]));
        }
    }

    @Override
    public long syscall(int nr, long a0, long a1, long a2) {
        if (closed) {
            throw new EngineClosedException(NAME);
        }
        stats.calls(1);
        stats.batch(1);
        return RawSyscall.invoke3(nr, a0, a1, a2);
    }

    @Override
    public EngineStats stats() {
        return stats;
    }

    @Override
    public void close() {
        closed = true;
    }
}
