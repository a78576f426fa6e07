package io.flexsc.nio.net.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.flexsc.nio.Await;
import org.junit.jupiter.api.Test;

/** Half-close, reset, refused connects, timeouts, interrupt and asynchronous close, as the JDK does them. */
class FailureModesTest {
    static final SelectorProvider OURS = new FlexSelectorProvider();

    static InetSocketAddress lo(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Test
    void halfCloseLetsThePeerFinishWriting() throws Exception {
        try (ServerSocketChannel ssc = OURS.openServerSocketChannel().bind(lo(0));
             SocketChannel c = OURS.openSocketChannel(); ) {
            c.connect(ssc.getLocalAddress());
            try (SocketChannel s = ssc.accept()) {
                c.write(ByteBuffer.wrap("ping".getBytes()));
                c.shutdownOutput();
                assertTrue(c.socket().isOutputShutdown());
                assertThrows(java.nio.channels.ClosedChannelException.class, () -> c.write(ByteBuffer.allocate(1)));
                ByteBuffer b = ByteBuffer.allocate(16);
                while (s.read(b) >= 0) {
                    // until EOF
                }
                assertEquals("ping", new String(b.array(), 0, b.position()));
                s.write(ByteBuffer.wrap("pong".getBytes()));
                s.close();
                ByteBuffer r = ByteBuffer.allocate(16);
                while (c.read(r) >= 0) {
                    // until EOF
                }
                assertEquals("pong", new String(r.array(), 0, r.position()));
                c.shutdownInput();
                assertEquals(-1, c.read(ByteBuffer.allocate(1)));
            }
        }
    }

    /** What a read on a connection the peer reset throws, for a provider. */
    private static Class<?> resetOutcome(SelectorProvider p, StringBuilder message) throws Exception {
        try (ServerSocketChannel ssc = p.openServerSocketChannel().bind(lo(0));
             SocketChannel c = p.openSocketChannel()) {
            c.connect(ssc.getLocalAddress());
            SocketChannel s = ssc.accept();
            s.setOption(StandardSocketOptions.SO_LINGER, 0);
            s.close();
            try {
                c.read(ByteBuffer.allocate(10));
                return Void.class;
            } catch (IOException e) {
                message.append(e.getMessage());
                return e.getClass();
            }
        }
    }

    @Test
    void peerResetIsReportedAsTheJdkReportsIt() throws Exception {
        StringBuilder ours = new StringBuilder();
        StringBuilder jdk = new StringBuilder();
        assertEquals(resetOutcome(JdkProvider.get(), jdk), resetOutcome(OURS, ours));
        assertEquals(jdk.toString(), ours.toString());
        assertEquals("Connection reset", ours.toString());
    }

    @Test
    void refusedNonBlockingConnect() throws Exception {
        int port;
        try (ServerSocketChannel ssc = OURS.openServerSocketChannel().bind(lo(0))) {
            port = ((InetSocketAddress) ssc.getLocalAddress()).getPort();
        }
        try (Selector sel = OURS.openSelector(); SocketChannel c = OURS.openSocketChannel()) {
            c.configureBlocking(false);
            if (!c.connect(lo(port))) {
                c.register(sel, SelectionKey.OP_CONNECT);
                assertEquals(1, sel.select(5000));
            }
            ConnectException e = assertThrows(ConnectException.class, c::finishConnect);
            assertEquals("Connection refused", e.getMessage());
            assertFalse(c.isOpen());
        }
    }

    @Test
    void adaptorTimeouts() throws Exception {
        try (ServerSocketChannel ssc = OURS.openServerSocketChannel().bind(lo(0))) {
            ssc.socket().setSoTimeout(50);
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> ssc.socket().accept());
            assertEquals("Accept timed out", e.getMessage());
            try (SocketChannel c = OURS.openSocketChannel()) {
                Socket s = c.socket();
                s.connect(ssc.getLocalAddress(), 5000);
                s.setSoTimeout(50);
                InputStream in = s.getInputStream();
                SocketTimeoutException r = assertThrows(SocketTimeoutException.class, () -> in.read());
                assertEquals("Read timed out", r.getMessage());
                assertTrue(c.isOpen(), "a timed-out read leaves the socket open, as the JDK's");
            }
        }
    }

    @Test
    void interruptClosesTheChannelAndAsyncCloseEndsTheRead() throws Exception {
        try (ServerSocketChannel ssc = OURS.openServerSocketChannel().bind(lo(0))) {
            for (int round = 0; round < 2; round++) {
                boolean interrupt = round == 0;
                SocketChannel c = OURS.openSocketChannel();
                c.connect(ssc.getLocalAddress());
                try (SocketChannel peer = ssc.accept()) {
                    AtomicReference<Throwable> thrown = new AtomicReference<>();
                    AtomicReference<Boolean> flag = new AtomicReference<>();
                    CountDownLatch done = new CountDownLatch(1);
                    Thread t = new Thread(() -> {
                        try {
                            c.read(ByteBuffer.allocate(10));
                        } catch (Throwable e) {
                            thrown.set(e);
                        }
                        flag.set(Thread.currentThread().isInterrupted());
                        done.countDown();
                    });
                    t.start();
                    // the read waits for bytes, inside begin(): a close before that is no asynchronous close
                    // (ClosedChannelException, as the JDK's), and class loading in read() also shows a
                    // native frame on top, so "blocked in read" alone let the close come too early (TCG)
                    Await.blockedIn(t, FlexSocketChannel.class.getName(), "awaitRead");
                    if (interrupt) {
                        t.interrupt();
                    } else {
                        c.close();
                    }
                    assertTrue(done.await(10, TimeUnit.SECONDS));
                    if (interrupt) {
                        assertEquals(ClosedByInterruptException.class, thrown.get().getClass());
                        assertTrue(flag.get());
                    } else {
                        assertEquals(AsynchronousCloseException.class, thrown.get().getClass());
                    }
                    assertFalse(c.isOpen());
                    // the peer sees the close
                    assertEquals(-1, peer.read(ByteBuffer.allocate(1)));
                }
            }
        }
    }
}
