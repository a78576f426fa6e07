package io.flexsc.nio.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A plain {@link java.nio.channels.Selector} echo server, with nothing flexsc-specific in it: it runs
 * unchanged on the JDK's SelectorProvider and, with the drop-in jar on the class path (whose services
 * file installs it), on flexsc-nio's.
 *
 * <pre>
 * SelectorEchoServer [--port N]     serve on 127.0.0.1:N (0: ephemeral); prints LISTENING &lt;port&gt;,
 *                                   stops on "quit" or the end of standard input
 * SelectorEchoServer --self-test [--connections C] [--messages M]
 *                                   serve on an ephemeral port and run a blocking client: C
 *                                   connections each send M messages of varying sizes (seeded) and
 *                                   check every echoed byte; exit status 0 when all match
 * </pre>
 *
 * <p>The self-test's output is the same on every provider except its {@code provider:} line.
 */
public final class SelectorEchoServer implements AutoCloseable {
    private final Selector selector;
    private final ServerSocketChannel server;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;

    private SelectorEchoServer(int port) throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, "selector-echo-server");
        thread.start();
    }

    /** Starts the server on the loopback address ({@code port} 0: an ephemeral one). */
    public static SelectorEchoServer start(int port) throws IOException {
        return new SelectorEchoServer(port);
    }

    public int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private void loop() {
        try {
            while (!stopping) {
                selector.select();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) {
                        continue;
                    }
                    try {
                        if (k.isAcceptable()) {
                            accept();
                        } else {
                            echo(k);
                        }
                    } catch (IOException e) {
                        // one connection failed (reset by its peer, say): drop it, keep serving
                        k.cancel();
                        k.channel().close();
                    }
                }
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            for (SelectionKey k : selector.keys()) {
                try {
                    k.channel().close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(16 * 1024));
        }
    }

    /**
     * Reads what is there and writes it back. While the peer does not take it all, the connection
     * waits for OP_WRITE and reads nothing more, so a connection buffers at most one buffer.
     */
    private void echo(SelectionKey k) throws IOException {
        SocketChannel ch = (SocketChannel) k.channel();
        ByteBuffer buf = (ByteBuffer) k.attachment();
        if (k.isReadable()) {
            int n = ch.read(buf);
            if (n < 0) {
                k.cancel();
                ch.close();
                return;
            }
        }
        buf.flip();
        ch.write(buf);
        buf.compact();
        k.interestOps(buf.position() > 0 ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    /** Stops the selector thread and closes every channel. */
    @Override
    public void close() throws IOException {
        stopping = true;
        selector.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        if (failure != null) {
            throw new IOException("the selector loop failed", failure);
        }
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        int connections = 8;
        int messages = 500;
        boolean selfTest = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port":
                        port = Integer.parseInt(args[++i]);
                        break;
                    case "--connections":
                        connections = Integer.parseInt(args[++i]);
                        break;
                    case "--messages":
                        messages = Integer.parseInt(args[++i]);
                        break;
                    case "--self-test":
                        selfTest = true;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("SelectorEchoServer: " + e.getMessage()
                    + "\nusage: SelectorEchoServer [--port N] | SelectorEchoServer --self-test [--connections C] [--messages M]");
            System.exit(2);
            return;
        }
        System.out.println("provider: " + SelectorProvider.provider().getClass().getName());
        try (SelectorEchoServer s = start(port)) {
            if (selfTest) {
                String result = selfTest(s.port(), connections, messages);
                System.out.println(result);
                if (!result.startsWith("self-test passed")) {
                    System.exit(1);
                }
            } else {
                System.out.println("LISTENING " + s.port());
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
                    // wait for quit or the end of input
                }
            }
        }
    }

    /**
     * The built-in client: {@code connections} blocking connections, in turn, send {@code messages}
     * messages each (sizes 1 to 8 KiB, seeded) and read back each echo before the next.
     */
    static String selfTest(int port, int connections, int messages) throws IOException {
        Random r = new Random(7);
        List<SocketChannel> chans = new ArrayList<>();
        long bytes = 0;
        try {
            for (int c = 0; c < connections; c++) {
                chans.add(SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            }
            for (int m = 0; m < messages; m++) {
                for (int c = 0; c < connections; c++) {
                    SocketChannel ch = chans.get(c);
                    byte[] msg = new byte[1 + r.nextInt(8 * 1024)];
                    r.nextBytes(msg);
                    ByteBuffer out = ByteBuffer.wrap(msg);
                    while (out.hasRemaining()) {
                        ch.write(out);
                    }
                    ByteBuffer in = ByteBuffer.allocate(msg.length);
                    while (in.hasRemaining()) {
                        if (ch.read(in) < 0) {
                            return String.format(Locale.ROOT, "self-test FAILED: connection %d closed by the server in message %d", c, m);
                        }
                    }
                    if (!Arrays.equals(msg, in.array())) {
                        return String.format(Locale.ROOT, "self-test FAILED: connection %d message %d came back altered (first difference at byte %d)",
                                c, m, Arrays.mismatch(msg, in.array()));
                    }
                    bytes += msg.length;
                }
            }
        } finally {
            for (SocketChannel ch : chans) {
                ch.close();
            }
        }
        return String.format(Locale.ROOT, "self-test passed: %d connections x %d messages, %d bytes echoed and verified",
                connections, messages, bytes);
    }
}
