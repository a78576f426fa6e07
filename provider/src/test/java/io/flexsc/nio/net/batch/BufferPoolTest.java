package io.flexsc.nio.net.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Per-thread caches first, then the shared pool, bounded both ways. */
class BufferPoolTest {
    @Test
    void aThreadGetsBackWhatItGave() {
        BufferPool p = new BufferPool(4096);
        ByteBuffer a = p.take();
        assertEquals(4096, a.capacity());
        a.putLong(0, 42);
        p.give(a);
        assertEquals(1, p.cachedHere());
        ByteBuffer b = p.take();
        assertSame(a, b);
        assertEquals(42, b.getLong(0), "uncleared memory, reused as is");
        assertEquals(0, p.cachedHere());
        p.give(b);
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 1024, 4096, 16384, 65536})
    void beyondTheThreadCacheBuffersGoToTheSharedPoolThenAreFreed(int size) throws Exception {
        BufferPool p = new BufferPool(size);
        // the bounds: counts, and bytes for the larger sizes
        assertEquals(Math.max(2, Math.min(BufferPool.LOCAL_MAX, BufferPool.LOCAL_BYTES / size)), p.localMax());
        assertEquals(Math.max(4, Math.min(BufferPool.SHARED_MAX, BufferPool.SHARED_BYTES / size)), p.sharedMax());
        assertTrue((long) p.localMax() * size <= Math.max(2L * size, BufferPool.LOCAL_BYTES));
        assertTrue((long) p.sharedMax() * size <= Math.max(4L * size, BufferPool.SHARED_BYTES));
        int n = p.localMax() + p.sharedMax() + 10;
        List<ByteBuffer> taken = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            taken.add(p.take());
        }
        for (ByteBuffer b : taken) {
            p.give(b);
        }
        assertEquals(p.localMax(), p.cachedHere());
        assertEquals(p.sharedMax(), p.sharedFree(), "the rest went back to the C heap");
        // another thread finds the shared pool's buffers, not this thread's cache
        ByteBuffer[] other = new ByteBuffer[1];
        Thread t = new Thread(() -> other[0] = p.take());
        t.start();
        t.join();
        assertEquals(p.sharedMax() - 1, p.sharedFree());
        assertEquals(p.localMax(), p.cachedHere());
        assertNotSame(null, other[0]);
        p.give(other[0]);
    }
}
