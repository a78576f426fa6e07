package io.flexsc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EngineProbeTest {

    @Test
    void availableEnginesAreListedAndOthersSkippedWithAReason() {
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        ByteArrayOutputStream skipped = new ByteArrayOutputStream();
        String saved = System.getProperty("flexsc.uring.injectSetupFailure");
        System.setProperty("flexsc.uring.injectSetupFailure", "true");
        int n;
        try {
            n = EngineProbe.probe(new String[] {"direct", "uring:adaptive=false", "tape"},
                    new PrintStream(ok, true, StandardCharsets.UTF_8), new PrintStream(skipped, true, StandardCharsets.UTF_8));
        } finally {
            if (saved == null) {
                System.clearProperty("flexsc.uring.injectSetupFailure");
            } else {
                System.setProperty("flexsc.uring.injectSetupFailure", saved);
            }
        }
        assertEquals(1, n);
        assertEquals("direct" + System.lineSeparator(), ok.toString(StandardCharsets.UTF_8));
        String why = skipped.toString(StandardCharsets.UTF_8);
        assertTrue(why.contains("skipping engine 'uring:adaptive=false': "), why);
        assertTrue(why.contains("skipping engine 'tape': unknown flexsc engine 'tape'"), why);
    }
}
