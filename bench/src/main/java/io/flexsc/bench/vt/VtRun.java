package io.flexsc.bench.vt;

import static io.flexsc.bench.compare.ChildProcesses.await;
import static io.flexsc.bench.compare.ChildProcesses.exit;
import static io.flexsc.bench.compare.ChildProcesses.kill;
import static io.flexsc.bench.compare.ChildProcesses.tail;

import io.flexsc.bench.compare.ChildProcesses;
import io.flexsc.bench.compare.CpuWindow;
import io.flexsc.bench.compare.EchoRun;
import io.flexsc.bench.compare.FlatJson;
import io.flexsc.bench.compare.Measurement;
import io.flexsc.bench.compare.ProcStat;
import io.flexsc.bench.compare.Variant;
import io.flexsc.nio.examples.echo.SyscallCounter;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One measurement of the virtual-thread echo ({@link VtEchoServer}) for one variant and scenario.
 *
 * <p>The server JVM runs under {@code perf stat -e raw_syscalls:sys_enter} with its events
 * disabled ({@code -D -1}) and a control FIFO ({@link SyscallCounter}); the examples' {@code LoadClient} runs in another JVM.
 * Once the server holds every connection, after {@code warmup} seconds, the runner enables the count
 * for {@code count} seconds: the system calls every thread of the server JVM entered in that window
 * (threads started meanwhile included; {@code io_uring_enter} is one of them), over the messages the
 * server echoed in it (its byte counter over the message size), are the kernel crossings per
 * message. The client's warm-up covers both; then it measures for {@code duration} seconds
 * (messages/s, latency percentiles) with the count disabled, while the runner samples the server's
 * CPU time ({@link ProcStat}, {@link CpuWindow}). The client checks every echoed byte; a mismatch,
 * a server error, or a server on the wrong providers or engine fails the run.
 */
public final class VtRun {
    static final String SERVER = "io.flexsc.bench.vt.VtEchoServer";
    static final String FLEX_NET = "io.flexsc.nio.net.FlexSelectorProvider";
    static final String FLEX_FS = "io.flexsc.nio.fs.FlexFileSystemProvider";

    /** What is fixed for a whole series. */
    public record Setup(String serverJava, String clientJava, List<String> serverJvm, List<String> clientJvm,
            String serverClassPath, String clientClassPath, String dropInJar, int clientThreads, String clientTransport,
            double warmupSeconds, double countSeconds, double durationSeconds, boolean perf, List<String> serverArgs,
            Path logs) {}

    private final Setup setup;

    public VtRun(Setup setup) {
        this.setup = setup;
    }

