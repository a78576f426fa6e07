package io.flexsc.nio.ffi;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Reads the base address of a direct buffer; the JDK 22+ version (META-INF/versions/22 of the
 * multi-release jar; the JDK 17 version is in {@code src/main/java}).
 *
 * <p>{@code MemorySegment.ofBuffer} is not restricted and needs neither {@code sun.misc.Unsafe}
 * (whose memory methods warn on JDK 24+) nor native access. The segment covers the buffer from its
 * position; the position is taken off to give the base address, as the JDK 17 version returns.
 * The segment does not escape, so the JIT keeps it out of the heap.
 */
final class BufferAddress {
    private BufferAddress() {}

    static String strategy() {
        return "MemorySegment.ofBuffer (JDK 22+)";
    }

    static long of(ByteBuffer direct) {
        return MemorySegment.ofBuffer(direct).address() - direct.position();
    }
}
