package io.flexsc.nio.net.sys;

import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Iovecs;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.vthread.VtCalls;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * Reads and writes between file descriptors and buffers, heap or direct, single or scatter/gather.
 *
 * <p>The kernel only sees native memory: a heap buffer, and a direct buffer over a segment of an
 * arena that can be closed ({@link NativeMemory#addressable}), is copied through the thread's
 * {@link Scratch} memory (one contiguous region for a whole gather, split per buffer for a
 * scatter; the iovec array is {@link Iovecs}'). At most {@link Linux#IOV_MAX} buffers and
 * {@link #MAX_TRANSFER} bytes of heap buffers go into one call; a short transfer is always possible
 * and callers loop where they must.
 *
 * <p>Native memory outlives the call: an engine hands the kernel a raw address (on the ring the SQE
 * holds nothing else until its completion), so every buffer whose address is passed stays strongly
 * reachable until the call has returned. Scratch blocks are released in {@code finally} after the
 * call (a 1 MiB temporary freed by a collection while the kernel still read it once sent other
 * memory to the peer), and a caller's direct buffers are fenced with
 * {@link Reference#reachabilityFence} after the call, as the JDK's {@code IOUtil} does. The thread
 * keeps its scratch memory, so a blocking write that waits and retries reuses its temporary instead
 * of allocating one per attempt.
 *
 * <p>All methods return the raw result ({@code >= 0} bytes, or {@code -errno}) and advance buffer
 * positions by what was transferred. Thread-safe: scratch memory is per thread.
 */
public final class NetIO {
    private NetIO() {}

    /** The most bytes of heap buffers one call transfers (through scratch memory). */
    public static final int MAX_TRANSFER = Scratch.MAX;

    public static long read(int fd, ByteBuffer dst) {
        return transfer(SysNr.READ, fd, dst, false, -1);
    }

    /** read(2) of a stream socket as recv(2) with MSG_DONTWAIT: never waits, whatever the engine. */
    public static long recv(int fd, ByteBuffer dst) {
        return transfer(SysNr.RECVFROM, fd, dst, false, Linux.MSG_DONTWAIT);
    }

    /** write(2) of a stream socket as send(2) with MSG_DONTWAIT | MSG_NOSIGNAL. */
    public static long send(int fd, ByteBuffer src) {
        return transfer(SysNr.SENDTO, fd, src, true, Linux.MSG_DONTWAIT | Linux.MSG_NOSIGNAL);
    }

    public static long write(int fd, ByteBuffer src) {
        return transfer(SysNr.WRITE, fd, src, true, -1);
    }

    /**
     * {@link #send} on the caller's thread, past the engine ({@link DirectEngine#run}: one system
     * call, never a shared ring or a syscall thread): a batching selector's write-through, where the
     * engine's bookkeeping would cost more than the one crossing it could share.
     */
    public static long sendDirect(int fd, ByteBuffer src) {
        return transfer(SysNr.SENDTO, fd, src, true, Linux.MSG_DONTWAIT | Linux.MSG_NOSIGNAL, null, null, true);
    }

    /**
     * The largest heap buffer a virtual thread's socket call is posted with: a posted call holds
     * its scratch copy while the thread is parked (the JDK's own virtual-thread I/O gives its
     * temporary buffer back before it parks), so 10,000 readers blocked on 64 KiB heap buffers would
     * hold 640 MiB of native memory. Larger heap transfers wait for readiness and then call, as
     * the JDK's do; direct buffers are posted whatever their size (the caller's own memory).
     */
    public static final int POSTED_HEAP_MAX = 16 << 10;

    /** Whether a virtual thread's socket call on {@code b} is posted (see {@link #POSTED_HEAP_MAX}). */
    public static boolean postable(ByteBuffer b) {
        return NativeMemory.addressable(b) || b.remaining() <= POSTED_HEAP_MAX;
    }

    /**
     * recv(2) of a stream socket posted by a virtual thread to {@code port} ({@link VtCalls#run}):
     * without MSG_DONTWAIT, so the call waits in the ring (io_uring's receive does not honour
     * O_NONBLOCK: it arms its own readiness wait) while the thread is parked. Cancelled when
     * {@code stop} holds or the thread is interrupted; returns only once the kernel is done with
     * the memory. The raw result ({@code -ECANCELED}/{@code -EINTR} if cancelled before it ran).
     */
    public static long recvPosted(CallPort port, int fd, ByteBuffer dst, BooleanSupplier stop) {
        return transfer(SysNr.RECVFROM, fd, dst, false, 0, port, stop, false);
    }

    /** send(2) of a stream socket with MSG_NOSIGNAL, posted as {@link #recvPosted} is. */
    public static long sendPosted(CallPort port, int fd, ByteBuffer src, BooleanSupplier stop) {
        return transfer(SysNr.SENDTO, fd, src, true, Linux.MSG_NOSIGNAL, port, stop, false);
    }

    private static long transfer(int nr, int fd, ByteBuffer buf, boolean out, int flags) {
        return transfer(nr, fd, buf, out, flags, null, null, false);
    }

    /**
     * One read/recv ({@code out} false) or write/send: {@code flags < 0} is read(2)/write(2); posted
     * to {@code port} (see {@link #recvPosted}) unless it is null; run on this thread past the
     * engine if {@code direct} ({@link #sendDirect}).
     */
    private static long transfer(int nr, int fd, ByteBuffer buf, boolean out, int flags, CallPort port,
            BooleanSupplier stop, boolean direct) {
        int rem = buf.remaining();
        Scratch tmp = null;
        long r;
        try {
            long base;
            if (NativeMemory.addressable(buf)) {
                base = NativeMemory.address(buf) + buf.position();
            } else {
                rem = Math.min(rem, MAX_TRANSFER);
                tmp = Scratch.acquire(rem);
                if (out) {
                    tmp.buffer().put(0, buf, buf.position(), rem);
                }
                base = tmp.address();
            }
            if (port != null) {
                r = posted(port, nr, fd, base, rem, flags, stop);
            } else if (direct) {
                r = DirectEngine.run(nr, fd, base, rem, Math.max(flags, 0), 0, 0);
            } else {
                r = flags < 0 ? NetSys.call(nr, fd, base, rem) : NetSys.call(nr, fd, base, rem, flags, 0, 0);
            }
            if (r > 0 && tmp != null && !out) {
                buf.put(buf.position(), tmp.buffer(), 0, (int) r);
            }
        } finally {
            Reference.reachabilityFence(buf);
            if (tmp != null) {
                tmp.release();
            }
        }
        if (r > 0) {
            buf.position(buf.position() + (int) r);
        }
        return r;
    }

    private static final int MAX_RW_COUNT = 0x7ffff000;

    private static long posted(CallPort port, int nr, int fd, long base, int len, int flags, BooleanSupplier stop) {
        try {
            // at most the kernel's MAX_RW_COUNT, as the system call would move (and an SQE carries)
            return VtCalls.run(port, nr, fd, base, Math.min(len, MAX_RW_COUNT), flags, 0, 0, stop, true);
        } catch (EngineClosedException e) {
            return -NetSys.ENGINE_CLOSED;
        }
    }

    /** Scatter read into {@code dsts[off..off+len)}. */
    public static long readv(int fd, ByteBuffer[] dsts, int off, int len) {
        return vectored(SysNr.READV, fd, dsts, off, len, false, false);
    }

    /** Gather write from {@code srcs[off..off+len)}. */
    public static long writev(int fd, ByteBuffer[] srcs, int off, int len) {
        return vectored(SysNr.WRITEV, fd, srcs, off, len, true, false);
    }

    /**
     * readv(2) of a socket as recvmsg(2) with MSG_DONTWAIT: never waits, whatever the description's
     * mode (a datagram is not cut as a stream's bytes could be).
     */
    public static long recvv(int fd, ByteBuffer[] dsts, int off, int len) {
        return vectored(SysNr.RECVMSG, fd, dsts, off, len, false, false);
    }

    /** writev(2) of a socket as sendmsg(2) with MSG_DONTWAIT | MSG_NOSIGNAL: never waits. */
    public static long sendv(int fd, ByteBuffer[] srcs, int off, int len) {
        return vectored(SysNr.SENDMSG, fd, srcs, off, len, true, false);
    }

    /** {@link #sendv} on the caller's thread, past the engine, as {@link #sendDirect}. */
    public static long sendvDirect(int fd, ByteBuffer[] srcs, int off, int len) {
        return vectored(SysNr.SENDMSG, fd, srcs, off, len, true, true);
    }

    /** {@code struct msghdr} on x86_64: name, namelen (+pad), iov, iovlen, control, controllen, flags (+pad). */
    private static final int MSGHDR_SIZE = 56, MSGHDR_IOV = 16, MSGHDR_IOVLEN = 24;

    /**
     * readv/writev over an iovec array, or recvmsg/sendmsg (MSG_DONTWAIT, and MSG_NOSIGNAL out) over
     * one; on this thread past the engine if {@code direct} ({@link #sendvDirect}).
     */
    private static long vectored(int nr, int fd, ByteBuffer[] bufs, int off, int len, boolean out, boolean direct) {
        int heapBytes = Iovecs.heapBytes(bufs, off, len, MAX_TRANSFER);
        Scratch tmp = heapBytes > 0 ? Scratch.acquire(heapBytes) : null;
        Scratch iov = null;
        long r;
        try {
            boolean msg = nr == SysNr.RECVMSG || nr == SysNr.SENDMSG;
            iov = Scratch.acquire(Iovecs.arrayBytes(len) + (msg ? MSGHDR_SIZE : 0));
            int n = Iovecs.build(iov, bufs, off, len, tmp, heapBytes, out);
            if (n == 0) {
                return 0;
            }
            if (msg) {
                int h = Iovecs.arrayBytes(len); // the msghdr follows the array in the same block
                ByteBuffer m = iov.buffer();
                for (int i = 0; i < MSGHDR_SIZE; i += 8) {
                    m.putLong(h + i, 0);
                }
                m.putLong(h + MSGHDR_IOV, iov.address()).putLong(h + MSGHDR_IOVLEN, n);
                int flags = out ? Linux.MSG_DONTWAIT | Linux.MSG_NOSIGNAL : Linux.MSG_DONTWAIT;
                r = direct ? DirectEngine.run(nr, fd, iov.address() + h, flags, 0, 0, 0)
                        : NetSys.call(nr, fd, iov.address() + h, flags);
            } else {
                r = direct ? DirectEngine.run(nr, fd, iov.address(), n, 0, 0, 0) : NetSys.call(nr, fd, iov.address(), n);
            }
            if (r > 0) {
                Iovecs.complete(bufs, off, len, r, tmp, heapBytes, !out);
            }
        } finally {
            Reference.reachabilityFence(bufs); // the direct buffers whose addresses are in the iovec
            if (iov != null) {
                iov.release();
            }
            if (tmp != null) {
                tmp.release();
            }
        }
        return r;
    }

    /**
     * Waits, with poll(2), until {@code fd} has one of {@code events} or {@code wakeFd} (if {@code >= 0})
     * is readable, or {@code timeoutMillis} passes ({@code -1}: no limit). Returns the revents of
     * {@code fd} (0 on timeout or wake), or {@code -errno}; EINTR is returned as 0 (a spurious wakeup).
     */
    public static long poll(int fd, short events, int wakeFd, int timeoutMillis) {
        Scratch s = Scratch.acquire(2 * Linux.POLLFD_SIZE);
        try {
            ByteBuffer v = s.buffer().putInt(0, fd).putShort(4, events).putShort(6, (short) 0);
            v.putInt(8, wakeFd).putShort(12, Linux.POLLIN).putShort(14, (short) 0);
            long r = NetSys.call(SysNr.POLL, s.address(), wakeFd >= 0 ? 2 : 1, timeoutMillis);
            if (r == -Errno.EINTR) {
                return 0;
            }
            return r < 0 ? r : v.getShort(6) & 0xffff;
        } finally {
            s.release();
        }
    }

    /** A new non-blocking, close-on-exec eventfd. */
    public static int eventfd() throws java.io.IOException {
        return (int) NetSys.check(NetSys.call(SysNr.EVENTFD2, 0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC, 0), "eventfd");
    }

    /** Adds one to an eventfd's counter (wakes its pollers). */
    public static void signal(int efd) {
        Scratch s = Scratch.acquire(8);
        try {
            s.buffer().putLong(0, 1);
            NetSys.call(SysNr.WRITE, efd, s.address(), 8);
        } finally {
            s.release();
        }
    }

    /** Resets an eventfd's counter to zero. */
    public static void drain(int efd) {
        Scratch s = Scratch.acquire(8);
        try {
            NetSys.call(SysNr.READ, efd, s.address(), 8);
        } finally {
            s.release();
        }
    }
}
