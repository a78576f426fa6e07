package io.flexsc.nio;

import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;

/**
 * A child JVM's main: the start-up order of issue 17 ({@code UUID.randomUUID()} first, whose
 * {@code SecureRandom} initialises the JDK's security set-up, which reads {@code java.security}
 * through the file-system provider), then real I/O on the channels named in the arguments.
 *
 * <p>Arguments: a scratch directory, then any of {@code uuid file socket pipe selector streams tempfile maps}
 * in the order to run them. Prints {@code <op>=ok} or {@code <op>=<exception>}, the class of each
 * channel ({@code <op>.class=...}) and, at the end, {@code engine=<name>|none}. Uses java.base only.
 */
public final class StartupProbe {
    private StartupProbe() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        for (String op : Arrays.copyOfRange(args, 1, args.length)) {
            try {
                run(op, dir);
                System.out.println(op + "=ok");
            } catch (Throwable t) {
                System.out.println(op + "=" + t.getClass().getName() + ": " + t.getMessage());
                t.printStackTrace(System.out);
            }
        }
        SyscallEngine e = Engines.sharedIfStarted();
        System.out.println("engine=" + (e == null ? "none" : e.name()));
        System.out.flush();
    }

    private static void run(String op, Path dir) throws Exception {
        switch (op) {
            case "uuid":
                UUID.randomUUID();
                break;
            case "file": {
                Path f = dir.resolve("file.txt");
                Files.write(f, "hello file".getBytes(StandardCharsets.UTF_8));
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                    System.out.println("file.class=" + ch.getClass().getName());
                    ByteBuffer b = ByteBuffer.allocate(64);
                    ch.read(b);
                    expect("hello file", new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
                }
                break;
            }
            case "streams": {
                Path f = dir.resolve("streams.txt");
                try (OutputStream out = Files.newOutputStream(f)) {
                    out.write("streamed".getBytes(StandardCharsets.UTF_8));
                }
                try (InputStream in = Files.newInputStream(f)) {
                    expect("streamed", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                break;
            }
            case "tempfile": {
                File t = File.createTempFile("probe", ".tmp", dir.toFile());
                expect(true, t.delete());
                Path d = Files.createTempDirectory(dir, "probe");
                Files.delete(d);
                break;
            }
            case "socket": {
                try (ServerSocketChannel ssc = ServerSocketChannel.open()) {
                    System.out.println("socket.class=" + ssc.getClass().getName());
                    ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    try (SocketChannel c = SocketChannel.open(ssc.getLocalAddress()); SocketChannel s = ssc.accept()) {
                        write(c, "ping");
                        expect("ping", read(s, 4));
                    }
                }
                break;
            }
            case "pipe": {
                Pipe p = Pipe.open();
                System.out.println("pipe.class=" + p.getClass().getName());
                try (Pipe.SinkChannel sink = p.sink(); Pipe.SourceChannel source = p.source()) {
                    write(sink, "through");
                    expect("through", read(source, 7));
                }
                break;
            }
            case "selector": {
                try (Selector sel = Selector.open(); ServerSocketChannel ssc = ServerSocketChannel.open()) {
                    System.out.println("selector.class=" + sel.getClass().getName());
                    Pipe p = Pipe.open();
                    try (Pipe.SinkChannel sink = p.sink(); Pipe.SourceChannel source = p.source()) {
                        source.configureBlocking(false);
                        source.register(sel, SelectionKey.OP_READ);
                        ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                        ssc.configureBlocking(false);
                        ssc.register(sel, SelectionKey.OP_ACCEPT);
                        write(sink, "x");
                        try (SocketChannel c = SocketChannel.open(ssc.getLocalAddress())) {
                            int ready = 0;
                            long deadline = System.nanoTime() + 10_000_000_000L;
                            while (ready < 2 && System.nanoTime() < deadline) {
                                sel.select(1000);
                                ready = sel.selectedKeys().size();
                            }
                            expect(2, ready);
                        }
                    }
                }
                break;
            }
            case "maps": // where jffi's native library was loaded from
                for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                    if (line.contains("jffi")) {
                        System.out.println("jffi.mapped=" + line.substring(line.indexOf('/')));
                    }
                }
                break;
            default:
                throw new IllegalArgumentException(op);
        }
    }

    private static void write(java.nio.channels.WritableByteChannel ch, String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static String read(java.nio.channels.ReadableByteChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                break;
            }
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private static void expect(Object want, Object got) {
        if (!want.equals(got)) {
            throw new AssertionError("expected " + want + ", got " + got);
        }
    }
}
