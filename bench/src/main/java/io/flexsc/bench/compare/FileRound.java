package io.flexsc.bench.compare;

import io.flexsc.bench.fs.FileChannelBench;
import io.flexsc.bench.fs.FilesCopyBench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The issue-4 file benchmarks in the comparison session: for one implementation ({@code jdk},
 * {@code direct}, {@code uring}: see {@link io.flexsc.bench.fs.FsImpl}) one short JMH run of
 * {@link FileChannelBench} (the selected operations and sizes, one thread, one fork per case) and,
 * optionally, {@link FilesCopyBench}, each with {@link CpuTimeProfiler}. One measurement per case:
 * the median iteration's throughput (operations per second) and the mean CPU time per operation.
 */
public final class FileRound {
    /** The file part's settings. */
    public record Setup(String operations, List<String> sizes, int threads, int warmupIterations, double warmupSeconds,
            int iterations, double iterationSeconds, boolean copy, List<String> jvmArgs, Path logs) {}

    private final Setup setup;

    public FileRound(Setup setup) {
        this.setup = setup;
    }

    /** Runs every case for one implementation; a case that fails is a failed measurement. */
    public List<Measurement> run(String impl, int round) {
        List<Measurement> out = new ArrayList<>();
        Map<String, String> info = new LinkedHashMap<>();
        info.put("loadBefore", ProcStat.loadAverage());
        ChainedOptionsBuilder b = base(impl, round, "channel")
                .include(FileChannelBench.class.getName() + "\\.(" + setup.operations() + ")$")
                .param("size", setup.sizes().toArray(new String[0]))
                .threads(setup.threads())
                .warmupIterations(setup.warmupIterations()).warmupTime(time(setup.warmupSeconds()))
                .measurementIterations(setup.iterations()).measurementTime(time(setup.iterationSeconds()));
        out.addAll(collect(impl, round, b, expectedChannelCases(), info));
        if (setup.copy()) {
            ChainedOptionsBuilder c = base(impl, round, "copy")
                    .include(FilesCopyBench.class.getName() + "\\.copy$")
                    .threads(1)
                    .warmupIterations(1).measurementIterations(Math.max(2, setup.iterations()));
            out.addAll(collect(impl, round, c, List.of("copy 256MiB"), info));
        }
        return out;
    }

    private List<String> expectedChannelCases() {
        List<String> out = new ArrayList<>();
        for (String op : setup.operations().split("\\|")) {
            for (String size : setup.sizes()) {
                out.add(caseName(op, size));
            }
        }
        return out;
    }

    private ChainedOptionsBuilder base(String impl, int round, String part) {
        return new OptionsBuilder()
                .param("impl", impl)
                .forks(1)
                .jvmArgs(setup.jvmArgs().toArray(new String[0]))
                .addProfiler(CpuTimeProfiler.class)
                .shouldFailOnError(false)
                .output(setup.logs().resolve("r" + round + "-file-" + part + "-" + impl + ".jmh.log").toString());
    }

    private static TimeValue time(double seconds) {
        return TimeValue.milliseconds(Math.max(1, Math.round(seconds * 1000)));
    }

    static String caseName(String op, String size) {
        int s = Integer.parseInt(size);
        return op + " " + (s % 1024 == 0 ? (s / 1024) + "KiB" : s + "B");
    }

    private List<Measurement> collect(String impl, int round, ChainedOptionsBuilder b, List<String> expected,
            Map<String, String> info) {
        List<Measurement> out = new ArrayList<>();
        Collection<RunResult> results;
        try {
            results = new Runner(b.build()).run();
        } catch (RunnerException | RuntimeException e) {
            for (String c : expected) {
                out.add(Measurement.failed("file", c, impl, round, "JMH: " + e, info));
            }
            return out;
        }
        List<String> seen = new ArrayList<>();
        for (RunResult r : results) {
            var params = r.getParams();
            String bench = params.getBenchmark();
            String method = bench.substring(bench.lastIndexOf('.') + 1);
            String name = method.equals("copy") ? "copy 256MiB" : caseName(method, params.getParam("size"));
            seen.add(name);
            List<Double> scores = new ArrayList<>();
            for (BenchmarkResult br : r.getBenchmarkResults()) {
                for (IterationResult ir : br.getIterationResults()) {
                    scores.add(ir.getPrimaryResult().getScore());
                }
            }
            if (scores.isEmpty()) {
                out.add(Measurement.failed("file", name, impl, round, "no iterations", info));
                continue;
            }
            double median = Aggregator.median(scores.stream().mapToDouble(Double::doubleValue).toArray());
            Map<String, Double> m = new LinkedHashMap<>();
            // ops/ms (throughput) or ms/op (single shot) -> operations per second
            m.put("opsPerSec", params.getMode() == Mode.Throughput ? median * 1000 : 1000 / median);
            Result cpu = r.getAggregatedResult().getSecondaryResults().get("cpu.ns/op");
            if (cpu != null) {
                m.put("cpuUsPerOp", cpu.getScore() / 1000);
            }
            Result cores = r.getAggregatedResult().getSecondaryResults().get("cpu.cores");
            if (cores != null) {
                m.put("cpuCores", cores.getScore());
            }
            Map<String, String> i = new LinkedHashMap<>(info);
            i.put("iterations", Arrays.toString(scores.toArray()));
            i.put("loadAfter", ProcStat.loadAverage());
            out.add(new Measurement("file", name, impl, round, true, "", m, i));
        }
        for (String c : expected) {
            if (!seen.contains(c)) {
                out.add(Measurement.failed("file", c, impl, round, "no result (fork failed; see the JMH log)", info));
            }
        }
        return out;
    }
}
