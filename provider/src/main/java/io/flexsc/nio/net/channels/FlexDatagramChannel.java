package io.flexsc.nio.net.channels;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.Scratch;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.sys.NetIO;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link DatagramChannel} (UDP over IPv4/IPv6) over a kernel socket whose system calls go through
 * the flexsc engine: send/receive, connected read/write with scatter/gather, multicast membership
 * (any-source and source-specific), every standard option, blocking and non-blocking modes,
 * interruptible and asynchronously closeable as the JDK's.
 *
 * <p>Thread safety: one receiver and one sender at a time; any thread may close.
 */
public final class FlexDatagramChannel extends DatagramChannel implements FlexSelChannel {
    final FdState fds;
    final int family;
    // guarded by fds.stateLock
    private SocketAddress localAddress;
    private InetSocketAddress remoteAddress;
    private DatagramSocket adaptor;
    private final List<Membership> memberships = new ArrayList<>();
    /** Receive timeout for the adaptor (millis, 0 none). */
    volatile int receiveTimeout;

    public FlexDatagramChannel(SelectorProvider provider, int family) throws IOException {
        super(provider);
        this.family = family;
        int fd = NetSys.socket(family, Linux.SOCK_DGRAM);
        this.fds = new FdState(fd);
        if (family == Linux.AF_INET6) {
            FlexSocketChannel.dualStack(fd);
        }
    }

    /** Over an inherited datagram socket. */
    public FlexDatagramChannel(SelectorProvider provider, int family, int fd, SocketAddress local) {
        super(provider);
        this.family = family;
        this.fds = new FdState(fd);
        this.localAddress = local;
    }

