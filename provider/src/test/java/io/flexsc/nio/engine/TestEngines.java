package io.flexsc.nio.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The engines the suite runs against: every factory in {@link Engines#factories()} whose probe
 * says it is available, optionally restricted by {@code -Dflexsc.engine.only=NAME}. A new engine
 * (kmod, later) is picked up with no change here.
 *
 * <p>Engines left out are never left out silently: the first use prints one loud line per engine
 * to standard error with the probe's reason, and {@link EngineAvailabilityTest} reports each as a
 * skipped test carrying that reason.
 */
public final class TestEngines {
    private TestEngines() {}

    /** Restricts the suite to one engine by name. */
    public static final String ONLY_PROPERTY = "flexsc.engine.only";

    /** An engine's standing in this run: testable, or why not. */
    public record Status(EngineFactory factory, EngineFactory.Probe probe, String notTestedBecause) {
        public boolean testable() {
            return notTestedBecause == null;
        }
    }

    private static final class Holder {
        static final List<Status> STATUSES = survey();
    }

    private static List<Status> survey() {
        String only = only();
        List<Status> out = new ArrayList<>();
        boolean onlyMatched = only == null;
        for (EngineFactory f : Engines.factories()) {
            EngineFactory.Probe p;
            try {
                p = f.probe();
            } catch (RuntimeException | LinkageError e) {
                // A probe must never throw; report it as unavailable and let EngineAvailabilityTest fail on it.
                p = EngineFactory.Probe.no("probe() threw " + e, java.util.Map.of());
            }
            String why = null;
            if (only != null && !only.equals(f.name())) {
                why = "excluded by -D" + ONLY_PROPERTY + "=" + only;
            } else if (!p.available()) {
                why = "unavailable on this machine: " + p.reason();
            }
            if (only != null && only.equals(f.name())) {
                onlyMatched = true;
            }
            out.add(new Status(f, p, why));
            if (why != null) {
                System.err.println("*** flexsc engine suite: engine '" + f.name() + "' is NOT TESTED in this run: " + why);
            }
        }
        if (!onlyMatched) {
            throw new IllegalArgumentException("-D" + ONLY_PROPERTY + "=" + only + " names no engine; engines are "
                    + out.stream().map(s -> s.factory().name()).toList());
        }
        return List.copyOf(out);
    }

    private static String only() {
        String v = System.getProperty(ONLY_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        return v.isEmpty() ? null : v;
    }

    /** Every engine factory with its standing, in {@code auto}'s order. */
    public static List<Status> statuses() {
        return Holder.STATUSES;
    }

    /**
     * The engines to test: the {@code @MethodSource} of {@link AllEngines}. If
     * {@code -Dflexsc.engine.only} names an engine that cannot run here, this fails rather than
     * running nothing.
     */
    public static Stream<EngineUnderTest> available() {
        List<EngineUnderTest> list = new ArrayList<>();
        for (Status s : statuses()) {
            if (s.testable()) {
                list.add(new EngineUnderTest(s.factory().name(), s.factory()));
            }
        }
        String only = only();
        if (only != null && list.isEmpty()) {
            throw new IllegalStateException("-D" + ONLY_PROPERTY + "=" + only + " but that engine cannot run here: "
                    + statuses().stream().filter(s -> s.factory().name().equals(only)).map(s -> s.probe().reason())
                            .findFirst().orElse("?"));
        }
        return list.stream();
    }

    /** The available engine of that name, if it is being tested in this run. */
    public static java.util.Optional<EngineUnderTest> find(String name) {
        return available().filter(e -> e.name().equals(name)).findFirst();
    }
}
