package io.flexsc.bench.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The copy benchmark copies the whole file, checks it, and cleans up; on the JDK and on ours. */
class FilesCopyBenchTest {
    @TempDir
    Path dir;

    private String savedDir;

    @BeforeEach
    void setUp() {
        savedDir = System.getProperty("flexsc.bench.dir");
        System.setProperty("flexsc.bench.dir", dir.toString());
    }

    @AfterEach
    void tearDown() {
        if (savedDir == null) {
            System.clearProperty("flexsc.bench.dir");
        } else {
            System.setProperty("flexsc.bench.dir", savedDir);
        }
    }

    private FilesCopyBench bench(String impl, long bytes) throws IOException {
        FilesCopyBench b = new FilesCopyBench();
        b.impl = impl;
        b.bytes = bytes;
        b.createSource();
        return b;
    }

    private Path only(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).findFirst().orElseThrow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void copiesEveryByteTwiceOverAndCleansUp(String impl) throws IOException {
        FilesCopyBench b = bench(impl, 3 * (1 << 20) + 17);
        for (int round = 0; round < 2; round++) {
            b.removeTarget();
            Path target = b.copy();
            b.checkTarget();
            assertArrayEquals(Files.readAllBytes(only(".dat")), Files.readAllBytes(target));
        }
        b.deleteFiles();
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.findAny().isPresent(), "files left behind");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void aShortTargetFails(String impl) throws IOException {
        FilesCopyBench b = bench(impl, 4096);
        b.removeTarget();
        Path target = b.copy();
        Files.write(target, new byte[100]);
        assertThrows(IllegalStateException.class, b::checkTarget);
        b.deleteFiles();
    }
}
