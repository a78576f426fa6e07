package io.flexsc.nio.net.channels;

import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * bind(2), listen(2), getsockname(2) and getpeername(2) with the JDK's conventions: a null local
 * address binds the wildcard address on an ephemeral port (or, for UNIX-domain sockets, a fresh
 * path in the temporary directory, as the JDK does).
 */
public final class Binding {
    private Binding() {}

    /** Binds and returns the address the socket is bound to. */
    static SocketAddress bind(int fd, int family, SocketAddress local) throws IOException {
        SocketAddress sa;
        if (family == Linux.AF_UNIX) {
            sa = local == null ? tempUnixAddress() : SockAddrs.checkUnix(local);
            if (((UnixDomainSocketAddress) sa).getPath().toString().isEmpty()) {
                sa = tempUnixAddress();
            }
        } else if (local == null) {
            sa = new InetSocketAddress(family == Linux.AF_INET
                    ? InetAddress.getByAddress(new byte[4]) : InetAddress.getByAddress(new byte[16]), 0);
        } else {
            sa = SockAddrs.checkInet(local, family);
        }
        Scratch s = Scratch.acquire(SockAddrs.MAX_LEN);
        try {
            int len = SockAddrs.encode(s.buffer(), family, sa);
            NetSys.check(NetSys.call(SysNr.BIND, fd, s.address(), len), null);
        } finally {
            s.release();
        }
        return family == Linux.AF_UNIX ? sa : localAddress(fd, family);
    }

    private static UnixDomainSocketAddress tempUnixAddress() {
        String dir = System.getProperty("jdk.net.unixdomain.tmpdir", System.getProperty("java.io.tmpdir", "/tmp"));
        long r = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        return UnixDomainSocketAddress.of(Path.of(dir, "socket_" + Long.toString(r, 36)));
    }

    static void listen(int fd, int backlog) throws IOException {
        NetSys.check(NetSys.call(SysNr.LISTEN, fd, backlog < 1 ? 50 : backlog, 0), null);
    }

    public static SocketAddress localAddress(int fd, int family) throws IOException {
        return name(SysNr.GETSOCKNAME, fd);
    }

    public static SocketAddress remoteAddress(int fd) throws IOException {
        return name(SysNr.GETPEERNAME, fd);
    }

    private static SocketAddress name(int nr, int fd) throws IOException {
        Scratch s = Scratch.acquire(SockAddrs.MAX_LEN + 4);
        try {
            s.buffer().putInt(SockAddrs.MAX_LEN, SockAddrs.MAX_LEN);
            NetSys.check(NetSys.call(nr, fd, s.address(), s.address() + SockAddrs.MAX_LEN), null);
            return SockAddrs.decode(s.buffer(), s.buffer().getInt(SockAddrs.MAX_LEN));
        } finally {
            s.release();
        }
    }
}
