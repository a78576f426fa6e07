package io.flexsc.nio.net.channels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import org.junit.jupiter.api.Test;

/** Many-connection loopback echo: our provider delivers exactly the bytes the JDK's does. */
class EchoTest {
    @Test
    void thousandConnectionsSameBytesAsTheJdk() throws Exception {
        long[] ours = new EchoScenario(new FlexSelectorProvider(), 1000, 4, 3000, 42).run(120);
        long[] jdk = new EchoScenario(JdkProvider.get(), 1000, 4, 3000, 42).run(120);
        assertArrayEquals(jdk, ours);
        assertNotEquals(0, ours[0]);
    }
}
