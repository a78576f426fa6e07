package io.flexsc.nio.engine.uring;

import static io.flexsc.nio.engine.uring.Sys.addr;
import static io.flexsc.nio.engine.uring.Sys.buf;
import static io.flexsc.nio.engine.uring.Sys.bytes;
import static io.flexsc.nio.engine.uring.Sys.direct;
import static io.flexsc.nio.engine.uring.Sys.position;
import static io.flexsc.nio.engine.uring.Sys.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.SysNr;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mapped opcode against the direct system call: same result, same errno, same side effects
 * (file position, file content, data on the wire). The engine runs non-adaptive so each call really
 * goes through the ring; that it did is checked through the stats.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UringOpcodeTest {
    static final boolean ACCEPT_IN_RING = OpcodeMap.acceptDontwaitIn(System.getProperty("os.version"));
    static UringEngine uring;
    static DirectEngine direct;
    final Sys sys = new Sys();
    @TempDir Path dir;

    @BeforeAll
    static void start() {
        uring = UringEngineFactory.create(UringConfig.fromSystemProperties().withAdaptive(false));
        direct = new DirectEngine();
    }

    @AfterAll
    static void stop() {
        uring.close();
        direct.close();
    }

    @AfterEach
    void closeFds() {
        sys.close();
    }

    /** Runs {@code call} on uring, checks it went through the ring, returns the result. */
    static long ring(Call call) {
        if ((call.nr() == SysNr.ACCEPT || call.nr() == SysNr.ACCEPT4) && !ACCEPT_IN_RING) {
            // before Linux 6.10 (no IORING_ACCEPT_DONTWAIT) an accept must run directly
            org.junit.jupiter.api.Assertions.assertFalse(uring.carries(call), () -> "carried by the ring: " + call);
            return uring.execute(call);
        }
        assertTrue(uring.carries(call), () -> "not carried by the ring: " + call);
        long fallbacks = uring.stats().getFallbacks();
        long r = uring.execute(call);
        assertEquals(fallbacks, uring.stats().getFallbacks(), "fell back");
        return r;
    }

    /** Runs the call made by {@code make} on a fresh fixture per engine; asserts equal results. */
    <F> long[] compare(java.util.function.Supplier<F> fixture, Function<F, Call> make,
            java.util.function.BiConsumer<F, F> sameEffects) {
        return compare(false, fixture, make, sameEffects);
    }

    /** As above; {@code newFd}: the call returns a new descriptor, whose number may differ. */
    <F> long[] compare(boolean newFd, java.util.function.Supplier<F> fixture, Function<F, Call> make,
            java.util.function.BiConsumer<F, F> sameEffects) {
        F fd = fixture.get();
        F fu = fixture.get();
        long rd = direct.execute(make.apply(fd));
        long ru = ring(make.apply(fu));
        if (newFd) {
            assertEquals(rd >= 0, ru >= 0, () -> "direct " + Sys.errno(rd) + ", uring " + Sys.errno(ru));
        }
        assertEquals(newFd && rd >= 0 ? "fd" : Sys.errno(rd), newFd && ru >= 0 ? "fd" : Sys.errno(ru), "result");
        if (sameEffects != null) {
            sameEffects.accept(fd, fu);
        }
        return new long[] {rd, ru};
    }

    int file(String content, int flags) {
        try {
            return sys.file(dir, "f" + System.nanoTime(), content, flags);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static String content(int fd) {
        ByteBuffer b = buf(4096);
        long n = direct(SysNr.PREAD64, fd, addr(b), 4096, 0);
        return string(b, (int) n);
    }

    // ---- read / write family ----

    @Test
    void readUsesAndAdvancesTheFilePosition() {
        int a = file("hello world", Sys.O_RDONLY);
        int b = file("hello world", Sys.O_RDONLY);
        for (int i = 0; i < 3; i++) {
            ByteBuffer x = buf(5);
            ByteBuffer y = buf(5);
            long rd = direct.syscall(SysNr.READ, a, addr(x), 5);
            long ru = ring(Call.of(SysNr.READ, b, addr(y), 5));
            assertEquals(rd, ru);
            assertEquals(string(x, (int) rd), string(y, (int) ru));
            assertEquals(position(a), position(b));
        }
        assertEquals(11, position(b));
    }

    @Test
    void preadLeavesThePositionAlone() {
        int fd = file("hello world", Sys.O_RDONLY);
        ByteBuffer x = buf(16);
        assertEquals(5, ring(Call.of(SysNr.PREAD64, fd, addr(x), 5, 6)));
        assertEquals("world", string(x, 5));
        assertEquals(0, position(fd));
    }

    @Test
    void negativePreadOffsetIsEinvalAndFallsBack() {
        int fd = file("hello", Sys.O_RDONLY);
        ByteBuffer x = buf(16);
        Call c = Call.of(SysNr.PREAD64, fd, addr(x), 5, -1);
        assertTrue(!uring.carries(c));
        long before = uring.stats().getFallbacks();
        assertEquals(-Errno.EINVAL, uring.execute(c));
        assertEquals(before + 1, uring.stats().getFallbacks());
    }

    @Test
    void writeAndPwrite() {
        compare(() -> file("0123456789", Sys.O_RDWR), fd -> Call.of(SysNr.WRITE, fd, addr(bytes("abc")), 3),
                (x, y) -> {
                    assertEquals(position(x), position(y));
                    assertEquals(content(x), content(y));
                });
        compare(() -> file("0123456789", Sys.O_RDWR), fd -> Call.of(SysNr.PWRITE64, fd, addr(bytes("XY")), 2, 4),
                (x, y) -> {
                    assertEquals(0, position(y));
                    assertEquals(content(x), content(y));
                });
        compare(() -> file("0123", Sys.O_WRONLY | Sys.O_APPEND), fd -> Call.of(SysNr.WRITE, fd, addr(bytes("zz")), 2),
                (x, y) -> {
                    assertEquals(position(x), position(y));
                    assertEquals(6, position(y));
                });
    }

    @Test
    void vectoredReadsAndWrites() {
        ByteBuffer iov = buf(32);
        ByteBuffer p1 = buf(3);
        ByteBuffer p2 = buf(4);
        iov.putLong(0, addr(p1)).putLong(8, 3).putLong(16, addr(p2)).putLong(24, 4);
        compare(() -> file("abcdefghij", Sys.O_RDONLY), fd -> Call.of(SysNr.READV, fd, addr(iov), 2),
                (x, y) -> assertEquals(position(x), position(y)));
        assertEquals("abc", string(p1, 3));
        assertEquals("defg", string(p2, 4));
        compare(() -> file("abcdefghij", Sys.O_RDONLY), fd -> Call.of(SysNr.PREADV, fd, addr(iov), 2, 2, 0),
                (x, y) -> assertEquals(0, position(y)));
        assertEquals("cde", string(p1, 3));
        compare(() -> file("abcdefghij", Sys.O_RDONLY), fd -> Call.of(SysNr.PREADV2, fd, addr(iov), 2, -1, 0, 0),
                (x, y) -> assertEquals(position(x), position(y)));
        ByteBuffer q1 = bytes("AB");
        ByteBuffer q2 = bytes("CDE");
        ByteBuffer wv = buf(32);
        wv.putLong(0, addr(q1)).putLong(8, 2).putLong(16, addr(q2)).putLong(24, 3);
        compare(() -> file("0123456789", Sys.O_RDWR), fd -> Call.of(SysNr.WRITEV, fd, addr(wv), 2),
                (x, y) -> {
                    assertEquals(position(x), position(y));
                    assertEquals(content(x), content(y));
                });
        compare(() -> file("0123456789", Sys.O_RDWR), fd -> Call.of(SysNr.PWRITEV, fd, addr(wv), 2, 5, 0),
                (x, y) -> assertEquals("01234ABCDE", content(y)));
        compare(() -> file("0123456789", Sys.O_RDWR), fd -> Call.of(SysNr.PWRITEV2, fd, addr(wv), 2, 1, 0, 0),
                (x, y) -> assertEquals(content(x), content(y)));
        // iovcnt beyond UIO_MAXIOV: EINVAL either way (that one falls back).
        assertEquals(-Errno.EINVAL, uring.execute(Call.of(SysNr.READV, 0, addr(iov), 5000)));
    }

    @Test
    void readErrorsMatch() {
        ByteBuffer x = buf(8);
        compare(() -> 987654, fd -> Call.of(SysNr.READ, fd, addr(x), 8), null); // EBADF
        compare(() -> sys.open(dir, Sys.O_RDONLY | 0200000), fd -> Call.of(SysNr.READ, fd, addr(x), 8), null); // EISDIR
        compare(() -> sys.pipe(0)[1], fd -> Call.of(SysNr.READ, fd, addr(x), 8), null); // EBADF (write end)
        compare(() -> sys.pipe(Sys.O_NONBLOCK)[0], fd -> Call.of(SysNr.READ, fd, addr(x), 8), null); // EAGAIN
        compare(() -> file("abc", Sys.O_WRONLY), fd -> Call.of(SysNr.READ, fd, addr(x), 8), null); // EBADF
    }

    // ---- sync, allocate, truncate ----

    @Test
    void fsyncFdatasyncFallocateFtruncate() {
        compare(() -> file("abc", Sys.O_RDWR), fd -> Call.of(SysNr.FSYNC, fd), null);
        compare(() -> file("abc", Sys.O_RDWR), fd -> Call.of(SysNr.FDATASYNC, fd), null);
        compare(() -> sys.pipe(0)[0], fd -> Call.of(SysNr.FSYNC, fd), null); // EINVAL
        compare(() -> sys.pipe(Sys.O_NONBLOCK)[1], fd -> Call.of(SysNr.WRITE, fd, addr(bytes("p")), 1), null);
        compare(() -> file("abc", Sys.O_RDWR), fd -> Call.of(SysNr.FALLOCATE, fd, 0, 0, 8192),
                (x, y) -> assertEquals(statSize(x), statSize(y)));
        compare(() -> file("abc", Sys.O_RDONLY), fd -> Call.of(SysNr.FALLOCATE, fd, 0, 0, 8192), null); // EBADF
        if (uring.carries(Call.of(SysNr.FTRUNCATE, 0, 0))) {
            compare(() -> file("abcdef", Sys.O_RDWR), fd -> Call.of(SysNr.FTRUNCATE, fd, 2),
                    (x, y) -> assertEquals(2, statSize(y)));
            compare(() -> file("abcdef", Sys.O_RDONLY), fd -> Call.of(SysNr.FTRUNCATE, fd, 2), null);
            compare(() -> file("abcdef", Sys.O_RDWR), fd -> Call.of(SysNr.FTRUNCATE, fd, -1), null);
        }
    }

    static long statSize(int fd) {
        ByteBuffer st = buf(256);
        long r = direct(SysNr.STATX, fd, addr(buf(1)), 0x1000 /* AT_EMPTY_PATH */, 0x200 /* STATX_SIZE */, addr(st));
        assertEquals(0, r);
        return st.getLong(40);
    }

    // ---- files and descriptors ----

    @Test
    void openatStatxClose() throws Exception {
        Path p = dir.resolve("x");
        Files.writeString(p, "12345");
        ByteBuffer path = Sys.cstr(p);
        // an open that may wait (a FIFO, a device: the flags do not rule it out) runs on the caller's thread
        assertFalse(uring.carries(Call.of(SysNr.OPENAT, Sys.AT_FDCWD, addr(path), Sys.O_RDONLY | Sys.O_CLOEXEC, 0)));
        long[] r = compare(true, () -> 0, z -> Call.of(SysNr.OPENAT, Sys.AT_FDCWD, addr(path), Sys.O_RDONLY | Sys.O_CLOEXEC | Sys.O_NONBLOCK, 0), null);
        sys.track(r[0]);
        sys.track(r[1]);
        ByteBuffer missing = Sys.cstr(dir.resolve("missing"));
        compare(() -> 0, z -> Call.of(SysNr.OPENAT, Sys.AT_FDCWD, addr(missing), Sys.O_RDONLY | Sys.O_NONBLOCK, 0), null);
        ByteBuffer s1 = buf(256);
        ByteBuffer s2 = buf(256);
        assertEquals(0, direct.execute(Call.of(SysNr.STATX, Sys.AT_FDCWD, addr(path), 0, 0x7ff, addr(s1))));
        assertEquals(0, ring(Call.of(SysNr.STATX, Sys.AT_FDCWD, addr(path), 0, 0x7ff, addr(s2))));
        assertEquals(5, s2.getLong(40));
        assertEquals(s1.getLong(40), s2.getLong(40));
        assertEquals(s1.getLong(32), s2.getLong(32)); // ino
        compare(() -> 0, z -> Call.of(SysNr.STATX, Sys.AT_FDCWD, addr(missing), 0, 0x7ff, addr(s2)), null);
        int[] pipe = {(int) direct(SysNr.DUP, sys.pipe(0)[0]), (int) direct(SysNr.DUP, sys.pipe(0)[0])};
        assertEquals(0, ring(Call.of(SysNr.CLOSE, pipe[0])));
        assertEquals(0, direct.execute(Call.of(SysNr.CLOSE, pipe[1])));
        // EBADF on both: a number no descriptor has (the closed pipe[0]'s number may be reused at once
        // by a file another JVM thread opens)
        compare(() -> 987654, fd -> Call.of(SysNr.CLOSE, fd), null);
    }

    @Test
    void splice() {
        compare(() -> {
            int[] in = sys.pipe(0);
            int[] out = sys.pipe(0);
            direct(SysNr.WRITE, in[1], addr(bytes("spliced")), 7);
            return new int[] {in[0], out[1], out[0]};
        }, f -> Call.of(SysNr.SPLICE, f[0], 0, f[1], 0, 100, 0), (x, y) -> {
            ByteBuffer b = buf(16);
            assertEquals(7, direct(SysNr.READ, y[2], addr(b), 16));
            assertEquals("spliced", string(b, 7));
        });
        compare(() -> file("abc", Sys.O_RDONLY), fd -> Call.of(SysNr.SPLICE, fd, 0, fd, 0, 3, 0), null); // EINVAL
    }

    // ---- sockets ----

    @Test
    void sendRecvShutdown() {
        compare(() -> sys.socketpair(0), s -> Call.of(SysNr.SENDTO, s[0], addr(bytes("ping")), 4, 0, 0, 0), (x, y) -> {
            ByteBuffer b = buf(8);
            assertEquals(4, ring(Call.of(SysNr.RECVFROM, y[1], addr(b), 8, 0, 0, 0)));
            assertEquals("ping", string(b, 4));
        });
        ByteBuffer b = buf(8);
        compare(() -> sys.socketpair(Sys.SOCK_NONBLOCK), s -> Call.of(SysNr.RECVFROM, s[0], addr(b), 8, 0, 0, 0), null); // EAGAIN
        compare(() -> sys.socketpair(0), s -> Call.of(SysNr.RECVFROM, s[0], addr(b), 8, 0x40 /* MSG_DONTWAIT */, 0, 0), null);
        compare(() -> sys.socketpair(0), s -> Call.of(SysNr.SHUTDOWN, s[0], 1 /* SHUT_WR */), (x, y) -> {
            assertEquals(0, ring(Call.of(SysNr.RECVFROM, y[1], addr(b), 8, 0, 0, 0))); // EOF
        });
        compare(() -> file("x", Sys.O_RDONLY), fd -> Call.of(SysNr.SHUTDOWN, fd, 1), null); // ENOTSOCK
        compare(() -> file("x", Sys.O_RDONLY), fd -> Call.of(SysNr.SENDTO, fd, addr(b), 1, 0, 0, 0), null);
    }

    @Test
    void sendmsgRecvmsg() {
        ByteBuffer data = bytes("vector");
        ByteBuffer iov = buf(16).putLong(0, addr(data)).putLong(8, 6);
        ByteBuffer msg = buf(56).putLong(16, addr(iov)).putLong(24, 1);
        ByteBuffer in = buf(16);
        ByteBuffer iovIn = buf(16).putLong(0, addr(in)).putLong(8, 16);
        ByteBuffer msgIn = buf(56).putLong(16, addr(iovIn)).putLong(24, 1);
        compare(() -> sys.socketpair(0), s -> Call.of(SysNr.SENDMSG, s[0], addr(msg), 0), (x, y) -> {
            assertEquals(6, ring(Call.of(SysNr.RECVMSG, y[1], addr(msgIn), 0)));
            assertEquals("vector", string(in, 6));
        });
        compare(() -> sys.socketpair(Sys.SOCK_NONBLOCK), s -> Call.of(SysNr.RECVMSG, s[0], addr(msgIn), 0), null);
    }

    @Test
    void socketBindListenAcceptConnect() {
        long[] r = compare(true, () -> 0, z -> Call.of(SysNr.SOCKET, Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0), null);
        sys.track(r[0]);
        sys.track(r[1]);
        compare(() -> 0, z -> Call.of(SysNr.SOCKET, 12345, Sys.SOCK_STREAM, 0), null); // EAFNOSUPPORT
        int listener = (int) r[1];
        // abstract unix address
        ByteBuffer sa = buf(110);
        sa.putShort(0, (short) Sys.AF_UNIX);
        byte[] name = ("flexsc-uring-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).getBytes();
        sa.position(3);
        sa.put(name);
        sa.clear();
        int salen = 3 + name.length;
        assertEquals(0, direct(SysNr.BIND, listener, addr(sa), salen));
        assertEquals(0, direct(SysNr.LISTEN, listener, 8));
        int client = (int) r[0];
        assertEquals(0, uring.execute(Call.of(SysNr.CONNECT, client, addr(sa), salen))); // a fallback
        long accepted = ring(Call.of(SysNr.ACCEPT4, listener, 0, 0, Sys.SOCK_CLOEXEC));
        sys.track(accepted);
        assertEquals(3, ring(Call.of(SysNr.SENDTO, client, addr(bytes("hey")), 3, 0, 0, 0)));
        ByteBuffer b = buf(8);
        assertEquals(3, ring(Call.of(SysNr.RECVFROM, (int) accepted, addr(b), 8, 0, 0, 0)));
        // nothing pending on a non-blocking listener: EAGAIN either way
        int nb = sys.track(direct(SysNr.SOCKET, Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC, 0));
        sa.put(3, (byte) 'N');
        assertEquals(0, direct(SysNr.BIND, nb, addr(sa), salen));
        assertEquals(0, direct(SysNr.LISTEN, nb, 8));
        compare(() -> nb, fd -> Call.of(SysNr.ACCEPT4, fd, 0, 0, 0), null);
        compare(() -> nb, fd -> Call.of(SysNr.ACCEPT, fd, 0, 0), null);
        compare(() -> file("x", Sys.O_RDONLY), fd -> Call.of(SysNr.ACCEPT, fd, 0, 0), null); // ENOTSOCK
        assertEquals(-Errno.EISCONN, uring.execute(Call.of(SysNr.CONNECT, sys.socketpair(0)[0], addr(sa), salen)));
    }

    @Test
    void acceptGoesThroughTheRingOnlyWhereTheKernelTakesDontwait() {
        assertTrue(OpcodeMap.acceptDontwaitIn("6.10.0"));
        assertTrue(OpcodeMap.acceptDontwaitIn("6.18.3-arch1"));
        assertTrue(OpcodeMap.acceptDontwaitIn("7.0"));
        org.junit.jupiter.api.Assertions.assertFalse(OpcodeMap.acceptDontwaitIn("6.1.0-56-amd64"));
        org.junit.jupiter.api.Assertions.assertFalse(OpcodeMap.acceptDontwaitIn("6.9.12"));
        org.junit.jupiter.api.Assertions.assertFalse(OpcodeMap.acceptDontwaitIn("5.19.0"));
        org.junit.jupiter.api.Assertions.assertFalse(OpcodeMap.acceptDontwaitIn("unknown"));
        java.util.BitSet all = new java.util.BitSet();
        all.set(0, 64);
        Call accept = Call.of(SysNr.ACCEPT4, 3, 0, 0, 0);
        assertEquals(Uring.OP_ACCEPT, new OpcodeMap(all, true, true).opcode(accept));
        assertEquals(OpcodeMap.FALLBACK, new OpcodeMap(all, true, false).opcode(accept));
        assertEquals(ACCEPT_IN_RING, uring.carries(accept), "this kernel: " + System.getProperty("os.version"));
    }

    @Test
    void epollCtl() {
        Call probe = Call.of(SysNr.EPOLL_CTL, 0, 0, 0, 0);
        if (!uring.carries(probe)) {
            return; // kernel without IORING_OP_EPOLL_CTL; the fallback test covers the path
        }
        int[] p = sys.pipe(0);
        ByteBuffer ev = buf(12).putInt(0, 1 /* EPOLLIN */);
        compare(() -> sys.track(direct(SysNr.EPOLL_CREATE1, Sys.O_CLOEXEC)), ep -> Call.of(SysNr.EPOLL_CTL, ep, 1, p[0], addr(ev)),
                null);
        int ep = sys.track(direct(SysNr.EPOLL_CREATE1, Sys.O_CLOEXEC));
        assertEquals(0, ring(Call.of(SysNr.EPOLL_CTL, ep, 1, p[0], addr(ev))));
        assertEquals(-Errno.EEXIST, ring(Call.of(SysNr.EPOLL_CTL, ep, 1, p[0], addr(ev))));
    }

    @Test
    void unmappedCallsFallBack() {
        long before = uring.stats().getFallbacks();
        assertEquals(ProcessHandle.current().pid(), uring.execute(Call.of(SysNr.GETPID)));
        int fd = file("abcdef", Sys.O_RDONLY);
        assertEquals(3, uring.execute(Call.of(SysNr.LSEEK, fd, 3, 0)));
        ByteBuffer sa = buf(16);
        assertTrue(!uring.carries(Call.of(SysNr.SENDTO, fd, addr(sa), 1, 0, addr(sa), 16)));
        assertTrue(!uring.carries(Call.of(SysNr.SPLICE, fd, addr(sa), fd, 0, 1, 0)));
        assertEquals(before + 2, uring.stats().getFallbacks());
    }
}
