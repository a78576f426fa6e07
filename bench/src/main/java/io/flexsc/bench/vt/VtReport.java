package io.flexsc.bench.vt;

import static io.flexsc.bench.compare.Aggregator.fmt;
import static io.flexsc.bench.compare.Aggregator.fmtRatio;

import io.flexsc.bench.compare.Aggregator;
import io.flexsc.bench.compare.Aggregator.Summary;
import io.flexsc.bench.compare.Measurement;
import io.flexsc.bench.compare.Report;
import io.flexsc.bench.compare.Variant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The virtual-thread echo's table and issue 19's goals, from the runs' medians
 * ({@link Aggregator}, baseline {@code jdk}).
 */
public final class VtReport {
    static final String BASE = "jdk";
    static final Map<String, String> BASELINES = Map.of("echo", BASE);

    private VtReport() {}

    /** One goal, evaluated. */
    record Goal(String scenario, String variant, String text, String verdict) {
        boolean met() {
            return verdict.equals("**met**");
        }

        String line() {
            return "- `" + variant + "`, " + scenario + ": " + text + " -> " + verdict;
        }
    }

    public static List<Summary> summarize(List<Measurement> runs) {
        return Aggregator.summarize(runs, BASELINES);
    }

    /** The goals, evaluated from the medians (and the medians of the per-round ratios). */
    static List<Goal> goals(List<Summary> sums) {
        List<Goal> out = new ArrayList<>();
        List<String> scenarios = scenarios(sums);
        List<String> ours = variants(sums).stream().filter(v -> !v.equals(BASE)).toList();
        // throughput, crossings and CPU at the largest connection count without file load (10,000 in the full run)
        int most = scenarios.stream().map(VtScenario::parse).filter(s -> s.fileThreads() == 0)
                .mapToInt(s -> s.echo().connections()).max().orElse(0);
        for (String sc : scenarios) {
            VtScenario s = VtScenario.parse(sc);
            for (String v : ours) {
                Summary x = Aggregator.find(sums, sc, v);
                if (x == null || x.runs() == 0) {
                    continue;
                }
                if (s.fileThreads() == 0 && s.echo().connections() == most && most > 1) {
                    double r = x.ratio("msgsPerSec");
                    double pr = x.pairedRatio("msgsPerSec");
                    out.add(new Goal(sc, v, "msgs/s " + fmtRatio(r) + " the JDK's (per-round " + fmtRatio(pr) + "), goal >= 1.20x",
                            Report.verdict(r, pr, 1.2, true)));
                    double fewer = inverse(x.ratio("crossingsPerMsg"));
                    double pfewer = inverse(x.pairedRatio("crossingsPerMsg"));
                    out.add(new Goal(sc, v, "kernel crossings/msg " + fmtRatio(fewer) + " fewer than the JDK's (per-round "
                            + fmtRatio(pfewer) + "), goal >= 3.00x fewer", Report.verdict(fewer, pfewer, 3.0, true)));
                    double c = x.ratio("serverCpuUsPerMsg");
                    double pc = x.pairedRatio("serverCpuUsPerMsg");
                    out.add(new Goal(sc, v, "server CPU/msg " + fmtRatio(c) + " the JDK's (per-round " + fmtRatio(pc)
                            + "), goal <= 0.90x", Report.verdict(c, pc, 0.9, false)));
                }
                if (s.fileThreads() == 0 && s.echo().connections() == 1) {
                    double r = x.ratio("p99Us");
                    double pr = x.pairedRatio("p99Us");
                    out.add(new Goal(sc, v, "p99 latency " + fmtRatio(r) + " the JDK's (per-round " + fmtRatio(pr)
                            + "), goal <= 1.00x", Report.verdict(r, pr, 1.0, false)));
                }
                if (s.fileThreads() > 0) {
                    String base = s.withoutFiles().name();
                    double ourDrop = drop(sums, sc, base, v);
                    double jdkDrop = drop(sums, sc, base, BASE);
                    String verdict = Double.isNaN(ourDrop) || Double.isNaN(jdkDrop) ? "**no data** (needs " + base
                            + " of both)" : ourDrop < jdkDrop ? "**met**" : "**not met**";
                    out.add(new Goal(sc, v, "msgs/s drop with the file load " + pct(ourDrop) + " vs the JDK's " + pct(jdkDrop)
                            + " (each against " + base + "), goal: smaller than the JDK's", verdict));
                }
            }
        }
        return out;
    }

