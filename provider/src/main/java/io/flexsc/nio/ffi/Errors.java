package io.flexsc.nio.ffi;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Turns an errno into the exception the JDK (17) throws for the same failure, with the same type
 * and message, so that code moving from the JDK's channels to ours sees no difference.
 *
 * <p>The JDK picks the exception by the kind of operation, not by errno alone; so does this class:
 * <ul>
 *   <li>{@link #forPath}: operations on a named file (open, stat, ...), as
 *       {@code sun.nio.fs.UnixException.translateToIOException}: {@code EACCES} →
 *       {@link AccessDeniedException}, {@code ENOENT} → {@link NoSuchFileException}, {@code EEXIST}
 *       → {@link FileAlreadyExistsException} (these three carry only the file names), {@code ELOOP}
 *       → {@link FileSystemException} whose reason is the error text followed by
 *       {@value #ELOOP_SUFFIX}, anything else → {@link FileSystemException} with the error text.</li>
 *   <li>{@link #forIo}: reads, writes, syncs and the like on an open descriptor (file or socket
 *       writes), as {@code IOUtil}: a plain {@link IOException} whose message is the error text,
 *       e.g. "Broken pipe" or "Connection reset by peer".</li>
 *   <li>{@link #forSocketRead}: reads from a stream socket, as {@code SocketChannelImpl}:
 *       {@code ECONNRESET} (and {@code EPIPE}) → {@link SocketException} "Connection reset"; the
 *       JDK itself throws the internal {@code sun.net.ConnectionResetException}, a
 *       {@code SocketException} with that message, for a read it retries; otherwise as
 *       {@link #forIo}.</li>
 *   <li>{@link #forSocket}: socket set-up and datagram operations (connect, finishing a connect from
 *       {@code SO_ERROR}, bind, listen, options, send/receive of datagrams), as
 *       {@code sun.nio.ch.Net}'s {@code handleSocketError}: {@code ECONNREFUSED},
 *       {@code ETIMEDOUT} and {@code ENOTCONN} → {@link ConnectException}, {@code EHOSTUNREACH} →
 *       {@link NoRouteToHostException}, {@code EADDRINUSE}, {@code EADDRNOTAVAIL} and {@code EACCES}
 *       → {@link BindException}, {@code EPROTO} → {@link ProtocolException}, anything else →
 *       {@link SocketException}; the message is always the error text (e.g. "Connection refused",
 *       "Connection timed out", "Address already in use", "Cannot assign requested address").</li>
 * </ul>
 *
 * <p>The error text is the C library's {@code strerror} text in the process's locale, which is
 * what the JDK's native code uses, so messages match the JDK running in the same process.
 *
 * <p>{@code EAGAIN} and {@code EINTR} are not errors for channels: callers retry or report "no
 * progress" before any of these methods is reached.
 *
 * <p>Stateless and thread safe.
 */
public final class Errors {
    private Errors() {}

    /** What the JDK appends to the error text of {@code ELOOP} on a path. */
    public static final String ELOOP_SUFFIX = " or unable to access attributes of symbolic link";

    private static final int MSG_CAPACITY = 256;

    /**
     * {@code char *strerror_r(int errnum, char *buf, size_t len)}, the GNU form glibc exports under
     * this name: the message's address, a static string or {@code buf}. Thread safe; cannot fail.
     */
    private static final class Libc {
        static final CFunction STRERROR_R = CFunction.bind("strerror_r", 3);
    }

    /**
     * The C library's message for {@code errno} ({@code strerror_r}), e.g. "No such file or
     * directory"; "Unknown error N" for a number it does not know. The one source of error text:
     * every exception message and log line that names an errno takes it from here.
     */
    public static String strerror(int errno) {
        long buf = NativeMemory.allocate(MSG_CAPACITY);
        try {
            long msg = Libc.STRERROR_R.call3(errno, buf, MSG_CAPACITY);
            return msg == 0 ? "Unknown error " + errno : CString.get(msg);
        } finally {
            NativeMemory.free(buf);
        }
    }

    /** {@link #forPath(int, String, String)} with no second file. */
    public static FileSystemException forPath(int errno, String file) {
        return forPath(errno, file, null);
    }

    /**
     * The exception for a failed operation on the named file(s), as the JDK's file system provider
     * throws it.
     *
     * @param file  the file the operation was on, as the caller shows it (the path's string)
     * @param other the second file of a two-file operation (copy, move, link), or null
     */
    public static FileSystemException forPath(int errno, String file, String other) {
        switch (errno) {
            case Errno.EACCES:
                return new AccessDeniedException(file, other, null);
            case Errno.ENOENT:
                return new NoSuchFileException(file, other, null);
            case Errno.EEXIST:
                return new FileAlreadyExistsException(file, other, null);
            case Errno.ELOOP:
                return new FileSystemException(file, other, strerror(errno) + ELOOP_SUFFIX);
            default:
                return new FileSystemException(file, other, strerror(errno));
        }
    }

    /** A failed read/write/sync/... on an open descriptor: {@code IOException(strerror)}. */
    public static IOException forIo(int errno) {
        return new IOException(strerror(errno));
    }

    /** A failed read from a stream socket (see the class comment). */
    public static IOException forSocketRead(int errno) {
        if (errno == Errno.ECONNRESET || errno == Errno.EPIPE) {
            return new SocketException("Connection reset");
        }
        return forIo(errno);
    }

    /**
     * A failed socket set-up or datagram operation, as {@code Net.handleSocketError}: a
     * {@link SocketException} subclass, or {@link ProtocolException} for {@code EPROTO}.
     */
    public static IOException forSocket(int errno) {
        String msg = strerror(errno);
        switch (errno) {
            case Errno.ECONNREFUSED:
            case Errno.ETIMEDOUT:
            case Errno.ENOTCONN:
                return new ConnectException(msg);
            case Errno.EHOSTUNREACH:
                return new NoRouteToHostException(msg);
            case Errno.EADDRINUSE:
            case Errno.EADDRNOTAVAIL:
            case Errno.EACCES:
                return new BindException(msg);
            case Errno.EPROTO:
                return new ProtocolException(msg);
            default:
                return new SocketException(msg);
        }
    }
}
