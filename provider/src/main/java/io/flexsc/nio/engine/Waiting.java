package io.flexsc.nio.engine;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The engines' one waiting policy: spin briefly, then yield, then park. Never an unbounded busy
 * loop: after {@link #SPINS} spins and {@link #YIELDS} yields the waiter parks until unparked.
 *
 * <p>Tunable with {@code -Dflexsc.wait.spins} and {@code -Dflexsc.wait.yields}.
 */
public final class Waiting {
    private Waiting() {}

    /** Busy iterations (with {@link Thread#onSpinWait()}) before yielding. */
    public static final int SPINS = Integer.getInteger("flexsc.wait.spins", 2_000);
    /** {@link Thread#yield()} rounds before parking. */
    public static final int YIELDS = Integer.getInteger("flexsc.wait.yields", 16);

    /**
     * Waits until {@code done} holds, for waits that are not on one call (e.g. an engine driver
     * waiting for its turn). Parks for at most {@code parkNanos} at a time once spinning is over, so
     * a missed unpark costs latency, never liveness.
     */
    public static void awaitCondition(BooleanSupplier done, long parkNanos) {
        for (int i = 0; i < SPINS; i++) {
            if (done.getAsBoolean()) {
                return;
            }
            Thread.onSpinWait();
        }
        for (int i = 0; i < YIELDS; i++) {
            if (done.getAsBoolean()) {
                return;
            }
            Thread.yield();
        }
        while (!done.getAsBoolean()) {
            LockSupport.parkNanos(parkNanos);
        }
    }
}
