package io.flexsc.nio.net.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.Await;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.select.FlexSelector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A selector's budgets for read-ahead buffers and write queues: beyond them channels read and write
 * as the JDK's do, a direct write the kernel refuses waits for EPOLLOUT, and no byte is lost.
 */
class BatchingBudgetTest {
    private final FlexSelectorProvider p = new FlexSelectorProvider();
    private final List<AutoCloseable> open = new ArrayList<>();
    private ServerSocketChannel ssc;

    @AfterEach
    void closeAll() throws Exception {
        System.clearProperty("flexsc.net.batch");
        System.clearProperty("flexsc.net.readAheadBudget");
        System.clearProperty("flexsc.net.writeQueueBudget");
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A batching selector whose budgets are {@code aheadBudget} and {@code queueBudget} bytes. */
    private FlexSelector selector(int aheadBudget, int queueBudget) throws IOException {
        System.setProperty("flexsc.net.batch", "true");
        System.setProperty("flexsc.net.readAheadBudget", Integer.toString(aheadBudget));
        System.setProperty("flexsc.net.writeQueueBudget", Integer.toString(queueBudget));
        FlexSelector s = (FlexSelector) p.openSelector();
        open.add(s);
        return s;
    }

    /** A connected pair, both non-blocking: [0] is ours to register, [1] the peer. */
    private SocketChannel[] pair() throws IOException {
        if (ssc == null) {
            ssc = p.openServerSocketChannel().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            open.add(ssc);
        }
        SocketChannel a = p.openSocketChannel();
        open.add(a);
        a.connect(ssc.getLocalAddress());
        SocketChannel b = ssc.accept();
        open.add(b);
        a.configureBlocking(false);
        b.configureBlocking(false);
        return new SocketChannel[] {a, b};
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    /** Reads what {@code ch} has now into {@code out}; the bytes read, -1 at EOF. */
    private static int drain(SocketChannel ch, ByteArrayOutputStream out) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(8192);
        int total = 0;
        int n;
        while ((n = ch.read(in)) > 0) {
            out.write(in.array(), 0, n);
            in.clear();
            total += n;
        }
        return n < 0 && total == 0 ? -1 : total;
    }

    @Test
    void aWriteOverTheQueueBudgetGoesStraightToTheKernel() throws Exception {
        FlexSelector sel = selector(1 << 20, 0);
        SocketChannel[] c = pair();
        c[0].register(sel, SelectionKey.OP_READ);
        sel.selectNow(); // this thread is the selector's: within a budget the write would be queued
        assertEquals(5, c[0].write(ByteBuffer.wrap("hello".getBytes())));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + 50_000_000L; // well inside the tests' 200 ms flush period
        while (got.size() < 5 && System.nanoTime() < deadline) {
            drain(c[1], got);
        }
        assertEquals("hello", got.toString(), "sent before any select");
        assertEquals(0, sel.queueBudget().used());
    }

    @Test
    void channelsBeyondTheReadAheadBudgetAreReadableAndReadFromTheKernel() throws Exception {
        FlexSelector sel = selector(2048, 1 << 20);
        List<SocketChannel[]> pairs = new ArrayList<>();
        List<SelectionKey> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SocketChannel[] c = pair();
            pairs.add(c);
            keys.add(c[0].register(sel, SelectionKey.OP_READ));
            c[1].write(ByteBuffer.wrap(pattern(3000, i)));
        }
        // the peers' bytes arrive (at once on loopback; under emulation the kernel's network work can lag)
        Await.until("every channel readable, read ahead or not", () -> {
            try {
                sel.selectNow();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return sel.selectedKeys().size() == 4;
        });
        int aheadHere = 0;
        for (SocketChannel[] c : pairs) {
            aheadHere += ((FlexSocketChannel) c[0]).batched().readAheadBytes() > 0 ? 1 : 0;
        }
        assertTrue(sel.readAheadBudget().used() <= 2048, "held " + sel.readAheadBudget().used());
        assertTrue(aheadHere <= 1, aheadHere + " channels read ahead within 2 KiB");
        for (int i = 0; i < 4; i++) {
            assertTrue(keys.get(i).isReadable());
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got.size() < 3000 && System.nanoTime() < deadline) {
                drain(pairs.get(i)[0], got);
            }
            assertArrayEquals(pattern(3000, i), got.toByteArray(), "channel " + i);
        }
        assertEquals(0, sel.readAheadBudget().used(), "read-ahead buffers given back once read");
    }

