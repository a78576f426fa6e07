package io.flexsc.nio.examples.echo;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A Netty load client for an echo server: {@code connections} connections, each keeping
 * {@code depth} messages of {@code size} bytes in flight, for a warm-up and then a measured
 * duration.
 *
 * <pre>
 * LoadClient --port P [--host H] [--connections C] [--size S] [--depth D] [--duration SEC]
 *            [--warmup SEC] [--threads T] [--transport epoll|nio|io_uring] [--json FILE] [--quiet] [--marks]
 * </pre>
 *
 * <p>Every echoed byte is checked: message {@code k} of connection {@code c} starts with a header
 * (the little-endian bytes of {@code k + (c << 40)}, as many as fit in the message) and continues
 * with a body pattern of that connection, so a lost, duplicated, reordered, altered or misrouted byte
 * is a verification error. Latency is measured per message, from its write to the arrival of its last
 * echoed byte, into an HdrHistogram in nanoseconds. A progress line ({@code t=3s msgs/s=... p99=...us})
 * is printed each second unless {@code --quiet}, then a summary; {@code --json FILE} also writes the
 * summary as one JSON object; {@code --marks} prints a line {@code MEASURING} when the measured
 * window starts and {@code MEASURED} when it ends (the echo demo measures the server over it). Exit status: 0 on success, 1 on a connection or verification error,
 * 2 on a usage error.
 */
