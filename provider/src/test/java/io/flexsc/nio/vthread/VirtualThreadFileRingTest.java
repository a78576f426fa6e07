package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.uring.PortAccess;
import io.flexsc.nio.fs.FlexFileSystemProvider;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * File I/O from virtual threads on the uring engine goes through the engine's port (issue 19,
 * part 3): the call is posted, the virtual thread parks with its carrier free, and the completion
 * unparks it. Shown by holding the port's completions: the callers stay parked with their calls in
 * the kernel while other virtual threads run; an interrupt or a close then cancels, and the caller
 * still waits for its call's completion before it returns (its buffer is the kernel's until then).
 * The bytes and results are the JDK's channel's, for every transfer shape.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualThreadFileRingTest {
    private static final int N = Math.max(16, 4 * VThreads.carriers());

    @TempDir
    Path dir;

    private FileSystem fs;
    private CallPort port;

    @BeforeEach
    void setUp() {
        FlexFileSystemProvider fsp = new FlexFileSystemProvider(FileSystems.getDefault().provider());
        fs = fsp.getFileSystem(URI.create("file:///"));
        port = PortAccess.sharedUringPort();
        assertEquals(VtCalls.Mode.ALL, VtCalls.mode(), "the default mode posts file I/O (and readiness waits)");
    }

    @AfterEach
    void release() {
        if (port != null) {
            PortAccess.holdCompletions(port, false);
        }
    }

    private Path ours(Path p) {
        return fs.getPath(p.toString());
    }

    /** Runs {@code body} in a virtual thread and rethrows what it threw. */
    private static void inVirtual(ThrowingRunnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = VThreads.start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join(60_000);
        assertFalse(t.isAlive(), "the virtual thread finished");
        if (failure.get() instanceof Exception) {
            throw (Exception) failure.get();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The same transfers on our channel and on the JDK's, in a virtual thread: results and bytes equal. */
    @Test
    void transfersAreTheJdks() throws Exception {
        long postedBefore = port.stats().getCalls();
        Path a = dir.resolve("ours.bin");
        Path b = dir.resolve("jdk.bin");
        AtomicInteger ops = new AtomicInteger();
        inVirtual(() -> {
            try (FileChannel our = FileChannel.open(ours(a), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileChannel jdk = FileChannel.open(b, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                Random rnd = new Random(19);
                for (int round = 0; round < 40; round++) {
                    int len = round == 7 ? 3 * 1024 * 1024 + 17 : 1 + rnd.nextInt(70_000); // one beyond the 1 MiB scratch
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    boolean direct = rnd.nextBoolean();
                    long pos = rnd.nextInt(200_000);
                    switch (round % 4) {
                        case 0: // relative write
                            assertEquals(jdk.write(buf(data, direct)), our.write(buf(data, direct)), "relative write " + round);
                            break;
                        case 1: // positional write
                            assertEquals(jdk.write(buf(data, direct), pos), our.write(buf(data, direct), pos), "positional write " + round);
                            break;
                        case 2: { // gather write
                            ByteBuffer[] x = split(data, direct);
                            ByteBuffer[] y = split(data, direct);
                            assertEquals(jdk.write(x), our.write(y), "gather write " + round);
                            break;
                        }
                        default: // no transfer
                            assertEquals(jdk.position(pos).position(), our.position(pos).position());
                            ops.decrementAndGet();
                            break;
                    }
                    ops.incrementAndGet();
                    assertEquals(jdk.position(), our.position(), "position after round " + round);
                    assertEquals(jdk.size(), our.size(), "size after round " + round);
                    // reads of every shape at a random place, and past the end
                    long at = rnd.nextInt((int) Math.max(1, jdk.size() + 100));
                    int n = 1 + rnd.nextInt(100_000);
                    ByteBuffer x = alloc(n, direct);
                    ByteBuffer y = alloc(n, direct);
                    assertEquals(jdk.read(x, at), our.read(y, at), "positional read " + round);
                    assertEquals(flip(x), flip(y), "positional read bytes " + round);
                    jdk.position(at);
                    our.position(at);
                    ByteBuffer[] xs = {alloc(n / 3, direct), alloc(n, !direct), alloc(7, direct)};
                    ByteBuffer[] ys = {alloc(n / 3, direct), alloc(n, !direct), alloc(7, direct)};
                    assertEquals(jdk.read(xs), our.read(ys), "scatter read " + round);
                    for (int i = 0; i < xs.length; i++) {
                        assertEquals(flip(xs[i]), flip(ys[i]), "scatter read bytes " + round + "/" + i);
                    }
                    x = alloc(n, !direct);
                    y = alloc(n, !direct);
                    assertEquals(jdk.read(x), our.read(y), "relative read " + round);
                    assertEquals(flip(x), flip(y), "relative read bytes " + round);
                    assertEquals(jdk.position(), our.position(), "position after reads " + round);
                    ops.addAndGet(3);
                }
                our.force(false);
            }
            try (FileChannel our = FileChannel.open(ours(a), StandardOpenOption.APPEND);
                 FileChannel jdk = FileChannel.open(b, StandardOpenOption.APPEND)) {
                byte[] tail = "appended in a virtual thread".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                assertEquals(jdk.write(buf(tail, false)), our.write(buf(tail, false)), "append");
                assertEquals(jdk.write(buf(tail, true), 3), our.write(buf(tail, true), 3), "positional write in append mode");
                ops.addAndGet(2);
            }
        });
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a), "the files' bytes");
        long posted = port.stats().getCalls() - postedBefore;
        assertTrue(posted >= ops.get(), "the transfers went through the port: " + posted + " posted for " + ops.get() + " operations");
    }

    private static ByteBuffer alloc(int n, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
    }

    private static ByteBuffer buf(byte[] data, boolean direct) {
        ByteBuffer b = alloc(data.length, direct);
        b.put(data).flip();
        return b;
    }

    private static ByteBuffer[] split(byte[] data, boolean direct) {
        int a = data.length / 3;
        ByteBuffer[] r = new ByteBuffer[3];
        r[0] = alloc(a, direct).put(data, 0, a).flip();
        r[1] = alloc(a, !direct).put(data, a, a).flip();
        r[2] = alloc(data.length - 2 * a, direct).put(data, 2 * a, data.length - 2 * a).flip();
        return r;
    }

    private static ByteBuffer flip(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        d.flip();
        return d;
    }

    /**
     * More virtual threads than carriers, each with a read or write in the kernel (their
     * completions held in the port's CQ): all parked, and another virtual thread runs meanwhile;
     * released, each has the right result.
     */
    @Test
    void parkedWhileTheirCallsAreInTheKernel() throws Exception {
        Path f = dir.resolve("data.bin");
        byte[] data = new byte[N * 4096];
        new Random(1).nextBytes(data);
        Files.write(f, data);
        Thread[] threads = new Thread[N];
        Object[] results = new Object[N];
        try (FileChannel ch = FileChannel.open(ours(f), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int before = PortAccess.inflight(port);
            PortAccess.holdCompletions(port, true);
            for (int i = 0; i < N; i++) {
                int k = i;
                threads[i] = VThreads.start(() -> {
                    try {
                        if (k % 2 == 0) {
                            ByteBuffer b = k % 4 == 0 ? ByteBuffer.allocate(4096) : ByteBuffer.allocateDirect(4096);
                            int n = ch.read(b, k * 4096L);
                            results[k] = n == 4096 ? flip(b) : "read " + n;
                        } else {
                            byte[] x = new byte[4096];
                            java.util.Arrays.fill(x, (byte) k);
                            results[k] = ch.write(k % 4 == 1 ? ByteBuffer.wrap(x) : buf(x, true), k * 4096L);
                        }
                    } catch (Throwable e) {
                        results[k] = e;
                    }
                });
            }
            VThreads.awaitTrue(() -> PortAccess.inflight(port) - before >= N && VThreads.allParked(threads), 20_000,
                    N + " virtual threads parked with their calls in the kernel (in flight: " + PortAccess.inflight(port) + ")");
            CountDownLatch progress = new CountDownLatch(1);
            VThreads.start(progress::countDown);
            assertTrue(progress.await(20, TimeUnit.SECONDS), "another virtual thread ran while " + N + " had file I/O in the kernel");
            for (Thread t : threads) {
                assertTrue(t.isAlive(), "a caller returns only once its completion is reaped");
            }
            PortAccess.holdCompletions(port, false);
            for (Thread t : threads) {
                t.join(30_000);
                assertFalse(t.isAlive(), "released: " + t.getState());
            }
        }
        byte[] now = Files.readAllBytes(f);
        for (int k = 0; k < N; k++) {
            if (k % 2 == 0) {
                assertEquals(ByteBuffer.wrap(data, k * 4096, 4096), results[k], "read " + k);
            } else {
                assertEquals(4096, results[k], "write " + k);
                for (int j = 0; j < 4096; j++) {
                    assertEquals((byte) k, now[k * 4096 + j], "written byte " + k + "/" + j);
                }
            }
        }
    }

    /**
     * An interrupt during a posted read closes the channel (ClosedByInterruptException, the
     * interrupt status kept), but the reader returns only after its call's completion: the
     * kernel may write into its (scratch) buffer until then.
     */
    @Test
    void interruptWaitsForTheCompletion() throws Exception {
        Path f = dir.resolve("i.bin");
        Files.write(f, new byte[8192]);
        FileChannel ch = FileChannel.open(ours(f), StandardOpenOption.READ);
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        PortAccess.holdCompletions(port, true);
        int before = PortAccess.inflight(port);
        Thread reader = VThreads.start(() -> {
            try {
                result.set(ch.read(ByteBuffer.allocate(8192), 0));
            } catch (Throwable e) {
                result.set(e);
            }
            flag.set(Thread.currentThread().isInterrupted());
        });
        VThreads.awaitTrue(() -> PortAccess.inflight(port) > before && reader.getState() == Thread.State.WAITING, 20_000,
                "the read posted and its reader parked");
        long enters = port.stats().getBatches();
        // The interrupt closes the channel, which waits for the read: from a thread of its own.
        Thread interrupter = new Thread(reader::interrupt, "interrupter");
        interrupter.start();
        VThreads.awaitTrue(() -> !ch.isOpen() && port.stats().getBatches() > enters, 20_000,
                "the interrupt closed the channel and the reader posted a cancel");
        assertTrue(reader.isAlive(), "the reader waits for its completion after the cancel: " + result.get());
        assertTrue(interrupter.isAlive(), "close waits for the read");
        PortAccess.holdCompletions(port, false);
        reader.join(30_000);
        interrupter.join(30_000);
        assertFalse(reader.isAlive() || interrupter.isAlive(), "both finish once the completion is reaped");
        assertInstanceOf(ClosedByInterruptException.class, result.get());
        assertTrue(flag.get(), "the interrupt status is kept");
    }

    /**
     * A close during a posted read: the reader is woken, cancels, and waits for the completion; the
     * read had completed in the kernel, so it reports its bytes (as the JDK's reports a read that
     * completed before the close), and the close returns after it.
     */
    @Test
    void closeWaitsForTheCompletionAndTheResultCounts() throws Exception {
        Path f = dir.resolve("c.bin");
        byte[] data = new byte[5000];
        new Random(2).nextBytes(data);
        Files.write(f, data);
        FileChannel ch = FileChannel.open(ours(f), StandardOpenOption.READ);
        AtomicReference<Object> result = new AtomicReference<>();
        PortAccess.holdCompletions(port, true);
        int before = PortAccess.inflight(port);
        Thread reader = VThreads.start(() -> {
            try {
                ByteBuffer b = ByteBuffer.allocateDirect(8192);
                int n = ch.read(b);
                result.set(n == data.length ? flip(b) : n);
            } catch (Throwable e) {
                result.set(e);
            }
        });
        VThreads.awaitTrue(() -> PortAccess.inflight(port) > before && reader.getState() == Thread.State.WAITING, 20_000,
                "the read posted and its reader parked");
        long enters = port.stats().getBatches();
        Thread closer = new Thread(() -> {
            try {
                ch.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "closer");
        closer.start();
        VThreads.awaitTrue(() -> port.stats().getBatches() > enters, 20_000, "the reader posted a cancel");
        assertTrue(reader.isAlive() && closer.isAlive(), "reader and close wait for the completion");
        PortAccess.holdCompletions(port, false);
        reader.join(30_000);
        closer.join(30_000);
        assertFalse(reader.isAlive() || closer.isAlive(), "both finish once the completion is reaped");
        assertEquals(ByteBuffer.wrap(data), result.get(), "the completed read's bytes");
        assertFalse(ch.isOpen());
    }

    /** Many virtual threads at once, each reading and writing its own region: every byte as written. */
    @Test
    void manyVirtualThreadsReadAndWrite() throws Exception {
        Path f = dir.resolve("many.bin");
        int threads = 200;
        int block = 3000;
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (FileChannel ch = FileChannel.open(ours(f), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Thread[] ts = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                int k = i;
                ts[i] = VThreads.start(() -> {
                    try {
                        byte[] x = new byte[block];
                        for (int round = 0; round < 20; round++) {
                            java.util.Arrays.fill(x, (byte) (k + round));
                            assertEquals(block, ch.write(ByteBuffer.wrap(x), (long) k * block));
                            ByteBuffer back = ByteBuffer.allocate(block);
                            assertEquals(block, ch.read(back, (long) k * block));
                            assertArrayEquals(x, back.array(), "thread " + k + " round " + round);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
            }
            for (Thread t : ts) {
                t.join(60_000);
                assertFalse(t.isAlive());
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.get(0));
    }

    /** The control's channel (a class of its own: setting a field of PinControl would initialize it). */
    static final class PinChannel {
        static FileChannel channel;
    }

    /** A virtual thread initializing it reads through our channel in its initializer: a pinned park (the control). */
    static final class PinControl {
        static {
            try {
                PinChannel.channel.read(ByteBuffer.allocate(16), 0);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        static void touch() {
            // initializes the class
        }
    }

    /**
     * JFR's {@code jdk.VirtualThreadPinned} (threshold 0) records no pinned park in our frames while
     * many virtual threads do file I/O through the port; a control that parks in our file read from
     * inside a class initializer (which pins on every JDK) is recorded, so the check is seen to work.
     */
    @Test
    void noPinnedParkInOurFrames() throws Exception {
        Path f = dir.resolve("pin.bin");
        Files.write(f, new byte[64 * 1024]);
        try (FileChannel ch = FileChannel.open(ours(f), StandardOpenOption.READ, StandardOpenOption.WRITE);
             jdk.jfr.Recording rec = new jdk.jfr.Recording()) {
            // warm up: class initialization at first use is not what is checked
            inVirtual(() -> ch.read(ByteBuffer.allocate(16), 0));
            rec.enable("jdk.VirtualThreadPinned").withThreshold(java.time.Duration.ZERO).withStackTrace();
            rec.start();
            PinChannel.channel = ch;
            PortAccess.holdCompletions(port, true); // the control's read stays parked until released
            int before = PortAccess.inflight(port);
            Thread control = VThreads.start(PinControl::touch);
            VThreads.awaitTrue(() -> PortAccess.inflight(port) > before && control.getState() == Thread.State.WAITING, 20_000,
                    "the control's read posted and the control parked (pinned)");
            PortAccess.holdCompletions(port, false);
            control.join(30_000);
            Thread[] ts = new Thread[100];
            for (int i = 0; i < ts.length; i++) {
                int k = i;
                ts[i] = VThreads.start(() -> {
                    try {
                        for (int j = 0; j < 20; j++) {
                            ch.write(ByteBuffer.wrap(new byte[512]), (k * 20L + j) % 128 * 512);
                            ch.read(ByteBuffer.allocateDirect(512), (k * 20L + j) % 128 * 512);
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            for (Thread t : ts) {
                t.join(60_000);
                assertFalse(t.isAlive());
            }
            rec.stop();
            Path file = dir.resolve("pinned.jfr");
            rec.dump(file);
            int controlEvents = 0;
            List<String> ours = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            for (jdk.jfr.consumer.RecordedEvent e : jdk.jfr.consumer.RecordingFile.readAllEvents(file)) {
                if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned") || e.getStackTrace() == null) {
                    continue;
                }
                // the pinned reason names the class initializer (JDK 24+): the recorded stack may be cut short
                boolean isControl = e.hasField("pinnedReason")
                        && String.valueOf(e.getString("pinnedReason")).contains(PinControl.class.getName());
                boolean inMain = false;
                for (jdk.jfr.consumer.RecordedFrame fr : e.getStackTrace().getFrames()) {
                    String cls = fr.getMethod().getType().getName();
                    isControl |= cls.startsWith(PinControl.class.getName());
                    inMain |= cls.startsWith("io.flexsc.nio.") && !cls.startsWith(VirtualThreadFileRingTest.class.getName());
                }
                seen.add(e.toString());
                if (isControl && inMain) {
                    controlEvents++;
                } else if (inMain) {
                    ours.add(e.toString());
                }
            }
            assertTrue(controlEvents >= 1, () -> "the control's pinned park in our file read was recorded; pinned events: " + seen);
            assertTrue(ours.isEmpty(), () -> ours.size() + " pinned parks in our code, first: " + ours.get(0));
        }
    }
}
