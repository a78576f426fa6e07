package io.flexsc.nio.engine;

import static io.flexsc.nio.engine.Kernel.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket operations through every engine against JDK peers on loopback: connect to a JDK
 * ServerSocketChannel, accept a JDK SocketChannel, data both ways with every send/receive call
 * (random sizes and scatter/gather layouts), shutdown, socket options and names compared with the
 * JDK's view, UDP with addresses, epoll, and sendfile to a socket.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@ExtendWith(SeedReporter.class)
class SocketOpsTest {
    @RegisterExtension
    static final EnginePool ENGINES = new EnginePool();

    @TempDir
    Path dir;

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static int tcpSocket(Sys sys, int extraFlags) {
        return okInt(sys.x(SysNr.SOCKET, AF_INET, SOCK_STREAM | SOCK_CLOEXEC | extraFlags, 0), "socket");
    }

    private static InetSocketAddress sockname(Sys sys, Mem m, int nr, int fd) {
        long name = m.alloc(SOCKADDR_IN_SIZE);
        long len = m.int32(SOCKADDR_IN_SIZE);
        assertEquals(0, sys.x(nr, fd, name, len), SysNr.name(nr));
        assertEquals(SOCKADDR_IN_SIZE, Mem.getInt(len), SysNr.name(nr) + " address length");
        return Mem.decodeSockaddrIn(name);
    }

