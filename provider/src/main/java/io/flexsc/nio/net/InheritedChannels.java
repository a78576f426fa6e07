package io.flexsc.nio.net;

import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.channels.Binding;
import io.flexsc.nio.net.channels.FdState;
import io.flexsc.nio.net.channels.FlexDatagramChannel;
import io.flexsc.nio.net.channels.FlexSelChannel;
import io.flexsc.nio.net.channels.FlexServerSocketChannel;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.spi.SelectorProvider;

/**
 * {@link SelectorProvider#inheritedChannel()}: when standard input (fd 0) is a socket, a channel of
 * this provider over a duplicate of it, as the JDK does: a listening stream socket gives a server
 * socket channel, a connected stream socket a socket channel, a datagram socket a datagram channel;
 * anything else gives null. The result is computed once. The open file description, shared with
 * the parent and {@code System.in}, keeps its mode, as with the JDK, until the application changes
 * the channel's ({@link FdState#blockingDescription}).
 */
final class InheritedChannels {
    private InheritedChannels() {}

    private static Channel channel;
    private static boolean done;

    static synchronized Channel of(SelectorProvider provider) throws IOException {
        if (!done) {
            channel = make(provider);
            done = true;
        }
        return channel;
    }

    /** {@code ch} over {@code fd}, marked if the description is in blocking mode. */
    private static <C extends FlexSelChannel> C described(C ch, int fd) throws IOException {
        long fl = NetSys.check(NetSys.call(SysNr.FCNTL, fd, Linux.F_GETFL, 0), "fcntl");
        ch.fdState().inherited((fl & Linux.O_NONBLOCK) == 0);
        return ch;
    }

    private static Channel make(SelectorProvider provider) throws IOException {
        int type;
        int family;
        boolean listening;
        try {
            type = NetSys.getIntOpt(0, Linux.SOL_SOCKET, Linux.SO_TYPE);
            family = NetSys.getIntOpt(0, Linux.SOL_SOCKET, Linux.SO_DOMAIN);
            listening = NetSys.getIntOpt(0, Linux.SOL_SOCKET, Linux.SO_ACCEPTCONN) != 0;
        } catch (IOException notASocket) {
            return null;
        }
        if (family != Linux.AF_INET && family != Linux.AF_INET6 && family != Linux.AF_UNIX) {
            return null;
        }
        int fd = (int) NetSys.check(NetSys.call(SysNr.FCNTL, 0, Linux.F_DUPFD_CLOEXEC, 3), "fcntl");
        // the description (shared with the parent and System.in) keeps its O_NONBLOCK flag, as with
        // the JDK, until configureBlocking(false): see FdState.blockingDescription
        SocketAddress local = Binding.localAddress(fd, family);
        if (type == Linux.SOCK_STREAM) {
            if (listening) {
                return described(new FlexServerSocketChannel(provider, family, fd, local), fd);
            }
            SocketAddress remote;
            try {
                remote = Binding.remoteAddress(fd);
            } catch (IOException notConnected) {
                NetSys.close(fd);
                return null;
            }
            return described(new FlexSocketChannel(provider, family, fd, local, remote), fd);
        }
        if (type == Linux.SOCK_DGRAM && family != Linux.AF_UNIX) {
            return described(new FlexDatagramChannel(provider, family, fd, local), fd);
        }
        NetSys.close(fd);
        return null;
    }
}
