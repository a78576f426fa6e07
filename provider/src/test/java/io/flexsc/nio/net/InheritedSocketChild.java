package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM whose standard input is a blocking socket it inherited, as inetd would set it up:
 * python3 makes the socket, prints {@code port N}, and runs the child with the socket as its
 * stdin (Java cannot hand a socket to a child). The child's main gets two arguments: the file to
 * write its report to, and a mode. Its output (stdout and stderr) is kept for failure messages.
 */
final class InheritedSocketChild implements AutoCloseable {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** The socket the child inherits. */
    enum Kind {
        /** A listening TCP socket on 127.0.0.1. */
        LISTENING("s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", "s.bind(('127.0.0.1', 0)); s.listen(5)"),
        /**
         * A UDP socket bound on ::1 (IPv6: JDK 25's inherited datagram channel cannot connect or
         * send on an IPv4 socket, EAFNOSUPPORT).
         */
        DATAGRAM("s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)", "s.bind(('::1', 0))");

        final String make;
        final String bind;

        Kind(String make, String bind) {
            this.make = make;
            this.bind = bind;
        }
    }

    private final Process process;
    private final Path report;
    private final int port;
    private final CompletableFuture<String> output = new CompletableFuture<>();

    private InheritedSocketChild(Kind kind, List<String> jvmArgs, Class<?> main, String mode) throws Exception {
        assertTrue(Files.isExecutable(PYTHON), "python3 starts the child with a socket on its stdin");
        String script = String.join("\n",
                "import socket, subprocess, sys",
                kind.make, // blocking
                kind.bind,
                "print('port', s.getsockname()[1], flush=True)",
                "sys.exit(subprocess.run(sys.argv[1:], stdin=s.fileno()).returncode)");
        report = Files.createTempFile("inherited-", ".txt");
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-c", script,
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(), report.toString(), mode));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("port ")) {
            close();
            throw new AssertionError("python3: " + line);
        }
        port = Integer.parseInt(line.substring(5).trim());
        Thread reader = new Thread(() -> {
            try {
                StringBuilder sb = new StringBuilder();
                for (String l; (l = out.readLine()) != null; ) {
                    sb.append(l).append('\n');
                }
                output.complete(sb.toString());
            } catch (IOException e) {
                output.complete(e.toString());
            }
        }, "inherited-child-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code main} in a child JVM (with {@code jvmArgs}) on a {@code kind} socket; returns once its port is known. */
    static InheritedSocketChild start(Kind kind, List<String> jvmArgs, Class<?> main, String mode) throws Exception {
        return new InheritedSocketChild(kind, jvmArgs, main, mode);
    }

    /** The inherited socket's port. */
    int port() {
        return port;
    }

    /** Waits for the child to exit (a bounded wait), checks that it exited with 0, and returns its report. */
    String awaitReport() throws Exception {
        assertTrue(process.waitFor(Await.scaled(Duration.ofSeconds(120)).toSeconds(), TimeUnit.SECONDS),
                "child did not exit: " + Files.readString(report));
        String reported = Files.readString(report);
        assertEquals(0, process.exitValue(), reported + output.get(10, TimeUnit.SECONDS));
        return reported;
    }

    /** Ends the child and python3 if they still run (a hung child must not outlive its test); deletes the report. */
    @Override
    public void close() throws IOException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        Files.deleteIfExists(report);
    }
}
