package io.flexsc.nio.ffi;

import java.io.IOException;

/**
 * The JDK's {@code sun.nio.ch.IOStatus} conventions for raw results of transfers on channels.
 *
 * <p>A transfer's raw result ({@code >= 0} or {@code -errno}) becomes:
 * <ul>
 *   <li>a byte count {@code > 0}, as it is;</li>
 *   <li>for a read, 0 → {@link #EOF} (-1): a read of a nonzero length that returns nothing is at
 *       end of stream. Callers do not issue reads of zero bytes (the JDK returns 0 for an empty
 *       buffer without calling the kernel); for a write, 0 stays 0;</li>
 *   <li>{@code -EAGAIN} → {@link #UNAVAILABLE} (-2): a non-blocking descriptor has no data or
 *       room now; the channel returns 0 to its caller (the JDK's {@code IOStatus.normalize});</li>
 *   <li>{@code -EINTR} → {@link #INTERRUPTED} (-3): interrupted by a signal; the channel retries
 *       unless it was closed or its thread interrupted meanwhile;</li>
 *   <li>any other {@code -errno}: thrown, as the given {@link Errors.Mapper} says.</li>
 * </ul>
 * Stateless and thread safe.
 */
public final class IoStatus {
    private IoStatus() {}

    /** End of stream. */
    public static final int EOF = -1;
    /** Nothing could be done without blocking ({@code EAGAIN}). */
    public static final int UNAVAILABLE = -2;
    /** Interrupted by a signal ({@code EINTR}). */
    public static final int INTERRUPTED = -3;

    /** A read's raw result in the IOStatus convention; see the class comment. */
    public static long read(long raw, Errors.Mapper onError) throws IOException {
        if (raw > 0) {
            return raw;
        }
        if (raw == 0) {
            return EOF;
        }
        return status(raw, onError);
    }

    /** A write's raw result in the IOStatus convention; see the class comment. */
    public static long write(long raw, Errors.Mapper onError) throws IOException {
        return raw >= 0 ? raw : status(raw, onError);
    }

    /** The result of a count-returning call with no IOStatus meaning ({@code -EAGAIN} included): raw or thrown. */
    public static long check(long raw, Errors.Mapper onError) throws IOException {
        if (raw >= 0) {
            return raw;
        }
        throw onError.map(Errno.of(raw));
    }

    /** The JDK's {@code IOStatus.normalize}: {@link #UNAVAILABLE} becomes 0, other values stay. */
    public static long normalize(long status) {
        return status == UNAVAILABLE ? 0 : status;
    }

    private static long status(long raw, Errors.Mapper onError) throws IOException {
        int errno = Errno.of(raw);
        if (errno == Errno.EAGAIN) {
            return UNAVAILABLE;
        }
        if (errno == Errno.EINTR) {
            return INTERRUPTED;
        }
        throw onError.map(errno);
    }
}
