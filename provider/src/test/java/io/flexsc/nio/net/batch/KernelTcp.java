package io.flexsc.nio.net.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the kernel says about a TCP socket of this process, from {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}: lets a test wait for a peer's bytes, FIN or reset to have arrived before
 * it looks, instead of sleeping.
 */
final class KernelTcp {
    private KernelTcp() {}

    static final int ESTABLISHED = 0x01;
    static final int CLOSE_WAIT = 0x08;

    /**
     * One socket's line.
     *
     * @param state the TCP state (e.g. {@link #CLOSE_WAIT} once the peer's FIN has arrived)
     * @param txQueue bytes sent and not yet acknowledged
     * @param rxQueue bytes received and not yet read
     */
    record Entry(int state, long txQueue, long rxQueue) {}

    /**
     * The connected socket with these ports, or null if the kernel lists none (a socket reset by its
     * peer is closed and unlisted).
     */
    static Entry find(int localPort, int remotePort) {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (java.nio.file.NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 5 || port(f[1]) != localPort || port(f[2]) != remotePort) {
                    continue;
                }
                String[] q = f[4].split(":");
                return new Entry(Integer.parseInt(f[3], 16), Long.parseLong(q[0], 16), Long.parseLong(q[1], 16));
            }
        }
        return null;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1).toUpperCase(Locale.ROOT), 16);
    }
}
