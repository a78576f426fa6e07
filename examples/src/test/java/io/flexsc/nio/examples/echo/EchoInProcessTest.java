package io.flexsc.nio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Server and client of the native transports in this JVM (they use no SelectorProvider). */
@Timeout(60)
class EchoInProcessTest {

    static LoadClient.Result load(int port, Transport transport, int size, int depth) throws InterruptedException {
        return LoadClient.run(new LoadClient.Settings("127.0.0.1", port, 4, size, depth, 0.7, 0.2, 1, transport, true), null);
    }

    private static void roundTrip(Transport t) throws Exception {
        assumeTrue(t.unavailabilityCause() == null, () -> t.label() + " not available here: " + t.unavailabilityCause());
        try (EchoServer s = EchoServer.start(t, "127.0.0.1", 0, 2)) {
            for (int[] sd : new int[][] {{1, 1}, {7, 3}, {4096, 8}}) {
                LoadClient.Result r = load(s.port(), t, sd[0], sd[1]);
                assertEquals(0, r.errors(), r::summary);
                assertTrue(r.messages() > 0, r::summary);
                assertEquals(sd[0], r.size());
            }
        }
    }

    @Test
    void epoll() throws Exception {
        roundTrip(Transport.EPOLL);
    }

    @Test
    void ioUring() throws Exception {
        roundTrip(Transport.IO_URING);
    }
}
