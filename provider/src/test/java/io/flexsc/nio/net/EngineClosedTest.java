package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.EngineUnderTest;
import io.flexsc.nio.engine.AllEngines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the process's engine closed, the network channels report it as an {@link IOException}
 * ("flexsc engine closed"), as the file channels do: never the engine's unchecked
 * {@code EngineClosedException}. Each engine in a child JVM of its own (the engine is the process's).
 */
class EngineClosedTest {
    @TempDir
    Path dir;

    @AllEngines
    void operationsAfterTheEngineClosedThrowIOException(EngineUnderTest engine) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-ea");
        cmd.addAll(engine.jvmOptions());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EngineClosedProbe.class.getName());
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        Map<String, String> ops = new TreeMap<>();
        String report = text.substring(text.indexOf("\nengine=") + 1); // the probe's lines
        for (String line : report.substring(report.indexOf('\n') + 1).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                ops.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertTrue(text.contains("engine=" + engine.engine() + "\n"), text);
        assertTrue(text.contains("done"), text);
        assertEquals(12, ops.size(), text);
        List<String> wrong = new ArrayList<>();
        ops.forEach((op, r) -> {
            if (op.equals("close") || op.equals("select") && r.equals("returned")) {
                // a close needs no engine to succeed; a batching selector may have a ring of its own
                if (!r.equals("returned")) {
                    wrong.add(op + ": " + r);
                }
                return;
            }
            String cls = r.contains("|") ? r.substring(0, r.indexOf('|')) : r;
            boolean io;
            try {
                io = IOException.class.isAssignableFrom(Class.forName(cls));
            } catch (ClassNotFoundException e) {
                io = false;
            }
            if (!io || !r.endsWith("|flexsc engine closed")) {
                wrong.add(op + ": " + r);
            }
        });
        assertEquals(List.of(), wrong, text);
    }
}
