package io.flexsc.nio.fs;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileLock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock taken through one of our channels (a {@link FlexFileChannel}, or the channel behind a
 * {@link FlexAsynchronousFileChannel}). Valid until released or until its channel closes.
 *
 * <p>Thread safety: safe; release is idempotent.
 */
final class FlexFileLock extends FileLock {
    private final FlexFileChannel owner;
    private volatile boolean invalid;
    /**
     * Serialises release with the channel's close (a lock, not a monitor: the kernel unlock is an
     * engine call, which may park a virtual thread, and a monitor held across a park pins its
     * carrier on JDK 21-23).
     */
    final ReentrantLock releaseLock = new ReentrantLock();

    FlexFileLock(FlexFileChannel owner, long position, long size, boolean shared) {
        super(owner, position, size, shared);
        this.owner = owner;
    }

    FlexFileLock(AsynchronousFileChannel acquiredBy, FlexFileChannel owner, long position, long size, boolean shared) {
        super(acquiredBy, position, size, shared);
        this.owner = owner;
    }

    /** The channel whose descriptor holds the kernel lock. */
    FlexFileChannel owner() {
        return owner;
    }

    @Override
    public boolean isValid() {
        return !invalid && acquiredBy().isOpen();
    }

    boolean isInvalidated() {
        return invalid;
    }

    void invalidate() {
        invalid = true;
    }

    @Override
    public void release() throws IOException {
        if (!acquiredBy().isOpen()) {
            throw new ClosedChannelException();
        }
        releaseLock.lock();
        try {
            if (!invalid) {
                owner.release(this);
                invalid = true;
            }
        } finally {
            releaseLock.unlock();
        }
    }
}
