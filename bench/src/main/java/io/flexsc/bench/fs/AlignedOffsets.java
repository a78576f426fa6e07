package io.flexsc.bench.fs;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Random-ish file offsets for positional transfers: multiples of the transfer size in
 * {@code [0, fileSize - size]}, so every transfer stays inside the file and none straddles two
 * slots. A xorshift generator (a few shifts, negligible next to a system call), the same sequence
 * for the JDK and our channels; each instance has its own seed, so threads go to different places.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class AlignedOffsets {
    private static final AtomicInteger SEEDS = new AtomicInteger(0x2545F491);

    private final long slots;
    private final int size;
    private int x;

    /**
     * @param fileSize the file's size, a positive multiple of {@code size}
     * @param size the transfer size
     */
    public AlignedOffsets(long fileSize, int size) {
        if (size <= 0 || fileSize < size || fileSize % size != 0 || fileSize / size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("file size " + fileSize + " is not a positive multiple of " + size);
        }
        this.slots = fileSize / size;
        this.size = size;
        int s = SEEDS.getAndAdd(0x61C88647);
        this.x = s == 0 ? 1 : s;
    }

    /** The next offset. */
    public long next() {
        int v = x;
        v ^= v << 13;
        v ^= v >>> 17;
        v ^= v << 5;
        x = v;
        return Integer.toUnsignedLong(v) % slots * size;
    }
}
