package io.flexsc.nio.fs;

import static io.flexsc.nio.fs.FsTestSupport.flex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.Engines;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.flexsc.nio.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocksInterruptsMapTransferTest {
    @TempDir
    Path dir;

    private FileChannel rw(Path p) throws Exception {
        return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Test
    void locksFollowTheJdksOverlapRules() throws Exception {
        Path f = flex(dir.resolve("lock.bin"));
        try (FileChannel a = rw(f); FileChannel b = rw(f)) {
            FileLock l = a.lock(0, 100, false);
            assertSame(a, l.channel());
            assertTrue(l.isValid());
            assertThrows(OverlappingFileLockException.class, () -> a.tryLock(50, 10, true));
            assertThrows(OverlappingFileLockException.class, () -> b.lock(99, 10, false));
            FileLock m = b.tryLock(100, 10, false); // adjacent: no overlap
            assertNotNull(m);
            l.release();
            assertFalse(l.isValid());
            l.release(); // idempotent
            FileLock n = b.tryLock(0, 50, true);
            assertTrue(n.isShared());
            FileLock whole = a.tryLock(200, Long.MAX_VALUE - 200, false);
            assertNotNull(whole);
            a.close();
            assertFalse(whole.isValid());
            assertThrows(ClosedChannelException.class, whole::release);
            assertTrue(n.isValid());
            FileLock again = b.tryLock(200, 5, false); // a's lock went with a
            assertNotNull(again);
        }
    }

    @Test
    void anotherProcessesLockMakesTryLockReturnNull() throws Exception {
        Path f = dir.resolve("xlock.bin");
        Files.write(f, new byte[10]);
        // flock(1) takes BSD locks, which do not conflict with ours; use a JVM with the JDK's channel
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), f.toString())
                .redirectErrorStream(true).start();
        try {
            assertEquals('L', p.getInputStream().read(), "holder did not lock");
            try (FileChannel ch = rw(flex(f))) {
                assertNull(ch.tryLock());
                assertNull(ch.tryLock(0, 5, true));
                AtomicReference<Throwable> res = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try {
                        ch.lock();
                    } catch (Throwable e) {
                        res.set(e);
                    }
                });
                t.start();
                Await.until("lock() waiting, or returned", () -> !t.isAlive()
                        || Await.isBlockedIn(t, FlexFileChannel.class.getName(), "lock"));
                assertTrue(t.isAlive(), "lock() must wait for the other process: " + res.get());
                t.interrupt();
                t.join(5000);
                assertFalse(t.isAlive());
                assertTrue(res.get() instanceof FileLockInterruptionException, String.valueOf(res.get()));
                assertFalse(ch.isOpen());
            }
        } finally {
            p.getOutputStream().close();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroy();
        }
    }

    /** Holds an exclusive lock on a file through the JDK's channel until stdin closes. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
                 FileLock l = ch.lock()) {
                System.out.write('L');
                System.out.flush();
                while (System.in.read() >= 0) {
                    // hold
                }
            }
        }
    }

    @Test
    void interruptClosesTheChannelWithClosedByInterruptException() throws Exception {
        Path f = flex(dir.resolve("intr.bin"));
        try (FileChannel ch = rw(f)) {
            Thread.currentThread().interrupt();
            assertThrows(ClosedByInterruptException.class, () -> ch.write(ByteBuffer.allocate(10)));
            assertTrue(Thread.interrupted());
            assertFalse(ch.isOpen());
        }
        try (FileChannel ch = rw(f)) {
            AtomicReference<Throwable> res = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
            Thread t = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocate(4096);
                try {
                    for (;;) {
                        b.clear();
                        ch.write(b, 0);
                        writes.incrementAndGet();
                    }
                } catch (Throwable e) {
                    res.set(e);
                }
            });
            t.start();
            Await.until("the writer writing", () -> writes.get() > 10 || !t.isAlive()); // the interrupt lands mid-loop
            t.interrupt();
            t.join(5000);
            assertTrue(res.get() instanceof ClosedByInterruptException, String.valueOf(res.get()));
            assertFalse(ch.isOpen());
        }
    }

    @Test
    void interruptedConvenienceReadsBehaveAsTheJdks() throws Exception {
        Path f = Files.write(dir.resolve("all.bin"), new byte[] {1, 2, 3});
        Path g = Files.write(dir.resolve("all2.bin"), new byte[] {1, 2, 3});
        String[] outcomes = new String[2];
        Path[] paths = {f, flex(g)};
        for (int i = 0; i < 2; i++) {
            Path p = paths[i];
            StringBuilder sb = new StringBuilder();
            Thread.currentThread().interrupt();
            try {
                sb.append(java.util.Arrays.toString(Files.readAllBytes(p)));
                sb.append(Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1).length());
                sb.append(Thread.currentThread().isInterrupted());
                try (var in = Files.newInputStream(p)) {
                    sb.append(in.read());
                } catch (java.io.IOException e) {
                    sb.append(e.getClass().getName());
                }
                sb.append(Thread.currentThread().isInterrupted());
                try (var out = Files.newOutputStream(p, java.nio.file.StandardOpenOption.APPEND)) {
                    out.write(4);
                    sb.append("w");
                } catch (java.io.IOException e) {
                    sb.append(e.getClass().getName());
                }
                try (FileChannel ch = FileChannel.open(p)) {
                    sb.append(ch.read(ByteBuffer.allocate(1)));
                } catch (java.io.IOException e) {
                    sb.append(e.getClass().getName());
                }
            } finally {
                Thread.interrupted();
            }
            outcomes[i] = sb.toString();
        }
        assertEquals(outcomes[0], outcomes[1]);
        assertTrue(outcomes[0].startsWith("[1, 2, 3]3true1truew"), outcomes[0]);
    }

    @Test
    void closeFromAnotherThreadGivesAsynchronousCloseException() throws Exception {
        Path f = flex(dir.resolve("aclose.bin"));
        FileChannel ch = rw(f);
        AtomicReference<Throwable> res = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong rounds = new java.util.concurrent.atomic.AtomicLong();
        Thread t = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            try {
                for (;;) {
                    b.clear();
                    ch.write(b, 0);
                    b.clear();
                    ch.read(b, 0);
                    rounds.incrementAndGet();
                }
            } catch (Throwable e) {
                res.set(e);
            }
        });
        t.start();
        Await.until("the thread reading and writing", () -> rounds.get() > 10 || !t.isAlive()); // the close lands mid-loop
        ch.close();
        t.join(5000);
        assertFalse(t.isAlive());
        Throwable e = res.get();
        assertTrue(e instanceof AsynchronousCloseException || e instanceof ClosedChannelException, String.valueOf(e));
    }

    @Test
    void mappingSeesOurWritesAndOurReadsSeeTheMapping() throws Exception {
        Path f = flex(dir.resolve("map.bin"));
        try (FileChannel ch = rw(f)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8192); // extends the file
            assertEquals(8192, ch.size());
            ch.write(ByteBuffer.wrap(new byte[] {7, 8, 9}), 100);
            assertEquals(8, m.get(101));
            m.put(5000, (byte) 42);
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, 5000);
            assertEquals(42, b.get(0));
            assertThrows(IllegalArgumentException.class, () -> ch.map(FileChannel.MapMode.READ_ONLY, -1, 1));
            assertThrows(NullPointerException.class, () -> ch.map(null, 0, 1));
        }
    }

    @Test
    void transfersBetweenOurChannelsCopyInTheKernel() throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(3).nextBytes(data);
        Path src = flex(dir.resolve("src.bin"));
        Files.write(src, data);
        Path dst = flex(dir.resolve("dst.bin"));
        long before = Engines.shared().stats().getCalls();
        try (FileChannel in = FileChannel.open(src); FileChannel out = rw(dst)) {
            out.position(10);
            assertEquals(data.length - 5, in.transferTo(5, Long.MAX_VALUE, out));
            assertEquals(10 + data.length - 5, out.position());
            assertEquals(0, in.position());
            in.position(1000);
            assertEquals(2000, out.transferFrom(in, 0, 2000));
            assertEquals(3000, in.position());
            assertEquals(0, in.transferTo(data.length + 1, 10, out));
        }
        assertTrue(Engines.shared().stats().getCalls() > before);
        byte[] got = Files.readAllBytes(dst);
        byte[] want = new byte[10 + data.length - 5];
        System.arraycopy(data, 5, want, 10, data.length - 5);
        System.arraycopy(data, 1000, want, 0, 2000);
        assertArrayEquals(want, got);
        // beyond the target's size: nothing on JDK 17, the file extended on JDK 21+ (JDK-8303260):
        // whatever the running JDK's own channels do
        String[] results = new String[2];
        for (int i = 0; i < 2; i++) {
            Path target = dir.resolve("beyond" + i + ".bin");
            Files.write(target, new byte[] {1, 2, 3});
            Path t = i == 0 ? flex(target) : target;
            Path s = i == 0 ? src : dir.resolve("src.bin");
            try (FileChannel in = FileChannel.open(s); FileChannel out = rw(t)) {
                in.position(3000);
                long n = out.transferFrom(in, out.size() + 1, 10);
                results[i] = n + " in.position=" + in.position() + " bytes="
                        + java.util.Arrays.toString(Files.readAllBytes(target));
            }
        }
        assertEquals(results[1], results[0], "transferFrom beyond the size: ours, then the JDK's");
        // to and from a JDK channel: through a buffer
        Path jdkTarget = dir.resolve("jdk.bin");
        try (FileChannel in = FileChannel.open(src); FileChannel out = FileChannel.open(jdkTarget,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            assertEquals(data.length, in.transferTo(0, data.length, out));
        }
        assertArrayEquals(data, Files.readAllBytes(jdkTarget));
        try (FileChannel in = FileChannel.open(jdkTarget); FileChannel out = rw(flex(dir.resolve("back.bin")))) {
            assertEquals(data.length, out.transferFrom(in, 0, Long.MAX_VALUE));
        }
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("back.bin")));
    }

    @Test
    void appendTargetOfTransferToAppends() throws Exception {
        Path src = flex(dir.resolve("s.txt"));
        Files.writeString(src, "abc");
        Path dst = flex(dir.resolve("d.txt"));
        Files.writeString(dst, "123");
        try (FileChannel in = FileChannel.open(src); FileChannel out = FileChannel.open(dst, StandardOpenOption.APPEND)) {
            assertEquals(3, in.transferTo(0, 3, out));
        }
        assertEquals("123abc", Files.readString(dst));
    }
}
