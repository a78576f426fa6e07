package io.flexsc.nio.engine;

import io.flexsc.nio.ffi.NativeMemory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's native memory: blocks allocated here live until {@link #close()}. Helpers encode and
 * decode the few C structures the suite passes to the kernel (C strings, {@code sockaddr_in},
 * {@code iovec} arrays). Not thread-safe; one per test (or per thread).
 */
final class Mem implements AutoCloseable {
    private final List<Long> blocks = new ArrayList<>();

    /** {@code size} zeroed bytes (at least one), 16-byte aligned. */
    long alloc(long size) {
        long a = NativeMemory.allocate(Math.max(1, size));
        blocks.add(a);
        return a;
    }

    /** A copy of {@code bytes} in native memory. */
    long bytes(byte[] bytes) {
        long a = alloc(bytes.length);
        put(a, bytes);
        return a;
    }

    /** A NUL-terminated UTF-8 copy of {@code s}. */
    long cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long a = alloc(b.length + 1L);
        put(a, b);
        return a;
    }

    /** A native int holding {@code v} (for option values, socklen_t, pipe fds). */
    long int32(int v) {
        long a = alloc(4);
        view(a, 4).putInt(0, v);
        return a;
    }

    /** A native long holding {@code v} (for loff_t offsets, eventfd counters). */
    long int64(long v) {
        long a = alloc(8);
        view(a, 8).putLong(0, v);
        return a;
    }

    /** An array of {@code iovec}s over the given (address, length) pairs. */
    long iovecs(long[] bases, int[] lengths) {
        long a = alloc((long) Kernel.IOVEC_SIZE * bases.length);
        ByteBuffer v = view(a, Kernel.IOVEC_SIZE * bases.length);
        for (int i = 0; i < bases.length; i++) {
            v.putLong(i * Kernel.IOVEC_SIZE, bases[i]);
            v.putLong(i * Kernel.IOVEC_SIZE + 8, lengths[i]);
        }
        return a;
    }

    /** A {@code sockaddr_in} for an IPv4 socket address. */
    long sockaddrIn(InetSocketAddress addr) {
        long a = alloc(Kernel.SOCKADDR_IN_SIZE);
        ByteBuffer v = view(a, Kernel.SOCKADDR_IN_SIZE);
        v.putShort(0, (short) Kernel.AF_INET);
        v.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) addr.getPort());
        byte[] ip = addr.getAddress().getAddress();
        if (ip.length != 4) {
            throw new IllegalArgumentException("not IPv4: " + addr);
        }
        for (int i = 0; i < 4; i++) {
            v.put(4 + i, ip[i]);
        }
        return a;
    }

    /** Decodes a {@code sockaddr_in}. */
    static InetSocketAddress decodeSockaddrIn(long a) {
        ByteBuffer v = NativeMemory.wrap(a, Kernel.SOCKADDR_IN_SIZE);
        int family = v.getShort(0) & 0xffff;
        if (family != Kernel.AF_INET) {
            throw new AssertionError("sa_family " + family + " is not AF_INET");
        }
        int port = v.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xffff;
        byte[] ip = new byte[4];
        for (int i = 0; i < 4; i++) {
            ip[i] = v.get(4 + i);
        }
        try {
            return new InetSocketAddress((Inet4Address) InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static ByteBuffer view(long a, int size) {
        return NativeMemory.wrap(a, size);
    }

    static void put(long a, byte[] b) {
        if (b.length > 0) {
            view(a, b.length).put(0, b);
        }
    }

    static byte[] get(long a, int len) {
        byte[] b = new byte[len];
        if (len > 0) {
            view(a, len).get(0, b);
        }
        return b;
    }

    static int getInt(long a) {
        return view(a, 4).getInt(0);
    }

    static long getLong(long a) {
        return view(a, 8).getLong(0);
    }

    @Override
    public void close() {
        for (long a : blocks) {
            NativeMemory.free(a);
        }
        blocks.clear();
    }
}
