package io.flexsc.bench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The child JVMs of a benchmark run: their output lines, their logs' tails, and stopping them. */
public final class ChildProcesses {
    private ChildProcesses() {}

    /** The examples' load client, which checks every echoed byte. */
    public static final String LOAD_CLIENT = "io.flexsc.nio.examples.echo.LoadClient";

    /**
     * The load client's command line: {@code java jvm -cp classPath LoadClient} against
     * 127.0.0.1:{@code port}, {@code s}'s connections, size and depth, writing its JSON report to
     * {@code json}.
     */
    public static List<String> loadClient(String java, List<String> jvm, String classPath, int port, Scenario s,
            double warmupSeconds, double durationSeconds, int threads, String transport, Path json) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", classPath, LOAD_CLIENT));
        cmd.addAll(List.of("--host", "127.0.0.1", "--port", Integer.toString(port),
                "--connections", Integer.toString(s.connections()), "--size", Integer.toString(s.size()),
                "--depth", Integer.toString(s.depth()), "--duration", num(durationSeconds),
                "--warmup", num(warmupSeconds), "--threads", Integer.toString(threads),
                "--transport", transport, "--json", json.toString(), "--quiet"));
        return cmd;
    }

    /** A number of seconds as the client's options take it: no ".0" for whole seconds. */
    public static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * Asks a benchmark server to quit (its {@code quit} command on standard input, then end of input)
     * and waits up to {@code seconds} for it; notes in {@code info} ({@code serverExit}) a server that
     * did not quit in time or exited with a status other than 0.
     */
    public static void quit(Process server, java.io.OutputStream in, int seconds, java.util.Map<String, String> info)
            throws IOException, InterruptedException {
        in.write("quit\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        in.close();
        if (!server.waitFor(seconds, TimeUnit.SECONDS)) {
            info.put("serverExit", "did not quit within " + seconds + " s; killed");
        } else if (server.exitValue() != 0) {
            info.put("serverExit", Integer.toString(server.exitValue()));
        }
    }

    /** A daemon thread that queues every line {@code p} prints on its standard output. */
    public static BlockingQueue<String> lines(Process p, String threadName) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> pump(p, lines), threadName);
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    static void pump(Process p, BlockingQueue<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // process gone
        }
    }

    /** The first line starting with {@code prefix} within {@code seconds}, skipping others; null if none. */
    public static String await(BlockingQueue<String> lines, String prefix, double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                return null;
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** "still running" or the exit status. */
    public static String exit(Process p) {
        return p.isAlive() ? "still running" : Integer.toString(p.exitValue());
    }

    /** The last three lines of a log, joined with " | ". */
    public static String tail(Path log) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(" | ", all.subList(Math.max(0, all.size() - 3), all.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops a process the caller started, by its handle. */
    public static void kill(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
