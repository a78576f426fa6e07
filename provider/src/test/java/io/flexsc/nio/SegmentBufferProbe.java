package io.flexsc.nio;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child JVM's main (JDK 22+): file, socket, datagram and pipe I/O with buffers over segments of
 * arenas ({@code Arena.ofShared()}, {@code ofConfined()}, {@code global()}, {@code ofAuto()}),
 * printing {@code <case>=<result or exception class>}; run on the JDK's providers and on ours, the
 * outputs must be equal. Then, with {@code stress} as second argument, other threads close shared
 * arenas while large writes and reads use their buffers: every byte that arrives must be right and the
 * JVM must not crash. Reflection, since the tests compile for 17.
 */
public final class SegmentBufferProbe {
    private SegmentBufferProbe() {}

    private static Class<?> arenaClass;
    private static Method allocate;
    private static Method asByteBuffer;

    public static void main(String[] args) throws Throwable {
        Path dir = Path.of(args[0]);
        arenaClass = Class.forName("java.lang.foreign.Arena");
        allocate = arenaClass.getMethod("allocate", long.class);
        asByteBuffer = Class.forName("java.lang.foreign.MemorySegment").getMethod("asByteBuffer");
        if (args.length > 1 && args[1].equals("stress")) {
            stress(dir, Long.parseLong(args[2]));
            return;
        }
        files(dir);
        sockets();
        datagrams();
        pipes();
    }

    // ---- arenas ----

    private static AutoCloseable arena(String kind) throws Exception {
        return (AutoCloseable) arenaClass.getMethod(kind).invoke(null);
    }

    private static ByteBuffer buffer(Object arena, int size) throws Exception {
        return (ByteBuffer) asByteBuffer.invoke(allocate.invoke(arena, (long) size));
    }

    private static ByteBuffer text(Object arena, String s) throws Exception {
        ByteBuffer b = buffer(arena, s.length());
        for (int i = 0; i < s.length(); i++) {
            b.put(i, (byte) s.charAt(i));
        }
        return b;
    }

