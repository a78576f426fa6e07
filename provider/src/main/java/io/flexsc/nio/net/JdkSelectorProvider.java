package io.flexsc.nio.net;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.spi.SelectorProvider;

/**
 * The JDK's own SelectorProvider, for the one case where no engine can serve a call: then this
 * provider's channels are the JDK's. With ours installed, {@link SelectorProvider#provider()} is
 * ours and {@code sun.nio.ch} is not exported, so the JDK's instance is read from its holder's
 * static field with {@code sun.misc.Unsafe} (no {@code --add-opens} needed). That is reached only
 * when the engine cannot start, and by the tests and benchmarks that compare ours with the JDK's.
 */
public final class JdkSelectorProvider {
    private JdkSelectorProvider() {}

    private static volatile SelectorProvider jdk;

    public static SelectorProvider get() throws IOException {
        SelectorProvider p = jdk;
        if (p == null) {
            try {
                Class<?> c = Class.forName("sun.nio.ch.DefaultSelectorProvider", true, null);
                Field uf = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                uf.setAccessible(true);
                sun.misc.Unsafe u = (sun.misc.Unsafe) uf.get(null);
                Field f = c.getDeclaredField("INSTANCE");
                @SuppressWarnings("deprecation")
                Object o = u.getObject(u.staticFieldBase(f), u.staticFieldOffset(f));
                jdk = p = (SelectorProvider) o;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                throw new IOException("flexsc-nio: no syscall engine can start and the JDK's own SelectorProvider"
                        + " cannot be reached", e);
            }
        }
        return p;
    }
}
