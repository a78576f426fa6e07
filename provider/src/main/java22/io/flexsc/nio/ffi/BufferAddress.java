package io.flexsc.nio.ffi;

import java.lang.foreign.Arena;
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
 *
 * <p>Whether a buffer's memory may be freed while a reference to it is held is told by the class of
 * its segment's scope, compared with the classes of scopes known to be never closed (that of an
 * ordinary direct buffer, of the global arena, of an automatic arena) and known to be closeable (a
 * shared and a confined arena). Only public API is used; a scope of any other class, or a JDK in
 * which one class serves both kinds, makes buffers go through a copy (safe, slower).
 */
final class BufferAddress {
    private BufferAddress() {}

    private static final Class<?> BUFFER_SCOPE;
    private static final Class<?> GLOBAL_SCOPE;
    private static final Class<?> AUTO_SCOPE;

    static {
        Class<?> buffer = MemorySegment.ofBuffer(ByteBuffer.allocateDirect(1)).scope().getClass();
        Class<?> global = Arena.global().scope().getClass();
        Class<?> auto = Arena.ofAuto().scope().getClass();
        Class<?> shared;
        Class<?> confined;
        try (Arena a = Arena.ofShared(); Arena b = Arena.ofConfined()) {
            shared = a.scope().getClass();
            confined = b.scope().getClass();
        }
        BUFFER_SCOPE = neither(buffer, shared, confined);
        GLOBAL_SCOPE = neither(global, shared, confined);
        AUTO_SCOPE = neither(auto, shared, confined);
    }

    /** {@code c}, or a class no scope has if {@code c} is also a closeable scope's class. */
    private static Class<?> neither(Class<?> c, Class<?> shared, Class<?> confined) {
        return c == shared || c == confined ? Void.class : c;
    }

    static String strategy() {
        return "MemorySegment.ofBuffer (JDK 22+)";
    }

    static long of(ByteBuffer direct) {
        return MemorySegment.ofBuffer(direct).address() - direct.position();
    }

    /** Whether a direct buffer's memory lives as long as the buffer (its scope is never closed). */
    static boolean outlivesCall(ByteBuffer direct) {
        Class<?> c = MemorySegment.ofBuffer(direct).scope().getClass();
        return c == BUFFER_SCOPE || c == GLOBAL_SCOPE || c == AUTO_SCOPE;
    }
}
