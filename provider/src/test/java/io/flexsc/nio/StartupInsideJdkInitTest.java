package io.flexsc.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17: with both providers installed, an application whose first I/O happens inside the JDK's
 * own initialisation ({@code UUID.randomUUID()}: {@code SecureRandom} -> {@code Security.<clinit>}
 * reads {@code java.security} through our file provider) must not poison the JVM; and when no
 * engine can start at all, files, sockets, pipes and selectors keep working on the JDK's own
 * channels with one warning. Child JVMs on this JDK and on JDK 25.
 */
class StartupInsideJdkInitTest {
    @TempDir
    Path dir;

    private static final String ALL_OPS = "uuid file socket pipe selector streams tempfile";

    private ChildJvm.Result probe(String jdk, String name, List<String> jvmArgs, String ops) throws Exception {
        List<String> args = new ArrayList<>();
        args.add(dir.resolve(name).toString());
        args.addAll(List.of(ops.split(" ")));
        ChildJvm.Result r = ChildJvm.run(jdk, dir.resolve(name), jvmArgs, StartupProbe.class.getName(), args.toArray(new String[0]));
        assertEquals(0, r.exit(), r.toString());
        for (String op : ops.split(" ")) {
            assertEquals("ok", r.get(op), op + " on JDK " + jdk + ":\n" + r);
        }
        assertFalse((r.out() + r.err()).contains("NoClassDefFoundError"), r.toString());
        assertFalse((r.out() + r.err()).contains("ExceptionInInitializerError"), r.toString());
        assertFalse((r.out() + r.err()).contains("InternalError"), r.toString());
        return r;
    }

    /** The repro of issue 17: UUID.randomUUID() then ServerSocketChannel.open(), then everything else. */
    @ParameterizedTest
    @ValueSource(strings = {"this", "25"})
    void ioInsideTheJdksInitialisationRunsOnItsChannelsAndTheEngineStartsLater(String jdk) throws Exception {
        List<String> args = List.of(ChildJvm.FILE_PROVIDER, ChildJvm.SELECTOR_PROVIDER, "-Dflexsc.engine=direct");
        String[] runs = {"uuid socket", "uuid file", "uuid pipe", "uuid selector", "uuid tempfile file", ALL_OPS};
        for (int i = 0; i < runs.length; i++) {
            ChildJvm.Result r = probe(jdk, "order" + i, args, runs[i]);
            assertEquals("direct", r.get("engine"), r.toString());
            expectClass(r, "socket", "io.flexsc.nio.net.channels.FlexServerSocketChannel");
            expectClass(r, "file", "io.flexsc.nio.fs.FlexFileChannel");
            expectClass(r, "selector", "io.flexsc.nio.net.select.FlexSelector");
            expectClass(r, "pipe", "io.flexsc.nio.net.channels.FlexPipe");
            if ("25".equals(jdk)) {
                // JDK 25 reads java.security through Files (JDK 17 through FileInputStream, which hides the problem)
                String all = r.out() + r.err();
                assertEquals(1, all.split("I/O from java.security.Security.<clinit> ran on the JDK's own channels", -1).length - 1,
                        "one log line says what happened:\n" + r);
            }
        }
    }

    private static void expectClass(ChildJvm.Result r, String op, String cls) {
        if (r.get(op) != null) {
            assertEquals(cls, r.get(op + ".class"), r.toString());
        }
    }

    /** No engine can start (a forced engine that fails): every kind of channel, alone and together, is the JDK's. */
    @ParameterizedTest
    @ValueSource(strings = {"this", "25"})
    void noEngineAtAllLeavesEveryChannelWorkingOnTheJdks(String jdk) throws Exception {
        List<String> args = List.of(ChildJvm.FILE_PROVIDER, ChildJvm.SELECTOR_PROVIDER, "-Dflexsc.engine=uring",
                "-Dflexsc.uring.injectSetupFailure=true");
        String[] runs = {"uuid file", "uuid socket", "uuid pipe", "uuid selector", "socket file", "selector streams", ALL_OPS};
        for (int i = 0; i < runs.length; i++) {
            ChildJvm.Result r = probe(jdk, "none" + i, args, runs[i]);
            assertEquals("none", r.get("engine"), r.toString());
            for (String op : new String[] {"file", "socket", "pipe", "selector"}) {
                String cls = r.get(op + ".class");
                if (cls != null) {
                    assertTrue(cls.startsWith("sun.nio.ch."), op + " is " + cls + ":\n" + r);
                }
            }
            String all = r.out() + r.err();
            int warnings = all.split("no syscall engine could start", -1).length - 1;
            assertEquals(1, warnings, "one warning:\n" + r);
        }
    }

    /** JMX is optional: under --limit-modules java.base the engine runs and every channel works. */
    @ParameterizedTest
    @ValueSource(strings = {"this", "25"})
    void withoutJavaManagementEverythingWorks(String jdk) throws Exception {
        ChildJvm.Result r = probe(jdk, "nojmx", List.of("--limit-modules", "java.base", ChildJvm.FILE_PROVIDER,
                ChildJvm.SELECTOR_PROVIDER, "-Dflexsc.jmx=eager"), "file socket pipe selector streams uuid tempfile");
        assertNotEquals("none", r.get("engine"), r.toString());
        assertEquals("io.flexsc.nio.net.channels.FlexServerSocketChannel", r.get("socket.class"), r.toString());
        assertEquals("io.flexsc.nio.fs.FlexFileChannel", r.get("file.class"), r.toString());
    }
}
