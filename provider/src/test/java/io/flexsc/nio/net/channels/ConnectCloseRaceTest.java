package io.flexsc.nio.net.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * {@code close()} racing a connect or finishConnect that fails: the failing thread closes the
 * channel too, and neither waits for the other for ever.
 */
class ConnectCloseRaceTest {
    static final SelectorProvider OURS = new FlexSelectorProvider();
    static final Duration HANG = Duration.ofSeconds(20);

    static InetSocketAddress refusedAddress() throws Exception {
        try (ServerSocketChannel ssc = OURS.openServerSocketChannel()) {
            ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return (InetSocketAddress) ssc.getLocalAddress();
        }
    }

    static void awaitQueued(ReentrantLock lock, Thread t) {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (!lock.hasQueuedThread(t)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(t.getName() + " never queued on the lock");
            }
            Thread.onSpinWait();
        }
    }

    interface Op {
        void run(SocketChannel c) throws Exception;
    }

    /**
     * The connecting thread holds the read lock and waits for the write lock (held here) while a
     * closing thread, holding the close lock, waits for the read lock; then the write lock is let go:
     * the connecting thread finds the channel closed and fails, and its failure path closes the
     * channel.
     */
    private static void closeDuringFailingConnect(Op op) throws Exception {
        FlexSocketChannel c = (FlexSocketChannel) OURS.openSocketChannel();
        c.configureBlocking(false);
        AtomicReference<Throwable> opOutcome = new AtomicReference<>();
        AtomicReference<Throwable> closeOutcome = new AtomicReference<>();
        Thread connecting = new Thread(() -> {
            try {
                op.run(c);
            } catch (Throwable e) {
                opOutcome.set(e);
            }
        }, "connecting");
        Thread closing = new Thread(() -> {
            try {
                c.close();
            } catch (Throwable e) {
                closeOutcome.set(e);
            }
        }, "closing");
        connecting.setDaemon(true);
        closing.setDaemon(true);
        c.fds.writeLock.lock();
        try {
            connecting.start();
            awaitQueued(c.fds.writeLock, connecting);
            closing.start();
            awaitQueued(c.fds.readLock, closing);
        } finally {
            c.fds.writeLock.unlock();
        }
        assertTimeoutPreemptively(HANG, () -> {
            connecting.join();
            closing.join();
        }, "close() and the failing connect wait for each other");
        assertEquals(null, closeOutcome.get());
        assertTrue(opOutcome.get() instanceof ClosedChannelException, String.valueOf(opOutcome.get()));
        assertFalse(c.isOpen());
    }

    @Test
    void closeRacingAFailingFinishConnectDoesNotDeadlock() throws Exception {
        closeDuringFailingConnect(SocketChannel::finishConnect);
    }

    @Test
    void closeRacingAFailingConnectDoesNotDeadlock() throws Exception {
        InetSocketAddress refused = refusedAddress();
        closeDuringFailingConnect(c -> c.connect(refused));
    }

    /** The same race, unforced, many times, on both providers: it ends, with the exceptions the JDK's gives. */
    @Test
    void closeRacingRefusedConnectsEndsOnBothProviders() throws Exception {
        InetSocketAddress refused = refusedAddress();
        for (SelectorProvider p : new SelectorProvider[] {JdkProvider.get(), OURS}) {
            assertTimeoutPreemptively(HANG, () -> {
                for (int i = 0; i < 200; i++) {
                    try (Selector sel = p.openSelector()) {
                        SocketChannel c = p.openSocketChannel();
                        c.configureBlocking(false);
                        boolean connected;
                        try {
                            connected = c.connect(refused);
                        } catch (ConnectException e) {
                            assertFalse(c.isOpen());
                            continue;
                        }
                        assertFalse(connected);
                        c.register(sel, SelectionKey.OP_CONNECT);
                        sel.select(5000);
                        Thread closer = new Thread(() -> {
                            try {
                                c.close();
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
                        closer.start();
                        try {
                            c.finishConnect();
                        } catch (ConnectException | ClosedChannelException expected) {
                            // refused, or closed first
                        }
                        closer.join();
                        assertFalse(c.isOpen());
                    }
                }
            }, p.toString());
        }
    }
}