    /** The variants: the JDK's own virtual-thread I/O, and our providers on each engine. */
    public static List<Variant> variants(boolean kmodPresent) {
        List<String> flex = List.of("-Djava.nio.channels.spi.SelectorProvider=" + FLEX_NET,
                "-Djava.nio.file.spi.DefaultFileSystemProvider=" + FLEX_FS);
        return List.of(
                new Variant("jdk", "vt", false, List.of(), null),
                new Variant("flexsc-uring", "vt", true, concat(flex, "-Dflexsc.engine=uring"), null),
                new Variant("flexsc-direct", "vt", true, concat(flex, "-Dflexsc.engine=direct"), null),
                new Variant("flexsc-kmod", "vt", true, concat(flex, "-Dflexsc.engine=kmod"),
                        kmodPresent ? null : "/dev/flexsc is absent (the FlexSC kernel module is not loaded on this host)"));
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    /** The server's command line (without perf). */
    List<String> serverCommand(Variant v, VtScenario s) {
        List<String> cmd = new ArrayList<>();
        cmd.add(setup.serverJava());
        cmd.addAll(setup.serverJvm());
        if (v.dropIn()) {
            cmd.add("--enable-native-access=ALL-UNNAMED"); // the README's command line: jffi loads its library (JDK 22+ warns without)
        }
        cmd.addAll(v.properties());
        cmd.add("-cp");
        cmd.add(v.dropIn() ? setup.dropInJar() + File.pathSeparator + setup.serverClassPath() : setup.serverClassPath());
        cmd.add(SERVER);
        cmd.addAll(List.of("--port", "0", "--host", "127.0.0.1", "--file-threads", Integer.toString(s.fileThreads())));
        cmd.addAll(setup.serverArgs());
        return cmd;
    }

    List<String> clientCommand(VtScenario s, int port, Path json) {
        // the client's warm-up covers the server's warm-up and the counting window, plus a margin
        double warmup = setup.warmupSeconds() + setup.countSeconds() + 0.5;
        return ChildProcesses.loadClient(setup.clientJava(), setup.clientJvm(), setup.clientClassPath(), port, s.echo(),
                warmup, setup.durationSeconds(), setup.clientThreads(), setup.clientTransport(), json);
    }

    /**
     * Null if the server's {@code LISTENING} line shows the providers the variant asks for, else
     * why not: the JDK variant must run on {@code sun.nio.ch}/{@code sun.nio.fs}, ours on the two
     * flexsc providers.
     */
    static String checkProviders(Variant v, Map<String, String> listening) {
        String net = listening.getOrDefault("provider", "?");
        String fs = listening.getOrDefault("fs", "?");
        boolean ok = v.dropIn() ? net.equals(FLEX_NET) && fs.equals(FLEX_FS)
                : net.startsWith("sun.nio.ch.") && fs.startsWith("sun.nio.fs.");
        return ok ? null : "server runs on provider=" + net + " fs=" + fs + ", not what variant " + v.name() + " asks for";
    }

    /** Null if the engine the server reports is the variant's ({@code flexsc-<engine>}), else why not. */
    static String checkEngine(Variant v, Map<String, String> engine) {
        String name = engine.getOrDefault("name", "?");
        if (!v.dropIn()) {
            return name.equals("none") ? null : "the JDK variant reports a flexsc engine: " + name;
        }
        String want = v.name().substring(v.name().indexOf('-') + 1);
        return name.equals(want) ? null : "variant " + v.name() + " ran on engine " + name;
    }

    /** Runs one measurement; never throws for a failed run (the result says why). */
    public Measurement run(VtScenario s, Variant v, int round) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("loadBefore", ProcStat.loadAverage());
        String tag = "r" + round + "-" + s.name() + "-" + v.name();
        Path serverLog = setup.logs().resolve(tag + ".server.log");
        Path clientLog = setup.logs().resolve(tag + ".client.log");
        Path json = setup.logs().resolve(tag + ".client.json");
        Process server = null;
        Process client = null;
        SyscallCounter perf = null;
        try {
            Files.createDirectories(setup.logs());
            List<String> cmd = serverCommand(v, s);
            if (setup.perf()) {
                perf = SyscallCounter.create(setup.logs(), tag);
                cmd = perf.wrap(cmd);
            }
            server = new ProcessBuilder(cmd).redirectError(serverLog.toFile()).start();
            BlockingQueue<String> lines = ChildProcesses.lines(server, "server-stdout");
            OutputStream in = server.getOutputStream();
            String listening = await(lines, "LISTENING ", 60);
            if (listening == null) {
                return fail(s, v, round, "server printed no LISTENING line within 60 s (exit " + exit(server) + "): "
                        + tail(serverLog), info);
            }
            Map<String, String> kv = EchoRun.keyValues(listening);
            info.put("provider", kv.getOrDefault("provider", "?"));
            info.put("fs", kv.getOrDefault("fs", "?"));
            info.put("serverJava", kv.getOrDefault("java", "?"));
            String wrong = checkProviders(v, kv);
            if (wrong != null) {
                return fail(s, v, round, wrong, info);
            }
            int port = Integer.parseInt(listening.substring("LISTENING ".length()).trim().split("\\s+")[0]);
            long serverPid = Long.parseLong(kv.get("pid"));
            if (setup.perf()) {
                perf.open();
            }

            CpuWindow window = new CpuWindow();
            client = new ProcessBuilder(clientCommand(s, port, json)).redirectErrorStream(true)
                    .redirectOutput(clientLog.toFile()).start();
            Thread sampler = window.sampleWhile(client, serverPid);

            // wait until the server holds every connection (the client's warm-up starts then)
            int conns = s.echo().connections();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            VtEchoServer.Counters c = counters(in, lines);
            while (c.open() < conns) {
                if (!client.isAlive() || System.nanoTime() > deadline) {
                    return fail(s, v, round, "the server holds " + c.open() + " of " + conns + " connections (client "
                            + exit(client) + "): " + tail(clientLog) + serverGone(server, serverLog), info);
                }
                Thread.sleep(100);
                c = counters(in, lines);
            }
            Thread.sleep((long) (setup.warmupSeconds() * 1000));
            VtEchoServer.Counters c0 = counters(in, lines);
            long t0 = System.nanoTime();
            if (perf != null) {
                perf.enable();
            }
            Thread.sleep((long) (setup.countSeconds() * 1000));
            if (perf != null) {
                perf.disable();
            }
            long t1 = System.nanoTime();
            VtEchoServer.Counters c1 = counters(in, lines);

            long limit = (long) Math.ceil(setup.warmupSeconds() + setup.countSeconds() + setup.durationSeconds()) + 120;
            if (!client.waitFor(limit, TimeUnit.SECONDS)) {
                return fail(s, v, round, "load client still running after " + limit + " s", info);
            }
            sampler.join(5_000);
            if (client.exitValue() != 0 || !Files.exists(json)) {
                return fail(s, v, round, "load client exit " + client.exitValue() + (Files.exists(json) ? "" : ", no JSON")
                        + ": " + tail(clientLog) + serverGone(server, serverLog), info);
            }
            Map<String, Double> report = FlatJson.numbers(Files.readString(json));
            double seconds = report.getOrDefault("seconds", Double.NaN);
            double rate = report.getOrDefault("messagesPerSec", Double.NaN);
            double errors = report.getOrDefault("errors", 0.0);
            if (errors != 0 || Double.isNaN(rate) || rate <= 0) {
                return fail(s, v, round, "load client reported errors=" + errors + " messagesPerSec=" + rate
                        + serverGone(server, serverLog), info);
            }
            VtEchoServer.Counters c2 = counters(in, lines);
            if (c2.errors() != 0) {
                return fail(s, v, round, "the server counted " + c2.errors() + " error(s): " + tail(serverLog), info);
            }
            String engineLine = command(in, lines, "engine", "ENGINE ", 30);
            Map<String, String> engine = engineLine == null ? Map.of() : EchoRun.keyValues(engineLine);
            info.put("engine", engine.getOrDefault("name", "?"));
            info.put("engineCalls", engine.getOrDefault("calls", "?"));
            info.put("engineBatches", engine.getOrDefault("batches", "?"));
            wrong = checkEngine(v, engine);
            if (wrong != null) {
                return fail(s, v, round, wrong, info);
            }

            Map<String, Double> m = new LinkedHashMap<>();
            m.put("msgsPerSec", rate);
            m.put("p50Us", report.getOrDefault("p50Us", Double.NaN));
            m.put("p99Us", report.getOrDefault("p99Us", Double.NaN));
            CpuWindow.Result w = window.measure(seconds);
            if (w != null && w.serverCpuNanos() >= 0) {
                m.put("serverCpuCores", w.serverCores());
                m.put("serverCpuUsPerMsg", w.serverCores() / rate * 1e6);
                info.put("window", String.format(Locale.ROOT, "%.2fs, %d samples", w.seconds(), window.size()));
            }
            double countSeconds = (t1 - t0) / 1e9;
            double countMsgs = (double) (c1.bytes() - c0.bytes()) / s.echo().size();
            m.put("countMsgsPerSec", countMsgs / countSeconds);
            if (s.fileThreads() > 0) {
                m.put("fileOpsPerSec", (c1.fileOps() - c0.fileOps()) / countSeconds);
            }

            ChildProcesses.quit(server, in, 30, info);
            if (perf != null) {
                long syscalls = perf.count();
                info.put("syscallsCounted", Long.toString(syscalls));
                if (syscalls >= 0 && countMsgs > 0) {
                    m.put("crossingsPerMsg", syscalls / countMsgs);
                } else {
                    info.put("countNote", "perf counted nothing usable (see " + perf.output().getFileName() + ")");
                }
            }
            info.put("loadAfter", ProcStat.loadAverage());
            return new Measurement("echo", s.name(), v.name(), round, true, "", m, info);
        } catch (IOException | RuntimeException e) {
            return fail(s, v, round, e.toString(), info);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(s, v, round, "interrupted", info);
        } finally {
            kill(client);
            kill(server);
            if (perf != null) {
                perf.close();
            }
        }
    }

    /** When the server died during the run (a crash), its exit status and the end of its log, for the note. */
    private static String serverGone(Process server, Path serverLog) throws InterruptedException {
        if (!server.waitFor(2, TimeUnit.SECONDS)) {
            return "";
        }
        return "; SERVER DIED (exit " + server.exitValue() + "): " + tail(serverLog);
    }

    private static Measurement fail(VtScenario s, Variant v, int round, String why, Map<String, String> info) {
        return Measurement.failed("echo", s.name(), v.name(), round, why, info);
    }

    private static VtEchoServer.Counters counters(OutputStream in, BlockingQueue<String> lines)
            throws IOException, InterruptedException {
        String line = command(in, lines, "counters", "COUNTERS ", 30);
        if (line == null) {
            throw new IOException("the server did not answer 'counters' within 30 s");
        }
        return VtEchoServer.Counters.parse(line);
    }

    private static String command(OutputStream in, BlockingQueue<String> lines, String command, String prefix, int seconds)
            throws IOException, InterruptedException {
        in.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
        return await(lines, prefix, seconds);
    }
}
