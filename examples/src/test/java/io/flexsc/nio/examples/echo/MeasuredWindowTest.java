package io.flexsc.nio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.examples.Children;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the echo demo measures its window with: the load client's MEASURING / MEASURED marks, and the
 * server's {@code cpu} command (its CPU time, which grows under load).
 */
@Timeout(120)
class MeasuredWindowTest {

    @Test
    void theClientMarksItsMeasuredWindowAndTheServerReportsItsCpuTime() throws Exception {
        try (ServerProcess s = ServerProcess.start(Children.jdkClassPath(), List.of(), List.of("--transport", "nio"),
                System.err, "[server] ")) {
            long cpu0 = s.cpuNanos();
            ByteArrayOutputStream marks = new ByteArrayOutputStream();
            LoadClient.Result r;
            try (PrintStream m = new PrintStream(marks, true, StandardCharsets.UTF_8)) {
                r = LoadClient.run(new LoadClient.Settings("127.0.0.1", s.port(), 4, 64, 4, 0.7, 0.3, 1,
                        Transport.parse("nio"), true), null, m);
            }
            long cpu1 = s.cpuNanos();
            assertEquals(0, r.errors(), String.valueOf(r.error()));
            assertEquals(List.of(LoadClient.MEASURING, LoadClient.MEASURED),
                    marks.toString(StandardCharsets.UTF_8).lines().toList());
            assertTrue(cpu0 > 0 && cpu1 > cpu0, cpu0 + " then " + cpu1);
            assertEquals(0, s.quit());
        }
    }

    @Test
    void withoutMarksNothingIsPrinted() throws Exception {
        try (ServerProcess s = ServerProcess.start(Children.jdkClassPath(), List.of(), List.of("--transport", "nio"),
                System.err, "[server] ")) {
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            try (PrintStream p = new PrintStream(progress, true, StandardCharsets.UTF_8)) {
                LoadClient.run(new LoadClient.Settings("127.0.0.1", s.port(), 2, 64, 2, 0.5, 0.1, 1,
                        Transport.parse("nio"), false), p);
            }
            String text = progress.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("t=") && !text.contains(LoadClient.MEASURING), text);
        }
    }
}
