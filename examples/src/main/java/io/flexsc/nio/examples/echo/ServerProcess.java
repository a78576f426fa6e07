package io.flexsc.nio.examples.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * An {@link EchoServer} in a child JVM, driven through its standard input and output: started with
 * a class path and JVM options of the caller's choice, it is ready once it printed
 * {@code LISTENING <port>}; {@link #stats()} asks for a {@code STATS} line and {@link #quit()} shuts
 * it down. Its standard error is copied to {@code log} with a prefix on each line.
 */
public final class ServerProcess implements AutoCloseable {
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final int port;

    private ServerProcess(Process process, int port, Writer stdin) {
        this.process = process;
        this.port = port;
        this.stdin = stdin;
    }

    /** The {@code java} launcher of the running JVM. */
    public static String javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts the server and waits (at most 60 s) for its {@code LISTENING} line.
     *
     * @param classPath the child's class path
     * @param jvmOptions options before the main class (system properties, heap, ...)
     * @param serverArgs {@link EchoServer}'s own arguments
     * @param log where the child's standard error goes, each line prefixed with {@code prefix}
     */
    public static ServerProcess start(String classPath, List<String> jvmOptions, List<String> serverArgs,
                                      PrintStream log, String prefix) throws IOException, InterruptedException {
        return start(UnaryOperator.identity(), classPath, jvmOptions, serverArgs, log, prefix);
    }

    /**
     * {@link #start(String, List, List, PrintStream, String)} with the server's command line passed
     * through {@code wrap} (to run it under {@link SyscallCounter}'s perf, say).
     */
    public static ServerProcess start(UnaryOperator<List<String>> wrap, String classPath, List<String> jvmOptions,
                                      List<String> serverArgs, PrintStream log, String prefix)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaLauncher());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.addAll(jvmOptions);
        cmd.add(EchoServer.class.getName());
        cmd.addAll(serverArgs);
        cmd = wrap.apply(cmd);
        Process p = new ProcessBuilder(cmd).start();
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread out = new Thread(() -> pump(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)), q),
                "echo-server-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (log) {
                        log.println(prefix + line);
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "echo-server-stderr");
        err.setDaemon(true);
        err.start();
        Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        String first = q.poll(60, TimeUnit.SECONDS);
        if (first == null || !first.startsWith("LISTENING ")) {
            p.destroyForcibly();
            String why = first == null ? "no LISTENING line within 60 s"
                    : first.equals(EOF) ? "it exited with status " + p.waitFor() + " before listening"
                    : "unexpected first line '" + first + "'";
            throw new IOException("the echo server did not start (" + String.join(" ", cmd) + "): " + why);
        }
        ServerProcess s = new ServerProcess(p, Integer.parseInt(first.substring(10).trim()), w);
        q.drainTo(s.lines);
        Thread move = new Thread(() -> {
            try {
                while (true) {
                    String l = q.take();
                    s.lines.add(l);
                    if (l.equals(EOF)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "echo-server-lines");
        move.setDaemon(true);
        move.start();
        return s;
    }

    private static void pump(BufferedReader r, BlockingQueue<String> q) {
        try (r) {
            String line;
            while ((line = r.readLine()) != null) {
                q.add(line);
            }
        } catch (IOException e) {
            // the child is gone
        } finally {
            q.add(EOF);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    /** The child's process. */
    public Process process() {
        return process;
    }

    /** Sends {@code stats} and returns the parsed {@code STATS} line (waits at most 30 s). */
    public Map<String, String> stats() throws IOException, InterruptedException {
        return ProcessStats.parse(ask("stats", "STATS "));
    }

    /** Sends {@code cpu} and returns the server's CPU time so far, in ns (waits at most 30 s). */
    public long cpuNanos() throws IOException, InterruptedException {
        return Long.parseLong(ask("cpu", "CPU cpuNanos=").substring("CPU cpuNanos=".length()).trim());
    }

    /** Sends {@code command} and returns the first line that starts with {@code prefix}. */
    private String ask(String command, String prefix) throws IOException, InterruptedException {
        command(command);
        while (true) {
            String l = lines.poll(30, TimeUnit.SECONDS);
            if (l == null) {
                throw new IOException("the echo server did not answer '" + command + "' within 30 s");
            }
            if (l.equals(EOF)) {
                lines.add(EOF);
                throw new IOException("the echo server exited before answering '" + command + "'");
            }
            if (l.startsWith(prefix)) {
                return l;
            }
        }
    }

    private void command(String c) throws IOException {
        stdin.write(c + "\n");
        stdin.flush();
    }

    /** Sends {@code quit} and waits (at most 30 s) for the exit status; kills the child if it hangs. */
    public int quit() throws InterruptedException {
        try {
            command("quit");
            stdin.close();
        } catch (IOException e) {
            // already gone: its status tells
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            return -1;
        }
        return process.exitValue();
    }

    /** Stops the child if it is still running (quit, then kill; at once if this thread is interrupted). */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                quit();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
