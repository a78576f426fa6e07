package io.flexsc.nio.ffi;

import static io.flexsc.nio.ffi.Mem.addr;
import static io.flexsc.nio.ffi.Mem.check;
import static io.flexsc.nio.ffi.Mem.direct;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.DirectEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The socket and readiness bindings of {@link Sys}, on loopback only (127.0.0.1, ::1, Unix
 * sockets in a temporary directory), each side checked against a JDK channel on the other end.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocking call that hangs fails the test
class SocketBindingsTest {
    private final List<Integer> fds = new ArrayList<>();
    private final ByteBuffer sa = direct(SockAddr.STORAGE_SIZE);
    private final ByteBuffer len = direct(4);

    @AfterEach
    void closeAll() {
        for (int fd : fds) {
            Sys.close(fd);
        }
    }

    private int track(int fd) {
        check(fd);
        fds.add(fd);
        return fd;
    }

    private int family(String host) {
        return host.contains(":") ? Linux.AF_INET6 : Linux.AF_INET;
    }

    private int encode(SocketAddress a, int family) throws IOException {
        return SockAddr.encode(a, family, addr(sa), sa.capacity());
    }

    private SocketAddress localAddress(int fd) {
        len.putInt(0, sa.capacity());
        check(Sys.getsockname(fd, addr(sa), addr(len)));
        return SockAddr.decode(addr(sa), len.getInt(0));
    }

    private SocketAddress peerAddress(int fd) {
        len.putInt(0, sa.capacity());
        check(Sys.getpeername(fd, addr(sa), addr(len)));
        return SockAddr.decode(addr(sa), len.getInt(0));
    }

