package io.flexsc.nio.ffi;

import com.kenai.jffi.MemoryIO;

/**
 * Accessors for arrays of {@code struct epoll_event} in native memory. On x86_64 the struct is
 * packed: a 32-bit event mask then 64 bits of user data, {@link #SIZE} = 12 bytes, no padding.
 * Stateless and thread safe; the memory is the caller's.
 */
public final class EpollEvent {
    private EpollEvent() {}

    /** {@code sizeof(struct epoll_event)} on x86_64. */
    public static final int SIZE = Linux.EPOLL_EVENT_SIZE;

    private static final MemoryIO IO = MemoryIO.getInstance();

    /** Writes entry {@code i} of the array at {@code address}. */
    public static void put(long address, int i, int events, long data) {
        long a = address + (long) i * SIZE;
        IO.putInt(a, events);
        IO.putLong(a + 4, data);
    }

    /** The event mask of entry {@code i} ({@code Linux.EPOLL*} bits). */
    public static int events(long address, int i) {
        return IO.getInt(address + (long) i * SIZE);
    }

    /** The user data of entry {@code i} (typically the fd it was registered with). */
    public static long data(long address, int i) {
        return IO.getLong(address + (long) i * SIZE + 4);
    }
}
