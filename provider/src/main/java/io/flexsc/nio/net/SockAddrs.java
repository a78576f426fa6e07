package io.flexsc.nio.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.charset.StandardCharsets;

/**
 * Codec between Java socket addresses and the kernel's {@code sockaddr_in}, {@code sockaddr_in6}
 * and {@code sockaddr_un}. An IPv4 address given to an IPv6 socket is encoded as IPv4-mapped
 * ({@code ::ffff:a.b.c.d}, the wildcard as {@code ::}) and decoded back to IPv4, as the JDK does.
 *
 * <p>Stateless and thread-safe; buffers passed in are the caller's (native byte order).
 */
final class SockAddrs {
    private SockAddrs() {}

    /** Room for the largest address ({@code sockaddr_un} is 110 bytes; {@code sockaddr_storage} 128). */
    static final int MAX_LEN = 128;
    static final int UNIX_PATH_MAX = 108;

    /** Checks and resolves an address for a socket of the given family, as the JDK's Net.checkAddress. */
    static InetSocketAddress checkInet(SocketAddress sa, int family) {
        if (sa == null) {
            throw new NullPointerException();
        }
        if (!(sa instanceof InetSocketAddress)) {
            throw new UnsupportedAddressTypeException();
        }
        InetSocketAddress isa = (InetSocketAddress) sa;
        if (isa.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        if (family == NetSys.AF_INET && !(isa.getAddress() instanceof Inet4Address)) {
            throw new UnsupportedAddressTypeException(); // an IPv6 address on an IPv4 socket
        }
        return isa;
    }

    static UnixDomainSocketAddress checkUnix(SocketAddress sa) {
        if (sa == null) {
            throw new NullPointerException();
        }
        if (!(sa instanceof UnixDomainSocketAddress)) {
            throw new UnsupportedAddressTypeException();
        }
        return (UnixDomainSocketAddress) sa;
    }

    /**
     * Writes the address at {@code buf}'s offset 0 for a socket of {@code family}; returns its
     * length.
     */
    static int encode(ByteBuffer buf, int family, SocketAddress sa) throws java.net.SocketException {
        for (int i = 0; i < MAX_LEN; i += 8) {
            buf.putLong(i, 0);
        }
        if (family == NetSys.AF_UNIX) {
            byte[] path = ((UnixDomainSocketAddress) sa).getPath().toString().getBytes(StandardCharsets.UTF_8);
            if (path.length >= UNIX_PATH_MAX) {
                throw new java.net.SocketException("Unix domain path too long");
            }
            buf.putShort(0, (short) NetSys.AF_UNIX);
            for (int i = 0; i < path.length; i++) {
                buf.put(2 + i, path[i]);
            }
            return path.length == 0 ? 2 : 2 + path.length + 1;
        }
        InetSocketAddress isa = (InetSocketAddress) sa;
        InetAddress a = isa.getAddress();
        int port = isa.getPort();
        if (family == NetSys.AF_INET) {
            buf.putShort(0, (short) NetSys.AF_INET);
            putPort(buf, 2, port);
            byte[] b = a.getAddress();
            for (int i = 0; i < 4; i++) {
                buf.put(4 + i, b[i]);
            }
            return 16;
        }
        buf.putShort(0, (short) NetSys.AF_INET6);
        putPort(buf, 2, port);
        if (a instanceof Inet4Address) {
            if (!a.isAnyLocalAddress()) {
                byte[] b = a.getAddress();
                buf.put(18, (byte) 0xff);
                buf.put(19, (byte) 0xff);
                for (int i = 0; i < 4; i++) {
                    buf.put(20 + i, b[i]);
                }
            }
        } else {
            Inet6Address a6 = (Inet6Address) a;
            byte[] b = a6.getAddress();
            for (int i = 0; i < 16; i++) {
                buf.put(8 + i, b[i]);
            }
            buf.putInt(24, a6.getScopeId());
        }
        return 28;
    }

    private static void putPort(ByteBuffer buf, int off, int port) {
        buf.put(off, (byte) (port >> 8));
        buf.put(off + 1, (byte) port);
    }

    private static int getPort(ByteBuffer buf, int off) {
        return ((buf.get(off) & 0xff) << 8) | (buf.get(off + 1) & 0xff);
    }

    /** Reads the address the kernel wrote at {@code buf}'s offset 0, {@code len} bytes long. */
    static SocketAddress decode(ByteBuffer buf, int len) {
        int family = buf.getShort(0) & 0xffff;
        try {
            switch (family) {
                case NetSys.AF_INET: {
                    byte[] b = new byte[4];
                    for (int i = 0; i < 4; i++) {
                        b[i] = buf.get(4 + i);
                    }
                    return new InetSocketAddress(InetAddress.getByAddress(b), getPort(buf, 2));
                }
                case NetSys.AF_INET6: {
                    byte[] b = new byte[16];
                    for (int i = 0; i < 16; i++) {
                        b[i] = buf.get(8 + i);
                    }
                    int port = getPort(buf, 2);
                    if (isV4Mapped(b)) {
                        byte[] v4 = {b[12], b[13], b[14], b[15]};
                        return new InetSocketAddress(InetAddress.getByAddress(v4), port);
                    }
                    int scope = buf.getInt(24);
                    InetAddress a = scope != 0 ? Inet6Address.getByAddress(null, b, scope) : InetAddress.getByAddress(b);
                    return new InetSocketAddress(a, port);
                }
                case NetSys.AF_UNIX: {
                    int n = Math.max(0, len - 2);
                    byte[] p = new byte[n];
                    int k = 0;
                    for (; k < n; k++) {
                        byte c = buf.get(2 + k);
                        if (c == 0) {
                            break;
                        }
                        p[k] = c;
                    }
                    return UnixDomainSocketAddress.of(new String(p, 0, k, StandardCharsets.UTF_8));
                }
                default:
                    throw new UnsupportedAddressTypeException();
            }
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only thrown for a bad length, which cannot happen here
        }
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }
}
