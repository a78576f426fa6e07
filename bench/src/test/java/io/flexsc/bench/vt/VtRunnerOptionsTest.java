package io.flexsc.bench.vt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runner's command line and its interleaving of the variants. */
class VtRunnerOptionsTest {
    private static final String[] REQUIRED = {"--out", "/tmp/o", "--server-cp", "s.jar", "--client-cp", "c.jar",
            "--dropin", "d.jar"};

    private static String[] with(String... more) {
        String[] a = new String[REQUIRED.length + more.length];
        System.arraycopy(REQUIRED, 0, a, 0, REQUIRED.length);
        System.arraycopy(more, 0, a, REQUIRED.length, more.length);
        return a;
    }

    @Test
    void defaultsAreTheIssuesMatrix() {
        VtRunner.Options o = VtRunner.Options.parse(REQUIRED, "/jdk/bin/java");
        assertEquals(5, o.rounds());
        assertEquals(List.of("c100-64B-rr", "c100-4KiB-rr", "c10000-64B-rr", "c10000-4KiB-rr", "c1-64B-rr",
                "c10000-64B-rr+files1000"), o.scenarios().stream().map(VtScenario::name).toList());
        assertNull(o.variants());
        assertTrue(o.countCrossings());
        assertEquals("/jdk/bin/java", o.serverJava());
        assertEquals(Path.of("/tmp/o/logs"), o.logs());
        assertEquals(List.of("-Xms512m", "-Xmx512m"), o.jvm());
    }

    @Test
    void laterOptionsWin() {
        VtRunner.Options o = VtRunner.Options.parse(with("--rounds", "1", "--rounds", "3", "--duration", "1.5",
                "--scenarios", "c1-64B-rr,c100-4KiB-rr+files100", "--variants", "jdk,flexsc-uring", "--no-count",
                "--server-args", "--buffer 4096 --file-pause-us 10", "--server-java", "/j25/bin/java"), "/jdk/bin/java");
        assertEquals(3, o.rounds());
        assertEquals(1.5, o.duration());
        assertEquals(2, o.scenarios().size());
        assertEquals(100, o.scenarios().get(1).fileThreads());
        assertEquals(List.of("jdk", "flexsc-uring"), o.variants());
        assertFalse(o.countCrossings());
        assertEquals(List.of("--buffer", "4096", "--file-pause-us", "10"), o.serverArgs());
        assertEquals("/j25/bin/java", o.serverJava());
        assertEquals("/jdk/bin/java", o.clientJava());
    }

    @Test
    void missingOrInvalidOptionsAreUsageErrors() {
        assertThrows(IllegalArgumentException.class, () -> VtRunner.Options.parse(new String[] {"--out", "x"}, "java"));
        assertThrows(IllegalArgumentException.class, () -> VtRunner.Options.parse(with("--rounds", "0"), "java"));
        assertThrows(IllegalArgumentException.class, () -> VtRunner.Options.parse(with("--count", "0"), "java"));
        assertThrows(IllegalArgumentException.class, () -> VtRunner.Options.parse(with("--bogus", "1"), "java"));
        assertThrows(IllegalArgumentException.class, () -> VtRunner.Options.parse(with("--rounds"), "java"));
        assertThrows(IllegalArgumentException.class, () -> VtRunner.Options.parse(with("--scenarios", "c1-64B"), "java"));
    }

    @Test
    void oddRoundsRunTheVariantsInOrderEvenRoundsReversed() {
        List<String> v = List.of("jdk", "flexsc-uring", "flexsc-direct");
        assertEquals(v, VtRunner.order(v, 1));
        assertEquals(List.of("flexsc-direct", "flexsc-uring", "jdk"), VtRunner.order(v, 2));
        assertEquals(v, VtRunner.order(v, 3));
        assertEquals(List.of("jdk", "flexsc-uring", "flexsc-direct"), v); // the input is left alone
    }
}
