package io.flexsc.nio;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Synchronisation for tests: wait, with a deadline, for a state another thread or the kernel makes
 * observable, instead of sleeping and hoping. A wait that reaches its deadline fails the test with
 * what it waited for. Deadlines are stretched by {@code -Dflexsc.test.timeoutScale} (the test VM
 * runs on TCG).
 */
public final class Await {
    private Await() {}

    /** The default bound of a wait. */
    public static final Duration DEFAULT = Duration.ofSeconds(10);

    /** The bound stretched by {@code -Dflexsc.test.timeoutScale}. */
    public static Duration scaled(Duration d) {
        return d.multipliedBy(Math.max(1, Integer.getInteger("flexsc.test.timeoutScale", 1)));
    }

    /** Waits until {@code condition} holds ({@link #DEFAULT} bound, scaled). */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@code bound} (scaled). */
    public static void until(String what, Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + scaled(bound).toNanos();
        int spins = 0;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up after " + scaled(bound).toMillis() + " ms waiting for: " + what);
            }
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                try {
                    Thread.sleep(1); // polling interval, not synchronisation: the condition decides
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for: " + what, e);
                }
            }
        }
    }

    /**
     * Waits until {@code t} is blocked inside a method of the given class (a frame of
     * {@code className}, and {@code methodName} unless null, is on its stack) and stopped there:
     * parked, waiting or blocked on a monitor, or in a native method (a system call).
     */
    public static void blockedIn(Thread t, String className, String methodName) {
        until(t.getName() + " blocked in " + className + (methodName == null ? "" : "." + methodName),
                () -> isBlockedIn(t, className, methodName));
    }

    /** Whether {@code t} is stopped inside a method of that class (see {@link #blockedIn}). */
    public static boolean isBlockedIn(Thread t, String className, String methodName) {
        Thread.State s = t.getState();
        if (s == Thread.State.NEW || s == Thread.State.TERMINATED) {
            return false;
        }
        StackTraceElement[] stack = t.getStackTrace();
        if (stack.length == 0) {
            return false;
        }
        boolean stopped = s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED
                || stack[0].isNativeMethod();
        if (!stopped) {
            return false;
        }
        for (StackTraceElement f : stack) {
            if (f.getClassName().equals(className) && (methodName == null || f.getMethodName().equals(methodName))) {
                return true;
            }
        }
        return false;
    }
}
