package io.flexsc.nio.net.batch;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A channel's read-ahead buffer is handed to at most one call at a time: until the selector has
 * applied a read-ahead's result, no second read-ahead into the same buffer is made, even by the
 * selector's thread, which holds the (reentrant) read lock for the first. Two in one batch lost the
 * first one's bytes (issue 18; see {@code ReusedDescriptorTest} for how a selector came to ask twice).
 */
class ReadAheadOnceInFlightTest {
    private final SelectorProvider ours = new FlexSelectorProvider();

    @BeforeEach
    void batching() {
        System.setProperty("flexsc.net.batch", "true");
    }

    @AfterEach
    void clear() {
        System.clearProperty("flexsc.net.batch");
    }

    @Test
    @Timeout(30)
    void noSecondReadAheadWhileOneIsOut() throws Exception {
        try (ServerSocketChannel ssc = ours.openServerSocketChannel()
                     .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = JdkProvider.get().openSocketChannel();
             Selector sel = ours.openSelector()) {
            client.connect(ssc.getLocalAddress());
            try (SocketChannel s = ssc.accept()) {
                s.configureBlocking(false);
                s.register(sel, SelectionKey.OP_READ);
                client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                Batched b = ((FlexSocketChannel) s).batched();
                ((FlexSocketChannel) s).fdState().readLock.lock();
                try {
                    Call first = b.readAheadCall(new Call());
                    assertNotNull(first, "the first read-ahead");
                    assertNull(b.readAheadCall(new Call()), "a second read-ahead into the buffer of the first, still out");
                    first.markSubmitted();
                    first.complete(-Errno.EAGAIN); // nothing read
                    b.readAheadDone(first, false);
                    assertNotNull(b.readAheadCall(new Call()), "a read-ahead once the first is done");
                } finally {
                    ((FlexSocketChannel) s).fdState().readLock.unlock();
                }
            }
        }
    }
}
