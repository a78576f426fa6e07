package io.flexsc.nio.net.channels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Basic channel behaviour on the flexsc provider, compared with what the JDK's channels do. */
class ChannelBasicsTest {
    static final SelectorProvider P = new FlexSelectorProvider();

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Test
    void blockingEchoWithHeapAndDirectBuffers() throws Exception {
        try (ServerSocketChannel ssc = P.openServerSocketChannel().bind(loopback(0));
             SocketChannel c = P.openSocketChannel()) {
            assertTrue(c.connect(ssc.getLocalAddress()));
            try (SocketChannel s = ssc.accept()) {
                assertEquals(c.getLocalAddress(), s.getRemoteAddress());
                assertEquals(c.getRemoteAddress(), s.getLocalAddress());
                byte[] data = new byte[100_000];
                new Random(1).nextBytes(data);
                Thread w = new Thread(() -> {
                    try {
                        ByteBuffer[] parts = {ByteBuffer.wrap(data, 0, 10), ByteBuffer.allocateDirect(50_000), ByteBuffer.wrap(data, 50_010, 49_990)};
                        parts[1].put(data, 10, 50_000).flip();
                        long n = 0;
                        while (n < data.length) {
                            n += c.write(parts);
                        }
                        c.shutdownOutput();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                w.start();
                ByteBuffer got = ByteBuffer.allocate(data.length + 10);
                ByteBuffer direct = ByteBuffer.allocateDirect(7000);
                for (;;) {
                    direct.clear();
                    int n = s.read(direct);
                    if (n < 0) {
                        break;
                    }
                    direct.flip();
                    got.put(direct);
                }
                w.join();
                assertEquals(data.length, got.position());
                byte[] b = new byte[data.length];
                got.flip().get(b);
                assertArrayEquals(data, b);
                assertEquals(-1, s.read(ByteBuffer.allocate(1)));
            }
        }
    }

    @Test
    void refusedConnectThrowsAndClosesTheChannel() throws Exception {
        int port;
        try (ServerSocketChannel ssc = P.openServerSocketChannel().bind(loopback(0))) {
            port = ((InetSocketAddress) ssc.getLocalAddress()).getPort();
        }
        SocketChannel c = P.openSocketChannel();
        ConnectException e = assertThrows(ConnectException.class, () -> c.connect(loopback(port)));
        assertEquals("Connection refused", e.getMessage());
        assertFalse(c.isOpen());
    }

    /**
     * SO_SNDBUF and SO_RCVBUF read back as the JDK's channels report them (the kernel's doubled
     * figure halved), by default and after setting random sizes, on every channel kind.
     */
    @Test
    void bufferSizesReadBackAsOnTheJdk() throws Exception {
        SelectorProvider jdk = JdkProvider.get();
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        java.util.List<java.util.function.Function<SelectorProvider, java.nio.channels.NetworkChannel>> kinds = java.util.List.of(
                p -> open(p::openSocketChannel), p -> open(p::openServerSocketChannel), p -> open(p::openDatagramChannel));
        for (var kind : kinds) {
            try (java.nio.channels.NetworkChannel ours = kind.apply(P); java.nio.channels.NetworkChannel theirs = kind.apply(jdk)) {
                for (var opt : java.util.List.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF)) {
                    if (!theirs.supportedOptions().contains(opt)) {
                        assertFalse(ours.supportedOptions().contains(opt), opt + " on " + ours);
                        continue;
                    }
                    assertEquals(theirs.getOption(opt), ours.getOption(opt), "default " + opt + " on " + ours);
                    int want = 4096 + rnd.nextInt(200_000);
                    theirs.setOption(opt, want);
                    ours.setOption(opt, want);
                    assertEquals(theirs.getOption(opt), ours.getOption(opt), opt + " set to " + want + " on " + ours + " (seed " + seed + ")");
                }
            }
        }
    }

    private static java.nio.channels.NetworkChannel open(java.util.concurrent.Callable<? extends java.nio.channels.NetworkChannel> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void misuseGivesTheJdkExceptions() throws Exception {
        try (SocketChannel c = P.openSocketChannel()) {
            assertThrows(NotYetConnectedException.class, () -> c.read(ByteBuffer.allocate(1)));
            assertThrows(NotYetConnectedException.class, () -> c.write(ByteBuffer.allocate(1)));
            assertThrows(UnsupportedOperationException.class, () -> c.setOption(StandardSocketOptions.SO_BROADCAST, true));
            assertThrows(IllegalArgumentException.class, () -> c.read(ByteBuffer.allocate(1).asReadOnlyBuffer()));
            assertNull(c.getRemoteAddress());
        }
        SocketChannel closed = P.openSocketChannel();
        closed.close();
        assertThrows(ClosedChannelException.class, () -> closed.getLocalAddress());
        assertThrows(ClosedChannelException.class, () -> closed.connect(loopback(1)));
        try (ServerSocketChannel ssc = P.openServerSocketChannel().bind(loopback(0));
             SocketChannel c = SocketChannel.open(ssc.getLocalAddress())) {
            assertThrows(AlreadyConnectedException.class, () -> c.connect(ssc.getLocalAddress()));
            assertTrue(ssc.getOption(StandardSocketOptions.SO_REUSEADDR), "server sockets reuse addresses by default");
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            assertTrue(c.getOption(StandardSocketOptions.TCP_NODELAY));
            c.setOption(StandardSocketOptions.SO_LINGER, 5);
            assertEquals(5, c.getOption(StandardSocketOptions.SO_LINGER));
            c.setOption(StandardSocketOptions.SO_LINGER, -1);
            assertEquals(-1, c.getOption(StandardSocketOptions.SO_LINGER));
            assertEquals(SelectorProvider.provider().openSocketChannel().supportedOptions().size(), c.supportedOptions().size());
            assertNotNull(c.socket());
            assertTrue(c.socket().isConnected());
            assertEquals(((InetSocketAddress) ssc.getLocalAddress()).getPort(), c.socket().getPort());
        }
    }

    @Test
    void pipeTransfersBothModes() throws Exception {
        Pipe p = P.openPipe();
        try (Pipe.SinkChannel sink = p.sink(); Pipe.SourceChannel src = p.source()) {
            assertEquals(5, sink.write(ByteBuffer.wrap("hello".getBytes())));
            ByteBuffer b = ByteBuffer.allocate(10);
            assertEquals(5, src.read(b));
            src.configureBlocking(false);
            assertEquals(0, src.read(b));
            sink.close();
            assertEquals(-1, src.read(b));
        }
    }

    @Test
    void unixDomainEcho() throws Exception {
        try (ServerSocketChannel ssc = P.openServerSocketChannel(StandardProtocolFamily.UNIX).bind(null);
             SocketChannel c = P.openSocketChannel(StandardProtocolFamily.UNIX)) {
            try {
                assertTrue(c.connect(ssc.getLocalAddress()));
                try (SocketChannel s = ssc.accept()) {
                    c.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                    ByteBuffer b = ByteBuffer.allocate(3);
                    while (b.hasRemaining()) {
                        s.read(b);
                    }
                    assertArrayEquals(new byte[] {1, 2, 3}, b.array());
                }
            } finally {
                java.nio.file.Files.deleteIfExists(((java.net.UnixDomainSocketAddress) ssc.getLocalAddress()).getPath());
            }
        }
    }
}
