package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.EngineUnderTest;
import io.flexsc.nio.engine.TestEngines;
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

    static byte patternByte(long i) {
        return (byte) (i * 31 + (i >>> 8));
    }

    @Test
    void acceptedBytesReachThePeerOnEveryNormalExit() throws Exception {
        List<List<String>> configs = new ArrayList<>();
        configs.add(List.of()); // the JDK's provider
        for (EngineUnderTest e : TestEngines.available().toList()) {
            configs.add(List.of("-Djava.nio.channels.spi.SelectorProvider=" + FlexSelectorProvider.class.getName(),
                    "-Dflexsc.engine=" + e.name(), "-Dflexsc.net.batch=true"));
            if (e.name().equals("uring")) {
                configs.add(List.of("-Djava.nio.channels.spi.SelectorProvider=" + FlexSelectorProvider.class.getName(),
                        "-Dflexsc.engine=uring", "-Dflexsc.uring.adaptive=false", "-Dflexsc.net.batch=true"));
            }
        }
        List<String> failures = new ArrayList<>();
        for (String mode : new String[] {"exit", "main", "hook"}) {
            for (List<String> cfg : configs) {
                String r = run(mode, cfg);
                if (!r.startsWith("ok")) {
                    failures.add(mode + " " + cfg + ": " + r);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Runs one child; "ok ..." when the peer got all bytes, intact, else what it got. */
    private static String run(String mode, List<String> jvmArgs) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmArgs);
            cmd.add("-Dflexsc.net.flushDelayMicros=200000");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Child.class.getName());
            cmd.add(Integer.toString(server.getLocalPort()));
            cmd.add(mode);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            }, POOL);
            server.setSoTimeout(60_000);
            long got = 0;
            long bad = 0;
            try (Socket s = server.accept()) {
                s.setSoTimeout(60_000);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
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
            assertTrue(text.contains("accepted " + WRITES * SIZE), "the child's writes were all accepted: " + text);
            String what = "peer got " + got + " of " + WRITES * SIZE + " bytes, " + bad + " wrong; child: " + text.trim();
            return got == WRITES * SIZE && bad == 0 ? "ok " + what : what;
        }
    }

    /** The child JVM: connects, selects once, writes, exits as told. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[0]);
            String mode = args[1];
            Selector sel = Selector.open();
            SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
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
                case "hook":
                    Runtime.getRuntime().addShutdownHook(new Thread(burst, "writer-hook"));
                    return;
                default:
                    throw new IllegalArgumentException(mode);
            }
        }
    }
}
