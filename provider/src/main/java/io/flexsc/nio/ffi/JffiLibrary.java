package io.flexsc.nio.ffi;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Prepares jffi's native library before any jffi class loads.
 *
 * <p>Left to itself, jffi extracts its library with {@code File.createTempFile}, which builds a
 * {@code SecureRandom}: started from inside the JDK's own security set-up (the first file read of
 * {@code Security.<clinit>}), that fails and leaves the JDK's {@code File$TempDirectory} broken. So
 * this class extracts the library itself, without {@code createTempFile} or any {@code SecureRandom},
 * and points jffi at it with {@code -Djffi.boot.library.path}, the first place jffi looks:
 * <ul>
 *   <li>the directory is {@code ${java.io.tmpdir}/flexsc-nio-<user.name>} (or {@code -Dflexsc.native.dir}),
 *       created owner-only ({@code rwx------}); an existing one is used only if it is a real directory
 *       (not a link) owned by this process's user with no group or other permissions;</li>
 *   <li>the library goes in a subdirectory named after a hash of its bytes (CRC-32C and length: a name,
 *       not a security check; {@code java.security}'s digests are what must not be touched here), and
 *       a file already there is used only if its bytes equal the library's, else it is replaced
 *       atomically (written owner-only under a unique name, then renamed);</li>
 *   <li>if none of that can be done, a new owner-only directory of this process's own is used, and if
 *       even that fails, jffi's own extraction applies (outside the JDK's initialisation, where it works).</li>
 * </ul>
 * A {@code jffi.boot.library.path} the user set is left alone. On JDK 24+ jffi is also told not to use
 * {@code sun.misc.Unsafe} ({@code -Djffi.unsafe.disabled=true} unless set), whose memory methods warn
 * there; jffi then reads and writes native memory through JNI (slower per access, no warning).
 *
 * <p>Thread-safe; the work is done once, on the first call, and never in a class initialiser.
 */
public final class JffiLibrary {
    private JffiLibrary() {}

    static final String BOOT_PATH = "jffi.boot.library.path";
    /** Overrides the directory the library is extracted to. */
    public static final String DIR_PROPERTY = "flexsc.native.dir";

    private static final Object LOCK = new Object();
    private static boolean prepared;
    private static volatile String outcome = "not prepared";

    /** Makes jffi load its library from a safely extracted copy; idempotent, never throws. */
    public static void prepare() {
        synchronized (LOCK) {
            if (prepared) {
                return;
            }
            prepared = true;
            // JDK 24+ warn on the first use of sun.misc.Unsafe's memory methods (JDK 22-23 do not)
            if (Runtime.version().feature() >= 24 && System.getProperty("jffi.unsafe.disabled") == null) {
                System.setProperty("jffi.unsafe.disabled", "true");
            }
            if (System.getProperty(BOOT_PATH) != null) {
                outcome = "jffi.boot.library.path set by the user: " + System.getProperty(BOOT_PATH);
                return;
            }
            try {
                Path dir = extract();
                if (dir != null) {
                    System.setProperty(BOOT_PATH, dir.toString());
                    outcome = "extracted to " + dir;
                }
            } catch (IOException | RuntimeException e) {
                outcome = "not extracted (" + e + "); jffi extracts it itself";
            }
        }
    }

    /** What {@link #prepare()} did, for the diagnostic report. */
    public static String outcome() {
        return outcome;
    }

    /** jffi's resource name of its library for this platform, as jffi's own loader names it. */
    static String resourceName() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64": case "x86_64": arch = "x86_64"; break;
            case "x86": case "i386": case "i86pc": arch = "i386"; break;
            default: break;
        }
        String lib = System.mapLibraryName("jffi-" + com.kenai.jffi.Version.MAJOR + "." + com.kenai.jffi.Version.MINOR);
        return "jni/" + arch + "-Linux/" + lib;
    }

    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    /** Extracts the library; returns the directory jffi should load it from, or null if it has none here. */
    static Path extract() throws IOException {
        byte[] lib;
        try (InputStream in = JffiLibrary.class.getClassLoader().getResourceAsStream(resourceName())) {
            if (in == null) {
                outcome = "no " + resourceName() + " in the class path; jffi loads its library itself";
                return null;
            }
            lib = in.readAllBytes();
        }
        CRC32C crc = new CRC32C();
        crc.update(lib);
        String libName = resourceName().substring(resourceName().lastIndexOf('/') + 1);
        String hash = String.format("%08x-%d", crc.getValue(), lib.length);
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        String configured = System.getProperty(DIR_PROPERTY);
        Path base = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "flexsc-nio-" + user);
        // jffi looks for <dir>/<platform>/<lib> and <dir>/<lib>: the library goes in a subdirectory
        // named after its hash, so that jffi finds exactly this copy.
        Path dir = privateDir(base);
        if (dir == null) {
            dir = freshPrivateDir(base.resolveSibling(base.getFileName() + "-" + ProcessHandle.current().pid()));
        }
        Path libDir = privateDir(dir.resolve(hash));
        if (libDir == null) {
            return null;
        }
        Path file = libDir.resolve(libName);
        if (!sameBytes(file, lib)) {
            write(libDir, file, lib);
            if (!sameBytes(file, lib)) {
                throw new IOException("the extracted library " + file + " does not hold what was written");
            }
        }
        return libDir;
    }

    /**
     * The directory, created owner-only if missing; null if it exists but is not a directory of this
     * user's that only this user can use.
     */
    private static Path privateDir(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        } catch (FileAlreadyExistsException e) {
            // checked below
        }
        return isPrivate(dir) ? dir : null;
    }

    private static Path freshPrivateDir(Path prefix) throws IOException {
        for (int i = 0; i < 100; i++) {
            Path d = prefix.resolveSibling(prefix.getFileName() + "-" + Long.toHexString(System.nanoTime()));
            try {
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            if (isPrivate(d)) {
                new File(d.toString()).deleteOnExit();
                return d;
            }
        }
        throw new IOException("cannot create a private directory next to " + prefix);
    }

    /** A real directory (no link), owned by this process's user, with no permissions for others. */
    static boolean isPrivate(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            return false;
        }
        Object uid = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid"); // the process's own (effective) uid
        EnumSet<PosixFilePermission> others = EnumSet.copyOf(a.permissions());
        others.removeAll(OWNER_ONLY_DIR);
        return uid.equals(self) && others.isEmpty();
    }

    private static boolean sameBytes(Path file, byte[] lib) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != lib.length) {
                return false;
            }
            byte[] have;
            try (InputStream in = new java.io.FileInputStream(file.toString())) { // java.io: no channel of ours
                have = in.readAllBytes();
            }
            return Arrays.equals(have, lib);
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes under a unique owner-only name in the (private) directory, then renames over {@code file}. */
    private static void write(Path dir, Path file, byte[] lib) throws IOException {
        Path tmp = null;
        for (int i = 0; tmp == null; i++) {
            Path t = dir.resolve(".tmp-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()));
            try {
                Files.createFile(t, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
                tmp = t;
            } catch (FileAlreadyExistsException e) {
                if (i > 100) {
                    throw e;
                }
            }
        }
        try {
            try (FileOutputStream out = new FileOutputStream(tmp.toString())) { // java.io: no channel of ours
                out.write(lib);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
