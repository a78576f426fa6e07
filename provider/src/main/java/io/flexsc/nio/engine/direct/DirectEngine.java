package io.flexsc.nio.engine.direct;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.EngineStats;
import io.flexsc.nio.engine.EngineStatsRegistry;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.RawSyscall;
import io.flexsc.nio.ffi.SysNr;

/**
 * The baseline engine: every call runs on the calling thread as one {@code syscall(2)}. Always
 * available; an explicit batch is simply its calls one after another.
 */
public final class DirectEngine implements SyscallEngine {
    public static final String NAME = "direct";

    private final EngineStats stats = new EngineStats(NAME);
    private volatile boolean closed;

    public DirectEngine() {
        RawSyscall.load(); // load libc now, so a broken FFI fails here and not on the first call
        EngineStatsRegistry.publish(stats);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Runs a call on this thread, bypassing any engine; what other engines use for fallbacks. */
    public static long run(Call call) {
        return invoke(call.nr(), call.a0(), call.a1(), call.a2(), call.a3(), call.a4(), call.a5());
    }

    /** {@link #run(Call)} without a {@link Call}: system call {@code nr} on this thread, raw result. */
    public static long run(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        return invoke(nr, a0, a1, a2, a3, a4, a5);
    }

    /**
     * How many arguments each system call reads, for those where fewer than six are read; others
     * get all six. The seven-parameter binding of {@code syscall(2)} allocates an invocation
     * buffer per call, unlike the four- and five-parameter ones, so the short forms are used where they pass
     * every argument the kernel reads (an extra argument is harmless; a missing one is not).
     */
    private static final byte[] ARITY = arities();

    private static byte[] arities() {
        byte[] a = new byte[SysNr.MAX + 1];
        java.util.Arrays.fill(a, (byte) 6);
        int[][] known = {
            {SysNr.READ, 3}, {SysNr.WRITE, 3}, {SysNr.CLOSE, 1}, {SysNr.FSTAT, 2}, {SysNr.LSEEK, 3},
            {SysNr.PREAD64, 4}, {SysNr.PWRITE64, 4}, {SysNr.READV, 3}, {SysNr.WRITEV, 3}, {SysNr.GETPID, 0},
            {SysNr.FCNTL, 3}, {SysNr.FSYNC, 1}, {SysNr.FDATASYNC, 1}, {SysNr.FTRUNCATE, 2},
            {SysNr.OPENAT, 4}, {SysNr.UNLINKAT, 3}, {SysNr.SENDFILE, 4}, {SysNr.FALLOCATE, 4},
            {SysNr.SOCKET, 3}, {SysNr.CONNECT, 3}, {SysNr.ACCEPT, 3}, {SysNr.ACCEPT4, 4},
            {SysNr.SENDMSG, 3}, {SysNr.RECVMSG, 3}, {SysNr.SHUTDOWN, 2}, {SysNr.BIND, 3},
            {SysNr.LISTEN, 2}, {SysNr.GETSOCKNAME, 3}, {SysNr.GETPEERNAME, 3}, {SysNr.SOCKETPAIR, 4},
            {SysNr.EPOLL_CREATE1, 1}, {SysNr.EPOLL_WAIT, 4}, {SysNr.EPOLL_CTL, 4}, {SysNr.EVENTFD2, 2},
            {SysNr.DUP, 1}, {SysNr.DUP3, 3}, {SysNr.PIPE2, 2},
        };
        for (int[] k : known) {
            a[k[0]] = (byte) k[1];
        }
        return a;
    }

    private static long invoke(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        int arity = nr >= 0 && nr < ARITY.length ? ARITY[nr] : 6;
        if (arity <= 3) {
            return RawSyscall.invoke3(nr, a0, a1, a2);
        }
        if (arity == 4) {
            return RawSyscall.invoke4(nr, a0, a1, a2, a3);
        }
        if (a0 == (int) a0 && a3 == (int) a3) {
            // Without an address the kernel reads neither address argument: the C library's
            // four-parameter recv/send make the same system call. With one, its six-parameter
            // recvfrom/sendto do, without the seven-parameter syscall's invocation buffer.
            if (nr == SysNr.RECVFROM) {
                return a4 == 0 ? RawSyscall.recv((int) a0, a1, a2, (int) a3)
                        : RawSyscall.recvfrom((int) a0, a1, a2, (int) a3, a4, a5);
            }
            if (nr == SysNr.SENDTO) {
                return a4 == 0 ? RawSyscall.send((int) a0, a1, a2, (int) a3)
                        : RawSyscall.sendto((int) a0, a1, a2, (int) a3, a4, a5);
            }
        }
        return RawSyscall.invoke(nr, a0, a1, a2, a3, a4, a5);
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
        Call.markSubmitted(calls, from, to);
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
    public long syscall(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        if (closed) {
            throw new EngineClosedException(NAME);
        }
        stats.calls(1);
        stats.batch(1);
        return invoke(nr, a0, a1, a2, a3, a4, a5);
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
