package io.flexsc.nio.ffi;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An array of {@code struct iovec} in native memory, built from direct {@link ByteBuffer}s, for
 * {@code readv}, {@code writev}, {@code preadv}, {@code pwritev} and {@link MsgHdr}.
 *
 * <p>Each added buffer contributes the bytes between its position and its limit; buffers with
 * nothing remaining are skipped, as the JDK's vectored I/O does. At most {@link #capacity()}
 * entries fit (no more than {@link Linux#IOV_MAX}). After the kernel has moved {@code n} bytes,
 * {@link #advance(long)} moves the buffers' positions forward over exactly those bytes, in order,
 * so no byte is lost or counted twice. Buffers must not be changed between {@code add} and
 * {@code advance}.
 *
 * <p>Heap buffers are refused with an {@link IllegalArgumentException}: the kernel needs native
 * memory (callers copy through a temporary direct buffer, as the JDK does). Read-only buffers are
 * accepted, since a write only reads them; a caller that reads <em>into</em> buffers rejects
 * read-only ones first ({@code IllegalArgumentException("Read-only buffer")} in the JDK).
 *
 * <p>State: {@link #clear()} empties the array for reuse; {@link #close()} frees the native
 * memory, after which the array cannot be used. Not thread safe: one owner at a time.
 */
public final class IoVec implements AutoCloseable {
    /** {@code sizeof(struct iovec)}: base pointer and length. */
    public static final int ENTRY_SIZE = 16;

    private static final MemoryIO IO = MemoryIO.getInstance();

    private final int capacity;
    private final ByteBuffer[] buffers;
    private long address;
    private int count;
    private long total;

    /**
     * A new, empty array of up to {@code capacity} entries.
     *
     * @throws IllegalArgumentException unless {@code 1 <= capacity <= IOV_MAX}
     */
    public IoVec(int capacity) {
        if (capacity < 1 || capacity > Linux.IOV_MAX) {
            throw new IllegalArgumentException("capacity " + capacity + " not in 1.." + Linux.IOV_MAX);
        }
        this.capacity = capacity;
        this.buffers = new ByteBuffer[capacity];
        this.address = NativeMemory.allocate((long) capacity * ENTRY_SIZE);
    }

    /** The native address of the first entry, to pass as {@code iov}. */
    public long address() {
        ensureOpen();
        return address;
    }

    /** The number of entries, to pass as {@code iovcnt}. */
    public int count() {
        return count;
    }

    /** The most entries this array holds. */
    public int capacity() {
        return capacity;
    }

    /** The sum of the entries' lengths. */
    public long totalBytes() {
        return total;
    }

    /** True when no entry fits any more. */
    public boolean isFull() {
        return count == capacity;
    }

    /**
     * Adds {@code buf}'s remaining bytes as one entry, or nothing if it has none.
     *
     * @return true if an entry was added
     * @throws IllegalArgumentException if {@code buf} is not direct
     * @throws IllegalStateException    if the array is full or closed
     */
    public boolean add(ByteBuffer buf) {
        ensureOpen();
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer: " + buf);
        }
        int pos = buf.position();
        int rem = buf.limit() - pos;
        if (rem <= 0) {
            return false;
        }
        if (count == capacity) {
            throw new IllegalStateException("iovec full (" + capacity + " entries)");
        }
        long entry = address + (long) count * ENTRY_SIZE;
        IO.putLong(entry, NativeMemory.address(buf) + pos);
        IO.putLong(entry + 8, rem);
        buffers[count++] = buf;
        total += rem;
        return true;
    }

    /**
     * Adds {@code srcs[offset..offset+length)} in order until the array is full, skipping empty
     * buffers. Either every buffer of the range is direct, or nothing is added.
     *
     * @return how many buffers of the range were consumed (added or skipped); fewer than
     *         {@code length} only when the array filled up
     * @throws IndexOutOfBoundsException if the range is not within {@code srcs}
     * @throws IllegalArgumentException  if a buffer of the range is not direct
     * @throws NullPointerException      if a buffer of the range is null
     */
    public int addAll(ByteBuffer[] srcs, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureOpen();
        for (int i = offset; i < offset + length; i++) {
            if (!Objects.requireNonNull(srcs[i], "buffer").isDirect()) {
                throw new IllegalArgumentException("not a direct buffer at index " + i + ": " + srcs[i]);
            }
        }
        int i = offset;
        while (i < offset + length) {
            if (count == capacity && srcs[i].hasRemaining()) {
                break;
            }
            add(srcs[i]);
            i++;
        }
        return i - offset;
    }

    /**
     * Moves the buffers' positions over the first {@code n} bytes of the array, after a transfer
     * of {@code n} bytes. Buffers before the last one touched end at their limit.
     *
     * @throws IllegalArgumentException if {@code n} is negative or more than {@link #totalBytes()}
     */
    public void advance(long n) {
        if (n < 0 || n > total) {
            throw new IllegalArgumentException("advance " + n + " not in 0.." + total);
        }
        for (int i = 0; i < count && n > 0; i++) {
            ByteBuffer b = buffers[i];
            long len = IO.getLong(address + (long) i * ENTRY_SIZE + 8);
            int step = (int) Math.min(len, n);
            b.position(b.position() + step);
            n -= step;
        }
    }

    /** Empties the array for reuse (the memory is kept). */
    public void clear() {
        Arrays.fill(buffers, 0, count, null);
        count = 0;
        total = 0;
    }

    /** Frees the native memory; idempotent. */
    @Override
    public void close() {
        clear();
        long a = address;
        address = 0;
        NativeMemory.free(a);
    }

    private void ensureOpen() {
        if (address == 0) {
            throw new IllegalStateException("iovec closed");
        }
    }
}
