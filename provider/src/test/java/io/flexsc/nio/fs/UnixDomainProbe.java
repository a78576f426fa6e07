package io.flexsc.nio.fs;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Prints what the JDK does with Unix-domain addresses under the current default provider. */
public final class UnixDomainProbe {
    private UnixDomainProbe() {}

    public static void main(String[] args) {
        System.out.println("ofString=" + attempt(() -> UnixDomainSocketAddress.of("/tmp/flexsc-probe.sock")));
        System.out.println("ofPath=" + attempt(() -> UnixDomainSocketAddress.of(Path.of("/tmp/flexsc-probe.sock"))));
        System.out.println("open=" + attempt(() -> {
            SocketChannel.open(StandardProtocolFamily.UNIX).close();
            return "ok";
        }));
    }

    private interface Attempt {
        Object run() throws Exception;
    }

    private static String attempt(Attempt a) {
        try {
            a.run();
            return "ok";
        } catch (Exception | Error e) {
            return e.getClass().getSimpleName();
        }
    }
}
