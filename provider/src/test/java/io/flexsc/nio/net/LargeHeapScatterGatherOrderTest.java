package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scatter reads and gather writes whose heap buffers hold more than one call stages through
 * scratch memory (1 MiB), followed by a direct buffer: the bytes arrive in order and each buffer
 * gets its own, on pipes and sockets, as with the JDK's channels. (A direct buffer after a heap
 * buffer that only partly fitted once went into the same call, so its bytes were sent, or filled,
 * out of order.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LargeHeapScatterGatherOrderTest {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "LargeHeapScatterGatherOrderTest");
        t.setDaemon(true);
        return t;
    });
    private static final int HEAP = (3 << 20) / 2;
    private static final int DIRECT = 1000;

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 9) + seed);
        }
        return b;
    }

    /** {@code [heap, direct]} written by {@code out} and scattered by {@code in} into the same shapes. */
    private static void roundTrip(GatheringByteChannel out, ScatteringByteChannel in) throws Exception {
        byte[] a = pattern(HEAP, 1);
        byte[] b = pattern(DIRECT, 77);
        ByteBuffer direct = ByteBuffer.allocateDirect(DIRECT).put(b).flip();
        ByteBuffer[] srcs = {ByteBuffer.wrap(a), direct};
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                while (srcs[1].hasRemaining()) {
                    out.write(srcs);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, POOL);
        ByteBuffer heapIn = ByteBuffer.allocate(HEAP);
        ByteBuffer directIn = ByteBuffer.allocateDirect(DIRECT);
        ByteBuffer[] dsts = {heapIn, directIn};
        while (directIn.hasRemaining()) {
            if (in.read(dsts) < 0) {
                break;
            }
        }
        writer.get(60, TimeUnit.SECONDS);
        assertEquals(0, srcs[0].remaining());
        assertEquals(HEAP, heapIn.position());
        assertArrayEquals(a, heapIn.array(), "the heap buffer's bytes");
        byte[] got = new byte[DIRECT];
        directIn.flip().get(got);
        assertArrayEquals(b, got, "the direct buffer's bytes");
    }

    private static void pipe(SelectorProvider p) throws Exception {
        Pipe pipe = p.openPipe();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            roundTrip(sink, source);
        }
    }

    private static void sockets(SelectorProvider p) throws Exception {
        try (ServerSocketChannel server = p.openServerSocketChannel()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel c = p.openSocketChannel()) {
                c.connect(server.getLocalAddress());
                try (SocketChannel s = server.accept()) {
                    roundTrip(c, s);
                    roundTrip(s, c);
                }
            }
        }
    }

    @Test
    void pipesOfTheJdk() throws Exception {
        pipe(JdkProvider.get());
    }

    @Test
    void pipesOfOurs() throws Exception {
        pipe(new FlexSelectorProvider());
    }

    @Test
    void socketsOfTheJdk() throws Exception {
        sockets(JdkProvider.get());
    }

    @Test
    void socketsOfOurs() throws Exception {
        sockets(new FlexSelectorProvider());
    }
}
