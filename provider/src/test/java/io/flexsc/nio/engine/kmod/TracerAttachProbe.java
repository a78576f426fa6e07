package io.flexsc.nio.engine.kmod;

import io.flexsc.nio.engine.EngineStats;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JVM on the kmod engine (in the QEMU guest, run by test-vm/java-suites.sh) to which a real tracer
 * ({@code strace -f -p}) is attached mid-run and detached again. A worker thread echoes data over a
 * socket pair and reads a file, round after round, checking every byte; each round is classed as
 * untraced or traced by {@code TracerPid} in /proc/self/status before and after it. The module
 * refuses a traced process's calls (EPERM) and the engine runs each refused call directly: nothing
 * may fail or come out wrong; while traced nearly every call is a fallback; once the tracer has
 * gone, calls go to the module again (KmodEngine.Answers decides per call), so the fallback share
 * drops back. Prints {@code attach} when the script should attach the tracer and {@code detach}
 * when it should detach it; exits 0 if all held, 1 otherwise (saying why). The one log line about
 * the refusal is checked by the script (standard error).
 */
public final class TracerAttachProbe {
    private TracerAttachProbe() {}

    private static final int ROUNDS_PER_PHASE = 3;

    /** Per-phase totals: rounds, calls and fallbacks of the engine during them. */
    private static final class Phase {
        int rounds;
        long calls;
        long fallbacks;

        synchronized void add(long c, long f) {
            rounds++;
            calls += c;
            fallbacks += f;
        }

        synchronized int rounds() {
            return rounds;
        }

        synchronized double share() {
            return calls == 0 ? 0 : (double) fallbacks / calls;
        }

        @Override
        public synchronized String toString() {
            return rounds + " rounds, " + calls + " calls, " + fallbacks + " fallbacks (" + String.format("%.2f", share()) + ")";
        }
    }

    private static volatile boolean stop;

    public static void main(String[] args) throws Exception {
        long timeoutSeconds = args.length > 0 ? Long.parseLong(args[0]) : 600;
        // "dry-run": any engine, no check of the fallback shares (to try the script's steps on a host)
        boolean dryRun = args.length > 1 && args[1].equals("dry-run");
        Path dir = Files.createTempDirectory("tracer-probe");
        SyscallEngine engine = Engines.shared();
        if (!engine.name().equals("kmod") && !dryRun) {
            System.out.println("FAIL: not on the kmod engine: " + engine.name() + " (" + Engines.sharedReason() + ")");
            System.exit(1);
        }
        EngineStats stats = engine.stats();
        byte[] fileData = new byte[64 << 10];
        for (int i = 0; i < fileData.length; i++) {
            fileData[i] = (byte) (i * 7 + 3);
        }
        Path file = dir.resolve("data.bin");
        Files.write(file, fileData);
        Phase before = new Phase();
        Phase traced = new Phase();
        Phase after = new Phase();
        Phase mixed = new Phase();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Phase> untracedPhase = new AtomicReference<>(before);
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel client = SocketChannel.open(ss.getLocalAddress());
            SocketChannel server = ss.accept();
            Thread echo = new Thread(() -> echo(server, failure), "echo");
            echo.setDaemon(true);
            echo.start();
            Thread worker = new Thread(() -> {
                long round = 0;
                try {
                    while (!stop) {
                        boolean t0 = tracedNow();
                        long c0 = stats.getCalls();
                        long f0 = stats.getFallbacks();
                        round(client, file, fileData, round++);
                        long dc = stats.getCalls() - c0;
                        long df = stats.getFallbacks() - f0;
                        boolean t1 = tracedNow();
                        (t0 && t1 ? traced : !t0 && !t1 ? untracedPhase.get() : mixed).add(dc, df);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "worker");
            worker.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            Runnable status = () -> System.out.println("status: traced now " + tracedNowOrWhy() + "; before " + before
                    + "; traced " + traced + "; after " + after + "; mixed " + mixed + "; engine calls " + stats.getCalls()
                    + ", fallbacks " + stats.getFallbacks());
            Runnable dump = () -> dump(engine, status);
            await(() -> before.rounds() >= ROUNDS_PER_PHASE, deadline, failure, "untraced rounds before the tracer", status, dump);
            System.out.println("attach " + ProcessHandle.current().pid());
            await(() -> traced.rounds() >= ROUNDS_PER_PHASE, deadline, failure, "traced rounds (is strace attached?)", status, dump);
            untracedPhase.set(after);
            System.out.println("detach");
            await(() -> after.rounds() >= ROUNDS_PER_PHASE, deadline, failure, "untraced rounds after the tracer left", status, dump);
            stop = true;
            worker.join(TimeUnit.SECONDS.toMillis(60));
            client.close();
            server.close();
        }
        System.out.println("before: " + before);
        System.out.println("traced: " + traced);
        System.out.println("after:  " + after);
        System.out.println("mixed:  " + mixed);
        if (failure.get() != null) {
            System.out.println("FAIL: " + failure.get());
            failure.get().printStackTrace(System.out);
            System.exit(1);
        }
        if (dryRun) {
            System.out.println("tracer-probe: dry run on " + engine.name() + ", shares not checked");
            return;
        }
        // traced: every call the module would have run was refused and ran directly
        check(traced.share() > 0.9, "while traced, nearly every call is a fallback");
        // after: the module runs calls again, as before the tracer came
        check(after.share() < 0.9 && after.share() <= before.share() + 0.2,
                "after the tracer left, calls go to the module again (fallback share as before)");
        System.out.println("tracer-probe: OK");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAIL: " + what);
            System.exit(1);
        }
        System.out.println("ok: " + what);
    }

    /** One round: 16 KiB echoed over the socket pair, the file read whole; every byte checked. */
    private static void round(SocketChannel client, Path file, byte[] fileData, long round) throws Exception {
        byte[] out = new byte[16 << 10];
        Arrays.fill(out, (byte) round);
        out[0] = (byte) (round >> 8);
        ByteBuffer w = ByteBuffer.wrap(out);
        while (w.hasRemaining()) {
            client.write(w);
        }
        ByteBuffer in = ByteBuffer.allocate(out.length);
        while (in.hasRemaining()) {
            if (client.read(in) < 0) {
                throw new IllegalStateException("echo ended early in round " + round);
            }
        }
        if (!Arrays.equals(out, in.array())) {
            throw new IllegalStateException("echoed bytes differ in round " + round);
        }
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocateDirect(fileData.length);
            while (b.hasRemaining() && fc.read(b) >= 0) {
                // reads until full
            }
            byte[] got = new byte[fileData.length];
            b.flip().get(got);
            if (!Arrays.equals(fileData, got)) {
                throw new IllegalStateException("file bytes differ in round " + round);
            }
        }
    }

