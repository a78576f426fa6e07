package io.flexsc.nio.engine;

import static io.flexsc.nio.engine.Kernel.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads at once through one engine: 16 threads x 10,000 mixed calls (pwrite/pread verified
 * against a per-thread model of the file, writes to /dev/null, getpid, fstat, explicit batches),
 * every result checked; batching engines must show batches of more than one call; no fd leaks.
 */
@ExtendWith(SeedReporter.class)
class ConcurrencyTest {
    static final int THREADS = 16;
    static final int CALLS_PER_THREAD = 10_000;
    static final int REGION = 64 * 1024;

    @TempDir
    Path dir;

    /** Our fds (number -> target), ignoring what the JVM itself opens and closes meanwhile (jars, classes). */
    static Map<Integer, String> openFds() throws IOException {
        Map<Integer, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException gone) {
                    continue; // the listing's own fd, or one closed meanwhile
                }
                if (target.endsWith(".jar") || target.endsWith(".class") || target.startsWith(System.getProperty("java.home"))
                        || target.startsWith("/proc/")) { // the listing's own directory fd
                    continue;
                }
                out.put(Integer.parseInt(p.getFileName().toString()), target);
            }
        }
        return out;
    }

    static Map<Integer, String> added(Map<Integer, String> before, Map<Integer, String> after) {
        Map<Integer, String> d = new TreeMap<>(after);
        d.entrySet().removeIf(en -> en.getValue().equals(before.get(en.getKey())));
        return d;
    }

    /** One worker: its own region of the shared file and a model of its bytes. */
    private static final class Worker implements Runnable {
        final SyscallEngine engine;
        final int fd;
        final int devnull;
        final int index;
        final long seed;
        final byte[] model = new byte[REGION];
        final long fileSize;
        final ConcurrentLinkedQueue<String> failures;
        final CountDownLatch start;
        final long pid = ProcessHandle.current().pid();
        long calls;

        Worker(SyscallEngine engine, int fd, int devnull, int index, long seed, long fileSize,
                ConcurrentLinkedQueue<String> failures, CountDownLatch start) {
            this.engine = engine;
            this.fd = fd;
            this.devnull = devnull;
            this.index = index;
            this.seed = seed;
            this.fileSize = fileSize;
            this.failures = failures;
            this.start = start;
        }

        long base() {
            return (long) index * REGION;
        }

        void check(boolean ok, String what) {
            if (!ok) {
                throw new AssertionError("thread " + index + " (seed " + seed + "): " + what);
            }
        }

        @Override
        public void run() {
            Random rnd = new Random(seed);
            try (Mem m = new Mem()) {
                long scratch = m.alloc(REGION);
                long stat = m.alloc(STAT_SIZE);
                start.await();
                while (calls < CALLS_PER_THREAD) {
                    int op = rnd.nextInt(10);
                    if (op <= 1) {
                        int off = rnd.nextInt(REGION);
                        int len = 1 + rnd.nextInt(Math.min(4096, REGION - off));
                        byte[] d = new byte[len];
                        rnd.nextBytes(d);
                        Mem.put(scratch, d);
                        long r = engine.execute(Call.of(SysNr.PWRITE64, fd, scratch, len, base() + off));
                        check(r == len, "pwrite " + len + " at " + off + " = " + describe(r));
                        System.arraycopy(d, 0, model, off, len);
                        calls++;
                    } else if (op <= 3) {
                        int off = rnd.nextInt(REGION);
                        int len = 1 + rnd.nextInt(Math.min(4096, REGION - off));
                        long r = engine.execute(Call.of(SysNr.PREAD64, fd, scratch, len, base() + off));
                        check(r == len, "pread " + len + " at " + off + " = " + describe(r));
                        check(Arrays.equals(Mem.get(scratch, len), Arrays.copyOfRange(model, off, off + len)),
                                "pread " + len + " at " + off + " returned other bytes than written");
                        calls++;
                    } else if (op == 4) {
                        int len = rnd.nextInt(REGION);
                        long r = engine.syscall(SysNr.WRITE, devnull, scratch, len);
                        check(r == len, "write " + len + " to /dev/null = " + describe(r));
                        calls++;
                    } else if (op == 5) {
                        long r = engine.syscall(SysNr.GETPID, 0, 0, 0);
                        check(r == pid, "getpid = " + describe(r));
                        calls++;
                    } else if (op == 6) {
                        long r = engine.execute(Call.of(SysNr.FSTAT, fd, stat));
                        check(r == 0, "fstat = " + describe(r));
                        check(Mem.view(stat, STAT_SIZE).getLong(STAT_ST_SIZE) == fileSize, "fstat st_size");
                        calls++;
                    } else {
                        batch(m, rnd);
                    }
                }
            } catch (Throwable t) {
                failures.add(t.toString());
            }
        }

        /**
         * An explicit batch of 2..24 mixed calls: pwrites to disjoint ranges of the first half of the
         * region, preads of the second half (not written in this batch), getpid, /dev/null, fstat.
         */
        void batch(Mem m, Random rnd) {
            int k = 2 + rnd.nextInt(23);
            Call[] calls = new Call[k];
            byte[][] writes = new byte[k][];
            int[] offs = new int[k];
            int half = REGION / 2;
            int slot = half / k;
            long buf = m.alloc((long) k * slot);
            for (int i = 0; i < k; i++) {
                long b = buf + (long) i * slot;
                switch (rnd.nextInt(5)) {
                    case 0: {
                        offs[i] = i * slot;
                        writes[i] = new byte[1 + rnd.nextInt(slot)];
                        rnd.nextBytes(writes[i]);
                        Mem.put(b, writes[i]);
                        calls[i] = Call.of(SysNr.PWRITE64, fd, b, writes[i].length, base() + offs[i]);
                        break;
                    }
                    case 1: {
                        offs[i] = half + rnd.nextInt(half - slot);
                        calls[i] = Call.of(SysNr.PREAD64, fd, b, slot, base() + offs[i]);
                        break;
                    }
                    case 2: calls[i] = Call.of(SysNr.GETPID); break;
                    case 3: calls[i] = Call.of(SysNr.WRITE, devnull, b, slot); break;
                    default: calls[i] = Call.of(SysNr.FSTAT, fd, b); break;
                }
            }
            engine.executeBatch(calls, 0, k);
            for (int i = 0; i < k; i++) {
                Call c = calls[i];
                check(c.isDone(), "batch call not done after executeBatch: " + c);
                long r = c.result();
                long b = buf + (long) i * slot;
                switch (c.nr()) {
                    case SysNr.PWRITE64:
                        check(r == writes[i].length, "batched " + c);
                        System.arraycopy(writes[i], 0, model, offs[i], writes[i].length);
                        break;
                    case SysNr.PREAD64:
                        check(r == slot, "batched " + c);
                        check(Arrays.equals(Mem.get(b, slot), Arrays.copyOfRange(model, offs[i], offs[i] + slot)), "batched pread bytes " + c);
                        break;
                    case SysNr.GETPID: check(r == pid, "batched " + c); break;
                    case SysNr.WRITE: check(r == slot, "batched " + c); break;
                    default: check(r == 0 && Mem.view(b, STAT_SIZE).getLong(STAT_ST_SIZE) == fileSize, "batched " + c); break;
                }
            }
            this.calls += k;
        }
    }

    @AllEngines
    void sixteenThreadsOfMixedCallsAreAllCorrect(EngineUnderTest eut) throws Exception {
        Map<Integer, String> beforeEngine = openFds();
        SyscallEngine engine = eut.start();
        Sys sys = new Sys(engine);
        Path file = dir.resolve("shared");
        long size = (long) THREADS * REGION;
        Map<Integer, String> before;
        Worker[] workers = new Worker[THREADS];
        try (Mem m = new Mem()) {
            assertEquals(pidOf(engine), ProcessHandle.current().pid()); // warm up the engine before counting fds
            before = openFds();
            int fd = sys.open(m, file, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
            int devnull = sys.open(m, Path.of("/dev/null"), O_WRONLY | O_CLOEXEC, 0);
            assertEquals(0, sys.x(SysNr.FTRUNCATE, fd, size)); // holes read as zeros, as the models start
            long seed = Seeds.seed();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                workers[i] = new Worker(engine, fd, devnull, i, seed + i, size, failures, start);
                Thread t = new Thread(workers[i], "mixed-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            engine.stats().reset();
            start.countDown();
            // -Dflexsc.test.timeoutScale stretches the bound under emulation (test-vm runs on TCG).
            long bound = 90L * Integer.getInteger("flexsc.test.timeoutScale", 1);
            assertTimeoutPreemptively(Duration.ofSeconds(bound), () -> {
                for (Thread t : threads) {
                    t.join();
                }
            }, "16 threads x 10,000 calls did not finish in " + bound + " s");
            assertTrue(failures.isEmpty(), "failures (replay with -D" + Seeds.PROPERTY + "=" + seed + "):\n" + String.join("\n", failures));
            long total = Arrays.stream(workers).mapToLong(w -> w.calls).sum();
            assertTrue(total >= (long) THREADS * CALLS_PER_THREAD);
            EngineStats st = engine.stats();
            System.out.println("16 x 10,000 mixed calls: " + st);
            assertEquals(total, st.getCalls(), "every call counted once: " + st);
            if (eut.isDirect()) {
                assertEquals(0, st.multiCallBatches(), "the direct engine runs every call alone: " + st);
            } else {
                assertTrue(st.multiCallBatches() > 0, "a batching engine formed no batch of more than one call: " + st);
            }
            sys.close(devnull);
            sys.close(fd);
            Map<Integer, String> leaked = added(before, openFds());
            assertTrue(leaked.isEmpty(), "fds leaked by the calls: " + leaked);
        } finally {
            engine.close();
        }
        byte[] expected = new byte[(int) size];
        for (int i = 0; i < THREADS; i++) {
            System.arraycopy(workers[i].model, 0, expected, i * REGION, REGION);
        }
        assertArrayEquals(expected, Files.readAllBytes(file), "the file holds every thread's last writes");
        Map<Integer, String> leaked = added(beforeEngine, openFds());
        assertTrue(leaked.isEmpty(), "fds left open after the engine closed: " + leaked);
    }

    private static long pidOf(SyscallEngine e) {
        long r = 0;
        for (int i = 0; i < 100; i++) {
            r = e.syscall(SysNr.GETPID, 0, 0, 0);
        }
        return r;
    }

    /** Explicit batches of 1, 8 and 64 mixed calls, each call's result checked. */
    @AllEngines
    void explicitBatchesOfOneEightAndSixtyFour(EngineUnderTest eut) throws Exception {
        SyscallEngine engine = eut.start();
        Sys sys = new Sys(engine);
        Path file = dir.resolve("f");
        byte[] content = new byte[64 * 1024];
        Random rnd = new Random(Seeds.seed());
        rnd.nextBytes(content);
        Files.write(file, content);
        long pid = ProcessHandle.current().pid();
        try (Mem m = new Mem()) {
            int fd = sys.open(m, file, O_RDWR | O_CLOEXEC, 0);
            int devnull = sys.open(m, Path.of("/dev/null"), O_WRONLY | O_CLOEXEC, 0);
            for (int k : new int[] {1, 8, 64}) {
                // Only calls io_uring can carry (pread, pwrite, write), so that a batching engine has a batch to make.
                engine.stats().reset();
                Call[] calls = new Call[k];
                long[] bufs = new long[k];
                byte[][] writes = new byte[k][];
                int slot = 256;
                for (int i = 0; i < k; i++) {
                    bufs[i] = m.alloc(slot);
                    switch (i % 3) {
                        case 0: calls[i] = Call.of(SysNr.PREAD64, fd, bufs[i], slot, i * slot); break;
                        case 1:
                            writes[i] = new byte[slot];
                            rnd.nextBytes(writes[i]);
                            Mem.put(bufs[i], writes[i]);
                            calls[i] = Call.of(SysNr.PWRITE64, fd, bufs[i], slot, 32 * 1024 + i * slot);
                            break;
                        default: calls[i] = Call.of(SysNr.WRITE, devnull, bufs[i], slot); break;
                    }
                }
                engine.executeBatch(calls, 0, k);
                for (int i = 0; i < k; i++) {
                    assertTrue(calls[i].isDone(), "batch of " + k + ": call " + i + " not done");
                    assertEquals(slot, calls[i].result(), "batch of " + k + ": " + calls[i]);
                    if (i % 3 == 0) {
                        assertArrayEquals(Arrays.copyOfRange(content, i * slot, (i + 1) * slot), Mem.get(bufs[i], slot), "pread in a batch of " + k);
                    } else if (i % 3 == 1) {
                        System.arraycopy(writes[i], 0, content, 32 * 1024 + i * slot, slot);
                    }
                }
                assertEquals(k, engine.stats().getCalls(), "calls counted for a batch of " + k);
                if (k > 1 && !eut.isDirect()) {
                    assertTrue(engine.stats().multiCallBatches() > 0, "an explicit batch of " + k + " was not batched: " + engine.stats());
                }
                // and a mixed batch, including calls io_uring has no opcode for
                Call[] mixed = new Call[k];
                for (int i = 0; i < k; i++) {
                    mixed[i] = i % 2 == 0 ? Call.of(SysNr.GETPID) : Call.of(SysNr.FSTAT, fd, m.alloc(STAT_SIZE));
                }
                engine.executeBatch(mixed, 0, k);
                for (int i = 0; i < k; i++) {
                    assertEquals(i % 2 == 0 ? pid : 0, mixed[i].result(), "mixed batch of " + k + ": " + mixed[i]);
                }
            }
            sys.close(devnull);
            sys.close(fd);
        } finally {
            engine.close();
        }
        assertArrayEquals(content, Files.readAllBytes(file));
    }
}
