package io.flexsc.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One benchmark thread's JDK {@link FileChannel} on the {@link TargetFile} and its 64-byte direct
 * buffer: the same descriptor-per-thread, direct-memory set-up the engine benchmarks have.
 * Not thread-safe.
 */
@State(Scope.Thread)
public class JdkChannel {
    private final Offsets offsets = new Offsets();
    private FileChannel channel;
    private ByteBuffer buffer;
    private boolean positional;

    @Setup(Level.Trial)
    public void open(TargetFile target) throws IOException {
        buffer = ByteBuffer.allocateDirect(TargetFile.WRITE_SIZE);
        for (int i = 0; i < TargetFile.WRITE_SIZE; i++) {
            buffer.put(i, (byte) ('a' + i % 26));
        }
        // RandomAccessFile's channel is always the JDK's FileChannelImpl, even if a flexsc
        // FileSystemProvider is installed as the default provider.
        channel = new RandomAccessFile(target.path().toFile(), "rw").getChannel();
        positional = target.positional();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        channel.close();
    }

    /** One 64-byte {@code write(buf)} or {@code write(buf, position)}; checks that all went out. */
    int write() throws IOException {
        buffer.clear();
        int n = positional ? channel.write(buffer, offsets.next()) : channel.write(buffer);
        if (n != TargetFile.WRITE_SIZE) {
            throw new IllegalStateException("FileChannel.write wrote " + n + " of " + TargetFile.WRITE_SIZE + " bytes");
        }
        return n;
    }
}
