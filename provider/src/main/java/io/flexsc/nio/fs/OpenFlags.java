package io.flexsc.nio.fs;

import static io.flexsc.nio.ffi.Linux.*;

import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The open options of a channel, read and checked the way the JDK's Unix provider does, and turned
 * into {@code open(2)} flags and a creation mode.
 *
 * <p>Rules (as the JDK's): neither READ nor WRITE means READ, or WRITE with APPEND; READ + APPEND and
 * APPEND + TRUNCATE_EXISTING are {@link IllegalArgumentException}s; SPARSE is accepted and ignored
 * (Linux files are sparse anyway); an option the provider does not know is an
 * {@link UnsupportedOperationException} naming it; a null option a {@link NullPointerException}.
 * {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} is recognised and reported through
 * {@link #direct}: the provider leaves such files to the built-in channel, which knows the alignment
 * rules of O_DIRECT.
 *
 * <p>Immutable once built; not shared.
 */
final class OpenFlags {
    boolean read;
    boolean write;
    boolean append;
    boolean truncateExisting;
    boolean noFollowLinks;
    boolean create;
    boolean createNew;
    boolean deleteOnClose;
    boolean sync;
    boolean dsync;
    boolean direct;

    /** Reads a set of options; throws as the JDK does for unknown or null ones. */
    static OpenFlags of(Set<? extends OpenOption> options) {
        OpenFlags f = new OpenFlags();
        for (OpenOption o : options) {
            if (o instanceof StandardOpenOption) {
                switch ((StandardOpenOption) o) {
                    case READ: f.read = true; break;
                    case WRITE: f.write = true; break;
                    case APPEND: f.append = true; break;
                    case TRUNCATE_EXISTING: f.truncateExisting = true; break;
                    case CREATE: f.create = true; break;
                    case CREATE_NEW: f.createNew = true; break;
                    case DELETE_ON_CLOSE: f.deleteOnClose = true; break;
                    case SPARSE: break;
                    case SYNC: f.sync = true; break;
                    case DSYNC: f.dsync = true; break;
                    default: throw new UnsupportedOperationException();
                }
                continue;
            }
            if (o == LinkOption.NOFOLLOW_LINKS) {
                f.noFollowLinks = true;
                continue;
            }
            if (o != null && isDirect(o)) {
                f.direct = true;
                continue;
            }
            if (o == null) {
                throw new NullPointerException();
            }
            throw new UnsupportedOperationException(o + " not supported");
        }
        return f;
    }

    private static boolean isDirect(OpenOption o) {
        return o instanceof Enum && "DIRECT".equals(((Enum<?>) o).name())
                && "com.sun.nio.file.ExtendedOpenOption".equals(o.getClass().getName());
    }

    /** Defaults and checks for a {@code FileChannel}: READ by default, WRITE with APPEND. */
    OpenFlags forFileChannel() {
        if (!read && !write) {
            if (append) {
                write = true;
            } else {
                read = true;
            }
        }
        if (read && append) {
            throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (append && truncateExisting) {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
        return this;
    }

    /** Defaults and checks for an {@code AsynchronousFileChannel}: READ by default, no APPEND. */
    OpenFlags forAsynchronousChannel() {
        if (!read && !write) {
            read = true;
        }
        if (append) {
            throw new UnsupportedOperationException("APPEND not allowed");
        }
        return this;
    }

    /** True when links are not followed: NOFOLLOW_LINKS, or DELETE_ON_CLOSE, unless CREATE_NEW. */
    boolean noFollow() {
        return !createNew && (noFollowLinks || deleteOnClose);
    }

    /** The {@code open(2)} flags. */
    int oflags() {
        int o = read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
        if (write) {
            if (truncateExisting) {
                o |= O_TRUNC;
            }
            if (append) {
                o |= O_APPEND;
            }
            if (createNew) {
                o |= O_CREAT | O_EXCL;
            } else if (create) {
                o |= O_CREAT;
            }
        }
        if (noFollow()) {
            o |= O_NOFOLLOW;
        }
        if (dsync) {
            o |= O_DSYNC;
        }
        if (sync) {
            o |= O_SYNC;
        }
        return o | O_CLOEXEC;
    }

    /**
     * The creation mode from initial attributes: {@code 0666} unless a {@code posix:permissions} (or
     * {@code unix:permissions}) attribute says otherwise; any other attribute is an
     * {@link UnsupportedOperationException}, as the JDK's.
     */
    static int mode(FileAttribute<?>... attrs) {
        int mode = 0666;
        for (FileAttribute<?> a : attrs) {
            String name = a.name();
            if (!name.equals("posix:permissions") && !name.equals("unix:permissions")) {
                throw new UnsupportedOperationException("'" + name + "' not supported as initial attribute");
            }
            mode = 0;
            for (Object p : (Set<?>) a.value()) {
                mode |= bit((PosixFilePermission) p);
            }
        }
        return mode;
    }

    private static int bit(PosixFilePermission p) {
        switch (p) {
            case OWNER_READ: return 0400;
            case OWNER_WRITE: return 0200;
            case OWNER_EXECUTE: return 0100;
            case GROUP_READ: return 040;
            case GROUP_WRITE: return 020;
            case GROUP_EXECUTE: return 010;
            case OTHERS_READ: return 04;
            case OTHERS_WRITE: return 02;
            case OTHERS_EXECUTE: return 01;
            default: throw new AssertionError(p);
        }
    }
}
