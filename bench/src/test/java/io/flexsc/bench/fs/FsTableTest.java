package io.flexsc.bench.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FsTableTest {
    private static FsTable.Row tp(String bench, String impl, long size, int threads, double median, double min, double max) {
        return new FsTable.Row(bench, impl, size, threads, median, min, max, "ops/ms", true);
    }

    @Test
    void throughputRatioIsOursOverTheJdksWithTheIterationExtremes() {
        FsTable t = new FsTable();
        t.add(tp("writePos", "jdk", 64, 16, 100, 90, 110));
        t.add(tp("writePos", "uring", 64, 16, 130, 120, 150));
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
        t.add(new FsTable.Row("copy", "jdk", 0, 1, 200, 190, 220, "ms/op", false));
        t.add(new FsTable.Row("copy", "uring", 0, 1, 100, 95, 110, "ms/op", false));
        FsTable.Ratio q = t.ratio("copy", "uring", 0, 1);
        assertEquals(2.0, q.median(), 1e-9);
        assertEquals(190.0 / 110, q.low(), 1e-9);
        assertEquals(220.0 / 95, q.high(), 1e-9);
    }

    @Test
    void goalsMetWhenTheMediansAre() {
        FsTable t = new FsTable();
        t.add(tp("writePos", "jdk", 64, 16, 100, 90, 110));
        t.add(tp("writePos", "uring", 64, 16, 125, 120, 150));
        t.add(tp("readSeq", "jdk", 4096, 1, 100, 90, 110));
        t.add(tp("readSeq", "uring", 4096, 1, 95, 80, 110));
        String g = t.goals();
        assertTrue(g.contains("uring >= 1.2x the JDK: MET"), g);
        assertTrue(g.contains("nowhere below 0.9x the JDK: MET (2 cases)"), g);
    }

    @Test
    void goalsNotMetAreNamed() {
        FsTable t = new FsTable();
        t.add(tp("writePos", "jdk", 64, 16, 100, 90, 110));
        t.add(tp("writePos", "uring", 64, 16, 119, 110, 125));
        t.add(tp("readPos", "jdk", 65536, 4, 10, 9, 11));
        t.add(tp("readPos", "direct", 65536, 4, 8, 7, 9));
        String g = t.goals();
        assertTrue(g.contains("uring >= 1.2x the JDK: NOT MET"), g);
        assertTrue(g.contains("NOT MET, 1 of 2 cases below: readPos 64 KiB t4 direct 0.80x"), g);
        String md = t.render();
        assertTrue(md.contains("| readPos | 64 KiB | 4 | 10.0 ops/ms | - | 0.80x (0.64-1.00) **below 0.9** |"), md);
    }

    @Test
    void nothingMeasuredIsSaidSo() {
        String g = new FsTable().goals();
        assertTrue(g.contains("uring >= 1.2x the JDK: not measured"), g);
        assertTrue(g.contains("nowhere below 0.9x the JDK: not measured"), g);
    }
}
