package io.flexsc.nio.ffi;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves open a descriptor it did not find open ({@code /proc/self/fd}), and
 * names what the new descriptors point to. A short settle loop allows for a descriptor the JVM
 * closes asynchronously.
 */
final class FdLeakCheck implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FdLeakCheck.class);

    static {
        // The JDK opens a few descriptors for the JVM's lifetime on first use of its channels (the
        // dispatcher's pre-close socket, for one) and of SecureRandom; open them now, before
        // anything is counted.
        try (java.nio.channels.SocketChannel s = java.nio.channels.SocketChannel.open();
             java.nio.channels.DatagramChannel d = java.nio.channels.DatagramChannel.open()) {
            java.nio.channels.Pipe p = java.nio.channels.Pipe.open();
            p.source().close();
            p.sink().close();
            s.configureBlocking(false);
            // SecureRandom's NativePRNG keeps /dev/random and /dev/urandom open from its first use
            new java.security.SecureRandom().nextBytes(new byte[1]);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final String SELF_FD_DIR = "/proc/" + ProcessHandle.current().pid() + "/fd";

    static int openFds() {
        return snapshot().size();
    }

    static Map<Integer, String> snapshot() {
        Map<Integer, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    return; // the descriptor Files.list itself used, gone by now
                }
                if (!target.equals(SELF_FD_DIR)) { // the listing's own descriptor
                    m.put(Integer.parseInt(p.getFileName().toString()), target);
                }
            });
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return m;
    }

    @Override
    public void beforeEach(ExtensionContext ctx) {
        ctx.getStore(NS).put("fds", snapshot());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterEach(ExtensionContext ctx) throws InterruptedException {
        Map<Integer, String> before = ctx.getStore(NS).get("fds", Map.class);
        Map<Integer, String> leaked = null;
        for (int i = 0; i < 20; i++) {
            Map<Integer, String> after = snapshot();
            after.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
            leaked = after;
            if (leaked.isEmpty()) {
                return;
            }
            Thread.sleep(10);
        }
        fail("descriptors leaked by " + ctx.getDisplayName() + ": " + leaked);
    }
}
