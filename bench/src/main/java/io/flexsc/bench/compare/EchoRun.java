package io.flexsc.bench.compare;

import static io.flexsc.bench.compare.ChildProcesses.await;
import static io.flexsc.bench.compare.ChildProcesses.exit;
import static io.flexsc.bench.compare.ChildProcesses.kill;
import static io.flexsc.bench.compare.ChildProcesses.tail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One echo measurement: starts the examples' {@code EchoServer} for one variant in its own JVM,
 * waits for {@code LISTENING <port>}, runs the {@code LoadClient} in another JVM while sampling both
 * processes' CPU time ({@link CpuWindow}), then reads the server's peak RSS ({@code VmHWM}), asks it
 * for {@code stats} (heap after GC, engine counters) and stops it with {@code quit}.
 */
public final class EchoRun {
    static final String SERVER = "io.flexsc.nio.examples.echo.EchoServer";

    /** What is fixed for a whole comparison. */
    public record Setup(String java, List<String> serverJvm, List<String> clientJvm, String serverClassPath,
            String clientClassPath, String dropInJar, int serverThreads, int clientThreads, String clientTransport,
            double warmupSeconds, double durationSeconds, Path logs) {}

    private final Setup setup;

    public EchoRun(Setup setup) {
        this.setup = setup;
    }

    /** The server's command line for a variant. */
    List<String> serverCommand(Variant v) {
        List<String> cmd = new ArrayList<>();
        cmd.add(setup.java());
        cmd.addAll(setup.serverJvm());
        cmd.addAll(v.properties());
        cmd.add("-cp");
        cmd.add(v.dropIn() ? setup.dropInJar() + java.io.File.pathSeparator + setup.serverClassPath() : setup.serverClassPath());
        cmd.add(SERVER);
        cmd.addAll(List.of("--transport", v.transport(), "--port", "0", "--threads", Integer.toString(setup.serverThreads()),
                "--host", "127.0.0.1"));
        return cmd;
    }

    List<String> clientCommand(Scenario s, int port, Path json) {
        return ChildProcesses.loadClient(setup.java(), setup.clientJvm(), setup.clientClassPath(), port, s,
                setup.warmupSeconds(), setup.durationSeconds(), setup.clientThreads(), setup.clientTransport(), json);
    }

