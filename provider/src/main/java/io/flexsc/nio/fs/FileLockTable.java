package io.flexsc.nio.fs;

import java.nio.channels.OverlappingFileLockException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The locks this JVM holds through our channels, per file (device and inode), so that an overlapping
 * request from any of our channels on the same file fails with {@link OverlappingFileLockException}
 * before it reaches the kernel, as the JDK's lock table does.
 *
 * <p>Thread safety: safe for any number of threads; each file's list is guarded by itself.
 */
final class FileLockTable {
    private FileLockTable() {}

    /** A file's identity. */
    record FileKey(long dev, long ino) {}

    private static final ConcurrentHashMap<FileKey, List<FlexFileLock>> TABLE = new ConcurrentHashMap<>();

    /** Adds a lock, failing if it overlaps one already held in this JVM on the same file. */
    static void add(FileKey key, FlexFileLock lock) {
        for (;;) {
            List<FlexFileLock> list = TABLE.computeIfAbsent(key, k -> new ArrayList<>(2));
            synchronized (list) {
                if (TABLE.get(key) != list) {
                    continue; // emptied and removed meanwhile
                }
                for (FlexFileLock l : list) {
                    if (l.overlaps(lock.position(), lock.size())) {
                        throw new OverlappingFileLockException();
                    }
                }
                list.add(lock);
                return;
            }
        }
    }

    /** Removes one lock (no-op if absent). */
    static void remove(FileKey key, FlexFileLock lock) {
        List<FlexFileLock> list = TABLE.get(key);
        if (list == null) {
            return;
        }
        synchronized (list) {
            list.remove(lock);
            if (list.isEmpty()) {
                TABLE.remove(key, list);
            }
        }
    }

    /** Removes and returns every lock that {@code owner} holds on the file. */
    static List<FlexFileLock> removeAll(FileKey key, FlexFileChannel owner) {
        List<FlexFileLock> out = new ArrayList<>();
        List<FlexFileLock> list = TABLE.get(key);
        if (list == null) {
            return out;
        }
        synchronized (list) {
            for (FlexFileLock l : list) {
                if (l.owner() == owner) {
                    out.add(l);
                }
            }
            list.removeAll(out);
            if (list.isEmpty()) {
                TABLE.remove(key, list);
            }
        }
        return out;
    }
}
