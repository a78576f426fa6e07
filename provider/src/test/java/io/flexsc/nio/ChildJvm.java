package io.flexsc.nio;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a main class in a child JVM on a chosen JDK and collects its output.
 *
 * <p>JDKs: {@code "this"} is the JVM running the tests; {@code "25"} is Temurin 25 at
 * {@value #TEMURIN_25} (or {@code -Dflexsc.test.jdk25.home}). A test that needs JDK 25 fails when it
 * is missing, naming what to install; {@code -Dflexsc.test.jdk25=optional} turns that into a
 * reported abort (JUnit lists it as skipped, with the reason).
 */
public final class ChildJvm {
    private ChildJvm() {}

    public static final String TEMURIN_25 = "/usr/lib/jvm/temurin-25-jdk-amd64";
    public static final String FILE_PROVIDER = "-Djava.nio.file.spi.DefaultFileSystemProvider=io.flexsc.nio.fs.FlexFileSystemProvider";
    public static final String SELECTOR_PROVIDER = "-Djava.nio.channels.spi.SelectorProvider=io.flexsc.nio.net.FlexSelectorProvider";

    /** The {@code java} launcher of a JDK: {@code "this"} or {@code "25"}. */
    public static Path java(String jdk) {
        if ("this".equals(jdk)) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        if (!"25".equals(jdk)) {
            throw new IllegalArgumentException(jdk);
        }
        Path java = Path.of(System.getProperty("flexsc.test.jdk25.home", TEMURIN_25), "bin", "java");
        if (!Files.isExecutable(java)) {
            String why = "JDK 25 is not installed at " + java.getParent().getParent()
                    + ": install Temurin 25 there (or point -Dflexsc.test.jdk25.home at a JDK 25)";
            if ("optional".equals(System.getProperty("flexsc.test.jdk25"))) {
                Assumptions.abort("NOT TESTED on JDK 25 (-Dflexsc.test.jdk25=optional): " + why);
            }
            fail(why + "; or run with -Dflexsc.test.jdk25=optional to leave JDK 25 untested");
        }
        return java;
    }

    /** What a child JVM printed. */
    public record Result(int exit, String out, String err) {
        /** The value of the last {@code key=value} line of standard output, or null. */
        public String get(String key) {
            String v = null;
            for (String line : out.split("\n")) {
                if (line.startsWith(key + "=")) {
                    v = line.substring(key.length() + 1);
                }
            }
            return v;
        }

        public Map<String, String> values() {
            Map<String, String> m = new HashMap<>();
            for (String line : out.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.indexOf(' ') < 0 || eq > 0 && line.indexOf(' ') > eq) {
                    m.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return m;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs {@code main} with this JVM's class path. */
    public static Result run(String jdk, Path dir, List<String> jvmArgs, String main, String... args)
            throws IOException, InterruptedException {
        return run(java(jdk), System.getProperty("java.class.path"), dir, jvmArgs, main, args);
    }

    /** Runs {@code main} (null: none, as after {@code -jar} in jvmArgs) on a class path (null: none). */
    public static Result run(Path java, String classPath, Path dir, List<String> jvmArgs, String main, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        if (classPath != null) {
            cmd.add("-cp");
            cmd.add(classPath);
        }
        cmd.addAll(jvmArgs);
        if (main != null) {
            cmd.add(main);
        }
        cmd.addAll(List.of(args));
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        Result r = new Result(done ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        assertTrue(done, "child JVM did not finish within 120 s: " + cmd + "\n" + r);
        return r;
    }
}