    /** Runs one measurement; never throws for a failed run (the result says why). */
    public Measurement run(Scenario s, Variant v, int round) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("loadBefore", ProcStat.loadAverage());
        info.put("connections", Integer.toString(s.connections()));
        info.put("size", Integer.toString(s.size()));
        info.put("depth", Integer.toString(s.depth()));
        String tag = "r" + round + "-" + s.name() + "-" + v.name();
        Path serverLog = setup.logs().resolve(tag + ".server.log");
        Path clientLog = setup.logs().resolve(tag + ".client.log");
        Path json = setup.logs().resolve(tag + ".client.json");
        Process server = null;
        Process client = null;
        try {
            Files.createDirectories(setup.logs());
            ProcessBuilder pb = new ProcessBuilder(serverCommand(v)).redirectError(serverLog.toFile());
            server = pb.start();
            BlockingQueue<String> lines = ChildProcesses.lines(server, "server-stdout");
            String listening = await(lines, "LISTENING ", 60);
            if (listening == null) {
                return Measurement.failed("echo", s.name(), v.name(), round,
                        "server printed no LISTENING line within 60 s (exit " + exit(server) + ", see " + serverLog.getFileName() + ")",
                        info);
            }
            int port = Integer.parseInt(listening.substring("LISTENING ".length()).trim());

            CpuWindow window = new CpuWindow();
            client = new ProcessBuilder(clientCommand(s, port, json)).redirectErrorStream(true)
                    .redirectOutput(clientLog.toFile()).start();
            long serverPid = server.pid();
            Thread sampler = window.sampleWhile(client, serverPid);
            long limit = (long) Math.ceil(setup.warmupSeconds() + setup.durationSeconds()) + 120;
            if (!client.waitFor(limit, TimeUnit.SECONDS)) {
                client.destroyForcibly();
                return Measurement.failed("echo", s.name(), v.name(), round, "load client still running after " + limit + " s", info);
            }
            sampler.join(5_000);
            long rssPeak = ProcStat.statusKiB(serverPid, "VmHWM");
            if (client.exitValue() != 0 || !Files.exists(json)) {
                return Measurement.failed("echo", s.name(), v.name(), round, "load client exit " + client.exitValue()
                        + (Files.exists(json) ? "" : ", no JSON") + ": " + tail(clientLog), info);
            }
            Map<String, Double> report = FlatJson.numbers(Files.readString(json));
            double seconds = report.getOrDefault("seconds", Double.NaN);
            double rate = report.getOrDefault("messagesPerSec", Double.NaN);
            double errors = report.getOrDefault("errors", 0.0);
            if (errors != 0 || Double.isNaN(rate) || rate <= 0) {
                return Measurement.failed("echo", s.name(), v.name(), round, "load client reported errors=" + errors
                        + " messagesPerSec=" + rate, info);
            }

            Map<String, Double> m = new LinkedHashMap<>();
            m.put("msgsPerSec", rate);
            m.put("p50Us", report.getOrDefault("p50Us", Double.NaN));
            m.put("p99Us", report.getOrDefault("p99Us", Double.NaN));
            CpuWindow.Result w = window.measure(seconds);
            if (w != null && w.serverCpuNanos() >= 0) {
                m.put("serverCpuCores", w.serverCores());
                m.put("clientCpuCores", w.clientCores());
                // CPU microseconds per message = CPU seconds per million messages
                m.put("serverCpuUsPerMsg", w.serverCores() / rate * 1e6);
                m.put("totalCpuUsPerMsg", (w.serverCores() + w.clientCores()) / rate * 1e6);
            }
            if (rssPeak > 0) {
                m.put("rssPeakMiB", rssPeak / 1024.0);
            }

            // stats: heap after a System.gc(), the engine's counters
            OutputStream in = server.getOutputStream();
            in.write("stats\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            String stats = await(lines, "STATS ", 60);
            if (stats != null) {
                info.put("stats", stats.substring("STATS ".length()).trim());
                Map<String, String> kv = keyValues(stats);
                putNumber(m, "heapAfterGcMiB", kv.get("heapAfterGcBytes"), 1.0 / (1 << 20));
                putNumber(m, "avgBatch", kv.get("avgBatch"), 1);
                if (!m.containsKey("rssPeakMiB")) {
                    putNumber(m, "rssPeakMiB", kv.get("rssPeakKiB"), 1.0 / 1024);
                }
                info.put("engine", kv.getOrDefault("engine", "?"));
                info.put("provider", kv.getOrDefault("provider", "?"));
            } else {
                info.put("stats", "none (no STATS line within 60 s)");
            }
            ChildProcesses.quit(server, in, 20, info);
            if (w != null) {
                info.put("window", String.format(java.util.Locale.ROOT, "%.2fs, %d samples", w.seconds(), window.size()));
            }
            info.put("loadAfter", ProcStat.loadAverage());
            return new Measurement("echo", s.name(), v.name(), round, true, "", m, info);
        } catch (IOException | RuntimeException e) {
            return Measurement.failed("echo", s.name(), v.name(), round, e.toString(), info);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Measurement.failed("echo", s.name(), v.name(), round, "interrupted", info);
        } finally {
            kill(client);
            kill(server);
        }
    }

    private static void putNumber(Map<String, Double> m, String name, String value, double scale) {
        if (value == null) {
            return;
        }
        try {
            m.put(name, Double.parseDouble(value) * scale);
        } catch (NumberFormatException e) {
            // not a number (e.g. "none"): left out
        }
    }

    /** {@code key=value} words of a line. */
    public static Map<String, String> keyValues(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String word : line.trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                out.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return out;
    }
}
