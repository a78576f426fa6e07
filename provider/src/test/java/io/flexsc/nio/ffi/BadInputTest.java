package io.flexsc.nio.ffi;

import static io.flexsc.nio.ffi.Mem.addr;
import static io.flexsc.nio.ffi.Mem.check;
import static io.flexsc.nio.ffi.Mem.direct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What the bindings return for bad arguments: the kernel's errno, raw, and nothing else. */
@ExtendWith(FdLeakCheck.class)
class BadInputTest {
    @TempDir
    Path dir;

    private final ByteBuffer buf = direct(64);

    private int closedFd() {
        int fd = Sys.open(dir.resolve("gone").toString(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_CLOEXEC, 0600);
        check(fd);
        check(Sys.close(fd));
        return fd;
    }

    @Test
    void badAndClosedDescriptorsAreEbadf() {
        for (int fd : new int[] {-1, closedFd(), Integer.MAX_VALUE}) {
            assertEquals(-Errno.EBADF, Sys.read(fd, addr(buf), 1));
            assertEquals(-Errno.EBADF, Sys.write(fd, addr(buf), 1));
            assertEquals(-Errno.EBADF, Sys.pread(fd, addr(buf), 1, 0));
            assertEquals(-Errno.EBADF, Sys.pwrite(fd, addr(buf), 1, 0));
            assertEquals(-Errno.EBADF, Sys.fstat(fd, addr(direct(Stat.SIZE))));
            assertEquals(-Errno.EBADF, Sys.fsync(fd));
            assertEquals(-Errno.EBADF, Sys.fdatasync(fd));
            assertEquals(-Errno.EBADF, Sys.ftruncate(fd, 0));
            assertEquals(-Errno.EBADF, Sys.lseek(fd, 0, Linux.SEEK_SET));
            assertEquals(-Errno.EBADF, Sys.fcntl(fd, Linux.F_GETFL, 0));
            assertEquals(-Errno.EBADF, Sys.close(fd));
            assertEquals(-Errno.EBADF, Sys.recv(fd, addr(buf), 1, 0));
            assertEquals(-Errno.EBADF, Sys.sendto(fd, addr(buf), 1, 0, 0, 0));
            assertEquals(-Errno.EBADF, Sys.shutdown(fd, Linux.SHUT_RDWR));
            assertEquals(-Errno.EBADF, Sys.epollWait(fd, addr(buf), 1, 0));
            assertEquals(-Errno.EBADF, Sys.mmap(0, 4096, Linux.PROT_READ, Linux.MAP_SHARED, fd, 0));
        }
    }

    @Test
    void aNonSocketIsEnotsock() throws IOException {
        int fd = Sys.open(dir.resolve("plain").toString(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_CLOEXEC, 0600);
        check(fd);
        try {
            assertEquals(-Errno.ENOTSOCK, Sys.listen(fd, 1));
            assertEquals(-Errno.ENOTSOCK, Sys.send(fd, addr(buf), 1, 0));
            assertEquals(-Errno.ENOTSOCK, Sys.getsockname(fd, addr(buf), addr(direct(4).putInt(0, 64))));
        } finally {
            check(Sys.close(fd));
        }
    }

    @Test
    void negativeLengthsAndOffsets() {
        int fd = Sys.open(dir.resolve("n").toString(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_CLOEXEC, 0600);
        check(fd);
        try {
            // A negative count is a huge size_t: the kernel finds the buffer does not extend that
            // far (EFAULT) before anything else; the JDK never passes one (it checks first).
            long r = Sys.read(fd, addr(buf), -1);
            assertTrue(r == -Errno.EFAULT || r == -Errno.EINVAL, "read with count -1: " + r);
            assertEquals(-Errno.EINVAL, Sys.pread(fd, addr(buf), 1, -1), "negative offset");
            assertEquals(-Errno.EINVAL, Sys.pwrite(fd, addr(buf), 1, -1), "negative offset");
            assertEquals(-Errno.EINVAL, Sys.ftruncate(fd, -1));
            assertEquals(-Errno.EINVAL, Sys.lseek(fd, -1, Linux.SEEK_SET));
            assertEquals(-Errno.EINVAL, Sys.fallocate(fd, 0, 0, -1));
            assertEquals(-Errno.EINVAL, Sys.lseek(fd, 0, 99), "unknown whence");
            assertEquals(-Errno.EFAULT, Sys.write(fd, 0, 1), "null buffer");
            assertEquals(-Errno.EINVAL, Sys.readv(fd, addr(buf), -1));
        } finally {
            check(Sys.close(fd));
        }
    }

    @Test
    void aShortAddressBufferIsTruncatedByTheKernelAndRefusedByTheDecoder() throws IOException {
        int s = Sys.socket(Linux.AF_INET6, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
        check(s);
        try {
            ByteBuffer sa = direct(SockAddr.STORAGE_SIZE);
            int len = SockAddr.encode(new InetSocketAddress(InetAddress.getByName("::1"), 0), Linux.AF_INET6, addr(sa), sa.capacity());
            check(Sys.bind(s, addr(sa), len));
            ByteBuffer small = direct(8);
            ByteBuffer lenBuf = direct(4).putInt(0, small.capacity());
            check(Sys.getsockname(s, addr(small), addr(lenBuf)));
            int reported = lenBuf.getInt(0);
            assertEquals(SockAddr.IN6_SIZE, reported, "the kernel reports the full length");
            // Decoding what fits is refused rather than read past the buffer.
            assertThrows(IllegalArgumentException.class, () -> SockAddr.decode(addr(small), Math.min(reported, small.capacity())));
            assertEquals(-Errno.EINVAL, Sys.bind(s, addr(sa), 4), "an address length too short for the family");
        } finally {
            check(Sys.close(s));
        }
    }

    @Test
    void nulInAPathIsRefusedBeforeTheKernel() {
        // The JDK refuses it when the path is made; channels do the same with the caller's
        // Path, so Sys never sees one; if it does, it refuses it rather than open a shorter name.
        InvalidPathException jdk = assertThrows(InvalidPathException.class, () -> Path.of("a\0b"));
        IllegalArgumentException ours = assertThrows(IllegalArgumentException.class, () -> Sys.open("a\0b", Linux.O_RDONLY, 0));
        assertEquals(jdk.getMessage(), ours.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sys.statx(Linux.AT_FDCWD, "x\0", 0, 0, addr(buf)));
        assertThrows(IllegalArgumentException.class, () -> CString.put(new byte[] {'a', 0}, addr(buf), 64));
        byte[] full = new byte[64];
        java.util.Arrays.fill(full, (byte) 'a');
        assertEquals(-1, CString.put(full, addr(buf), 64), "no room for the NUL");
        assertEquals(64, CString.put(java.util.Arrays.copyOf(full, 63), addr(buf), 64));
        assertEquals("a".repeat(63), CString.get(addr(buf)));
    }
}
