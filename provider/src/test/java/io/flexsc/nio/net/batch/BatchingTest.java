package io.flexsc.nio.net.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.Await;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.select.FlexSelector;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Select-time batching: queued writes, the bounded queue, deferred errors, close, read-ahead, switch-off. */
class BatchingTest {
    private final FlexSelectorProvider p = new FlexSelectorProvider();
    private ServerSocketChannel ssc;
    private SocketChannel client;
    private SocketChannel peer;
    private Selector sel;

    @BeforeEach
    void connect() throws IOException {
        System.setProperty("flexsc.net.batch", "true"); // whatever the engine: these tests are about batching
        System.setProperty("flexsc.net.writeRule", "queue"); // and about the queue (WriteRuleTest: the rules)
        ssc = p.openServerSocketChannel().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = p.openSocketChannel();
        client.connect(ssc.getLocalAddress());
        peer = ssc.accept();
        peer.configureBlocking(false);
        client.configureBlocking(false);
        sel = p.openSelector();
    }

    @AfterEach
    void close() throws IOException {
        System.clearProperty("flexsc.net.batch");
        System.clearProperty("flexsc.net.writeRule");
        sel.close();
        client.close();
        peer.close();
        ssc.close();
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    @Test
    void writesFromTheSelectorThreadGoOutAtTheNextSelect() throws Exception {
        client.register(sel, SelectionKey.OP_READ);
        sel.selectNow(); // this thread is now the selector's thread
        assertEquals(5, client.write(ByteBuffer.wrap("hello".getBytes())));
        // the test JVM runs with a 200 ms flush period (pom.xml), so nothing is sent before the select
        assertEquals(0, peer.read(ByteBuffer.allocate(16)), "queued, not yet sent");
        sel.selectNow();
        ByteBuffer got = ByteBuffer.allocate(16);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (got.position() < 5 && System.nanoTime() < deadline) {
            peer.read(got);
        }
        assertEquals("hello", new String(got.array(), 0, got.position()));
    }

    /**
     * A select whose only work is a queue whose write lock another thread holds does not return 0 at
     * once (a caller that selects again would spin; Netty rebuilds its selector after 512 such
     * returns): it waits its timeout out, retrying the queue, which goes out once the lock is free.
     */
    @Test
    void aQueueWithABusyWriteLockDoesNotMakeSelectReturnAtOnce() throws Exception {
        client.register(sel, SelectionKey.OP_READ);
        sel.selectNow(); // this thread is now the selector's thread
        assertEquals(5, client.write(ByteBuffer.wrap("hello".getBytes())));
        FlexSocketChannel ch = (FlexSocketChannel) client;
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> {
            ch.fdState().writeLock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ch.fdState().writeLock.unlock();
            }
        });
        holder.start();
        held.await();
        long t0 = System.nanoTime();
        int n;
        try {
            n = sel.select(300);
        } finally {
            release.countDown();
            holder.join();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, n, "nothing is ready");
        assertTrue(ms >= 250, "select(300) returned after " + ms + " ms");
        ByteBuffer got = ByteBuffer.allocate(16);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (got.position() < 5 && System.nanoTime() < deadline) {
            sel.selectNow();
            peer.read(got);
        }
        assertEquals("hello", new String(got.array(), 0, got.position()), "the queue went out once the lock was free");
    }

    /**
     * Queues and read-ahead buffers start small and grow (copying what is queued) when a write
     * or a read needs more: random gathering writes of 1 B to 6 KB between selects, and random
     * bursts from the peer read through the read-ahead, arrive whole and in order both ways.
     */
    @Test
    void queuesAndReadAheadGrowAndShrinkWithoutLosingBytes() throws Exception {
        long seed = System.nanoTime();
        java.util.Random rnd = new java.util.Random(seed);
        SelectionKey k = client.register(sel, SelectionKey.OP_READ);
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream gotByPeer = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream sentByPeer = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream gotByClient = new java.io.ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(70_000);
        for (int round = 0; round < 300; round++) {
            sel.selectNow();
            sel.selectedKeys().clear();
            int writes = rnd.nextInt(4);
            for (int w = 0; w < writes; w++) {
                ByteBuffer[] parts = new ByteBuffer[1 + rnd.nextInt(3)];
                for (int i = 0; i < parts.length; i++) {
                    byte[] data = pattern(1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 6000), rnd.nextInt());
                    parts[i] = rnd.nextBoolean() ? ByteBuffer.wrap(data) : ByteBuffer.allocateDirect(data.length).put(data).flip();
                }
                long n = client.write(parts);
                for (ByteBuffer b : parts) { // what was taken: the consumed prefix of each part
                    for (int i = 0; i < b.position(); i++) {
                        sent.write(b.get(i));
                    }
                }
                assertTrue(n >= 0);
            }
            if (rnd.nextInt(3) == 0) {
                byte[] burst = pattern(1 + rnd.nextInt(rnd.nextBoolean() ? 200 : 20_000), rnd.nextInt());
                ByteBuffer b = ByteBuffer.wrap(burst);
                peer.write(b);
                sentByPeer.write(burst, 0, b.position());
            }
            readInto(client, in, gotByClient);
            readInto(peer, in, gotByPeer);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((gotByPeer.size() < sent.size() || gotByClient.size() < sentByPeer.size()) && System.nanoTime() < deadline) {
            sel.selectNow();
            sel.selectedKeys().clear();
            readInto(peer, in, gotByPeer);
            readInto(client, in, gotByClient);
        }
        assertTrue(java.util.Arrays.equals(sent.toByteArray(), gotByPeer.toByteArray()),
                "client -> peer: sent " + sent.size() + ", got " + gotByPeer.size() + " (seed " + seed + ")");
        assertTrue(java.util.Arrays.equals(sentByPeer.toByteArray(), gotByClient.toByteArray()),
                "peer -> client: sent " + sentByPeer.size() + ", got " + gotByClient.size() + " (seed " + seed + ")");
        assertTrue(k.isValid());
    }

    /** One non-blocking read of {@code ch} through the heap buffer {@code in}, appended to {@code out}. */
    private static void readInto(SocketChannel ch, ByteBuffer in, java.io.ByteArrayOutputStream out) throws IOException {
        in.clear();
        int r = ch.read(in);
        if (r > 0) {
            out.write(in.array(), 0, r);
        }
    }

    @Test
    void fullQueueReturnsZeroWithoutWriteReadinessAndLosesNothing() throws Exception {
        client.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        peer.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        SelectionKey k = client.register(sel, SelectionKey.OP_WRITE);
        CRC32 sent = new CRC32();
        long total = 0;
        int seed = 0;
        // fill the kernel buffers and the queue
        for (int round = 0; round < 200; round++) {
            sel.selectNow();
            byte[] chunk = pattern(8192, seed++);
            ByteBuffer b = ByteBuffer.wrap(chunk);
            int n = client.write(b);
            sent.update(chunk, 0, n);
            total += n;
            if (n == 0) {
                break;
            }
        }
        // the kernel is full and so is the queue: not writable
        sel.selectedKeys().clear();
        sel.selectNow();
        assertFalse(sel.selectedKeys().contains(k), "OP_WRITE is not ready while the queue is full");
        assertEquals(0, client.write(ByteBuffer.wrap(new byte[1])));
        // the peer reads everything; the selector keeps flushing
        CRC32 got = new CRC32();
        long received = 0;
        ByteBuffer in = ByteBuffer.allocate(65536);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (received < total && System.nanoTime() < deadline) {
            sel.selectNow();
            in.clear();
            int n = peer.read(in);
            if (n > 0) {
                got.update(in.array(), 0, n);
                received += n;
            }
        }
        assertEquals(total, received);
        assertEquals(sent.getValue(), got.getValue(), "no byte lost or reordered");
        sel.selectedKeys().clear();
        sel.selectNow();
        assertTrue(sel.selectedKeys().contains(k) && k.isWritable(), "writable again once the queue drained");
    }

    @Test
    void aFlushErrorSurfacesOnTheNextWrite() throws Exception {
        client.register(sel, SelectionKey.OP_READ);
        peer.setOption(StandardSocketOptions.SO_LINGER, 0);
        peer.close(); // reset
        AtomicReference<IOException> failure = new AtomicReference<>();
        // until the reset has arrived, writes are accepted (queued, then flushed by the select)
        Await.until("a write failing once the reset has arrived", () -> {
            try {
                sel.selectNow();
                client.write(ByteBuffer.wrap(new byte[100]));
            } catch (IOException e) {
                failure.set(e);
            }
            return failure.get() != null;
        });
        // what the JDK's write on a reset connection throws: the kernel's reset or broken pipe, not a
        // closed-channel error
        assertFalse(failure.get() instanceof java.nio.channels.ClosedChannelException, failure.get().toString());
        String m = failure.get().getMessage();
        assertTrue(m != null && (m.startsWith("Connection reset") || m.equals("Broken pipe")), failure.get().toString());
        assertTrue(client.isOpen());
    }

    @Test
    void closeSendsWhatIsQueued() throws Exception {
        client.register(sel, SelectionKey.OP_READ);
        sel.selectNow();
        byte[] data = pattern(50_000, 3);
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            assertTrue(client.write(b) > 0);
        }
        client.close(); // no select in between: close sends the queue itself
        ByteBuffer got = ByteBuffer.allocate(60_000);
        peer.configureBlocking(true);
        while (peer.read(got) >= 0) {
            // until EOF
        }
        got.flip();
        assertEquals(ByteBuffer.wrap(data), got);
    }

    @Test
    void queuedBytesAreSentEvenIfTheSelectorThreadStopsSelecting() throws Exception {
        client.register(sel, SelectionKey.OP_READ);
        sel.selectNow();
        assertEquals(3, client.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        // no further select: the flusher sends it
        peer.configureBlocking(true);
        ByteBuffer got = ByteBuffer.allocate(3);
        while (got.hasRemaining()) {
            peer.read(got);
        }
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), got.flip());
    }

    /**
     * As an event loop does, for {@code millis} and at least {@code writes} times: writes one byte
     * (queued), selects (which sends it), and waits a moment with nothing queued, so that the
     * flusher's checks find the queues empty. Each write takes its byte.
     */
    private void writeAtEverySelect(long millis, int writes) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Flusher.PERIOD_NANOS >= 100_000_000L,
                "this event loop's 1 ms pause must be well within the flush period ("
                        + Flusher.PERIOD_NANOS / 1000 + " us here): runs in the default-test execution (200 ms)");
        int written = 0;
        ByteBuffer drain = ByteBuffer.allocate(4096);
        sel.selectNow();
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end || written < writes) {
            assertEquals(1, client.write(ByteBuffer.wrap(new byte[] {42})));
            written++;
            assertTrue(((FlexSelector) sel).hasQueuedWrites(), "queued until the select");
            sel.selectNow();
            sel.selectedKeys().clear();
            drain.clear();
            peer.read(drain);
            Thread.sleep(1);
        }
    }

    /** An event loop that queues at every select stays watched: it does not wake the flusher from idle each time. */
    @Test
    void aSelectorThatQueuesAtEverySelectStaysWatchedByTheFlusher() throws Exception {
        client.register(sel, SelectionKey.OP_READ);
        writeAtEverySelect(50, 1); // the flusher runs and watches this selector
        long before = Flusher.wakeups();
        writeAtEverySelect(1500, 100); // 7 flush periods and more (slower in the emulated test VM)
        assertTrue(Flusher.wakeups() - before <= 1,
                "the flusher was woken from idle " + (Flusher.wakeups() - before) + " times");
        assertTrue(Flusher.watches((FlexSelector) sel));
    }

    /** A selector that stops queueing is no longer watched, so the flusher goes idle. */
    @Test
    void aSelectorThatStopsQueueingIsDroppedByTheFlusher() throws Exception {
        client.register(sel, SelectionKey.OP_READ);
        writeAtEverySelect(50, 1);
        assertTrue(Flusher.watches((FlexSelector) sel));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Flusher.watches((FlexSelector) sel) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Flusher.watches((FlexSelector) sel), "still watched 10 s after its last queued byte");
    }

    @Test
    void readAheadServesSmallReadsInOrder() throws Exception {
        SelectionKey k = client.register(sel, SelectionKey.OP_READ);
        byte[] data = pattern(10_000, 9);
        peer.configureBlocking(true);
        peer.write(ByteBuffer.wrap(data));
        peer.shutdownOutput();
        ByteBuffer got = ByteBuffer.allocate(20_000);
        boolean eof = false;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!eof && System.nanoTime() < deadline) {
            sel.select(1000);
            if (sel.selectedKeys().remove(k)) {
                ByteBuffer small = ByteBuffer.allocate(333);
                int n;
                while ((n = client.read(small)) > 0) {
                    small.flip();
                    got.put(small);
                    small.clear();
                }
                eof = n < 0;
            }
        }
        assertTrue(eof);
        got.flip();
        assertEquals(ByteBuffer.wrap(data), got);
    }

    @Test
    void switchedOffWritesGoStraightToTheKernel() throws Exception {
        System.setProperty("flexsc.net.batch", "false");
        try (Selector plain = p.openSelector()) {
            client.register(plain, SelectionKey.OP_READ);
            plain.selectNow();
            client.write(ByteBuffer.wrap("now".getBytes()));
            peer.configureBlocking(true);
            ByteBuffer got = ByteBuffer.allocate(3);
            while (got.hasRemaining()) {
                peer.read(got);
            }
            assertEquals("now", new String(got.array()));
        } finally {
            System.setProperty("flexsc.net.batch", "true");
        }
    }

    @Test
    void aChannelOnABatchingAndAPlainSelectorIsWritableOnBoth() throws Exception {
        SelectionKey batchedKey = client.register(sel, SelectionKey.OP_WRITE);
        System.setProperty("flexsc.net.batch", "false");
        try (Selector plain = p.openSelector()) {
            SelectionKey plainKey = client.register(plain, SelectionKey.OP_WRITE);
            assertEquals(1, sel.selectNow());
            assertTrue(batchedKey.isWritable());
            assertEquals(1, plain.select(5000));
            assertTrue(plainKey.isWritable());
        } finally {
            System.setProperty("flexsc.net.batch", "true");
        }
    }

    @Test
    void aFlushErrorCarriesTheKernelsMessage() {
        assertEquals("Broken pipe", NetSys.message(io.flexsc.nio.ffi.Errno.EPIPE));
        assertEquals("Broken pipe", NetSys.exception(io.flexsc.nio.ffi.Errno.EPIPE, null).getMessage());
    }
}