    private static void echo(SocketChannel s, AtomicReference<Throwable> failure) {
        ByteBuffer b = ByteBuffer.allocateDirect(8 << 10);
        try {
            while (s.read(b) >= 0) {
                b.flip();
                while (b.hasRemaining()) {
                    s.write(b);
                }
                b.clear();
            }
        } catch (Throwable t) {
            if (!stop) {
                failure.compareAndSet(null, t);
            }
        }
    }

    /** Whether a tracer is attached: TracerPid in /proc/self/status. */
    private static boolean tracedNow() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("TracerPid:")) {
                return !line.substring(10).trim().equals("0");
            }
        }
        throw new IllegalStateException("no TracerPid in /proc/self/status");
    }

    private static String tracedNowOrWhy() {
        try {
            return Boolean.toString(tracedNow());
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }

    /** What a diagnosis needs when the probe makes no progress: the state, every thread, the engine. */
    private static void dump(SyscallEngine engine, Runnable status) {
        status.run();
        for (java.lang.management.ThreadInfo t : java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            StringBuilder b = new StringBuilder("thread \"" + t.getThreadName() + "\" " + t.getThreadState());
            if (t.getLockName() != null) {
                b.append(" on ").append(t.getLockName());
            }
            for (StackTraceElement e : t.getStackTrace()) {
                b.append("\n\tat ").append(e);
            }
            System.out.println(b);
        }
        if (engine instanceof KmodEngine k) {
            System.out.println(k.describe());
        }
    }

    /**
     * Polls {@code done} until the deadline (then dumps the state and exits 1), printing the
     * state every 30 s so that a slow run and a stuck one can be told apart.
     */
    private static void await(java.util.function.BooleanSupplier done, long deadline, AtomicReference<Throwable> failure,
            String what, Runnable status, Runnable dump) throws InterruptedException {
        long nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            if (failure.get() != null) {
                return; // reported after the wait
            }
            long now = System.nanoTime();
            if (now - deadline > 0) {
                System.out.println("FAIL: timed out waiting for " + what);
                dump.run();
                System.exit(1);
            }
            if (now - nextStatus > 0) {
                status.run();
                nextStatus = now + TimeUnit.SECONDS.toNanos(30);
            }
            Thread.sleep(50); // polling the worker's counters, with a deadline
        }
    }
}