    /**
     * A direct write (over the budget) that the kernel does not take whole: OP_WRITE is not ready,
     * and a select waits its timeout out rather than reporting it (a caller waiting for OP_WRITE
     * would spin), until the peer makes room; nothing is lost. (On the uring engine this select's
     * epoll_wait is often interrupted, EINTR, by the kernel delivering a completion to the thread;
     * the select must go on waiting, as the JDK's does, not return 0.)
     */
    @Test
    void aDirectWriteTheKernelRefusesIsNotWritableUntilThereIsRoom() throws Exception {
        FlexSelector sel = selector(1 << 20, 0);
        SocketChannel[] c = pair();
        c[0].setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        c[1].setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        SelectionKey k = c[0].register(sel, SelectionKey.OP_WRITE);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int round = 0; round < 1000; round++) {
            sel.selectNow();
            ByteBuffer b = ByteBuffer.wrap(pattern(8192, round));
            int n = c[0].write(b);
            sent.write(b.array(), 0, n);
            if (n < 8192) {
                break;
            }
        }
        sel.selectedKeys().clear();
        notWritableUntilThePeerReads(sel, k, c[1], sent.toByteArray());
    }

    /**
     * {@code k}'s channel has filled the kernel with {@code sent}: a select waits its timeout out
     * (OP_WRITE is not ready), then the peer reads everything, in order, and OP_WRITE is ready.
     */
    private static void notWritableUntilThePeerReads(FlexSelector sel, SelectionKey k, SocketChannel peer, byte[] sent)
            throws IOException {
        long t0 = System.nanoTime();
        assertEquals(0, sel.select(150), "not writable while the kernel is full");
        long us = (System.nanoTime() - t0) / 1000;
        assertTrue(us >= 100_000, "the select waited: " + us + " us");
        assertFalse(sel.selectedKeys().contains(k));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (got.size() < sent.length && System.nanoTime() < deadline) {
            drain(peer, got);
        }
        assertEquals(1, sel.select(5000), "writable once the peer read");
        assertTrue(k.isWritable());
        assertArrayEquals(sent, got.toByteArray());
    }

    /**
     * Another thread's write goes to the kernel directly; when the kernel does not take it whole,
     * a key with OP_WRITE interest is not reported writable (the queue's readiness would be a lie)
     * until EPOLLOUT, and the select, woken by the change, waits for it.
     */
    @Test
    void anotherThreadsWriteThatFillsTheKernelWaitsForEpollout() throws Exception {
        FlexSelector sel = selector(Batched.DEFAULT_READ_AHEAD_BUDGET, Batched.DEFAULT_QUEUE_BUDGET);
        SocketChannel[] c = pair();
        c[0].setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        c[1].setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        SelectionKey k = c[0].register(sel, SelectionKey.OP_WRITE);
        assertEquals(1, sel.selectNow(), "writable at first");
        sel.selectedKeys().clear();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        Thread writer = new Thread(() -> {
            try {
                for (int round = 0; round < 1000; round++) {
                    ByteBuffer b = ByteBuffer.wrap(pattern(8192, round));
                    int n = c[0].write(b);
                    synchronized (sent) {
                        sent.write(b.array(), 0, n);
                    }
                    if (n < 8192) {
                        return;
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        writer.join();
        notWritableUntilThePeerReads(sel, k, c[1], sent.toByteArray());
    }

    /**
     * Random gathering writes and peer bursts on three connections under random small budgets
     * (queues and read-aheads start, grow and fall back to the kernel mid-stream): every byte
     * arrives in order both ways, and every budgeted byte is given back.
     */
    @Test
    void randomTrafficUnderSmallBudgetsLosesNothingAndGivesEveryByteBack() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int[] budgets = {0, 512, 3000, 20_000, 1 << 20};
        FlexSelector sel = selector(budgets[rnd.nextInt(budgets.length)], budgets[rnd.nextInt(budgets.length)]);
        String what = "seed " + seed + ", budgets " + sel.readAheadBudget().limit() + "/" + sel.queueBudget().limit();
        int conns = 3;
        SocketChannel[][] c = new SocketChannel[conns][];
        ByteArrayOutputStream[] sent = new ByteArrayOutputStream[conns];
        ByteArrayOutputStream[] gotByPeer = new ByteArrayOutputStream[conns];
        ByteArrayOutputStream[] sentByPeer = new ByteArrayOutputStream[conns];
        ByteArrayOutputStream[] got = new ByteArrayOutputStream[conns];
        for (int i = 0; i < conns; i++) {
            c[i] = pair();
            c[i][0].register(sel, SelectionKey.OP_READ);
            sent[i] = new ByteArrayOutputStream();
            gotByPeer[i] = new ByteArrayOutputStream();
            sentByPeer[i] = new ByteArrayOutputStream();
            got[i] = new ByteArrayOutputStream();
        }
        for (int round = 0; round < 300; round++) {
            sel.selectNow();
            sel.selectedKeys().clear();
            int i = rnd.nextInt(conns);
            for (int w = rnd.nextInt(4); w > 0; w--) {
                ByteBuffer[] parts = new ByteBuffer[1 + rnd.nextInt(3)];
                for (int j = 0; j < parts.length; j++) {
                    byte[] data = pattern(1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 6000), rnd.nextInt());
                    parts[j] = rnd.nextBoolean() ? ByteBuffer.wrap(data) : ByteBuffer.allocateDirect(data.length).put(data).flip();
                }
                c[i][0].write(parts);
                for (ByteBuffer b : parts) {
                    for (int x = 0; x < b.position(); x++) {
                        sent[i].write(b.get(x));
                    }
                }
            }
            if (rnd.nextInt(3) == 0) {
                ByteBuffer b = ByteBuffer.wrap(pattern(1 + rnd.nextInt(rnd.nextBoolean() ? 200 : 20_000), rnd.nextInt()));
                c[i][1].write(b);
                sentByPeer[i].write(b.array(), 0, b.position());
            }
            int r = rnd.nextInt(conns);
            drain(c[r][0], got[r]);
            drain(c[r][1], gotByPeer[r]);
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        boolean done = false;
        while (!done && System.nanoTime() < deadline) {
            sel.selectNow();
            sel.selectedKeys().clear();
            done = true;
            for (int i = 0; i < conns; i++) {
                drain(c[i][0], got[i]);
                drain(c[i][1], gotByPeer[i]);
                done &= gotByPeer[i].size() == sent[i].size() && got[i].size() == sentByPeer[i].size();
            }
        }
        for (int i = 0; i < conns; i++) {
            assertArrayEquals(sent[i].toByteArray(), gotByPeer[i].toByteArray(), "ours -> peer " + i + ", " + what);
            assertArrayEquals(sentByPeer[i].toByteArray(), got[i].toByteArray(), "peer -> ours " + i + ", " + what);
        }
        assertEquals(0, sel.queueBudget().used(), "queues given back, " + what);
        assertEquals(0, sel.readAheadBudget().used(), "read-aheads given back, " + what);
        for (int i = 0; i < conns; i++) {
            c[i][1].write(ByteBuffer.wrap(new byte[100])); // a read-ahead left unread when the channel closes
        }
        sel.selectedKeys().clear();
        // every channel's 100 bytes have arrived and a select has seen them (and read ahead as the budget allows)
        Await.until("the last bytes readable on every channel, " + what, () -> {
            try {
                sel.selectNow();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return sel.selectedKeys().size() == conns;
        });
        for (int i = 0; i < conns; i++) {
            c[i][0].close();
        }
        sel.selectNow();
        assertEquals(0, sel.readAheadBudget().used(), "a closed channel gives its read-ahead back, " + what);
    }
}
