package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.fs.FlexFileSystemProvider;
import io.flexsc.nio.net.FlexSelectorProvider;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every blocking operation of our channels, done by more virtual threads at once than there are
 * carriers: each blocked one parks (its state is WAITING, not RUNNABLE in a native poll), another
 * virtual thread still runs meanwhile, and once released every one completes with the right
 * result. Before the virtual-thread poller the first blocked readers pinned every carrier in
 * poll(2) and the rest never started (issue 19). Also: a parked wait keeps the JDK's timeout,
 * close and interrupt semantics.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualThreadsParkTest {
    private static final FlexSelectorProvider NET = new FlexSelectorProvider();
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Blocked virtual threads per operation: well over the carriers. */
    private static final int N = Math.max(16, 4 * VThreads.carriers());

    /** Concurrent: the connect test's acceptor may still track accepted channels while they are closed. */
    private final List<Closeable> toClose = new java.util.concurrent.CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    /**
     * Wakes every selector, then closes the channels, then the selectors (bounded: when a test
     * failed, threads may still hold carriers or selectors).
     */
    @AfterEach
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closeAll() {
        for (Closeable c : toClose) {
            if (c instanceof Selector) {
                ((Selector) c).wakeup();
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            for (Closeable c : toClose) {
                if (c instanceof Selector == (pass == 1)) {
                    try {
                        c.close();
                    } catch (IOException ignored) {
                        // closing what is left
                    }
                }
            }
        }
    }

    private <T extends Closeable> T track(T c) {
        toClose.add(c);
        return c;
    }

    @FunctionalInterface
    interface Op {
        Object run(int i) throws Exception;
    }

    @FunctionalInterface
    interface Release {
        void run() throws Exception;
    }

    /**
     * Starts N virtual threads running {@code op}; waits until every one is parked in it, checks
     * that another virtual thread runs meanwhile, then {@code release}s them and returns what each
     * returned or threw.
     */
    private static Object[] blockAll(String what, Op op, Release release) throws Exception {
        Object[] results = new Object[N];
        AtomicInteger entered = new AtomicInteger();
        Thread[] threads = new Thread[N];
        for (int i = 0; i < N; i++) {
            int k = i;
            threads[i] = VThreads.start(() -> {
                entered.incrementAndGet();
                try {
                    results[k] = op.run(k);
                } catch (Throwable e) {
                    results[k] = e;
                }
            });
        }
        VThreads.awaitTrue(() -> entered.get() == N && VThreads.allParked(threads), 20_000,
                N + " virtual threads blocked in " + what + " on " + VThreads.carriers()
                        + " carriers, each parked (started: " + entered.get() + ", states: " + states(threads) + ")");
        CountDownLatch progress = new CountDownLatch(1);
        VThreads.start(progress::countDown);
        assertTrue(progress.await(20, TimeUnit.SECONDS), "another virtual thread ran while " + N + " were blocked in " + what);
        release.run();
        for (Thread t : threads) {
            t.join(30_000);
            assertFalse(t.isAlive(), what + ": a released virtual thread did not finish: " + t.getState());
        }
        return results;
    }

    private static String states(Thread[] threads) {
        StringBuilder b = new StringBuilder();
        for (Thread t : threads) {
            b.append(t.getState().name(), 0, 1);
        }
        return b.toString();
    }

    private static String str(ByteBuffer b) {
        b.flip();
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** N connected pairs: ours (blocking) and the JDK's peer. */
    private SocketChannel[][] pairs() throws IOException {
        ServerSocketChannel ss = track(ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
        SocketChannel[][] p = new SocketChannel[N][2];
        for (int i = 0; i < N; i++) {
            p[i][0] = track(NET.openSocketChannel());
            p[i][0].connect(ss.getLocalAddress());
            p[i][1] = track(ss.accept());
        }
        return p;
    }

    @Test
    void socketRead() throws Exception {
        SocketChannel[][] p = pairs();
        Object[] r = blockAll("SocketChannel.read", i -> {
            ByteBuffer b = ByteBuffer.allocate(64);
            p[i][0].read(b);
            return str(b);
        }, () -> {
            for (int i = 0; i < N; i++) {
                p[i][1].write(bytes("to " + i));
            }
        });
        for (int i = 0; i < N; i++) {
            assertEquals("to " + i, r[i]);
        }
    }

    @Test
    void socketAdaptorReadWithTimeout() throws Exception {
        SocketChannel[][] p = pairs();
        Object[] r = blockAll("Socket.getInputStream().read (SO_TIMEOUT 60 s)", i -> {
            p[i][0].socket().setSoTimeout(60_000);
            byte[] b = new byte[64];
            int n = p[i][0].socket().getInputStream().read(b);
            return new String(b, 0, n, StandardCharsets.UTF_8);
        }, () -> {
            for (int i = 0; i < N; i++) {
                p[i][1].write(bytes("adaptor " + i));
            }
        });
        for (int i = 0; i < N; i++) {
            assertEquals("adaptor " + i, r[i]);
        }
    }

    @Test
    void socketWrite() throws Exception {
        SocketChannel[][] p = pairs();
        int size = 16 << 20; // more than loopback's socket buffers hold: the write waits for the peer
        Object[] r = blockAll("SocketChannel.write", i -> {
            ByteBuffer b = ByteBuffer.allocateDirect(size);
            while (b.hasRemaining()) {
                b.put((byte) (b.position() * 31 + i));
            }
            b.flip();
            return p[i][0].write(b);
        }, () -> {
            Thread[] readers = new Thread[N];
            long[] got = new long[N];
            for (int i = 0; i < N; i++) {
                int k = i;
                readers[i] = new Thread(() -> {
                    ByteBuffer b = ByteBuffer.allocate(1 << 16);
                    long pos = 0;
                    try {
                        while (pos < size) {
                            b.clear();
                            int n = p[k][1].read(b);
                            if (n < 0) {
                                break;
                            }
                            for (int j = 0; j < n; j++, pos++) {
                                if (b.get(j) != (byte) (pos * 31 + k)) {
                                    got[k] = -1 - pos;
                                    return;
                                }
                            }
                        }
                    } catch (IOException e) {
                        got[k] = Long.MIN_VALUE;
                        return;
                    }
                    got[k] = pos;
                });
                readers[i].start();
            }
            for (Thread t : readers) {
                t.join(60_000);
            }
            for (int i = 0; i < N; i++) {
                assertEquals(size, got[i], "peer " + i + " received every byte in order");
            }
        });
        for (int i = 0; i < N; i++) {
            assertEquals(size, r[i]);
        }
    }

    @Test
    void accept() throws Exception {
        ServerSocketChannel[] s = new ServerSocketChannel[N];
        for (int i = 0; i < N; i++) {
            s[i] = track(NET.openServerSocketChannel().bind(new InetSocketAddress(LOOPBACK, 0)));
        }
        SocketChannel[] clients = new SocketChannel[N];
        Object[] r = blockAll("ServerSocketChannel.accept", i -> {
            SocketChannel a = track(s[i].accept());
            return a.getRemoteAddress();
        }, () -> {
            for (int i = 0; i < N; i++) {
                clients[i] = track(SocketChannel.open(s[i].getLocalAddress()));
            }
        });
        for (int i = 0; i < N; i++) {
            assertEquals(clients[i].getLocalAddress(), r[i]);
        }
    }

    @Test
    void connect() throws Exception {
        // a listener that never accepts, with its queue full: further SYNs are dropped and connect
        // waits (the kernel retries the SYN after 1 s) until the queue has room again
        ServerSocketChannel s = track(ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0), 1));
        List<SocketChannel> fill = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SocketChannel c = track(SocketChannel.open());
            c.configureBlocking(false);
            c.connect(s.getLocalAddress());
            fill.add(c);
        }
        SocketAddress target = s.getLocalAddress();
        Object[] r = blockAll("SocketChannel.connect", i -> {
            SocketChannel c = track(NET.openSocketChannel());
            boolean ok = c.connect(target);
            return ok && c.isConnected() ? c.getRemoteAddress() : "not connected";
        }, () -> {
            Thread acceptor = new Thread(() -> {
                try {
                    for (int i = 0; i < N + fill.size(); i++) {
                        track(s.accept());
                    }
                } catch (IOException ignored) {
                    // the listener closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        });
        for (int i = 0; i < N; i++) {
            assertEquals(target, r[i], "connect " + i);
        }
    }

    @Test
    void selectorSelect() throws Exception {
        Selector[] sel = new Selector[N];
        Pipe[] pipes = new Pipe[N];
        for (int i = 0; i < N; i++) {
            sel[i] = track(NET.openSelector());
            pipes[i] = NET.openPipe();
            track(pipes[i].source());
            track(pipes[i].sink());
            pipes[i].source().configureBlocking(false);
            pipes[i].source().register(sel[i], SelectionKey.OP_READ);
        }
        Object[] r = blockAll("Selector.select", i -> {
            int n = i % 2 == 0 ? sel[i].select() : sel[i].select(60_000);
            return n + ":" + sel[i].selectedKeys().size();
        }, () -> {
            for (int i = 0; i < N; i++) {
                if (i % 4 == 3) {
                    sel[i].wakeup();
                } else {
                    pipes[i].sink().write(bytes("x"));
                }
            }
        });
        for (int i = 0; i < N; i++) {
            assertEquals(i % 4 == 3 ? "0:0" : "1:1", r[i], "select " + i);
        }
    }

    @Test
    void datagramReceiveAndRead() throws Exception {
        DatagramChannel[] d = new DatagramChannel[N];
        DatagramChannel sender = track(DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
        for (int i = 0; i < N; i++) {
            d[i] = track(NET.openDatagramChannel().bind(new InetSocketAddress(LOOPBACK, 0)));
            if (i % 2 == 1) {
                d[i].connect(sender.getLocalAddress());
            }
        }
        Object[] r = blockAll("DatagramChannel.receive/read", i -> {
            ByteBuffer b = ByteBuffer.allocate(64);
            if (i % 2 == 1) {
                d[i].read(b);
                return str(b);
            }
            SocketAddress from = d[i].receive(b);
            return str(b) + " from " + from;
        }, () -> {
            for (int i = 0; i < N; i++) {
                sender.send(bytes("dgram " + i), d[i].getLocalAddress());
            }
        });
        for (int i = 0; i < N; i++) {
            assertEquals("dgram " + i + (i % 2 == 1 ? "" : " from " + sender.getLocalAddress()), r[i]);
        }
    }

    @Test
    void pipeReadAndWrite() throws Exception {
        Pipe[] pipes = new Pipe[N];
        for (int i = 0; i < N; i++) {
            pipes[i] = NET.openPipe();
            track(pipes[i].source());
            track(pipes[i].sink());
        }
        int size = 1 << 20; // more than a pipe holds
        Object[] r = blockAll("Pipe source read / sink write", i -> {
            if (i % 2 == 0) {
                ByteBuffer b = ByteBuffer.allocate(64);
                pipes[i].source().read(b);
                return str(b);
            }
            ByteBuffer b = ByteBuffer.allocate(size);
            return pipes[i].sink().write(b);
        }, () -> {
            for (int i = 0; i < N; i++) {
                if (i % 2 == 0) {
                    pipes[i].sink().write(bytes("pipe " + i));
                } else {
                    int k = i;
                    Thread t = new Thread(() -> {
                        ByteBuffer b = ByteBuffer.allocate(1 << 16);
                        long total = 0;
                        try {
                            while (total < size) {
                                b.clear();
                                total += pipes[k].source().read(b);
                            }
                        } catch (IOException ignored) {
                            // the test's close
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                }
            }
        });
        for (int i = 0; i < N; i++) {
            assertEquals(i % 2 == 0 ? "pipe " + i : size, r[i]);
        }
    }

    @Test
    void fifoReadThroughFileChannel() throws Exception {
        FlexFileSystemProvider fsp = new FlexFileSystemProvider(FileSystems.getDefault().provider());
        java.nio.file.FileSystem fs = fsp.getFileSystem(URI.create("file:///"));
        Path[] fifos = new Path[N];
        FileChannel[] ch = new FileChannel[N];
        for (int i = 0; i < N; i++) {
            fifos[i] = dir.resolve("fifo" + i);
            Process p = new ProcessBuilder("mkfifo", fifos[i].toString()).inheritIO().start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo");
            // read and write: the open does not wait for a writer, and the read waits for data
            ch[i] = track(FileChannel.open(fs.getPath(fifos[i].toString()), StandardOpenOption.READ, StandardOpenOption.WRITE));
        }
        Object[] r = blockAll("FileChannel.read of a FIFO", i -> {
            ByteBuffer b = ByteBuffer.allocate(64);
            ch[i].read(b);
            return str(b);
        }, () -> {
            for (int i = 0; i < N; i++) {
                Files.write(fifos[i], ("fifo " + i).getBytes(StandardCharsets.UTF_8));
            }
        });
        for (int i = 0; i < N; i++) {
            assertEquals("fifo " + i, r[i]);
        }
    }

    @Test
    void fileLockAndAsynchronousFileChannelLock() throws Exception {
        FlexFileSystemProvider fsp = new FlexFileSystemProvider(FileSystems.getDefault().provider());
        java.nio.file.FileSystem fs = fsp.getFileSystem(URI.create("file:///"));
        List<String> cmd = new ArrayList<>(List.of("python3", "-c",
                "import fcntl,sys\n"
                        + "fs=[open(p,'r+') for p in sys.argv[1:]]\n"
                        + "[fcntl.lockf(f, fcntl.LOCK_EX) for f in fs]\n"
                        + "print('locked', flush=True)\n"
                        + "sys.stdin.read()\n"));
        Path[] files = new Path[N];
        for (int i = 0; i < N; i++) {
            files[i] = Files.write(dir.resolve("locked" + i), new byte[16]);
            cmd.add(files[i].toString());
        }
        // another process holds a lock on every file until its standard input closes
        Process holder = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine(), "the lock holder started");
            Object[] r = blockAll("FileChannel.lock / AsynchronousFileChannel.lock().get()", i -> {
                Path p = fs.getPath(files[i].toString());
                java.nio.channels.FileLock l;
                if (i % 2 == 0) {
                    FileChannel ch = track(FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
                    l = ch.lock();
                } else {
                    java.nio.channels.AsynchronousFileChannel ch = java.nio.channels.AsynchronousFileChannel.open(p,
                            StandardOpenOption.READ, StandardOpenOption.WRITE);
                    track(ch);
                    l = ch.lock().get();
                }
                return l.isValid() && !l.isShared() ? "locked" : "invalid " + l;
            }, () -> holder.getOutputStream().close());
            for (int i = 0; i < N; i++) {
                assertEquals("locked", r[i], "lock " + i);
            }
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void timeoutsEndParkedWaits() throws Exception {
        SocketChannel[][] p = pairs();
        Selector sel = track(NET.openSelector());
        long t0 = System.nanoTime();
        Object[] r = blockAll("timed waits (SO_TIMEOUT 2 s, select(2000))", i -> {
            if (i == 0) {
                return sel.select(2_000);
            }
            p[i][0].socket().setSoTimeout(2_000);
            return p[i][0].socket().getInputStream().read();
        }, () -> { });
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(0, r[0], "select timed out with nothing selected");
        for (int i = 1; i < N; i++) {
            assertInstanceOf(SocketTimeoutException.class, r[i], "read " + i);
            assertTrue(p[i][0].isOpen(), "a timeout leaves the channel open");
        }
        assertTrue(ms >= 1_900, "the timeouts were kept: " + ms + " ms");
    }

    @Test
    void closeWakesParkedWaiters() throws Exception {
        SocketChannel[][] p = pairs();
        Pipe pipe = NET.openPipe();
        track(pipe.source());
        track(pipe.sink());
        Object[] r = blockAll("reads closed by another thread", i -> {
            ByteBuffer b = ByteBuffer.allocate(8);
            return i == 0 ? pipe.source().read(b) : p[i][0].read(b);
        }, () -> {
            pipe.source().close();
            for (int i = 1; i < N; i++) {
                p[i][0].close();
            }
        });
        for (int i = 0; i < N; i++) {
            assertInstanceOf(AsynchronousCloseException.class, r[i], "read " + i);
        }
    }

    @Test
    void interruptEndsParkedWaits() throws Exception {
        SocketChannel[][] p = pairs();
        Selector sel = track(NET.openSelector());
        boolean[] flag = new boolean[N];
        Thread[] me = new Thread[N];
        Object[] r = blockAll("reads and a select, interrupted", i -> {
            me[i] = Thread.currentThread();
            try {
                if (i == 0) {
                    return sel.select();
                }
                return p[i][0].read(ByteBuffer.allocate(8));
            } finally {
                flag[i] = Thread.currentThread().isInterrupted();
            }
        }, () -> {
            for (Thread t : me) {
                t.interrupt();
            }
        });
        assertEquals(0, r[0], "an interrupted select returns");
        assertTrue(flag[0] && sel.isOpen(), "the select's thread keeps its interrupt; the selector stays open");
        for (int i = 1; i < N; i++) {
            assertInstanceOf(ClosedByInterruptException.class, r[i], "read " + i);
            assertTrue(flag[i], "interrupt status kept");
            assertFalse(p[i][0].isOpen(), "the interrupt closed the channel");
        }
    }

    @Test
    void adaptorInterruptAsTheJdks() throws Exception {
        // the same program on the JDK's provider (this JVM's default) and on ours
        String jdk = adaptorInterrupt(java.nio.channels.spi.SelectorProvider.provider().openSocketChannel(), SocketChannel.open());
        String ours = adaptorInterrupt(NET.openSocketChannel(), SocketChannel.open());
        assertEquals(jdk, ours);
    }

    /** N socket adaptor reads in virtual threads, interrupted: what each threw, and the socket's state. */
    private String adaptorInterrupt(SocketChannel first, SocketChannel unused) throws Exception {
        unused.close();
        first.close();
        java.nio.channels.spi.SelectorProvider sp = first.provider();
        ServerSocketChannel ss = track(ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
        SocketChannel[] c = new SocketChannel[N];
        for (int i = 0; i < N; i++) {
            c[i] = track(sp.openSocketChannel());
            c[i].connect(ss.getLocalAddress());
            track(ss.accept());
        }
        Thread[] me = new Thread[N];
        boolean[] flag = new boolean[N];
        Object[] r = blockAll("Socket adaptor reads on " + sp.getClass().getSimpleName() + ", interrupted", i -> {
            me[i] = Thread.currentThread();
            try {
                return c[i].socket().getInputStream().read();
            } finally {
                flag[i] = Thread.currentThread().isInterrupted();
            }
        }, () -> {
            for (Thread t : me) {
                t.interrupt();
            }
        });
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (int i = 0; i < N; i++) {
            seen.add(r[i].getClass().getName() + ", interrupted " + flag[i] + ", closed " + c[i].socket().isClosed());
        }
        return seen.toString();
    }
}
