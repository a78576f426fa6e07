package io.flexsc.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The unit suites compare our channels with the JDK's, and their child JVMs take this JVM's class
 * path: both rely on the JDK's own providers being the system ones here, whatever was built before
 * (a packaged tree once put our registrations into target/classes, and every test JVM then ran on
 * our SelectorProvider). Tests that want ours installed name it with -D.
 */
class UnitJvmProvidersTest {
    private static final String[] SERVICES = {
        "META-INF/services/java.nio.channels.spi.SelectorProvider",
        "META-INF/services/java.nio.file.spi.FileSystemProvider",
    };

    /** The JDK's, unless this JVM names another with -D (the Netty suite's execution names ours). */
    @Test
    void theSystemProvidersAreTheJdksUnlessNamed() {
        String named = System.getProperty("java.nio.channels.spi.SelectorProvider");
        if (named == null) {
            assertSame(Object.class.getModule(), SelectorProvider.provider().getClass().getModule(),
                    "system SelectorProvider: " + SelectorProvider.provider().getClass().getName());
        } else {
            assertEquals(named, SelectorProvider.provider().getClass().getName());
        }
        assertSame(Object.class.getModule(), FileSystems.getDefault().provider().getClass().getModule(),
                "default FileSystemProvider: " + FileSystems.getDefault().provider().getClass().getName());
    }

    @Test
    void noRegistrationOfOursIsOnTheTestClassPath() throws IOException {
        List<String> found = new ArrayList<>();
        for (String name : SERVICES) {
            for (URL u : Collections.list(getClass().getClassLoader().getResources(name))) {
                try (InputStream in = u.openStream()) {
                    if (new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("io.flexsc.nio")) {
                        found.add(u.toString());
                    }
                }
            }
        }
        assertEquals(List.of(), found, "provider registrations on the unit tests' class path");
    }
}
