package io.flexsc.nio.engine.uring;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.RawSyscall;
import io.flexsc.nio.ffi.SysNr;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;

/**
 * One io_uring instance: its file descriptor and its three shared mappings (SQ ring, CQ ring, SQE
 * array), set up with raw {@code io_uring_setup} and {@code mmap} calls and read and written from
 * Java with acquire/release ordering on the ring indices.
 *
 * <p>Thread safety: none of its own. The submission side ({@link #nextSqe}, {@link #publish},
 * {@link #unsubmitted}) must be used by one thread at a time, and so must the completion side
 * ({@link #cqReady}, {@link #cqeUserData}, {@link #cqeRes}, {@link #cqAdvance}); the two sides may
 * run concurrently with each other, as the kernel's protocol allows. {@link #enter} may be called
 * from any thread. {@link #close} must not overlap any other use.
 */
final class Ring implements AutoCloseable {
    private static final VarHandle INT =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_SHARED = 0x01;
    private static final int MAP_POPULATE = 0x8000;

    /** Thrown when the ring cannot be set up; carries the errno and which step failed. */
    static final class SetupException extends Exception {
        private static final long serialVersionUID = 1L;
        final int errno;

        SetupException(String message, int errno) {
            super(message);
            this.errno = errno;
        }
    }

    final int fd;
    final int sqEntries;
    final int cqEntries;
    final int features;
    final int setupFlags;

    private final long sqRingAddr;
    private final long sqRingSize;
    private final long cqRingAddr;
    private final long cqRingSize;
    private final long sqesAddr;
    private final long sqesSize;
    private final ByteBuffer sq;
    private final ByteBuffer cq;
    private final ByteBuffer sqes;

    private final int sqHead;
    private final int sqTail;
    private final int sqMask;
    private final int sqFlags;
    private final int cqHead;
    private final int cqTail;
    private final int cqMask;
    private final int cqes;

    /** Our copy of the SQ tail: SQEs up to here are written; published with {@link #publish}. */
    private int sqTailLocal;
    /** Our copy of the CQ head: CQEs before it are consumed. */
    private int cqHeadLocal;
    private boolean closed;

    private Ring(int fd, ByteBuffer params, int setupFlags, long sqRingAddr, long sqRingSize, long cqRingAddr,
            long cqRingSize, long sqesAddr, long sqesSize) {
        this.fd = fd;
        this.setupFlags = setupFlags;
        this.sqEntries = params.getInt(Uring.P_SQ_ENTRIES);
        this.cqEntries = params.getInt(Uring.P_CQ_ENTRIES);
        this.features = params.getInt(Uring.P_FEATURES);
        this.sqRingAddr = sqRingAddr;
        this.sqRingSize = sqRingSize;
        this.cqRingAddr = cqRingAddr;
        this.cqRingSize = cqRingSize;
        this.sqesAddr = sqesAddr;
        this.sqesSize = sqesSize;
        this.sq = NativeMemory.wrap(sqRingAddr, (int) sqRingSize);
        this.cq = NativeMemory.wrap(cqRingAddr, (int) cqRingSize);
        this.sqes = NativeMemory.wrap(sqesAddr, (int) sqesSize);
        int so = Uring.P_SQ_OFF;
        int co = Uring.P_CQ_OFF;
        this.sqHead = params.getInt(so + Uring.SQO_HEAD);
        this.sqTail = params.getInt(so + Uring.SQO_TAIL);
        this.sqMask = sq.getInt(params.getInt(so + Uring.SQO_RING_MASK));
        this.sqFlags = params.getInt(so + Uring.SQO_FLAGS);
        int sqArray = params.getInt(so + Uring.SQO_ARRAY);
        this.cqHead = params.getInt(co + Uring.CQO_HEAD);
        this.cqTail = params.getInt(co + Uring.CQO_TAIL);
        this.cqMask = cq.getInt(params.getInt(co + Uring.CQO_RING_MASK));
        this.cqes = params.getInt(co + Uring.CQO_CQES);
        // The SQ index array maps ring slot i to SQE i once and for all.
        for (int i = 0; i < sqEntries; i++) {
            sq.putInt(sqArray + 4 * i, i);
        }
        this.sqTailLocal = (int) INT.getAcquire(sq, sqTail);
        this.cqHeadLocal = (int) INT.getAcquire(cq, cqHead);
    }