    private static void jdkWriteFully(SocketChannel ch, byte[] d) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(d);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static byte[] jdkReadFully(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new AssertionError("JDK peer saw EOF after " + b.position() + " of " + n + " bytes");
            }
        }
        return b.array();
    }

    /** Sends all of {@code d} from the engine socket, by a random one of write/send/sendto/sendmsg. */
    private static void engineSendFully(Sys sys, Mem m, Random rnd, int fd, byte[] d) {
        int at = 0;
        long buf = m.bytes(d);
        do {
            int n = d.length - at;
            long r;
            switch (rnd.nextInt(4)) {
                case 0: r = sys.x(SysNr.WRITE, fd, buf + at, n); break;
                case 1: r = sys.x(SysNr.SENDTO, fd, buf + at, n, MSG_NOSIGNAL, 0, 0); break;
                case 2: {
                    // gather: split the rest in up to three segments
                    int s1 = n == 0 ? 0 : rnd.nextInt(n + 1);
                    int s2 = n - s1 == 0 ? 0 : rnd.nextInt(n - s1 + 1);
                    long iov = m.iovecs(new long[] {buf + at, buf + at + s1, buf + at + s1 + s2}, new int[] {s1, s2, n - s1 - s2});
                    long msg = m.alloc(MSGHDR_SIZE);
                    Mem.view(msg, MSGHDR_SIZE).putLong(MSG_IOV, iov).putLong(MSG_IOVLEN, 3);
                    r = sys.x(SysNr.SENDMSG, fd, msg, MSG_NOSIGNAL);
                    break;
                }
                default: {
                    long iov = m.iovecs(new long[] {buf + at}, new int[] {n});
                    r = sys.x(SysNr.WRITEV, fd, iov, 1);
                    break;
                }
            }
            at += okInt(r, "send");
        } while (at < d.length);
    }

    /** Receives exactly {@code n} bytes on the engine socket, by a random one of read/recvfrom/recvmsg/readv. */
    private static byte[] engineRecvFully(Sys sys, Mem m, Random rnd, int fd, int n) {
        long buf = m.alloc(n);
        int at = 0;
        while (at < n) {
            int want = n - at;
            long r;
            switch (rnd.nextInt(4)) {
                case 0: r = sys.x(SysNr.READ, fd, buf + at, want); break;
                case 1: r = sys.x(SysNr.RECVFROM, fd, buf + at, want, 0, 0, 0); break;
                case 2: {
                    int s1 = rnd.nextInt(want + 1);
                    long iov = m.iovecs(new long[] {buf + at, buf + at + s1}, new int[] {s1, want - s1});
                    long msg = m.alloc(MSGHDR_SIZE);
                    Mem.view(msg, MSGHDR_SIZE).putLong(MSG_IOV, iov).putLong(MSG_IOVLEN, 2);
                    r = sys.x(SysNr.RECVMSG, fd, msg, 0);
                    break;
                }
                default: {
                    long iov = m.iovecs(new long[] {buf + at}, new int[] {want});
                    r = sys.x(SysNr.READV, fd, iov, 1);
                    break;
                }
            }
            int got = okInt(r, "recv");
            if (got == 0) {
                throw new AssertionError("engine socket saw EOF after " + at + " of " + n + " bytes");
            }
            at += got;
        }
        return Mem.get(buf, n);
    }

    @AllEngines
    void connectToAJdkServerExchangeDataAndShutDown(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        try (Mem m = new Mem(); ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            InetSocketAddress server = (InetSocketAddress) ss.getLocalAddress();
            int fd = tcpSocket(sys, 0);
            try {
                assertEquals(0, sys.x(SysNr.CONNECT, fd, m.sockaddrIn(server), SOCKADDR_IN_SIZE), "connect");
                try (SocketChannel peer = ss.accept()) {
                    assertEquals(peer.getRemoteAddress(), sockname(sys, m, SysNr.GETSOCKNAME, fd), "getsockname vs the JDK peer's remote address");
                    assertEquals(peer.getLocalAddress(), sockname(sys, m, SysNr.GETPEERNAME, fd), "getpeername vs the JDK peer's local address");
                    Seeds.check("TCP data both ways", 60, (rnd, t) -> {
                        byte[] out = random(rnd, rnd.nextInt(8) == 0 ? 1 : rnd.nextInt(32_000));
                        engineSendFully(sys, m, rnd, fd, out);
                        assertArrayEquals(out, jdkReadFully(peer, out.length), "engine -> JDK");
                        byte[] in = random(rnd, 1 + rnd.nextInt(32_000));
                        jdkWriteFully(peer, in);
                        assertArrayEquals(in, engineRecvFully(sys, m, rnd, fd, in.length), "JDK -> engine");
                    });
                    assertEquals(0, sys.x(SysNr.SHUTDOWN, fd, SHUT_WR), "shutdown SHUT_WR");
                    assertEquals(-1, peer.read(ByteBuffer.allocate(1)), "the JDK peer sees EOF after SHUT_WR");
                    long buf = m.alloc(1);
                    assertErrno(Errno.EPIPE, sys.x(SysNr.SENDTO, fd, buf, 1, MSG_NOSIGNAL, 0, 0), "send after SHUT_WR");
                    byte[] last = {42, 43, 44};
                    jdkWriteFully(peer, last);
                    assertArrayEquals(last, engineRecvFully(sys, m, new Random(1), fd, 3), "receiving still works after SHUT_WR");
                }
                assertEquals(0, sys.x(SysNr.READ, fd, m.alloc(16), 16), "EOF after the JDK peer closed");
            } finally {
                sys.close(fd);
            }
        }
    }

    @AllEngines
    void acceptAJdkClientWithAddressesAndScatterGather(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        try (Mem m = new Mem()) {
            int lfd = tcpSocket(sys, SOCK_NONBLOCK);
            try {
                assertEquals(0, sys.x(SysNr.SETSOCKOPT, lfd, SOL_SOCKET, SO_REUSEADDR, m.int32(1), 4), "SO_REUSEADDR");
                assertEquals(0, sys.x(SysNr.BIND, lfd, m.sockaddrIn(new InetSocketAddress(LOOPBACK, 0)), SOCKADDR_IN_SIZE), "bind");
                assertEquals(0, sys.x(SysNr.LISTEN, lfd, 16), "listen");
                InetSocketAddress listening = sockname(sys, m, SysNr.GETSOCKNAME, lfd);
                assertEquals(LOOPBACK, listening.getAddress());
                assertNotEquals(0, listening.getPort(), "bind to port 0 picks a port");
                long peerAddr = m.alloc(SOCKADDR_IN_SIZE);
                long peerLen = m.int32(SOCKADDR_IN_SIZE);
                assertErrno(Errno.EAGAIN, sys.x(SysNr.ACCEPT4, lfd, peerAddr, peerLen, SOCK_CLOEXEC),
                        "accept4 on a non-blocking listener with nothing pending");
                try (SocketChannel client = SocketChannel.open(listening)) {
                    int cfd = okInt(sys.x(SysNr.ACCEPT4, lfd, peerAddr, peerLen, SOCK_CLOEXEC), "accept4");
                    try {
                        assertEquals(SOCKADDR_IN_SIZE, Mem.getInt(peerLen));
                        assertEquals(client.getLocalAddress(), Mem.decodeSockaddrIn(peerAddr), "accept4's peer address");
                        assertEquals(client.getLocalAddress(), sockname(sys, m, SysNr.GETPEERNAME, cfd), "getpeername");
                        assertEquals(client.getRemoteAddress(), sockname(sys, m, SysNr.GETSOCKNAME, cfd), "getsockname");
                        assertEquals(O_CLOEXEC, fdinfoFlags(cfd) & O_CLOEXEC, "SOCK_CLOEXEC on the accepted fd");
                        assertEquals(0, fdinfoFlags(cfd) & O_NONBLOCK, "the accepted fd is blocking");
                        Seeds.check("sendmsg/recvmsg scatter/gather", 40, (rnd, t) -> {
                            byte[] in = random(rnd, 1 + rnd.nextInt(20_000));
                            jdkWriteFully(client, in);
                            assertArrayEquals(in, engineRecvFully(sys, m, rnd, cfd, in.length), "JDK -> engine");
                            byte[] out = random(rnd, 1 + rnd.nextInt(20_000));
                            engineSendFully(sys, m, rnd, cfd, out);
                            assertArrayEquals(out, jdkReadFully(client, out.length), "engine -> JDK");
                        });
                        assertEquals(0, sys.x(SysNr.SHUTDOWN, cfd, SHUT_WR));
                        assertEquals(-1, client.read(ByteBuffer.allocate(1)), "the JDK client sees EOF");
                    } finally {
                        sys.close(cfd);
                    }
                }
            } finally {
                sys.close(lfd);
            }
        }
    }

    @AllEngines
    void connectionRefusedLikeTheJdk(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        try (Mem m = new Mem()) {
            // A bound socket that does not listen holds the port, so nobody else can take it: connects are refused.
            int holder = tcpSocket(sys, 0);
            int fd = tcpSocket(sys, 0);
            try {
                assertEquals(0, sys.x(SysNr.BIND, holder, m.sockaddrIn(new InetSocketAddress(LOOPBACK, 0)), SOCKADDR_IN_SIZE));
                InetSocketAddress target = sockname(sys, m, SysNr.GETSOCKNAME, holder);
                assertThrows(ConnectException.class, () -> SocketChannel.open(target).close());
                assertErrno(Errno.ECONNREFUSED, sys.x(SysNr.CONNECT, fd, m.sockaddrIn(target), SOCKADDR_IN_SIZE), "connect to a closed port");
                assertErrno(Errno.ENOTCONN, sys.x(SysNr.GETPEERNAME, fd, m.alloc(16), m.int32(16)), "getpeername unconnected");
                int efd = okInt(sys.x(SysNr.EVENTFD2, 0, EFD_CLOEXEC), "eventfd2");
                assertErrno(Errno.ENOTSOCK, sys.x(SysNr.CONNECT, efd, m.sockaddrIn(target), SOCKADDR_IN_SIZE), "connect on a non-socket");
                sys.close(efd);
            } finally {
                sys.close(fd);
                sys.close(holder);
            }
        }
    }

    @AllEngines
    void socketOptionsAgreeWithTheJdk(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        try (Mem m = new Mem(); SocketChannel jdk = io.flexsc.nio.net.JdkProvider.get().openSocketChannel()) {
            int fd = tcpSocket(sys, 0);
            try {
                long val = m.alloc(4);
                long len = m.int32(4);
                assertEquals(0, sys.x(SysNr.GETSOCKOPT, fd, SOL_SOCKET, SO_RCVBUF, val, len));
                assertEquals(4, Mem.getInt(len));
                // Linux doubles SO_RCVBUF for bookkeeping and getsockopt returns the doubled value; the JDK
                // reports half of it (what was asked for), so the kernel's value is twice the JDK's.
                assertEquals(2 * jdk.getOption(StandardSocketOptions.SO_RCVBUF), Mem.getInt(val), "default SO_RCVBUF");

                Random rnd = new Random(Seeds.seed());
                int want = 8192 + rnd.nextInt(100_000);
                jdk.setOption(StandardSocketOptions.SO_RCVBUF, want);
                assertEquals(0, sys.x(SysNr.SETSOCKOPT, fd, SOL_SOCKET, SO_RCVBUF, m.int32(want), 4), "setsockopt SO_RCVBUF " + want);
                assertEquals(0, sys.x(SysNr.GETSOCKOPT, fd, SOL_SOCKET, SO_RCVBUF, val, len));
                assertEquals(2 * want, Mem.getInt(val), "SO_RCVBUF after setting " + want);
                assertEquals(2 * jdk.getOption(StandardSocketOptions.SO_RCVBUF), Mem.getInt(val), "SO_RCVBUF after setting " + want);

                assertEquals(0, sys.x(SysNr.GETSOCKOPT, fd, IPPROTO_TCP, TCP_NODELAY, val, len));
                assertEquals(jdk.getOption(StandardSocketOptions.TCP_NODELAY), Mem.getInt(val) != 0, "default TCP_NODELAY");
                jdk.setOption(StandardSocketOptions.TCP_NODELAY, true);
                assertEquals(0, sys.x(SysNr.SETSOCKOPT, fd, IPPROTO_TCP, TCP_NODELAY, m.int32(1), 4));
                assertEquals(0, sys.x(SysNr.GETSOCKOPT, fd, IPPROTO_TCP, TCP_NODELAY, val, len));
                assertEquals(jdk.getOption(StandardSocketOptions.TCP_NODELAY), Mem.getInt(val) != 0, "TCP_NODELAY after setting");

                assertEquals(0, sys.x(SysNr.GETSOCKOPT, fd, SOL_SOCKET, SO_TYPE, val, len));
                assertEquals(SOCK_STREAM, Mem.getInt(val), "SO_TYPE");

                Call bad = Call.of(SysNr.GETSOCKOPT, fd, SOL_SOCKET, 9999, val, len);
                long direct = DirectEngine.run(Call.of(SysNr.GETSOCKOPT, fd, SOL_SOCKET, 9999, val, len));
                assertErrno(Errno.ENOPROTOOPT, direct, "direct getsockopt of an unknown option");
                assertEquals(describe(direct), describe(sys.engine.execute(bad)), "getsockopt of an unknown option");
                assertErrno(Errno.EINVAL, sys.x(SysNr.SETSOCKOPT, fd, SOL_SOCKET, SO_RCVBUF, m.int32(1), 2), "setsockopt with a short optlen");
            } finally {
                sys.close(fd);
            }
        }
    }

    @AllEngines
    void udpSendtoAndRecvfromCarryAddresses(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        try (Mem m = new Mem(); DatagramChannel jdk = io.flexsc.nio.net.JdkProvider.get().openDatagramChannel().bind(new InetSocketAddress(LOOPBACK, 0))) {
            int fd = okInt(sys.x(SysNr.SOCKET, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket UDP");
            try {
                assertEquals(0, sys.x(SysNr.BIND, fd, m.sockaddrIn(new InetSocketAddress(LOOPBACK, 0)), SOCKADDR_IN_SIZE));
                InetSocketAddress mine = sockname(sys, m, SysNr.GETSOCKNAME, fd);
                InetSocketAddress theirs = (InetSocketAddress) jdk.getLocalAddress();
                long theirsAddr = m.sockaddrIn(theirs);
                Seeds.check("UDP datagrams both ways", 40, (rnd, t) -> {
                    byte[] out = random(rnd, rnd.nextInt(1400));
                    assertEquals(out.length, sys.x(SysNr.SENDTO, fd, m.bytes(out), out.length, 0, theirsAddr, SOCKADDR_IN_SIZE), "sendto");
                    ByteBuffer got = ByteBuffer.allocate(2000);
                    assertEquals(mine, jdk.receive(got), "the JDK sees the engine socket as the source");
                    got.flip();
                    byte[] gb = new byte[got.remaining()];
                    got.get(gb);
                    assertArrayEquals(out, gb, "datagram engine -> JDK");

                    byte[] in = random(rnd, rnd.nextInt(1400));
                    jdk.send(ByteBuffer.wrap(in), mine);
                    long from = m.alloc(SOCKADDR_IN_SIZE);
                    long fromLen = m.int32(SOCKADDR_IN_SIZE);
                    long buf = m.alloc(2000);
                    if (rnd.nextBoolean()) {
                        assertEquals(in.length, sys.x(SysNr.RECVFROM, fd, buf, 2000, 0, from, fromLen), "recvfrom");
                    } else {
                        long iov = m.iovecs(new long[] {buf, buf + 700}, new int[] {700, 1300});
                        long msg = m.alloc(MSGHDR_SIZE);
                        Mem.view(msg, MSGHDR_SIZE).putLong(MSG_NAME, from).putInt(MSG_NAMELEN, SOCKADDR_IN_SIZE)
                                .putLong(MSG_IOV, iov).putLong(MSG_IOVLEN, 2);
                        assertEquals(in.length, sys.x(SysNr.RECVMSG, fd, msg, 0), "recvmsg");
                        Mem.view(fromLen, 4).putInt(0, Mem.view(msg, MSGHDR_SIZE).getInt(MSG_NAMELEN));
                    }
                    assertEquals(SOCKADDR_IN_SIZE, Mem.getInt(fromLen));
                    assertEquals(theirs, Mem.decodeSockaddrIn(from), "the source address");
                    assertArrayEquals(in, Mem.get(buf, in.length), "datagram JDK -> engine");
                });
                long buf = m.alloc(16);
                assertErrno(Errno.EAGAIN, sys.x(SysNr.RECVFROM, fd, buf, 16, MSG_DONTWAIT, 0, 0), "recvfrom with nothing queued");
            } finally {
                sys.close(fd);
            }
        }
    }

    @AllEngines
    void epollReportsReadinessOfASocket(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        try (Mem m = new Mem(); ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            int ep = okInt(sys.x(SysNr.EPOLL_CREATE1, EPOLL_CLOEXEC), "epoll_create1");
            int fd = tcpSocket(sys, 0);
            try {
                assertEquals(0, sys.x(SysNr.CONNECT, fd, m.sockaddrIn((InetSocketAddress) ss.getLocalAddress()), SOCKADDR_IN_SIZE));
                try (SocketChannel peer = ss.accept()) {
                    long cookie = 0x1234_5678_9abc_def0L;
                    long ev = m.alloc(EPOLL_EVENT_SIZE);
                    Mem.view(ev, EPOLL_EVENT_SIZE).putInt(0, EPOLLIN).putLong(4, cookie);
                    assertEquals(0, sys.x(SysNr.EPOLL_CTL, ep, EPOLL_CTL_ADD, fd, ev), "epoll_ctl ADD");
                    assertErrno(Errno.EEXIST, sys.x(SysNr.EPOLL_CTL, ep, EPOLL_CTL_ADD, fd, ev), "epoll_ctl ADD twice");
                    long events = m.alloc(EPOLL_EVENT_SIZE * 4);
                    assertEquals(0, sys.x(SysNr.EPOLL_WAIT, ep, events, 4, 0), "nothing readable yet");
                    jdkWriteFully(peer, new byte[] {1, 2, 3});
                    assertEquals(1, sys.x(SysNr.EPOLL_WAIT, ep, events, 4, 10_000), "readable after the JDK peer wrote");
                    ByteBuffer e = Mem.view(events, EPOLL_EVENT_SIZE);
                    assertEquals(EPOLLIN, e.getInt(0) & EPOLLIN);
                    assertEquals(cookie, e.getLong(4), "epoll_data round-trips");
                    Mem.view(ev, EPOLL_EVENT_SIZE).putInt(0, EPOLLOUT).putLong(4, 7);
                    assertEquals(0, sys.x(SysNr.EPOLL_CTL, ep, EPOLL_CTL_MOD, fd, ev), "epoll_ctl MOD");
                    assertEquals(1, sys.x(SysNr.EPOLL_WAIT, ep, events, 4, 10_000), "writable");
                    assertEquals(EPOLLOUT, e.getInt(0) & (EPOLLIN | EPOLLOUT));
                    assertEquals(7, e.getLong(4));
                    assertEquals(0, sys.x(SysNr.EPOLL_CTL, ep, EPOLL_CTL_DEL, fd, 0), "epoll_ctl DEL");
                    assertErrno(Errno.ENOENT, sys.x(SysNr.EPOLL_CTL, ep, EPOLL_CTL_DEL, fd, 0), "epoll_ctl DEL twice");
                    assertEquals(0, sys.x(SysNr.EPOLL_WAIT, ep, events, 4, 0), "nothing registered");
                    assertErrno(Errno.EINVAL, sys.x(SysNr.EPOLL_WAIT, ep, events, 0, 0), "epoll_wait with maxevents 0");
                }
            } finally {
                sys.close(fd);
                sys.close(ep);
            }
        }
    }

    @AllEngines
    void sendfileFromAFileToASocket(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        Random rnd = new Random(Seeds.seed());
        byte[] data = random(rnd, 50_000);
        Path src = Files.write(dir.resolve("src"), data);
        try (Mem m = new Mem(); ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            int fd = tcpSocket(sys, 0);
            int in = sys.open(m, src, O_RDONLY | O_CLOEXEC, 0);
            try {
                assertEquals(0, sys.x(SysNr.CONNECT, fd, m.sockaddrIn((InetSocketAddress) ss.getLocalAddress()), SOCKADDR_IN_SIZE));
                try (SocketChannel peer = ss.accept()) {
                    int off = rnd.nextInt(10_000);
                    int len = 1 + rnd.nextInt(30_000);
                    long offP = m.int64(off);
                    int sent = 0;
                    while (sent < len) {
                        sent += okInt(sys.x(SysNr.SENDFILE, fd, in, offP, len - sent), "sendfile to a socket");
                    }
                    assertEquals(off + len, Mem.getLong(offP));
                    assertArrayEquals(java.util.Arrays.copyOfRange(data, off, off + len), jdkReadFully(peer, len));
                }
            } finally {
                sys.close(in);
                sys.close(fd);
            }
        }
    }
}
