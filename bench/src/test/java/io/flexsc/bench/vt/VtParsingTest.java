package io.flexsc.bench.vt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.bench.compare.EchoRun;
import io.flexsc.bench.compare.Scenario;
import io.flexsc.bench.compare.Variant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the virtual-thread echo's runner reads: scenario names, the server's lines (perf's output: the examples' SyscallCounterTest). */
class VtParsingTest {

    @Test
    void scenarioNamesRoundTripWithAndWithoutFileLoad() {
        VtScenario plain = new VtScenario(new Scenario(10_000, 4096, 1), 0);
        VtScenario files = new VtScenario(new Scenario(100, 64, 1), 1000);
        assertEquals("c10000-4KiB-rr", plain.name());
        assertEquals("c100-64B-rr+files1000", files.name());
        assertEquals(plain, VtScenario.parse(plain.name()));
        assertEquals(files, VtScenario.parse(files.name()));
        assertEquals("c100-64B-rr", files.withoutFiles().name());
        assertThrows(IllegalArgumentException.class, () -> VtScenario.parse("c100-64B"));
        assertThrows(IllegalArgumentException.class, () -> new VtScenario(new Scenario(1, 64, 1), -1));
    }

    @Test
    void countersLineRoundTripsAndMustBeComplete() {
        VtEchoServer.Counters c = new VtEchoServer.Counters(10_000, 9_999, 123_456_789_012L, 42, 0);
        assertEquals("COUNTERS accepted=10000 open=9999 bytes=123456789012 fileOps=42 errors=0", c.line());
        assertEquals(c, VtEchoServer.Counters.parse(c.line()));
        assertThrows(IllegalArgumentException.class,
                () -> VtEchoServer.Counters.parse("COUNTERS accepted=1 open=1 bytes=2 fileOps=0"));
        assertThrows(IllegalArgumentException.class, () -> VtEchoServer.Counters.parse("LISTENING 1234"));
    }

    @Test
    void serverSettingsParseAndRejectNonsense() {
        VtEchoServer.Settings s = VtEchoServer.Settings.parse(new String[] {"--port", "0", "--file-threads", "1000",
                "--file-pause-us", "250", "--buffer", "4096"});
        assertEquals(50_000, VtEchoServer.Settings.parse(new String[0]).filePauseMicros());
        assertEquals(1000, s.fileThreads());
        assertEquals(250, s.filePauseMicros());
        assertEquals(4096, s.buffer());
        assertEquals(64, s.fileMiB());
        assertThrows(IllegalArgumentException.class, () -> VtEchoServer.Settings.parse(new String[] {"--buffer", "0"}));
        assertThrows(IllegalArgumentException.class, () -> VtEchoServer.Settings.parse(new String[] {"--bogus", "1"}));
        assertThrows(IllegalArgumentException.class, () -> VtEchoServer.Settings.parse(new String[] {"--port"}));
    }

    @Test
    void aRunOnTheWrongProviderOrEngineIsRefused() {
        Map<String, Variant> v = Map.of("jdk", VtRun.variants(false).get(0), "uring", VtRun.variants(false).get(1));
        Map<String, String> jdk = EchoRun.keyValues("LISTENING 4321 pid=7 provider=sun.nio.ch.EPollSelectorProvider "
                + "fs=sun.nio.fs.LinuxFileSystemProvider java=25");
        Map<String, String> flex = EchoRun.keyValues("LISTENING 4321 pid=7 provider=" + VtRun.FLEX_NET + " fs=" + VtRun.FLEX_FS);
        Map<String, String> half = EchoRun.keyValues("LISTENING 4321 pid=7 provider=" + VtRun.FLEX_NET
                + " fs=sun.nio.fs.LinuxFileSystemProvider");
        assertNull(VtRun.checkProviders(v.get("jdk"), jdk));
        assertNull(VtRun.checkProviders(v.get("uring"), flex));
        assertNotNull(VtRun.checkProviders(v.get("jdk"), flex));
        assertNotNull(VtRun.checkProviders(v.get("uring"), jdk));
        assertNotNull(VtRun.checkProviders(v.get("uring"), half));

        assertNull(VtRun.checkEngine(v.get("uring"), Map.of("name", "uring")));
        assertNull(VtRun.checkEngine(v.get("jdk"), Map.of("name", "none")));
        assertNotNull(VtRun.checkEngine(v.get("uring"), Map.of("name", "direct")));
        assertNotNull(VtRun.checkEngine(v.get("uring"), Map.of()));
        assertNotNull(VtRun.checkEngine(v.get("jdk"), Map.of("name", "uring")));
    }

    @Test
    void variantsSetBothProvidersAndTheEngineAndSkipKmodWithoutTheModule() {
        List<Variant> all = VtRun.variants(false);
        assertEquals(List.of("jdk", "flexsc-uring", "flexsc-direct", "flexsc-kmod"), all.stream().map(Variant::name).toList());
        assertTrue(all.get(0).properties().isEmpty());
        assertTrue(all.get(2).properties().containsAll(List.of("-Djava.nio.channels.spi.SelectorProvider=" + VtRun.FLEX_NET,
                "-Djava.nio.file.spi.DefaultFileSystemProvider=" + VtRun.FLEX_FS, "-Dflexsc.engine=direct")));
        assertNotNull(all.get(3).skipReason());
        assertNull(VtRun.variants(true).get(3).skipReason());
    }
}
