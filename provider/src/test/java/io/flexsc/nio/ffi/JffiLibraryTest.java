package io.flexsc.nio.ffi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.ChildJvm;
import io.flexsc.nio.StartupProbe;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jffi's native library is extracted by us, never by jffi's {@code File.createTempFile} (which needs
 * a {@code SecureRandom}, and fails inside the JDK's security set-up), and safely on a multi-user
 * machine: owner-only directories, a content-derived name, existing content verified.
 */
class JffiLibraryTest {
    @TempDir
    Path tmp;

    private static byte[] library() throws Exception {
        try (InputStream in = JffiLibrary.class.getClassLoader().getResourceAsStream(JffiLibrary.resourceName())) {
            assertNotNull(in, JffiLibrary.resourceName());
            return in.readAllBytes();
        }
    }

    private Path extractInto(Path base) throws Exception {
        String old = System.setProperty(JffiLibrary.DIR_PROPERTY, base.toString());
        try {
            return JffiLibrary.extract();
        } finally {
            if (old == null) {
                System.clearProperty(JffiLibrary.DIR_PROPERTY);
            } else {
                System.setProperty(JffiLibrary.DIR_PROPERTY, old);
            }
        }
    }

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static Path libIn(Path dir) {
        return dir.resolve(JffiLibrary.resourceName().substring(JffiLibrary.resourceName().lastIndexOf('/') + 1));
    }

    @Test
    void extractsOwnerOnlyWithTheLibrarysBytesUnderAContentName() throws Exception {
        Path base = tmp.resolve("native");
        Path dir = extractInto(base);
        assertEquals(base, dir.getParent());
        assertEquals("rwx------", perms(base));
        assertEquals("rwx------", perms(dir));
        assertEquals("rw-------", perms(libIn(dir)));
        assertArrayEquals(library(), Files.readAllBytes(libIn(dir)));
        assertTrue(dir.getFileName().toString().endsWith("-" + library().length), dir.toString());
        assertEquals(dir, extractInto(base), "the same content, the same place");
    }

    @Test
    void aFileAlreadyThereWithOtherBytesIsReplaced() throws Exception {
        Path base = tmp.resolve("native");
        Path dir = extractInto(base);
        Files.write(libIn(dir), new byte[] {1, 2, 3});
        assertEquals(dir, extractInto(base));
        assertArrayEquals(library(), Files.readAllBytes(libIn(dir)));
    }

    @Test
    void aDirectoryOthersCanUseOrALinkIsNotUsed() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path dir = extractInto(open);
        assertNotEquals(open, dir.getParent());
        assertTrue(dir.getParent().getFileName().toString().startsWith("open-"), dir.toString());
        assertEquals("rwx------", perms(dir.getParent()));
        assertArrayEquals(library(), Files.readAllBytes(libIn(dir)));

        Path target = Files.createDirectory(tmp.resolve("target"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        Path viaLink = extractInto(link);
        assertNotEquals(link, viaLink.getParent());
        assertTrue(Files.list(target).findAny().isEmpty(), "nothing written through the link");
    }

    /** In a child JVM with both providers, the library the JVM maps is our extracted copy. */
    @Test
    void theJvmLoadsTheExtractedCopy() throws Exception {
        Path base = tmp.resolve("child-native");
        ChildJvm.Result r = ChildJvm.run("this", tmp.resolve("child"), List.of(ChildJvm.FILE_PROVIDER,
                ChildJvm.SELECTOR_PROVIDER, "-Dflexsc.engine=direct", "-D" + JffiLibrary.DIR_PROPERTY + "=" + base),
                StartupProbe.class.getName(), tmp.resolve("child").toString(), "uuid", "socket", "file", "maps");
        Supplier<String> all = r::toString;
        assertEquals("ok", r.get("maps"), all);
        String mapped = r.get("jffi.mapped");
        assertNotNull(mapped, all);
        assertTrue(mapped.startsWith(base + "/"), "jffi loaded " + mapped + ", not the copy under " + base);
    }
}
