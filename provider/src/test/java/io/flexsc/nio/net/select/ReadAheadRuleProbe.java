package io.flexsc.nio.net.select;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The child JVM of {@link ReadAheadRuleTest}: on the process's engine ({@code -Dflexsc.engine}),
 * with batching forced, runs under each read-ahead rule ({@code always}, {@code adaptive}):
 *
 * <ul>
 * <li>{@code streams}: a selecting server (this thread, our provider) and one client thread per
 *     connection (the JDK's provider, blocking); each client follows a plan of request-response
 *     rounds (32 B, answered by 32 B), bulk sends (random chunks up to 100 KB) and an end of input or
 *     a reset, so that its channel goes through every state of the adaptive rule (read ahead, lone,
 *     backing off, reading past the read-ahead). The server checks every byte against the pattern
 *     of its offset, that an end of input comes exactly after the last byte and a reset as an
 *     IOException after a prefix, and that no select waits 10 s while a client waits for it (a
 *     lost wake-up);</li>
 * <li>{@code pingpong}: 4 clients in request-response rounds, each message read whole; prints the
 *     selector's speculative reads and those that found nothing.</li>
 * </ul>
 * Prints {@code key=value} lines; {@code done} at the end.
 */
public final class ReadAheadRuleProbe {
    private ReadAheadRuleProbe() {}

    static final int PING = 32;

    /** A client's step: PING n rounds, BULK n bytes, EOF, RESET. */
    record Step(char kind, int n) {}

    static byte pattern(long offset, int conn) {
        return (byte) (offset * 31 + (offset >>> 8) + conn * 7);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("flexsc.net.batch", "true");
        System.out.println("engine=" + NetSys.engine().name());
        for (String rule : new String[] {"always", "adaptive"}) {
            System.setProperty("flexsc.net.readAheadRule", rule);
            String r;
            try {
                r = streams();
            } catch (Throwable t) {
                r = "FAIL: " + t;
            }
            System.out.println("streams." + rule + "=" + r);
            long[] counts = pingpong();
            System.out.println("pingpong." + rule + ".speculativeReads=" + counts[0]);
            System.out.println("pingpong." + rule + ".speculativeMisses=" + counts[1]);
            System.out.println("pingpong." + rule + ".messages=" + counts[2]);
        }
        System.out.println("done");
    }

    private static List<List<Step>> plans() {
        List<List<Step>> plans = new ArrayList<>();
        plans.add(List.of(new Step('P', 150), new Step('E', 0)));
        plans.add(List.of(new Step('P', 60), new Step('B', 300_000), new Step('P', 60), new Step('E', 0)));
        plans.add(List.of(new Step('B', 200_000), new Step('P', 100), new Step('B', 3000), new Step('E', 0)));
        plans.add(List.of(new Step('P', 80), new Step('B', 5000), new Step('R', 0)));
        plans.add(List.of(new Step('B', 40_000), new Step('P', 40), new Step('B', 100_000), new Step('E', 0)));
        plans.add(List.of(new Step('P', 120), new Step('R', 0)));
        return plans;
    }

    /** The server's view of one connection. */
    private static final class Conn {
        final int id;
        final SocketChannel ch;
        final boolean untilZero;
        final ByteBuffer buf;
        /** Stream offsets at which a request ends, to be answered. */
        final long[] replyAt;
        final long total;
        final boolean reset;
        int replied;
        long got;
        boolean finished;
        String failure;
        final ByteBuffer reply = ByteBuffer.allocate(PING);

        Conn(int id, SocketChannel ch, List<Step> plan) {
            this.id = id;
            this.ch = ch;
            this.untilZero = id % 2 == 0; // a reader that reads until 0, else one that stops at a short read
            this.buf = id % 2 == 0 ? ByteBuffer.allocate(1024) : ByteBuffer.allocateDirect(64 << 10);
            List<Long> at = new ArrayList<>();
            long off = 0;
            boolean r = false;
            for (Step s : plan) {
                switch (s.kind()) {
                    case 'P' -> {
                        for (int i = 0; i < s.n(); i++) {
                            off += PING;
                            at.add(off);
                        }
                    }
                    case 'B' -> off += s.n();
                    case 'R' -> r = true;
                    default -> { }
                }
            }
            replyAt = at.stream().mapToLong(Long::longValue).toArray();
            total = off;
            reset = r;
        }
    }

    private static void client(SocketChannel c, int id, List<Step> plan, long seed) throws IOException {
        Random rnd = new Random(seed);
        long off = 0;
        ByteBuffer answer = ByteBuffer.allocate(PING);
        for (Step s : plan) {
            switch (s.kind()) {
                case 'P' -> {
                    for (int i = 0; i < s.n(); i++) {
                        off = send(c, id, off, PING);
                        answer.clear();
                        while (answer.hasRemaining()) {
                            if (c.read(answer) < 0) {
                                throw new IOException("server closed");
                            }
                        }
                    }
                }
                case 'B' -> {
                    long end = off + s.n();
                    while (off < end) {
                        off = send(c, id, off, (int) Math.min(end - off, 1 + rnd.nextInt(100_000)));
                    }
                }
                case 'E' -> c.shutdownOutput();
                case 'R' -> {
                    c.setOption(StandardSocketOptions.SO_LINGER, 0);
                    c.close();
                }
                default -> throw new AssertionError(s);
            }
        }
    }

    private static long send(SocketChannel c, int id, long off, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put(i, pattern(off + i, id));
        }
        while (b.hasRemaining()) {
            c.write(b);
        }
        return off + n;
    }

    private static String streams() throws Exception {
        List<List<Step>> plans = plans();
        long seed = System.nanoTime();
        FlexSelectorProvider ours = new FlexSelectorProvider();
        List<Thread> clients = new ArrayList<>();
        AtomicReference<Throwable> clientFailure = new AtomicReference<>();
        List<SocketChannel> clientChannels = new ArrayList<>();
        try (ServerSocketChannel ssc = ours.openServerSocketChannel().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Selector sel = ours.openSelector()) {
            List<Conn> conns = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                SocketChannel c = JdkProvider.get().openSocketChannel();
                c.connect(ssc.getLocalAddress());
                clientChannels.add(c);
                SocketChannel s = ssc.accept();
                s.configureBlocking(false);
                Conn conn = new Conn(i, s, plans.get(i));
                s.register(sel, SelectionKey.OP_READ, conn);
                conns.add(conn);
            }
            for (int i = 0; i < plans.size(); i++) {
                int id = i;
                Thread t = new Thread(() -> {
                    try {
                        client(clientChannels.get(id), id, plans.get(id), seed + id);
                    } catch (Throwable e) {
                        clientFailure.compareAndSet(null, e);
                    }
                }, "probe-client-" + i);
                t.setDaemon(true);
                t.start();
                clients.add(t);
            }
            int left = conns.size();
            while (left > 0) {
                int n = sel.select(10_000);
                if (n == 0 && sel.selectedKeys().isEmpty()) {
                    StringBuilder st = new StringBuilder();
                    for (Conn c : conns) {
                        st.append(" [conn ").append(c.id).append(": ").append(c.got).append(" of ").append(c.total)
                                .append(c.finished ? ", finished]" : "]");
                    }
                    return "FAIL: a select waited 10 s with clients not done (lost wake-up?), seed " + seed + ":" + st
                            + (clientFailure.get() == null ? "" : "; client failed: " + clientFailure.get());
                }
                for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    if (!c.finished && serve(c)) {
                        c.finished = true;
                        k.cancel();
                        left--;
                    }
                }
            }
            for (Thread t : clients) {
                t.join(30_000);
            }
            for (Conn c : conns) {
                if (c.failure != null) {
                    return "FAIL: conn " + c.id + ": " + c.failure + ", seed " + seed;
                }
            }
            if (clientFailure.get() != null) {
                return "FAIL: a client: " + clientFailure.get() + ", seed " + seed;
            }
            for (Conn c : conns) {
                c.ch.close();
            }
            return "ok";
        } finally {
            for (SocketChannel c : clientChannels) {
                c.close();
            }
        }
    }

    /** Reads what {@code c} has, as its reader does, checking each byte; true when the connection is done. */
    private static boolean serve(Conn c) {
        try {
            for (;;) {
                c.buf.clear();
                int n = c.ch.read(c.buf);
                if (n < 0) {
                    if (c.reset || c.got != c.total) {
                        c.failure = "end of input after " + c.got + " of " + c.total + " bytes" + (c.reset ? " (a reset was sent)" : "");
                    }
                    return true;
                }
                c.buf.flip();
                for (int i = 0; i < n; i++) {
                    byte b = c.buf.get(i);
                    if (b != pattern(c.got + i, c.id)) {
                        c.failure = "byte " + (c.got + i) + " is " + b + ", not " + pattern(c.got + i, c.id);
                        return true;
                    }
                }
                c.got += n;
                if (c.got > c.total) {
                    c.failure = c.got + " bytes, more than the " + c.total + " sent";
                    return true;
                }
                while (c.replied < c.replyAt.length && c.got >= c.replyAt[c.replied]) {
                    c.reply.clear();
                    while (c.reply.hasRemaining()) {
                        c.ch.write(c.reply); // 32 B into a queue of at least 512 that the client empties
                    }
                    c.replied++;
                }
                if (n == 0 || (!c.untilZero && n < c.buf.capacity())) {
                    return false;
                }
            }
        } catch (IOException e) {
            if (!c.reset) {
                c.failure = "read failed after " + c.got + " bytes: " + e;
            } else if (e.getMessage() == null || !e.getMessage().contains("reset")) {
                c.failure = "a reset read as " + e;
            }
            return true;
        }
    }

    /**
     * Request-response traffic in which each request is read whole: 8 connections, one client
     * thread that sends a request (32 B) on two connections at once, waits for both answers, and
     * goes on to the next two, round after round (150 requests per connection). The server reads
     * each request whole (a buffer of 64 KiB, stopping at the short read) and answers it. A channel
     * read ahead is, by the {@code always} rule, read again speculatively in the next select's
     * batch, the one that sends its answer: its client has not got the answer yet, and then sends on
     * other connections, so that read finds nothing, on every engine. Returns the selector's
     * speculative reads, those that found nothing, and the requests served.
     */
    private static long[] pingpong() throws Exception {
        int connections = 8;
        int rounds = 150;
        FlexSelectorProvider ours = new FlexSelectorProvider();
        List<SocketChannel> clientChannels = new ArrayList<>();
        Thread client = null;
        try (ServerSocketChannel ssc = ours.openServerSocketChannel().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Selector sel = ours.openSelector()) {
            for (int i = 0; i < connections; i++) {
                SocketChannel c = JdkProvider.get().openSocketChannel();
                c.connect(ssc.getLocalAddress());
                clientChannels.add(c);
                SocketChannel s = ssc.accept();
                s.configureBlocking(false);
                s.register(sel, SelectionKey.OP_READ, new long[1]); // bytes of a request not yet answered
            }
            client = new Thread(() -> {
                try {
                    ByteBuffer req = ByteBuffer.allocate(PING);
                    ByteBuffer ans = ByteBuffer.allocate(PING);
                    for (int r = 0; r < rounds; r++) {
                        for (int pair = 0; pair < connections; pair += 2) {
                            for (int i = pair; i < pair + 2; i++) {
                                req.clear();
                                while (req.hasRemaining()) {
                                    clientChannels.get(i).write(req);
                                }
                            }
                            for (int i = pair; i < pair + 2; i++) {
                                ans.clear();
                                while (ans.hasRemaining()) {
                                    if (clientChannels.get(i).read(ans) < 0) {
                                        return;
                                    }
                                }
                            }
                        }
                    }
                    for (SocketChannel c : clientChannels) {
                        c.shutdownOutput();
                    }
                } catch (IOException e) {
                    // the server side reports what it got
                }
            }, "probe-pingpong");
            client.setDaemon(true);
            client.start();
            int clientsN = connections;
            ByteBuffer in = ByteBuffer.allocateDirect(64 << 10);
            ByteBuffer out = ByteBuffer.allocate(PING);
            long served = 0;
            int open = clientsN;
            while (open > 0) {
                if (sel.select(10_000) == 0 && sel.selectedKeys().isEmpty()) {
                    break; // reported by the count of requests served
                }
                for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    SocketChannel s = (SocketChannel) k.channel();
                    in.clear();
                    int n = s.read(in);
                    if (n < 0) {
                        k.cancel();
                        s.close();
                        open--;
                        continue;
                    }
                    long[] pending = (long[]) k.attachment();
                    pending[0] += n;
                    for (; pending[0] >= PING; pending[0] -= PING) {
                        out.clear();
                        while (out.hasRemaining()) {
                            s.write(out);
                        }
                        served++;
                    }
                }
            }
            FlexSelector fs = (FlexSelector) sel;
            return new long[] {fs.speculativeReads(), fs.speculativeMisses(), served};
        } finally {
            for (SocketChannel c : clientChannels) {
                c.close();
            }
            if (client != null) {
                client.join(10_000);
            }
        }
    }
}
