package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a thread dump says about one thread, virtual ones included: the JSON thread dump of
 * {@code HotSpotDiagnosticMXBean.dumpThreads} (JDK 21+, through reflection for the JDK 17 build)
 * lists every virtual thread with its stack, and from JDK 24 on with the monitors it owns
 * ({@code "monitorsOwned"}), which {@code ThreadMXBean} cannot tell of a virtual thread.
 */
public final class ThreadDumps {
    private ThreadDumps() {}

    /** The dump's JSON object for {@code t} (its stack, state and owned monitors); fails if absent. */
    public static String entryOf(Thread t, Path dir) throws Exception {
        Path file = dir.resolve("threads-" + System.nanoTime() + ".json");
        Class<?> bean = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
        @SuppressWarnings("unchecked")
        Object mx = ManagementFactory.getPlatformMXBean((Class<? extends PlatformManagedObject>) bean);
        Class<?> format = Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object json = Enum.valueOf((Class) format, "JSON");
        bean.getMethod("dumpThreads", String.class, format).invoke(mx, file.toString(), json);
        String dump = Files.readString(file, StandardCharsets.UTF_8);
        @SuppressWarnings("deprecation")
        long id = t.getId();
        Matcher m = Pattern.compile("\"tid\"\\s*:\\s*\"" + id + "\"").matcher(dump);
        assertTrue(m.find(), "thread " + t + " (tid " + id + ") is in the dump");
        int start = dump.lastIndexOf('{', m.start());
        int depth = 0;
        for (int i = start; i < dump.length(); i++) {
            char c = dump.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return dump.substring(start, i + 1);
            }
        }
        throw new AssertionError("unterminated entry for " + t + " in " + file);
    }

    /**
     * The stack frames of the entry that own monitors (its {@code "monitorsOwned"} depths: 0 is the
     * top of the stack), in the dump's text, e.g. {@code "io.flexsc.nio.fs.FlexFileChannel.read(FlexFileChannel.java:848)"}.
     */
    public static List<String> framesOwningMonitors(String entry) {
        List<String> frames = new ArrayList<>();
        int st = entry.indexOf("\"stack\"");
        if (st >= 0) {
            String stack = entry.substring(entry.indexOf('[', st) + 1, entry.indexOf(']', st));
            Matcher f = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(stack);
            while (f.find()) {
                frames.add(f.group(1).replace("\\/", "/"));
            }
        }
        List<String> owning = new ArrayList<>();
        int mo = entry.indexOf("\"monitorsOwned\"");
        if (mo >= 0) {
            Matcher d = Pattern.compile("\"depth\"\\s*:\\s*(\\d+)").matcher(entry.substring(mo));
            while (d.find()) {
                int depth = Integer.parseInt(d.group(1));
                owning.add(depth < frames.size() ? frames.get(depth) : "(depth " + depth + ")");
            }
        }
        return owning;
    }
}
