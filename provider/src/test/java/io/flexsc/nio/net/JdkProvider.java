package io.flexsc.nio.net;

import java.lang.reflect.Field;
import java.nio.channels.spi.SelectorProvider;

/**
 * The JDK's own SelectorProvider, for comparisons: with ours installed, SelectorProvider.provider()
 * is ours, and sun.nio.ch is not exported, so the JDK's instance is read from its holder's static
 * field with sun.misc.Unsafe (no --add-opens needed).
 */
public final class JdkProvider {
    private JdkProvider() {}

    public static SelectorProvider get() {
        try {
            Class<?> c = Class.forName("sun.nio.ch.DefaultSelectorProvider", true, null);
            Field uf = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            uf.setAccessible(true);
            sun.misc.Unsafe u = (sun.misc.Unsafe) uf.get(null);
            Field f = c.getDeclaredField("INSTANCE");
            @SuppressWarnings("deprecation")
            Object o = u.getObject(u.staticFieldBase(f), u.staticFieldOffset(f));
            return (SelectorProvider) o;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot reach the JDK's SelectorProvider", e);
        }
    }
}
