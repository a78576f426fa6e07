package io.flexsc.bench.fs;

import io.flexsc.nio.engine.Engines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issue 4: reads and writes of 64 B, 4 KiB and 64 KiB through a {@code FileChannel}, sequential
 * ({@code read(buf)}/{@code write(buf)}) and positional ({@code read(buf, pos)}/{@code write(buf,
 * pos)}), the JDK's channel against ours on each engine ({@code impl}, see {@link FsImpl}).
 *
 * <p>Throughput, operations per millisecond summed over the benchmark's threads (JMH's {@code -t}).
 * All threads share one channel on one 8 MiB file ({@link SharedChannel}), each with its own direct
 * buffer; the file is in the page cache, so what is measured is the cost of getting each transfer
 * to and from the kernel. Every result is checked.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FileChannelBench {
    /** The benchmarks' file size: 8 MiB, 128 slots of 64 KiB, 131072 of 64 B. */
    public static final long FILE_SIZE = 8L << 20;

    /** The channel under test, one per trial, shared by its threads. */
    @State(Scope.Benchmark)
    public static class Target {
        @Param({"jdk", "direct", "uring"})
        public String impl;

        @Param({"64", "4096", "65536"})
        public int size;

        SharedChannel channel;
        private FsImpl parsed;

        @Setup(Level.Trial)
        public void open() throws IOException {
            parsed = FsImpl.parse(impl);
            channel = SharedChannel.open(parsed, FILE_SIZE, size);
            if (!parsed.isJdk()) {
                Engines.shared().stats().reset();
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (channel != null) {
                if (!parsed.isJdk()) {
                    // batches and their sizes: how the engine carried the calls
                    System.out.println();
                    System.out.println("[" + impl + "] " + Engines.shared().stats());
                }
                channel.close();
                channel = null;
            }
        }
    }

    /** One thread's buffer and offsets. Not thread-safe. */
    @State(Scope.Thread)
    public static class PerThread {
        ByteBuffer buffer;
        AlignedOffsets offsets;

        @Setup(Level.Trial)
        public void create(Target target) {
            buffer = target.channel.newBuffer();
            offsets = target.channel.newOffsets();
        }
    }

    @Benchmark
    public int readSeq(Target t, PerThread p) throws IOException {
        return t.channel.read(p.buffer);
    }

    @Benchmark
    public int readPos(Target t, PerThread p) throws IOException {
        return t.channel.readAt(p.buffer, p.offsets.next());
    }

    @Benchmark
    public int writeSeq(Target t, PerThread p) throws IOException {
        return t.channel.write(p.buffer);
    }

    @Benchmark
    public int writePos(Target t, PerThread p) throws IOException {
        return t.channel.writeAt(p.buffer, p.offsets.next());
    }
}
