package io.flexsc.nio.net.channels;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;

/**
 * Standard and extended (jdk.net) socket options over getsockopt/setsockopt: the option sets each
 * kind of channel supports, value checks with the JDK's exceptions, and the encoding to the
 * kernel's levels and names.
 *
 * <p>Stateless and thread-safe.
 */
final class SocketOpts {
    private SocketOpts() {}

    static final Set<SocketOption<?>> TCP_CLIENT;
    static final Set<SocketOption<?>> TCP_SERVER;
    static final Set<SocketOption<?>> UDP;
    static final Set<SocketOption<?>> UNIX_CLIENT;
    static final Set<SocketOption<?>> UNIX_SERVER;

    static {
        Set<SocketOption<?>> s = new HashSet<>();
        s.add(StandardSocketOptions.SO_SNDBUF);
        s.add(StandardSocketOptions.SO_RCVBUF);
        s.add(StandardSocketOptions.SO_KEEPALIVE);
        s.add(StandardSocketOptions.SO_REUSEADDR);
        s.add(StandardSocketOptions.SO_REUSEPORT);
        s.add(StandardSocketOptions.SO_LINGER);
        s.add(StandardSocketOptions.TCP_NODELAY);
        s.add(StandardSocketOptions.IP_TOS);
        s.add(ExtendedSocketOptions.TCP_QUICKACK);
        s.add(ExtendedSocketOptions.TCP_KEEPIDLE);
        s.add(ExtendedSocketOptions.TCP_KEEPINTERVAL);
        s.add(ExtendedSocketOptions.TCP_KEEPCOUNT);
        s.add(ExtendedSocketOptions.SO_INCOMING_NAPI_ID);
        TCP_CLIENT = Collections.unmodifiableSet(s);

        s = new HashSet<>();
        s.add(StandardSocketOptions.SO_RCVBUF);
        s.add(StandardSocketOptions.SO_REUSEADDR);
        s.add(StandardSocketOptions.SO_REUSEPORT);
        s.add(StandardSocketOptions.IP_TOS);
        s.add(ExtendedSocketOptions.TCP_QUICKACK);
        s.add(ExtendedSocketOptions.TCP_KEEPIDLE);
        s.add(ExtendedSocketOptions.TCP_KEEPINTERVAL);
        s.add(ExtendedSocketOptions.TCP_KEEPCOUNT);
        s.add(ExtendedSocketOptions.SO_INCOMING_NAPI_ID);
        TCP_SERVER = Collections.unmodifiableSet(s);

        s = new HashSet<>();
        s.add(StandardSocketOptions.SO_SNDBUF);
        s.add(StandardSocketOptions.SO_RCVBUF);
        s.add(StandardSocketOptions.SO_REUSEADDR);
        s.add(StandardSocketOptions.SO_REUSEPORT);
        s.add(StandardSocketOptions.SO_BROADCAST);
        s.add(StandardSocketOptions.IP_TOS);
        s.add(StandardSocketOptions.IP_MULTICAST_IF);
        s.add(StandardSocketOptions.IP_MULTICAST_TTL);
        s.add(StandardSocketOptions.IP_MULTICAST_LOOP);
        s.add(ExtendedSocketOptions.SO_INCOMING_NAPI_ID);
        UDP = Collections.unmodifiableSet(s);

        s = new HashSet<>();
        s.add(StandardSocketOptions.SO_SNDBUF);
        s.add(StandardSocketOptions.SO_RCVBUF);
        s.add(StandardSocketOptions.SO_LINGER);
        UNIX_CLIENT = Collections.unmodifiableSet(s);
        UNIX_SERVER = Set.of(StandardSocketOptions.SO_RCVBUF);
    }

