package io.flexsc.nio.engine.kmod;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexsc.nio.ffi.SysNr;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module and the kmod engine share one allowlist, {@code FLEXSC_ALLOWED} in the module's uapi
 * header: the engine reads the packaged copy of that header, which must be the header the module
 * is built from, and must read it as the C preprocessor does (the same calls, with the kernel's
 * numbers for them).
 */
class KmodAllowlistTest {
    private static final Path HEADER = Path.of("..", "native-kmod", "include", "uapi", "flexsc.h").toAbsolutePath().normalize();

    @Test
    void thePackagedHeaderIsTheModulesHeader() throws Exception {
        try (InputStream in = KmodAllowlist.class.getResourceAsStream(KmodAllowlist.HEADER)) {
            assertTrue(in != null, "the header is packaged beside KmodAllowlist");
            assertArrayEquals(Files.readAllBytes(HEADER), in.readAllBytes(), "packaged copy of " + HEADER);
        }
    }

    @Test
    void theEngineReadsWhatTheModuleIsBuiltFrom(@TempDir Path dir) throws Exception {
        boolean gcc = new ProcessBuilder("sh", "-c", "command -v gcc").start().waitFor() == 0;
        if (!gcc) {
            System.err.println("!!! SKIPPED KmodAllowlistTest: no gcc on this machine to expand " + HEADER);
        }
        assumeTrue(gcc, "gcc is needed to expand the header's allowlist");
        String c = String.join("\n",
                "#include <stdio.h>",
                "#include <sys/syscall.h>",
                "#include \"" + HEADER + "\"",
                "#define P(name, wrapper) printf(\"%s=%d\\n\", #name, __NR_##name);",
                "int main(void) { FLEXSC_ALLOWED(P) return 0; }", "");
        Path src = dir.resolve("allow.c");
        Files.writeString(src, c);
        Path exe = dir.resolve("allow");
        run("gcc", "-Wall", "-Werror", "-o", exe.toString(), src.toString());
        Map<String, Integer> fromC = new LinkedHashMap<>();
        for (String line : run(exe.toString()).split("\n")) {
            String[] kv = line.split("=");
            fromC.put(kv[0], Integer.parseInt(kv[1]));
        }
        Map<String, Integer> fromJava = new LinkedHashMap<>();
        for (String name : KmodAllowlist.names(KmodAllowlist.header())) {
            fromJava.put(name, KmodAllowlist.number(name));
        }
        assertEquals(fromC, fromJava, "FLEXSC_ALLOWED as C expands it, and as the engine reads it");
        for (int nr : fromC.values()) {
            assertTrue(KmodAllowlist.allowed(nr), SysNr.name(nr));
        }
        assertEquals(fromC.size(), KmodAllowlist.size());
    }

    @Test
    void callsOutsideTheListAreNotSentToTheModule() {
        for (int nr : new int[] {SysNr.CLONE, SysNr.EXECVE, SysNr.MMAP, SysNr.IO_URING_ENTER, -1, SysNr.MAX + 1}) {
            assertFalse(KmodAllowlist.allowed(nr), SysNr.name(nr));
        }
        assertTrue(KmodAllowlist.allowed(SysNr.IOCTL), "ioctl, as the module (FIONREAD)");
    }

    @Test
    void aHeaderWithoutTheListOrWithAnUnknownCallIsRefused() {
        assertThrows(IllegalStateException.class, () -> KmodAllowlist.names("#define FLEXSC_ABI_VERSION 1\n"));
        assertEquals(java.util.List.of("read", "write"),
                KmodAllowlist.names("#define FLEXSC_ALLOWED(X) \\\n\tX(read, read) \\\n\tX(write, write)\n#define X(a, b) X(no, no)\n"));
        assertThrows(IllegalStateException.class, () -> KmodAllowlist.number("no_such_call"));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }
}
