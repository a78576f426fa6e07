package io.flexsc.nio.fs;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.util.Iterator;
import java.util.Set;

/**
 * The secure kind of {@link FlexDirectoryStream}: the built-in provider opens directories as
 * {@link SecureDirectoryStream}s on Linux, and so do we, wrapping it. Entries and the caller's filter
 * see our paths; path arguments must be ours ({@link ProviderMismatchException} otherwise, as the
 * JDK's). Operations relative to the open directory are the built-in stream's, including
 * {@link #newByteChannel}, whose channel is the JDK's (it is opened relative to the directory's
 * descriptor, which only the built-in stream holds).
 *
 * <p>Thread safety: as the built-in stream.
 */
final class FlexSecureDirectoryStream implements SecureDirectoryStream<Path> {
    private final FlexFileSystem fs;
    private final SecureDirectoryStream<Path> delegate;

    FlexSecureDirectoryStream(FlexFileSystem fs, SecureDirectoryStream<Path> delegate) {
        this.fs = fs;
        this.delegate = delegate;
    }

    /** Wraps a built-in stream as the matching kind of ours. */
    static DirectoryStream<Path> wrap(FlexFileSystem fs, DirectoryStream<Path> ds) {
        if (ds instanceof SecureDirectoryStream) {
            return new FlexSecureDirectoryStream(fs, (SecureDirectoryStream<Path>) ds);
        }
        return new FlexDirectoryStream(fs, ds);
    }

    @Override
    public Iterator<Path> iterator() {
        return new FlexFileSystem.WrappingIterator(fs, delegate.iterator());
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public SecureDirectoryStream<Path> newDirectoryStream(Path path, LinkOption... options) throws IOException {
        return new FlexSecureDirectoryStream(fs, delegate.newDirectoryStream(FlexPath.unwrap(path), options));
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return delegate.newByteChannel(FlexPath.unwrap(path), options, attrs);
    }

    @Override
    public void deleteFile(Path path) throws IOException {
        delegate.deleteFile(FlexPath.unwrap(path));
    }

    @Override
    public void deleteDirectory(Path path) throws IOException {
        delegate.deleteDirectory(FlexPath.unwrap(path));
    }

    @Override
    public void move(Path srcpath, SecureDirectoryStream<Path> targetdir, Path targetpath) throws IOException {
        Path s = FlexPath.unwrap(srcpath);
        Path t = FlexPath.unwrap(targetpath);
        if (targetdir == null) {
            throw new NullPointerException();
        }
        if (!(targetdir instanceof FlexSecureDirectoryStream)) {
            throw new ProviderMismatchException();
        }
        delegate.move(s, ((FlexSecureDirectoryStream) targetdir).delegate, t);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Class<V> type) {
        return delegate.getFileAttributeView(type);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return delegate.getFileAttributeView(FlexPath.unwrap(path), type, options);
    }
}
