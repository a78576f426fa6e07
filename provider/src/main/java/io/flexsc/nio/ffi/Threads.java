package io.flexsc.nio.ffi;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether a thread is virtual (JDK 21+), the one place the provider asks: the jar is compiled for
 * JDK 17, so {@code Thread.isVirtual()} is looked up at run time; before JDK 21 every thread is a
 * platform thread. Used below the engines (scratch memory) as well as above them (the waits of
 * {@code io.flexsc.nio.vthread}), hence here. Stateless; safe from any thread.
 */
public final class Threads {
    private Threads() {}

    private static final MethodHandle IS_VIRTUAL = lookup();

    private static MethodHandle lookup() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null; // before JDK 21: no virtual threads
        }
    }

    /** Whether the current thread is a virtual thread. */
    public static boolean isVirtual() {
        return isVirtual(Thread.currentThread());
    }

    /** Whether {@code t} is a virtual thread. */
    public static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