    /**
     * Sets up a ring.
     *
     * @param entries SQ size (rounded up to a power of two by the kernel, clamped to its limit)
     * @param cqEntries CQ size, or 0 for the kernel's default (twice the SQ)
     * @param flags extra setup flags (e.g. {@link Uring#SETUP_SQPOLL})
     * @param sqThreadIdleMillis SQPOLL thread idle time before it sleeps
     */
    static Ring open(int entries, int cqEntries, int flags, int sqThreadIdleMillis) throws SetupException {
        long p = NativeMemory.allocate(Uring.PARAMS_SIZE);
        try {
            ByteBuffer params = NativeMemory.wrap(p, Uring.PARAMS_SIZE);
            int setupFlags = flags | Uring.SETUP_CLAMP | (cqEntries > 0 ? Uring.SETUP_CQSIZE : 0) | Uring.SETUP_SUBMIT_ALL;
            long fd = setup(params, entries, cqEntries, setupFlags, sqThreadIdleMillis);
            if (fd == -Errno.EINVAL) {
                // SUBMIT_ALL arrived in 5.18; older kernels refuse unknown flags.
                setupFlags &= ~Uring.SETUP_SUBMIT_ALL;
                fd = setup(params, entries, cqEntries, setupFlags, sqThreadIdleMillis);
            }
            if (Errno.isError(fd)) {
                throw new SetupException("io_uring_setup failed: " + errnoName(Errno.of(fd)) + hint(Errno.of(fd), flags),
                        Errno.of(fd));
            }
            return map((int) fd, params, setupFlags);
        } finally {
            NativeMemory.free(p);
        }
    }

    private static long setup(ByteBuffer params, int entries, int cqEntries, int flags, int idle) {
        for (int i = 0; i < Uring.PARAMS_SIZE; i += 4) {
            params.putInt(i, 0);
        }
        params.putInt(Uring.P_FLAGS, flags);
        params.putInt(Uring.P_CQ_ENTRIES, cqEntries);
        params.putInt(Uring.P_SQ_THREAD_IDLE, idle);
        return RawSyscall.invoke(SysNr.IO_URING_SETUP, entries, NativeMemory.address(params), 0, 0, 0, 0);
    }