    private int listener(String host) throws IOException {
        int fam = family(host);
        int s = track(Sys.socket(fam, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0));
        ByteBuffer one = direct(4).putInt(0, 1);
        check(Sys.setsockopt(s, Linux.SOL_SOCKET, Linux.SO_REUSEADDR, addr(one), 4));
        check(Sys.bind(s, addr(sa), encode(new InetSocketAddress(InetAddress.getByName(host), 0), fam)));
        check(Sys.listen(s, 16));
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void ourServerAcceptsAJdkClientAndBytesFlowBothWays(String host) throws IOException {
        int server = listener(host);
        InetSocketAddress bound = (InetSocketAddress) localAddress(server);
        assertEquals(InetAddress.getByName(host), bound.getAddress());
        assertTrue(bound.getPort() > 0);

        try (SocketChannel jdk = SocketChannel.open(bound)) {
            len.putInt(0, sa.capacity());
            int conn = track(Sys.accept4(server, addr(sa), addr(len), Linux.SOCK_CLOEXEC));
            SocketAddress peer = SockAddr.decode(addr(sa), len.getInt(0));
            assertEquals(jdk.getLocalAddress(), peer, "accept4's peer address is the JDK client's local address");
            assertEquals(jdk.getLocalAddress(), peerAddress(conn));
            assertEquals(jdk.getRemoteAddress(), localAddress(conn));

            ByteBuffer out = Mem.directOf("from flexsc".getBytes(StandardCharsets.US_ASCII));
            assertEquals(11, Sys.send(conn, addr(out), 11, Linux.MSG_NOSIGNAL));
            ByteBuffer jin = ByteBuffer.allocate(11);
            while (jin.hasRemaining()) {
                jdk.read(jin);
            }
            assertEquals("from flexsc", new String(jin.array(), StandardCharsets.US_ASCII));

            jdk.write(ByteBuffer.wrap("from the jdk".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = direct(64);
            assertEquals(12, Sys.recv(conn, addr(in), 12, Linux.MSG_WAITALL));
            assertEquals("from the jdk", new String(Mem.bytes(in, 0, 12), StandardCharsets.US_ASCII));

            // shutdown(SHUT_WR) is end of stream for the JDK reader.
            check(Sys.shutdown(conn, Linux.SHUT_WR));
            assertEquals(-1, jdk.read(ByteBuffer.allocate(1)));
            // And the JDK's shutdownOutput is a zero-byte recv for us.
            jdk.shutdownOutput();
            assertEquals(0, Sys.recv(conn, addr(in), 64, 0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void ourClientConnectsToAJdkServer(String host) throws IOException {
        try (ServerSocketChannel jdk = ServerSocketChannel.open()) {
            jdk.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            int fam = family(host);
            int c = track(Sys.socket(fam, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0));
            assertEquals(0, Sys.connect(c, addr(sa), encode(jdk.getLocalAddress(), fam)));
            try (SocketChannel accepted = jdk.accept()) {
                assertEquals(accepted.getRemoteAddress(), localAddress(c));
                assertEquals(jdk.getLocalAddress(), peerAddress(c));

                // Gathering sendmsg with three buffers, read back by the JDK.
                ByteBuffer a = Mem.directOf(new byte[] {1, 2}), b = Mem.directOf(new byte[] {3}), d = Mem.directOf(new byte[] {4, 5, 6});
                ByteBuffer hdr = direct(MsgHdr.SIZE);
                try (IoVec iov = new IoVec(3)) {
                    iov.addAll(new ByteBuffer[] {a, b, d}, 0, 3);
                    MsgHdr.put(addr(hdr), 0, 0, iov.address(), iov.count(), 0, 0);
                    assertEquals(6, Sys.sendmsg(c, addr(hdr), Linux.MSG_NOSIGNAL));
                }
                ByteBuffer got = ByteBuffer.allocate(6);
                while (got.hasRemaining()) {
                    accepted.read(got);
                }
                assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, got.array());

                // Scattering recvmsg of what the JDK writes.
                accepted.write(ByteBuffer.wrap(new byte[] {9, 8, 7, 6, 5}));
                ByteBuffer r1 = direct(2), r2 = direct(3);
                try (IoVec iov = new IoVec(2)) {
                    iov.addAll(new ByteBuffer[] {r1, r2}, 0, 2);
                    MsgHdr.put(addr(hdr), 0, 0, iov.address(), iov.count(), 0, 0);
                    long n = Sys.recvmsg(c, addr(hdr), Linux.MSG_WAITALL);
                    assertEquals(5, n);
                    iov.advance(n);
                }
                assertEquals(2, r1.position());
                assertEquals(3, r2.position());
                assertArrayEquals(new byte[] {9, 8}, Mem.bytes(r1, 0, 2));
                assertArrayEquals(new byte[] {7, 6, 5}, Mem.bytes(r2, 0, 3));
                assertEquals(0, MsgHdr.flags(addr(hdr)) & Linux.MSG_TRUNC);
            }
        }
    }

    @Test
    void socketOptionsAgreeWithTheJdksView() throws IOException {
        try (ServerSocketChannel jdk = ServerSocketChannel.open()) {
            jdk.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int c = track(Sys.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0));
            ByteBuffer v = direct(4), vl = direct(4);
            v.putInt(0, 1);
            check(Sys.setsockopt(c, Linux.IPPROTO_TCP, Linux.TCP_NODELAY, addr(v), 4));
            v.putInt(0, 0);
            vl.putInt(0, 4);
            check(Sys.getsockopt(c, Linux.IPPROTO_TCP, Linux.TCP_NODELAY, addr(v), addr(vl)));
            assertEquals(4, vl.getInt(0));
            assertTrue(v.getInt(0) != 0);
            vl.putInt(0, 4);
            check(Sys.getsockopt(c, Linux.SOL_SOCKET, Linux.SO_TYPE, addr(v), addr(vl)));
            assertEquals(Linux.SOCK_STREAM, v.getInt(0));
            check(Sys.connect(c, addr(sa), encode(jdk.getLocalAddress(), Linux.AF_INET)));
            try (SocketChannel peer = jdk.accept()) {
                // SO_ERROR of a connected socket is 0 (what finishConnect reads).
                vl.putInt(0, 4);
                check(Sys.getsockopt(c, Linux.SOL_SOCKET, Linux.SO_ERROR, addr(v), addr(vl)));
                assertEquals(0, v.getInt(0));
                // SO_KEEPALIVE is off by default, as the JDK reports for its end; we turn ours on.
                vl.putInt(0, 4);
                check(Sys.getsockopt(c, Linux.SOL_SOCKET, Linux.SO_KEEPALIVE, addr(v), addr(vl)));
                assertEquals(peer.getOption(StandardSocketOptions.SO_KEEPALIVE), v.getInt(0) != 0);
                v.putInt(0, 1);
                check(Sys.setsockopt(c, Linux.SOL_SOCKET, Linux.SO_KEEPALIVE, addr(v), 4));
                v.putInt(0, 0);
                check(Sys.getsockopt(c, Linux.SOL_SOCKET, Linux.SO_KEEPALIVE, addr(v), addr(vl)));
                assertEquals(1, v.getInt(0));
            }
        }
    }

    /**
     * {@code sendto}/{@code recvfrom} with an address, through {@link Sys} and through the direct
     * engine's routing of the raw system calls (both reach the C library's six-parameter wrappers).
     */
    @ParameterizedTest
    @CsvSource({"127.0.0.1, sys", "::1, sys", "127.0.0.1, engine", "::1, engine"})
    void datagramsWithSendtoAndRecvfrom(String host, String via) throws IOException {
        boolean engine = via.equals("engine");
        int fam = family(host);
        try (DatagramChannel jdk = DatagramChannel.open(fam == Linux.AF_INET6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
            jdk.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            int u = track(Sys.socket(fam, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0));
            check(Sys.bind(u, addr(sa), encode(new InetSocketAddress(InetAddress.getByName(host), 0), fam)));
            SocketAddress ours = localAddress(u);

            ByteBuffer msg = Mem.directOf("datagram".getBytes(StandardCharsets.US_ASCII));
            int alen = encode(jdk.getLocalAddress(), fam);
            assertEquals(8, engine
                    ? DirectEngine.run(SysNr.SENDTO, u, addr(msg), 8, 0, addr(sa), alen)
                    : Sys.sendto(u, addr(msg), 8, 0, addr(sa), alen));
            ByteBuffer jin = ByteBuffer.allocate(64);
            assertEquals(ours, jdk.receive(jin), "the JDK sees our address as the sender");
            assertEquals("datagram", new String(jin.array(), 0, jin.position(), StandardCharsets.US_ASCII));

            jdk.send(ByteBuffer.wrap("reply!".getBytes(StandardCharsets.US_ASCII)), ours);
            ByteBuffer in = direct(64);
            ByteBuffer from = direct(SockAddr.STORAGE_SIZE);
            len.putInt(0, from.capacity());
            assertEquals(6, engine
                    ? DirectEngine.run(SysNr.RECVFROM, u, addr(in), 64, 0, addr(from), addr(len))
                    : Sys.recvfrom(u, addr(in), 64, 0, addr(from), addr(len)));
            assertEquals(jdk.getLocalAddress(), SockAddr.decode(addr(from), len.getInt(0)));
            assertEquals("reply!", new String(Mem.bytes(in, 0, 6), StandardCharsets.US_ASCII));

            // A datagram larger than the buffer: MSG_TRUNC reports its real length.
            jdk.send(ByteBuffer.wrap(new byte[100]), ours);
            assertEquals(100, Sys.recvfrom(u, addr(in), 10, Linux.MSG_TRUNC, 0, 0));
        }
    }

    @Test
    void unixDomainSocketsAndSocketpair(@TempDir Path dir) throws IOException {
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
        int s = track(Sys.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0));
        check(Sys.bind(s, addr(sa), encode(path, Linux.AF_UNIX)));
        check(Sys.listen(s, 4));
        assertEquals(path, localAddress(s));
        try (SocketChannel jdk = SocketChannel.open(path)) {
            len.putInt(0, sa.capacity());
            int conn = track(Sys.accept4(s, addr(sa), addr(len), Linux.SOCK_CLOEXEC));
            assertEquals(jdk.getLocalAddress(), SockAddr.decode(addr(sa), len.getInt(0)));
            assertEquals(UnixDomainSocketAddress.of(""), jdk.getLocalAddress());
            assertEquals(jdk.getRemoteAddress(), localAddress(conn));
            jdk.write(ByteBuffer.wrap(new byte[] {42}));
            ByteBuffer in = direct(4);
            assertEquals(1, Sys.read(conn, addr(in), 4));
            assertEquals(42, in.get(0));
        }

        ByteBuffer sv = direct(8);
        check(Sys.socketpair(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0, addr(sv)));
        int a = track(sv.getInt(0)), b = track(sv.getInt(4));
        ByteBuffer x = Mem.directOf(new byte[] {1, 2, 3});
        assertEquals(3, Sys.write(a, addr(x), 3));
        ByteBuffer y = direct(8);
        assertEquals(3, Sys.read(b, addr(y), 8));
        assertArrayEquals(new byte[] {1, 2, 3}, Mem.bytes(y, 0, 3));
    }

    @Test
    void epollEventfdAndPoll() {
        int ep = track(Sys.epollCreate1(Linux.EPOLL_CLOEXEC));
        int ev = track(Sys.eventfd(0, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK));
        ByteBuffer e = direct(EpollEvent.SIZE * 4);
        EpollEvent.put(addr(e), 0, Linux.EPOLLIN, 0xABCDEF0123L);
        assertEquals(0, Sys.epollCtl(ep, Linux.EPOLL_CTL_ADD, ev, addr(e)));
        assertEquals(-Errno.EEXIST, Sys.epollCtl(ep, Linux.EPOLL_CTL_ADD, ev, addr(e)));
        assertEquals(0, Sys.epollWait(ep, addr(e), 4, 0), "nothing ready yet");

        ByteBuffer cnt = direct(8);
        assertEquals(-Errno.EAGAIN, Sys.read(ev, addr(cnt), 8), "an empty non-blocking eventfd");
        cnt.putLong(0, 3);
        assertEquals(8, Sys.write(ev, addr(cnt), 8));
        assertEquals(1, Sys.epollWait(ep, addr(e), 4, 1000));
        assertEquals(Linux.EPOLLIN, EpollEvent.events(addr(e), 0));
        assertEquals(0xABCDEF0123L, EpollEvent.data(addr(e), 0));

        ByteBuffer pfd = direct(Linux.POLLFD_SIZE);
        pfd.putInt(0, ev).putShort(4, (short) (Linux.POLLIN | Linux.POLLOUT)).putShort(6, (short) 0);
        assertEquals(1, Sys.poll(addr(pfd), 1, 0));
        assertEquals(Linux.POLLIN | Linux.POLLOUT, pfd.getShort(6));

        cnt.putLong(0, 0);
        assertEquals(8, Sys.read(ev, addr(cnt), 8));
        assertEquals(3, cnt.getLong(0));
        assertEquals(0, Sys.epollWait(ep, addr(e), 4, 0));
        assertEquals(0, Sys.epollCtl(ep, Linux.EPOLL_CTL_DEL, ev, 0));
        assertEquals(-Errno.ENOENT, Sys.epollCtl(ep, Linux.EPOLL_CTL_DEL, ev, 0));
    }

    @Test
    void ioUringSetupThroughTheRawSyscall() {
        ByteBuffer params = direct(120); // struct io_uring_params
        long ring = Sys.ioUringSetup(4, addr(params));
        if (ring == -Errno.EPERM || ring == -Errno.ENOSYS) {
            return; // io_uring disabled on this kernel (sysctl), nothing to bind to
        }
        check(ring);
        track((int) ring);
        assertEquals(4, params.getInt(0), "sq_entries");
        assertTrue(params.getInt(4) >= 4, "cq_entries");
        // Entering with nothing to submit returns 0; registering a bad opcode is EINVAL.
        assertEquals(0, Sys.ioUringEnter((int) ring, 0, 0, 0, 0, 0));
        assertEquals(-Errno.EINVAL, Sys.ioUringRegister((int) ring, 9999, 0, 0));
        assertEquals(-Errno.EBADF, Sys.ioUringEnter(-1, 0, 0, 0, 0, 0));
    }
}
