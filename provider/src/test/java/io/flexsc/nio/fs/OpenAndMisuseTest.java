package io.flexsc.nio.fs;

import static io.flexsc.nio.fs.FsTestSupport.FS;
import static io.flexsc.nio.fs.FsTestSupport.flex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening with every option and misusing channels: our exceptions must be the JDK's, type and
 * message, for the same file.
 */
class OpenAndMisuseTest {
    @TempDir
    Path dir;

    private interface Action {
        Object run(Path p) throws Exception;
    }

    /** Runs the action on the built-in path and on ours (same file) and compares the outcomes. */
    private static String same(Path builtinPath, Action action) {
        String jdk = outcome(action, builtinPath);
        String ours = outcome(action, flex(builtinPath));
        assertEquals(jdk, ours);
        return ours;
    }

    private static String outcome(Action action, Path p) {
        try {
            Object r = action.run(p);
            if (r instanceof FileChannel) {
                ((FileChannel) r).close();
                return "channel";
            }
            return "= " + r;
        } catch (Exception e) {
            return "! " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static FileChannel open(Path p, OpenOption... o) throws IOException {
        return FileChannel.open(p, o);
    }

    @Test
    void nulInAPathIsRejectedAsByTheJdk() {
        InvalidPathException a = assertThrows(InvalidPathException.class, () -> Path.of("a\0b"));
        InvalidPathException b = assertThrows(InvalidPathException.class, () -> FS.getPath("a\0b"));
        assertEquals(a.getMessage(), b.getMessage());
    }

    @Test
    void openFailuresAreTheJdksExceptions() throws Exception {
        Path existing = Files.writeString(dir.resolve("exists.txt"), "x");
        Path missingParent = dir.resolve("no/such/file");
        Files.createDirectory(dir.resolve("adir"));
        Files.createSymbolicLink(dir.resolve("link"), existing);
        assertTrue(same(missingParent, p -> open(p)).contains(NoSuchFileException.class.getName()));
        same(missingParent, p -> open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        same(existing, p -> open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        same(dir.resolve("adir"), p -> open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        same(dir.resolve("adir"), p -> open(p, StandardOpenOption.WRITE));
        same(dir.resolve("."), p -> open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        same(dir.resolve("link"), p -> open(p, LinkOption.NOFOLLOW_LINKS));
        same(existing, p -> open(p, StandardOpenOption.READ, StandardOpenOption.APPEND));
        same(existing, p -> open(p, StandardOpenOption.APPEND, StandardOpenOption.TRUNCATE_EXISTING));
        same(existing, p -> open(p, new OpenOption() { @Override public String toString() { return "BOGUS"; } }));
        same(existing, p -> FileChannel.open(p, Set.of(StandardOpenOption.READ),
                new FileAttribute<Object>() {
                    @Override public String name() { return "dos:hidden"; }
                    @Override public Object value() { return true; }
                }));
        same(existing, p -> Files.newOutputStream(p, StandardOpenOption.READ));
        same(dir.resolve("adir"), p -> Files.readAllBytes(p));
        assertThrows(NullPointerException.class, () -> open(flex(existing), (OpenOption) null));
    }

    @Test
    void createNewWithPermissionsDeleteOnCloseAndSync() throws Exception {
        Path f = flex(dir.resolve("perm.bin"));
        try (FileChannel ch = FileChannel.open(f, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")))) {
            assertInstanceOf(FlexFileChannel.class, ch);
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));

        Path d = flex(dir.resolve("doc.bin"));
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE, StandardOpenOption.SYNC)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals(3, ch.size());
            ByteBuffer b = ByteBuffer.allocate(3);
            assertEquals(3, ch.read(b, 0));
            // mapped views of an unlinked file still work (through /proc/self/fd)
            assertEquals(2, ch.map(FileChannel.MapMode.READ_ONLY, 0, 3).get(1));
        }
        assertFalse(Files.exists(d));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.DSYNC,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            assertEquals(0, ch.size());
            ch.write(ByteBuffer.wrap(new byte[] {9}));
            ch.force(true);
            ch.force(false);
        }
        assertEquals(1, Files.size(f));
    }

    @Test
    void misuseOfAChannelThrowsTheJdksExceptions() throws Exception {
        Path f = Files.write(dir.resolve("m.bin"), new byte[] {1, 2, 3});
        for (Path p : List.of(f, flex(f))) {
            try (FileChannel ro = FileChannel.open(p, StandardOpenOption.READ);
                 FileChannel wo = FileChannel.open(p, StandardOpenOption.WRITE)) {
                assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1)));
                assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
                assertThrows(NonWritableChannelException.class, () -> ro.truncate(0));
                assertThrows(NonWritableChannelException.class, () -> ro.lock());
                assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1)));
                assertThrows(NonReadableChannelException.class, () -> wo.tryLock(0, 1, true));
                assertThrows(NonReadableChannelException.class, () -> wo.map(FileChannel.MapMode.READ_WRITE, 0, 1));
                assertThrows(NonWritableChannelException.class, () -> ro.map(FileChannel.MapMode.READ_WRITE, 0, 1));
                assertEquals("Negative position",
                        assertThrows(IllegalArgumentException.class, () -> ro.read(ByteBuffer.allocate(1), -1)).getMessage());
                assertEquals("Negative position",
                        assertThrows(IllegalArgumentException.class, () -> wo.write(ByteBuffer.allocate(1), -1)).getMessage());
                assertEquals(null, assertThrows(IllegalArgumentException.class, () -> ro.position(-1)).getMessage());
                assertEquals("Negative position",
                        assertThrows(IllegalArgumentException.class, () -> wo.lock(-1, 1, false)).getMessage());
                assertThrows(IllegalArgumentException.class, () -> ro.transferTo(-1, 1, wo));
                assertThrows(NonWritableChannelException.class, () -> ro.transferTo(0, 1, p == f ? ro : ro));
            }
            FileChannel c = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
            c.close();
            c.close();
            assertThrows(ClosedChannelException.class, () -> c.read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> c.write(ByteBuffer.allocate(1), 0));
            assertThrows(ClosedChannelException.class, c::position);
            assertThrows(ClosedChannelException.class, () -> c.position(0));
            assertThrows(ClosedChannelException.class, c::size);
            assertThrows(ClosedChannelException.class, () -> c.truncate(0));
            assertThrows(ClosedChannelException.class, () -> c.force(true));
            assertThrows(ClosedChannelException.class, () -> c.map(FileChannel.MapMode.READ_ONLY, 0, 1));
            assertThrows(ClosedChannelException.class, () -> c.tryLock());
            assertThrows(ClosedChannelException.class, () -> c.read(ByteBuffer.allocate(1), -1 + 1));
        }
    }

    /**
     * Permission denied needs an unprivileged user (root may open anything): a child JVM run as
     * nobody through setpriv opens an unreadable file with both providers and prints both outcomes.
     */
    @Test
    void permissionDeniedIsAccessDeniedException() throws Exception {
        Path f = Files.writeString(dir.resolve("secret.txt"), "s");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (!"root".equals(System.getProperty("user.name"))) {
            String jdk = outcome(p -> open(p), f);
            String ours = outcome(p -> open(p), flex(f));
            assertTrue(jdk.startsWith("! " + AccessDeniedException.class.getName()), jdk);
            assertEquals(jdk, ours);
            return;
        }
        Path setpriv = Path.of("/usr/bin/setpriv");
        assertTrue(Files.isExecutable(setpriv), "root needs setpriv (util-linux) to test as an unprivileged user");
        // nobody cannot read root's Maven repository: copy the jars of the class path where it can
        Path cpDir = Files.createDirectory(dir.resolve("cp"));
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path src = Path.of(e);
            if (Files.isRegularFile(src)) {
                Path copy = cpDir.resolve(entries.size() + "-" + src.getFileName());
                Files.copy(src, copy);
                entries.add(copy.toString());
            } else {
                entries.add(e);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(java.io.File.pathSeparator, entries), PermissionProbe.class.getName(), f.toString()));
        Path out = dir.resolve("probe.out");
        // the class path must be readable by nobody; surefire's usually is (world-readable target/)
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        // -Dflexsc.test.timeoutScale stretches the bound under emulation (test-vm runs on TCG)
        assertTrue(pr.waitFor(60L * Integer.getInteger("flexsc.test.timeoutScale", 1), TimeUnit.SECONDS), "probe JVM finished");
        String text = Files.readString(out);
        assertEquals(0, pr.exitValue(), text);
        String[] lines = text.strip().split("\n");
        String jdk = lines[lines.length - 2];
        String ours = lines[lines.length - 1];
        assertTrue(jdk.startsWith("jdk ! " + AccessDeniedException.class.getName()), text);
        assertEquals(jdk.substring(4), ours.substring(5), text);
        assertTrue(text.contains("engine=true"), text);
    }

    /** Run as an unprivileged user by {@link #permissionDeniedIsAccessDeniedException}. */
    public static final class PermissionProbe {
        public static void main(String[] args) {
            Path f = Path.of(args[0]);
            System.out.println("engine=" + (FsEngine.get() != null));
            System.out.println("jdk " + outcome(p -> open(p), f));
            System.out.println("ours " + outcome(p -> open(p), flex(f)));
        }
    }
}
