package io.flexsc.bench.compare;

import static io.flexsc.bench.compare.Aggregator.fmt;
import static io.flexsc.bench.compare.Aggregator.fmtRatio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes a comparison's files: {@code runs.csv} (every run), {@code summary.csv} and
 * {@code summary.json} (medians, ranges and ratios per scenario and variant), {@code table.md} (the
 * tables and the goals, evaluated) and the PNG charts.
 */
public final class Report {
    public static final String ECHO_BASE = "jdk-nio";
    public static final String FILE_BASE = "jdk";
    public static final Map<String, String> BASELINES = Map.of("echo", ECHO_BASE, "file", FILE_BASE);

    private Report() {}

    /** Writes everything under {@code dir}; returns the Markdown. */
    public static String write(Path dir, List<Measurement> runs, List<Variant> skipped, String header) throws IOException {
        Files.createDirectories(dir);
        List<Aggregator.Summary> sums = Aggregator.summarize(runs, BASELINES);
        Files.writeString(dir.resolve("runs.csv"), runsCsv(runs), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.csv"), summaryCsv(sums), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.json"), summaryJson(sums), StandardCharsets.UTF_8);
        List<String> charts = charts(dir, sums);
        String md = markdown(sums, runs, skipped, header, charts);
        Files.writeString(dir.resolve("table.md"), md, StandardCharsets.UTF_8);
        return md;
    }

    // ---- CSV / JSON

    public static String runsCsv(List<Measurement> runs) {
        Set<String> metrics = new LinkedHashSet<>();
        Set<String> infos = new LinkedHashSet<>();
        runs.forEach(m -> {
            metrics.addAll(m.metrics().keySet());
            infos.addAll(m.info().keySet());
        });
        StringBuilder b = new StringBuilder("kind,scenario,variant,round,ok,note");
        metrics.forEach(n -> b.append(',').append(n));
        infos.forEach(n -> b.append(',').append(n));
        b.append('\n');
        for (Measurement m : runs) {
            b.append(csv(m.kind())).append(',').append(csv(m.scenario())).append(',').append(csv(m.variant())).append(',')
                    .append(m.round()).append(',').append(m.ok()).append(',').append(csv(m.note()));
            for (String n : metrics) {
                Double d = m.metric(n);
                b.append(',').append(d == null || d.isNaN() ? "" : d.toString());
            }
            for (String n : infos) {
                b.append(',').append(csv(m.info().getOrDefault(n, "")));
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String summaryCsv(List<Aggregator.Summary> sums) {
        Set<String> metrics = new LinkedHashSet<>();
        sums.forEach(s -> metrics.addAll(s.medians().keySet()));
        StringBuilder b = new StringBuilder("kind,scenario,variant,runs,failed");
        for (String n : metrics) {
            b.append(',').append(n).append(",").append(n).append("_min,").append(n).append("_max,").append(n)
                    .append("_ratio,").append(n).append("_pairedRatio");
        }
        b.append('\n');
        for (Aggregator.Summary s : sums) {
            b.append(csv(s.kind())).append(',').append(csv(s.scenario())).append(',').append(csv(s.variant())).append(',')
                    .append(s.runs()).append(',').append(s.failed());
            for (String n : metrics) {
                for (Double d : new Double[] {s.medians().get(n), s.mins().get(n), s.maxs().get(n), s.ratios().get(n),
                        s.pairedRatios().get(n)}) {
                    b.append(',').append(d == null || d.isNaN() ? "" : d.toString());
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String summaryJson(List<Aggregator.Summary> sums) {
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < sums.size(); i++) {
            Aggregator.Summary s = sums.get(i);
            b.append("  {\"kind\": ").append(FlatJson.quote(s.kind())).append(", \"scenario\": ")
                    .append(FlatJson.quote(s.scenario())).append(", \"variant\": ").append(FlatJson.quote(s.variant()))
                    .append(", \"runs\": ").append(s.runs()).append(", \"failed\": ").append(s.failed())
                    .append(",\n   \"median\": ").append(map(s.medians())).append(",\n   \"ratioToBaseline\": ")
                    .append(map(s.ratios())).append(",\n   \"pairedRatioToBaseline\": ").append(map(s.pairedRatios()))
                    .append("}").append(i + 1 < sums.size() ? ",\n" : "\n");
        }
        return b.append("]\n").toString();
    }

    private static String map(Map<String, Double> m) {
        return m.entrySet().stream().map(e -> FlatJson.quote(e.getKey()) + ": " + FlatJson.number(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    // ---- Markdown

    static List<String> scenarios(List<Aggregator.Summary> sums, String kind) {
        return sums.stream().filter(s -> s.kind().equals(kind)).map(Aggregator.Summary::scenario).distinct().toList();
    }

    static List<String> variants(List<Aggregator.Summary> sums, String kind) {
        return sums.stream().filter(s -> s.kind().equals(kind)).map(Aggregator.Summary::variant).distinct().toList();
    }

    static String markdown(List<Aggregator.Summary> sums, List<Measurement> runs, List<Variant> skipped, String header,
            List<String> charts) {
        StringBuilder b = new StringBuilder(header);
        List<String> echo = scenarios(sums, "echo");
        if (!echo.isEmpty()) {
            List<String> vs = variants(sums, "echo");
            b.append("\n### Echo at a glance (medians over rounds)\n\n");
            b.append(pivot(sums, echo, vs, "msgs/s of jdk-nio, and the others' ratio to it (higher is better)", "msgsPerSec", true));
            b.append(pivot(sums, echo, vs, "server CPU µs per message (= CPU s per 1M messages; lower is better)",
                    "serverCpuUsPerMsg", false));
            b.append(pivot(sums, echo, vs, "server + client CPU µs per message", "totalCpuUsPerMsg", false));
            b.append(pivot(sums, echo, vs, "server peak RSS, MiB (VmHWM)", "rssPeakMiB", false));
            b.append("\n### Echo: medians over rounds, ratio to `jdk-nio` in the same scenario\n\n");
            b.append("msgs/s and its ratio (higher is better); server CPU and server+client CPU in CPU seconds per million "
                    + "messages (= CPU µs per message; lower is better) with the server's ratio; latency percentiles "
                    + "from the client; the server's peak RSS (VmHWM) with its ratio and its heap after a System.gc(); "
                    + "avg batch = calls per engine batch (flexsc only); runs = successful runs (failed).\n\n");
            b.append("| scenario | variant | msgs/s | x jdk-nio | server CPU s/1M msg | x jdk-nio | srv+cli CPU s/1M msg "
                    + "| p50 µs | p99 µs | peak RSS MiB | x jdk-nio | heap after GC MiB | avg batch | runs |\n");
            b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (String sc : echo) {
                for (String v : variants(sums, "echo")) {
                    Aggregator.Summary s = Aggregator.find(sums, sc, v);
                    if (s == null) {
                        continue;
                    }
                    b.append("| ").append(sc).append(" | ").append(v).append(" | ").append(fmt(s.median("msgsPerSec")))
                            .append(" | ").append(fmtRatio(s.ratio("msgsPerSec"))).append(" | ")
                            .append(fmt(s.median("serverCpuUsPerMsg"))).append(" | ")
                            .append(fmtRatio(s.ratio("serverCpuUsPerMsg"))).append(" | ")
                            .append(fmt(s.median("totalCpuUsPerMsg"))).append(" | ").append(fmt(s.median("p50Us")))
                            .append(" | ").append(fmt(s.median("p99Us"))).append(" | ").append(fmt(s.median("rssPeakMiB")))
                            .append(" | ").append(fmtRatio(s.ratio("rssPeakMiB"))).append(" | ")
                            .append(fmt(s.median("heapAfterGcMiB"))).append(" | ").append(fmt(s.median("avgBatch")))
                            .append(" | ").append(s.runs()).append(s.failed() > 0 ? " (" + s.failed() + " failed)" : "")
                            .append(" |\n");
                }
            }
        }
        List<String> file = scenarios(sums, "file");
        if (!file.isEmpty()) {
            b.append("\n### Files: medians over rounds, ratio to the JDK's FileChannel\n\n");
            b.append("ops/s = the median JMH iteration of each run (one thread; `copy` = whole 256 MiB copies per "
                    + "second), then the median over rounds; CPU µs/op = the benchmark JVM's CPU time (user+sys, all "
                    + "threads) per operation.\n\n");
            b.append("| case | impl | ops/s | x jdk | CPU µs/op | x jdk | runs |\n|---|---|---:|---:|---:|---:|---:|\n");
            for (String sc : file) {
                for (String v : variants(sums, "file")) {
                    Aggregator.Summary s = Aggregator.find(sums, sc, v);
                    if (s == null) {
                        continue;
                    }
                    b.append("| ").append(sc).append(" | ").append(v).append(" | ").append(fmt(s.median("opsPerSec")))
                            .append(" | ").append(fmtRatio(s.ratio("opsPerSec"))).append(" | ")
                            .append(fmt(s.median("cpuUsPerOp"))).append(" | ").append(fmtRatio(s.ratio("cpuUsPerOp")))
                            .append(" | ").append(s.runs()).append(s.failed() > 0 ? " (" + s.failed() + " failed)" : "")
                            .append(" |\n");
                }
            }
        }
        if (!skipped.isEmpty()) {
            b.append("\n### Skipped variants\n\n");
            for (Variant v : skipped) {
                b.append("- `").append(v.name()).append("`: ").append(v.skipReason()).append('\n');
            }
        }
        List<Measurement> failed = runs.stream().filter(m -> !m.ok()).toList();
        if (!failed.isEmpty()) {
            b.append("\n### Failed runs\n\n");
            for (Measurement m : failed) {
                b.append("- round ").append(m.round()).append(", ").append(m.scenario()).append(", ").append(m.variant())
                        .append(": ").append(m.note().replace("|", "\\|")).append('\n');
            }
        }
        b.append(goals(sums));
        if (!charts.isEmpty()) {
            b.append("\n### Charts\n\n");
            for (String c : charts) {
                b.append("![").append(c).append("](").append(c).append(")\n\n");
            }
        }
        return b.toString();
    }

    /** One metric as a scenario x variant table: the median, or its ratio to the baseline. */
    static String pivot(List<Aggregator.Summary> sums, List<String> scenarios, List<String> variants, String title,
            String metric, boolean ratio) {
        StringBuilder b = new StringBuilder("\n").append(title).append(":\n\n| scenario |");
        variants.forEach(v -> b.append(' ').append(v).append(" |"));
        b.append("\n|---|");
        variants.forEach(v -> b.append("---:|"));
        b.append('\n');
        for (String sc : scenarios) {
            b.append("| ").append(sc).append(" |");
            for (String v : variants) {
                Aggregator.Summary s = Aggregator.find(sums, sc, v);
                String cell = s == null ? "-" : ratio ? fmtRatio(s.ratio(metric)) : fmt(s.median(metric));
                if (ratio && s != null && v.equals(ECHO_BASE)) {
                    cell = fmt(s.median(metric));
                }
                b.append(' ').append(cell).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The three goals, evaluated from the medians. */
    static String goals(List<Aggregator.Summary> sums) {
        StringBuilder b = new StringBuilder("\n### Goals (evaluated from the medians)\n\n");
        String key = "c64-64B-pipe16";
        List<String> ours = variants(sums, "echo").stream().filter(v -> v.startsWith("flexsc-")).toList();
        Aggregator.Summary epoll = Aggregator.find(sums, key, "netty-epoll");
        boolean any = false;
        for (String v : ours) {
            Aggregator.Summary s = Aggregator.find(sums, key, v);
            if (s == null || s.runs() == 0) {
                continue;
            }
            any = true;
            double r = s.ratio("msgsPerSec");
            double pr = s.pairedRatio("msgsPerSec");
            b.append("- `").append(v).append("`, ").append(key).append(": ").append(fmtRatio(r))
                    .append(" jdk-nio's msgs/s (per-round ratios' median ").append(fmtRatio(pr)).append(") -> goal >= 1.3x ")
                    .append(verdict(r, pr, 1.3, true));
            if (epoll != null && epoll.runs() > 0) {
                double e = Aggregator.ratio(s.median("msgsPerSec"), epoll.median("msgsPerSec"));
                b.append("; ").append(fmtRatio(e)).append(" netty-epoll's -> goal >= 0.90x ")
                        .append(e >= 0.9 ? "**met**" : "**not met**");
            }
            b.append('\n');
        }
        for (String sc : scenarios(sums, "echo")) {
            if (!sc.startsWith("c1000-")) {
                continue;
            }
            for (String v : ours) {
                Aggregator.Summary s = Aggregator.find(sums, sc, v);
                if (s == null || s.runs() == 0) {
                    continue;
                }
                any = true;
                double r = s.ratio("rssPeakMiB");
                double pr = s.pairedRatio("rssPeakMiB");
                b.append("- `").append(v).append("`, ").append(sc).append(": peak RSS ").append(fmtRatio(r))
                        .append(" jdk-nio's (per-round ").append(fmtRatio(pr)).append(") -> goal <= 1.2x ")
                        .append(verdict(r, pr, 1.2, false)).append('\n');
            }
        }
        if (!any) {
            b.append("- no flexsc measurements: nothing to evaluate\n");
        }
        return b.toString();
    }

    /** "met" / "not met" when both ratios agree, "unclear" otherwise. */
    public static String verdict(double ratio, double paired, double bound, boolean atLeast) {
        if (Double.isNaN(ratio)) {
            return "**no data**";
        }
        boolean a = atLeast ? ratio >= bound : ratio <= bound;
        boolean p = Double.isNaN(paired) ? a : atLeast ? paired >= bound : paired <= bound;
        if (a && p) {
            return "**met**";
        }
        if (!a && !p) {
            return "**not met**";
        }
        return "**unclear** (the two ratios disagree)";
    }

    // ---- charts

    static List<String> charts(Path dir, List<Aggregator.Summary> sums) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> echo = scenarios(sums, "echo");
        if (!echo.isEmpty()) {
            List<String> vs = variants(sums, "echo");
            out.add(chart(dir, "echo-throughput-ratio.png", "Echo throughput, ratio to jdk-nio (median of rounds; higher is better)",
                    "msgs/s ÷ jdk-nio", echo, vs, sums, "msgsPerSec", true, 1.0));
            out.add(chart(dir, "echo-server-cpu-per-msg.png", "Echo server CPU per message (median; lower is better)",
                    "server CPU µs per message", echo, vs, sums, "serverCpuUsPerMsg", false, null));
            out.add(chart(dir, "echo-total-cpu-per-msg.png", "Echo server+client CPU per message (median; lower is better)",
                    "server+client CPU µs per message", echo, vs, sums, "totalCpuUsPerMsg", false, null));
            out.add(chart(dir, "echo-peak-rss.png", "Echo server peak RSS (VmHWM, median; lower is better)", "MiB", echo, vs,
                    sums, "rssPeakMiB", false, null));
        }
        List<String> file = scenarios(sums, "file");
        if (!file.isEmpty()) {
            List<String> vs = variants(sums, "file");
            out.add(chart(dir, "file-throughput-ratio.png", "File benchmarks, throughput ratio to the JDK (median of rounds)",
                    "ops/s ÷ jdk", file, vs, sums, "opsPerSec", true, 1.0));
            out.add(chart(dir, "file-cpu-per-op.png", "File benchmarks, CPU per operation (median; lower is better)",
                    "CPU µs per op", file, vs, sums, "cpuUsPerOp", false, null));
        }
        return out;
    }

    private static String chart(Path dir, String file, String title, String yLabel, List<String> categories,
            List<String> variants, List<Aggregator.Summary> sums, String metric, boolean ratio, Double reference)
            throws IOException {
        double[][] v = new double[variants.size()][categories.size()];
        for (int i = 0; i < variants.size(); i++) {
            for (int c = 0; c < categories.size(); c++) {
                Aggregator.Summary s = Aggregator.find(sums, categories.get(c), variants.get(i));
                v[i][c] = s == null ? Double.NaN : ratio ? s.ratio(metric) : s.median(metric);
            }
        }
        new BarChart(title, yLabel, categories, variants, v, reference).write(dir.resolve(file));
        return file;
    }
}
