package io.flexsc.nio.engine.kmod;

/**
 * The user-space ABI of the FlexSC kernel module, mirrored from
 * {@code native-kmod/include/uapi/flexsc.h} (ABI version {@value #ABI_VERSION}). Offsets and sizes
 * here must match that header; {@code FlexscAbiTest} compiles the header with the C compiler and
 * compares every value.
 */
final class FlexscAbi {
    private FlexscAbi() {}

    static final int ABI_VERSION = 1;
    static final String DEVICE = "/dev/flexsc";
    static final int MAGIC = 0x46435358;

    static final int MIN_ENTRIES = 1;
    static final int MAX_ENTRIES = 4096;
    static final int ENTRY_SIZE = 64;
    static final int HEADER_SIZE = 4096;

    // flexsc_entry.status
    static final int STATUS_FREE = 0;
    static final int STATUS_SUBMITTED = 1;
    static final int STATUS_BUSY = 2;
    static final int STATUS_DONE = 3;
    /** Ours, not the kernel's: an entry a submitter has claimed and is filling (the kernel ignores it). */
    static final int STATUS_CLAIMED = 0x10;

    // struct flexsc_entry
    static final int ENTRY_STATUS = 0;
    static final int ENTRY_NR = 4;
    static final int ENTRY_ARGS = 8;
    static final int ENTRY_RESULT = 8; // shares storage with args[0]
    static final int ENTRY_TAG = 56;

    // struct flexsc_header
    static final int HDR_MAGIC = 0;
    static final int HDR_ABI_VERSION = 4;
    static final int HDR_NENTRIES = 8;
    static final int HDR_ENTRIES_OFFSET = 12;
    static final int HDR_FLAGS = 16;
    static final int HDR_NWORKERS = 20;
    static final int HDR_NSLEEPING = 24;
    static final int HDR_COMPLETED = 32;
    static final int HDR_NEED_WAKEUP = 1;

    // struct flexsc_register (40 bytes)
    static final int REGISTER_SIZE = 40;
    static final int REG_NENTRIES = 0;
    static final int REG_FLAGS = 4;
    static final int REG_CPUMASK_PTR = 8;
    static final int REG_CPUMASK_SIZE = 16;
    static final int REG_ABI_VERSION = 20;
    static final int REG_ENTRY_SIZE = 24;
    static final int REG_ENTRIES_OFFSET = 28;
    static final int REG_AREA_SIZE = 32;

    // struct flexsc_work (24 bytes)
    static final int WORK_SIZE = 24;
    static final int WORK_SPIN_US = 0;
    static final int WORK_FLAGS = 4;
    static final int WORK_EXECUTED = 8;
    static final int WORK_REASON = 16;
    static final int WORK_REASON_TASKWORK = 1;
    static final int WORK_REASON_STOPPED = 2;

    // struct flexsc_wait (16 bytes)
    static final int WAIT_SIZE = 16;
    static final int WAIT_INDEX = 0;
    static final int WAIT_FLAGS = 4;
    static final int WAIT_TIMEOUT_NS = 8;
    static final int WAIT_ANY = 0xffffffff;

    // struct flexsc_stats (8 x u64)
    static final int STATS_SIZE = 64;
    static final String[] STATS_FIELDS = {"entries", "batches", "empty_scans", "sleeps", "wakeups", "eperm", "enosys", "waits"};

    // ioctl numbers: _IOC(dir, type, nr, size) = dir << 30 | size << 16 | type << 8 | nr
    static final int IOC_BASE = 0xF5;
    private static final int IOC_NONE = 0;
    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;

    static long ioc(int dir, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | ((long) IOC_BASE << 8) | nr;
    }

    static final long IOC_VERSION = ioc(IOC_READ, 0, 4);
    static final long IOC_REGISTER = ioc(IOC_READ | IOC_WRITE, 1, REGISTER_SIZE);
    static final long IOC_WORK = ioc(IOC_READ | IOC_WRITE, 2, WORK_SIZE);
    static final long IOC_WAKE = ioc(IOC_NONE, 3, 0);
    static final long IOC_WAIT = ioc(IOC_WRITE, 4, WAIT_SIZE);
    static final long IOC_STATS = ioc(IOC_READ, 5, STATS_SIZE);
    static final long IOC_STOP = ioc(IOC_NONE, 6, 0);
}
