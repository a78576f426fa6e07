package io.flexsc.nio.fs;

import static io.flexsc.nio.fs.FsTestSupport.flex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.Engines;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files.copy through our provider against the JDK's, case by case, in two identical trees. */
class FileCopyTest {
    @TempDir
    Path dir;

    private void tree(Path root) throws Exception {
        Files.createDirectories(root.resolve("sub/full"));
        byte[] data = new byte[(5 << 20) + 3];
        new Random(11).nextBytes(data);
        Files.write(root.resolve("big.bin"), data);
        Files.writeString(root.resolve("small.txt"), "small");
        Files.setPosixFilePermissions(root.resolve("small.txt"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(root.resolve("sub/full/x"), "x");
        Files.writeString(root.resolve("existing"), "old");
        Files.createSymbolicLink(root.resolve("link"), root.resolve("small.txt").getFileName());
        Files.createDirectory(root.resolve("emptydir"));
    }

    private interface Copy {
        void run(Path root) throws Exception;
    }

    private static String outcome(Copy c, Path root) {
        try {
            c.run(root);
            return "ok";
        } catch (Exception e) {
            return e.getClass().getName() + ": " + String.valueOf(e.getMessage()).replace(root.toString(), "ROOT");
        }
    }

    private void same(Path jdkRoot, Path ourRoot, String src, String dst, CopyOption... opts) throws Exception {
        String a = outcome(r -> Files.copy(r.resolve(src), r.resolve(dst), opts), jdkRoot);
        String b = outcome(r -> Files.copy(r.resolve(src), r.resolve(dst), opts), flex(ourRoot));
        assertEquals(a, b, src + " -> " + dst);
        Path ja = jdkRoot.resolve(dst);
        Path ob = ourRoot.resolve(dst);
        assertEquals(Files.exists(ja, LinkOption.NOFOLLOW_LINKS), Files.exists(ob, LinkOption.NOFOLLOW_LINKS));
        if (Files.isRegularFile(ja, LinkOption.NOFOLLOW_LINKS)) {
            assertArrayEquals(Files.readAllBytes(ja), Files.readAllBytes(ob));
            assertEquals(Files.getPosixFilePermissions(ja), Files.getPosixFilePermissions(ob));
        }
        assertEquals(Files.isSymbolicLink(ja), Files.isSymbolicLink(ob));
        assertEquals(Files.isDirectory(ja), Files.isDirectory(ob));
    }

    @Test
    void copiesMatchTheJdk() throws Exception {
        Path j = Files.createDirectory(dir.resolve("jdk"));
        Path o = Files.createDirectory(dir.resolve("ours"));
        tree(j);
        tree(o);
        long before = Engines.shared().stats().getCalls();
        same(j, o, "big.bin", "big.copy");
        assertTrue(Engines.shared().stats().getCalls() > before, "the engine carried the copy");
        same(j, o, "small.txt", "small.copy");
        same(j, o, "small.txt", "existing");
        same(j, o, "small.txt", "existing", StandardCopyOption.REPLACE_EXISTING);
        same(j, o, "small.txt", "sub", StandardCopyOption.REPLACE_EXISTING);
        same(j, o, "small.txt", "emptydir", StandardCopyOption.REPLACE_EXISTING);
        same(j, o, "small.txt", "small.txt");
        same(j, o, "missing", "m2");
        same(j, o, "small.txt", "no/parent");
        same(j, o, "link", "link.follow");
        same(j, o, "link", "link.nofollow", LinkOption.NOFOLLOW_LINKS);
        same(j, o, "sub", "sub.copy");
        same(j, o, "big.bin", "attrs.copy", StandardCopyOption.COPY_ATTRIBUTES);
        same(j, o, "big.bin", "atomic.copy", StandardCopyOption.ATOMIC_MOVE);
    }
}
