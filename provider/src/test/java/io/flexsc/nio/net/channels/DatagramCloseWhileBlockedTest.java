package io.flexsc.nio.net.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flexsc.nio.net.JdkProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A connected datagram channel's blocking read, closed from another thread while it waits, ends with
 * AsynchronousCloseException, as the JDK's (ours returned 0: woken by the close, it read the
 * closed descriptor's stand-in and took its 0 for a datagram).
 */
class DatagramCloseWhileBlockedTest {
    private static String closedWhileReading(SelectorProvider p) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramChannel peer = p.openDatagramChannel().bind(new InetSocketAddress(lo, 0));
             DatagramChannel ch = p.openDatagramChannel().bind(new InetSocketAddress(lo, 0))) {
            ch.connect(peer.getLocalAddress());
            AtomicReference<String> outcome = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    outcome.set("read " + ch.read(ByteBuffer.allocate(8)));
                } catch (Exception e) {
                    outcome.set(e.getClass().getName());
                }
            }, "datagram reader");
            reader.start();
            AdaptorSemanticsTest.awaitBlocked(reader);
            ch.close();
            reader.join();
            return outcome.get();
        }
    }

    @Test
    void aBlockedReadEndsWithAsynchronousCloseExceptionAsTheJdks() throws Exception {
        String jdk = closedWhileReading(JdkProvider.get());
        assertEquals("java.nio.channels.AsynchronousCloseException", jdk);
        assertEquals(jdk, assertTimeoutPreemptively(AdaptorSemanticsTest.HANG, () -> closedWhileReading(AdaptorSemanticsTest.OURS)));
    }
}
