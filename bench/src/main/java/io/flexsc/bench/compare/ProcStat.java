package io.flexsc.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** CPU time and memory of a process, from Linux's {@code /proc/<pid>/stat} and {@code status}. */
public final class ProcStat {
    private ProcStat() {}

    /** Clock ticks per second of {@code stat}'s times ({@code getconf CLK_TCK}; 100 on Linux/x86). */
    public static final long CLK_TCK = clockTicks();

    /**
     * User + system CPU time of the whole process (all its threads, exited ones included), in
     * nanoseconds, or -1 if the process is gone.
     */
    public static long cpuNanos(long pid) {
        try {
            return cpuTicks(Files.readString(Paths.get("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII))
                    * (1_000_000_000L / CLK_TCK);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime (fields 14 and 15) of a {@code /proc/<pid>/stat} line, in clock ticks. */
    static long cpuTicks(String stat) {
        // the command name (field 2) is in parentheses and may contain spaces
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        // f[0] is field 3 (state)
        return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
    }

    /** A {@code /proc/<pid>/status} value in KiB ({@code VmHWM}, {@code VmRSS}), or -1. */
    public static long statusKiB(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim().split(" +")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** The 1, 5 and 15 minute load averages, or "unknown". */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            long t = Long.parseLong(s);
            return t > 0 ? t : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
