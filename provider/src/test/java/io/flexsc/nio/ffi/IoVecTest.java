package io.flexsc.nio.ffi;

import static io.flexsc.nio.ffi.Mem.addr;
import static io.flexsc.nio.ffi.Mem.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kenai.jffi.MemoryIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@link IoVec}: randomized properties of the native array, and vectored I/O through it. */
@ExtendWith(FdLeakCheck.class)
class IoVecTest {
    private static final MemoryIO IO = MemoryIO.getInstance();

    @TempDir
    Path dir;

    /** A direct buffer with random content, position and limit (sometimes empty). */
    private static ByteBuffer randomBuffer(Random rnd) {
        int cap = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 3000);
        ByteBuffer b = ByteBuffer.allocateDirect(cap);
        byte[] fill = new byte[cap];
        rnd.nextBytes(fill);
        b.put(fill).clear();
        int lim = cap == 0 ? 0 : rnd.nextInt(cap + 1);
        int pos = lim == 0 ? 0 : rnd.nextInt(lim + 1);
        b.limit(lim).position(pos);
        if (rnd.nextInt(8) == 0) {
            b = b.slice(); // a view whose address is not the allocation's
        }
        return rnd.nextInt(6) == 0 ? b.asReadOnlyBuffer() : b;
    }

    @RepeatedTest(40)
    void entriesMirrorPositionsAndLimitsAndWritevMovesExactlyThoseBytes(RepetitionInfo info) throws IOException {
        Random rnd = new Random(0x10FEC + info.getCurrentRepetition());
        int n = rnd.nextInt(info.getCurrentRepetition() % 5 == 0 ? 1500 : 40);
        ByteBuffer[] bufs = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            bufs[i] = randomBuffer(rnd);
        }
        int offset = n == 0 ? 0 : rnd.nextInt(n + 1);
        int length = n - offset == 0 ? 0 : rnd.nextInt(n - offset + 1);
        int capacity = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : Linux.IOV_MAX);
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = bufs[i].position();
        }

        try (IoVec iov = new IoVec(capacity)) {
            int consumed = iov.addAll(bufs, offset, length);

            // Which buffers went in: the non-empty ones of the range, in order, up to capacity.
            int expectedCount = 0, expectedConsumed = 0;
            long expectedTotal = 0;
            ByteArrayOutputStream expectedBytes = new ByteArrayOutputStream();
            for (int i = offset; i < offset + length; i++) {
                int rem = bufs[i].remaining();
                if (rem > 0) {
                    if (expectedCount == capacity) {
                        break;
                    }
                    long entry = iov.address() + (long) expectedCount * IoVec.ENTRY_SIZE;
                    assertEquals(NativeMemory.address(bufs[i]) + bufs[i].position(), IO.getLong(entry), "base of entry " + expectedCount);
                    assertEquals(rem, IO.getLong(entry + 8), "length of entry " + expectedCount);
                    byte[] b = new byte[rem];
                    bufs[i].duplicate().get(b);
                    expectedBytes.write(b);
                    expectedCount++;
                    expectedTotal += rem;
                }
                expectedConsumed++;
            }
            assertEquals(expectedCount, iov.count());
            assertEquals(expectedConsumed, consumed);
            assertEquals(expectedTotal, iov.totalBytes());
            assertTrue(consumed == length || iov.isFull());

            // writev moves exactly those bytes, in order.
            Path p = dir.resolve("w" + info.getCurrentRepetition());
            int fd = Sys.open(p.toString(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_CLOEXEC, 0600);
            check(fd);
            try {
                long written = iov.count() == 0 ? 0 : Sys.writev(fd, iov.address(), iov.count());
                assertEquals(expectedTotal, written);
            } finally {
                check(Sys.close(fd));
            }
            assertArrayEquals(expectedBytes.toByteArray(), Files.readAllBytes(p));

            // advance by a random amount: positions move over exactly that many bytes, in order.
            long step = expectedTotal == 0 ? 0 : (long) (rnd.nextDouble() * (expectedTotal + 1));
            step = Math.min(step, expectedTotal);
            iov.advance(step);
            long left = step;
            for (int i = 0; i < n; i++) {
                boolean inArray = i >= offset && i < offset + consumed;
                int rem = bufs[i].limit() - positions[i];
                int moved = inArray && rem > 0 ? (int) Math.min(rem, left) : 0;
                if (inArray && rem > 0) {
                    left -= moved;
                }
                assertEquals(positions[i] + moved, bufs[i].position(), "position of buffer " + i);
            }
            assertEquals(0, left);
        }
    }

    @Test
    void readvFillsBuffersInOrderAndAdvanceMatchesTheKernelsCount() throws IOException {
        byte[] data = new byte[5000];
        new Random(7).nextBytes(data);
        Path p = Files.write(dir.resolve("r"), data);
        ByteBuffer[] bufs = {ByteBuffer.allocateDirect(100), ByteBuffer.allocateDirect(0), ByteBuffer.allocateDirect(3000).position(1000),
                ByteBuffer.allocateDirect(8000)};
        int fd = Sys.open(p.toString(), Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
        check(fd);
        try (IoVec iov = new IoVec(Linux.IOV_MAX)) {
            assertEquals(4, iov.addAll(bufs, 0, 4));
            assertEquals(3, iov.count(), "the empty buffer is skipped");
            long n = Sys.readv(fd, iov.address(), iov.count());
            assertEquals(5000, n, "short at end of file");
            iov.advance(n);
        } finally {
            check(Sys.close(fd));
        }
        assertEquals(100, bufs[0].position());
        assertEquals(3000, bufs[2].position());
        assertEquals(2900, bufs[3].position());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 100), Mem.bytes(bufs[0], 0, 100));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 2100), Mem.bytes(bufs[2], 1000, 2000));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 2100, 5000), Mem.bytes(bufs[3], 0, 2900));
    }

    @Test
    void heapBuffersAreRefusedClearlyAndNothingIsAdded() {
        try (IoVec iov = new IoVec(4)) {
            ByteBuffer[] mixed = {ByteBuffer.allocateDirect(8), ByteBuffer.allocate(8), ByteBuffer.allocateDirect(8)};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> iov.addAll(mixed, 0, 3));
            assertTrue(e.getMessage().startsWith("not a direct buffer at index 1"), e.getMessage());
            assertEquals(0, iov.count(), "all or nothing");
            assertThrows(IllegalArgumentException.class, () -> iov.add(ByteBuffer.allocate(1)));
            assertThrows(IllegalArgumentException.class, () -> iov.add(ByteBuffer.wrap(new byte[4]).asReadOnlyBuffer()));
            assertThrows(NullPointerException.class, () -> iov.addAll(new ByteBuffer[] {null}, 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> iov.addAll(mixed, 2, 2));
            assertEquals(0, iov.count());
        }
    }

    @Test
    void capacityBoundsAndState() {
        assertThrows(IllegalArgumentException.class, () -> new IoVec(0));
        assertThrows(IllegalArgumentException.class, () -> new IoVec(Linux.IOV_MAX + 1));
        IoVec iov = new IoVec(1);
        assertTrue(iov.add(ByteBuffer.allocateDirect(1)));
        assertFalse(iov.add(ByteBuffer.allocateDirect(0)), "an empty buffer is no entry, even when full");
        assertThrows(IllegalStateException.class, () -> iov.add(ByteBuffer.allocateDirect(1)));
        assertThrows(IllegalArgumentException.class, () -> iov.advance(2));
        assertThrows(IllegalArgumentException.class, () -> iov.advance(-1));
        iov.clear();
        assertEquals(0, iov.count());
        assertEquals(0, iov.totalBytes());
        iov.close();
        iov.close(); // idempotent
        assertThrows(IllegalStateException.class, iov::address);
        assertThrows(IllegalStateException.class, () -> iov.add(ByteBuffer.allocateDirect(1)));
    }

    @Test
    void theKernelRefusesMoreThanIovMaxEntries() {
        // Why the cap exists: UIO_MAXIOV + 1 entries is EINVAL.
        long a = NativeMemory.allocate((long) (Linux.IOV_MAX + 1) * IoVec.ENTRY_SIZE);
        try {
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            for (int i = 0; i <= Linux.IOV_MAX; i++) {
                IO.putLong(a + (long) i * 16, addr(one));
                IO.putLong(a + (long) i * 16 + 8, 1);
            }
            ByteBuffer fds = Mem.direct(8);
            check(Sys.pipe2(addr(fds), Linux.O_CLOEXEC | Linux.O_NONBLOCK));
            try {
                assertEquals(-Errno.EINVAL, Sys.writev(fds.getInt(4), a, Linux.IOV_MAX + 1));
                assertEquals(Linux.IOV_MAX, Sys.writev(fds.getInt(4), a, Linux.IOV_MAX));
            } finally {
                Sys.close(fds.getInt(0));
                Sys.close(fds.getInt(4));
            }
        } finally {
            NativeMemory.free(a);
        }
    }
}
