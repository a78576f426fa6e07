package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In steady state a batching selector's select allocates no Java objects: 64 connections exchange
 * small messages through the batching path (write queues flushed by the select, read-aheads, the
 * speculative reads of the next select), and the bytes the selecting thread allocates inside each
 * {@code select()}, {@code selectNow()} and {@code select(Consumer)} call, after a warm-up, are
 * summed ({@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}, which counts every TLAB
 * and outside-TLAB allocation of the thread, whether or not the object is ever used).
 *
 * <p>Only the select calls are inside the measured windows: the test's own reads and writes (into
 * buffers made once) and its walk of the selected keys happen between them, and the select action
 * only records the key in an array made once. The clients' reads and writes are measured too, per
 * round, and printed, not asserted: most are served by the read-ahead and queued, allocating
 * nothing, but some go to the kernel (a write when the round took longer than the flush period, a
 * read the adaptive rule leaves to the reader), and what such a call costs is the engine's (on the
 * ring with its adaptive path off, a {@code Call} per call). 64 connections: their queues and read-aheads are more buffers
 * of one size than a thread's cache of free buffers keeps, so the shared pool is used every select. The cost of the measurement itself (two reads of the
 * counter around an empty window) is measured the same way and subtracted. The slack left, 16 bytes
 * per select on average, is for what a select may allocate rarely and not per call: a growing array
 * of the selector's (once per size doubling), a lock's queue node when another thread (the
 * flusher, the peers' kernel work never) contends. One object per select (a lambda, an iterator, a
 * boxed long, a ByteBuffer view) is at least 16 bytes, so any per-select allocation fails the test.
 */
class SelectAllocationTest {
    private static final int CONNECTIONS = 64;
    private static final int MESSAGE = 24;
    private static final int WARMUP_ROUNDS = 20_000;
    private static final int ROUNDS = 1000;
    /** Average bytes a select may allocate (see the class comment). */
    private static final double SLACK_PER_SELECT = 16;

    private final FlexSelectorProvider ours = new FlexSelectorProvider();
    private ServerSocketChannel ssc;
    private final SocketChannel[] clients = new SocketChannel[CONNECTIONS];
    private final SocketChannel[] peers = new SocketChannel[CONNECTIONS];
    private Selector sel;

