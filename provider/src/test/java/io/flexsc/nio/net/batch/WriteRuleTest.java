package io.flexsc.nio.net.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flexsc.nio.engine.EngineStats;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.sys.NetIO;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The write rules of a batching selector's channels ({@code -Dflexsc.net.writeRule=queue|through},
 * issue 20), each test under both, on the process's engine (every surefire execution: the default
 * engine, the forced ring). The writer is ours, non-blocking, on its batching selector's thread;
 * the peer is the JDK's. Under {@code through} a write with nothing queued goes to the kernel at
 * once, from the caller's buffer; what the kernel does not take is queued, and the bytes still
 * arrive whole and in order, before a FIN, and after a close; errors are thrown by the write itself
 * with the JDK's exception. The engine's counters tell which path each write took.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WriteRuleTest {
    private final FlexSelectorProvider p = new FlexSelectorProvider();
    private final SelectorProvider jdk = JdkProvider.get();
    private ServerSocketChannel server;
    private SocketChannel client;
    private SocketChannel peer;
    private Selector sel;

    /** Our batching selector under {@code rule}, a client of ours connected to a peer of the JDK's. */
    private void open(String rule, int clientSndBuf, int peerRcvBuf) throws IOException {
        String batch = System.setProperty("flexsc.net.batch", "true"); // whatever the engine: the rules are about batching
        String was = System.setProperty("flexsc.net.writeRule", rule);
        try {
            sel = p.openSelector();
        } finally {
            restore("flexsc.net.writeRule", was);
            restore("flexsc.net.batch", batch);
        }
        server = jdk.openServerSocketChannel();
        if (peerRcvBuf > 0) {
            server.setOption(StandardSocketOptions.SO_RCVBUF, peerRcvBuf); // inherited by the accepted socket
        }
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = p.openSocketChannel();
        if (clientSndBuf > 0) {
            client.setOption(StandardSocketOptions.SO_SNDBUF, clientSndBuf);
        }
        client.connect(server.getLocalAddress());
        peer = server.accept();
        client.configureBlocking(false);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @AfterEach
    void closeAll() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {sel, client, peer, server}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing everything
                }
            }
        }
        sel = null;
        client = peer = null;
        server = null;
    }

    private static EngineStats stats() {
        return NetSys.engine().stats();
    }

    private static byte pattern(long offset) {
        return (byte) (offset * 31 + (offset >>> 9));
    }

    private static ByteBuffer patterned(long from, int n, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put(i, pattern(from + i));
        }
        return b;
    }

    /**
     * Whether the last {@link #writeAfterSelect} was the selector's to queue or write through (the
     * counters say so): a write later than a flush period after the select is not (it goes straight
     * to the kernel, as any other thread's), and a test that depends on the rule makes its scenario
     * again. On a busy machine, with the forced ring's 1 ms flush period, that happens.
     */
    private boolean inWindow;
    /** When the last {@link #writeAfterSelect} began its select. */
    private long selectAt;

    /** Attempts of a scenario that needs its write within a flush period of its select. */
    private static final int ATTEMPTS = 20;

    /** A select, then a write on this thread, as an event loop does; the bytes written. */
    private long writeAfterSelect(ByteBuffer[] srcs) throws IOException {
        long before = stats().getWriteThroughs() + stats().getQueuedWrites();
        selectAt = System.nanoTime();
        sel.selectNow();
        long n = srcs.length == 1 ? client.write(srcs[0]) : client.write(srcs);
        inWindow = stats().getWriteThroughs() + stats().getQueuedWrites() > before;
        return n;
    }

    /**
     * Whether less than a flush period has passed since the last select began: the {@link Flusher}
     * cannot have sent a queue since (it sends one only after a whole period of its own without a
     * select).
     */
    private boolean flusherCannotHaveRun() {
        return System.nanoTime() - selectAt < Flusher.PERIOD_NANOS;
    }

    /** Reads, as the peer, exactly {@code n} bytes and checks them against the pattern from {@code from}. */
    private static void peerReads(SocketChannel peer, long from, long n) throws IOException {
        InputStream in = peer.socket().getInputStream();
        peer.socket().setSoTimeout(10_000);
        byte[] buf = new byte[8192];
        long got = 0;
        while (got < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - got));
            assertTrue(r > 0, "the peer got " + got + " of " + n + " bytes, then " + r);
            for (int i = 0; i < r; i++) {
                if (buf[i] != pattern(from + got + i)) {
                    fail("byte " + (from + got + i) + " differs: bytes lost or reordered");
                }
            }
            got += r;
        }
    }

    /**
     * Under {@code through}, a write with nothing queued is in the kernel when it returns (the peer
     * reads it with no select in between), with no copy into a queue; a gathering write of heap and
     * direct buffers too. Under {@code queue} it is copied and waits for the select.
     */
    @ParameterizedTest(name = "writeRule={0}")
    @ValueSource(strings = {"queue", "through"})
    void aWriteWithNothingQueuedGoesToTheKernelAtOnceOnlyUnderThrough(String rule) throws Exception {
        open(rule, 0, 0);
        client.register(sel, SelectionKey.OP_READ);
        long offset = 0;
        for (int attempt = 0; ; attempt++) {
            long wt = stats().getWriteThroughs();
            long qw = stats().getQueuedWrites();
            ByteBuffer heap = patterned(offset, 100, false);
            long n = writeAfterSelect(new ByteBuffer[] {heap});
            boolean both = inWindow;
            ByteBuffer[] gather = {patterned(offset + 100, 30, true), patterned(offset + 130, 0, false),
                patterned(offset + 130, 70, false), patterned(offset + 200, 56, true)};
            long m = writeAfterSelect(gather);
            both &= inWindow;
            assertEquals(100, n);
            assertEquals(156, m);
            if (!both) {
                // a write after the window went straight to the kernel: the bytes are written all the same
                assertTrue(attempt < ATTEMPTS, "no write within a flush period of its select in " + ATTEMPTS + " attempts");
                sel.selectNow();
                peerReads(peer, offset, 256);
                offset += 256;
                continue;
            }
            assertFalse(heap.hasRemaining());
            for (ByteBuffer b : gather) {
                assertFalse(b.hasRemaining());
            }
            long throughs = stats().getWriteThroughs() - wt;
            long queuedWrites = stats().getQueuedWrites() - qw;
            if (rule.equals("through")) {
                assertEquals(2, throughs, "both writes went through: " + stats());
                assertEquals(0, queuedWrites, "nothing was copied into the queue: " + stats());
                assertFalse(((FlexSocketChannel) client).batched().hasQueued());
                peerReads(peer, offset, 256); // no select in between
            } else {
                assertEquals(0, throughs, "no write went through: " + stats());
                assertEquals(2, queuedWrites, "both writes were queued: " + stats());
                boolean queued = ((FlexSocketChannel) client).batched().hasQueued();
                boolean sure = flusherCannotHaveRun();
                assertTrue(queued || !sure, "queued until the next select: " + stats());
                sel.selectNow();
                peerReads(peer, offset, 256);
                if (!sure) {
                    assertTrue(attempt < ATTEMPTS, "no write within a flush period of its select in " + ATTEMPTS + " attempts");
                    offset += 256;
                    continue; // the flusher may have sent the queue: again
                }
            }
            return;
        }
    }

    /**
     * A pipelined echo through a slow reader (small socket buffers on both sides): writes of random
     * sizes, single and gathering, heap and direct, so that the kernel often takes only part of a
     * write-through and the rest is queued; the echo comes back whole and in order. The counters show
     * that {@code through} wrote through (and queued only rests) and {@code queue} never did.
     */
    @ParameterizedTest(name = "writeRule={0}")
    @ValueSource(strings = {"queue", "through"})
    void pipelinedEchoThroughASlowReaderKeepsEveryByteInOrder(String rule) throws Exception {
        open(rule, 4096, 4096);
        long total = 3_000_000;
        AtomicReference<Throwable> peerFailure = new AtomicReference<>();
        Thread echo = new Thread(() -> {
            try {
                InputStream in = peer.socket().getInputStream();
                OutputStream out = peer.socket().getOutputStream();
                peer.socket().setSoTimeout(30_000);
                byte[] buf = new byte[700]; // a slow reader: small reads
                int r;
                while ((r = in.read(buf)) > 0) {
                    out.write(buf, 0, r);
                }
                peer.shutdownOutput();
            } catch (Throwable t) {
                peerFailure.set(t);
            }
        }, "write-rule-echo");
        echo.setDaemon(true);
        echo.start();
        long wt = stats().getWriteThroughs();
        long qw = stats().getQueuedWrites();
        SelectionKey k = client.register(sel, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        Random rnd = new Random(total);
        long sent = 0, echoed = 0;
        ByteBuffer in = ByteBuffer.allocateDirect(16384);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean eof = false;
        while (!eof) {
            assertTrue(System.nanoTime() < deadline, "echoed " + echoed + " of " + total + " bytes; sent " + sent);
            assertNull(peerFailure.get(), () -> "peer: " + peerFailure.get());
            sel.selectedKeys().clear();
            sel.select(100);
            boolean selected = sel.selectedKeys().contains(k);
            if (selected && k.isReadable()) {
                for (;;) {
                    in.clear();
                    int r = client.read(in);
                    if (r < 0) {
                        eof = true;
                        break;
                    }
                    if (r == 0) {
                        break;
                    }
                    for (int i = 0; i < r; i++) {
                        if (in.get(i) != pattern(echoed + i)) {
                            fail("echoed byte " + (echoed + i) + " differs: bytes lost or reordered (" + rule + ")");
                        }
                    }
                    echoed += r;
                }
            }
            if (selected && k.isValid() && k.isWritable() && sent < total) {
                // write until the channel takes nothing more, as an event loop does
                for (int w = 0; w < 8 && sent < total; w++) {
                    int size = (int) Math.min(total - sent, 1 + rnd.nextInt(rnd.nextBoolean() ? 300 : 40_000));
                    long n;
                    if (rnd.nextInt(3) == 0 && size > 2) {
                        int a = rnd.nextInt(size), b = rnd.nextInt(size - a);
                        ByteBuffer[] g = {patterned(sent, a, rnd.nextBoolean()), patterned(sent + a, b, rnd.nextBoolean()),
                            patterned(sent + a + b, size - a - b, rnd.nextBoolean())};
                        n = client.write(g);
                    } else {
                        n = client.write(patterned(sent, size, rnd.nextBoolean()));
                    }
                    assertTrue(n >= 0 && n <= size);
                    sent += n; // the next write starts where this one stopped (the pattern is by offset)
                    if (n < size) {
                        break;
                    }
                }
                if (sent == total) {
                    k.interestOps(SelectionKey.OP_READ);
                    client.shutdownOutput();
                }
            }
        }
        echo.join(10_000);
        assertNull(peerFailure.get(), () -> "peer: " + peerFailure.get());
        assertEquals(total, echoed);
        long throughs = stats().getWriteThroughs() - wt;
        long queuedWrites = stats().getQueuedWrites() - qw;
        System.out.println("WriteRuleTest [" + NetSys.engine().name() + ", " + rule + "]: write-throughs " + throughs
                + ", queued writes " + queuedWrites);
        if (rule.equals("through")) {
            assertTrue(throughs > 0, "writes went through: " + stats());
            assertTrue(queuedWrites > 0, "the rest of a partial write-through was queued: " + stats());
        } else {
            assertEquals(0, throughs, "no write went through: " + stats());
            assertTrue(queuedWrites > 0, stats().toString());
        }
    }

    /**
     * A reset peer: the write that finds the reset throws the JDK's exception (type and message,
     * compared with the JDK's channel in the same state), under {@code through} at once; under
     * {@code queue} the write is accepted and the error comes with the next write (deferred), with
     * the same exception.
     */
    @ParameterizedTest(name = "writeRule={0}")
    @ValueSource(strings = {"queue", "through"})
    void aResetPeerFailsTheWriteWithTheJdksException(String rule) throws Exception {
        // the JDK's channels in the same state: the peer's close resets, the reset has arrived
        IOException[] expected = new IOException[2];
        try (ServerSocketChannel ss = jdk.openServerSocketChannel().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel w = jdk.openSocketChannel();
                Selector js = jdk.openSelector()) {
            w.connect(ss.getLocalAddress());
            SocketChannel r = ss.accept();
            w.configureBlocking(false);
            SelectionKey jk = w.register(js, SelectionKey.OP_READ);
            r.setOption(StandardSocketOptions.SO_LINGER, 0);
            r.close();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!(js.select(100) > 0 && jk.isReadable())) {
                assertTrue(System.nanoTime() < deadline, "the JDK's channel never saw the reset");
            }
            for (int i = 0; i < 2; i++) {
                try {
                    w.write(ByteBuffer.wrap(new byte[100]));
                } catch (IOException e) {
                    expected[i] = e;
                }
            }
        }
        assertNotNull(expected[0], "the JDK's first write after the reset fails");
        assertNotNull(expected[1], "and so does its next one");

        for (int attempt = 0; ; attempt++) {
            open(rule, 0, 0);
            client.register(sel, SelectionKey.OP_WRITE); // no OP_READ: no read-ahead takes the reset
            peer.setOption(StandardSocketOptions.SO_LINGER, 0);
            peer.close();
            int fd = ((FlexSocketChannel) client).fdState().fd;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((NetIO.poll(fd, Linux.POLLIN, -1, 100) & (Linux.POLLERR | Linux.POLLHUP)) == 0) {
                assertTrue(System.nanoTime() < deadline, "our channel never saw the reset");
            }
            IOException first = null;
            long n = -1;
            try {
                n = writeAfterSelect(new ByteBuffer[] {ByteBuffer.wrap(new byte[100])});
            } catch (IOException e) {
                first = e;
                inWindow = rule.equals("through"); // a queued write does not fail
            }
            if (rule.equals("through") || !inWindow) {
                // through, or a write no longer the selector's to queue: the write fails itself
                assertNotNull(first, "the write that found the reset failed (returned " + n + ")");
                assertSameException(expected[0], first);
                IOException second = assertThrows(IOException.class, () -> client.write(ByteBuffer.wrap(new byte[100])),
                        "and so does the next write");
                assertSameException(expected[1], second);
                assertTrue(client.isOpen());
                if (!inWindow && rule.equals("queue")) {
                    assertTrue(attempt < ATTEMPTS, "no write within a flush period of its select in " + ATTEMPTS + " attempts");
                    closeAll();
                    continue; // the queue's deferred error is the point here: again
                }
                return;
            }
            // queue: accepted; the select's flush finds the reset, the next write-side operation throws it
            assertNull(first, "queued, not failed");
            assertEquals(100, n);
            sel.selectNow();
            IOException deferred = assertThrows(IOException.class, () -> client.write(ByteBuffer.wrap(new byte[100])),
                    "the flush's error is thrown by the next write");
            assertSameException(expected[0], deferred);
            assertTrue(client.isOpen());
            return;
        }
    }

    private static void assertSameException(IOException jdk, IOException ours) {
        assertEquals(jdk.getClass(), ours.getClass(), "JDK: " + jdk + ", ours: " + ours);
        assertEquals(jdk.getMessage(), ours.getMessage(), "JDK: " + jdk + ", ours: " + ours);
    }

    /**
     * A write the kernel takes only part of (the peer does not read), then shutdownOutput at once:
     * the peer reads every accepted byte, in order, then the end of input (the FIN after the rest).
     */
    @ParameterizedTest(name = "writeRule={0}")
    @ValueSource(strings = {"queue", "through"})
    void shutdownOutputAfterAPartialWriteSendsTheRestBeforeTheFin(String rule) throws Exception {
        partialWriteThen(rule, false);
    }

    /** As above with close(): every accepted byte reaches the peer, then the end of input. */
    @ParameterizedTest(name = "writeRule={0}")
    @ValueSource(strings = {"queue", "through"})
    void closeAfterAPartialWriteDeliversEverything(String rule) throws Exception {
        partialWriteThen(rule, true);
    }

    private void partialWriteThen(String rule, boolean close) throws Exception {
        for (int attempt = 0; ; attempt++) {
            open(rule, 4096, 4096);
            client.register(sel, SelectionKey.OP_READ);
            long wt = stats().getWriteThroughs();
            boolean direct = attempt % 2 == 0;
            ByteBuffer b = patterned(0, 300_000, direct);
            long n = writeAfterSelect(new ByteBuffer[] {b});
            if (!inWindow) {
                assertTrue(attempt < ATTEMPTS, "no write within a flush period of its select in " + ATTEMPTS + " attempts");
                closeAll();
                continue;
            }
            assertTrue(n > 0 && n < 300_000, "a partial write: " + n);
            Batched batched = ((FlexSocketChannel) client).batched();
            assertTrue(batched.hasQueued(), "the rest of what was accepted is queued");
            if (rule.equals("through")) {
                assertEquals(1, stats().getWriteThroughs() - wt, stats().toString());
                assertTrue(batched.isCongested(), "the kernel took part: congested until the queue is sent");
                assertEquals(0, client.write(patterned(n, 10, direct)), "nothing more is taken while congested");
                sel.selectedKeys().clear();
                SelectionKey k = client.keyFor(sel);
                k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                sel.selectNow();
                assertFalse(k.isValid() && sel.selectedKeys().contains(k) && k.isWritable(), "OP_WRITE is not ready");
            } else {
                assertEquals(0, stats().getWriteThroughs() - wt, stats().toString());
            }
            if (close) {
                client.close();
            } else {
                client.shutdownOutput();
            }
            peerReads(peer, 0, n);
            peer.socket().setSoTimeout(10_000);
            assertEquals(-1, peer.socket().getInputStream().read(), "the end of input after the last byte");
            return;
        }
    }
}
