package io.flexsc.nio.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The engines' one wait policy ({@link Waiting}): spin, yield, then park; a waiter whose interrupt
 * status is set still parks (a park with an interrupt pending returns at once, so clearing it is
 * what keeps the wait from becoming a hot loop) and has its status back when the wait ends.
 */
class WaitingTest {

    @Test
    void theScheduleSpinsThenYieldsThenBlocks() {
        assertTrue(Waiting.pause(0));
        assertTrue(Waiting.pause(Waiting.SPINS - 1));
        assertTrue(Waiting.pause(Waiting.SPINS));
        assertTrue(Waiting.pause(Waiting.SPINS + Waiting.YIELDS - 1));
        assertFalse(Waiting.pause(Waiting.SPINS + Waiting.YIELDS));
    }

    @Test
    void anInterruptedWaiterParksAndKeepsItsInterruptStatus() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            Thread.currentThread().interrupt();
            waiting.countDown();
            Waiting.awaitCondition(done::get, 1_000_000);
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        }, "interrupted waiter");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            waiter.start();
            waiting.await();
            while (waiter.getState() != Thread.State.TIMED_WAITING && waiter.isAlive()) {
                Thread.onSpinWait(); // until it parks: past the spins and yields
            }
            long cpu0 = mx.getThreadCpuTime(waiter.getId());
            long wall0 = System.nanoTime();
            Thread.sleep(1000); // the measurement window (nothing waits on it)
            long cpu = mx.getThreadCpuTime(waiter.getId()) - cpu0;
            long wall = System.nanoTime() - wall0;
            done.set(true);
            waiter.join();
            assertTrue(cpu < wall / 10, "the interrupted waiter used " + cpu / 1_000_000 + " ms of CPU in "
                    + wall / 1_000_000 + " ms of waiting");
        });
        assertTrue(stillInterrupted.get(), "the interrupt status was lost");
    }
}
