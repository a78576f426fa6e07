package io.flexsc.nio.engine;

import java.util.Random;

/**
 * Property-style trials with a printed seed. Each property draws its data from a {@link Random}
 * seeded from {@code -Dflexsc.test.seed} or, by default, a fresh value; a failure is rethrown with
 * the property, trial and seed, so it can be replayed with {@code -Dflexsc.test.seed=<seed>}.
 */
final class Seeds {
    private Seeds() {}

    static final String PROPERTY = "flexsc.test.seed";

    interface Trial {
        void run(Random rnd, int trial) throws Exception;
    }

    /** Seeds handed out since the current test began; {@link SeedReporter} names them on failure. */
    static final java.util.List<Long> USED = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The seed for a new property: the fixed one if given, else a fresh one. */
    static long seed() {
        Long fixed = Long.getLong(PROPERTY);
        long seed = fixed != null ? fixed : System.nanoTime() ^ 0x5DEECE66DL * Thread.currentThread().getId();
        USED.add(seed);
        return seed;
    }

    /** Runs {@code trials} trials of a property from one seeded generator. */
    static void check(String property, int trials, Trial body) throws Exception {
        long seed = seed();
        Random rnd = new Random(seed);
        for (int t = 0; t < trials; t++) {
            try {
                body.run(rnd, t);
            } catch (Exception | AssertionError e) {
                AssertionError wrapped = new AssertionError("property '" + property + "' failed at trial " + t
                        + " with seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + "): " + e, e);
                System.err.println(wrapped.getMessage());
                throw wrapped;
            }
        }
    }
}