    /** Checks the name and value as the JDK's channels do, before anything reaches the kernel. */
    static void checkSet(Set<SocketOption<?>> supported, SocketOption<?> name, Object value) {
        if (name == null) {
            throw new NullPointerException();
        }
        if (!supported.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        if (!name.type().isInstance(value)) {
            throw new IllegalArgumentException("Invalid value '" + value + "'");
        }
    }

    static void checkGet(Set<SocketOption<?>> supported, SocketOption<?> name) {
        if (name == null) {
            throw new NullPointerException();
        }
        if (!supported.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
    }

    /** Sets an option already checked with {@link #checkSet}; {@code family} is the socket's. */
    static void set(int fd, int family, SocketOption<?> name, Object value) throws IOException {
        if (name == StandardSocketOptions.SO_LINGER) {
            int v = (Integer) value;
            Scratch s = Scratch.acquire(8);
            try {
                s.buffer().putInt(0, v < 0 ? 0 : 1);
                s.buffer().putInt(4, v < 0 ? 0 : Math.min(v, 65535));
                NetSys.check(NetSys.call(SysNr.SETSOCKOPT, fd, Linux.SOL_SOCKET, Linux.SO_LINGER, s.address(), 8, 0), null);
                return;
            } finally {
                s.release();
            }
        }
        if (name == StandardSocketOptions.SO_SNDBUF || name == StandardSocketOptions.SO_RCVBUF) {
            int v = (Integer) value;
            if (v < 0) {
                throw new IllegalArgumentException("Invalid send/receive buffer size");
            }
        }
        if (name == StandardSocketOptions.IP_TOS) {
            int v = (Integer) value;
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("Invalid IP_TOS value");
            }
            if (family == Linux.AF_INET6) {
                NetSys.setIntOpt(fd, Linux.IPPROTO_IPV6, Linux.IPV6_TCLASS, v);
                setIgnoring(fd, Linux.IPPROTO_IP, Linux.IP_TOS, v); // for IPv4-mapped traffic
            } else {
                NetSys.setIntOpt(fd, Linux.IPPROTO_IP, Linux.IP_TOS, v);
            }
            return;
        }
        if (name == StandardSocketOptions.IP_MULTICAST_TTL) {
            int v = (Integer) value;
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("Invalid TTL/hop value");
            }
            if (family == Linux.AF_INET6) {
                NetSys.setIntOpt(fd, Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_HOPS, v);
                setIgnoring(fd, Linux.IPPROTO_IP, Linux.IP_MULTICAST_TTL, v);
            } else {
                NetSys.setIntOpt(fd, Linux.IPPROTO_IP, Linux.IP_MULTICAST_TTL, v);
            }
            return;
        }
        if (name == StandardSocketOptions.IP_MULTICAST_LOOP) {
            int v = ((Boolean) value) ? 1 : 0;
            if (family == Linux.AF_INET6) {
                NetSys.setIntOpt(fd, Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_LOOP, v);
                setIgnoring(fd, Linux.IPPROTO_IP, Linux.IP_MULTICAST_LOOP, v);
            } else {
                NetSys.setIntOpt(fd, Linux.IPPROTO_IP, Linux.IP_MULTICAST_LOOP, v);
            }
            return;
        }
        if (name == StandardSocketOptions.IP_MULTICAST_IF) {
            NetworkInterface ni = (NetworkInterface) value;
            if (family == Linux.AF_INET6) {
                NetSys.setIntOpt(fd, Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_IF, ni.getIndex());
                return;
            }
            Inet4Address a = firstInet4(ni);
            if (a == null) {
                throw new SocketException("Network interface not configured for IPv4");
            }
            Scratch s = Scratch.acquire(4);
            try {
                byte[] b = a.getAddress();
                for (int i = 0; i < 4; i++) {
                    s.buffer().put(i, b[i]);
                }
                NetSys.check(NetSys.call(SysNr.SETSOCKOPT, fd, Linux.IPPROTO_IP, Linux.IP_MULTICAST_IF, s.address(), 4, 0), null);
                return;
            } finally {
                s.release();
            }
        }
        if (name == ExtendedSocketOptions.SO_INCOMING_NAPI_ID) {
            throw new SocketException("Attempt to set read only option");
        }
        if (name == ExtendedSocketOptions.TCP_KEEPIDLE || name == ExtendedSocketOptions.TCP_KEEPINTERVAL
                || name == ExtendedSocketOptions.TCP_KEEPCOUNT) {
            int v = (Integer) value;
            if (v < 0) {
                throw new IllegalArgumentException("Invalid value '" + v + "'");
            }
        }
        int[] ln = levelAndName(name);
        int v = value instanceof Boolean ? (((Boolean) value) ? 1 : 0) : (Integer) value;
        NetSys.setIntOpt(fd, ln[0], ln[1], v);
    }

    private static void setIgnoring(int fd, int level, int opt, int v) {
        try {
            NetSys.setIntOpt(fd, level, opt, v);
        } catch (IOException ignored) {
            // the IPv4 counterpart of an IPv6 option is best effort, as in the JDK
        }
    }

