package io.flexsc.nio.fs;

import static io.flexsc.nio.fs.FsTestSupport.FS;
import static io.flexsc.nio.fs.FsTestSupport.PROVIDER;
import static io.flexsc.nio.fs.FsTestSupport.flex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our paths behave as the built-in ones and stay ours through every operation. */
class PathInteropTest {
    @TempDir
    Path dir;

    @Test
    void pathArithmeticMatchesTheBuiltInPaths() throws Exception {
        String[] samples = {"/", "a", "a/b/../c", "/x/./y//z/", "", "..", "/a/b/c.txt"};
        for (String s : samples) {
            Path b = Path.of(s);
            Path o = FS.getPath(s);
            assertInstanceOf(FlexPath.class, o);
            assertSame(FS, o.getFileSystem());
            assertEquals(b.toString(), o.toString());
            assertEquals(b.isAbsolute(), o.isAbsolute());
            assertEquals(b.getNameCount(), o.getNameCount());
            assertEquals(String.valueOf(b.getFileName()), String.valueOf(o.getFileName()));
            assertEquals(String.valueOf(b.getParent()), String.valueOf(o.getParent()));
            assertEquals(String.valueOf(b.getRoot()), String.valueOf(o.getRoot()));
            assertEquals(b.normalize().toString(), o.normalize().toString());
            assertEquals(b.toUri(), o.toUri());
            assertEquals(b.toAbsolutePath().toString(), o.toAbsolutePath().toString());
            assertEquals(b.hashCode(), o.hashCode());
            assertEquals(b.toFile(), o.toFile());
            for (String t : samples) {
                Path bt = Path.of(t);
                Path ot = FS.getPath(t);
                assertEquals(Integer.signum(b.compareTo(bt)), Integer.signum(o.compareTo(ot)));
                assertEquals(b.equals(bt), o.equals(ot));
                assertEquals(b.startsWith(bt), o.startsWith(ot));
                assertEquals(b.endsWith(bt), o.endsWith(ot));
                assertEquals(b.resolve(bt).toString(), o.resolve(ot).toString());
                assertEquals(b.resolveSibling(bt).toString(), o.resolveSibling(ot).toString());
                String rb;
                String ro;
                try {
                    rb = b.relativize(bt).toString();
                } catch (IllegalArgumentException e) {
                    rb = "IAE " + e.getMessage();
                }
                try {
                    ro = o.relativize(ot).toString();
                } catch (IllegalArgumentException e) {
                    ro = "IAE " + e.getMessage();
                }
                assertEquals(rb, ro);
            }
            List<String> names = new ArrayList<>();
            for (Path n : o) {
                assertInstanceOf(FlexPath.class, n);
                names.add(n.toString());
            }
            assertEquals(b.getNameCount(), names.size());
        }
        assertEquals(FS.getPath("/a/b"), PROVIDER.getPath(URI.create("file:///a/b")));
        assertSame(FS, PROVIDER.getFileSystem(URI.create("file:///")));
        assertThrows(IllegalArgumentException.class, () -> PROVIDER.getFileSystem(URI.create("file:///x")));
        assertEquals("file", PROVIDER.getScheme());
        assertThrows(UnsupportedOperationException.class, FS::close);
        assertTrue(FS.isOpen());
        assertEquals("/", FS.getSeparator());
        assertInstanceOf(FlexPath.class, FS.getRootDirectories().iterator().next());
        assertTrue(FS.supportedFileAttributeViews().contains("posix"));
        PathMatcher m = FS.getPathMatcher("glob:**/*.txt");
        assertTrue(m.matches(FS.getPath("/a/b/c.txt")));
        assertFalse(m.matches(FS.getPath("/a/b/c.bin")));
    }

    @Test
    void foreignPathsAreRejectedAsTheJdkDoes() {
        Path ours = FS.getPath("/a");
        Path builtin = Path.of("/a");
        assertThrows(ProviderMismatchException.class, () -> ours.resolve(builtin));
        assertThrows(ProviderMismatchException.class, () -> ours.relativize(builtin));
        assertThrows(ClassCastException.class, () -> ours.compareTo(builtin));
        assertFalse(ours.startsWith(builtin));
        assertFalse(ours.endsWith(builtin));
        assertNotEquals(ours, builtin);
        assertThrows(ProviderMismatchException.class, () -> PROVIDER.readAttributes(builtin, BasicFileAttributes.class));
        assertThrows(ProviderMismatchException.class, () -> PROVIDER.copy(ours, builtin));
        assertThrows(ProviderMismatchException.class, () -> PROVIDER.newFileChannel(builtin, java.util.Set.of()));
        assertThrows(NullPointerException.class, () -> PROVIDER.delete(null));
    }

