package io.flexsc.nio.ffi;

/**
 * The C library's {@code syscall(2)}, called through jffi ({@link CFunction}): the one generic entry
 * into the kernel.
 *
 * <p>glibc's {@code syscall} is a thin assembly shim (number in the first argument, then up to six
 * arguments), so fixed-arity bindings of the same symbol avoid a variadic call. Each returns the
 * kernel's result, or -1 with errno saved; the methods here fold that into the raw {@code -errno}
 * convention every engine uses.
 *
 * <p>Up to five system call arguments take jffi's allocation-free path; {@link #invoke} with six
 * arguments (seven parameters with the number) allocates one small invocation buffer per call,
 * so hot paths use the short forms, or the C library's own six-parameter wrappers
 * ({@link #recvfrom}, {@link #sendto}).
 */
public final class RawSyscall {
    private RawSyscall() {}

    private static final class Holder {
        static final CFunction SYSCALL3 = CFunction.bind("syscall", 4);
        static final CFunction SYSCALL4 = CFunction.bind("syscall", 5);
        static final CFunction SYSCALL5 = CFunction.bind("syscall", 6);
        static final CFunction SYSCALL6 = CFunction.bind("syscall", 7);
        static final CFunction RECV = CFunction.bind("recv", 4);
        static final CFunction SEND = CFunction.bind("send", 4);
        static final CFunction RECVFROM = CFunction.bind("recvfrom", 6);
        static final CFunction SENDTO = CFunction.bind("sendto", 6);

        static void init() {}
    }

    /**
     * Binds the C library now, so that a broken FFI (jffi's native part or libc missing) fails here
     * rather than at the first call.
     *
     * @throws LinkageError if it cannot be bound
     */
    public static void load() {
        Holder.init();
    }

    /** Runs one system call on the calling thread; returns its result or {@code -errno}. */
    public static long invoke(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        return CFunction.orErrno(Holder.SYSCALL6.call7(nr, a0, a1, a2, a3, a4, a5));
    }

    /** Three-argument form: the read/write family's shape, the common case. */
    public static long invoke3(int nr, long a0, long a1, long a2) {
        return CFunction.orErrno(Holder.SYSCALL3.call4(nr, a0, a1, a2));
    }

    /** Four-argument form: the positional read/write family's shape. */
    public static long invoke4(int nr, long a0, long a1, long a2, long a3) {
        return CFunction.orErrno(Holder.SYSCALL4.call5(nr, a0, a1, a2, a3));
    }

    /** Five-argument form (six parameters with the number: still jffi's allocation-free path). */
    public static long invoke5(int nr, long a0, long a1, long a2, long a3, long a4) {
        return CFunction.orErrno(Holder.SYSCALL5.call6(nr, a0, a1, a2, a3, a4));
    }

    /** {@code recvfrom(fd, buf, len, flags, NULL, NULL)} as the C library's {@code recv}. */
    public static long recv(int fd, long buf, long len, int flags) {
        return CFunction.orErrno(Holder.RECV.call4(fd, buf, len, flags));
    }

    /** {@code sendto(fd, buf, len, flags, NULL, 0)} as the C library's {@code send}. */
    public static long send(int fd, long buf, long len, int flags) {
        return CFunction.orErrno(Holder.SEND.call4(fd, buf, len, flags));
    }

    /**
     * The C library's {@code recvfrom}: six parameters, so, unlike {@code syscall} with six
     * arguments, it takes the allocation-free path.
     */
    public static long recvfrom(int fd, long buf, long len, int flags, long addr, long addrLen) {
        return CFunction.orErrno(Holder.RECVFROM.call6(fd, buf, len, flags, addr, addrLen));
    }

    /** The C library's {@code sendto}; see {@link #recvfrom}. */
    public static long sendto(int fd, long buf, long len, int flags, long addr, long addrLen) {
        return CFunction.orErrno(Holder.SENDTO.call6(fd, buf, len, flags, addr, addrLen));
    }
}
