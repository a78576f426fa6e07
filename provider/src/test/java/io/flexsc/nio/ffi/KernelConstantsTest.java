package io.flexsc.nio.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one table of system-call numbers ({@link SysNr}), constants ({@link Linux}) and errno values
 * ({@link Errno}) against the machine's kernel and C library headers, read as text (no C compiler):
 * every number that a header defines as a literal (or as another such name, or a name plus a
 * literal) must be one the header gives. Skipped, saying so, where the headers are not installed
 * (the guest VM) or the machine is not x86_64.
 */
class KernelConstantsTest {
    private static final Path INCLUDE = Path.of("/usr/include");
    private static final List<String> HEADERS = List.of(
            "x86_64-linux-gnu/asm/unistd_64.h", "asm-generic/errno-base.h", "asm-generic/errno.h",
            "asm-generic/fcntl.h", "linux/fcntl.h", "asm-generic/socket.h", "asm-generic/poll.h",
            "asm-generic/ioctls.h", "asm-generic/mman-common.h", "linux/in.h", "linux/in6.h", "linux/tcp.h",
            "linux/eventpoll.h", "linux/stat.h", "linux/uio.h", "linux/falloc.h", "linux/limits.h",
            "x86_64-linux-gnu/bits/fcntl-linux.h", "x86_64-linux-gnu/bits/socket.h",
            "x86_64-linux-gnu/bits/socket-constants.h", "x86_64-linux-gnu/bits/in.h",
            "x86_64-linux-gnu/bits/poll.h", "x86_64-linux-gnu/bits/mman-map-flags-generic.h");
    /** Our names that the headers spell otherwise. */
    private static final Map<String, String> HEADER_NAME = Map.of("IOV_MAX", "UIO_MAXIOV");

    private static final Pattern DEFINE = Pattern.compile("^\\s*#\\s*define\\s+(\\w+)\\s+(.+?)\\s*$");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_]\\w*");
    private static final Pattern NAME_PLUS = Pattern.compile("([A-Za-z_]\\w*)\\s*\\+\\s*(\\w+)");

    /** Every definition of each name, as written (a name may be defined in several branches). */
    private static final Map<String, List<String>> DEFINES = new HashMap<>();

    @BeforeAll
    static void readHeaders() throws IOException {
        assumeTrue(SysNr.SUPPORTED_ARCH, "not x86_64: the tables are x86_64's");
        assumeTrue(Files.exists(INCLUDE.resolve(HEADERS.get(0))), "no kernel headers under " + INCLUDE);
        for (String h : HEADERS) {
            Path p = INCLUDE.resolve(h);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                Matcher m = DEFINE.matcher(line.replaceAll("/\\*.*?(\\*/|$)", ""));
                if (m.matches()) {
                    DEFINES.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2));
                }
            }
        }
    }

    /** The values the headers give {@code name}, as far as they are numbers; empty if none. */
    private static Set<Long> values(String name, int depth) {
        Set<Long> out = new HashSet<>();
        if (depth > 8) {
            return out;
        }
        for (String expr : DEFINES.getOrDefault(name, List.of())) {
            String e = expr.replaceAll("\\(__force __poll_t\\)|\\(__poll_t\\)", "").replaceAll("[()]", "").trim();
            Long v = literal(e);
            if (v != null) {
                out.add(v);
            } else if (NAME.matcher(e).matches() && !e.equals(name)) {
                out.addAll(values(e, depth + 1));
            } else {
                Matcher m = NAME_PLUS.matcher(e);
                Long k = m.matches() ? literal(m.group(2)) : null;
                if (k != null) {
                    for (long base : values(m.group(1), depth + 1)) {
                        out.add(base + k);
                    }
                }
            }
        }
        return out;
    }

    private static Long literal(String s) {
        String t = s.replaceAll("[uUlL]+$", "");
        try {
            boolean neg = t.startsWith("-");
            String d = neg ? t.substring(1) : t;
            long v = d.startsWith("0x") || d.startsWith("0X") ? Long.parseLong(d.substring(2), 16)
                    : d.length() > 1 && d.startsWith("0") ? Long.parseLong(d.substring(1), 8) : Long.parseLong(d);
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Compares each int/short constant of {@code table} with the header's {@code prefix + name}
     * (lower case after a prefix, as {@code __NR_read}); returns how many the headers define.
     */
    private static int check(Class<?> table, String prefix, Set<String> skip, Map<String, String> wrong) throws IllegalAccessException {
        int checked = 0;
        for (Field f : table.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || skip.contains(f.getName())
                    || (f.getType() != int.class && f.getType() != short.class)) {
                continue;
            }
            long ours = ((Number) f.get(null)).longValue();
            String ourName = HEADER_NAME.getOrDefault(f.getName(), f.getName());
            String header = prefix.isEmpty() ? ourName : prefix + ourName.toLowerCase(java.util.Locale.ROOT);
            Set<Long> theirs = values(header, 0);
            if (theirs.isEmpty()) {
                continue;
            }
            checked++;
            if (!theirs.contains(ours)) {
                wrong.put(table.getSimpleName() + "." + f.getName(), ours + " but the headers say " + theirs);
            }
        }
        return checked;
    }

    @Test
    void systemCallNumbersAreTheKernels() throws IllegalAccessException {
        Map<String, String> wrong = new TreeMap<>();
        int checked = check(SysNr.class, "__NR_", Set.of("MAX"), wrong);
        assertEquals(Map.of(), wrong);
        long total = Stream.of(SysNr.class.getFields()).filter(f -> f.getType() == int.class).count() - 1;
        assertEquals(total, checked, "every system-call number is in the kernel's table");
    }

    @Test
    void errnoValuesAreTheKernels() throws IllegalAccessException {
        Map<String, String> wrong = new TreeMap<>();
        int checked = check(Errno.class, "", Set.of(), wrong);
        assertEquals(Map.of(), wrong);
        assertTrue(checked >= 60, "only " + checked + " errno values found in the headers");
    }

    @Test
    void constantsAreTheKernels() throws IllegalAccessException {
        Map<String, String> wrong = new TreeMap<>();
        int checked = check(Linux.class, "", Set.of(), wrong);
        assertEquals(Map.of(), wrong);
        long total = Stream.of(Linux.class.getFields()).filter(f -> f.getType() == int.class || f.getType() == short.class).count();
        assertTrue(checked >= total * 3 / 4, "only " + checked + " of " + total + " constants found in the headers");
    }
}
