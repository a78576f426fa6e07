package io.flexsc.nio.ffi;

import com.kenai.jffi.MemoryIO;
import java.nio.file.attribute.FileTime;

/**
 * A decoded {@code struct statx} ({@link #SIZE} bytes), as {@code statx(2)} fills it. Only the
 * fields whose bits are set in {@link #mask()} are meaningful; {@link #has(int)} tells. Immutable
 * and thread safe.
 */
public final class Statx {
    /** {@code sizeof(struct statx)}. */
    public static final int SIZE = 256;

    public static final int STATX_TYPE = 0x001;
    public static final int STATX_MODE = 0x002;
    public static final int STATX_NLINK = 0x004;
    public static final int STATX_UID = 0x008;
    public static final int STATX_GID = 0x010;
    public static final int STATX_ATIME = 0x020;
    public static final int STATX_MTIME = 0x040;
    public static final int STATX_CTIME = 0x080;
    public static final int STATX_INO = 0x100;
    public static final int STATX_SIZE = 0x200;
    public static final int STATX_BLOCKS = 0x400;
    /** All of the above: what {@code stat} returns. */
    public static final int STATX_BASIC_STATS = 0x7ff;
    public static final int STATX_BTIME = 0x800;

    private static final MemoryIO IO = MemoryIO.getInstance();

    private final int mask;
    private final int blksize;
    private final int nlink;
    private final int uid;
    private final int gid;
    private final int mode;
    private final long ino;
    private final long size;
    private final long blocks;
    private final long atimeSec, mtimeSec, ctimeSec, btimeSec;
    private final int atimeNsec, mtimeNsec, ctimeNsec, btimeNsec;
    private final int rdevMajor, rdevMinor, devMajor, devMinor;

    private Statx(long a) {
        mask = IO.getInt(a);
        blksize = IO.getInt(a + 4);
        nlink = IO.getInt(a + 16);
        uid = IO.getInt(a + 20);
        gid = IO.getInt(a + 24);
        mode = IO.getShort(a + 28) & 0xffff;
        ino = IO.getLong(a + 32);
        size = IO.getLong(a + 40);
        blocks = IO.getLong(a + 48);
        atimeSec = IO.getLong(a + 64);
        atimeNsec = IO.getInt(a + 72);
        btimeSec = IO.getLong(a + 80);
        btimeNsec = IO.getInt(a + 88);
        ctimeSec = IO.getLong(a + 96);
        ctimeNsec = IO.getInt(a + 104);
        mtimeSec = IO.getLong(a + 112);
        mtimeNsec = IO.getInt(a + 120);
        rdevMajor = IO.getInt(a + 128);
        rdevMinor = IO.getInt(a + 132);
        devMajor = IO.getInt(a + 136);
        devMinor = IO.getInt(a + 140);
    }

    /** Decodes the {@code struct statx} at {@code address}. */
    public static Statx decode(long address) {
        return new Statx(address);
    }

    /** The {@code STATX_*} bits the kernel filled in. */
    public int mask() { return mask; }
    /** True when every bit of {@code bits} is in {@link #mask()}. */
    public boolean has(int bits) { return (mask & bits) == bits; }

    public int blockSize() { return blksize; }
    public long nlink() { return nlink & 0xffffffffL; }
    public int uid() { return uid; }
    public int gid() { return gid; }
    /** Type and permission bits, as {@link Stat#mode()}. */
    public int mode() { return mode; }
    public long ino() { return ino; }
    public long size() { return size; }
    public long blocks() { return blocks; }
    /** The device as a {@code dev_t}, as {@code stat}'s {@code st_dev} gives it. */
    public long dev() { return makedev(devMajor, devMinor); }
    public long rdev() { return makedev(rdevMajor, rdevMinor); }
    public int devMajor() { return devMajor; }
    public int devMinor() { return devMinor; }

    public FileTime lastAccessTime() { return Stat.time(atimeSec, atimeNsec & 0xffffffffL); }
    public FileTime lastModifiedTime() { return Stat.time(mtimeSec, mtimeNsec & 0xffffffffL); }
    public FileTime changeTime() { return Stat.time(ctimeSec, ctimeNsec & 0xffffffffL); }
    /** The creation time, or null when the file system does not report one. */
    public FileTime creationTime() { return has(STATX_BTIME) ? Stat.time(btimeSec, btimeNsec & 0xffffffffL) : null; }

    /** glibc's {@code makedev}: the {@code dev_t} of a major and minor number. */
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }

    @Override
    public String toString() {
        return "Statx[mask=0x" + Integer.toHexString(mask) + ", dev=" + devMajor + ":" + devMinor + ", ino=" + ino
                + ", mode=0" + Integer.toOctalString(mode) + ", size=" + size + "]";
    }
}
