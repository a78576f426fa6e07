package io.flexsc.nio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The counters' arithmetic: totals, average and histogram agree with the batches counted. */
@ExtendWith(SeedReporter.class)
class EngineStatsTest {

    @Test
    void totalsAverageAndHistogramAgreeWithRandomBatches() {
        Random rnd = new Random(Seeds.seed());
        EngineStats s = new EngineStats("test");
        long batches = 0;
        long calls = 0;
        long direct = 0;
        long fallbacks = 0;
        long[] buckets = new long[EngineStats.BUCKETS];
        for (int i = 0; i < 10_000; i++) {
            int kind = rnd.nextInt(4);
            int size = kind == 0 ? 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 2000) : 1;
            if (kind == 0) {
                s.batch(size);
            } else if (kind == 1) {
                s.directCall();
                direct++;
            } else if (kind == 2) {
                s.fallback();
                fallbacks++;
            } else {
                s.batch(1);
            }
            batches++;
            calls += size;
            buckets[EngineStats.bucket(size)]++;
        }
        assertEquals(batches, s.getBatches());
        assertEquals(batches - buckets[0], s.multiCallBatches());
        assertEquals((double) calls / batches, s.getAverageBatchSize(), 1e-9);
        assertEquals(direct, s.getDirectCalls());
        assertEquals(fallbacks, s.getFallbacks());
        for (int b = 0; b < EngineStats.BUCKETS; b++) {
            assertEquals(buckets[b], s.batchesInBucket(b), "bucket " + EngineStats.bucketLabel(b));
        }
        s.reset();
        assertEquals(0, s.getBatches());
        assertEquals(0.0, s.getAverageBatchSize());
        assertEquals("(none)", s.getBatchSizeHistogram());
    }

    @Test
    void bucketsAndLabels() {
        assertEquals(0, EngineStats.bucket(1));
        assertEquals(1, EngineStats.bucket(2));
        assertEquals(2, EngineStats.bucket(3));
        assertEquals(2, EngineStats.bucket(4));
        assertEquals(3, EngineStats.bucket(5));
        assertEquals(EngineStats.BUCKETS - 1, EngineStats.bucket(1 << 20));
        EngineStats s = new EngineStats("test");
        s.batch(1);
        s.batch(3);
        s.batch(4);
        s.batch(64);
        assertEquals("1: 1, 3-4: 2, 33-64: 1", s.getBatchSizeHistogram());
        assertEquals(3, s.multiCallBatches());
        assertEquals(72.0 / 4, s.getAverageBatchSize(), 1e-9);
    }
}
