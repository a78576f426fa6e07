package io.flexsc.nio.engine.uring;

import java.util.ArrayList;
import java.util.List;

/**
 * The io_uring kernel ABI as this engine uses it: opcodes, setup/enter/register flags, feature bits
 * and the byte layout of {@code io_uring_params}, the SQE and the CQE (from
 * {@code include/uapi/linux/io_uring.h}). Constants only.
 */
final class Uring {
    private Uring() {}

    // ---- opcodes (enum io_uring_op) ----
    static final int OP_NOP = 0;
    static final int OP_READV = 1;
    static final int OP_WRITEV = 2;
    static final int OP_FSYNC = 3;
    static final int OP_POLL_ADD = 6;
    static final int OP_SENDMSG = 9;
    static final int OP_RECVMSG = 10;
    static final int OP_ACCEPT = 13;
    static final int OP_ASYNC_CANCEL = 14;
    static final int OP_LINK_TIMEOUT = 15;
    static final int OP_CONNECT = 16;
    static final int OP_FALLOCATE = 17;
    static final int OP_OPENAT = 18;
    static final int OP_CLOSE = 19;
    static final int OP_STATX = 21;
    static final int OP_READ = 22;
    static final int OP_WRITE = 23;
    static final int OP_SEND = 26;
    static final int OP_RECV = 27;
    static final int OP_EPOLL_CTL = 29;
    static final int OP_SPLICE = 30;
    static final int OP_SHUTDOWN = 34;
    static final int OP_SOCKET = 45;
    static final int OP_FTRUNCATE = 55;
    /** Linux 6.15: an epoll_wait that waits in the ring (a poll on the epoll file, no thread). */
    static final int OP_EPOLL_WAIT = 59;
    /** One past the highest opcode number this engine names. */
    static final int OP_LIMIT = 60;

    /** The opcodes the engine maps system calls to, plus the control opcodes it issues itself. */
    static final int[] USED_OPCODES = {
        OP_NOP, OP_READV, OP_WRITEV, OP_FSYNC, OP_POLL_ADD, OP_SENDMSG, OP_RECVMSG, OP_ACCEPT, OP_ASYNC_CANCEL,
        OP_CONNECT, OP_FALLOCATE, OP_OPENAT, OP_CLOSE, OP_STATX, OP_READ, OP_WRITE, OP_SEND, OP_RECV,
        OP_EPOLL_CTL, OP_SPLICE, OP_SHUTDOWN, OP_SOCKET, OP_FTRUNCATE, OP_LINK_TIMEOUT, OP_EPOLL_WAIT,
    };

    static String opName(int op) {
        switch (op) {
            case OP_NOP: return "NOP";
            case OP_READV: return "READV";
            case OP_WRITEV: return "WRITEV";
            case OP_FSYNC: return "FSYNC";
            case OP_POLL_ADD: return "POLL_ADD";
            case OP_SENDMSG: return "SENDMSG";
            case OP_RECVMSG: return "RECVMSG";
            case OP_ACCEPT: return "ACCEPT";
            case OP_ASYNC_CANCEL: return "ASYNC_CANCEL";
            case OP_CONNECT: return "CONNECT";
            case OP_FALLOCATE: return "FALLOCATE";
            case OP_OPENAT: return "OPENAT";
            case OP_CLOSE: return "CLOSE";
            case OP_STATX: return "STATX";
            case OP_READ: return "READ";
            case OP_WRITE: return "WRITE";
            case OP_SEND: return "SEND";
            case OP_RECV: return "RECV";
            case OP_EPOLL_CTL: return "EPOLL_CTL";
            case OP_SPLICE: return "SPLICE";
            case OP_SHUTDOWN: return "SHUTDOWN";
            case OP_SOCKET: return "SOCKET";
            case OP_FTRUNCATE: return "FTRUNCATE";
            case OP_LINK_TIMEOUT: return "LINK_TIMEOUT";
            case OP_EPOLL_WAIT: return "EPOLL_WAIT";
            default: return "OP#" + op;
        }
    }

    // ---- io_uring_setup flags ----
    static final int SETUP_SQPOLL = 1 << 1;
    static final int SETUP_CQSIZE = 1 << 3;
    static final int SETUP_CLAMP = 1 << 4;
    static final int SETUP_SUBMIT_ALL = 1 << 7;

    // ---- features (io_uring_params.features) ----
    static final int FEAT_SINGLE_MMAP = 1;
    static final int FEAT_NODROP = 1 << 1;
    static final int FEAT_SUBMIT_STABLE = 1 << 2;
    static final int FEAT_RW_CUR_POS = 1 << 3;
    static final int FEAT_FAST_POLL = 1 << 5;
    static final int FEAT_EXT_ARG = 1 << 8;

