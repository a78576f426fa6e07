package io.flexsc.nio.ffi;

import com.kenai.jffi.MemoryIO;
import java.nio.charset.Charset;

/**
 * NUL-terminated C strings in native memory: paths on their way to the kernel and messages on their
 * way back.
 *
 * <p>Strings are encoded in the platform's file-name encoding ({@code sun.jnu.encoding}), as the
 * JDK's own file system and Unix-domain socket code do, so a path names the same file here as
 * through {@code java.nio.file}.
 *
 * <p>A path that contains a NUL character cannot be passed to the kernel (it would silently name a
 * shorter path). Callers reject such paths before they get here, as the JDK does when it parses a
 * path ({@code InvalidPathException: Nul character not allowed}); this class refuses them with an
 * {@link IllegalArgumentException} as a last line of defence. Stateless and thread safe.
 */
public final class CString {
    private CString() {}

    private static final MemoryIO IO = MemoryIO.getInstance();

    /** The charset paths and messages are encoded in ({@code sun.jnu.encoding}). */
    public static final Charset JNU_CHARSET = jnuCharset();

    private static Charset jnuCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    /** The bytes of {@code s} in {@link #JNU_CHARSET}, without a terminator. */
    public static byte[] bytes(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Nul character not allowed: " + s);
        }
        return s.getBytes(JNU_CHARSET);
    }

    /**
     * Writes {@code bytes} and a terminating NUL at {@code address}.
     *
     * @return the number of bytes written, terminator included, or -1 (nothing written) when they
     *         do not fit in {@code capacity}
     * @throws IllegalArgumentException if {@code bytes} contains a NUL
     */
    public static int put(byte[] bytes, long address, int capacity) {
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("Nul character not allowed");
            }
        }
        if (bytes.length + 1 > capacity) {
            return -1;
        }
        IO.putByteArray(address, bytes, 0, bytes.length);
        IO.putByte(address + bytes.length, (byte) 0);
        return bytes.length + 1;
    }

    /** Reads the NUL-terminated string at {@code address} (which must not be 0). */
    public static String get(long address) {
        if (address == 0) {
            throw new IllegalArgumentException("null string address");
        }
        return new String(IO.getZeroTerminatedByteArray(address), JNU_CHARSET);
    }
}
