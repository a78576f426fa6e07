package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.flexsc.nio.Await;
import org.junit.jupiter.api.Test;

/** The Selector contract on the flexsc selector. */
@org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class SelectorTest {
    static final SelectorProvider P = new FlexSelectorProvider();

    @Test
    void wakeupBeforeSelectMakesTheNextSelectReturn() throws Exception {
        try (Selector s = P.openSelector()) {
            s.wakeup();
            assertEquals(0, s.select());
            // the wakeup is consumed: a timed select now times out
            assertEquals(0, s.select(20));
        }
    }

    @Test
    void wakeupRacesNeverLoseAWakeup() throws Exception {
        try (Selector s = P.openSelector()) {
            for (int i = 0; i < 300; i++) {
                CountDownLatch entered = new CountDownLatch(1);
                Thread t = new Thread(() -> {
                    entered.countDown();
                    try {
                        s.select();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                t.start();
                entered.await();
                if ((i & 1) == 0) {
                    Thread.yield();
                }
                s.wakeup();
                t.join(10_000);
                assertFalse(t.isAlive(), "select returned after wakeup, round " + i);
            }
        }
    }

    @Test
    void interruptEndsSelectAndKeepsTheStatus() throws Exception {
        try (Selector s = P.openSelector()) {
            AtomicInteger result = new AtomicInteger(-1);
            CountDownLatch done = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try {
                    result.set(s.select());
                    result.addAndGet(Thread.currentThread().isInterrupted() ? 100 : 0);
                } catch (Exception e) {
                    result.set(-2);
                }
                done.countDown();
            });
            t.start();
            Await.blockedIn(t, FlexSelector.class.getName(), "doSelect"); // the interrupt finds it waiting
            t.interrupt();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(100, result.get());
            // already interrupted: returns at once
            Thread.currentThread().interrupt();
            try {
                assertEquals(0, s.select());
            } finally {
                assertTrue(Thread.interrupted());
            }
        }
    }

    @Test
    void levelTriggeredSelectedSetAndKeySets() throws Exception {
        Pipe p = P.openPipe();
        try (Selector s = P.openSelector(); Pipe.SourceChannel src = p.source(); Pipe.SinkChannel sink = p.sink()) {
            src.configureBlocking(false);
            SelectionKey k = src.register(s, SelectionKey.OP_READ, "att");
            assertSame("att", k.attachment());
            assertEquals(0, s.selectNow());
            sink.write(ByteBuffer.wrap(new byte[] {1, 2}));
            assertEquals(1, s.select(5000));
            assertTrue(s.selectedKeys().contains(k));
            assertTrue(k.isReadable());
            assertThrows(UnsupportedOperationException.class, () -> s.selectedKeys().add(k));
            assertThrows(UnsupportedOperationException.class, () -> s.keys().remove(k));
            assertThrows(UnsupportedOperationException.class, () -> s.keys().iterator().remove());
            // not read: still ready, but already selected, so the count is 0
            assertEquals(0, s.selectNow());
            Iterator<SelectionKey> it = s.selectedKeys().iterator();
            it.next();
            it.remove();
            assertTrue(s.selectedKeys().isEmpty());
            assertEquals(1, s.selectNow(), "level-triggered: unread data is ready again");
            List<SelectionKey> seen = new ArrayList<>();
            assertEquals(1, s.select(seen::add, 1000));
            assertEquals(List.of(k), seen);
            src.read(ByteBuffer.allocate(10));
            s.selectedKeys().clear();
            assertEquals(0, s.selectNow());
            k.cancel();
            assertFalse(k.isValid());
            assertThrows(CancelledKeyException.class, k::readyOps);
            s.selectNow();
            assertFalse(s.keys().contains(k));
            assertFalse(src.isRegistered());
        }
    }

    @Test
    void registerFromAnotherThreadWhileSelecting() throws Exception {
        Pipe p = P.openPipe();
        try (Selector s = P.openSelector(); Pipe.SourceChannel src = p.source(); Pipe.SinkChannel sink = p.sink()) {
            src.configureBlocking(false);
            sink.write(ByteBuffer.wrap(new byte[] {1}));
            CountDownLatch selected = new CountDownLatch(1);
            AtomicInteger n = new AtomicInteger();
            Thread t = new Thread(() -> {
                try {
                    while (n.get() == 0) {
                        n.set(s.select());
                    }
                    selected.countDown();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.start();
            Await.blockedIn(t, FlexSelector.class.getName(), "doSelect");
            src.register(s, SelectionKey.OP_READ); // does not block although a select is running
            s.wakeup();
            assertTrue(selected.await(10, TimeUnit.SECONDS));
            assertEquals(1, n.get());
        }
    }

    @Test
    void closedChannelsAndSelectors() throws Exception {
        Selector s = P.openSelector();
        try (ServerSocketChannel ssc = P.openServerSocketChannel()) {
            ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ssc.configureBlocking(false);
            SelectionKey k = ssc.register(s, SelectionKey.OP_ACCEPT);
            try (SocketChannel c = SocketChannel.open(ssc.getLocalAddress())) {
                assertEquals(1, s.select(5000));
                assertTrue(k.isAcceptable());
                ssc.accept().close();
            }
            ssc.close();
            assertFalse(k.isValid());
            s.selectNow();
            assertTrue(s.keys().isEmpty());
        }
        try (SocketChannel jdk = JdkProvider.get().openSocketChannel()) {
            jdk.configureBlocking(false);
            assertThrows(IllegalSelectorException.class, () -> jdk.register(s, SelectionKey.OP_READ));
        }
        s.close();
        assertThrows(ClosedSelectorException.class, s::selectNow);
        assertThrows(ClosedSelectorException.class, s::keys);
        s.wakeup(); // harmless after close
    }

    /**
     * A signal that interrupts the selecting thread's epoll_wait (EINTR; on io_uring the kernel
     * delivering a completion of the thread's own ring does the same) does not end the select early:
     * as the JDK's, it goes on waiting out its timeout. The signal is SIGPIPE, for which the JVM
     * installs a handler that ignores it.
     */
    @Test
    void anInterruptedEpollWaitDoesNotEndTheSelectEarly() throws Exception {
        final int sigpipe = 13;
        for (boolean batching : new boolean[] {true, false}) {
            System.setProperty("flexsc.net.batch", Boolean.toString(batching));
            try (Selector s = new FlexSelectorProvider().openSelector()) {
                long[] tid = new long[1];
                long[] result = {-1, 0};
                CountDownLatch started = new CountDownLatch(1);
                Thread selecting = new Thread(() -> {
                    tid[0] = io.flexsc.nio.engine.direct.DirectEngine.run(io.flexsc.nio.ffi.SysNr.GETTID, 0, 0, 0, 0, 0, 0);
                    started.countDown();
                    long t0 = System.nanoTime();
                    try {
                        result[0] = s.select(600);
                    } catch (java.io.IOException e) {
                        result[0] = -2;
                    }
                    result[1] = (System.nanoTime() - t0) / 1_000_000;
                });
                selecting.start();
                started.await();
                long pid = ProcessHandle.current().pid();
                for (int i = 0; i < 4; i++) {
                    // each signal finds the select waiting in the kernel (it goes back there after an EINTR)
                    while (!Await.isBlockedIn(selecting, FlexSelector.class.getName(), "doSelect") && selecting.isAlive()) {
                        Thread.onSpinWait();
                    }
                    if (io.flexsc.nio.engine.direct.DirectEngine.run(io.flexsc.nio.ffi.SysNr.TGKILL, pid, tid[0], sigpipe, 0, 0, 0) != 0) {
                        break; // ESRCH: the select returned and its thread has ended
                    }
                }
                selecting.join();
                assertEquals(0, result[0], "batching " + batching);
                assertTrue(result[1] >= 550, "batching " + batching + ": select(600) returned after " + result[1] + " ms");
            } finally {
                System.clearProperty("flexsc.net.batch");
            }
        }
    }
}
