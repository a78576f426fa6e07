package io.flexsc.nio.engine.kmod;

import static io.flexsc.nio.engine.kmod.FlexscAbi.*;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.RawSyscall;
import io.flexsc.nio.ffi.SysNr;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One registration with /dev/flexsc: the open device, the mapped syscall area, and the ioctls that
 * drive it. Knows the ABI; knows nothing of calls, waiting or threads ({@link KmodEngine} does).
 *
 * <p>The area is read and written only through {@link #INT} and {@link #LONG}, VarHandles over the
 * mapped buffer, so status words get the acquire/release ordering the ABI asks for.
 */
final class FlexscSession implements AutoCloseable {
    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());


    final int fd;
    final int nentries;
    final int entriesOffset;
    final long areaAddress;
    final long areaSize;
    /** The whole mapped area (header and entries), native order. */
    final ByteBuffer area;
    private boolean closed;

    private FlexscSession(int fd, int nentries, int entriesOffset, long areaAddress, long areaSize) {
        this.fd = fd;
        this.nentries = nentries;
        this.entriesOffset = entriesOffset;
        this.areaAddress = areaAddress;
        this.areaSize = areaSize;
        this.area = NativeMemory.wrap(areaAddress, (int) areaSize);
    }

    /** Thrown when the device cannot be opened, spoken to, or registered with; the message says why. */
    static final class SessionException extends Exception {
        private static final long serialVersionUID = 1L;
        final int errno;

        SessionException(String message, int errno) {
            super(message);
            this.errno = errno;
        }
    }

    /** Opens the device without registering; returns the fd. */
    static int openDevice() throws SessionException {
        byte[] name = (DEVICE + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer path = ByteBuffer.allocateDirect(name.length).put(name);
        long fd = RawSyscall.invoke(SysNr.OPENAT, Linux.AT_FDCWD, NativeMemory.address(path), Linux.O_RDWR | Linux.O_CLOEXEC, 0, 0, 0);
        java.lang.ref.Reference.reachabilityFence(path); // the kernel read the path from its memory
        if (Errno.isError(fd)) {
            int e = Errno.of(fd);
            throw new SessionException("cannot open " + DEVICE + ": " + errnoName(e)
                    + (e == Errno.ENOENT ? " (the flexsc kernel module is not loaded)"
                    : e == Errno.EACCES ? " (the device is 0660: root and group flexsc only)"
                    : e == Errno.EPERM ? " (the module's access policy refuses it: flexsc_disabled/flexsc_group)" : ""), e);
        }
        return (int) fd;
    }

    /** The module's ABI version through FLEXSC_IOC_VERSION on an open device fd. */
    static int abiVersion(int fd) throws SessionException {
        long mem = NativeMemory.allocate(8);
        try {
            long r = RawSyscall.invoke(SysNr.IOCTL, fd, IOC_VERSION, mem, 0, 0, 0);
            if (Errno.isError(r)) {
                throw new SessionException("FLEXSC_IOC_VERSION failed: " + errnoName(Errno.of(r)), Errno.of(r));
            }
            return NativeMemory.wrap(mem, 4).getInt(0);
        } finally {
            NativeMemory.free(mem);
        }
    }

    static void closeFd(int fd) {
        RawSyscall.invoke(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
    }

    /**
     * Opens the device, checks the ABI version, registers {@code nentries} entries (syscall threads
     * pinned to {@code cpus} when not null) and maps the area.
     */
    static FlexscSession open(int nentries, int[] cpus) throws SessionException {
        if (nentries < MIN_ENTRIES || nentries > MAX_ENTRIES) {
            throw new IllegalArgumentException("entries must be in " + MIN_ENTRIES + ".." + MAX_ENTRIES + ": " + nentries);
        }
        int fd = openDevice();
        long reg = 0;
        long mask = 0;
        boolean ok = false;
        try {
            int v = abiVersion(fd);
            if (v != ABI_VERSION) {
                throw new SessionException(DEVICE + " speaks ABI version " + v + "; this build needs " + ABI_VERSION, 0);
            }
            reg = NativeMemory.allocate(REGISTER_SIZE);
            ByteBuffer r = NativeMemory.wrap(reg, REGISTER_SIZE);
            r.putInt(REG_NENTRIES, nentries);
            r.putInt(REG_FLAGS, 0);
            if (cpus != null && cpus.length > 0) {
                int words = 1 + java.util.Arrays.stream(cpus).max().getAsInt() / 64;
                mask = NativeMemory.allocate(8L * words);
                ByteBuffer m = NativeMemory.wrap(mask, 8 * words);
                for (int cpu : cpus) {
                    if (cpu < 0 || cpu >= 8192) {
                        throw new IllegalArgumentException("bad cpu " + cpu);
                    }
                    m.putLong(8 * (cpu / 64), m.getLong(8 * (cpu / 64)) | (1L << (cpu % 64)));
                }
                r.putLong(REG_CPUMASK_PTR, mask);
                r.putInt(REG_CPUMASK_SIZE, 8 * words);
            }
            long res = RawSyscall.invoke(SysNr.IOCTL, fd, IOC_REGISTER, reg, 0, 0, 0);
            if (Errno.isError(res)) {
                int e = Errno.of(res);
                throw new SessionException("FLEXSC_IOC_REGISTER failed: " + errnoName(e)
                        + (e == Errno.EPERM ? " (the process has a seccomp filter or is traced, or the module's"
                                + " access policy refuses it: flexsc_disabled/flexsc_group)"
                        : e == Errno.EMFILE ? " (the process has flexsc_max_areas registered areas)" : ""), e);
            }
            int entrySize = r.getInt(REG_ENTRY_SIZE);
            int entriesOffset = r.getInt(REG_ENTRIES_OFFSET);
            long areaSize = r.getLong(REG_AREA_SIZE);
            if (entrySize != ENTRY_SIZE || r.getInt(REG_ABI_VERSION) != ABI_VERSION
                    || areaSize < entriesOffset + (long) nentries * ENTRY_SIZE || areaSize > Integer.MAX_VALUE) {
                throw new SessionException("unexpected registration reply: entry size " + entrySize + ", area " + areaSize, 0);
            }
            long addr = RawSyscall.invoke(SysNr.MMAP, 0, areaSize, Linux.PROT_READ | Linux.PROT_WRITE, Linux.MAP_SHARED, fd, 0);
            if (Errno.isError(addr)) {
                throw new SessionException("mmap of the syscall area failed: " + errnoName(Errno.of(addr)), Errno.of(addr));
            }
            FlexscSession s = new FlexscSession(fd, nentries, entriesOffset, addr, areaSize);
            if ((int) INT.getAcquire(s.area, HDR_MAGIC) != MAGIC) {
                s.close();
                throw new SessionException("syscall area has a bad magic number", 0);
            }
            ok = true;
            return s;
        } finally {
            NativeMemory.free(reg);
            NativeMemory.free(mask);
            if (!ok) {
                closeFd(fd);
            }
        }
    }

    /** Byte offset of entry {@code i} within {@link #area}. */
    int entry(int i) {
        return entriesOffset + i * ENTRY_SIZE;
    }

    /** Wakes sleeping syscall threads (FLEXSC_IOC_WAKE). */
    void wake() {
        RawSyscall.invoke3(SysNr.IOCTL, fd, IOC_WAKE, 0);
    }

    /**
     * Becomes a syscall thread until the kernel returns: FLEXSC_IOC_WORK with a per-thread argument
     * block at {@code workArg} ({@link FlexscAbi#WORK_SIZE} bytes). Returns the raw ioctl result.
     */
    long work(long workArg, int spinUs) {
        ByteBuffer w = NativeMemory.wrap(workArg, WORK_SIZE);
        w.putInt(WORK_SPIN_US, spinUs);
        w.putInt(WORK_FLAGS, 0);
        w.putInt(WORK_REASON, 0);
        return RawSyscall.invoke3(SysNr.IOCTL, fd, IOC_WORK, workArg);
    }

    /** Sleeps in the kernel until entry {@code index} is done or {@code timeoutNs} passes. */
    long waitFor(long waitArg, int index, long timeoutNs) {
        ByteBuffer w = NativeMemory.wrap(waitArg, WAIT_SIZE);
        w.putInt(WAIT_INDEX, index);
        w.putInt(WAIT_FLAGS, 0);
        w.putLong(WAIT_TIMEOUT_NS, timeoutNs);
        return RawSyscall.invoke3(SysNr.IOCTL, fd, IOC_WAIT, waitArg);
    }

    /** Makes every current and later FLEXSC_IOC_WORK return (FLEXSC_IOC_STOP). */
    void stop() {
        RawSyscall.invoke(SysNr.IOCTL, fd, IOC_STOP, 0, 0, 0, 0);
    }

    /** The session's kernel-side counters (FLEXSC_IOC_STATS), in {@link FlexscAbi#STATS_FIELDS} order. */
    long[] kernelStats() {
        long mem = NativeMemory.allocate(STATS_SIZE);
        try {
            long r = RawSyscall.invoke(SysNr.IOCTL, fd, IOC_STATS, mem, 0, 0, 0);
            if (Errno.isError(r)) {
                return new long[0];
            }
            ByteBuffer b = NativeMemory.wrap(mem, STATS_SIZE);
            long[] out = new long[STATS_FIELDS.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.getLong(8 * i);
            }
            return out;
        } finally {
            NativeMemory.free(mem);
        }
    }

    /** Unmaps the area and closes the device. Only once no thread touches the area any more. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RawSyscall.invoke(SysNr.MUNMAP, areaAddress, areaSize, 0, 0, 0, 0);
        closeFd(fd);
    }

    static String errnoName(int errno) {
        for (var f : Errno.class.getFields()) {
            try {
                if (f.getType() == int.class && f.getInt(null) == errno) {
                    return f.getName();
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return "errno " + errno;
    }
}
