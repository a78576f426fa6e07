package io.flexsc.nio.ffi;

import com.kenai.jffi.MemoryIO;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * A decoded {@code struct stat} (x86_64 layout, {@link #SIZE} bytes), as {@code fstat} fills it.
 * Immutable and thread safe; {@link #decode(long)} copies the fields out of native memory.
 */
public final class Stat {
    /** {@code sizeof(struct stat)} on x86_64. */
    public static final int SIZE = 144;

    /** File type bits of {@link #mode()} ({@code S_IFMT}) and the types. */
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    private static final MemoryIO IO = MemoryIO.getInstance();

    private final long dev;
    private final long ino;
    private final long nlink;
    private final int mode;
    private final int uid;
    private final int gid;
    private final long rdev;
    private final long size;
    private final long blksize;
    private final long blocks;
    private final long atimeSec, atimeNsec, mtimeSec, mtimeNsec, ctimeSec, ctimeNsec;

    private Stat(long a) {
        dev = IO.getLong(a);
        ino = IO.getLong(a + 8);
        nlink = IO.getLong(a + 16);
        mode = IO.getInt(a + 24);
        uid = IO.getInt(a + 28);
        gid = IO.getInt(a + 32);
        rdev = IO.getLong(a + 40);
        size = IO.getLong(a + 48);
        blksize = IO.getLong(a + 56);
        blocks = IO.getLong(a + 64);
        atimeSec = IO.getLong(a + 72);
        atimeNsec = IO.getLong(a + 80);
        mtimeSec = IO.getLong(a + 88);
        mtimeNsec = IO.getLong(a + 96);
        ctimeSec = IO.getLong(a + 104);
        ctimeNsec = IO.getLong(a + 112);
    }

    /** Decodes the {@code struct stat} at {@code address}. */
    public static Stat decode(long address) {
        return new Stat(address);
    }

    public long dev() { return dev; }
    public long ino() { return ino; }
    public long nlink() { return nlink; }
    /** Type and permission bits ({@code st_mode}). */
    public int mode() { return mode; }
    public int uid() { return uid; }
    public int gid() { return gid; }
    public long rdev() { return rdev; }
    public long size() { return size; }
    public long blockSize() { return blksize; }
    /** Allocated 512-byte blocks. */
    public long blocks() { return blocks; }

    public boolean isRegularFile() { return (mode & S_IFMT) == S_IFREG; }
    public boolean isDirectory() { return (mode & S_IFMT) == S_IFDIR; }
    public boolean isSymbolicLink() { return (mode & S_IFMT) == S_IFLNK; }

    public FileTime lastAccessTime() { return time(atimeSec, atimeNsec); }
    public FileTime lastModifiedTime() { return time(mtimeSec, mtimeNsec); }
    /** The inode change time ({@code st_ctime}). */
    public FileTime changeTime() { return time(ctimeSec, ctimeNsec); }

    static FileTime time(long sec, long nsec) {
        return FileTime.from(Math.addExact(Math.multiplyExact(sec, 1_000_000_000L), nsec), TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "Stat[dev=" + dev + ", ino=" + ino + ", mode=0" + Integer.toOctalString(mode) + ", nlink=" + nlink
                + ", size=" + size + ", mtime=" + lastModifiedTime() + "]";
    }
}
