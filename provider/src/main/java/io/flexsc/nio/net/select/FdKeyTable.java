package io.flexsc.nio.net.select;

import java.util.Arrays;

/**
 * Descriptor number to selection key, for a selector's event processing: an array indexed by the
 * descriptor (descriptors are small, dense numbers), so a lookup per ready event neither boxes an
 * {@code Integer} nor walks a hash bucket. It grows to the largest descriptor registered.
 *
 * <p>Not thread-safe: the selector thread (holding the selector's lock) only.
 */
final class FdKeyTable {
    private FlexSelectionKey[] keys = new FlexSelectionKey[64];

    /** The key of {@code fd}, or null. */
    FlexSelectionKey get(int fd) {
        FlexSelectionKey[] a = keys;
        return fd >= 0 && fd < a.length ? a[fd] : null;
    }

    /** Maps {@code fd} to {@code k}. */
    void put(int fd, FlexSelectionKey k) {
        if (fd < 0) {
            throw new IllegalArgumentException("negative descriptor " + fd);
        }
        if (fd >= keys.length) {
            keys = Arrays.copyOf(keys, Math.max(fd + 1, keys.length * 2));
        }
        keys[fd] = k;
    }

    /** Unmaps {@code fd}. */
    void remove(int fd) {
        if (fd >= 0 && fd < keys.length) {
            keys[fd] = null;
        }
    }
}
