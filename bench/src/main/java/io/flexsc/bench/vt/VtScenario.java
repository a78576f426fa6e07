package io.flexsc.bench.vt;

import io.flexsc.bench.compare.Scenario;

/**
 * One load of the virtual-thread echo: the echo {@link Scenario} (connections, message size,
 * messages in flight per connection) and how many virtual threads do file I/O in the server beside it
 * (0 for none).
 */
public record VtScenario(Scenario echo, int fileThreads) {

    public VtScenario {
        if (fileThreads < 0) {
            throw new IllegalArgumentException("fileThreads " + fileThreads);
        }
    }

    /** e.g. {@code c10000-64B-rr} or, with file load, {@code c10000-64B-rr+files1000}. */
    public String name() {
        return echo.name() + (fileThreads > 0 ? "+files" + fileThreads : "");
    }

    /** The same echo without the file load. */
    public VtScenario withoutFiles() {
        return new VtScenario(echo, 0);
    }

    /** Parses {@link #name()}. */
    public static VtScenario parse(String name) {
        int plus = name.indexOf("+files");
        if (plus < 0) {
            return new VtScenario(Scenario.parse(name), 0);
        }
        return new VtScenario(Scenario.parse(name.substring(0, plus)), Integer.parseInt(name.substring(plus + "+files".length())));
    }
}
