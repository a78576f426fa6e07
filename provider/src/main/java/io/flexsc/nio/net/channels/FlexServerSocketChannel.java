package io.flexsc.nio.net.channels;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/**
 * A {@link ServerSocketChannel} (TCP over IPv4/IPv6, or UNIX-domain) over a kernel socket whose
 * system calls go through the flexsc engine. As the JDK's: SO_REUSEADDR is on by default, a
 * backlog below 1 means 50, blocking accept is interruptible and ends on asynchronous close.
 *
 * <p>Thread safety: one accepting thread at a time (others wait); any thread may close.
 */
public final class FlexServerSocketChannel extends ServerSocketChannel implements FlexSelChannel {
    final FdState fds;
    final int family;
    private SocketAddress localAddress; // guarded by fds.stateLock
    private ServerSocket adaptor;       // guarded by fds.stateLock
    /** Accept timeout for the adaptor, millis (0: none). */
    volatile int acceptTimeout;

    public FlexServerSocketChannel(SelectorProvider provider, int family) throws IOException {
        super(provider);
        this.family = family;
        int fd = NetSys.socket(family, Linux.SOCK_STREAM);
        this.fds = new FdState(fd);
        if (family == Linux.AF_INET6) {
            FlexSocketChannel.dualStack(fd);
        }
        if (family != Linux.AF_UNIX) {
            try {
                NetSys.setIntOpt(fd, Linux.SOL_SOCKET, Linux.SO_REUSEADDR, 1);
            } catch (IOException e) {
                NetSys.close(fd);
                throw e;
            }
        }
    }

    /** Over an inherited listening socket. */
    public FlexServerSocketChannel(SelectorProvider provider, int family, int fd, SocketAddress local) {
        super(provider);
        this.family = family;
        this.fds = new FdState(fd);
        this.localAddress = local;
    }

    @Override
    public FdState fdState() {
        return fds;
    }

    private Set<SocketOption<?>> options() {
        return family == Linux.AF_UNIX ? SocketOpts.UNIX_SERVER : SocketOpts.TCP_SERVER;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        synchronized (fds.stateLock) {
            ensureOpen();
            if (localAddress != null) {
                throw new AlreadyBoundException();
            }
            SocketAddress bound = Binding.bind(fds.fd, family, local);
            Binding.listen(fds.fd, backlog);
            localAddress = bound;
        }
        return this;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        synchronized (fds.stateLock) {
            ensureOpen();
            return localAddress;
        }
    }

    SocketAddress localAddressOrNull() {
        synchronized (fds.stateLock) {
            return localAddress;
        }
    }

