package io.flexsc.nio.net.channels;

import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.batch.Batched;
import io.flexsc.nio.net.batch.Drainer;
import io.flexsc.nio.net.select.FlexSelector;
import io.flexsc.nio.net.sys.NetIO;
import io.flexsc.nio.net.sys.NetSys;
import io.flexsc.nio.vthread.VtCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link SocketChannel} over a kernel socket (TCP over IPv4/IPv6, or a UNIX-domain stream socket)
 * whose system calls go through the flexsc engine.
 *
 * <p>Behaves as the JDK's socket channel: blocking and non-blocking modes, connect/finishConnect
 * (a failed connect closes the channel), scatter/gather reads and writes of heap or direct
 * buffers, half-close, every standard option, interruptible blocking operations
 * ({@link java.nio.channels.ClosedByInterruptException}) and asynchronous close
 * ({@link AsynchronousCloseException}).
 *
 * <p>In non-blocking mode, registered with a batching {@link FlexSelector}, writes from the
 * selector's thread are queued and sent at the next select, together with the epoll wait, and
 * reads may be served from data the selector prefetched (see {@link Batched}).
 *
 * <p>A virtual thread's blocking read or write of one buffer, without a timeout, on an engine with
 * a {@link io.flexsc.nio.engine.CallPort} ({@code uring}, {@code -Dflexsc.vthread.ring=all}) is
 * posted as the receive or send itself ({@link VtCalls}): the call waits in the ring while the
 * thread is parked, and a close or interrupt cancels it. Timed (socket adaptor) reads, scattering
 * or gathering calls, and heap buffers over {@link NetIO#POSTED_HEAP_MAX} wait for readiness and
 * then call, as on a platform thread.
 *
 * <p>Thread safety: as the JDK's; one reader and one writer at a time (others wait), any thread
 * may close.
 */
public final class FlexSocketChannel extends SocketChannel implements FlexSelChannel {
    private static final int ST_UNCONNECTED = 0, ST_PENDING = 1, ST_CONNECTED = 2;

    final FdState fds;
    final int family;
    private final Batched batched;
    // guarded by fds.stateLock
    private int state;
    private SocketAddress localAddress;
    private SocketAddress remoteAddress;
    private volatile boolean inputClosed;
    private volatile boolean outputClosed;
    /** shutdownOutput() left bytes queued: the FIN goes after them ({@link #outputDrained}). Write lock. */
    private boolean shutdownPending;
    private Socket adaptor;
    /** The one-element arrays that single-buffer reads and writes use (under the read/write lock). */
    private final ByteBuffer[] readOne = new ByteBuffer[1];
    private final ByteBuffer[] writeOne = new ByteBuffer[1];

    /** A new unconnected socket of the given family. */
    public FlexSocketChannel(SelectorProvider provider, int family) throws IOException {
        super(provider);
        this.family = family;
        int fd = NetSys.socket(family, Linux.SOCK_STREAM);
        this.fds = new FdState(fd);
        if (family == Linux.AF_INET6) {
            dualStack(fd);
        }
        this.batched = new Batched(this);
    }

    /** A channel over an accepted or inherited connected socket. */
    public FlexSocketChannel(SelectorProvider provider, int family, int fd, SocketAddress local, SocketAddress remote) {
        super(provider);
        this.family = family;
        this.fds = new FdState(fd);
        this.state = ST_CONNECTED;
        this.localAddress = local;
        this.remoteAddress = remote;
        this.batched = new Batched(this);
    }

    static void dualStack(int fd) {
        try {
            NetSys.setIntOpt(fd, Linux.IPPROTO_IPV6, Linux.IPV6_V6ONLY, 0);
        } catch (IOException ignored) {
            // kernels that cannot do dual-stack keep their default
        }
    }

    public static int familyOf(ProtocolFamily pf) {
        Objects.requireNonNull(pf, "'family' is null");
        if (pf == StandardProtocolFamily.INET) {
            return Linux.AF_INET;
        }
        if (pf == StandardProtocolFamily.INET6) {
            if (!FlexSelectorProvider.ipv6Available()) {
                throw new UnsupportedOperationException("IPv6 not available");
            }
            return Linux.AF_INET6;
        }
        if (pf == StandardProtocolFamily.UNIX) {
            return Linux.AF_UNIX;
        }
        throw new UnsupportedOperationException("Protocol family not supported");
    }

    /** The socket's SO_LINGER in seconds, -1 when off (for a close that first sends what is queued). */
    public int linger() throws IOException {
        return SocketOpts.get(fds.fd, family, java.net.StandardSocketOptions.SO_LINGER);
    }

    @Override
    public FdState fdState() {
        return fds;
    }

    public Batched batched() {
        return batched;
    }

    private boolean isUnix() {
        return family == Linux.AF_UNIX;
    }

    private Set<SocketOption<?>> options() {
        return isUnix() ? SocketOpts.UNIX_CLIENT : SocketOpts.TCP_CLIENT;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    // ---- binding and addresses ----

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        fds.readLock.lock();
        try {
            fds.writeLock.lock();
            try {
                synchronized (fds.stateLock) {
                    ensureOpen();
                    if (state == ST_PENDING) {
                        throw new ConnectionPendingException();
                    }
                    if (state == ST_CONNECTED) {
                        throw new AlreadyConnectedException();
                    }
                    if (localAddress != null) {
                        throw new AlreadyBoundException();
                    }
                    localAddress = Binding.bind(fds.fd, family, local);
                }
            } finally {
                FdState.unlockIfHeld(fds.writeLock);
            }
        } finally {
            FdState.unlockIfHeld(fds.readLock);
        }
        return this;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        synchronized (fds.stateLock) {
            ensureOpen();
            return localAddressOrNull();
        }
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        synchronized (fds.stateLock) {
            ensureOpen();
            return remoteAddress;
        }
    }

    /** The remote address without the open check (for the adaptor and toString). */
    SocketAddress remoteAddressOrNull() {
        synchronized (fds.stateLock) {
            return remoteAddress;
        }
    }

    /** The local address; for an accepted socket it is looked up on first use (saves a crossing per accept). */
    SocketAddress localAddressOrNull() {
        synchronized (fds.stateLock) {
            if (localAddress == null && state == ST_CONNECTED && isOpen()) {
                try {
                    localAddress = Binding.localAddress(fds.fd, family);
                } catch (IOException e) {
                    return null;
                }
            }
            return localAddress;
        }
    }

    // ---- options ----

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
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

    // ---- state ----

    @Override
    public boolean isConnected() {
        synchronized (fds.stateLock) {
            return state == ST_CONNECTED;
        }
    }

    @Override
    public boolean isConnectionPending() {
        synchronized (fds.stateLock) {
            return state == ST_PENDING;
        }
    }

    public boolean isInputClosed() {
        return inputClosed;
    }

    public boolean isOutputClosed() {
        return outputClosed;
    }

    @Override
    public SocketChannel shutdownInput() throws IOException {
        synchronized (fds.stateLock) {
            ensureOpen();
            if (state != ST_CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (!inputClosed) {
                long r = NetSys.shutdown(fds.fd, Linux.SHUT_RD);
                if (r < 0 && r != -Errno.ENOTCONN) {
                    NetSys.check(r, null);
                }
                inputClosed = true;
            }
        }
        return this;
    }

    /**
     * Returns at once, as the JDK's (whose written bytes are all in the kernel, which sends the FIN
     * after them): the queued bytes go before the FIN, so what the kernel does not take at once is
     * sent in the background by the {@link Drainer}, which then shuts the output down
     * ({@link #outputDrained}). Writes fail from now on.
     */
    @Override
    public SocketChannel shutdownOutput() throws IOException {
        fds.writeLock.lock();
        try {
            synchronized (fds.stateLock) {
                ensureOpen();
                if (state != ST_CONNECTED) {
                    throw new NotYetConnectedException();
                }
                if (outputClosed) {
                    return this;
                }
            }
            batched.flushDirect(); // a write error a batched flush found is thrown here
            synchronized (fds.stateLock) {
                outputClosed = true;
            }
            if (batched.hasQueued()) {
                shutdownPending = true;
                Drainer.watch(batched);
            } else {
                shutdownNow();
            }
        } finally {
            FdState.unlockIfHeld(fds.writeLock);
        }
        return this;
    }

    /** shutdown(SHUT_WR) while open. Write lock held. */
    private void shutdownNow() throws IOException {
        synchronized (fds.stateLock) {
            if (isOpen()) {
                long r = NetSys.shutdown(fds.fd, Linux.SHUT_WR);
                if (r < 0 && r != -Errno.ENOTCONN) {
                    NetSys.check(r, null);
                }
            }
        }
    }

    /**
     * The {@link Drainer} sent the last queued byte: a {@code shutdownOutput} waiting for it sends
     * the FIN now. Write lock held.
     */
    public void outputDrained() {
        assert fds.writeLock.isHeldByCurrentThread();
        if (shutdownPending) {
            shutdownPending = false;
            try {
                shutdownNow();
            } catch (IOException ignored) {
                // the connection failed meanwhile: there is no FIN to send
            }
        }
    }

    @Override
    public Socket socket() {
        synchronized (fds.stateLock) {
            if (adaptor == null) {
                if (isUnix()) {
                    throw new UnsupportedOperationException("Not supported");
                }
                adaptor = SocketAdaptor.create(this);
            }
            return adaptor;
        }
    }

    // ---- connect ----

    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        SocketAddress sa = isUnix() ? SockAddrs.checkUnix(remote) : SockAddrs.checkInet(remote, family);
        if (!isUnix()) {
            InetSocketAddress isa = (InetSocketAddress) sa;
            if (isa.getAddress().isAnyLocalAddress()) {
                // as the JDK: connecting to the wildcard address means the loopback address
                java.net.InetAddress lo = isa.getAddress() instanceof java.net.Inet4Address
                        ? java.net.InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1})
                        : java.net.InetAddress.getByAddress("localhost", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
                sa = new InetSocketAddress(lo, isa.getPort());
            }
        }
        try {
            return lockedConnect(sa);
        } catch (IOException e) {
            closeAfterFailure();
            throw e;
        }
    }

    /**
     * A failed connect closes the channel, as the JDK's does: after the read and write locks are
     * released. A thread closing the channel at the same time holds the channel's close lock and
     * waits for those locks; closing while holding them would wait for that thread in turn.
     */
    private void closeAfterFailure() throws IOException {
        assert !fds.readLock.isHeldByCurrentThread() && !fds.writeLock.isHeldByCurrentThread();
        close();
    }

    private boolean lockedConnect(SocketAddress sa) throws IOException {
        fds.readLock.lock();
        try {
            fds.writeLock.lock();
            try {
                boolean blocking = isBlocking();
                boolean connected = false;
                // the checks come before begin(): on a closed channel, ClosedChannelException
                // (end() would turn it into AsynchronousCloseException), as the JDK's
                synchronized (fds.stateLock) {
                    ensureOpen();
                    if (state == ST_CONNECTED) {
                        throw new AlreadyConnectedException();
                    }
                    if (state == ST_PENDING) {
                        throw new ConnectionPendingException();
                    }
                }
                try {
                    if (blocking) {
                        begin();
                    }
                    synchronized (fds.stateLock) {
                        ensureOpen();
                        remoteAddress = sa;
                    }
                    long r;
                    Scratch s = Scratch.acquire(SockAddrs.MAX_LEN);
                    try {
                        int len = SockAddrs.encode(s.buffer(), family, sa);
                        do {
                            r = NetSys.call(SysNr.CONNECT, fds.fd, s.address(), len);
                        } while (r == -Errno.EINTR);
                    } finally {
                        s.release();
                    }
                    if (r == 0) {
                        connected = true;
                    } else if (r == -Errno.EINPROGRESS || r == -Errno.EAGAIN) {
                        synchronized (fds.stateLock) {
                            state = ST_PENDING;
                        }
                        if (blocking) {
                            connected = awaitConnect(0);
                        }
                    } else {
                        NetSys.check(r, null);
                    }
                    if (connected) {
                        establish();
                    }
                } finally {
                    if (blocking) {
                        fds.releaseBeforeEnd();
                        end(connected);
                    }
                }
                return connected;
            } finally {
                FdState.unlockIfHeld(fds.writeLock);
            }
        } finally {
            FdState.unlockIfHeld(fds.readLock);
        }
    }

    /** Blocks until the pending connect completes; throws its error. timeout 0: none. */
    private boolean awaitConnect(int timeoutMillis) throws IOException {
        long deadline = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
        for (;;) {
            if (!isOpen()) {
                return false; // end() turns this into AsynchronousCloseException / ClosedByInterruptException
            }
            int wait = FdState.millisUntil(deadline, "Connect timed out");
            int rev = fds.await(Linux.POLLOUT, wait);
            if (rev != 0) {
                int err = NetSys.socketError(fds.fd);
                if (err != 0) {
                    throw NetSys.exception(err, null);
                }
                return true;
            }
        }
    }

    private void establish() throws IOException {
        SocketAddress local = Binding.localAddress(fds.fd, family);
        synchronized (fds.stateLock) {
            state = ST_CONNECTED;
            localAddress = local;
        }
    }

    @Override
    public boolean finishConnect() throws IOException {
        try {
            return lockedFinishConnect();
        } catch (IOException e) {
            closeAfterFailure();
            throw e;
        }
    }

    private boolean lockedFinishConnect() throws IOException {
        fds.readLock.lock();
        try {
            fds.writeLock.lock();
            try {
                synchronized (fds.stateLock) {
                    ensureOpen();
                    if (state == ST_CONNECTED) {
                        return true;
                    }
                    if (state != ST_PENDING) {
                        throw new NoConnectionPendingException();
                    }
                }
                boolean blocking = isBlocking();
                boolean connected = false;
                try {
                    if (blocking) {
                        begin();
                        connected = awaitConnect(0);
                    } else {
                        long rev = NetIO.poll(fds.fd, Linux.POLLOUT, -1, 0);
                        NetSys.check(rev, "poll");
                        if (rev != 0) {
                            int err = NetSys.socketError(fds.fd);
                            if (err != 0) {
                                throw NetSys.exception(err, null);
                            }
                            connected = true;
                        }
                    }
                    if (connected) {
                        establish();
                    }
                } finally {
                    if (blocking) {
                        fds.releaseBeforeEnd();
                        end(connected);
                    }
                }
                return connected;
            } finally {
                FdState.unlockIfHeld(fds.writeLock);
            }
        } finally {
            FdState.unlockIfHeld(fds.readLock);
        }
    }

    /** Connect with a timeout, for the socket adaptor (channel in blocking mode). */
    void blockingConnect(SocketAddress remote, int timeoutMillis) throws IOException {
        if (timeoutMillis <= 0) {
            connect(remote);
            return;
        }
        configureBlocking(false);
        try {
            if (connect(remote)) {
                return;
            }
            try {
                fds.readLock.lock();
                try {
                    boolean connected = false;
                    try {
                        begin();
                        connected = awaitConnect(timeoutMillis);
                        if (connected) {
                            establish();
                        }
                    } finally {
                        fds.releaseBeforeEnd();
                        end(connected);
                    }
                } finally {
                    FdState.unlockIfHeld(fds.readLock);
                }
            } catch (IOException e) {
                closeAfterFailure();
                throw e;
            }
        } finally {
            if (isOpen()) {
                configureBlocking(true);
            }
        }
    }

    // ---- read ----

    private void ensureReadable() throws ClosedChannelException {
        synchronized (fds.stateLock) {
            ensureOpen();
            if (state != ST_CONNECTED) {
                throw new NotYetConnectedException();
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        return (int) read(dst, null, 0, 1, 0);
    }

    /**
     * The socket adaptor's read: as {@link #read(ByteBuffer)} in blocking mode, but a wait longer
     * than {@code timeoutMillis} (0: none) throws {@link SocketTimeoutException}. The timeout is
     * the adaptor's SO_TIMEOUT, which applies to its streams only, as the JDK's.
     */
    int adaptorRead(ByteBuffer dst, int timeoutMillis) throws IOException {
        return (int) read(dst, null, 0, 1, timeoutMillis);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
        }
        return read(null, dsts, offset, length, 0);
    }

    /**
     * Reads into {@code one}, or into {@code dsts[offset..offset+length)} if it is null; a blocking
     * read waits at most {@code timeoutMillis} (0: no limit).
     */
    private long read(ByteBuffer one, ByteBuffer[] dsts, int offset, int length, int timeoutMillis) throws IOException {
        boolean single = one != null;
        fds.readLock.lock();
        if (single) {
            dsts = readOne; // read lock held: the array is this reader's
            dsts[0] = one;
        }
        try {
            // one exit: javac copies the finally block to every exit (this method is hot)
            return isBlocking() ? blockingRead(single, dsts, offset, length, timeoutMillis)
                    : nonBlockingRead(single, dsts, offset, length);
        } finally {
            if (single && fds.readLock.isHeldByCurrentThread()) {
                readOne[0] = null; // (a blocking read released the lock early; the next read clears it)
            }
            FdState.unlockIfHeld(fds.readLock);
        }
    }

    /** Read lock held, non-blocking mode: the read-ahead, else what the kernel has; 0 if nothing. */
    private long nonBlockingRead(boolean single, ByteBuffer[] dsts, int offset, int length) throws IOException {
        long pre = beforeKernelRead(dsts, offset, length, false);
        if (pre != Batched.NOTHING) {
            return pre > 0 && batched.emptiedFullReadAhead() && hasRemaining(dsts, offset, length)
                    ? pre + topUp(single, dsts, offset, length) : pre;
        }
        long r;
        do {
            r = single ? NetIO.recv(fds.fd, dsts[offset]) : NetIO.readv(fds.fd, dsts, offset, length);
        } while (r == -Errno.EINTR);
        batched.kernelRead(r, dsts, offset, length);
        if (r >= 0) {
            return r == 0 && hasRemaining(dsts, offset, length) ? -1 : r;
        }
        return r == -Errno.EAGAIN ? 0 : readFailed(r);
    }

    /**
     * Read lock held, after a read that emptied a full read-ahead: reads what the kernel has into
     * the room left; the bytes read (0 if none). An end of input or error found here is reported by
     * the next read (see {@link Batched#toppedUp}).
     */
    private long topUp(boolean single, ByteBuffer[] dsts, int offset, int length) {
        long r = single ? NetIO.recv(fds.fd, dsts[offset]) : NetIO.readv(fds.fd, dsts, offset, length);
        batched.toppedUp(r, r > 0 && !hasRemaining(dsts, offset, length));
        return Math.max(r, 0);
    }

    /**
     * Read lock held: -1 at the end of input, what the read-ahead serves, or {@link Batched#NOTHING}
     * when the kernel must be asked.
     */
    private long beforeKernelRead(ByteBuffer[] dsts, int offset, int length, boolean blocking) throws IOException {
        ensureReadable();
        return inputClosed ? -1 : batched.readAhead(dsts, offset, length, blocking);
    }

    /**
     * Read lock held, blocking mode: {@link #awaitRead} between begin() and end(); the read and
     * write locks are released before end() (see {@link FdState#releaseBeforeEnd()}).
     */
    private long blockingRead(boolean single, ByteBuffer[] dsts, int offset, int length, int timeoutMillis)
            throws IOException {
        ensureReadable(); // before begin(): a closed channel is not an asynchronous close
        long n = 0;
        try {
            begin();
            n = awaitRead(single, dsts, offset, length, timeoutMillis);
        } finally {
            fds.releaseBeforeEnd();
            end(n > 0);
        }
        return n;
    }

    /**
     * Read lock held, in begin(): reads, waiting in poll(2) while there is nothing, until data, EOF,
     * {@code timeout} ms ({@link SocketTimeoutException}; 0: no limit), or close (0: end() reports it).
     */
    private long awaitRead(boolean single, ByteBuffer[] dsts, int offset, int length, int timeout) throws IOException {
        long pre = beforeKernelRead(dsts, offset, length, true);
        if (pre != Batched.NOTHING) {
            return pre;
        }
        if (single && timeout == 0 && dsts[offset].hasRemaining() && NetIO.postable(dsts[offset])) {
            CallPort port = VtCalls.socketPort(NetSys.engine());
            if (port != null) {
                // a virtual thread: the recv itself is posted and waits in the ring
                long r = fds.posted(port, dsts[offset], false);
                if (r >= 0) {
                    return r == 0 ? -1 : r;
                }
                if (!isOpen()) {
                    return 0; // closed or interrupted: end() reports it
                }
                if (r != -Errno.EAGAIN && !VtCalls.cancelled(r)) {
                    return readFailed(r);
                }
                // else: the readiness wait below
            }
        }
        long deadline = timeout > 0 ? System.nanoTime() + timeout * 1_000_000L : 0;
        for (;;) {
            // a blocking description (inherited): recv with MSG_DONTWAIT also for a scattering read
            long r = single ? NetIO.recv(fds.fd, dsts[offset])
                    : fds.blockingDescription ? NetIO.recv(fds.fd, firstWithRemaining(dsts, offset, length))
                    : NetIO.readv(fds.fd, dsts, offset, length);
            if (r >= 0) {
                return r == 0 && hasRemaining(dsts, offset, length) ? -1 : r;
            }
            if (r == -Errno.EINTR) {
                continue;
            }
            if (r != -Errno.EAGAIN) {
                return readFailed(r);
            }
            if (!isOpen()) {
                return 0;
            }
            int wait = FdState.millisUntil(deadline, "Read timed out");
            fds.await(Linux.POLLIN, wait);
            if (inputClosed) {
                return -1;
            }
        }
    }

    /**
     * A read's error {@code r} (neither EAGAIN nor EINTR): 0 if the channel was closed under us
     * (end() reports it), -1 if the input was shut down, else the error as an exception.
     */
    private long readFailed(long r) throws IOException {
        if (!isOpen()) {
            return 0;
        }
        if (inputClosed) {
            return -1;
        }
        throw NetSys.readException(Errno.of(r));
    }

    public static boolean hasRemaining(ByteBuffer[] bufs, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (bufs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    // ---- write ----

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src);
        return (int) write(src, null, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        return write(null, srcs, offset, length);
    }

    /** Writes from {@code one}, or from {@code srcs[offset..offset+length)} if it is null. */
    private long write(ByteBuffer one, ByteBuffer[] srcs, int offset, int length) throws IOException {
        boolean single = one != null;
        fds.writeLock.lock();
        if (single) {
            srcs = writeOne; // write lock held: the array is this writer's
            srcs[0] = one;
        }
        try {
            // one exit: javac copies the finally block to every exit (this method is hot)
            return isBlocking() ? blockingWrite(single, srcs, offset, length)
                    : nonBlockingWrite(srcs, offset, length);
        } finally {
            if (single && fds.writeLock.isHeldByCurrentThread()) {
                writeOne[0] = null; // (a blocking write released the lock early; the next write clears it)
            }
            FdState.unlockIfHeld(fds.writeLock);
        }
    }

    /** Write lock held, non-blocking mode: writes or queues what fits (see {@link Batched#write}). */
    private long nonBlockingWrite(ByteBuffer[] srcs, int offset, int length) throws IOException {
        ensureWritable();
        batched.throwPendingError();
        return batched.write(srcs, offset, length);
    }

    /**
     * Write lock held, blocking mode: sends the queued bytes, then all of {@code srcs}, waiting in
     * poll(2) while the socket buffer is full, until done or closed (end() reports a close). The read
     * and write locks are released before end() (see {@link FdState#releaseBeforeEnd()}).
     */
    private long blockingWrite(boolean single, ByteBuffer[] srcs, int offset, int length) throws IOException {
        ensureWritable(); // before begin(): a closed channel is not an asynchronous close
        long total = 0;
        try {
            begin();
            ensureWritable();
            batched.throwPendingError();
            batched.flushBlocking();
            // a virtual thread: the send itself is posted and waits in the ring while the socket buffer is full
            CallPort port = single && NetIO.postable(srcs[offset]) ? VtCalls.socketPort(NetSys.engine()) : null;
            for (;;) {
                // a blocking description (inherited): send with MSG_DONTWAIT also for a gathering write
                long r = port != null ? fds.posted(port, srcs[offset], true)
                        : single ? NetIO.send(fds.fd, srcs[offset])
                        : fds.blockingDescription ? NetIO.send(fds.fd, firstWithRemaining(srcs, offset, length))
                        : NetIO.writev(fds.fd, srcs, offset, length);
                if (r >= 0) {
                    total += r;
                    if (!hasRemaining(srcs, offset, length)) {
                        break;
                    }
                } else if (r != -Errno.EINTR) {
                    if (!isOpen()) {
                        break;
                    }
                    if (port != null && (r == -Errno.EAGAIN || VtCalls.cancelled(r))) {
                        port = null; // not carried through (should not happen): the readiness wait
                    } else if (r != -Errno.EAGAIN) {
                        throw NetSys.ioException(Errno.of(r));
                    } else {
                        fds.await(Linux.POLLOUT, -1);
                    }
                }
            }
        } finally {
            fds.releaseBeforeEnd();
            end(total > 0);
        }
        return total;
    }

    /** The first of {@code bufs[off..off+len)} with bytes remaining, else {@code bufs[off]}. */
    private static ByteBuffer firstWithRemaining(ByteBuffer[] bufs, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (bufs[i].hasRemaining()) {
                return bufs[i];
            }
        }
        return bufs[off];
    }

    /** Throws unless the channel is open and connected with its output not shut down. */
    private void ensureWritable() throws ClosedChannelException {
        synchronized (fds.stateLock) {
            ensureOpen();
            if (state != ST_CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (outputClosed) {
                throw new ClosedChannelException();
            }
        }
    }

    // ---- selection ----

    @Override
    public int toEpoll(int interestOps) {
        return batched.toEpoll(interestOps, FlexSelChannel.plainEpoll(interestOps));
    }

    @Override
    public int toReadyOps(int events, int interestOps) {
        int ready = 0;
        if ((events & (Linux.EPOLLERR | Linux.EPOLLHUP)) != 0) {
            return interestOps; // every interest is ready: the operation will report the error or EOF
        }
        boolean connected = isConnected();
        if ((events & Linux.EPOLLIN) != 0 && (interestOps & SelectionKey.OP_READ) != 0 && connected) {
            ready |= SelectionKey.OP_READ;
        }
        if ((events & Linux.EPOLLOUT) != 0 && (interestOps & SelectionKey.OP_CONNECT) != 0 && isConnectionPending()) {
            ready |= SelectionKey.OP_CONNECT;
        }
        if ((events & Linux.EPOLLOUT) != 0 && (interestOps & SelectionKey.OP_WRITE) != 0 && connected) {
            ready |= SelectionKey.OP_WRITE;
        }
        return ready;
    }

    // ---- blocking mode and close ----

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        fds.readLock.lock();
        try {
            fds.writeLock.lock();
            try {
                ensureOpen();
                // Returns at once, as the JDK's. Bytes still queued (a batching selector took them
                // and no longer sends them) are sent in the background; a blocking write sends
                // them first, so they keep their order.
                if (block && batched.hasQueued()) {
                    Drainer.watch(batched);
                }
                // the kernel descriptor stays non-blocking; blocking mode waits in poll(2)
                fds.configureBlocking(block);
            } finally {
                FdState.unlockIfHeld(fds.writeLock);
            }
        } finally {
            FdState.unlockIfHeld(fds.readLock);
        }
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        fds.wakeBlocked();
        fds.readLock.lock();
        try {
            fds.writeLock.lock();
            try {
                try {
                    batched.flushOnClose();
                } finally {
                    if (isRegistered()) {
                        fds.preClose();
                    } else {
                        fds.closeNow();
                    }
                    batched.release();
                }
            } finally {
                FdState.unlockIfHeld(fds.writeLock);
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
            synchronized (fds.stateLock) {
                switch (state) {
                    case ST_UNCONNECTED: sb.append("unconnected"); break;
                    case ST_PENDING: sb.append("connection-pending"); break;
                    default:
                        sb.append("connected");
                        if (inputClosed) sb.append(" ishut");
                        if (outputClosed) sb.append(" oshut");
                }
                SocketAddress la = localAddressOrNull();
                if (la != null) sb.append(" local=").append(la);
                if (remoteAddress != null) sb.append(" remote=").append(remoteAddress);
            }
        }
        return sb.append(']').toString();
    }

    /** Bytes readable without blocking: the read-ahead plus the kernel's FIONREAD. */
    int available() throws IOException {
        fds.readLock.lock();
        try {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
            if (inputClosed) {
                return 0;
            }
            Scratch s = Scratch.acquire(4);
            try {
                s.buffer().putInt(0, 0);
                NetSys.check(NetSys.call(SysNr.IOCTL, fds.fd, Linux.FIONREAD, s.address()), null);
                return s.buffer().getInt(0) + batched.readAheadBytes();
            } finally {
                s.release();
            }
        } finally {
            FdState.unlockIfHeld(fds.readLock);
        }
    }

    /** Sends one byte of urgent data (the adaptor's sendUrgentData), after what is queued. */
    void sendUrgentData(byte b) throws IOException {
        fds.writeLock.lock();
        try {
            synchronized (fds.stateLock) {
                ensureOpen();
                if (state != ST_CONNECTED) {
                    throw new java.net.SocketException("Socket is not connected");
                }
                if (outputClosed) {
                    throw new java.net.SocketException("Socket output is shutdown");
                }
            }
            batched.flushBlocking();
            Scratch s = Scratch.acquire(1);
            try {
                s.buffer().put(0, b);
                long r;
                do {
                    r = NetSys.call(SysNr.SENDTO, fds.fd, s.address(), 1, Linux.MSG_OOB | Linux.MSG_NOSIGNAL
                            | (fds.blockingDescription ? Linux.MSG_DONTWAIT : 0), 0, 0);
                } while (r == -Errno.EINTR);
                if (r == -Errno.EAGAIN || r == 0) {
                    throw new java.net.SocketException("Socket buffer full");
                }
                NetSys.check(r, null);
            } finally {
                s.release();
            }
        } finally {
            FdState.unlockIfHeld(fds.writeLock);
        }
    }

    /** For the adaptor: blocking-mode check like the JDK's SocketAdaptor. */
    void ensureBlocking() {
        if (!isBlocking()) {
            throw new IllegalBlockingModeException();
        }
    }
}
