package io.flexsc.bench.compare;

import java.util.List;

/**
 * How one echo server is run.
 *
 * @param name e.g. {@code jdk-nio}, {@code flexsc-uring}, {@code netty-epoll}
 * @param transport the server's {@code --transport}
 * @param dropIn whether the drop-in jar goes first on the server's class path (it installs our
 *     SelectorProvider through its services file)
 * @param properties extra {@code -D} flags of the server JVM (e.g. {@code -Dflexsc.engine=uring})
 * @param skipReason why this variant cannot run on this machine, or null
 */
public record Variant(String name, String transport, boolean dropIn, List<String> properties, String skipReason) {

    /** Every variant, those this machine cannot run with their reason. */
    public static List<Variant> all(boolean kmodPresent) {
        return List.of(
                new Variant("jdk-nio", "nio", false, List.of(), null),
                new Variant("flexsc-direct", "nio", true, List.of("-Dflexsc.engine=direct"), null),
                new Variant("flexsc-uring", "nio", true, List.of("-Dflexsc.engine=uring"), null),
                new Variant("flexsc-kmod", "nio", true, List.of("-Dflexsc.engine=kmod"),
                        kmodPresent ? null : "/dev/flexsc is absent (the FlexSC kernel module is not loaded on this host)"),
                new Variant("netty-epoll", "epoll", false, List.of(), null),
                new Variant("netty-io_uring", "io_uring", false, List.of(), null));
    }
}
