package io.flexsc.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * The baseline: the JDK's {@code FileChannel} doing the same 64-byte writes as {@link EngineBench}
 * ({@code write(buf)} to {@code /dev/null}, {@code write(buf, position)} into the file), one call
 * per operation, nanoseconds per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JdkFileChannelBench {

    @Benchmark
    public int write(JdkChannel channel) throws IOException {
        return channel.write();
    }
}
