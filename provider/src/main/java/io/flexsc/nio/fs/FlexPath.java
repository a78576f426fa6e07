package io.flexsc.nio.fs;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * A path of the flexsc file system: a built-in path in a wrapper that names our file system, so that
 * every operation on it reaches our provider.
 *
 * <p>All path arithmetic is the built-in path's; results are wrapped again. Paths of other providers
 * (including the built-in provider's own) are rejected as the JDK's Unix paths reject foreign paths:
 * {@link ProviderMismatchException} for {@code resolve}/{@code relativize}, {@code false} for
 * {@code startsWith}/{@code endsWith}/{@code equals}, {@link ClassCastException} for
 * {@code compareTo}.
 *
 * <p>Immutable and thread safe. Kept free of lambdas and string concatenation: it is loaded while the
 * JVM is starting.
 */
public final class FlexPath implements Path {
    private final FlexFileSystem fs;
    private final Path delegate;

    FlexPath(FlexFileSystem fs, Path delegate) {
        this.fs = fs;
        this.delegate = delegate;
    }

    /** The built-in path behind this one. */
    public Path delegate() {
        return delegate;
    }

    private FlexPath wrap(Path p) {
        return p == null ? null : new FlexPath(fs, p);
    }

    /** The built-in path behind one of ours; NPE for null, ProviderMismatchException for a foreign path. */
    static Path unwrap(Path p) {
        if (p == null) {
            throw new NullPointerException();
        }
        if (!(p instanceof FlexPath)) {
            throw new ProviderMismatchException();
        }
        return ((FlexPath) p).delegate;
    }

    @Override
    public FlexFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return delegate.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(delegate.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(delegate.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(delegate.getParent());
    }

    @Override
    public int getNameCount() {
        return delegate.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(delegate.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(delegate.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        if (!(java.util.Objects.requireNonNull(other) instanceof FlexPath)) {
            return false;
        }
        return delegate.startsWith(((FlexPath) other).delegate);
    }

    @Override
    public boolean startsWith(String other) {
        return delegate.startsWith(other);
    }

    @Override
    public boolean endsWith(Path other) {
        if (!(java.util.Objects.requireNonNull(other) instanceof FlexPath)) {
            return false;
        }
        return delegate.endsWith(((FlexPath) other).delegate);
    }

    @Override
    public boolean endsWith(String other) {
        return delegate.endsWith(other);
    }

    @Override
    public Path normalize() {
        return wrap(delegate.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(delegate.resolve(unwrap(other)));
    }

    @Override
    public Path resolve(String other) {
        return wrap(delegate.resolve(other));
    }

    @Override
    public Path resolveSibling(Path other) {
        return wrap(delegate.resolveSibling(unwrap(other)));
    }

    @Override
    public Path resolveSibling(String other) {
        return wrap(delegate.resolveSibling(other));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(delegate.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return delegate.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(delegate.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(delegate.toRealPath(options));
    }

    @Override
    public File toFile() {
        // Path.toFile's default (and the built-in path's) insists on the default file system; ours is
        // a file-scheme file system whichever provider is the default, so a File is always right.
        return new File(delegate.toString());
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        if (watcher == null) {
            throw new NullPointerException();
        }
        if (!(watcher instanceof FlexWatchService)) {
            throw new ProviderMismatchException();
        }
        return ((FlexWatchService) watcher).register(this, events, modifiers);
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>... events) throws IOException {
        return register(watcher, events, new WatchEvent.Modifier[0]);
    }

    @Override
    public int compareTo(Path other) {
        return delegate.compareTo(((FlexPath) other).delegate);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FlexPath && delegate.equals(((FlexPath) other).delegate);
    }

    @Override
    public int hashCode() {
        return delegate.hashCode();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
