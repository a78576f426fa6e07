package io.flexsc.bench.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * Temporary files for the file-channel benchmarks, in {@code -Dflexsc.bench.dir} (default
 * {@code java.io.tmpdir}), filled with a known pattern through the JDK's own channel (so that
 * setting up never depends on the code under test). Stateless.
 */
public final class BenchFile {
    private BenchFile() {}

    /** The directory benchmark files go to. */
    public static Path dir() {
        return Paths.get(System.getProperty("flexsc.bench.dir", System.getProperty("java.io.tmpdir")));
    }

    /** The pattern byte at file offset {@code pos}: offsets 0..250 repeated (251 is prime). */
    public static byte patternAt(long pos) {
        return (byte) (pos % 251);
    }

    /**
     * Creates a temporary file of {@code size} bytes holding {@link #patternAt the pattern}.
     *
     * @param prefix the file name's prefix
     */
    public static Path create(String prefix, long size) throws IOException {
        Path path = Files.createTempFile(dir(), prefix, ".dat");
        // normally deleted by the benchmark's tear-down; this covers a fork that ends on a failure
        path.toFile().deleteOnExit();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            long pos = 0;
            while (pos < size) {
                chunk.clear();
                int n = (int) Math.min(chunk.capacity(), size - pos);
                for (int i = 0; i < n; i++) {
                    chunk.put(i, patternAt(pos + i));
                }
                chunk.limit(n);
                while (chunk.hasRemaining()) {
                    ch.write(chunk, pos + chunk.position());
                }
                pos += n;
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
        return path;
    }
}
