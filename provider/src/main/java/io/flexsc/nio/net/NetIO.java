package io.flexsc.nio.net;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.MsgHdr;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.SysNr;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads and writes between file descriptors and buffers, heap or direct, single or scatter/gather.
 *
 * <p>The kernel only sees native memory: a heap buffer, and a direct buffer over a segment of an arena
 * that can be closed ({@link NativeMemory#addressable}), is copied through a per-thread cached direct
 * buffer (one contiguous region for a whole gather, split per buffer for a scatter). At most
 * {@link NetSys#IOV_MAX} buffers and {@link #MAX_TRANSFER} bytes go into one call; a short transfer
 * is always possible and callers loop where they must.
 *
 * <p>Native memory outlives the call: an engine hands the kernel a raw address (on the ring the SQE
 * holds nothing else until its completion), so every buffer whose address is passed stays strongly
 * reachable until the call has returned. The temporary is owned by the thread's cache (it is never
 * a garbage local: a 1 MiB temporary freed by a collection while the kernel still read it sent
 * other memory to the peer), and a caller's direct buffers are fenced with
 * {@link Reference#reachabilityFence} after the call, as the JDK's {@code IOUtil} does. The cache
 * keeps up to {@link #MAX_TRANSFER} bytes per thread, so a blocking write that waits and retries
 * reuses its temporary instead of allocating one per attempt.
 *
 * <p>All methods return the raw result ({@code >= 0} bytes, or {@code -errno}) and advance buffer
 * positions by what was transferred. Thread-safe: the cached memory is per thread.
 */
final class NetIO {
    private NetIO() {}

    /** The most bytes one call transfers through the temporary buffer (heap buffers). */
    static final int MAX_TRANSFER = 1 << 20;

    /** Per-thread temporary memory: a direct buffer for heap data, an iovec array. */
    private static final class Temp {
        ByteBuffer data = ByteBuffer.allocateDirect(16 << 10);
        final ByteBuffer iov = ByteBuffer.allocateDirect(NetSys.IOV_MAX * 16).order(ByteOrder.nativeOrder());
        final long iovAddr = NativeMemory.address(iov);
        final ByteBuffer msg = ByteBuffer.allocateDirect(MsgHdr.SIZE);
        final long msgAddr = NativeMemory.address(msg);

        /**
         * A direct buffer of at least {@code size} bytes. Up to {@link #MAX_TRANSFER} bytes it is the
         * thread's cached one (grown to a power of two, reachable from the thread for as long as the
         * thread lives); only a larger request (a datagram receive into a huge heap buffer) gets a
         * buffer of its own, which its caller keeps reachable until its call returns.
         */
        ByteBuffer data(int size) {
            if (data.capacity() >= size) {
                return data;
            }
            if (size > MAX_TRANSFER) {
                return ByteBuffer.allocateDirect(size);
            }
            int cap = Math.min(MAX_TRANSFER, Integer.highestOneBit(size - 1) << 1);
            data = ByteBuffer.allocateDirect(cap);
            return data;
        }
    }

    private static final ThreadLocal<Temp> TEMP = ThreadLocal.withInitial(Temp::new);

    /**
     * This thread's temporary direct buffer of at least {@code size} bytes, for one call at a time.
     * The caller keeps it reachable until the call that uses its address returns
     * ({@link Reference#reachabilityFence}).
     */
    static ByteBuffer temp(int size) {
        return TEMP.get().data(size);
    }

    static long read(int fd, ByteBuffer dst) {
        int rem = dst.remaining();
        if (NativeMemory.addressable(dst)) {
            long r;
            try {
                r = NetSys.call(SysNr.READ, fd, NativeMemory.address(dst) + dst.position(), rem);
            } finally {
                Reference.reachabilityFence(dst);
            }
            if (r > 0) {
                dst.position(dst.position() + (int) r);
            }
            return r;
        }
        int n = Math.min(rem, MAX_TRANSFER);
        ByteBuffer tmp = TEMP.get().data(n);
        long r;
        try {
            r = NetSys.call(SysNr.READ, fd, NativeMemory.address(tmp), n);
        } finally {
            Reference.reachabilityFence(tmp);
        }
        if (r > 0) {
            copyOut(tmp, 0, (int) r, dst);
        }
        return r;
    }

    /** read(2) of a stream socket as recv(2) with MSG_DONTWAIT: never waits, whatever the engine. */
    static long recv(int fd, ByteBuffer dst) {
        int rem = dst.remaining();
        if (NativeMemory.addressable(dst)) {
            long r;
            try {
                r = NetSys.call(SysNr.RECVFROM, fd, NativeMemory.address(dst) + dst.position(), rem, NetSys.MSG_DONTWAIT, 0, 0);
            } finally {
                Reference.reachabilityFence(dst);
            }
            if (r > 0) {
                dst.position(dst.position() + (int) r);
            }
            return r;
        }
        int n = Math.min(rem, MAX_TRANSFER);
        ByteBuffer tmp = TEMP.get().data(n);
        long r;
        try {
            r = NetSys.call(SysNr.RECVFROM, fd, NativeMemory.address(tmp), n, NetSys.MSG_DONTWAIT, 0, 0);
        } finally {
            Reference.reachabilityFence(tmp);
        }
        if (r > 0) {
            copyOut(tmp, 0, (int) r, dst);
        }
        return r;
    }

    /** write(2) of a stream socket as send(2) with MSG_DONTWAIT | MSG_NOSIGNAL. */
    static long send(int fd, ByteBuffer src) {
        int rem = src.remaining();
        ByteBuffer mem = src;
        long base;
        if (NativeMemory.addressable(src)) {
            base = NativeMemory.address(src) + src.position();
        } else {
            rem = Math.min(rem, MAX_TRANSFER);
            mem = TEMP.get().data(rem);
            copyIn(src, src.position(), rem, mem, 0);
            base = NativeMemory.address(mem);
        }
        long r;
        try {
            r = NetSys.call(SysNr.SENDTO, fd, base, rem, NetSys.MSG_DONTWAIT | NetSys.MSG_NOSIGNAL, 0, 0);
        } finally {
            Reference.reachabilityFence(mem);
        }
        if (r > 0) {
            src.position(src.position() + (int) r);
        }
        return r;
    }

    static long write(int fd, ByteBuffer src) {
        int rem = src.remaining();
        ByteBuffer mem = src;
        long base;
        if (NativeMemory.addressable(src)) {
            base = NativeMemory.address(src) + src.position();
        } else {
            rem = Math.min(rem, MAX_TRANSFER);
            mem = TEMP.get().data(rem);
            copyIn(src, src.position(), rem, mem, 0);
            base = NativeMemory.address(mem);
        }
        long r;
        try {
            r = NetSys.call(SysNr.WRITE, fd, base, rem);
        } finally {
            Reference.reachabilityFence(mem);
        }
        if (r > 0) {
            src.position(src.position() + (int) r);
        }
        return r;
    }

    /** Scatter read into {@code dsts[off..off+len)}. */
    static long readv(int fd, ByteBuffer[] dsts, int off, int len) {
        return scatter(fd, dsts, off, len, -1);
    }

    /**
     * readv(2) of a socket as recvmsg(2) with MSG_DONTWAIT: never waits, whatever the description's
     * mode (a datagram is not cut as a stream's bytes could be).
     */
    static long recvv(int fd, ByteBuffer[] dsts, int off, int len) {
        return scatter(fd, dsts, off, len, NetSys.MSG_DONTWAIT);
    }

    /** Scatter read: readv(2) if {@code msgFlags < 0}, else recvmsg(2) with them. */
    private static long scatter(int fd, ByteBuffer[] dsts, int off, int len, int msgFlags) {
        Temp t = TEMP.get();
        int heapBytes = 0;
        for (int i = off; i < off + len; i++) {
            if (!NativeMemory.addressable(dsts[i])) { // checks every buffer's scope, as the JDK
                heapBytes = (int) Math.min(MAX_TRANSFER, (long) heapBytes + dsts[i].remaining());
            }
        }
        ByteBuffer tmp = heapBytes > 0 ? t.data(heapBytes) : null;
        long tmpAddr = tmp != null ? NativeMemory.address(tmp) : 0;
        int n = 0;
        int tmpUsed = 0;
        long total = 0;
        for (int i = off; i < off + len && n < NetSys.IOV_MAX; i++) {
            ByteBuffer b = dsts[i];
            int rem = b.remaining();
            if (rem == 0) {
                continue;
            }
            long base;
            if (NativeMemory.addressable(b)) {
                base = NativeMemory.address(b) + b.position();
            } else {
                rem = Math.min(rem, heapBytes - tmpUsed);
                if (rem == 0) {
                    break;
                }
                base = tmpAddr + tmpUsed;
                tmpUsed += rem;
            }
            t.iov.putLong(n * 16, base);
            t.iov.putLong(n * 16 + 8, rem);
            n++;
            total += rem;
        }
        if (n == 0) {
            return 0;
        }
        long r;
        try {
            r = transferv(t, fd, SysNr.READV, SysNr.RECVMSG, n, msgFlags);
        } finally {
            Reference.reachabilityFence(tmp);
            Reference.reachabilityFence(dsts); // the direct buffers whose addresses are in the iovec
        }
        if (r > 0) {
            long left = r;
            int tmpPos = 0;
            for (int i = off; i < off + len && left > 0; i++) {
                ByteBuffer b = dsts[i];
                int rem = b.remaining();
                if (rem == 0) {
                    continue;
                }
                if (NativeMemory.addressable(b)) {
                    int k = (int) Math.min(rem, left);
                    b.position(b.position() + k);
                    left -= k;
                } else {
                    int slot = Math.min(rem, heapBytes - tmpPos);
                    int k = (int) Math.min(slot, left);
                    copyOut(tmp, tmpPos, k, b);
                    tmpPos += slot;
                    left -= k;
                }
            }
        }
        return r;
    }

    /** Gather write from {@code srcs[off..off+len)}. */
    static long writev(int fd, ByteBuffer[] srcs, int off, int len) {
        return gather(fd, srcs, off, len, -1);
    }

    /** writev(2) of a socket as sendmsg(2) with MSG_DONTWAIT | MSG_NOSIGNAL: never waits. */
    static long sendv(int fd, ByteBuffer[] srcs, int off, int len) {
        return gather(fd, srcs, off, len, NetSys.MSG_DONTWAIT | NetSys.MSG_NOSIGNAL);
    }

    /** Gather write: writev(2) if {@code msgFlags < 0}, else sendmsg(2) with them. */
    private static long gather(int fd, ByteBuffer[] srcs, int off, int len, int msgFlags) {
        Temp t = TEMP.get();
        int heapBytes = 0;
        for (int i = off; i < off + len; i++) {
            if (!NativeMemory.addressable(srcs[i])) { // checks every buffer's scope, as the JDK
                heapBytes = (int) Math.min(MAX_TRANSFER, (long) heapBytes + srcs[i].remaining());
            }
        }
        ByteBuffer tmp = heapBytes > 0 ? t.data(heapBytes) : null;
        long tmpAddr = tmp != null ? NativeMemory.address(tmp) : 0;
        int n = 0;
        int tmpUsed = 0;
        for (int i = off; i < off + len && n < NetSys.IOV_MAX; i++) {
            ByteBuffer b = srcs[i];
            int rem = b.remaining();
            if (rem == 0) {
                continue;
            }
            long base;
            if (NativeMemory.addressable(b)) {
                base = NativeMemory.address(b) + b.position();
            } else {
                rem = Math.min(rem, heapBytes - tmpUsed);
                if (rem == 0) {
                    break;
                }
                copyIn(b, b.position(), rem, tmp, tmpUsed);
                base = tmpAddr + tmpUsed;
                tmpUsed += rem;
            }
            t.iov.putLong(n * 16, base);
            t.iov.putLong(n * 16 + 8, rem);
            n++;
        }
        if (n == 0) {
            return 0;
        }
        long r;
        try {
            r = transferv(t, fd, SysNr.WRITEV, SysNr.SENDMSG, n, msgFlags);
        } finally {
            Reference.reachabilityFence(tmp);
            Reference.reachabilityFence(srcs); // the direct buffers whose addresses are in the iovec
        }
        if (r > 0) {
            advance(srcs, off, len, r);
        }
        return r;
    }

    /** {@code vnr} (readv/writev) over the thread's {@code n} iovecs, or {@code msgNr} with {@code msgFlags >= 0}. */
    private static long transferv(Temp t, int fd, int vnr, int msgNr, int n, int msgFlags) {
        if (msgFlags < 0) {
            return NetSys.call(vnr, fd, t.iovAddr, n);
        }
        MsgHdr.put(t.msgAddr, 0, 0, t.iovAddr, n, 0, 0);
        return NetSys.call(msgNr, fd, t.msgAddr, msgFlags);
    }

    /** Advances the positions of {@code bufs} by {@code n} bytes in order. */
    static void advance(ByteBuffer[] bufs, int off, int len, long n) {
        long left = n;
        for (int i = off; i < off + len && left > 0; i++) {
            ByteBuffer b = bufs[i];
            int k = (int) Math.min(b.remaining(), left);
            b.position(b.position() + k);
            left -= k;
        }
    }

    /** Copies {@code n} bytes from {@code src} (absolute {@code srcPos}) into {@code dst} at {@code dstPos}. */
    static void copyIn(ByteBuffer src, int srcPos, int n, ByteBuffer dst, int dstPos) {
        dst.put(dstPos, src, srcPos, n);
    }

    /** Copies {@code n} bytes at {@code tmp}'s absolute {@code pos} into {@code dst}, advancing it. */
    static void copyOut(ByteBuffer tmp, int pos, int n, ByteBuffer dst) {
        dst.put(dst.position(), tmp, pos, n);
        dst.position(dst.position() + n);
    }

    /**
     * Waits, with poll(2), until {@code fd} has one of {@code events} or {@code wakeFd} (if {@code >= 0})
     * is readable, or {@code timeoutMillis} passes ({@code -1}: no limit). Returns the revents of
     * {@code fd} (0 on timeout or wake), or {@code -errno}; EINTR is returned as 0 (a spurious wakeup).
     */
    static long poll(int fd, short events, int wakeFd, int timeoutMillis) {
        NetSys.Scratch s = NetSys.Scratch.get();
        s.putInt(0, fd);
        s.putShort(4, events);
        s.putShort(6, (short) 0);
        int nfds = 1;
        if (wakeFd >= 0) {
            s.putInt(8, wakeFd);
            s.putShort(12, NetSys.POLLIN);
            s.putShort(14, (short) 0);
            nfds = 2;
        }
        long r = NetSys.call(SysNr.POLL, s.address, nfds, timeoutMillis);
        if (r == -Errno.EINTR) {
            return 0;
        }
        if (r < 0) {
            return r;
        }
        return s.getShort(6) & 0xffff;
    }

    /** A new non-blocking, close-on-exec eventfd. */
    static int eventfd() throws java.io.IOException {
        return (int) NetSys.check(NetSys.call(SysNr.EVENTFD2, 0, NetSys.EFD_NONBLOCK | NetSys.EFD_CLOEXEC, 0), "eventfd");
    }

    /** Adds one to an eventfd's counter (wakes its pollers). */
    static void signal(int efd) {
        NetSys.Scratch s = NetSys.Scratch.get();
        s.putLong(0, 1);
        NetSys.call(SysNr.WRITE, efd, s.address, 8);
    }

    /** Resets an eventfd's counter to zero. */
    static void drain(int efd) {
        NetSys.Scratch s = NetSys.Scratch.get();
        NetSys.call(SysNr.READ, efd, s.address, 8);
    }
}
