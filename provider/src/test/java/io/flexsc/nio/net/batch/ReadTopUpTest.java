package io.flexsc.nio.net.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.Await;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A non-blocking read that empties a read-ahead which filled its buffer goes on to the kernel, so
 * that, like the JDK's, one read returns as much of what is waiting as the caller's buffers hold.
 * Each case runs on the JDK's provider and on ours, after a select that found the bytes, and
 * compares what each read returns.
 */
class ReadTopUpTest {
    private final SelectorProvider ours = new FlexSelectorProvider();
    private final SelectorProvider jdk = JdkProvider.get();

    @BeforeEach
    void batching() {
        System.setProperty("flexsc.net.batch", "true"); // read-ahead, whatever the engine
    }

    @AfterEach
    void clear() {
        System.clearProperty("flexsc.net.batch");
    }

    /** What the peer does after sending its bytes. */
    private enum Then { NOTHING, SHUTDOWN, RESET }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /**
     * The peer sends {@code data} and does {@code then}; once a select reports the channel
     * readable (and a moment more, so that everything has arrived), reads into fresh buffers of
     * {@code shape} (heap or direct by {@code direct}) until all bytes are in and a read returns
     * -1 or 0, or throws. Returns each read's result ("E:" and the message for an exception), and
     * checks the bytes.
     */
    private static List<String> reads(SelectorProvider p, byte[] data, Then then, int[] shape, boolean direct)
            throws Exception {
        return reads(p, data, then, shape, direct, "");
    }

    private static List<String> reads(SelectorProvider p, byte[] data, Then then, int[] shape, boolean direct,
            String what) throws Exception {
        List<String> results = new ArrayList<>();
        try (ServerSocketChannel ssc = p.openServerSocketChannel()
                     .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = p.openSocketChannel();
             Selector sel = p.openSelector()) {
            // room for all the bytes at once, so that no window holds part of them back at the peer
            client.setOption(StandardSocketOptions.SO_RCVBUF, 4 * data.length + 65536);
            client.connect(ssc.getLocalAddress());
            try (SocketChannel peer = ssc.accept()) {
                client.configureBlocking(false);
                SelectionKey k = client.register(sel, SelectionKey.OP_READ);
                peer.write(ByteBuffer.wrap(data));
                if (then == Then.SHUTDOWN) {
                    peer.shutdownOutput();
                } else if (then == Then.RESET) {
                    peer.setOption(StandardSocketOptions.SO_LINGER, 0);
                    peer.close();
                }
                // everything has arrived before the first select, as the kernel's table shows: loopback
                // delivers as it sends, but under emulation (the test VM runs on TCG) the kernel's
                // network work can lag
                int local = ((InetSocketAddress) client.getLocalAddress()).getPort();
                int remote = ((InetSocketAddress) client.getRemoteAddress()).getPort();
                Await.until("the peer's " + data.length + " bytes and " + then + " arrived at port " + local + " from " + remote, () -> {
                    KernelTcp.Entry e = KernelTcp.find(local, remote);
                    return switch (then) {
                        case RESET -> e == null; // a reset socket is closed, out of the table
                        // the FIN comes in order after the bytes (and counts one in the queue's sequence span)
                        case SHUTDOWN -> e != null && e.state() == KernelTcp.CLOSE_WAIT;
                        default -> e != null && e.rxQueue() == data.length;
                    };
                });
                assertEquals(1, sel.select(5000));
                assertTrue(sel.selectedKeys().contains(k));
                ByteBuffer got = ByteBuffer.allocate(data.length);
                for (int i = 0; i < 1000; i++) {
                    ByteBuffer[] bufs = new ByteBuffer[shape.length];
                    for (int j = 0; j < shape.length; j++) {
                        bufs[j] = direct ? ByteBuffer.allocateDirect(shape[j]) : ByteBuffer.allocate(shape[j]);
                    }
                    long n;
                    try {
                        n = shape.length == 1 ? client.read(bufs[0]) : client.read(bufs);
                    } catch (IOException e) {
                        results.add("E:" + e.getClass().getName() + ": " + e.getMessage());
                        break;
                    }
                    results.add(Long.toString(n));
                    for (ByteBuffer b : bufs) {
                        got.put(b.flip());
                    }
                    if (n <= 0 && !got.hasRemaining()) {
                        break;
                    }
                }
                assertArrayEquals(data, got.array(), p.getClass().getSimpleName() + ", " + what + "; reads " + results);
            }
        }
        return results;
    }

    private void assertSameReads(byte[] data, Then then, int[] shape, boolean direct, String what) throws Exception {
        List<String> theirs = reads(jdk, data, then, shape, direct, what);
        List<String> mine = reads(ours, data, then, shape, direct, what);
        assertEquals(theirs, mine, what);
    }

    @Test
    void eachReadReturnsWhatTheJdksDoes() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int round = 0; round < 25; round++) {
            int size = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 * Batched.FIRST_AHEAD : 60_000);
            int[] shape = new int[1 + rnd.nextInt(3)];
            for (int j = 0; j < shape.length; j++) {
                shape[j] = 1 + rnd.nextInt(2 * size);
            }
            boolean direct = rnd.nextBoolean();
            assertSameReads(pattern(size, round), Then.NOTHING, shape, direct,
                    "seed " + seed + ", round " + round + ": " + size + " bytes into " + java.util.Arrays.toString(shape)
                            + (direct ? " direct" : " heap"));
        }
    }

    /** The read that empties a full read-ahead finds the end of input behind it; the next read reports it. */
    @Test
    void theEndOfInputBehindAFullReadAheadComesWithTheNextRead() throws Exception {
        byte[] data = pattern(Batched.FIRST_AHEAD, 3); // exactly what the first read-ahead takes
        assertSameReads(data, Then.SHUTDOWN, new int[] {3 * Batched.FIRST_AHEAD}, false, "shutdown");
        assertEquals(List.of(Integer.toString(data.length), "-1"),
                reads(ours, data, Then.SHUTDOWN, new int[] {3 * Batched.FIRST_AHEAD}, true));
    }

    /** The read that empties a full read-ahead finds a reset behind it; the next read throws it. */
    @Test
    void aResetBehindAFullReadAheadIsThrownByTheNextRead() throws Exception {
        byte[] data = pattern(Batched.FIRST_AHEAD, 5);
        List<String> mine = reads(ours, data, Then.RESET, new int[] {3 * Batched.FIRST_AHEAD}, false);
        assertEquals(Integer.toString(data.length), mine.get(0));
        assertEquals(reads(jdk, data, Then.RESET, new int[] {3 * Batched.FIRST_AHEAD}, false), mine);
        assertTrue(mine.get(1).startsWith("E:java.net.SocketException: Connection reset"), mine.toString());
    }

    /** A read whose buffers the read-ahead fills exactly does not ask the kernel for more. */
    @Test
    void aReadTheReadAheadFillsReturnsJustThat() throws Exception {
        byte[] data = pattern(3 * Batched.FIRST_AHEAD, 7);
        assertSameReads(data, Then.SHUTDOWN, new int[] {Batched.FIRST_AHEAD}, true, "exact");
    }
}
