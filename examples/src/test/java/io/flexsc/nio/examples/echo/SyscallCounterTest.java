package io.flexsc.nio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** perf's command line and output as the demo and the bench read them, and the demo's n/a cases. */
class SyscallCounterTest {

    @Test
    void perfOutputSumsTheSyscallLinesAndRejectsUncountedOnes() {
        String out = "# started on Mon Dec  7 21:23:18 2026\n\n"
                + "166886,,raw_syscalls:sys_enter,656895258,100.00,,\nEvents enabled\nEvents disabled\n";
        assertEquals(166_886, SyscallCounter.parse(out));
        // per-thread or per-CPU output: one line each, summed
        assertEquals(30, SyscallCounter.parse("10,,raw_syscalls:sys_enter,1,100.00,,\n20,,raw_syscalls:sys_enter,1,100.00,,\n"));
        assertEquals(0, SyscallCounter.parse("0,,raw_syscalls:sys_enter,0,100.00,,\n"));
        assertEquals(-1, SyscallCounter.parse("<not counted>,,raw_syscalls:sys_enter,0,100.00,,\n"));
        assertEquals(-1, SyscallCounter.parse("<not supported>,,raw_syscalls:sys_enter,0,100.00,,\n"));
        assertEquals(-1, SyscallCounter.parse("12,,task-clock,1,100.00,,\n"));
        assertEquals(-1, SyscallCounter.parse(""));
    }

    @Test
    void perfCountsTheCommandDisabledUntilEnabledThroughTheFifo() {
        List<String> cmd = SyscallCounter.command(Path.of("o.txt"), Path.of("c"), Path.of("a"), List.of("java", "-cp", "x", "Main"));
        assertEquals(List.of("perf", "stat", "-e", "raw_syscalls:sys_enter", "-x", ",", "-o", "o.txt", "-D", "-1",
                "--control", "fifo:c,a", "--", "java", "-cp", "x", "Main"), cmd);
    }

    @Test
    void aProbeThatCountedMeansAvailable() {
        assertNull(SyscallCounter.diagnose(0, "29,,raw_syscalls:sys_enter,603986,100.00,,\n"));
    }

    @Test
    void noPerfOnThePathIsSaid() {
        assertEquals("no perf on the PATH", SyscallCounter.diagnose(-1, ""));
        assertEquals("no perf on the PATH",
                SyscallCounter.unavailable(List.of("/nonexistent/flexsc-no-such-perf", "stat", "--", "true")));
    }

    @Test
    void perfWithoutPermissionIsSaid() {
        String paranoid = "Error:\nAccess to performance monitoring and observability operations is limited.\n"
                + "Consider adjusting /proc/sys/kernel/perf_event_paranoid setting to open\n";
        String why = SyscallCounter.diagnose(255, paranoid);
        assertTrue(why.contains("not root") && why.contains("perf_event_paranoid"), why);
        // a count of "<not counted>" with status 0 is not available either
        String uncounted = SyscallCounter.diagnose(0, "<not counted>,,raw_syscalls:sys_enter,0,100.00,,\n");
        assertTrue(uncounted.startsWith("perf stat cannot count (exit status 0"), uncounted);
    }

    @Test
    void anAbsentTracepointIsSaid() {
        String why = SyscallCounter.diagnose(129, "event syntax error: 'raw_syscalls:sys_enter'\n"
                + "                      \\___ unknown tracepoint\n");
        assertTrue(why.contains("no raw_syscalls:sys_enter tracepoint"), why);
    }

    @Test
    void perfWithoutABuildForTheKernelIsSaid() {
        String why = SyscallCounter.diagnose(1, "perf: error: perf not found for kernel 6.18\n");
        assertTrue(why.startsWith("perf has no build for this kernel: perf: error: perf not found for kernel 6.18"), why);
    }

    @Test
    @Timeout(60)
    void aFailingProbeProgramIsNotAvailable(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("perf");
        Files.writeString(fake, "#!/bin/sh\necho 'event syntax error: unknown tracepoint' >&2\nexit 129\n");
        assertTrue(fake.toFile().setExecutable(true));
        String why = SyscallCounter.unavailable(List.of(fake.toString(), "stat", "--", "true"));
        assertTrue(why != null && why.contains("tracepoint"), String.valueOf(why));
    }

    @Test
    void theDemoTableSaysNaAndWhyWithoutACount() {
        assertEquals("n/a", EchoDemo.perMessage(-1, 1000));
        assertEquals("n/a", EchoDemo.perMessage(500, 0));
        assertEquals(String.format(Locale.ROOT, "%.2f", 0.5), EchoDemo.perMessage(500, 1000));
        assertEquals("0.25x", EchoDemo.perMessageRatio(100, 1000, 800, 2000));
        assertEquals("n/a", EchoDemo.perMessageRatio(-1, 1000, 800, 2000));
        assertEquals("n/a", EchoDemo.perMessageRatio(100, 1000, -1, 2000));
        assertEquals("n/a", EchoDemo.perMessageRatio(100, 0, 800, 2000));
        String note = EchoDemo.crossingsNote("no perf on the PATH", Map.of());
        assertTrue(note.contains("n/a") && note.contains("no perf on the PATH") && note.contains("apt-get install linux-perf"), note);
        assertNull(EchoDemo.crossingsNote(null, Map.of()));
        String failed = EchoDemo.crossingsNote(null, Map.of("JDK", "perf did not acknowledge 'enable': null"));
        assertTrue(failed.contains("JDK") && failed.contains("perf did not acknowledge"), failed);
    }
}
