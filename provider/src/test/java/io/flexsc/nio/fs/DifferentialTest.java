package io.flexsc.nio.fs;

import static io.flexsc.nio.fs.FsTestSupport.flex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same randomized operation sequences against the JDK's channel and ours, comparing every
 * result, position, size, exception type and message, and finally the bytes of both files. The seed
 * is printed on failure; {@code -Dflexsc.diff.seed=N} replays one.
 */
class DifferentialTest {
    @TempDir
    Path dir;

    private static final long FOUR_GIB = 4L << 30;

    private static final List<Set<StandardOpenOption>> OPTION_SETS = List.of(
            EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE),
            EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE),
            EnumSet.of(StandardOpenOption.READ),
            EnumSet.of(StandardOpenOption.APPEND, StandardOpenOption.CREATE),
            EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND),
            EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE,
                    StandardOpenOption.CREATE, StandardOpenOption.DSYNC),
            EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ));

    /** What one operation did: its value or its exception, for comparison. */
    private static String outcome(Op op) {
        try {
            return "= " + op.run();
        } catch (Exception | Error e) {
            if (e instanceof AssertionError) {
                throw (AssertionError) e;
            }
            return "! " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private interface Op {
        Object run() throws Exception;
    }

    private static ByteBuffer buffer(Random r, int len, boolean direct, long fill) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(len + 8) : ByteBuffer.allocate(len + 8);
        Random data = new Random(fill);
        for (int i = 0; i < len + 8; i++) {
            b.put((byte) data.nextInt());
        }
        b.position(r.nextInt(8));
        b.limit(b.position() + len);
        return b;
    }

    private static String content(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        d.flip();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return b.position() + "/" + b.limit() + ":" + Arrays.hashCode(a);
    }

    @Test
    void randomSequencesMatchTheJdk() throws Exception {
        long seed = Long.getLong("flexsc.diff.seed", System.nanoTime());
        try {
            int ops = 0;
            Random r = new Random(seed);
            for (int seq = 0; ops < 12_000; seq++) {
                ops += runSequence(r, seq, 400 + r.nextInt(400));
            }
        } catch (AssertionError e) {
            throw new AssertionError("differential failure, seed " + seed + " (-Dflexsc.diff.seed=" + seed + ")", e);
        }
    }

    int runSequence(Random r, int seq, int count) throws Exception {
        Path jdkFile = dir.resolve("jdk-" + seq);
        Path ourFile = dir.resolve("our-" + seq);
        // common starting content
        byte[] init = new byte[r.nextInt(3) == 0 ? 0 : r.nextInt(20_000)];
        r.nextBytes(init);
        if (r.nextInt(5) != 0) {
            Files.write(jdkFile, init);
            Files.write(ourFile, init);
        }
        Set<StandardOpenOption> opts = OPTION_SETS.get(r.nextInt(OPTION_SETS.size()));
        String o1 = outcome(() -> { FileChannel.open(jdkFile, opts).close(); return "ok"; });
        String o2 = outcome(() -> { FileChannel.open(flex(ourFile), opts).close(); return "ok"; });
        assertEquals(o1, o2.replace(flex(ourFile).toString(), jdkFile.toString()).replace("our-", "jdk-"),
                "open " + opts);
        if (o1.startsWith("!")) {
            return 1;
        }
        List<String> log = new ArrayList<>();
        FileChannel a = FileChannel.open(jdkFile, opts);
        FileChannel b = FileChannel.open(flex(ourFile), opts);
        assertInstanceOf(FlexFileChannel.class, b);
        int done = 0;
        try {
            for (int i = 0; i < count; i++, done++) {
                int kind = r.nextInt(17);
                long opSeed = r.nextLong();
                String desc = step(kind, opSeed, a, b);
                log.add(desc);
                if (log.size() > 12) {
                    log.remove(0);
                }
            }
            String ca = outcome(() -> { a.close(); return "ok"; });
            String cb = outcome(() -> { b.close(); return "ok"; });
            assertEquals(ca, cb);
            // after close
            for (int k = 0; k < 4; k++) {
                step(k == 0 ? 0 : k == 1 ? 2 : k == 2 ? 6 : 7, r.nextLong(), a, b);
            }
        } catch (AssertionError e) {
            throw new AssertionError("sequence " + seq + " opts " + opts + " after " + done + " ops; last: " + log, e);
        } finally {
            a.close();
            b.close();
        }
        assertEquals(Files.size(jdkFile), Files.size(ourFile), "final size");
        if (Files.size(jdkFile) < (64 << 20)) {
            assertArrayEquals(Files.readAllBytes(jdkFile), Files.readAllBytes(ourFile), "final bytes");
        } else {
            compareSparse(jdkFile, ourFile);
        }
        return done + 1;
    }

    private static void compareSparse(Path x, Path y) throws Exception {
        try (FileChannel a = FileChannel.open(x); FileChannel b = FileChannel.open(y)) {
            long size = a.size();
            ByteBuffer ba = ByteBuffer.allocate(1 << 16);
            ByteBuffer bb = ByteBuffer.allocate(1 << 16);
            // compare the first and last MiB and a few windows around 4 GiB
            for (long p : new long[] {0, 1 << 20, FOUR_GIB - (1 << 16), FOUR_GIB, size - (1 << 16)}) {
                if (p < 0 || p >= size) {
                    continue;
                }
                ba.clear();
                bb.clear();
                assertEquals(a.read(ba, p), b.read(bb, p));
                assertEquals(ba.flip(), bb.flip(), "bytes at " + p);
            }
        }
    }

    private static long position(Random r) {
        switch (r.nextInt(10)) {
            case 0: return -1 - r.nextInt(5);
            case 1: return FOUR_GIB + r.nextInt(1 << 20) - (1 << 19);
            case 2: return 20_000 + r.nextInt(20_000);
            default: return r.nextInt(25_000);
        }
    }

    private static int length(Random r) {
        switch (r.nextInt(8)) {
            case 0: return 0;
            case 1: return r.nextInt(70_000);
            default: return r.nextInt(600);
        }
    }

    /** Runs one operation on both channels with the same arguments and compares the outcomes. */
    private static String step(int kind, long opSeed, FileChannel a, FileChannel b) {
        Random ra = new Random(opSeed);
        Random rb = new Random(opSeed);
        String desc;
        String oa;
        String ob;
        switch (kind) {
            case 0: { // relative write
                desc = "write";
                oa = outcome(() -> writeOp(ra, a));
                ob = outcome(() -> writeOp(rb, b));
                break;
            }
            case 1: { // positional write
                desc = "write@";
                oa = outcome(() -> pwriteOp(ra, a));
                ob = outcome(() -> pwriteOp(rb, b));
                break;
            }
            case 2: case 3: { // relative read
                desc = "read";
                oa = outcome(() -> readOp(ra, a));
                ob = outcome(() -> readOp(rb, b));
                break;
            }
            case 4: { // positional read
                desc = "read@";
                oa = outcome(() -> preadOp(ra, a));
                ob = outcome(() -> preadOp(rb, b));
                break;
            }
            case 5: { // position(p)
                desc = "position(p)";
                oa = outcome(() -> a.position(position(ra)).position());
                ob = outcome(() -> b.position(position(rb)).position());
                break;
            }
            case 6: { // position()
                desc = "position()";
                oa = outcome(a::position);
                ob = outcome(b::position);
                break;
            }
            case 7: { // size
                desc = "size";
                oa = outcome(a::size);
                ob = outcome(b::size);
                break;
            }
            case 8: { // truncate
                desc = "truncate";
                oa = outcome(() -> truncateOp(ra, a));
                ob = outcome(() -> truncateOp(rb, b));
                break;
            }
            case 9: { // gather write
                desc = "gather";
                oa = outcome(() -> gatherOp(ra, a));
                ob = outcome(() -> gatherOp(rb, b));
                break;
            }
            case 10: { // scatter read
                desc = "scatter";
                oa = outcome(() -> scatterOp(ra, a));
                ob = outcome(() -> scatterOp(rb, b));
                break;
            }
            case 11: { // force
                desc = "force";
                oa = outcome(() -> { a.force(ra.nextBoolean()); return "ok"; });
                ob = outcome(() -> { b.force(rb.nextBoolean()); return "ok"; });
                break;
            }
            case 12: { // read into a read-only buffer
                desc = "read(readOnly)";
                oa = outcome(() -> a.read(ByteBuffer.allocate(4).asReadOnlyBuffer()));
                ob = outcome(() -> b.read(ByteBuffer.allocate(4).asReadOnlyBuffer()));
                break;
            }
            case 13: { // tryLock / release
                desc = "tryLock";
                oa = outcome(() -> lockOp(ra, a));
                ob = outcome(() -> lockOp(rb, b));
                break;
            }
            case 14: { // transferTo a scratch heap channel
                desc = "transferTo";
                oa = outcome(() -> transferToOp(ra, a));
                ob = outcome(() -> transferToOp(rb, b));
                break;
            }
            case 15: { // transferFrom a byte source
                desc = "transferFrom";
                oa = outcome(() -> transferFromOp(ra, a));
                ob = outcome(() -> transferFromOp(rb, b));
                break;
            }
            default: { // read/write with bad arguments
                desc = "bad args";
                oa = outcome(() -> badOp(ra, a));
                ob = outcome(() -> badOp(rb, b));
                break;
            }
        }
        assertEquals(oa, ob, desc);
        return desc + " " + oa;
    }

    private static Object writeOp(Random r, FileChannel ch) throws Exception {
        ByteBuffer b = buffer(r, length(r), r.nextBoolean(), r.nextLong());
        int n = ch.write(b);
        return n + " " + b.position() + " pos=" + ch.position();
    }

    private static Object pwriteOp(Random r, FileChannel ch) throws Exception {
        ByteBuffer b = buffer(r, length(r), r.nextBoolean(), r.nextLong());
        long p = position(r);
        int n = ch.write(b, p);
        return n + " " + b.position() + " pos=" + ch.position();
    }

    private static Object readOp(Random r, FileChannel ch) throws Exception {
        ByteBuffer b = buffer(r, length(r), r.nextBoolean(), 0);
        b.position(0);
        int n = ch.read(b);
        return n + " " + content(b) + " pos=" + ch.position();
    }

    private static Object preadOp(Random r, FileChannel ch) throws Exception {
        ByteBuffer b = buffer(r, length(r), r.nextBoolean(), 0);
        b.position(0);
        int n = ch.read(b, position(r));
        return n + " " + content(b) + " pos=" + ch.position();
    }

    private static Object truncateOp(Random r, FileChannel ch) throws Exception {
        long s = r.nextInt(6) == 0 ? -1 : r.nextInt(30_000);
        ch.truncate(s);
        return "size=" + ch.size() + " pos=" + ch.position();
    }

    private static ByteBuffer[] buffers(Random r, boolean fill) {
        ByteBuffer[] bufs = new ByteBuffer[1 + r.nextInt(5)];
        boolean allDirect = r.nextBoolean();
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = buffer(r, r.nextInt(300), allDirect || r.nextBoolean(), fill ? r.nextLong() : 0);
            if (!fill) {
                bufs[i].position(0);
            }
        }
        return bufs;
    }

    private static Object gatherOp(Random r, FileChannel ch) throws Exception {
        ByteBuffer[] bufs = buffers(r, true);
        int off = r.nextInt(bufs.length);
        int len = r.nextInt(bufs.length - off + 1);
        if (r.nextInt(20) == 0) {
            len = bufs.length + 1;
        }
        long n = ch.write(bufs, off, len);
        StringBuilder sb = new StringBuilder().append(n);
        for (ByteBuffer b : bufs) {
            sb.append(' ').append(b.position());
        }
        return sb.append(" pos=").append(ch.position());
    }

    private static Object scatterOp(Random r, FileChannel ch) throws Exception {
        ByteBuffer[] bufs = buffers(r, false);
        long n = ch.read(bufs, 0, bufs.length);
        StringBuilder sb = new StringBuilder().append(n);
        for (ByteBuffer b : bufs) {
            sb.append(' ').append(content(b));
        }
        return sb.append(" pos=").append(ch.position());
    }

    private static Object lockOp(Random r, FileChannel ch) throws Exception {
        long p = r.nextInt(5) == 0 ? -1 : r.nextInt(1000);
        long s = r.nextInt(1000);
        boolean shared = r.nextBoolean();
        var l = ch.tryLock(p, s, shared);
        if (l == null) {
            return "null";
        }
        String d = l.position() + "+" + l.size() + " " + l.isShared() + " " + l.isValid();
        l.release();
        return d + " " + l.isValid();
    }

    private static Object transferToOp(Random r, FileChannel ch) throws Exception {
        long p = r.nextInt(10) == 0 ? -1 : r.nextInt(30_000);
        long c = r.nextInt(20_000);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long n = ch.transferTo(p, c, java.nio.channels.Channels.newChannel(out));
        return n + " " + Arrays.hashCode(out.toByteArray()) + " pos=" + ch.position();
    }

    private static Object transferFromOp(Random r, FileChannel ch) throws Exception {
        long p = r.nextInt(10) == 0 ? -1 : r.nextInt(30_000);
        byte[] data = new byte[r.nextInt(20_000)];
        r.nextBytes(data);
        long c = r.nextInt(25_000);
        long n = ch.transferFrom(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(data)), p, c);
        return n + " pos=" + ch.position() + " size=" + ch.size();
    }

    private static Object badOp(Random r, FileChannel ch) throws Exception {
        switch (r.nextInt(5)) {
            case 0: return ch.read(ByteBuffer.allocate(4), -1 - r.nextInt(10));
            case 1: return ch.write(ByteBuffer.allocate(4), -1 - r.nextInt(10));
            case 2: return ch.read(new ByteBuffer[2], 1, 2);
            case 3: return ch.write(null, 0);
            default: return ch.truncate(-r.nextInt(10) - 1);
        }
    }

    // ---- concurrency and large offsets ----

    @Test
    void concurrentPositionalWritersMatchTheJdk() throws Exception {
        Path jdk = dir.resolve("cw-jdk");
        Path ours = dir.resolve("cw-ours");
        byte[] x = concurrentWriters(jdk);
        byte[] y = concurrentWriters(flex(ours));
        assertArrayEquals(x, y);
        assertArrayEquals(x, Files.readAllBytes(ours));
    }

    private static byte[] concurrentWriters(Path file) throws Exception {
        int threads = 8;
        int records = 400;
        int size = 64;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            runThreads(threads, t -> {
                ByteBuffer heap = ByteBuffer.allocate(size);
                ByteBuffer direct = ByteBuffer.allocateDirect(size);
                for (int i = 0; i < records; i++) {
                    ByteBuffer b = (i & 1) == 0 ? heap : direct;
                    b.clear();
                    for (int k = 0; k < size; k++) {
                        b.put((byte) (t * 31 + i + k));
                    }
                    b.flip();
                    long pos = ((long) i * threads + t) * size;
                    while (b.hasRemaining()) {
                        pos += ch.write(b, pos);
                    }
                }
            });
            ByteBuffer all = ByteBuffer.allocate((int) ch.size());
            while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
                // read all
            }
            return all.array();
        }
    }

    @Test
    void appendFromSeveralChannelsKeepsEveryRecordWhole() throws Exception {
        Path f = flex(dir.resolve("append.log"));
        Files.createFile(f);
        int threads = 6;
        int records = 300;
        runThreads(threads, t -> {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.APPEND)) {
                for (int i = 0; i < records; i++) {
                    byte[] rec = String.format("<%02d:%05d:%s>%n", t, i, "x".repeat(i % 50)).getBytes();
                    ByteBuffer b = (i & 1) == 0 ? ByteBuffer.wrap(rec) : ByteBuffer.allocateDirect(rec.length).put(rec).flip();
                    assertEquals(rec.length, ch.write(b));
                    assertTrue(ch.position() >= rec.length, "append position is the file size");
                }
            }
        });
        List<String> lines = Files.readAllLines(f);
        assertEquals(threads * records, lines.size());
        Set<String> seen = new HashSet<>(lines);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < records; i++) {
                String rec = String.format("<%02d:%05d:%s>", t, i, "x".repeat(i % 50));
                assertTrue(seen.contains(rec), rec);
            }
        }
    }

    @Test
    void truncateWhileReadingNeverShowsForeignBytes() throws Exception {
        Path f = flex(dir.resolve("trunc.bin"));
        int max = 1 << 20;
        byte[] pattern = new byte[max];
        for (int i = 0; i < max; i++) {
            pattern[i] = (byte) (i * 7 + 3);
        }
        Files.write(f, pattern);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            CountDownLatch stop = new CountDownLatch(1);
            Thread truncator = new Thread(() -> {
                Random r = new Random(7);
                try {
                    for (int k = 0; k < 300; k++) {
                        int to = r.nextInt(max);
                        ch.truncate(to);
                        ch.write(ByteBuffer.wrap(pattern, to, max - to), to);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    stop.countDown();
                }
            });
            truncator.start();
            Random r = new Random(9);
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (stop.getCount() > 0) {
                int p = r.nextInt(max);
                b.clear();
                int n = ch.read(b, p);
                for (int i = 0; i < n; i++) {
                    if (b.get(i) != pattern[p + i] && b.get(i) != 0) {
                        fail("foreign byte at " + (p + i));
                    }
                }
            }
            truncator.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertArrayEquals(pattern, Files.readAllBytes(f));
    }

    @Test
    void positionsBeyondFourGibInSparseFiles() throws Exception {
        for (Path f : new Path[] {dir.resolve("sparse-jdk"), flex(dir.resolve("sparse-ours"))}) {
            Set<OpenOption> o = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.SPARSE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            try (FileChannel ch = FileChannel.open(f, o)) {
                long p = 5L << 30;
                ch.position(p);
                assertEquals(5, ch.write(ByteBuffer.wrap("hello".getBytes())));
                assertEquals(p + 5, ch.position());
                assertEquals(p + 5, ch.size());
                assertEquals(3, ch.write(ByteBuffer.allocateDirect(3), FOUR_GIB + 1));
                ByteBuffer b = ByteBuffer.allocate(10);
                assertEquals(5, ch.read(b, p));
                assertEquals("hello", new String(b.array(), 0, 5));
                ch.truncate(FOUR_GIB + 2);
                assertEquals(FOUR_GIB + 2, ch.size());
                assertEquals(FOUR_GIB + 2, ch.position());
                b.clear();
                assertEquals(-1, ch.read(b));
            }
        }
    }

    interface ThreadBody {
        void run(int t) throws Exception;
    }

    static void runThreads(int n, ThreadBody body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] ts = new Thread[n];
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < n; t++) {
            final int id = t;
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                    body.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts[t].start();
        }
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        Objects.requireNonNull(ts);
    }
}
