package io.flexsc.nio.ffi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test helpers for native memory: direct buffers and their addresses. */
final class Mem {
    private Mem() {}

    static ByteBuffer direct(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    /** Address of {@code b}'s position. */
    static long at(ByteBuffer b) {
        return NativeMemory.address(b) + b.position();
    }

    static long addr(ByteBuffer b) {
        return NativeMemory.address(b);
    }

    static ByteBuffer directOf(byte[] bytes) {
        ByteBuffer b = direct(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    static byte[] bytes(ByteBuffer b, int from, int len) {
        byte[] out = new byte[len];
        b.duplicate().position(from).get(out);
        return out;
    }

    /** A C string in a fresh direct buffer (kept alive by the caller holding the buffer). */
    static ByteBuffer cstring(String s) {
        byte[] bytes = CString.bytes(s);
        ByteBuffer b = direct(bytes.length + 1);
        CString.put(bytes, addr(b), b.capacity());
        return b;
    }

    static void check(long raw) {
        if (Errno.isError(raw)) {
            throw new AssertionError("unexpected " + Errors.strerror(Errno.of(raw)) + " (" + raw + ")");
        }
    }
}
