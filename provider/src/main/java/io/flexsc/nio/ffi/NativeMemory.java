package io.flexsc.nio.ffi;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Addresses of direct buffers and views of native memory as buffers.
 *
 * <p>Buffer addresses are read by {@link BufferAddress}, a multi-release class: {@code sun.misc.Unsafe}
 * on JDK 17-21, {@code MemorySegment} on JDK 22+. Native memory is jffi's.
 */
public final class NativeMemory {
    private NativeMemory() {}

    /** The base address of a direct buffer (not counting its position). */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return BufferAddress.of(direct);
    }

    /**
     * Whether the kernel may be handed {@code b}'s address: {@code b} is direct and its memory lives
     * for as long as {@code b} is reachable (a buffer from {@code allocateDirect} or {@code map}, or
     * over a segment of the global or an automatic arena), so that
     * {@link java.lang.ref.Reference#reachabilityFence} keeps it valid until the call completes.
     *
     * <p>A buffer over a segment of an arena that can be closed ({@code Arena.ofShared()},
     * {@code ofConfined()}) is not: {@code close()} in another thread frees the memory while the
     * kernel (or a ring) may still use it, and no public API acquires the segment's scope for the
     * call, as the JDK's {@code IOUtil} does internally. Such a buffer goes through the caller's
     * temporary buffer instead, and only Java code, which checks the scope, touches it. For it this
     * method first checks that the scope is alive and accessible from this thread, so that a call
     * fails before any byte moves, with the JDK's exceptions: {@code IllegalStateException} for a
     * closed arena, {@code WrongThreadException} for a confined arena of another thread.
     *
     * @return false for heap buffers and for direct buffers that must be copied
     */
    public static boolean addressable(ByteBuffer b) {
        if (!b.isDirect()) {
            return false;
        }
        if (BufferAddress.outlivesCall(b)) {
            return true;
        }
        if (b.hasRemaining()) {
            b.get(b.position()); // a scoped access: throws if the arena is closed or of another thread
        }
        return false;
    }

    /** How buffer addresses are read in this JVM (for the diagnostic report). */
    public static String addressStrategy() {
        return BufferAddress.strategy();
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
