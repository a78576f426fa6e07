package io.flexsc.nio.examples.echo;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;

/**
 * The Netty transports the echo server and the load client can use. {@code nio} is Netty's NIO
 * transport over {@link java.nio.channels.spi.SelectorProvider#provider()}: flexsc-nio's provider when
 * the drop-in jar is on the class path (or named with
 * {@code -Djava.nio.channels.spi.SelectorProvider}), the JDK's otherwise. {@code epoll} and
 * {@code io_uring} are Netty's native transports, which do not use a SelectorProvider at all.
 */
public enum Transport {
    NIO("nio"),
    EPOLL("epoll"),
    IO_URING("io_uring");

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    /** The name used on the command line. */
    public String label() {
        return label;
    }

    /** Parses {@code nio}, {@code epoll} or {@code io_uring} (also {@code iouring}, {@code uring}). */
    public static Transport parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "nio":
                return NIO;
            case "epoll":
                return EPOLL;
            case "io_uring":
            case "iouring":
            case "uring":
                return IO_URING;
            default:
                throw new IllegalArgumentException("unknown transport '" + s + "' (expected nio, epoll or io_uring)");
        }
    }

    /** The transport a client uses by default: epoll when Netty's native epoll loads, else nio. */
    public static Transport defaultClient() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Null when usable here, otherwise why not. */
    public Throwable unavailabilityCause() {
        switch (this) {
            case EPOLL:
                return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            case IO_URING:
                return IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
            default:
                return null;
        }
    }

    /** Throws with a clear message when this transport cannot run on this machine. */
    public void ensureAvailable() {
        Throwable cause = unavailabilityCause();
        if (cause != null) {
            throw new IllegalStateException("the " + label + " transport is not available here: " + cause, cause);
        }
    }

    private IoHandlerFactory ioHandlerFactory() {
        switch (this) {
            case EPOLL:
                return EpollIoHandler.newFactory();
            case IO_URING:
                return IoUringIoHandler.newFactory();
            default:
                return NioIoHandler.newFactory();
        }
    }

    /** An event-loop group of {@code threads} threads for this transport. */
    public MultiThreadIoEventLoopGroup newGroup(int threads) {
        ensureAvailable();
        return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory());
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        switch (this) {
            case EPOLL:
                return EpollServerSocketChannel.class;
            case IO_URING:
                return IoUringServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }

    public Class<? extends SocketChannel> socketChannelClass() {
        switch (this) {
            case EPOLL:
                return EpollSocketChannel.class;
            case IO_URING:
                return IoUringSocketChannel.class;
            default:
                return NioSocketChannel.class;
        }
    }
}
