package io.flexsc.nio.net.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.EngineUnderTest;
import io.flexsc.nio.engine.TestEngines;
import io.flexsc.nio.net.FlexSelectorProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bytes that {@code write()} accepted reach the peer on every normal exit, as with the JDK's
 * provider: a child JVM makes 200 non-blocking writes of 100 bytes on its selector's thread
 * between two selects (where our channels queue them for the next select), then exits by
 * {@code System.exit(0)}, by the end of {@code main}, or writes them from a shutdown hook; the peer
 * here counts and checks every byte. Run on the JDK's provider and ours on every engine and the
 * forced ring, with a flush period long enough (200 ms) that only the exit can send the queue.
 *
 * <p>Mode "close": the child queues up to {@link #CLOSE_BYTES} on a socket with a small send buffer,
 * closes the channel (which returns at once, leaving to the drainer what the kernel has no room
 * for), and exits; the peer, with a small receive buffer, starts reading only once the child says it
 * has closed, so the bytes are still the drainer's at exit, and then reads slowly (1 KiB every
 * 10 ms); it must get every byte the child's writes accepted.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ExitFlushTest {
    /** Threads of their own for the helpers (the common pool may have one thread on a small machine). */
    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ExitFlushTest-helper");
        t.setDaemon(true);
        return t;
    });

    static final int WRITES = 200;
    static final int SIZE = 100;
    /** What the child of mode "close" tries to write: more than the small socket buffers hold, less than a write queue. */
    static final int CLOSE_BYTES = 60_000;

    static byte patternByte(long i) {
        return (byte) (i * 31 + (i >>> 8));
    }

    @Test
    void acceptedBytesReachThePeerOnEveryNormalExit() throws Exception {
        List<List<String>> configs = new ArrayList<>();
        configs.add(List.of()); // the JDK's provider
        for (EngineUnderTest e : TestEngines.available().toList()) { // every engine and the forced ring
            List<String> cfg = new ArrayList<>();
            cfg.add("-Djava.nio.channels.spi.SelectorProvider=" + FlexSelectorProvider.class.getName());
            cfg.addAll(e.jvmOptions());
            cfg.add("-Dflexsc.net.batch=true");
            configs.add(cfg);
        }
        List<String> failures = new ArrayList<>();
        for (String mode : new String[] {"exit", "main", "hook", "close"}) {
            for (List<String> cfg : configs) {
                // both write rules on our provider; "close" needs a queue the drainer holds at exit:
                // under "through" a write the kernel has no room for is queued only in part
                boolean ours = !cfg.isEmpty();
                String[] rules = !ours ? new String[] {null}
                        : mode.equals("close") ? new String[] {"queue"} : new String[] {"queue", "through"};
                for (String rule : rules) {
                    List<String> args = new ArrayList<>(cfg);
                    if (rule != null) {
                        args.add("-Dflexsc.net.writeRule=" + rule);
                    }
                    String r = run(mode, args);
                    if (!r.startsWith("ok")) {
                        failures.add(mode + " " + args + ": " + r);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Runs one child; "ok ..." when the peer got all bytes, intact, else what it got. */
    private static String run(String mode, List<String> jvmArgs) throws Exception {
        boolean closeMode = mode.equals("close");
        try (ServerSocket server = new ServerSocket()) {
            if (closeMode) {
                server.setReceiveBufferSize(4096); // the accepted socket's: the peer's kernel holds little
            }
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmArgs);
            cmd.add("-Dflexsc.net.flushDelayMicros=200000");
            if (closeMode) {
                // the peer reads slowly (see below): a bound that a loaded machine cannot outrun
                cmd.add("-Dflexsc.net.exitFlushMillis=30000");
            }
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Child.class.getName());
            cmd.add(Integer.toString(server.getLocalPort()));
            cmd.add(mode);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                StringBuilder sb = new StringBuilder();
                try (java.io.BufferedReader r = new java.io.BufferedReader(
                        new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        sb.append(line).append('\n');
                        if (line.startsWith("closed")) {
                            closed.countDown();
                        }
                    }
                } catch (IOException e) {
                    sb.append(e);
                }
                closed.countDown(); // the child ended without saying so: read what there is
                return sb.toString();
            }, POOL);
            server.setSoTimeout(60_000);
            long got = 0;
            long bad = 0;
            try (Socket s = server.accept()) {
                s.setSoTimeout(60_000);
                if (closeMode) {
                    // the bytes stay with the child's drainer until it has closed and is exiting
                    assertTrue(closed.await(60, TimeUnit.SECONDS), "the child did not close");
                }
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf, 0, closeMode ? 1024 : buf.length)) > 0) {
                    if (closeMode) {
                        // a slow reader (not synchronisation): about half a second for the drainer's
                        // bytes, far longer than a JVM takes to exit if nothing waits for them
                        Thread.sleep(10);
                    }
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != patternByte(got + i)) {
                            bad++;
                        }
                    }
                    got += n;
                }
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not exit");
            String text = out.get(10, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), text);
            if (!jvmArgs.isEmpty()) {
                assertTrue(text.contains("provider " + FlexSelectorProvider.class.getName()), "not our provider: " + text);
            }
            long expected = WRITES * SIZE;
            if (closeMode) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("accepted (\\d+)").matcher(text);
                assertTrue(m.find(), text);
                expected = Long.parseLong(m.group(1));
                if (!jvmArgs.isEmpty()) {
                    // ours: the test is about bytes the drainer holds at exit; it must hold some
                    java.util.regex.Matcher d = java.util.regex.Pattern.compile("drainer holds (\\d+)").matcher(text);
                    assertTrue(d.find() && Long.parseLong(d.group(1)) > 0, "no bytes with the drainer at exit: " + text);
                }
            } else {
                assertTrue(text.contains("accepted " + expected), "the child's writes were all accepted: " + text);
            }
            String what = "peer got " + got + " of " + expected + " bytes, " + bad + " wrong; child: " + text.trim();
            return got == expected && bad == 0 ? "ok " + what : what;
        }
    }

    /** The child JVM: connects, selects once, writes, exits as told. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[0]);
            String mode = args[1];
            Selector sel = Selector.open();
            SocketChannel ch = SocketChannel.open();
            if (mode.equals("close")) {
                ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4096);
            }
            ch.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            Runnable burst = () -> {
                try {
                    sel.selectNow();
                    long accepted = 0;
                    for (int w = 0; w < WRITES; w++) {
                        ByteBuffer b = ByteBuffer.allocate(SIZE);
                        for (int i = 0; i < SIZE; i++) {
                            b.put(i, patternByte(accepted + i));
                        }
                        accepted += ch.write(b);
                    }
                    System.out.println("provider " + sel.provider().getClass().getName() + " accepted " + accepted);
                    System.out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            switch (mode) {
                case "exit":
                    burst.run();
                    System.exit(0);
                    break;
                case "main":
                    burst.run();
                    return; // no thread of ours is left but daemons: the JVM exits
                case "close": {
                    sel.selectNow();
                    long accepted = 0;
                    while (accepted < CLOSE_BYTES) {
                        ByteBuffer b = ByteBuffer.allocate(SIZE);
                        for (int i = 0; i < SIZE; i++) {
                            b.put(i, patternByte(accepted + i));
                        }
                        int n = ch.write(b);
                        accepted += n;
                        if (n < SIZE) {
                            break; // neither the kernel nor a queue takes more
                        }
                    }
                    ch.close();
                    String held = sel.provider() instanceof FlexSelectorProvider ? " drainer holds " + Drainer.adoptedBytes() : "";
                    System.out.println("provider " + sel.provider().getClass().getName() + " accepted " + accepted + held);
                    System.out.println("closed");
                    System.out.flush();
                    System.exit(0);
                    break;
                }
                case "hook":
                    Runtime.getRuntime().addShutdownHook(new Thread(burst, "writer-hook"));
                    return;
                default:
                    throw new IllegalArgumentException(mode);
            }
        }
    }
}
