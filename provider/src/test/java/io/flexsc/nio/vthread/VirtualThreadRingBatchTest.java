package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.uring.PortAccess;
import io.flexsc.nio.net.FlexSelectorProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Waits posted by many virtual threads at once reach the kernel in fewer {@code io_uring_enter}
 * calls than there are waits (issue 19, part 2): N readers are woken by completions reaped in one
 * turn of the port thread; each reads and blocks again, and their N new polls are submitted in
 * batches, because each poster that finds woken threads still to run yields once and then submits
 * what they posted meanwhile. A lone wait on an idle ring is submitted at once.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
@ExtendWith(RingModeExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualThreadRingBatchTest {
    private static final int N = 64;
    private final List<java.io.Closeable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        PortAccess.holdCompletions(Engines.shared().callPort(), false);
        for (java.io.Closeable c : toClose) {
            c.close();
        }
    }

    @Test
    void waitsWokenTogetherArePostedInFewerEntersThanWaits() throws Exception {
        CallPort port = Engines.shared().callPort();
        ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        toClose.add(ss);
        FlexSelectorProvider net = new FlexSelectorProvider();
        SocketChannel[] ours = new SocketChannel[N];
        SocketChannel[] peers = new SocketChannel[N];
        for (int i = 0; i < N; i++) {
            ours[i] = net.openSocketChannel();
            ours[i].connect(ss.getLocalAddress());
            peers[i] = ss.accept();
            toClose.add(ours[i]);
            toClose.add(peers[i]);
        }
        int[] got = new int[2 * N];
        Thread[] readers = new Thread[N];
        int before = PortAccess.inflight(port);
        for (int i = 0; i < N; i++) {
            int k = i;
            readers[i] = VThreads.start(() -> {
                try {
                    for (int round = 0; round < 2; round++) {
                        ByteBuffer b = ByteBuffer.allocate(1);
                        got[2 * k + round] = ours[k].read(b) == 1 ? b.get(0) & 0xff : -1;
                    }
                } catch (IOException e) {
                    got[2 * k] = -2;
                }
            });
        }
        VThreads.awaitTrue(() -> PortAccess.inflight(port) - before >= N, 20_000, N + " first waits posted");

        // Wake all N in one turn of the port thread: their completions wait in the CQ together.
        PortAccess.holdCompletions(port, true);
        for (int i = 0; i < N; i++) {
            assertEquals(1, peers[i].write(ByteBuffer.wrap(new byte[] {(byte) i})));
        }
        VThreads.awaitTrue(() -> PortAccess.ready(port) >= N, 20_000, "the N readiness completions in the CQ");
        long calls = port.stats().getCalls();
        long enters = port.stats().getBatches();
        PortAccess.holdCompletions(port, false);
        VThreads.awaitTrue(() -> port.stats().getCalls() - calls >= N && PortAccess.inflight(port) - before >= N, 20_000,
                N + " second waits posted (posted: " + (port.stats().getCalls() - calls) + ")");
        long posted = port.stats().getCalls() - calls;
        long entered = port.stats().getBatches() - enters;
        System.out.println(N + " woken readers posted " + posted + " waits in " + entered + " io_uring_enter calls");
        assertTrue(entered < posted, N + " woken readers posted " + posted + " waits in " + entered + " io_uring_enter calls");

        for (int i = 0; i < N; i++) {
            assertEquals(1, peers[i].write(ByteBuffer.wrap(new byte[] {(byte) (i + 100)})));
        }
        for (Thread t : readers) {
            t.join(30_000);
            assertFalse(t.isAlive());
        }
        for (int i = 0; i < N; i++) {
            assertEquals(i, got[2 * i], "first byte of " + i);
            assertEquals(i + 100, got[2 * i + 1], "second byte of " + i);
        }
    }

    /** A lone wait on an idle ring goes in at once, in its own entry: no batching delay. */
    @Test
    void aLoneWaitIsSubmittedAtOnce() throws Exception {
        CallPort port = Engines.shared().callPort();
        ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        toClose.add(ss);
        SocketChannel ours = new FlexSelectorProvider().openSocketChannel();
        toClose.add(ours);
        ours.connect(ss.getLocalAddress());
        SocketChannel peer = ss.accept();
        toClose.add(peer);
        for (int round = 0; round < 20; round++) {
            long enters = port.stats().getBatches();
            int before = PortAccess.inflight(port);
            int[] got = new int[1];
            Thread t = VThreads.start(() -> {
                try {
                    ByteBuffer b = ByteBuffer.allocate(1);
                    got[0] = ours.read(b) == 1 ? b.get(0) : -1;
                } catch (IOException e) {
                    got[0] = -2;
                }
            });
            // liveness at light load: a lone wait is never left queued for a batch that does not come
            VThreads.awaitTrue(() -> PortAccess.inflight(port) > before && port.stats().getBatches() > enters, 20_000,
                    "the lone wait submitted");
            peer.write(ByteBuffer.wrap(new byte[] {(byte) round}));
            t.join(30_000);
            assertFalse(t.isAlive());
            assertEquals(round, got[0]);
        }
    }
}