    /**
     * The relative drop of a variant's median msgs/s with the file load: {@code 1 - withFiles / without};
     * NaN without both.
     */
    static double drop(List<Summary> sums, String withFiles, String without, String variant) {
        Summary a = Aggregator.find(sums, withFiles, variant);
        Summary b = Aggregator.find(sums, without, variant);
        if (a == null || b == null || a.runs() == 0 || b.runs() == 0) {
            return Double.NaN;
        }
        double r = Aggregator.ratio(a.median("msgsPerSec"), b.median("msgsPerSec"));
        return Double.isNaN(r) ? Double.NaN : 1 - r;
    }

    private static double inverse(double ratio) {
        return Double.isNaN(ratio) || ratio == 0 ? Double.NaN : 1 / ratio;
    }

    private static String pct(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.1f%%", d * 100);
    }

    static List<String> scenarios(List<Summary> sums) {
        Set<String> out = new LinkedHashSet<>();
        sums.forEach(s -> out.add(s.scenario()));
        return new ArrayList<>(out);
    }

    static List<String> variants(List<Summary> sums) {
        Set<String> out = new LinkedHashSet<>();
        sums.forEach(s -> out.add(s.variant()));
        return new ArrayList<>(out);
    }

    /** The Markdown: header, one table per scenario, the goals. */
    static String markdown(List<Summary> sums, List<Variant> skipped, String header) {
        StringBuilder b = new StringBuilder("# Virtual-thread echo (issue 19)\n\n");
        b.append(header.strip()).append("\n\n");
        b.append("Medians over the rounds; `x jdk` is the ratio of medians to the JDK's in the same scenario. "
                + "msgs/s and latency from the load client's measured window; server CPU = utime+stime of the server JVM "
                + "over that window; crossings = system calls (perf, `raw_syscalls:sys_enter`, every thread of the server JVM) "
                + "per echoed message in the counting window before it (`msgs/s counting`: the server's echo rate in that "
                + "window, late in the warm-up and with perf's counters on; compare it with msgs/s).\n");
        for (Variant v : skipped) {
            b.append("\nSkipped `").append(v.name()).append("`: ").append(v.skipReason()).append('\n');
        }
        for (String sc : scenarios(sums)) {
            b.append("\n### ").append(sc).append("\n\n");
            b.append("| variant | runs | msgs/s | x jdk | server CPU us/msg | x jdk | crossings/msg | x jdk | msgs/s counting | p50 us | p99 us | x jdk |");
            boolean files = VtScenario.parse(sc).fileThreads() > 0;
            b.append(files ? " file ops/s |\n" : "\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|").append(files ? "---:|\n" : "\n");
            for (String v : variants(sums)) {
                Summary s = Aggregator.find(sums, sc, v);
                if (s == null) {
                    continue;
                }
                b.append("| ").append(v).append(" | ").append(s.runs()).append(s.failed() > 0 ? " (" + s.failed() + " failed)" : "")
                        .append(" | ").append(fmt(s.median("msgsPerSec"))).append(" | ").append(fmtRatio(s.ratio("msgsPerSec")))
                        .append(" | ").append(fmt(s.median("serverCpuUsPerMsg"))).append(" | ")
                        .append(fmtRatio(s.ratio("serverCpuUsPerMsg"))).append(" | ").append(fmt(s.median("crossingsPerMsg")))
                        .append(" | ").append(fmtRatio(s.ratio("crossingsPerMsg"))).append(" | ").append(fmt(s.median("countMsgsPerSec")))
                        .append(" | ").append(fmt(s.median("p50Us")))
                        .append(" | ").append(fmt(s.median("p99Us"))).append(" | ").append(fmtRatio(s.ratio("p99Us"))).append(" |");
                b.append(files ? " " + fmt(s.median("fileOpsPerSec")) + " |\n" : "\n");
            }
        }
        b.append("\n### Goals (issue 19; evaluated from the medians, reported, not tuned for)\n\n");
        List<Goal> goals = goals(sums);
        int most = scenarios(sums).stream().map(VtScenario::parse).filter(s -> s.fileThreads() == 0)
                .mapToInt(s -> s.echo().connections()).max().orElse(0);
        if (most != 10_000 && most > 1) {
            b.append("(The throughput, crossing and CPU goals are set at 10,000 connections; this run's largest count is ")
                    .append(most).append(", evaluated instead.)\n\n");
        }
        if (goals.isEmpty()) {
            b.append("- no flexsc measurements in the scenarios the goals name: nothing to evaluate\n");
        }
        goals.forEach(g -> b.append(g.line()).append('\n'));
        return b.toString();
    }
}