    @Override
    public FdState fdState() {
        return fds;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public DatagramChannel bind(SocketAddress local) throws IOException {
        fds.readLock.lock();
        try {
            fds.writeLock.lock();
            try {
                synchronized (fds.stateLock) {
                    ensureOpen();
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

    /** Binds to the wildcard address if not bound yet (before a send or receive, as the kernel would). */
    private void bindIfNeeded() throws IOException {
        synchronized (fds.stateLock) {
            if (localAddress == null) {
                localAddress = Binding.bind(fds.fd, family, null);
            }
        }
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

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        synchronized (fds.stateLock) {
            ensureOpen();
            return remoteAddress;
        }
    }

    InetSocketAddress remoteAddressOrNull() {
        synchronized (fds.stateLock) {
            return remoteAddress;
        }
    }

    @Override
    public boolean isConnected() {
        synchronized (fds.stateLock) {
            return remoteAddress != null;
        }
    }

    @Override
    public DatagramChannel connect(SocketAddress remote) throws IOException {
        InetSocketAddress isa = SockAddrs.checkInet(remote, family);
        fds.readLock.lock();
        try {
            fds.writeLock.lock();
            try {
                synchronized (fds.stateLock) {
                    ensureOpen();
                    if (remoteAddress != null) {
                        throw new AlreadyConnectedException();
                    }
                    Scratch s = Scratch.acquire(SockAddrs.MAX_LEN);
                    try {
                        int len = SockAddrs.encode(s.buffer(), family, isa);
                        NetSys.check(NetSys.call(SysNr.CONNECT, fds.fd, s.address(), len), null);
                    } finally {
                        s.release();
                    }
                    remoteAddress = isa;
                    localAddress = Binding.localAddress(fds.fd, family);
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
    public DatagramChannel disconnect() throws IOException {
        fds.readLock.lock();
        try {
            fds.writeLock.lock();
            try {
                synchronized (fds.stateLock) {
                    if (!isOpen() || remoteAddress == null) {
                        return this;
                    }
                    Scratch s = Scratch.acquire(32);
                    try {
                        for (int i = 0; i < 32; i += 8) {
                            s.buffer().putLong(i, 0);
                        }
                        s.buffer().putShort(0, (short) 0); // AF_UNSPEC dissolves the association
                        NetSys.check(NetSys.call(SysNr.CONNECT, fds.fd, s.address(), family == Linux.AF_INET6 ? 28 : 16), null);
                    } finally {
                        s.release();
                    }
                    remoteAddress = null;
                    SocketAddress was = localAddress;
                    SocketAddress now = Binding.localAddress(fds.fd, family);
                    if (now instanceof InetSocketAddress && ((InetSocketAddress) now).getPort() == 0
                            && was instanceof InetSocketAddress && ((InetSocketAddress) was).getPort() != 0) {
                        // Linux drops an ephemeral port on disconnect: bind to it again, as the JDK does
                        localAddress = now;
                        now = Binding.bind(fds.fd, family,
                                new InetSocketAddress(((InetSocketAddress) now).getAddress(), ((InetSocketAddress) was).getPort()));
                    }
                    localAddress = now;
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
    public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
        SocketOpts.checkSet(SocketOpts.UDP, name, value);
        synchronized (fds.stateLock) {
            ensureOpen();
            SocketOpts.set(fds.fd, family, name, value);
        }
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        SocketOpts.checkGet(SocketOpts.UDP, name);
        synchronized (fds.stateLock) {
            ensureOpen();
            return SocketOpts.get(fds.fd, family, name);
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return SocketOpts.UDP;
    }

    @Override
    public DatagramSocket socket() {
        synchronized (fds.stateLock) {
            if (adaptor == null) {
                adaptor = DatagramSocketAdaptor.create(this);
            }
            return adaptor;
        }
    }

    // ---- I/O ----

    /**
     * recvfrom/sendto's scratch memory: the address (and, after it, its length), then a heap
     * buffer's bytes.
     */
    private static final int ADDR_BYTES = SockAddrs.MAX_LEN + 8;

    @Override
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        fds.readLock.lock();
        try {
            boolean blocking = isBlocking();
            SocketAddress sender = null;
            Scratch mem = null;
            ensureOpen(); // before begin(): a closed channel is not an asynchronous close
            try {
                if (blocking) {
                    begin();
                }
                ensureOpen();
                bindIfNeeded();
                int timeout = blocking ? receiveTimeout : 0;
                long deadline = timeout > 0 ? System.nanoTime() + timeout * 1_000_000L : 0;
                int rem = dst.remaining();
                mem = Scratch.acquire(ADDR_BYTES + (NativeMemory.addressable(dst) ? 0 : rem));
                ByteBuffer addr = mem.buffer();
                long addrAddr = mem.address();
                for (;;) {
                    addr.putInt(SockAddrs.MAX_LEN, SockAddrs.MAX_LEN);
                    long base = NativeMemory.addressable(dst) ? NativeMemory.address(dst) + dst.position() : addrAddr + ADDR_BYTES;
                    long r;
                    try {
                        r = NetSys.call(SysNr.RECVFROM, fds.fd, base, rem, fds.blockingDescription ? Linux.MSG_DONTWAIT : 0,
                                addrAddr, addrAddr + SockAddrs.MAX_LEN);
                    } finally {
                        java.lang.ref.Reference.reachabilityFence(dst); // the kernel wrote to it
                    }
                    if (r >= 0) {
                        int n = (int) r;
                        if (!NativeMemory.addressable(dst)) {
                            dst.put(dst.position(), addr, ADDR_BYTES, n);
                        }
                        dst.position(dst.position() + n);
                        sender = SockAddrs.decode(addr, addr.getInt(SockAddrs.MAX_LEN));
                        return sender;
                    }
                    if (r == -Errno.EINTR) {
                        continue;
                    }
                    if (r == -Errno.ECONNREFUSED) {
                        if (isConnected()) {
                            throw new PortUnreachableException();
                        }
                        continue; // an ICMP error for an earlier send to some other address
                    }
                    if (r != -Errno.EAGAIN) {
                        if (!isOpen()) {
                            return null;
                        }
                        throw NetSys.exception(Errno.of(r), null);
                    }
                    if (!blocking || !isOpen()) {
                        return null;
                    }
                    int wait = FdState.millisUntil(deadline, "Receive timed out");
                    fds.await(Linux.POLLIN, wait);
                    if (!isOpen()) {
                        return null; // closed while waiting: end() throws AsynchronousCloseException
                    }
                }
            } finally {
                if (mem != null) {
                    mem.release();
                }
                if (blocking) {
                    fds.releaseBeforeEnd();
                    end(sender != null);
                }
            }
        } finally {
            FdState.unlockIfHeld(fds.readLock);
        }
    }

    @Override
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        Objects.requireNonNull(src);
        InetSocketAddress isa = SockAddrs.checkInet(target, family);
        fds.writeLock.lock();
        try {
            boolean blocking = isBlocking();
            int n = 0;
            Scratch mem = null;
            ensureOpen(); // before begin(): a closed channel is not an asynchronous close
            try {
                if (blocking) {
                    begin();
                }
                InetSocketAddress remote;
                synchronized (fds.stateLock) {
                    ensureOpen();
                    remote = remoteAddress;
                }
                if (remote != null && !isa.equals(remote)) {
                    throw new AlreadyConnectedException();
                }
                if (remote == null) {
                    bindIfNeeded();
                }
                int rem = src.remaining();
                mem = Scratch.acquire(ADDR_BYTES + (NativeMemory.addressable(src) ? 0 : rem));
                ByteBuffer addr = mem.buffer();
                long addrAddr = mem.address();
                int alen = remote == null ? SockAddrs.encode(addr, family, isa) : 0;
                long base = NativeMemory.addressable(src) ? NativeMemory.address(src) + src.position() : addrAddr + ADDR_BYTES;
                if (!NativeMemory.addressable(src)) {
                    addr.put(ADDR_BYTES, src, src.position(), rem);
                }
                for (;;) {
                    long r;
                    try {
                        r = NetSys.call(SysNr.SENDTO, fds.fd, base, rem,
                                Linux.MSG_NOSIGNAL | (fds.blockingDescription ? Linux.MSG_DONTWAIT : 0),
                                remote == null ? addrAddr : 0, alen);
                    } finally {
                        java.lang.ref.Reference.reachabilityFence(src); // the kernel read from it
                    }
                    if (r >= 0) {
                        n = (int) r;
                        src.position(src.position() + n);
                        return n;
                    }
                    if (r == -Errno.EINTR) {
                        continue;
                    }
                    if (r == -Errno.ECONNREFUSED && remote != null) {
                        throw new PortUnreachableException();
                    }
                    if (r != -Errno.EAGAIN && r != -Errno.ENOBUFS) {
                        if (!isOpen()) {
                            return 0;
                        }
                        throw NetSys.exception(Errno.of(r), null);
                    }
                    if (!blocking || !isOpen()) {
                        return 0;
                    }
                    fds.await(Linux.POLLOUT, -1);
                    if (!isOpen()) {
                        return 0; // closed while waiting: end() throws AsynchronousCloseException
                    }
                }
            } finally {
                if (mem != null) {
                    mem.release();
                }
                if (blocking) {
                    fds.releaseBeforeEnd();
                    end(n > 0);
                }
            }
        } finally {
            FdState.unlockIfHeld(fds.writeLock);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst);
        return (int) read(new ByteBuffer[] {dst}, 0, 1);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
        }
        fds.readLock.lock();
        try {
            boolean blocking = isBlocking();
            long n = -1;
            ensureOpen(); // before begin(): a closed channel is not an asynchronous close
            try {
                if (blocking) {
                    begin();
                }
                synchronized (fds.stateLock) {
                    ensureOpen();
                    if (remoteAddress == null) {
                        throw new NotYetConnectedException();
                    }
                }
                for (;;) {
                    // with MSG_DONTWAIT: even on a blocking description (inherited) no call waits, also when
                    // another process sharing it took the datagram a poll had seen
                    long r = length == 1 ? NetIO.recv(fds.fd, dsts[offset]) : NetIO.recvv(fds.fd, dsts, offset, length);
                    if (r >= 0) {
                        n = r;
                        return r;
                    }
                    if (r == -Errno.EINTR) {
                        continue;
                    }
                    if (r == -Errno.ECONNREFUSED) {
                        throw new PortUnreachableException();
                    }
                    if (r != -Errno.EAGAIN) {
                        if (!isOpen()) {
                            return 0;
                        }
                        throw NetSys.exception(Errno.of(r), null);
                    }
                    if (!blocking) {
                        n = 0;
                        return 0;
                    }
                    if (!isOpen()) {
                        return 0; // closed during the call: end() throws AsynchronousCloseException
                    }
                    fds.await(Linux.POLLIN, -1);
                    if (!isOpen()) {
                        return 0; // closed while waiting: end() throws AsynchronousCloseException
                    }
                }
            } finally {
                if (blocking) {
                    fds.releaseBeforeEnd();
                    end(n >= 0);
                }
            }
        } finally {
            FdState.unlockIfHeld(fds.readLock);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src);
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        fds.writeLock.lock();
        try {
            boolean blocking = isBlocking();
            long n = -1;
            ensureOpen(); // before begin(): a closed channel is not an asynchronous close
            try {
                if (blocking) {
                    begin();
                }
                synchronized (fds.stateLock) {
                    ensureOpen();
                    if (remoteAddress == null) {
                        throw new NotYetConnectedException();
                    }
                }
                for (;;) {
                    // with MSG_DONTWAIT: even on a blocking description (inherited) no call waits
                    long r = length == 1 ? NetIO.send(fds.fd, srcs[offset]) : NetIO.sendv(fds.fd, srcs, offset, length);
                    if (r >= 0) {
                        n = r;
                        return r;
                    }
                    if (r == -Errno.EINTR) {
                        continue;
                    }
                    if (r == -Errno.ECONNREFUSED) {
                        throw new PortUnreachableException();
                    }
                    if (r != -Errno.EAGAIN && r != -Errno.ENOBUFS) {
                        if (!isOpen()) {
                            return 0;
                        }
                        throw NetSys.exception(Errno.of(r), null);
                    }
                    if (!blocking) {
                        n = 0;
                        return 0;
                    }
                    if (!isOpen()) {
                        return 0; // closed meanwhile: not completed, end() throws AsynchronousCloseException
                    }
                    fds.await(Linux.POLLOUT, -1);
                    if (!isOpen()) {
                        return 0; // closed while waiting: end() throws AsynchronousCloseException
                    }
                }
            } finally {
                if (blocking) {
                    fds.releaseBeforeEnd();
                    end(n >= 0);
                }
            }
        } finally {
            FdState.unlockIfHeld(fds.writeLock);
        }
    }

    @Override
    public int toReadyOps(int events, int interestOps) {
        if ((events & (Linux.EPOLLERR | Linux.EPOLLHUP)) != 0) {
            return interestOps;
        }
        int ready = 0;
        if ((events & Linux.EPOLLIN) != 0 && (interestOps & SelectionKey.OP_READ) != 0) {
            ready |= SelectionKey.OP_READ;
        }
        if ((events & Linux.EPOLLOUT) != 0 && (interestOps & SelectionKey.OP_WRITE) != 0) {
            ready |= SelectionKey.OP_WRITE;
        }
        return ready;
    }

    // ---- multicast ----

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf) throws IOException {
        return join(group, interf, null);
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) throws IOException {
        Objects.requireNonNull(group);
        Objects.requireNonNull(interf);
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("Group not a multicast address");
        }
        if (family == Linux.AF_INET && !(group instanceof Inet4Address)) {
            throw new IllegalArgumentException("IPv6 group on IPv4 socket");
        }
        if (source != null) {
            if (source.isAnyLocalAddress()) {
                throw new IllegalArgumentException("Source address is a wildcard address");
            }
            if (source.isMulticastAddress()) {
                throw new IllegalArgumentException("Source address is multicast address");
            }
            if (source.getClass() != group.getClass()) {
                throw new IllegalArgumentException("Source address is different type to group");
            }
        }
        synchronized (fds.stateLock) {
            ensureOpen();
            for (Membership m : memberships) {
                if (m.isValid() && m.group().equals(group) && m.networkInterface().equals(interf)) {
                    if (Objects.equals(m.sourceAddress(), source)) {
                        return m;
                    }
                    if (m.sourceAddress() == null) {
                        throw new IllegalStateException("Already a member to receive all packets");
                    }
                    if (source == null) {
                        throw new IllegalStateException("Already have source-specific membership");
                    }
                }
            }
            Membership m = new Membership(this, group, interf, source);
            membershipOp(group, interf, source, null, source == null ? 42 /* MCAST_JOIN_GROUP */ : Linux.MCAST_JOIN_SOURCE_GROUP);
            memberships.add(m);
            return m;
        }
    }

    /** One MCAST_* setsockopt with a group_req or group_source_req. */
    void membershipOp(InetAddress group, NetworkInterface interf, InetAddress source, InetAddress block, int op) throws IOException {
        Scratch s = Scratch.acquire(272);
        try {
            for (int i = 0; i < 272; i += 8) {
                s.buffer().putLong(i, 0);
            }
            s.buffer().putInt(0, interf.getIndex());
            int gfam = group instanceof Inet4Address ? Linux.AF_INET : Linux.AF_INET6;
            ByteBuffer g = s.buffer().slice(8, 128).order(ByteOrder.nativeOrder());
            SockAddrs.encode(g, gfam, new InetSocketAddress(group, 0));
            InetAddress src = source != null ? source : block;
            int len = 8 + 128;
            if (src != null) {
                ByteBuffer sb = s.buffer().slice(136, 128).order(ByteOrder.nativeOrder());
                SockAddrs.encode(sb, gfam, new InetSocketAddress(src, 0));
                len = 8 + 256;
            }
            int level = gfam == Linux.AF_INET ? Linux.IPPROTO_IP : Linux.IPPROTO_IPV6;
            NetSys.check(NetSys.call(SysNr.SETSOCKOPT, fds.fd, level, op, s.address(), len, 0), null);
        } finally {
            s.release();
        }
    }

    void dropMembership(Membership m) {
        synchronized (fds.stateLock) {
            if (!memberships.remove(m)) {
                return;
            }
            if (isOpen()) {
                try {
                    membershipOp(m.group(), m.networkInterface(), m.sourceAddress(), null,
                            m.sourceAddress() == null ? 45 /* MCAST_LEAVE_GROUP */ : Linux.MCAST_LEAVE_SOURCE_GROUP);
                } catch (IOException ignored) {
                    // leaving a group the kernel already dropped
                }
            }
        }
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
            fds.writeLock.lock();
            try {
                synchronized (fds.stateLock) {
                    for (Membership m : new ArrayList<>(memberships)) {
                        m.invalidate();
                    }
                    memberships.clear();
                }
                if (isRegistered()) {
                    fds.preClose();
                } else {
                    fds.closeNow();
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
            SocketAddress l = localAddressOrNull();
            sb.append(l == null ? "unbound" : l.toString());
            InetSocketAddress r = remoteAddressOrNull();
            if (r != null) {
                sb.append(" connected=").append(r);
            }
        }
        return sb.append(']').toString();
    }

    /** A multicast membership of this channel. */
    static final class Membership extends MembershipKey {
        private final FlexDatagramChannel ch;
        private final InetAddress group;
        private final NetworkInterface interf;
        private final InetAddress source;
        private volatile boolean valid = true;
        private final List<InetAddress> blocked = new ArrayList<>();

        Membership(FlexDatagramChannel ch, InetAddress group, NetworkInterface interf, InetAddress source) {
            this.ch = ch;
            this.group = group;
            this.interf = interf;
            this.source = source;
        }

        void invalidate() {
            valid = false;
        }

        @Override public boolean isValid() { return valid; }

        @Override
        public void drop() {
            if (valid) {
                valid = false;
                ch.dropMembership(this);
            }
        }

        @Override
        public MembershipKey block(InetAddress src) throws IOException {
            if (source != null) {
                throw new IllegalStateException("key is source-specific");
            }
            synchronized (this) {
                if (!valid) {
                    throw new IllegalStateException("key is no longer valid");
                }
                if (blocked.contains(src)) {
                    return this;
                }
                ch.membershipOp(group, interf, null, src, Linux.MCAST_BLOCK_SOURCE);
                blocked.add(src);
            }
            return this;
        }

        @Override
        public MembershipKey unblock(InetAddress src) {
            synchronized (this) {
                if (!valid) {
                    throw new IllegalStateException("key is no longer valid");
                }
                if (!blocked.remove(src)) {
                    throw new IllegalStateException("not blocked");
                }
                try {
                    ch.membershipOp(group, interf, null, src, Linux.MCAST_UNBLOCK_SOURCE);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return this;
        }

        @Override public DatagramChannel channel() { return ch; }
        @Override public InetAddress group() { return group; }
        @Override public NetworkInterface networkInterface() { return interf; }
        @Override public InetAddress sourceAddress() { return source; }

        @Override
        public String toString() {
            return "<" + group.getHostAddress() + "," + interf.getName() + (source != null ? "," + source.getHostAddress() : "") + ">";
        }
    }
}
