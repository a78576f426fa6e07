package io.flexsc.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunsCsvTest {
    @Test
    void runsCsvReadsBackWhatWasWritten() {
        List<Measurement> runs = List.of(
                new Measurement("echo", "c64-64B-pipe16", "flexsc-uring", 2, true, "",
                        Map.of("msgsPerSec", 1234.5, "rssPeakMiB", 99.0),
                        Map.of("stats", "heapAfterGcBytes=1 provider=a,b \"q\"", "connections", "64")),
                Measurement.failed("file", "readPos 64B", "uring", 1, "JMH: boom, with a comma\nand a line", Map.of()));
        List<Measurement> back = RunsCsv.parse(Report.runsCsv(runs));
        assertEquals(2, back.size());
        Measurement a = back.get(0);
        assertEquals("c64-64B-pipe16", a.scenario());
        assertEquals(2, a.round());
        assertEquals(1234.5, a.metric("msgsPerSec"));
        assertEquals(99.0, a.metric("rssPeakMiB"));
        assertEquals("heapAfterGcBytes=1 provider=a,b \"q\"", a.info().get("stats"));
        assertEquals("64", a.info().get("connections"), "connections is information, not a metric");
        assertEquals(2, a.metrics().size());
        Measurement b = back.get(1);
        assertFalse(b.ok());
        assertEquals("JMH: boom, with a comma\nand a line", b.note());
        assertEquals(0, b.metrics().size());
    }
}
