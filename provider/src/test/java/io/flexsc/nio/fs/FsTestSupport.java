package io.flexsc.nio.fs;

import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/** Builds our provider over the built-in one, without installing it as the default. */
final class FsTestSupport {
    private FsTestSupport() {}

    static final FlexFileSystemProvider PROVIDER = new FlexFileSystemProvider(FileSystems.getDefault().provider());
    static final FlexFileSystem FS = (FlexFileSystem) PROVIDER.getFileSystem(URI.create("file:///"));

    /** Our path for a built-in one. */
    static Path flex(Path builtin) {
        return FS.getPath(builtin.toString());
    }
}
