package io.flexsc.nio.ffi;

import java.nio.ByteBuffer;

/**
 * The direct path into the C library, speaking the engines' language: every method returns the raw
 * result, a value {@code >= 0} on success or {@code -errno} on failure (test with
 * {@link Errno#isError(long)}), exactly what a {@link io.flexsc.nio.engine.Call} completes with.
 * A channel can therefore run an operation here or through an engine and handle the result once.
 *
 * <p>Arguments follow {@link LibC}: native addresses as {@code long}, never heap arrays. The
 * {@code String} path overloads encode the path into a per-thread native scratch block (see
 * {@link CString}; a path that does not fit in {@link Linux#PATH_MAX} yields {@code -ENAMETOOLONG}
 * as the kernel would). {@code mmap} returns an address; its failure is {@code -errno} too, since
 * no mapping starts in the top page.
 *
 * <p>The six-argument calls ({@code mmap}, {@code sendto}, {@code recvfrom},
 * {@code copy_file_range}, {@code splice}) and the {@code io_uring_*} calls go through
 * {@link RawSyscall} rather than {@link LibC}.
 *
 * <p>Thread safety: all methods may be called from any thread. The C library is bound on first
 * use; if it cannot be loaded, that first use throws {@link UnsatisfiedLinkError}.
 */
public final class Sys {
    private Sys() {}

    private static final class Holder {
        static final LibC LIBC = new LibC();
    }