    @Test
    void filesOperationsKeepOurPaths() throws Exception {
        Path root = flex(dir);
        Path a = Files.createDirectories(root.resolve("x/y"));
        Files.writeString(a.resolve("f.txt"), "data");
        Files.writeString(root.resolve("x/g.txt"), "more");
        Path link = Files.createSymbolicLink(root.resolve("link"), FS.getPath("x/g.txt"));
        assertInstanceOf(FlexPath.class, Files.readSymbolicLink(link));
        assertEquals("x/g.txt", Files.readSymbolicLink(link).toString());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("more", Files.readString(link));
        Path hard = Files.createLink(root.resolve("hard"), root.resolve("x/g.txt"));
        assertTrue(Files.isSameFile(hard, root.resolve("x/g.txt")));
        assertFalse(Files.isSameFile(hard, root.resolve("x/y/f.txt")));
        assertEquals(root.resolve("x/g.txt").toRealPath(), link.toRealPath());
        assertInstanceOf(FlexPath.class, link.toRealPath());

        Files.copy(root.resolve("x/y/f.txt"), root.resolve("copy.txt"));
        assertThrows(FileAlreadyExistsException.class, () -> Files.copy(root.resolve("x/g.txt"), root.resolve("copy.txt")));
        Files.copy(root.resolve("x/g.txt"), root.resolve("copy.txt"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals("more", Files.readString(root.resolve("copy.txt")));
        Files.move(root.resolve("copy.txt"), root.resolve("moved.txt"), StandardCopyOption.ATOMIC_MOVE);
        assertFalse(Files.exists(root.resolve("copy.txt")));

        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "*.txt")) {
            List<Path> l = new ArrayList<>();
            for (Path p : ds) {
                assertInstanceOf(FlexPath.class, p);
                l.add(p.getFileName());
            }
            assertEquals(List.of(FS.getPath("moved.txt")), l);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, p -> {
            assertInstanceOf(FlexPath.class, p);
            return Files.isDirectory(p);
        })) {
            assertEquals(1, ds.iterator().hasNext() ? 1 : 0);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            // the built-in provider's streams are secure ones on Linux; ours keep the kind
            assertInstanceOf(SecureDirectoryStream.class, ds);
            SecureDirectoryStream<Path> sds = (SecureDirectoryStream<Path>) ds;
            try (SecureDirectoryStream<Path> x = sds.newDirectoryStream(FS.getPath("x"))) {
                List<Path> names = new ArrayList<>();
                x.forEach(names::add);
                assertTrue(names.stream().allMatch(p -> p instanceof FlexPath));
                assertEquals(2, names.size());
                assertEquals(4L, x.getFileAttributeView(FS.getPath("g.txt"), BasicFileAttributeView.class)
                        .readAttributes().size());
                assertThrows(ProviderMismatchException.class, () -> x.deleteFile(Path.of("g.txt")));
                Files.writeString(root.resolve("x/tmp"), "t");
                x.deleteFile(FS.getPath("tmp"));
                assertFalse(Files.exists(root.resolve("x/tmp")));
            }
        }
        try (Stream<Path> w = Files.walk(root)) {
            List<String> all = w.peek(p -> assertInstanceOf(FlexPath.class, p)).map(p -> root.relativize(p).toString())
                    .sorted().collect(Collectors.toList());
            assertEquals(List.of("", "hard", "link", "moved.txt", "x", "x/g.txt", "x/y", "x/y/f.txt"), all);
        }
        try (Stream<Path> found = Files.find(root, 5, (p, at) -> at.isRegularFile() && p.toString().endsWith("f.txt"))) {
            assertEquals(1, found.count());
        }
        BasicFileAttributes at = Files.readAttributes(root.resolve("x/g.txt"), BasicFileAttributes.class);
        assertEquals(4, at.size());
        assertEquals(4L, Files.getAttribute(root.resolve("x/g.txt"), "size"));
        assertNotNull(Files.getFileAttributeView(root.resolve("x"), PosixFileAttributeView.class));
        assertNotNull(Files.getFileStore(root));
        assertFalse(Files.isHidden(root.resolve("x")));
        assertTrue(Files.isReadable(root.resolve("x/g.txt")));
        assertTrue(Files.deleteIfExists(root.resolve("moved.txt")));
        assertFalse(Files.deleteIfExists(root.resolve("moved.txt")));
        assertEquals(dir.resolve("x").toFile(), root.resolve("x").toFile());
    }

    @Test
    void watchServiceKeysAndEventsCarryOurPaths() throws Exception {
        Path root = flex(dir);
        try (WatchService ws = FS.newWatchService()) {
            WatchKey key = root.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
            assertEquals(root, key.watchable());
            assertThrows(ProviderMismatchException.class,
                    () -> root.register(dir.getFileSystem().newWatchService(), StandardWatchEventKinds.ENTRY_CREATE));
            Files.writeString(root.resolve("new.txt"), "n");
            WatchKey got = ws.poll(20, TimeUnit.SECONDS);
            assertSame(key, got);
            List<WatchEvent<?>> events = got.pollEvents();
            assertFalse(events.isEmpty());
            assertEquals(StandardWatchEventKinds.ENTRY_CREATE, events.get(0).kind());
            assertInstanceOf(FlexPath.class, events.get(0).context());
            assertEquals(FS.getPath("new.txt"), events.get(0).context());
            assertTrue(got.reset());
            key.cancel();
            assertFalse(key.isValid());
            assertNull(ws.poll());
        }
    }
}
