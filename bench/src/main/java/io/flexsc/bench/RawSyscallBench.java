package io.flexsc.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * For reference: the same 64-byte write or pwrite as {@link EngineBench}, straight through
 * {@code RawSyscall} (the C library's {@code syscall(2)} through jffi) with no engine and no {@code Call}.
 * The gap between this and the JDK is the FFI's own cost; the gap between this and the
 * {@code direct} engine is the engine's bookkeeping. Nanoseconds per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RawSyscallBench {

    @Benchmark
    public long write(EngineCalls calls) {
        return calls.raw();
    }
}
