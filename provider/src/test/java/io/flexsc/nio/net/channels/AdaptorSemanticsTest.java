package io.flexsc.nio.net.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The socket adaptors' timeouts, interrupts and datagram connect/send, compared with the JDK's. */
class AdaptorSemanticsTest {
    static final SelectorProvider OURS = new FlexSelectorProvider();
    static final Duration HANG = Duration.ofSeconds(20);
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    /** Whether {@code t} is blocked in a read: a frame that waits for the socket. */
    static boolean blockedInRead(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            String m = e.getMethodName();
            if (m.equals("poll") || m.equals("park") || m.equals("read0") || m.equals("await")) {
                return true;
            }
        }
        return false;
    }

    static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (!blockedInRead(t) && t.isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(t.getName() + " never blocked");
            }
            Thread.onSpinWait();
        }
    }

    /**
     * SO_TIMEOUT set on the adaptor: its stream's read times out, and a later read on the channel
     * itself waits for data, however long it takes.
     */
    private static List<String> soTimeoutScope(SelectorProvider p) throws Exception {
        List<String> out = new ArrayList<>();
        try (ServerSocketChannel ssc = p.openServerSocketChannel().bind(new InetSocketAddress(LO, 0));
             SocketChannel c = p.openSocketChannel()) {
            c.connect(ssc.getLocalAddress());
            try (SocketChannel peer = ssc.accept()) {
                int timeout = 5;
                c.socket().setSoTimeout(timeout);
                InputStream in = c.socket().getInputStream();
                out.add(assertThrows(SocketTimeoutException.class, in::read).getMessage());
                AtomicReference<String> read = new AtomicReference<>();
                Thread reader = new Thread(() -> {
                    try {
                        read.set("read " + c.read(ByteBuffer.allocate(1)));
                    } catch (Exception e) {
                        read.set(e.getClass().getName());
                    }
                }, "channel reader");
                reader.start();
                awaitBlocked(reader);
                // wait, watching the reader, well past the adaptor's timeout before sending
                long until = System.nanoTime() + 40L * timeout * 1_000_000L;
                while (System.nanoTime() < until && reader.isAlive()) {
                    Thread.onSpinWait();
                }
                peer.write(ByteBuffer.wrap(new byte[] {7}));
                reader.join(HANG.toMillis());
                out.add(read.get());
            }
        }
        return out;
    }

    @Test
    void theAdaptorsReadTimeoutDoesNotApplyToTheChannelsReads() throws Exception {
        List<String> jdk = soTimeoutScope(JdkProvider.get());
        assertEquals(List.of("Read timed out", "read 1"), jdk);
        assertEquals(jdk, soTimeoutScope(OURS));
    }

    /** A read on the adaptor's stream, interrupted: what it throws, the interrupt status, the channel. */
    private static String interruptedStreamRead(SelectorProvider p) throws Exception {
        try (ServerSocketChannel ssc = p.openServerSocketChannel().bind(new InetSocketAddress(LO, 0));
             SocketChannel c = p.openSocketChannel()) {
            c.connect(ssc.getLocalAddress());
            try (SocketChannel peer = ssc.accept()) {
                InputStream in = c.socket().getInputStream();
                AtomicReference<String> outcome = new AtomicReference<>();
                Thread reader = new Thread(() -> {
                    try {
                        outcome.set("read " + in.read());
                    } catch (Exception e) {
                        outcome.set(e.getClass().getName() + " interrupted=" + Thread.currentThread().isInterrupted());
                    }
                }, "stream reader");
                reader.start();
                awaitBlocked(reader);
                reader.interrupt();
                reader.join(HANG.toMillis());
                return outcome.get() + " open=" + c.isOpen();
            }
        }
    }

    @Test
    void anInterruptedStreamReadBehavesAsTheJdks() throws Exception {
        String jdk = interruptedStreamRead(JdkProvider.get());
        assertEquals("java.nio.channels.ClosedByInterruptException interrupted=true open=false", jdk);
        assertEquals(jdk, assertTimeoutPreemptively(HANG, () -> interruptedStreamRead(OURS)));
    }

    /** What the datagram adaptor's connect does with a null address, and on a closed socket; what send tells the packet. */
    private static List<String> datagramAdaptor(SelectorProvider p) throws Exception {
        List<String> out = new ArrayList<>();
        try (DatagramSocket a = p.openDatagramChannel().socket()) {
            out.add(outcome(() -> a.connect(null, 9)));
            out.add("connected=" + a.isConnected());
        }
        DatagramSocket closed = p.openDatagramChannel().socket();
        closed.close();
        out.add(outcome(() -> closed.connect(new InetSocketAddress(LO, 9))));
        out.add(outcome(() -> closed.connect(LO, 9)));
        try (DatagramSocket a = p.openDatagramChannel().socket(); DatagramSocket b = p.openDatagramChannel().socket()) {
            a.bind(new InetSocketAddress(LO, 0));
            b.bind(new InetSocketAddress(LO, 0));
            a.connect(b.getLocalSocketAddress());
            DatagramPacket pkt = new DatagramPacket(new byte[] {1, 2, 3}, 3);
            a.send(pkt);
            out.add("packet address set: " + b.getLocalSocketAddress().equals(pkt.getSocketAddress()));
            DatagramPacket in = new DatagramPacket(new byte[8], 8);
            b.receive(in);
            out.add("received " + in.getLength() + " from the sender: " + a.getLocalSocketAddress().equals(in.getSocketAddress()));
        }
        return out;
    }

    interface Op {
        void run() throws Exception;
    }

    private static String outcome(Op op) {
        try {
            op.run();
            return "no exception";
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @Test
    void theDatagramAdaptorConnectsAndSendsAsTheJdks() throws Exception {
        List<String> jdk = datagramAdaptor(JdkProvider.get());
        assertEquals("java.lang.IllegalArgumentException: Address can't be null", jdk.get(0));
        assertEquals("packet address set: true", jdk.get(4));
        assertEquals(jdk, datagramAdaptor(OURS));
    }
}
