package io.flexsc.nio.net;

import java.io.IOException;
import java.nio.channels.spi.SelectorProvider;

/** The JDK's own SelectorProvider, for comparisons, whichever provider is the system one. */
public final class JdkProvider {
    private JdkProvider() {}

    public static SelectorProvider get() {
        try {
            return JdkSelectorProvider.get();
        } catch (IOException e) {
            throw new AssertionError("cannot reach the JDK's SelectorProvider", e);
        }
    }
}
