package io.flexsc.nio.engine;

import static io.flexsc.nio.engine.Kernel.okInt;

import io.flexsc.nio.ffi.SysNr;
import java.nio.file.Path;

/**
 * System calls through one engine, spelled briefly: {@code sys.x(SysNr.READ, fd, buf, n)} builds a
 * {@link Call}, executes it and returns the raw result. A few helpers (open, close, lseek) assert
 * success. Carries the engine only; thread-safe as the engine is.
 */
final class Sys {
    final SyscallEngine engine;

    Sys(SyscallEngine engine) {
        this.engine = engine;
    }

    /** One call by number; missing arguments are 0. */
    long x(int nr, long... args) {
        return engine.execute(Call.of(nr, args));
    }

    /** openat(AT_FDCWD, path, flags, mode), asserted successful. */
    int open(Mem m, Path path, int flags, int mode) {
        return okInt(x(SysNr.OPENAT, Kernel.AT_FDCWD, m.cstring(path.toString()), flags, mode), "openat " + path);
    }

    /**
     * Moves {@code fd} to a {@link Kernel#spareFdNumber() spare high number} (dup3 with O_CLOEXEC, then
     * close of the original), so that the number stays unused by the JVM once the test closes it.
     */
    int moveHigh(int fd) {
        int high = Kernel.spareFdNumber();
        org.junit.jupiter.api.Assertions.assertEquals(high, x(SysNr.DUP3, fd, high, Kernel.O_CLOEXEC), "dup3 to a spare number");
        close(fd);
        return high;
    }

    /** An fd number that was open and is now closed, and that nobody else will reuse. */
    int closedFd() {
        int fd = moveHigh(okInt(x(SysNr.EVENTFD2, 0, Kernel.EFD_CLOEXEC), "eventfd2"));
        close(fd);
        return fd;
    }

    void close(int fd) {
        Kernel.ok(x(SysNr.CLOSE, fd), "close " + fd);
    }

    long lseek(int fd, long off, int whence) {
        return x(SysNr.LSEEK, fd, off, whence);
    }

    /** The fd's file position, via the engine. */
    long position(int fd) {
        return Kernel.ok(lseek(fd, 0, Kernel.SEEK_CUR), "lseek SEEK_CUR");
    }
}
