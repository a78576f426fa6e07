package io.flexsc.nio.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A directory stream of the built-in provider whose entries are handed out as our paths. The
 * caller's filter sees our paths too (the built-in stream is opened with a filter that wraps each
 * entry before asking the caller's).
 *
 * <p>Thread safety: as the built-in stream (one iterator, not for concurrent use).
 */
final class FlexDirectoryStream implements DirectoryStream<Path> {
    private final FlexFileSystem fs;
    private final DirectoryStream<Path> delegate;

    FlexDirectoryStream(FlexFileSystem fs, DirectoryStream<Path> delegate) {
        this.fs = fs;
        this.delegate = delegate;
    }

    /** A filter over built-in entries that asks the caller's filter about our paths. */
    static final class WrappingFilter implements DirectoryStream.Filter<Path> {
        private final FlexFileSystem fs;
        private final DirectoryStream.Filter<? super Path> filter;

        WrappingFilter(FlexFileSystem fs, DirectoryStream.Filter<? super Path> filter) {
            this.fs = fs;
            this.filter = filter;
        }

        @Override
        public boolean accept(Path entry) throws IOException {
            return filter.accept(fs.wrap(entry));
        }
    }

    @Override
    public Iterator<Path> iterator() {
        return new FlexFileSystem.WrappingIterator(fs, delegate.iterator());
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
