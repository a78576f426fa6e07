package io.flexsc.nio.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.fs.FlexFileChannel;
import io.flexsc.nio.fs.FlexFileSystemProvider;
import io.flexsc.nio.net.FlexSelectorProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Scratch}, the one per-thread scratch memory: blocks are reused after release, a nested
 * acquisition gets another block, the thread's cached blocks come back idle after the calls that
 * used them threw (the providers release in {@code finally}), and the cache is per thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScratchTest {
    /**
     * The addresses of this thread's cached blocks (both acquired at once, then released), grown to
     * the largest size first so that no later request replaces one by a larger one.
     */
    static Set<Long> cachedBlocks() {
        Scratch a = Scratch.acquire(Scratch.MAX);
        Scratch b = Scratch.acquire(Scratch.MAX);
        try {
            return Set.of(a.address(), b.address());
        } finally {
            b.release();
            a.release();
        }
    }

    @Test
    void releasedBlockIsReused() {
        Scratch a = Scratch.acquire(100);
        long addr = a.address();
        assertTrue(a.capacity() >= 100);
        a.release();
        Scratch again = Scratch.acquire(100);
        try {
            assertEquals(addr, again.address(), "the thread's idle block is reused");
        } finally {
            again.release();
        }
    }

    @Test
    void nestedAcquisitionsGetDistinctMemory() {
        Set<Long> cached = cachedBlocks();
        Scratch a = Scratch.acquire(64);
        Scratch b = Scratch.acquire(64);
        Scratch c = Scratch.acquire(64); // every cached block in use: one of its own
        try {
            assertNotEquals(a.address(), b.address());
            assertTrue(cached.contains(a.address()) && cached.contains(b.address()));
            assertFalse(cached.contains(c.address()), "a third block at once is not a cached one");
            a.buffer().putLong(0, 1);
            b.buffer().putLong(0, 2);
            c.buffer().putLong(0, 3);
            assertEquals(1, a.buffer().getLong(0));
            assertEquals(2, b.buffer().getLong(0));
        } finally {
            c.release();
            b.release();
            a.release();
        }
        assertEquals(cached, cachedBlocks(), "the cached blocks are idle again");
    }

    @Test
    void growsUpToMaxAndServesLargerRequestsWithBlocksOfTheirOwn() {
        Scratch big = Scratch.acquire(Scratch.MAX - 1);
        try {
            assertEquals(Scratch.MAX, big.capacity());
        } finally {
            big.release();
        }
        Set<Long> cached = cachedBlocks();
        Scratch huge = Scratch.acquire(Scratch.MAX + 1);
        try {
            assertEquals(Scratch.MAX + 1, huge.capacity());
            assertFalse(cached.contains(huge.address()));
            huge.buffer().put(Scratch.MAX, (byte) 7); // all of it is there
        } finally {
            huge.release();
        }
        assertEquals(cached, cachedBlocks());
    }

    @Test
    void blocksAreReleasedWhenTheCallThrows() {
        Set<Long> cached = cachedBlocks();
        assertThrows(IllegalStateException.class, () -> {
            Scratch s = Scratch.acquire(64);
            try {
                throw new IllegalStateException("the call failed");
            } finally {
                s.release();
            }
        });
        assertEquals(cached, cachedBlocks());
    }

    @Test
    void eachThreadHasItsOwnBlocks() throws Exception {
        Set<Long> mine = cachedBlocks();
        Set<Long> theirs = CompletableFuture.supplyAsync(ScratchTest::cachedBlocks, r -> new Thread(r).start())
                .get(30, TimeUnit.SECONDS);
        for (long a : theirs) {
            assertFalse(mine.contains(a));
        }
    }

    /** A file open that fails (inside the provider's scratch block for the path) leaves no block in use. */
    @Test
    void fileProviderReleasesOnFailure(@TempDir Path dir) throws IOException {
        Set<Long> cached = cachedBlocks();
        FlexFileSystemProvider p = new FlexFileSystemProvider(FileSystems.getDefault().provider());
        Path flexDir = p.getFileSystem(URI.create("file:///")).getPath(dir.toString());
        Path missing = flexDir.resolve("missing");
        for (int i = 0; i < 3; i++) {
            assertThrows(NoSuchFileException.class, () -> p.newFileChannel(missing, Set.of(StandardOpenOption.READ)).close());
        }
        assertEquals(cached, cachedBlocks());
        Files.writeString(dir.resolve("present"), "x");
        try (FileChannel ch = p.newFileChannel(flexDir.resolve("present"), Set.of(StandardOpenOption.READ))) {
            assertTrue(ch instanceof FlexFileChannel, "our channel, not the built-in one: " + ch.getClass());
            assertEquals(1, ch.read(ByteBuffer.allocate(4))); // a heap buffer, through scratch memory
        }
        assertEquals(cached, cachedBlocks());
    }

    /**
     * A datagram too large to send fails inside the scratch block that holds the address and the
     * heap buffer's bytes: the same exception as the JDK's, and the block is released.
     */
    @Test
    void datagramSendFailureReleasesAndMatchesTheJdk() throws IOException {
        Set<Long> cached = cachedBlocks();
        String jdk = oversizedSend(io.flexsc.nio.net.JdkProvider.get());
        String ours = oversizedSend(new FlexSelectorProvider());
        assertEquals(jdk, ours);
        assertEquals(cached, cachedBlocks());
    }

    private static String oversizedSend(SelectorProvider p) throws IOException {
        try (DatagramChannel rx = p.openDatagramChannel(); DatagramChannel tx = p.openDatagramChannel()) {
            rx.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            IOException e = assertThrows(IOException.class,
                    () -> tx.send(ByteBuffer.allocate(70_000), rx.getLocalAddress()));
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
