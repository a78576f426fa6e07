package io.flexsc.nio.net.batch;

import io.flexsc.nio.ffi.NativeMemory;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free native buffers of one size, for the write queues and read-ahead buffers of batched channels.
 *
 * <p>{@link #take} looks in the calling thread's cache first (no synchronisation: an event loop
 * takes and returns its channels' buffers itself, many times per select), then in a shared pool,
 * and else allocates fresh, uncleared memory from the C heap (a 64 KiB queue that carries 64-byte
 * messages touches one page of it, where a cleared direct buffer would touch all sixteen).
 * {@link #give} returns a buffer to the calling thread's cache, else to the shared pool, else to
 * the C heap at once: memory stays bounded by the buffers in use plus {@link #localMax()} per thread
 * plus {@link #sharedMax()} (buffers left to the garbage collector piled up at 1,000 connections).
 * Both counts fall as the size grows ({@link #LOCAL_BYTES}, {@link #SHARED_BYTES}): a pool of each
 * size class keeping up to its own peak use would together keep several times what is ever in use
 * at once (at 1,000 connections with 4 KiB messages, megabytes of the C heap).
 * A thread's cache is freed when the thread is gone (a {@link Cleaner}).
 *
 * <p>Thread-safe: a thread's cache is its own; the shared pool is guarded by its array's monitor.
 */
final class BufferPool {
    /** Free buffers a thread keeps for itself, at most. */
    static final int LOCAL_MAX = 32;
    /** Free buffers kept for all threads, at most. */
    static final int SHARED_MAX = 256;
    /** Bytes of free buffers a thread keeps for itself per pool (at least 2 buffers). */
    static final int LOCAL_BYTES = 128 << 10;
    /** Bytes of free buffers kept for all threads per pool (at least 4 buffers). */
    static final int SHARED_BYTES = 512 << 10;

    private static final Cleaner CLEANER = Cleaner.create();

    /** One thread-local for every pool (fewer ThreadLocal lookups and collisions per select). */
    private static final ThreadLocal<Local> LOCAL = ThreadLocal.withInitial(Local::new);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int id = POOLS.getAndIncrement();
    private final int size;
    private final int localMax;
    private final int sharedMax;
    /**
     * The shared free buffers, a stack in {@code shared[0, sharedCount)}, guarded by its own monitor.
     * An array, not a concurrent queue: a queue allocated a node per buffer given back, which an event
     * loop whose channels hold more buffers than its cache keeps did at every select.
     */
    private final ByteBuffer[] shared;
    private int sharedCount;


    /** A thread's free buffers of one pool; the thread only. */
    private static final class Cache {
        final ByteBuffer[] free = new ByteBuffer[LOCAL_MAX];
        int count;
    }

    /** A thread's caches, by pool id; freed when the thread's {@link Local} is unreachable. */
    private static final class Caches implements Runnable {
        Cache[] byPool = new Cache[4];

        Cache of(int id) {
            if (id >= byPool.length) {
                byPool = java.util.Arrays.copyOf(byPool, Math.max(id + 1, byPool.length * 2));
            }
            Cache c = byPool[id];
            if (c == null) {
                c = new Cache();
                byPool[id] = c;
            }
            return c;
        }

        /** The thread is gone: free what it kept. */
        @Override
        public void run() {
            for (Cache c : byPool) {
                if (c == null) {
                    continue;
                }
                for (int i = 0; i < c.count; i++) {
                    NativeMemory.free(NativeMemory.address(c.free[i]));
                    c.free[i] = null;
                }
                c.count = 0;
            }
        }
    }

    /** The thread-local handle whose unreachability frees the caches. */
    private static final class Local {
        final Caches caches = new Caches();

        Local() {
            CLEANER.register(this, caches);
        }
    }

    BufferPool(int size) {
        this.size = size;
        this.localMax = Math.max(2, Math.min(LOCAL_MAX, LOCAL_BYTES / size));
        this.sharedMax = Math.max(4, Math.min(SHARED_MAX, SHARED_BYTES / size));
        this.shared = new ByteBuffer[sharedMax];
    }

    /** Free buffers of this size a thread keeps. */
    int localMax() {
        return localMax;
    }

    /** Free buffers of this size kept for all threads. */
    int sharedMax() {
        return sharedMax;
    }

    private Cache cache() {
        return LOCAL.get().caches.of(id);
    }

    /** A buffer of this pool's size, contents undefined, position 0, limit the size. */
    ByteBuffer take() {
        Cache c = cache();
        if (c.count > 0) {
            ByteBuffer b = c.free[--c.count];
            c.free[c.count] = null;
            return b;
        }
        synchronized (shared) {
            if (sharedCount > 0) {
                ByteBuffer b = shared[--sharedCount];
                shared[sharedCount] = null;
                return b;
            }
        }
        return NativeMemory.wrap(NativeMemory.allocateUninitialized(size), size);
    }

    /** Returns a buffer taken from this pool that no call uses any more. */
    void give(ByteBuffer b) {
        Cache c = cache();
        if (c.count < localMax) {
            c.free[c.count++] = b;
            return;
        }
        synchronized (shared) {
            if (sharedCount < sharedMax) {
                shared[sharedCount++] = b;
                return;
            }
        }
        NativeMemory.free(NativeMemory.address(b));
    }

    /** Free buffers in the calling thread's cache (tests). */
    int cachedHere() {
        return cache().count;
    }

    /** Free buffers in the shared pool (tests). */
    int sharedFree() {
        synchronized (shared) {
            return sharedCount;
        }
    }
}
