package io.flexsc.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the benchmarks write to, shared by all threads of a trial.
 *
 * <ul>
 *   <li>{@code devnull}: sequential {@code write(2)} of 64 bytes to {@code /dev/null};</li>
 *   <li>{@code file}: {@code pwrite(2)} of 64 bytes at {@link Offsets random-ish aligned offsets}
 *       in a 1 MiB temporary file, created (filled, so no write extends it) for the trial in
 *       {@code -Dflexsc.bench.dir} (default {@code java.io.tmpdir}) and deleted afterwards.</li>
 * </ul>
 *
 * <p>Written once in the trial's setup, read-only while threads run.
 */
@State(Scope.Benchmark)
public class TargetFile {
    /** The size of every write. */
    static final int WRITE_SIZE = Offsets.ALIGN;

    @Param({"devnull", "file"})
    public String target;

    private Path path;
    private boolean temporary;

    @Setup(Level.Trial)
    public void create() throws IOException {
        switch (target) {
            case "devnull":
                path = Paths.get("/dev/null");
                temporary = false;
                break;
            case "file":
                Path dir = Paths.get(System.getProperty("flexsc.bench.dir", System.getProperty("java.io.tmpdir")));
                path = Files.createTempFile(dir, "flexsc-bench-", ".dat");
                temporary = true;
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                    for (long pos = 0; pos < Offsets.FILE_SIZE; pos += chunk.capacity()) {
                        chunk.clear();
                        while (chunk.hasRemaining()) {
                            ch.write(chunk, pos + chunk.position());
                        }
                    }
                }
                break;
            default:
                throw new IllegalArgumentException("unknown target '" + target + "'; expected devnull or file");
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        if (temporary) {
            Files.deleteIfExists(path);
        }
    }

    /** The path to write to. */
    Path path() {
        return path;
    }

    /** True for {@code file}: writes are positional ({@code pwrite}), at {@link Offsets}. */
    boolean positional() {
        return temporary;
    }
}
