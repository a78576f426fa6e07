package io.flexsc.bench.vt;

import io.flexsc.bench.compare.Aggregator;
import io.flexsc.bench.compare.Measurement;
import io.flexsc.bench.compare.ProcStat;
import io.flexsc.bench.compare.Report;
import io.flexsc.bench.compare.Variant;
import io.flexsc.nio.examples.echo.SyscallCounter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Issue 19: the virtual-thread echo benchmark. Runs {@link VtEchoServer} on every variant (the
 * JDK's own virtual-thread I/O; our providers on {@code uring} and {@code direct}; {@code kmod}
 * only where {@code /dev/flexsc} exists) under the examples' load client, for every scenario, in
 * interleaved rounds (odd rounds in the variants' order, even rounds reversed), then writes
 * {@code runs.csv} and {@code table.md} (medians, ratios to the JDK, the goals). Usually started
 * by {@code bench/vt/run.sh}, which builds and finds the jars.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.flexsc.bench.vt.VtRunner --out DIR --logs DIR
 *      --server-cp CP --client-cp CP --dropin JAR [options]
 * </pre>
 *
 * Options (defaults in brackets): {@code --rounds N} [5], {@code --warmup S} [3], {@code --count S}
 * [2], {@code --duration S} [5], {@code --scenarios LIST} [{@link #DEFAULT_SCENARIOS}],
 * {@code --variants LIST} [all this machine can run], {@code --server-java PATH} [this JVM's],
 * {@code --client-java PATH} [this JVM's], {@code --jvm "FLAGS"} [-Xms512m -Xmx512m] (both JVMs),
 * {@code --server-args "ARGS"} [none] (more {@link VtEchoServer} options),
 * {@code --client-threads N} [1], {@code --client-transport T} [epoll], {@code --no-count},
 * {@code --header FILE}.
 */
public final class VtRunner {
    static final String DEFAULT_SCENARIOS = "c100-64B-rr,c100-4KiB-rr,c10000-64B-rr,c10000-4KiB-rr,c1-64B-rr,"
            + "c10000-64B-rr+files1000";

    private VtRunner() {}

    /** The parsed command line. */
    record Options(Path out, Path logs, int rounds, double warmup, double count, double duration, List<VtScenario> scenarios,
            List<String> variants, String serverJava, String clientJava, List<String> jvm, List<String> serverArgs,
            int clientThreads, String clientTransport, boolean countCrossings, String serverCp, String clientCp,
            String dropIn, Path header) {

        static Options parse(String[] args, String thisJava) {
            Path out = null;
            Path logs = null;
            int rounds = 5;
            double warmup = 3;
            double count = 2;
            double duration = 5;
            List<VtScenario> scenarios = parseScenarios(DEFAULT_SCENARIOS);
            List<String> variants = null;
            String serverJava = thisJava;
            String clientJava = thisJava;
            List<String> jvm = List.of("-Xms512m", "-Xmx512m");
            List<String> serverArgs = List.of();
            int clientThreads = 1;
            String clientTransport = "epoll";
            boolean countCrossings = true;
            String serverCp = null;
            String clientCp = null;
            String dropIn = null;
            Path header = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--no-count")) {
                    countCrossings = false;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--out" -> out = Paths.get(v);
                    case "--logs" -> logs = Paths.get(v);
                    case "--rounds" -> rounds = Integer.parseInt(v);
                    case "--warmup" -> warmup = Double.parseDouble(v);
                    case "--count" -> count = Double.parseDouble(v);
                    case "--duration" -> duration = Double.parseDouble(v);
                    case "--scenarios" -> scenarios = parseScenarios(v);
                    case "--variants" -> variants = words(v);
                    case "--server-java" -> serverJava = v;
                    case "--client-java" -> clientJava = v;
                    case "--jvm" -> jvm = words(v.replace(',', ' '));
                    case "--server-args" -> serverArgs = v.isBlank() ? List.of() : Arrays.asList(v.trim().split("\\s+"));
                    case "--client-threads" -> clientThreads = Integer.parseInt(v);
                    case "--client-transport" -> clientTransport = v;
                    case "--server-cp" -> serverCp = v;
                    case "--client-cp" -> clientCp = v;
                    case "--dropin" -> dropIn = v;
                    case "--header" -> header = Paths.get(v);
                    default -> throw new IllegalArgumentException("unknown argument " + a + " (see VtRunner's javadoc)");
                }
            }
            if (out == null || serverCp == null || clientCp == null || dropIn == null) {
                throw new IllegalArgumentException("--out, --server-cp, --client-cp and --dropin are required");
            }
            if (rounds < 1 || !(warmup >= 0) || !(count > 0) || !(duration > 0) || scenarios.isEmpty() || clientThreads < 1) {
                throw new IllegalArgumentException("invalid options: " + String.join(" ", args));
            }
            if (logs == null) {
                logs = out.resolve("logs");
            }
            return new Options(out, logs, rounds, warmup, count, duration, scenarios, variants, serverJava, clientJava, jvm,
                    serverArgs, clientThreads, clientTransport, countCrossings, serverCp, clientCp, dropIn, header);
        }
    }

    static List<VtScenario> parseScenarios(String list) {
        List<VtScenario> out = new ArrayList<>();
        for (String name : words(list)) {
            out.add(VtScenario.parse(name));
        }
        return out;
    }

    private static List<String> words(String s) {
        return Arrays.asList(s.trim().split("[ ,]+"));
    }

    /** The variants' order in round {@code round} (1-based): as given in odd rounds, reversed in even ones. */
    static <T> List<T> order(List<T> variants, int round) {
        List<T> out = new ArrayList<>(variants);
        if (round % 2 == 0) {
            Collections.reverse(out);
        }
        return out;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Options o;
        try {
            o = Options.parse(args, Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        } catch (IllegalArgumentException e) {
            System.err.println("VtRunner: " + e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(o.out());
        Files.createDirectories(o.logs());
        Path progress = o.logs().resolve("rounds.txt");

        List<Variant> variants = new ArrayList<>();
        List<Variant> skipped = new ArrayList<>();
        for (Variant v : VtRun.variants(Files.exists(Paths.get("/dev/flexsc")))) {
            if (o.variants() != null && !o.variants().contains(v.name())) {
                continue;
            }
            (v.skipReason() == null ? variants : skipped).add(v);
        }
        String perfProblem = o.countCrossings() ? SyscallCounter.unavailable() : "counting switched off (--no-count)";
        boolean perf = perfProblem == null;
        VtRun run = new VtRun(new VtRun.Setup(o.serverJava(), o.clientJava(), o.jvm(), o.jvm(), o.serverCp(), o.clientCp(),
                o.dropIn(), o.clientThreads(), o.clientTransport(), o.warmup(), o.count(), o.duration(), perf, o.serverArgs(),
                o.logs()));

        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        String loadStart = ProcStat.loadAverage();
        note(progress, "start " + started + " load " + loadStart + "; " + o.scenarios().size() + " scenarios x "
                + variants.size() + " variants x " + o.rounds() + " rounds");
        if (!perf) {
            note(progress, "kernel crossings not counted: " + perfProblem);
        }
        for (Variant v : skipped) {
            note(progress, "skipped " + v.name() + ": " + v.skipReason());
        }
        List<Measurement> runs = new ArrayList<>();
        int failed = 0;
        for (int r = 1; r <= o.rounds(); r++) {
            note(progress, "round " + r + " start " + ZonedDateTime.now(ZoneOffset.UTC) + " load " + ProcStat.loadAverage());
            for (VtScenario s : o.scenarios()) {
                for (Variant v : order(variants, r)) {
                    Measurement m = run.run(s, v, r);
                    runs.add(m);
                    failed += m.ok() ? 0 : 1;
                    note(progress, line(m));
                    Files.writeString(o.out().resolve("runs.csv"), Report.runsCsv(runs), StandardCharsets.UTF_8);
                }
            }
        }
        ZonedDateTime ended = ZonedDateTime.now(ZoneOffset.UTC);
        StringBuilder header = new StringBuilder();
        if (o.header() != null && Files.exists(o.header())) {
            header.append(Files.readString(o.header()).strip()).append('\n');
        }
        header.append(String.format(Locale.ROOT, "- started %s, ended %s; load average %s at the start, %s at the end%n",
                started, ended, loadStart, ProcStat.loadAverage()));
        header.append(String.format(Locale.ROOT,
                "- %d rounds (variants in order, then reversed); per run: %.1f s warm-up, %.1f s counting crossings, "
                        + "%.1f s measured; JVMs %s; client: %d thread(s), Netty %s, on %s; server on %s%n",
                o.rounds(), o.warmup(), o.count(), o.duration(), String.join(" ", o.jvm()), o.clientThreads(),
                o.clientTransport(), o.clientJava(), o.serverJava()));
        if (!perf) {
            header.append("- kernel crossings not counted: ").append(perfProblem).append('\n');
        }
        if (failed > 0) {
            header.append("- **").append(failed).append(" run(s) failed** (see runs.csv, column note)\n");
        }
        String md = VtReport.markdown(VtReport.summarize(runs), skipped, header.toString());
        Files.writeString(o.out().resolve("table.md"), md, StandardCharsets.UTF_8);
        Files.writeString(o.out().resolve("runs.csv"), Report.runsCsv(runs), StandardCharsets.UTF_8);
        note(progress, "done " + ended);
        System.out.println(md);
        System.out.println("results: " + o.out() + " (logs: " + o.logs() + ")");
        if (failed > 0) {
            System.err.println("VtRunner: " + failed + " run(s) FAILED");
            System.exit(1);
        }
    }

    private static String line(Measurement m) {
        StringBuilder b = new StringBuilder("  r").append(m.round()).append(' ').append(m.scenario()).append(' ')
                .append(m.variant()).append(": ");
        if (!m.ok()) {
            return b.append("FAILED ").append(m.note()).toString();
        }
        m.metrics().forEach((k, v) -> b.append(k).append('=').append(Aggregator.fmt(v)).append(' '));
        return b.append("| engine ").append(m.info().getOrDefault("engine", "?")).append(" | load ")
                .append(m.info().getOrDefault("loadBefore", "?")).toString();
    }

    private static void note(Path progress, String line) throws IOException {
        System.out.println(line);
        Files.writeString(progress, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
