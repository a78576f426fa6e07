package io.flexsc.nio.engine;

import static io.flexsc.nio.engine.Kernel.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * File operations through every engine, each compared with the same operation done through the JDK
 * on a twin file: bytes, counts, file positions (also read from /proc/self/fdinfo, a witness no
 * engine touches), sizes, and errors against the JDK's exception types.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@ExtendWith(SeedReporter.class)
class FileOpsTest {
    @RegisterExtension
    static final EnginePool ENGINES = new EnginePool();

    @TempDir
    Path dir;

    private static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    @AllEngines
    void openCreatesWithFlagsAndModeAndFailsLikeTheJdk(EngineUnderTest eut) throws IOException {
        Sys sys = new Sys(ENGINES.get(eut));
        try (Mem m = new Mem()) {
            Path p = dir.resolve("created");
            int fd = okInt(sys.x(SysNr.OPEN, m.cstring(p.toString()), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0640), "open");
            assertTrue(Files.isRegularFile(p));
            assertEquals(perms(0640 & ~umask()), Files.getPosixFilePermissions(p), "mode 0640 under the umask");
            int flags = fdinfoFlags(fd);
            assertEquals(O_WRONLY, flags & 3, "access mode in fdinfo flags " + Integer.toOctalString(flags));
            assertEquals(O_CLOEXEC, flags & O_CLOEXEC, "O_CLOEXEC in fdinfo flags " + Integer.toOctalString(flags));
            assertErrno(Errno.EBADF, sys.x(SysNr.READ, fd, m.alloc(1), 1), "read on an O_WRONLY fd");
            sys.close(fd);

            assertThrows(FileAlreadyExistsException.class,
                    () -> Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close());
            assertErrno(Errno.EEXIST, sys.x(SysNr.OPEN, m.cstring(p.toString()), O_CREAT | O_EXCL | O_WRONLY, 0600),
                    "open O_CREAT|O_EXCL of an existing file");

            Path missing = dir.resolve("missing");
            assertThrows(NoSuchFileException.class, () -> Files.newByteChannel(missing).close());
            assertErrno(Errno.ENOENT, sys.x(SysNr.OPEN, m.cstring(missing.toString()), O_RDONLY, 0), "open of a missing file");
            Path inMissingDir = dir.resolve("no-such-dir").resolve("f");
            assertThrows(NoSuchFileException.class, () -> Files.newByteChannel(inMissingDir,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE).close());
            assertErrno(Errno.ENOENT, sys.x(SysNr.OPEN, m.cstring(inMissingDir.toString()), O_CREAT | O_WRONLY, 0600),
                    "open O_CREAT in a missing directory");
            assertFalse(Files.exists(missing));

            FileSystemException jdk = assertThrows(FileSystemException.class,
                    () -> Files.newByteChannel(dir, StandardOpenOption.WRITE).close());
            assertTrue(String.valueOf(jdk.getReason()).contains("Is a directory"), jdk.toString());
            assertErrno(Errno.EISDIR, sys.x(SysNr.OPEN, m.cstring(dir.toString()), O_WRONLY, 0), "open a directory for writing");
        }
    }

