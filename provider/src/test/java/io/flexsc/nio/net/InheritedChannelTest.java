package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexsc.nio.net.channels.FlexServerSocketChannel;
import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * System.inheritedChannel() on our provider: a child JVM started with a listening socket as its
 * standard input (as inetd would; python3 sets that up, as Java cannot) gets a server socket channel
 * of ours, bound to that socket's address.
 */
class InheritedChannelTest {
    /** The child: prints what System.inheritedChannel() gave. */
    public static void main(String[] args) throws IOException {
        Channel ch = System.inheritedChannel();
        if (ch instanceof ServerSocketChannel) {
            System.out.println("server " + ch.getClass().getName() + " " + ((ServerSocketChannel) ch).getLocalAddress());
        } else {
            System.out.println("other " + ch);
        }
    }

    @Test
    void listeningSocketOnStdinBecomesOurServerSocketChannel() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 starts the child with a socket on stdin");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = String.join("\n",
                "import socket, subprocess, sys",
                "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
                "s.bind(('127.0.0.1', 0)); s.listen(5)",
                "print('port', s.getsockname()[1], flush=True)",
                "p = subprocess.run(sys.argv[1:], stdin=s.fileno(), capture_output=True, text=True)",
                "print(p.stdout.strip()); print(p.stderr.strip(), file=sys.stderr); sys.exit(p.returncode)");
        Process p = new ProcessBuilder(List.of("/usr/bin/python3", "-c", script, java,
                "-Djava.nio.channels.spi.SelectorProvider=" + FlexSelectorProvider.class.getName(),
                "-cp", System.getProperty("java.class.path"), InheritedChannelTest.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String port = out.lines().filter(l -> l.startsWith("port ")).findFirst().orElseThrow().substring(5).trim();
        assertTrue(out.contains("server " + FlexServerSocketChannel.class.getName() + " /127.0.0.1:" + port), out);
    }
}
