package io.flexsc.nio.net.channels;

import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link Socket} view of a {@link FlexSocketChannel}, as the JDK's SocketAdaptor: every method
 * goes to the channel; the streams need blocking mode ({@link IllegalBlockingModeException}
 * otherwise); {@code setSoTimeout} bounds blocking reads; channel exceptions become the java.net
 * ones ("Socket is closed", ...).
 *
 * <p>Thread safety: as the channel's.
 */
final class SocketAdaptor extends Socket {
    private final FlexSocketChannel sc;
    private volatile int timeout;

    private SocketAdaptor(FlexSocketChannel sc) throws SocketException {
        super((SocketImpl) null);
        this.sc = sc;
    }

    static SocketAdaptor create(FlexSocketChannel sc) {
        try {
            return new SocketAdaptor(sc);
        } catch (SocketException e) {
            throw new InternalError(e); // Socket(SocketImpl) throws only under a security manager
        }
    }

    private static SocketException se(Exception e) {
        return Adaptors.socketException(e);
    }

    @Override
    public SocketChannel getChannel() {
        return sc;
    }

    @Override
    public void connect(SocketAddress remote) throws IOException {
        connect(remote, 0);
    }

    @Override
    public void connect(SocketAddress remote, int timeout) throws IOException {
        if (remote == null) {
            throw new IllegalArgumentException("connect: The address can't be null");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("connect: timeout can't be negative");
        }
        try {
            if (!sc.isBlocking()) {
                throw new IllegalBlockingModeException();
            }
            sc.blockingConnect(remote, timeout);
        } catch (IllegalBlockingModeException e) {
            throw e;
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        try {
            sc.bind(local);
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
    }

    @Override
    public InetAddress getInetAddress() {
        SocketAddress a = sc.remoteAddressOrNull();
        return a instanceof InetSocketAddress && sc.isConnected() ? ((InetSocketAddress) a).getAddress() : null;
    }

    @Override
    public InetAddress getLocalAddress() {
        if (sc.isOpen()) {
            SocketAddress a = sc.localAddressOrNull();
            if (a instanceof InetSocketAddress) {
                return ((InetSocketAddress) a).getAddress();
            }
        }
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public int getPort() {
        SocketAddress a = sc.remoteAddressOrNull();
        return a instanceof InetSocketAddress && sc.isConnected() ? ((InetSocketAddress) a).getPort() : 0;
    }

    @Override
    public int getLocalPort() {
        SocketAddress a = sc.localAddressOrNull();
        return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getPort() : -1;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return sc.isConnected() ? sc.remoteAddressOrNull() : null;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return sc.isOpen() ? sc.localAddressOrNull() : null;
    }

    private <T> void set(SocketOption<T> name, T value) throws SocketException {
        try {
            sc.setOption(name, value);
        } catch (Exception e) {
            throw se(e);
        }
    }

    private <T> T get(SocketOption<T> name) throws SocketException {
        try {
            return sc.getOption(name);
        } catch (Exception e) {
            throw se(e);
        }
    }

    @Override public void setTcpNoDelay(boolean on) throws SocketException { set(StandardSocketOptions.TCP_NODELAY, on); }
    @Override public boolean getTcpNoDelay() throws SocketException { return get(StandardSocketOptions.TCP_NODELAY); }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        if (!on) {
            linger = -1;
        } else if (linger < 0) {
            throw new IllegalArgumentException("invalid value for SO_LINGER");
        }
        set(StandardSocketOptions.SO_LINGER, linger);
    }

    @Override public int getSoLinger() throws SocketException { return get(StandardSocketOptions.SO_LINGER); }

    @Override
    public void sendUrgentData(int data) throws IOException {
        sc.sendUrgentData((byte) data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        try {
            if (!sc.isOpen()) {
                throw new SocketException("Socket is closed");
            }
            NetSys.setIntOpt(sc.fds.fd, Linux.SOL_SOCKET, Linux.SO_OOBINLINE, on ? 1 : 0);
        } catch (IOException e) {
            throw se(e);
        }
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        try {
            if (!sc.isOpen()) {
                throw new SocketException("Socket is closed");
            }
            return NetSys.getIntOpt(sc.fds.fd, Linux.SOL_SOCKET, Linux.SO_OOBINLINE) != 0;
        } catch (IOException e) {
            throw se(e);
        }
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        this.timeout = timeout; // the streams' reads only: the channel's own reads never time out
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        return timeout;
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
    @Override public void setKeepAlive(boolean on) throws SocketException { set(StandardSocketOptions.SO_KEEPALIVE, on); }
    @Override public boolean getKeepAlive() throws SocketException { return get(StandardSocketOptions.SO_KEEPALIVE); }
    @Override public void setTrafficClass(int tc) throws SocketException { set(StandardSocketOptions.IP_TOS, tc); }
    @Override public int getTrafficClass() throws SocketException { return get(StandardSocketOptions.IP_TOS); }
    @Override public void setReuseAddress(boolean on) throws SocketException { set(StandardSocketOptions.SO_REUSEADDR, on); }
    @Override public boolean getReuseAddress() throws SocketException { return get(StandardSocketOptions.SO_REUSEADDR); }

    @Override
    public void close() throws IOException {
        sc.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        try {
            sc.shutdownInput();
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        try {
            sc.shutdownOutput();
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
    }

    @Override
    public String toString() {
        if (sc.isConnected()) {
            return "Socket[addr=" + getInetAddress() + ",port=" + getPort() + ",localport=" + getLocalPort() + "]";
        }
        return "Socket[unconnected]";
    }

    @Override public boolean isConnected() { return sc.isConnected(); }
    @Override public boolean isBound() { return sc.localAddressOrNull() != null; }
    @Override public boolean isClosed() { return !sc.isOpen(); }
    @Override public boolean isInputShutdown() { return !sc.isOpen() || sc.isInputClosed(); }
    @Override public boolean isOutputShutdown() { return !sc.isOpen() || sc.isOutputClosed(); }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name);
        try {
            sc.setOption(name, value);
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name);
        try {
            return sc.getOption(name);
        } catch (Exception e) {
            throw Adaptors.translate(e);
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return sc.supportedOptions();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // a hint the JDK ignores as well
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (!sc.isConnected()) {
            throw new SocketException("Socket is not connected");
        }
        if (sc.isInputClosed()) {
            throw new SocketException("Socket input is shutdown");
        }
        return new InputStream() {
            private volatile boolean eof;

            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                int n = read(b, 0, 1);
                return n > 0 ? (b[0] & 0xff) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                if (eof) {
                    return -1;
                }
                sc.ensureBlocking();
                try {
                    int n = sc.adaptorRead(ByteBuffer.wrap(b, off, len), timeout);
                    if (n < 0) {
                        eof = true;
                    }
                    return n;
                } catch (IllegalBlockingModeException | ClosedChannelException e) {
                    // as the JDK's streams: a closed channel, an asynchronous close and an
                    // interrupt (ClosedByInterruptException, interrupt status kept) are the
                    // channel's exceptions
                    throw e;
                } catch (Exception e) {
                    throw Adaptors.translate(e);
                }
            }

            @Override
            public int available() throws IOException {
                if (!sc.isOpen()) {
                    throw new SocketException("Socket is closed");
                }
                return sc.available();
            }

            @Override
            public void close() throws IOException {
                sc.close();
            }
        };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (!sc.isConnected()) {
            throw new SocketException("Socket is not connected");
        }
        if (sc.isOutputClosed()) {
            throw new SocketException("Socket output is shutdown");
        }
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                sc.ensureBlocking();
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                try {
                    while (bb.hasRemaining()) {
                        sc.write(bb);
                    }
                } catch (IllegalBlockingModeException | ClosedChannelException e) {
                    throw e; // as the JDK's streams (see the input stream)
                } catch (Exception e) {
                    throw Adaptors.translate(e);
                }
            }

            @Override
            public void close() throws IOException {
                sc.close();
            }
        };
    }
}
