package io.flexsc.nio.ffi;

import static io.flexsc.nio.ffi.Mem.addr;
import static io.flexsc.nio.ffi.Mem.check;
import static io.flexsc.nio.ffi.Mem.direct;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The file bindings of {@link Sys}, each compared with the same operation through the JDK. */
@ExtendWith(FdLeakCheck.class)
class FileBindingsTest {
    @TempDir
    Path dir;

    private int fd = -1;

    @org.junit.jupiter.api.BeforeAll
    static void warmUp(@TempDir Path tmp) throws IOException {
        // The JDK's "unix:*" attributes look up user and group names once; the C library keeps
        // what it opened for that. Do it before the leak check counts descriptors.
        Files.readAttributes(Files.createFile(tmp.resolve("warm")), "unix:*");
    }

    @AfterEach
    void closeFd() {
        if (fd >= 0) {
            Sys.close(fd);
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private int openRw(Path p) {
        int r = Sys.open(p.toString(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_CLOEXEC, 0644);
        check(r);
        return r;
    }

    @Test
    void openCreatesWhatTheJdkSeesAndWriteReadRoundTrip() throws IOException {
        Path p = dir.resolve("a.bin");
        fd = openRw(p);
        assertTrue(Files.exists(p));
        byte[] data = random(10_000, 1);
        ByteBuffer src = Mem.directOf(data);
        assertEquals(data.length, Sys.write(fd, addr(src), data.length));
        assertArrayEquals(data, Files.readAllBytes(p));
        assertEquals(data.length, Files.size(p));

        // The file position advanced like a FileChannel's.
        assertEquals(data.length, Sys.lseek(fd, 0, Linux.SEEK_CUR));
        assertEquals(0, Sys.lseek(fd, 0, Linux.SEEK_SET));
        ByteBuffer dst = direct(data.length + 10);
        assertEquals(data.length, Sys.read(fd, addr(dst), dst.capacity()));
        assertArrayEquals(data, Mem.bytes(dst, 0, data.length));
        assertEquals(0, Sys.read(fd, addr(dst), dst.capacity()), "end of file");
        assertEquals(data.length, Sys.lseek(fd, 0, Linux.SEEK_END));
    }

    @Test
    void openatRelativeToADirectoryFd() throws IOException {
        Files.write(dir.resolve("rel"), "hello".getBytes(StandardCharsets.US_ASCII));
        int dfd = Sys.open(dir.toString(), Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_CLOEXEC, 0);
        check(dfd);
        try {
            fd = Sys.openat(dfd, "rel", Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
            check(fd);
            ByteBuffer dst = direct(16);
            assertEquals(5, Sys.read(fd, addr(dst), 16));
            assertEquals("hello", new String(Mem.bytes(dst, 0, 5), StandardCharsets.US_ASCII));
            assertEquals(-Errno.ENOENT, Sys.openat(dfd, "missing", Linux.O_RDONLY, 0));
            // The address overload takes a C string.
            ByteBuffer name = Mem.cstring("rel");
            int fd2 = Sys.openat(dfd, addr(name), Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
            check(fd2);
            check(Sys.close(fd2));
            int fd3 = Sys.openat(Linux.AT_FDCWD, dir.resolve("rel").toString(), Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
            check(fd3);
            check(Sys.close(fd3));
        } finally {
            check(Sys.close(dfd));
        }
    }

    @Test
    void positionalReadWriteLeaveThePositionAlone() throws IOException {
        Path p = dir.resolve("p.bin");
        byte[] data = random(4096, 2);
        Files.write(p, data);
        fd = openRw(p);
        ByteBuffer dst = direct(100);
        assertEquals(100, Sys.pread(fd, addr(dst), 100, 1000));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 1100), Mem.bytes(dst, 0, 100));
        assertEquals(0, Sys.lseek(fd, 0, Linux.SEEK_CUR));

        ByteBuffer src = Mem.directOf("XYZ".getBytes(StandardCharsets.US_ASCII));
        assertEquals(3, Sys.pwrite(fd, addr(src), 3, 5000)); // past the end: the file grows, a hole in between
        assertEquals(0, Sys.lseek(fd, 0, Linux.SEEK_CUR));
        try (FileChannel ch = FileChannel.open(p)) {
            assertEquals(5003, ch.size());
            ByteBuffer jb = ByteBuffer.allocate(3);
            ch.read(jb, 5000);
            assertArrayEquals("XYZ".getBytes(StandardCharsets.US_ASCII), jb.array());
            ByteBuffer hole = ByteBuffer.allocate(904);
            ch.read(hole, 4096);
            assertArrayEquals(new byte[904], hole.array());
        }
        assertEquals(0, Sys.pread(fd, addr(dst), 100, 6000), "pread past the end");
    }

    @Test
    void vectoredReadsAndWritesMatchTheJdks() throws IOException {
        Path p = dir.resolve("v.bin");
        fd = openRw(p);
        byte[] a = random(7, 3), b = random(1000, 4), c = random(33, 5);
        try (IoVec iov = new IoVec(8)) {
            ByteBuffer[] bufs = {Mem.directOf(a), Mem.directOf(b), Mem.directOf(c)};
            iov.addAll(bufs, 0, 3);
            long n = Sys.writev(fd, iov.address(), iov.count());
            assertEquals(1040, n);
            iov.advance(n);
            for (ByteBuffer x : bufs) {
                assertFalse(x.hasRemaining());
            }
            // pwritev at 2000, then compare with a JDK gathering write of the same buffers.
            for (ByteBuffer x : bufs) {
                x.flip();
            }
            iov.clear();
            iov.addAll(bufs, 0, 3);
            assertEquals(1040, Sys.pwritev(fd, iov.address(), iov.count(), 2000));
        }
        Path q = dir.resolve("jdk.bin");
        try (FileChannel ch = FileChannel.open(q, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(new ByteBuffer[] {ByteBuffer.wrap(a), ByteBuffer.wrap(b), ByteBuffer.wrap(c)});
            ch.position(2000);
            ch.write(new ByteBuffer[] {ByteBuffer.wrap(a), ByteBuffer.wrap(b), ByteBuffer.wrap(c)});
        }
        assertArrayEquals(Files.readAllBytes(q), Files.readAllBytes(p));
        assertEquals(1040, Sys.lseek(fd, 0, Linux.SEEK_CUR), "pwritev left the position alone");

        // Scattering reads: readv from the start, preadv at 2000; compare with the JDK's.
        ByteBuffer r1 = direct(10), r2 = direct(1030), r3 = direct(5);
        try (IoVec iov = new IoVec(3)) {
            iov.addAll(new ByteBuffer[] {r1, r2, r3}, 0, 3);
            assertEquals(0, Sys.lseek(fd, 0, Linux.SEEK_SET));
            long n = Sys.readv(fd, iov.address(), iov.count());
            assertEquals(1045, n);
            iov.advance(n);
            ByteBuffer j1 = ByteBuffer.allocate(10), j2 = ByteBuffer.allocate(1030), j3 = ByteBuffer.allocate(5);
            try (FileChannel ch = FileChannel.open(q)) {
                assertEquals(1045, ch.read(new ByteBuffer[] {j1, j2, j3}));
            }
            assertArrayEquals(j1.array(), Mem.bytes(r1, 0, 10));
            assertArrayEquals(j2.array(), Mem.bytes(r2, 0, 1030));
            assertArrayEquals(j3.array(), Mem.bytes(r3, 0, 5));
            assertEquals(10, r1.position());
            assertEquals(1030, r2.position());
            assertEquals(5, r3.position());

            r1.clear();
            r2.clear();
            r3.clear();
            iov.clear();
            iov.addAll(new ByteBuffer[] {r1, r2, r3}, 0, 3);
            assertEquals(1040, Sys.preadv(fd, iov.address(), iov.count(), 2000), "short at end of file");
            assertArrayEquals(a, Mem.bytes(r1, 0, 7));
        }
    }

    @Test
    void syncTruncateAllocate() throws IOException {
        Path p = dir.resolve("t.bin");
        Files.write(p, random(10_000, 6));
        fd = openRw(p);
        assertEquals(0, Sys.fsync(fd));
        assertEquals(0, Sys.fdatasync(fd));
        assertEquals(0, Sys.ftruncate(fd, 1234));
        assertEquals(1234, Files.size(p));
        assertEquals(0, Sys.ftruncate(fd, 50_000));
        assertEquals(50_000, Files.size(p));
        int fa = Sys.fallocate(fd, 0, 0, 100_000);
        if (fa == -Errno.EOPNOTSUPP) {
            return; // a file system without fallocate (the JDK does not use it either)
        }
        assertEquals(0, fa);
        assertEquals(100_000, Files.size(p));
        assertEquals(0, Sys.fallocate(fd, Linux.FALLOC_FL_KEEP_SIZE, 0, 200_000));
        assertEquals(100_000, Files.size(p));
    }

    @Test
    void fstatAndStatxAgreeWithTheJdksUnixAttributes() throws IOException {
        Path p = dir.resolve("s.bin");
        Files.write(p, random(777, 7));
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_600_000_000_123L));
        Map<String, Object> jdk = Files.readAttributes(p, "unix:*");
        fd = Sys.open(p.toString(), Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
        check(fd);

        ByteBuffer sb = direct(Stat.SIZE);
        assertEquals(0, Sys.fstat(fd, addr(sb)));
        Stat st = Stat.decode(addr(sb));
        assertEquals(777, st.size());
        assertEquals(jdk.get("size"), st.size());
        assertEquals(jdk.get("ino"), st.ino());
        assertEquals(jdk.get("dev"), st.dev());
        assertEquals(jdk.get("mode"), st.mode());
        assertEquals(jdk.get("nlink"), (int) st.nlink());
        assertEquals(jdk.get("uid"), st.uid());
        assertEquals(jdk.get("gid"), st.gid());
        assertEquals(jdk.get("lastModifiedTime"), st.lastModifiedTime());
        assertEquals(jdk.get("ctime"), st.changeTime());
        assertTrue(st.isRegularFile());
        assertFalse(st.isDirectory());

        ByteBuffer xb = direct(Statx.SIZE);
        assertEquals(0, Sys.statx(fd, "", Linux.AT_EMPTY_PATH, Statx.STATX_BASIC_STATS | Statx.STATX_BTIME, addr(xb)));
        Statx sx = Statx.decode(addr(xb));
        assertTrue(sx.has(Statx.STATX_BASIC_STATS));
        assertEquals(st.size(), sx.size());
        assertEquals(st.ino(), sx.ino());
        assertEquals(st.dev(), sx.dev());
        assertEquals(st.mode(), sx.mode());
        assertEquals(st.nlink(), sx.nlink());
        assertEquals(st.blocks(), sx.blocks());
        assertEquals(st.lastModifiedTime(), sx.lastModifiedTime());
        assertEquals(st.lastAccessTime(), sx.lastAccessTime());
        assertEquals(st.changeTime(), sx.changeTime());

        // By path, and on a directory.
        ByteBuffer path = Mem.cstring(dir.toString());
        assertEquals(0, Sys.statx(Linux.AT_FDCWD, addr(path), 0, Statx.STATX_BASIC_STATS, addr(xb)));
        Statx d = Statx.decode(addr(xb));
        assertEquals(Stat.S_IFDIR, d.mode() & Stat.S_IFMT);
        assertEquals(Files.readAttributes(dir, "unix:ino").get("ino"), d.ino());
        assertEquals(-Errno.ENOENT, Sys.statx(Linux.AT_FDCWD, dir.resolve("none").toString(), 0, Statx.STATX_BASIC_STATS, addr(xb)));
    }

    @Test
    void fcntlFlagsAndPipes() throws IOException {
        ByteBuffer fds = direct(8);
        assertEquals(0, Sys.pipe2(addr(fds), Linux.O_CLOEXEC | Linux.O_NONBLOCK));
        int rd = fds.getInt(0), wr = fds.getInt(4);
        try {
            assertEquals(Linux.FD_CLOEXEC, Sys.fcntl(rd, Linux.F_GETFD, 0));
            int fl = Sys.fcntl(rd, Linux.F_GETFL, 0);
            assertEquals(Linux.O_NONBLOCK, fl & Linux.O_NONBLOCK);
            assertEquals(0, Sys.fcntl(rd, Linux.F_SETFL, fl & ~Linux.O_NONBLOCK));
            assertEquals(0, Sys.fcntl(rd, Linux.F_GETFL, 0) & Linux.O_NONBLOCK);
            assertEquals(0, Sys.fcntl(rd, Linux.F_SETFL, fl));

            ByteBuffer buf = direct(64);
            assertEquals(-Errno.EAGAIN, Sys.read(rd, addr(buf), 64), "empty non-blocking pipe");
            ByteBuffer msg = Mem.directOf("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals(4, Sys.write(wr, addr(msg), 4));
            assertEquals(4, Sys.read(rd, addr(buf), 64));
            assertEquals("ping", new String(Mem.bytes(buf, 0, 4), StandardCharsets.US_ASCII));
            assertEquals(-Errno.ESPIPE, Sys.lseek(rd, 0, Linux.SEEK_SET), "pipes do not seek");
        } finally {
            check(Sys.close(rd));
            check(Sys.close(wr));
        }
    }

    @Test
    void sendfileCopyFileRangeAndSpliceMoveTheSameBytesAsTransferTo() throws IOException {
        Path src = dir.resolve("src.bin");
        byte[] data = random(100_000, 8);
        Files.write(src, data);
        int in = Sys.open(src.toString(), Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
        check(in);
        try {
            // sendfile to a file, with an explicit offset: the input position stays.
            Path out1 = dir.resolve("out1.bin");
            fd = openRw(out1);
            ByteBuffer off = direct(8);
            off.putLong(0, 1000);
            assertEquals(50_000, Sys.sendfile(fd, in, addr(off), 50_000));
            assertEquals(51_000, off.getLong(0));
            assertEquals(0, Sys.lseek(in, 0, Linux.SEEK_CUR));
            Path jdkOut = dir.resolve("jdk.bin");
            try (FileChannel s = FileChannel.open(src);
                 FileChannel d = FileChannel.open(jdkOut, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                assertEquals(50_000, s.transferTo(1000, 50_000, d));
            }
            assertArrayEquals(Files.readAllBytes(jdkOut), Files.readAllBytes(out1));

            // copy_file_range with null offsets uses and advances both positions.
            Path out2 = dir.resolve("out2.bin");
            int o2 = openRw(out2);
            try {
                long n = Sys.copyFileRange(in, 0, o2, 0, data.length, 0);
                assertEquals(data.length, n);
                assertEquals(data.length, Sys.lseek(in, 0, Linux.SEEK_CUR));
                assertEquals(data.length, Sys.lseek(o2, 0, Linux.SEEK_CUR));
            } finally {
                check(Sys.close(o2));
            }
            assertArrayEquals(data, Files.readAllBytes(out2));

            // splice file -> pipe -> file.
            ByteBuffer fds = direct(8);
            check(Sys.pipe2(addr(fds), Linux.O_CLOEXEC));
            int rd = fds.getInt(0), wr = fds.getInt(4);
            Path out3 = dir.resolve("out3.bin");
            int o3 = openRw(out3);
            try {
                off.putLong(0, 0);
                assertEquals(4096, Sys.splice(in, addr(off), wr, 0, 4096, 0));
                assertEquals(4096, Sys.splice(rd, 0, o3, 0, 4096, 0));
            } finally {
                check(Sys.close(rd));
                check(Sys.close(wr));
                check(Sys.close(o3));
            }
            assertArrayEquals(java.util.Arrays.copyOf(data, 4096), Files.readAllBytes(out3));
        } finally {
            check(Sys.close(in));
        }
    }

    @Test
    void mmapSeesTheFileAndMunmapReleasesIt() throws IOException {
        Path p = dir.resolve("m.bin");
        byte[] data = random(8192, 9);
        Files.write(p, data);
        fd = openRw(p);
        long a = Sys.mmap(0, 8192, Linux.PROT_READ | Linux.PROT_WRITE, Linux.MAP_SHARED, fd, 0);
        check(a);
        try {
            ByteBuffer view = NativeMemory.wrap(a, 8192);
            assertEquals(data[100], view.get(100));
            view.put(0, (byte) (data[0] + 1)); // a shared mapping writes through to the file
        } finally {
            assertEquals(0, Sys.munmap(a, 8192));
        }
        assertEquals((byte) (data[0] + 1), Files.readAllBytes(p)[0]);
        // All six arguments arrive: a mapping at a nonzero file offset sees that part of the file.
        long second = Sys.mmap(0, 4096, Linux.PROT_READ, Linux.MAP_SHARED, fd, 4096);
        check(second);
        assertEquals(data[4096 + 7], NativeMemory.wrap(second, 4096).get(7));
        assertEquals(0, Sys.munmap(second, 4096));
        assertEquals(-Errno.EINVAL, Sys.mmap(0, 4096, Linux.PROT_READ, Linux.MAP_SHARED, fd, 100), "unaligned offset");
        assertEquals(-Errno.EINVAL, Sys.mmap(0, 0, Linux.PROT_READ, Linux.MAP_SHARED, fd, 0), "zero length");
        long anon = Sys.mmap(0, 4096, Linux.PROT_READ | Linux.PROT_WRITE, Linux.MAP_PRIVATE | Linux.MAP_ANONYMOUS, -1, 0);
        check(anon);
        assertEquals(0, NativeMemory.wrap(anon, 4096).getLong(0));
        assertEquals(0, Sys.munmap(anon, 4096));
    }

    @Test
    void getpidIsTheJvmsPid() {
        assertEquals(ProcessHandle.current().pid(), Sys.getpid());
        assertEquals(ProcessHandle.current().pid(), Sys.libc().getpid());
    }

    @Test
    void closeReleasesTheFdAndASecondCloseFailsWithEbadf() throws IOException {
        int before = FdLeakCheck.openFds();
        int f = Sys.open(dir.resolve("c").toString(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_CLOEXEC, 0600);
        check(f);
        assertEquals(before + 1, FdLeakCheck.openFds());
        assertEquals(0, Sys.close(f));
        assertEquals(before, FdLeakCheck.openFds());
        assertEquals(-Errno.EBADF, Sys.close(f));
    }

    @Test
    void openFlagsBehaveAsDocumented() throws IOException {
        Path p = dir.resolve("f");
        String s = p.toString();
        assertEquals(-Errno.ENOENT, Sys.open(s, Linux.O_RDONLY, 0));
        int f = Sys.open(s, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL | Linux.O_CLOEXEC, 0640);
        check(f);
        check(Sys.close(f));
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        assertEquals(-Errno.EEXIST, Sys.open(s, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL, 0640));
        Files.write(p, new byte[10]);
        f = Sys.open(s, Linux.O_WRONLY | Linux.O_TRUNC | Linux.O_CLOEXEC, 0);
        check(f);
        check(Sys.close(f));
        assertEquals(0, Files.size(p));
        f = Sys.open(s, Linux.O_WRONLY | Linux.O_APPEND | Linux.O_CLOEXEC, 0);
        check(f);
        try {
            ByteBuffer b = Mem.directOf(new byte[] {1, 2, 3});
            assertEquals(3, Sys.write(f, addr(b), 3));
            assertEquals(3, Sys.write(f, addr(b), 3));
        } finally {
            check(Sys.close(f));
        }
        assertArrayEquals(new byte[] {1, 2, 3, 1, 2, 3}, Files.readAllBytes(p));
        assertEquals(-Errno.ENOTDIR, Sys.open(s + "/x", Linux.O_RDONLY, 0));
        assertEquals(-Errno.EISDIR, Sys.open(dir.toString(), Linux.O_WRONLY, 0));
    }
}
