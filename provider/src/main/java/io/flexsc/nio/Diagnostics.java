package io.flexsc.nio;

import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.engine.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code java -jar flexsc-nio-<version>-all.jar}: a report a user can paste into a bug report.
 */
public final class Diagnostics {
    private Diagnostics() {}

    public static void main(String[] args) {
        System.out.print(report());
    }

    static String report() {
        io.flexsc.nio.ffi.JffiLibrary.prepare();
        StringBuilder out = new StringBuilder();
        out.append("flexsc-nio ").append(version()).append(" diagnostic report\n");
        line(out, "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.home") + ")");
        line(out, "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        line(out, "kernel release", read("/proc/sys/kernel/osrelease"));
        line(out, "cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        line(out, "native library", io.flexsc.nio.ffi.JffiLibrary.outcome());
        line(out, "buffer address", io.flexsc.nio.ffi.NativeMemory.addressStrategy());
        line(out, "native access", NATIVE_ACCESS_FLAG + " (class path; java -jar needs none: the manifest enables it)");
        out.append('\n');
        out.append("engines (auto prefers them in this order):\n");
        for (EngineFactory f : Engines.factories()) {
            EngineFactory.Probe p;
            try {
                p = f.probe();
            } catch (RuntimeException | LinkageError e) {
                p = EngineFactory.Probe.no("probe failed: " + e, Map.of());
            }
            out.append("  ").append(String.format("%-7s", f.name())).append(p.available() ? "available    " : "unavailable  ")
                    .append(p.reason()).append('\n');
            p.details().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                    out.append("           ").append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
        }
        out.append('\n');
        String requested = Engines.requested();
        try (var sel = new AutoCloseableSelection(Engines.select(requested))) {
            line(out, "engine chosen", sel.selection.engine().name() + " (-Dflexsc.engine=" + requested + ")");
            line(out, "why", sel.selection.reason());
        } catch (RuntimeException e) {
            line(out, "engine chosen", "none (-Dflexsc.engine=" + requested + "): " + e.getMessage());
        }
        out.append('\n');
        String jar = jarPath();
        out.append("install the providers in an unmodified application with:\n");
        out.append("  java -cp ").append(jar).append(":<your classpath> \\\n");
        out.append("       ").append(NATIVE_ACCESS_FLAG).append(" \\\n");
        out.append("       -Djava.nio.file.spi.DefaultFileSystemProvider=io.flexsc.nio.fs.FlexFileSystemProvider \\\n");
        out.append("       -Djava.nio.channels.spi.SelectorProvider=io.flexsc.nio.net.FlexSelectorProvider \\\n");
        out.append("       [-Dflexsc.engine=auto|kmod|uring|direct] [-Dflexsc.stats=true] <main class>\n");
        return out.toString();
    }

    /**
     * The flag that lets the jar (on the class path: the unnamed module) load jffi's native library
     * without the JDK's restricted-method warning (JDK 24+ print it without the flag; JDK 17 accepts
     * the flag too). {@code java -jar} needs none: the jar's manifest says {@code Enable-Native-Access}.
     */
    static final String NATIVE_ACCESS_FLAG = "--enable-native-access=ALL-UNNAMED";

    private record AutoCloseableSelection(Engines.Selection selection) implements AutoCloseable {
        @Override
        public void close() {
            selection.engine().close();
        }
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(String.format("%-16s %s%n", key + ":", value));
    }

    static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }

    static String version() {
        String v = Diagnostics.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }

    private static String jarPath() {
        try {
            var src = Diagnostics.class.getProtectionDomain().getCodeSource();
            if (src != null) {
                return Path.of(src.getLocation().toURI()).toString();
            }
        } catch (Exception ignored) {
            // fall through
        }
        return "flexsc-nio-all.jar";
    }
}
