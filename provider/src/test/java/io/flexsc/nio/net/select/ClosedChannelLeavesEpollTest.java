package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.Await;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.sys.NetSys;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A closed channel's epoll registration does not outlive the close, even when its socket does
 * (the drainer's duplicate of a channel closed with bytes queued, an io_uring request not yet
 * freed; here a duplicate of the descriptor). A registration left in the epoll set of a socket
 * that stays ready (its peer closed: end-of-stream) made every epoll_wait return at once, and the
 * selector span at full CPU until the socket was released (issue 18: up to 120 s with the drainer's
 * copy). After the close, a select with a timeout must wait for its timeout.
 */
class ClosedChannelLeavesEpollTest {
    private final SelectorProvider ours = new FlexSelectorProvider();
    private final SelectorProvider jdk = JdkProvider.get();
    private final List<AutoCloseable> open = new ArrayList<>();
    private int dupFd = -1;

    @AfterEach
    void cleanUp() throws Exception {
        if (dupFd >= 0) {
            NetSys.close(dupFd);
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        System.clearProperty("flexsc.net.batch");
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** A connected pair: ours, non-blocking, and the JDK's peer. */
    private SocketChannel[] connect(ServerSocketChannel ssc) throws Exception {
        SocketChannel peer = keep(jdk.openSocketChannel());
        peer.connect(ssc.getLocalAddress());
        SocketChannel s = keep(ssc.accept());
        s.configureBlocking(false);
        return new SocketChannel[] {s, peer};
    }

    /** Keeps the channel's socket alive after its close: a duplicate of its descriptor. */
    private void duplicate(SocketChannel s) {
        long dup = NetSys.call(SysNr.FCNTL, ((FlexSocketChannel) s).fdState().fd, Linux.F_DUPFD_CLOEXEC, 0);
        assertTrue(dup >= 0, "dup: " + dup);
        dupFd = (int) dup;
    }

    /**
     * How many times {@code select(50)} returns within 400 ms: about 8 when each waits its timeout;
     * thousands when epoll_wait returns at once every time.
     */
    private static int selectsIn400Ms(Selector sel) throws Exception {
        int returns = 0;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
        while (System.nanoTime() < end) {
            assertEquals(0, sel.select(50), "nothing is registered any more: " + sel.selectedKeys());
            returns++;
        }
        return returns;
    }

    private static final int MAX_RETURNS = 40; // 8 expected; a loaded machine may return early a few times

    @ParameterizedTest(name = "batch={0}")
    @ValueSource(booleans = {false, true})
    @Timeout(60)
    void aClosedChannelsSocketLeavesTheEpollSet(boolean batch) throws Exception {
        System.setProperty("flexsc.net.batch", Boolean.toString(batch));
        ServerSocketChannel ssc = keep(ours.openServerSocketChannel()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        Selector sel = keep(ours.openSelector());
        SocketChannel[] pair = connect(ssc);
        SocketChannel s = pair[0];
        s.register(sel, SelectionKey.OP_READ);
        sel.selectNow(); // the registration reaches epoll
        duplicate(s);
        pair[1].close(); // the socket is readable for good: end-of-stream
        s.close();
        int returns = selectsIn400Ms(sel);
        assertTrue(returns <= MAX_RETURNS, "select(50) returned " + returns
                + " times in 400 ms: the closed channel's socket is still in the epoll set");
        assertEquals(0, sel.keys().size());
    }

    /**
     * A close while the select whose batch adds the channel to epoll (EPOLL_CTL_ADD) is waiting:
     * the release of the socket waits for that batch (the ADD could otherwise put the socket back
     * after the close deleted it), and the select is nudged to end the batch, so the peer sees the
     * close at once; the select goes on waiting (a nudge is not a wake-up) until woken.
     */
    @ParameterizedTest(name = "batch={0}")
    @ValueSource(booleans = {false, true})
    @Timeout(60)
    void aCloseDuringTheSelectThatAddsTheChannel(boolean batch) throws Exception {
        System.setProperty("flexsc.net.batch", Boolean.toString(batch));
        ServerSocketChannel ssc = keep(ours.openServerSocketChannel()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        Selector sel = keep(ours.openSelector());
        SocketChannel[] pair = connect(ssc);
        SocketChannel s = pair[0];
        SocketChannel peer = pair[1];
        s.register(sel, SelectionKey.OP_READ);
        CompletableFuture<Integer> selecting = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                selecting.complete(sel.select(30_000)); // its batch: the ADD, and the wait
            } catch (Throwable e) {
                selecting.completeExceptionally(e);
            }
        }, "selecting");
        t.start();
        Await.until("the select is waiting", () -> t.getState() == Thread.State.RUNNABLE
                && ((FlexSelector) sel).isSelecting());
        s.close();
        peer.socket().setSoTimeout((int) Await.scaled(Duration.ofSeconds(10)).toMillis());
        assertEquals(-1, peer.socket().getInputStream().read(), "the peer did not see the close");
        assertFalse(selecting.isDone(), "a nudge is not a wake-up: the select goes on");
        sel.wakeup();
        assertEquals(0, selecting.get(Await.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(0, sel.keys().size());
    }
}
