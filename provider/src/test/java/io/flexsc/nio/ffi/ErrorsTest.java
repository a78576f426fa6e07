package io.flexsc.nio.ffi;

import static io.flexsc.nio.ffi.Mem.addr;
import static io.flexsc.nio.ffi.Mem.check;
import static io.flexsc.nio.ffi.Mem.direct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Errors} against the JDK: each condition is provoked once through a JDK channel and once
 * through {@link Sys}, and the two exceptions must have the same type and message (and, for file
 * exceptions, the same file, other file and reason).
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ErrorsTest {
    @TempDir
    Path dir;

    private static Throwable jdk(ThrowingRunnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("the JDK did not fail");
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void assertSameException(Throwable expected, Throwable actual) {
        assertSame(expected.getClass(), actual.getClass(), "type; JDK said " + expected);
        assertEquals(expected.getMessage(), actual.getMessage(), "message");
        if (expected instanceof FileSystemException) {
            FileSystemException e = (FileSystemException) expected, a = (FileSystemException) actual;
            assertEquals(e.getFile(), a.getFile(), "file");
            assertEquals(e.getOtherFile(), a.getOtherFile(), "other file");
            assertEquals(e.getReason(), a.getReason(), "reason");
        }
    }

    private static int errnoOf(long raw) {
        assertTrue(Errno.isError(raw), "expected a failure, got " + raw);
        return Errno.of(raw);
    }

    private static int openRaw(Path p, int flags) {
        return Sys.open(p.toString(), flags | Linux.O_CLOEXEC, 0644);
    }

    // ------------------------------------------------------------------ files

    @Test
    void missingFile() {
        Path p = dir.resolve("missing");
        Throwable expected = jdk(() -> FileChannel.open(p).close());
        int errno = errnoOf(openRaw(p, Linux.O_RDONLY));
        assertEquals(Errno.ENOENT, errno);
        assertSameException(expected, Errors.forPath(errno, p.toString()));
    }

    @Test
    void existingFileWithCreateNew() throws IOException {
        Path p = Files.createFile(dir.resolve("f"));
        Throwable expected = jdk(() -> FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close());
        int errno = errnoOf(openRaw(p, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL));
        assertSameException(expected, Errors.forPath(errno, p.toString()));
    }

    @Test
    void symbolicLinkLoop() throws IOException {
        Path p = Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
        Throwable expected = jdk(() -> FileChannel.open(p).close());
        int errno = errnoOf(openRaw(p, Linux.O_RDONLY));
        assertEquals(Errno.ELOOP, errno);
        FileSystemException ours = Errors.forPath(errno, p.toString());
        assertSameException(expected, ours);
        assertTrue(ours.getReason().endsWith(Errors.ELOOP_SUFFIX));
    }

    @Test
    void notADirectoryAndIsADirectory() throws IOException {
        Path f = Files.createFile(dir.resolve("f"));
        Path under = dir.resolve("f/x");
        assertSameException(jdk(() -> FileChannel.open(under).close()),
                Errors.forPath(errnoOf(openRaw(under, Linux.O_RDONLY)), under.toString()));
        assertSameException(jdk(() -> FileChannel.open(dir, StandardOpenOption.WRITE).close()),
                Errors.forPath(errnoOf(openRaw(dir, Linux.O_WRONLY)), dir.toString()));
        assertTrue(Files.exists(f));
    }

    @Test
    void nameTooLong() {
        Path p = dir.resolve("x".repeat(300)); // one component longer than NAME_MAX
        Throwable expected = jdk(() -> FileChannel.open(p).close());
        int errno = errnoOf(openRaw(p, Linux.O_RDONLY));
        assertEquals(Errno.ENAMETOOLONG, errno);
        assertSameException(expected, Errors.forPath(errno, p.toString()));
        // A whole path longer than PATH_MAX: Sys reports what the kernel would.
        String huge = "/" + "y/".repeat(Linux.PATH_MAX);
        assertEquals(-Errno.ENAMETOOLONG, Sys.open(huge, Linux.O_RDONLY, 0));
    }

    @Test
    void accessDeniedWhereThisUserCanBeDenied() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root is never denied by permissions");
        Path p = Files.createFile(dir.resolve("secret"));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
        Throwable expected = jdk(() -> FileChannel.open(p).close());
        assertSameException(expected, Errors.forPath(errnoOf(openRaw(p, Linux.O_RDONLY)), p.toString()));
    }

    @Test
    void twoFileExceptionsCarryBothNames() {
        // The JDK's copy/move report both files; only the names' places are checked here, as
        // AccessDeniedException(file, other, null) is what UnixException builds.
        FileSystemException e = Errors.forPath(Errno.EACCES, "/a", "/b");
        assertSame(AccessDeniedException.class, e.getClass());
        assertEquals("/a", e.getFile());
        assertEquals("/b", e.getOtherFile());
        assertNull(e.getReason());
        assertEquals("/a -> /b", e.getMessage());
        FileSystemException other = Errors.forPath(Errno.EXDEV, "/a", "/b");
        assertSame(FileSystemException.class, other.getClass());
        assertEquals("/a -> /b: " + Errors.strerror(Errno.EXDEV), other.getMessage());
    }

    @Test
    void readingADirectory() throws IOException {
        Throwable expected = jdk(() -> {
            try (FileChannel ch = FileChannel.open(dir)) {
                ch.read(ByteBuffer.allocate(1));
            }
        });
        int fd = openRaw(dir, Linux.O_RDONLY);
        check(fd);
        try {
            ByteBuffer b = direct(1);
            long raw = Sys.read(fd, addr(b), 1);
            IOException ours = Errors.forIo(errnoOf(raw));
            assertSameException(expected, ours);
        } finally {
            Sys.close(fd);
        }
    }

    // ------------------------------------------------------------------ sockets

    private static final ByteBuffer SA = direct(SockAddr.STORAGE_SIZE);

    private static int encode(SocketAddress a) throws IOException {
        return SockAddr.encode(a, Linux.AF_INET, addr(SA), SA.capacity());
    }

    private static int closedPort() throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
    }

    @Test
    void connectionRefusedBlockingAndNonBlocking() throws IOException {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort());
        Throwable expected = jdk(() -> SocketChannel.open(target).close());
        int s = Sys.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        check(s);
        try {
            int errno = errnoOf(Sys.connect(s, addr(SA), encode(target)));
            assertEquals(Errno.ECONNREFUSED, errno);
            assertSameException(expected, Errors.forSocket(errno));
            assertSame(ConnectException.class, expected.getClass());
        } finally {
            Sys.close(s);
        }

        // Non-blocking: EINPROGRESS, then SO_ERROR says why, as finishConnect reads it.
        Throwable expectedFinish = jdk(() -> {
            try (SocketChannel c = SocketChannel.open()) {
                c.configureBlocking(false);
                if (!c.connect(target)) {
                    while (!c.finishConnect()) {
                        Thread.sleep(5);
                    }
                }
            }
        });
        s = Sys.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC | Linux.SOCK_NONBLOCK, 0);
        check(s);
        try {
            int r = Sys.connect(s, addr(SA), encode(target));
            int errno;
            if (r == -Errno.EINPROGRESS) {
                ByteBuffer pfd = direct(Linux.POLLFD_SIZE);
                pfd.putInt(0, s).putShort(4, Linux.POLLOUT);
                check(Sys.poll(addr(pfd), 1, 5000));
                ByteBuffer v = direct(4), vl = direct(4);
                vl.putInt(0, 4);
                check(Sys.getsockopt(s, Linux.SOL_SOCKET, Linux.SO_ERROR, addr(v), addr(vl)));
                errno = v.getInt(0);
            } else {
                errno = errnoOf(r);
            }
            assertEquals(Errno.ECONNREFUSED, errno);
            assertSameException(expectedFinish, Errors.forSocket(errno));
        } finally {
            Sys.close(s);
        }
    }

    @Test
    void addressInUseAndNotAvailable() throws IOException {
        try (ServerSocketChannel taken = ServerSocketChannel.open()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketAddress where = taken.getLocalAddress();
            Throwable expected = jdk(() -> {
                try (ServerSocketChannel again = ServerSocketChannel.open()) {
                    again.bind(where);
                }
            });
            int s = Sys.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
            check(s);
            try {
                int errno = errnoOf(Sys.bind(s, addr(SA), encode(where)));
                assertEquals(Errno.EADDRINUSE, errno);
                assertSameException(expected, Errors.forSocket(errno));
                assertEquals("Address already in use", expected.getMessage());
            } finally {
                Sys.close(s);
            }
        }
        // An address this machine does not have (TEST-NET-1; binding sends nothing).
        InetSocketAddress foreign = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0);
        Throwable expected = jdk(() -> {
            try (ServerSocketChannel c = ServerSocketChannel.open()) {
                c.bind(foreign);
            }
        });
        int s = Sys.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        check(s);
        try {
            int errno = errnoOf(Sys.bind(s, addr(SA), encode(foreign)));
            assertEquals(Errno.EADDRNOTAVAIL, errno);
            assertSameException(expected, Errors.forSocket(errno));
            assertEquals("Cannot assign requested address", expected.getMessage());
            assertSame(BindException.class, expected.getClass());
        } finally {
            Sys.close(s);
        }
    }

    /** A connection whose peer has reset it (SO_LINGER 0 then close): ours, or the JDK's. */
    private static final class ResetPair implements AutoCloseable {
        final ServerSocketChannel server;
        final int ours;
        final SocketChannel theirs;

        ResetPair(boolean oursIsClient) throws IOException {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            if (oursIsClient) {
                ours = Sys.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
                check(ours);
                check(Sys.connect(ours, addr(SA), encode(server.getLocalAddress())));
                theirs = null;
            } else {
                ours = -1;
                theirs = SocketChannel.open(server.getLocalAddress());
            }
            try (SocketChannel peer = server.accept()) {
                peer.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            try {
                Thread.sleep(50); // let the RST arrive
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws IOException {
            if (ours >= 0) {
                Sys.close(ours);
            }
            if (theirs != null) {
                theirs.close();
            }
            server.close();
        }
    }

    @Test
    void readingAResetConnection() throws IOException {
        Throwable expected;
        try (ResetPair jdk = new ResetPair(false)) {
            expected = jdk(() -> jdk.theirs.read(ByteBuffer.allocate(10)));
        }
        try (ResetPair p = new ResetPair(true)) {
            ByteBuffer b = direct(10);
            long raw = Sys.read(p.ours, addr(b), 10);
            assertEquals(Errno.ECONNRESET, errnoOf(raw));
            IOException ours = Errors.forSocketRead(errnoOf(raw));
            assertSameException(expected, ours);
            assertEquals("Connection reset", ours.getMessage());
        }
    }

    @Test
    void writingAResetConnectionThenABrokenPipe() throws IOException {
        List<Throwable> expected = new ArrayList<>();
        try (ResetPair jdk = new ResetPair(false)) {
            for (int i = 0; i < 2; i++) {
                expected.add(jdk(() -> {
                    for (int k = 0; k < 100; k++) {
                        jdk.theirs.write(ByteBuffer.allocate(10));
                    }
                }));
            }
        }
        List<IOException> ours = new ArrayList<>();
        try (ResetPair p = new ResetPair(true)) {
            ByteBuffer b = direct(10);
            for (int i = 0; i < 2; i++) {
                IOException e = null;
                for (int k = 0; k < 100 && e == null; k++) {
                    long raw = Sys.send(p.ours, addr(b), 10, Linux.MSG_NOSIGNAL);
                    if (Errno.isError(raw)) {
                        e = Errors.forIo(Errno.of(raw));
                    }
                }
                if (e == null) {
                    fail("writes to a reset connection kept succeeding");
                }
                ours.add(e);
            }
        }
        for (int i = 0; i < 2; i++) {
            assertSameException(expected.get(i), ours.get(i));
        }
        assertEquals("Connection reset by peer", ours.get(0).getMessage());
        assertEquals("Broken pipe", ours.get(1).getMessage());
    }

    @Test
    void datagramTooLong() throws IOException {
        InetSocketAddress discard = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort());
        Throwable expected = jdk(() -> {
            try (DatagramChannel d = DatagramChannel.open()) {
                d.send(ByteBuffer.allocateDirect(70_000), discard);
            }
        });
        int s = Sys.socket(Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
        check(s);
        try {
            ByteBuffer big = direct(70_000);
            int len = encode(discard);
            int errno = errnoOf(Sys.sendto(s, addr(big), big.capacity(), 0, addr(SA), len));
            assertEquals(Errno.EMSGSIZE, errno);
            assertSameException(expected, Errors.forSocket(errno));
        } finally {
            Sys.close(s);
        }
    }

    @Test
    void socketErrorsThatLoopbackCannotProvoke() {
        // ETIMEDOUT and EHOSTUNREACH need a network that drops or cannot route packets, which a
        // test on loopback does not have; their messages are the C library's texts, as the JDK's.
        IOException timedOut = Errors.forSocket(Errno.ETIMEDOUT);
        assertSame(ConnectException.class, timedOut.getClass());
        assertEquals("Connection timed out", timedOut.getMessage());
        IOException noRoute = Errors.forSocket(Errno.EHOSTUNREACH);
        assertSame(NoRouteToHostException.class, noRoute.getClass());
        assertEquals("No route to host", noRoute.getMessage());
        assertSame(ProtocolException.class, Errors.forSocket(Errno.EPROTO).getClass());
        assertSame(SocketException.class, Errors.forSocket(Errno.ENETUNREACH).getClass());
        assertEquals("Network is unreachable", Errors.forSocket(Errno.ENETUNREACH).getMessage());
        assertSame(ConnectException.class, Errors.forSocket(Errno.ENOTCONN).getClass());
        assertSame(BindException.class, Errors.forSocket(Errno.EACCES).getClass());
    }

    @Test
    void strerrorTexts() {
        assertEquals("No such file or directory", Errors.strerror(Errno.ENOENT));
        assertEquals("Broken pipe", Errors.strerror(Errno.EPIPE));
        assertEquals("Unknown error 4000", Errors.strerror(4000));
        assertEquals("Unknown error -5", Errors.strerror(-5));
    }
}
