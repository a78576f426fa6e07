package io.flexsc.nio.ffi;

import static io.flexsc.nio.ffi.Mem.addr;
import static io.flexsc.nio.ffi.Mem.check;
import static io.flexsc.nio.ffi.Mem.direct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link IoStatus} against what a JDK channel returns for the same pipe states. */
@ExtendWith(FdLeakCheck.class)
class IoStatusTest {

    @Test
    void emptyDataAndEndOfStreamLikeAJdkPipe() throws IOException {
        // The JDK: a non-blocking empty pipe reads 0, data reads its count, a closed writer -1.
        long jdkEmpty, jdkData, jdkEof;
        Pipe jp = Pipe.open();
        try {
            jp.source().configureBlocking(false);
            jdkEmpty = jp.source().read(ByteBuffer.allocate(8));
            jp.sink().write(ByteBuffer.wrap(new byte[3]));
            jdkData = jp.source().read(ByteBuffer.allocate(8));
            jp.sink().close();
            jdkEof = jp.source().read(ByteBuffer.allocate(8));
        } finally {
            jp.source().close();
            jp.sink().close();
        }

        ByteBuffer fds = direct(8);
        check(Sys.pipe2(addr(fds), Linux.O_CLOEXEC | Linux.O_NONBLOCK));
        int rd = fds.getInt(0), wr = fds.getInt(4);
        ByteBuffer b = direct(8);
        try {
            long empty = IoStatus.read(Sys.read(rd, addr(b), 8), Errors.IO);
            assertEquals(IoStatus.UNAVAILABLE, empty);
            assertEquals(jdkEmpty, IoStatus.normalize(empty));
            assertEquals(3, IoStatus.write(Sys.write(wr, addr(b), 3), Errors.IO));
            assertEquals(jdkData, IoStatus.normalize(IoStatus.read(Sys.read(rd, addr(b), 8), Errors.IO)));
            check(Sys.close(wr));
            wr = -1;
            assertEquals(jdkEof, IoStatus.normalize(IoStatus.read(Sys.read(rd, addr(b), 8), Errors.IO)));
            assertEquals(IoStatus.EOF, jdkEof);
        } finally {
            Sys.close(rd);
            if (wr >= 0) {
                Sys.close(wr);
            }
        }
    }

    @Test
    void aFullNonBlockingPipeWritesNothingAndAWriteWithoutReaderIsABrokenPipe() throws IOException {
        ByteBuffer fds = direct(8);
        check(Sys.pipe2(addr(fds), Linux.O_CLOEXEC | Linux.O_NONBLOCK));
        int rd = fds.getInt(0), wr = fds.getInt(4);
        ByteBuffer chunk = direct(65536);
        try {
            long r;
            int rounds = 0;
            while ((r = IoStatus.write(Sys.write(wr, addr(chunk), chunk.capacity()), Errors.IO)) > 0) {
                rounds++;
                if (rounds > 1000) {
                    throw new AssertionError("pipe never filled");
                }
            }
            assertEquals(IoStatus.UNAVAILABLE, r);
            check(Sys.close(rd));
            rd = -1;
            // The JVM ignores SIGPIPE, so the write fails with EPIPE: "Broken pipe" as the JDK says.
            long raw = Sys.write(wr, addr(chunk), 1);
            IOException e = assertThrows(IOException.class, () -> IoStatus.write(raw, Errors.IO));
            assertSame(IOException.class, e.getClass());
            assertEquals("Broken pipe", e.getMessage());
        } finally {
            if (rd >= 0) {
                Sys.close(rd);
            }
            Sys.close(wr);
        }
    }

    @Test
    void interruptedAndCheck() throws IOException {
        // EINTR needs a signal mid-call, which a test cannot deliver reliably: the mapping alone.
        assertEquals(IoStatus.INTERRUPTED, IoStatus.read(-Errno.EINTR, Errors.IO));
        assertEquals(IoStatus.INTERRUPTED, IoStatus.write(-Errno.EINTR, Errors.IO));
        assertEquals(0, IoStatus.write(0, Errors.IO));
        assertEquals(7, IoStatus.check(7, Errors.IO));
        IOException e = assertThrows(IOException.class, () -> IoStatus.check(-Errno.EAGAIN, Errors.IO));
        assertEquals("Resource temporarily unavailable", e.getMessage());
        assertEquals(-3, IoStatus.normalize(IoStatus.INTERRUPTED));
    }
}
