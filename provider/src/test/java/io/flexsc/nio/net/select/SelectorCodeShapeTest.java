package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The select loop's shape that peak memory depends on: {@code FlexSelector.doSelect} holds a whole
 * select pass, so its bytecode is over C2's inlining limit for hot calls and an event loop's
 * compiled select loop calls it instead of inlining the pass (see its Javadoc). Splitting the pass
 * back out would still pass every behaviour test; this one says why not.
 */
class SelectorCodeShapeTest {

    private static final Pattern INSTRUCTION = Pattern.compile("^\\s+(\\d+): ");

    @Test
    void doSelectIsOverTheRunningJvmsHotInliningLimit() throws Exception {
        int limit = Integer.parseInt(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("FreqInlineSize").getValue());
        int lastOffset = lastInstructionOffset(FlexSelector.class, "doSelect(");
        assertTrue(lastOffset >= limit,
                "FlexSelector.doSelect is " + lastOffset + "+ bytes of bytecode, under FreqInlineSize ("
                        + limit + "): C2 would inline the whole select pass into the caller's loop");
    }

    /** The offset of the last instruction of the one method of {@code type} whose name ends with {@code nameParen}. */
    private static int lastInstructionOffset(Class<?> type, String nameParen) throws Exception {
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow(
                () -> new AssertionError("this test needs a JDK with javap (jdk.jdeps)"));
        Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        StringWriter out = new StringWriter();
        PrintWriter pw = new PrintWriter(out);
        int rc = javap.run(pw, pw, "-c", "-p", "-cp", classes.toString(), type.getName());
        pw.flush();
        assertTrue(rc == 0, "javap failed: " + out);
        boolean in = false;
        int last = -1;
        for (String line : out.toString().split("\n")) {
            if (line.startsWith("  ") && !line.startsWith("   ") && line.contains("(")) {
                in = line.contains(" " + nameParen);
                continue;
            }
            Matcher m = INSTRUCTION.matcher(line);
            if (in && m.find()) {
                last = Math.max(last, Integer.parseInt(m.group(1)));
            }
        }
        assertTrue(last > 0, "no method " + nameParen + " in javap's output for " + type.getName());
        return last;
    }
}
