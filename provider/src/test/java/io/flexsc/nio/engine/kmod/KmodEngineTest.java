package io.flexsc.nio.engine.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexsc.nio.Await;
import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.SysNr;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the kmod engine has: the NEED_WAKEUP handshake, syscall threads re-entering after task
 * work, a full area, fallbacks, and closing with calls in flight. Runs where /dev/flexsc works (the
 * test VM, test-vm/run.sh); elsewhere it is skipped with the reason printed. The behaviour it shares
 * with every engine is in the engine suite.
 */
class KmodEngineTest {
    private static final long PID = ProcessHandle.current().pid();

    @BeforeAll
    static void needsTheModule() {
        EngineFactory.Probe p = new KmodEngineFactory().probe();
        if (!p.available()) {
            System.err.println("!!! SKIPPED KmodEngineTest: kmod engine unavailable here: " + p.reason()
                    + " — these tests run inside the QEMU guest (test-vm/run.sh)");
        }
        assumeTrue(p.available(), "kmod engine unavailable: " + p.reason());
    }

    private static KmodEngine engine(int entries, int workers) throws Exception {
        return new KmodEngine(FlexscSession.open(entries, null), workers, 0);
    }

    private static long openat(KmodEngine e, Path p, int flags) {
        byte[] b = (p + "\0").getBytes(StandardCharsets.UTF_8);
        ByteBuffer name = ByteBuffer.allocateDirect(b.length).put(b);
        return e.syscall(SysNr.OPENAT, -100, NativeMemory.address(name), flags, 0644, 0, 0);
    }

    @Test
    void callsRunInTheKernelThreads() throws Exception {
        try (KmodEngine e = engine(64, 1)) {
            long before = e.kernelStats().get("entries");
            assertEquals(PID, e.syscall(SysNr.GETPID, 0, 0, 0));
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            assertEquals(-Errno.EBADF, e.syscall(SysNr.WRITE, 1_000_000, NativeMemory.address(buf), 64));
            assertTrue(e.kernelStats().get("entries") >= before + 2, "the module ran them: " + e.kernelStats());
            assertEquals(0, e.stats().getFallbacks());
        }
    }

    @Test
    void sleepingSyscallThreadsAreWoken() throws Exception {
        try (KmodEngine e = engine(16, 1)) {
            for (int i = 0; i < 20; i++) {
                long slept = e.kernelStats().get("sleeps");
                assertEquals(PID, e.syscall(SysNr.GETPID, 0, 0, 0));
                // past its spin time the syscall thread goes back to sleep: the next call must wake it
                Await.until("the syscall thread asleep again", () -> e.kernelStats().get("sleeps") > slept);
            }
            var k = e.kernelStats();
            assertTrue(k.get("sleeps") > 0 && k.get("wakeups") > 0, "NEED_WAKEUP handshake used: " + k);
        }
    }

    @Test
    void closeThroughTheModuleAndKeepGoing(@TempDir Path dir) throws Exception {
        try (KmodEngine e = engine(16, 2)) {
            for (int i = 0; i < 50; i++) {
                long fd = openat(e, dir.resolve("f" + i), 0101 /* O_WRONLY|O_CREAT */);
                assertTrue(fd >= 0, "openat: " + fd);
                assertEquals(0, e.syscall(SysNr.CLOSE, fd, 0, 0)); // deferred fput: task work in the syscall thread
            }
            // each syscall thread came back to Java with the task work and went into the kernel again
            Await.until("both syscall threads back in FLEXSC_IOC_WORK", () -> {
                List<Thread> ts = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("flexsc-kmod-syscall-")).toList();
                return ts.size() >= 2 && ts.stream().allMatch(t -> Await.isBlockedIn(t, FlexscSession.class.getName(), "work"));
            });
            assertEquals(2, e.liveSyscallThreads(), "syscall threads re-entered after task work");
            assertEquals(PID, e.syscall(SysNr.GETPID, 0, 0, 0));
        }
    }

    @Test
    void callsOutsideTheAllowlistRunDirectly() throws Exception {
        try (KmodEngine e = engine(16, 1)) {
            long fd = e.syscall(SysNr.DUP, 1, 0, 0);
            assertTrue(fd >= 0);
            assertEquals(0, e.syscall(SysNr.CLOSE, fd, 0, 0));
            assertEquals(1, e.stats().getFallbacks());
        }
    }

    @Test
    void batchLargerThanTheAreaCompletes(@TempDir Path dir) throws Exception {
        try (KmodEngine e = engine(8, 1)) {
            long fd = openat(e, dir.resolve("batch"), 0102 /* O_RDWR|O_CREAT */);
            assertTrue(fd >= 0);
            int n = 100;
            ByteBuffer mem = ByteBuffer.allocateDirect(n * 16);
            Call[] calls = new Call[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 16; j++) {
                    mem.put(i * 16 + j, (byte) i);
                }
                calls[i] = new Call(SysNr.PWRITE64, fd, NativeMemory.address(mem) + i * 16L, 16, i * 16L, 0, 0);
            }
            e.executeBatch(calls, 0, n);
            for (Call c : calls) {
                assertEquals(16, c.result());
            }
            e.syscall(SysNr.CLOSE, fd, 0, 0);
            byte[] all = Files.readAllBytes(dir.resolve("batch"));
            assertEquals(n * 16, all.length);
            for (int i = 0; i < all.length; i++) {
                assertEquals((byte) (i / 16), all[i], "byte " + i);
            }
        }
    }

    @Test
    void closeWithCallsInFlightNeverHangs() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            KmodEngine e = engine(32, 1);
            AtomicLong done = new AtomicLong();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread th = new Thread(() -> {
                    try {
                        while (true) {
                            assertEquals(PID, e.syscall(SysNr.GETPID, 0, 0, 0));
                            done.incrementAndGet();
                        }
                    } catch (EngineClosedException expected) {
                        // the only way out
                    } catch (Throwable x) {
                        unexpected.set(x);
                    }
                });
                th.start();
                ts.add(th);
            }
            while (done.get() < 2_000) {
                Thread.sleep(1);
            }
            e.close();
            for (Thread th : ts) {
                th.join();
            }
            if (unexpected.get() != null) {
                throw new AssertionError(unexpected.get());
            }
            assertEquals(0, e.liveSyscallThreads());
            assertThrows(EngineClosedException.class, () -> e.syscall(SysNr.GETPID, 0, 0, 0));
            e.close(); // idempotent
        });
    }
}
