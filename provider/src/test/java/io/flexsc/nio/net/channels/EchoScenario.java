package io.flexsc.nio.net.channels;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * A loopback echo over many non-blocking connections: a server thread with its own selector echoes
 * what it reads; a client thread with another selector sends each connection's messages (random
 * sizes, seeded, heap or direct buffers) and checks what comes back. The result is every
 * connection's CRC32 of the bytes the client received, in connection order, plus a CRC of those.
 */
final class EchoScenario {
    final SelectorProvider provider;
    final int connections;
    final int messagesPerConnection;
    final int maxMessage;
    final long seed;

    EchoScenario(SelectorProvider provider, int connections, int messagesPerConnection, int maxMessage, long seed) {
        this.provider = provider;
        this.connections = connections;
        this.messagesPerConnection = messagesPerConnection;
        this.maxMessage = maxMessage;
        this.seed = seed;
    }

    /** Per-connection client state. */
    private static final class Conn {
        final int id;
        final byte[] toSend;
        int sent;
        int received;
        final CRC32 crc = new CRC32();
        final ByteBuffer in;

        Conn(int id, byte[] toSend, boolean direct) {
            this.id = id;
            this.toSend = toSend;
            this.in = direct ? ByteBuffer.allocateDirect(4096) : ByteBuffer.allocate(4096);
        }
    }

    long[] run(long timeoutSeconds) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (ServerSocketChannel ssc = provider.openServerSocketChannel()) {
            ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            ssc.configureBlocking(false);
            Selector serverSel = provider.openSelector();
            Selector clientSel = provider.openSelector();
            CountDownLatch done = new CountDownLatch(1);
            Thread server = new Thread(() -> {
                try {
                    serve(ssc, serverSel, done);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "echo-server");
            server.start();
            long[] result = new long[connections + 1];
            try {
                client(ssc.getLocalAddress(), clientSel, result);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                done.countDown();
                serverSel.wakeup();
                server.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
                serverSel.close();
                clientSel.close();
            }
            if (failure.get() != null) {
                throw new AssertionError("echo failed on " + provider.getClass().getName(), failure.get());
            }
            return result;
        }
    }

    private void serve(ServerSocketChannel ssc, Selector sel, CountDownLatch done) throws IOException {
        ssc.register(sel, SelectionKey.OP_ACCEPT);
        ByteBuffer buf = ByteBuffer.allocateDirect(8192);
        while (done.getCount() > 0) {
            sel.select(1000);
            Iterator<SelectionKey> it = sel.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                if (!k.isValid()) {
                    continue;
                }
                if (k.isAcceptable()) {
                    SocketChannel sc;
                    while ((sc = ssc.accept()) != null) {
                        sc.configureBlocking(false);
                        sc.register(sel, SelectionKey.OP_READ, new ArrayDeque<ByteBuffer>());
                    }
                    continue;
                }
                SocketChannel sc = (SocketChannel) k.channel();
                @SuppressWarnings("unchecked")
                ArrayDeque<ByteBuffer> pending = (ArrayDeque<ByteBuffer>) k.attachment();
                if (k.isReadable()) {
                    buf.clear();
                    int n = sc.read(buf);
                    if (n < 0) {
                        k.cancel();
                        sc.close();
                        continue;
                    }
                    buf.flip();
                    if (n > 0) {
                        ByteBuffer copy = ByteBuffer.allocate(n);
                        copy.put(buf).flip();
                        pending.add(copy);
                    }
                }
                while (!pending.isEmpty()) {
                    ByteBuffer b = pending.peek();
                    sc.write(b);
                    if (b.hasRemaining()) {
                        break;
                    }
                    pending.poll();
                }
                k.interestOps(pending.isEmpty() ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        }
        for (SelectionKey k : sel.keys()) {
            k.channel().close();
        }
    }

    private void client(java.net.SocketAddress server, Selector sel, long[] result) throws IOException {
        Random rnd = new Random(seed);
        Conn[] conns = new Conn[connections];
        for (int i = 0; i < connections; i++) {
            int total = 0;
            int[] sizes = new int[messagesPerConnection];
            for (int m = 0; m < messagesPerConnection; m++) {
                sizes[m] = 1 + rnd.nextInt(maxMessage);
                total += sizes[m];
            }
            byte[] data = new byte[total];
            rnd.nextBytes(data);
            conns[i] = new Conn(i, data, (i & 1) == 0);
            SocketChannel sc = provider.openSocketChannel();
            sc.configureBlocking(false);
            if (sc.connect(server)) {
                sc.register(sel, SelectionKey.OP_READ | SelectionKey.OP_WRITE, conns[i]);
            } else {
                sc.register(sel, SelectionKey.OP_CONNECT, conns[i]);
            }
        }
        int open = connections;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (open > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("echo did not finish; " + open + " connections left");
            }
            sel.select(1000);
            Iterator<SelectionKey> it = sel.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                Conn c = (Conn) k.attachment();
                SocketChannel sc = (SocketChannel) k.channel();
                if (k.isConnectable()) {
                    sc.finishConnect();
                    k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    continue;
                }
                if (k.isWritable() && c.sent < c.toSend.length) {
                    int chunk = Math.min(c.toSend.length - c.sent, 1 + (c.sent * 31 + c.id) % maxMessage);
                    ByteBuffer out = (c.id & 2) == 0 ? ByteBuffer.wrap(c.toSend, c.sent, chunk)
                            : ByteBuffer.allocateDirect(chunk).put(c.toSend, c.sent, chunk).flip();
                    c.sent += sc.write(out);
                    if (c.sent == c.toSend.length) {
                        k.interestOps(SelectionKey.OP_READ);
                    }
                }
                if (k.isValid() && k.isReadable()) {
                    c.in.clear();
                    int n = sc.read(c.in);
                    if (n < 0) {
                        throw new AssertionError("server closed connection " + c.id + " early");
                    }
                    c.in.flip();
                    byte[] got = new byte[n];
                    c.in.get(got);
                    for (int j = 0; j < n; j++) {
                        if (got[j] != c.toSend[c.received + j]) {
                            throw new AssertionError("connection " + c.id + ": byte " + (c.received + j) + " differs");
                        }
                    }
                    c.crc.update(got);
                    c.received += n;
                    if (c.received == c.toSend.length) {
                        result[c.id] = c.crc.getValue();
                        k.cancel();
                        sc.close();
                        open--;
                    }
                }
            }
        }
        CRC32 all = new CRC32();
        for (int i = 0; i < connections; i++) {
            all.update(ByteBuffer.allocate(8).putLong(0, result[i]));
        }
        result[connections] = all.getValue();
    }
}