    @AllEngines
    void truncAndAppendLikeTheJdk(EngineUnderTest eut) throws IOException {
        Sys sys = new Sys(ENGINES.get(eut));
        Random rnd = new Random(Seeds.seed());
        byte[] initial = random(rnd, 1000);
        byte[] first = random(rnd, 123);
        byte[] appended = random(rnd, 77);
        Path a = Files.write(dir.resolve("a"), initial);
        Path b = Files.write(dir.resolve("b"), initial);
        try (Mem m = new Mem()) {
            int fd = sys.open(m, a, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);
            try (FileChannel jdk = FileChannel.open(b, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                assertEquals(0, Files.size(a));
                assertEquals(Files.size(b), Files.size(a));
                assertEquals(first.length, sys.x(SysNr.WRITE, fd, m.bytes(first), first.length));
                jdk.write(ByteBuffer.wrap(first));
                assertEquals(jdk.position(), sys.position(fd));
            }
            sys.close(fd);
            fd = sys.open(m, a, O_WRONLY | O_APPEND | O_CLOEXEC, 0);
            try (FileChannel jdk = FileChannel.open(b, StandardOpenOption.APPEND)) {
                assertEquals(appended.length, sys.x(SysNr.WRITE, fd, m.bytes(appended), appended.length));
                jdk.write(ByteBuffer.wrap(appended));
                assertEquals(jdk.position(), sys.position(fd), "position after an O_APPEND write");
                assertEquals(jdk.position(), fdinfoPos(fd));
            }
            sys.close(fd);
        }
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a));
    }

    @AllEngines
    void openatResolvesAgainstADirectoryFd(EngineUnderTest eut) throws IOException {
        Sys sys = new Sys(ENGINES.get(eut));
        Files.createDirectory(dir.resolve("sub"));
        Files.write(dir.resolve("sub").resolve("existing"), new byte[] {1, 2, 3});
        try (Mem m = new Mem()) {
            int dfd = okInt(sys.x(SysNr.OPENAT, AT_FDCWD, m.cstring(dir.resolve("sub").toString()),
                    O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0), "openat directory");
            int fd = okInt(sys.x(SysNr.OPENAT, dfd, m.cstring("child"), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600), "openat child");
            assertTrue(Files.isRegularFile(dir.resolve("sub").resolve("child")));
            assertEquals(3, sys.x(SysNr.WRITE, fd, m.bytes(new byte[] {9, 8, 7}), 3));
            assertArrayEquals(new byte[] {9, 8, 7}, Files.readAllBytes(dir.resolve("sub").resolve("child")));
            sys.close(fd);
            assertErrno(Errno.EEXIST, sys.x(SysNr.OPENAT, dfd, m.cstring("existing"), O_CREAT | O_EXCL | O_RDWR, 0600), "openat EEXIST");
            assertErrno(Errno.ENOENT, sys.x(SysNr.OPENAT, dfd, m.cstring("missing"), O_RDONLY, 0), "openat ENOENT");
            int rfd = okInt(sys.x(SysNr.OPENAT, dfd, m.cstring("existing"), O_RDONLY | O_CLOEXEC, 0), "openat existing");
            assertErrno(Errno.ENOTDIR, sys.x(SysNr.OPENAT, rfd, m.cstring("x"), O_RDONLY, 0), "openat relative to a file fd");
            assertErrno(Errno.ENOTDIR, sys.x(SysNr.OPENAT, AT_FDCWD, m.cstring(dir.resolve("sub/existing").toString()),
                    O_RDONLY | O_DIRECTORY, 0), "O_DIRECTORY on a file");
            assertErrno(Errno.EBADF, sys.x(SysNr.OPENAT, 1_000_000, m.cstring("x"), O_RDONLY, 0), "openat on a bad dirfd");
            sys.close(rfd);
            sys.close(dfd);
        }
    }

    /**
     * read/write/lseek in random order on an engine fd and a JDK FileChannel over twin files: the
     * counts, the bytes and the file position (lseek, /proc fdinfo, FileChannel.position()) agree
     * after every step.
     */
    @AllEngines
    void readWriteAndLseekAdvanceThePositionLikeFileChannel(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (Mem m = new Mem();
                FileChannel jdk = FileChannel.open(b, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int fd = sys.open(m, a, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
            try {
                Seeds.check("read/write/lseek vs FileChannel", 150, (rnd, t) -> {
                    int op = rnd.nextInt(10);
                    String step;
                    if (op < 4) {
                        byte[] data = random(rnd, rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(20_000));
                        step = "write " + data.length + " at " + jdk.position();
                        long n = sys.x(SysNr.WRITE, fd, m.bytes(data), data.length);
                        int j = jdk.write(ByteBuffer.wrap(data));
                        assertEquals(j, n, step);
                    } else if (op < 8) {
                        int len = rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(20_000);
                        step = "read " + len + " at " + jdk.position() + " of " + jdk.size();
                        long buf = m.alloc(len);
                        long n = ok(sys.x(SysNr.READ, fd, buf, len), step);
                        ByteBuffer jb = ByteBuffer.allocate(len);
                        int j = jdk.read(jb);
                        assertEquals(Math.max(j, 0), n, step);
                        assertArrayEquals(Arrays.copyOf(jb.array(), Math.max(j, 0)), Mem.get(buf, (int) n), step);
                    } else if (op == 8) {
                        long to = (long) (rnd.nextDouble() * (jdk.size() + 5000));
                        step = "lseek SEEK_SET " + to;
                        assertEquals(to, sys.lseek(fd, to, SEEK_SET), step);
                        jdk.position(to);
                    } else {
                        long size = jdk.size();
                        long off = -(long) (rnd.nextDouble() * size) + rnd.nextInt(3000);
                        step = "lseek SEEK_END " + off;
                        assertEquals(size + off, sys.lseek(fd, off, SEEK_END), step);
                        jdk.position(size + off);
                    }
                    assertEquals(jdk.position(), sys.position(fd), "position (lseek SEEK_CUR) after " + step);
                    assertEquals(jdk.position(), fdinfoPos(fd), "position (/proc fdinfo) after " + step);
                    assertEquals(jdk.size(), Files.size(a), "size after " + step);
                });
            } finally {
                sys.close(fd);
            }
        }
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a));
    }

    @AllEngines
    void preadAndPwriteUseTheirOffsetAndLeaveThePosition(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (Mem m = new Mem();
                FileChannel jdk = FileChannel.open(b, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int fd = sys.open(m, a, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
            try {
                Seeds.check("pread/pwrite vs FileChannel", 120, (rnd, t) -> {
                    long pos = rnd.nextInt(5000);
                    sys.lseek(fd, pos, SEEK_SET);
                    long off = rnd.nextInt(70_000);
                    if (rnd.nextBoolean()) {
                        byte[] data = random(rnd, rnd.nextInt(16_000));
                        long n = sys.x(SysNr.PWRITE64, fd, m.bytes(data), data.length, off);
                        assertEquals(jdk.write(ByteBuffer.wrap(data), off), n, "pwrite " + data.length + " at " + off);
                    } else {
                        int len = rnd.nextInt(16_000);
                        long buf = m.alloc(len);
                        long n = ok(sys.x(SysNr.PREAD64, fd, buf, len, off), "pread");
                        ByteBuffer jb = ByteBuffer.allocate(len);
                        int j = Math.max(0, jdk.read(jb, off));
                        assertEquals(j, n, "pread " + len + " at " + off + " of " + jdk.size());
                        assertArrayEquals(Arrays.copyOf(jb.array(), j), Mem.get(buf, j));
                    }
                    assertEquals(pos, sys.position(fd), "file position after a positional call");
                    assertEquals(jdk.size(), Files.size(a));
                });
            } finally {
                sys.close(fd);
            }
        }
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a));
    }

    /** A random scatter/gather layout: 1..12 segments of 0..5000 bytes, at random places in one block. */
    private static final class Layout {
        final long[] bases;
        final int[] lengths;
        final int total;
        final long iov;

        Layout(Mem m, Random rnd) {
            int k = 1 + rnd.nextInt(12);
            bases = new long[k];
            lengths = new int[k];
            int t = 0;
            int[] gaps = new int[k];
            for (int i = 0; i < k; i++) {
                lengths[i] = rnd.nextInt(6) == 0 ? 0 : rnd.nextInt(5000);
                gaps[i] = rnd.nextInt(64);
                t += lengths[i] + gaps[i];
            }
            long block = m.alloc(t);
            long at = block;
            int sum = 0;
            for (int i = 0; i < k; i++) {
                at += gaps[i];
                bases[i] = at;
                at += lengths[i];
                sum += lengths[i];
            }
            total = sum;
            iov = m.iovecs(bases, lengths);
        }

        /** Fills the segments with {@code data} (total bytes) in order. */
        void fill(byte[] data) {
            int at = 0;
            for (int i = 0; i < bases.length; i++) {
                Mem.put(bases[i], Arrays.copyOfRange(data, at, at + lengths[i]));
                at += lengths[i];
            }
        }

        /** The first {@code n} bytes of the segments, in order. */
        byte[] gather(int n) {
            byte[] out = new byte[n];
            int at = 0;
            for (int i = 0; i < bases.length && at < n; i++) {
                int take = Math.min(lengths[i], n - at);
                System.arraycopy(Mem.get(bases[i], take), 0, out, at, take);
                at += take;
            }
            return out;
        }

        ByteBuffer[] heapBuffers() {
            ByteBuffer[] bb = new ByteBuffer[lengths.length];
            for (int i = 0; i < lengths.length; i++) {
                bb[i] = ByteBuffer.allocate(lengths[i]);
            }
            return bb;
        }

        @Override
        public String toString() {
            return "iovecs " + Arrays.toString(lengths);
        }
    }

    private static byte[] concat(ByteBuffer[] bufs, int n) {
        byte[] out = new byte[n];
        int at = 0;
        for (ByteBuffer b : bufs) {
            int take = Math.min(b.position(), n - at);
            System.arraycopy(b.array(), 0, out, at, take);
            at += take;
        }
        return out;
    }

    @AllEngines
    void readvAndWritevScatterAndGatherLikeFileChannel(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (Mem m = new Mem();
                FileChannel jdk = FileChannel.open(b, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int fd = sys.open(m, a, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
            try {
                Seeds.check("readv/writev vs FileChannel scatter/gather", 80, (rnd, t) -> {
                    Layout l = new Layout(m, rnd);
                    if (rnd.nextBoolean()) {
                        byte[] data = random(rnd, l.total);
                        l.fill(data);
                        long n = sys.x(SysNr.WRITEV, fd, l.iov, l.bases.length);
                        ByteBuffer[] src = l.heapBuffers();
                        ByteBuffer all = ByteBuffer.wrap(data);
                        for (ByteBuffer s : src) {
                            s.put(all.slice().limit(s.capacity()));
                            all.position(all.position() + s.capacity());
                            s.flip();
                        }
                        long j = jdk.write(src);
                        assertEquals(j, n, "writev " + l);
                    } else {
                        long to = (long) (rnd.nextDouble() * (jdk.size() + 100));
                        sys.lseek(fd, to, SEEK_SET);
                        jdk.position(to);
                        long n = ok(sys.x(SysNr.READV, fd, l.iov, l.bases.length), "readv " + l);
                        ByteBuffer[] dst = l.heapBuffers();
                        long j = Math.max(0, jdk.read(dst));
                        assertEquals(j, n, "readv " + l + " at " + to + " of " + jdk.size());
                        assertArrayEquals(concat(dst, (int) j), l.gather((int) n), "readv bytes " + l);
                    }
                    assertEquals(jdk.position(), sys.position(fd));
                    assertEquals(jdk.position(), fdinfoPos(fd));
                });
            } finally {
                sys.close(fd);
            }
        }
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a));
    }

    @AllEngines
    void preadvAndPwritevUseTheirOffset(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (Mem m = new Mem();
                FileChannel jdk = FileChannel.open(b, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int fd = sys.open(m, a, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
            try {
                Seeds.check("preadv/pwritev vs positional FileChannel", 80, (rnd, t) -> {
                    Layout l = new Layout(m, rnd);
                    long pos = rnd.nextInt(1000);
                    sys.lseek(fd, pos, SEEK_SET);
                    long off = rnd.nextInt(60_000);
                    if (rnd.nextBoolean()) {
                        byte[] data = random(rnd, l.total);
                        l.fill(data);
                        long n = sys.x(SysNr.PWRITEV, fd, l.iov, l.bases.length, off, 0);
                        assertEquals(jdk.write(ByteBuffer.wrap(data), off), n, "pwritev " + l + " at " + off);
                    } else {
                        long n = ok(sys.x(SysNr.PREADV, fd, l.iov, l.bases.length, off, 0), "preadv");
                        ByteBuffer jb = ByteBuffer.allocate(l.total);
                        int j = Math.max(0, jdk.read(jb, off));
                        assertEquals(j, n, "preadv " + l + " at " + off + " of " + jdk.size());
                        assertArrayEquals(Arrays.copyOf(jb.array(), j), l.gather(j));
                    }
                    assertEquals(pos, sys.position(fd), "position after a positional vector call");
                });
            } finally {
                sys.close(fd);
            }
        }
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a));
    }

    @AllEngines
    void fsyncAndFdatasync(EngineUnderTest eut) throws IOException {
        Sys sys = new Sys(ENGINES.get(eut));
        Path a = dir.resolve("a");
        try (Mem m = new Mem()) {
            int fd = sys.moveHigh(sys.open(m, a, O_CREAT | O_RDWR | O_CLOEXEC, 0600));
            assertEquals(4, sys.x(SysNr.WRITE, fd, m.bytes(new byte[] {1, 2, 3, 4}), 4));
            assertEquals(0, sys.x(SysNr.FSYNC, fd));
            assertEquals(0, sys.x(SysNr.FDATASYNC, fd));
            try (FileChannel jdk = FileChannel.open(a, StandardOpenOption.WRITE)) {
                jdk.force(true); // the JDK's fsync on the same file succeeds too
            }
            int rfd = sys.open(m, a, O_RDONLY | O_CLOEXEC, 0);
            assertEquals(0, sys.x(SysNr.FSYNC, rfd), "fsync of a read-only fd");
            sys.close(rfd);
            int efd = okInt(sys.x(SysNr.EVENTFD2, 0, EFD_CLOEXEC), "eventfd2");
            assertEquals(describe(DirectEngine.run(Call.of(SysNr.FSYNC, efd))), describe(sys.x(SysNr.FSYNC, efd)), "fsync of an eventfd");
            assertErrno(Errno.EINVAL, sys.x(SysNr.FDATASYNC, efd), "fdatasync of an eventfd");
            sys.close(efd);
            sys.close(fd);
            assertErrno(Errno.EBADF, sys.x(SysNr.FSYNC, fd), "fsync of a closed fd");
            assertErrno(Errno.EBADF, sys.x(SysNr.FDATASYNC, fd), "fdatasync of a closed fd");
        }
    }

    @AllEngines
    void ftruncateGrowsAndShrinksLikeTheJdk(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Random init = new Random(Seeds.seed());
        byte[] initial = random(init, 10_000);
        Files.write(a, initial);
        Files.write(b, initial);
        try (Mem m = new Mem(); RandomAccessFile jdk = new RandomAccessFile(b.toFile(), "rw")) {
            int fd = sys.open(m, a, O_RDWR | O_CLOEXEC, 0);
            try {
                Seeds.check("ftruncate vs RandomAccessFile.setLength", 30, (rnd, t) -> {
                    long len = rnd.nextInt(30_000);
                    assertEquals(0, sys.x(SysNr.FTRUNCATE, fd, len), "ftruncate " + len);
                    jdk.setLength(len);
                    assertEquals(len, Files.size(a));
                    assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a), "contents after ftruncate " + len);
                    if (rnd.nextBoolean()) { // scribble so that a shrink-then-grow must zero-fill
                        byte[] d = random(rnd, 100);
                        long off = rnd.nextInt((int) len + 1);
                        sys.x(SysNr.PWRITE64, fd, m.bytes(d), d.length, off);
                        jdk.seek(off);
                        jdk.write(d);
                    }
                });
                assertErrno(Errno.EINVAL, sys.x(SysNr.FTRUNCATE, fd, -1), "ftruncate to a negative length");
            } finally {
                sys.close(fd);
            }
            int rfd = sys.open(m, a, O_RDONLY | O_CLOEXEC, 0);
            long direct = DirectEngine.run(Call.of(SysNr.FTRUNCATE, rfd, 0));
            assertTrue(Errno.isError(direct), "ftruncate of a read-only fd fails directly");
            assertEquals(describe(direct), describe(sys.x(SysNr.FTRUNCATE, rfd, 0)), "ftruncate of a read-only fd");
            sys.close(rfd);
        }
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a));
    }

    @AllEngines
    void fallocateExtendsOrKeepsTheSize(EngineUnderTest eut) throws IOException {
        Sys sys = new Sys(ENGINES.get(eut));
        Path a = dir.resolve("a");
        byte[] initial = random(new Random(Seeds.seed()), 5000);
        Files.write(a, initial);
        try (Mem m = new Mem()) {
            int fd = sys.open(m, a, O_RDWR | O_CLOEXEC, 0);
            long stat = m.alloc(STAT_SIZE);
            assertEquals(0, sys.x(SysNr.FALLOCATE, fd, 0, 10_000, 20_000), "fallocate mode 0");
            assertEquals(30_000, Files.size(a));
            byte[] expected = Arrays.copyOf(initial, 30_000);
            assertArrayEquals(expected, Files.readAllBytes(a), "fallocate keeps the data and zero-fills");

            ok(sys.x(SysNr.FSTAT, fd, stat), "fstat");
            long blocksBefore = Mem.view(stat, STAT_SIZE).getLong(STAT_BLOCKS);
            assertEquals(0, sys.x(SysNr.FALLOCATE, fd, FALLOC_FL_KEEP_SIZE, 1 << 20, 1 << 20), "fallocate KEEP_SIZE");
            assertEquals(30_000, Files.size(a), "KEEP_SIZE leaves the size");
            ok(sys.x(SysNr.FSTAT, fd, stat), "fstat");
            long blocksAfter = Mem.view(stat, STAT_SIZE).getLong(STAT_BLOCKS);
            assertTrue(blocksAfter >= blocksBefore + (1 << 20) / 512, "KEEP_SIZE allocated blocks: " + blocksBefore + " -> " + blocksAfter);
            assertArrayEquals(expected, Files.readAllBytes(a));

            assertErrno(Errno.EINVAL, sys.x(SysNr.FALLOCATE, fd, 0, 0, -1), "fallocate of a negative length");
            assertErrno(Errno.EINVAL, sys.x(SysNr.FALLOCATE, fd, 0, -1, 10), "fallocate at a negative offset");
            sys.close(fd);
            int rfd = sys.open(m, a, O_RDONLY | O_CLOEXEC, 0);
            assertErrno(Errno.EBADF, sys.x(SysNr.FALLOCATE, rfd, 0, 0, 10), "fallocate of a read-only fd");
            sys.close(rfd);
        }
    }

    @AllEngines
    void lseekErrorsLikeTheDirectEngine(EngineUnderTest eut) throws IOException {
        Sys sys = new Sys(ENGINES.get(eut));
        Files.write(dir.resolve("a"), new byte[100]);
        try (Mem m = new Mem(); FileChannel jdk = FileChannel.open(dir.resolve("a"))) {
            int fd = sys.moveHigh(sys.open(m, dir.resolve("a"), O_RDONLY | O_CLOEXEC, 0));
            assertEquals(40, sys.lseek(fd, 40, SEEK_SET));
            assertEquals(50, sys.lseek(fd, 10, SEEK_CUR));
            assertEquals(90, sys.lseek(fd, -10, SEEK_END));
            assertEquals(1 << 20, sys.lseek(fd, 1 << 20, SEEK_SET), "seeking past the end is allowed");
            assertErrno(Errno.EINVAL, sys.lseek(fd, -1, SEEK_SET), "lseek to a negative position");
            assertThrows(IllegalArgumentException.class, () -> jdk.position(-1));
            assertErrno(Errno.EINVAL, sys.lseek(fd, 0, 77), "lseek with a bad whence");
            assertEquals(1 << 20, sys.position(fd), "failed seeks leave the position");
            long pipe = m.alloc(8);
            ok(sys.x(SysNr.PIPE2, pipe, O_CLOEXEC), "pipe2");
            int r = Mem.getInt(pipe);
            int w = Mem.getInt(pipe + 4);
            assertErrno(Errno.ESPIPE, sys.lseek(r, 0, SEEK_SET), "lseek on a pipe");
            sys.close(r);
            sys.close(w);
            sys.close(fd);
            assertErrno(Errno.EBADF, sys.lseek(fd, 0, SEEK_SET), "lseek on a closed fd");
        }
    }

    @AllEngines
    void fstatAndStatxAgreeWithTheJdk(EngineUnderTest eut) throws IOException {
        Sys sys = new Sys(ENGINES.get(eut));
        Path a = dir.resolve("a");
        Files.write(a, random(new Random(Seeds.seed()), 12_345));
        try (Mem m = new Mem()) {
            int fd = sys.moveHigh(sys.open(m, a, O_RDONLY | O_CLOEXEC, 0));
            long st = m.alloc(STAT_SIZE);
            assertEquals(0, sys.x(SysNr.FSTAT, fd, st));
            ByteBuffer s = Mem.view(st, STAT_SIZE);
            assertEquals(Files.size(a), s.getLong(STAT_ST_SIZE), "st_size");
            assertEquals(((Number) Files.getAttribute(a, "unix:ino")).longValue(), s.getLong(STAT_INO), "st_ino");
            assertEquals(((Number) Files.getAttribute(a, "unix:nlink")).longValue(), s.getLong(STAT_NLINK), "st_nlink");
            assertEquals(((Number) Files.getAttribute(a, "unix:mode")).intValue(), s.getInt(STAT_MODE), "st_mode");
            assertEquals(S_IFREG, s.getInt(STAT_MODE) & S_IFMT);

            long stx = m.alloc(STATX_SIZE);
            assertEquals(0, sys.x(SysNr.STATX, AT_FDCWD, m.cstring(a.toString()), 0, STATX_BASIC_STATS, stx), "statx by path");
            ByteBuffer x = Mem.view(stx, STATX_SIZE);
            assertEquals(STATX_BASIC_STATS, x.getInt(STATX_MASK) & STATX_BASIC_STATS, "stx_mask");
            assertEquals(Files.size(a), x.getLong(STATX_ST_SIZE), "stx_size");
            assertEquals(s.getLong(STAT_INO), x.getLong(STATX_INO), "stx_ino");
            assertEquals(s.getInt(STAT_MODE), x.getShort(STATX_MODE) & 0xffff, "stx_mode");

            long stx2 = m.alloc(STATX_SIZE);
            assertEquals(0, sys.x(SysNr.STATX, fd, m.cstring(""), AT_EMPTY_PATH, STATX_BASIC_STATS, stx2), "statx AT_EMPTY_PATH");
            assertEquals(Files.size(a), Mem.view(stx2, STATX_SIZE).getLong(STATX_ST_SIZE));

            long dst = m.alloc(STATX_SIZE);
            assertEquals(0, sys.x(SysNr.STATX, AT_FDCWD, m.cstring(dir.toString()), 0, STATX_BASIC_STATS, dst));
            assertEquals(S_IFDIR, Mem.view(dst, STATX_SIZE).getShort(STATX_MODE) & S_IFMT, "a directory's type");

            Path missing = dir.resolve("missing");
            assertThrows(NoSuchFileException.class, () -> Files.size(missing));
            assertErrno(Errno.ENOENT, sys.x(SysNr.STATX, AT_FDCWD, m.cstring(missing.toString()), 0, STATX_BASIC_STATS, stx),
                    "statx of a missing file");
            sys.close(fd);
            assertErrno(Errno.EBADF, sys.x(SysNr.FSTAT, fd, st), "fstat of a closed fd");
        }
    }

    @AllEngines
    void closeThenEverythingIsEbadf(EngineUnderTest eut) throws IOException {
        Sys sys = new Sys(ENGINES.get(eut));
        Files.write(dir.resolve("a"), new byte[10]);
        try (Mem m = new Mem()) {
            int fd = sys.moveHigh(sys.open(m, dir.resolve("a"), O_RDWR | O_CLOEXEC, 0));
            assertTrue(Files.exists(Path.of("/proc/self/fd/" + fd)));
            assertEquals(0, sys.x(SysNr.CLOSE, fd));
            assertFalse(Files.exists(Path.of("/proc/self/fd/" + fd)), "fd still open after close");
            long buf = m.alloc(10);
            assertErrno(Errno.EBADF, sys.x(SysNr.READ, fd, buf, 10), "read after close");
            assertErrno(Errno.EBADF, sys.x(SysNr.WRITE, fd, buf, 10), "write after close");
            assertErrno(Errno.EBADF, sys.x(SysNr.PREAD64, fd, buf, 10, 0), "pread after close");
            assertErrno(Errno.EBADF, sys.x(SysNr.FSTAT, fd, m.alloc(STAT_SIZE)), "fstat after close");
            assertErrno(Errno.EBADF, sys.x(SysNr.CLOSE, fd), "second close");
        }
    }

    @AllEngines
    void sendfileCopyFileRangeAndSpliceMoveTheBytes(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        Path src = dir.resolve("src");
        Random init = new Random(Seeds.seed());
        byte[] data = random(init, 100_000);
        Files.write(src, data);
        try (Mem m = new Mem()) {
            int in = sys.open(m, src, O_RDONLY | O_CLOEXEC, 0);
            long pipe = m.alloc(8);
            ok(sys.x(SysNr.PIPE2, pipe, O_CLOEXEC), "pipe2");
            int pr = Mem.getInt(pipe);
            int pw = Mem.getInt(pipe + 4);
            try {
                Seeds.check("sendfile/copy_file_range/splice", 24, (rnd, t) -> {
                    Path dst = dir.resolve("dst" + t);
                    int out = sys.open(m, dst, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
                    try {
                        int off = rnd.nextInt(data.length);
                        int len = rnd.nextInt(Math.min(60_000, data.length - off) + 1);
                        int outOff = rnd.nextInt(5000);
                        byte[] expected = new byte[outOff + len];
                        System.arraycopy(data, off, expected, outOff, len);
                        long inOff = m.int64(off);
                        long outOffP = m.int64(outOff);
                        String what;
                        switch (t % 3) {
                            case 0: {
                                what = "sendfile " + len + " from " + off + " to position " + outOff;
                                sys.lseek(out, outOff, SEEK_SET);
                                long before = sys.position(in);
                                assertEquals(len, sys.x(SysNr.SENDFILE, out, in, inOff, len), what);
                                assertEquals(before, sys.position(in), "sendfile with an offset leaves the input position");
                                assertEquals(outOff + len, sys.position(out), "sendfile advances the output position");
                                break;
                            }
                            case 1: {
                                what = "copy_file_range " + len + " from " + off + " to " + outOff;
                                assertEquals(len, sys.x(SysNr.COPY_FILE_RANGE, in, inOff, out, outOffP, len, 0), what);
                                assertEquals(outOff + len, Mem.getLong(outOffP), "copy_file_range advances *off_out");
                                assertEquals(0, sys.position(out), "copy_file_range with offsets leaves the position");
                                break;
                            }
                            default: {
                                what = "splice " + len + " from " + off + " via a pipe to " + outOff;
                                int chunk = Math.min(len, 65_536);
                                assertEquals(chunk, sys.x(SysNr.SPLICE, in, inOff, pw, 0, chunk, 0), what + " (into the pipe)");
                                assertEquals(chunk, sys.x(SysNr.SPLICE, pr, 0, out, outOffP, chunk, 0), what + " (out of the pipe)");
                                assertEquals(outOff + chunk, Mem.getLong(outOffP), "splice advances *off_out");
                                expected = Arrays.copyOf(expected, outOff + chunk);
                                len = chunk;
                                break;
                            }
                        }
                        assertEquals(off + len, Mem.getLong(inOff), what + ": the input offset advances");
                        if (len == 0) {
                            expected = new byte[0]; // nothing written: the file stays empty
                        }
                        assertArrayEquals(expected, Files.readAllBytes(dst), what);
                    } finally {
                        sys.close(out);
                    }
                });
                // sendfile with no offset pointer uses and advances the input position
                Path dst = dir.resolve("dst-pos");
                int out = sys.open(m, dst, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
                sys.lseek(in, 1000, SEEK_SET);
                assertEquals(2000, sys.x(SysNr.SENDFILE, out, in, 0, 2000));
                assertEquals(3000, sys.position(in), "sendfile without an offset advances the input position");
                assertEquals(3000, fdinfoPos(in));
                assertArrayEquals(Arrays.copyOfRange(data, 1000, 3000), Files.readAllBytes(dst));
                sys.close(out);
            } finally {
                sys.close(pr);
                sys.close(pw);
                sys.close(in);
            }
        }
    }

    @AllEngines
    void writeAtEofAndPartialReadAtEof(EngineUnderTest eut) throws IOException {
        Sys sys = new Sys(ENGINES.get(eut));
        Path a = dir.resolve("a");
        byte[] data = random(new Random(Seeds.seed()), 1000);
        Files.write(a, data);
        try (Mem m = new Mem()) {
            int fd = sys.open(m, a, O_RDONLY | O_CLOEXEC, 0);
            long buf = m.alloc(400);
            sys.lseek(fd, 800, SEEK_SET);
            assertEquals(200, sys.x(SysNr.READ, fd, buf, 400), "a read that crosses EOF is partial");
            assertArrayEquals(Arrays.copyOfRange(data, 800, 1000), Mem.get(buf, 200));
            assertEquals(0, sys.x(SysNr.READ, fd, buf, 400), "a read at EOF returns 0");
            assertEquals(300, sys.x(SysNr.PREAD64, fd, buf, 400, 700));
            assertArrayEquals(Arrays.copyOfRange(data, 700, 1000), Mem.get(buf, 300));
            sys.close(fd);
        }
    }
}
