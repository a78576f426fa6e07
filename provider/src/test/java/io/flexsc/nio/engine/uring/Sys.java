package io.flexsc.nio.engine.uring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.RawSyscall;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: direct system calls for fixtures (fds, buffers, paths), and their cleanup. */
final class Sys implements AutoCloseable {
    static final int AT_FDCWD = -100;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = O_NONBLOCK;
    static final int SOCK_CLOEXEC = O_CLOEXEC;
    static final int SEEK_CUR = 1;

    private final List<Integer> fds = new ArrayList<>();

    static long direct(int nr, long... a) {
        long[] x = java.util.Arrays.copyOf(a, 6);
        return RawSyscall.invoke(nr, x[0], x[1], x[2], x[3], x[4], x[5]);
    }

    static ByteBuffer buf(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    static long addr(ByteBuffer b) {
        return NativeMemory.address(b);
    }

    /** A NUL-terminated path in native memory. */
    static ByteBuffer cstr(Path p) {
        byte[] s = p.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = buf(s.length + 1);
        b.put(s).put((byte) 0).clear();
        return b;
    }

    static ByteBuffer bytes(String s) {
        byte[] x = s.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = buf(x.length);
        b.put(x).clear();
        return b;
    }

    static String string(ByteBuffer b, int n) {
        byte[] x = new byte[n];
        b.get(0, x);
        return new String(x, StandardCharsets.UTF_8);
    }

    int track(long fd) {
        assertTrue(fd >= 0, () -> "fd: " + fd);
        fds.add((int) fd);
        return (int) fd;
    }

    int open(Path p, int flags) {
        ByteBuffer name = cstr(p);
        long fd = direct(SysNr.OPENAT, AT_FDCWD, addr(name), flags | O_CLOEXEC, 0644);
        java.lang.ref.Reference.reachabilityFence(name); // the buffer's memory must outlive the call
        return track(fd);
    }

    /** A file with the given content, opened with {@code flags}. */
    int file(Path dir, String name, String content, int flags) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return open(p, flags);
    }

    /** {read end, write end}. */
    int[] pipe(int flags) {
        ByteBuffer b = buf(8);
        long r = direct(SysNr.PIPE2, addr(b), flags | O_CLOEXEC);
        assertTrue(r == 0, () -> "pipe2: " + r);
        return new int[] {track(b.getInt(0)), track(b.getInt(4))};
    }

    int[] socketpair(int typeFlags) {
        ByteBuffer b = buf(8);
        long r = direct(SysNr.SOCKETPAIR, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | typeFlags, 0, addr(b));
        assertTrue(r == 0, () -> "socketpair: " + r);
        return new int[] {track(b.getInt(0)), track(b.getInt(4))};
    }

    static long position(int fd) {
        return direct(SysNr.LSEEK, fd, 0, SEEK_CUR);
    }

    /** Open descriptors of this process, by /proc/self/fd. */
    static int openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Link targets of the open descriptors that an engine could leak (anonymous inodes, sockets,
     * pipes), sorted. Files (a jar the class loader opens on first use, say) are left out, so the
     * JVM's own lazily opened files cannot pass for a leak.
     */
    static java.util.List<String> kernelObjectFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> {
                try {
                    return p.getFileName() + " -> " + Files.readSymbolicLink(p);
                } catch (IOException e) {
                    return null; // closed meanwhile (the listing's own descriptor)
                }
            }).filter(t -> t != null && (t.contains("anon_inode:") || t.contains("socket:") || t.contains("pipe:")))
                    .sorted().collect(java.util.stream.Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Descriptors whose link names io_uring (rings of any engine). */
    static long ringFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().contains("io_uring");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String errno(long r) {
        return Errno.isError(r) ? Ring.errnoName(Errno.of(r)) : Long.toString(r);
    }

    @Override
    public void close() {
        for (int fd : fds) {
            direct(SysNr.CLOSE, fd);
        }
        fds.clear();
    }
}
