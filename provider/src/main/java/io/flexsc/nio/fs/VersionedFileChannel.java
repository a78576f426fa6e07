package io.flexsc.nio.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The part of {@link FlexFileChannel} that depends on the JDK's version: a multi-release class.
 * This JDK 17 version adds nothing; the JDK 22+ version ({@code src/main/java22}, in the jar's
 * {@code META-INF/versions/22}) implements {@code map(MapMode, long, long, Arena)}, which
 * {@code FileChannel} would otherwise answer with UnsupportedOperationException.
 */
abstract class VersionedFileChannel extends FileChannel {
    /** A use of the JDK's own channel over this channel's descriptor. */
    interface JdkUse<T> {
        T apply(FileChannel jdk) throws IOException;
    }

    /**
     * Runs {@code use} on a JDK channel opened on this channel's descriptor, with this channel's
     * access mode, as {@link FileChannel#map} does: a blocking operation on this channel.
     */
    abstract <T> T withJdkChannel(JdkUse<T> use) throws IOException;
}
