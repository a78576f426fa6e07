package io.flexsc.nio.net.channels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.net.FlexSelectorProvider;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Gathering/scattering with 1,024 mixed buffers, and datagram channels with their socket adaptor. */
class ScatterGatherAndDatagramTest {
    static final FlexSelectorProvider P = new FlexSelectorProvider();

    @Test
    void gatherAndScatterThousandTwentyFourMixedBuffers() throws Exception {
        Random rnd = new Random(7);
        byte[] data = new byte[1024 * 37];
        rnd.nextBytes(data);
        ByteBuffer[] out = new ByteBuffer[1024];
        ByteBuffer[] in = new ByteBuffer[1024];
        for (int i = 0; i < 1024; i++) {
            boolean direct = rnd.nextBoolean();
            out[i] = direct ? ByteBuffer.allocateDirect(37) : ByteBuffer.allocate(37);
            out[i].put(data, i * 37, 37).flip();
            in[i] = rnd.nextBoolean() ? ByteBuffer.allocateDirect(37) : ByteBuffer.allocate(37);
        }
        try (ServerSocketChannel ssc = P.openServerSocketChannel().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel c = P.openSocketChannel()) {
            c.connect(ssc.getLocalAddress());
            try (SocketChannel s = ssc.accept()) {
                long written = 0;
                while (written < data.length) {
                    written += c.write(out);
                }
                long read = 0;
                while (read < data.length) {
                    read += s.read(in);
                }
                byte[] got = new byte[data.length];
                for (int i = 0; i < 1024; i++) {
                    in[i].flip().get(got, i * 37, 37);
                }
                assertArrayEquals(data, got);
                assertThrows(IndexOutOfBoundsException.class, () -> c.write(out, 1000, 100));
            }
        }
    }

    @Test
    void datagramSendReceiveConnectAndAdaptor() throws Exception {
        try (DatagramChannel a = P.openDatagramChannel(StandardProtocolFamily.INET);
             DatagramChannel b = P.openDatagramChannel(StandardProtocolFamily.INET);
             Selector sel = P.openSelector()) {
            a.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            b.configureBlocking(false);
            assertNull(b.receive(ByteBuffer.allocate(10)), "nothing yet");
            SelectionKey k = b.register(sel, SelectionKey.OP_READ);
            assertEquals(5, a.send(ByteBuffer.wrap("hello".getBytes()), b.getLocalAddress()));
            assertEquals(1, sel.select(5000));
            assertTrue(k.isReadable());
            ByteBuffer buf = ByteBuffer.allocateDirect(10);
            SocketAddress from = b.receive(buf);
            assertEquals(a.getLocalAddress(), from);
            assertEquals(5, buf.position());
            // connected: read/write, and sending elsewhere is refused as the JDK refuses it
            a.connect(b.getLocalAddress());
            assertTrue(a.isConnected());
            assertThrows(AlreadyConnectedException.class,
                    () -> a.send(ByteBuffer.allocate(1), new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)));
            a.write(ByteBuffer.wrap(new byte[] {9, 8, 7}));
            assertThrows(java.nio.channels.IllegalBlockingModeException.class, () -> b.configureBlocking(true));
            k.cancel();
            sel.selectNow(); // deregistered now
            b.configureBlocking(true);
            ByteBuffer r = ByteBuffer.allocate(3);
            b.receive(r);
            assertArrayEquals(new byte[] {9, 8, 7}, r.array());
            a.disconnect();
            // the DatagramSocket adaptor, as Netty's configuration uses it
            DatagramSocket s = b.socket();
            s.setBroadcast(true);
            assertTrue(s.getBroadcast());
            assertTrue(b.getOption(StandardSocketOptions.SO_BROADCAST));
            s.setSoTimeout(2000);
            a.send(ByteBuffer.wrap("adaptor".getBytes()), b.getLocalAddress());
            DatagramPacket p = new DatagramPacket(new byte[20], 20);
            s.receive(p);
            assertEquals("adaptor", new String(p.getData(), 0, p.getLength()));
            assertEquals(a.getLocalAddress(), p.getSocketAddress());
        }
    }
}
