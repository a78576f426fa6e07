package io.flexsc.nio.engine.uring;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.ffi.SysNr;

/**
 * What the engine has learned, per descriptor, about whether io_uring can complete a buffered
 * write inline (inside the io_uring_enter that submits it).
 *
 * <p>A file system without asynchronous buffered writes (ext4 and tmpfs among them) makes io_uring
 * hand every buffered write to an io-wq kernel thread. Even XFS, which has had them since Linux 6.0,
 * refused every one of 100,000 {@code RWF_NOWAIT} writes to a cached file on Linux 6.18 here (they
 * presumably must update the file's times, which may block). In a batch that
 * is a thread hand-off and a wake-up per write, several times the cost of the {@code pwrite} the
 * caller would have made, so such writes are better run directly. The engine finds out by asking:
 * a positional write to a descriptor in state {@link #UNKNOWN} goes into the ring with
 * {@code RWF_NOWAIT}; a result means {@link #INLINE}, a refusal ({@code EAGAIN},
 * {@code EOPNOTSUPP}) from a regular file or block device means {@link #PUNTED}. After that,
 * positional writes to a punted descriptor run on the caller's thread and those to an inline one go
 * into the ring without the flag.
 *
 * <p>Only positional writes are routed by the table: they are valid on seekable files alone, so a
 * stale state left by a file whose number now names a socket or a pipe never sends those
 * descriptors' writes the wrong way. Plain writes (files opened for APPEND) carry RWF_NOWAIT
 * always, and the engine runs a refused one directly rather than again through the ring.
 *
 * <p>An engine shares its table with its siblings (their rings meet the same descriptors).
 *
 * <p>The state is a hint, never a correctness matter: every route gives the system call's result.
 * A descriptor number can be reused for another file without the engine seeing the close, so one
 * write in {@link #PROBE_EVERY} asks again. Descriptors at or above {@link #TRACKED} are not tracked
 * (always asked). The table is read and written without synchronisation: a stale or lost update
 * costs at most one more question.
 */
final class InlineWrites {
    static final byte UNKNOWN = 0;
    static final byte INLINE = 1;
    static final byte PUNTED = 2;
    /** Descriptors below this are tracked. */
    static final int TRACKED = 1 << 16;
    /** One write in this many asks the kernel again, whatever the state. */
    static final int PROBE_EVERY = 1024;

    private final byte[] state = new byte[TRACKED];
    private int tick;

    /** Whether {@code c} is a write of any form whose caller did not ask for RWF_NOWAIT itself. */
    static boolean isWrite(Call c) {
        return isWrite(c.nr(), c.a5());
    }

    /** {@link #isWrite(Call)} for system call {@code nr} whose sixth argument is {@code a5}. */
    static boolean isWrite(int nr, long a5) {
        switch (nr) {
            case SysNr.WRITE:
            case SysNr.WRITEV:
            case SysNr.PWRITE64:
            case SysNr.PWRITEV:
                return true;
            case SysNr.PWRITEV2:
                return (a5 & OpcodeMap.RWF_NOWAIT) == 0;
            default:
                return false;
        }
    }

    /** Whether {@code c} is a positional write (the calls this table routes). */
    static boolean isPositionalWrite(Call c) {
        return isPositionalWrite(c.nr(), c.a5());
    }

    private static boolean isPositionalWrite(int nr, long a5) {
        return nr != SysNr.WRITE && nr != SysNr.WRITEV && isWrite(nr, a5);
    }

    /** The learned state of {@code fd}. */
    byte state(int fd) {
        return fd >= 0 && fd < TRACKED ? state[fd] : UNKNOWN;
    }

    /** Whether {@code c} should skip the ring: a positional write to a descriptor whose writes io_uring punts. */
    boolean runDirect(Call c) {
        return runDirect(c.nr(), c.a0(), c.a5());
    }

    /** {@link #runDirect(Call)} for system call {@code nr} with arguments {@code a0} and {@code a5}. */
    boolean runDirect(int nr, long a0, long a5) {
        return isPositionalWrite(nr, a5) && state((int) a0) == PUNTED && !probeTick();
    }

    /**
     * Whether {@code c}, going into the ring, should carry RWF_NOWAIT to learn the descriptor's
     * state. Only positional writes need this: the engine tries every other write with the flag
     * anyway ({@link OpcodeMap#nowaitFirst}).
     */
    boolean ask(Call c) {
        return isPositionalWrite(c) && (state((int) c.a0()) != INLINE || probeTick());
    }

    /** A write tried with RWF_NOWAIT completed: the kernel can do this descriptor's writes inline. */
    void inline(Call c) {
        if (isPositionalWrite(c)) {
            set((int) c.a0(), INLINE);
        }
    }

    /** A write tried with RWF_NOWAIT was refused by a regular file or block device. */
    void punted(Call c) {
        if (isPositionalWrite(c)) {
            set((int) c.a0(), PUNTED);
        }
    }

    /** The descriptor was closed through the engine: whatever it is next, ask again. */
    void forget(int fd) {
        set(fd, UNKNOWN);
    }

    private void set(int fd, byte s) {
        if (fd >= 0 && fd < TRACKED && state[fd] != s) {
            state[fd] = s;
        }
    }

    private boolean probeTick() {
        int t = tick + 1;
        tick = t == PROBE_EVERY ? 0 : t;
        return t == PROBE_EVERY;
    }
}
