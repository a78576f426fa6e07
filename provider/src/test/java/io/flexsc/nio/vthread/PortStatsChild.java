package io.flexsc.nio.vthread;

import io.flexsc.nio.engine.EngineStatsRegistry;
import io.flexsc.nio.fs.FlexFileSystemProvider;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A child JVM for {@link UringPortStatsTest}: a virtual thread makes a known number of positional
 * reads through our file channel (posted to the uring engine's port), then the child prints the
 * port's MBean attributes ({@code key=value} lines) and exits, so that {@code -Dflexsc.stats=true}
 * prints the summary. Arguments: a scratch directory, the number of reads.
 */
public final class PortStatsChild {
    private PortStatsChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        Path f = Files.createTempFile(dir, "port-stats", ".bin");
        Files.write(f, new byte[n * 4096]);
        FileSystem fs = new FlexFileSystemProvider(FileSystems.getDefault().provider()).getFileSystem(URI.create("file:///"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (FileChannel ch = FileChannel.open(fs.getPath(f.toString()), StandardOpenOption.READ)) {
            Thread t = VThreads.start(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        if (ch.read(ByteBuffer.allocate(4096), i * 4096L) != 4096) {
                            throw new AssertionError("short read " + i);
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.join();
        }
        if (failure.get() != null) {
            failure.get().printStackTrace();
            System.exit(3);
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = EngineStatsRegistry.portObjectName("uring-port");
        System.out.println("registered=" + server.isRegistered(name));
        // what a query of the engines finds: the engine, not the port
        System.out.println("engines=" + server.queryNames(new ObjectName("io.flexsc.nio:type=Engine,*"), null).stream()
                .map(o -> o.getKeyProperty("name")).sorted().collect(java.util.stream.Collectors.joining(";")));
        for (String a : new String[] {"Calls", "Polls", "Batches", "Completions", "ReaperWakeups", "BatchSizeHistogram"}) {
            System.out.println(a + "=" + server.getAttribute(name, a));
        }
        Files.delete(f);
    }
}