    static String featureNames(int features) {
        List<String> names = new ArrayList<>();
        String[] known = {"SINGLE_MMAP", "NODROP", "SUBMIT_STABLE", "RW_CUR_POS", "CUR_PERSONALITY",
            "FAST_POLL", "POLL_32BITS", "SQPOLL_NONFIXED", "EXT_ARG", "NATIVE_WORKERS", "RSRC_TAGS",
            "CQE_SKIP", "LINKED_FILE", "REG_REG_RING", "RECVSEND_BUNDLE", "MIN_TIMEOUT", "RW_ATTR", "NO_IOWAIT"};
        for (int i = 0; i < 32; i++) {
            if ((features & (1 << i)) != 0) {
                names.add(i < known.length ? known[i] : "bit" + i);
            }
        }
        return String.join(",", names);
    }

    // ---- io_uring_enter flags ----
    static final int ENTER_GETEVENTS = 1;
    static final int ENTER_SQ_WAKEUP = 1 << 1;
    static final int ENTER_SQ_WAIT = 1 << 2;
    static final int ENTER_EXT_ARG = 1 << 3;

    // ---- sq ring flags ----
    static final int SQ_NEED_WAKEUP = 1;
    static final int SQ_CQ_OVERFLOW = 1 << 1;

    // ---- io_uring_register opcodes and probe ----
    static final int REGISTER_PROBE = 8;
    static final int PROBE_OPS = 256;
    static final int PROBE_HEADER = 16;
    static final int PROBE_OP_SIZE = 8;
    static final int IO_URING_OP_SUPPORTED = 1;

    // ---- SQE flags (io_uring_sqe.flags) ----
    /** IOSQE_IO_LINK: the next SQE is linked to this one (here: a LINK_TIMEOUT bounds it). */
    static final int SQE_IO_LINK = 1 << 2;

    // ---- op-specific flags ----
    static final int FSYNC_DATASYNC = 1;
    static final int ASYNC_CANCEL_ALL = 1;

    // ---- mmap offsets ----
    static final long OFF_SQ_RING = 0L;
    static final long OFF_CQ_RING = 0x8000000L;
    static final long OFF_SQES = 0x10000000L;

    // ---- struct io_uring_params (120 bytes) ----
    static final int PARAMS_SIZE = 120;
    static final int P_SQ_ENTRIES = 0;
    static final int P_CQ_ENTRIES = 4;
    static final int P_FLAGS = 8;
    static final int P_SQ_THREAD_CPU = 12;
    static final int P_SQ_THREAD_IDLE = 16;
    static final int P_FEATURES = 20;
    static final int P_SQ_OFF = 40;
    static final int P_CQ_OFF = 80;
    // struct io_sqring_offsets, relative to P_SQ_OFF
    static final int SQO_HEAD = 0;
    static final int SQO_TAIL = 4;
    static final int SQO_RING_MASK = 8;
    static final int SQO_RING_ENTRIES = 12;
    static final int SQO_FLAGS = 16;
    static final int SQO_DROPPED = 20;
    static final int SQO_ARRAY = 24;
    // struct io_cqring_offsets, relative to P_CQ_OFF
    static final int CQO_HEAD = 0;
    static final int CQO_TAIL = 4;
    static final int CQO_RING_MASK = 8;
    static final int CQO_RING_ENTRIES = 12;
    static final int CQO_OVERFLOW = 16;
    static final int CQO_CQES = 20;

    // ---- struct io_uring_sqe (64 bytes) ----
    static final int SQE_SIZE = 64;
    static final int SQE_OPCODE = 0;   // u8
    static final int SQE_FLAGS = 1;    // u8
    static final int SQE_IOPRIO = 2;   // u16
    static final int SQE_FD = 4;       // s32
    static final int SQE_OFF = 8;      // u64, also addr2
    static final int SQE_ADDR = 16;    // u64, also splice_off_in
    static final int SQE_LEN = 24;     // u32
    static final int SQE_OP_FLAGS = 28; // u32: rw_flags, fsync_flags, msg_flags, accept_flags, ...
    static final int SQE_USER_DATA = 32; // u64
    static final int SQE_SPLICE_FD_IN = 44; // s32
    // ---- struct io_uring_cqe (16 bytes) ----
    static final int CQE_SIZE = 16;
    static final int CQE_USER_DATA = 0;
    static final int CQE_RES = 8;

    // ---- struct io_uring_getevents_arg (24 bytes) + __kernel_timespec (16 bytes) ----
    static final int GETEVENTS_ARG_SIZE = 24;
    static final int GEA_TS = 16;
}
