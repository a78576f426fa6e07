package io.flexsc.nio.net;

import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.engine.EngineUnavailableException;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.net.batch.Batched;
import io.flexsc.nio.net.channels.FlexDatagramChannel;
import io.flexsc.nio.net.channels.FlexPipe;
import io.flexsc.nio.net.channels.FlexServerSocketChannel;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.select.FlexSelector;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;

/**
 * The flexsc {@link SelectorProvider}: selectors, socket, server-socket and datagram channels and
 * pipes whose system calls go through the flexsc engine, with select-time batching.
 *
 * <p>Installed by the drop-in jar's {@code META-INF/services/java.nio.channels.spi.SelectorProvider}
 * or with {@code -Djava.nio.channels.spi.SelectorProvider=io.flexsc.nio.net.FlexSelectorProvider}.
 * Every channel is implemented here over its own descriptor, so every channel it makes can be
 * registered with every selector it makes. Channels made by another provider (the JDK's) cannot
 * be registered with these selectors, nor these channels with the JDK's selectors
 * ({@link java.nio.channels.IllegalSelectorException}), as between any two providers.
 *
 * <p>Thread-safe; stateless apart from what it creates.
 */
public final class FlexSelectorProvider extends SelectorProvider {
    private static final System.Logger LOG = System.getLogger("io.flexsc.nio.net");

    /** A public no-argument constructor, as {@link SelectorProvider#provider()} requires. */
    public FlexSelectorProvider() {
        super();
    }

    private static final class Ipv6 {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            if (Boolean.getBoolean("java.net.preferIPv4Stack")) {
                return false;
            }
            try {
                int fd = NetSys.socket(Linux.AF_INET6, Linux.SOCK_STREAM);
                NetSys.close(fd);
                return true;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "IPv6 unavailable: {0}", e.getMessage());
                return false;
            }
        }
    }

    /**
     * The JDK's own provider when no engine can serve this call (see {@link Engines#shared()}): not
     * now, from inside the JDK's own initialisation, or never, when no engine can start (warned
     * once); null when ours serves it. Channels of the two providers do not mix in one selector, as
     * between any two providers.
     */
    static SelectorProvider jdkIfNoEngine() throws IOException {
        if (Engines.sharedIfStarted() != null) {
            return null;
        }
        try {
            Engines.shared();
            return null;
        } catch (EngineUnavailableException e) {
            return JdkSelectorProvider.get();
        }
    }

    /** True when IPv6 sockets can be made and IPv4 is not preferred: channels are then dual-stack IPv6. */
    public static boolean ipv6Available() {
        return Ipv6.AVAILABLE;
    }

    static int defaultFamily() {
        return ipv6Available() ? Linux.AF_INET6 : Linux.AF_INET;
    }

    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        SelectorProvider jdk = jdkIfNoEngine();
        if (jdk != null) {
            return jdk.openDatagramChannel();
        }
        return new FlexDatagramChannel(this, defaultFamily());
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        SelectorProvider jdk = jdkIfNoEngine();
        if (jdk != null) {
            return jdk.openDatagramChannel(family);
        }
        int f = FlexSocketChannel.familyOf(family);
        if (f == Linux.AF_UNIX) {
            throw new UnsupportedOperationException("Protocol family not supported");
        }
        return new FlexDatagramChannel(this, f);
    }

    @Override
    public Pipe openPipe() throws IOException {
        SelectorProvider jdk = jdkIfNoEngine();
        if (jdk != null) {
            return jdk.openPipe();
        }
        return new FlexPipe(this);
    }

    @Override
    public AbstractSelector openSelector() throws IOException {
        SelectorProvider jdk = jdkIfNoEngine();
        if (jdk != null) {
            return jdk.openSelector();
        }
        return new FlexSelector(this, Batched.enabled());
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        SelectorProvider jdk = jdkIfNoEngine();
        if (jdk != null) {
            return jdk.openServerSocketChannel();
        }
        return new FlexServerSocketChannel(this, defaultFamily());
    }

    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        SelectorProvider jdk = jdkIfNoEngine();
        if (jdk != null) {
            return jdk.openServerSocketChannel(family);
        }
        return new FlexServerSocketChannel(this, FlexSocketChannel.familyOf(family));
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        SelectorProvider jdk = jdkIfNoEngine();
        if (jdk != null) {
            return jdk.openSocketChannel();
        }
        return new FlexSocketChannel(this, defaultFamily());
    }

    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        SelectorProvider jdk = jdkIfNoEngine();
        if (jdk != null) {
            return jdk.openSocketChannel(family);
        }
        return new FlexSocketChannel(this, FlexSocketChannel.familyOf(family));
    }

    @Override
    public Channel inheritedChannel() throws IOException {
        SelectorProvider jdk = jdkIfNoEngine();
        if (jdk != null) {
            return jdk.inheritedChannel();
        }
        return InheritedChannels.of(this);
    }
}
