package io.flexsc.bench.compare;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured run: one variant (e.g. {@code jdk-nio}, {@code flexsc-uring}) of one scenario (e.g.
 * {@code echo c64 s64 pipelined}) in one round. {@code ok} is false for a run that failed; its
 * {@code note} says why, and it takes no part in the medians.
 *
 * @param kind {@code echo} or {@code file}
 * @param metrics numeric results by name (see {@link Aggregator} for the names used)
 * @param info textual details (load average, engine counters, ...), written to the CSV only
 */
public record Measurement(String kind, String scenario, String variant, int round, boolean ok, String note,
        Map<String, Double> metrics, Map<String, String> info) {

    public Measurement {
        metrics = new LinkedHashMap<>(metrics);
        info = new LinkedHashMap<>(info);
    }

    public static Measurement failed(String kind, String scenario, String variant, int round, String why,
            Map<String, String> info) {
        return new Measurement(kind, scenario, variant, round, false, why, Map.of(), info);
    }

    public Double metric(String name) {
        return metrics.get(name);
    }
}