    /** Reads an option already checked with {@link #checkGet}. */
    @SuppressWarnings("unchecked")
    static <T> T get(int fd, int family, SocketOption<T> name) throws IOException {
        if (name == StandardSocketOptions.SO_LINGER) {
            Scratch s = Scratch.acquire(12);
            try {
                s.buffer().putLong(0, 0);
                s.buffer().putInt(8, 8);
                NetSys.check(NetSys.call(SysNr.GETSOCKOPT, fd, Linux.SOL_SOCKET, Linux.SO_LINGER, s.address(), s.address() + 8, 0), null);
                return (T) Integer.valueOf(s.buffer().getInt(0) == 0 ? -1 : s.buffer().getInt(4));
            } finally {
                s.release();
            }
        }
        if (name == StandardSocketOptions.IP_TOS) {
            if (family == Linux.AF_INET6) {
                return (T) Integer.valueOf(NetSys.getIntOpt(fd, Linux.IPPROTO_IPV6, Linux.IPV6_TCLASS));
            }
            return (T) Integer.valueOf(NetSys.getIntOpt(fd, Linux.IPPROTO_IP, Linux.IP_TOS) & 0xff);
        }
        if (name == StandardSocketOptions.IP_MULTICAST_TTL) {
            if (family == Linux.AF_INET6) {
                return (T) Integer.valueOf(NetSys.getIntOpt(fd, Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_HOPS));
            }
            return (T) Integer.valueOf(NetSys.getIntOpt(fd, Linux.IPPROTO_IP, Linux.IP_MULTICAST_TTL) & 0xff);
        }
        if (name == StandardSocketOptions.IP_MULTICAST_LOOP) {
            if (family == Linux.AF_INET6) {
                return (T) Boolean.valueOf(NetSys.getIntOpt(fd, Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_LOOP) != 0);
            }
            return (T) Boolean.valueOf((NetSys.getIntOpt(fd, Linux.IPPROTO_IP, Linux.IP_MULTICAST_LOOP) & 0xff) != 0);
        }
        if (name == StandardSocketOptions.IP_MULTICAST_IF) {
            return (T) multicastInterface(fd, family);
        }
        int[] ln = levelAndName(name);
        int v = NetSys.getIntOpt(fd, ln[0], ln[1]);
        if (name.type() == Boolean.class) {
            return (T) Boolean.valueOf(v != 0);
        }
        if (name == StandardSocketOptions.SO_SNDBUF || name == StandardSocketOptions.SO_RCVBUF) {
            // Linux doubles the size it is given (for its own bookkeeping) and getsockopt reports the
            // doubled value; the JDK halves it so that what was set reads back. So do we.
            v /= 2;
        }
        return (T) Integer.valueOf(v);
    }

    private static NetworkInterface multicastInterface(int fd, int family) throws IOException {
        if (family == Linux.AF_INET6) {
            int index = NetSys.getIntOpt(fd, Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_IF);
            return index == 0 ? null : NetworkInterface.getByIndex(index);
        }
        Scratch s = Scratch.acquire(20);
        try {
            s.buffer().putLong(0, 0);
            s.buffer().putInt(16, 12);
            NetSys.check(NetSys.call(SysNr.GETSOCKOPT, fd, Linux.IPPROTO_IP, Linux.IP_MULTICAST_IF, s.address(), s.address() + 16, 0), null);
            byte[] b = {s.buffer().get(0), s.buffer().get(1), s.buffer().get(2), s.buffer().get(3)};
            InetAddress a = InetAddress.getByAddress(b);
            if (a.isAnyLocalAddress()) {
                return null;
            }
            return NetworkInterface.getByInetAddress(a);
        } finally {
            s.release();
        }
    }

    static Inet4Address firstInet4(NetworkInterface ni) {
        for (Enumeration<InetAddress> e = ni.getInetAddresses(); e.hasMoreElements(); ) {
            InetAddress a = e.nextElement();
            if (a instanceof Inet4Address) {
                return (Inet4Address) a;
            }
        }
        return null;
    }

    private static int[] levelAndName(SocketOption<?> name) {
        if (name == StandardSocketOptions.SO_SNDBUF) return new int[] {Linux.SOL_SOCKET, Linux.SO_SNDBUF};
        if (name == StandardSocketOptions.SO_RCVBUF) return new int[] {Linux.SOL_SOCKET, Linux.SO_RCVBUF};
        if (name == StandardSocketOptions.SO_KEEPALIVE) return new int[] {Linux.SOL_SOCKET, Linux.SO_KEEPALIVE};
        if (name == StandardSocketOptions.SO_REUSEADDR) return new int[] {Linux.SOL_SOCKET, Linux.SO_REUSEADDR};
        if (name == StandardSocketOptions.SO_REUSEPORT) return new int[] {Linux.SOL_SOCKET, Linux.SO_REUSEPORT};
        if (name == StandardSocketOptions.SO_BROADCAST) return new int[] {Linux.SOL_SOCKET, Linux.SO_BROADCAST};
        if (name == StandardSocketOptions.TCP_NODELAY) return new int[] {Linux.IPPROTO_TCP, Linux.TCP_NODELAY};
        if (name == ExtendedSocketOptions.TCP_QUICKACK) return new int[] {Linux.IPPROTO_TCP, Linux.TCP_QUICKACK};
        if (name == ExtendedSocketOptions.TCP_KEEPIDLE) return new int[] {Linux.IPPROTO_TCP, Linux.TCP_KEEPIDLE};
        if (name == ExtendedSocketOptions.TCP_KEEPINTERVAL) return new int[] {Linux.IPPROTO_TCP, Linux.TCP_KEEPINTVL};
        if (name == ExtendedSocketOptions.TCP_KEEPCOUNT) return new int[] {Linux.IPPROTO_TCP, Linux.TCP_KEEPCNT};
        if (name == ExtendedSocketOptions.SO_INCOMING_NAPI_ID) return new int[] {Linux.SOL_SOCKET, Linux.SO_INCOMING_NAPI_ID};
        throw new UnsupportedOperationException("'" + name + "' not supported");
    }

    /** True when {@code raw} says the option does not apply to this socket (e.g. TCP options on UNIX). */
    static boolean notApplicable(long raw) {
        return raw == -Errno.ENOPROTOOPT || raw == -Errno.EOPNOTSUPP;
    }
}
