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
 * <p>The {@code uring} engine runs in two variants: {@code uring} as configured (adaptive: a lone
 * call on an idle ring runs directly), and {@code uring-ring} with the adaptive path off, so that
 * every call the ring carries travels through it. {@code -Dflexsc.engine.only=uring} keeps both,
 * {@code -Dflexsc.engine.only=uring-ring} only the forced one.
 *
 * <p>Engines left out are never left out silently: the first use prints one loud line per engine
 * to standard error with the probe's reason, and {@link EngineAvailabilityTest} reports each as a
 * skipped test carrying that reason. An engine named in {@code -Dflexsc.engine.require=a,b} must
 * be testable: if it is unavailable, {@link #available()} (and so every {@link AllEngines} test)
 * and {@link EngineAvailabilityTest} fail instead of leaving it out. The build requires
 * {@code uring,direct} on the host and the test VM {@code kmod}.
 */
public final class TestEngines {
    private TestEngines() {}

    /** Restricts the suite to one engine by name. */
    public static final String ONLY_PROPERTY = "flexsc.engine.only";

    /** A comma list of engines that must be testable in this run. */
    public static final String REQUIRE_PROPERTY = "flexsc.engine.require";

    /** The {@code uring} variant with the adaptive direct path off. */
    public static final String URING_RING = "uring-ring";

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
            if (only != null && !only.equals(f.name()) && !(only.equals(URING_RING) && f.name().equals("uring"))) {
                why = "excluded by -D" + ONLY_PROPERTY + "=" + only;
            } else if (!p.available()) {
                why = "unavailable on this machine: " + p.reason();
            }
            if (only != null && (only.equals(f.name()) || only.equals(URING_RING) && f.name().equals("uring"))) {
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
        for (String r : required()) {
            if (out.stream().noneMatch(st -> st.factory().name().equals(r))) {
                throw new IllegalArgumentException("-D" + REQUIRE_PROPERTY + " names '" + r + "', which is no engine; engines are "
                        + out.stream().map(st -> st.factory().name()).toList());
            }
        }
        return List.copyOf(out);
    }

    /** The engines {@code -Dflexsc.engine.require} names. */
    public static List<String> required() {
        List<String> out = new ArrayList<>();
        for (String r : System.getProperty(REQUIRE_PROPERTY, "").split(",")) {
            String n = r.trim().toLowerCase(Locale.ROOT);
            if (!n.isEmpty()) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Why a required engine is missing from this run, or null. An engine excluded on purpose with
     * {@code -Dflexsc.engine.only} is not missing.
     */
    public static String missingRequired(Status s) {
        if (s.testable() || !required().contains(s.factory().name()) || s.notTestedBecause().startsWith("excluded by")) {
            return null;
        }
        return "engine '" + s.factory().name() + "' is required (-D" + REQUIRE_PROPERTY + "="
                + System.getProperty(REQUIRE_PROPERTY) + ") but " + s.notTestedBecause();
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
        String only = only();
        for (Status s : statuses()) {
            String missing = missingRequired(s);
            if (missing != null) {
                throw new IllegalStateException(missing);
            }
            if (s.testable()) {
                if (!URING_RING.equals(only)) {
                    list.add(new EngineUnderTest(s.factory().name(), s.factory()));
                }
                if (s.factory().name().equals("uring")) {
                    list.add(uringRing());
                }
            }
        }
        if (only != null && list.isEmpty()) {
            throw new IllegalStateException("-D" + ONLY_PROPERTY + "=" + only + " but that engine cannot run here: "
                    + statuses().stream().filter(s -> s.factory().name().equals(only)).map(s -> s.probe().reason())
                            .findFirst().orElse("?"));
        }
        return list.stream();
    }

    private static EngineUnderTest uringRing() {
        return new EngineUnderTest(URING_RING, new io.flexsc.nio.engine.uring.ForcedRingFactory(),
                List.of("-D" + Engines.PROPERTY + "=uring", "-Dflexsc.uring.adaptive=false"));
    }

    /** The available engine (variant) of that name, if it is being tested in this run. */
    public static java.util.Optional<EngineUnderTest> find(String name) {
        return available().filter(e -> e.name().equals(name)).findFirst();
    }
}
