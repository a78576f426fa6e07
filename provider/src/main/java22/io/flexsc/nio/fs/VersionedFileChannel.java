package io.flexsc.nio.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * The part of {@link FlexFileChannel} that depends on the JDK's version; the JDK 22+ version
 * (META-INF/versions/22 of the multi-release jar; the JDK 17 version is in {@code src/main/java}).
 */
abstract class VersionedFileChannel extends FileChannel {
    interface JdkUse<T> {
        T apply(FileChannel jdk) throws IOException;
    }

    abstract <T> T withJdkChannel(JdkUse<T> use) throws IOException;

    /**
     * Maps through the JDK's own channel over the same descriptor, as {@link #map(MapMode, long, long)}
     * does: the segment is the JDK's, unmapped when the arena closes; the JDK's checks and exceptions.
     */
    @Override
    public MemorySegment map(MapMode mode, long offset, long size, Arena arena) throws IOException {
        Objects.requireNonNull(mode, "Mode is null");
        Objects.requireNonNull(arena, "Arena is null");
        return withJdkChannel(jdk -> jdk.map(mode, offset, size, arena));
    }
}
