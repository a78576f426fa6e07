package io.flexsc.nio.fs;

import static io.flexsc.nio.ffi.Linux.*;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Errors;
import io.flexsc.nio.ffi.Iovecs;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.ffi.Threads;
import io.flexsc.nio.vthread.VtCalls;
import io.flexsc.nio.vthread.VtPoller;
import java.io.IOException;
import java.lang.ref.Reference;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.spi.FileSystemProvider;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link FileChannel} whose data transfer runs through the syscall engine.
 *
 * <p>Behaves as the JDK's own file channel ({@code sun.nio.ch.FileChannelImpl}): the same checks in
 * the same order with the same exceptions, the same position rules (in APPEND mode the position is
 * the file's size and every write goes to the end), and the same interrupt and asynchronous-close
 * behaviour: an interrupted thread closes the channel and gets {@link ClosedByInterruptException}; a
 * thread whose operation is cut short by another thread's close gets
 * {@link java.nio.channels.AsynchronousCloseException}; an operation that completed before the close
 * reports its result.
 *
 * <p>How it transfers: the channel keeps its position in Java and uses {@code pread64}/{@code pwrite64}
 * (and {@code preadv}/{@code pwritev} for scatter/gather) so that every transfer names its offset and
 * calls from many threads can be batched by the engine; APPEND mode uses {@code write}/{@code writev}
 * on the {@code O_APPEND} descriptor. Heap buffers are copied through per-thread native memory
 * ({@link Scratch}), in chunks of at most 1 MiB, looping so that a call transfers as much as the
 * JDK's would. A write that has returned has been accepted by the kernel (durability is unchanged).
 * A caller's direct buffers are kept reachable until the call that uses their address has returned
 * ({@link Reference#reachabilityFence}); temporaries are held until released in {@code finally}.
 *
 * <p>Files that are not regular files or block devices (pipes, FIFOs, character devices such as
 * ttys and {@code /dev/stdin}, sockets) are told apart by their first fstat: on them, as in the JDK,
 * relative reads and writes use {@code read}/{@code write} at the descriptor's own position and
 * {@link #position()} is {@code lseek}'s (a pipe says "Illegal seek"), and every transfer runs on
 * the calling thread, never in a shared ring or syscall thread, since it may wait for the other end
 * ({@link io.flexsc.nio.engine.Blocking}). A relative transfer on them first waits in {@code poll}
 * that also watches a wake descriptor, so that close and interrupt are never deaf to a reader or
 * writer waiting for its peer.
 * {@code transferTo}/{@code transferFrom} between two of our channels use {@code copy_file_range};
 * other channels are served through a buffer. {@link #map} maps the same file through a JDK channel
 * opened on {@code /proc/self/fd/N}, so mappings share the page cache with our writes.
 *
 * <p>Locks are Linux open-file-description locks ({@code F_OFD_SETLK}): they conflict with other
 * processes' POSIX locks exactly like the JDK's, but are not dropped when another descriptor of the
 * same file is closed. Overlaps within the JVM are caught by {@link FileLockTable}. A blocking
 * {@link #lock} polls (backing off to 10 ms) so that it can be interrupted and closed as the JDK's.
 *
 * <p>The descriptor is reference-counted: close waits for operations in the kernel to finish and then
 * closes it, so a concurrent operation can never reach a reused descriptor number.
 *
 * <p>Thread safety: as {@link FileChannel}: all methods may be called concurrently; operations that
 * use the position are serialised on it, positional ones are not.
 */
public final class FlexFileChannel extends VersionedFileChannel {
    private static final int TRANSFER_SIZE = 8192;
    private static final Charset PATH_CHARSET = pathCharset();

    private final SyscallEngine engine;
    private final FileSystemProvider builtin;
    private final int fd;
    private final String path;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;

    /**
     * Serialises the operations that use the position. A {@link ReentrantLock}, not a monitor: a
     * relative transfer holds it while a virtual thread parks (a posted call, a readiness wait, an
     * engine's wait), and a monitor held across a park pins the carrier on JDK 21-23.
     */
    private final ReentrantLock positionLock = new ReentrantLock();
    private long position; // guarded by positionLock; unused in APPEND mode

    /** Operations using the descriptor, with {@link #CLOSING} set once close has begun. */
    private final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger();
    private static final int CLOSING = Integer.MIN_VALUE;
    /** Guards the close protocol's state below (a lock, not a monitor: close waits under it, see positionLock). */
    private final ReentrantLock fdLock = new ReentrantLock();
    /** Signalled when the last user leaves a closing channel ({@link #releaseFd}). */
    private final Condition fdReleased = fdLock.newCondition();
    private boolean fdClosed; // guarded by fdLock

    /** {@link #kind}: not yet known; a regular file, block device or directory; anything else. */
    private static final int KIND_UNKNOWN = 0, KIND_FILE = 1, KIND_STREAM = 2;
    /** The position argument for "at the descriptor's own position" (relative I/O on a stream). */
    private static final long HERE = -1;

    /** What the descriptor is, from its first fstat ({@link #stream()}); never changes once known. */
    private volatile int kind;
    /** A stream's wake eventfd, signalled by close (guarded by fdLock; -1 when none). */
    private int wakeFd = -1;
    /** Virtual threads parked in {@link #awaitStream} or {@link #posted} (made on the first); guarded by fdLock. */
    private java.util.Set<Thread> parked;

    private volatile boolean uninterruptible;
    private volatile FileLockTable.FileKey fileKey;

    private FlexFileChannel(SyscallEngine engine, FileSystemProvider builtin, int fd, String path,
                            boolean readable, boolean writable, boolean append) {
        this.engine = engine;
        this.builtin = builtin;
        this.fd = fd;
        this.path = path;
        this.readable = readable;
        this.writable = writable;
        this.append = append;
    }

    private static Charset pathCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /**
     * Opens a file, as the JDK's Unix provider does: same flags, same special cases, same exceptions.
     *
     * @param engine the engine for data transfer
     * @param builtin the built-in provider (for {@link #map})
     * @param file the built-in provider's path of the file
     * @param flags checked options ({@link OpenFlags#forFileChannel} already applied)
     * @param mode creation mode
     */
    static FlexFileChannel open(SyscallEngine engine, FileSystemProvider builtin, Path file, OpenFlags flags, int mode)
            throws IOException {
        String name = file.toString();
        byte[] bytes = (name.isEmpty() ? "." : name).getBytes(PATH_CHARSET);
        if (flags.write && flags.createNew) {
            int n = bytes.length;
            if (bytes[n - 1] == '.' && (n == 1 || bytes[n - 2] == '/')) {
                throw new FileAlreadyExistsException(name);
            }
        }
        int oflags = flags.oflags();
        long r;
        Scratch b = Scratch.acquire(Math.min(bytes.length + 1, Scratch.MAX));
        try {
            if (bytes.length + 1 > b.capacity()) {
                throw new FileSystemException(name, null, Errors.strerror(Errno.ENAMETOOLONG));
            }
            ByteBuffer v = b.buffer();
            v.put(bytes).put((byte) 0);
            do {
                r = call(engine, SysNr.OPENAT, AT_FDCWD, b.address(), oflags, mode);
            } while (r == -Errno.EINTR);
            if (Errno.isError(r)) {
                int errno = Errno.of(r);
                if (flags.createNew && errno == Errno.EISDIR) {
                    errno = Errno.EEXIST;
                }
                if (flags.noFollow() && errno == Errno.ELOOP) {
                    // the JDK's message-only exception becomes a plain IOException
                    throw new IOException(Errors.strerror(errno) + " (NOFOLLOW_LINKS specified)");
                }
                throw Errors.forPath(errno, name, null);
            }
            if (flags.deleteOnClose) {
                // As the JDK: unlink at once; best effort.
                call(engine, SysNr.UNLINKAT, AT_FDCWD, b.address(), 0, 0);
            }
        } finally {
            b.release();
        }
        boolean write = flags.write;
        return new FlexFileChannel(engine, builtin, (int) r, name, flags.read, write, write && flags.append);
    }

    private static long call(SyscallEngine engine, int nr, long a0, long a1, long a2, long a3) throws IOException {
        try {
            return engine.syscall(nr, a0, a1, a2, a3, 0, 0);
        } catch (EngineClosedException e) {
            throw new IOException("flexsc engine closed", e);
        }
    }

    private long sys(int nr, long a0, long a1, long a2) throws IOException {
        try {
            return engine.syscall(nr, a0, a1, a2);
        } catch (EngineClosedException e) {
            throw new IOException("flexsc engine closed", e);
        }
    }

    private long sys(int nr, long a0, long a1, long a2, long a3) throws IOException {
        return call(engine, nr, a0, a1, a2, a3);
    }

    /** The file's path as given when opened (for messages). */
    String path() {
        return path;
    }

    /** Makes the channel ignore thread interrupts (for channels used by pool threads). */
    void setUninterruptible() {
        uninterruptible = true;
    }

    boolean isReadable() {
        return readable;
    }

    boolean isWritable() {
        return writable;
    }

    // ---- descriptor reference counting ----

    /** Takes a reference to the descriptor; false if the channel is closing. Lock-free. */
    private boolean acquire() {
        for (;;) {
            int u = users.get();
            if (u < 0) {
                return false;
            }
            if (users.compareAndSet(u, u + 1)) {
                return true;
            }
        }
    }

    /**
     * {@link #acquire()} for an operation: false if the channel closed meanwhile, except that an
     * uninterruptible channel (the one behind an asynchronous channel) reports that as
     * {@link java.nio.channels.AsynchronousCloseException}, since it has no {@code end()} to do so.
     */
    private boolean acquireOp() throws java.nio.channels.AsynchronousCloseException {
        if (acquire()) {
            return true;
        }
        if (uninterruptible) {
            throw new java.nio.channels.AsynchronousCloseException();
        }
        return false;
    }

    private void releaseFd() {
        if (users.decrementAndGet() == CLOSING) {
            fdLock.lock();
            try {
                fdReleased.signalAll();
            } finally {
                fdLock.unlock();
            }
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void beginBlocking() {
        if (!uninterruptible) {
            begin();
        }
    }

    private void endBlocking(boolean completed) throws IOException {
        if (!uninterruptible) {
            end(completed);
        }
    }

    @Override
    protected void implCloseChannel() throws IOException {
        FileLockTable.FileKey key = fileKey;
        if (key != null) {
            for (FlexFileLock l : FileLockTable.removeAll(key, this)) {
                l.releaseLock.lock();
                try {
                    if (!l.isInvalidated()) {
                        unlockRange(l.position(), l.size());
                        l.invalidate();
                    }
                } finally {
                    l.releaseLock.unlock();
                }
            }
        }
        fdLock.lock();
        try {
            int u;
            do {
                u = users.get();
            } while (u >= 0 && !users.compareAndSet(u, u | CLOSING));
            if (wakeFd >= 0) {
                signal(wakeFd); // a stream's reader or writer waiting in poll for its peer leaves
            }
            if (parked != null) {
                parked.forEach(LockSupport::unpark); // one parked instead (a virtual thread)
            }
            while (users.get() != CLOSING) {
                fdReleased.awaitUninterruptibly(); // an interrupt meanwhile stays set
            }
            if (fdClosed) {
                return;
            }
            fdClosed = true;
            if (wakeFd >= 0) {
                DirectEngine.run(SysNr.CLOSE, wakeFd, 0, 0, 0, 0, 0);
                wakeFd = -1;
            }
        } finally {
            fdLock.unlock();
        }
        long r = sys(SysNr.CLOSE, fd, 0, 0);
        if (Errno.isError(r) && r != -Errno.EINTR) {
            throw Errors.forIo(Errno.of(r));
        }
    }

    // ---- the raw transfers (the caller holds a descriptor reference) ----

    private static void checkResult(long r) throws IOException {
        if (Errno.isError(r)) {
            throw Errors.forIo(Errno.of(r));
        }
    }

    /**
     * Whether the descriptor is a stream (not a regular file, block device or directory): learnt from
     * the first fstat of the channel, taken here if none ran yet. The descriptor is acquired.
     */
    private boolean stream() throws IOException {
        int k = kind;
        if (k == KIND_UNKNOWN) {
            fstatSize();
            k = kind;
        }
        return k == KIND_STREAM;
    }

    /**
     * A transfer call on this descriptor: through the engine for files, on the calling thread for a
     * stream (it may wait for the other end, see the class comment).
     */
    private long xfer(int nr, long a1, long a2, long a3) throws IOException {
        if (kind == KIND_STREAM) {
            return DirectEngine.run(nr, fd, a1, a2, a3, 0, 0);
        }
        CallPort port = VtCalls.filePort(engine);
        if (port != null && port.carries(nr, a1, a2, a3, 0, 0)) {
            return posted(port, nr, a1, a2, a3);
        }
        return sys(nr, fd, a1, a2, a3);
    }

    /**
     * {@link #xfer} from a virtual thread on an engine with a {@link CallPort}: the call is posted
     * and the thread parks, its carrier free, until the completion unparks it. A close (or the
     * interrupt that closes the channel) unparks it too; it then cancels the call and still waits
     * for it, since the kernel may use the buffer until then ({@link VtCalls}). Returns
     * {@code -EINTR} for a call cancelled before it ran (the callers' loops see the channel closed).
     */
    private long posted(CallPort port, int nr, long a1, long a2, long a3) throws IOException {
        Thread me = Thread.currentThread();
        fdLock.lock();
        try {
            if (parked == null) {
                parked = new java.util.HashSet<>();
            }
            parked.add(me);
        } finally {
            fdLock.unlock();
        }
        try {
            long r = VtCalls.run(port, nr, fd, a1, a2, a3, 0, 0, () -> !isOpen(), !uninterruptible);
            return VtCalls.cancelled(r) ? -Errno.EINTR : r;
        } catch (EngineClosedException e) {
            throw new IOException("flexsc engine closed", e);
        } finally {
            fdLock.lock();
            try {
                parked.remove(me);
            } finally {
                fdLock.unlock();
            }
        }
    }

    /** read at {@code pos}, or at the descriptor's position ({@link #HERE}). */
    private long rd(long addr, long len, long pos) throws IOException {
        if (pos == HERE) {
            if (!awaitStream(POLLIN)) {
                return -Errno.EINTR; // closed: the caller's loop sees !isOpen()
            }
            return xfer(SysNr.READ, addr, len, 0);
        }
        return xfer(SysNr.PREAD64, addr, len, pos);
    }

    /** write at {@code pos}, or at the descriptor's position ({@link #HERE}, or APPEND mode). */
    private long wr(long addr, long len, long pos) throws IOException {
        if (pos == HERE && !awaitStream(POLLOUT)) {
            return -Errno.EINTR;
        }
        return append || pos == HERE ? xfer(SysNr.WRITE, addr, len, 0) : xfer(SysNr.PWRITE64, addr, len, pos);
    }

    /** The position {@code total} bytes after {@code pos} ({@link #HERE} stays). */
    private static long after(long pos, long total) {
        return pos == HERE ? HERE : pos + total;
    }

    /**
     * A stream's relative transfer first waits until the descriptor is ready or the channel closes
     * (poll on the descriptor and the channel's wake eventfd); false if the channel closed. The
     * descriptor is acquired.
     */
    private boolean awaitStream(short events) throws IOException {
        if (Threads.isVirtual()) {
            return awaitStreamParked(events);
        }
        int wake;
        fdLock.lock();
        try {
            if (wakeFd < 0) {
                long e = DirectEngine.run(SysNr.EVENTFD2, 0, EFD_NONBLOCK | EFD_CLOEXEC, 0, 0, 0, 0);
                checkResult(e);
                wakeFd = (int) e;
            }
            wake = wakeFd;
        } finally {
            fdLock.unlock();
        }
        if (!isOpen()) {
            return false;
        }
        Scratch b = Scratch.acquire(16);
        try {
            ByteBuffer v = b.buffer();
            for (;;) {
                v.putInt(0, fd).putShort(4, events).putShort(6, (short) 0);
                v.putInt(8, wake).putShort(12, POLLIN).putShort(14, (short) 0);
                long r = DirectEngine.run(SysNr.POLL, b.address(), 2, -1, 0, 0, 0);
                if (v.getShort(14) != 0 || !isOpen()) {
                    return false;
                }
                if (r > 0) {
                    return true; // ready, or an error or hang-up the transfer itself reports
                }
                if (r != -Errno.EINTR) {
                    checkResult(r);
                }
            }
        } finally {
            b.release();
        }
    }

    /**
     * {@link #awaitStream} from a virtual thread: parks it ({@link VtPoller}) instead of blocking its
     * carrier in poll(2); a close unparks it. An interrupt that does not close the channel (an
     * uninterruptible one) does not end the wait, as it does not end poll(2); the flag is kept.
     */
    private boolean awaitStreamParked(short events) throws IOException {
        Thread me = Thread.currentThread();
        assert !fdLock.isHeldByCurrentThread() : "close waits under fdLock";
        fdLock.lock();
        try {
            if (parked == null) {
                parked = new java.util.HashSet<>();
            }
            parked.add(me);
        } finally {
            fdLock.unlock();
        }
        boolean interrupted = false;
        try {
            for (;;) {
                if (!isOpen()) {
                    return false;
                }
                int r = VtPoller.await(fd, events, -1, () -> !isOpen());
                if (!isOpen()) {
                    return false;
                }
                if (r != 0) {
                    return true; // ready, or an error or hang-up the transfer itself reports
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            fdLock.lock();
            try {
                parked.remove(me);
            } finally {
                fdLock.unlock();
            }
            if (interrupted) {
                me.interrupt();
            }
        }
    }

    /** Adds one to an eventfd's counter. */
    private static void signal(int efd) {
        Scratch b = Scratch.acquire(8);
        try {
            b.buffer().putLong(0, 1);
            DirectEngine.run(SysNr.WRITE, efd, b.address(), 8, 0, 0, 0);
        } finally {
            b.release();
        }
    }

    /**
     * Reads into {@code dst} from {@code pos}, or at the descriptor's position ({@link #HERE}: a
     * stream, where one read is made, as the JDK's). Returns bytes read, or -1 at end of file with
     * room in {@code dst}. Advances dst.
     */
    private int readAt(ByteBuffer dst, long pos) throws IOException {
        int rem = dst.remaining();
        if (rem == 0) {
            return 0;
        }
        if (NativeMemory.addressable(dst)) {
            long addr = NativeMemory.address(dst) + dst.position();
            long r;
            try {
                do {
                    r = rd(addr, rem, pos);
                } while (r == -Errno.EINTR && isOpen());
            } finally {
                Reference.reachabilityFence(dst);
            }
            checkResult(r);
            if (r == 0) {
                return -1;
            }
            dst.position(dst.position() + (int) r);
            return (int) r;
        }
        Scratch b = Scratch.acquire(Math.min(rem, Scratch.MAX));
        try {
            ByteBuffer v = b.buffer();
            int total = 0;
            while (total < rem) {
                int chunk = Math.min(rem - total, b.capacity());
                long r;
                do {
                    r = rd(b.address(), chunk, after(pos, total));
                } while (r == -Errno.EINTR && isOpen());
                if (Errno.isError(r)) {
                    if (total > 0) {
                        break;
                    }
                    checkResult(r);
                }
                if (r == 0) {
                    break;
                }
                v.clear().limit((int) r);
                dst.put(v);
                total += (int) r;
                if (r < chunk || pos == HERE) {
                    break;
                }
            }
            return total == 0 ? -1 : total;
        } finally {
            b.release();
        }
    }

    /** Writes {@code src} at {@code pos} (ignored in APPEND mode). Returns bytes written; advances src. */
    private int writeAt(ByteBuffer src, long pos) throws IOException {
        int rem = src.remaining();
        if (rem == 0) {
            return 0;
        }
        if (NativeMemory.addressable(src)) {
            long addr = NativeMemory.address(src) + src.position();
            long r;
            try {
                do {
                    r = wr(addr, rem, pos);
                } while (r == -Errno.EINTR && isOpen());
            } finally {
                Reference.reachabilityFence(src);
            }
            checkResult(r);
            src.position(src.position() + (int) r);
            return (int) r;
        }
        Scratch b = Scratch.acquire(Math.min(rem, Scratch.MAX));
        try {
            ByteBuffer v = b.buffer();
            int total = 0;
            while (total < rem) {
                int chunk = Math.min(rem - total, b.capacity());
                ByteBuffer s = src.duplicate();
                s.limit(s.position() + chunk);
                v.clear();
                v.put(s);
                long r;
                do {
                    r = wr(b.address(), chunk, after(pos, total));
                } while (r == -Errno.EINTR && isOpen());
                if (Errno.isError(r)) {
                    if (total > 0) {
                        break;
                    }
                    checkResult(r);
                }
                src.position(src.position() + (int) r);
                total += (int) r;
                if (r < chunk) {
                    break;
                }
            }
            return total;
        } finally {
            b.release();
        }
    }

    private static long remaining(ByteBuffer[] bufs, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += bufs[i].remaining();
        }
        return total;
    }

    /** Whether all can go to the kernel as they are; checks every buffer's scope (as the JDK's). */
    private static boolean allDirect(ByteBuffer[] bufs, int offset, int length) {
        boolean all = length <= IOV_MAX;
        for (int i = offset; i < offset + length; i++) {
            all &= NativeMemory.addressable(bufs[i]);
        }
        return all;
    }

    /** Scatter read at pos. Returns bytes read or -1 at EOF. */
    private long readvAt(ByteBuffer[] dsts, int offset, int length, long pos) throws IOException {
        long rem = remaining(dsts, offset, length);
        if (rem == 0) {
            return 0;
        }
        if (allDirect(dsts, offset, length)) {
            Scratch b = Scratch.acquire(Iovecs.arrayBytes(length));
            try {
                int cnt = Iovecs.build(b, dsts, offset, length, null, 0, false);
                long r;
                try {
                    do {
                        if (pos == HERE) {
                            r = awaitStream(POLLIN) ? xfer(SysNr.READV, b.address(), cnt, 0) : -Errno.EINTR;
                        } else {
                            r = xfer(SysNr.PREADV, b.address(), cnt, pos);
                        }
                    } while (r == -Errno.EINTR && isOpen());
                } finally {
                    Reference.reachabilityFence(dsts);
                }
                checkResult(r);
                if (r == 0) {
                    return -1;
                }
                Iovecs.advance(dsts, offset, length, r);
                return r;
            } finally {
                b.release();
            }
        }
        Scratch b = Scratch.acquire((int) Math.min(rem, Scratch.MAX));
        try {
            ByteBuffer v = b.buffer();
            long total = 0;
            int i = offset;
            while (total < rem) {
                int chunk = (int) Math.min(rem - total, b.capacity());
                long r;
                do {
                    r = rd(b.address(), chunk, after(pos, total));
                } while (r == -Errno.EINTR && isOpen());
                if (Errno.isError(r)) {
                    if (total > 0) {
                        break;
                    }
                    checkResult(r);
                }
                if (r == 0) {
                    break;
                }
                v.clear().limit((int) r);
                while (v.hasRemaining()) {
                    ByteBuffer d = dsts[i];
                    if (!d.hasRemaining()) {
                        i++;
                        continue;
                    }
                    int step = Math.min(d.remaining(), v.remaining());
                    ByteBuffer part = v.duplicate();
                    part.limit(part.position() + step);
                    d.put(part);
                    v.position(v.position() + step);
                }
                total += r;
                if (r < chunk || pos == HERE) {
                    break;
                }
            }
            return total == 0 ? -1 : total;
        } finally {
            b.release();
        }
    }

    /** Gather write at pos (ignored in APPEND mode). Returns bytes written. */
    private long writevAt(ByteBuffer[] srcs, int offset, int length, long pos) throws IOException {
        long rem = remaining(srcs, offset, length);
        if (rem == 0) {
            return 0;
        }
        if (allDirect(srcs, offset, length)) {
            Scratch b = Scratch.acquire(Iovecs.arrayBytes(length));
            try {
                int cnt = Iovecs.build(b, srcs, offset, length, null, 0, false);
                long r;
                try {
                    do {
                        if (pos == HERE) {
                            r = awaitStream(POLLOUT) ? xfer(SysNr.WRITEV, b.address(), cnt, 0) : -Errno.EINTR;
                        } else {
                            r = append ? xfer(SysNr.WRITEV, b.address(), cnt, 0) : xfer(SysNr.PWRITEV, b.address(), cnt, pos);
                        }
                    } while (r == -Errno.EINTR && isOpen());
                } finally {
                    Reference.reachabilityFence(srcs);
                }
                checkResult(r);
                Iovecs.advance(srcs, offset, length, r);
                return r;
            } finally {
                b.release();
            }
        }
        Scratch b = Scratch.acquire((int) Math.min(rem, Scratch.MAX));
        try {
            ByteBuffer v = b.buffer();
            long total = 0;
            while (total < rem) {
                int chunk = (int) Math.min(rem - total, b.capacity());
                v.clear();
                int filled = 0;
                for (int i = offset; i < offset + length && filled < chunk; i++) {
                    ByteBuffer s = srcs[i].duplicate();
                    int step = Math.min(s.remaining(), chunk - filled);
                    s.limit(s.position() + step);
                    v.put(s);
                    filled += step;
                }
                long r;
                do {
                    r = wr(b.address(), chunk, after(pos, total));
                } while (r == -Errno.EINTR && isOpen());
                if (Errno.isError(r)) {
                    if (total > 0) {
                        break;
                    }
                    checkResult(r);
                }
                Iovecs.advance(srcs, offset, length, r);
                total += r;
                if (r < chunk) {
                    break;
                }
            }
            return total;
        } finally {
            b.release();
        }
    }

    private long fstatSize() throws IOException {
        Scratch b = Scratch.acquire(STAT_SIZE);
        try {
            long r;
            do {
                r = sys(SysNr.FSTAT, fd, b.address(), 0);
            } while (r == -Errno.EINTR && isOpen());
            checkResult(r);
            ByteBuffer v = b.buffer();
            if (kind == KIND_UNKNOWN) {
                int type = v.getInt(STAT_MODE_OFFSET) & S_IFMT;
                kind = type == S_IFREG || type == S_IFBLK || type == S_IFDIR ? KIND_FILE : KIND_STREAM;
            }
            return v.getLong(STAT_SIZE_OFFSET);
        } finally {
            b.release();
        }
    }

    private FileLockTable.FileKey fstatKey() throws IOException {
        Scratch b = Scratch.acquire(STAT_SIZE);
        try {
            long r = sys(SysNr.FSTAT, fd, b.address(), 0);
            checkResult(r);
            ByteBuffer v = b.buffer();
            return new FileLockTable.FileKey(v.getLong(0), v.getLong(8));
        } finally {
            b.release();
        }
    }

    // ---- FileChannel ----

    private static void checkWritableBuffer(ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
        checkWritableBuffer(dst);
        positionLock.lock();
        try {
            int n = 0;
            boolean acquired = false;
            try {
                beginBlocking();
                if (!(acquired = acquireOp())) {
                    return 0;
                }
                boolean s = stream();
                n = readAt(dst, s ? HERE : position);
                if (n > 0 && !s) {
                    position += n;
                }
                return n;
            } finally {
                if (acquired) {
                    releaseFd();
                }
                endBlocking(n > 0);
            }
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
        for (int i = offset; i < offset + length; i++) {
            checkWritableBuffer(dsts[i]);
        }
        positionLock.lock();
        try {
            long n = 0;
            boolean acquired = false;
            try {
                beginBlocking();
                if (!(acquired = acquireOp())) {
                    return 0;
                }
                boolean s = stream();
                n = readvAt(dsts, offset, length, s ? HERE : position);
                if (n > 0 && !s) {
                    position += n;
                }
                return n;
            } finally {
                if (acquired) {
                    releaseFd();
                }
                endBlocking(n > 0);
            }
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        positionLock.lock();
        try {
            int n = 0;
            boolean acquired = false;
            try {
                beginBlocking();
                if (!(acquired = acquireOp())) {
                    return 0;
                }
                boolean s = stream();
                n = writeAt(src, s ? HERE : position);
                if (!append && !s) {
                    position += n;
                }
                return n;
            } finally {
                if (acquired) {
                    releaseFd();
                }
                endBlocking(n > 0);
            }
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        positionLock.lock();
        try {
            long n = 0;
            boolean acquired = false;
            try {
                beginBlocking();
                if (!(acquired = acquireOp())) {
                    return 0;
                }
                boolean s = stream();
                n = writevAt(srcs, offset, length, s ? HERE : position);
                if (!append && !s) {
                    position += n;
                }
                return n;
            } finally {
                if (acquired) {
                    releaseFd();
                }
                endBlocking(n > 0);
            }
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (dst == null) {
            throw new NullPointerException();
        }
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
        checkWritableBuffer(dst);
        int n = 0;
        boolean acquired = false;
        try {
            beginBlocking();
            if (!(acquired = acquireOp())) {
                return -1;
            }
            n = readAt(dst, position);
            return n;
        } finally {
            if (acquired) {
                releaseFd();
            }
            endBlocking(n > 0);
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (src == null) {
            throw new NullPointerException();
        }
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        if (append) {
            // pwrite on an O_APPEND descriptor appends on Linux; the JDK's channel does the same
            // (it uses pwrite64 too), so keep the kernel's behaviour and serialise with appends.
            positionLock.lock();
            try {
                return positionalWrite(src, position);
            } finally {
                positionLock.unlock();
            }
        }
        return positionalWrite(src, position);
    }

    private int positionalWrite(ByteBuffer src, long position) throws IOException {
        int n = 0;
        boolean acquired = false;
        try {
            beginBlocking();
            if (!(acquired = acquireOp())) {
                return -1;
            }
            n = positionalWriteAt(src, position);
            return n;
        } finally {
            if (acquired) {
                releaseFd();
            }
            endBlocking(n > 0);
        }
    }

    /** As writeAt, but always pwrite64 (a positional write, even in APPEND mode, as the JDK's). */
    private int positionalWriteAt(ByteBuffer src, long pos) throws IOException {
        if (!append) {
            return writeAt(src, pos);
        }
        int rem = src.remaining();
        if (rem == 0) {
            return 0;
        }
        ByteBuffer one = NativeMemory.addressable(src) ? src : null;
        if (one != null) {
            long addr = NativeMemory.address(src) + src.position();
            long r;
            try {
                do {
                    r = xfer(SysNr.PWRITE64, addr, rem, pos);
                } while (r == -Errno.EINTR && isOpen());
            } finally {
                Reference.reachabilityFence(src);
            }
            checkResult(r);
            src.position(src.position() + (int) r);
            return (int) r;
        }
        Scratch b = Scratch.acquire(Math.min(rem, Scratch.MAX));
        try {
            int chunk = Math.min(rem, b.capacity());
            ByteBuffer s = src.duplicate();
            s.limit(s.position() + chunk);
            b.buffer().put(s);
            long r;
            do {
                r = xfer(SysNr.PWRITE64, b.address(), chunk, pos);
            } while (r == -Errno.EINTR && isOpen());
            checkResult(r);
            src.position(src.position() + (int) r);
            return (int) r;
        } finally {
            b.release();
        }
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        positionLock.lock();
        try {
            if (!append && kind == KIND_FILE) {
                return position;
            }
            long p = -1;
            boolean acquired = false;
            try {
                beginBlocking();
                if (!(acquired = acquireOp())) {
                    return 0;
                }
                if (stream()) {
                    p = seek(0, 1 /* SEEK_CUR */); // the descriptor's own position, as the JDK's ("Illegal seek" on a pipe)
                } else {
                    p = append ? fstatSize() : position;
                }
                return p;
            } finally {
                if (acquired) {
                    releaseFd();
                }
                endBlocking(p > -1);
            }
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException();
        }
        positionLock.lock();
        try {
            if (kind == KIND_FILE) {
                position = newPosition;
                return this;
            }
            boolean acquired = false;
            boolean done = false;
            try {
                beginBlocking();
                if (!(acquired = acquireOp())) {
                    return null;
                }
                if (stream()) {
                    seek(newPosition, 0 /* SEEK_SET */);
                } else {
                    position = newPosition;
                }
                done = true;
                return this;
            } finally {
                if (acquired) {
                    releaseFd();
                }
                endBlocking(done);
            }
        } finally {
            positionLock.unlock();
        }
    }

    /** lseek(2) of a stream's descriptor (on the calling thread); the descriptor is acquired. */
    private long seek(long offset, int whence) throws IOException {
        long r = DirectEngine.run(SysNr.LSEEK, fd, offset, whence, 0, 0, 0);
        checkResult(r);
        return r;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        long s = -1;
        boolean acquired = false;
        try {
            beginBlocking();
            if (!(acquired = acquireOp())) {
                return -1;
            }
            s = fstatSize();
            return s;
        } finally {
            if (acquired) {
                releaseFd();
            }
            endBlocking(s > -1);
        }
    }

    @Override
    public FileChannel truncate(long newSize) throws IOException {
        ensureOpen();
        if (newSize < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (!writable) {
            throw new NonWritableChannelException();
        }
        positionLock.lock();
        try {
            boolean completed = false;
            boolean acquired = false;
            try {
                beginBlocking();
                if (!(acquired = acquireOp())) {
                    return null;
                }
                long size = fstatSize();
                if (newSize < size) {
                    long r;
                    do {
                        r = sys(SysNr.FTRUNCATE, fd, newSize, 0);
                    } while (r == -Errno.EINTR && isOpen());
                    checkResult(r);
                }
                if (position > newSize) {
                    position = newSize;
                }
                completed = true;
                return this;
            } finally {
                if (acquired) {
                    releaseFd();
                }
                endBlocking(completed);
            }
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        boolean completed = false;
        boolean acquired = false;
        try {
            beginBlocking();
            if (!(acquired = acquireOp())) {
                return;
            }
            long r;
            do {
                r = sys(metaData ? SysNr.FSYNC : SysNr.FDATASYNC, fd, 0, 0);
            } while (r == -Errno.EINTR && isOpen());
            checkResult(r);
            completed = true;
        } finally {
            if (acquired) {
                releaseFd();
            }
            endBlocking(completed);
        }
    }

    // ---- transfers ----

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        ensureOpen();
        if (!target.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!readable) {
            throw new NonReadableChannelException();
        }
        if (target instanceof FlexFileChannel && !((FlexFileChannel) target).writable) {
            throw new NonWritableChannelException();
        }
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException();
        }
        long sz = size();
        if (position > sz) {
            return 0;
        }
        if (sz - position < count) {
            count = sz - position;
        }
        if (count == 0) {
            return 0;
        }
        if (target instanceof FlexFileChannel) {
            FlexFileChannel t = (FlexFileChannel) target;
            if (!t.append && t != this) {
                t.positionLock.lock();
                try {
                    long n = copyRange(this, position, t, t.position, count);
                    if (n >= 0) {
                        t.position += n;
                        return n;
                    }
                } finally {
                    t.positionLock.unlock();
                }
            }
        }
        return transferToArbitrary(position, count, target);
    }

    /**
     * Copies in the kernel with {@code copy_file_range}. Returns bytes copied, or -1 if the kernel
     * cannot copy between these files (then nothing was copied and a buffered copy follows).
     */
    private long copyRange(FlexFileChannel src, long srcPos, FlexFileChannel dst, long dstPos, long count)
            throws IOException {
        boolean srcAcquired = false;
        boolean dstAcquired = false;
        long total = 0;
        boolean completed = false;
        Scratch b = Scratch.acquire(16);
        try {
            beginBlocking();
            if (!(srcAcquired = src.acquire()) || !(dstAcquired = dst.acquire())) {
                if (isOpen()) {
                    throw new ClosedChannelException(); // the other channel was closed meanwhile
                }
                return 0;
            }
            ByteBuffer offs = b.buffer();
            while (total < count) {
                offs.putLong(0, srcPos + total).putLong(8, dstPos + total);
                long want = Math.min(count - total, 1L << 30);
                long r;
                do {
                    r = call(src.engine, SysNr.COPY_FILE_RANGE, src.fd, b.address(), dst.fd, b.address() + 8,
                            want, 0);
                } while (r == -Errno.EINTR && isOpen());
                if (Errno.isError(r)) {
                    int e = Errno.of(r);
                    if (total == 0 && (e == Errno.EXDEV || e == Errno.EINVAL || e == Errno.ENOSYS
                            || e == Errno.EOPNOTSUPP || e == Errno.EBADF)) {
                        completed = true;
                        return -1;
                    }
                    if (total > 0) {
                        break;
                    }
                    checkResult(r);
                }
                if (r == 0) {
                    break;
                }
                total += r;
            }
            completed = true;
            return total;
        } finally {
            b.release();
            if (dstAcquired) {
                dst.releaseFd();
            }
            if (srcAcquired) {
                src.releaseFd();
            }
            endBlocking(completed || total > 0);
        }
    }

    private static long call(SyscallEngine engine, int nr, long a0, long a1, long a2, long a3, long a4, long a5)
            throws IOException {
        try {
            return engine.execute(new Call(nr, a0, a1, a2, a3, a4, a5));
        } catch (EngineClosedException e) {
            throw new IOException("flexsc engine closed", e);
        }
    }

    private long transferToArbitrary(long position, long count, WritableByteChannel target) throws IOException {
        ByteBuffer bb = ByteBuffer.allocateDirect((int) Math.min(count, TRANSFER_SIZE * 8));
        long tw = 0;
        long pos = position;
        try {
            while (tw < count) {
                bb.clear().limit((int) Math.min(count - tw, bb.capacity()));
                int nr = read(bb, pos);
                if (nr <= 0) {
                    break;
                }
                bb.flip();
                int nw = target.write(bb);
                tw += nw;
                if (nw != nr) {
                    break;
                }
                pos += nw;
            }
            return tw;
        } catch (IOException x) {
            if (tw > 0) {
                return tw;
            }
            throw x;
        }
    }

    /**
     * JDK 21+ (JDK-8303260): transferFrom at a position beyond the file's size extends the file, as
     * write(ByteBuffer, long) does; before, it transferred nothing. We follow the running JDK.
     */
    private static final boolean TRANSFER_FROM_BEYOND_SIZE = Runtime.version().feature() >= 21;

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        ensureOpen();
        if (!src.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!writable) {
            throw new NonWritableChannelException();
        }
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException();
        }
        if (position > size() && !TRANSFER_FROM_BEYOND_SIZE) {
            return 0;
        }
        if (src instanceof FlexFileChannel) {
            FlexFileChannel s = (FlexFileChannel) src;
            if (!s.readable) {
                throw new NonReadableChannelException();
            }
            if (!append && s != this) {
                s.positionLock.lock();
                try {
                    long sp = s.position;
                    long max = Math.min(count, Math.max(0, s.size() - sp));
                    if (max == 0) {
                        return 0;
                    }
                    long n = copyRange(s, sp, this, position, max);
                    if (n >= 0) {
                        s.position = sp + n;
                        return n;
                    }
                } finally {
                    s.positionLock.unlock();
                }
            }
        }
        return transferFromArbitrary(src, position, count);
    }

    private long transferFromArbitrary(ReadableByteChannel src, long position, long count) throws IOException {
        ByteBuffer bb = ByteBuffer.allocateDirect((int) Math.min(Math.max(count, 1), TRANSFER_SIZE * 8));
        long tw = 0;
        long pos = position;
        try {
            while (tw < count) {
                bb.clear().limit((int) Math.min(count - tw, bb.capacity()));
                int nr = src.read(bb);
                if (nr <= 0) {
                    break;
                }
                bb.flip();
                int nw = write(bb, pos);
                tw += nw;
                if (nw != nr) {
                    break;
                }
                pos += nw;
            }
            return tw;
        } catch (IOException x) {
            if (tw > 0) {
                return tw;
            }
            throw x;
        }
    }

    // ---- mapping ----

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return withJdkChannel(jdk -> jdk.map(mode, position, size));
    }

    @Override
    <T> T withJdkChannel(JdkUse<T> use) throws IOException {
        ensureOpen();
        Set<StandardOpenOption> opts = EnumSet.noneOf(StandardOpenOption.class);
        if (readable) {
            opts.add(StandardOpenOption.READ);
        }
        if (writable) {
            opts.add(StandardOpenOption.WRITE);
        }
        boolean acquired = false;
        boolean completed = false;
        try {
            beginBlocking();
            if (!(acquired = acquireOp())) {
                throw new ClosedChannelException();
            }
            Path self = builtin.getPath(URI.create("file:///proc/self/fd/" + fd));
            try (FileChannel jdk = builtin.newFileChannel(self, opts)) {
                T r = use.apply(jdk);
                completed = true;
                return r;
            }
        } finally {
            if (acquired) {
                releaseFd();
            }
            endBlocking(completed);
        }
    }

    // ---- locks ----

    private FileLockTable.FileKey fileKey() throws IOException {
        FileLockTable.FileKey k = fileKey;
        if (k == null) {
            if (!acquire()) {
                throw new ClosedChannelException();
            }
            try {
                k = fstatKey();
            } finally {
                releaseFd();
            }
            fileKey = k;
        }
        return k;
    }

    /** {@code F_OFD_SETLK}: 0 if taken, -EAGAIN/-EACCES if held elsewhere, or another -errno. */
    private long lockRange(long position, long size, boolean shared, int type) throws IOException {
        Scratch b = Scratch.acquire(32);
        try {
            ByteBuffer fl = b.buffer();
            fl.putShort(0, (short) (type >= 0 ? type : (shared ? F_RDLCK : F_WRLCK)));
            fl.putShort(2, (short) 0); // SEEK_SET
            fl.putLong(8, position);
            fl.putLong(16, size == Long.MAX_VALUE ? 0 : size);
            fl.putInt(24, 0);
            return sys(SysNr.FCNTL, fd, F_OFD_SETLK, b.address());
        } finally {
            b.release();
        }
    }

    private void unlockRange(long position, long size) throws IOException {
        long r = lockRange(position, size, false, F_UNLCK);
        checkResult(r);
    }

    /** Releases a lock's kernel range; called by {@link FlexFileLock#release()}. */
    void release(FlexFileLock l) throws IOException {
        if (!acquire()) {
            throw new ClosedChannelException();
        }
        try {
            unlockRange(l.position(), l.size());
        } finally {
            releaseFd();
        }
        FileLockTable.remove(fileKey, l);
    }

    /**
     * JDK 19+ (JDK-5041655): a lock of size 0 covers everything from its position on, and the lock
     * says so ({@code Long.MAX_VALUE - position}); before, its size stayed 0 (the same kernel range).
     * We follow the running JDK.
     */
    private static final boolean LOCK_SIZE_ZERO_TO_END = Runtime.version().feature() >= 19;

    private static long lockSize(long position, long size) {
        return size == 0 && LOCK_SIZE_ZERO_TO_END ? Long.MAX_VALUE - Math.max(0, position) : size;
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return lock(null, position, size, shared);
    }

    /** Blocking lock; {@code acquiredBy} is the asynchronous channel the lock is for, or null. */
    FileLock lock(java.nio.channels.AsynchronousFileChannel acquiredBy, long position, long size, boolean shared)
            throws IOException {
        ensureOpen();
        size = lockSize(position, size);
        if (shared && !readable) {
            throw new NonReadableChannelException();
        }
        if (!shared && !writable) {
            throw new NonWritableChannelException();
        }
        FlexFileLock fl = acquiredBy == null ? new FlexFileLock(this, position, size, shared)
                : new FlexFileLock(acquiredBy, this, position, size, shared);
        FileLockTable.FileKey key = fileKey();
        FileLockTable.add(key, fl);
        boolean completed = false;
        boolean acquired = false;
        try {
            beginBlocking();
            if (!(acquired = acquireOp())) {
                return null;
            }
            long backoff = 50_000;
            while (isOpen()) {
                long r = lockRange(position, size, shared, -1);
                if (r == 0) {
                    completed = true;
                    break;
                }
                if (r != -Errno.EAGAIN && r != -Errno.EACCES && r != -Errno.EINTR) {
                    checkResult(r);
                }
                LockSupport.parkNanos(this, backoff);
                backoff = Math.min(backoff * 2, 10_000_000L);
            }
        } finally {
            if (!completed) {
                FileLockTable.remove(key, fl);
            }
            if (acquired) {
                releaseFd();
            }
            try {
                endBlocking(completed);
            } catch (ClosedByInterruptException e) {
                throw new FileLockInterruptionException();
            }
        }
        if (!completed) {
            // closed by another thread while waiting (without the end() above noticing: uninterruptible)
            throw new java.nio.channels.AsynchronousCloseException();
        }
        return fl;
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return tryLock(null, position, size, shared);
    }

    /** Non-blocking lock; {@code acquiredBy} as in {@link #lock(java.nio.channels.AsynchronousFileChannel, long, long, boolean)}. */
    FileLock tryLock(java.nio.channels.AsynchronousFileChannel acquiredBy, long position, long size, boolean shared)
            throws IOException {
        ensureOpen();
        size = lockSize(position, size);
        if (shared && !readable) {
            throw new NonReadableChannelException();
        }
        if (!shared && !writable) {
            throw new NonWritableChannelException();
        }
        FlexFileLock fl = acquiredBy == null ? new FlexFileLock(this, position, size, shared)
                : new FlexFileLock(acquiredBy, this, position, size, shared);
        FileLockTable.FileKey key = fileKey();
        FileLockTable.add(key, fl);
        if (!acquire()) {
            FileLockTable.remove(key, fl);
            throw new ClosedChannelException();
        }
        try {
            long r = lockRange(position, size, shared, -1);
            if (r == -Errno.EAGAIN || r == -Errno.EACCES) {
                FileLockTable.remove(key, fl);
                return null;
            }
            if (Errno.isError(r)) {
                FileLockTable.remove(key, fl);
                checkResult(r);
            }
            return fl;
        } finally {
            releaseFd();
        }
    }

    @Override
    public String toString() {
        return "FlexFileChannel[" + path + (isOpen() ? "" : ", closed") + "]";
    }
}
