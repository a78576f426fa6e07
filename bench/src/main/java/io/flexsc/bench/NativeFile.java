package io.flexsc.bench;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.RawSyscall;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Raw file descriptors for the engine benchmarks: engines take descriptors, not channels, so the
 * benchmarks open their targets with {@code openat(2)} themselves.
 *
 * <p>Stateless and thread-safe; every descriptor returned is the caller's to {@link #close(int)}.
 */
final class NativeFile {
    private NativeFile() {}

    private static final int AT_FDCWD = -100;
    private static final int O_WRONLY = 0x1;
    private static final int O_CLOEXEC = 0x80000;

    /**
     * Opens {@code path} write-only.
     *
     * @return the descriptor
     * @throws IOException naming the path and the errno if the kernel refuses
     */
    static int openWriteOnly(Path path) throws IOException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer cString = ByteBuffer.allocateDirect(name.length + 1);
        cString.put(name).put((byte) 0);
        long r = RawSyscall.invoke(SysNr.OPENAT, AT_FDCWD, NativeMemory.address(cString), O_WRONLY | O_CLOEXEC, 0, 0, 0);
        java.lang.ref.Reference.reachabilityFence(cString);
        if (Errno.isError(r)) {
            throw new IOException("openat(" + path + ", O_WRONLY) failed: errno " + Errno.of(r));
        }
        return (int) r;
    }

    /** Closes a descriptor from {@link #openWriteOnly}; a negative descriptor is ignored. */
    static void close(int fd) throws IOException {
        if (fd < 0) {
            return;
        }
        long r = RawSyscall.invoke(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
        if (Errno.isError(r)) {
            throw new IOException("close(" + fd + ") failed: errno " + Errno.of(r));
        }
    }
}