public final class LoadClient {
    /** Latencies above this (in ns) are recorded as this value. */
    static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);
    /** How long the end of a run waits for the messages still in flight. */
    static final long DRAIN_NS = TimeUnit.SECONDS.toNanos(10);

    /** The run's settings. */
    public record Settings(String host, int port, int connections, int size, int depth, double durationSec,
                           double warmupSec, int threads, Transport transport, boolean quiet) {
        public Settings {
            if (connections < 1 || size < 1 || depth < 1 || threads < 1 || !(durationSec > 0) || !(warmupSec >= 0)) {
                throw new IllegalArgumentException("invalid load-client settings: " + this);
            }
        }
    }

    /** The run's outcome. {@code error} is null when {@code errors} is 0. */
    public record Result(long messages, double seconds, double messagesPerSec, double bytesPerSec, double p50Us,
                         double p90Us, double p99Us, double p999Us, double maxUs, int connections, int size, int depth,
                         long errors, String error, String transport) {

        /** One JSON object, keys in a fixed order. */
        public String toJson() {
            StringBuilder sb = new StringBuilder(400);
            sb.append('{');
            sb.append("\"messages\":").append(messages);
            sb.append(",\"seconds\":").append(num(seconds));
            sb.append(",\"messagesPerSec\":").append(num(messagesPerSec));
            sb.append(",\"bytesPerSec\":").append(num(bytesPerSec));
            sb.append(",\"p50Us\":").append(num(p50Us));
            sb.append(",\"p90Us\":").append(num(p90Us));
            sb.append(",\"p99Us\":").append(num(p99Us));
            sb.append(",\"p999Us\":").append(num(p999Us));
            sb.append(",\"maxUs\":").append(num(maxUs));
            sb.append(",\"connections\":").append(connections);
            sb.append(",\"size\":").append(size);
            sb.append(",\"depth\":").append(depth);
            sb.append(",\"errors\":").append(errors);
            sb.append(",\"transport\":\"").append(transport).append('"');
            if (error != null) {
                sb.append(",\"error\":\"").append(jsonEscape(error)).append('"');
            }
            return sb.append('}').toString();
        }

        /** The human-readable summary (several lines). */
        public String summary() {
            return String.format(Locale.ROOT,
                    "summary: %d messages in %.2f s = %.0f msgs/s (%.2f MB/s each way)%n"
                            + "latency: p50=%.1fus p90=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus%n"
                            + "load: %d connections x depth %d, %d-byte messages, client transport %s; errors=%d%s",
                    messages, seconds, messagesPerSec, bytesPerSec / 1e6, p50Us, p90Us, p99Us, p999Us, maxUs,
                    connections, depth, size, transport, errors, error == null ? "" : " (" + error + ")");
        }
    }

    private final Settings settings;
    private final PrintStream progress;
    private final Recorder recorder = new Recorder(1, HIGHEST_NS, 3);
    /** 0 warm-up, 1 measuring (the recorder is reset between the two), 2 stopping (no new messages; in-flight ones drain). */
    private volatile int phase;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final List<Channel> channels = new ArrayList<>();
    private CountDownLatch drained;
    private final CountDownLatch failed = new CountDownLatch(1);

    /** Printed on standard output, with {@code --marks}, when the measured window starts and when it ends. */
    static final String MEASURING = "MEASURING";
    static final String MEASURED = "MEASURED";

    private final PrintStream marks;

    private LoadClient(Settings settings, PrintStream progress, PrintStream marks) {
        this.settings = settings;
        this.progress = progress;
        this.marks = marks;
    }

    /**
     * Runs the load and returns the result; connection and verification errors are reported in it
     * ({@code errors > 0}), not thrown.
     *
     * @param progress where progress lines go (ignored with {@code quiet})
     */
    public static Result run(Settings settings, PrintStream progress) throws InterruptedException {
        return run(settings, progress, null);
    }

    /**
     * {@link #run(Settings, PrintStream)} that also prints {@value #MEASURING} on {@code marks} when
     * the measured window starts and {@value #MEASURED} when it ends (before the in-flight messages
     * drain), for a caller that measures the server over the same window.
     */
    static Result run(Settings settings, PrintStream progress, PrintStream marks) throws InterruptedException {
        return new LoadClient(settings, progress, marks).run();
    }

    private void mark(String m) {
        if (marks != null) {
            marks.println(m);
            marks.flush();
        }
    }

    private Result run() throws InterruptedException {
        Settings s = settings;
        EventLoopGroup group = s.transport().newGroup(s.threads());
        try {
            return runOn(group);
        } finally {
            for (Channel ch : channels) {
                ch.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private Result runOn(EventLoopGroup group) throws InterruptedException {
        Settings s = settings;
        drained = new CountDownLatch(s.connections());
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(s.transport().socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        List<ChannelFuture> connects = new ArrayList<>();
        for (int c = 0; c < s.connections(); c++) {
            int id = c;
            b.handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new Conn(id));
                }
            });
            connects.add(b.connect(s.host(), s.port()));
        }
        for (ChannelFuture f : connects) {
            f.awaitUninterruptibly();
            if (!f.isSuccess()) {
                error("cannot connect to " + s.host() + ":" + s.port() + ": " + f.cause());
                return result(0, 0, new Histogram(1, HIGHEST_NS, 3));
            }
            channels.add(f.channel());
        }
        for (Channel ch : channels) {
            ch.pipeline().get(Conn.class).start(ch);
        }

        long warmupEnd = System.nanoTime() + (long) (s.warmupSec() * 1e9);
        tickUntil(warmupEnd, "warmup ", null);
        recorder.reset();
        phase = 1;
        mark(MEASURING);
        long t0 = System.nanoTime();
        Histogram total = new Histogram(1, HIGHEST_NS, 3);
        long end = t0 + (long) (s.durationSec() * 1e9);
        tickUntil(end, "", total);
        phase = 2;
        long t1 = System.nanoTime();
        mark(MEASURED);
        total.add(recorder.getIntervalHistogram());
        double seconds = (t1 - t0) / 1e9;
        if (errors.get() == 0 && !drained.await(DRAIN_NS, TimeUnit.NANOSECONDS)) {
            error(drained.getCount() + " connection(s) did not receive every echo within "
                    + TimeUnit.NANOSECONDS.toSeconds(DRAIN_NS) + " s of the end of the run");
        }
        return result(total.getTotalCount(), seconds, total);
    }

    /** Prints a progress line each second until {@code deadline} or the first error. */
    private void tickUntil(long deadline, String label, Histogram total) throws InterruptedException {
        long start = System.nanoTime();
        long last = start;
        for (int sec = 1; ; sec++) {
            long next = Math.min(start + sec * 1_000_000_000L, deadline);
            long wait = next - System.nanoTime();
            if (wait > 0 && failed.await(wait, TimeUnit.NANOSECONDS)) {
                return;
            }
            if (errors.get() > 0) {
                return;
            }
            long now = System.nanoTime();
            if (total != null && next == deadline) {
                return; // the final partial interval is collected by the caller
            }
            Histogram h = recorder.getIntervalHistogram();
            if (total != null) {
                total.add(h);
            }
            if (!settings.quiet() && progress != null) {
                double rate = h.getTotalCount() / ((now - last) / 1e9);
                progress.printf(Locale.ROOT, "%st=%ds msgs/s=%.0f p99=%dus%n", label, sec, rate,
                        h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000);
                progress.flush();
            }
            last = now;
            if (next == deadline) {
                return;
            }
        }
    }

    private Result result(long messages, double seconds, Histogram h) {
        Settings s = settings;
        double rate = seconds > 0 ? messages / seconds : 0;
        boolean any = h.getTotalCount() > 0;
        return new Result(messages, seconds, rate, rate * s.size(),
                any ? h.getValueAtPercentile(50) / 1e3 : 0, any ? h.getValueAtPercentile(90) / 1e3 : 0,
                any ? h.getValueAtPercentile(99) / 1e3 : 0, any ? h.getValueAtPercentile(99.9) / 1e3 : 0,
                any ? h.getMaxValue() / 1e3 : 0, s.connections(), s.size(), s.depth(), errors.get(), firstError.get(),
                s.transport().label());
    }

    private void error(String message) {
        firstError.compareAndSet(null, message);
        errors.incrementAndGet();
        failed.countDown();
    }

    /** Header of message {@code k} of connection {@code conn}. */
    static long header(int conn, long k) {
        return k + ((long) conn << 40);
    }

    /** The body pattern of a connection: byte {@code i} of every message (for {@code i >= 8}). */
    static byte[] body(int conn, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 0x9D + conn * 13 + 0x5A);
        }
        return b;
    }

    /** Expected byte {@code i} of message {@code k} of connection {@code conn}. */
    static byte expected(int conn, long k, int i, byte[] body) {
        return i < 8 ? (byte) (header(conn, k) >>> (8 * i)) : body[i];
    }

    /** One connection: keeps {@code depth} messages in flight and checks every echoed byte. */
    private final class Conn extends ChannelInboundHandlerAdapter {
        private final int id;
        private final int size;
        private final int depth;
        private final byte[] body;
        private final long[] sentAt;
        private long nextToSend;
        private long receiving;
        private int offset;
        private boolean done;

        Conn(int id) {
            this.id = id;
            this.size = settings.size();
            this.depth = settings.depth();
            this.body = body(id, size);
            this.sentAt = new long[depth];
        }

        void start(Channel ch) {
            ch.eventLoop().execute(() -> {
                ChannelHandlerContext ctx = ch.pipeline().context(this);
                if (ctx == null || !ch.isActive()) {
                    return;
                }
                for (int i = 0; i < depth; i++) {
                    send(ctx);
                }
                ctx.flush();
            });
        }

        private void send(ChannelHandlerContext ctx) {
            long k = nextToSend++;
            ByteBuf m = ctx.alloc().buffer(size);
            long h = header(id, k);
            if (size >= 8) {
                m.writeLongLE(h);
                m.writeBytes(body, 8, size - 8);
            } else {
                for (int i = 0; i < size; i++) {
                    m.writeByte((int) (h >>> (8 * i)));
                }
            }
            sentAt[(int) (k % depth)] = System.nanoTime();
            ctx.write(m, ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int end = buf.writerIndex();
                for (int i = buf.readerIndex(); i < end; i++) {
                    byte got = buf.getByte(i);
                    byte want = expected(id, receiving, offset, body);
                    if (got != want) {
                        mismatch(ctx, got, want);
                        return;
                    }
                    if (++offset == size) {
                        offset = 0;
                        complete(ctx, receiving++);
                    }
                }
                if (receiving > nextToSend || (receiving == nextToSend && offset != 0)) {
                    error(String.format(Locale.ROOT, "connection %d: the server sent more bytes than were sent to it", id));
                    ctx.close();
                }
            } finally {
                buf.release();
            }
        }

        private void complete(ChannelHandlerContext ctx, long k) {
            long now = System.nanoTime();
            int p = phase;
            if (p < 2) {
                recorder.recordValue(Math.min(Math.max(1, now - sentAt[(int) (k % depth)]), HIGHEST_NS));
            }
            if (p < 2) {
                send(ctx);
            } else if (k + 1 == nextToSend && !done) {
                done = true;
                drained.countDown();
            }
        }

        private void mismatch(ChannelHandlerContext ctx, byte got, byte want) {
            error(String.format(Locale.ROOT,
                    "verification failed on connection %d: message %d byte %d is 0x%02x, expected 0x%02x",
                    id, receiving, offset, got & 0xff, want & 0xff));
            ctx.close();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done && errors.get() == 0) {
                error(String.format(Locale.ROOT, "connection %d closed by the server with %d message(s) in flight",
                        id, nextToSend - receiving));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!done) {
                error("connection " + id + " failed: " + cause);
            }
            ctx.close();
        }
    }

    static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    static final String USAGE = "usage: LoadClient --port P [--host H] [--connections C] [--size S] [--depth D] "
            + "[--duration SEC] [--warmup SEC] [--threads T] [--transport epoll|nio|io_uring] [--json FILE] [--quiet] [--marks]";

    /** Parses the command line into settings. */
    static Settings parse(String[] args) {
        Options o = new Options(args,
                Set.of("host", "port", "connections", "size", "depth", "duration", "warmup", "threads", "transport", "json"),
                Set.of("quiet", "help", "marks"));
        if (!o.has("port")) {
            throw new IllegalArgumentException("--port is required");
        }
        return new Settings(o.string("host", "127.0.0.1"), o.integer("port", 0, 1, 65535),
                o.integer("connections", 64, 1, 100_000), o.integer("size", 64, 1, 16 << 20),
                o.integer("depth", 1, 1, 1 << 20), o.decimal("duration", 10, 0.001, 86_400),
                o.decimal("warmup", 2, 0, 86_400), o.integer("threads", 1, 1, 1024),
                o.has("transport") ? Transport.parse(o.string("transport", null)) : Transport.defaultClient(),
                o.flag("quiet"));
    }

    public static void main(String[] args) {
        Settings s;
        String json;
        try {
            if (List.of(args).contains("--help")) {
                System.out.println(USAGE);
                return;
            }
            s = parse(args);
            json = new Options(args,
                    Set.of("host", "port", "connections", "size", "depth", "duration", "warmup", "threads", "transport", "json"),
                    Set.of("quiet", "help", "marks")).string("json", null);
            s.transport().ensureAvailable();
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("LoadClient: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Result r;
        try {
            r = run(s, System.out, List.of(args).contains("--marks") ? System.out : null);
        } catch (InterruptedException e) {
            System.err.println("LoadClient: interrupted");
            System.exit(1);
            return;
        }
        System.out.println(r.summary());
        System.out.flush();
        if (json != null) {
            try {
                Files.writeString(Path.of(json), r.toJson() + System.lineSeparator(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("LoadClient: cannot write " + json + ": " + e);
                System.exit(1);
                return;
            }
        }
        if (r.errors() > 0) {
            System.err.println("LoadClient: FAILED: " + r.error());
            System.exit(1);
        }
        System.exit(0);
    }
}
