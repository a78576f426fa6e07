package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.engine.uring.UringAccess;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import io.flexsc.nio.net.batch.Flusher;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dflexsc.net.epollInRing=true}: a selector's own ring carries its epoll_wait (Linux 6.15,
 * IORING_OP_EPOLL_WAIT), so that the first batch of a select (epoll_ctl updates, queued writes) and
 * the wait cost one io_uring_enter. The select behaves as the JDK's: timeouts, wake-ups before and
 * during a select, close and interrupt during a select, data arriving during the wait; no wait is left
 * in the ring after a select; and the engine's counters show one kernel entry fewer per select.
 */
class EpollInRingTest {
    static final Duration HANG = Duration.ofSeconds(20);
    static final SelectorProvider OURS = new FlexSelectorProvider();

    private final java.util.List<AutoCloseable> toClose = new java.util.ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /**
     * A selector of ours opened with flexsc.net.epollInRing as given, and writes queued
     * (flexsc.net.writeRule=queue: some tests count a queued write's batch); both read at its creation.
     */
    static synchronized FlexSelector open(boolean inRing) throws IOException {
        String was = System.getProperty(FlexSelector.EPOLL_IN_RING_PROPERTY);
        String rule = System.getProperty("flexsc.net.writeRule");
        System.setProperty(FlexSelector.EPOLL_IN_RING_PROPERTY, Boolean.toString(inRing));
        System.setProperty("flexsc.net.writeRule", "queue");
        try {
            return (FlexSelector) OURS.openSelector();
        } finally {
            restore(FlexSelector.EPOLL_IN_RING_PROPERTY, was);
            restore("flexsc.net.writeRule", rule);
        }
    }

