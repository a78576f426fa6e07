package io.flexsc.bench.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FsTableTest {
    /** A throughput trial whose iterations are min, median, max. */
    private static void tp(FsTable t, String bench, String impl, long size, int threads, double median, double min,
            double max) {
        t.add(bench, impl, size, threads, "ops/ms", true, max, min, median);
    }

    @Test
    void throughputRatioIsOursOverTheJdksWithTheIterationExtremes() {
        FsTable t = new FsTable();
        tp(t, "writePos", "jdk", 64, 16, 100, 90, 110);
        tp(t, "writePos", "uring", 64, 16, 130, 120, 150);
        FsTable.Ratio q = t.ratio("writePos", "uring", 64, 16);
        assertEquals(1.3, q.median(), 1e-9);
        assertEquals(120.0 / 110, q.low(), 1e-9);
        assertEquals(150.0 / 90, q.high(), 1e-9);
        assertNull(t.ratio("writePos", "direct", 64, 16));
        assertNull(t.ratio("writePos", "uring", 64, 4));
    }

    @Test
    void timePerOperationRatioIsTheJdksTimeOverOurs() {
        FsTable t = new FsTable();
        t.add("copy", "jdk", 0, 1, "ms/op", false, 190, 200, 220);
        t.add("copy", "uring", 0, 1, "ms/op", false, 110, 95, 100);
        FsTable.Ratio q = t.ratio("copy", "uring", 0, 1);
        assertEquals(2.0, q.median(), 1e-9);
        assertEquals(190.0 / 110, q.low(), 1e-9);
        assertEquals(220.0 / 95, q.high(), 1e-9);
    }

    @Test
    void goalsMetWhenTheMediansAre() {
        FsTable t = new FsTable();
        tp(t, "writePos", "jdk", 64, 16, 100, 90, 110);
        tp(t, "writePos", "uring", 64, 16, 125, 120, 150);
        tp(t, "readSeq", "jdk", 4096, 1, 100, 90, 110);
        tp(t, "readSeq", "uring", 4096, 1, 95, 80, 110);
        String g = t.goals();
        assertTrue(g.contains("uring >= 1.2x the JDK: MET, 1.25x (1.09-1.67); within the noise (the range spans 1.2)"), g);
        assertTrue(g.contains("nowhere below 0.9x the JDK: MET (2 cases)"), g);
    }

    @Test
    void goalsNotMetAreNamed() {
        FsTable t = new FsTable();
        tp(t, "writePos", "jdk", 64, 16, 100, 90, 110);
        tp(t, "writePos", "uring", 64, 16, 119, 110, 125);
        tp(t, "readPos", "jdk", 65536, 4, 10, 9, 11);
        tp(t, "readPos", "direct", 65536, 4, 8, 7, 9);
        String g = t.goals();
        assertTrue(g.contains("uring >= 1.2x the JDK: NOT MET"), g);
        assertTrue(g.contains("NOT MET, 1 of 2 cases below (0 even at the best pairing of iterations): readPos 64 KiB t4 direct 0.80x"), g);
        String md = t.render();
        assertTrue(md.contains("| readPos | 64 KiB | 4 | 10.0 ops/ms | - | 0.80x (0.64-1.00) **below 0.9** |"), md);
    }

    @Test
    void trialsOfACaseArePooled() {
        FsTable t = new FsTable();
        t.add("readPos", "jdk", 64, 1, "ops/ms", true, 10, 20, 30);
        t.add("readPos", "jdk", 64, 1, "ops/ms", true, 40, 50);
        FsTable.Row r = t.row("readPos", "jdk", 64, 1);
        assertEquals(30, r.median(), 1e-9);
        assertEquals(10, r.min(), 1e-9);
        assertEquals(50, r.max(), 1e-9);
        assertEquals(2, r.trials());
        t.add("readPos", "jdk", 64, 1, "ops/ms", true, 60);
        assertEquals(35, t.row("readPos", "jdk", 64, 1).median(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> t.add("readPos", "jdk", 64, 1, "ms/op", false, 1));
        assertThrows(IllegalArgumentException.class, () -> t.add("readPos", "jdk", 64, 1, "ops/ms", true));
    }

    @Test
    void clearLossesAndClearWinsAreTold() {
        FsTable t = new FsTable();
        tp(t, "writePos", "jdk", 64, 16, 100, 95, 105);
        tp(t, "writePos", "uring", 64, 16, 130, 127, 135);
        tp(t, "readPos", "jdk", 64, 1, 100, 95, 105);
        tp(t, "readPos", "direct", 64, 1, 70, 60, 80);
        String g = t.goals();
        assertTrue(g.contains("uring >= 1.2x the JDK: MET, 1.30x (1.21-1.42)\n"), g);
        assertTrue(g.contains("1 of 2 cases below (1 even at the best pairing of iterations)"), g);
    }

    @Test
    void nothingMeasuredIsSaidSo() {
        String g = new FsTable().goals();
        assertTrue(g.contains("uring >= 1.2x the JDK: not measured"), g);
        assertTrue(g.contains("nowhere below 0.9x the JDK: not measured"), g);
    }
}
