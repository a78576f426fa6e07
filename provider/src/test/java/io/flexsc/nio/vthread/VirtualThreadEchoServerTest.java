package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.ChildJvm;
import io.flexsc.nio.net.FlexSelectorProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtual-thread-per-connection echo server on our provider, in this JVM, serving 10,000
 * connections open at once from a child JVM (the JDK's channels, one virtual thread each: a
 * process holds one end of each connection, so each stays within the descriptor limit). Every
 * client echoes twice, the second time after all 10,000 have connected, so the server has 10,000
 * virtual threads parked in read at once on a few carriers; every echo is verified.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
class VirtualThreadEchoServerTest {
    static final int CONNECTIONS = Integer.getInteger("flexsc.test.vtEchoConnections", 10_000);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tenThousandConnections() throws Exception {
        ServerSocketChannel ss = new FlexSelectorProvider().openServerSocketChannel();
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicLong echoed = new AtomicLong();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Queue<SocketChannel> open = new ConcurrentLinkedQueue<>();
        CountDownLatch allDone = new CountDownLatch(CONNECTIONS);
        Thread acceptor = VThreads.start(() -> {
            try {
                while (true) {
                    SocketChannel c = ss.accept();
                    open.add(c);
                    accepted.incrementAndGet();
                    VThreads.start(() -> echo(c, echoed, failures, finished, allDone));
                }
            } catch (IOException e) {
                if (ss.isOpen()) {
                    failures.add(e);
                }
            }
        });
        try {
            ChildJvm.Result r = ChildJvm.run("this", dir, List.of("-Xss256k"), EchoClients.class.getName(),
                    ((InetSocketAddress) ss.getLocalAddress()).getPort() + "", CONNECTIONS + "");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(CONNECTIONS + "", r.get("verified"), r.toString());
            assertTrue(allDone.await(60, TimeUnit.SECONDS), "server connections ended: " + finished.get());
            assertTrue(failures.isEmpty(), () -> "server failures: " + failures);
            assertEquals(CONNECTIONS, accepted.get());
            assertEquals(2L * CONNECTIONS * EchoClients.MESSAGE, echoed.get());
            assertEquals(r.get("maxOpen"), CONNECTIONS + "", "all connections were open at once");
        } finally {
            ss.close();
            acceptor.join(10_000);
            for (SocketChannel c : open) {
                c.close();
            }
        }
    }

    private static void echo(SocketChannel c, AtomicLong echoed, Queue<Throwable> failures, AtomicInteger finished,
            CountDownLatch allDone) {
        ByteBuffer b = ByteBuffer.allocate(256);
        try (c) {
            while (c.read(b) >= 0) {
                b.flip();
                echoed.addAndGet(b.remaining());
                while (b.hasRemaining()) {
                    c.write(b);
                }
                b.clear();
            }
        } catch (Throwable e) {
            failures.add(e);
        } finally {
            finished.incrementAndGet();
            allDone.countDown();
        }
    }

    /** The child: N clients, each in a virtual thread on the JDK's channels. */
    public static final class EchoClients {
        static final int MESSAGE = 64;

        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[0]);
            int n = Integer.parseInt(args[1]);
            InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            CountDownLatch firstRound = new CountDownLatch(n);
            CountDownLatch done = new CountDownLatch(n);
            AtomicInteger verified = new AtomicInteger();
            AtomicInteger openNow = new AtomicInteger();
            AtomicInteger maxOpen = new AtomicInteger();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                VThreads.start(() -> {
                    try (SocketChannel c = SocketChannel.open(addr)) {
                        maxOpen.accumulateAndGet(openNow.incrementAndGet(), Math::max);
                        boolean ok = roundTrip(c, k, 0);
                        firstRound.countDown();
                        firstRound.await();
                        ok &= roundTrip(c, k, 1);
                        if (ok) {
                            verified.incrementAndGet();
                        } else {
                            failures.add("client " + k + ": wrong echo");
                        }
                        openNow.decrementAndGet();
                    } catch (Throwable e) {
                        failures.add("client " + k + ": " + e);
                        firstRound.countDown();
                    } finally {
                        done.countDown();
                    }
                });
            }
            boolean finished = done.await(100, TimeUnit.SECONDS);
            System.out.println("finished=" + finished);
            System.out.println("maxOpen=" + maxOpen.get());
            System.out.println("failures=" + failures.size());
            failures.stream().limit(10).forEach(System.out::println);
            System.out.println("verified=" + verified.get());
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }

        private static boolean roundTrip(SocketChannel c, int k, int round) throws IOException {
            StringBuilder s = new StringBuilder("client " + k + " round " + round + " ");
            while (s.length() < MESSAGE) {
                s.append((char) ('a' + (s.length() + k) % 26));
            }
            byte[] msg = s.toString().getBytes(StandardCharsets.US_ASCII);
            ByteBuffer out = ByteBuffer.wrap(msg);
            while (out.hasRemaining()) {
                c.write(out);
            }
            ByteBuffer in = ByteBuffer.allocate(MESSAGE);
            while (in.hasRemaining()) {
                if (c.read(in) < 0) {
                    return false;
                }
            }
            return java.util.Arrays.equals(msg, in.array());
        }
    }
}
