package io.flexsc.nio.net.channels;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.select.FlexSelector;
import io.flexsc.nio.net.sys.NetIO;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;

/**
 * A {@link Pipe} over a kernel pipe (pipe2), both ends selectable with a {@link FlexSelector},
 * blocking or not, interruptible and asynchronously closeable as the JDK's.
 *
 * <p>Thread safety: one reader and one writer at a time per end; any thread may close.
 */
public final class FlexPipe extends Pipe {
    private final Source source;
    private final Sink sink;

    public FlexPipe(SelectorProvider provider) throws IOException {
        Scratch s = Scratch.acquire(8);
        try {
            NetSys.check(NetSys.call(SysNr.PIPE2, s.address(), Linux.O_NONBLOCK | Linux.O_CLOEXEC, 0), "pipe2");
            int r = s.buffer().getInt(0);
            int w = s.buffer().getInt(4);
            source = new Source(provider, r);
            sink = new Sink(provider, w);
        } finally {
            s.release();
        }
    }

    @Override
    public SourceChannel source() {
        return source;
    }

    @Override
    public SinkChannel sink() {
        return sink;
    }

    /** The shared blocking I/O loop of both ends. */
    private static long io(AbstractSelectableChannel ch, FdState fds, boolean read, ByteBuffer[] bufs, int off, int len,
                           Interruptible hooks) throws IOException {
        java.util.concurrent.locks.ReentrantLock lock = read ? fds.readLock : fds.writeLock;
        lock.lock();
        try {
            boolean blocking = ch.isBlocking();
            long n = 0;
            if (!ch.isOpen()) {
                throw new ClosedChannelException(); // before begin(): not an asynchronous close
            }
            try {
                if (blocking) {
                    hooks.begin();
                }
                if (!ch.isOpen()) {
                    throw new ClosedChannelException();
                }
                long total = 0;
                for (;;) {
                    long r;
                    if (len == 1) {
                        r = read ? NetIO.read(fds.fd, bufs[off]) : NetIO.write(fds.fd, bufs[off]);
                    } else {
                        r = read ? NetIO.readv(fds.fd, bufs, off, len) : NetIO.writev(fds.fd, bufs, off, len);
                    }
                    if (r >= 0) {
                        if (read) {
                            n = r;
                            return r == 0 && FlexSocketChannel.hasRemaining(bufs, off, len) ? -1 : r;
                        }
                        total += r;
                        n = total;
                        if (!blocking || !FlexSocketChannel.hasRemaining(bufs, off, len)) {
                            return total;
                        }
                        continue;
                    }
                    if (r == -Errno.EINTR) {
                        continue;
                    }
                    if (r != -Errno.EAGAIN) {
                        if (!ch.isOpen()) {
                            return total;
                        }
                        throw read ? NetSys.readException(Errno.of(r)) : NetSys.ioException(Errno.of(r));
                    }
                    if (!blocking || !ch.isOpen()) {
                        return total;
                    }
                    fds.await(read ? Linux.POLLIN : Linux.POLLOUT, -1);
                }
            } finally {
                if (blocking) {
                    FdState.unlockIfHeld(lock); // see FdState.releaseBeforeEnd
                    hooks.end(n > 0);
                }
            }
        } finally {
            FdState.unlockIfHeld(lock);
        }
    }

    /** Access to the protected begin/end of each end. */
    private interface Interruptible {
        void begin();
        void end(boolean completed) throws IOException;
    }

    private static void closeEnd(AbstractSelectableChannel ch, FdState fds) {
        fds.wakeBlocked();
        fds.readLock.lock();
        fds.writeLock.lock();
        try {
            if (ch.isRegistered()) {
                fds.preClose();
            } else {
                fds.closeNow();
            }
        } finally {
            fds.writeLock.unlock();
            fds.readLock.unlock();
        }
    }

    static final class Source extends SourceChannel implements FlexSelChannel {
        private final FdState fds;
        private final Interruptible hooks = new Interruptible() {
            @Override public void begin() { Source.this.begin(); }
            @Override public void end(boolean c) throws IOException { Source.this.end(c); }
        };

        Source(SelectorProvider provider, int fd) {
            super(provider);
            this.fds = new FdState(fd);
        }

        @Override
        public FdState fdState() {
            return fds;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            Objects.requireNonNull(dst);
            if (dst.isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
            return (int) io(this, fds, true, new ByteBuffer[] {dst}, 0, 1, hooks);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, dsts.length);
            for (int i = offset; i < offset + length; i++) {
                if (dsts[i].isReadOnly()) {
                    throw new IllegalArgumentException("Read-only buffer");
                }
            }
            return io(this, fds, true, dsts, offset, length, hooks);
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return read(dsts, 0, dsts.length);
        }

        @Override
        public int toReadyOps(int events, int interestOps) {
            if ((events & (Linux.EPOLLIN | Linux.EPOLLERR | Linux.EPOLLHUP)) != 0) {
                return interestOps & SelectionKey.OP_READ;
            }
            return 0;
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
        }

        @Override
        protected void implCloseSelectableChannel() {
            closeEnd(this, fds);
        }

        @Override
        public void kill() {
            if (!isOpen() && !isRegistered()) {
                fds.closeNow();
            }
        }
    }

    static final class Sink extends SinkChannel implements FlexSelChannel {
        private final FdState fds;
        private final Interruptible hooks = new Interruptible() {
            @Override public void begin() { Sink.this.begin(); }
            @Override public void end(boolean c) throws IOException { Sink.this.end(c); }
        };

        Sink(SelectorProvider provider, int fd) {
            super(provider);
            this.fds = new FdState(fd);
        }

        @Override
        public FdState fdState() {
            return fds;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            Objects.requireNonNull(src);
            return (int) io(this, fds, false, new ByteBuffer[] {src}, 0, 1, hooks);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, srcs.length);
            return io(this, fds, false, srcs, offset, length, hooks);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int toReadyOps(int events, int interestOps) {
            if ((events & (Linux.EPOLLOUT | Linux.EPOLLERR | Linux.EPOLLHUP)) != 0) {
                return interestOps & SelectionKey.OP_WRITE;
            }
            return 0;
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
        }

        @Override
        protected void implCloseSelectableChannel() {
            closeEnd(this, fds);
        }

        @Override
        public void kill() {
            if (!isOpen() && !isRegistered()) {
                fds.closeNow();
            }
        }
    }
}
