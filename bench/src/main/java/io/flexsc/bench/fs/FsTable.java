package io.flexsc.bench.fs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The Markdown summary of an issue-4 run: for every benchmark, transfer size and thread count, the
 * JDK's median iteration and, for each engine, our throughput as a multiple of the JDK's, with the
 * extremes the iterations allow; then the goals, judged from the same data.
 *
 * <p>A ratio is always ours over the JDK's <em>throughput</em> (above 1 = we are faster), whatever
 * the benchmark's mode: for a time per operation (Files.copy) it is the JDK's time over ours. Its
 * range is the worst and best pairing of the two sides' slowest and fastest iterations, the error
 * bar a reader should keep in mind on a noisy machine.
 *
 * <p>Immutable once built; not thread-safe while rows are added.
 */
public final class FsTable {
    /** The goal's case: 64-byte positional writes from 16 threads on uring, at least 1.2x. */
    static final double GOAL_RATIO = 1.2;
    /** Nowhere below this multiple of the JDK. */
    static final double FLOOR_RATIO = 0.9;

    /**
     * One measured case: the measurement iterations of every trial of it, pooled.
     *
     * @param benchmark the method's simple name ({@code writePos}, {@code copy}...)
     * @param impl {@code jdk} or an engine spec
     * @param size the transfer size in bytes (0 where the benchmark has none)
     * @param threads JMH threads
     * @param median median iteration score
     * @param min lowest iteration score
     * @param max highest iteration score
     * @param trials how many trials (JMH forks) were pooled
     * @param unit the score's unit
     * @param higherIsBetter true for throughput, false for a time per operation
     */
    public record Row(String benchmark, String impl, long size, int threads, double median, double min, double max,
            int trials, String unit, boolean higherIsBetter) {
        public Row {
            Objects.requireNonNull(benchmark);
            Objects.requireNonNull(impl);
            Objects.requireNonNull(unit);
        }
    }

    /** A ratio of ours to the JDK's throughput, with its range. */
    record Ratio(double median, double low, double high) {}

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, List<Double>> scores = new LinkedHashMap<>();

    /**
     * Adds one trial's measurement iterations. Trials of the same case (a benchmark run with the
     * same {@code impl} listed several times, so that the JDK and ours alternate in time) are pooled:
     * the case's median and extremes are over all their iterations.
     *
     * @throws IllegalArgumentException if there are no scores, or the unit or mode differs from an
     *     earlier trial of the case
     */
    public void add(String benchmark, String impl, long size, int threads, String unit, boolean higherIsBetter,
            double... iterationScores) {
        if (iterationScores.length == 0) {
            throw new IllegalArgumentException("no iteration scores for " + benchmark + " " + impl);
        }
        String k = key(benchmark, impl, size, threads);
        Row before = rows.get(k);
        if (before != null && (!before.unit().equals(unit) || before.higherIsBetter() != higherIsBetter)) {
            throw new IllegalArgumentException("trials of " + k + " disagree on the unit or mode");
        }
        List<Double> pooled = scores.computeIfAbsent(k, x -> new ArrayList<>());
        for (double v : iterationScores) {
            pooled.add(v);
        }
        double[] sorted = pooled.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        rows.put(k, new Row(benchmark, impl, size, threads, median, sorted[0], sorted[n - 1],
                before == null ? 1 : before.trials() + 1, unit, higherIsBetter));
    }

    /** The case's pooled figures, or null if it was not measured. */
    Row row(String benchmark, String impl, long size, int threads) {
        return rows.get(key(benchmark, impl, size, threads));
    }

    private static String key(String benchmark, String impl, long size, int threads) {
        return benchmark + "|" + impl + "|" + size + "|" + threads;
    }

    /** Our throughput over the JDK's for a case, or null if either side was not measured. */
    Ratio ratio(String benchmark, String impl, long size, int threads) {
        Row ours = rows.get(key(benchmark, impl, size, threads));
        Row jdk = rows.get(key(benchmark, FsImpl.JDK, size, threads));
        if (ours == null || jdk == null) {
            return null;
        }
        if (ours.higherIsBetter()) {
            return new Ratio(ours.median() / jdk.median(), ours.min() / jdk.max(), ours.max() / jdk.min());
        }
        return new Ratio(jdk.median() / ours.median(), jdk.min() / ours.max(), jdk.max() / ours.min());
    }

