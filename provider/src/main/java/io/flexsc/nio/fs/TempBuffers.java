package io.flexsc.nio.fs;

import io.flexsc.nio.ffi.NativeMemory;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

/**
 * Per-thread native scratch memory, through which heap buffers, path names and small structures
 * reach the kernel (engines never see heap arrays).
 *
 * <p>Each thread keeps one block of up to {@link #MAX} bytes, grown on demand and freed when the
 * thread ends. A caller takes the block with {@link #take(int)} and gives it back with
 * {@link Block#release()}; a nested take on the same thread (rare: a transfer inside a transfer) gets
 * a fresh block that is freed on release. Larger transfers work in chunks of at most {@link #MAX}.
 *
 * <p>Thread safety: a block belongs to the thread that took it until released.
 */
final class TempBuffers {
    private TempBuffers() {}

    /** The largest block kept per thread, and the chunk size of larger transfers. */
    static final int MAX = 1 << 20;

    private static final Cleaner CLEANER = Cleaner.create();

    private static final ThreadLocal<Block> CACHE = new ThreadLocal<>();

    /** A piece of native memory and a native-order buffer view of it. */
    static final class Block {
        private final Memory memory;
        private final boolean cached;
        private boolean inUse;
        private ByteBuffer view;

        private Block(int capacity, boolean cached) {
            this.memory = new Memory(capacity);
            this.cached = cached;
            if (cached) {
                CLEANER.register(this, memory);
            }
        }

        /** The base address. */
        long address() {
            return memory.address;
        }

        /** Capacity in bytes. */
        int capacity() {
            return memory.capacity;
        }

        /** The block's buffer view, cleared (position 0, limit capacity); made once per block. */
        ByteBuffer buffer() {
            ByteBuffer v = view;
            if (v == null) {
                v = NativeMemory.wrap(memory.address, memory.capacity);
                view = v;
            }
            v.clear();
            return v;
        }

        /** Gives the block back (or frees it if it was not the thread's cached one). */
        void release() {
            if (cached) {
                inUse = false;
            } else {
                memory.run();
            }
        }
    }

    /** Owns native memory; also the cleaning action of a cached block. */
    private static final class Memory implements Runnable {
        final long address;
        final int capacity;
        private boolean freed;

        Memory(int capacity) {
            this.capacity = capacity;
            this.address = NativeMemory.allocate(Math.max(capacity, 16));
        }

        @Override
        public synchronized void run() {
            if (!freed) {
                freed = true;
                NativeMemory.free(address);
            }
        }
    }

    /**
     * A block of at least {@code min(size, MAX)} bytes, for this thread until released.
     *
     * @param size bytes wanted; more than {@link #MAX} gives {@link #MAX}
     */
    static Block take(int size) {
        int want = Math.max(64, Math.min(size, MAX));
        Block b = CACHE.get();
        if (b != null && !b.inUse && b.capacity() >= want) {
            b.inUse = true;
            return b;
        }
        if (b != null && b.inUse) {
            return new Block(want, false);
        }
        if (b != null) {
            b.memory.run();
        }
        // round up to a power of two so that growth is rare
        int cap = Integer.highestOneBit(want - 1) << 1;
        if (cap <= 0 || cap > MAX) {
            cap = MAX;
        }
        Block nb = new Block(Math.max(cap, want), true);
        nb.inUse = true;
        CACHE.set(nb);
        return nb;
    }
}
