package io.flexsc.bench.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The reference side: a non-blocking client loop on the JDK's provider keeping {@code target}
 * connections open to the echo server, each sending a stream of {@link Pattern} bytes and checking
 * every echoed byte at its offset. Each connection ends in one of three ways, at random: it reads
 * back all it sent and closes; it half-closes its output and expects every byte and then the
 * server's end of stream; or it aborts mid-stream with a reset (SO_LINGER 0). Now and then a
 * connection stops reading for a while (a slow reader), which fills the server's buffer and stops
 * the server reading from it. A finished connection is replaced by a new one until {@link #drain}.
 */
final class ClientLoop implements Runnable {
    private enum Ending { CLOSE, HALF_CLOSE, RESET }

    private final class Conn {
        final long seed = rnd.nextLong();
        final long total = 1 + (long) rnd.nextInt(rnd.nextInt(10) == 0 ? 2 << 20 : 64 << 10);
        final Ending ending = Ending.values()[rnd.nextInt(10) < 6 ? 0 : rnd.nextInt(2) + 1];
        final long resetAt = (long) (rnd.nextDouble() * total);
        final SocketChannel ch;
        SelectionKey key;
        long sent;
        long received;
        boolean outputShut;
        long slowUntil;
        long lastProgress = System.nanoTime();

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public String toString() {
            return "conn(" + ending + " sent " + sent + "/" + total + " received " + received + ")";
        }
    }

    private final SelectorProvider provider;
    private final InetSocketAddress server;
    private final int target;
    private final Counters counters;
    private final Random rnd;
    private final Set<Conn> conns = new HashSet<>();
    private final ByteBuffer out = ByteBuffer.allocateDirect(32 * 1024);
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private volatile boolean draining;
    final Thread thread;

    ClientLoop(SelectorProvider provider, InetSocketAddress server, int target, long seed, Counters counters, String name) {
        this.provider = provider;
        this.server = server;
        this.target = target;
        this.counters = counters;
        this.rnd = new Random(seed);
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    /** Stop opening connections; the open ones run to their end. */
    void drain() {
        draining = true;
    }

    /** Open connections, and what they are doing (thread-safe enough for a report: a snapshot). */
    synchronized List<String> describeOpen() {
        List<String> out = new ArrayList<>();
        for (Conn c : conns) {
            out.add(c.toString());
        }
        return out;
    }

    synchronized int open() {
        return conns.size();
    }

    @Override
    public void run() {
        try (Selector sel = provider.openSelector()) {
            long nextSlowCheck = 0;
            while (!(draining && open() == 0)) {
                for (int i = 0; i < 64 && !draining && open() < target; i++) {
                    connect(sel);
                }
                sel.select(20);
                Iterator<SelectionKey> it = sel.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    if (k.isValid()) {
                        step(c, k);
                    }
                }
                long now = System.nanoTime();
                if (now >= nextSlowCheck) {
                    slowReaders(now);
                    nextSlowCheck = now + 100_000_000L;
                }
            }
        } catch (Throwable t) {
            counters.fail(thread.getName() + " died: " + t);
            t.printStackTrace();
        }
    }

    private void connect(Selector sel) throws IOException {
        SocketChannel ch = provider.openSocketChannel();
        ch.configureBlocking(false);
        Conn c = new Conn(ch);
        synchronized (this) {
            conns.add(c);
        }
        counters.opened.increment();
        if (ch.connect(server)) {
            c.key = ch.register(sel, SelectionKey.OP_READ | SelectionKey.OP_WRITE, c);
        } else {
            c.key = ch.register(sel, SelectionKey.OP_CONNECT, c);
        }
    }

    private void step(Conn c, SelectionKey k) {
        try {
            if (k.isConnectable()) {
                c.ch.finishConnect();
                k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
            if (k.isWritable() && c.sent < c.total) {
                send(c);
                if (!k.isValid()) {
                    return;
                }
            }
            if (k.isReadable()) {
                receive(c);
            }
        } catch (IOException e) {
            counters.fail("client " + c + ": " + e);
            end(c);
        }
    }

    private void send(Conn c) throws IOException {
        out.clear();
        int n = (int) Math.min(out.capacity(), c.total - c.sent);
        n = 1 + rnd.nextInt(n); // writes of every size
        for (int i = 0; i < n; i++) {
            out.put(Pattern.at(c.seed, c.sent + i));
        }
        out.flip();
        int w = c.ch.write(out);
        c.sent += w;
        counters.bytesSent.add(w);
        if (w > 0) {
            c.lastProgress = System.nanoTime();
        }
        if (c.ending == Ending.RESET && c.sent >= c.resetAt) {
            c.ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            counters.resets.increment();
            end(c); // abrupt close: an RST, whatever is in flight
            return;
        }
        if (c.sent == c.total) {
            if (c.ending == Ending.HALF_CLOSE) {
                c.ch.shutdownOutput();
                c.outputShut = true;
            }
            c.key.interestOps(c.key.interestOps() & ~SelectionKey.OP_WRITE);
        }
    }

    private void receive(Conn c) throws IOException {
        in.clear();
        int n = c.ch.read(in);
        if (n < 0) {
            if (c.ending == Ending.HALF_CLOSE && c.outputShut && c.received == c.total) {
                counters.halfClosed.increment();
                counters.completed.increment();
            } else {
                counters.lostBytes.add(c.sent - c.received);
                counters.fail("end of stream early: " + c);
            }
            end(c);
            return;
        }
        byte[] a = in.array();
        for (int i = 0; i < n; i++) {
            if (a[i] != Pattern.at(c.seed, c.received + i)) {
                counters.corruptBytes.increment();
                if (counters.corruptBytes.sum() < 5) {
                    counters.fail("corrupt byte at offset " + (c.received + i) + " of " + c);
                }
            }
        }
        c.received += n;
        counters.bytesVerified.add(n);
        if (n > 0) {
            c.lastProgress = System.nanoTime();
        }
        if (c.received > c.sent) {
            counters.fail("more bytes back than sent: " + c);
            end(c);
        } else if (c.ending == Ending.CLOSE && c.received == c.total) {
            counters.completed.increment();
            end(c);
        }
    }

    private void slowReaders(long now) {
        List<Conn> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(conns);
        }
        for (Conn c : snapshot) {
            if (c.key == null || !c.key.isValid() || (c.key.interestOps() & SelectionKey.OP_CONNECT) != 0) {
                continue;
            }
            if (c.slowUntil != 0 && now >= c.slowUntil) {
                c.slowUntil = 0;
                c.lastProgress = now;
                c.key.interestOps(c.key.interestOps() | SelectionKey.OP_READ);
            } else if (c.slowUntil == 0 && rnd.nextInt(500) == 0) {
                c.slowUntil = now + (200 + rnd.nextInt(2800)) * 1_000_000L;
                c.key.interestOps(c.key.interestOps() & ~SelectionKey.OP_READ);
                counters.slowSpells.increment();
            }
        }
    }

    private void end(Conn c) {
        if (c.key != null) {
            c.key.cancel();
        }
        try {
            c.ch.close();
        } catch (IOException e) {
            counters.fail("close " + c + ": " + e);
        }
        synchronized (this) {
            conns.remove(c);
        }
    }

    /** Connections that made no progress for {@code nanos} while not deliberately slow. */
    synchronized List<String> stalled(long nanos) {
        long now = System.nanoTime();
        List<String> out = new ArrayList<>();
        for (Conn c : conns) {
            if (c.slowUntil == 0 && now - c.lastProgress > nanos) {
                out.add(c.toString());
            }
        }
        return out;
    }
}
