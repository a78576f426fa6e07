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
