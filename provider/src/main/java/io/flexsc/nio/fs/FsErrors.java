package io.flexsc.nio.fs;

import io.flexsc.nio.ffi.Errno;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import jnr.ffi.LibraryLoader;

/**
 * Turns a failed system call's errno into the exception the JDK's own Unix file system throws for
 * it, with the same type and message.
 *
 * <p>For a file operation: {@code EACCES} is {@link AccessDeniedException}, {@code ENOENT}
 * {@link NoSuchFileException}, {@code EEXIST} {@link FileAlreadyExistsException}, {@code ELOOP} a
 * {@link FileSystemException} saying "... or unable to access attributes of symbolic link", anything
 * else a {@link FileSystemException} carrying {@code strerror(errno)}. For data transfer on an open
 * channel: a plain {@link IOException} with {@code strerror(errno)}, as the JDK's channels throw.
 *
 * <p>This is a private mapping of the fs package; the {@code ffi} branch's {@code Errors} is meant to
 * replace it. Thread safety: stateless.
 */
final class FsErrors {
    private FsErrors() {}

    /** The part of the C library this class needs. */
    public interface LibC {
        String strerror(int errnum);
    }

    private static final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    }

    /** The C library's text for an errno ({@code "No such file or directory"}). */
    static String message(int errno) {
        try {
            String s = Holder.LIBC.strerror(errno);
            if (s != null) {
                return s;
            }
        } catch (RuntimeException | LinkageError e) {
            // fall through to the number
        }
        return "errno " + errno;
    }

    /** The exception for a file operation on {@code file} (and {@code other}, or null) failing with errno. */
    static IOException forFile(int errno, String file, String other) {
        switch (errno) {
            case Errno.EACCES:
                return new AccessDeniedException(file, other, null);
            case Errno.ENOENT:
                return new NoSuchFileException(file, other, null);
            case Errno.EEXIST:
                return new FileAlreadyExistsException(file, other, null);
            case Errno.ELOOP:
                return new FileSystemException(file, other, message(errno) + " or unable to access attributes of symbolic link");
            default:
                return new FileSystemException(file, other, message(errno));
        }
    }

    /** The exception for data transfer on an open channel failing with errno. */
    static IOException forChannel(int errno) {
        return new IOException(message(errno));
    }
}
