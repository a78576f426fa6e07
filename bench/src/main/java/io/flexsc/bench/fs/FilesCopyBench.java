package io.flexsc.bench.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Issue 4: {@code Files.copy(source, target)} of a 256 MiB file (in the page cache) to a file that
 * does not exist yet, through the JDK's provider or ours on an engine ({@code impl}, see
 * {@link FsImpl}). Each operation is one whole copy (JMH single-shot mode, milliseconds per copy);
 * the target is deleted before every copy, outside the measured time, and its size checked after.
 *
 * <p>Meant for one thread ({@code -t 1}): more threads would copy onto the same target.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class FilesCopyBench {
    @Param({"jdk", "direct", "uring"})
    public String impl;

    /** The source's size in bytes (256 MiB). */
    @Param({"268435456"})
    public long bytes;

    private FsImpl parsed;
    private Path source;
    private Path target;

    @Setup(Level.Trial)
    public void createSource() throws IOException {
        parsed = FsImpl.parse(impl);
        source = BenchFile.create("flexsc-copy-src-", bytes);
        target = source.resolveSibling(source.getFileName() + ".copy");
    }

    @Setup(Level.Invocation)
    public void removeTarget() throws IOException {
        Files.deleteIfExists(target);
    }

    @TearDown(Level.Invocation)
    public void checkTarget() throws IOException {
        long n = Files.size(target);
        if (n != bytes) {
            throw new IllegalStateException("Files.copy wrote " + n + " of " + bytes + " bytes");
        }
    }

    @TearDown(Level.Trial)
    public void deleteFiles() throws IOException {
        Files.deleteIfExists(target);
        Files.deleteIfExists(source);
    }

    @Benchmark
    public Path copy() throws IOException {
        parsed.copy(source, target);
        return target;
    }
}
