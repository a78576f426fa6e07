package io.flexsc.bench.soak;

import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.net.FlexSelectorProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A soak of the network provider (not run in CI; see bench/soak/run.sh): an echo server on our
 * provider, on whichever engine {@code -Dflexsc.engine} (and {@code -Dflexsc.uring.adaptive=false}
 * for the forced ring) selects, under 1,000 connections from the JDK's provider: random slow
 * readers, abrupt closes (RST via SO_LINGER 0), half-closes, clients in a child JVM killed with
 * {@code destroyForcibly} every few seconds, and a thread forcing garbage collections.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.flexsc.bench.soak.Soak [duration, e.g. 10m or 60s] [connections]
 * </pre>
 * It checks that no echoed byte is corrupted or lost (each connection's bytes are a function of its
 * seed and offset), that nothing hangs (a watchdog dumps every thread and exits 2 when nothing moves
 * for 30 s, or when connections stall), and that the descriptor count (/proc/self/fd) and the RSS
 * stay flat, and prints a short summary. Exit status: 0 passed, 1 a check failed, 2 a hang.
 */
public final class Soak {
    private Soak() {}

    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args);
            return;
        }
        long durationNanos = args.length > 0 ? parseDuration(args[0]) : TimeUnit.MINUTES.toNanos(10);
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int childConnections = Math.max(1, connections / 50);
        Counters k = new Counters();
        String engine = Engines.shared().name() + " (" + Engines.sharedReason() + ")"
                + (System.getProperty("flexsc.uring.adaptive") != null ? " adaptive=" + System.getProperty("flexsc.uring.adaptive") : "");
        System.out.println("soak: engine " + engine + ", " + connections + " connections (" + childConnections
                + " of them in a child JVM killed every few seconds), " + TimeUnit.NANOSECONDS.toSeconds(durationNanos) + " s");

        long fdsBefore = fds();
        EchoServer server = new EchoServer(new FlexSelectorProvider(), 2, k);
        InetSocketAddress addr = server.address();
        ClientLoop[] clients = new ClientLoop[2];
        int inProcess = connections - childConnections;
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new ClientLoop(jdk(), addr, inProcess / clients.length + (i == 0 ? inProcess % clients.length : 0),
                    42 + i, k, "soak-client-" + i);
        }
        long fdsSetUp = fds();
        Thread gc = new Thread(() -> gcStress(k), "soak-gc");
        gc.setDaemon(true);
        Watchdog dog = new Watchdog(k, clients);
        dog.start();
        // the child JVM goes with this one however it ends: exit (hook), the watchdog's halt (the
        // watchdog kills it first), or a kill of this JVM (the child sees its stdin close)
        Runtime.getRuntime().addShutdownHook(new Thread(dog::killChild, "soak-kill-child"));
        long start = System.nanoTime();
        for (ClientLoop c : clients) {
            c.thread.start();
        }
        gc.start();

        Random rnd = new Random(7);
        List<long[]> samples = new ArrayList<>(); // {elapsed ms, fds, rss KiB}
        Process child = null;
        long childDeadline = 0;
        long nextSample = 0;
        long nextReport = start + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - start < durationNanos) {
            long now = System.nanoTime();
            if (child == null || now >= childDeadline) {
                if (child != null) {
                    child.destroyForcibly();
                    child.waitFor(10, TimeUnit.SECONDS);
                    k.childKills.increment();
                }
                child = startChild(addr, childConnections, rnd.nextLong());
                dog.child = child;
                childDeadline = now + TimeUnit.MILLISECONDS.toNanos(2000 + rnd.nextInt(6000));
            }
            if (now >= nextSample) {
                samples.add(new long[] {TimeUnit.NANOSECONDS.toMillis(now - start), fds(), rssKib()});
                nextSample = now + Math.max(TimeUnit.SECONDS.toNanos(1), durationNanos / 120);
            }
            if (now >= nextReport) {
                report(k, server, clients, now - start, samples.get(samples.size() - 1));
                nextReport = now + TimeUnit.SECONDS.toNanos(30);
            }
            Thread.sleep(100); // the orchestrator's pace; nothing waits on it
        }

        // drain: no new connections, the open ones run to their end, the child is killed
        for (ClientLoop c : clients) {
            c.drain();
        }
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
        k.childKills.increment();
        for (ClientLoop c : clients) {
            c.thread.join(TimeUnit.SECONDS.toMillis(300)); // the watchdog ends a hang long before
        }
        long serverDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.open.get() > 0 && System.nanoTime() < serverDeadline) {
            Thread.sleep(50); // polling the server's count of open connections, bounded
        }
        dog.stop();
        int serverOpen = server.open.get();
        long fdsDrained = fds();
        server.close();
        long fdsAfter = fds();
        long elapsed = System.nanoTime() - start;

        List<String> problems = new ArrayList<>(k.failures);
        if (k.corruptBytes.sum() > 0) {
            problems.add(k.corruptBytes.sum() + " corrupted bytes");
        }
        if (k.lostBytes.sum() > 0) {
            problems.add(k.lostBytes.sum() + " lost bytes");
        }
        if (serverOpen != 0) {
            problems.add("the server still holds " + serverOpen + " connections after every client ended");
        }
        // every connection gone: back to the descriptors of the set-up (a little slack for the JVM's own)
        if (fdsDrained > fdsSetUp + 8) {
            problems.add("descriptors: " + fdsSetUp + " after set-up, " + fdsDrained + " once every connection ended");
        }
        if (fdsAfter > fdsBefore + 8) {
            problems.add("descriptors: " + fdsBefore + " before the server, " + fdsAfter + " after it closed");
        }
        String fdTrend = trend(samples, 1);
        String rssTrend = trend(samples, 2);
        if (fdTrend.startsWith("GROWING")) {
            problems.add("descriptor count grows: " + fdTrend);
        }
        if (rssTrend.startsWith("GROWING")) {
            problems.add("RSS grows: " + rssTrend);
        }
        System.out.println();
        System.out.println("== soak summary: engine " + engine);
        System.out.printf(Locale.ROOT, "duration %d s; connections opened %d (+%d accepted from the killed child JVMs), completed %d "
                + "(%d by half-close), reset by the client %d, slow-reader spells %d, child JVMs killed %d, forced GCs %d%n",
                TimeUnit.NANOSECONDS.toSeconds(elapsed), k.opened.sum(), k.serverAccepted.sum() - k.opened.sum(),
                k.completed.sum(), k.halfClosed.sum(), k.resets.sum(), k.slowSpells.sum(), k.childKills.sum(), k.gcs.sum());
        System.out.printf(Locale.ROOT, "bytes sent %d, echoed and verified %d, corrupted %d, lost %d; server: closed %d, errors (resets, kills) %d%n",
                k.bytesSent.sum(), k.bytesVerified.sum(), k.corruptBytes.sum(), k.lostBytes.sum(), k.serverClosed.sum(), k.serverErrors.sum());
        var st = Engines.shared().stats();
        System.out.printf(Locale.ROOT, "engine %s: calls %d, batches %d, fallbacks (run on the caller's thread) %d%n",
                st.getEngine(), st.getCalls(), st.getBatches(), st.getFallbacks());
        System.out.println("descriptors: " + fdsBefore + " before, " + fdsSetUp + " set up, " + fdsDrained + " drained, "
                + fdsAfter + " after; over the run " + fdTrend);
        System.out.println("RSS (KiB) over the run " + rssTrend);
        if (problems.isEmpty()) {
            System.out.println("RESULT: PASS");
            System.exit(0);
        }
        System.out.println("RESULT: FAIL");
        problems.forEach(p -> System.out.println("  " + p));
        System.exit(1);
    }

    /**
     * Child JVM: more clients, on the JDK's provider, until it is killed, or until its parent is
     * gone: its stdin is a pipe from the parent, which the kernel closes when the parent ends,
     * however it ends (a halt, kill -9), so the child never outlives the soak.
     */
    private static void child(String[] args) throws Exception {
        Thread orphan = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; end-of-file is its end
                }
            } catch (IOException e) {
                // the pipe broke: the parent is gone too
            }
            Runtime.getRuntime().halt(3);
        }, "soak-child-parent-watch");
        orphan.setDaemon(true);
        orphan.start();
        InetSocketAddress addr = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        ClientLoop c = new ClientLoop(jdk(), addr, Integer.parseInt(args[3]), Long.parseLong(args[4]), new Counters(), "soak-child");
        c.thread.setDaemon(false);
        c.thread.start();
        c.thread.join();
    }

    private static Process startChild(InetSocketAddress addr, int n, long seed) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Soak.class.getName(), "child", addr.getAddress().getHostAddress(), Integer.toString(addr.getPort()),
                Integer.toString(n), Long.toString(seed))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static SelectorProvider jdk() throws java.io.IOException {
        SelectorProvider p = SelectorProvider.provider();
        return p instanceof FlexSelectorProvider ? io.flexsc.nio.bench.net.PipelinedEcho.jdkProvider() : p;
    }

    private static void gcStress(Counters k) {
        List<byte[]> keep = new ArrayList<>();
        Random r = new Random(3);
        while (true) {
            for (int i = 0; i < 64; i++) {
                keep.add(new byte[1024 + r.nextInt(64 * 1024)]);
                if (keep.size() > 256) {
                    keep.remove(r.nextInt(keep.size()));
                }
            }
            System.gc();
            k.gcs.increment();
            try {
                Thread.sleep(200); // the stress's pace
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * "flat" or "GROWING" with figures: the largest value of the last third of the samples against
     * the largest of the middle third (the first third is the warm-up, while connections open and
     * the heap grows to its working size). Growing means more than 20% and, for RSS, 64 MiB more.
     */
    static String trend(List<long[]> samples, int col) {
        int n = samples.size();
        if (n < 6) {
            return "(too few samples: " + n + ")";
        }
        long mid = 0;
        long last = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < n; i++) {
            long v = samples.get(i)[col];
            min = Math.min(min, v);
            max = Math.max(max, v);
            if (i >= n / 3 && i < 2 * n / 3) {
                mid = Math.max(mid, v);
            } else if (i >= 2 * n / 3) {
                last = Math.max(last, v);
            }
        }
        long slack = col == 2 ? 64 * 1024 : 50;
        boolean growing = last > mid * 1.2 + slack;
        return (growing ? "GROWING" : "flat") + ": min " + min + ", max " + max + ", peak of the middle third " + mid
                + ", of the last third " + last + " (" + n + " samples)";
    }

    private static void report(Counters k, EchoServer server, ClientLoop[] clients, long elapsed, long[] sample) {
        int open = 0;
        for (ClientLoop c : clients) {
            open += c.open();
        }
        System.out.printf(Locale.ROOT, "%5d s: client connections %d, server %d, verified %d MiB, completed %d, resets %d, "
                + "kills %d, fds %d, rss %d MiB, failures %d%n", TimeUnit.NANOSECONDS.toSeconds(elapsed), open, server.open.get(),
                k.bytesVerified.sum() >> 20, k.completed.sum(), k.resets.sum(), k.childKills.sum(), sample[1], sample[2] >> 10,
                k.failures.size());
    }

    static long fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count() - 1; // the listing's own
        }
    }

    static long rssKib() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static long parseDuration(String s) {
        s = s.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return TimeUnit.MILLISECONDS.toNanos(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        char u = s.charAt(s.length() - 1);
        long v = Character.isDigit(u) ? Long.parseLong(s) : Long.parseLong(s.substring(0, s.length() - 1));
        return switch (u) {
            case 'h' -> TimeUnit.HOURS.toNanos(v);
            case 'm' -> TimeUnit.MINUTES.toNanos(v);
            default -> TimeUnit.SECONDS.toNanos(v);
        };
    }

    /** Ends the run with a thread dump when nothing moves for 30 s or a connection stalls for 60 s. */
    private static final class Watchdog {
        private final Counters k;
        private final ClientLoop[] clients;
        private final Thread thread;
        private volatile boolean stopped;
        /** The child JVM of clients now, killed before the watchdog halts this JVM. */
        volatile Process child;

        Watchdog(Counters k, ClientLoop[] clients) {
            this.k = k;
            this.clients = clients;
            this.thread = new Thread(this::watch, "soak-watchdog");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() {
            stopped = true;
        }

        private void watch() {
            long last = -1;
            long since = System.nanoTime();
            while (!stopped) {
                try {
                    Thread.sleep(1000); // the watchdog's period
                } catch (InterruptedException e) {
                    return;
                }
                long p = k.progress();
                long now = System.nanoTime();
                if (p != last) {
                    last = p;
                    since = now;
                }
                List<String> stalled = new ArrayList<>();
                for (ClientLoop c : clients) {
                    stalled.addAll(c.stalled(STALL_NANOS));
                }
                if (now - since > TimeUnit.SECONDS.toNanos(30) || !stalled.isEmpty()) {
                    System.out.println("HANG: " + (stalled.isEmpty() ? "nothing moved for 30 s"
                            : stalled.size() + " connections made no progress for 60 s, e.g. " + stalled.subList(0, Math.min(5, stalled.size()))));
                    System.out.println("failures so far: " + k.failures);
                    for (ClientLoop c : clients) {
                        List<String> open = c.describeOpen();
                        System.out.println(c.thread.getName() + ": " + open.size() + " open, e.g. "
                                + open.subList(0, Math.min(20, open.size())));
                    }
                    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                        System.out.print(full(t));
                    }
                    System.out.println("RESULT: FAIL (hang)");
                    killChild(); // halt runs no shutdown hook
                    Runtime.getRuntime().halt(2);
                }
            }
        }

        /** Kills the child JVM of clients, if one runs, and waits a bounded time for it to go. */
        void killChild() {
            Process c = child;
            if (c != null) {
                c.destroyForcibly();
                try {
                    c.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** ThreadInfo.toString() cuts stacks at 8 frames. */
        private static String full(ThreadInfo t) {
            StringBuilder b = new StringBuilder("\"" + t.getThreadName() + "\" " + t.getThreadState());
            if (t.getLockName() != null) {
                b.append(" on ").append(t.getLockName());
            }
            b.append('\n');
            for (StackTraceElement e : t.getStackTrace()) {
                b.append("\tat ").append(e).append('\n');
            }
            return b.append('\n').toString();
        }
    }
}
