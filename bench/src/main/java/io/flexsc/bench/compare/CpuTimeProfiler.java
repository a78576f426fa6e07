package io.flexsc.bench.compare;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof io.flexsc.bench.compare.CpuTimeProfiler}) that reports the CPU time
 * (user + system, every thread of the benchmark's JVM: JMH's own, the JIT and GC included, and the
 * kernel threads io_uring runs on the process's behalf) per iteration: {@code cpu.cores} (CPU time
 * over wall time) and {@code cpu.ns/op} (CPU time over the iteration's operations, JMH's "all ops").
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private long cpu0;
    private long wall0;

    @Override
    public String getDescription() {
        return "process CPU time (user+sys) per iteration and per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpu0 = processCpuNanos();
        wall0 = System.nanoTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long cpu = processCpuNanos() - cpu0;
        long wall = System.nanoTime() - wall0;
        List<Result> out = new ArrayList<>();
        if (cpu0 >= 0 && wall > 0) {
            out.add(new ScalarResult("cpu.cores", (double) cpu / wall, "cores", AggregationPolicy.AVG));
            long ops = result.getMetadata() == null ? 0 : result.getMetadata().getAllOps();
            if (ops > 0) {
                out.add(new ScalarResult("cpu.ns/op", (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
            }
        }
        return out;
    }

    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }
}
