package io.flexsc.nio.net.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexsc.nio.fs.FlexFileSystemProvider;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operation on a channel that is already closed throws {@code ClosedChannelException}, not
 * {@code AsynchronousCloseException} (nothing closed it during the operation), in blocking and in
 * non-blocking mode, for every channel kind.
 *
 * <p>The JDK is the reference from JDK 25 on; JDK 17's own datagram, pipe and server channels, and
 * its blocking connect, still throw {@code AsynchronousCloseException} there (their open check runs
 * after {@code begin()}), which later JDKs corrected; on those JDKs the comparison is skipped and
 * ours is held to the corrected behaviour.
 */
class ClosedChannelExceptionsTest {
    static final SelectorProvider OURS = new FlexSelectorProvider();

    @TempDir
    Path dir;

    interface Op {
        void run() throws Exception;
    }

    private static String outcome(Op op) {
        try {
            op.run();
            return "no exception";
        } catch (Exception e) {
            return e.getClass().getName();
        }
    }

    /** Operation name -> exception class, for every operation on closed channels of provider {@code p}. */
    private static Map<String, String> closedOutcomes(SelectorProvider p) throws Exception {
        Map<String, String> out = new TreeMap<>();
        InetSocketAddress lo0 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        for (boolean blocking : new boolean[] {true, false}) {
            String m = blocking ? "blocking " : "non-blocking ";
            try (ServerSocketChannel ssc = p.openServerSocketChannel().bind(lo0)) {
                SocketChannel c = p.openSocketChannel();
                c.connect(ssc.getLocalAddress());
                c.configureBlocking(blocking);
                c.close();
                out.put(m + "socket read", outcome(() -> c.read(ByteBuffer.allocate(4))));
                out.put(m + "socket scattering read", outcome(() -> c.read(new ByteBuffer[] {ByteBuffer.allocate(4)})));
                out.put(m + "socket write", outcome(() -> c.write(ByteBuffer.allocate(4))));
                out.put(m + "socket gathering write", outcome(() -> c.write(new ByteBuffer[] {ByteBuffer.allocate(4)})));
                SocketChannel u = p.openSocketChannel();
                u.configureBlocking(blocking);
                u.close();
                out.put(m + "socket connect", outcome(() -> u.connect(ssc.getLocalAddress())));
                out.put(m + "socket finishConnect", outcome(u::finishConnect));
                ServerSocketChannel s2 = p.openServerSocketChannel().bind(lo0);
                s2.configureBlocking(blocking);
                s2.close();
                out.put(m + "server accept", outcome(s2::accept));
            }
            DatagramChannel d = p.openDatagramChannel().bind(lo0);
            InetSocketAddress to = (InetSocketAddress) d.getLocalAddress();
            d.connect(to);
            d.configureBlocking(blocking);
            d.close();
            out.put(m + "datagram read", outcome(() -> d.read(ByteBuffer.allocate(4))));
            out.put(m + "datagram write", outcome(() -> d.write(ByteBuffer.allocate(4))));
            out.put(m + "datagram receive", outcome(() -> d.receive(ByteBuffer.allocate(4))));
            out.put(m + "datagram send", outcome(() -> d.send(ByteBuffer.allocate(4), to)));
            Pipe pipe = p.openPipe();
            pipe.source().configureBlocking(blocking);
            pipe.sink().configureBlocking(blocking);
            pipe.source().close();
            pipe.sink().close();
            out.put(m + "pipe read", outcome(() -> pipe.source().read(ByteBuffer.allocate(4))));
            out.put(m + "pipe write", outcome(() -> pipe.sink().write(ByteBuffer.allocate(4))));
        }
        return out;
    }

    @Test
    void networkChannelsThrowClosedChannelExceptionWhenAlreadyClosed() throws Exception {
        Map<String, String> ours = closedOutcomes(OURS);
        List<String> wrong = new ArrayList<>();
        ours.forEach((op, e) -> {
            if (!e.equals("java.nio.channels.ClosedChannelException")) {
                wrong.add(op + ": " + e);
            }
        });
        assertEquals(List.of(), wrong);
        if (Runtime.version().feature() >= 25) {
            assertEquals(closedOutcomes(JdkProvider.get()), ours);
        }
    }

    @Test
    void fileChannelsThrowClosedChannelExceptionWhenAlreadyClosed() throws Exception {
        Path f = Files.write(dir.resolve("f"), new byte[] {1, 2, 3});
        FileSystem flexFs = new FlexFileSystemProvider(FileSystems.getDefault().provider()).getFileSystem(URI.create("file:///"));
        for (Path path : new Path[] {f, flexFs.getPath(f.toString())}) {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ch.close();
            Map<String, String> out = new TreeMap<>();
            out.put("read", outcome(() -> ch.read(ByteBuffer.allocate(4))));
            out.put("positional read", outcome(() -> ch.read(ByteBuffer.allocate(4), 0)));
            out.put("write", outcome(() -> ch.write(ByteBuffer.allocate(4))));
            out.put("positional write", outcome(() -> ch.write(ByteBuffer.allocate(4), 0)));
            out.put("size", outcome(ch::size));
            out.values().forEach(e -> assertEquals("java.nio.channels.ClosedChannelException", e, path.getFileSystem() + " " + out));
        }
    }
}
