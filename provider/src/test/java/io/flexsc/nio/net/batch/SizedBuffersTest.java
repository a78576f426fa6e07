package io.flexsc.nio.net.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Size classes of the batching buffers, and the read-ahead's sizing rule. */
class SizedBuffersTest {
    @Test
    void classesArePowersOfTwoFromTheMinimumPlusEachCap() {
        assertArrayEquals(new int[] {512, 1024, 2048, 4096, 8192, 16384, 32768, 65536},
                new SizedBuffers(65536, 16384).sizes());
        assertArrayEquals(new int[] {512, 1024, 2048, 3000, 4096, 8192, 10000},
                new SizedBuffers(10000, 3000).sizes());
    }

    /** Random needs and caps: the smallest class that holds min(need, cap), never above the cap. */
    @Test
    void aTakenBufferIsTheSmallestClassThatHoldsTheNeedUnderTheCap() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int[] caps = {65536, 16384, 10000};
        SizedBuffers b = new SizedBuffers(caps);
        int[] sizes = b.sizes();
        for (int i = 0; i < 2000; i++) {
            int cap = caps[rnd.nextInt(caps.length)];
            int need = rnd.nextInt(rnd.nextBoolean() ? 2000 : 100_000);
            int want = Math.min(Math.max(need, SizedBuffers.MIN), cap);
            int expected = Integer.MAX_VALUE;
            for (int s : sizes) {
                if (s >= want && s < expected) {
                    expected = s;
                }
            }
            assertEquals(expected, b.sizeFor(need, cap), "need " + need + " cap " + cap + " (seed " + seed + ")");
            assertTrue(b.sizeFor(need, cap) <= cap);
        }
        ByteBuffer x = b.take(b.sizeFor(700, 16384));
        assertEquals(1024, x.capacity());
        assertEquals(1024, x.limit());
        b.give(x);
        assertEquals(x, b.take(b.sizeFor(1000, 16384)), "a given buffer is taken again from its class");
        assertThrows(IllegalArgumentException.class, () -> b.give(ByteBuffer.allocateDirect(700)));
    }

    /** Twice what the last read-ahead found, the whole read-ahead after a full one. */
    @Test
    void theNextReadAheadIsTwiceTheLastOrTheWholeAfterAFullOne() {
        int full = Batched.READ_AHEAD;
        assertEquals(512, Batched.nextAheadSize(1, 2048));
        assertEquals(512, Batched.nextAheadSize(256, 2048));
        assertEquals(1024, Batched.nextAheadSize(257, 2048));
        assertEquals(2048, Batched.nextAheadSize(1024, 2048), "1 KiB in a 2 KiB buffer: stays");
        assertEquals(full, Batched.nextAheadSize(2048, 2048), "filled: the whole size next");
        assertEquals(full, Batched.nextAheadSize(full - 1, full));
        assertEquals(full, Batched.nextAheadSize(full, full));
        assertEquals(4096, Batched.nextAheadSize(1500, full));
    }
}
