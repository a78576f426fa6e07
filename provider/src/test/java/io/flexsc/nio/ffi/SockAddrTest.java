package io.flexsc.nio.ffi;

import static io.flexsc.nio.ffi.Mem.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kenai.jffi.MemoryIO;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SockAddr}: randomized round trips, the byte layout the kernel expects, and misuse. */
class SockAddrTest {
    private static final MemoryIO IO = MemoryIO.getInstance();
    private final ByteBuffer mem = Mem.direct(SockAddr.STORAGE_SIZE);

    private SocketAddress roundTrip(SocketAddress a, int family) throws IOException {
        // Poison the memory first so stale bytes cannot pass for encoded ones.
        IO.setMemory(addr(mem), mem.capacity(), (byte) 0x5a);
        int len = SockAddr.encode(a, family, addr(mem), mem.capacity());
        assertEquals(family, SockAddr.family(addr(mem)));
        return SockAddr.decode(addr(mem), len);
    }

    @RepeatedTest(50)
    void randomInternetAddressesRoundTrip(RepetitionInfo info) throws IOException {
        Random rnd = new Random(42 + info.getCurrentRepetition());
        byte[] v4 = new byte[4];
        rnd.nextBytes(v4);
        int port = rnd.nextInt(65536);
        InetSocketAddress a4 = new InetSocketAddress(InetAddress.getByAddress(v4), port);
        assertEquals(a4, roundTrip(a4, Linux.AF_INET));
        assertEquals(SockAddr.IN_SIZE, SockAddr.encode(a4, Linux.AF_INET, addr(mem), mem.capacity()));
        // The port is big-endian at offset 2, the address at 4, as sockaddr_in has them.
        assertEquals(port, ((mem.get(2) & 0xff) << 8) | (mem.get(3) & 0xff));
        assertEquals(v4[0], mem.get(4));
        assertEquals(v4[3], mem.get(7));

        // An IPv4 address on an IPv6 socket: encoded IPv4-mapped, decoded back to the IPv4 address.
        assertEquals(SockAddr.IN6_SIZE, SockAddr.encode(a4, Linux.AF_INET6, addr(mem), mem.capacity()));
        assertEquals((byte) 0xff, mem.get(8 + 10));
        assertEquals(v4[0], mem.get(8 + 12));
        SocketAddress back = SockAddr.decode(addr(mem), SockAddr.IN6_SIZE);
        assertEquals(a4, back);
        assertTrue(((InetSocketAddress) back).getAddress() instanceof Inet4Address);

        byte[] v6 = new byte[16];
        rnd.nextBytes(v6);
        v6[0] = (byte) 0x20; // not IPv4-mapped
        int scope = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(1000);
        InetAddress ia6 = scope == 0 ? InetAddress.getByAddress(v6) : Inet6Address.getByAddress(null, v6, scope);
        InetSocketAddress a6 = new InetSocketAddress(ia6, port);
        SocketAddress d6 = roundTrip(a6, Linux.AF_INET6);
        assertEquals(a6, d6);
        assertEquals(scope, ((Inet6Address) ((InetSocketAddress) d6).getAddress()).getScopeId());
        assertEquals(scope, mem.order(java.nio.ByteOrder.nativeOrder()).getInt(24), "sin6_scope_id");
        assertEquals(0, mem.getInt(4), "sin6_flowinfo");
    }

    @RepeatedTest(30)
    void randomUnixPathsRoundTrip(RepetitionInfo info) throws IOException {
        Random rnd = new Random(7 + info.getCurrentRepetition());
        StringBuilder sb = new StringBuilder("/tmp/");
        String alphabet = "abcxyz0123_-.é€/";
        int n = rnd.nextInt(60);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        UnixDomainSocketAddress a = UnixDomainSocketAddress.of(sb.toString());
        assertEquals(a, roundTrip(a, Linux.AF_UNIX));
        int len = SockAddr.encode(a, Linux.AF_UNIX, addr(mem), mem.capacity());
        assertEquals(SockAddr.UN_PATH_OFFSET + a.getPath().toString().getBytes(CString.JNU_CHARSET).length, len);
        assertEquals(0, mem.get(len), "NUL-terminated");
    }

    @Test
    void theLongestUnixPathFitsAndOneMoreByteIsTheJdksError(@TempDir Path dir) throws IOException {
        String base = dir.toString() + "/";
        UnixDomainSocketAddress longest = UnixDomainSocketAddress.of(base + "a".repeat(SockAddr.UN_PATH_MAX - base.length()));
        assertEquals(longest, roundTrip(longest, Linux.AF_UNIX));
        ByteBuffer big = Mem.direct(SockAddr.UN_SIZE);
        SockAddr.encode(longest, Linux.AF_UNIX, addr(big), big.capacity());

        UnixDomainSocketAddress tooLong = UnixDomainSocketAddress.of(base + "a".repeat(SockAddr.UN_PATH_MAX + 1 - base.length()));
        SocketException ours = assertThrows(SocketException.class,
                () -> SockAddr.encode(tooLong, Linux.AF_UNIX, addr(mem), mem.capacity()));
        Exception jdk = assertThrows(Exception.class, () -> {
            try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                s.bind(tooLong);
            }
        });
        assertSame(jdk.getClass(), ours.getClass());
        assertEquals(jdk.getMessage(), ours.getMessage());
    }

    @Test
    void unnamedAndAbstractUnixAddresses() {
        IO.putShort(addr(mem), (short) Linux.AF_UNIX);
        assertEquals(UnixDomainSocketAddress.of(""), SockAddr.decode(addr(mem), 2));
        IO.putByte(addr(mem) + 2, (byte) 0);
        IO.putByte(addr(mem) + 3, (byte) 'x');
        assertThrows(UnsupportedAddressTypeException.class, () -> SockAddr.decode(addr(mem), 4), "abstract namespace");
    }

    @Test
    void misuseIsRefusedWithTheJdksExceptions() throws IOException {
        assertThrows(UnresolvedAddressException.class,
                () -> SockAddr.encode(InetSocketAddress.createUnresolved("example.invalid", 80), Linux.AF_INET, addr(mem), mem.capacity()));
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 1);
        assertThrows(UnsupportedAddressTypeException.class, () -> SockAddr.encode(v6, Linux.AF_INET, addr(mem), mem.capacity()));
        assertThrows(UnsupportedAddressTypeException.class,
                () -> SockAddr.encode(UnixDomainSocketAddress.of("/x"), Linux.AF_INET, addr(mem), mem.capacity()));
        assertThrows(UnsupportedAddressTypeException.class,
                () -> SockAddr.encode(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), Linux.AF_UNIX, addr(mem), mem.capacity()));
        assertThrows(UnsupportedAddressTypeException.class, () -> SockAddr.encode(new SocketAddress() {
            private static final long serialVersionUID = 1L;
        }, Linux.AF_INET, addr(mem), mem.capacity()));
        // Too little room, too short to decode, an unknown family.
        assertThrows(IllegalArgumentException.class,
                () -> SockAddr.encode(v6, Linux.AF_INET6, addr(mem), SockAddr.IN6_SIZE - 1));
        SockAddr.encode(v6, Linux.AF_INET6, addr(mem), mem.capacity());
        assertThrows(IllegalArgumentException.class, () -> SockAddr.decode(addr(mem), 8));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.decode(addr(mem), 1));
        IO.putShort(addr(mem), (short) 17); // AF_PACKET
        assertThrows(UnsupportedAddressTypeException.class, () -> SockAddr.decode(addr(mem), 20));
    }
}