    private static Ring map(int fd, ByteBuffer params, int setupFlags) throws SetupException {
        int sqEntries = params.getInt(Uring.P_SQ_ENTRIES);
        int cqEntries = params.getInt(Uring.P_CQ_ENTRIES);
        boolean single = (params.getInt(Uring.P_FEATURES) & Uring.FEAT_SINGLE_MMAP) != 0;
        long sqSize = params.getInt(Uring.P_SQ_OFF + Uring.SQO_ARRAY) + 4L * sqEntries;
        long cqSize = params.getInt(Uring.P_CQ_OFF + Uring.CQO_CQES) + (long) Uring.CQE_SIZE * cqEntries;
        if (single) {
            sqSize = cqSize = Math.max(sqSize, cqSize);
        }
        long sqesSize = (long) Uring.SQE_SIZE * sqEntries;
        long sqAddr = 0;
        long cqAddr = 0;
        long sqesAddr = 0;
        try {
            sqAddr = mmap(fd, sqSize, Uring.OFF_SQ_RING, "SQ ring");
            cqAddr = single ? sqAddr : mmap(fd, cqSize, Uring.OFF_CQ_RING, "CQ ring");
            sqesAddr = mmap(fd, sqesSize, Uring.OFF_SQES, "SQE array");
            return new Ring(fd, params, setupFlags, sqAddr, sqSize, cqAddr, cqSize, sqesAddr, sqesSize);
        } catch (SetupException | RuntimeException e) {
            if (sqesAddr != 0) {
                munmap(sqesAddr, sqesSize);
            }
            if (cqAddr != 0 && cqAddr != sqAddr) {
                munmap(cqAddr, cqSize);
            }
            if (sqAddr != 0) {
                munmap(sqAddr, sqSize);
            }
            RawSyscall.invoke(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
            throw e;
        }
    }

    private static long mmap(int fd, long size, long offset, String what) throws SetupException {
        long r = RawSyscall.invoke(SysNr.MMAP, 0, size, PROT_READ_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
        if (Errno.isError(r)) {
            throw new SetupException("mmap of the io_uring " + what + " failed: " + errnoName(Errno.of(r)), Errno.of(r));
        }
        return r;
    }

    private static void munmap(long addr, long size) {
        RawSyscall.invoke(SysNr.MUNMAP, addr, size, 0, 0, 0, 0);
    }

    // ---- probe ----

    /** The opcodes the kernel reports supported (IORING_REGISTER_PROBE), or null if it cannot say. */
    BitSet probeOpcodes() {
        int size = Uring.PROBE_HEADER + Uring.PROBE_OPS * Uring.PROBE_OP_SIZE;
        long mem = NativeMemory.allocate(size);
        try {
            long r = RawSyscall.invoke(SysNr.IO_URING_REGISTER, fd, Uring.REGISTER_PROBE, mem, Uring.PROBE_OPS, 0, 0);
            if (Errno.isError(r)) {
                return null;
            }
            ByteBuffer b = NativeMemory.wrap(mem, size);
            int opsLen = b.get(1) & 0xff;
            BitSet ops = new BitSet();
            for (int i = 0; i < opsLen; i++) {
                int off = Uring.PROBE_HEADER + i * Uring.PROBE_OP_SIZE;
                int op = b.get(off) & 0xff;
                int flags = b.getShort(off + 2) & 0xffff;
                if ((flags & Uring.IO_URING_OP_SUPPORTED) != 0) {
                    ops.set(op);
                }
            }
            return ops;
        } finally {
            NativeMemory.free(mem);
        }
    }

    boolean hasFeature(int feature) {
        return (features & feature) != 0;
    }

    boolean sqpoll() {
        return (setupFlags & Uring.SETUP_SQPOLL) != 0;
    }

    // ---- submission side (one thread at a time) ----

    /** SQ slots free for new SQEs. */
    int sqFree() {
        return sqEntries - (sqTailLocal - (int) INT.getAcquire(sq, sqHead));
    }

    /**
     * Claims the next SQ slot, zeroes its SQE and returns its byte offset in {@link #sqes()}.
     * The caller checked {@link #sqFree()} first. Visible to the kernel after {@link #publish()}.
     */
    int nextSqe() {
        int off = (sqTailLocal & sqMask) * Uring.SQE_SIZE;
        for (int i = 0; i < Uring.SQE_SIZE; i += 8) {
            sqes.putLong(off + i, 0L);
        }
        sqTailLocal++;
        return off;
    }

    /** The SQE array, for writing the fields of a claimed SQE. */
    ByteBuffer sqes() {
        return sqes;
    }

    /** Makes every claimed SQE visible to the kernel (release store of the SQ tail). */
    void publish() {
        INT.setRelease(sq, sqTail, sqTailLocal);
    }

    /** SQEs published but not yet consumed by the kernel. */
    int unsubmitted() {
        return sqTailLocal - (int) INT.getAcquire(sq, sqHead);
    }

    /**
     * SQPOLL: whether the kernel thread sleeps and needs an {@link Uring#ENTER_SQ_WAKEUP}. The full
     * fence orders our tail store before the flags load (the kernel pairs it with its own barrier
     * after setting the flag), so a tail the thread might miss is never left unannounced.
     */
    boolean sqNeedsWakeup() {
        VarHandle.fullFence();
        return ((int) INT.getVolatile(sq, sqFlags) & Uring.SQ_NEED_WAKEUP) != 0;
    }

    /** Whether completions overflowed into the kernel's backlog and await a GETEVENTS flush. */
    boolean cqOverflowPending() {
        return ((int) INT.getAcquire(sq, sqFlags) & Uring.SQ_CQ_OVERFLOW) != 0;
    }

    // ---- completion side (one thread at a time) ----

    /** CQEs ready to be read (acquire load of the CQ tail). */
    int cqReady() {
        return (int) INT.getAcquire(cq, cqTail) - cqHeadLocal;
    }

    /** The user data of the {@code i}-th ready CQE. */
    long cqeUserData(int i) {
        return cq.getLong(cqes + ((cqHeadLocal + i) & cqMask) * Uring.CQE_SIZE + Uring.CQE_USER_DATA);
    }

    /** The result of the {@code i}-th ready CQE. */
    int cqeRes(int i) {
        return cq.getInt(cqes + ((cqHeadLocal + i) & cqMask) * Uring.CQE_SIZE + Uring.CQE_RES);
    }

    /** Hands {@code n} consumed CQEs back to the kernel (release store of the CQ head). */
    void cqAdvance(int n) {
        cqHeadLocal += n;
        INT.setRelease(cq, cqHead, cqHeadLocal);
    }

    // ---- the kernel ----

    /**
     * {@code io_uring_enter}; returns its raw result. Without {@code IORING_ENTER_GETEVENTS} the
     * kernel reads neither {@code arg} nor {@code argSize} (both only describe a wait), so such a
     * call goes through the five-parameter binding: the seven-parameter one allocates an
     * invocation buffer per call. A wait without {@code IORING_ENTER_EXT_ARG} and without a signal
     * mask ({@code arg} 0: the kernel then reads no {@code argSize}) goes through the six-parameter one.
     */
    long enter(int toSubmit, int minComplete, int flags, long arg, long argSize) {
        if ((flags & Uring.ENTER_GETEVENTS) == 0 && arg == 0 && argSize == 0) {
            return RawSyscall.invoke4(SysNr.IO_URING_ENTER, fd, toSubmit, minComplete, flags);
        }
        if ((flags & Uring.ENTER_EXT_ARG) == 0 && arg == 0) {
            return RawSyscall.invoke5(SysNr.IO_URING_ENTER, fd, toSubmit, minComplete, flags, 0);
        }
        return RawSyscall.invoke(SysNr.IO_URING_ENTER, fd, toSubmit, minComplete, flags, arg, argSize);
    }

    /** Unmaps the rings and closes the ring fd. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        munmap(sqesAddr, sqesSize);
        if (cqRingAddr != sqRingAddr) {
            munmap(cqRingAddr, cqRingSize);
        }
        munmap(sqRingAddr, sqRingSize);
        RawSyscall.invoke(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
    }

    static String errnoName(int errno) {
        for (var f : Errno.class.getFields()) {
            if (f.getType() == int.class) {
                try {
                    if (f.getInt(null) == errno) {
                        return f.getName();
                    }
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return "errno " + errno;
    }

    private static String hint(int errno, int flags) {
        if (errno == Errno.EPERM) {
            return " (io_uring disabled by kernel.io_uring_disabled, or by a seccomp policy?)";
        }
        if (errno == Errno.ENOSYS) {
            return " (kernel built without io_uring, or blocked by a seccomp policy?)";
        }
        if (errno == Errno.ENOMEM) {
            return " (locked-memory limit too low for the rings? see ulimit -l)";
        }
        if (errno == Errno.EINVAL && (flags & Uring.SETUP_SQPOLL) != 0) {
            return " (SQPOLL not supported here?)";
        }
        return "";
    }
}
