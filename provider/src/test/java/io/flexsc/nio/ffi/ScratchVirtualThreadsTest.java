package io.flexsc.nio.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.vthread.VThreads;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Scratch memory of virtual threads: one shared pool, not a cache per thread (a million short-lived
 * virtual threads must not each keep their own native blocks until a collection finds them gone).
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
class ScratchVirtualThreadsTest {

    /** The address of the block a new virtual thread gets for {@code size} bytes (acquired, then released). */
    private static long blockOfANewVirtualThread(int size) throws InterruptedException {
        AtomicLong addr = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = VThreads.start(() -> {
            try {
                assertTrue(Threads.isVirtual());
                Scratch s = Scratch.acquire(size);
                try {
                    addr.set(s.address());
                    s.buffer().putLong(0, 42); // the memory is usable
                } finally {
                    s.release();
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        t.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        return addr.get();
    }

    @Test
    void virtualThreadsOneAfterAnotherReuseTheSameBlocks() throws Exception {
        Set<Long> blocks = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            blocks.add(blockOfANewVirtualThread(4096));
        }
        // per-thread caches would give each of the 500 threads a block of its own
        assertTrue(blocks.size() <= Scratch.SHARED, "500 virtual threads in turn used " + blocks.size() + " blocks");
    }

    @Test
    void blocksInUseAreNeverShared() throws Exception {
        int n = 3 * Scratch.SHARED;
        CountDownLatch allHold = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        Set<Long> held = java.util.Collections.synchronizedSet(new HashSet<>());
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            ts[i] = VThreads.start(() -> {
                Scratch s = Scratch.acquire(1000);
                try {
                    if (!held.add(s.address())) {
                        failed.set(new AssertionError("a block in use was given to a second thread"));
                    }
                    allHold.countDown();
                    release.await();
                } catch (Throwable e) {
                    failed.set(e);
                } finally {
                    s.release();
                }
            });
        }
        assertTrue(allHold.await(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(n, held.size());
        release.countDown();
        for (Thread t : ts) {
            t.join();
        }
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        // at most SHARED of them stay pooled: a later thread gets one of those
        assertTrue(held.contains(blockOfANewVirtualThread(1000)));
    }

    @Test
    void platformThreadsKeepTheirOwnCache() throws Exception {
        long first;
        Scratch s = Scratch.acquire(256);
        first = s.address();
        s.release();
        Scratch again = Scratch.acquire(256);
        try {
            assertEquals(first, again.address(), "a platform thread reuses its cached block");
        } finally {
            again.release();
        }
        assertNotEquals(0, first);
    }
}
