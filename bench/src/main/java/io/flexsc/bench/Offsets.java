package io.flexsc.bench;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Random-ish, aligned file offsets for the positional-write benchmarks: every offset is a multiple
 * of {@link #ALIGN} in {@code [0, FILE_SIZE - ALIGN]}, so a {@link #ALIGN}-byte write at it stays
 * inside the {@link #FILE_SIZE}-byte file and never straddles two slots.
 *
 * <p>A xorshift generator: cheap (a few shifts, so it does not weigh on the per-call figures) and
 * the same for the engines and the JDK. Each instance gets its own seed, so threads write to
 * different places. Not thread-safe: one instance per thread.
 */
final class Offsets {
    /** The size of the benchmarks' file, 1 MiB. */
    static final int FILE_SIZE = 1 << 20;
    /** Alignment of the offsets, and the size of each write. */
    static final int ALIGN = 64;

    private static final int SLOT_MASK = FILE_SIZE / ALIGN - 1;
    private static final AtomicInteger SEEDS = new AtomicInteger(0x2545F491);

    private int x;

    Offsets() {
        int s = SEEDS.getAndAdd(0x61C88647);
        this.x = s == 0 ? 1 : s;
    }

    /** The next offset. */
    long next() {
        int v = x;
        v ^= v << 13;
        v ^= v >>> 17;
        v ^= v << 5;
        x = v;
        return (long) (v & SLOT_MASK) * ALIGN;
    }
}
