package io.flexsc.bench.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the load client's measured window in a series of CPU samples and the CPU time each process
 * used in it.
 *
 * <p>The runner samples the server's and the client's CPU time (user + system) every 100 ms while
 * the client runs. The client reports how long it measured ({@code seconds}) but not when; it
 * starts its JVM, connects, warms up, measures, then closes its connections and shuts down. When
 * its measurement ends the load stops, and the server's CPU use collapses. So the window's end is
 * the end of the last sampling interval in which the server used at least {@link #ACTIVE} of its
 * busy rate (the 75th percentile of its per-interval rates over the client's run), and the window
 * is the {@code seconds} before that end. CPU time at the window's edges is interpolated linearly
 * between samples.
 */
public final class CpuWindow {
    /** Fraction of the busy rate under which the server counts as idle. */
    static final double ACTIVE = 0.3;

    private final List<long[]> samples = new ArrayList<>(); // {time, server cpu, client cpu}

    /** Adds a sample; a CPU time of -1 (process gone) repeats that process's previous value. */
    /**
     * Starts a daemon thread that adds the CPU time of the server and the client every 100 ms while
     * {@code client} runs, and once more (the server's) after it ended; join it before {@link #measure}.
     */
    public Thread sampleWhile(Process client, long serverPid) {
        long clientPid = client.pid();
        Thread sampler = new Thread(() -> {
            while (client.isAlive()) {
                add(System.nanoTime(), ProcStat.cpuNanos(serverPid), ProcStat.cpuNanos(clientPid));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            add(System.nanoTime(), ProcStat.cpuNanos(serverPid), -1);
        }, "cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
        return sampler;
    }

    public synchronized void add(long timeNanos, long serverCpu, long clientCpu) {
        if (!samples.isEmpty()) {
            long[] last = samples.get(samples.size() - 1);
            if (serverCpu < 0) {
                serverCpu = last[1];
            }
            if (clientCpu < 0) {
                clientCpu = last[2];
            }
        }
        samples.add(new long[] {timeNanos, Math.max(0, serverCpu), Math.max(0, clientCpu)});
    }

    public synchronized int size() {
        return samples.size();
    }

    /** The result: the window and each process's CPU time in it. */
    public record Result(long startNanos, long endNanos, long serverCpuNanos, long clientCpuNanos) {
        public double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        public double serverCores() {
            return serverCpuNanos / 1e9 / seconds();
        }

        public double clientCores() {
            return clientCpuNanos / 1e9 / seconds();
        }
    }

    /**
     * The window of {@code seconds} that ends when the server's load stops, or null with fewer than
     * three samples.
     */
    public synchronized Result measure(double seconds) {
        int n = samples.size();
        if (n < 3) {
            return null;
        }
        double[] rates = new double[n - 1];
        for (int i = 1; i < n; i++) {
            long dt = samples.get(i)[0] - samples.get(i - 1)[0];
            rates[i - 1] = dt <= 0 ? 0 : (double) (samples.get(i)[1] - samples.get(i - 1)[1]) / dt;
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double busy = sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.75))];
        int last = rates.length - 1;
        while (last > 0 && rates[last] < ACTIVE * busy) {
            last--;
        }
        long end = samples.get(last + 1)[0];
        long start = end - (long) (seconds * 1e9);
        return new Result(start, end, at(start, 1) >= 0 ? at(end, 1) - at(start, 1) : -1, at(end, 2) - at(start, 2));
    }

    /** The value of column {@code col} at time t, interpolated; the first sample's before it. */
    private long at(long t, int col) {
        long[] first = samples.get(0);
        if (t <= first[0]) {
            return first[col];
        }
        for (int i = 1; i < samples.size(); i++) {
            long[] b = samples.get(i);
            if (t <= b[0]) {
                long[] a = samples.get(i - 1);
                double f = (double) (t - a[0]) / Math.max(1, b[0] - a[0]);
                return Math.round(a[col] + f * (b[col] - a[col]));
            }
        }
        return samples.get(samples.size() - 1)[col];
    }
}
