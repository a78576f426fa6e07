package io.flexsc.bench.soak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Iterator;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server under test: a non-blocking echo on the given provider (ours), over several event
 * loops; loop 0 accepts and hands every other connection to the next loop (registration from
 * another thread, with a wakeup). Each connection echoes through a buffer of random kind and size
 * (4 KiB direct, 64 KiB heap, 512 KiB heap: heap writes above 256 KiB go through a temporary
 * direct buffer), stops reading while its buffer is full (a slow reader holds its peer back),
 * echoes a half-close once everything read is written back, and closes on any error (a reset).
 */
final class EchoServer implements AutoCloseable {
    private final ServerSocketChannel ssc;
    private final Loop[] loops;
    private final Counters counters;
    final AtomicInteger open = new AtomicInteger();
    private volatile boolean stopped;

    EchoServer(SelectorProvider p, int loopCount, Counters counters) throws IOException {
        this.counters = counters;
        ssc = p.openServerSocketChannel();
        ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        ssc.configureBlocking(false);
        loops = new Loop[loopCount];
        for (int i = 0; i < loopCount; i++) {
            loops[i] = new Loop(p.openSelector(), i);
        }
        ssc.register(loops[0].sel, SelectionKey.OP_ACCEPT);
        for (Loop l : loops) {
            l.thread.start();
        }
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) ssc.getLocalAddress();
    }

    private static final class Conn {
        final ByteBuffer buf;
        boolean inputDone;

        Conn(ByteBuffer buf) {
            this.buf = buf;
        }
    }

    private final class Loop implements Runnable {
        final Selector sel;
        final Thread thread;
        final ConcurrentLinkedQueue<SocketChannel> incoming = new ConcurrentLinkedQueue<>();
        final Random rnd;
        int next;

        Loop(Selector sel, int id) {
            this.sel = sel;
            this.rnd = new Random(1234 + id);
            this.thread = new Thread(this, "soak-server-" + id);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    sel.select(100);
                    SocketChannel c;
                    while ((c = incoming.poll()) != null) {
                        register(c);
                    }
                    Iterator<SelectionKey> it = sel.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey k = it.next();
                        it.remove();
                        if (!k.isValid()) {
                            continue;
                        }
                        if (k.isAcceptable()) {
                            accept();
                        } else {
                            echo(k);
                        }
                    }
                }
            } catch (Throwable t) {
                counters.fail("server loop " + thread.getName() + " died: " + t);
                t.printStackTrace();
            }
        }

        private void accept() throws IOException {
            SocketChannel c;
            while ((c = ssc.accept()) != null) {
                counters.serverAccepted.increment();
                open.incrementAndGet();
                c.configureBlocking(false);
                Loop to = loops[next++ % loops.length];
                if (to == this) {
                    register(c);
                } else {
                    to.incoming.add(c);
                    to.sel.wakeup();
                }
            }
        }

        private void register(SocketChannel c) throws IOException {
            int kind = rnd.nextInt(3);
            ByteBuffer b = kind == 0 ? ByteBuffer.allocateDirect(4096)
                    : kind == 1 ? ByteBuffer.allocate(64 * 1024) : ByteBuffer.allocate(512 * 1024);
            c.register(sel, SelectionKey.OP_READ, new Conn(b));
        }

        private void echo(SelectionKey k) {
            SocketChannel c = (SocketChannel) k.channel();
            Conn s = (Conn) k.attachment();
            try {
                if (k.isReadable() && !s.inputDone && s.buf.hasRemaining()) {
                    if (c.read(s.buf) < 0) {
                        s.inputDone = true;
                    }
                }
                if (s.buf.position() > 0) {
                    s.buf.flip();
                    c.write(s.buf);
                    s.buf.compact();
                }
                if (s.inputDone && s.buf.position() == 0) {
                    c.shutdownOutput(); // the half-close echoed
                    close(k);
                    return;
                }
                int ops = (s.inputDone || !s.buf.hasRemaining() ? 0 : SelectionKey.OP_READ)
                        | (s.buf.position() > 0 ? SelectionKey.OP_WRITE : 0);
                k.interestOps(ops);
            } catch (IOException e) {
                counters.serverErrors.increment(); // a reset or a killed client
                close(k);
            }
        }

        private void close(SelectionKey k) {
            k.cancel();
            try {
                k.channel().close();
            } catch (IOException e) {
                counters.serverErrors.increment();
            }
            counters.serverClosed.increment();
            open.decrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        stopped = true;
        for (Loop l : loops) {
            l.sel.wakeup();
        }
        for (Loop l : loops) {
            try {
                l.thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (SelectionKey k : l.sel.keys()) {
                k.channel().close();
            }
            l.sel.close();
        }
        ssc.close();
    }
}