    private static final ThreadLocal<ByteBuffer> PATH_SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(Linux.PATH_MAX));

    /** The bound C library (loaded on first use). */
    public static LibC libc() {
        return Holder.LIBC;
    }

    /** The errno the last call through {@link #libc()} saved on this thread. */
    public static int lastErrno() {
        return CFunction.lastErrno();
    }

    private static long raw(long r) {
        return CFunction.orErrno(r);
    }

    private static int raw(int r) {
        return (int) CFunction.orErrno(r);
    }

    /** Address of {@code path} as a C string in this thread's scratch block, or 0 if too long. */
    private static long scratchPath(String path) {
        ByteBuffer b = PATH_SCRATCH.get();
        long a = NativeMemory.address(b);
        return CString.put(CString.bytes(path), a, b.capacity()) < 0 ? 0 : a;
    }

    // ---------------------------------------------------------------- files

    public static int open(long path, int flags, int mode) {
        return raw(Holder.LIBC.open(path, flags, mode));
    }

    /** {@code open} of a Java string path; see the class comment for its encoding. */
    public static int open(String path, int flags, int mode) {
        long p = scratchPath(path);
        return p == 0 ? -Errno.ENAMETOOLONG : raw(Holder.LIBC.open(p, flags, mode));
    }

    public static int openat(int dirfd, long path, int flags, int mode) {
        return raw(Holder.LIBC.openat(dirfd, path, flags, mode));
    }

    public static int openat(int dirfd, String path, int flags, int mode) {
        long p = scratchPath(path);
        return p == 0 ? -Errno.ENAMETOOLONG : raw(Holder.LIBC.openat(dirfd, p, flags, mode));
    }

    public static long read(int fd, long buf, long count) {
        return raw(Holder.LIBC.read(fd, buf, count));
    }

    public static long write(int fd, long buf, long count) {
        return raw(Holder.LIBC.write(fd, buf, count));
    }

    public static long pread(int fd, long buf, long count, long offset) {
        return raw(Holder.LIBC.pread(fd, buf, count, offset));
    }

    public static long pwrite(int fd, long buf, long count, long offset) {
        return raw(Holder.LIBC.pwrite(fd, buf, count, offset));
    }

    public static long readv(int fd, long iov, int iovcnt) {
        return raw(Holder.LIBC.readv(fd, iov, iovcnt));
    }

    public static long writev(int fd, long iov, int iovcnt) {
        return raw(Holder.LIBC.writev(fd, iov, iovcnt));
    }

    public static long preadv(int fd, long iov, int iovcnt, long offset) {
        return raw(Holder.LIBC.preadv(fd, iov, iovcnt, offset));
    }

    public static long pwritev(int fd, long iov, int iovcnt, long offset) {
        return raw(Holder.LIBC.pwritev(fd, iov, iovcnt, offset));
    }

    public static int fsync(int fd) {
        return raw(Holder.LIBC.fsync(fd));
    }

    public static int fdatasync(int fd) {
        return raw(Holder.LIBC.fdatasync(fd));
    }

    public static int ftruncate(int fd, long length) {
        return raw(Holder.LIBC.ftruncate(fd, length));
    }

    public static int fallocate(int fd, int mode, long offset, long len) {
        return raw(Holder.LIBC.fallocate(fd, mode, offset, len));
    }

    public static long lseek(int fd, long offset, int whence) {
        return raw(Holder.LIBC.lseek(fd, offset, whence));
    }

    /** {@code fstat} into {@code statbuf} ({@link Stat#SIZE} bytes). */
    public static int fstat(int fd, long statbuf) {
        return raw(Holder.LIBC.fstat(fd, statbuf));
    }

    /** {@code statx} into {@code statxbuf} ({@link Statx#SIZE} bytes). */
    public static int statx(int dirfd, long path, int flags, int mask, long statxbuf) {
        return raw(Holder.LIBC.statx(dirfd, path, flags, mask, statxbuf));
    }

    public static int statx(int dirfd, String path, int flags, int mask, long statxbuf) {
        long p = scratchPath(path);
        return p == 0 ? -Errno.ENAMETOOLONG : raw(Holder.LIBC.statx(dirfd, p, flags, mask, statxbuf));
    }

    public static int close(int fd) {
        return raw(Holder.LIBC.close(fd));
    }

    public static int fcntl(int fd, int cmd, long arg) {
        return raw(Holder.LIBC.fcntl(fd, cmd, arg));
    }

    /** {@code pipe2}; writes two {@code int}s (read end, write end) at {@code fds}. */
    public static int pipe2(long fds, int flags) {
        return raw(Holder.LIBC.pipe2(fds, flags));
    }

    // ---------------------------------------------------------------- sockets

    public static int socket(int domain, int type, int protocol) {
        return raw(Holder.LIBC.socket(domain, type, protocol));
    }

    public static int socketpair(int domain, int type, int protocol, long sv) {
        return raw(Holder.LIBC.socketpair(domain, type, protocol, sv));
    }

    public static int bind(int fd, long addr, int addrlen) {
        return raw(Holder.LIBC.bind(fd, addr, addrlen));
    }

    public static int listen(int fd, int backlog) {
        return raw(Holder.LIBC.listen(fd, backlog));
    }

    public static int accept4(int fd, long addr, long addrlen, int flags) {
        return raw(Holder.LIBC.accept4(fd, addr, addrlen, flags));
    }

    public static int connect(int fd, long addr, int addrlen) {
        return raw(Holder.LIBC.connect(fd, addr, addrlen));
    }

    public static long send(int fd, long buf, long len, int flags) {
        return raw(Holder.LIBC.send(fd, buf, len, flags));
    }

    public static long recv(int fd, long buf, long len, int flags) {
        return raw(Holder.LIBC.recv(fd, buf, len, flags));
    }

    public static long sendto(int fd, long buf, long len, int flags, long addr, int addrlen) {
        return RawSyscall.sendto(fd, buf, len, flags, addr, addrlen);
    }

    public static long recvfrom(int fd, long buf, long len, int flags, long addr, long addrlen) {
        return RawSyscall.recvfrom(fd, buf, len, flags, addr, addrlen);
    }

    public static long sendmsg(int fd, long msghdr, int flags) {
        return raw(Holder.LIBC.sendmsg(fd, msghdr, flags));
    }

    public static long recvmsg(int fd, long msghdr, int flags) {
        return raw(Holder.LIBC.recvmsg(fd, msghdr, flags));
    }

    public static int shutdown(int fd, int how) {
        return raw(Holder.LIBC.shutdown(fd, how));
    }

    public static int getsockopt(int fd, int level, int optname, long optval, long optlen) {
        return raw(Holder.LIBC.getsockopt(fd, level, optname, optval, optlen));
    }

    public static int setsockopt(int fd, int level, int optname, long optval, int optlen) {
        return raw(Holder.LIBC.setsockopt(fd, level, optname, optval, optlen));
    }

    public static int getsockname(int fd, long addr, long addrlen) {
        return raw(Holder.LIBC.getsockname(fd, addr, addrlen));
    }

    public static int getpeername(int fd, long addr, long addrlen) {
        return raw(Holder.LIBC.getpeername(fd, addr, addrlen));
    }

    // ---------------------------------------------------------------- readiness

    public static int epollCreate1(int flags) {
        return raw(Holder.LIBC.epoll_create1(flags));
    }

    public static int epollCtl(int epfd, int op, int fd, long event) {
        return raw(Holder.LIBC.epoll_ctl(epfd, op, fd, event));
    }

    public static int epollWait(int epfd, long events, int maxevents, int timeoutMillis) {
        return raw(Holder.LIBC.epoll_wait(epfd, events, maxevents, timeoutMillis));
    }

    public static int eventfd(int initval, int flags) {
        return raw(Holder.LIBC.eventfd(initval, flags));
    }

    public static int poll(long fds, long nfds, int timeoutMillis) {
        return raw(Holder.LIBC.poll(fds, nfds, timeoutMillis));
    }

    // ---------------------------------------------------------------- zero copy

    public static long sendfile(int outFd, int inFd, long offset, long count) {
        return raw(Holder.LIBC.sendfile(outFd, inFd, offset, count));
    }

    public static long copyFileRange(int inFd, long offIn, int outFd, long offOut, long len, int flags) {
        return RawSyscall.invoke(SysNr.COPY_FILE_RANGE, inFd, offIn, outFd, offOut, len, flags);
    }

    public static long splice(int inFd, long offIn, int outFd, long offOut, long len, int flags) {
        return RawSyscall.invoke(SysNr.SPLICE, inFd, offIn, outFd, offOut, len, flags);
    }

    // ---------------------------------------------------------------- memory

    /** {@code mmap}: the mapping's address, or {@code -errno}. */
    public static long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        return RawSyscall.invoke(SysNr.MMAP, addr, length, prot, flags, fd, offset);
    }

    public static int munmap(long addr, long length) {
        return raw(Holder.LIBC.munmap(addr, length));
    }

    // ---------------------------------------------------------------- io_uring (no libc wrapper)

    /** {@code io_uring_setup(entries, params)}: a ring fd, or {@code -errno}. */
    public static long ioUringSetup(int entries, long params) {
        return RawSyscall.invoke3(SysNr.IO_URING_SETUP, entries, params, 0);
    }

    /** {@code io_uring_enter(fd, to_submit, min_complete, flags, arg, argsz)}. */
    public static long ioUringEnter(int fd, int toSubmit, int minComplete, int flags, long arg, long argsz) {
        return RawSyscall.invoke(SysNr.IO_URING_ENTER, fd, toSubmit, minComplete, flags, arg, argsz);
    }

    /** {@code io_uring_register(fd, opcode, arg, nr_args)}. */
    public static long ioUringRegister(int fd, int opcode, long arg, int nrArgs) {
        return RawSyscall.invoke4(SysNr.IO_URING_REGISTER, fd, opcode, arg, nrArgs);
    }

    // ---------------------------------------------------------------- misc

    /** The calling process's id; cannot fail. */
    public static int getpid() {
        return Holder.LIBC.getpid();
    }
}
