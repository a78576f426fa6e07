package io.flexsc.nio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.examples.Children;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Deliberately wrong echo servers (plain blocking sockets): the load client must fail, loudly. */
@Timeout(60)
class CorruptEchoTest {
    enum Fault { ALTER, DROP, DUPLICATE, CLOSE }

    /** Echoes faithfully, except at byte 1000 of each connection. */
    static final class BadServer implements AutoCloseable {
        final ServerSocket ss;
        final ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bad-echo");
            t.setDaemon(true);
            return t;
        });

        BadServer(Fault fault) throws IOException {
            ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            pool.execute(() -> {
                try {
                    while (true) {
                        Socket s = ss.accept();
                        pool.execute(() -> serve(s, fault));
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        private static void serve(Socket s, Fault fault) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                long pos = 0;
                int b;
                while ((b = in.read()) >= 0) {
                    if (pos++ == 1000) {
                        switch (fault) {
                            case ALTER:
                                out.write(b ^ 0x10);
                                break;
                            case DROP:
                                break;
                            case DUPLICATE:
                                out.write(b);
                                out.write(b);
                                break;
                            default:
                                return;
                        }
                    } else {
                        out.write(b);
                    }
                    if (in.available() == 0) {
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        int port() {
            return ss.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            ss.close();
            pool.shutdownNow();
        }
    }

    private static LoadClient.Result against(Fault f) throws Exception {
        try (BadServer s = new BadServer(f)) {
            return LoadClient.run(new LoadClient.Settings("127.0.0.1", s.port(), 2, 64, 4, 3.0, 0.2, 1,
                    Transport.defaultClient(), true), null);
        }
    }

    @Test
    void alteredByteIsAVerificationError() throws Exception {
        LoadClient.Result r = against(Fault.ALTER);
        assertTrue(r.errors() > 0, r::summary);
        assertTrue(r.error().contains("verification failed") && r.error().contains("byte 40"), r::summary);
        assertTrue(r.toJson().contains("\"errors\":" + r.errors()), r::toJson);
    }

    @Test
    void droppedByteIsAVerificationError() throws Exception {
        LoadClient.Result r = against(Fault.DROP);
        assertTrue(r.errors() > 0, r::summary);
        assertTrue(r.error().contains("verification failed"), r::summary);
    }

    @Test
    void duplicatedByteIsAVerificationError() throws Exception {
        LoadClient.Result r = against(Fault.DUPLICATE);
        assertTrue(r.errors() > 0, r::summary);
        assertTrue(r.error().contains("verification failed"), r::summary);
    }

    @Test
    void closedConnectionIsAnError() throws Exception {
        LoadClient.Result r = against(Fault.CLOSE);
        assertTrue(r.errors() > 0, r::summary);
        // closed (FIN) or reset (RST, or EPIPE on the next write): either way the run fails and says so
        assertTrue(r.error().contains("closed by the server") || r.error().matches("connection \\d+ failed: .*"), r::summary);
    }

    @Test
    void clientExitsWithStatus1OnCorruption() throws Exception {
        try (BadServer s = new BadServer(Fault.ALTER)) {
            Children.Done d = Children.java(Children.jdkClassPath(), List.of(), LoadClient.class.getName(),
                    List.of("--port", Integer.toString(s.port()), "--connections", "2", "--depth", "2",
                            "--duration", "5", "--warmup", "0"), 60);
            assertEquals(1, d.status(), d::describe);
            assertTrue(d.err().contains("FAILED: verification failed"), d::describe);
        }
    }
}
