package io.flexsc.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Per-call cost of a syscall engine for 64-byte writes ({@link TargetFile}): one call with
 * {@code execute}, and explicit batches of 1, 8, 32 and 64 with {@code executeBatch}.
 *
 * <p>Every score is nanoseconds per <em>call</em>: a batch method declares its batch size with
 * {@link OperationsPerInvocation}, so JMH divides the time of a batch by its calls. Thread counts
 * come from JMH's {@code -t} ({@code bench/run.sh} runs 1, 4 and 16). Compare with
 * {@link JdkFileChannelBench} measured in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBench {

    /** One call through {@code execute(Call)}: the path a channel's single read or write takes. */
    @Benchmark
    public long single(EngineState engine, EngineCalls calls) {
        return calls.single(engine.syscalls);
    }

    @Benchmark
    public long batch01(EngineState engine, EngineCalls calls) {
        return calls.batch(engine.syscalls, 1);
    }

    @Benchmark
    @OperationsPerInvocation(8)
    public long batch08(EngineState engine, EngineCalls calls) {
        return calls.batch(engine.syscalls, 8);
    }

    @Benchmark
    @OperationsPerInvocation(32)
    public long batch32(EngineState engine, EngineCalls calls) {
        return calls.batch(engine.syscalls, 32);
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public long batch64(EngineState engine, EngineCalls calls) {
        return calls.batch(engine.syscalls, 64);
    }
}
