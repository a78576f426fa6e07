package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.EngineUnderTest;
import io.flexsc.nio.engine.TestEngines;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heap-buffer writes larger than the per-thread cached temporary (1 MiB blocking writes, single and
 * gathering) while another thread calls {@code System.gc()} and a third churns direct memory: the
 * temporary direct buffer the bytes are copied into must stay reachable until the kernel has read
 * it, or the peer gets other memory's bytes. A child JVM (so that the process-wide engine can be
 * chosen, the ring forced) writes a position-dependent pattern on four connections for a few
 * seconds; the peer here checks every byte. Run on the JDK's provider and ours on every engine and
 * the forced ring.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HeapWriteGcStressTest {
    /** Threads of their own for the helpers (the common pool may have one thread on a small machine). */
    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "HeapWriteGcStressTest-helper");
        t.setDaemon(true);
        return t;
    });

    static final int CONNECTIONS = 4;
    static final int MIN_ROUNDS = 4;
    static final long MILLIS = Long.getLong("flexsc.test.gcStressMillis", 2500);

    static byte patternByte(int conn, long i) {
        return (byte) (i * 7 + (i >>> 11) + conn * 13 + (i >>> 19));
    }

    @Test
    void heapWritesAreIntactUnderGcOnEveryEngine() throws Exception {
        List<List<String>> configs = new ArrayList<>();
        configs.add(List.of()); // the JDK's provider
        String sp = "-Djava.nio.channels.spi.SelectorProvider=" + FlexSelectorProvider.class.getName();
        for (EngineUnderTest e : TestEngines.available().toList()) {
            configs.add(List.of(sp, "-Dflexsc.engine=" + e.name()));
            if (e.name().equals("uring")) {
                configs.add(List.of(sp, "-Dflexsc.engine=uring", "-Dflexsc.uring.adaptive=false"));
            }
        }
        List<String> failures = new ArrayList<>();
        List<String> results = new ArrayList<>();
        for (List<String> cfg : configs) {
            String r = run(cfg);
            results.add(cfg + ": " + r);
            if (!r.startsWith("ok")) {
                failures.add(cfg + ": " + r);
            }
        }
        System.out.println("HeapWriteGcStressTest " + String.join("; ", results));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static String run(List<String> jvmArgs) throws Exception {
        try (ServerSocket server = new ServerSocket(0, CONNECTIONS, InetAddress.getLoopbackAddress())) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmArgs);
            cmd.add("-Xmx96m");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Child.class.getName());
            cmd.add(Integer.toString(server.getLocalPort()));
            cmd.add(Long.toString(MILLIS));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            }, POOL);
            int scale = Integer.getInteger("flexsc.test.timeoutScale", 1); // stretched under TCG
            server.setSoTimeout(1000);
            long acceptDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60L * scale);
            List<CompletableFuture<long[]>> readers = new ArrayList<>();
            while (readers.size() < CONNECTIONS) {
                Socket s;
                try {
                    s = server.accept();
                } catch (java.net.SocketTimeoutException e) {
                    if (p.isAlive() && System.nanoTime() < acceptDeadline) {
                        continue;
                    }
                    p.destroyForcibly().waitFor();
                    throw new AssertionError("the child connected " + readers.size() + " of " + CONNECTIONS + " times ("
                            + String.join(" ", jvmArgs) + "): " + out.get(10, TimeUnit.SECONDS), e);
                }
                readers.add(CompletableFuture.supplyAsync(() -> verify(s), POOL));
            }
            long got = 0;
            long bad = 0;
            for (CompletableFuture<long[]> r : readers) {
                long[] v = r.get(120L * scale, TimeUnit.SECONDS);
                got += v[0];
                bad += v[1];
            }
            assertTrue(p.waitFor(60L * scale, TimeUnit.SECONDS), "child did not exit");
            String text = out.get(10, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), text);
            long wrote = text.lines().filter(l -> l.startsWith("wrote ")).mapToLong(l -> Long.parseLong(l.substring(6).trim())).sum();
            String what = "peer got " + got + " bytes of " + wrote + " written, " + bad + " corrupted";
            return got == wrote && bad == 0 && wrote > 0 ? "ok " + what : what + "; child: " + text.trim();
        }
    }

    /** Reads one connection to its end; the first byte says which connection it is. Returns {bytes, corrupted}. */
    private static long[] verify(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            s.setSoTimeout(60_000);
            int conn = in.read();
            byte[] buf = new byte[16384];
            long pos = 0;
            long bad = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != patternByte(conn, pos + i)) {
                        bad++;
                    }
                }
                pos += n;
            }
            return new long[] {pos, bad};
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The child JVM: CONNECTIONS writers of 1 MiB heap buffers, a System.gc() thread, a direct-memory churner. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[0]);
            long millis = Long.parseLong(args[1]);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            java.util.concurrent.atomic.AtomicInteger writing = new java.util.concurrent.atomic.AtomicInteger(CONNECTIONS);
            Thread gc = new Thread(() -> {
                while (writing.get() > 0) {
                    System.gc();
                }
            });
            Thread churn = new Thread(() -> {
                ByteBuffer[] keep = new ByteBuffer[4];
                for (int i = 0; writing.get() > 0; i++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
                    for (int j = 0; j < b.capacity(); j += 8) {
                        b.putLong(j, 0x5a5a5a5a5a5a5a5aL);
                    }
                    keep[i & 3] = b;
                }
            });
            gc.start();
            churn.start();
            List<Thread> writers = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int conn = c;
                Thread w = new Thread(() -> {
                    long pos = 0;
                    try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                        ch.write(ByteBuffer.wrap(new byte[] {(byte) conn}));
                        int size = 1 << 20;
                        // at least MIN_ROUNDS writes of 1 MiB, however slow the collections make them
                        for (int round = 0; round < MIN_ROUNDS || System.nanoTime() < end; round++) {
                            if (round % 2 == 0) {
                                ByteBuffer b = ByteBuffer.allocate(size);
                                for (int i = 0; i < size; i++) {
                                    b.put(i, patternByte(conn, pos + i));
                                }
                                while (b.hasRemaining()) {
                                    pos += ch.write(b);
                                }
                            } else {
                                ByteBuffer[] bs = {ByteBuffer.allocate(size / 2), ByteBuffer.allocate(size / 2)};
                                for (int k = 0; k < 2; k++) {
                                    for (int i = 0; i < size / 2; i++) {
                                        bs[k].put(i, patternByte(conn, pos + k * (size / 2) + i));
                                    }
                                }
                                while (bs[1].hasRemaining()) {
                                    pos += ch.write(bs);
                                }
                            }
                        }
                    } catch (IOException e) {
                        System.out.println("error " + e);
                    }
                    System.out.println("wrote " + pos);
                    writing.decrementAndGet();
                });
                w.start();
                writers.add(w);
            }
            for (Thread w : writers) {
                w.join();
            }
            gc.join();
            churn.join();
        }
    }
}
