package io.flexsc.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks' operations really write what they claim, where they claim, and fail loudly. */
class WritesTest {
    @TempDir
    Path dir;

    private String savedDir;
    private final TargetFile file = new TargetFile();
    private DirectEngine engine;

    @BeforeEach
    void setUp() throws IOException {
        savedDir = System.getProperty("flexsc.bench.dir");
        System.setProperty("flexsc.bench.dir", dir.toString());
        file.target = "file";
        file.create();
        engine = new DirectEngine();
    }

    @AfterEach
    void tearDown() throws IOException {
        engine.close();
        file.delete();
        if (savedDir == null) {
            System.clearProperty("flexsc.bench.dir");
        } else {
            System.setProperty("flexsc.bench.dir", savedDir);
        }
    }

    private static byte[] pattern() {
        byte[] p = new byte[TargetFile.WRITE_SIZE];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) ('a' + i % 26);
        }
        return p;
    }

    private byte[] slot(byte[] content, long offset) {
        return java.util.Arrays.copyOfRange(content, (int) offset, (int) offset + TargetFile.WRITE_SIZE);
    }

    @Test
    void theFileIsOneMebibyteOfZeroesAndIsDeleted() throws IOException {
        byte[] content = Files.readAllBytes(file.path());
        assertEquals(Offsets.FILE_SIZE, content.length);
        for (byte b : content) {
            assertEquals(0, b);
        }
        file.delete();
        assertTrue(Files.notExists(file.path()));
    }

    @Test
    void anEngineBatchWritesEachCallAtItsOffset() throws IOException {
        EngineCalls calls = new EngineCalls();
        calls.open(file);
        try {
            assertEquals(8L * TargetFile.WRITE_SIZE, calls.batch(engine, 8));
            byte[] content = Files.readAllBytes(file.path());
            assertEquals(Offsets.FILE_SIZE, content.length, "no write extended the file");
            for (int i = 0; i < 8; i++) {
                Call c = calls.calls()[i];
                assertEquals(SysNr.PWRITE64, c.nr());
                assertArrayEquals(pattern(), slot(content, c.a3()), "slot at " + c.a3());
            }
            assertEquals(TargetFile.WRITE_SIZE, calls.single(engine));
            Call c = calls.calls()[0];
            assertArrayEquals(pattern(), slot(Files.readAllBytes(file.path()), c.a3()));
        } finally {
            calls.close();
        }
    }

    @Test
    void aRawWriteLandsInAnAlignedSlot() throws IOException {
        EngineCalls calls = new EngineCalls();
        calls.open(file);
        try {
            assertEquals(TargetFile.WRITE_SIZE, calls.raw());
        } finally {
            calls.close();
        }
        byte[] content = Files.readAllBytes(file.path());
        int written = 0;
        for (long off = 0; off < Offsets.FILE_SIZE; off += Offsets.ALIGN) {
            byte[] s = slot(content, off);
            if (s[0] != 0) {
                assertArrayEquals(pattern(), s, "slot at " + off);
                written++;
            }
        }
        assertEquals(1, written);
        IllegalStateException e = assertThrows(IllegalStateException.class, calls::raw);
        assertTrue(e.getMessage().contains("errno 9"), e.getMessage());
    }

    @Test
    void aFailedCallFailsTheBenchmark() throws IOException {
        EngineCalls calls = new EngineCalls();
        calls.open(file);
        calls.close(); // the descriptor is gone: every write now fails with EBADF
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> calls.batch(engine, 8));
        assertTrue(e.getMessage().contains("errno 9"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> calls.single(engine));
        assertTrue(e.getMessage().contains("errno 9"), e.getMessage());
    }

    @Test
    void devNullWritesAreSequentialWrites() throws IOException {
        TargetFile devnull = new TargetFile();
        devnull.target = "devnull";
        devnull.create();
        EngineCalls calls = new EngineCalls();
        calls.open(devnull);
        try {
            assertEquals(32L * TargetFile.WRITE_SIZE, calls.batch(engine, 32));
            assertEquals(SysNr.WRITE, calls.calls()[31].nr());
        } finally {
            calls.close();
            devnull.delete();
        }
        assertTrue(Files.exists(devnull.path()), "/dev/null is not deleted");
    }

    @Test
    void theJdkChannelWritesAtItsOffsets() throws IOException {
        JdkChannel ch = new JdkChannel();
        ch.open(file);
        try {
            for (int i = 0; i < 100; i++) {
                assertEquals(TargetFile.WRITE_SIZE, ch.write());
            }
        } finally {
            ch.close();
        }
        byte[] content = Files.readAllBytes(file.path());
        assertEquals(Offsets.FILE_SIZE, content.length);
        int written = 0;
        for (long off = 0; off < Offsets.FILE_SIZE; off += Offsets.ALIGN) {
            byte[] s = slot(content, off);
            if (s[0] != 0) {
                assertArrayEquals(pattern(), s, "slot at " + off);
                written++;
            }
        }
        assertTrue(written > 50 && written <= 100, "slots written: " + written);
    }

    @Test
    void unknownTargetsAreRefused() {
        TargetFile t = new TargetFile();
        t.target = "tape";
        assertThrows(IllegalArgumentException.class, t::create);
    }
}
