package io.flexsc.nio.examples.echo;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The echo demo: a Netty {@link EchoServer} (NIO transport) in a child JVM on flexsc-nio's
 * SelectorProvider with the default engine, loaded by a {@link LoadClient} in another child JVM;
 * then the same run with the server on the JDK's SelectorProvider; then the two side by side.
 *
 * <pre>
 * EchoDemo --provider-jar JAR [--connections 64] [--size 64] [--depth 16] [--duration 5] [--warmup 3]
 *          [--server-threads 1] [--client-threads 1] [--client-transport epoll|nio|io_uring] [--only flexsc|jdk]
 * </pre>
 *
 * <p>The children's class path is this JVM's class path (the examples jar, whose manifest names
 * Netty and HdrHistogram) — which must not hold the provider — with {@code JAR} (the drop-in jar)
 * put first for the flexsc run. The drop-in jar installs the SelectorProvider through its services
 * file; no {@code -Dflexsc.engine} is given, so the engine is the one {@code auto} picks. Each
 * server's {@code STATS} line says which provider and engine it actually ran on; a run on the wrong
 * provider fails the demo.
 */
public final class EchoDemo {
    static final String FLEX_PROVIDER = "io.flexsc.nio.net.FlexSelectorProvider";

    /**
     * One run's figures; {@code cpuNanos}: the server's CPU time over the client's measured window
     * (-1 if the client never marked it); {@code syscalls}: the server's system calls counted by perf, -1 when not
     * counted ({@code perfFailure} says why when perf was there but failed in this run).
     */
    record Run(String label, LoadClient.Result client, Map<String, String> stats, boolean ok, long cpuNanos,
               long syscalls, String perfFailure) {}

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = new Options(args, Set.of("provider-jar", "connections", "size", "depth", "duration", "warmup",
                    "server-threads", "client-threads", "client-transport", "only"), Set.of("help"));
            if (o.flag("help")) {
                System.out.println("usage: EchoDemo --provider-jar JAR [--connections 64] [--size 64] [--depth 16] [--duration 5] [--warmup 3]"
                        + " [--server-threads 1] [--client-threads 1] [--client-transport epoll|nio|io_uring] [--only flexsc|jdk]");
                return;
            }
            int status = new EchoDemo(o).run(System.out);
            System.exit(status);
        } catch (IllegalArgumentException e) {
            System.err.println("EchoDemo: " + e.getMessage());
            System.exit(2);
        }
    }

    private final String providerJar;
    private final List<String> clientArgs = new ArrayList<>();
    private final int serverThreads;
    private final String only;
    private final String describe;

    EchoDemo(Options o) {
        String only = o.string("only", "both");
        if (!Set.of("both", "flexsc", "jdk").contains(only)) {
            throw new IllegalArgumentException("--only takes flexsc or jdk");
        }
        this.only = only;
        this.providerJar = o.string("provider-jar", null);
        if (!only.equals("jdk")) {
            if (providerJar == null) {
                throw new IllegalArgumentException("--provider-jar is required (the drop-in jar, provider/target/flexsc-nio-<version>-all.jar)");
            }
            if (!Files.isRegularFile(Path.of(providerJar))) {
                throw new IllegalArgumentException("--provider-jar " + providerJar + ": no such file (build it with mvn -DskipTests package)");
            }
        }
        int connections = o.integer("connections", 64, 1, 100_000);
        int size = o.integer("size", 64, 1, 16 << 20);
        int depth = o.integer("depth", 16, 1, 1 << 20);
        double duration = o.decimal("duration", 5, 0.001, 86_400);
        double warmup = o.decimal("warmup", 3, 0, 86_400);
        int clientThreads = o.integer("client-threads", 1, 1, 1024);
        this.serverThreads = o.integer("server-threads", 1, 1, 1024);
        String clientTransport = o.has("client-transport")
                ? Transport.parse(o.string("client-transport", null)).label() : null;
        clientArgs.addAll(List.of("--connections", Integer.toString(connections), "--size", Integer.toString(size),
                "--depth", Integer.toString(depth), "--duration", num(duration), "--warmup", num(warmup),
                "--threads", Integer.toString(clientThreads)));
        if (clientTransport != null) {
            clientArgs.addAll(List.of("--transport", clientTransport));
        }
        describe = String.format(Locale.ROOT,
                "%d connections x depth %d, %d-byte messages, %s s measured after %s s of warm-up; server: Netty NIO transport, %d event-loop thread(s); client: separate JVM, %s transport, %d thread(s)",
                connections, depth, size, num(duration), num(warmup), serverThreads,
                clientTransport != null ? clientTransport : "default (epoll if available)", clientThreads);
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The children's base class path: this JVM's, without the drop-in jar. */
    private String baseClassPath() {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty() && (providerJar == null || !Path.of(e).toAbsolutePath().normalize()
                    .equals(Path.of(providerJar).toAbsolutePath().normalize()))) {
                out.add(e);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    int run(PrintStream out) throws IOException, InterruptedException {
        out.println("== echo demo: " + describe);
        String noPerf = SyscallCounter.unavailable();
        List<Run> runs = new ArrayList<>();
        String base = baseClassPath();
        int n = only.equals("both") ? 2 : 1;
        int i = 0;
        if (!only.equals("jdk")) {
            out.printf(Locale.ROOT, "-- run %d/%d: server on flexsc-nio's SelectorProvider (drop-in jar on its class path, default engine)%n", ++i, n);
            runs.add(run(out, "flexsc-nio", providerJar + File.pathSeparator + base, true, noPerf == null));
        }
        if (!only.equals("flexsc")) {
            out.printf(Locale.ROOT, "-- run %d/%d: server on the JDK's SelectorProvider (no drop-in jar)%n", ++i, n);
            runs.add(run(out, "JDK", base, false, noPerf == null));
        }
        out.println("== result");
        out.printf(Locale.ROOT, "%-12s %11s %9s %9s  %-8s %10s %10s %11s %14s  %s%n", "server on", "msgs/s", "p50 us", "p99 us",
                "engine", "batches", "avg batch", "CPU us/msg", "crossings/msg", "SelectorProvider");
        Map<String, String> perfFailures = new LinkedHashMap<>();
        for (Run r : runs) {
            if (r.client == null || r.stats == null) {
                out.printf(Locale.ROOT, "%-12s (failed)%n", r.label);
                continue;
            }
            if (r.perfFailure != null) {
                perfFailures.put(r.label, r.perfFailure);
            }
            out.printf(Locale.ROOT, "%-12s %11.0f %9.1f %9.1f  %-8s %10s %10s %11s %14s  %s%n", r.label,
                    r.client.messagesPerSec(), r.client.p50Us(), r.client.p99Us(), r.stats.get("engine"),
                    r.stats.get("engine").equals("none") ? "-" : r.stats.get("batches"),
                    r.stats.get("engine").equals("none") ? "-" : r.stats.get("avgBatch"),
                    perMessage(r.cpuNanos < 0 ? -1 : r.cpuNanos / 1e3, r.client.messages()),
                    perMessage(r.syscalls, r.client.messages()), r.stats.get("provider"));
        }
        if (runs.size() == 2 && runs.get(0).ok && runs.get(1).ok) {
            LoadClient.Result f = runs.get(0).client;
            LoadClient.Result j = runs.get(1).client;
            out.printf(Locale.ROOT, "comparison: flexsc-nio / JDK = %.2fx messages/s, p50 %.2fx, p99 %.2fx (latency: lower is better)%n",
                    ratio(f.messagesPerSec(), j.messagesPerSec()), ratio(f.p50Us(), j.p50Us()), ratio(f.p99Us(), j.p99Us()));
            out.printf(Locale.ROOT, "per message: flexsc-nio / JDK = %s CPU, %s kernel crossings (lower is better)%n",
                    perMessageRatio(runs.get(0).cpuNanos, f.messages(), runs.get(1).cpuNanos, j.messages()),
                    perMessageRatio(runs.get(0).syscalls, f.messages(), runs.get(1).syscalls, j.messages()));
        }
        String note = crossingsNote(noPerf, perfFailures);
        if (note != null) {
            out.println(note);
        }
        out.println("(Both per-message figures cover the client's measured window only (no warm-up), over the messages"
                + " measured in it. CPU us/msg: the server process's CPU time; crossings/msg: the system calls every thread"
                + " of the server entered (perf stat, raw_syscalls:sys_enter; an io_uring_enter is one)."
                + " Client and server share this machine's cores: compare ratios, and repeat runs.)");
        boolean ok = runs.stream().allMatch(Run::ok);
        if (!ok) {
            out.println("== echo demo FAILED (see above)");
        }
        return ok ? 0 : 1;
    }

    /** {@code count / messages} with two decimals, or {@code n/a} when there is no count or no message. */
    static String perMessage(double count, long messages) {
        return count < 0 || messages <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", count / messages);
    }

    /** {@code (a / am) / (b / bm)} as {@code 0.42x}, or {@code n/a} when a figure is missing or zero. */
    static String perMessageRatio(long a, long am, long b, long bm) {
        return a < 0 || b <= 0 || am <= 0 || bm <= 0 ? "n/a"
                : String.format(Locale.ROOT, "%.2fx", ((double) a / am) / ((double) b / bm));
    }

    /**
     * The line under the table when a crossings/msg figure is missing: why perf could not count
     * ({@code unavailable}, from {@link SyscallCounter#unavailable()}) and how to get it, or which
     * run's count failed; null when every run was counted.
     */
    static String crossingsNote(String unavailable, Map<String, String> failures) {
        if (unavailable != null) {
            return "crossings/msg n/a: " + unavailable + "; to get it, " + SyscallCounter.HOW + ".";
        }
        if (failures.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("crossings/msg n/a for");
        failures.forEach((label, why) -> sb.append(' ').append(label).append(" (").append(why).append(')'));
        return sb.toString();
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    private Run run(PrintStream out, String label, String serverClassPath, boolean flexsc, boolean perf)
            throws IOException, InterruptedException {
        List<String> jvm = List.of("-Djava.util.logging.SimpleFormatter.format=%4$s %3$s: %5$s%6$s%n");
        Path json = Files.createTempFile("echo-demo", ".json");
        Path perfDir = perf ? Files.createTempDirectory("echo-demo-perf") : null;
        SyscallCounter counter = perf ? SyscallCounter.create(perfDir, "server") : null;
        String perfFailure = null;
        try (ServerProcess server = ServerProcess.start(counter == null ? c -> c : counter::wrap, serverClassPath, jvm,
                List.of("--transport", "nio", "--threads", Integer.toString(serverThreads)), out, "  [server] ")) {
            if (counter != null) {
                try {
                    counter.open();
                } catch (IOException e) {
                    perfFailure = e.getMessage();
                }
            }
            List<String> cmd = new ArrayList<>(List.of(ServerProcess.javaLauncher(), "-cp", baseClassPath(),
                    LoadClient.class.getName(), "--port", Integer.toString(server.port()), "--json", json.toString(),
                    "--marks"));
            cmd.addAll(clientArgs);
            Process client = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            // the server's CPU time and system calls over the client's measured window, which it marks
            long cpu0 = -1;
            long cpuNanos = -1;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals(LoadClient.MEASURING)) {
                        cpu0 = server.cpuNanos();
                        perfFailure = perf(counter, true, perfFailure);
                    } else if (line.equals(LoadClient.MEASURED)) {
                        perfFailure = perf(counter, false, perfFailure);
                        cpuNanos = cpu0 < 0 ? -1 : server.cpuNanos() - cpu0;
                    } else {
                        out.println(line);
                    }
                }
            }
            int rc = client.waitFor();
            Map<String, String> stats = server.stats();
            int src = server.quit();
            long syscalls = -1;
            if (counter != null && perfFailure == null && cpuNanos < 0) {
                perfFailure = "the load client did not mark the end of its measured window";
            }
            if (counter != null && perfFailure == null) {
                syscalls = counter.count();
                if (syscalls < 0) {
                    perfFailure = "perf counted nothing usable: " + firstLines(counter.output());
                }
            }
            out.printf(Locale.ROOT, "  [server] provider=%s engine=%s calls=%s batches=%s avgBatch=%s cpu=%.2fs rssPeak=%sKiB; exit status %d%n",
                    stats.get("provider"), stats.get("engine"), stats.get("calls"), stats.get("batches"), stats.get("avgBatch"),
                    Long.parseLong(stats.get("cpuNanos")) / 1e9, stats.get("rssPeakKiB"), src);
            boolean ok = rc == 0 && src == 0;
            if (rc != 0) {
                out.println("  the load client failed (exit status " + rc + ")");
            }
            if (src != 0) {
                out.println("  the server did not exit cleanly (status " + src + ")");
            }
            boolean onFlex = stats.get("provider").equals(FLEX_PROVIDER);
            if (onFlex != flexsc) {
                out.println("  WRONG PROVIDER: this run's server ran on " + stats.get("provider")
                        + (flexsc ? " (the drop-in jar did not install flexsc-nio's provider)"
                                  : " (the demo's own class path holds the provider; run it without the drop-in jar)"));
                ok = false;
            }
            LoadClient.Result result = Files.size(json) > 0 ? readJson(Files.readString(json, StandardCharsets.UTF_8)) : null;
            return new Run(label, result, stats, ok && result != null, cpuNanos, syscalls, perfFailure);
        } finally {
            Files.deleteIfExists(json);
            if (counter != null) {
                counter.close();
                Files.deleteIfExists(counter.output());
                Files.deleteIfExists(perfDir);
            }
        }
    }

    /** Enables or disables the count; returns the failure so far, or this one's message. */
    private static String perf(SyscallCounter counter, boolean enable, String failure) {
        if (counter == null || failure != null) {
            return failure;
        }
        try {
            if (enable) {
                counter.enable();
            } else {
                counter.disable();
            }
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** The non-comment lines of perf's output file, joined, for a note ("no output" if none). */
    private static String firstLines(Path perfOut) {
        try {
            String text = Files.exists(perfOut) ? Files.readString(perfOut) : "";
            String joined = text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).limit(3)
                    .reduce((a, b) -> a + " | " + b).orElse("");
            return joined.isEmpty() ? "no output" : joined;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|[-0-9.eE]+)");

    /** Reads {@link LoadClient.Result#toJson()} back. */
    static LoadClient.Result readJson(String json) {
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            String v = m.group(2);
            f.put(m.group(1), v.startsWith("\"") ? jsonUnescape(v.substring(1, v.length() - 1)) : v);
        }
        for (String k : new String[] {"messages", "seconds", "messagesPerSec", "bytesPerSec", "p50Us", "p90Us", "p99Us",
                "p999Us", "maxUs", "connections", "size", "depth", "errors"}) {
            if (!f.containsKey(k)) {
                throw new IllegalArgumentException("load-client JSON lacks " + k + ": " + json);
            }
        }
        return new LoadClient.Result(Long.parseLong(f.get("messages")), d(f, "seconds"), d(f, "messagesPerSec"),
                d(f, "bytesPerSec"), d(f, "p50Us"), d(f, "p90Us"), d(f, "p99Us"), d(f, "p999Us"), d(f, "maxUs"),
                Integer.parseInt(f.get("connections")), Integer.parseInt(f.get("size")), Integer.parseInt(f.get("depth")),
                Long.parseLong(f.get("errors")), f.get("error"), f.getOrDefault("transport", "?"));
    }

    /** Undoes {@link LoadClient#jsonEscape}. */
    static String jsonUnescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'u':
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                    break;
                case 'n':
                    sb.append('\n');
                    break;
                case 't':
                    sb.append('\t');
                    break;
                case 'r':
                    sb.append('\r');
                    break;
                default:
                    sb.append(e);
            }
        }
        return sb.toString();
    }

    private static double d(Map<String, String> f, String k) {
        return Double.parseDouble(f.get(k));
    }
}
