package io.flexsc.nio.bench.net;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The networking benchmark: a pipelined loopback echo over {@code connections} connections with
 * fixed-size messages, {@code depth} messages in flight per connection. One server thread and one
 * client thread, each with its own selector, as a plain NIO event loop writes them.
 *
 * <pre>
 * java -cp ... io.flexsc.nio.bench.net.PipelinedEcho jdk|flex [messages] [connections] [size] [depth]
 * </pre>
 * {@code jdk} runs on the JDK's own SelectorProvider (read from its holder with Unsafe, since ours may
 * be installed), {@code flex} on {@link io.flexsc.nio.net.FlexSelectorProvider}; batching and engine
 * come from {@code -Dflexsc.net.batch} and {@code -Dflexsc.engine}. Prints one line: provider,
 * messages echoed, seconds, messages per second. With {@code messages} 0 it only sets up and tears
 * down the connections (the baseline to subtract from an strace count).
 */
public final class PipelinedEcho {
    private PipelinedEcho() {}

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "flex";
        long messages = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int depth = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        SelectorProvider p = "jdk".equals(which) ? jdkProvider() : new io.flexsc.nio.net.FlexSelectorProvider();
        // the client loop runs in a thread of its own name, so that count-crossings.sh can tell it apart
        Result[] out = new Result[1];
        Throwable[] err = new Throwable[1];
        Thread client = new Thread(() -> {
            try {
                out[0] = run(p, messages, connections, size, depth);
            } catch (Throwable t) {
                err[0] = t;
            }
        }, "echo-client");
        client.start();
        client.join();
        if (err[0] != null) {
            throw new IllegalStateException("benchmark failed", err[0]);
        }
        Result r = out[0];
        System.out.printf("%s batch=%s engine=%s connections=%d size=%d depth=%d messages=%d seconds=%.3f msgs/s=%.0f%n",
                which, System.getProperty("flexsc.net.batch", "auto"), System.getProperty("flexsc.engine", "auto"),
                connections, size, depth, r.messages, r.seconds, r.messages / Math.max(r.seconds, 1e-9));
    }

    record Result(long messages, double seconds) {}

    /** The JDK's own SelectorProvider, even when ours is installed as the system one (the benchmarks jar registers it). */
    public static SelectorProvider jdkProvider() throws java.io.IOException {
        return io.flexsc.nio.net.JdkSelectorProvider.get();
    }

    static Result run(SelectorProvider p, long messages, int connections, int size, int depth) throws Exception {
        ServerSocketChannel ssc = p.openServerSocketChannel();
        ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        ssc.configureBlocking(false);
        Selector serverSel = p.openSelector();
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread server = new Thread(() -> {
            try {
                serve(ssc, serverSel, stop, size * depth * 2);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "echo-server");
        server.start();
        Selector sel = p.openSelector();
        SocketChannel[] cs = new SocketChannel[connections];
        long[] inFlight = new long[connections];
        for (int i = 0; i < connections; i++) {
            cs[i] = p.openSocketChannel();
            cs[i].connect(ssc.getLocalAddress());
            cs[i].configureBlocking(false);
            cs[i].register(sel, SelectionKey.OP_READ, i);
        }
        byte[] msg = new byte[size];
        for (int i = 0; i < size; i++) {
            msg[i] = (byte) i;
        }
        ByteBuffer burst = ByteBuffer.allocateDirect(size * depth);
        for (int i = 0; i < depth; i++) {
            burst.put(msg);
        }
        ByteBuffer in = ByteBuffer.allocateDirect(size * depth * 4);
        long sent = 0;
        long done = 0;
        long[] partial = new long[connections];
        long t0 = System.nanoTime();
        if (messages > 0) {
            for (int i = 0; i < connections && sent < messages; i++) {
                int n = (int) Math.min(depth, messages - sent);
                burst.clear().limit(n * size);
                while (burst.hasRemaining()) {
                    cs[i].write(burst);
                }
                sent += n;
                inFlight[i] = n;
            }
        }
        while (done < messages) {
            sel.select(1000);
            Iterator<SelectionKey> it = sel.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                int i = (Integer) k.attachment();
                in.clear();
                int n = cs[i].read(in);
                if (n < 0) {
                    throw new IOException("server closed connection " + i);
                }
                partial[i] += n;
                long got = partial[i] / size;
                partial[i] -= got * size;
                done += got;
                inFlight[i] -= got;
                // refill the pipeline
                long want = Math.min(depth - inFlight[i], messages - sent);
                if (want > 0) {
                    burst.clear().limit((int) want * size);
                    while (burst.hasRemaining()) {
                        if (cs[i].write(burst) == 0) {
                            Thread.yield(); // queue or kernel full: the flusher (or the peer) makes room
                        }
                    }
                    sent += want;
                    inFlight[i] += want;
                }
            }
            if (failure.get() != null) {
                throw new IllegalStateException("server failed", failure.get());
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (SocketChannel c : cs) {
            c.close();
        }
        sel.close();
        stop.countDown();
        serverSel.wakeup();
        server.join();
        serverSel.close();
        ssc.close();
        return new Result(done, seconds);
    }

    private static void serve(ServerSocketChannel ssc, Selector sel, CountDownLatch stop, int bufSize) throws IOException {
        ssc.register(sel, SelectionKey.OP_ACCEPT);
        ByteBuffer buf = ByteBuffer.allocateDirect(bufSize);
        while (stop.getCount() > 0) {
            sel.select(200);
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
                        sc.register(sel, SelectionKey.OP_READ);
                    }
                    continue;
                }
                SocketChannel sc = (SocketChannel) k.channel();
                buf.clear();
                int n;
                try {
                    n = sc.read(buf);
                } catch (IOException e) {
                    n = -1;
                }
                if (n < 0) {
                    k.cancel();
                    sc.close();
                    continue;
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    if (sc.write(buf) == 0) {
                        Thread.yield(); // full: the flusher (or the peer) makes room
                    }
                }
            }
        }
        for (SelectionKey k : sel.keys()) {
            k.channel().close();
        }
    }
}