    private static String text(ByteBuffer b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.position(); i++) {
            sb.append((char) b.get(i));
        }
        return sb.toString();
    }

    // ---- printing ----

    interface Attempt {
        Object run() throws Throwable;
    }

    private static void print(String key, Attempt a) {
        String v;
        try {
            Object r = a.run();
            v = "ok " + r;
        } catch (Throwable t) {
            Throwable c = t instanceof InvocationTargetException ? t.getCause() : t;
            v = c.getClass().getName();
        }
        System.out.println(key + "=" + v);
    }

    /** Runs {@code a} in another thread (a confined arena's buffer used there). */
    private static Object inOtherThread(Attempt a) throws Throwable {
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(a.run());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    // ---- the cases ----

    private static void files(Path dir) throws Throwable {
        Path f = dir.resolve("file.bin");
        for (String kind : new String[] {"ofShared", "ofConfined", "global", "ofAuto"}) {
            Files.deleteIfExists(f);
            AutoCloseable arena = arena(kind);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                print("file." + kind + ".write", () -> ch.write(text(arena, "hello, ")));
                print("file." + kind + ".gather", () -> ch.write(new ByteBuffer[] {text(arena, "seg"),
                        ByteBuffer.wrap("heap".getBytes()), ByteBuffer.allocateDirect(3).put(0, (byte) '!'), text(arena, "end")}));
                print("file." + kind + ".pwrite", () -> ch.write(text(arena, "P"), 20));
                print("file." + kind + ".content", () -> new String(Files.readAllBytes(f)).replace('\0', '_'));
                print("file." + kind + ".read", () -> {
                    ByteBuffer b = buffer(arena, 8);
                    return ch.read(b, 0) + " " + text(b);
                });
                print("file." + kind + ".scatter", () -> {
                    ByteBuffer a = buffer(arena, 3);
                    ByteBuffer h = ByteBuffer.allocate(4);
                    ByteBuffer c = buffer(arena, 30);
                    ch.position(0);
                    long n = ch.read(new ByteBuffer[] {a, h, c});
                    return n + " " + text(a) + "|" + text(h) + "|" + text(c).replace('\0', '_') + " pos " + ch.position();
                });
                if (kind.equals("ofConfined")) {
                    ByteBuffer mine = text(arena, "xyz");
                    print("file.otherThread.write", () -> inOtherThread(() -> ch.write(mine.duplicate(), 0)));
                    print("file.otherThread.read", () -> inOtherThread(() -> ch.read(mine.duplicate(), 0)));
                    print("file.otherThread.gather", () -> inOtherThread(() -> ch.write(
                            new ByteBuffer[] {ByteBuffer.wrap("a".getBytes()), mine.duplicate()})));
                    print("file.otherThread.content", () -> new String(Files.readAllBytes(f)).replace('\0', '_'));
                }
                if (!kind.equals("global") && !kind.equals("ofAuto")) {
                    ByteBuffer w = text(arena, "late");
                    ByteBuffer r = buffer(arena, 4);
                    arena.close();
                    print("file." + kind + ".closed.write", () -> ch.write(w));
                    print("file." + kind + ".closed.read", () -> ch.read(r, 0));
                    print("file." + kind + ".closed.gather", () -> ch.write(new ByteBuffer[] {ByteBuffer.wrap("a".getBytes()), w}));
                    print("file." + kind + ".closed.scatter", () -> ch.read(new ByteBuffer[] {ByteBuffer.allocate(1), r}, 0, 2));
                    print("file." + kind + ".closed.position", ch::position);
                    print("file." + kind + ".closed.empty", () -> ch.write(w.duplicate().limit(0)));
                }
            }
        }
    }

    private static void sockets() throws Throwable {
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            for (String kind : new String[] {"ofShared", "ofConfined"}) {
                AutoCloseable arena = arena(kind);
                try (SocketChannel c = SocketChannel.open(ss.getLocalAddress()); SocketChannel s = ss.accept()) {
                    print("socket." + kind + ".write", () -> c.write(text(arena, "ping")));
                    print("socket." + kind + ".read", () -> {
                        ByteBuffer b = buffer(arena, 16);
                        return s.read(b) + " " + text(b);
                    });
                    print("socket." + kind + ".gather", () -> c.write(new ByteBuffer[] {text(arena, "ab"),
                            ByteBuffer.wrap("cd".getBytes()), text(arena, "ef")}));
                    print("socket." + kind + ".scatter", () -> {
                        ByteBuffer a = buffer(arena, 3);
                        ByteBuffer h = ByteBuffer.allocate(1);
                        ByteBuffer z = buffer(arena, 8);
                        long n = 0;
                        while (n < 6) {
                            n += s.read(new ByteBuffer[] {a, h, z});
                        }
                        return n + " " + text(a) + "|" + text(h) + "|" + text(z);
                    });
                    if (kind.equals("ofConfined")) {
                        ByteBuffer mine = text(arena, "xyz");
                        print("socket.otherThread.write", () -> inOtherThread(() -> c.write(mine.duplicate())));
                        print("socket.otherThread.gather", () -> inOtherThread(() -> c.write(
                                new ByteBuffer[] {mine.duplicate(), ByteBuffer.wrap("a".getBytes())})));
                        c.write(ByteBuffer.wrap("q".getBytes()));
                        print("socket.otherThread.read", () -> inOtherThread(() -> s.read(buffer(arena(
                                "ofAuto"), 0).duplicate()) + " " + s.read(mine.duplicate().clear())));
                        print("socket.otherThread.read2", () -> inOtherThread(() -> s.read(mine.duplicate().clear())));
                        print("socket.otherThread.left", () -> {
                            ByteBuffer b = ByteBuffer.allocate(8);
                            return s.read(b) + " " + text(b);
                        });
                    }
                    ByteBuffer w = text(arena, "late");
                    ByteBuffer r = buffer(arena, 4);
                    arena.close();
                    print("socket." + kind + ".closed.write", () -> c.write(w));
                    print("socket." + kind + ".closed.gather", () -> c.write(new ByteBuffer[] {w, ByteBuffer.wrap("a".getBytes())}));
                    c.write(ByteBuffer.wrap("z".getBytes()));
                    print("socket." + kind + ".closed.read", () -> s.read(r));
                    print("socket." + kind + ".closed.scatter", () -> s.read(new ByteBuffer[] {r, ByteBuffer.allocate(1)}));
                    print("socket." + kind + ".closed.left", () -> {
                        ByteBuffer b = ByteBuffer.allocate(8);
                        return s.read(b) + " " + text(b);
                    });
                }
            }
        }
    }

    private static void datagrams() throws Throwable {
        try (DatagramChannel a = DatagramChannel.open(); DatagramChannel b = DatagramChannel.open()) {
            a.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AutoCloseable arena = arena("ofShared");
            print("datagram.send", () -> a.send(text(arena, "dgram"), b.getLocalAddress()));
            print("datagram.receive", () -> {
                ByteBuffer d = buffer(arena, 16);
                return (b.receive(d) != null) + " " + text(d);
            });
            a.connect(b.getLocalAddress());
            b.connect(a.getLocalAddress());
            print("datagram.write", () -> a.write(text(arena, "conn")));
            print("datagram.read", () -> {
                ByteBuffer d = buffer(arena, 16);
                return b.read(d) + " " + text(d);
            });
            print("datagram.gather", () -> a.write(new ByteBuffer[] {text(arena, "g1"), ByteBuffer.wrap("-".getBytes()), text(arena, "g2")}));
            print("datagram.scatter", () -> {
                ByteBuffer x = buffer(arena, 2);
                ByteBuffer y = buffer(arena, 8);
                return b.read(new ByteBuffer[] {x, y}) + " " + text(x) + "|" + text(y);
            });
            ByteBuffer w = text(arena, "late");
            ByteBuffer r = buffer(arena, 8);
            arena.close();
            print("datagram.closed.send", () -> a.send(w, b.getLocalAddress()));
            print("datagram.closed.write", () -> a.write(w));
            a.write(ByteBuffer.wrap("ok".getBytes()));
            print("datagram.closed.receive", () -> b.receive(r));
            print("datagram.closed.read", () -> b.read(r));
            print("datagram.closed.left", () -> {
                ByteBuffer d = ByteBuffer.allocate(8);
                return b.read(d) + " " + text(d);
            });
        }
    }

    private static void pipes() throws Throwable {
        Pipe p = Pipe.open();
        try (Pipe.SinkChannel sink = p.sink(); Pipe.SourceChannel source = p.source()) {
            AutoCloseable arena = arena("ofShared");
            print("pipe.write", () -> sink.write(text(arena, "pipe")));
            print("pipe.read", () -> {
                ByteBuffer d = buffer(arena, 16);
                return source.read(d) + " " + text(d);
            });
            ByteBuffer w = text(arena, "late");
            arena.close();
            print("pipe.closed.write", () -> sink.write(w));
            print("pipe.closed.gather", () -> sink.write(new ByteBuffer[] {ByteBuffer.wrap("a".getBytes()), w}));
        }
    }

    // ---- the stress ----

    private static final int BIG = 4 << 20;

    /** The byte at stream offset {@code off}. */
    private static byte at(long off) {
        return (byte) (off % 251);
    }

    /**
     * For {@code millis}: a writer sends a socket stream from 4 MiB shared-arena buffers (and writes a
     * file from them) while a closer closes each arena at some point; a reader reads the stream into
     * shared-arena buffers that are closed under it too. Every byte that arrives must be the stream's.
     */
    private static void stress(Path dir, long millis) throws Throwable {
        long end = System.nanoTime() + millis * 1_000_000L;
        AtomicLong closedDuring = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel c = SocketChannel.open(ss.getLocalAddress());
            SocketChannel s = ss.accept();
            Thread reader = new Thread(() -> {
                try {
                    long expectNext = -1; // the next byte's value, when known
                    for (;;) {
                        AutoCloseable arena = arena("ofShared");
                        ByteBuffer b = buffer(arena, BIG);
                        CountDownLatch go = new CountDownLatch(1);
                        Thread closer = closer(arena, go);
                        go.countDown();
                        int n;
                        try {
                            n = s.read(b);
                        } catch (IllegalStateException e) {
                            closedUnder(closedDuring);
                            expectNext = -1; // bytes taken by the read are lost with its buffer
                            closer.join();
                            continue;
                        }
                        if (n < 0) {
                            closer.join();
                            return;
                        }
                        // check what arrived while the arena may be closing: copy out under its scope
                        byte[] got = new byte[n];
                        try {
                            b.get(0, got);
                        } catch (IllegalStateException e) {
                            closedUnder(closedDuring);
                            expectNext = -1;
                            closer.join();
                            continue;
                        }
                        closer.join();
                        for (int i = 0; i < n; i++) {
                            int v = got[i] & 0xff;
                            if (expectNext >= 0 && v != expectNext) {
                                throw new AssertionError("byte " + (received.get() + i) + " is " + v + ", not " + expectNext);
                            }
                            expectNext = (v + 1) % 251;
                        }
                        received.addAndGet(n);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    try {
                        s.close(); // the writer's next write fails instead of waiting for ever
                    } catch (IOException e) {
                        t.addSuppressed(e);
                    }
                }
            });
            reader.start();
            Path f = dir.resolve("stress.bin");
            try (FileChannel fc = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                long off = 0;
                try {
                    while (System.nanoTime() < end && failure.get() == null) {
                        off = writeArena(c, fc, off, closedDuring);
                        sent.set(off);
                    }
                } catch (IOException e) {
                    if (failure.get() == null) {
                        throw e;
                    }
                } finally {
                    c.close(); // the reader sees the end of the stream
                }
            }
            reader.join(60_000);
            s.close();
            // the file holds 4 MiB writes at 0, each whole or cut after some MiB (a copy through
            // 1 MiB temporaries): within each MiB, each byte follows the one before
            byte[] file = Files.readAllBytes(f);
            for (int i = 1; i < file.length; i++) {
                if (i % (1 << 20) != 0 && file[i] != 0 && (file[i] & 0xff) != ((file[i - 1] & 0xff) + 1) % 251) {
                    throw new AssertionError("file byte " + i + " is " + file[i] + " after " + file[i - 1]);
                }
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        System.out.println("stress.sent=" + sent.get() + " received " + received.get() + " closedDuring " + closedDuring.get());
        System.out.println("stress=ok");
    }

    /**
     * Sends a 4 MiB shared-arena buffer holding the stream from {@code off} (and writes it to the file
     * at 0) while another thread closes the arena; returns the stream offset after what was sent.
     */
    private static long writeArena(SocketChannel c, FileChannel fc, long off, AtomicLong closedDuring) throws Exception {
        AutoCloseable arena = arena("ofShared");
        ByteBuffer b = buffer(arena, BIG);
        for (int i = 0; i < BIG; i++) {
            b.put(i, at(off + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        Thread closer = closer(arena, go);
        go.countDown();
        try {
            while (b.hasRemaining()) {
                c.write(b);
            }
        } catch (IllegalStateException e) {
            closedUnder(closedDuring);
        }
        // what write() took went out (its position says how much); the stream goes on from there,
        // in a new arena whose bytes continue the sequence
        long next = off + b.position();
        try {
            fc.write(b.clear(), 0);
        } catch (IllegalStateException e) {
            closedUnder(closedDuring);
        }
        closer.join();
        return next;
    }

    /**
     * Counts an arena closed under an access. HotSpot throws the IllegalStateException in a thread
     * that was inside an access of a shared arena being closed as an asynchronous exception, which
     * leaves the thread's interrupt status set (a plain JDK program shows it too); cleared here, or
     * the next channel call would close its channel with ClosedByInterruptException.
     */
    private static void closedUnder(AtomicLong closedDuring) {
        closedDuring.incrementAndGet();
        Thread.interrupted();
    }

    /** A thread that closes {@code arena} after a short, varying while (in which I/O uses it). */
    private static Thread closer(AutoCloseable arena, CountDownLatch go) {
        Thread t = new Thread(() -> {
            try {
                go.await();
                long spin = System.nanoTime() + java.util.concurrent.ThreadLocalRandom.current().nextLong(5_000_000);
                while (System.nanoTime() < spin) {
                    Thread.onSpinWait();
                }
                for (;;) {
                    try {
                        arena.close();
                        return;
                    } catch (IllegalStateException e) {
                        Thread.onSpinWait(); // the JDK's channels hold the scope during a call: try again
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }
}
