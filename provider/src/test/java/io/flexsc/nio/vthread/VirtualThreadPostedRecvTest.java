package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.uring.PortAccess;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import io.flexsc.nio.net.sys.NetIO;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A virtual thread's blocking socket read on the uring engine posts the receive itself
 * ({@code IORING_OP_RECV}), not a readiness wait ({@code IORING_OP_POLL_ADD}) followed by a second
 * read (issue 19, part 2): the completion brings the bytes. Close, interrupt and end of input keep
 * the JDK's answers, checked against the JDK's own channel.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
@ExtendWith(RingModeExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualThreadPostedRecvTest {
    private static final long WAIT_MS = 20_000;
    private final List<java.io.Closeable> toClose = new ArrayList<>();
    private final CallPort port = Engines.shared().callPort();

    @AfterEach
    void closeAll() throws IOException {
        PortAccess.holdCompletions(port, false);
        for (java.io.Closeable c : toClose) {
            c.close();
        }
    }

    /** Our channel (or the JDK's, from {@code provider}) connected to a JDK peer: {ours, peer}. */
    private SocketChannel[] pair(SelectorProvider provider) throws IOException {
        ServerSocketChannel ss = jdk().openServerSocketChannel()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        toClose.add(ss);
        SocketChannel ch = provider.openSocketChannel();
        toClose.add(ch);
        ch.connect(ss.getLocalAddress());
        SocketChannel peer = ss.accept();
        toClose.add(peer);
        return new SocketChannel[] {ch, peer};
    }

    private static SelectorProvider jdk() {
        return JdkProvider.get();
    }

    @Test
    void aBlockedReadPostsOneRecvAndNoPollHeapBuffer() throws Exception {
        blockedReadPostsOneRecv(ByteBuffer.allocate(16));
    }

    @Test
    void aBlockedReadPostsOneRecvAndNoPollDirectBuffer() throws Exception {
        ByteBuffer b = ByteBuffer.allocateDirect(32);
        b.position(5).limit(21); // the recv goes to the buffer's position
        blockedReadPostsOneRecv(b);
    }

    private void blockedReadPostsOneRecv(ByteBuffer dst) throws Exception {
        SocketChannel[] p = pair(new FlexSelectorProvider());
        long polls = port.stats().getPolls();
        long calls = port.stats().getCalls();
        int inflight = PortAccess.inflight(port);
        int start = dst.position();
        AtomicReference<Object> got = new AtomicReference<>();
        Thread t = startRead(p[0], dst, got);
        VThreads.awaitTrue(() -> PortAccess.inflight(port) > inflight, WAIT_MS, "the read posted");
        assertEquals(1, port.stats().getCalls() - calls, "calls posted by one blocked read");
        assertEquals(0, port.stats().getPolls() - polls, "readiness waits posted by one blocked read");
        byte[] msg = "posted recv, 16!".getBytes(StandardCharsets.US_ASCII);
        assertEquals(16, p[1].write(ByteBuffer.wrap(msg)));
        t.join(WAIT_MS);
        assertFalse(t.isAlive());
        assertEquals(16, got.get());
        assertEquals(start + 16, dst.position());
        byte[] back = new byte[16];
        dst.get(start, back);
        assertArrayEquals(msg, back);
        assertEquals(1, port.stats().getCalls() - calls, "calls posted by one read, after it");
        assertEquals(0, port.stats().getPolls() - polls, "readiness waits posted by one read, after it");
    }

    /**
     * A heap buffer over POSTED_HEAP_MAX is not posted (its scratch copy would be held while the
     * thread is parked): the read waits for readiness, and then reads, as before.
     */
    @Test
    void aLargeHeapReadWaitsForReadinessInstead() throws Exception {
        SocketChannel[] p = pair(new FlexSelectorProvider());
        long polls = port.stats().getPolls();
        int inflight = PortAccess.inflight(port);
        ByteBuffer dst = ByteBuffer.allocate(NetIO.POSTED_HEAP_MAX + 1);
        AtomicReference<Object> got = new AtomicReference<>();
        Thread t = startRead(p[0], dst, got);
        VThreads.awaitTrue(() -> PortAccess.inflight(port) > inflight, WAIT_MS, "the readiness wait posted");
        assertEquals(1, port.stats().getPolls() - polls, "readiness waits posted by a large heap read");
        assertEquals(16, p[1].write(ByteBuffer.wrap("large heap read!".getBytes(StandardCharsets.US_ASCII))));
        t.join(WAIT_MS);
        assertFalse(t.isAlive());
        assertEquals(16, got.get());
    }

    /** N readers blocked in posted recvs, woken in one turn, post their next recvs in fewer enters. */
    @Test
    void recvsWokenTogetherArePostedInFewerEntersThanRecvs() throws Exception {
        int n = 64;
        SocketChannel[][] p = new SocketChannel[n][];
        FlexSelectorProvider net = new FlexSelectorProvider();
        for (int i = 0; i < n; i++) {
            p[i] = pair(net);
        }
        long polls = port.stats().getPolls();
        int[] got = new int[2 * n];
        Thread[] readers = new Thread[n];
        int before = PortAccess.inflight(port);
        for (int i = 0; i < n; i++) {
            int k = i;
            readers[i] = VThreads.start(() -> {
                try {
                    for (int round = 0; round < 2; round++) {
                        ByteBuffer b = ByteBuffer.allocate(1);
                        got[2 * k + round] = p[k][0].read(b) == 1 ? b.get(0) & 0xff : -1;
                    }
                } catch (IOException e) {
                    got[2 * k] = -2;
                }
            });
        }
        VThreads.awaitTrue(() -> PortAccess.inflight(port) - before >= n, WAIT_MS, n + " first recvs posted");
        PortAccess.holdCompletions(port, true);
        for (int i = 0; i < n; i++) {
            assertEquals(1, p[i][1].write(ByteBuffer.wrap(new byte[] {(byte) i})));
        }
        VThreads.awaitTrue(() -> PortAccess.ready(port) >= n, WAIT_MS, "the n recv completions in the CQ");
        long calls = port.stats().getCalls();
        long enters = port.stats().getBatches();
        PortAccess.holdCompletions(port, false);
        VThreads.awaitTrue(() -> port.stats().getCalls() - calls >= n && PortAccess.inflight(port) - before >= n,
                WAIT_MS, n + " second recvs posted");
        long posted = port.stats().getCalls() - calls;
        long entered = port.stats().getBatches() - enters;
        assertTrue(entered < posted, n + " woken readers posted " + posted + " recvs in " + entered + " io_uring_enter calls");
        for (int i = 0; i < n; i++) {
            assertEquals(1, p[i][1].write(ByteBuffer.wrap(new byte[] {(byte) (i + 100)})));
        }
        for (Thread t : readers) {
            t.join(WAIT_MS);
            assertFalse(t.isAlive());
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i, got[2 * i], "first byte of " + i);
            assertEquals(i + 100, got[2 * i + 1], "second byte of " + i);
        }
        assertEquals(0, port.stats().getPolls() - polls, "readiness waits posted by " + n + " readers");
    }

    /**
     * Close from another thread while the reader is in a posted recv: the recv is cancelled, and
     * the reader (whose heap buffer's scratch block the kernel may still write) stays until its
     * completion has been dispatched; then AsynchronousCloseException.
     */
    @Test
    void closeCancelsThePostedRecvAndWaitsForItsCompletion() throws Exception {
        SocketChannel[] p = pair(new FlexSelectorProvider());
        int inflight = PortAccess.inflight(port);
        AtomicReference<Object> got = new AtomicReference<>();
        Thread reader = startRead(p[0], ByteBuffer.allocate(64), got);
        VThreads.awaitTrue(() -> PortAccess.inflight(port) > inflight, WAIT_MS, "the read posted");
        PortAccess.holdCompletions(port, true);
        Thread closer = new Thread(() -> {
            try {
                p[0].close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        closer.start();
        // the cancel and the cancelled recv complete in the kernel; their completions are held
        VThreads.awaitTrue(() -> PortAccess.ready(port) >= 2, WAIT_MS, "the cancelled recv completed in the kernel");
        assertTrue(reader.isAlive(), "the reader left before its cancelled recv's completion was dispatched");
        assertEquals(null, got.get());
        PortAccess.holdCompletions(port, false);
        reader.join(WAIT_MS);
        closer.join(WAIT_MS);
        assertFalse(reader.isAlive());
        assertFalse(closer.isAlive());
        assertTrue(got.get() instanceof AsynchronousCloseException, "got " + got.get());
        assertFalse(p[0].isOpen());
    }

    @Test
    void interruptClosesTheChannelAsTheJdks() throws Exception {
        long polls = port.stats().getPolls();
        assertEquals(outcome(jdk(), Scenario.INTERRUPT), outcome(new FlexSelectorProvider(), Scenario.INTERRUPT));
        assertEquals(0, port.stats().getPolls() - polls, "readiness waits posted");
    }

    @Test
    void asynchronousCloseAsTheJdks() throws Exception {
        assertEquals(outcome(jdk(), Scenario.CLOSE), outcome(new FlexSelectorProvider(), Scenario.CLOSE));
    }

    @Test
    void bytesAndEndOfInputAsTheJdks() throws Exception {
        long polls = port.stats().getPolls();
        assertEquals(outcome(jdk(), Scenario.DATA_EOF), outcome(new FlexSelectorProvider(), Scenario.DATA_EOF));
        assertEquals(0, port.stats().getPolls() - polls, "readiness waits posted");
    }

    @Test
    void shutdownInputWhileBlockedAsTheJdks() throws Exception {
        assertEquals(outcome(jdk(), Scenario.SHUTDOWN_INPUT), outcome(new FlexSelectorProvider(), Scenario.SHUTDOWN_INPUT));
    }

    /** A virtual thread that reads {@code ch} into {@code dst}; its count, or what it threw, goes to {@code got}. */
    private static Thread startRead(SocketChannel ch, ByteBuffer dst, AtomicReference<Object> got) {
        return VThreads.start(() -> {
            try {
                got.set(ch.read(dst));
            } catch (Throwable e) {
                got.set(e);
            }
        });
    }

    private enum Scenario { INTERRUPT, CLOSE, DATA_EOF, SHUTDOWN_INPUT }

    /**
     * A virtual thread reads (direct and heap buffers, in turns) until -1 or an exception, while
     * the scenario acts on the blocked reader; what it saw, as text.
     */
    private String outcome(SelectorProvider provider, Scenario s) throws Exception {
        SocketChannel[] p = pair(provider);
        StringBuilder seen = new StringBuilder();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        Thread reader = VThreads.start(() -> {
            try {
                for (int i = 0; ; i++) {
                    ByteBuffer b = i % 2 == 0 ? ByteBuffer.allocate(3) : ByteBuffer.allocateDirect(3);
                    int n = p[0].read(b);
                    synchronized (seen) {
                        seen.append(n).append(':');
                        b.flip();
                        while (b.hasRemaining()) {
                            seen.append((char) b.get());
                        }
                        seen.append(' ');
                    }
                    if (n < 0 || i == 20) {
                        break; // (20: a channel that keeps answering 0 instead of -1 ends too)
                    }
                }
            } catch (Throwable e) {
                synchronized (seen) {
                    seen.append(e.getClass().getName());
                }
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        VThreads.awaitTrue(() -> reader.getState() == Thread.State.WAITING, WAIT_MS, "the reader blocked");
        switch (s) {
            case INTERRUPT:
                reader.interrupt();
                break;
            case CLOSE:
                p[0].close();
                break;
            case DATA_EOF:
                p[1].write(ByteBuffer.wrap("hello, world".getBytes(StandardCharsets.US_ASCII)));
                p[1].shutdownOutput();
                break;
            case SHUTDOWN_INPUT:
                p[0].shutdownInput();
                break;
            default:
                throw new AssertionError(s);
        }
        reader.join(WAIT_MS);
        assertFalse(reader.isAlive(), "the reader is still blocked: " + seen);
        assertNotNull(interruptedAfter.get());
        return seen + " open=" + p[0].isOpen() + " interrupted=" + interruptedAfter.get();
    }
}
