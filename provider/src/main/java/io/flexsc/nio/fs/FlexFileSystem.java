package io.flexsc.nio.fs;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The flexsc view of the built-in default file system: the same roots, stores, separators, matchers
 * and principals, with paths that belong to {@link FlexFileSystemProvider}.
 *
 * <p>Like the built-in default file system it cannot be closed ({@link #close()} throws
 * {@link UnsupportedOperationException}, as the JDK's does). Thread safe; immutable. Loaded during
 * JVM start-up, so free of lambdas and string concatenation.
 */
public final class FlexFileSystem extends FileSystem {
    private final FlexFileSystemProvider provider;
    private final FileSystem delegate;

    FlexFileSystem(FlexFileSystemProvider provider, FileSystem delegate) {
        this.provider = provider;
        this.delegate = delegate;
    }

    /** The built-in file system behind this one. */
    public FileSystem delegate() {
        return delegate;
    }

    /** Wraps a built-in path as ours (null stays null). */
    FlexPath wrap(Path p) {
        return p == null ? null : new FlexPath(this, p);
    }

    @Override
    public FlexFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public boolean isReadOnly() {
        return delegate.isReadOnly();
    }

    @Override
    public String getSeparator() {
        return delegate.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> roots = new ArrayList<>();
        for (Path p : delegate.getRootDirectories()) {
            roots.add(wrap(p));
        }
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return delegate.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return delegate.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(delegate.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        return new Matcher(delegate.getPathMatcher(syntaxAndPattern));
    }

    /** Matches our paths by their built-in paths, and any other path as the built-in matcher does. */
    private static final class Matcher implements PathMatcher {
        private final PathMatcher delegate;

        Matcher(PathMatcher delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean matches(Path path) {
            return delegate.matches(path instanceof FlexPath ? ((FlexPath) path).delegate() : path);
        }
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return delegate.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() throws IOException {
        return new FlexWatchService(this, delegate.newWatchService());
    }

    /** Iterates built-in paths as ours. */
    static final class WrappingIterator implements Iterator<Path> {
        private final FlexFileSystem fs;
        private final Iterator<Path> it;

        WrappingIterator(FlexFileSystem fs, Iterator<Path> it) {
            this.fs = fs;
            this.it = it;
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public Path next() {
            return fs.wrap(it.next());
        }

        @Override
        public void remove() {
            it.remove();
        }
    }
}
