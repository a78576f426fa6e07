package io.flexsc.nio.ffi;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

/**
 * Per-thread native scratch memory: the one way heap data, path names, iovec arrays and small
 * argument structures reach the kernel (engines never see heap arrays).
 *
 * <p>A caller takes a block with {@link #acquire(int)} and gives it back with {@link #release()}
 * in a {@code finally} once the call that uses its address has completed:
 * <pre>{@code
 * Scratch s = Scratch.acquire(n);
 * try {
 *     ... engine.syscall(nr, fd, s.address(), n) ...
 * } finally {
 *     s.release();
 * }
 * }</pre>
 * The block is reachable from the caller until then (and a cached block from its thread for as
 * long as the thread lives), so native memory outlives the call: a temporary is never a garbage
 * local that a collection could free while the kernel still reads it.
 *
 * <p>Each thread caches up to {@link #CACHED} blocks of at most {@link #MAX} bytes each, grown to a
 * power of two on demand and freed when the thread ends (a vectored transfer holds two at once: the
 * staged heap bytes and the iovec array). A request when all of them are in use (a transfer inside
 * a transfer), or for more than {@link #MAX} bytes (a datagram received into a huge heap buffer),
 * gets a block of its own, freed by its release. Callers that stream larger transfers work in chunks
 * of at most {@link #MAX}.
 *
 * <p>A virtual thread has no cache of its own: there may be millions of them, each short-lived, and
 * a per-thread cache would hold up to 2 MiB of native memory per thread until a collection finds
 * the thread gone. Virtual threads share one pool instead ({@link #SHARED} idle blocks at most, each
 * taken by one thread at a time, freed when the pool is full), which a virtual thread keeps while it
 * parks with its call in the kernel, so the memory still outlives the call.
 *
 * <p>Thread safety: a block belongs to the thread that acquired it until released.
 */
public final class Scratch {
    /** The largest block a thread keeps, and the chunk size of larger transfers. */
    public static final int MAX = 1 << 20;
    /** Blocks cached per thread. */
    static final int CACHED = 2;

    private static final Cleaner CLEANER = Cleaner.create();
    private static final ThreadLocal<Scratch[]> CACHE = ThreadLocal.withInitial(() -> new Scratch[CACHED]);
    /** Idle blocks kept for virtual threads, at most. */
    static final int SHARED = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    /** The virtual threads' idle blocks (guarded by itself). */
    private static final java.util.ArrayDeque<Scratch> POOL = new java.util.ArrayDeque<>();

    private final Memory memory;
    private final boolean cached;
    /** A virtual threads' block: back to {@link #POOL} on release, or freed when it is full. */
    private boolean pooled;
    private boolean inUse;
    private ByteBuffer view;

    private Scratch(int capacity, boolean cached) {
        this.memory = new Memory(capacity);
        this.cached = cached;
        if (cached) {
            CLEANER.register(this, memory); // the thread ended, or the block was replaced by a larger one
        }
    }

    /**
     * A block of at least {@code size} bytes, for this thread until {@link #release() released}.
     */
    public static Scratch acquire(int size) {
        if (size > MAX) {
            return new Scratch(size, false);
        }
        int want = Math.max(64, size);
        if (Threads.isVirtual()) {
            return acquireShared(want);
        }
        Scratch[] cache = CACHE.get();
        int slot = -1; // an empty slot, else an idle block too small for this request
        for (int i = 0; i < CACHED; i++) {
            Scratch b = cache[i];
            if (b == null) {
                slot = i;
            } else if (!b.inUse) {
                if (b.capacity() >= want) {
                    b.inUse = true;
                    return b;
                }
                if (slot < 0) {
                    slot = i;
                }
            }
        }
        if (slot < 0) {
            return new Scratch(want, false); // every cached block is in use
        }
        if (cache[slot] != null) {
            cache[slot].memory.run(); // idle and too small: gives way to a larger one
        }
        Scratch b = new Scratch(Math.min(MAX, Integer.highestOneBit(want - 1) << 1), true);
        b.inUse = true;
        cache[slot] = b;
        return b;
    }

    /** A virtual thread's block: an idle pooled one large enough, else a new one (pooled on release). */
    private static Scratch acquireShared(int want) {
        synchronized (POOL) {
            for (java.util.Iterator<Scratch> it = POOL.iterator(); it.hasNext(); ) {
                Scratch b = it.next();
                if (b.capacity() >= want) {
                    it.remove();
                    b.inUse = true;
                    return b;
                }
            }
        }
        Scratch b = new Scratch(Math.min(MAX, Integer.highestOneBit(want - 1) << 1), false);
        b.pooled = true;
        b.inUse = true;
        return b;
    }

    /** The base address. */
    public long address() {
        return memory.address;
    }

    /** Capacity in bytes: at least what was asked. */
    public int capacity() {
        return memory.capacity;
    }

    /** The block as a native-order buffer, cleared (position 0, limit capacity). */
    public ByteBuffer buffer() {
        ByteBuffer v = view;
        if (v == null) {
            v = NativeMemory.wrap(memory.address, memory.capacity);
            view = v;
        }
        v.clear();
        return v;
    }

    /** Gives the block back to its thread's cache or the virtual threads' pool, or frees it if it has neither. */
    public void release() {
        assert inUse || !cached : "scratch block released twice";
        if (cached) {
            inUse = false;
        } else if (pooled) {
            assert inUse : "scratch block released twice";
            inUse = false;
            synchronized (POOL) {
                if (POOL.size() < SHARED) {
                    POOL.addFirst(this);
                    return;
                }
            }
            memory.run();
        } else {
            memory.run();
        }
    }

    /** Owns the native memory; also the cleaning action of a cached block. */
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
}
