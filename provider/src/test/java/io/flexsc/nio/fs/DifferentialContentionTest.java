package io.flexsc.nio.fs;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DifferentialTest}'s random sequences from several threads at once, each on its own pair of
 * files: the process-wide engine then has calls from several threads in flight, so that they travel
 * through the ring (the forced-ring execution of the build runs this too). The seed is printed on
 * failure; {@code -Dflexsc.diff.seed=N} replays one.
 */
class DifferentialContentionTest {
    @TempDir
    Path dir;

    @Test
    void randomSequencesFromSeveralThreadsMatchTheJdk() throws Exception {
        long seed = Long.getLong("flexsc.diff.seed", System.nanoTime());
        int threads = 4;
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> DifferentialTest.runThreads(threads, t -> {
                DifferentialTest d = new DifferentialTest();
                d.dir = Files.createDirectory(dir.resolve("t" + t));
                Random r = new Random(seed + t);
                for (int seq = 0, ops = 0; ops < 3_000; seq++) {
                    ops += d.runSequence(r, seq, 200 + r.nextInt(300));
                }
            }));
        } catch (AssertionError e) {
            throw new AssertionError("differential failure, seed " + seed + " (-Dflexsc.diff.seed=" + seed + ", thread t uses seed + t)", e);
        }
    }
}
