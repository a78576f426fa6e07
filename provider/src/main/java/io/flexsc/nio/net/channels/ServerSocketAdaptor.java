package io.flexsc.nio.net.channels;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link ServerSocket} view of a {@link FlexServerSocketChannel}, as the JDK's
 * ServerSocketAdaptor: accept needs blocking mode and honours {@code setSoTimeout}; channel
 * exceptions become java.net ones.
 *
 * <p>Thread safety: as the channel's.
 */
final class ServerSocketAdaptor extends ServerSocket {
    private final FlexServerSocketChannel ssc;
    private volatile int timeout;

    ServerSocketAdaptor(FlexServerSocketChannel ssc) {
        super(NoImpl.INSTANCE);
        this.ssc = ssc;
    }

    /** ServerSocket's protected constructor needs an impl; this one is never used. */
    private static final class NoImpl extends SocketImpl {
        static final NoImpl INSTANCE = new NoImpl();

        private static IOException unused() {
            return new SocketException("not used by the channel adaptor");
        }

        @Override protected void create(boolean stream) throws IOException { throw unused(); }
        @Override protected void connect(String host, int port) throws IOException { throw unused(); }
        @Override protected void connect(InetAddress address, int port) throws IOException { throw unused(); }
        @Override protected void connect(SocketAddress address, int timeout) throws IOException { throw unused(); }
        @Override protected void bind(InetAddress host, int port) throws IOException { throw unused(); }
        @Override protected void listen(int backlog) throws IOException { throw unused(); }
        @Override protected void accept(SocketImpl s) throws IOException { throw unused(); }
        @Override protected InputStream getInputStream() throws IOException { throw unused(); }
        @Override protected OutputStream getOutputStream() throws IOException { throw unused(); }
        @Override protected int available() throws IOException { throw unused(); }
        @Override protected void close() { }
        @Override protected void sendUrgentData(int data) throws IOException { throw unused(); }
        @Override public void setOption(int optID, Object value) throws SocketException { throw new SocketException("not used"); }
        @Override public Object getOption(int optID) throws SocketException { throw new SocketException("not used"); }
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        bind(local, 50);
    }

    @Override
    public void bind(SocketAddress local, int backlog) throws IOException {
        if (local == null) {
            local = new InetSocketAddress(0);
        }
        try {
            ssc.bind(local, backlog);
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
    }

    @Override
    public InetAddress getInetAddress() {
        SocketAddress a = ssc.localAddressOrNull();
        return a instanceof InetSocketAddress && ssc.isOpen() ? ((InetSocketAddress) a).getAddress() : null;
    }

    @Override
    public int getLocalPort() {
        SocketAddress a = ssc.localAddressOrNull();
        return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getPort() : -1;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return ssc.localAddressOrNull();
    }

    @Override
    public Socket accept() throws IOException {
        if (!ssc.isBlocking()) {
            throw new IllegalBlockingModeException();
        }
        try {
            if (!ssc.isBound()) {
                throw new SocketException("Socket is not bound yet");
            }
            ssc.acceptTimeout = timeout;
            SocketChannel sc = ssc.accept();
            return sc.socket();
        } catch (IllegalBlockingModeException e) {
            throw e;
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
    }

    @Override
    public void close() throws IOException {
        ssc.close();
    }

    @Override
    public ServerSocketChannel getChannel() {
        return ssc;
    }

    @Override public boolean isBound() { return ssc.isBound(); }
    @Override public boolean isClosed() { return !ssc.isOpen(); }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (!ssc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        this.timeout = timeout;
    }

    @Override
    public int getSoTimeout() throws IOException {
        if (!ssc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        return timeout;
    }

    private <T> void set(SocketOption<T> name, T value) throws SocketException {
        try {
            ssc.setOption(name, value);
        } catch (Exception e) {
            throw Adaptors.socketException(e);
        }
    }

    private <T> T get(SocketOption<T> name) throws SocketException {
        try {
            return ssc.getOption(name);
        } catch (Exception e) {
            throw Adaptors.socketException(e);
        }
    }

    @Override public void setReuseAddress(boolean on) throws SocketException { set(StandardSocketOptions.SO_REUSEADDR, on); }
    @Override public boolean getReuseAddress() throws SocketException { return get(StandardSocketOptions.SO_REUSEADDR); }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("size cannot be 0 or negative");
        }
        set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override public int getReceiveBufferSize() throws SocketException { return get(StandardSocketOptions.SO_RCVBUF); }

    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name);
        try {
            ssc.setOption(name, value);
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name);
        try {
            return ssc.getOption(name);
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return ssc.supportedOptions();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // a hint the JDK ignores as well
    }

    @Override
    public String toString() {
        if (!isBound()) {
            return "ServerSocket[unbound]";
        }
        return "ServerSocket[addr=" + getInetAddress() + ",localport=" + getLocalPort() + "]";
    }
}
