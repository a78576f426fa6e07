package io.flexsc.nio.engine.uring;

import static io.flexsc.nio.engine.uring.Sys.addr;
import static io.flexsc.nio.engine.uring.Sys.buf;
import static io.flexsc.nio.engine.uring.Sys.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.ffi.SysNr;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A thread with its interrupt status set that waits for a ring call another thread reaps: it parks
 * (it does not spin on a park that returns at once), and its interrupt status is still set after.
 */
class InterruptedWaitTest {
    final Sys sys = new Sys();

    @AfterEach
    void closeFds() {
        sys.close();
    }

    static boolean inAwait(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals("awaitSlow")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anInterruptedWaiterParksAndKeepsItsInterruptStatus() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int[] a = sys.socketpair(0);
        int[] b = sys.socketpair(0);
        try (UringEngine e = UringEngineFactory.create(UringEngineTest.config())) {
            ByteBuffer inA = buf(8);
            ByteBuffer inB = buf(8);
            // the reaper: a blocking receive that waits in the kernel for completions
            Thread reaper = new Thread(() -> e.execute(Call.of(SysNr.RECVFROM, a[1], addr(inA), 8, 0, 0, 0)), "reaper");
            reaper.start();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread waiter = new Thread(() -> {
                Thread.currentThread().interrupt();
                e.execute(Call.of(SysNr.RECVFROM, b[1], addr(inB), 8, 0, 0, 0));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }, "interrupted waiter");
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                while (!inAwait(reaper) && !reaperInKernel(reaper)) {
                    Thread.onSpinWait();
                }
                waiter.start();
                while (!inAwait(waiter)) {
                    Thread.onSpinWait();
                }
                long cpu0 = mx.getThreadCpuTime(waiter.getId());
                long wall0 = System.nanoTime();
                Thread.sleep(1000); // the measurement window (nothing waits on it): a second of the waiter's wait
                long cpu = mx.getThreadCpuTime(waiter.getId()) - cpu0;
                long wall = System.nanoTime() - wall0;
                assertTrue(cpu < wall / 4, "the interrupted waiter used " + cpu / 1_000_000 + " ms of CPU in "
                        + wall / 1_000_000 + " ms of waiting");
                assertEquals(2, e.execute(Call.of(SysNr.SENDTO, b[0], addr(bytes("ok")), 2, 0, 0, 0)));
                assertEquals(2, e.execute(Call.of(SysNr.SENDTO, a[0], addr(bytes("ok")), 2, 0, 0, 0)));
                waiter.join();
                reaper.join();
            });
            assertTrue(stillInterrupted.get(), "the interrupt status was lost");
        }
    }

    /** The reaper thread is waiting for completions (its stack is in the engine's reap). */
    static boolean reaperInKernel(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().startsWith("reap")) {
                return true;
            }
        }
        return false;
    }
}
