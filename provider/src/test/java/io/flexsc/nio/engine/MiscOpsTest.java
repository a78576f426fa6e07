package io.flexsc.nio.engine;

import static io.flexsc.nio.engine.Kernel.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** getpid, eventfd2, epoll on an eventfd, and mmap/munmap through every engine. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@ExtendWith(SeedReporter.class)
class MiscOpsTest {
    @RegisterExtension
    static final EnginePool ENGINES = new EnginePool();

    @TempDir
    Path dir;

    private static final long PAGE = 4096;

    @AllEngines
    void getpidIsTheJvmsPid(EngineUnderTest eut) {
        SyscallEngine e = ENGINES.get(eut);
        long pid = ProcessHandle.current().pid();
        for (int i = 0; i < 100; i++) {
            assertEquals(pid, e.syscall(SysNr.GETPID, 0, 0, 0));
            assertEquals(pid, e.execute(new Call(SysNr.GETPID, 0, 0, 0, 0, 0, 0)));
        }
    }

    @AllEngines
    void eventfdCountsAndBlocksNot(EngineUnderTest eut) {
        Sys sys = new Sys(ENGINES.get(eut));
        try (Mem m = new Mem()) {
            int efd = okInt(sys.x(SysNr.EVENTFD2, 5, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd2");
            int sem = okInt(sys.x(SysNr.EVENTFD2, 2, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE), "eventfd2 semaphore");
            try {
                long v = m.alloc(8);
                assertEquals(8, sys.x(SysNr.WRITE, efd, m.int64(37), 8));
                assertEquals(8, sys.x(SysNr.READ, efd, v, 8));
                assertEquals(42, Mem.getLong(v), "an eventfd read returns the sum and resets");
                assertErrno(Errno.EAGAIN, sys.x(SysNr.READ, efd, v, 8), "reading a zero non-blocking eventfd");
                assertErrno(Errno.EINVAL, sys.x(SysNr.READ, efd, v, 4), "an eventfd read of fewer than 8 bytes");
                assertErrno(Errno.EINVAL, sys.x(SysNr.WRITE, efd, m.int64(-1), 8), "writing 0xffffffffffffffff");
                assertEquals(8, sys.x(SysNr.READ, sem, v, 8));
                assertEquals(1, Mem.getLong(v), "semaphore mode reads 1");
                assertEquals(8, sys.x(SysNr.READ, sem, v, 8));
                assertErrno(Errno.EAGAIN, sys.x(SysNr.READ, sem, v, 8), "semaphore drained");
                assertErrno(Errno.EINVAL, sys.x(SysNr.EVENTFD2, 0, 0x7fff_0000), "eventfd2 with bad flags");

                // epoll over the eventfd
                int ep = okInt(sys.x(SysNr.EPOLL_CREATE1, EPOLL_CLOEXEC), "epoll_create1");
                try {
                    long ev = m.alloc(EPOLL_EVENT_SIZE);
                    Mem.view(ev, EPOLL_EVENT_SIZE).putInt(0, EPOLLIN).putLong(4, 99);
                    assertEquals(0, sys.x(SysNr.EPOLL_CTL, ep, EPOLL_CTL_ADD, efd, ev));
                    long events = m.alloc(EPOLL_EVENT_SIZE * 2L);
                    assertEquals(0, sys.x(SysNr.EPOLL_WAIT, ep, events, 2, 0));
                    assertEquals(8, sys.x(SysNr.WRITE, efd, m.int64(1), 8));
                    assertEquals(1, sys.x(SysNr.EPOLL_WAIT, ep, events, 2, 10_000));
                    assertEquals(99, Mem.view(events, EPOLL_EVENT_SIZE).getLong(4));
                    assertErrno(Errno.EINVAL, sys.x(SysNr.EPOLL_CREATE1, 1), "epoll_create1 with a bad flag");
                    assertErrno(Errno.EBADF, sys.x(SysNr.EPOLL_CTL, ep, EPOLL_CTL_ADD, 1_000_000, ev), "epoll_ctl of a bad fd");
                } finally {
                    sys.close(ep);
                }
            } finally {
                sys.close(sem);
                sys.close(efd);
            }
        }
    }

    private static boolean mapped(Path file) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.endsWith(" " + file));
    }

    @AllEngines
    void mmapAFileSharesItsPagesAndMunmapRemovesTheMapping(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        Path f = dir.resolve("mapped");
        byte[] data = new byte[(int) (3 * PAGE)];
        new Random(Seeds.seed()).nextBytes(data);
        Files.write(f, data);
        try (Mem m = new Mem()) {
            int fd = sys.moveHigh(sys.open(m, f, O_RDWR | O_CLOEXEC, 0));
            long addr = sys.x(SysNr.MMAP, 0, data.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            assertFalse(Errno.isError(addr), "mmap: " + describe(addr));
            assertEquals(0, addr % PAGE, "mmap returns a page-aligned address");
            try {
                assertTrue(mapped(f), "/proc/self/maps lists the mapping");
                assertArrayEquals(data, Mem.get(addr, data.length), "the mapping shows the file");
                byte[] patch = {1, 2, 3, 4, 5};
                Mem.put(addr + PAGE + 10, patch);
                System.arraycopy(patch, 0, data, (int) PAGE + 10, patch.length);
                assertArrayEquals(data, Files.readAllBytes(f), "a store through MAP_SHARED reaches the file");
                ByteBuffer jdkWrite = ByteBuffer.wrap(new byte[] {9, 9, 9});
                try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.write(jdkWrite, 2 * PAGE);
                }
                assertArrayEquals(new byte[] {9, 9, 9}, Mem.get(addr + 2 * PAGE, 3), "a JDK write shows in the mapping");
            } finally {
                assertEquals(0, sys.x(SysNr.MUNMAP, addr, data.length), "munmap");
            }
            assertFalse(mapped(f), "munmap removed the mapping");
            sys.close(fd);

            assertErrno(Errno.EINVAL, sys.x(SysNr.MMAP, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), "mmap of length 0");
            assertErrno(Errno.EBADF, sys.x(SysNr.MMAP, 0, PAGE, PROT_READ, MAP_SHARED, fd, 0), "mmap of a closed fd");
            assertErrno(Errno.EINVAL, sys.x(SysNr.MUNMAP, 1, PAGE), "munmap of an unaligned address");
        }
    }

    @AllEngines
    void anonymousMmapIsUsableMemoryForOtherCalls(EngineUnderTest eut) throws Exception {
        Sys sys = new Sys(ENGINES.get(eut));
        Path f = dir.resolve("out");
        try (Mem m = new Mem()) {
            long len = 5 * PAGE;
            long addr = sys.x(SysNr.MMAP, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            assertFalse(Errno.isError(addr), "mmap anonymous: " + describe(addr));
            try {
                assertArrayEquals(new byte[(int) len], Mem.get(addr, (int) len), "anonymous memory is zeroed");
                byte[] data = new byte[(int) len];
                new Random(Seeds.seed()).nextBytes(data);
                Mem.put(addr, data);
                int fd = sys.open(m, f, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
                assertEquals(len, sys.x(SysNr.WRITE, fd, addr, len), "write from mmap'd memory");
                sys.close(fd);
                assertArrayEquals(data, Files.readAllBytes(f));
                assertArrayEquals(Arrays.copyOf(data, 10), Mem.get(addr, 10));
            } finally {
                assertEquals(0, sys.x(SysNr.MUNMAP, addr, len));
            }
        }
    }
}
