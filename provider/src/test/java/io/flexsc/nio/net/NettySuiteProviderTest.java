package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
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
        try (SocketChannel c = SocketChannel.open()) { // the static factories take the system provider too
            assertInstanceOf(FlexSocketChannel.class, c);
        }
        // a channel of Netty's NIO transport, made as the suite makes them, wraps one of ours
        Probe netty = new Probe();
        try {
            assertInstanceOf(FlexSocketChannel.class, netty.java());
        } finally {
            netty.java().close();
        }
    }

    /** Netty's NIO socket channel, with its JDK channel in view. */
    private static final class Probe extends NioSocketChannel {
        SocketChannel java() {
            return javaChannel();
        }
    }
}
