package io.flexsc.nio.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CFunction}: C functions called by address through jffi, every value passed as a 64-bit
 * integer. Each test checks one part of that convention against what the kernel or the JDK says.
 */
class CFunctionTest {

    private static final long PID = ProcessHandle.current().pid();

    @Test
    void aCallReturnsTheFunctionsResult() {
        assertEquals(PID, CFunction.bind("getpid", 0).call0());
    }

    @Test
    void aFailingCallSavesErrnoForThisThread() {
        CFunction close = CFunction.bind("close", 1);
        assertEquals(-1, (int) close.call1(-1));
        assertEquals(Errno.EBADF, CFunction.lastErrno());
    }

    @Test
    void errnoIsSavedPerThread() throws InterruptedException {
        CFunction close = CFunction.bind("close", 1);
        assertEquals(-1, (int) close.call1(-1));
        int[] other = new int[1];
        Thread t = new Thread(() -> {
            CFunction.bind("getpid", 0).call0();
            assertEquals(-1, (int) CFunction.bind("lseek", 3).call3(-1, 0, Linux.SEEK_SET));
            other[0] = CFunction.lastErrno();
        });
        t.start();
        t.join();
        assertEquals(Errno.EBADF, other[0]);
        assertEquals(Errno.EBADF, CFunction.lastErrno(), "another thread's errno does not leak here");
    }

    @Test
    void sixParametersReachTheFunction() {
        // syscall(2) with five arguments: six parameters, the last fast form.
        assertEquals(PID, CFunction.bind("syscall", 6).call6(SysNr.GETPID, 0, 0, 0, 0, 0));
    }

    @Test
    void sevenParametersGoThroughAnInvocationBuffer() {
        CFunction syscall = CFunction.bind("syscall", 7);
        assertEquals(PID, syscall.call7(SysNr.GETPID, 0, 0, 0, 0, 0, 0));
        assertEquals(-1, syscall.call7(SysNr.CLOSE, -1, 0, 0, 0, 0, 0));
        assertEquals(Errno.EBADF, CFunction.lastErrno());
    }

    /** An offset past 4 GiB and a negative int both cross intact, compared with the JDK's view. */
    @Test
    void wideAndNegativeArgumentsCrossIntact(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sparse");
        int fd = Sys.open(file.toString(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_CLOEXEC, 0600);
        assertTrue(fd >= 0, "open: " + fd);
        try {
            long far = (5L << 30) + 7;
            assertEquals(far, CFunction.bind("lseek", 3).call3(fd, far, Linux.SEEK_SET));
            assertEquals(0, (int) CFunction.bind("ftruncate", 2).call2(fd, far));
        } finally {
            Sys.close(fd);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertEquals((5L << 30) + 7, ch.size());
        }
        // AT_FDCWD is -100: an int the callee reads from the low half of its register.
        byte[] path = CString.bytes(file.toString());
        long mem = NativeMemory.allocate(path.length + 1);
        try {
            assertTrue(CString.put(path, mem, path.length + 1) >= 0);
            long fd2 = CFunction.bind("openat", 4).call4(Linux.AT_FDCWD, mem, Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
            assertTrue((int) fd2 >= 0, "openat(AT_FDCWD): " + fd2);
            Sys.close((int) fd2);
        } finally {
            NativeMemory.free(mem);
        }
    }

    @Test
    void aMissingSymbolFailsWhenCalledAndNamesIt() {
        CFunction missing = CFunction.bind("flexsc_no_such_function", 1);
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> missing.call1(0));
        assertTrue(e.getMessage().contains("flexsc_no_such_function"), e.getMessage());
    }

    @Test
    void aCallWithTheWrongArityIsRefused() {
        CFunction getpid = CFunction.bind("getpid", 0);
        assertThrows(IllegalStateException.class, () -> getpid.call1(0));
        assertThrows(IllegalArgumentException.class, () -> CFunction.bind("syscall", 8));
    }
}
