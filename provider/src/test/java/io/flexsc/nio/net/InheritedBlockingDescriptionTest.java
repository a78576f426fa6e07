package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.EngineUnderTest;
import io.flexsc.nio.engine.TestEngines;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The open file description of an inherited connected socket (fd 0, shared with the parent, as
 * inetd's, and with System.in) keeps its blocking mode, as with the JDK's provider: a child JVM
 * whose standard input is a connected socket (bash's /dev/tcp, which opens it blocking) gets
 * System.inheritedChannel(), writes through it (gathering), reads from it in blocking mode
 * (scattering), switches to non-blocking mode and back, then blocks in a read that a close from another thread must end with
 * AsynchronousCloseException (the blocking description must not make the read deaf to close);
 * it prints fd 0's "flags:" from /proc/self/fdinfo/0 after getting the channel and at the end.
 * The same for an inherited listening socket (python3 puts it on the child's stdin): a blocking
 * accept, non-blocking mode and back, and a blocked accept that a close ends; and for an inherited
 * bound datagram socket (receive, connect, send, read and write, modes, a blocked read).
 * Run on the JDK's provider and ours on every engine and the forced ring; O_NONBLOCK must be set only
 * in non-blocking mode, and everything else printed must be the JDK's.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class InheritedBlockingDescriptionTest {
    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "InheritedBlockingDescriptionTest-helper");
        t.setDaemon(true);
        return t;
    });

    private static final int O_NONBLOCK = 04000;

    /**
     * The child; reports to the file {@code args[0]} (the JDK's close of an inherited channel puts
     * /dev/null on fds 0 to 2).
     */
    public static void main(String[] args) throws Exception {
        try (java.io.PrintStream report = new java.io.PrintStream(new java.io.FileOutputStream(args[0]), true, "UTF-8")) {
            if (args.length > 1 && args[1].equals("server")) {
                serverChild(report);
            } else if (args.length > 1 && args[1].equals("datagram")) {
                datagramChild(report);
            } else {
                child(report);
            }
        }
    }

    /** The child over a listening socket: accepts, switches modes, and blocks in an accept that a close ends. */
    private static void serverChild(java.io.PrintStream report) throws Exception {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof ServerSocketChannel)) {
            report.println("not a server socket channel: " + inherited);
            return;
        }
        ServerSocketChannel ch = (ServerSocketChannel) inherited;
        report.println("provider " + ch.provider().getClass().getName() + " blocking " + ch.isBlocking());
        report.println("flags-inherited " + nonBlock());
        try (SocketChannel a = ch.accept()) {
            report.println("accepted " + (a != null));
        }
        ch.configureBlocking(false);
        report.println("flags-non-blocking-mode " + nonBlock() + " accept " + ch.accept());
        ch.configureBlocking(true);
        report.println("flags-blocking-mode " + nonBlock());
        lastCall(report, ch, () -> ch.accept());
    }

    /** The child over a bound datagram socket: receive, connect, send, read and write, modes, a blocked read. */
    private static void datagramChild(java.io.PrintStream report) throws Exception {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof java.nio.channels.DatagramChannel)) {
            report.println("not a datagram channel: " + inherited);
            return;
        }
        java.nio.channels.DatagramChannel ch = (java.nio.channels.DatagramChannel) inherited;
        report.println("provider " + ch.provider().getClass().getName() + " blocking " + ch.isBlocking());
        report.println("flags-inherited " + nonBlock());
        ByteBuffer b = ByteBuffer.allocate(16);
        java.net.SocketAddress from = ch.receive(b);
        report.println("received " + new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
        ch.connect(from); // before the peer's next datagram: the JDK's connect discards what is queued
        report.println("sent " + ch.send(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)), from));
        b.clear();
        report.println("read " + ch.read(b) + " " + new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
        report.println("wrote " + ch.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII))));
        ch.configureBlocking(false);
        report.println("flags-non-blocking-mode " + nonBlock() + " read " + ch.read(ByteBuffer.allocate(1)));
        ch.configureBlocking(true);
        report.println("flags-blocking-mode " + nonBlock());
        lastCall(report, ch, () -> ch.read(ByteBuffer.allocate(1)));
    }

    /** Blocks in {@code call}, which a close of {@code ch} from another thread must end; reports how it ended. */
    private static void lastCall(java.io.PrintStream report, Channel ch, java.util.concurrent.Callable<Object> call) throws Exception {
        Thread caller = Thread.currentThread();
        CompletableFuture<Void> closer = CompletableFuture.runAsync(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!inCall(caller) && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
                ch.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            report.println("last call " + call.call());
        } catch (AsynchronousCloseException e) {
            report.println("last call " + e.getClass().getName());
        }
        closer.get(60, TimeUnit.SECONDS);
        report.println("flags-end " + nonBlock());
    }

    private static void child(java.io.PrintStream report) throws Exception {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof SocketChannel)) {
            report.println("not a socket channel: " + inherited);
            return;
        }
        SocketChannel ch = (SocketChannel) inherited;
        report.println("provider " + ch.provider().getClass().getName() + " blocking " + ch.isBlocking());
        report.println("flags-inherited " + nonBlock());
        ByteBuffer[] out = {ByteBuffer.wrap("hel".getBytes(StandardCharsets.US_ASCII)),
                ByteBuffer.wrap("lo".getBytes(StandardCharsets.US_ASCII))};
        long w = 0;
        while (w < 5) {
            w += ch.write(out);
        }
        report.println("wrote " + w);
        ByteBuffer[] in = {ByteBuffer.allocate(2), ByteBuffer.allocate(2)};
        long r = 0;
        while (r < 4) {
            long n = ch.read(in);
            if (n < 0) {
                break;
            }
            r += n;
        }
        report.println("read " + r + " " + new String(in[0].array(), StandardCharsets.US_ASCII)
                + new String(in[1].array(), StandardCharsets.US_ASCII));
        // the description follows the channel's mode, as the JDK's does
        ch.configureBlocking(false);
        report.println("flags-non-blocking-mode " + nonBlock() + " read " + ch.read(ByteBuffer.allocate(1)));
        ch.configureBlocking(true);
        report.println("flags-blocking-mode " + nonBlock());
        // a read that only a close ends: the peer sends nothing more
        lastCall(report, ch, () -> ch.read(ByteBuffer.allocate(1)));
    }

    /**
     * Whether {@code t} waits in the kernel inside a channel's read, accept or receive, past its
     * {@code begin()} (so that a close now is an asynchronous close): in the JDK's own native I/O
     * ({@code sun.nio.ch}), or in our channels' waits ({@code FdState.await}, {@code callMayWait}),
     * which run inside {@code begin()}. Any native frame under a read is not enough: class loading or
     * the first native call of a read can come before its {@code begin()}.
     */
    private static boolean inCall(Thread t) {
        StackTraceElement[] st = t.getStackTrace();
        if (st.length == 0 || !st[0].isNativeMethod()) {
            return false;
        }
        if (st[0].getClassName().startsWith("sun.nio.ch.")) {
            return true;
        }
        for (StackTraceElement e : st) {
            if (e.getClassName().equals("io.flexsc.nio.net.channels.FdState")
                    && (e.getMethodName().startsWith("await") || e.getMethodName().equals("callMayWait"))) {
                return true;
            }
        }
        return false;
    }

    /** "set" or "clear": fd 0's O_NONBLOCK flag, from /proc/self/fdinfo/0. */
    private static String nonBlock() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/0"))) {
            if (line.startsWith("flags:")) {
                int flags = Integer.parseInt(line.substring(6).trim(), 8);
                return (flags & O_NONBLOCK) != 0 ? "set" : "clear";
            }
        }
        return "unknown";
    }

    @Test
    void inheritedDescriptionKeepsItsBlockingModeAsWithTheJdk() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/bin/bash")), "bash opens the socket on the child's stdin");
        String jdk = run(List.of());
        assertTrue(jdk.contains("provider sun.nio.ch."), jdk);
        String expected = jdk.lines().filter(l -> !l.startsWith("provider ")).reduce("", (a, b) -> a + b + "\n");
        assertTrue(expected.contains("flags-inherited clear") && expected.contains("flags-end clear")
                && expected.contains("flags-non-blocking-mode set read 0") && expected.contains("flags-blocking-mode clear")
                && expected.contains("read 4 ping") && expected.contains("last call " + AsynchronousCloseException.class.getName()),
                "the JDK's child: " + jdk);
        List<String> failures = new ArrayList<>();
        for (EngineUnderTest e : TestEngines.available().toList()) { // every engine and the forced ring
            List<String> cfg = new ArrayList<>();
            cfg.add("-Djava.nio.channels.spi.SelectorProvider=" + FlexSelectorProvider.class.getName());
            cfg.addAll(e.jvmOptions());
            String ours = run(cfg);
            String got = ours.lines().filter(l -> !l.startsWith("provider ")).reduce("", (a, b) -> a + b + "\n");
            if (!ours.contains("provider " + FlexSelectorProvider.class.getName() + " blocking true") || !got.equals(expected)) {
                failures.add(e.name() + ":\n" + ours + "\nexpected (the JDK's):\n" + expected);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void inheritedListeningDescriptionKeepsItsBlockingModeAsWithTheJdk() throws Exception {
        String jdk = runBound(List.of(), "server");
        assertTrue(jdk.contains("provider sun.nio.ch."), jdk);
        String expected = jdk.lines().filter(l -> !l.startsWith("provider ")).reduce("", (a, b) -> a + b + "\n");
        assertTrue(expected.contains("flags-inherited clear") && expected.contains("accepted true")
                && expected.contains("flags-non-blocking-mode set accept null") && expected.contains("flags-blocking-mode clear")
                && expected.contains("last call " + AsynchronousCloseException.class.getName()) && expected.contains("flags-end clear"),
                "the JDK's child: " + jdk);
        List<String> failures = new ArrayList<>();
        for (EngineUnderTest e : TestEngines.available().toList()) { // every engine and the forced ring
            List<String> cfg = new ArrayList<>();
            cfg.add("-Djava.nio.channels.spi.SelectorProvider=" + FlexSelectorProvider.class.getName());
            cfg.addAll(e.jvmOptions());
            String ours = runBound(cfg, "server");
            String got = ours.lines().filter(l -> !l.startsWith("provider ")).reduce("", (a, b) -> a + b + "\n");
            if (!ours.contains("provider " + FlexSelectorProvider.class.getName() + " blocking true") || !got.equals(expected)) {
                failures.add(e.name() + ":\n" + ours + "\nexpected (the JDK's):\n" + expected);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void inheritedDatagramDescriptionKeepsItsBlockingModeAsWithTheJdk() throws Exception {
        String jdk = runBound(List.of(), "datagram");
        assertTrue(jdk.contains("provider sun.nio.ch."), jdk);
        String expected = jdk.lines().filter(l -> !l.startsWith("provider ")).reduce("", (a, b) -> a + b + "\n");
        assertTrue(expected.contains("flags-inherited clear") && expected.contains("received ping")
                && expected.contains("read 5 again") && expected.contains("wrote 3")
                && expected.contains("flags-non-blocking-mode set read 0") && expected.contains("flags-blocking-mode clear")
                && expected.contains("last call " + AsynchronousCloseException.class.getName()) && expected.contains("flags-end clear"),
                "the JDK's child: " + jdk);
        List<String> failures = new ArrayList<>();
        for (EngineUnderTest e : TestEngines.available().toList()) { // every engine and the forced ring
            List<String> cfg = new ArrayList<>();
            cfg.add("-Djava.nio.channels.spi.SelectorProvider=" + FlexSelectorProvider.class.getName());
            cfg.addAll(e.jvmOptions());
            String ours = runBound(cfg, "datagram");
            String got = ours.lines().filter(l -> !l.startsWith("provider ")).reduce("", (a, b) -> a + b + "\n");
            if (!ours.contains("provider " + FlexSelectorProvider.class.getName() + " blocking true") || !got.equals(expected)) {
                failures.add(e.name() + ":\n" + ours + "\nexpected (the JDK's):\n" + expected);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * Runs one child with a (blocking) listening ({@code mode} "server") or datagram ("datagram")
     * socket as its stdin, and plays its peer; what it reported.
     */
    private static String runBound(List<String> jvmArgs, String mode) throws Exception {
        boolean dgram = mode.equals("datagram");
        try (InheritedSocketChild child = InheritedSocketChild.start(
                dgram ? InheritedSocketChild.Kind.DATAGRAM : InheritedSocketChild.Kind.LISTENING, jvmArgs,
                InheritedBlockingDescriptionTest.class, mode)) {
            int port = child.port();
            if (dgram) {
                InetAddress v6lo = InetAddress.getByName("::1");
                try (java.net.DatagramSocket d = new java.net.DatagramSocket(0, v6lo)) {
                    d.setSoTimeout(60_000);
                    java.net.InetSocketAddress to = new java.net.InetSocketAddress(v6lo, port);
                    d.send(new java.net.DatagramPacket("ping".getBytes(StandardCharsets.US_ASCII), 4, to));
                    java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[16], 16);
                    d.receive(in);
                    assertEquals("pong", new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII));
                    d.send(new java.net.DatagramPacket("again".getBytes(StandardCharsets.US_ASCII), 5, to));
                    d.receive(in);
                    assertEquals("bye", new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII));
                    return child.awaitReport();
                }
            }
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return child.awaitReport();
            }
        }
    }

    /** Runs one child with a connected socket as its stdin; what it reported. */
    private static String run(List<String> jvmArgs) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StringBuilder cmd = new StringBuilder("exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && exec");
            cmd.append(' ').append(quote(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            for (String a : jvmArgs) {
                cmd.append(' ').append(quote(a));
            }
            cmd.append(" -cp ").append(quote(System.getProperty("java.class.path")));
            Path report = Files.createTempFile("inherited-", ".txt");
            cmd.append(' ').append(InheritedBlockingDescriptionTest.class.getName()).append(' ').append(quote(report.toString()))
                    .append(" 0<&3 3<&-");
            Process p = new ProcessBuilder("/bin/bash", "-c", cmd.toString()).start();
            try {
                return awaitChild(p, server, report);
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // a hung child must not outlive the test
                p.destroyForcibly();
            }
        }
    }

    private static String awaitChild(Process p, ServerSocket server, Path report) throws Exception {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()), POOL);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()), POOL);
        server.setSoTimeout(60_000);
        try (Socket s = server.accept()) {
            s.setSoTimeout(60_000);
            InputStream in = s.getInputStream();
            byte[] hello = in.readNBytes(5);
            assertEquals("hello", new String(hello, StandardCharsets.US_ASCII));
            OutputStream o = s.getOutputStream();
            o.write("ping".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            assertEquals(-1, in.read(), "nothing more from the child"); // its exit ends the connection
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not exit");
        String text = out.get(10, TimeUnit.SECONDS) + err.get(10, TimeUnit.SECONDS);
        String reported = Files.readString(report);
        Files.delete(report);
        assertEquals(0, p.exitValue(), reported + text);
        return reported;
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
