package io.flexsc.bench.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the issue-4 benchmarks ({@link FileChannelBench}, {@link FilesCopyBench}) once per thread
 * count and writes, under {@code bench/results/fs-<UTC date-time>/} (or {@code -o DIR}):
 * {@code meta.txt} (date, kernel, CPUs, load, Java, commit, arguments), {@code t<N>.json} (JMH's
 * JSON) and {@code table.md} ({@link FsTable}: ratios to the JDK and the goals).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.flexsc.bench.fs.FsBench [-t "1 4 16"] [-o DIR] [JMH args...]
 * </pre>
 *
 * JMH arguments are JMH's own (a selection regex, {@code -p impl=jdk,uring}, {@code -i 5}...); the
 * defaults, for a shared 2-core machine, are {@code -f 1 -wi 2 -i 3 -w 1s -r 1s}, each replaced by
 * the same option given explicitly. Without a selection both benchmarks run; {@code FilesCopyBench}
 * runs only at the first thread count (it is meant for one thread). Listing an implementation more
 * than once ({@code -p impl=jdk,uring,jdk,uring}) alternates the JDK and ours in time; the table
 * pools the iterations of a case's trials.
 */
public final class FsBench {
    private FsBench() {}

    public static void main(String[] args) throws IOException, RunnerException, CommandLineOptionException {
        String threads = "1 4 16";
        Path out = null;
        List<String> jmh = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-t") && i + 1 < args.length) {
                threads = args[++i];
            } else if (args[i].equals("-o") && i + 1 < args.length) {
                out = Paths.get(args[++i]);
            } else {
                jmh.add(args[i]);
            }
        }
        int[] counts = Arrays.stream(threads.trim().split("[ ,]+")).mapToInt(Integer::parseInt).toArray();
        if (out == null) {
            out = Paths.get("bench", "results",
                    "fs-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        Files.createDirectories(out);
        CommandLineOptions cmd = new CommandLineOptions(jmh.toArray(new String[0]));
        boolean selected = !cmd.getIncludes().isEmpty();

        StringBuilder meta = new StringBuilder();
        meta.append("date: ").append(ZonedDateTime.now(ZoneOffset.UTC)).append('\n')
                .append("kernel: ").append(System.getProperty("os.version")).append('\n')
                .append("cpus: ").append(Runtime.getRuntime().availableProcessors()).append('\n')
                .append("load average before: ").append(loadAverage()).append('\n')
                .append("java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n')
                .append("commit: ").append(commit()).append('\n')
                .append("threads: ").append(threads).append('\n')
                .append("jmh args: ").append(String.join(" ", jmh)).append(" (defaults -f 1 -wi 2 -i 3 -w 1s -r 1s)\n");
        Files.writeString(out.resolve("meta.txt"), meta, StandardCharsets.UTF_8);
        System.out.print(meta);

        FsTable table = new FsTable();
        for (int k = 0; k < counts.length; k++) {
            int t = counts[k];
            ChainedOptionsBuilder b = new OptionsBuilder().parent(cmd).threads(t)
                    .resultFormat(ResultFormatType.JSON).result(out.resolve("t" + t + ".json").toString());
            if (!selected) {
                b.include(FileChannelBench.class.getName());
                if (k == 0) {
                    b.include(FilesCopyBench.class.getName());
                }
            }
            if (!cmd.getForkCount().hasValue()) {
                b.forks(1);
            }
            if (!cmd.getWarmupIterations().hasValue()) {
                b.warmupIterations(2);
            }
            if (!cmd.getMeasurementIterations().hasValue()) {
                b.measurementIterations(3);
            }
            if (!cmd.getWarmupTime().hasValue()) {
                b.warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1));
            }
            if (!cmd.getMeasurementTime().hasValue()) {
                b.measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1));
            }
            Collection<RunResult> results = new Runner(b.build()).run();
            for (RunResult r : results) {
                add(table, r);
            }
        }
        String md = table.render();
        Files.writeString(out.resolve("meta.txt"), meta + "load average after: " + loadAverage() + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(out.resolve("table.md"), md, StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(md);
        System.out.println("results: " + out);
    }

    /** Adds one JMH result to the table: its measurement iterations, pooled with other trials of the case. */
    static void add(FsTable table, RunResult r) {
        List<Double> scores = new ArrayList<>();
        for (BenchmarkResult br : r.getBenchmarkResults()) {
            for (IterationResult ir : br.getIterationResults()) {
                scores.add(ir.getPrimaryResult().getScore());
            }
        }
        var params = r.getParams();
        String name = params.getBenchmark();
        String method = name.substring(name.lastIndexOf('.') + 1);
        String size = params.getParam("size");
        boolean throughput = params.getMode() == org.openjdk.jmh.annotations.Mode.Throughput;
        table.add(method, params.getParam("impl"), size == null ? 0 : Long.parseLong(size), params.getThreads(),
                r.getPrimaryResult().getScoreUnit(), throughput, scores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String commit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String head = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                return "unknown";
            }
            Process d = new ProcessBuilder("git", "diff", "--quiet", "HEAD").start();
            return head + (d.waitFor() == 0 ? "" : " (with uncommitted changes)");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
