package io.flexsc.nio.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * A plain NIO file copy, with nothing flexsc-specific in it: it runs unchanged on the JDK's
 * file-system provider and on flexsc-nio's (drop-in jar on the class path and
 * {@code -Djava.nio.file.spi.DefaultFileSystemProvider=io.flexsc.nio.fs.FlexFileSystemProvider}).
 *
 * <pre>
 * FileCopy SRC DST      copy SRC to DST with FileChannel.transferTo, then compare the two files
 * FileCopy [--size N]   self-test: make an N-byte file (default 8 MiB, seeded, so the output is the
 *                       same on every run), copy it with FileChannel.transferTo and with Files.copy,
 *                       compare each copy with the original, delete the files
 * </pre>
 *
 * <p>Output: a {@code provider:} line naming the default file-system provider (the only line that
 * differs between the two providers), then one line per copy with its size and CRC-32. Exit status 0
 * when every copy matches, 1 otherwise, 2 on a usage error.
 */
public final class FileCopy {
    private FileCopy() {}

    public static void main(String[] args) throws IOException {
        System.out.println("provider: " + FileSystems.getDefault().provider().getClass().getName());
        boolean ok;
        if (args.length == 2 && !args[0].startsWith("--")) {
            ok = copyAndCheck("transferTo", Path.of(args[0]), Path.of(args[1]), false);
        } else if (args.length == 0 || (args.length == 2 && args[0].equals("--size"))) {
            long size = args.length == 0 ? 8L << 20 : Long.parseLong(args[1]);
            ok = selfTest(size);
        } else {
            System.err.println("usage: FileCopy SRC DST | FileCopy [--size N]");
            System.exit(2);
            return;
        }
        if (!ok) {
            System.exit(1);
        }
    }

    private static boolean selfTest(long size) throws IOException {
        Path dir = Files.createTempDirectory("filecopy");
        try {
            Path src = dir.resolve("source.bin");
            write(src, size);
            System.out.printf(Locale.ROOT, "source: %d bytes crc32=%08x%n", Files.size(src), crc(src));
            boolean a = copyAndCheck("transferTo", src, dir.resolve("copy-transferTo.bin"), false);
            boolean b = copyAndCheck("Files.copy", src, dir.resolve("copy-Files.copy.bin"), true);
            return a && b;
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** Writes {@code size} seeded pseudo-random bytes, in chunks through a FileChannel. */
    private static void write(Path file, long size) throws IOException {
        Random r = new Random(42);
        byte[] chunk = new byte[64 * 1024];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            for (long left = size; left > 0; ) {
                r.nextBytes(chunk);
                ByteBuffer b = ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, left));
                while (b.hasRemaining()) {
                    left -= ch.write(b);
                }
            }
        }
    }

    private static boolean copyAndCheck(String how, Path src, Path dst, boolean filesCopy) throws IOException {
        if (filesCopy) {
            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
        } else {
            try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(dst, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                         StandardOpenOption.WRITE)) {
                long size = in.size();
                for (long pos = 0; pos < size; ) {
                    long n = in.transferTo(pos, size - pos, out);
                    if (n <= 0) {
                        throw new IOException("transferTo made no progress at " + pos + " of " + size);
                    }
                    pos += n;
                }
            }
        }
        long mismatch = mismatch(src, dst);
        boolean same = mismatch < 0;
        System.out.printf(Locale.ROOT, "%s: %d bytes crc32=%08x %s%n", how, Files.size(dst), crc(dst),
                same ? "identical to the source" : "DIFFERS from the source at byte " + mismatch);
        return same;
    }

    /** The first offset at which the files differ, or -1 when they are the same. */
    static long mismatch(Path a, Path b) throws IOException {
        try (InputStream x = Files.newInputStream(a); InputStream y = Files.newInputStream(b)) {
            byte[] bx = new byte[64 * 1024];
            byte[] by = new byte[64 * 1024];
            long pos = 0;
            while (true) {
                int nx = x.readNBytes(bx, 0, bx.length);
                int ny = y.readNBytes(by, 0, by.length);
                int m = Arrays.mismatch(bx, 0, nx, by, 0, ny);
                if (m >= 0) {
                    return pos + m;
                }
                if (nx == 0) {
                    return -1;
                }
                pos += nx;
            }
        }
    }

    private static long crc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            while (ch.read(b) > 0) {
                b.flip();
                crc.update(b);
                b.clear();
            }
        }
        return crc.getValue();
    }
}
