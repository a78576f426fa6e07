package io.flexsc.nio.net.batch;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Native buffers in size classes, each class a {@link BufferPool}: the powers of two from
 * {@link #MIN} up to the largest cap given, and each cap itself. A caller asks for the smallest
 * buffer that holds what it needs, so that a connection moving a few small messages per select holds
 * a fraction of a page, not a page or a whole queue (at 1,000 connections that is megabytes of the
 * C heap). Thread-safe.
 */
final class SizedBuffers {
    /** The smallest class. */
    static final int MIN = 512;

    private final int[] sizes;
    private final BufferPool[] pools;

    /** Classes up to {@code max(caps)}; every cap is a class of its own. */
    SizedBuffers(int... caps) {
        java.util.TreeSet<Integer> s = new java.util.TreeSet<>();
        int max = Arrays.stream(caps).max().orElse(MIN);
        for (int size = MIN; size < max; size <<= 1) {
            s.add(size);
        }
        for (int cap : caps) {
            if (cap >= MIN) {
                s.add(cap);
            }
        }
        sizes = s.stream().mapToInt(Integer::intValue).toArray();
        pools = new BufferPool[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            pools[i] = new BufferPool(sizes[i]);
        }
    }

    /**
     * The size of the buffer {@link #take} gives for {@code need} bytes under {@code cap}: the smallest
     * class of at least {@code min(need, cap)} bytes. {@code cap} must be one of the constructor's.
     */
    int sizeFor(int need, int cap) {
        int want = Math.min(Math.max(need, MIN), cap);
        for (int size : sizes) {
            if (size >= want) {
                return size;
            }
        }
        throw new IllegalArgumentException("no class for " + need + " under " + cap);
    }

    /**
     * A buffer of {@code size} bytes, a class {@link #sizeFor} gave; contents undefined, position 0,
     * limit its size.
     */
    ByteBuffer take(int size) {
        return pool(size).take();
    }

    /** Returns a buffer taken here that no call uses any more. */
    void give(ByteBuffer b) {
        pool(b.capacity()).give(b);
    }

    private BufferPool pool(int size) {
        int i = Arrays.binarySearch(sizes, size);
        if (i < 0) {
            throw new IllegalArgumentException("not a buffer of these pools: " + size + " bytes");
        }
        return pools[i];
    }

    /** The class sizes, smallest first (tests). */
    int[] sizes() {
        return sizes.clone();
    }
}
