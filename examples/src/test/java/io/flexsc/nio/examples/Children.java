package io.flexsc.nio.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.examples.echo.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs with explicit class paths, so that each test says which providers it runs on whatever
 * the test JVM's own class path holds (the provider jar's services file may be on it, or not,
 * depending on the Maven phase). The class paths come from files the build writes
 * (maven-dependency-plugin build-classpath, see examples/pom.xml).
 */
public final class Children {
    private Children() {}

    public static final String FLEX_SELECTOR = "io.flexsc.nio.net.FlexSelectorProvider";
    public static final String FLEX_FS = "io.flexsc.nio.fs.FlexFileSystemProvider";

    /** -D options that install flexsc-nio's SelectorProvider. */
    public static final List<String> FLEX_SELECTOR_OPTS = List.of("-Djava.nio.channels.spi.SelectorProvider=" + FLEX_SELECTOR);
    /** -D options that install both flexsc-nio providers. */
    public static final List<String> FLEX_ALL_OPTS = List.of("-Djava.nio.channels.spi.SelectorProvider=" + FLEX_SELECTOR,
            "-Djava.nio.file.spi.DefaultFileSystemProvider=" + FLEX_FS);

    private static String file(String property) {
        String f = System.getProperty(property);
        assertTrue(f != null, "system property " + property + " is not set (run the tests through Maven)");
        try {
            return Files.readString(Path.of(f), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + f, e);
        }
    }

    /** The examples' classes and run-time dependencies (Netty, HdrHistogram): no flexsc provider. */
    public static String jdkClassPath() {
        return System.getProperty("examples.classes") + File.pathSeparator + file("examples.runtimeClasspathFile");
    }

    /** {@link #jdkClassPath()} with the provider and its dependencies first. */
    public static String flexClassPath() {
        return file("examples.providerClasspathFile") + File.pathSeparator + jdkClassPath();
    }

    /** A finished child: status and output. */
    public record Done(int status, String out, String err) {
        public String describe() {
            return "exit status " + status + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    /** Runs {@code main} in a child JVM and waits for it (killing it after {@code timeoutSec}). */
    public static Done java(String classPath, List<String> jvmOptions, String main, List<String> args, int timeoutSec)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ServerProcess.javaLauncher());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.addAll(jvmOptions);
        cmd.add(main);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> slurp(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> slurp(p.getErrorStream()));
        if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(main + " did not finish within " + timeoutSec + " s: " + String.join(" ", cmd)
                    + "\n--- stdout:\n" + out.join() + "\n--- stderr:\n" + err.join());
        }
        return new Done(p.exitValue(), out.join(), err.join());
    }

    private static String slurp(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
