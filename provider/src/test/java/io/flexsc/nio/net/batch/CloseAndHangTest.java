package io.flexsc.nio.net.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * close(), shutdownOutput() and configureBlocking(true) of a non-blocking socket channel whose
 * writes filled the kernel's buffers and (ours) its write queue, with a peer that does not read:
 * they return at once, as the JDK's do, and every byte that write() reported as written still
 * reaches the peer once it reads, in order, followed by the end of the stream where the JDK sends it.
 */
class CloseAndHangTest {
    static final SelectorProvider OURS = new FlexSelectorProvider();
    static final Duration HANG = Duration.ofSeconds(20);

    /** A connected pair and a selector; the client has filled everything it can with a pattern. */
    static final class Stuck implements AutoCloseable {
        final SelectorProvider p;
        final ServerSocketChannel ssc;
        final SocketChannel client;
        final SocketChannel peer;
        final Selector sel;
        final SelectionKey key;
        long written;

        Stuck(SelectorProvider p) throws IOException {
            this.p = p;
            System.setProperty("flexsc.net.batch", "true"); // our selector batches whatever the engine
            try {
                sel = p.openSelector();
            } finally {
                System.clearProperty("flexsc.net.batch");
            }
            ssc = p.openServerSocketChannel().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = p.openSocketChannel();
            client.connect(ssc.getLocalAddress());
            peer = ssc.accept();
            client.configureBlocking(false);
            key = client.register(sel, SelectionKey.OP_READ);
            fill();
        }

        /** Writes from the selector's thread until neither the kernel nor (ours) the queue takes more. */
        private void fill() throws IOException {
            ByteBuffer b = ByteBuffer.allocate(64 << 10);
            int zeros = 0;
            for (int i = 0; i < 100_000 && zeros < 3; i++) {
                b.clear();
                for (int j = 0; j < b.capacity(); j++) {
                    b.put(j, pattern(written + j));
                }
                // the write right after the select: with a short flush period (the forced-ring run's
                // 1000 us) a write made later goes to the kernel directly, and one the full kernel
                // does not take whole leaves the channel congested, never queueing again
                sel.selectNow();
                int n = client.write(b);
                written += n;
                zeros = n == 0 ? zeros + 1 : 0;
            }
            if (client instanceof FlexSocketChannel) {
                // One more select sends what it can: the rest stays queued, bytes only we hold. With a
                // short flush period (the forced-ring run's 1000 us) a slow pass may have written
                // directly instead: then a write made right after a select queues, and the full
                // kernel takes none of it.
                Batched batched = ((FlexSocketChannel) client).batched();
                for (int i = 0; i < 1000 && !batched.hasQueued(); i++) {
                    b.clear().limit(512);
                    for (int j = 0; j < b.limit(); j++) {
                        b.put(j, pattern(written + j));
                    }
                    sel.selectNow();
                    written += client.write(b);
                }
                assertTrue(batched.hasQueued(), "the scenario needs bytes in the write queue (exiting="
                        + Flusher.exiting() + ", flush period " + Flusher.PERIOD_NANOS / 1000 + " us)");
            }
        }

        /** The peer reads everything (blocking), checking the pattern; returns what it read before EOF or {@code upTo}. */
        long drainPeer(long upTo) throws IOException {
            return drainPeerFrom(0, upTo);
        }

        /** As {@link #drainPeer}, the stream being at byte {@code from}; returns the bytes read. */
        long drainPeerFrom(long from, long upTo) throws IOException {
            peer.configureBlocking(true);
            ByteBuffer b = ByteBuffer.allocate(64 << 10);
            long got = from;
            while (got < upTo) {
                b.clear().limit((int) Math.min(b.capacity(), upTo - got));
                int n = peer.read(b);
                if (n < 0) {
                    break;
                }
                for (int j = 0; j < n; j++) {
                    if (b.get(j) != pattern(got + j)) {
                        throw new AssertionError(p + ": byte " + (got + j) + " differs");
                    }
                }
                got += n;
            }
            return got - from;
        }

        /**
         * The peer first: its close fails any flush still waiting for it, so that the cleanup of a
         * scenario that hung (the test has failed by then) ends too.
         */
        @Override
        public void close() throws IOException {
            peer.setOption(StandardSocketOptions.SO_LINGER, 0);
            peer.close();
            assertTimeoutPreemptively(HANG, () -> {
                client.close();
                sel.close();
                ssc.close();
            }, "cleanup");
        }
    }

    static byte pattern(long i) {
        return (byte) (i % 251);
    }

