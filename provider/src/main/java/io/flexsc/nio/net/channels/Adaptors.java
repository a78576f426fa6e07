package io.flexsc.nio.net.channels;

import java.io.IOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/** Exception translation of the socket adaptors, as the JDK's {@code Net.translateException}. */
final class Adaptors {
    private Adaptors() {}

    static SocketException socketException(Exception e) {
        if (e instanceof SocketException) {
            return (SocketException) e;
        }
        SocketException se;
        if (e instanceof ClosedChannelException) {
            se = new SocketException("Socket is closed");
        } else if (e instanceof NotYetConnectedException) {
            se = new SocketException("Socket is not connected");
        } else if (e instanceof AlreadyBoundException) {
            se = new SocketException("Already bound");
        } else if (e instanceof NotYetBoundException) {
            se = new SocketException("Socket is not bound yet");
        } else if (e instanceof UnsupportedAddressTypeException) {
            se = new SocketException("Unsupported address type");
        } else {
            se = new SocketException(e.getMessage());
        }
        se.initCause(e);
        return se;
    }

    /** Translates channel exceptions to the java.net ones the adaptors' callers expect. */
    static IOException translate(Exception e) {
        if (e instanceof UnresolvedAddressException) {
            return new UnknownHostException();
        }
        if (e instanceof IOException && !(e instanceof ClosedChannelException)) {
            return (IOException) e;
        }
        if (e instanceof RuntimeException && !(e instanceof NotYetConnectedException || e instanceof AlreadyBoundException
                || e instanceof NotYetBoundException || e instanceof UnsupportedAddressTypeException)) {
            throw (RuntimeException) e;
        }
        return socketException(e);
    }
}
