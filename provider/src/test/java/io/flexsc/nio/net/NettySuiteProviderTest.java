package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.channel.nio.NioIoHandler;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.Test;

/**
 * Runs in the Netty conformance suite's JVM: proves the suite really runs on our provider (the
 * provider Netty's NIO transport takes by default is SelectorProvider.provider()).
 */
class NettySuiteProviderTest {
    @Test
    void nettyNioTransportUsesOurProvider() throws Exception {
        assertInstanceOf(FlexSelectorProvider.class, SelectorProvider.provider());
        try (SocketChannel c = SelectorProvider.provider().openSocketChannel()) {
            assertInstanceOf(FlexSocketChannel.class, c);
        }
        // Netty's default NIO handler factory takes the same provider
        assertInstanceOf(io.netty.channel.IoHandlerFactory.class, NioIoHandler.newFactory());
    }
}
