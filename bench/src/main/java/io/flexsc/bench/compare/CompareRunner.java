package io.flexsc.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Issue 7: the transport comparison. Runs the examples' echo server for every variant (JDK NIO,
 * flexsc-nio on each engine, Netty epoll, Netty io_uring) under the examples' load client, and the
 * issue-4 file benchmarks (JDK vs each engine), in interleaved rounds: round r runs every variant of
 * every scenario, in an order rotated by r. Then the medians, ratios, tables and charts
 * ({@link Report}). Usually started by {@code bench/compare/run.sh}, which builds and finds the
 * class paths.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.flexsc.bench.compare.CompareRunner --out DIR
 *      --server-cp CP --client-cp CP --dropin JAR [options]
 * </pre>
 *
 * Options (defaults in brackets): {@code --rounds N} [3], {@code --warmup S} [2],
 * {@code --duration S} [2.5], {@code --connections LIST} [1,64,1000], {@code --sizes LIST} [64,4096],
 * {@code --depths LIST} [16,1], {@code --variants LIST} [all this machine can run],
 * {@code --jvm "FLAGS"} [-Xms512m -Xmx512m] (server and client), {@code --server-jvm "FLAGS"} [none]
 * (added to the server's only: a profiler agent, say), {@code --client-transport T}
 * [epoll], {@code --server-threads N} [1], {@code --client-threads N} [1], {@code --no-echo},
 * {@code --no-file}, {@code --file-ops REGEX} [readSeq|readPos|writeSeq|writePos],
 * {@code --file-sizes LIST} [64,4096], {@code --file-impls LIST} [jdk,direct,uring],
 * {@code --file-iterations N} [2], {@code --file-seconds S} [1], {@code --no-copy},
 * {@code --header FILE} (Markdown put before the tables).
 */
public final class CompareRunner {
    private CompareRunner() {}

    public static void main(String[] args) throws IOException {
        Path out = null;
        int rounds = 3;
        double warmup = 2;
        double duration = 2.5;
        int[] connections = {1, 64, 1000};
        int[] sizes = {64, 4096};
        int[] depths = {16, 1};
        List<String> variantNames = null;
        List<String> jvm = List.of("-Xms512m", "-Xmx512m");
        List<String> serverOnlyJvm = List.of();
        String clientTransport = "epoll";
        int serverThreads = 1;
        int clientThreads = 1;
        boolean echo = true;
        boolean file = true;
        boolean copy = true;
        String fileOps = "readSeq|readPos|writeSeq|writePos";
        List<String> fileSizes = List.of("64", "4096");
        List<String> fileImpls = List.of("jdk", "direct", "uring");
        int fileIterations = 2;
        double fileSeconds = 1;
        String serverCp = null;
        String clientCp = null;
        String dropIn = null;
        Path headerFile = null;
        if (args.length == 2 && args[0].equals("--render")) {
            render(Paths.get(args[1]));
            return;
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--out" -> { out = Paths.get(v); i++; }
                case "--rounds" -> { rounds = Integer.parseInt(v); i++; }
                case "--warmup" -> { warmup = Double.parseDouble(v); i++; }
                case "--duration" -> { duration = Double.parseDouble(v); i++; }
                case "--connections" -> { connections = ints(v); i++; }
                case "--sizes" -> { sizes = ints(v); i++; }
                case "--depths" -> { depths = ints(v); i++; }
                case "--variants" -> { variantNames = words(v); i++; }
                case "--jvm" -> { jvm = Arrays.asList(v.trim().split("\\s+")); i++; }
                case "--server-jvm" -> { serverOnlyJvm = Arrays.asList(v.trim().split("\\s+")); i++; }
                case "--client-transport" -> { clientTransport = v; i++; }
                case "--server-threads" -> { serverThreads = Integer.parseInt(v); i++; }
                case "--client-threads" -> { clientThreads = Integer.parseInt(v); i++; }
                case "--no-echo" -> echo = false;
                case "--no-file" -> file = false;
                case "--no-copy" -> copy = false;
                case "--file-ops" -> { fileOps = v; i++; }
                case "--file-sizes" -> { fileSizes = words(v); i++; }
                case "--file-impls" -> { fileImpls = words(v); i++; }
                case "--file-iterations" -> { fileIterations = Integer.parseInt(v); i++; }
                case "--file-seconds" -> { fileSeconds = Double.parseDouble(v); i++; }
                case "--server-cp" -> { serverCp = v; i++; }
                case "--client-cp" -> { clientCp = v; i++; }
                case "--dropin" -> { dropIn = v; i++; }
                case "--header" -> { headerFile = Paths.get(v); i++; }
                default -> throw new IllegalArgumentException("unknown argument " + a + " (see the class's javadoc)");
            }
        }
        if (out == null) {
            out = Paths.get("bench", "results",
                    "compare-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        if (echo && (serverCp == null || clientCp == null || dropIn == null)) {
            throw new IllegalArgumentException("the echo part needs --server-cp, --client-cp and --dropin");
        }
        Files.createDirectories(out);
        Path logs = out.resolve("logs");
        Files.createDirectories(logs);
        Path progress = out.resolve("rounds.txt");

        boolean kmod = Files.exists(Paths.get("/dev/flexsc"));
        List<Variant> variants = new ArrayList<>();
        List<Variant> skipped = new ArrayList<>();
        for (Variant v : Variant.all(kmod)) {
            if (variantNames != null && !variantNames.contains(v.name())) {
                continue;
            }
            if (v.skipReason() != null) {
                skipped.add(v);
            } else {
                variants.add(v);
            }
        }
        List<Scenario> scenarios = Scenario.matrix(connections, sizes, depths);
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> serverJvm = new ArrayList<>(jvm);
        serverJvm.addAll(serverOnlyJvm);
        EchoRun echoRun = echo ? new EchoRun(new EchoRun.Setup(java, serverJvm, jvm, serverCp, clientCp, dropIn, serverThreads,
                clientThreads, clientTransport, warmup, duration, logs)) : null;
        List<String> fileJvm = new ArrayList<>(jvm);
        FileRound fileRound = file ? new FileRound(new FileRound.Setup(fileOps, fileSizes, 1, 1, fileSeconds,
                fileIterations, fileSeconds, copy, fileJvm, logs)) : null;
        System.setProperty("jmh.ignoreLock", "true");

        String loadStart = ProcStat.loadAverage();
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        note(progress, "start " + started + " load " + loadStart + (echo ? "; echo: " + scenarios.size() + " scenarios x "
                + variants.size() + " variants" : "") + (file ? "; file: " + fileImpls : "") + "; rounds " + rounds);
        for (Variant v : skipped) {
            note(progress, "skipped " + v.name() + ": " + v.skipReason());
        }
        List<Measurement> runs = new ArrayList<>();
        List<String> roundLoads = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            String l0 = ProcStat.loadAverage();
            note(progress, "round " + r + " start " + ZonedDateTime.now(ZoneOffset.UTC) + " load " + l0);
            if (echo) {
                for (int si = 0; si < scenarios.size(); si++) {
                    Scenario s = scenarios.get((si + r - 1) % scenarios.size());
                    for (Variant v : rotate(variants, r - 1 + si)) {
                        Measurement m = echoRun.run(s, v, r);
                        runs.add(m);
                        note(progress, line(m));
                        Files.writeString(out.resolve("runs.csv"), Report.runsCsv(runs), StandardCharsets.UTF_8);
                    }
                }
            }
            if (file) {
                for (String impl : rotate(fileImpls, r - 1)) {
                    for (Measurement m : fileRound.run(impl, r)) {
                        runs.add(m);
                        note(progress, line(m));
                    }
                    Files.writeString(out.resolve("runs.csv"), Report.runsCsv(runs), StandardCharsets.UTF_8);
                }
            }
            String l1 = ProcStat.loadAverage();
            roundLoads.add("round " + r + ": load average " + l0 + " at the start, " + l1 + " at the end");
            note(progress, "round " + r + " end " + ZonedDateTime.now(ZoneOffset.UTC) + " load " + l1);
        }
        String loadEnd = ProcStat.loadAverage();
        ZonedDateTime ended = ZonedDateTime.now(ZoneOffset.UTC);
        StringBuilder header = new StringBuilder();
        if (headerFile != null && Files.exists(headerFile)) {
            header.append(Files.readString(headerFile));
        }
        header.append("\n- started ").append(started).append(", ended ").append(ended).append("; load average (1/5/15 min) ")
                .append(loadStart).append(" at the start, ").append(loadEnd).append(" at the end\n");
        roundLoads.forEach(l -> header.append("- ").append(l).append('\n'));
        header.append(String.format(Locale.ROOT,
                "- echo: %d rounds, client warm-up %.1f s + %.1f s measured per run, server and client JVMs %s, "
                        + "server threads %d, client threads %d, client transport %s\n",
                rounds, warmup, duration, String.join(" ", jvm), serverThreads, clientThreads, clientTransport));
        Files.writeString(out.resolve("header-full.md"), header, StandardCharsets.UTF_8);
        String md = Report.write(out, runs, skipped, header.toString());
        note(progress, "done " + ended + " load " + loadEnd);
        System.out.println(md);
        System.out.println("results: " + out);
    }

    /**
     * Re-renders a finished comparison's summaries, table and charts from its {@code runs.csv}
     * ({@code --render DIR}); skipped variants are read back from {@code rounds.txt}.
     */
    static void render(Path dir) throws IOException {
        List<Measurement> runs = RunsCsv.read(dir.resolve("runs.csv"));
        String header = "";
        List<Variant> skipped = new ArrayList<>();
        if (Files.exists(dir.resolve("header-full.md"))) {
            header = Files.readString(dir.resolve("header-full.md"));
        } else if (Files.exists(dir.resolve("header.md"))) {
            header = Files.readString(dir.resolve("header.md"));
        }
        if (Files.exists(dir.resolve("rounds.txt"))) {
            StringBuilder loads = new StringBuilder();
            for (String l : Files.readAllLines(dir.resolve("rounds.txt"))) {
                if (l.startsWith("skipped ")) {
                    int colon = l.indexOf(": ");
                    String name = l.substring("skipped ".length(), colon);
                    for (Variant v : Variant.all(false)) {
                        if (v.name().equals(name)) {
                            skipped.add(new Variant(v.name(), v.transport(), v.dropIn(), v.properties(), l.substring(colon + 2)));
                        }
                    }
                } else if (!Files.exists(dir.resolve("header-full.md")) && l.matches("(start|done|round \\d+ (start|end)) .*")) {
                    loads.append("- ").append(l).append('\n');
                } else if (l.startsWith("uptime at the end")) {
                    loads.append("- ").append(l.trim()).append('\n');
                }
            }
            header += "\n" + loads;
        }
        System.out.println(Report.write(dir, runs, skipped, header));
    }

    static <T> List<T> rotate(List<T> list, int by) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get((i + by) % list.size()));
        }
        return out;
    }

    private static String line(Measurement m) {
        StringBuilder b = new StringBuilder("  r").append(m.round()).append(' ').append(m.kind()).append(' ')
                .append(m.scenario()).append(' ').append(m.variant()).append(": ");
        if (!m.ok()) {
            return b.append("FAILED ").append(m.note()).toString();
        }
        m.metrics().forEach((k, v) -> b.append(k).append('=').append(Aggregator.fmt(v)).append(' '));
        String stats = m.info().get("stats");
        if (stats != null) {
            b.append("| ").append(stats);
        }
        return b.append(" | load ").append(m.info().getOrDefault("loadBefore", "?")).toString();
    }

    private static void note(Path progress, String line) throws IOException {
        System.out.println(line);
        Files.writeString(progress, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.trim().split("[ ,]+")).mapToInt(Integer::parseInt).toArray();
    }

    private static List<String> words(String s) {
        return Arrays.asList(s.trim().split("[ ,]+"));
    }
}
