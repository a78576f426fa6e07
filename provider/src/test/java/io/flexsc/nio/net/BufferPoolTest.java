package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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

    @Test
    void beyondTheThreadCacheBuffersGoToTheSharedPoolThenAreFreed() throws Exception {
        BufferPool p = new BufferPool(1024);
        int n = BufferPool.LOCAL_MAX + BufferPool.SHARED_MAX + 10;
        List<ByteBuffer> taken = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            taken.add(p.take());
        }
        for (ByteBuffer b : taken) {
            p.give(b);
        }
        assertEquals(BufferPool.LOCAL_MAX, p.cachedHere());
        assertEquals(BufferPool.SHARED_MAX, p.sharedFree(), "the rest went back to the C heap");
        // another thread finds the shared pool's buffers, not this thread's cache
        ByteBuffer[] other = new ByteBuffer[1];
        Thread t = new Thread(() -> other[0] = p.take());
        t.start();
        t.join();
        assertEquals(BufferPool.SHARED_MAX - 1, p.sharedFree());
        assertEquals(BufferPool.LOCAL_MAX, p.cachedHere());
        assertNotSame(null, other[0]);
        p.give(other[0]);
    }
}