    private List<String> engines() {
        List<String> out = new ArrayList<>();
        for (Row r : rows.values()) {
            if (!r.impl().equals(FsImpl.JDK) && !out.contains(r.impl())) {
                out.add(r.impl());
            }
        }
        return out;
    }

    /** The Markdown table and the goals. */
    public String render() {
        List<String> engines = engines();
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | size | threads | JDK (median) |");
        for (String e : engines) {
            sb.append(' ').append(e).append(" / JDK |");
        }
        sb.append('\n').append("|---|---:|---:|---:|");
        for (int i = 0; i < engines.size(); i++) {
            sb.append("---:|");
        }
        sb.append('\n');
        TreeSet<Row> cases = new TreeSet<>(Comparator.comparing(Row::benchmark).thenComparingLong(Row::size)
                .thenComparingInt(Row::threads));
        for (Row r : rows.values()) {
            if (r.impl().equals(FsImpl.JDK)) {
                cases.add(r);
            }
        }
        for (Row jdk : cases) {
            sb.append("| ").append(jdk.benchmark()).append(" | ").append(jdk.size() == 0 ? "-" : sizeName(jdk.size()))
                    .append(" | ").append(jdk.threads()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f %s", jdk.median(), jdk.unit())).append(" |");
            for (String e : engines) {
                Ratio q = ratio(jdk.benchmark(), e, jdk.size(), jdk.threads());
                sb.append(' ').append(q == null ? "-" : format(q)).append(" |");
            }
            sb.append('\n');
        }
        sb.append('\n').append(goals());
        return sb.toString();
    }

    static String format(Ratio q) {
        return String.format(Locale.ROOT, "%.2fx (%.2f-%.2f)%s", q.median(), q.low(), q.high(),
                q.median() < FLOOR_RATIO ? " **below 0.9**" : "");
    }

    static String sizeName(long size) {
        if (size >= 1024 && size % 1024 == 0) {
            return size / 1024 + " KiB";
        }
        return size + " B";
    }

    /** The goals, judged from the medians. */
    String goals() {
        StringBuilder sb = new StringBuilder("Goals (median ratios; range in brackets):\n");
        Ratio g = ratio("writePos", "uring", 64, 16);
        if (g == null) {
            sb.append("- 64 B positional writes, 16 threads, uring >= 1.2x the JDK: not measured\n");
        } else {
            sb.append("- 64 B positional writes, 16 threads, uring >= 1.2x the JDK: ")
                    .append(g.median() >= GOAL_RATIO ? "MET" : "NOT MET").append(", ").append(format(g));
            if (g.low() < GOAL_RATIO && g.high() >= GOAL_RATIO) {
                sb.append("; within the noise (the range spans 1.2)");
            }
            sb.append('\n');
        }
        int compared = 0;
        int clearly = 0;
        List<String> below = new ArrayList<>();
        for (Row r : rows.values()) {
            if (r.impl().equals(FsImpl.JDK)) {
                continue;
            }
            Ratio q = ratio(r.benchmark(), r.impl(), r.size(), r.threads());
            if (q == null) {
                continue;
            }
            compared++;
            if (q.median() < FLOOR_RATIO) {
                if (q.high() < FLOOR_RATIO) {
                    clearly++;
                }
                below.add(r.benchmark() + " " + (r.size() == 0 ? "" : sizeName(r.size()) + " ") + "t" + r.threads()
                        + " " + r.impl() + " " + String.format(Locale.ROOT, "%.2fx", q.median()));
            }
        }
        sb.append("- nowhere below 0.9x the JDK: ");
        if (compared == 0) {
            sb.append("not measured\n");
        } else if (below.isEmpty()) {
            sb.append("MET (").append(compared).append(" cases)\n");
        } else {
            sb.append("NOT MET, ").append(below.size()).append(" of ").append(compared).append(" cases below (")
                    .append(clearly).append(" even at the best pairing of iterations): ")
                    .append(String.join("; ", below)).append('\n');
        }
        return sb.toString();
    }
}
