package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The flusher's watch list: an event loop that queues at every select stays watched (it does not
 * wake the flusher from idle each time), and one that stops queueing is dropped. The test JVM's
 * flush period is 200 ms (pom.xml). That queued bytes of a stalled selector are sent is in
 * {@link BatchingTest#queuedBytesAreSentEvenIfTheSelectorThreadStopsSelecting}.
 */
class FlusherTest {
    private final FlexSelectorProvider p = new FlexSelectorProvider();
    private ServerSocketChannel ssc;
    private SocketChannel client;
    private SocketChannel peer;
    private FlexSelector sel;

    @BeforeEach
    void connect() throws IOException {
        assertTrue(Flusher.PERIOD_NANOS >= 100_000_000L, "needs the unit tests' 200 ms flush period (pom.xml)");
        System.setProperty("flexsc.net.batch", "true");
        ssc = p.openServerSocketChannel().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = p.openSocketChannel();
        client.connect(ssc.getLocalAddress());
        peer = ssc.accept();
        peer.configureBlocking(false);
        client.configureBlocking(false);
        sel = (FlexSelector) p.openSelector();
        client.register(sel, SelectionKey.OP_READ);
    }

    @AfterEach
    void close() throws IOException {
        System.clearProperty("flexsc.net.batch");
        sel.close();
        client.close();
        peer.close();
        ssc.close();
    }

    /**
     * For {@code millis}, as an event loop does: writes one byte (queued), selects (which sends it),
     * and waits a moment with nothing queued, so that the flusher's checks find the queues empty.
     * Returns the bytes written.
     */
    private long writeAtEverySelect(long millis) throws Exception {
        long written = 0;
        ByteBuffer drain = ByteBuffer.allocate(4096);
        sel.selectNow();
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            written += client.write(ByteBuffer.wrap(new byte[] {42}));
            assertTrue(sel.hasQueuedWrites(), "queued until the select");
            sel.selectNow();
            sel.selectedKeys().clear();
            drain.clear();
            peer.read(drain);
            Thread.sleep(1);
        }
        return written;
    }

    @Test
    void aSelectorThatQueuesAtEverySelectStaysWatched() throws Exception {
        writeAtEverySelect(50); // the flusher runs and watches this selector
        long before = Flusher.wakeups();
        long written = writeAtEverySelect(1500); // 7 flush periods and more
        assertTrue(written > 100, "written " + written);
        assertTrue(Flusher.wakeups() - before <= 1,
                "the flusher was woken from idle " + (Flusher.wakeups() - before) + " times");
        assertTrue(Flusher.watches(sel));
    }

    @Test
    void aSelectorThatStopsQueueingIsDropped() throws Exception {
        writeAtEverySelect(50);
        assertTrue(Flusher.watches(sel));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Flusher.watches(sel) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Flusher.watches(sel), "still watched 10 s after its last queued byte");
        assertEquals(0, sel.selectNow());
    }
}
