package io.flexsc.nio.engine.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java mirror of the module's ABI equals the C header: a small C program built against
 * native-kmod/include/uapi/flexsc.h prints every constant, offset and size, and each must match.
 */
class FlexscAbiTest {
    private static final Path HEADER = Path.of("..", "native-kmod", "include", "uapi", "flexsc.h").toAbsolutePath().normalize();

    @Test
    void javaMirrorMatchesTheCHeader(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(HEADER), "ABI header present: " + HEADER);
        boolean gcc = new ProcessBuilder("sh", "-c", "command -v gcc").start().waitFor() == 0;
        if (!gcc) {
            System.err.println("!!! SKIPPED FlexscAbiTest: no gcc on this machine to compile " + HEADER);
        }
        assumeTrue(gcc, "gcc is needed to compile the ABI header");
        String c = String.join("\n",
                "#include <stdio.h>",
                "#include <stddef.h>",
                "#include \"" + HEADER + "\"",
                "#define P(name, v) printf(\"%s=%lld\\n\", name, (long long)(v))",
                "int main(void) {",
                "P(\"ABI_VERSION\", FLEXSC_ABI_VERSION); P(\"MAGIC\", FLEXSC_MAGIC);",
                "P(\"MIN_ENTRIES\", FLEXSC_MIN_ENTRIES); P(\"MAX_ENTRIES\", FLEXSC_MAX_ENTRIES);",
                "P(\"ENTRY_SIZE\", FLEXSC_ENTRY_SIZE); P(\"HEADER_SIZE\", FLEXSC_HEADER_SIZE);",
                "P(\"sizeof_entry\", sizeof(struct flexsc_entry));",
                "P(\"STATUS_FREE\", FLEXSC_STATUS_FREE); P(\"STATUS_SUBMITTED\", FLEXSC_STATUS_SUBMITTED);",
                "P(\"STATUS_BUSY\", FLEXSC_STATUS_BUSY); P(\"STATUS_DONE\", FLEXSC_STATUS_DONE);",
                "P(\"ENTRY_STATUS\", offsetof(struct flexsc_entry, status)); P(\"ENTRY_NR\", offsetof(struct flexsc_entry, nr));",
                "P(\"ENTRY_ARGS\", offsetof(struct flexsc_entry, args)); P(\"ENTRY_RESULT\", offsetof(struct flexsc_entry, result));",
                "P(\"ENTRY_TAG\", offsetof(struct flexsc_entry, tag));",
                "P(\"HDR_MAGIC\", offsetof(struct flexsc_header, magic)); P(\"HDR_ABI_VERSION\", offsetof(struct flexsc_header, abi_version));",
                "P(\"HDR_NENTRIES\", offsetof(struct flexsc_header, nentries)); P(\"HDR_ENTRIES_OFFSET\", offsetof(struct flexsc_header, entries_offset));",
                "P(\"HDR_FLAGS\", offsetof(struct flexsc_header, flags)); P(\"HDR_NWORKERS\", offsetof(struct flexsc_header, nworkers));",
                "P(\"HDR_NSLEEPING\", offsetof(struct flexsc_header, nsleeping)); P(\"HDR_COMPLETED\", offsetof(struct flexsc_header, completed));",
                "P(\"HDR_NEED_WAKEUP\", FLEXSC_HDR_NEED_WAKEUP);",
                "P(\"REGISTER_SIZE\", sizeof(struct flexsc_register));",
                "P(\"REG_NENTRIES\", offsetof(struct flexsc_register, nentries)); P(\"REG_FLAGS\", offsetof(struct flexsc_register, flags));",
                "P(\"REG_CPUMASK_PTR\", offsetof(struct flexsc_register, cpumask_ptr)); P(\"REG_CPUMASK_SIZE\", offsetof(struct flexsc_register, cpumask_size));",
                "P(\"REG_ABI_VERSION\", offsetof(struct flexsc_register, abi_version)); P(\"REG_ENTRY_SIZE\", offsetof(struct flexsc_register, entry_size));",
                "P(\"REG_ENTRIES_OFFSET\", offsetof(struct flexsc_register, entries_offset)); P(\"REG_AREA_SIZE\", offsetof(struct flexsc_register, area_size));",
                "P(\"WORK_SIZE\", sizeof(struct flexsc_work)); P(\"WORK_SPIN_US\", offsetof(struct flexsc_work, spin_us));",
                "P(\"WORK_FLAGS\", offsetof(struct flexsc_work, flags)); P(\"WORK_EXECUTED\", offsetof(struct flexsc_work, executed));",
                "P(\"WORK_REASON\", offsetof(struct flexsc_work, reason));",
                "P(\"WORK_REASON_TASKWORK\", FLEXSC_WORK_TASKWORK); P(\"WORK_REASON_STOPPED\", FLEXSC_WORK_STOPPED);",
                "P(\"WAIT_SIZE\", sizeof(struct flexsc_wait)); P(\"WAIT_INDEX\", offsetof(struct flexsc_wait, index));",
                "P(\"WAIT_FLAGS\", offsetof(struct flexsc_wait, flags)); P(\"WAIT_TIMEOUT_NS\", offsetof(struct flexsc_wait, timeout_ns));",
                "P(\"WAIT_ANY\", (int) FLEXSC_WAIT_ANY);",
                "P(\"STATS_SIZE\", sizeof(struct flexsc_stats));",
                "P(\"IOC_VERSION\", (unsigned) FLEXSC_IOC_VERSION); P(\"IOC_REGISTER\", (unsigned) FLEXSC_IOC_REGISTER);",
                "P(\"IOC_WORK\", (unsigned) FLEXSC_IOC_WORK); P(\"IOC_WAKE\", (unsigned) FLEXSC_IOC_WAKE);",
                "P(\"IOC_WAIT\", (unsigned) FLEXSC_IOC_WAIT); P(\"IOC_STATS\", (unsigned) FLEXSC_IOC_STATS);",
                "P(\"IOC_STOP\", (unsigned) FLEXSC_IOC_STOP);",
                "return 0; }", "");
        Path src = dir.resolve("abi.c");
        Files.writeString(src, c);
        Path exe = dir.resolve("abi");
        run("gcc", "-Wall", "-Werror", "-o", exe.toString(), src.toString());
        Map<String, Long> fromC = new HashMap<>();
        for (String line : run(exe.toString()).split("\n")) {
            String[] kv = line.split("=");
            fromC.put(kv[0], Long.parseLong(kv[1]));
        }
        Map<String, Long> fromJava = new HashMap<>();
        for (var f : FlexscAbi.class.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) && (f.getType() == int.class || f.getType() == long.class)) {
                f.setAccessible(true);
                fromJava.put(f.getName(), ((Number) f.get(null)).longValue());
            }
        }
        fromJava.put("sizeof_entry", (long) FlexscAbi.ENTRY_SIZE);
        for (var e : fromC.entrySet()) {
            assertTrue(fromJava.containsKey(e.getKey()), "Java mirrors " + e.getKey());
            assertEquals(e.getValue(), fromJava.get(e.getKey()), e.getKey());
        }
        assertEquals(FlexscAbi.STATS_SIZE, 8 * FlexscAbi.STATS_FIELDS.length);
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }
}
