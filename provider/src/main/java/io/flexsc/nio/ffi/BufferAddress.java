package io.flexsc.nio.ffi;

import com.kenai.jffi.MemoryIO;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Reads the base address of a direct buffer; the JDK 17-21 version.
 *
 * <p>The address is read from {@code java.nio.Buffer.address} through {@code sun.misc.Unsafe} (as
 * Netty does; no {@code --add-opens} needed), falling back to JNI's {@code GetDirectBufferAddress}
 * through jffi when that field cannot be read. On JDK 22+ the multi-release jar holds another
 * version of this class ({@code src/main/java22}) that uses {@code MemorySegment} instead, since
 * {@code Unsafe}'s memory methods warn there (JDK 24+) and are going away.
 */
final class BufferAddress {
    private BufferAddress() {}

    private static final sun.misc.Unsafe UNSAFE;
    private static final long ADDRESS_OFFSET;
    /** Offset of {@code Buffer.segment}, set in buffers over a memory segment; -1 if unknown. */
    private static final long SEGMENT_OFFSET;

    static {
        sun.misc.Unsafe u = null;
        long off = -1;
        long seg = -1;
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
            seg = segmentOffset(u);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            off = -1;
        }
        UNSAFE = u;
        ADDRESS_OFFSET = off;
        SEGMENT_OFFSET = seg;
    }

    private static long segmentOffset(sun.misc.Unsafe u) {
        try {
            Field f = Buffer.class.getDeclaredField("segment");
            return f.getType().isPrimitive() ? -1 : u.objectFieldOffset(f);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Whether a direct buffer's memory lives as long as the buffer: false for a buffer over a memory
     * segment (JDK 17's incubating API, 19-21's preview), whose scope may be closed during a call.
     * Segments of the global scope are copied too (there is no cheap way to tell them apart here);
     * when the field cannot be read, buffers are taken as ordinary ones.
     */
    static boolean outlivesCall(ByteBuffer direct) {
        return SEGMENT_OFFSET < 0 || UNSAFE.getObject(direct, SEGMENT_OFFSET) == null;
    }

    /** How addresses are read, for the diagnostic report. */
    static String strategy() {
        return ADDRESS_OFFSET >= 0 ? "sun.misc.Unsafe" : "JNI GetDirectBufferAddress";
    }

    /** The base address of a direct buffer (the caller checked that it is direct). */
    static long of(ByteBuffer direct) {
        if (ADDRESS_OFFSET >= 0) {
            return UNSAFE.getLong(direct, ADDRESS_OFFSET);
        }
        return MemoryIO.getInstance().getDirectBufferAddress(direct);
    }
}
