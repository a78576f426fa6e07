package io.flexsc.nio.net.channels;

import io.flexsc.nio.ffi.Scratch;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.DatagramSocketImpl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.IllegalBlockingModeException;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link DatagramSocket} view of a {@link FlexDatagramChannel}, as the JDK's
 * DatagramSocketAdaptor: send and receive need blocking mode, {@code setSoTimeout} bounds receive,
 * options go to the channel.
 *
 * <p>Thread safety: as the channel's.
 */
final class DatagramSocketAdaptor extends DatagramSocket {
    private final FlexDatagramChannel dc;
    private volatile int timeout;

    private DatagramSocketAdaptor(FlexDatagramChannel dc) {
        super(NoImpl.INSTANCE);
        this.dc = dc;
    }

    static DatagramSocketAdaptor create(FlexDatagramChannel dc) {
        return new DatagramSocketAdaptor(dc);
    }

    /** DatagramSocket's protected constructor needs an impl; this one is never used. */
    private static final class NoImpl extends DatagramSocketImpl {
        static final NoImpl INSTANCE = new NoImpl();

        private static SocketException unused() {
            return new SocketException("not used by the channel adaptor");
        }

        @Override protected void create() throws SocketException { throw unused(); }
        @Override protected void bind(int lport, InetAddress laddr) throws SocketException { throw unused(); }
        @Override protected void send(DatagramPacket p) throws IOException { throw unused(); }
        @Override protected int peek(InetAddress i) throws IOException { throw unused(); }
        @Override protected int peekData(DatagramPacket p) throws IOException { throw unused(); }
        @Override protected void receive(DatagramPacket p) throws IOException { throw unused(); }
        @Override @SuppressWarnings("deprecation") protected void setTTL(byte ttl) throws IOException { throw unused(); }
        @Override @SuppressWarnings("deprecation") protected byte getTTL() throws IOException { throw unused(); }
        @Override protected void setTimeToLive(int ttl) throws IOException { throw unused(); }
        @Override protected int getTimeToLive() throws IOException { throw unused(); }
        @Override protected void join(InetAddress inetaddr) throws IOException { throw unused(); }
        @Override protected void leave(InetAddress inetaddr) throws IOException { throw unused(); }
        @Override protected void joinGroup(SocketAddress a, NetworkInterface n) throws IOException { throw unused(); }
        @Override protected void leaveGroup(SocketAddress a, NetworkInterface n) throws IOException { throw unused(); }
        @Override protected void close() { }
        @Override public void setOption(int optID, Object value) throws SocketException { throw unused(); }
        @Override public Object getOption(int optID) throws SocketException { throw unused(); }
    }

    @Override
    public void bind(SocketAddress local) throws SocketException {
        try {
            dc.bind(local == null ? null : local);
        } catch (Exception e) {
            throw Adaptors.socketException(e);
        }
    }