    private final ByteBuffer out = ByteBuffer.allocateDirect(MESSAGE);
    private final ByteBuffer in = ByteBuffer.allocateDirect(4096);
    private final ByteBuffer heapIn = ByteBuffer.allocate(4096);
    private final ByteBuffer reply = ByteBuffer.allocate(MESSAGE);
    private final SelectionKey[] seen = new SelectionKey[CONNECTIONS + 1];
    private int seenCount;
    /** Bytes allocated by the clients' reads and writes (the channels' side of the batching path). */
    private long ioAllocated;
    /** The select action: records the key (made once; no capture per call). */
    private final Consumer<SelectionKey> record = k -> seen[seenCount++] = k;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** The measured thread: a platform thread of the test's own (the counter is a platform thread's). */
    private long self;

    private void connect(String rule) throws IOException {
        System.setProperty("flexsc.net.batch", "true"); // read-ahead and write queues, whatever the engine
        System.setProperty("flexsc.net.readAheadRule", rule);
        sel = ours.openSelector();
        assertTrue(((FlexSelector) sel).batching(), "the selector batches");
        ssc = JdkProvider.get().openServerSocketChannel().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        for (int i = 0; i < CONNECTIONS; i++) {
            clients[i] = ours.openSocketChannel();
            clients[i].connect(ssc.getLocalAddress());
            peers[i] = ssc.accept();
            peers[i].configureBlocking(false);
            clients[i].configureBlocking(false);
            clients[i].register(sel, SelectionKey.OP_READ, i);
        }
        for (int i = 0; i < MESSAGE; i++) {
            out.put(i, (byte) i);
            reply.put(i, (byte) ~i);
        }
    }

    @AfterEach
    void close() throws IOException {
        System.clearProperty("flexsc.net.batch");
        System.clearProperty("flexsc.net.readAheadRule");
        if (sel != null) {
            sel.close();
        }
        for (int i = 0; i < CONNECTIONS; i++) {
            if (clients[i] != null) {
                clients[i].close();
            }
            if (peers[i] != null) {
                peers[i].close();
            }
        }
        if (ssc != null) {
            ssc.close();
        }
    }

    private enum Kind { SELECT, SELECT_NOW, SELECT_ACTION }

    /** Bytes the thread allocated so far. */
    private long allocated() {
        return THREADS.getThreadAllocatedBytes(self);
    }

    /**
     * One round: every peer sends a message; the measured select; each selected client reads what
     * it has (every other connection into a heap buffer, so that both copies are used) and queues a
     * reply (sent by the next select's batch); the peers read the replies that arrived. Returns the
     * bytes the select allocated.
     */
    private long round(Kind kind) throws IOException {
        for (SocketChannel p : peers) {
            out.clear();
            p.write(out);
        }
        seenCount = 0;
        long before = allocated();
        switch (kind) {
            case SELECT -> sel.select(1000);
            case SELECT_NOW -> sel.selectNow();
            default -> sel.select(record, 1000);
        }
        long after = allocated();
        if (kind != Kind.SELECT_ACTION) {
            for (SelectionKey k : sel.selectedKeys()) {
                seen[seenCount++] = k;
            }
            sel.selectedKeys().clear();
        }
        long ioBefore = allocated();
        for (int i = 0; i < seenCount; i++) {
            SelectionKey k = seen[i];
            SocketChannel c = (SocketChannel) k.channel();
            ByteBuffer b = ((Integer) k.attachment() & 1) == 0 ? in : heapIn;
            long n;
            do {
                b.clear();
                n = c.read(b);
            } while (n > 0 && !b.hasRemaining());
            reply.clear();
            c.write(reply);
        }
        ioAllocated += allocated() - ioBefore;
        for (SocketChannel p : peers) {
            in.clear();
            p.read(in);
        }
        return after - before;
    }

    /** The cost of the measurement: two reads of the counter around nothing, per window. */
    private double emptyWindow() {
        long sum = 0;
        for (int i = 0; i < ROUNDS; i++) {
            long before = allocated();
            long after = allocated();
            sum += after - before;
        }
        return (double) sum / ROUNDS;
    }

    @ParameterizedTest(name = "readAheadRule={0}")
    @ValueSource(strings = {"always", "adaptive"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSelectInSteadyStateAllocatesNothing(String rule) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                measure(rule);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "SelectAllocationTest");
        t.start();
        t.join();
        if (failure.get() instanceof Error e) {
            throw e;
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    private void measure(String rule) throws Exception {
        self = Thread.currentThread().getId();
        connect(rule);
        assertTrue(THREADS.isThreadAllocatedMemorySupported(), "this JVM counts allocated bytes per thread");
        THREADS.setThreadAllocatedMemoryEnabled(true);
        assertTrue(allocated() > 0, "the counter counts this thread's allocations: " + allocated());
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            round(Kind.values()[i % 3]);
        }
        double empty = emptyWindow();
        StringBuilder report = new StringBuilder();
        boolean ok = true;
        long selected = 0;
        for (Kind kind : Kind.values()) {
            long sum = 0;
            ioAllocated = 0;
            for (int i = 0; i < ROUNDS; i++) {
                sum += round(kind);
                selected += seenCount;
            }
            double perSelect = (double) sum / ROUNDS - empty;
            report.append(kind).append(": ").append(String.format("%.1f", perSelect)).append(" bytes per select, ")
                    .append(String.format("%.1f", (double) ioAllocated / ROUNDS)).append(" per round of reads and writes; ");
            ok &= perSelect < SLACK_PER_SELECT;
        }
        report.append("(measurement itself: ").append(String.format("%.1f", empty)).append(" bytes per window)");
        System.out.println("SelectAllocationTest, readAheadRule=" + rule + ": " + report);
        assertTrue(ok, report.toString());
        // the measured selects did the work: most rounds found every connection readable
        assertTrue(selected >= 3L * ROUNDS * CONNECTIONS / 2, "keys selected in the measured rounds: " + selected);
        for (SocketChannel c : clients) {
            assertTrue(((FlexSocketChannel) c).batched().selector() == sel, "batched by the selector");
        }
    }
}
