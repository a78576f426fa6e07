package io.flexsc.nio.ffi;

import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * The C library's {@code syscall(2)}, bound through JNR-FFI: the one generic entry into the kernel.
 *
 * <p>glibc's {@code syscall} is a thin assembly shim (number in the first argument, then up to six
 * arguments), so fixed-arity overloads bind to the same symbol and avoid a variadic call. Each
 * overload returns the kernel's result, or -1 with errno saved; {@link #invoke} folds that into
 * the raw {@code -errno} convention every engine uses.
 */
public final class RawSyscall {
    private RawSyscall() {}

    /** The JNR-FFI view of {@code syscall(2)}. Overloads differ only in arity. */
    public interface Lib {
        @SaveError long syscall(long nr);
        @SaveError long syscall(long nr, long a0);
        @SaveError long syscall(long nr, long a0, long a1);
        @SaveError long syscall(long nr, long a0, long a1, long a2);
        @SaveError long syscall(long nr, long a0, long a1, long a2, long a3);
        // No (nr, a0..a4) overload: jnr-ffi 2.2.17's x86_64 stub corrupts the sixth argument of a
        // six-parameter binding (jnr-ffi issue #181). Five-argument calls use the seven-parameter form.
        @SaveError long syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

        /** The C library's {@code recv(2)}: {@code recvfrom} without an address, in four parameters. */
        @SaveError long recv(int fd, long buf, long len, int flags);

        /** The C library's {@code send(2)}: {@code sendto} without an address, in four parameters. */
        @SaveError long send(int fd, long buf, long len, int flags);
    }

    private static final class Holder {
        static final Lib LIB = CLibrary.load(Lib.class);
        static final Runtime RUNTIME = Runtime.getRuntime(LIB);
    }

    /** The bound library (loads libc on first use). */
    public static Lib lib() {
        return Holder.LIB;
    }

    /** Runs one system call on the calling thread; returns its result or {@code -errno}. */
    public static long invoke(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        long r = Holder.LIB.syscall(nr, a0, a1, a2, a3, a4, a5);
        return r == -1 ? -(long) Holder.RUNTIME.getLastError() : r;
    }

    /** Three-argument form: the read/write family's shape, the common case. */
    public static long invoke3(int nr, long a0, long a1, long a2) {
        long r = Holder.LIB.syscall(nr, a0, a1, a2);
        return r == -1 ? -(long) Holder.RUNTIME.getLastError() : r;
    }

    /**
     * {@code recvfrom(fd, buf, len, flags, NULL, NULL)} as {@code recv}: JNR's seven-parameter
     * binding allocates an invocation buffer per call and is the slowest form.
     */
    public static long recv(int fd, long buf, long len, int flags) {
        long r = Holder.LIB.recv(fd, buf, len, flags);
        return r == -1 ? -(long) Holder.RUNTIME.getLastError() : r;
    }

    /** {@code sendto(fd, buf, len, flags, NULL, 0)} as {@code send}; see {@link #recv}. */
    public static long send(int fd, long buf, long len, int flags) {
        long r = Holder.LIB.send(fd, buf, len, flags);
        return r == -1 ? -(long) Holder.RUNTIME.getLastError() : r;
    }

    /** Four-argument form: the positional read/write family's shape. */
    public static long invoke4(int nr, long a0, long a1, long a2, long a3) {
        long r = Holder.LIB.syscall(nr, a0, a1, a2, a3);
        return r == -1 ? -(long) Holder.RUNTIME.getLastError() : r;
    }
}
