package io.flexsc.nio.engine;

import static io.flexsc.nio.engine.Kernel.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.SysNr;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several threads at once through each engine variant, so that calls really travel through a ring
 * (with the adaptive uring engine too: a call that finds others in flight is not run directly), each
 * result compared with what the JDK's channels say: reads of a file against the JDK's reads of the
 * same range, the file written through the engine against the JDK's view of it afterwards, and bytes
 * through socket pairs against what was sent.
 */
@ExtendWith(SeedReporter.class)
class ContentionTest {
    static final int THREADS = 6;
    static final int ROUNDS = 400;
    static final int FILE = 256 * 1024;
    static final int REGION = 8 * 1024;

    @TempDir
    Path dir;

    @AllEngines
    void concurrentCallsAgreeWithTheJdk(EngineUnderTest eut) throws Exception {
        Path f = dir.resolve("shared");
        byte[] init = new byte[FILE];
        new Random(Seeds.seed()).nextBytes(init);
        Files.write(f, init);
        byte[] expected = init.clone();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try (SyscallEngine e = eut.start(); Mem m = new Mem();
                FileChannel jdk = FileChannel.open(f, StandardOpenOption.READ)) {
            int fd = okInt(DirectEngine.run(Call.of(SysNr.OPENAT, AT_FDCWD, m.cstring(f.toString()), O_RDWR | O_CLOEXEC, 0)), "open");
            e.stats().reset();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            // each thread writes only its own region (after the reads' range), so the expected file is known
            int writeBase = FILE - THREADS * REGION;
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                long seed = Seeds.seed() + t;
                Thread th = new Thread(() -> {
                    Random r = new Random(seed);
                    try (Mem tm = new Mem()) {
                        long buf = tm.alloc(REGION);
                        long[] pair = socketPair(tm);
                        start.await();
                        for (int round = 0; round < ROUNDS && failures.isEmpty(); round++) {
                            switch (r.nextInt(4)) {
                                case 0 -> { // positional read, compared with the JDK's read of the same range
                                    int len = 1 + r.nextInt(REGION);
                                    long off = r.nextInt(writeBase - len + 1); // below the written regions
                                    long got = e.syscall(SysNr.PREAD64, fd, buf, len, off, 0, 0);
                                    ByteBuffer want = ByteBuffer.allocate(len);
                                    int n = jdk.read(want, off);
                                    if (got != Math.max(n, 0) || !java.util.Arrays.equals(Mem.get(buf, (int) got), java.util.Arrays.copyOf(want.array(), Math.max(n, 0)))) {
                                        failures.add(eut + ": pread(" + len + " @ " + off + ") = " + got + ", the JDK read " + n);
                                    }
                                }
                                case 1 -> { // positional write into this thread's region
                                    int len = 1 + r.nextInt(REGION / 4);
                                    long off = writeBase + (long) id * REGION + r.nextInt(REGION - len);
                                    byte[] data = new byte[len];
                                    r.nextBytes(data);
                                    Mem.put(buf, data);
                                    long w = e.syscall(SysNr.PWRITE64, fd, buf, len, off, 0, 0);
                                    if (w != len) {
                                        failures.add(eut + ": pwrite(" + len + ") = " + w);
                                    }
                                    synchronized (expected) {
                                        System.arraycopy(data, 0, expected, (int) off, len);
                                    }
                                }
                                case 2 -> { // a socket pair: what is sent is what is received
                                    int len = 1 + r.nextInt(4096);
                                    byte[] data = new byte[len];
                                    r.nextBytes(data);
                                    Mem.put(buf, data);
                                    long w = e.execute(Call.of(SysNr.WRITE, pair[0], buf, len));
                                    long rd = w == len ? e.execute(Call.of(SysNr.READ, pair[1], buf + REGION / 2, len)) : -1;
                                    if (w != len || rd != len || !java.util.Arrays.equals(data, Mem.get(buf + REGION / 2, len))) {
                                        failures.add(eut + ": socket pair write " + w + " read " + rd + " of " + len);
                                    }
                                }
                                default -> { // an explicit batch of reads, each compared with the JDK's
                                    Call[] batch = new Call[2 + r.nextInt(6)];
                                    long[] offs = new long[batch.length];
                                    for (int i = 0; i < batch.length; i++) {
                                        offs[i] = r.nextInt(writeBase - 64);
                                        batch[i] = Call.of(SysNr.PREAD64, fd, buf + 64L * i, 64, offs[i]);
                                    }
                                    e.executeBatch(batch, 0, batch.length);
                                    for (int i = 0; i < batch.length; i++) {
                                        ByteBuffer want = ByteBuffer.allocate(64);
                                        jdk.read(want, offs[i]);
                                        if (batch[i].result() != 64 || !java.util.Arrays.equals(want.array(), Mem.get(buf + 64L * i, 64))) {
                                            failures.add(eut + ": batched " + batch[i]);
                                        }
                                    }
                                }
                            }
                        }
                        DirectEngine.run(Call.of(SysNr.CLOSE, pair[0]));
                        DirectEngine.run(Call.of(SysNr.CLOSE, pair[1]));
                    } catch (Throwable x) {
                        failures.add(eut + ": " + x);
                    }
                }, "contention-" + t);
                th.start();
                threads.add(th);
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                start.countDown();
                for (Thread th : threads) {
                    th.join();
                }
            }, "a thread hung");
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            ok(DirectEngine.run(Call.of(SysNr.CLOSE, fd)), "close");
            assertArrayEquals(expected, Files.readAllBytes(f), "the file the JDK reads is the one written through the engine");
            EngineStats s = e.stats();
            long viaRing = s.getCalls() - s.getDirectCalls() - s.getFallbacks();
            if (eut.engine().equals("uring")) {
                assertTrue(viaRing > 0, "under contention calls travel through the ring: " + s);
                if (eut.name().equals(TestEngines.URING_RING)) {
                    assertEquals(0, s.getDirectCalls(), "the forced ring never takes the adaptive path: " + s);
                }
            }
        }
    }

    private static long[] socketPair(Mem m) {
        long sv = m.alloc(8);
        ok(DirectEngine.run(Call.of(SysNr.SOCKETPAIR, 1 /* AF_UNIX */, 1 /* SOCK_STREAM */ | O_CLOEXEC, 0, sv)), "socketpair");
        return new long[] {Mem.getInt(sv), Mem.getInt(sv + 4)};
    }
}
