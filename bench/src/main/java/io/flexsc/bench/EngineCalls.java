package io.flexsc.bench;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.RawSyscall;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One benchmark thread's calls: its own descriptor on the {@link TargetFile}, a 64-byte native
 * buffer and {@link #MAX_BATCH} reusable {@link Call}s.
 *
 * <p>{@link #prepare(int)} sets the first {@code n} calls to a 64-byte {@code write} (or a
 * {@code pwrite} at the next {@link Offsets offset}); {@link #check(int)} insists that each wrote
 * all 64 bytes, so a failing call can never pass for a fast one. Explicit batches of more than one
 * call go through the thread's own {@link SyscallEngine#openSibling() sibling} of the engine (on
 * uring a ring of its own, as a batching selector has; the engine itself did this until issue 21),
 * so that they never wait for another thread's turn. Not thread-safe: one per thread.
 */
@State(Scope.Thread)
public class EngineCalls {
    /** The largest batch the benchmarks submit. */
    static final int MAX_BATCH = 64;

    private final Call[] calls = new Call[MAX_BATCH];
    private final Offsets offsets = new Offsets();
    private ByteBuffer buffer; // the calls point into it: held for the trial
    private long address;
    private int fd = -1;
    private boolean positional;
    /** This thread's sibling of {@link #siblingOf}, for its batches; null until the first batch. */
    private SyscallEngine sibling;
    private SyscallEngine siblingOf;

    @Setup(Level.Trial)
    public void open(TargetFile target) throws IOException {
        buffer = ByteBuffer.allocateDirect(TargetFile.WRITE_SIZE);
        for (int i = 0; i < TargetFile.WRITE_SIZE; i++) {
            buffer.put(i, (byte) ('a' + i % 26));
        }
        address = NativeMemory.address(buffer);
        fd = NativeFile.openWriteOnly(target.path());
        positional = target.positional();
        for (int i = 0; i < MAX_BATCH; i++) {
            calls[i] = new Call();
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (sibling != null) {
            sibling.close();
            sibling = null;
            siblingOf = null;
        }
        int f = fd;
        fd = -1;
        NativeFile.close(f);
    }

    /** The calls; the first {@code n} are the ones {@link #prepare(int)} set. */
    Call[] calls() {
        return calls;
    }

    /** Sets the first {@code n} calls to this thread's next {@code n} writes; returns the first. */
    Call prepare(int n) {
        for (int i = 0; i < n; i++) {
            if (positional) {
                calls[i].set(SysNr.PWRITE64, fd, address, TargetFile.WRITE_SIZE, offsets.next(), 0, 0);
            } else {
                calls[i].set(SysNr.WRITE, fd, address, TargetFile.WRITE_SIZE, 0, 0, 0);
            }
        }
        return calls[0];
    }

    /**
     * Checks that the first {@code n} calls each wrote 64 bytes.
     *
     * @return the sum of their results
     * @throws IllegalStateException naming the call, if one did not
     */
    long check(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += expectWritten(calls[i].result(), calls[i]);
        }
        return sum;
    }

    /** Checks one raw result of a 64-byte write. */
    static long expectWritten(long raw, Call call) {
        if (raw != TargetFile.WRITE_SIZE) {
            throw new IllegalStateException(call + ": expected " + TargetFile.WRITE_SIZE + " bytes written, got "
                    + (Errno.isError(raw) ? "errno " + Errno.of(raw) : raw + " bytes"));
        }
        return raw;
    }

    /** Runs {@code n} writes as one explicit batch and checks them. */
    long batch(SyscallEngine engine, int n) {
        if (n > 1 && siblingOf != engine) {
            if (sibling != null) {
                sibling.close();
            }
            sibling = engine.openSibling();
            siblingOf = engine;
        }
        prepare(n);
        (n > 1 ? sibling : engine).executeBatch(calls, 0, n);
        return check(n);
    }

    /**
     * Runs one write straight through {@link RawSyscall}, bypassing any engine and {@link Call}:
     * the cost floor of the FFI path every engine's direct calls take.
     */
    long raw() {
        long r = positional
                ? RawSyscall.invoke4(SysNr.PWRITE64, fd, address, TargetFile.WRITE_SIZE, offsets.next())
                : RawSyscall.invoke3(SysNr.WRITE, fd, address, TargetFile.WRITE_SIZE);
        if (r != TargetFile.WRITE_SIZE) {
            throw new IllegalStateException((positional ? "pwrite64" : "write") + "(" + fd + "): expected "
                    + TargetFile.WRITE_SIZE + " bytes written, got " + (Errno.isError(r) ? "errno " + Errno.of(r) : r + " bytes"));
        }
        return r;
    }

    /** Runs one write with {@link SyscallEngine#execute} and checks it. */
    long single(SyscallEngine engine) {
        Call c = prepare(1);
        return expectWritten(engine.execute(c), c);
    }
}
