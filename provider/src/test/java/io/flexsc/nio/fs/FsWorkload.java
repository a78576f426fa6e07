package io.flexsc.nio.fs;

import io.flexsc.nio.engine.Engines;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A file workload run in a child JVM, with and without our provider as the default: creates a tree,
 * writes, copies, moves, walks, reads back and deletes, and prints a checksum of everything it read
 * and saw. Deterministic for a given seed, so both runs must print the same checksum.
 *
 * <p>Output lines: {@code provider=<class>}, {@code checksum=<hex>}, and with our provider
 * {@code engine=<name> calls=<n>}.
 */
public final class FsWorkload {
    private FsWorkload() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Random rnd = new Random(seed);
        // create a tree
        for (int d = 0; d < 4; d++) {
            Path dir = Files.createDirectories(root.resolve("d" + d).resolve("sub"));
            for (int i = 0; i < 5; i++) {
                byte[] data = new byte[rnd.nextInt(200_000)];
                rnd.nextBytes(data);
                Files.write(dir.resolve("f" + i + ".bin"), data);
            }
            Files.writeString(dir.resolve("note.txt"), "dir " + d + "\nline two\n");
        }
        // channel writes, positional and appending
        Path log = root.resolve("log.bin");
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < 1000; i++) {
                ch.write(ByteBuffer.wrap(("record " + i + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            ch.write(ByteBuffer.wrap(new byte[] {'X'}), 3);
        }
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
            out.write("appended\n".getBytes(StandardCharsets.UTF_8));
        }
        // copy and move
        Files.copy(root.resolve("d0/sub/f1.bin"), root.resolve("copy.bin"));
        Files.move(root.resolve("d1"), root.resolve("moved"));
        try (InputStream in = Files.newInputStream(root.resolve("d2/sub/f2.bin"))) {
            Files.copy(in, root.resolve("streamed.bin"));
        }
        try (FileChannel src = FileChannel.open(root.resolve("d3/sub/f3.bin"));
             FileChannel dst = FileChannel.open(root.resolve("transferred.bin"), StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.WRITE)) {
            long n = 0;
            while (n < src.size()) {
                n += src.transferTo(n, src.size() - n, dst);
            }
        }
        // walk and read back
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.sorted().collect(Collectors.toList());
        }
        for (Path p : files) {
            md.update(root.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
            if (Files.isRegularFile(p)) {
                md.update(Files.readAllBytes(p));
                md.update(Long.toString(Files.size(p)).getBytes(StandardCharsets.UTF_8));
            }
        }
        for (String line : Files.readAllLines(root.resolve("d0/sub/note.txt"))) {
            md.update(line.getBytes(StandardCharsets.UTF_8));
        }
        md.update(Boolean.toString(Files.isSameFile(root.resolve("moved"), root.resolve("moved/sub/..")))
                .getBytes(StandardCharsets.UTF_8));
        md.update(root.toUri().relativize(root.resolve("x/../y").normalize().toUri()).toString()
                .getBytes(StandardCharsets.UTF_8));
        md.update(root.relativize(root.toFile().toPath().resolve("z")).toString().getBytes(StandardCharsets.UTF_8));
        md.update(root.relativize(root.resolve("moved").toRealPath()).toString().getBytes(StandardCharsets.UTF_8));
        // delete
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
                if (!p.equals(root)) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> list = Files.list(root)) {
            md.update(Long.toString(list.count()).getBytes(StandardCharsets.UTF_8));
        }
        String provider = FileSystems.getDefault().provider().getClass().getName();
        System.out.println("provider=" + provider);
        System.out.println("pathclass=" + Path.of("a").getClass().getName());
        System.out.println("checksum=" + hex(md.digest()));
        if (provider.equals(FlexFileSystemProvider.class.getName()) && !FsEngine.fellBack()) {
            System.out.println("engine=" + Engines.shared().name() + " calls=" + Engines.shared().stats().getCalls());
        } else {
            System.out.println("engine=none");
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }
}
