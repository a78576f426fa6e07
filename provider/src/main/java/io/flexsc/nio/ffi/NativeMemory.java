package io.flexsc.nio.ffi;

import com.kenai.jffi.MemoryIO;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Addresses of direct buffers and views of native memory as buffers.
 *
 * <p>The address of a direct buffer is read from {@code java.nio.Buffer.address} through
 * {@code sun.misc.Unsafe} (as Netty does; no {@code --add-opens} needed), falling back to JNI's
 * {@code GetDirectBufferAddress} through jffi when that field cannot be read.
 */
public final class NativeMemory {
    private NativeMemory() {}

    private static final sun.misc.Unsafe UNSAFE;
    private static final long ADDRESS_OFFSET;

    static {
        sun.misc.Unsafe u = null;
        long off = -1;
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = (sun.misc.Unsafe) f.get(null);
            off = u.objectFieldOffset(Buffer.class.getDeclaredField("address"));
            // Check the offset on a buffer whose address jffi also knows.
            ByteBuffer probe = ByteBuffer.allocateDirect(8);
            if (u.getLong(probe, off) != MemoryIO.getInstance().getDirectBufferAddress(probe)) {
                off = -1;
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            off = -1;
        }
        UNSAFE = u;
        ADDRESS_OFFSET = off;
    }

    /** The base address of a direct buffer (not counting its position). */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        if (ADDRESS_OFFSET >= 0) {
            return UNSAFE.getLong(direct, ADDRESS_OFFSET);
        }
        return MemoryIO.getInstance().getDirectBufferAddress(direct);
    }

    /** Allocates {@code size} zeroed bytes of native memory (16-byte aligned, as malloc). */
    public static long allocate(long size) {
        long a = MemoryIO.getInstance().allocateMemory(size, true);
        if (a == 0) {
            throw new OutOfMemoryError("native allocation of " + size + " bytes failed");
        }
        return a;
    }

    /**
     * Allocates {@code size} bytes of native memory without clearing them: pages the caller never
     * writes stay untouched (and out of the resident set).
     */
    public static long allocateUninitialized(long size) {
        long a = MemoryIO.getInstance().allocateMemory(size, false);
        if (a == 0) {
            throw new OutOfMemoryError("native allocation of " + size + " bytes failed");
        }
        return a;
    }

    /** Frees memory from {@link #allocate(long)} or {@link #allocateUninitialized(long)}. */
    public static void free(long address) {
        if (address != 0) {
            MemoryIO.getInstance().freeMemory(address);
        }
    }

    /** A native-order buffer over {@code [address, address+size)}; it does not own the memory. */
    public static ByteBuffer wrap(long address, int size) {
        return MemoryIO.getInstance().newDirectByteBuffer(address, size).order(ByteOrder.nativeOrder());
    }
}
