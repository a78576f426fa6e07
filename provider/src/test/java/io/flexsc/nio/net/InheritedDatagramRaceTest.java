package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.EngineUnderTest;
import io.flexsc.nio.engine.TestEngines;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two processes share one inherited, blocking datagram socket description (python3 puts it on both
 * children's stdin) and race for each datagram with blocking reads, alternately plain and
 * scattering. A poll that saw a datagram does not keep it for the poller: the other process may take
 * it, and a plain read(2) on the blocking description would then block, in the shared ring or a
 * syscall thread, deaf to close(). Every datagram must reach exactly one child, and at the end a
 * close() from another thread must end each child's blocked read with AsynchronousCloseException, as
 * with the JDK's provider (which is run too). On every engine and the forced ring.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class InheritedDatagramRaceTest {
    private static final int DATAGRAMS = 40;

    /** The child: args = report file, stop file, the peer's port. */
    public static void main(String[] args) throws Exception {
        Path report = Path.of(args[0]);
        Path stop = Path.of(args[1]);
        DatagramChannel ch = (DatagramChannel) System.inheritedChannel();
        ch.connect(new InetSocketAddress(InetAddress.getByName("::1"), Integer.parseInt(args[2])));
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                for (int i = 0;; i++) {
                    String got;
                    if (i % 2 == 0) {
                        ByteBuffer b = ByteBuffer.allocate(64);
                        ch.read(b);
                        got = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
                    } else {
                        ByteBuffer a = ByteBuffer.allocateDirect(1);
                        ByteBuffer b = ByteBuffer.allocate(63);
                        ch.read(new ByteBuffer[] {a, b});
                        got = (char) a.get(0) + new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
                    }
                    append(report, lines, "got " + got);
                }
            } catch (Exception e) {
                append(report, lines, "ended " + e.getClass().getName());
            }
        });
        reader.start();
        append(report, lines, "ready " + ch.provider().getClass().getName());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!Files.exists(stop) && System.nanoTime() - deadline < 0) {
            Thread.sleep(10); // polling a file written by the test (not synchronising threads here)
        }
        ch.close();
        reader.join(TimeUnit.SECONDS.toMillis(60));
        if (reader.isAlive()) {
            append(report, lines, "hung in read after close");
            Runtime.getRuntime().halt(3);
        }
    }

    private static synchronized void append(Path report, List<String> lines, String line) {
        lines.add(line);
        try {
            Files.write(report, lines);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void childrenRacingForDatagramsOnOneBlockingDescriptionNeverHang() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 starts the children with a shared datagram socket");
        List<String> failures = new ArrayList<>();
        String jdk = race(List.of());
        if (!jdk.isEmpty()) {
            failures.add("the JDK's provider: " + jdk);
        }
        for (EngineUnderTest e : TestEngines.available().toList()) { // every engine and the forced ring
            List<String> cfg = new ArrayList<>();
            cfg.add("-Djava.nio.channels.spi.SelectorProvider=" + FlexSelectorProvider.class.getName());
            cfg.addAll(e.jvmOptions());
            String ours = race(cfg);
            if (!ours.isEmpty()) {
                failures.add(e.name() + ": " + ours);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** One race; an empty string if it went right, else what went wrong. */
    private static String race(List<String> jvmArgs) throws Exception {
        Path dir = Files.createTempDirectory("dgram-race-");
        Path stop = dir.resolve("stop");
        Path[] reports = {dir.resolve("a.txt"), dir.resolve("b.txt")};
        InetAddress v6lo = InetAddress.getByName("::1");
        try (DatagramSocket peer = new DatagramSocket(0, v6lo)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> child = new ArrayList<>(List.of(java));
            child.addAll(jvmArgs);
            child.addAll(List.of("-cp", System.getProperty("java.class.path"), InheritedDatagramRaceTest.class.getName()));
            String script = String.join("\n",
                    "import socket, subprocess, sys",
                    "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)", // blocking
                    "s.bind(('::1', 0))",
                    "print('port', s.getsockname()[1], flush=True)",
                    "cmd = sys.argv[1:-4]",
                    "ps = [subprocess.Popen(cmd + [r, sys.argv[-2], sys.argv[-1]], stdin=s.fileno()) for r in sys.argv[-4:-2]]",
                    "sys.exit(max(p.wait() for p in ps))");
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
            cmd.addAll(child);
            cmd.addAll(List.of(reports[0].toString(), reports[1].toString(), stop.toString(), Integer.toString(peer.getLocalPort())));
            // python's argv: cmd..., reportA, reportB, stop, port; each child gets cmd + report + stop + port
            Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile()).start();
            try {
                java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                if (line == null || !line.startsWith("port ")) {
                    return "python3: " + line + " " + Files.readString(dir.resolve("stderr.txt"));
                }
                InetSocketAddress to = new InetSocketAddress(v6lo, Integer.parseInt(line.substring(5).trim()));
                if (!await(() -> count(reports, "ready ") == 2)) {
                    return "children not ready: " + text(reports, dir);
                }
                for (int i = 0; i < DATAGRAMS; i++) {
                    byte[] d = ("d" + i).getBytes(StandardCharsets.US_ASCII);
                    peer.send(new DatagramPacket(d, d.length, to));
                    int want = i + 1;
                    // one at a time: both children's polls see it, one of them gets it
                    if (!await(() -> count(reports, "got ") == want)) {
                        return "datagram " + i + " not received: " + text(reports, dir);
                    }
                }
                Files.writeString(stop, "stop");
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    return "children did not exit after close: " + text(reports, dir);
                }
                if (p.exitValue() != 0) {
                    return "exit " + p.exitValue() + ": " + text(reports, dir);
                }
                TreeSet<String> got = new TreeSet<>();
                int n = 0;
                for (Path r : reports) {
                    List<String> lines = Files.readAllLines(r);
                    if (!lines.get(lines.size() - 1).equals("ended " + AsynchronousCloseException.class.getName())) {
                        return "a child's read did not end with AsynchronousCloseException: " + text(reports, dir);
                    }
                    for (String l : lines) {
                        if (l.startsWith("got ")) {
                            got.add(l);
                            n++;
                        }
                    }
                }
                if (n != DATAGRAMS || got.size() != DATAGRAMS) {
                    return "datagrams lost or doubled: " + text(reports, dir);
                }
                return "";
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // a hung child must not outlive the test
                p.destroyForcibly();
            }
        }
    }

    private static boolean await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5); // polling the children's report files, with a deadline
        }
        return true;
    }

    private static int count(Path[] reports, String prefix) {
        int n = 0;
        for (Path r : reports) {
            try {
                for (String l : Files.readAllLines(r)) {
                    n += l.startsWith(prefix) ? 1 : 0;
                }
            } catch (java.io.IOException e) {
                // not written yet, or being rewritten
            }
        }
        return n;
    }

    private static String text(Path[] reports, Path dir) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (Path r : reports) {
            sb.append("\n--- ").append(r.getFileName()).append('\n').append(Files.exists(r) ? Files.readString(r) : "(none)");
        }
        Path err = dir.resolve("stderr.txt");
        return sb.append("\n--- stderr\n").append(Files.exists(err) ? Files.readString(err) : "").toString();
    }
}
