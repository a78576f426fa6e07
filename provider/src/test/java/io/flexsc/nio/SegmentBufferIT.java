package io.flexsc.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Buffers over segments of arenas that can be closed ({@code Arena.ofShared()}, {@code ofConfined()})
 * on JDK 25 with the packaged jar (its JDK 22+ classes): the kernel never gets their addresses, so
 * closing the arena in another thread cannot free memory under a call; I/O with them gives the
 * JDK's results, and a closed or foreign-thread arena the JDK's exceptions
 * ({@link SegmentBufferProbe}). Run on the ring (forced) and on the direct engine.
 */
class SegmentBufferIT {
    @TempDir
    Path dir;

    private static final List<String> JDK_FLAGS = List.of("--enable-native-access=ALL-UNNAMED");

    private static List<String> ours(String engine) {
        List<String> flags = new ArrayList<>(Jdk25DropInIT.README_FLAGS);
        flags.add(engine.equals("uring") ? "-Dflexsc.uring.adaptive=false" : "-Dflexsc.engine=" + engine);
        return flags;
    }

    /** The probe on JDK 25: the JDK's providers (without the jar, whose registration would replace the
     *  JDK's SelectorProvider) when {@code flags} are {@link #JDK_FLAGS}, else ours from the jar. */
    private ChildJvm.Result run(String name, List<String> flags, String... more) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        List<String> args = new ArrayList<>(List.of(d.toString()));
        args.addAll(List.of(more));
        String tests = Path.of(SegmentBufferProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String cp = flags == JDK_FLAGS ? tests : Jdk25DropInIT.classPath();
        ChildJvm.Result r = ChildJvm.run(ChildJvm.java("25"), cp, d, flags, SegmentBufferProbe.class.getName(),
                args.toArray(new String[0]));
        assertEquals(flags != JDK_FLAGS, r.err().contains("flexsc-nio: using the"), "whose providers ran: " + r);
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"uring", "direct"})
    @Timeout(300)
    void ioWithArenaBuffersBehavesAsTheJdks(String engine) throws Exception {
        ChildJvm.Result jdk = run("jdk", JDK_FLAGS);
        ChildJvm.Result ours = run("ours", ours(engine));
        assertEquals(0, jdk.exit(), jdk.toString());
        assertEquals(0, ours.exit(), ours.toString());
        Map<String, String> want = jdk.values();
        Map<String, String> got = ours.values();
        assertTrue(want.size() >= 60, "the probe ran through: " + jdk);
        assertTrue(want.get("file.ofShared.closed.write").contains("IllegalStateException"), jdk.toString());
        assertTrue(want.get("file.otherThread.write").contains("WrongThreadException"), jdk.toString());
        assertEquals(want, got, "JDK:\n" + jdk + "\nours (" + engine + "):\n" + ours);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "uring", "direct"})
    @Timeout(300)
    void closingTheArenaDuringLargeTransfersCorruptsNothing(String engine) throws Exception {
        ChildJvm.Result r = run("stress-" + engine, engine.equals("jdk") ? JDK_FLAGS : ours(engine), "stress", "8000");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("ok", r.get("stress"), r.toString());
        String summary = r.get("stress.sent");
        assertTrue(summary != null && !summary.contains("closedDuring 0"), "arenas were closed during calls: " + r);
    }
}
