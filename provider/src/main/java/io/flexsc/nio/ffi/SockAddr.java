package io.flexsc.nio.ffi;

import com.kenai.jffi.MemoryIO;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Arrays;

/**
 * Codec between Java socket addresses and the kernel's {@code struct sockaddr_*} in native memory:
 * {@code sockaddr_in} (IPv4), {@code sockaddr_in6} (IPv6 with scope id) and {@code sockaddr_un}
 * (Unix domain, by path).
 *
 * <p>As in the JDK, an IPv4 address bound for an IPv6 socket is encoded as an IPv4-mapped IPv6
 * address ({@code ::ffff:a.b.c.d}), and an IPv4-mapped address read back decodes to an
 * {@link Inet4Address}. A Unix domain path is encoded in {@link CString#JNU_CHARSET}; an unnamed
 * Unix socket (address length of the family alone) decodes to the empty path, as
 * {@code UnixDomainSocketAddress.of("")}. Abstract-namespace Unix addresses are not supported by
 * the JDK and decode to an {@link UnsupportedAddressTypeException}.
 *
 * <p>Memory is the caller's: {@link #STORAGE_SIZE} bytes ({@code sockaddr_storage}) hold any
 * address. Stateless and thread safe.
 */
public final class SockAddr {
    private SockAddr() {}

    private static final MemoryIO IO = MemoryIO.getInstance();

    /** {@code sizeof(struct sockaddr_storage)}: room for any address. */
    public static final int STORAGE_SIZE = 128;
    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int IN_SIZE = 16;
    /** {@code sizeof(struct sockaddr_in6)}. */
    public static final int IN6_SIZE = 28;
    /** {@code sizeof(struct sockaddr_un)}. */
    public static final int UN_SIZE = 110;
    /** {@code offsetof(struct sockaddr_un, sun_path)}. */
    public static final int UN_PATH_OFFSET = 2;
    /** The longest Unix domain path, in bytes, without its NUL. */
    public static final int UN_PATH_MAX = UN_SIZE - UN_PATH_OFFSET - 1;

    private static final byte[] V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    /**
     * Encodes {@code sa} at {@code address} for a socket of the given family.
     *
     * @param family   the socket's family: {@link Linux#AF_INET}, {@link Linux#AF_INET6} or
     *                 {@link Linux#AF_UNIX}
     * @param capacity bytes available at {@code address}
     * @return the address length to pass to the kernel ({@code socklen_t})
     * @throws UnresolvedAddressException      for an unresolved {@link InetSocketAddress}
     * @throws UnsupportedAddressTypeException when {@code sa} does not fit the family (an IPv6
     *         address for an IPv4 socket, an Internet address for a Unix socket, ...)
     * @throws SocketException                 for a Unix path longer than {@link #UN_PATH_MAX}
     *         bytes ("Unix domain path too long", as the JDK)
     * @throws IllegalArgumentException        if {@code capacity} is too small
     */
    public static int encode(SocketAddress sa, int family, long address, int capacity) throws SocketException {
        if (sa instanceof InetSocketAddress) {
            InetSocketAddress isa = (InetSocketAddress) sa;
            if (isa.isUnresolved()) {
                throw new UnresolvedAddressException();
            }
            return encode(isa.getAddress(), isa.getPort(), family, address, capacity);
        }
        if (sa instanceof UnixDomainSocketAddress) {
            if (family != Linux.AF_UNIX) {
                throw new UnsupportedAddressTypeException();
            }
            byte[] path = CString.bytes(((UnixDomainSocketAddress) sa).getPath().toString());
            if (path.length > UN_PATH_MAX) {
                throw new SocketException("Unix domain path too long");
            }
            int len = UN_PATH_OFFSET + path.length;
            checkCapacity(capacity, len + 1);
            IO.putShort(address, (short) Linux.AF_UNIX);
            IO.putByteArray(address + UN_PATH_OFFSET, path, 0, path.length);
            IO.putByte(address + len, (byte) 0);
            return len;
        }
        throw new UnsupportedAddressTypeException();
    }

