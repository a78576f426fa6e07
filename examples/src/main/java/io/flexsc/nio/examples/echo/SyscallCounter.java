package io.flexsc.nio.examples.echo;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Counts the system calls (kernel crossings) a child process makes, every thread of it, over a
 * window its parent chooses: the child runs under {@code perf stat -e raw_syscalls:sys_enter -x ,
 * -o FILE -D -1 --control fifo:CTL,ACK -- <command>}, its events disabled from the start, and
 * {@link #enable()} / {@link #disable()} switch the count on and off through perf's control FIFO
 * (an {@code io_uring_enter} is one system call like any other). Attaching to a running process
 * ({@code perf stat -p}) is not used: on some hosts it reports {@code <not counted>}.
 *
 * <p>Use: {@link #unavailable()} first (perf must be on the PATH and allowed to read the
 * tracepoint: root, or {@code kernel.perf_event_paranoid=-1}); then {@link #create}, start the
 * process {@link #wrap(List)} returns, {@link #open()}, enable/disable, and once the process exited
 * {@link #count()}.
 */
public final class SyscallCounter implements AutoCloseable {
    /** The tracepoint counted: one event per system call entered. */
    public static final String EVENT = "raw_syscalls:sys_enter";
    /** How to get a count when {@link #unavailable()} says there is none. */
    public static final String HOW = "install perf (Debian: apt-get install linux-perf) and run as root"
            + " (or set kernel.perf_event_paranoid=-1)";

    private final Path out;
    private final Path ctl;
    private final Path ack;
    private OutputStream ctlOut;
    private BufferedReader ackIn;

    private SyscallCounter(Path out, Path ctl, Path ack) {
        this.out = out;
        this.ctl = ctl;
        this.ack = ack;
    }

    /**
     * A counter whose perf writes {@code <prefix>.perf.txt} in {@code dir}, with its control FIFOs
     * {@code <prefix>.perf-ctl} and {@code <prefix>.perf-ack} (made here, removed by {@link #close()}).
     */
    public static SyscallCounter create(Path dir, String prefix) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        SyscallCounter c = new SyscallCounter(dir.resolve(prefix + ".perf.txt"), dir.resolve(prefix + ".perf-ctl"),
                dir.resolve(prefix + ".perf-ack"));
        Files.deleteIfExists(c.out);
        Files.deleteIfExists(c.ctl);
        Files.deleteIfExists(c.ack);
        mkfifo(c.ctl);
        mkfifo(c.ack);
        return c;
    }

    /** perf's output file (written when the counted process exits). */
    public Path output() {
        return out;
    }

    /** {@code command} run under this counter's perf, its count disabled until {@link #enable()}. */
    public List<String> wrap(List<String> command) {
        return command(out, ctl, ack, command);
    }

    /** {@code perf stat} counting the system calls of {@code command}, disabled until enabled through {@code ctl}. */
    public static List<String> command(Path out, Path ctl, Path ack, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("perf", "stat", "-e", EVENT, "-x", ",", "-o",
                out.toString(), "-D", "-1", "--control", "fifo:" + ctl + "," + ack, "--"));
        cmd.addAll(command);
        return cmd;
    }

    /**
     * Opens the control FIFOs; call once the wrapped process started (perf holds both open
     * read-write from its start, so these opens do not block).
     */
    public void open() throws IOException {
        ctlOut = new FileOutputStream(ctl.toFile());
        ackIn = new BufferedReader(new InputStreamReader(new FileInputStream(ack.toFile()), StandardCharsets.US_ASCII));
    }

    /** Starts counting. */
    public void enable() throws IOException {
        control("enable");
    }

    /** Stops counting. */
    public void disable() throws IOException {
        control("disable");
    }

    /** Sends a command to perf's control FIFO and waits for its acknowledgement. */
    private void control(String command) throws IOException {
        if (ctlOut == null) {
            throw new IllegalStateException("open() first");
        }
        ctlOut.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
        ctlOut.flush();
        String a = ackIn.readLine();
        if (a == null || !a.trim().equals("ack")) {
            throw new IOException("perf did not acknowledge '" + command + "': " + a);
        }
    }

    /** The system calls counted, once the wrapped process exited; -1 if perf counted nothing usable. */
    public long count() throws IOException {
        return Files.exists(out) ? parse(Files.readString(out)) : -1;
    }

    /**
     * The system calls counted in {@code perf stat -x,} output: the sum of its
     * {@code raw_syscalls:sys_enter} lines; -1 if there is none or it was not counted.
     */
    public static long parse(String text) {
        long sum = -1;
        for (String line : text.split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length >= 3 && f[2].equals(EVENT)) {
                try {
                    long n = Long.parseLong(f[0].trim());
                    sum = Math.max(sum, 0) + n;
                } catch (NumberFormatException e) {
                    return -1; // "<not counted>" or "<not supported>"
                }
            }
        }
        return sum;
    }

    /**
     * Null when perf can count this process's system calls here, else why not: runs
     * {@code perf stat -e raw_syscalls:sys_enter -x , -- true} (at most 30 s) and reads its answer.
     */
    public static String unavailable() {
        return unavailable(List.of("perf", "stat", "-e", EVENT, "-x", ",", "--", "true"));
    }

    /** {@link #unavailable()} with the probe's command line given (tests use a missing program, or a script). */
    static String unavailable(List<String> probe) {
        Process p;
        try {
            p = new ProcessBuilder(probe).redirectErrorStream(true).start();
        } catch (IOException e) {
            return diagnose(-1, "");
        }
        try {
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "perf did not answer within 30 s";
            }
            return diagnose(p.exitValue(), text);
        } catch (IOException e) {
            p.destroyForcibly();
            return "perf failed: " + e.getMessage();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return "interrupted while probing perf";
        }
    }

    /**
     * Why perf cannot count, from its probe's exit status ({@code -1}: it could not be started) and
     * output; null when the probe counted.
     */
    static String diagnose(int exit, String output) {
        if (exit == -1) {
            return "no perf on the PATH";
        }
        if (exit == 0 && parse(output) > 0) { // "true" makes a few system calls
            return null;
        }
        String o = output.toLowerCase(java.util.Locale.ROOT);
        if (o.contains("perf_event_paranoid") || o.contains("permission") || o.contains("access to performance monitoring")) {
            return "perf may not read the " + EVENT + " tracepoint (not root, kernel.perf_event_paranoid="
                    + paranoid() + ")";
        }
        if (o.contains("event syntax error") || o.contains("unknown tracepoint")) {
            return "the kernel has no " + EVENT + " tracepoint (tracefs/ftrace absent?)";
        }
        if (o.contains("not found for kernel")) {
            return "perf has no build for this kernel: " + firstLine(output);
        }
        String first = firstLine(output);
        return "perf stat cannot count (exit status " + exit + (first.isEmpty() ? "" : ": " + first) + ")";
    }

    private static String paranoid() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/perf_event_paranoid")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String firstLine(String s) {
        for (String line : s.split("\n")) {
            if (!line.isBlank()) {
                return line.trim();
            }
        }
        return "";
    }

    private static void mkfifo(Path p) throws IOException, InterruptedException {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        String text = new String(mk.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (mk.waitFor() != 0) {
            throw new IOException("mkfifo " + p + ": " + text);
        }
    }

    /** Closes the control FIFOs and removes them (perf's output file stays). */
    @Override
    public void close() {
        closeQuietly(ctlOut);
        closeQuietly(ackIn);
        try {
            Files.deleteIfExists(ctl);
            Files.deleteIfExists(ack);
        } catch (IOException e) {
            // left behind in their directory
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a FIFO end
            }
        }
    }
}
