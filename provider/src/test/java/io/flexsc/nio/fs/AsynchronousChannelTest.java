package io.flexsc.nio.fs;

import static io.flexsc.nio.fs.FsTestSupport.flex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsynchronousChannelTest {
    @TempDir
    Path dir;

    @Test
    void futuresWriteAndReadManyRegionsConcurrently() throws Exception {
        Path f = flex(dir.resolve("aio.bin"));
        byte[] data = new byte[1 << 20];
        new Random(5).nextBytes(data);
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(f, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertInstanceOf(FlexAsynchronousFileChannel.class, ch);
            List<Future<Integer>> writes = new ArrayList<>();
            int chunk = 4096;
            for (int off = 0; off < data.length; off += chunk) {
                ByteBuffer b = (off / chunk) % 2 == 0 ? ByteBuffer.wrap(data, off, chunk)
                        : ByteBuffer.allocateDirect(chunk).put(data, off, chunk).flip();
                writes.add(ch.write(b, off));
            }
            for (Future<Integer> w : writes) {
                assertEquals(chunk, w.get(10, TimeUnit.SECONDS));
            }
            assertEquals(data.length, ch.size());
            ByteBuffer all = ByteBuffer.allocate(data.length);
            while (all.hasRemaining()) {
                int n = ch.read(all, all.position()).get();
                assertTrue(n > 0);
            }
            assertArrayEquals(data, all.array());
            assertEquals(-1, ch.read(ByteBuffer.allocate(1), data.length).get());
            assertEquals(0, ch.read(ByteBuffer.allocate(0), 0).get());
            ch.truncate(100);
            assertEquals(100, ch.size());
            ch.force(true);
        }
        assertEquals(100, Files.size(f));
    }

    @Test
    void completionHandlersRunOnTheGivenExecutor() throws Exception {
        Path f = flex(dir.resolve("h.bin"));
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "test-aio");
            t.setDaemon(true);
            return t;
        });
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(f,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE), pool)) {
            CompletableFuture<String> done = new CompletableFuture<>();
            ch.write(ByteBuffer.wrap("hello".getBytes()), 3, "att", new CompletionHandler<Integer, String>() {
                @Override
                public void completed(Integer result, String attachment) {
                    done.complete(result + " " + attachment + " " + Thread.currentThread().getName());
                }

                @Override
                public void failed(Throwable exc, String attachment) {
                    done.completeExceptionally(exc);
                }
            });
            assertEquals("5 att test-aio", done.get(10, TimeUnit.SECONDS));
            CompletableFuture<FileLock> locked = new CompletableFuture<>();
            ch.lock(0, 10, false, null, new CompletionHandler<FileLock, Object>() {
                @Override
                public void completed(FileLock result, Object attachment) {
                    locked.complete(result);
                }

                @Override
                public void failed(Throwable exc, Object attachment) {
                    locked.completeExceptionally(exc);
                }
            });
            FileLock l = locked.get(10, TimeUnit.SECONDS);
            assertSame(ch, l.acquiredBy());
            assertNull(l.channel());
            assertThrows(OverlappingFileLockException.class, () -> ch.tryLock(5, 1, false));
            l.release();
            FileLock t = ch.tryLock(5, 1, false);
            assertTrue(t.isValid());
            ch.close();
            assertFalse(t.isValid());
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            ch.read(ByteBuffer.allocate(1), 0, null, new CompletionHandler<Integer, Object>() {
                @Override
                public void completed(Integer result, Object attachment) {
                    failed.complete(null);
                }

                @Override
                public void failed(Throwable exc, Object attachment) {
                    failed.complete(exc);
                }
            });
            assertInstanceOf(ClosedChannelException.class, failed.get(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals("\0\0\0hello", Files.readString(f));
    }

    @Test
    void misuseThrowsTheJdksExceptions() throws Exception {
        Path f = Files.write(dir.resolve("m.bin"), new byte[4]);
        for (Path p : List.of(f, flex(f))) {
            try (AsynchronousFileChannel ro = AsynchronousFileChannel.open(p);
                 AsynchronousFileChannel wo = AsynchronousFileChannel.open(p, StandardOpenOption.WRITE)) {
                assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
                assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1), 0));
                assertEquals("Negative position",
                        assertThrows(IllegalArgumentException.class, () -> ro.read(ByteBuffer.allocate(1), -1)).getMessage());
                assertEquals("Read-only buffer", assertThrows(IllegalArgumentException.class,
                        () -> ro.read(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0)).getMessage());
                assertEquals("Negative size", assertThrows(IllegalArgumentException.class, () -> wo.truncate(-1)).getMessage());
                assertThrows(NonWritableChannelException.class, () -> ro.truncate(0));
                assertThrows(NonWritableChannelException.class, () -> ro.lock());
            }
            assertEquals("APPEND not allowed", assertThrows(UnsupportedOperationException.class,
                    () -> AsynchronousFileChannel.open(p, StandardOpenOption.APPEND)).getMessage());
            AsynchronousFileChannel c = AsynchronousFileChannel.open(p);
            c.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> c.read(ByteBuffer.allocate(1), 0).get());
            assertInstanceOf(ClosedChannelException.class, e.getCause());
            assertThrows(ClosedChannelException.class, c::size);
        }
    }

    @Test
    void manyConcurrentHandlersAllComplete() throws Exception {
        Path f = flex(dir.resolve("many.bin"));
        int n = 2000;
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(f, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            CountDownLatch latch = new CountDownLatch(n);
            List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < n; i++) {
                ByteBuffer b = ByteBuffer.allocate(8).putLong(0, i);
                ch.write(b, i * 8L, null, new CompletionHandler<Integer, Object>() {
                    @Override
                    public void completed(Integer result, Object attachment) {
                        latch.countDown();
                    }

                    @Override
                    public void failed(Throwable exc, Object attachment) {
                        errors.add(exc);
                        latch.countDown();
                    }
                });
            }
            assertTrue(latch.await(30, TimeUnit.SECONDS));
            assertTrue(errors.isEmpty(), errors.toString());
            ByteBuffer all = ByteBuffer.allocate(n * 8);
            while (all.hasRemaining()) {
                ch.read(all, all.position()).get();
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i, all.getLong(i * 8));
            }
        }
    }
}