    interface Op {
        void run(Stuck s) throws Exception;
    }

    /** Runs {@code op} on a stuck client; returns "bytes-delivered-equal eof" as the peer saw it. */
    private static String scenario(SelectorProvider p, Op op, boolean expectEof) throws Exception {
        try (Stuck s = new Stuck(p)) {
            assertTimeoutPreemptively(HANG, () -> op.run(s), () -> p + ": the operation waits for the peer to read");
            return assertTimeoutPreemptively(HANG, () -> {
                long got = s.drainPeer(s.written);
                assertEquals(s.written, got, p + ": bytes that write() accepted were lost");
                String eof = "";
                if (expectEof) {
                    eof = s.peer.read(ByteBuffer.allocate(1)) == -1 ? " eof" : " no eof";
                }
                return "all" + eof;
            }, () -> p + ": the peer never got the bytes");
        }
    }

    @Test
    void closeReturnsAtOnceAndTheBytesStillArrive() throws Exception {
        Op close = s -> s.client.close();
        assertEquals(scenario(JdkProvider.get(), close, true), scenario(OURS, close, true));
    }

    @Test
    void shutdownOutputReturnsAtOnceAndTheFinFollowsTheBytes() throws Exception {
        Op shut = s -> {
            s.client.shutdownOutput();
            assertTrue(s.client.socket().isOutputShutdown());
            assertTrue(s.client.isOpen());
        };
        assertEquals(scenario(JdkProvider.get(), shut, true), scenario(OURS, shut, true));
    }

    @Test
    void configureBlockingReturnsAtOnceAndLaterWritesKeepTheirOrder() throws Exception {
        Op toBlocking = s -> {
            s.key.cancel();
            s.sel.selectNow(); // deregisters
            s.client.configureBlocking(true);
        };
        for (SelectorProvider p : new SelectorProvider[] {JdkProvider.get(), OURS}) {
            try (Stuck s = new Stuck(p)) {
                assertTimeoutPreemptively(HANG, () -> toBlocking.run(s), () -> p + ": configureBlocking(true) waits");
                assertTimeoutPreemptively(HANG, () -> {
                    // what write() accepted arrives with no further write
                    assertEquals(s.written, s.drainPeer(s.written), p + ": accepted bytes held back");
                }, () -> p + ": the bytes written before configureBlocking(true) never arrive");
                assertTimeoutPreemptively(HANG, () -> {
                    // a blocking write in another thread, then the peer reads everything in order
                    Thread w = new Thread(() -> {
                        try {
                            ByteBuffer tail = ByteBuffer.allocate(1000);
                            for (int j = 0; j < 1000; j++) {
                                tail.put(j, pattern(s.written + j));
                            }
                            s.client.write(tail);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    w.start();
                    assertEquals(1000, s.drainPeerFrom(s.written, s.written + 1000), p.toString());
                    w.join();
                });
            }
        }
    }

    @Test
    void closeWithLingerWaitsAtMostTheLingerTime() throws Exception {
        for (SelectorProvider p : new SelectorProvider[] {JdkProvider.get(), OURS}) {
            try (Stuck s = new Stuck(p)) {
                s.client.setOption(StandardSocketOptions.SO_LINGER, 1);
                long t0 = System.nanoTime();
                assertTimeoutPreemptively(HANG, () -> s.client.close(), () -> p + ": close with SO_LINGER 1 waits");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 5_000, p + ": close with SO_LINGER 1 took " + ms + " ms");
                assertTimeoutPreemptively(HANG, () -> {
                    assertEquals(s.written, s.drainPeer(s.written), p.toString());
                    assertEquals(-1, s.peer.read(ByteBuffer.allocate(1)), p.toString());
                });
            }
        }
    }

    @Test
    void closeWithLingerZeroResetsAndDropsTheQueueAsTheJdks() throws Exception {
        for (SelectorProvider p : new SelectorProvider[] {JdkProvider.get(), OURS}) {
            try (Stuck s = new Stuck(p)) {
                s.client.setOption(StandardSocketOptions.SO_LINGER, 0);
                assertTimeoutPreemptively(HANG, () -> s.client.close());
                s.sel.selectNow(); // the JDK's closes a registered channel's socket when the key goes
                IOException reset = assertTimeoutPreemptively(HANG, () -> {
                    try {
                        s.drainPeer(Long.MAX_VALUE);
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                }, () -> p + ": the peer saw no reset");
                assertTrue(reset != null && "Connection reset".equals(reset.getMessage()), p + ": " + reset);
            }
        }
    }
}
