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
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
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
 * A virtual thread's blocking socket write on the uring engine posts the send itself
 * ({@code IORING_OP_SEND}) and parks while the socket buffer is full, instead of a readiness wait
 * ({@code IORING_OP_POLL_ADD}) and a second send (issue 19, part 2). Close and interrupt keep the
 * JDK's answers, checked against the JDK's own channel.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
@ExtendWith(RingModeExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualThreadPostedSendTest {
    private static final long WAIT_MS = 20_000;
    /** More than loopback's socket buffers hold: the writer blocks. */
    private static final int SIZE = 8 << 20;
    private final List<java.io.Closeable> toClose = new ArrayList<>();
    private final CallPort port = Engines.shared().callPort();

    @AfterEach
    void closeAll() throws IOException {
        for (java.io.Closeable c : toClose) {
            c.close();
        }
    }

    private SocketChannel[] pair(SelectorProvider provider) throws IOException {
        ServerSocketChannel ss = JdkProvider.get().openServerSocketChannel()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        toClose.add(ss);
        SocketChannel ch = provider.openSocketChannel();
        toClose.add(ch);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, 64 << 10);
        ch.connect(ss.getLocalAddress());
        SocketChannel peer = ss.accept();
        toClose.add(peer);
        return new SocketChannel[] {ch, peer};
    }

    private static byte[] pattern() {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            b[i] = (byte) (i * 31 + (i >>> 11));
        }
        return b;
    }

    @Test
    void aBlockedWritePostsSendsAndNoPollHeapBuffer() throws Exception {
        // heap buffers up to POSTED_HEAP_MAX are posted (their scratch copy is held while parked)
        byte[] all = pattern();
        List<ByteBuffer> parts = new ArrayList<>();
        for (int off = 0; off < SIZE; off += NetIO.POSTED_HEAP_MAX) {
            parts.add(ByteBuffer.wrap(all, off, Math.min(NetIO.POSTED_HEAP_MAX, SIZE - off)));
        }
        blockedWrite(parts, 0);
    }

    @Test
    void aBlockedWritePostsSendsAndNoPollDirectBuffer() throws Exception {
        ByteBuffer b = ByteBuffer.allocateDirect(SIZE);
        b.put(pattern()).flip();
        blockedWrite(List.of(b), 0);
    }

    /** A heap buffer over POSTED_HEAP_MAX is not posted (no scratch held while parked): readiness waits. */
    @Test
    void aLargeHeapWriteWaitsForReadinessInstead() throws Exception {
        blockedWrite(List.of(ByteBuffer.wrap(pattern())), 1);
    }

    /** Writes {@code srcs} in turn from a virtual thread; {@code minPolls}: 0 = none may be posted, else at least that many. */
    private void blockedWrite(List<ByteBuffer> srcs, int minPolls) throws Exception {
        SocketChannel[] p = pair(new FlexSelectorProvider());
        long polls = port.stats().getPolls();
        long calls = port.stats().getCalls();
        int inflight = PortAccess.inflight(port);
        AtomicReference<Object> got = new AtomicReference<>();
        Thread w = VThreads.start(() -> {
            try {
                long n = 0;
                for (ByteBuffer src : srcs) {
                    n += p[0].write(src);
                }
                got.set((int) n);
            } catch (Throwable e) {
                got.set(e);
            }
        });
        VThreads.awaitTrue(() -> PortAccess.inflight(port) > inflight, WAIT_MS, "a send or a readiness wait in the ring");
        if (minPolls == 0) {
            assertEquals(0, port.stats().getPolls() - polls, "readiness waits posted by a blocked write");
        }
        ByteBuffer all = ByteBuffer.allocate(SIZE);
        while (all.hasRemaining()) {
            if (p[1].read(all) < 0) {
                break;
            }
        }
        w.join(WAIT_MS);
        assertFalse(w.isAlive());
        assertEquals(SIZE, got.get());
        assertArrayEquals(pattern(), all.array());
        if (minPolls == 0) {
            assertEquals(0, port.stats().getPolls() - polls, "readiness waits posted by a write");
        } else {
            assertTrue(port.stats().getPolls() - polls >= minPolls, "readiness waits posted by a large heap write");
        }
        long posted = port.stats().getCalls() - calls;
        System.out.println("an " + SIZE + "-byte blocking write posted " + posted + " sends");
    }

    @Test
    void interruptAsTheJdks() throws Exception {
        assertEquals(outcome(JdkProvider.get(), true), outcome(new FlexSelectorProvider(), true));
    }

    @Test
    void asynchronousCloseAsTheJdks() throws Exception {
        assertEquals(outcome(JdkProvider.get(), false), outcome(new FlexSelectorProvider(), false));
    }

    /** A virtual thread blocked in a write (the buffers full) is interrupted, or its channel closed: what it saw. */
    private String outcome(SelectorProvider provider, boolean interrupt) throws Exception {
        SocketChannel[] p = pair(provider);
        // fill the socket buffers first: the blocking write then waits before it has sent anything
        // (a write that had sent some bytes returns their count, ours after a close too: not the case here)
        p[0].configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        while (p[0].write(chunk.clear()) > 0) {
            // until the kernel takes nothing more
        }
        p[0].configureBlocking(true);
        AtomicReference<String> seen = new AtomicReference<>();
        Thread w = VThreads.start(() -> {
            try {
                for (;;) { // until the socket buffers are full and the write blocks
                    p[0].write(ByteBuffer.allocate(1 << 20));
                }
            } catch (Throwable e) {
                seen.set(e.getClass().getName() + " interrupted=" + Thread.currentThread().isInterrupted());
            }
        });
        VThreads.awaitTrue(() -> w.getState() == Thread.State.WAITING || !w.isAlive(), WAIT_MS, "the writer blocked");
        if (interrupt) {
            w.interrupt();
        } else {
            p[0].close();
        }
        w.join(WAIT_MS);
        assertFalse(w.isAlive(), "the writer is still blocked");
        assertNotNull(seen.get());
        return seen.get() + " open=" + p[0].isOpen();
    }
}