    @Override
    public void connect(InetAddress address, int port) {
        if (address == null) {
            // as the JDK's (an InetSocketAddress of null would be the wildcard address)
            throw new IllegalArgumentException("Address can't be null");
        }
        try {
            connect(new InetSocketAddress(address, port));
        } catch (SocketException e) {
            // DatagramSocket.connect(InetAddress, int) throws no checked exception
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void connect(SocketAddress remote) throws SocketException {
        if (remote == null) {
            throw new IllegalArgumentException("Address can't be null");
        }
        try {
            dc.connect(remote);
        } catch (ClosedChannelException e) {
            // as the JDK's adaptor: connecting a closed socket does nothing (its later I/O fails)
        } catch (Exception e) {
            throw Adaptors.socketException(e);
        }
    }

    @Override
    public void disconnect() {
        try {
            dc.disconnect();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override public boolean isBound() { return dc.localAddressOrNull() != null; }
    @Override public boolean isConnected() { return dc.remoteAddressOrNull() != null; }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress r = dc.remoteAddressOrNull();
        return r == null ? null : r.getAddress();
    }

    @Override
    public int getPort() {
        InetSocketAddress r = dc.remoteAddressOrNull();
        return r == null ? -1 : r.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return dc.remoteAddressOrNull();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return dc.isOpen() ? dc.localAddressOrNull() : null;
    }

    @Override
    public InetAddress getLocalAddress() {
        if (isClosed()) {
            return null;
        }
        SocketAddress l = dc.localAddressOrNull();
        return l instanceof InetSocketAddress ? ((InetSocketAddress) l).getAddress() : null;
    }

    @Override
    public int getLocalPort() {
        if (isClosed()) {
            return -1;
        }
        SocketAddress l = dc.localAddressOrNull();
        return l instanceof InetSocketAddress ? ((InetSocketAddress) l).getPort() : 0;
    }

    /**
     * Sends the packet. Its monitor is held while its bytes and target are taken (as the JDK's
     * adaptor does, so that a concurrent change of the packet is not seen half-way), but not
     * while the send may wait: a monitor held across a virtual thread's park pins its carrier on
     * JDK 21-23 (the JDK 17 adaptor also sent and received a copy outside the packet's monitor).
     */
    @Override
    public void send(DatagramPacket p) throws IOException {
        Objects.requireNonNull(p);
        if (!dc.isBlocking()) {
            throw new IllegalBlockingModeException();
        }
        Scratch s = null;
        try {
            ByteBuffer bb;
            SocketAddress target;
            boolean connected = false;
            synchronized (p) {
                target = p.getSocketAddress();
                InetSocketAddress remote = dc.remoteAddressOrNull();
                if (remote != null && p.getAddress() == null) {
                    p.setSocketAddress(remote); // as the JDK's adaptor: the packet says where it went
                    connected = true;
                } else {
                    if (p.getAddress() == null) {
                        throw new IllegalArgumentException("Address not set");
                    }
                    if (dc.isConnected() && !target.equals(dc.remoteAddressOrNull())) {
                        throw new IllegalArgumentException("connected address and packet address differ");
                    }
                }
                int len = p.getLength();
                if (len <= Scratch.MAX) {
                    s = Scratch.acquire(Math.max(len, 1));
                    bb = s.buffer();
                    bb.put(p.getData(), p.getOffset(), len).flip();
                } else {
                    bb = ByteBuffer.wrap(p.getData().clone(), p.getOffset(), len); // beyond any datagram: the send fails
                }
            }
            if (connected) {
                dc.write(bb);
            } else {
                dc.send(bb, target);
            }
        } catch (IllegalArgumentException | IllegalBlockingModeException e) {
            throw e;
        } catch (Exception e) {
            throw Adaptors.translate(e);
        } finally {
            if (s != null) {
                s.release();
            }
        }
    }

    /**
     * Receives into the packet. The datagram is received into scratch memory without the packet's
     * monitor (the receive may wait: see {@link #send}), then copied into the packet, with its
     * length and sender, under the monitor.
     */
    @Override
    public void receive(DatagramPacket p) throws IOException {
        Objects.requireNonNull(p);
        if (!dc.isBlocking()) {
            throw new IllegalBlockingModeException();
        }
        int room;
        synchronized (p) {
            room = p.getData().length - p.getOffset();
        }
        Scratch s = Scratch.acquire(Math.max(1, Math.min(room, Scratch.MAX)));
        try {
            ByteBuffer bb = s.buffer();
            bb.limit(Math.min(room, bb.capacity()));
            dc.receiveTimeout = timeout;
            SocketAddress sender = dc.receive(bb);
            bb.flip();
            synchronized (p) {
                int len = Math.min(bb.remaining(), p.getData().length - p.getOffset());
                bb.get(p.getData(), p.getOffset(), len);
                p.setSocketAddress(sender);
                p.setLength(len);
            }
        } catch (Exception e) {
            throw Adaptors.translate(e);
        } finally {
            s.release();
        }
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        this.timeout = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        return timeout;
    }

    private <T> void set(SocketOption<T> name, T value) throws SocketException {
        try {
            dc.setOption(name, value);
        } catch (Exception e) {
            throw Adaptors.socketException(e);
        }
    }

    private <T> T get(SocketOption<T> name) throws SocketException {
        try {
            return dc.getOption(name);
        } catch (Exception e) {
            throw Adaptors.socketException(e);
        }
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("Invalid send size");
        }
        set(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override public int getSendBufferSize() throws SocketException { return get(StandardSocketOptions.SO_SNDBUF); }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("Invalid receive size");
        }
        set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override public int getReceiveBufferSize() throws SocketException { return get(StandardSocketOptions.SO_RCVBUF); }
    @Override public void setReuseAddress(boolean on) throws SocketException { set(StandardSocketOptions.SO_REUSEADDR, on); }
    @Override public boolean getReuseAddress() throws SocketException { return get(StandardSocketOptions.SO_REUSEADDR); }
    @Override public void setBroadcast(boolean on) throws SocketException { set(StandardSocketOptions.SO_BROADCAST, on); }
    @Override public boolean getBroadcast() throws SocketException { return get(StandardSocketOptions.SO_BROADCAST); }
    @Override public void setTrafficClass(int tc) throws SocketException { set(StandardSocketOptions.IP_TOS, tc); }
    @Override public int getTrafficClass() throws SocketException { return get(StandardSocketOptions.IP_TOS); }

    @Override
    public void close() {
        try {
            dc.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override public boolean isClosed() { return !dc.isOpen(); }
    @Override public DatagramChannel getChannel() { return dc; }

    @Override
    public <T> DatagramSocket setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name);
        try {
            dc.setOption(name, value);
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name);
        try {
            return dc.getOption(name);
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return dc.supportedOptions();
    }

    @Override
    public void joinGroup(SocketAddress mcastaddr, NetworkInterface netIf) throws IOException {
        if (!(mcastaddr instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("Unsupported address type");
        }
        NetworkInterface ni = netIf != null ? netIf : dc.getOption(StandardSocketOptions.IP_MULTICAST_IF);
        if (ni == null) {
            throw new SocketException("No network interface to join on");
        }
        dc.join(((InetSocketAddress) mcastaddr).getAddress(), ni);
    }
}
