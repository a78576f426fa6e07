package io.flexsc.bench.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file and one read-write {@link FileChannel} on it, shared by every thread of a trial (as a
 * server shares one channel per file), with the four operations the benchmarks time. Every result
 * is checked: a transfer that moves fewer bytes than asked fails with {@link IllegalStateException},
 * so an error can never pass for speed.
 *
 * <ul>
 *   <li>Positional: {@code read(buf, pos)} / {@code write(buf, pos)} at {@link AlignedOffsets
 *       random-ish offsets} that are multiples of the transfer size, inside the file; threads do not
 *       wait for each other.</li>
 *   <li>Sequential: {@code read(buf)} / {@code write(buf)} at the channel's position, which
 *       {@link FileChannel} serialises, so concurrent threads take turns in both implementations.
 *       When the bytes moved since the last rewind reach the file's size the thread that crosses the
 *       boundary rewinds with {@code position(0)} (one call per file's worth, less than 1% of the
 *       operations at 64 KiB); a read that meets the end of the file first rewinds and reads
 *       again (repeatedly, up to {@link #MAX_REWINDS} times, should other threads reach the end
 *       again meanwhile). The file so never grows by more than a transfer per thread.</li>
 * </ul>
 *
 * <p>Thread safety: all methods may be called concurrently; each thread passes its own buffer.
 */
public final class SharedChannel implements AutoCloseable {
    /** How often one sequential read may rewind and retry at the end of the file before it fails. */
    static final int MAX_REWINDS = 64;

    private final Path file;
    private final long fileSize;
    private final int size;
    private final FileChannel channel;
    /** Bytes moved sequentially since the start; a rewind happens at every multiple of fileSize. */
    private final AtomicLong sequential = new AtomicLong();

    private SharedChannel(Path file, long fileSize, int size, FileChannel channel) {
        this.file = file;
        this.fileSize = fileSize;
        this.size = size;
        this.channel = channel;
    }

    /**
     * Creates a {@code fileSize}-byte temporary file and opens it (READ, WRITE) with {@code impl}'s
     * channel.
     *
     * @param size the transfer size; {@code fileSize} must be a positive multiple of it
     */
    public static SharedChannel open(FsImpl impl, long fileSize, int size) throws IOException {
        if (size <= 0 || fileSize < size || fileSize % size != 0) {
            throw new IllegalArgumentException("file size " + fileSize + " is not a positive multiple of " + size);
        }
        Path file = BenchFile.create("flexsc-fsbench-", fileSize);
        try {
            return new SharedChannel(file, fileSize, size,
                    impl.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The channel (for tests and checks). */
    public FileChannel channel() {
        return channel;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The file's size as created. */
    public long fileSize() {
        return fileSize;
    }

    /** The transfer size. */
    public int size() {
        return size;
    }

    /** A direct buffer of one transfer, holding the pattern of the file's first bytes. */
    public ByteBuffer newBuffer() {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            b.put(i, BenchFile.patternAt(i));
        }
        return b;
    }

    /** An offset generator for one thread. */
    public AlignedOffsets newOffsets() {
        return new AlignedOffsets(fileSize, size);
    }

    /** {@code read(buf, pos)} of one transfer; returns the bytes read. */
    public int readAt(ByteBuffer buf, long pos) throws IOException {
        buf.clear();
        int n = channel.read(buf, pos);
        return check("read", n);
    }

    /** {@code write(buf, pos)} of one transfer; returns the bytes written. */
    public int writeAt(ByteBuffer buf, long pos) throws IOException {
        buf.clear();
        int n = channel.write(buf, pos);
        return check("write", n);
    }

    /** {@code read(buf)} of one transfer at the channel's position; returns the bytes read. */
    public int read(ByteBuffer buf) throws IOException {
        buf.clear();
        int n = channel.read(buf);
        // At the end of the file (other threads passed the boundary first): rewind and read again.
        // Other threads may carry the shared position to the end again before this thread reads
        // (it can be descheduled between the two calls), so this repeats, a bounded number of times.
        for (int tries = 0; n == -1 && tries < MAX_REWINDS; tries++) {
            channel.position(0);
            buf.clear();
            n = channel.read(buf);
        }
        check("read", n);
        moved(n);
        return n;
    }

    /** {@code write(buf)} of one transfer at the channel's position; returns the bytes written. */
    public int write(ByteBuffer buf) throws IOException {
        buf.clear();
        int n = check("write", channel.write(buf));
        moved(n);
        return n;
    }

    private void moved(int n) throws IOException {
        long after = sequential.addAndGet(n);
        if (after / fileSize != (after - n) / fileSize) {
            channel.position(0);
        }
    }

    private int check(String op, int n) {
        if (n != size) {
            throw new IllegalStateException("FileChannel." + op + " moved " + n + " of " + size + " bytes");
        }
        return n;
    }

    /** Closes the channel and deletes the file. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
