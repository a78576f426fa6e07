package io.flexsc.nio.engine.kmod;

import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The system calls the module executes: {@code FLEXSC_ALLOWED} of the module's uapi header, the
 * one table the module itself is built from, read from the copy of
 * {@code native-kmod/include/uapi/flexsc.h} that the build puts next to this class
 * (provider/pom.xml). Anything else is run directly on the caller's thread instead of being sent
 * to the module, where it would come back as -ENOSYS or -EPERM.
 *
 * <p>Read once, when the class initialises; {@link KmodEngineFactory} initialises it before it
 * opens a session, so a jar without the header fails there, not in a call. Thread-safe.
 */
final class KmodAllowlist {
    private KmodAllowlist() {}

    /** The header's resource name, beside this class. */
    static final String HEADER = "flexsc.h";

    private static final Pattern ITEM = Pattern.compile("X\\(\\s*(\\w+)\\s*,\\s*\\w+\\s*\\)");
    /** Indexed by system call number; after ITEM, which reading it needs. */
    private static final boolean[] ALLOWED = table(names(header()));

    static boolean allowed(int nr) {
        return nr >= 0 && nr < ALLOWED.length && ALLOWED[nr];
    }

    /** How many calls the module executes (and forces the table to be read). */
    static int size() {
        int n = 0;
        for (boolean a : ALLOWED) {
            n += a ? 1 : 0;
        }
        return n;
    }

    /** The packaged header's text. */
    static String header() {
        try (InputStream in = KmodAllowlist.class.getResourceAsStream(HEADER)) {
            if (in == null) {
                throw new IllegalStateException("the module's header " + HEADER + " is not packaged beside "
                        + KmodAllowlist.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the module's header " + HEADER + ": " + e, e);
        }
    }

    /**
     * The system call names of {@code FLEXSC_ALLOWED} in a header's text, in its order: the
     * {@code X(name, wrapper)} items of the {@code #define} and its continuation lines.
     */
    static List<String> names(String header) {
        int at = header.indexOf("#define FLEXSC_ALLOWED(X)");
        if (at < 0) {
            throw new IllegalStateException("no #define FLEXSC_ALLOWED(X) in " + HEADER);
        }
        StringBuilder define = new StringBuilder();
        for (String line : header.substring(at).split("\n", -1)) {
            define.append(line).append('\n');
            if (!line.stripTrailing().endsWith("\\")) {
                break;
            }
        }
        List<String> names = new ArrayList<>();
        Matcher m = ITEM.matcher(define);
        while (m.find()) {
            names.add(m.group(1));
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("FLEXSC_ALLOWED in " + HEADER + " names no system call");
        }
        return names;
    }

    /** The x86_64 number of a system call named as the kernel names it ({@link SysNr}'s constants). */
    static int number(String name) {
        try {
            return SysNr.class.getField(name.toUpperCase(Locale.ROOT)).getInt(null);
        } catch (NoSuchFieldException | IllegalAccessException e) {
            throw new IllegalStateException("the module allows " + name + ", which SysNr does not number", e);
        }
    }

    private static boolean[] table(List<String> names) {
        boolean[] t = new boolean[SysNr.MAX + 1];
        for (String n : names) {
            t[number(n)] = true;
        }
        return t;
    }
}
