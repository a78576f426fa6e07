package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Virtual threads for tests compiled with --release 17: made through reflection, so the tests that
 * use them are enabled on JDK 21+ only (their classes say so with {@code @EnabledForJreRange}).
 */
public final class VThreads {
    private VThreads() {}

    /** Starts {@code task} in a new virtual thread. */
    public static Thread start(Runnable task) {
        try {
            return (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, task);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("virtual threads need JDK 21+", e);
        }
    }

    /** A new, unstarted virtual thread named {@code name} that runs {@code task}. */
    public static Thread unstarted(String name, Runnable task) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            builder = ofVirtual.getMethod("name", String.class).invoke(builder, name);
            return (Thread) ofVirtual.getMethod("unstarted", Runnable.class).invoke(builder, task);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("virtual threads need JDK 21+", e);
        }
    }

    /** Whether this JDK has virtual threads (JDK 21+). */
    public static boolean supported() {
        try {
            Thread.class.getMethod("ofVirtual");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}. */
    public static ExecutorService perTaskExecutor() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("virtual threads need JDK 21+", e);
        }
    }

    /** Whether {@code t} is a virtual thread. */
    public static boolean isVirtual(Thread t) {
        try {
            Method m = Thread.class.getMethod("isVirtual");
            return (boolean) m.invoke(t);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /**
     * The carriers: {@code jdk.virtualThreadScheduler.parallelism}, else the processors. A test
     * blocks more virtual threads than this to show that a blocked one holds no carrier.
     */
    public static int carriers() {
        return Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    }

    /** Polls {@code cond} until it holds or {@code millis} pass; fails with {@code what} then. */
    public static void awaitTrue(BooleanSupplier cond, long millis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out after " + millis + " ms: " + what);
            Thread.sleep(5); // polling an observable state with a deadline, not a synchronisation sleep
        }
    }

    /** Whether every one of {@code threads} is parked (WAITING or TIMED_WAITING). */
    public static boolean allParked(Thread[] threads) {
        for (Thread t : threads) {
            Thread.State s = t.getState();
            if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) {
                return false;
            }
        }
        return true;
    }
}
