package io.flexsc.nio.engine.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.ffi.SysNr;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Explicit batches on rings of the submitting thread's own ({@link ThreadRings}). */
class ThreadRingsTest {
    final Sys sys = new Sys();

    @AfterEach
    void closeFds() {
        sys.close();
    }

    static UringEngine engine() throws Exception {
        return UringEngineFactory.create(UringEngineTest.config());
    }

    /** A batch of {@code n} 8-byte writes to {@code fd}, each checked. */
    static void writeBatch(UringEngine e, int fd, ByteBuffer b, int n) {
        Call[] calls = new Call[n];
        for (int i = 0; i < n; i++) {
            calls[i] = Call.of(SysNr.WRITE, fd, Sys.addr(b), 8);
        }
        e.executeBatch(calls, 0, n);
        for (Call c : calls) {
            assertEquals(8, c.result(), c.toString());
        }
    }

    static Thread run(Runnable r) {
        Thread t = new Thread(r, "thread-rings-test");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void eachThreadsBatchesGoToARingOfItsOwnAndCountOnce() throws Exception {
        int devnull = sys.open(Path.of("/dev/null"), Sys.O_WRONLY);
        ByteBuffer b = Sys.buf(8);
        long fdsBefore = Sys.ringFds();
        try (UringEngine e = engine()) {
            assertEquals(0, e.threadRingCount());
            e.execute(Call.of(SysNr.WRITE, devnull, Sys.addr(b), 8)); // lone calls use the shared ring
            assertEquals(0, e.threadRingCount());
            writeBatch(e, devnull, b, 8);
            assertEquals(1, e.threadRingCount());
            writeBatch(e, devnull, b, 8); // the same thread, the same ring
            assertEquals(1, e.threadRingCount());
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                threads.add(run(() -> {
                    try {
                        writeBatch(e, devnull, b, 16);
                    } catch (Throwable x) {
                        failed.set(x);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertNull(failed.get());
            assertTrue(e.threadRingCount() >= 1 && e.threadRingCount() <= 4, "rings: " + e.threadRingCount());
            assertEquals(1 + 8 + 8 + 3 * 16, e.stats().getCalls(), "every call counted once: " + e.stats());
            assertTrue(e.stats().multiCallBatches() >= 5, "each batch in one entry: " + e.stats());
            assertEquals(fdsBefore + 1 + e.threadRingCount(), Sys.ringFds(), "one ring fd each");
        }
        assertEquals(fdsBefore, Sys.ringFds(), "closing the engine closes the threads' rings");
    }

    @Test
    void aBatchAfterCloseFailsAndTheThreadsRingIsClosed() throws Exception {
        int devnull = sys.open(Path.of("/dev/null"), Sys.O_WRONLY);
        ByteBuffer b = Sys.buf(8);
        UringEngine e = engine();
        writeBatch(e, devnull, b, 4);
        assertEquals(1, e.threadRingCount());
        e.close();
        assertEquals(0, e.threadRingCount());
        Call[] calls = {Call.of(SysNr.WRITE, devnull, Sys.addr(b), 8), Call.of(SysNr.WRITE, devnull, Sys.addr(b), 8)};
        assertThrows(EngineClosedException.class, () -> e.executeBatch(calls, 0, 2));
    }

    @Test
    void aRingBeyondTheCapGoesToTheSharedRingAndATerminatedThreadsRingIsReused() throws Exception {
        List<UringEngine> opened = new ArrayList<>();
        ThreadRings rings = new ThreadRings(1, () -> {
            try {
                UringEngine r = engine();
                synchronized (opened) {
                    opened.add(r);
                }
                return r;
            } catch (Exception x) {
                return null;
            }
        });
        try {
            AtomicReference<UringEngine> first = new AtomicReference<>();
            CountDownLatch got = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = run(() -> {
                first.set(rings.current());
                got.countDown();
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            got.await();
            assertNotNull(first.get());
            AtomicReference<UringEngine> other = new AtomicReference<>();
            Thread late = run(() -> other.set(rings.current()));
            late.join();
            assertNull(other.get(), "the cap holds while the holder lives");
            release.countDown();
            holder.join();
            AtomicReference<UringEngine> next = new AtomicReference<>();
            AtomicReference<Throwable> oldRing = new AtomicReference<>();
            Thread successor = run(() -> {
                next.set(rings.current());
                Call[] two = {Call.of(SysNr.GETPID), Call.of(SysNr.GETPID)};
                try {
                    first.get().executeBatch(two, 0, 2);
                } catch (Throwable x) {
                    oldRing.set(x);
                }
            });
            successor.join();
            assertNotNull(next.get(), "the terminated holder's ring made room");
            assertNotSame(first.get(), next.get());
            assertTrue(oldRing.get() instanceof EngineClosedException, "the terminated thread's ring is closed: " + oldRing.get());
            assertEquals(1, rings.size());
        } finally {
            rings.close();
            assertEquals(0, rings.size());
            synchronized (opened) {
                for (UringEngine r : opened) {
                    r.close();
                }
            }
        }
    }
}
