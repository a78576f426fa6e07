package io.flexsc.nio.examples;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The foundation demo: many threads doing small positional writes to one file, through the JDK's
 * FileChannel and through each engine this machine can run, with the engine's batching counters.
 *
 * <p>Usage: {@code EngineDemo [threads] [writesPerThread] [batch]} (defaults 16, 5000, 8). With a
 * batch above 1, each thread also submits explicit batches of that many calls, as the selector will.
 */
public final class EngineDemo {
    private static final int SIZE = 64;

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path file = Files.createTempFile("flexsc-demo", ".bin");
        try {
            System.out.printf(Locale.ROOT, "flexsc-nio engine demo: %d threads x %d positional %d-byte writes (explicit batches of %d)%n%n",
                    threads, perThread, SIZE, batch);
            System.out.printf(Locale.ROOT, "%-22s %12s %10s %10s %9s %s%n", "", "writes/s", "batches", "avg batch", "direct", "check");
            double jdk = runJdk(file, threads, perThread);
            System.out.printf(Locale.ROOT, "%-22s %12.0f %10s %10s %9s %s%n", "JDK FileChannel", jdk, "-", "-", "-", verify(file, threads, perThread));
            for (EngineFactory f : Engines.factories()) {
                EngineFactory.Probe p = f.probe();
                if (!p.available()) {
                    System.out.printf(Locale.ROOT, "%-22s skipped: %s%n", f.name() + " engine", p.reason());
                    continue;
                }
                for (int b : batch > 1 ? new int[] {1, batch} : new int[] {1}) {
                    Files.write(file, new byte[0]);
                    try (SyscallEngine engine = f.create()) {
                        double rate = runEngine(engine, file, threads, perThread, b);
                        var s = engine.stats();
                        System.out.printf(Locale.ROOT, "%-22s %12.0f %10d %10.2f %9d %s%n", f.name() + " engine, batch " + b, rate,
                                s.getBatches(), s.getAverageBatchSize(), s.getDirectCalls(), verify(file, threads, perThread));
                    }
                }
            }
            System.out.println();
            System.out.println("avg batch = calls per kernel crossing; rates are noisy on a shared machine: compare ratios.");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long offset(int thread, int i, int perThread) {
        return ((long) thread * perThread + i) * SIZE;
    }

    private static byte fill(int thread, int i) {
        return (byte) (thread * 31 + i);
    }

    private static double runJdk(Path file, int threads, int perThread) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            return timed(threads, perThread, t -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(SIZE);
                for (int i = 0; i < perThread; i++) {
                    buf.clear();
                    while (buf.hasRemaining()) {
                        buf.put(fill(t, i));
                    }
                    buf.flip();
                    ch.write(buf, offset(t, i, perThread));
                }
            });
        }
    }

    private static double runEngine(SyscallEngine engine, Path file, int threads, int perThread, int batch) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            int fd = fdOf(engine, file);
            try {
                return timed(threads, perThread, t -> {
                    ByteBuffer mem = ByteBuffer.allocateDirect(SIZE * batch);
                    long base = NativeMemory.address(mem);
                    Call[] calls = new Call[batch];
                    for (int k = 0; k < batch; k++) {
                        calls[k] = new Call();
                    }
                    for (int i = 0; i < perThread; i += batch) {
                        int n = Math.min(batch, perThread - i);
                        for (int k = 0; k < n; k++) {
                            for (int j = 0; j < SIZE; j++) {
                                mem.put(k * SIZE + j, fill(t, i + k));
                            }
                            calls[k].set(SysNr.PWRITE64, fd, base + (long) k * SIZE, SIZE, offset(t, i + k, perThread), 0, 0);
                        }
                        if (n == 1) {
                            check(engine.execute(calls[0]));
                        } else {
                            engine.executeBatch(calls, 0, n);
                            for (int k = 0; k < n; k++) {
                                check(calls[k].result());
                            }
                        }
                    }
                });
            } finally {
                engine.syscall(SysNr.CLOSE, fd, 0, 0);
            }
        }
    }

    private static int fdOf(SyscallEngine engine, Path file) {
        byte[] name = (file.toString() + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer path = ByteBuffer.allocateDirect(name.length).put(name);
        long fd = engine.syscall(SysNr.OPENAT, -100 /* AT_FDCWD */, NativeMemory.address(path), 01 /* O_WRONLY */, 0, 0, 0);
        check(fd);
        return (int) fd;
    }

    private static void check(long raw) {
        if (Errno.isError(raw)) {
            throw new IllegalStateException("system call failed: errno " + Errno.of(raw));
        }
    }

    private static String verify(Path file, int threads, int perThread) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length != (long) threads * perThread * SIZE) {
            return "WRONG SIZE " + all.length;
        }
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                int off = (int) offset(t, i, perThread);
                for (int j = 0; j < SIZE; j++) {
                    if (all[off + j] != fill(t, i)) {
                        return "CORRUPT at " + (off + j);
                    }
                }
            }
        }
        return "bytes ok";
    }

    interface Work {
        void run(int thread) throws Exception;
    }

    private static double timed(int threads, int perThread, Work work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    work.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "demo-" + t);
            th.start();
            all.add(th);
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread th : all) {
            th.join();
        }
        long ns = System.nanoTime() - t0;
        if (failure.get() != null) {
            throw new IllegalStateException("demo worker failed", failure.get());
        }
        return (double) threads * perThread / (ns / 1e9);
    }
}
