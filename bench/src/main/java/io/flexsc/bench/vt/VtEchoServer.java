package io.flexsc.bench.vt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Issue 19: a virtual-thread-per-connection echo server (JDK 21+). A platform thread accepts
 * blocking {@link SocketChannel}s from {@link ServerSocketChannel#open()} (so the JVM's
 * SelectorProvider, ours with {@code -Djava.nio.channels.spi.SelectorProvider=...}, makes them) and
 * starts one virtual thread per connection, which reads into a heap buffer and writes back what it
 * read, in blocking mode. Optionally {@code --file-threads N} virtual threads do file reads and
 * writes ({@link FileChannel} on one temporary file, through the default FileSystemProvider) beside
 * the echo, each pausing {@code --file-pause-us} between a read and a write of {@code --file-block}
 * bytes at random aligned offsets.
 *
 * <pre>
 * VtEchoServer [--host 127.0.0.1] [--port 0] [--buffer 8192] [--backlog 16384]
 *              [--file-threads 0] [--file-dir DIR] [--file-mib 64] [--file-block 4096] [--file-pause-us 50000]
 * </pre>
 *
 * <p>Prints {@code LISTENING <port> pid=... provider=... fs=...} once listening, then answers
 * commands on standard input: {@code counters} prints {@link Counters#line()} ({@code COUNTERS
 * accepted=... open=... bytes=... fileOps=... errors=...}); {@code engine} prints {@code ENGINE name=...
 * calls=... batches=...} (the flexsc engine that carried the most calls, from its JMX MBean;
 * {@code name=none} without one; asked after the measurement, as it starts the platform MBean
 * server); {@code quit} exits. Compiled with
 * --release 17: the virtual threads are made through reflection and fail with a clear message on
 * JDK 17.
 */
public final class VtEchoServer {
    private final LongAdder accepted = new LongAdder();
    private final LongAdder open = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder fileOps = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean stopping;

    private VtEchoServer() {}

    /** The server's settings. */
    record Settings(String host, int port, int buffer, int backlog, int fileThreads, Path fileDir, int fileMiB,
            int fileBlock, long filePauseMicros) {
        static Settings parse(String[] args) {
            String host = "127.0.0.1";
            int port = 0;
            int buffer = 8192;
            int backlog = 16384;
            int fileThreads = 0;
            Path fileDir = Paths.get(System.getProperty("java.io.tmpdir"));
            int fileMiB = 64;
            int fileBlock = 4096;
            long pause = 50_000;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--host" -> host = v;
                    case "--port" -> port = Integer.parseInt(v);
                    case "--buffer" -> buffer = Integer.parseInt(v);
                    case "--backlog" -> backlog = Integer.parseInt(v);
                    case "--file-threads" -> fileThreads = Integer.parseInt(v);
                    case "--file-dir" -> fileDir = Paths.get(v);
                    case "--file-mib" -> fileMiB = Integer.parseInt(v);
                    case "--file-block" -> fileBlock = Integer.parseInt(v);
                    case "--file-pause-us" -> pause = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            if (buffer < 1 || fileThreads < 0 || fileBlock < 1 || fileMiB < 1 || pause < 0
                    || (long) fileBlock > (long) fileMiB << 20) {
                throw new IllegalArgumentException("invalid settings: " + String.join(" ", args));
            }
            return new Settings(host, port, buffer, backlog, fileThreads, fileDir, fileMiB, fileBlock, pause);
        }
    }

    /** A snapshot of the server's counters, as the {@code COUNTERS} line carries it. */
    record Counters(long accepted, long open, long bytes, long fileOps, long errors) {
        String line() {
            return String.format(Locale.ROOT, "COUNTERS accepted=%d open=%d bytes=%d fileOps=%d errors=%d",
                    accepted, open, bytes, fileOps, errors);
        }

        /** Parses {@link #line()}. */
        static Counters parse(String line) {
            if (!line.startsWith("COUNTERS ")) {
                throw new IllegalArgumentException("not a COUNTERS line: " + line);
            }
            long[] v = new long[5];
            String[] names = {"accepted", "open", "bytes", "fileOps", "errors"};
            boolean[] seen = new boolean[5];
            for (String word : line.substring("COUNTERS ".length()).trim().split("\\s+")) {
                int eq = word.indexOf('=');
                for (int i = 0; i < names.length; i++) {
                    if (eq > 0 && word.substring(0, eq).equals(names[i])) {
                        v[i] = Long.parseLong(word.substring(eq + 1));
                        seen[i] = true;
                    }
                }
            }
            for (int i = 0; i < names.length; i++) {
                if (!seen[i]) {
                    throw new IllegalArgumentException("COUNTERS line without " + names[i] + ": " + line);
                }
            }
            return new Counters(v[0], v[1], v[2], v[3], v[4]);
        }
    }

