package io.flexsc.nio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.spi.SelectorProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsAndJsonTest {

    @Test
    void parsesAStatsLine() {
        Map<String, String> m = ProcessStats.parse("STATS heapAfterGcBytes=7068296 rssPeakKiB=104884 rssKiB=80208 "
                + "cpuNanos=2830000000 provider=io.flexsc.nio.net.FlexSelectorProvider engine=uring calls=107003 "
                + "batches=14197 avgBatch=7.54\n");
        assertEquals("7068296", m.get("heapAfterGcBytes"));
        assertEquals("104884", m.get("rssPeakKiB"));
        assertEquals("80208", m.get("rssKiB"));
        assertEquals("2830000000", m.get("cpuNanos"));
        assertEquals("io.flexsc.nio.net.FlexSelectorProvider", m.get("provider"));
        assertEquals("uring", m.get("engine"));
        assertEquals("107003", m.get("calls"));
        assertEquals("14197", m.get("batches"));
        assertEquals("7.54", m.get("avgBatch"));
    }

    @Test
    void rejectsMalformedStatsLines() {
        assertThrows(IllegalArgumentException.class, () -> ProcessStats.parse("LISTENING 80"));
        assertThrows(IllegalArgumentException.class, () -> ProcessStats.parse("STATS heapAfterGcBytes=1 junk"));
        assertThrows(IllegalArgumentException.class, () -> ProcessStats.parse("STATS heapAfterGcBytes=1 rssKiB=2"));
    }

    @Test
    void ownStatsLineParsesAndNamesThisJvmsProvider() {
        String line = ProcessStats.statsLine();
        Map<String, String> m = ProcessStats.parse(line);
        assertEquals(SelectorProvider.provider().getClass().getName(), m.get("provider"), line);
        assertTrue(Long.parseLong(m.get("rssKiB")) > 0, line);
        assertTrue(Long.parseLong(m.get("rssPeakKiB")) >= Long.parseLong(m.get("rssKiB")), line);
        assertTrue(Long.parseLong(m.get("cpuNanos")) > 0, line);
        assertTrue(line.matches(".* avgBatch=\\d+\\.\\d\\d$"), line);
    }

    @Test
    void jsonRoundTrip() {
        LoadClient.Result r = new LoadClient.Result(1234, 2.5, 493.6, 31590.4, 10.5, 20.25, 99.125, 150, 2000.75,
                8, 64, 16, 1, "connection 3 said \"no\"\n\\ \u0001", "epoll");
        String json = r.toJson();
        assertTrue(json.startsWith("{\"messages\":1234,\"seconds\":2.500,"), json);
        LoadClient.Result back = EchoDemo.readJson(json);
        assertEquals(r, back);
    }

    @Test
    void patternDiffersAcrossMessagesAndConnections() {
        byte[] body = LoadClient.body(3, 64);
        for (int i = 0; i < 8; i++) {
            // the header carries the message number and the connection
            assertEquals((byte) (LoadClient.header(3, 258) >>> (8 * i)), LoadClient.expected(3, 258, i, body));
        }
        assertTrue(LoadClient.expected(3, 1, 0, body) != LoadClient.expected(3, 2, 0, body));
        assertTrue(LoadClient.expected(3, 1, 5, body) != LoadClient.expected(4, 1, 5, LoadClient.body(4, 64)));
    }
}