    /** Encodes an Internet address and port; see {@link #encode(SocketAddress, int, long, int)}. */
    public static int encode(InetAddress ia, int port, int family, long address, int capacity) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range:" + port);
        }
        byte[] raw = ia.getAddress();
        if (family == Linux.AF_INET) {
            if (!(ia instanceof Inet4Address)) {
                throw new UnsupportedAddressTypeException();
            }
            checkCapacity(capacity, IN_SIZE);
            IO.setMemory(address, IN_SIZE, (byte) 0);
            IO.putShort(address, (short) Linux.AF_INET);
            putPort(address + 2, port);
            IO.putByteArray(address + 4, raw, 0, 4);
            return IN_SIZE;
        }
        if (family == Linux.AF_INET6) {
            checkCapacity(capacity, IN6_SIZE);
            IO.setMemory(address, IN6_SIZE, (byte) 0);
            IO.putShort(address, (short) Linux.AF_INET6);
            putPort(address + 2, port);
            if (ia instanceof Inet4Address) {
                IO.putByteArray(address + 8, V4_MAPPED_PREFIX, 0, 12);
                IO.putByteArray(address + 20, raw, 0, 4);
            } else {
                IO.putByteArray(address + 8, raw, 0, 16);
                IO.putInt(address + 24, ((Inet6Address) ia).getScopeId());
            }
            return IN6_SIZE;
        }
        throw new UnsupportedAddressTypeException();
    }

    /**
     * Decodes the address the kernel stored at {@code address} ({@code length} bytes, as returned
     * through a {@code socklen_t*} by accept, getsockname, recvfrom, ...).
     *
     * @throws UnsupportedAddressTypeException for a family other than IPv4, IPv6 and Unix, or an
     *         abstract Unix address
     * @throws IllegalArgumentException        if {@code length} is too short for the family
     */
    public static SocketAddress decode(long address, int length) {
        if (length < 2) {
            throw new IllegalArgumentException("address length " + length + " too short");
        }
        int family = IO.getShort(address) & 0xffff;
        switch (family) {
            case Linux.AF_INET: {
                checkLength(length, IN_SIZE);
                byte[] raw = new byte[4];
                IO.getByteArray(address + 4, raw, 0, 4);
                return new InetSocketAddress(byAddress(raw, 0), getPort(address + 2));
            }
            case Linux.AF_INET6: {
                checkLength(length, IN6_SIZE);
                byte[] raw = new byte[16];
                IO.getByteArray(address + 8, raw, 0, 16);
                int port = getPort(address + 2);
                if (Arrays.equals(raw, 0, 12, V4_MAPPED_PREFIX, 0, 12)) {
                    return new InetSocketAddress(byAddress(Arrays.copyOfRange(raw, 12, 16), 0), port);
                }
                return new InetSocketAddress(byAddress(raw, IO.getInt(address + 24)), port);
            }
            case Linux.AF_UNIX: {
                int n = Math.min(length, UN_SIZE) - UN_PATH_OFFSET;
                if (n <= 0) {
                    return UnixDomainSocketAddress.of("");
                }
                byte[] raw = new byte[n];
                IO.getByteArray(address + UN_PATH_OFFSET, raw, 0, n);
                if (raw[0] == 0) {
                    if (n == 1) {
                        return UnixDomainSocketAddress.of("");
                    }
                    throw new UnsupportedAddressTypeException(); // abstract namespace
                }
                int end = 0;
                while (end < n && raw[end] != 0) {
                    end++;
                }
                return UnixDomainSocketAddress.of(new String(raw, 0, end, CString.JNU_CHARSET));
            }
            default:
                throw new UnsupportedAddressTypeException();
        }
    }

    /** The family of the address stored at {@code address}. */
    public static int family(long address) {
        return IO.getShort(address) & 0xffff;
    }

    private static InetAddress byAddress(byte[] raw, int scopeId) {
        try {
            if (raw.length == 16 && scopeId != 0) {
                return Inet6Address.getByAddress(null, raw, scopeId);
            }
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only for a wrong length, which cannot happen here
        }
    }

    private static void putPort(long at, int port) {
        IO.putByte(at, (byte) (port >>> 8));
        IO.putByte(at + 1, (byte) port);
    }

    private static int getPort(long at) {
        return ((IO.getByte(at) & 0xff) << 8) | (IO.getByte(at + 1) & 0xff);
    }

    private static void checkCapacity(int capacity, int needed) {
        if (capacity < needed) {
            throw new IllegalArgumentException("capacity " + capacity + " < " + needed + " bytes needed");
        }
    }

    private static void checkLength(int length, int needed) {
        if (length < needed) {
            throw new IllegalArgumentException("address length " + length + " < " + needed);
        }
    }
}
