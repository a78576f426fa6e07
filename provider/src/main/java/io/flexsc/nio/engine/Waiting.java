package io.flexsc.nio.engine;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The engines' one waiting policy: spin briefly, then yield, then block. Every engine wait for
 * something another thread or the kernel finishes goes through {@link #pause}; what "block" means
 * is the engine's (uring: a bounded park while another thread reaps; kmod: {@code FLEXSC_IOC_WAIT}
 * in the kernel), and every park is bounded, so a missed wake-up costs latency, never liveness.
 *
 * <p>Interrupts: a call handed to the kernel cannot be abandoned (the kernel may still use its
 * memory), so no engine wait is interruptible. A parking waiter clears a pending interrupt first
 * ({@link #parkNanos}; a park with one pending returns at once, which would make the wait a hot
 * loop) and sets it again when its wait ends.
 *
 * <p>Tunable with {@code -Dflexsc.wait.spins} and {@code -Dflexsc.wait.yields}. Stateless.
 */
public final class Waiting {
    private Waiting() {}

    /** Busy rounds (with {@link Thread#onSpinWait()}) before yielding. */
    public static final int SPINS = Integer.getInteger("flexsc.wait.spins", 2_000);
    /** {@link Thread#yield()} rounds before blocking. */
    public static final int YIELDS = Integer.getInteger("flexsc.wait.yields", 16);

    /**
     * Round {@code round} (counted from 0) of a wait: a spin in the first {@link #SPINS} rounds, a
     * yield in the next {@link #YIELDS}; from then on it returns false at once, and the waiter
     * blocks in its own way. A waiter that wants to yield again after blocking (and look once more
     * before blocking again) goes on from round {@link #SPINS}.
     *
     * @return whether it paused; false: time to block
     */
    public static boolean pause(int round) {
        if (round < SPINS) {
            Thread.onSpinWait();
            return true;
        }
        if (round < SPINS + YIELDS) {
            Thread.yield();
            return true;
        }
        return false;
    }

    /**
     * Parks for at most {@code nanos}, deaf to interrupts (see the class comment).
     *
     * @return whether an interrupt was pending (and cleared): the caller sets it again when done
     */
    public static boolean parkNanos(Object blocker, long nanos) {
        boolean interrupted = Thread.interrupted();
        LockSupport.parkNanos(blocker, nanos);
        return interrupted;
    }

    /**
     * Waits until {@code done} holds, for waits that are not on a call (an engine's closer waiting
     * for a role): {@link #pause}, then parks of at most {@code parkNanos}.
     */
    public static void awaitCondition(BooleanSupplier done, long parkNanos) {
        boolean interrupted = false;
        for (int round = 0; !done.getAsBoolean(); ) {
            if (pause(round)) {
                round++;
            } else {
                interrupted |= parkNanos(Waiting.class, parkNanos);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
