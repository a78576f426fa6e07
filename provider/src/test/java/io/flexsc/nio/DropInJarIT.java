package io.flexsc.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The packaged drop-in jar: self-contained, and {@code java -jar} prints the diagnostic report. */
class DropInJarIT {
    private static Path jar() {
        String p = System.getProperty("flexsc.allJar");
        assertNotNull(p, "flexsc.allJar is set by the failsafe configuration");
        Path jar = Path.of(p);
        assertTrue(Files.isRegularFile(jar), "drop-in jar exists: " + jar);
        return jar;
    }

    private static String run(String... extraArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(extraArgs));
        cmd.add("-jar");
        cmd.add(jar().toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "report finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void jarIsSelfContained() throws IOException {
        try (JarFile jf = new JarFile(jar().toFile())) {
            assertNotNull(jf.getEntry("com/kenai/jffi/Invoker.class"), "jffi inside");
            assertNull(jf.getEntry("jnr/ffi/LibraryLoader.class"),
                    "no JNR-FFI loader: the C library is bound through jffi alone (CFunction)");
            assertNotNull(jf.getEntry("com/kenai/jffi/Foreign.class"), "jffi's JNI classes inside, not relocated");
            assertNotNull(jf.getEntry("jni/x86_64-Linux/libjffi-1.2.so"), "jffi's native library inside");
            assertNotNull(jf.getEntry("io/flexsc/nio/Diagnostics.class"));
            var services = jf.getEntry("META-INF/services/java.nio.channels.spi.SelectorProvider");
            assertNotNull(services, "the top-level META-INF/services registrations are packaged");
            try (var in = jf.getInputStream(services)) {
                assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("io.flexsc.nio.net.FlexSelectorProvider"));
            }
            assertEquals("io.flexsc.nio.Diagnostics", jf.getManifest().getMainAttributes().getValue("Main-Class"));
            assertEquals("ALL-UNNAMED", jf.getManifest().getMainAttributes().getValue("Enable-Native-Access"),
                    "JDK 22+ lets `java -jar` load jffi's native library without a warning");
        }
    }

    @Test
    void reportNamesKernelEnginesAndFlags() throws Exception {
        String out = run();
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        assertTrue(out.contains("kernel release:  " + kernel), out);
        assertTrue(out.contains("kmod "), out);
        assertTrue(out.contains("uring "), out);
        assertTrue(out.contains("direct available"), out);
        assertTrue(out.contains("/dev/flexsc"), out);
        assertTrue(out.contains("engine chosen:"), out);
        assertTrue(out.contains("-Djava.nio.file.spi.DefaultFileSystemProvider="), out);
        assertTrue(out.contains("-Djava.nio.channels.spi.SelectorProvider="), out);
        assertTrue(out.contains("flexsc-nio 0."), "version from the manifest: " + out);
    }

    /** With only the drop-in jar on the class path, SelectorProvider.provider() is ours (META-INF/services). */
    @Test
    void servicesFileInstallsTheSelectorProvider(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path src = dir.resolve("Which.java");
        Files.writeString(src, "public class Which { public static void main(String[] a) {"
                + " System.out.println(java.nio.channels.spi.SelectorProvider.provider().getClass().getName()); } }");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", jar().toString(), src.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("io.flexsc.nio.net.FlexSelectorProvider"), out);
    }

    @Test
    void forcedDirectIsReported() throws Exception {
        String out = run("-Dflexsc.engine=direct");
        assertTrue(out.contains("engine chosen:   direct (-Dflexsc.engine=direct)"), out);
    }

    @Test
    void forcedKmodWithoutDeviceSaysWhy() throws Exception {
        String out = run("-Dflexsc.engine=kmod");
        if (!Files.exists(Path.of("/dev/flexsc"))) {
            assertTrue(out.contains("engine chosen:   none (-Dflexsc.engine=kmod)"), out);
            assertTrue(out.contains("/dev/flexsc") && out.contains("not loaded"), out);
        }
    }
}
