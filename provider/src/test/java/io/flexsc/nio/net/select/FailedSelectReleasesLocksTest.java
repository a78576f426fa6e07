package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import io.flexsc.nio.net.channels.FdState;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A select whose batch fails (the engine closed, an epoll_wait error) still releases every channel
 * lock it took for the batch: the write locks of the channels whose queues it was sending and the
 * read locks of the channels it was reading ahead. A lock left held by the selector's thread made a
 * later close(), or a write from another thread, on those channels wait for ever (issue 18). The
 * queued bytes are not lost: the close sends them.
 */
class FailedSelectReleasesLocksTest {
    private final SelectorProvider ours = new FlexSelectorProvider();

    @BeforeEach
    void batching() {
        System.setProperty("flexsc.net.batch", "true");
        System.setProperty("flexsc.net.writeRule", "queue"); // the batch must carry a queued write
    }

    @AfterEach
    void clear() {
        System.clearProperty("flexsc.net.batch");
        System.clearProperty("flexsc.net.writeRule");
    }

    /** The selector's engine, but its batches fail while {@link #failing}; records what they carried. */
    private static final class FailingEngine implements SyscallEngine {
        final SyscallEngine real;
        volatile boolean failing;
        final Set<Integer> failedCalls = new HashSet<>();

        FailingEngine(SyscallEngine real) {
            this.real = real;
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public long execute(Call call) {
            if (failing) {
                failedCalls.add(call.nr());
                throw new EngineClosedException("test");
            }
            return real.execute(call);
        }

        @Override
        public void executeBatch(Call[] calls, int from, int to) {
            if (failing) {
                for (int i = from; i < to; i++) {
                    failedCalls.add(calls[i].nr());
                }
                throw new EngineClosedException("test");
            }
            real.executeBatch(calls, from, to);
        }

        @Override
        public io.flexsc.nio.engine.EngineStats stats() {
            return real.stats();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    private static FailingEngine failingEngine(Selector sel) throws Exception {
        Field f = FlexSelector.class.getDeclaredField("engine");
        f.setAccessible(true);
        FailingEngine e = new FailingEngine((SyscallEngine) f.get(sel));
        f.set(sel, e);
        return e;
    }

    @Test
    @Timeout(60)
    void aFailedBatchLeavesNoChannelLocked() throws Exception {
        byte[] out = {5, 6, 7, 8, 9};
        for (int attempt = 0; ; attempt++) {
            try (ServerSocketChannel ssc = ours.openServerSocketChannel()
                         .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 SocketChannel peer = JdkProvider.get().openSocketChannel();
                 Selector sel = ours.openSelector()) {
                FailingEngine engine = failingEngine(sel);
                peer.connect(ssc.getLocalAddress());
                SocketChannel s = ssc.accept();
                s.configureBlocking(false);
                FdState fds = ((FlexSocketChannel) s).fdState();
                SelectionKey key = s.register(sel, SelectionKey.OP_READ);
                peer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                // the select reads ahead and finds the bytes: the next select reads the channel
                // again speculatively, in its first batch
                while (sel.select(1000) == 0 || !key.isReadable()) {
                    sel.selectedKeys().clear();
                }
                sel.selectedKeys().clear();
                assertEquals(3, s.read(ByteBuffer.allocate(16)));
                // a write from the selector's thread between two selects: queued, sent by the
                // next select in the same batch
                assertEquals(out.length, s.write(ByteBuffer.wrap(out)));
                engine.failing = true;
                assertThrows(IOException.class, () -> sel.select(1000));
                engine.failing = false;
                if (!engine.failedCalls.contains(SysNr.SENDTO) || !engine.failedCalls.contains(SysNr.RECVFROM)) {
                    // the flusher sent the queue first (a short flush period), or the read was not hot
                    s.close();
                    if (attempt == 20) {
                        fail("the failed batch never carried both a flush and a read-ahead: " + engine.failedCalls);
                    }
                    continue;
                }
                assertFalse(fds.writeLock.isLocked(), "the flushed channel's write lock is still held");
                assertFalse(fds.readLock.isLocked(), "the read-ahead channel's read lock is still held");
                assertTimeoutPreemptively(Duration.ofSeconds(10), s::close,
                        "close() waits for a lock the failed select kept"); // (from another thread)
                peer.socket().setSoTimeout(10_000);
                byte[] bytes = peer.socket().getInputStream().readAllBytes(); // until end-of-stream
                assertArrayEquals(out, bytes, "the queued bytes, sent by the close");
                assertTrue(sel.isOpen());
                return;
            }
        }
    }
}
