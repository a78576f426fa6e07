package io.flexsc.nio.ffi;

import static io.flexsc.nio.ffi.Mem.addr;
import static io.flexsc.nio.ffi.Mem.check;
import static io.flexsc.nio.ffi.Mem.direct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad input at the native boundary: a short address buffer, a NUL in a path. */
@ExtendWith(FdLeakCheck.class)
class BadInputTest {
    private final ByteBuffer buf = direct(64);

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
        // Path, so CString never sees one; if it does, it refuses it rather than encode a shorter name.
        InvalidPathException jdk = assertThrows(InvalidPathException.class, () -> Path.of("a\0b"));
        IllegalArgumentException ours = assertThrows(IllegalArgumentException.class, () -> Sys.open("a\0b", Linux.O_RDONLY, 0));
        assertEquals(jdk.getMessage(), ours.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CString.put(new byte[] {'a', 0}, addr(buf), 64));
        byte[] full = new byte[64];
        java.util.Arrays.fill(full, (byte) 'a');
        assertEquals(-1, CString.put(full, addr(buf), 64), "no room for the NUL");
        assertEquals(64, CString.put(java.util.Arrays.copyOf(full, 63), addr(buf), 64));
        assertEquals("a".repeat(63), CString.get(addr(buf)));
    }
}
