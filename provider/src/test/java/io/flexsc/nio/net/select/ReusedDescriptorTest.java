package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flexsc.nio.Await;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.sys.NetIO;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A closed channel's socket can outlive its descriptor number: something else still holds it (the
 * drainer's duplicate of a channel closed with bytes queued, an io_uring request not yet freed, a
 * child process between fork and exec). Its epoll registration then stays in the selector's epoll
 * set after the deregistration (the channel's close put a dead socket under the number first, so
 * the selector's EPOLL_CTL_DEL finds nothing to delete), and goes on reporting events tagged with
 * the number. (A close now deletes the socket from every epoll set before the dup2, see
 * {@code ClosedChannelLeavesEpollTest}; here another file is put under the number before the close,
 * so that the close's EPOLL_CTL_DEL finds nothing either, and the registration stays, as it did
 * then.) A channel that gets the number next must not be given those events: with read-ahead,
 * two events for the number in one wait made two read-aheads into the channel's one buffer in one
 * batch, and the first one's bytes were lost (issue 18: the soak's corrupt first bytes and lost
 * 2 KiB chunks on uring-ring). The old socket is kept alive here by a duplicate of its descriptor.
 *
 * <p>Every byte is checked; the JDK's provider is the peer.
 */
class ReusedDescriptorTest {
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

    private static byte at(int i) {
        return (byte) (i * 131 + (i >>> 8) * 7 + 1);
    }

    private static int fd(SocketChannel ch) {
        return ((FlexSocketChannel) ch).fdState().fd;
    }

    /** The server side of a new connection from a JDK client, non-blocking. */
    private SocketChannel accept(ServerSocketChannel ssc, SocketChannel client) throws Exception {
        client.connect(ssc.getLocalAddress());
        SocketChannel s = keep(ssc.accept());
        s.configureBlocking(false);
        return s;
    }

    /**
     * Leaves a stale registration under a descriptor number and returns the new channel that has
     * the number, registered for OP_READ with {@code sel}: channel A is registered and selected
     * (epoll_ctl ADD), its socket is duplicated and readable (its peer sent bytes), and it is
     * closed and deregistered; the next accepted channel B gets A's number (the lowest free one).
     */
    private SocketChannel reuseNumber(ServerSocketChannel ssc, Selector sel) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            SocketChannel clientA = keep(jdk.openSocketChannel());
            SocketChannel a = accept(ssc, clientA);
            SelectionKey ka = a.register(sel, SelectionKey.OP_READ);
            sel.selectNow(); // the registration reaches epoll
            int number = fd(a);
            long dup = NetSys.call(SysNr.FCNTL, number, Linux.F_DUPFD_CLOEXEC, 0);
            assertTrue(dup >= 0, "dup: " + dup);
            dupFd = (int) dup;
            clientA.write(ByteBuffer.wrap(new byte[] {42})); // the old socket stays readable
            SocketChannel clientB = keep(jdk.openSocketChannel()); // (its descriptor before A's is free)
            // another file under the number: the close's EPOLL_CTL_DEL finds nothing (a stale registration)
            int other = NetIO.eventfd();
            assertTrue(NetSys.call(SysNr.DUP2, other, number, 0) >= 0);
            NetSys.close(other);
            ka.cancel();
            a.close();
            sel.selectNow(); // deregisters A; its number is free
            SocketChannel b = accept(ssc, clientB);
            if (fd(b) == number) {
                b.register(sel, SelectionKey.OP_READ, clientB);
                return b;
            }
            NetSys.close(dupFd); // another thread took the number meanwhile: again
            dupFd = -1;
        }
        fail("the next channel never got the closed channel's descriptor number");
        return null;
    }

    /**
     * With read-ahead: the new channel's bytes arrive whole and in order, however many events the
     * old socket adds to each wait.
     */
    @Test
    @Timeout(60)
    void theNewChannelsBytesArriveWhole() throws Exception {
        System.setProperty("flexsc.net.batch", "true"); // read-ahead, whatever the engine
        ServerSocketChannel ssc = keep(ours.openServerSocketChannel()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        Selector sel = keep(ours.openSelector());
        SocketChannel b = reuseNumber(ssc, sel);
        SocketChannel clientB = (SocketChannel) b.keyFor(sel).attachment();
        int total = 64 << 10;
        ByteBuffer out = ByteBuffer.allocate(total);
        for (int i = 0; i < total; i++) {
            out.put(at(i));
        }
        out.flip();
        ByteBuffer in = ByteBuffer.allocate(total);
        long deadline = System.nanoTime() + Await.scaled(Duration.ofSeconds(30)).toNanos();
        while (in.hasRemaining()) {
            if (out.hasRemaining()) {
                clientB.write(out); // blocking: a chunk at a time as the server reads
            }
            sel.select(50);
            for (SelectionKey k : sel.selectedKeys()) {
                if (k.isReadable()) {
                    int before = in.position();
                    int n = ((SocketChannel) k.channel()).read(in);
                    assertTrue(n >= 0, "end of stream after " + before + " bytes");
                    for (int i = before; i < in.position(); i++) {
                        if (in.get(i) != at(i)) {
                            fail("byte " + i + " of the stream is wrong: " + in.get(i) + ", expected " + at(i)
                                    + " (read of " + n + " bytes from offset " + before + ")");
                        }
                    }
                }
            }
            sel.selectedKeys().clear();
            assertTrue(System.nanoTime() < deadline, "only " + in.position() + " of " + total + " bytes arrived");
        }
        assertEquals(total, in.position());
    }

    /**
     * Without read-ahead too: the old socket's readiness is not the new channel's. The JDK's selector
     * would not report B, which has nothing to read; ours must not either.
     */
    @Test
    @Timeout(60)
    void theOldSocketsEventsAreNotTheNewChannels() throws Exception {
        System.setProperty("flexsc.net.batch", "false");
        ServerSocketChannel ssc = keep(ours.openServerSocketChannel()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        Selector sel = keep(ours.openSelector());
        SocketChannel b = reuseNumber(ssc, sel);
        assertEquals(0, sel.selectNow(), "B has nothing to read, yet it was selected: " + sel.selectedKeys());
        assertEquals(0, b.read(ByteBuffer.allocate(16)));
    }
}
