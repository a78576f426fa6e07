package io.flexsc.nio.fs;

import io.flexsc.nio.engine.SyscallEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The flexsc default file-system provider: scheme {@code file}, installed with
 * {@code -Djava.nio.file.spi.DefaultFileSystemProvider=io.flexsc.nio.fs.FlexFileSystemProvider}.
 *
 * <p>It wraps the JVM's built-in provider. Paths, the file system, directory streams and watch
 * services are thin wrappers over the built-in ones (so {@code Path.of}, {@code File.toPath()} and
 * {@code FileSystems.getDefault()} hand out {@link FlexPath}s that behave exactly as the built-in
 * paths); everything that is not data transfer (attributes, links, directories, {@code copy},
 * {@code move}, {@code delete}, access checks) is delegated to the built-in provider with the paths
 * unwrapped. Data transfer goes through the syscall engine: {@link #newFileChannel} and
 * {@link #newByteChannel} (and so {@code Files.newInputStream}, {@code newOutputStream},
 * {@code write}, {@code readAllBytes}, {@code lines}...) return a {@link FlexFileChannel};
 * {@link #newAsynchronousFileChannel} a {@link FlexAsynchronousFileChannel}.
 *
 * <p>Start-up safety: the constructor does no I/O, starts no engine and loads no native code; the
 * engine starts on the first channel ({@link FsEngine}). If no engine can start, or a channel
 * cannot be built for an internal reason, one warning is logged and the built-in provider's channel
 * is returned instead: the application behaves as without this provider. {@code O_DIRECT} opens
 * ({@code ExtendedOpenOption.DIRECT}) are left to the built-in channel, which knows its alignment rules.
 *
 * <p>What the JDK refuses for a non-built-in default provider (any such provider, not only ours):
 * <ul>
 * <li>Unix-domain sockets. JDK 17's {@code java.net.UnixDomainSocketAddress.of(Path)} accepts only
 * paths whose file system is the default one <em>and</em> a class of {@code java.base}; since
 * {@code of(String)} goes through {@code Path.of}, every Unix-domain address is refused with
 * {@link IllegalArgumentException}, and opening a {@code StandardProtocolFamily.UNIX} channel fails
 * in the JDK's own static initialiser ({@link ExceptionInInitializerError}). Nothing a provider can
 * do changes this (the check is on the class's module), so an application that uses Unix-domain
 * sockets must not install this provider as the default; it can still use our channels through
 * {@code new FlexFileSystemProvider(builtin).getFileSystem(URI.create("file:///"))}. The child-JVM
 * tests pin this behaviour so that a JDK that lifts the rule is noticed.</li>
 * <li>Mixing paths: paths of the built-in provider and ours do not mix (as paths of any two
 * providers): a built-in path passed to our methods gets
 * {@link java.nio.file.ProviderMismatchException}, as the JDK's provider answers ours.</li>
 * <li>{@code SecureDirectoryStream.newByteChannel}: our directory streams are secure ones as the
 * built-in provider's, but a channel opened relative to one is the JDK's (only the built-in stream
 * holds the directory's descriptor).</li>
 * </ul>
 *
 * <p>Thread safety: all methods may be called from any number of threads. The class is loaded while
 * the JVM starts, so it is kept free of lambdas and string concatenation.
 */
public final class FlexFileSystemProvider extends FileSystemProvider {
    /**
     * Test-only fault injection: with {@code -Dflexsc.fs.injectOpenFailure=true} building our file
     * channel fails internally, as if the native layer broke, so that the fallback to the built-in
     * channel can be tested.
     */
    static final String INJECT_OPEN_FAILURE = "flexsc.fs.injectOpenFailure";

    private final FileSystemProvider builtin;
    private final FlexFileSystem fileSystem;

    /**
     * Wraps the built-in provider.
     *
     * @param builtin the JVM's built-in default provider (what the JDK passes in)
     */
    public FlexFileSystemProvider(FileSystemProvider builtin) {
        if (builtin == null) {
            throw new NullPointerException("builtin");
        }
        this.builtin = builtin;
        this.fileSystem = new FlexFileSystem(this, builtin.getFileSystem(URI.create("file:///")));
    }

    /** The built-in provider this one wraps. */
    public FileSystemProvider builtin() {
        return builtin;
    }

    @Override
    public String getScheme() {
        return builtin.getScheme();
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        builtin.newFileSystem(uri, env);
        return fileSystem;
    }

    @Override
    public FileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
        return builtin.newFileSystem(FlexPath.unwrap(path), env);
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        builtin.getFileSystem(uri); // the built-in provider's checks of the URI
        return fileSystem;
    }

    @Override
    public Path getPath(URI uri) {
        return fileSystem.wrap(builtin.getPath(uri));
    }

    // ---- channels: the data path ----

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path file = FlexPath.unwrap(path);
        int mode = OpenFlags.mode(attrs);
        OpenFlags flags = OpenFlags.of(options).forFileChannel();
        if (flags.direct) {
            return builtin.newFileChannel(file, options, attrs);
        }
        SyscallEngine engine = FsEngine.get();
        if (engine == null) {
            return builtin.newFileChannel(file, options, attrs);
        }
        try {
            if (Boolean.getBoolean(INJECT_OPEN_FAILURE)) {
                throw new IllegalStateException("channel construction refused (injected)");
            }
            return FlexFileChannel.open(engine, builtin, file, flags, mode);
        } catch (RuntimeException | LinkageError internal) {
            FsEngine.internalFailure(internal);
            return builtin.newFileChannel(file, options, attrs);
        }
    }

    /**
     * As {@link #newFileChannel}. One JDK detail is kept: {@code Files.readAllBytes} (and so
     * {@code Files.readString}) makes the JDK's channel uninterruptible, so an interrupted thread
     * still reads the file; when an option-less channel is opened for it, ours is made so too.
     */
    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        FileChannel ch = newFileChannel(path, options, attrs);
        if (options.isEmpty() && ch instanceof FlexFileChannel && CallerCheck.isReadAllBytes()) {
            ((FlexFileChannel) ch).setUninterruptible();
        }
        return ch;
    }

    /**
     * As the JDK 17 default: checks the options (APPEND and WRITE are not allowed), opens a channel
     * with {@link #newByteChannel} and, as the JDK does for its own channel, makes it uninterruptible,
     * so an interrupted thread can still use the stream. Without the engine it is the built-in
     * provider's own stream (uninterruptible too).
     */
    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        for (OpenOption opt : options) {
            if (opt == StandardOpenOption.APPEND || opt == StandardOpenOption.WRITE) {
                throw new UnsupportedOperationException("'" + opt + "' not allowed");
            }
        }
        if (FsEngine.get() == null) {
            return builtin.newInputStream(FlexPath.unwrap(path), options); // the JDK's stream, exactly
        }
        ReadableByteChannel rbc = Files.newByteChannel(path, options);
        if (rbc instanceof FlexFileChannel) {
            ((FlexFileChannel) rbc).setUninterruptible();
        }
        return Channels.newInputStream(rbc);
    }

    /**
     * As the JDK 17 default: READ is not allowed; no options means CREATE, TRUNCATE_EXISTING and
     * WRITE; WRITE is always added; the channel is made uninterruptible as the JDK makes its own.
     */
    @Override
    public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        Set<OpenOption> opts;
        if (options.length == 0) {
            opts = Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } else {
            opts = new HashSet<>();
            for (OpenOption opt : options) {
                if (opt == StandardOpenOption.READ) {
                    throw new IllegalArgumentException("READ not allowed");
                }
                opts.add(opt);
            }
            opts.add(StandardOpenOption.WRITE);
        }
        if (FsEngine.get() == null) {
            return builtin.newOutputStream(FlexPath.unwrap(path), options); // the JDK's stream, exactly
        }
        WritableByteChannel wbc = newByteChannel(path, opts);
        if (wbc instanceof FlexFileChannel) {
            ((FlexFileChannel) wbc).setUninterruptible();
        }
        return Channels.newOutputStream(wbc);
    }

    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(Path path, Set<? extends OpenOption> options,
            ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        Path file = FlexPath.unwrap(path);
        int mode = OpenFlags.mode(attrs);
        OpenFlags flags = OpenFlags.of(options).forAsynchronousChannel();
        if (flags.direct) {
            return builtin.newAsynchronousFileChannel(file, options, executor, attrs);
        }
        SyscallEngine engine = FsEngine.get();
        if (engine == null) {
            return builtin.newAsynchronousFileChannel(file, options, executor, attrs);
        }
        try {
            FlexFileChannel ch = FlexFileChannel.open(engine, builtin, file, flags, mode);
            return FlexAsynchronousFileChannel.open(ch, executor);
        } catch (RuntimeException | LinkageError internal) {
            FsEngine.internalFailure(internal);
            return builtin.newAsynchronousFileChannel(file, options, executor, attrs);
        }
    }

    // ---- everything else: the built-in provider on unwrapped paths ----

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        Path d = FlexPath.unwrap(dir);
        if (filter == null) {
            throw new NullPointerException();
        }
        return FlexSecureDirectoryStream.wrap(fileSystem,
                builtin.newDirectoryStream(d, new FlexDirectoryStream.WrappingFilter(fileSystem, filter)));
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        builtin.createDirectory(FlexPath.unwrap(dir), attrs);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        builtin.createSymbolicLink(FlexPath.unwrap(link), FlexPath.unwrap(target), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        builtin.createLink(FlexPath.unwrap(link), FlexPath.unwrap(existing));
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return fileSystem.wrap(builtin.readSymbolicLink(FlexPath.unwrap(link)));
    }

    @Override
    public void delete(Path path) throws IOException {
        builtin.delete(FlexPath.unwrap(path));
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return builtin.deleteIfExists(FlexPath.unwrap(path));
    }

    /**
     * Copies a file. A regular file copied with no option other than {@code REPLACE_EXISTING} and
     * {@code NOFOLLOW_LINKS} is copied through the engine ({@link FileCopy}); directories, links,
     * special files and {@code COPY_ATTRIBUTES} copies are the built-in provider's.
     */
    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        Path s = FlexPath.unwrap(source);
        Path t = FlexPath.unwrap(target);
        SyscallEngine engine = FileCopy.eligible(options) ? FsEngine.get() : null;
        if (engine == null || !FileCopy.copy(engine, builtin, s, t, options)) {
            builtin.copy(s, t, options);
        }
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        builtin.move(FlexPath.unwrap(source), FlexPath.unwrap(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        Path a = FlexPath.unwrap(path);
        if (path.equals(path2)) {
            return true;
        }
        if (path2 == null) {
            throw new NullPointerException();
        }
        if (!(path2 instanceof FlexPath)) {
            return false;
        }
        return builtin.isSameFile(a, ((FlexPath) path2).delegate());
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return builtin.isHidden(FlexPath.unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return builtin.getFileStore(FlexPath.unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        builtin.checkAccess(FlexPath.unwrap(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return builtin.getFileAttributeView(FlexPath.unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return builtin.readAttributes(FlexPath.unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        return builtin.readAttributes(FlexPath.unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        builtin.setAttribute(FlexPath.unwrap(path), attribute, value, options);
    }
}