    Counters counters() {
        return new Counters(accepted.sum(), open.sum(), bytes.sum(), fileOps.sum(), errors.sum());
    }

    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("VtEchoServer: " + e.getMessage());
            System.exit(2);
            return;
        }
        ExecutorService vts = virtualThreadPerTask();
        new VtEchoServer().serve(s, vts);
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()} (JDK 21+), through reflection. */
    static ExecutorService virtualThreadPerTask() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("VtEchoServer needs virtual threads (JDK 21+); this is "
                    + System.getProperty("java.version"), e);
        }
    }

    private void serve(Settings s, ExecutorService vts) throws IOException, InterruptedException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(s.host(), s.port()), s.backlog());
        Path file = null;
        if (s.fileThreads() > 0) {
            file = Files.createTempFile(s.fileDir(), "vt-echo-", ".dat");
            file.toFile().deleteOnExit();
            startFileLoad(s, file, vts);
        }
        Thread acceptor = new Thread(() -> acceptLoop(server, s, vts), "vt-echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        System.out.println("LISTENING " + port + " pid=" + ProcessHandle.current().pid() + " provider="
                + SelectorProvider.provider().getClass().getName() + " fs="
                + Paths.get("").getFileSystem().provider().getClass().getName() + " java=" + System.getProperty("java.version"));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (line.equals("counters")) {
                System.out.println(counters().line());
                System.out.flush();
            } else if (line.equals("engine")) {
                System.out.println(engineLine());
                System.out.flush();
            } else if (line.equals("quit")) {
                break;
            } else if (!line.isEmpty()) {
                System.out.println("ERROR unknown command " + line);
                System.out.flush();
            }
        }
        stopping = true;
        server.close();
        if (firstError.get() != null) {
            System.err.println("VtEchoServer: first error: " + firstError.get());
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
        vts.shutdownNow();
        System.exit(0);
    }

    /**
     * The flexsc engine this process uses, from its MBeans ({@code io.flexsc.nio:type=Engine,*}),
     * which the provider's publisher registers within a second of the platform MBean server's start.
     */
    static String engineLine() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        boolean flexsc = SelectorProvider.provider().getClass().getName().startsWith("io.flexsc.");
        String best = "none";
        long bestCalls = -1;
        long bestBatches = 0;
        try {
            ObjectName pattern = new ObjectName("io.flexsc.nio:type=Engine,*");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Set<ObjectName> names = server.queryNames(pattern, null);
            while (names.isEmpty() && flexsc && System.nanoTime() < deadline) {
                Thread.sleep(20);
                names = server.queryNames(pattern, null);
            }
            for (ObjectName n : names) {
                try {
                    long calls = ((Number) server.getAttribute(n, "Calls")).longValue();
                    if (calls > bestCalls) {
                        best = String.valueOf(server.getAttribute(n, "Engine"));
                        bestCalls = calls;
                        bestBatches = ((Number) server.getAttribute(n, "Batches")).longValue();
                    }
                } catch (JMException e) {
                    // unregistered meanwhile
                }
            }
        } catch (JMException e) {
            return "ENGINE name=unknown error=" + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "ENGINE name=" + best + " calls=" + Math.max(0, bestCalls) + " batches=" + bestBatches;
    }

    private void acceptLoop(ServerSocketChannel server, Settings s, ExecutorService vts) {
        while (!stopping) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                error("accept: " + e);
                continue;
            }
            accepted.increment();
            vts.execute(() -> echo(ch, s.buffer()));
        }
    }

    /** One connection: blocking reads and writes in a virtual thread until the peer closes. */
    private void echo(SocketChannel ch, int bufferSize) {
        open.increment();
        ByteBuffer buf = ByteBuffer.allocate(bufferSize);
        try (ch) {
            ch.socket().setTcpNoDelay(true);
            while (true) {
                int n = ch.read(buf);
                if (n < 0) {
                    return;
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                buf.clear();
                bytes.add(n);
            }
        } catch (IOException e) {
            if (!stopping && !isPeerGone(e)) {
                error("echo: " + e);
            }
        } finally {
            open.decrement();
        }
    }

    /** A reset or broken pipe when the client ends its run is not an error of the server's. */
    private static boolean isPeerGone(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("reset") || m.contains("Broken pipe");
    }

    private void startFileLoad(Settings s, Path file, ExecutorService vts) throws IOException {
        long size = (long) s.fileMiB() << 20;
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zero = ByteBuffer.allocate(1 << 20);
            for (long p = 0; p < size; p += zero.capacity()) {
                zero.clear();
                while (zero.hasRemaining()) {
                    fc.write(zero, p + zero.position());
                }
            }
        }
        FileChannel fc = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long blocks = size / s.fileBlock();
        for (int t = 0; t < s.fileThreads(); t++) {
            vts.execute(() -> fileLoop(fc, s, blocks));
        }
    }

    /** One file-load thread: a read and a write of one block at random offsets, then a pause. */
    private void fileLoop(FileChannel fc, Settings s, long blocks) {
        ByteBuffer buf = ByteBuffer.allocate(s.fileBlock());
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        try {
            while (!stopping) {
                buf.clear();
                fc.read(buf, rnd.nextLong(blocks) * s.fileBlock());
                buf.clear();
                long pos = rnd.nextLong(blocks) * s.fileBlock();
                while (buf.hasRemaining()) {
                    fc.write(buf, pos + buf.position());
                }
                fileOps.add(2);
                if (s.filePauseMicros() > 0) {
                    TimeUnit.MICROSECONDS.sleep(s.filePauseMicros());
                }
            }
        } catch (ClosedChannelException e) {
            // shutting down
        } catch (IOException e) {
            if (!stopping) {
                error("file: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void error(String what) {
        errors.increment();
        if (firstError.compareAndSet(null, what)) {
            System.err.println("VtEchoServer: " + what);
        }
    }
}
