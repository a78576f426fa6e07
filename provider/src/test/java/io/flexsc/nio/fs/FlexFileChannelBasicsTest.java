package io.flexsc.nio.fs;

import static io.flexsc.nio.fs.FsTestSupport.flex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlexFileChannelBasicsTest {
    @TempDir
    Path dir;

    @Test
    void channelsAreOursAndRoundTripHeapAndDirectBuffers() throws Exception {
        Path f = flex(dir.resolve("a.bin"));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            assertInstanceOf(FlexFileChannel.class, ch);
            assertEquals(5, ch.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII))));
            ByteBuffer d = ByteBuffer.allocateDirect(6);
            d.put(" world".getBytes(StandardCharsets.US_ASCII)).flip();
            assertEquals(6, ch.write(d));
            assertEquals(11, ch.position());
            assertEquals(11, ch.size());
            ByteBuffer r = ByteBuffer.allocate(32);
            assertEquals(11, ch.read(r, 0));
            assertEquals("hello world", new String(r.array(), 0, 11, StandardCharsets.US_ASCII));
            ByteBuffer rd = ByteBuffer.allocateDirect(5);
            assertEquals(5, ch.read(rd, 6));
            rd.flip();
            byte[] w = new byte[5];
            rd.get(w);
            assertEquals("world", new String(w, StandardCharsets.US_ASCII));
            assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
            assertEquals(-1, ch.read(ByteBuffer.allocate(1), 11));
        }
        assertArrayEquals("hello world".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(dir.resolve("a.bin")));
    }

    @Test
    void filesConvenienceMethodsGoThroughOurChannel() throws Exception {
        Path f = flex(dir.resolve("lines.txt"));
        Files.write(f, List.of("one", "two", "three"));
        assertEquals(List.of("one", "two", "three"), Files.readAllLines(f));
        try (var lines = Files.lines(f)) {
            assertEquals(3, lines.count());
        }
        byte[] big = new byte[3 << 20];
        new java.util.Random(1).nextBytes(big);
        Path g = flex(dir.resolve("big.bin"));
        Files.write(g, big);
        assertArrayEquals(big, Files.readAllBytes(g));
        assertArrayEquals(big, Files.readAllBytes(dir.resolve("big.bin")));
        try (var ch = Files.newByteChannel(g)) {
            assertInstanceOf(FlexFileChannel.class, ch);
        }
    }

    @Test
    void scatterGatherAppendTruncate() throws Exception {
        Path f = flex(dir.resolve("sg.bin"));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            ByteBuffer[] srcs = {ByteBuffer.wrap(new byte[] {1, 2}), ByteBuffer.allocateDirect(3).put(new byte[] {3, 4, 5}).flip(),
                    ByteBuffer.wrap(new byte[] {6})};
            assertEquals(6, ch.write(srcs));
            ByteBuffer[] direct = {ByteBuffer.allocateDirect(2).put(new byte[] {7, 8}).flip(),
                    ByteBuffer.allocateDirect(1).put(new byte[] {9}).flip()};
            assertEquals(3, ch.write(direct));
            ch.position(0);
            ByteBuffer a = ByteBuffer.allocate(4);
            ByteBuffer b = ByteBuffer.allocateDirect(10);
            assertEquals(9, ch.read(new ByteBuffer[] {a, b}));
            assertArrayEquals(new byte[] {1, 2, 3, 4}, a.array());
            b.flip();
            byte[] rest = new byte[b.remaining()];
            b.get(rest);
            assertArrayEquals(new byte[] {5, 6, 7, 8, 9}, rest);
            ch.truncate(4);
            assertEquals(4, ch.size());
            assertEquals(4, ch.position());
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.APPEND)) {
            ch.position(0);
            assertEquals(1, ch.write(ByteBuffer.wrap(new byte[] {42})));
            assertEquals(5, ch.position());
        }
        assertArrayEquals(new byte[] {1, 2, 3, 4, 42}, Files.readAllBytes(f));
        assertTrue(Files.size(f) == 5);
    }

    @Test
    void anInternalFailureFallsBackToTheBuiltInChannel() throws Exception {
        Path f = flex(dir.resolve("fallback.txt"));
        System.setProperty(FlexFileSystemProvider.INJECT_OPEN_FAILURE, "true");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            assertTrue(!(ch instanceof FlexFileChannel), ch.getClass().getName());
            ch.write(ByteBuffer.wrap("still works".getBytes(StandardCharsets.US_ASCII)));
        } finally {
            System.clearProperty(FlexFileSystemProvider.INJECT_OPEN_FAILURE);
        }
        assertEquals("still works", Files.readString(f));
        try (FileChannel ch = FileChannel.open(f)) {
            assertInstanceOf(FlexFileChannel.class, ch);
        }
    }
}
