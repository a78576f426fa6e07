package io.flexsc.nio.net.channels;

import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.SockAddr;
import io.flexsc.nio.net.sys.NetSys;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * Address checks as the JDK's channels make them, and the codec between Java socket addresses and
 * the kernel's {@code sockaddr_in}, {@code sockaddr_in6} and {@code sockaddr_un} (the ffi branch's
 * {@link SockAddr}, over a direct buffer). An IPv4 address given to an IPv6 socket is IPv4-mapped
 * ({@code ::ffff:a.b.c.d}, the wildcard as {@code ::}) and decoded back to IPv4, as the JDK does.
 *
 * <p>Stateless and thread-safe; buffers passed in are the caller's (native byte order).
 */
final class SockAddrs {
    private SockAddrs() {}

    /** Room for the largest address ({@code sockaddr_un} is 110 bytes; {@code sockaddr_storage} 128). */
    static final int MAX_LEN = 128;

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
        if (family == Linux.AF_INET && !(isa.getAddress() instanceof Inet4Address)) {
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
     * Writes the address at {@code buf}'s offset 0 (a direct buffer of at least {@link #MAX_LEN}
     * bytes) for a socket of {@code family}; returns its length. The ffi branch's
     * {@link SockAddr} does the encoding; the IPv4 wildcard given to an IPv6 socket becomes the IPv6
     * wildcard {@code ::} (not {@code ::ffff:0.0.0.0}), so that a dual-stack socket bound to
     * "0.0.0.0" accepts both families, as the JDK's does.
     */
    static int encode(ByteBuffer buf, int family, SocketAddress sa) throws java.net.SocketException {
        if (family == Linux.AF_INET6 && sa instanceof InetSocketAddress) {
            InetSocketAddress isa = (InetSocketAddress) sa;
            if (!isa.isUnresolved() && isa.getAddress() instanceof Inet4Address && isa.getAddress().isAnyLocalAddress()) {
                try {
                    sa = new InetSocketAddress(InetAddress.getByAddress(new byte[16]), isa.getPort());
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return SockAddr.encode(sa, family, NativeMemory.address(buf), Math.min(buf.capacity(), MAX_LEN));
    }

    /** Reads the address the kernel wrote at {@code buf}'s offset 0 (direct), {@code len} bytes long. */
    static SocketAddress decode(ByteBuffer buf, int len) {
        return SockAddr.decode(NativeMemory.address(buf), len);
    }
}
