package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JDK's jdk.httpserver and java.net.http.HttpClient, unmodified, on our provider (installed by
 * the services file on the test class path): 1,000 requests with bodies, each answered with a
 * digest of what the server received.
 */
class HttpOnFlexTest {
    @Test
    void thousandRequestsBetweenJdkHttpServerAndHttpClient() throws Exception {
        assertInstanceOf(FlexSelectorProvider.class, SelectorProvider.provider());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        server.setExecutor(pool);
        server.createContext("/echo", ex -> {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String reply;
            try {
                reply = ex.getRequestURI().getQuery() + ":" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
            byte[] out = reply.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            int port = server.getAddress().getPort();
            List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < 1000; i++) {
                byte[] body = new byte[(i * 7919) % 20_000];
                for (int j = 0; j < body.length; j++) {
                    body[j] = (byte) (i + j * 31);
                }
                expected.add("n=" + i + ":" + HexFormat.of().formatHex(md.digest(body)));
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo?n=" + i))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                futures.add(client.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
                if (futures.size() % 50 == 0) {
                    CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                HttpResponse<String> r = futures.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertEquals(expected.get(i), r.body());
            }
        } finally {
            server.stop(0);
            pool.shutdownNow();
        }
    }
}