    boolean isBound() {
        return localAddressOrNull() != null;
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        SocketOpts.checkSet(options(), name, value);
        synchronized (fds.stateLock) {
            ensureOpen();
            SocketOpts.set(fds.fd, family, name, value);
        }
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        SocketOpts.checkGet(options(), name);
        synchronized (fds.stateLock) {
            ensureOpen();
            return SocketOpts.get(fds.fd, family, name);
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return options();
    }

    @Override
    public ServerSocket socket() {
        synchronized (fds.stateLock) {
            if (adaptor == null) {
                if (family == Linux.AF_UNIX) {
                    throw new UnsupportedOperationException("Not supported");
                }
                adaptor = new ServerSocketAdaptor(this);
            }
            return adaptor;
        }
    }

    @Override
    public SocketChannel accept() throws IOException {
        fds.readLock.lock();
        try {
            // one exit: javac copies the finally block to every exit
            return isBlocking() ? blockingAccept() : nonBlockingAccept();
        } finally {
            FdState.unlockIfHeld(fds.readLock);
        }
    }

    /** Read lock held, non-blocking mode: a pending connection, or null if there is none. */
    private SocketChannel nonBlockingAccept() throws IOException {
        ensureBound();
        Scratch s = Scratch.acquire(SockAddrs.MAX_LEN + 4);
        try {
            long r;
            do {
                r = accept4(s);
            } while (r == -Errno.EINTR || r == -Errno.ECONNABORTED);
            if (r >= 0) {
                return accepted(s, (int) r);
            }
            return r == -Errno.EAGAIN ? null : acceptFailed(r);
        } finally {
            s.release();
        }
    }

    /**
     * Read lock held, blocking mode: {@link #awaitAccept} between begin() and end(); the read lock
     * is released before end() (see {@link FdState#releaseBeforeEnd()}).
     */
    private SocketChannel blockingAccept() throws IOException {
        ensureOpen(); // before begin(): a closed channel is not an asynchronous close
        SocketChannel sc = null;
        try {
            begin();
            sc = awaitAccept();
        } finally {
            fds.releaseBeforeEnd();
            end(sc != null);
        }
        return sc;
    }

    /**
     * Read lock held, in begin(): accepts, waiting in poll(2) while no connection is pending, until
     * one comes, the adaptor's accept timeout ({@link SocketTimeoutException}), or close (null:
     * end() reports it).
     */
    private SocketChannel awaitAccept() throws IOException {
        ensureBound();
        int timeout = acceptTimeout;
        long deadline = timeout > 0 ? System.nanoTime() + timeout * 1_000_000L : 0;
        Scratch s = Scratch.acquire(SockAddrs.MAX_LEN + 4);
        try {
            for (;;) {
                // a blocking description (inherited): accept4 has no per-call non-blocking flag, so
                // poll first, and then accept where close, interrupt and the deadline can end its wait
                // (another process sharing the description may take the connection first)
                long r;
                if (fds.blockingDescription) {
                    if (fds.await(Linux.POLLIN, FdState.millisUntil(deadline, "Accept timed out")) == 0) {
                        if (!isOpen()) {
                            return null;
                        }
                        continue;
                    }
                    s.buffer().putInt(SockAddrs.MAX_LEN, SockAddrs.MAX_LEN);
                    r = fds.callMayWait(deadline, SysNr.ACCEPT4, fds.fd, s.address(), s.address() + SockAddrs.MAX_LEN,
                            ACCEPT_FLAGS);
                } else {
                    r = accept4(s);
                }
                if (r >= 0) {
                    return accepted(s, (int) r);
                }
                if (r == -Errno.EINTR || r == -Errno.ECONNABORTED) {
                    continue;
                }
                if (r != -Errno.EAGAIN) {
                    return acceptFailed(r);
                }
                if (!isOpen()) {
                    return null;
                }
                int wait = FdState.millisUntil(deadline, "Accept timed out");
                fds.await(Linux.POLLIN, wait);
            }
        } finally {
            s.release();
        }
    }

    private void ensureBound() throws ClosedChannelException {
        synchronized (fds.stateLock) {
            ensureOpen();
            if (localAddress == null) {
                throw new NotYetBoundException();
            }
        }
    }

    /** accept4(2) into the scratch area {@code s} (the peer's address, then its length). */
    private long accept4(Scratch s) {
        s.buffer().putInt(SockAddrs.MAX_LEN, SockAddrs.MAX_LEN);
        return NetSys.call(SysNr.ACCEPT4, fds.fd, s.address(), s.address() + SockAddrs.MAX_LEN, ACCEPT_FLAGS, 0, 0);
    }

    private static final int ACCEPT_FLAGS = Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC;

    /** The channel of the connection {@link #accept4} returned as {@code fd}, its peer's address in {@code s}. */
    private SocketChannel accepted(Scratch s, int fd) {
        SocketAddress remote = SockAddrs.decode(s.buffer(), s.buffer().getInt(SockAddrs.MAX_LEN));
        return new FlexSocketChannel(provider(), family, fd, null, remote);
    }

    /** accept4's error {@code r} (not EAGAIN, EINTR or ECONNABORTED): null if the channel was closed under us. */
    private SocketChannel acceptFailed(long r) throws IOException {
        if (!isOpen()) {
            return null; // end() reports the close
        }
        throw NetSys.exception(Errno.of(r), null);
    }

    @Override
    public int toReadyOps(int events, int interestOps) {
        if ((events & (Linux.EPOLLERR | Linux.EPOLLHUP)) != 0) {
            return interestOps;
        }
        if ((events & Linux.EPOLLIN) != 0 && (interestOps & SelectionKey.OP_ACCEPT) != 0) {
            return SelectionKey.OP_ACCEPT;
        }
        return 0;
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        synchronized (fds.stateLock) {
            ensureOpen();
            fds.configureBlocking(block);
        }
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        fds.wakeBlocked();
        fds.readLock.lock();
        try {
            if (isRegistered()) {
                fds.preClose();
            } else {
                fds.closeNow();
            }
        } finally {
            FdState.unlockIfHeld(fds.readLock);
        }
    }

    @Override
    public void kill() {
        fds.closeIfReleased(this);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSuperclass().getName()).append('[');
        if (!isOpen()) {
            sb.append("closed");
        } else {
            SocketAddress a = localAddressOrNull();
            sb.append(a == null ? "unbound" : a.toString());
        }
        return sb.append(']').toString();
    }
}
