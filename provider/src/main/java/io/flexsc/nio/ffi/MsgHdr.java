package io.flexsc.nio.ffi;

import com.kenai.jffi.MemoryIO;

/**
 * Accessors for a {@code struct msghdr} in native memory ({@link #SIZE} bytes, x86_64), the
 * argument of {@code sendmsg}/{@code recvmsg}: an optional address ({@link SockAddr}), an iovec
 * array ({@link IoVec}) and optional control data. Stateless and thread safe; the memory is the
 * caller's and every pointer in it must stay valid until the call is done.
 */
public final class MsgHdr {
    private MsgHdr() {}

    /** {@code sizeof(struct msghdr)} on x86_64. */
    public static final int SIZE = 56;

    private static final MemoryIO IO = MemoryIO.getInstance();

    /**
     * Fills the header at {@code address}.
     *
     * @param name       a socket address (0 for none: a connected socket, or not wanted)
     * @param nameLen    its length; for {@code recvmsg}, the room at {@code name}
     * @param iov        the iovec array's address
     * @param iovLen     its entry count
     * @param control    ancillary data (0 for none)
     * @param controlLen its length, or room for {@code recvmsg}
     */
    public static void put(long address, long name, int nameLen, long iov, int iovLen, long control, long controlLen) {
        IO.setMemory(address, SIZE, (byte) 0);
        IO.putLong(address, name);
        IO.putInt(address + 8, nameLen);
        IO.putLong(address + 16, iov);
        IO.putLong(address + 24, iovLen);
        IO.putLong(address + 32, control);
        IO.putLong(address + 40, controlLen);
    }

    /** The address length the kernel stored ({@code msg_namelen}) after {@code recvmsg}. */
    public static int nameLen(long address) {
        return IO.getInt(address + 8);
    }

    /** The control length the kernel stored ({@code msg_controllen}) after {@code recvmsg}. */
    public static long controlLen(long address) {
        return IO.getLong(address + 40);
    }

    /** The flags the kernel stored ({@code msg_flags}, e.g. {@code Linux.MSG_TRUNC}) after {@code recvmsg}. */
    public static int flags(long address) {
        return IO.getInt(address + 48);
    }
}
