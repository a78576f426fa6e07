package io.flexsc.nio.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ThreadSignal}: the JDK's interrupt signal has a handler that makes a waiting system call
 * return EINTR, a signal sent to a thread waiting in read(2) on an empty blocking pipe ends that
 * read with EINTR, and so does the timer, at its time, and the process lives on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadSignalTest {
    private int readFd = -1;
    private int writeFd = -1;

    @BeforeEach
    void pipe() {
        Scratch s = Scratch.acquire(8);
        try {
            assertEquals(0, RawSyscall.invoke3(SysNr.PIPE2, s.address(), Linux.O_CLOEXEC, 0)); // blocking
            readFd = s.buffer().getInt(0);
            writeFd = s.buffer().getInt(4);
        } finally {
            s.release();
        }
    }

    @AfterEach
    void close() {
        RawSyscall.invoke3(SysNr.CLOSE, readFd, 0, 0);
        RawSyscall.invoke3(SysNr.CLOSE, writeFd, 0, 0);
    }

    @Test
    void theJdksHandlerIsThere() {
        assertTrue(ThreadSignal.usable(), "SIGRTMAX-2 has no handler that lets a waiting call return EINTR");
    }

    @Test
    void aSignalEndsAReadWaitingInTheKernel() throws Exception {
        int[] tid = new int[1];
        CompletableFuture<Long> read = blockedRead(tid);
        ThreadSignal.signal(tid[0]);
        assertEquals(-Errno.EINTR, read.get(30, TimeUnit.SECONDS));
    }

    @Test
    void theTimerEndsAReadWaitingInTheKernelAtItsTime() throws Exception {
        CompletableFuture<Long> result = new CompletableFuture<>();
        CompletableFuture<Long> elapsed = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            Scratch s = Scratch.acquire(8);
            try {
                long start = System.nanoTime();
                long timer = ThreadSignal.arm(ThreadSignal.currentTid(), TimeUnit.MILLISECONDS.toNanos(200), 10_000_000L);
                long r = RawSyscall.invoke3(SysNr.READ, readFd, s.address(), 1);
                elapsed.complete(System.nanoTime() - start);
                ThreadSignal.disarm(timer);
                result.complete(timer < 0 ? timer : r);
            } finally {
                s.release();
            }
        }, "timed-reader");
        t.setDaemon(true);
        t.start();
        assertEquals(-Errno.EINTR, result.get(30, TimeUnit.SECONDS));
        assertTrue(elapsed.get() >= TimeUnit.MILLISECONDS.toNanos(200), "ended before its time: " + elapsed.get() + " ns");
    }

    /** A thread in read(2) on the empty pipe, its kernel id in {@code tid[0]} once it waits there. */
    private CompletableFuture<Long> blockedRead(int[] tid) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        CompletableFuture<Integer> id = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            Scratch s = Scratch.acquire(8);
            try {
                id.complete(ThreadSignal.currentTid());
                result.complete(RawSyscall.invoke3(SysNr.READ, readFd, s.address(), 1));
            } finally {
                s.release();
            }
        }, "reader");
        t.setDaemon(true);
        t.start();
        tid[0] = id.join();
        Await.until("the reader waiting in read(2)", () -> inRead(tid[0]));
        return result;
    }

    /** Whether thread {@code tid} is in read(readFd, ...) (its /proc/self/task/N/syscall). */
    private boolean inRead(int tid) {
        try {
            String[] call = Files.readString(Path.of("/proc/self/task/" + tid + "/syscall")).trim().split(" ");
            return call.length > 1 && call[0].equals(Integer.toString(SysNr.READ)) && Long.decode(call[1]) == readFd;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
