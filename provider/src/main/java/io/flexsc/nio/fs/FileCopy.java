package io.flexsc.nio.fs;

import io.flexsc.nio.engine.SyscallEngine;
import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.spi.FileSystemProvider;

/**
 * {@code Files.copy} of a regular file through the engine, with the JDK's semantics: the same
 * file is a no-op; an existing target is {@link FileAlreadyExistsException} unless
 * {@code REPLACE_EXISTING}, which deletes it first (a non-empty directory then fails as the JDK's
 * does); the target is created with the source's permission bits (less the umask) and filled with
 * {@code copy_file_range}; a failed copy removes the partial target.
 *
 * <p>Only the plain case is handled here; {@link #copy} answers {@code false} for everything else
 * (directories, symbolic links copied as links, special files) and the caller then uses the
 * built-in copy. Stateless and thread safe.
 */
final class FileCopy {
    private FileCopy() {}

    /** True when the options are ones this class implements (no COPY_ATTRIBUTES, no ATOMIC_MOVE). */
    static boolean eligible(CopyOption... options) {
        for (CopyOption o : options) {
            if (o != StandardCopyOption.REPLACE_EXISTING && o != LinkOption.NOFOLLOW_LINKS) {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies {@code source} to {@code target} (built-in paths) if source is a regular file.
     *
     * @return false if the caller should use the built-in copy instead (nothing was done)
     */
    static boolean copy(SyscallEngine engine, FileSystemProvider builtin, Path source, Path target,
                        CopyOption... options) throws IOException {
        boolean replace = false;
        boolean follow = true;
        for (CopyOption o : options) {
            if (o == StandardCopyOption.REPLACE_EXISTING) {
                replace = true;
            } else if (o == LinkOption.NOFOLLOW_LINKS) {
                follow = false;
            }
        }
        LinkOption[] linkOpts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        PosixFileAttributes sa = builtin.readAttributes(source, PosixFileAttributes.class, linkOpts);
        if (!sa.isRegularFile()) {
            return false;
        }
        PosixFileAttributes ta;
        try {
            ta = builtin.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            ta = null;
        }
        if (ta != null) {
            if (sa.fileKey() != null && sa.fileKey().equals(ta.fileKey())) {
                return true; // same file: nothing to do
            }
            if (!replace) {
                throw new FileAlreadyExistsException(target.toString());
            }
            builtin.delete(target);
        }
        OpenFlags in = OpenFlags.of(java.util.Set.of()).forFileChannel();
        in.noFollowLinks = !follow;
        OpenFlags out = OpenFlags.of(java.util.Set.of()).forFileChannel();
        out.read = false;
        out.write = true;
        out.createNew = true;
        int mode = permissionBits(sa);
        try (FlexFileChannel src = FlexFileChannel.open(engine, builtin, source, in, mode)) {
            boolean done = false;
            FlexFileChannel dst = FlexFileChannel.open(engine, builtin, target, out, mode);
            try {
                long size = src.size();
                long n = 0;
                while (n < size) {
                    long k = src.transferTo(n, size - n, dst);
                    if (k <= 0) {
                        break;
                    }
                    n += k;
                }
                // the file may have grown meanwhile: copy to its end, as the JDK's read loop does
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(64 * 1024);
                for (;;) {
                    b.clear();
                    int r = src.read(b, n);
                    if (r <= 0) {
                        break;
                    }
                    b.flip();
                    while (b.hasRemaining()) {
                        n += dst.write(b, n);
                    }
                }
                done = true;
            } finally {
                dst.close();
                if (!done) {
                    try {
                        builtin.deleteIfExists(target);
                    } catch (IOException ignore) {
                        // best effort, as the JDK's
                    }
                }
            }
        }
        return true;
    }

    private static int permissionBits(PosixFileAttributes a) {
        int mode = 0;
        for (java.nio.file.attribute.PosixFilePermission p : a.permissions()) {
            mode |= 0400 >> p.ordinal();
        }
        return mode;
    }
}
