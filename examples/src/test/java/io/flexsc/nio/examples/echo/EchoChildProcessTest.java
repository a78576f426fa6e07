package io.flexsc.nio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.examples.Children;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract the benchmark runner relies on, with server and client in child JVMs: the server on
 * Netty's NIO transport over the JDK's SelectorProvider (no provider on its class path) and over
 * flexsc-nio's (named with -D), LISTENING / stats / quit / SIGTERM, and the client's verified run and
 * JSON summary.
 */
@Timeout(120)
class EchoChildProcessTest {
    private static final PrintStream LOG = System.err;

    @TempDir
    Path tmp;

    private LoadClient.Result runClient(int port, String transport) throws Exception {
        Path json = tmp.resolve("client-" + transport + ".json");
        Children.Done d = Children.java(Children.jdkClassPath(), List.of(), LoadClient.class.getName(),
                List.of("--port", Integer.toString(port), "--connections", "8", "--size", "100", "--depth", "4",
                        "--duration", "2", "--warmup", "0.5", "--transport", transport, "--json", json.toString()), 60);
        assertEquals(0, d.status(), d::describe);
        assertTrue(d.out().contains("t=1s msgs/s="), d::describe);
        assertTrue(d.out().contains("summary: "), d::describe);
        String text = Files.readString(json, StandardCharsets.UTF_8);
        for (String key : List.of("messages", "seconds", "messagesPerSec", "bytesPerSec", "p50Us", "p90Us", "p99Us",
                "p999Us", "maxUs", "connections", "size", "depth", "errors")) {
            assertTrue(text.contains("\"" + key + "\":"), () -> "JSON lacks " + key + ": " + text);
        }
        LoadClient.Result r = EchoDemo.readJson(text);
        assertEquals(0, r.errors(), text);
        assertTrue(r.messages() > 0, text);
        assertEquals(8, r.connections());
        assertEquals(100, r.size());
        assertEquals(4, r.depth());
        assertTrue(r.p50Us() > 0 && r.p50Us() <= r.p99Us() && r.p99Us() <= r.maxUs(), text);
        return r;
    }

    @Test
    void nioTransportOnTheJdkProvider() throws Exception {
        try (ServerProcess s = ServerProcess.start(Children.jdkClassPath(), List.of(), List.of("--transport", "nio"), LOG, "[server] ")) {
            runClient(s.port(), "nio");
            Map<String, String> stats = s.stats();
            assertEquals("sun.nio.ch.EPollSelectorProvider", stats.get("provider"), stats::toString);
            assertEquals("none", stats.get("engine"), stats::toString);
            assertEquals("0", stats.get("calls"), stats::toString);
            assertTrue(Long.parseLong(stats.get("cpuNanos")) > 0, stats::toString);
            assertTrue(Long.parseLong(stats.get("rssPeakKiB")) >= Long.parseLong(stats.get("rssKiB")), stats::toString);
            assertTrue(Long.parseLong(stats.get("heapAfterGcBytes")) > 0, stats::toString);
            assertEquals(0, s.quit());
        }
    }

    @Test
    void nioTransportOnTheFlexscProviderStopsOnSigterm() throws Exception {
        try (ServerProcess s = ServerProcess.start(Children.flexClassPath(), Children.FLEX_SELECTOR_OPTS,
                List.of("--transport", "nio"), LOG, "[server] ")) {
            runClient(s.port(), "epoll");
            Map<String, String> stats = s.stats();
            assertEquals(Children.FLEX_SELECTOR, stats.get("provider"), stats::toString);
            assertNotEquals("none", stats.get("engine"), stats::toString);
            assertTrue(Long.parseLong(stats.get("calls")) > 0, stats::toString);
            assertTrue(Long.parseLong(stats.get("batches")) > 0, stats::toString);
            assertTrue(Double.parseDouble(stats.get("avgBatch")) >= 1.0, stats::toString);
            s.process().destroy(); // SIGTERM
            assertTrue(s.process().waitFor(30, TimeUnit.SECONDS), "no exit within 30 s of SIGTERM");
            assertEquals(0, s.process().exitValue());
        }
    }

    @Test
    void epollServerExitsAtTheEndOfItsInput() throws Exception {
        try (ServerProcess s = ServerProcess.start(Children.jdkClassPath(), List.of(), List.of("--transport", "epoll"), LOG, "[server] ")) {
            runClient(s.port(), "epoll");
            s.process().getOutputStream().close(); // EOF on the server's standard input
            assertTrue(s.process().waitFor(30, TimeUnit.SECONDS), "no exit within 30 s of the end of input");
            assertEquals(0, s.process().exitValue());
        }
    }

    @Test
    void clientReportsARefusedConnection() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        Children.Done d = Children.java(Children.jdkClassPath(), List.of(), LoadClient.class.getName(),
                List.of("--port", Integer.toString(port), "--duration", "1", "--warmup", "0", "--quiet"), 60);
        assertEquals(1, d.status(), d::describe);
        assertTrue(d.err().contains("cannot connect to 127.0.0.1:" + port), d::describe);
    }
}
