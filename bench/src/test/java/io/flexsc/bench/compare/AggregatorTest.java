package io.flexsc.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregatorTest {
    private static Measurement run(String scenario, String variant, int round, double rate, double rss) {
        return new Measurement("echo", scenario, variant, round, true, "", Map.of("msgsPerSec", rate, "rssPeakMiB", rss),
                Map.of());
    }

    @Test
    void medianOfOddAndEvenCountsIgnoresNaN() {
        assertEquals(3.0, Aggregator.median(5, 1, 3));
        assertEquals(2.5, Aggregator.median(4, 1, 3, 2));
        assertEquals(7.0, Aggregator.median(Double.NaN, 7));
        assertTrue(Double.isNaN(Aggregator.median()));
    }

    @Test
    void ratiosAreOfMediansToTheBaselineInTheSameScenario() {
        List<Measurement> runs = new ArrayList<>();
        // baseline: medians 100 msgs/s and 50 MiB; ours: 130 and 55
        double[] base = {90, 100, 400};
        double[] ours = {130, 120, 140};
        for (int r = 0; r < 3; r++) {
            runs.add(run("c64-64B-pipe16", "jdk-nio", r + 1, base[r], 50 + r - 1));
            runs.add(run("c64-64B-pipe16", "flexsc-uring", r + 1, ours[r], 55));
            runs.add(run("c1-64B-rr", "flexsc-uring", r + 1, 1, 1)); // no baseline in this scenario
        }
        runs.add(Measurement.failed("echo", "c64-64B-pipe16", "flexsc-uring", 4, "boom", Map.of()));
        List<Aggregator.Summary> s = Aggregator.summarize(runs, Report.BASELINES);
        Aggregator.Summary ours64 = Aggregator.find(s, "c64-64B-pipe16", "flexsc-uring");
        assertEquals(130, ours64.median("msgsPerSec"), 1e-9);
        assertEquals(1.3, ours64.ratio("msgsPerSec"), 1e-9);
        assertEquals(1.1, ours64.ratio("rssPeakMiB"), 1e-9);
        // per round: 130/90, 120/100, 140/400 -> median 1.2
        assertEquals(1.2, ours64.pairedRatio("msgsPerSec"), 1e-9);
        assertEquals(3, ours64.runs());
        assertEquals(1, ours64.failed());
        assertEquals(120, ours64.mins().get("msgsPerSec"), 1e-9);
        assertEquals(140, ours64.maxs().get("msgsPerSec"), 1e-9);
        assertEquals(1.0, Aggregator.find(s, "c64-64B-pipe16", "jdk-nio").ratio("msgsPerSec"), 1e-9);
        assertTrue(Double.isNaN(Aggregator.find(s, "c1-64B-rr", "flexsc-uring").ratio("msgsPerSec")));
    }

    @Test
    void goalsAreMetOnlyWhenBothRatiosAgree() {
        assertEquals("**met**", Report.verdict(1.35, 1.31, 1.3, true));
        assertEquals("**not met**", Report.verdict(1.2, 1.1, 1.3, true));
        assertTrue(Report.verdict(1.35, 1.2, 1.3, true).startsWith("**unclear"));
        assertEquals("**met**", Report.verdict(1.1, Double.NaN, 1.2, false));
        assertEquals("**not met**", Report.verdict(1.25, 1.3, 1.2, false));
    }

    @Test
    void scenarioNamesRoundTrip() {
        for (Scenario s : Scenario.matrix(new int[] {1, 64, 1000}, new int[] {64, 4096}, new int[] {16, 1})) {
            assertEquals(s, Scenario.parse(s.name()));
        }
        assertEquals("c1000-4KiB-rr", new Scenario(1000, 4096, 1).name());
        assertEquals("c64-64B-pipe16", new Scenario(64, 64, 16).name());
    }

    @Test
    void roundsRotateTheOrder() {
        assertEquals(List.of("b", "c", "a"), CompareRunner.rotate(List.of("a", "b", "c"), 1));
        assertEquals(List.of("a", "b", "c"), CompareRunner.rotate(List.of("a", "b", "c"), 3));
    }

    @Test
    void loadClientJsonAndStatsLineAreParsed() {
        Map<String, Double> j = FlatJson.numbers("{\"messages\": 1200, \"seconds\": 3.0, \"messagesPerSec\": 4.0e2,"
                + " \"p50Us\": 12.5, \"errors\": 0, \"note\": \"x\"}");
        assertEquals(1200, j.get("messages"));
        assertEquals(400, j.get("messagesPerSec"));
        assertEquals(12.5, j.get("p50Us"));
        assertEquals(0, j.get("errors"));
        assertEquals(5, j.size(), "the string member is not a number");
        Map<String, String> kv = EchoRun.keyValues("STATS heapAfterGcBytes=1048576 rssPeakKiB=2048 engine=none avgBatch=3.50");
        assertEquals("1048576", kv.get("heapAfterGcBytes"));
        assertEquals("none", kv.get("engine"));
        assertEquals("3.50", kv.get("avgBatch"));
    }

    @Test
    void procStatTimesSkipACommandNameWithSpacesAndParentheses() {
        String stat = "1234 (my (odd) cmd) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 30 0 100 0 0";
        assertEquals(325, ProcStat.cpuTicks(stat));
        long self = ProcessHandle.current().pid();
        assertTrue(ProcStat.cpuNanos(self) > 0, "this JVM has used CPU");
        assertTrue(ProcStat.statusKiB(self, "VmHWM") > 0);
    }

    @Test
    void cpuWindowEndsWhereTheServerGoesIdle() {
        CpuWindow w = new CpuWindow();
        long ms = 1_000_000;
        // 0-1 s: idle start-up; 1-4 s: server 1 core, client 0.5 core; 4-6 s: idle shutdown
        long server = 0;
        long client = 0;
        for (int t = 0; t <= 6000; t += 100) {
            w.add(t * ms, server, client);
            boolean busy = t >= 1000 && t < 4000;
            server += busy ? 100 * ms : 0;
            client += busy ? 50 * ms : 2 * ms;
        }
        CpuWindow.Result r = w.measure(2.0);
        assertEquals(4000 * ms, r.endNanos());
        assertEquals(2.0, r.seconds(), 1e-9);
        assertEquals(1.0, r.serverCores(), 1e-9);
        assertEquals(0.5, r.clientCores(), 1e-9);
    }
}
