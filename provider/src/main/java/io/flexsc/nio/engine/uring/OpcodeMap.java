package io.flexsc.nio.engine.uring;

import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.engine.Blocking;
import io.flexsc.nio.engine.Call;
import io.flexsc.nio.ffi.SysNr;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * Translates system calls into io_uring SQEs whose effect equals the system call's: same result,
 * same {@code -errno}, same side effects (file position included).
 *
 * <p>A call is carried by the ring only when that equality holds; otherwise {@link #opcode} returns
 * {@link #FALLBACK} and the engine runs the call directly. Reasons to fall back: no opcode for the
 * system call (getpid, lseek, setsockopt, ...); the kernel lacks the opcode; the arguments take a path
 * io_uring treats differently ({@code read} at the file position without
 * {@code IORING_FEAT_RW_CUR_POS}; a negative {@code pread} offset, which io_uring would read as "the
 * current position" where the system call says EINVAL; {@code sendto}/{@code recvfrom} with an
 * address; {@code splice} with offset pointers, which io_uring would not update; lengths beyond
 * what an SQE holds; an {@code openat} that may wait, {@link Blocking}).
 *
 * <p>Immutable and thread-safe.
 */
final class OpcodeMap {
    /** {@link #opcode} result for a call the ring does not carry. */
    static final int FALLBACK = -1;

    /** Largest byte count passed through an SQE's 32-bit length (the kernel's MAX_RW_COUNT). */
    private static final long MAX_LEN = 0x7ffff000L;
    private static final long UIO_MAXIOV = 1024;
    private static final long SPLICE_F_ALL = 0x0f;

    static final int RWF_NOWAIT = Linux.RWF_NOWAIT;
    static final int MSG_DONTWAIT = Linux.MSG_DONTWAIT;
    static final int ACCEPT_DONTWAIT = 1 << 1;

    private final BitSet supported;
    /** {@link #supported} as an array: {@link #opcode} runs for every call, twice. */
    private final boolean[] usable;
    private final boolean curPos;
    private final boolean acceptDontwait;

    /**
     * @param supported the opcodes the kernel supports (and the engine may use)
     * @param rwCurPos whether the kernel has IORING_FEAT_RW_CUR_POS (offset -1 = file position)
     */
    OpcodeMap(BitSet supported, boolean rwCurPos) {
        this(supported, rwCurPos, acceptDontwaitIn(System.getProperty("os.version", "")));
    }

    /**
     * @param acceptDontwait whether the kernel takes IORING_ACCEPT_DONTWAIT (Linux 6.10); without
     *     it an accept is run directly: the flag is refused with EINVAL, and an accept in the ring
     *     without it would wait for a connection where the system call on an O_NONBLOCK socket says
     *     EAGAIN
     */
    OpcodeMap(BitSet supported, boolean rwCurPos, boolean acceptDontwait) {
        this.supported = (BitSet) supported.clone();
        this.usable = new boolean[Math.max(256, supported.length())];
        for (int op = supported.nextSetBit(0); op >= 0; op = supported.nextSetBit(op + 1)) {
            usable[op] = true;
        }
        this.curPos = rwCurPos;
        this.acceptDontwait = acceptDontwait;
    }

    /**
     * Whether a kernel release string ({@code uname -r}, e.g. "6.1.0-56-amd64") is 6.10 or later,
     * the first with IORING_ACCEPT_DONTWAIT. The flag has no feature bit of its own; an unparsable
     * release counts as older.
     */
    static boolean acceptDontwaitIn(String release) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release.trim());
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 6 || major == 6 && minor >= 10;
    }

    boolean supports(int op) {
        return supported.get(op);
    }

    /** The opcode that carries {@code c}, or {@link #FALLBACK}. */
    int opcode(Call c) {
        return opcode(c.nr(), c.a1(), c.a2(), c.a3(), c.a4(), c.a5());
    }

    /**
     * The opcode that carries the system call {@code nr} with these arguments (the descriptor,
     * {@code a0}, plays no part), or {@link #FALLBACK}: {@link #opcode(Call)} for callers that have
     * no {@link Call}.
     */
    int opcode(int nr, long a1, long a2, long a3, long a4, long a5) {
        int op = map(nr, a1, a2, a3, a4, a5);
        return op >= 0 && usable[op] ? op : FALLBACK;
    }

    private int map(int nr, long a1, long a2, long a3, long a4, long a5) {
        switch (nr) {
            case SysNr.READ:
                return curPos && len(a2) ? Uring.OP_READ : FALLBACK;
            case SysNr.WRITE:
                return curPos && len(a2) ? Uring.OP_WRITE : FALLBACK;
            case SysNr.PREAD64:
                return a3 >= 0 && len(a2) ? Uring.OP_READ : FALLBACK;
            case SysNr.PWRITE64:
                return a3 >= 0 && len(a2) ? Uring.OP_WRITE : FALLBACK;
            case SysNr.READV:
                return curPos && iovcnt(a2) ? Uring.OP_READV : FALLBACK;
            case SysNr.WRITEV:
                return curPos && iovcnt(a2) ? Uring.OP_WRITEV : FALLBACK;
            case SysNr.PREADV:
                return a3 >= 0 && iovcnt(a2) ? Uring.OP_READV : FALLBACK;
            case SysNr.PWRITEV:
                return a3 >= 0 && iovcnt(a2) ? Uring.OP_WRITEV : FALLBACK;
            case SysNr.PREADV2:
                return v2(a2, a3, a5) ? Uring.OP_READV : FALLBACK;
            case SysNr.PWRITEV2:
                return v2(a2, a3, a5) ? Uring.OP_WRITEV : FALLBACK;
            case SysNr.FSYNC:
            case SysNr.FDATASYNC:
                return Uring.OP_FSYNC;
            case SysNr.FALLOCATE:
                return Uring.OP_FALLOCATE;
            case SysNr.SENDTO:
                return a4 == 0 && len(a2) ? Uring.OP_SEND : FALLBACK;
            case SysNr.RECVFROM:
                return a4 == 0 && len(a2) ? Uring.OP_RECV : FALLBACK;
            case SysNr.SENDMSG:
                return Uring.OP_SENDMSG;
            case SysNr.RECVMSG:
                return Uring.OP_RECVMSG;
            case SysNr.ACCEPT:
            case SysNr.ACCEPT4:
                return acceptDontwait ? Uring.OP_ACCEPT : FALLBACK;
            case SysNr.CONNECT:
                // io_uring's CONNECT waits for the handshake even on an O_NONBLOCK socket, where the
                // system call says EINPROGRESS; it is carried only where the caller allows waiting.
                return FALLBACK;
            case SysNr.CLOSE:
                return Uring.OP_CLOSE;
            case SysNr.OPENAT:
                // io_uring tries an open non-blocking first: a FIFO would say ENXIO (no reader) or
                // not wait for its writer, where the system call waits (see Blocking)
                return Blocking.mayBlock(nr, a1, a2, a3) ? FALLBACK : Uring.OP_OPENAT;
            case SysNr.STATX:
                return Uring.OP_STATX;
            case SysNr.SPLICE:
                return a1 == 0 && a3 == 0 && (a5 & ~SPLICE_F_ALL) == 0 && len(a4)
                        ? Uring.OP_SPLICE : FALLBACK;
            case SysNr.SHUTDOWN:
                return Uring.OP_SHUTDOWN;
            case SysNr.EPOLL_CTL:
                return Uring.OP_EPOLL_CTL;
            case SysNr.FTRUNCATE:
                return Uring.OP_FTRUNCATE;
            case SysNr.SOCKET:
                return Uring.OP_SOCKET;
            default:
                return FALLBACK;
        }
    }

    private static boolean len(long n) {
        return n >= 0 && n <= MAX_LEN;
    }

    private static boolean iovcnt(long n) {
        return n >= 0 && n <= UIO_MAXIOV;
    }

    /** preadv2/pwritev2: offset -1 means the file position, below that the call says EINVAL. */
    private boolean v2(long iovcnt, long off, long flags) {
        return iovcnt(iovcnt) && (off >= 0 || (off == -1 && curPos)) && flags == (int) flags;
    }

    /**
     * Writes the SQE for {@code c} (whose {@link #opcode} is {@code op}) at byte {@code o} of the
     * zeroed SQE array {@code s}.
     */
    static void encode(Call c, int op, ByteBuffer s, int o, long userData, boolean nowait) {
        s.put(o + Uring.SQE_OPCODE, (byte) op);
        s.putLong(o + Uring.SQE_USER_DATA, userData);
        int fd = (int) c.a0();
        switch (c.nr()) {
            case SysNr.READ:
            case SysNr.WRITE:
            case SysNr.READV:
            case SysNr.WRITEV:
                rw(s, o, fd, c.a1(), c.a2(), -1L, nowait ? RWF_NOWAIT : 0);
                break;
            case SysNr.PREAD64:
            case SysNr.PWRITE64:
            case SysNr.PREADV:
            case SysNr.PWRITEV:
                rw(s, o, fd, c.a1(), c.a2(), c.a3(), nowait ? RWF_NOWAIT : 0);
                break;
            case SysNr.PREADV2:
            case SysNr.PWRITEV2:
                rw(s, o, fd, c.a1(), c.a2(), c.a3(), (int) c.a5() | (nowait ? RWF_NOWAIT : 0));
                break;
            case SysNr.FSYNC:
                s.putInt(o + Uring.SQE_FD, fd);
                break;
            case SysNr.FDATASYNC:
                s.putInt(o + Uring.SQE_FD, fd);
                s.putInt(o + Uring.SQE_OP_FLAGS, Uring.FSYNC_DATASYNC);
                break;
            case SysNr.FALLOCATE: // fallocate(fd, mode, offset, len)
                s.putInt(o + Uring.SQE_FD, fd);
                s.putInt(o + Uring.SQE_LEN, (int) c.a1());
                s.putLong(o + Uring.SQE_OFF, c.a2());
                s.putLong(o + Uring.SQE_ADDR, c.a3());
                break;
            case SysNr.SENDTO: // sendto(fd, buf, len, flags, NULL, 0)
            case SysNr.RECVFROM:
                s.putInt(o + Uring.SQE_FD, fd);
                s.putLong(o + Uring.SQE_ADDR, c.a1());
                s.putInt(o + Uring.SQE_LEN, (int) c.a2());
                s.putInt(o + Uring.SQE_OP_FLAGS, (int) c.a3() | (nowait ? MSG_DONTWAIT : 0));
                break;
            case SysNr.SENDMSG: // sendmsg(fd, msg, flags)
            case SysNr.RECVMSG:
                s.putInt(o + Uring.SQE_FD, fd);
                s.putLong(o + Uring.SQE_ADDR, c.a1());
                s.putInt(o + Uring.SQE_LEN, 1);
                s.putInt(o + Uring.SQE_OP_FLAGS, (int) c.a2() | (nowait ? MSG_DONTWAIT : 0));
                break;
            case SysNr.ACCEPT: // accept(fd, addr, addrlen)
            case SysNr.ACCEPT4: // accept4(fd, addr, addrlen, flags)
                s.putInt(o + Uring.SQE_FD, fd);
                s.putLong(o + Uring.SQE_ADDR, c.a1());
                s.putLong(o + Uring.SQE_OFF, c.a2());
                s.putInt(o + Uring.SQE_OP_FLAGS, c.nr() == SysNr.ACCEPT4 ? (int) c.a3() : 0);
                if (nowait) {
                    s.putShort(o + Uring.SQE_IOPRIO, (short) ACCEPT_DONTWAIT);
                }
                break;
            case SysNr.CLOSE:
                s.putInt(o + Uring.SQE_FD, fd);
                break;
            case SysNr.OPENAT: // openat(dirfd, path, flags, mode)
                s.putInt(o + Uring.SQE_FD, fd);
                s.putLong(o + Uring.SQE_ADDR, c.a1());
                s.putInt(o + Uring.SQE_OP_FLAGS, (int) c.a2());
                s.putInt(o + Uring.SQE_LEN, (int) c.a3());
                break;
            case SysNr.STATX: // statx(dirfd, path, flags, mask, buf)
                s.putInt(o + Uring.SQE_FD, fd);
                s.putLong(o + Uring.SQE_ADDR, c.a1());
                s.putInt(o + Uring.SQE_OP_FLAGS, (int) c.a2());
                s.putInt(o + Uring.SQE_LEN, (int) c.a3());
                s.putLong(o + Uring.SQE_OFF, c.a4());
                break;
            case SysNr.SPLICE: // splice(fd_in, NULL, fd_out, NULL, len, flags)
                s.putInt(o + Uring.SQE_SPLICE_FD_IN, fd);
                s.putLong(o + Uring.SQE_ADDR, -1L);
                s.putInt(o + Uring.SQE_FD, (int) c.a2());
                s.putLong(o + Uring.SQE_OFF, -1L);
                s.putInt(o + Uring.SQE_LEN, (int) c.a4());
                s.putInt(o + Uring.SQE_OP_FLAGS, (int) c.a5());
                break;
            case SysNr.SHUTDOWN: // shutdown(fd, how)
                s.putInt(o + Uring.SQE_FD, fd);
                s.putInt(o + Uring.SQE_LEN, (int) c.a1());
                break;
            case SysNr.EPOLL_CTL: // epoll_ctl(epfd, op, fd, event)
                s.putInt(o + Uring.SQE_FD, fd);
                s.putInt(o + Uring.SQE_LEN, (int) c.a1());
                s.putLong(o + Uring.SQE_OFF, c.a2());
                s.putLong(o + Uring.SQE_ADDR, c.a3());
                break;
            case SysNr.FTRUNCATE: // ftruncate(fd, length)
                s.putInt(o + Uring.SQE_FD, fd);
                s.putLong(o + Uring.SQE_OFF, c.a1());
                break;
            case SysNr.SOCKET: // socket(domain, type, protocol)
                s.putInt(o + Uring.SQE_FD, fd);
                s.putLong(o + Uring.SQE_OFF, c.a1());
                s.putInt(o + Uring.SQE_LEN, (int) c.a2());
                break;
            default:
                throw new IllegalArgumentException("no SQE for " + c);
        }
    }

    /**
     * Whether the engine first sends the call with its "don't wait" flag (RWF_NOWAIT, MSG_DONTWAIT,
     * IORING_ACCEPT_DONTWAIT). Not the "may block" rule ({@link Blocking}, which keeps a call out
     * of the ring): this is how a call the ring does carry keeps the system call's answer. io_uring
     * does not honour O_NONBLOCK (it waits for readiness where the system call says EAGAIN), so on
     * EAGAIN the engine looks at the descriptor and either reports EAGAIN (O_NONBLOCK) or retries
     * without the flag. For the socket calls that is exactly when they may block (the caller did
     * not ask for MSG_DONTWAIT itself); the read/write family always, except where the caller asked
     * for RWF_NOWAIT and for positional writes: they are only valid on seekable files, where the
     * system call ignores O_NONBLOCK too, while a buffered file write tried with RWF_NOWAIT is
     * refused and would cost a second trip through the ring (the engine still asks once per
     * descriptor whether its writes complete inline, see {@link InlineWrites}).
     */
    static boolean nowaitFirst(Call c) {
        switch (c.nr()) {
            case SysNr.READ:
            case SysNr.WRITE:
            case SysNr.READV:
            case SysNr.WRITEV:
            case SysNr.PREAD64:
            case SysNr.PREADV:
                return true;
            case SysNr.PREADV2:
            case SysNr.PWRITEV2:
                return (c.a5() & RWF_NOWAIT) == 0;
            case SysNr.SENDTO:
            case SysNr.RECVFROM:
            case SysNr.SENDMSG:
            case SysNr.RECVMSG:
            case SysNr.ACCEPT:
            case SysNr.ACCEPT4:
                return Blocking.mayBlock(c);
            default:
                return false; // PWRITE64 and PWRITEV among them, see above
        }
    }

    /** Whether the call is of the read/write family (its "don't wait" flag is RWF_NOWAIT). */
    static boolean isReadWrite(Call c) {
        switch (c.nr()) {
            case SysNr.SENDTO:
            case SysNr.RECVFROM:
            case SysNr.SENDMSG:
            case SysNr.RECVMSG:
            case SysNr.ACCEPT:
            case SysNr.ACCEPT4:
                return false;
            default:
                return true;
        }
    }

    private static void rw(ByteBuffer s, int o, int fd, long addr, long len, long off, int rwFlags) {
        s.putInt(o + Uring.SQE_FD, fd);
        s.putLong(o + Uring.SQE_ADDR, addr);
        s.putInt(o + Uring.SQE_LEN, (int) len);
        s.putLong(o + Uring.SQE_OFF, off);
        s.putInt(o + Uring.SQE_OP_FLAGS, rwFlags);
    }

    /** The names of the mapped opcodes this map may use, comma-separated (for diagnostics). */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (int op : Uring.USED_OPCODES) {
            if (op == Uring.OP_NOP || op == Uring.OP_ASYNC_CANCEL || op == Uring.OP_CONNECT || op == Uring.OP_POLL_ADD
                    || op == Uring.OP_LINK_TIMEOUT || op == Uring.OP_EPOLL_WAIT || !supported.get(op)) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(Uring.opName(op));
        }
        return sb.toString();
    }
}
