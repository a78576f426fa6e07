package io.flexsc.nio.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.engine.EngineUnderTest;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.engine.TestEngines;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.SysNr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our file channel against the JDK's on what is not a regular file: pipes, FIFOs, {@code /dev/stdin}
 * (a pipe, in a child JVM), a pty, {@code /proc} files, and descriptor numbers reused after a close.
 * The same operations on both, comparing results, exceptions and bytes, on every engine available
 * here and on the ring with the adaptive choice off (every call really through the ring).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NonRegularFileTest {
    /** Threads of their own for the helpers (the common pool may have one thread on a small machine). */
    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "NonRegularFileTest-helper");
        t.setDaemon(true);
        return t;
    });

    @TempDir
    Path dir;

    private static final List<SyscallEngine> STARTED = new ArrayList<>();

    /** Every engine under test, and the ring forced (adaptive off), each started once for the class. */
    /** An engine under a label; not AutoCloseable, so that JUnit leaves it open between tests. */
    record Eng(String name, SyscallEngine engine) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Eng> engines() {
        synchronized (STARTED) {
            if (STARTED.isEmpty()) {
                for (EngineUnderTest e : TestEngines.available().toList()) {
                    STARTED.add(e.start());
                    if (e.name().equals("uring")) {
                        String old = System.getProperty("flexsc.uring.adaptive");
                        System.setProperty("flexsc.uring.adaptive", "false");
                        try {
                            STARTED.add(e.start());
                        } finally {
                            if (old == null) {
                                System.clearProperty("flexsc.uring.adaptive");
                            } else {
                                System.setProperty("flexsc.uring.adaptive", old);
                            }
                        }
                    }
                }
            }
            List<Eng> out = new ArrayList<>();
            boolean forcedSeen = false;
            for (SyscallEngine e : STARTED) {
                String label = e.name();
                if (label.equals("uring")) {
                    label = forcedSeen ? "uring-forced" : "uring";
                    forcedSeen = true;
                }
                out.add(new Eng(label, e));
            }
            return out.stream();
        }
    }

    @AfterAll
    static void closeEngines() {
        synchronized (STARTED) {
            STARTED.forEach(SyscallEngine::close);
            STARTED.clear();
        }
    }

    private static FileChannel ours(SyscallEngine engine, Path p, OpenOption... opts) throws IOException {
        return FlexFileChannel.open(engine, FileSystems.getDefault().provider(), p,
                OpenFlags.of(Set.of(opts)).forFileChannel(), 0666);
    }

    private interface Op {
        Object run() throws Exception;
    }

    /** A value or an exception's type and message, for comparing the two channels. */
    private static String outcome(Op op) {
        try {
            return "= " + op.run();
        } catch (Exception e) {
            return "! " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /** Reads until end of stream through relative reads of at most {@code chunk} bytes. */
    private static byte[] readAll(FileChannel ch, int chunk, boolean direct) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(chunk) : ByteBuffer.allocate(chunk);
        while (ch.read(b.clear()) >= 0) {
            b.flip();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a);
        }
        return out.toByteArray();
    }

    private static int[] pipe() {
        ByteBuffer fds = ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.nativeOrder());
        long r = DirectEngine.run(SysNr.PIPE2, NativeMemory.address(fds), 02000000 /* O_CLOEXEC */, 0, 0, 0, 0);
        assertEquals(0, r, "pipe2");
        return new int[] {fds.getInt(0), fds.getInt(4)};
    }

    private static void closeFd(int fd) {
        DirectEngine.run(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
    }

    private static void writeFd(int fd, byte[] data) {
        ByteBuffer b = ByteBuffer.allocateDirect(data.length).put(data);
        int off = 0;
        while (off < data.length) {
            long r = DirectEngine.run(SysNr.WRITE, fd, NativeMemory.address(b) + off, data.length - off, 0, 0, 0);
            assertTrue(r > 0, "write: " + r);
            off += (int) r;
        }
    }

    private static byte[] data(int n, int seed) {
        byte[] a = new byte[n];
        new java.util.Random(seed).nextBytes(a);
        return a;
    }

    /** Relative reads, positional read, position and size on the read end of a pipe, by path. */
    @ParameterizedTest(name = "[{0}]")
    @MethodSource("engines")
    void aPipeReadsLikeTheJdks(Eng eng) throws Exception {
        String name = eng.name();
        SyscallEngine engine = eng.engine();
        for (boolean direct : new boolean[] {false, true}) {
            String jdk = pipeScenario(direct, p -> FileChannel.open(p, StandardOpenOption.READ));
            String our = pipeScenario(direct, p -> ours(engine, p, StandardOpenOption.READ));
            assertEquals(jdk, our, name + (direct ? " direct buffers" : " heap buffers"));
        }
    }

    private interface Opener {
        FileChannel open(Path p) throws IOException;
    }

    private String pipeScenario(boolean direct, Opener opener) throws Exception {
        int[] p = pipe();
        byte[] sent = data(200_000, 7);
        StringBuilder log = new StringBuilder();
        try (FileChannel ch = opener.open(Path.of("/proc/self/fd/" + p[0]))) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                writeFd(p[1], sent);
                closeFd(p[1]);
            }, POOL);
            log.append(outcome(ch::size)).append('\n');
            log.append(outcome(ch::position)).append('\n');
            log.append(outcome(() -> ch.position(3))).append('\n');
            log.append(outcome(() -> ch.read(ByteBuffer.allocate(10), 0))).append('\n');
            byte[] got = readAll(ch, 70_000, direct);
            writer.get(30, TimeUnit.SECONDS);
            log.append("bytes ").append(Arrays.equals(sent, got)).append(' ').append(got.length).append('\n');
            log.append(outcome(() -> ch.read(ByteBuffer.allocate(10)))).append('\n');
        } finally {
            closeFd(p[0]);
        }
        return log.toString();
    }

    /** Writes to the write end of a pipe, by path, and what the reader gets. */
    @ParameterizedTest(name = "[{0}]")
    @MethodSource("engines")
    void aPipeWritesLikeTheJdks(Eng eng) throws Exception {
        String name = eng.name();
        SyscallEngine engine = eng.engine();
        String jdk = pipeWriteScenario(p -> FileChannel.open(p, StandardOpenOption.WRITE));
        String our = pipeWriteScenario(p -> ours(engine, p, StandardOpenOption.WRITE));
        assertEquals(jdk, our, name);
    }

    private String pipeWriteScenario(Opener opener) throws Exception {
        int[] p = pipe();
        byte[] sent = data(300_000, 11);
        StringBuilder log = new StringBuilder();
        try {
            CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
                try (FileChannel r = FileChannel.open(Path.of("/proc/self/fd/" + p[0]), StandardOpenOption.READ)) {
                    return readAll(r, 8192, false);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, POOL);
            try (FileChannel ch = opener.open(Path.of("/proc/self/fd/" + p[1]))) {
                closeFd(p[1]); // the channel's descriptor is the only write end left
                p[1] = -1;
                log.append(outcome(ch::position)).append('\n');
                log.append(outcome(() -> ch.write(ByteBuffer.wrap(sent, 0, 10), 0))).append('\n');
                log.append(outcome(() -> ch.write(ByteBuffer.wrap(sent, 0, 150_000)))).append('\n');
                ByteBuffer d = ByteBuffer.allocateDirect(150_000).put(sent, 150_000, 150_000).flip();
                log.append(outcome(() -> ch.write(d))).append('\n');
            }
            byte[] got = reader.get(30, TimeUnit.SECONDS);
            log.append("bytes ").append(Arrays.equals(sent, got)).append(' ').append(got.length).append('\n');
        } finally {
            closeFd(p[0]);
            if (p[1] >= 0) {
                closeFd(p[1]);
            }
        }
        return log.toString();
    }

    /**
     * A reader waiting on an empty pipe (its writer open) leaves when another thread closes the
     * channel (AsynchronousCloseException) or interrupts it (ClosedByInterruptException), as the
     * JDK's does; neither close nor interrupt waits for the pipe.
     */
    @ParameterizedTest(name = "[{0}]")
    @MethodSource("engines")
    void aReaderWaitingOnAPipeLeavesOnCloseAndInterruptLikeTheJdks(Eng eng) throws Exception {
        for (boolean interrupt : new boolean[] {false, true}) {
            String jdk = waitingReader(interrupt, p -> FileChannel.open(p, StandardOpenOption.READ));
            String our = waitingReader(interrupt, p -> ours(eng.engine(), p, StandardOpenOption.READ));
            assertEquals(jdk, our, eng.name() + (interrupt ? " interrupt" : " close"));
        }
    }

    private String waitingReader(boolean interrupt, Opener opener) throws Exception {
        int[] p = pipe();
        try (FileChannel ch = opener.open(Path.of("/proc/self/fd/" + p[0]))) {
            CompletableFuture<String> result = new CompletableFuture<>();
            Thread reader = new Thread(() -> result.complete(outcome(() -> ch.read(ByteBuffer.allocate(10)))));
            reader.start();
            awaitBlockedRead(reader);
            if (interrupt) {
                reader.interrupt();
            } else {
                ch.close();
            }
            String r = result.get(20, TimeUnit.SECONDS);
            reader.join();
            return r + " open=" + ch.isOpen();
        } finally {
            closeFd(p[0]);
            closeFd(p[1]);
        }
    }

    /** Waits until {@code t} waits in the kernel in the JDK's read or our channel's poll (or has ended). */
    private static void awaitBlockedRead(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.isAlive() && System.nanoTime() < deadline) {
            StackTraceElement[] st = t.getStackTrace();
            if (st.length > 0 && st[0].isNativeMethod() && Arrays.stream(st).anyMatch(
                    f -> f.getMethodName().equals("read0") || f.getMethodName().equals("awaitStream"))) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    private Path fifo(String name) throws Exception {
        Path f = dir.resolve(name);
        Process p = new ProcessBuilder("mkfifo", f.toString()).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo");
        return f;
    }

    /** Waits until {@code t} is inside the open of a FlexFileChannel or the JDK's (or has ended). */
    private static void awaitInOpen(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.isAlive() && System.nanoTime() < deadline) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.isNativeMethod()) {
                    return; // in the open system call (RawSyscall's native invoke, or the JDK's open0)
                }
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Opening a FIFO for writing with no reader waits for the reader, as the JDK's (on the ring an
     * open tried non-blocking said ENXIO), then the bytes pass, and the FIFO cannot seek.
     */
    @ParameterizedTest(name = "[{0}]")
    @MethodSource("engines")
    void aFifoOpenWaitsForItsOtherEndLikeTheJdks(Eng eng) throws Exception {
        String name = eng.name();
        SyscallEngine engine = eng.engine();
        String jdk = fifoScenario(fifo("jdk"), p -> FileChannel.open(p, StandardOpenOption.WRITE));
        String our = fifoScenario(fifo("our-" + name), p -> ours(engine, p, StandardOpenOption.WRITE));
        assertEquals(jdk, our, name);
        // and the reading side through our channel, the writer the JDK's
        String jdkR = fifoReadScenario(fifo("jdkr"), p -> FileChannel.open(p, StandardOpenOption.READ));
        String ourR = fifoReadScenario(fifo("ourr-" + name), p -> ours(engine, p, StandardOpenOption.READ));
        assertEquals(jdkR, ourR, name + " reading");
    }

    /**
     * Releases whoever waits in an open of {@code fifo} (an open for reading and writing never waits
     * and counts as both ends), so that a channel that does not behave fails the test instead of
     * hanging it.
     */
    private static void release(Path fifo) {
        byte[] n = (fifo + "\0").getBytes(StandardCharsets.UTF_8);
        ByteBuffer name = ByteBuffer.allocateDirect(n.length).put(n);
        long fd = DirectEngine.run(SysNr.OPENAT, -100, NativeMemory.address(name), 02 | 04000 | 02000000, 0, 0, 0);
        if (fd >= 0) {
            closeFd((int) fd);
        }
    }

    private String fifoScenario(Path fifo, Opener opener) throws Exception {
        byte[] sent = data(100_000, 3);
        StringBuilder log = new StringBuilder();
        CompletableFuture<String> writer = new CompletableFuture<>();
        Thread w = new Thread(() -> {
            try (FileChannel ch = opener.open(fifo)) {
                String s = outcome(ch::position) + "\n" + outcome(() -> ch.write(ByteBuffer.wrap(sent))) + "\n";
                writer.complete(s);
            } catch (Throwable e) {
                writer.complete("open ! " + e.getClass().getName() + ": " + e.getMessage());
            }
        });
        w.start();
        awaitInOpen(w);
        CompletableFuture<FileChannel> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return FileChannel.open(fifo, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, POOL);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!reader.isDone() && System.nanoTime() < deadline) {
            if (writer.isDone() && writer.get().startsWith("open !")) {
                release(fifo); // the reader would wait for ever for a writer that gave up
            }
            try {
                reader.get(10, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException notYet) {
                // poll again
            }
        }
        try (FileChannel r = reader.get(1, TimeUnit.SECONDS)) {
            byte[] got = readAll(r, 65536, false);
            log.append(writer.get(30, TimeUnit.SECONDS));
            log.append("bytes ").append(Arrays.equals(sent, got)).append(' ').append(got.length).append('\n');
        }
        w.join();
        return log.toString();
    }

    private String fifoReadScenario(Path fifo, Opener opener) throws Exception {
        byte[] sent = data(50_000, 5);
        Thread w = new Thread(() -> {
            try (FileChannel ch = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(sent));
            } catch (IOException e) {
                // the reader went away (a reader that did not wait for this writer): the log shows it
            }
        });
        StringBuilder log = new StringBuilder();
        CompletableFuture<FileChannel> opened = CompletableFuture.supplyAsync(() -> {
            try {
                return opener.open(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, POOL);
        // The writer starts only once the reader is inside its open: a reader that did not wait
        // for it (the ring's non-blocking open) would read end-of-file at once.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!opened.isDone() && System.nanoTime() < deadline && !inOpenSomewhere()) {
            Thread.onSpinWait();
        }
        boolean waited = !opened.isDone();
        w.start();
        try (FileChannel ch = opened.get(30, TimeUnit.SECONDS)) {
            log.append("waited ").append(waited).append('\n');
            byte[] got = readAll(ch, 4096, true);
            log.append("bytes ").append(Arrays.equals(sent, got)).append(' ').append(got.length).append('\n');
            log.append(outcome(() -> ch.read(ByteBuffer.allocate(1), 0))).append('\n');
        }
        w.join(TimeUnit.SECONDS.toMillis(5));
        while (w.isAlive()) {
            release(fifo); // a writer that came after a reader that did not wait is still in its open
            w.join(100);
        }
        return log.toString();
    }

    /** Whether some thread of this JVM is in a native frame under a channel open. */
    private static boolean inOpenSomewhere() {
        for (var e : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] st = e.getValue();
            boolean nativeTop = st.length > 0 && st[0].isNativeMethod();
            if (nativeTop && Arrays.stream(st).anyMatch(f -> f.getMethodName().equals("open")
                    && (f.getClassName().endsWith("FlexFileChannel") || f.getClassName().endsWith("UnixChannelFactory")
                        || f.getClassName().endsWith("FileChannel")))) {
                return true;
            }
        }
        return false;
    }

    /** A pty's slave, written through the master: line reads, no seeking, as the JDK's. */
    @ParameterizedTest(name = "[{0}]")
    @MethodSource("engines")
    void aPtyReadsLikeTheJdks(Eng eng) throws Exception {
        String name = eng.name();
        SyscallEngine engine = eng.engine();
        assertTrue(Files.exists(Path.of("/dev/ptmx")), "/dev/ptmx is needed");
        String jdk = ptyScenario(p -> FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
        String our = ptyScenario(p -> ours(engine, p, StandardOpenOption.READ, StandardOpenOption.WRITE));
        assertEquals(jdk, our, name);
    }

    private String ptyScenario(Opener opener) throws Exception {
        StringBuilder log = new StringBuilder();
        byte[] ptmx = "/dev/ptmx\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer name = ByteBuffer.allocateDirect(ptmx.length).put(ptmx);
        long m = DirectEngine.run(SysNr.OPENAT, -100, NativeMemory.address(name), 02 | 0400 | 02000000 /* O_RDWR|O_NOCTTY|O_CLOEXEC */, 0, 0, 0);
        assertTrue(m >= 0, "open /dev/ptmx: " + m);
        int mfd = (int) m;
        try {
            ByteBuffer arg = ByteBuffer.allocateDirect(4).order(java.nio.ByteOrder.nativeOrder());
            arg.putInt(0, 0);
            assertEquals(0, DirectEngine.run(SysNr.IOCTL, mfd, 0x40045431 /* TIOCSPTLCK */, NativeMemory.address(arg), 0, 0, 0));
            assertEquals(0, DirectEngine.run(SysNr.IOCTL, mfd, 0x80045430 /* TIOCGPTN */, NativeMemory.address(arg), 0, 0, 0));
            Path slave = Path.of("/dev/pts/" + arg.getInt(0));
            try (FileChannel ch = opener.open(slave)) {
                writeFd(mfd, "first line\nsecond\n".getBytes(StandardCharsets.US_ASCII));
                ByteBuffer b = ByteBuffer.allocate(100);
                log.append(outcome(() -> ch.read(b))).append(' ').append(text(b)).append('\n');
                ByteBuffer d = ByteBuffer.allocateDirect(100);
                log.append(outcome(() -> ch.read(d))).append(' ').append(text(d)).append('\n');
                log.append(outcome(ch::position)).append('\n');
                log.append(outcome(() -> ch.read(ByteBuffer.allocate(4), 0))).append('\n');
                log.append(outcome(() -> ch.write(ByteBuffer.wrap("out\n".getBytes(StandardCharsets.US_ASCII))))).append('\n');
                log.append(outcome(ch::size)).append('\n');
            }
        } finally {
            closeFd(mfd);
        }
        return log.toString();
    }

    private static String text(ByteBuffer b) {
        ByteBuffer d = b.duplicate().flip();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return new String(a, StandardCharsets.US_ASCII).replace("\n", "\\n");
    }

    /** The descriptor number of our file channel. */
    private static int fdOf(FileChannel ch) throws Exception {
        java.lang.reflect.Field f = FlexFileChannel.class.getDeclaredField("fd");
        f.setAccessible(true);
        return f.getInt(ch);
    }

    /** /proc files: size 0, content read until end, positional reads, as the JDK's. */
    @ParameterizedTest(name = "[{0}]")
    @MethodSource("engines")
    void procFilesReadLikeTheJdks(Eng eng) throws Exception {
        String name = eng.name();
        SyscallEngine engine = eng.engine();
        for (String f : new String[] {"/proc/self/cmdline", "/proc/version", "/proc/self/limits", "/proc/cpuinfo"}) {
            Path p = Path.of(f);
            String jdk = procScenario(FileChannel.open(p, StandardOpenOption.READ));
            String our = procScenario(ours(engine, p, StandardOpenOption.READ));
            assertEquals(jdk, our, name + " " + f);
        }
    }

    private static String procScenario(FileChannel ch) throws Exception {
        try (ch) {
            StringBuilder log = new StringBuilder();
            log.append(outcome(ch::size)).append('\n');
            byte[] all = readAll(ch, 1000, false);
            log.append(all.length).append(' ').append(Arrays.hashCode(all)).append('\n');
            log.append(outcome(ch::position)).append('\n');
            ByteBuffer b = ByteBuffer.allocateDirect(20);
            log.append(outcome(() -> ch.read(b, 5))).append(' ').append(text(b)).append('\n');
            log.append(outcome(() -> ch.position(0).read(ByteBuffer.allocate(7)))).append('\n');
            return log.toString();
        }
    }

    /**
     * A descriptor number reused after a close: the closed channel says closed and touches nothing;
     * a pipe channel now on the same number reads and seeks as a pipe (nothing learnt of the old file
     * is kept), and a file channel on it again as a file.
     */
    @ParameterizedTest(name = "[{0}]")
    @MethodSource("engines")
    void aReusedDescriptorNumberIsANewFile(Eng eng) throws Exception {
        String name = eng.name();
        SyscallEngine engine = eng.engine();
        Path file = dir.resolve("reuse-" + name);
        Files.write(file, data(10_000, 1));
        FileChannel first = ours(engine, file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        int n = fdOf(first);
        assertEquals(100, first.write(ByteBuffer.wrap(data(100, 2)), 50));
        first.read(ByteBuffer.allocate(10));
        first.close();
        int[] p = pipe(); // takes the lowest free numbers: the one just freed
        try {
            assertTrue(p[0] == n || p[1] == n, "the pipe reuses descriptor " + n + ": " + Arrays.toString(p));
            int other = p[0] == n ? p[1] : p[0];
            // the old channel: closed, and the pipe untouched
            assertEquals("! " + ClosedChannelException.class.getName() + ": null",
                    outcome(() -> first.write(ByteBuffer.wrap(new byte[] {1}), 0)));
            assertEquals("! " + ClosedChannelException.class.getName() + ": null",
                    outcome(() -> first.read(ByteBuffer.allocate(1))));
            // a channel on the pipe end that has the old number, through our channel and the JDK's
            if (p[0] == n) {
                writeFd(other, "abc".getBytes(StandardCharsets.US_ASCII));
                closeFd(other);
                p[1] = -1;
            }
            String jdk;
            String our;
            try (FileChannel j = FileChannel.open(Path.of("/proc/self/fd/" + n), p[0] == n ? StandardOpenOption.READ : StandardOpenOption.WRITE);
                 FileChannel o = ours(engine, Path.of("/proc/self/fd/" + n), p[0] == n ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
                jdk = outcome(j::position) + outcome(() -> j.read(ByteBuffer.allocate(1), 0));
                our = outcome(o::position) + outcome(() -> o.read(ByteBuffer.allocate(1), 0));
                if (p[0] == n) {
                    ByteBuffer b = ByteBuffer.allocate(10);
                    our += outcome(() -> o.read(b)) + text(b);
                    jdk += "= 3abc";
                } else {
                    our += outcome(() -> o.write(ByteBuffer.wrap(new byte[] {9})));
                    jdk += "= 1";
                }
            }
            assertEquals(jdk, our, name);
        } finally {
            closeFd(p[0]);
            if (p[1] >= 0) {
                closeFd(p[1]);
            }
        }
        // and a file channel on a reused number is a file again
        try (FileChannel again = ours(engine, file, StandardOpenOption.READ)) {
            assertEquals(10, again.read(ByteBuffer.allocate(10), 0));
            assertEquals(0, again.position());
            assertEquals(10_000, again.size());
        }
    }

    /**
     * {@code Files.readAllBytes(Path.of("/dev/stdin"))} with a pipe on stdin, in a child JVM with our
     * provider as the default, on each engine and the forced ring, gives the bytes the JDK's does.
     */
    @Test
    void devStdinWithAPipeReadsLikeTheJdks() throws Exception {
        byte[] input = data(300_000, 9);
        String expected = stdinChild(input);
        assertTrue(expected.contains("read " + input.length + " "), expected);
        List<String[]> runs = new ArrayList<>();
        for (EngineUnderTest e : TestEngines.available().toList()) {
            runs.add(new String[] {"-Dflexsc.engine=" + e.name()});
            if (e.name().equals("uring")) {
                runs.add(new String[] {"-Dflexsc.engine=uring", "-Dflexsc.uring.adaptive=false"});
            }
        }
        for (String[] engineArgs : runs) {
            List<String> args = new ArrayList<>(List.of(engineArgs));
            args.add("-Djava.nio.file.spi.DefaultFileSystemProvider=" + FlexFileSystemProvider.class.getName());
            String got = stdinChild(input, args.toArray(new String[0]));
            assertTrue(got.contains("provider " + FlexFileSystemProvider.class.getName()), got);
            assertEquals(expected.lines().filter(l -> l.startsWith("read ")).toList(),
                    got.lines().filter(l -> l.startsWith("read ")).toList(), String.join(" ", engineArgs) + ": " + got);
        }
    }

    private String stdinChild(byte[] input, String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(StdinProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, POOL);
        IOException writeFailed = null;
        try (OutputStream in = p.getOutputStream()) {
            in.write(input);
        } catch (IOException e) {
            writeFailed = e; // the child left before reading it all: its output says why
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String text = new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        if (writeFailed != null) {
            throw new AssertionError("the child " + String.join(" ", jvmArgs) + " stopped reading its stdin: "
                    + writeFailed + "\n--- its output:\n" + text, writeFailed);
        }
        return text;
    }

    /** Child JVM: reads all of /dev/stdin through Files.readAllBytes and prints its length and hash. */
    public static final class StdinProbe {
        public static void main(String[] args) throws Exception {
            System.out.println("provider " + FileSystems.getDefault().provider().getClass().getName());
            try {
                byte[] all = Files.readAllBytes(Path.of("/dev/stdin"));
                System.out.println("read " + all.length + " " + Arrays.hashCode(all));
            } catch (IOException e) {
                System.out.println("read ! " + e);
            }
        }
    }
}
