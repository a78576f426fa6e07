package io.flexsc.bench.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Medians over rounds and ratios to a baseline variant.
 *
 * <p>For every (kind, scenario, variant) the median of each metric over the successful runs; then,
 * for each metric, the ratio of that median to the baseline variant's median in the same scenario
 * ({@code jdk-nio} for echo, {@code jdk} for files). A ratio above 1 means "more" of the metric: for
 * throughput that is better, for CPU per message and RSS it is worse. Besides the ratio of medians,
 * {@link Summary#pairedRatios} holds the median over rounds of the per-round ratio (variant over the
 * baseline measured in the same round, minutes apart at most), a check against load drift between
 * rounds.
 */
public final class Aggregator {
    private Aggregator() {}

    /** The aggregate of one variant in one scenario. */
    public record Summary(String kind, String scenario, String variant, int runs, int failed,
            Map<String, Double> medians, Map<String, Double> ratios, Map<String, Double> pairedRatios,
            Map<String, Double> mins, Map<String, Double> maxs) {

        public double median(String metric) {
            Double d = medians.get(metric);
            return d == null ? Double.NaN : d;
        }

        public double ratio(String metric) {
            Double d = ratios.get(metric);
            return d == null ? Double.NaN : d;
        }

        public double pairedRatio(String metric) {
            Double d = pairedRatios.get(metric);
            return d == null ? Double.NaN : d;
        }
    }

    /** Median of the values; NaN for none. The mean of the two middle values for an even count. */
    public static double median(double... values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /** {@code a / b}, NaN when either is NaN or {@code b} is 0. */
    public static double ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return Double.NaN;
        }
        return a / b;
    }

    /**
     * Summaries in the order scenarios and variants first appear in {@code runs}.
     *
     * @param baselines the baseline variant per kind, e.g. {@code echo -> jdk-nio}
     */
    public static List<Summary> summarize(List<Measurement> runs, Map<String, String> baselines) {
        Map<List<String>, List<Measurement>> groups = new LinkedHashMap<>();
        for (Measurement m : runs) {
            groups.computeIfAbsent(List.of(m.kind(), m.scenario(), m.variant()), k -> new ArrayList<>()).add(m);
        }
        Map<List<String>, Map<String, Double>> medians = new LinkedHashMap<>();
        Map<List<String>, Map<String, Double>> mins = new LinkedHashMap<>();
        Map<List<String>, Map<String, Double>> maxs = new LinkedHashMap<>();
        for (var e : groups.entrySet()) {
            Set<String> names = new LinkedHashSet<>();
            e.getValue().stream().filter(Measurement::ok).forEach(m -> names.addAll(m.metrics().keySet()));
            Map<String, Double> med = new LinkedHashMap<>();
            Map<String, Double> lo = new LinkedHashMap<>();
            Map<String, Double> hi = new LinkedHashMap<>();
            for (String n : names) {
                double[] v = e.getValue().stream().filter(Measurement::ok).map(m -> m.metric(n))
                        .filter(Objects::nonNull).mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).toArray();
                med.put(n, median(v));
                lo.put(n, Arrays.stream(v).min().orElse(Double.NaN));
                hi.put(n, Arrays.stream(v).max().orElse(Double.NaN));
            }
            medians.put(e.getKey(), med);
            mins.put(e.getKey(), lo);
            maxs.put(e.getKey(), hi);
        }
        List<Summary> out = new ArrayList<>();
        for (var e : groups.entrySet()) {
            String kind = e.getKey().get(0);
            String scenario = e.getKey().get(1);
            String variant = e.getKey().get(2);
            String base = baselines.get(kind);
            Map<String, Double> baseMed = base == null ? null : medians.get(List.of(kind, scenario, base));
            Map<String, Double> ratios = new LinkedHashMap<>();
            Map<String, Double> paired = new LinkedHashMap<>();
            Map<String, Double> med = medians.get(e.getKey());
            if (baseMed != null) {
                for (var m : med.entrySet()) {
                    ratios.put(m.getKey(), ratio(m.getValue(), baseMed.getOrDefault(m.getKey(), Double.NaN)));
                }
                List<Measurement> baseRuns = groups.get(List.of(kind, scenario, base));
                for (String n : med.keySet()) {
                    List<Double> perRound = new ArrayList<>();
                    for (Measurement m : e.getValue()) {
                        if (!m.ok() || m.metric(n) == null) {
                            continue;
                        }
                        for (Measurement b : baseRuns) {
                            if (b.ok() && b.round() == m.round() && b.metric(n) != null) {
                                perRound.add(ratio(m.metric(n), b.metric(n)));
                            }
                        }
                    }
                    paired.put(n, median(perRound.stream().mapToDouble(Double::doubleValue).toArray()));
                }
            }
            int ok = (int) e.getValue().stream().filter(Measurement::ok).count();
            out.add(new Summary(kind, scenario, variant, ok, e.getValue().size() - ok, med, ratios, paired,
                    mins.get(e.getKey()), maxs.get(e.getKey())));
        }
        return out;
    }

    /** The summary of one variant in one scenario, or null. */
    public static Summary find(List<Summary> summaries, String scenario, String variant) {
        for (Summary s : summaries) {
            if (s.scenario().equals(scenario) && s.variant().equals(variant)) {
                return s;
            }
        }
        return null;
    }

    /** A number for a table: 3 significant digits, "-" for NaN. */
    public static String fmt(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "-";
        }
        double a = Math.abs(d);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", d);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", d);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", d);
        }
        return String.format(Locale.ROOT, "%.3f", d);
    }

    /** A ratio for a table: two decimals and an "x", "-" for NaN. */
    public static String fmtRatio(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.2fx", d);
    }
}
