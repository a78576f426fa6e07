package io.flexsc.bench.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.fs.FlexFileChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark operations move the bytes they claim, where they claim, on the JDK's channel and on
 * ours (the direct engine: one engine per JVM, and the one every machine has), and fail loudly.
 */
class SharedChannelTest {
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

    private static void fill(ByteBuffer b, byte v) {
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, v);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void channelIsTheImplementationAsked(String impl) throws IOException {
        try (SharedChannel c = SharedChannel.open(FsImpl.parse(impl), 4096, 64)) {
            assertEquals(!impl.equals("jdk"), c.channel() instanceof FlexFileChannel, c.channel().getClass().getName());
            assertEquals(4096, Files.size(c.file()));
            byte[] content = Files.readAllBytes(c.file());
            for (int i = 0; i < content.length; i++) {
                assertEquals(BenchFile.patternAt(i), content[i], "pattern at " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void positionalWritesLandAtTheirOffsets(String impl) throws IOException {
        int size = 64;
        try (SharedChannel c = SharedChannel.open(FsImpl.parse(impl), 64 * size, size)) {
            ByteBuffer buf = c.newBuffer();
            fill(buf, (byte) -1);
            AlignedOffsets offsets = c.newOffsets();
            Set<Long> written = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                long off = offsets.next();
                written.add(off);
                assertEquals(size, c.writeAt(buf, off));
            }
            byte[] content = Files.readAllBytes(c.file());
            assertEquals(64 * size, content.length, "positional writes never grow the file");
            for (int i = 0; i < content.length; i++) {
                boolean inWritten = written.contains((long) (i / size * size));
                assertEquals(inWritten ? (byte) -1 : BenchFile.patternAt(i), content[i], "byte " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void positionalReadsReadTheFile(String impl) throws IOException {
        int size = 4096;
        try (SharedChannel c = SharedChannel.open(FsImpl.parse(impl), 16 * size, size)) {
            ByteBuffer buf = c.newBuffer();
            AlignedOffsets offsets = c.newOffsets();
            for (int i = 0; i < 10; i++) {
                fill(buf, (byte) -1);
                long off = offsets.next();
                assertEquals(size, c.readAt(buf, off));
                for (int k = 0; k < size; k++) {
                    assertEquals(BenchFile.patternAt(off + k), buf.get(k), "offset " + (off + k));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void sequentialReadsWrapAtTheEnd(String impl) throws IOException {
        int size = 64;
        try (SharedChannel c = SharedChannel.open(FsImpl.parse(impl), 4 * size, size)) {
            ByteBuffer buf = c.newBuffer();
            for (int i = 0; i < 11; i++) {
                fill(buf, (byte) -1);
                assertEquals(size, c.read(buf));
                long off = (long) (i % 4) * size;
                for (int k = 0; k < size; k++) {
                    assertEquals(BenchFile.patternAt(off + k), buf.get(k), "read " + i + " byte " + k);
                }
            }
            assertEquals(3L * size, c.channel().position());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void aSequentialReadAtTheEndRewinds(String impl) throws IOException {
        int size = 64;
        try (SharedChannel c = SharedChannel.open(FsImpl.parse(impl), 4 * size, size)) {
            ByteBuffer buf = c.newBuffer();
            fill(buf, (byte) -1);
            c.channel().position(4 * size);
            assertEquals(size, c.read(buf));
            for (int k = 0; k < size; k++) {
                assertEquals(BenchFile.patternAt(k), buf.get(k), "byte " + k);
            }
            assertEquals(size, c.channel().position());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void concurrentSequentialReadsAlwaysReadWholeSlots(String impl) throws Exception {
        int size = 64;
        try (SharedChannel c = SharedChannel.open(FsImpl.parse(impl), 4 * size, size)) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    done.add(pool.submit(() -> {
                        ByteBuffer buf = c.newBuffer();
                        for (int i = 0; i < 2000; i++) {
                            fill(buf, (byte) -1);
                            assertEquals(size, c.read(buf));
                            // a whole slot: its first byte names it, the rest follows the pattern
                            long slot = -1;
                            for (long s = 0; s < 4; s++) {
                                if (buf.get(0) == BenchFile.patternAt(s * size)) {
                                    slot = s;
                                }
                            }
                            assertTrue(slot >= 0, "not a slot's start: " + buf.get(0));
                            for (int k = 0; k < size; k++) {
                                assertEquals(BenchFile.patternAt(slot * size + k), buf.get(k));
                            }
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void sequentialWritesWrapAndKeepTheFileSize(String impl) throws IOException {
        int size = 64;
        try (SharedChannel c = SharedChannel.open(FsImpl.parse(impl), 4 * size, size)) {
            ByteBuffer buf = c.newBuffer();
            fill(buf, (byte) 7);
            for (int i = 0; i < 9; i++) {
                assertEquals(size, c.write(buf));
            }
            assertEquals(size, c.channel().position());
            byte[] content = Files.readAllBytes(c.file());
            assertEquals(4 * size, content.length);
            for (byte b : content) {
                assertEquals(7, b);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void shortTransfersFail(String impl) throws IOException {
        int size = 64;
        try (SharedChannel c = SharedChannel.open(FsImpl.parse(impl), 64 * size, size)) {
            try (FileChannel truncate = FileChannel.open(c.file(), java.nio.file.StandardOpenOption.WRITE)) {
                truncate.truncate(size / 2);
            }
            ByteBuffer buf = c.newBuffer();
            assertThrows(IllegalStateException.class, () -> c.readAt(buf, 0)); // 32 of 64 bytes
            assertThrows(IllegalStateException.class, () -> c.readAt(buf, size)); // end of file
            assertThrows(IllegalStateException.class, () -> c.read(buf)); // 32 of 64 bytes
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "direct"})
    void closeDeletesTheFile(String impl) throws IOException {
        SharedChannel c = SharedChannel.open(FsImpl.parse(impl), 4096, 4096);
        Path file = c.file();
        c.close();
        assertFalse(c.channel().isOpen());
        assertFalse(Files.exists(file));
    }

    @org.junit.jupiter.api.Test
    void fileMustHoldWholeTransfers() {
        assertThrows(IllegalArgumentException.class, () -> SharedChannel.open(FsImpl.parse("jdk"), 100, 64));
    }
}