    private static void restore(String key, String was) {
        if (was == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, was);
        }
    }

    /** A selector whose ring carries its wait; the test is skipped where that cannot be. */
    private FlexSelector inRing() throws IOException {
        FlexSelector s = open(true);
        toClose.add(s);
        assumeTrue(s.epollInRing(), "no epoll_wait in the selector's ring here: it needs the uring engine, a batching "
                + "selector with a ring of its own, and IORING_OP_EPOLL_WAIT (Linux 6.15); engine "
                + NetSys.engine().name() + ", kernel " + System.getProperty("os.version"));
        return s;
    }

    private Selector jdk() throws IOException {
        Selector s = JdkProvider.get().openSelector();
        toClose.add(s);
        return s;
    }

    private static int inflight(FlexSelector s) {
        SyscallEngine e = s.batchEngine();
        return UringAccess.inflight(e);
    }

    /** A connected pair: [0] ours (non-blocking, registered for OP_READ with {@code sel}), [1] the JDK's peer (blocking). */
    private SocketChannel[] pair(Selector sel, SelectorProvider ours) throws IOException {
        SocketChannel[] p = connected(ours);
        p[0].configureBlocking(false);
        p[0].register(sel, SelectionKey.OP_READ);
        return p;
    }

    /** A connected pair, both blocking and unregistered: [0] ours, [1] the JDK's peer. */
    private SocketChannel[] connected(SelectorProvider ours) throws IOException {
        ServerSocketChannel ss = JdkProvider.get().openServerSocketChannel();
        toClose.add(ss);
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel a = ours.openSocketChannel();
        toClose.add(a);
        a.connect(ss.getLocalAddress());
        SocketChannel b = ss.accept();
        toClose.add(b);
        return new SocketChannel[] {a, b};
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aTimedSelectReturnsZeroOnTimeAndLeavesNoWaitInTheRing() throws Exception {
        FlexSelector sel = inRing();
        SocketChannel[] p = pair(sel, OURS);
        Selector jdk = jdk();
        SocketChannel[] q = pair(jdk, JdkProvider.get());
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            int n = assertTimeoutPreemptively(HANG, () -> sel.select(120));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(jdk.select(120), n, "as the JDK's: nothing selected");
            assertTrue(ms >= 110 && ms < 5_000, "select(120) took " + ms + " ms");
            assertEquals(0, inflight(sel), "the timed-out wait is not left in the ring");
        }
        // the next select still works: data arrives, the key is reported
        p[1].write(ascii("x"));
        q[1].write(ascii("x"));
        assertEquals(jdk.select(5_000), assertTimeoutPreemptively(HANG, () -> sel.select(5_000)));
        assertEquals(1, sel.selectedKeys().size());
        assertEquals(0, inflight(sel));
    }

    /** What a select on {@code sel} in another thread returns when {@code act} runs during it. */
    private static String duringSelect(Selector sel, IoAction act) throws Exception {
        AtomicReference<String> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                int n = sel.select();
                outcome.set("returned " + n + (Thread.currentThread().isInterrupted() ? ", interrupted" : ""));
            } catch (Throwable e) {
                outcome.set(e.getClass().getName() + (Thread.currentThread().isInterrupted() ? ", interrupted" : ""));
            }
        }, "selecting");
        t.setDaemon(true);
        t.start();
        SelectorCloseTest.awaitInSelect(t);
        act.run(t);
        t.join(HANG.toMillis());
        assertFalse(t.isAlive(), "the select did not return");
        return outcome.get();
    }

    interface IoAction {
        void run(Thread selecting) throws Exception;
    }

    @Test
    void aWakeupFromAnotherThreadEndsTheWaitAsTheJdks() throws Exception {
        FlexSelector sel = inRing();
        pair(sel, OURS);
        Selector jdk = jdk();
        assertEquals(duringSelect(jdk, t -> jdk.wakeup()), duringSelect(sel, t -> sel.wakeup()));
        assertEquals(0, inflight(sel));
        assertEquals(0, sel.selectNow(), "the wake-up was consumed");
    }

    @Test
    void aWakeupBeforeTheSelectMakesItReturnAtOnceAsTheJdks() throws Exception {
        FlexSelector sel = inRing();
        pair(sel, OURS);
        Selector jdk = jdk();
        jdk.wakeup();
        sel.wakeup();
        assertEquals(jdk.select(), (int) assertTimeoutPreemptively(HANG, () -> sel.select()));
        long t0 = System.nanoTime();
        assertEquals(0, sel.select(60));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50), "the wake-up woke a second select");
        assertEquals(0, inflight(sel));
    }

    @Test
    void closeDuringTheSelectEndsItAsTheJdks() throws Exception {
        FlexSelector sel = inRing();
        pair(sel, OURS);
        Selector jdk = jdk();
        String theirs = duringSelect(jdk, t -> jdk.close());
        String ours = duringSelect(sel, t -> assertTimeoutPreemptively(HANG, sel::close));
        assertEquals(theirs, ours);
        assertFalse(sel.isOpen());
    }

    @Test
    void anInterruptEndsTheSelectAndStaysSetAsTheJdks() throws Exception {
        FlexSelector sel = inRing();
        pair(sel, OURS);
        Selector jdk = jdk();
        String theirs = duringSelect(jdk, Thread::interrupt);
        String ours = duringSelect(sel, Thread::interrupt);
        assertEquals(theirs, ours);
        assertTrue(ours.endsWith("interrupted"), ours);
        assertEquals(0, inflight(sel));
    }

    @Test
    void dataArrivingDuringTheWaitIsReported() throws Exception {
        FlexSelector sel = inRing();
        SocketChannel[] p = pair(sel, OURS);
        String outcome = duringSelect(sel, t -> p[1].write(ascii("hello")));
        assertEquals("returned 1", outcome);
        SelectionKey k = sel.selectedKeys().iterator().next();
        assertTrue(k.isReadable());
        ByteBuffer b = ByteBuffer.allocate(16);
        assertEquals(5, p[0].read(b));
        assertEquals("hello", new String(b.array(), 0, 5, StandardCharsets.US_ASCII));
        assertEquals(0, inflight(sel));
    }

    @Test
    void manySelectsInARowLeaveNothingBehind() throws Exception {
        FlexSelector sel = inRing();
        SocketChannel[] p = pair(sel, OURS);
        for (int i = 0; i < 600; i++) { // more than a ring's in-flight table, were waits left in it
            assertEquals(0, i % 2 == 0 ? sel.selectNow() : sel.select(1), "select " + i);
        }
        assertEquals(0, inflight(sel));
        p[1].write(ascii("y"));
        assertEquals(1, (int) assertTimeoutPreemptively(HANG, () -> sel.select(5_000)));
    }

    /**
     * Kernel entries (the engine's batches: io_uring_enter calls that submit, and system calls made
     * directly) of one select whose first batch carries an epoll_ctl ADD and finds the new channel
     * readable at once: the ADD and the wait, then the read-ahead. In the ring: 2; without: 3.
     */
    private long entriesOfASelectWithAnUpdate(FlexSelector sel) throws Exception {
        SocketChannel[] p = connected(OURS);
        SocketChannel a = p[0];
        SocketChannel b = p[1];
        a.configureBlocking(false);
        b.write(ascii("ready")); // loopback: in a's receive queue when write returns
        a.register(sel, SelectionKey.OP_READ); // the ADD goes in the next select's first batch
        long before = NetSys.engine().stats().getBatches();
        assertEquals(1, sel.select(5_000));
        long entries = NetSys.engine().stats().getBatches() - before;
        sel.selectedKeys().clear();
        assertEquals(5, a.read(ByteBuffer.allocate(16)));
        return entries;
    }

    @Test
    void anUpdateAndTheWaitCostOneEntryInsteadOfTwo() throws Exception {
        FlexSelector on = inRing();
        FlexSelector off = open(false);
        toClose.add(off);
        assertFalse(off.epollInRing());
        assertEquals(3, entriesOfASelectWithAnUpdate(off), "without: the ctl batch, the epoll_wait, the read-ahead");
        assertEquals(2, entriesOfASelectWithAnUpdate(on), "in the ring: the ctl and the wait in one entry, the read-ahead");
    }

    /**
     * The same with a queued write in the first batch (its wait is then one of 0): entries of the
     * select, or -1 if the attempt could not be made as meant (the write was not queued, or the
     * flusher may have sent the queue before the select).
     */
    private long entriesOfASelectWithAWrite(FlexSelector sel, SocketChannel[] p) throws Exception {
        sel.selectNow();
        sel.selectedKeys().clear();
        long t0 = System.nanoTime();
        assertEquals(4, p[0].write(ascii("ping")));
        boolean queued = sel.hasQueuedWrites();
        p[1].write(ascii("pong")); // ready before the select: the wait of 0 finds it
        long before = NetSys.engine().stats().getBatches();
        boolean inTime = System.nanoTime() - t0 < Flusher.PERIOD_NANOS / 2;
        assertEquals(1, sel.select(5_000));
        long entries = NetSys.engine().stats().getBatches() - before;
        sel.selectedKeys().clear();
        ByteBuffer got = ByteBuffer.allocate(4);
        while (got.hasRemaining()) {
            assertTrue(p[1].read(got) > 0); // the write was delivered (blocking read, the peer's)
        }
        assertEquals("ping", new String(got.array(), StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.allocate(16);
        assertEquals(4, p[0].read(b));
        return queued && inTime ? entries : -1;
    }

    @Test
    void queuedWritesAndTheWaitCostOneEntryInsteadOfTwo() throws Exception {
        FlexSelector on = inRing();
        FlexSelector off = open(false);
        toClose.add(off);
        SocketChannel[] pOn = pair(on, OURS);
        SocketChannel[] pOff = pair(off, OURS);
        long eOn = -1;
        long eOff = -1;
        for (int attempt = 0; attempt < 5 && (eOn < 0 || eOff < 0); attempt++) {
            if (eOff < 0) {
                eOff = entriesOfASelectWithAWrite(off, pOff);
            }
            if (eOn < 0) {
                eOn = entriesOfASelectWithAWrite(on, pOn);
            }
        }
        assertTrue(eOn >= 0 && eOff >= 0, "no attempt queued its write and selected within the flush period");
        assertEquals(3, eOff, "without: the write batch, the epoll_wait, the read-ahead");
        assertEquals(2, eOn, "in the ring: the write and the wait in one entry, the read-ahead");
    }
}
