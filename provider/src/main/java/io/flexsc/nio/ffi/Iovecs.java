package io.flexsc.nio.ffi;

import java.nio.ByteBuffer;

/**
 * The one builder of {@code struct iovec} arrays, for {@code readv}, {@code writev},
 * {@code preadv} and {@code pwritev}.
 *
 * <p>{@link #build} writes one entry (base pointer, length) per buffer of a range that has bytes
 * remaining, in order, at most {@link Linux#IOV_MAX}. A direct buffer contributes its own memory; a
 * heap buffer the next consecutive slot of a staging block (the kernel only sees native memory),
 * while the staging budget lasts: the first heap buffer that does not fit whole ends the array
 * (with as much of it as fits), so a call may move fewer bytes than the buffers hold (callers loop
 * where they must), never bytes out of order. For a write the
 * heap bytes are copied into their slots; after a read, {@link #complete} copies them out.
 * {@link #complete} then moves the buffers' positions over exactly the bytes the kernel moved.
 *
 * <p>The iovec array and the staging block are {@link Scratch} blocks the caller holds, with the
 * buffers themselves, until the call has completed ({@link java.lang.ref.Reference#reachabilityFence}).
 * Buffers must not change between {@code build} and {@code complete}. Stateless and thread safe.
 */
public final class Iovecs {
    private Iovecs() {}

    /** {@code sizeof(struct iovec)}. */
    public static final int ENTRY_SIZE = 16;

    /** Bytes of the array for {@code length} buffers. */
    public static int arrayBytes(int length) {
        return Math.min(length, Linux.IOV_MAX) * ENTRY_SIZE;
    }

    /** The remaining bytes of the buffers the kernel may not see ({@link NativeMemory#addressable}: heap
     * buffers, closeable arenas' segments) in {@code bufs[off..off+len)}, at most {@code max}: the staging they need. */
    public static int heapBytes(ByteBuffer[] bufs, int off, int len, int max) {
        long n = 0;
        for (int i = off; i < off + len; i++) { // every buffer: addressable checks each one's scope, as the JDK
            if (!NativeMemory.addressable(bufs[i])) {
                n += bufs[i].remaining();
            }
        }
        return (int) Math.min(n, max);
    }

    /**
     * Writes the entries for {@code bufs[off..off+len)} into {@code iov}.
     *
     * @param staging      where heap buffers' bytes go, or null when every buffer is direct
     * @param stagingBytes how much of {@code staging} heap buffers may use (from its start)
     * @param copyIn       whether to copy heap buffers' bytes into their slots (a write)
     * @return the number of entries
     */
    public static int build(Scratch iov, ByteBuffer[] bufs, int off, int len,
                            Scratch staging, int stagingBytes, boolean copyIn) {
        ByteBuffer array = iov.buffer();
        int max = Math.min(Linux.IOV_MAX, iov.capacity() / ENTRY_SIZE);
        int n = 0;
        int used = 0;
        for (int i = off; i < off + len && n < max; i++) {
            ByteBuffer b = bufs[i];
            int rem = b.remaining();
            if (rem == 0) {
                continue;
            }
            long base;
            boolean whole = true;
            if (NativeMemory.addressable(b)) {
                base = NativeMemory.address(b) + b.position();
            } else {
                whole = rem <= stagingBytes - used;
                rem = Math.min(rem, stagingBytes - used);
                if (rem == 0) {
                    break;
                }
                if (copyIn) {
                    staging.buffer().put(used, b, b.position(), rem);
                }
                base = staging.address() + used;
                used += rem;
            }
            array.putLong(n * ENTRY_SIZE, base);
            array.putLong(n * ENTRY_SIZE + 8, rem);
            n++;
            if (!whole) {
                break; // a later buffer's bytes must not go before this one's rest
            }
        }
        return n;
    }

    /** Moves the positions of {@code bufs[off..off+len)} over {@code n} bytes, in order. */
    public static void advance(ByteBuffer[] bufs, int off, int len, long n) {
        complete(bufs, off, len, n, null, 0, false);
    }

    /**
     * After the kernel moved {@code moved} bytes through an array {@link #build} made: advances the
     * buffers' positions over them, in order, first copying a read's staged bytes
     * ({@code copyOut}) into the heap buffers they belong to.
     */
    public static void complete(ByteBuffer[] bufs, int off, int len, long moved,
                                Scratch staging, int stagingBytes, boolean copyOut) {
        long left = moved;
        int used = 0;
        for (int i = off; i < off + len && left > 0; i++) {
            ByteBuffer b = bufs[i];
            int rem = b.remaining();
            if (rem == 0) {
                continue;
            }
            int k;
            if (NativeMemory.addressable(b) || staging == null) {
                k = (int) Math.min(rem, left);
            } else {
                int slot = Math.min(rem, stagingBytes - used);
                k = (int) Math.min(slot, left);
                if (copyOut) {
                    b.put(b.position(), staging.buffer(), used, k);
                }
                used += slot;
            }
            b.position(b.position() + k);
            left -= k;
        }
    }
}
