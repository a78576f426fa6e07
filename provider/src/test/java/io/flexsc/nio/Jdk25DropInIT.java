package io.flexsc.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged drop-in jar on JDK 25 (and on this JDK): the README's command line prints no
 * warning, the JDK 22+ multi-release classes are in the jar and used, and
 * {@code FileChannel.map(MapMode, long, long, Arena)} behaves as the JDK's own channel.
 */
class Jdk25DropInIT {
    @TempDir
    Path dir;

    private static Path jar() {
        String p = System.getProperty("flexsc.allJar");
        assertNotNull(p, "flexsc.allJar is set by the failsafe configuration");
        Path jar = Path.of(p);
        assertTrue(Files.isRegularFile(jar), "drop-in jar exists: " + jar);
        return jar;
    }

    /** The jar and the probes (test classes, java.base only): what a user's class path would be. */
    static String classPath() throws Exception {
        Path tests = Path.of(StartupProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar() + ":" + tests;
    }

    /** README "Using it": the jar on the class path, the native-access flag, both providers. */
    static final List<String> README_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            ChildJvm.FILE_PROVIDER, ChildJvm.SELECTOR_PROVIDER);

    /** The flags are the README's: read from its "Using it" block that names the native-access flag. */
    @Test
    void theFlagsAreTheReadmes() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("basedir", "."), "..", "README.md"));
        int at = readme.indexOf("     --enable-native-access=ALL-UNNAMED");
        assertTrue(at > 0, "README shows the command line with the native-access flag");
        String block = readme.substring(readme.lastIndexOf("```sh", at), readme.indexOf("```", at));
        List<String> flags = new ArrayList<>();
        for (String token : block.replace("\\\n", " ").split("\\s+")) {
            if (token.startsWith("-") && !token.equals("-cp")) {
                flags.add(token);
            }
        }
        assertEquals(README_FLAGS, flags, block);
    }

    private static void assertNoWarning(ChildJvm.Result r) {
        for (String line : r.err().split("\n")) {
            assertTrue(!line.contains("WARNING"), "a warning on standard error: " + line + "\n" + r);
        }
    }

    @Test
    void theJarHoldsTheJdk22Classes() throws Exception {
        ChildJvm.java("25"); // without a JDK 25 the build could not make them: fails, or aborts when optional
        try (JarFile jf = new JarFile(jar().toFile())) {
            assertEquals("true", jf.getManifest().getMainAttributes().getValue("Multi-Release"));
            assertNotNull(jf.getEntry("META-INF/versions/22/io/flexsc/nio/fs/VersionedFileChannel.class"),
                    "built without a JDK 22+ javac: see the java22 profiles in provider/pom.xml");
            assertNotNull(jf.getEntry("META-INF/versions/22/io/flexsc/nio/ffi/BufferAddress.class"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"this", "25"})
    void theReadmeCommandLinePrintsNoWarning(String jdk) throws Exception {
        List<String> args = new ArrayList<>(List.of(dir.resolve(jdk).toString()));
        args.addAll(List.of("uuid", "file", "socket", "pipe", "selector", "streams", "tempfile"));
        ChildJvm.Result r = ChildJvm.run(ChildJvm.java(jdk), classPath(), dir.resolve(jdk), README_FLAGS,
                StartupProbe.class.getName(), args.toArray(new String[0]));
        assertEquals(0, r.exit(), r.toString());
        for (String op : args.subList(1, args.size())) {
            assertEquals("ok", r.get(op), op + "\n" + r);
        }
        assertEquals("io.flexsc.nio.fs.FlexFileChannel", r.get("file.class"), r.toString());
        assertEquals("io.flexsc.nio.net.channels.FlexServerSocketChannel", r.get("socket.class"), r.toString());
        assertTrue(!"none".equals(r.get("engine")), r.toString());
        assertNoWarning(r);
    }

    @Test
    void javaDashJarOnJdk25NamesTheFlagAndUsesNoUnsafe() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.java("25"), null, dir.resolve("report"), List.of("-jar", jar().toString()),
                null);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("--enable-native-access=ALL-UNNAMED"), r.toString());
        assertTrue(r.out().contains("MemorySegment"), "buffer addresses without Unsafe:\n" + r);
        assertNoWarning(r);
    }

    @Test
    void mapWithAnArenaBehavesAsTheJdksChannel() throws Exception {
        Path java = ChildJvm.java("25");
        ChildJvm.Result jdk = ChildJvm.run(java, classPath(), dir.resolve("jdk"), List.of("--enable-native-access=ALL-UNNAMED"),
                MapArenaProbe.class.getName(), Files.createDirectories(dir.resolve("jdk")).toString());
        ChildJvm.Result ours = ChildJvm.run(java, classPath(), dir.resolve("ours"), README_FLAGS,
                MapArenaProbe.class.getName(), Files.createDirectories(dir.resolve("ours")).toString());
        assertEquals(0, jdk.exit(), jdk.toString());
        assertEquals(0, ours.exit(), ours.toString());
        assertTrue(ours.out().contains("class io.flexsc.nio.fs.FlexFileChannel"), ours.toString());
        assertTrue(jdk.out().contains("class sun.nio.ch.FileChannelImpl"), jdk.toString());
        Map<String, String> want = jdk.values();
        Map<String, String> got = ours.values();
        assertTrue(want.size() >= 15, "the probe ran through: " + jdk);
        assertEquals(want, got, "JDK:\n" + jdk + "\nours:\n" + ours);
        assertNoWarning(ours);
    }
}
