package io.flexsc.nio.ffi;

/**
 * Typed bindings of the C library functions the channels need (glibc, x86_64), each a
 * {@link CFunction} called through jffi.
 *
 * <p>Obtain the loaded instance with {@link Sys#libc()}; it is bound once, on first use. Most
 * callers want {@link Sys}, whose methods fold {@code -1}/errno into the raw {@code -errno}
 * convention the engines use; this class is the C view: each function returns what C returns
 * ({@code -1} on failure) and saves {@code errno}, so that {@link Sys#lastErrno()} reads it on the
 * same thread right after the call.
 *
 * <p>Conventions: every pointer is a {@code long} native address (of a direct buffer or of memory
 * from {@link NativeMemory#allocate}), never a heap array, so a call costs no marshalling.
 * {@code size_t}, {@code ssize_t} and {@code off_t} are {@code long} (LP64); {@code socklen_t} and
 * flags are {@code int}. Paths are NUL-terminated byte strings in native memory (see
 * {@link CString}).
 *
 * <p>Variadic functions ({@code open}, {@code openat}, {@code fcntl}) are bound with their full
 * argument list: on the x86_64 System V ABI an integer variadic argument travels in the same
 * register as a fixed one, so this is the call the C compiler itself makes.
 *
 * <p>Functions of six arguments ({@code mmap}, {@code sendto}, {@code recvfrom},
 * {@code copy_file_range}, {@code splice}) and the {@code io_uring_*} calls, which have no glibc
 * wrapper, are issued by {@link Sys} through {@link RawSyscall}; glibc's wrappers of these calls add
 * nothing to the system call. Thread safety: every function may be called from any thread, as in C.
 */
public final class LibC {

    private final CFunction openFn = CFunction.bind("open", 3);
    private final CFunction openatFn = CFunction.bind("openat", 4);
    private final CFunction readFn = CFunction.bind("read", 3);
    private final CFunction writeFn = CFunction.bind("write", 3);
    private final CFunction preadFn = CFunction.bind("pread", 4);
    private final CFunction pwriteFn = CFunction.bind("pwrite", 4);
    private final CFunction readvFn = CFunction.bind("readv", 3);
    private final CFunction writevFn = CFunction.bind("writev", 3);
    private final CFunction preadvFn = CFunction.bind("preadv", 4);
    private final CFunction pwritevFn = CFunction.bind("pwritev", 4);
    private final CFunction fsyncFn = CFunction.bind("fsync", 1);
    private final CFunction fdatasyncFn = CFunction.bind("fdatasync", 1);
    private final CFunction ftruncateFn = CFunction.bind("ftruncate", 2);
    private final CFunction fallocateFn = CFunction.bind("fallocate", 4);
    private final CFunction lseekFn = CFunction.bind("lseek", 3);
    private final CFunction fstatFn = CFunction.bind("fstat", 2);
    private final CFunction statxFn = CFunction.bind("statx", 5);
    private final CFunction closeFn = CFunction.bind("close", 1);
    private final CFunction fcntlFn = CFunction.bind("fcntl", 3);
    private final CFunction pipe2Fn = CFunction.bind("pipe2", 2);
    private final CFunction socketFn = CFunction.bind("socket", 3);
    private final CFunction socketpairFn = CFunction.bind("socketpair", 4);
    private final CFunction bindFn = CFunction.bind("bind", 3);
    private final CFunction listenFn = CFunction.bind("listen", 2);
    private final CFunction accept4Fn = CFunction.bind("accept4", 4);
    private final CFunction connectFn = CFunction.bind("connect", 3);
    private final CFunction sendFn = CFunction.bind("send", 4);
    private final CFunction recvFn = CFunction.bind("recv", 4);
    private final CFunction sendmsgFn = CFunction.bind("sendmsg", 3);
    private final CFunction recvmsgFn = CFunction.bind("recvmsg", 3);
    private final CFunction shutdownFn = CFunction.bind("shutdown", 2);
    private final CFunction getsockoptFn = CFunction.bind("getsockopt", 5);
    private final CFunction setsockoptFn = CFunction.bind("setsockopt", 5);
    private final CFunction getsocknameFn = CFunction.bind("getsockname", 3);
    private final CFunction getpeernameFn = CFunction.bind("getpeername", 3);
    private final CFunction epoll_create1Fn = CFunction.bind("epoll_create1", 1);
    private final CFunction epoll_ctlFn = CFunction.bind("epoll_ctl", 4);
    private final CFunction epoll_waitFn = CFunction.bind("epoll_wait", 4);
    private final CFunction eventfdFn = CFunction.bind("eventfd", 2);
    private final CFunction pollFn = CFunction.bind("poll", 3);
    private final CFunction sendfileFn = CFunction.bind("sendfile", 4);
    private final CFunction munmapFn = CFunction.bind("munmap", 2);
    private final CFunction strerror_rFn = CFunction.bind("strerror_r", 3);
    private final CFunction getpidFn = CFunction.bind("getpid", 0);

    LibC() {}

    // ---------------------------------------------------------------- files

    /** {@code int open(const char *path, int flags, mode_t mode)}: a new fd, or -1. */
    public int open(long path, int flags, int mode) {
        return (int) openFn.call3(path, flags, mode);
    }

    /** {@code int openat(int dirfd, const char *path, int flags, mode_t mode)}: a new fd, or -1. */
    public int openat(int dirfd, long path, int flags, int mode) {
        return (int) openatFn.call4(dirfd, path, flags, mode);
    }

    /** {@code ssize_t read(int fd, void *buf, size_t count)}: bytes read, 0 at end of file, or -1. */
    public long read(int fd, long buf, long count) {
        return readFn.call3(fd, buf, count);
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count)}: bytes written, or -1. */
    public long write(int fd, long buf, long count) {
        return writeFn.call3(fd, buf, count);
    }

    /** {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset)}; the file position is untouched. */
    public long pread(int fd, long buf, long count, long offset) {
        return preadFn.call4(fd, buf, count, offset);
    }

    /** {@code ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)}; position untouched. */
    public long pwrite(int fd, long buf, long count, long offset) {
        return pwriteFn.call4(fd, buf, count, offset);
    }

    /** {@code ssize_t readv(int fd, const struct iovec *iov, int iovcnt)}; see {@link IoVec}. */
    public long readv(int fd, long iov, int iovcnt) {
        return readvFn.call3(fd, iov, iovcnt);
    }

    /** {@code ssize_t writev(int fd, const struct iovec *iov, int iovcnt)}; see {@link IoVec}. */
    public long writev(int fd, long iov, int iovcnt) {
        return writevFn.call3(fd, iov, iovcnt);
    }

    /** {@code ssize_t preadv(int fd, const struct iovec *iov, int iovcnt, off_t offset)}. */
    public long preadv(int fd, long iov, int iovcnt, long offset) {
        return preadvFn.call4(fd, iov, iovcnt, offset);
    }

    /** {@code ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset)}. */
    public long pwritev(int fd, long iov, int iovcnt, long offset) {
        return pwritevFn.call4(fd, iov, iovcnt, offset);
    }

    /** {@code int fsync(int fd)}: data and metadata to stable storage; 0 or -1. */
    public int fsync(int fd) {
        return (int) fsyncFn.call1(fd);
    }

    /** {@code int fdatasync(int fd)}: data (and the metadata needed to read it); 0 or -1. */
    public int fdatasync(int fd) {
        return (int) fdatasyncFn.call1(fd);
    }

    /** {@code int ftruncate(int fd, off_t length)}; 0 or -1. */
    public int ftruncate(int fd, long length) {
        return (int) ftruncateFn.call2(fd, length);
    }

    /** {@code int fallocate(int fd, int mode, off_t offset, off_t len)}; 0 or -1 ({@code Linux.FALLOC_FL_*}). */
    public int fallocate(int fd, int mode, long offset, long len) {
        return (int) fallocateFn.call4(fd, mode, offset, len);
    }

    /** {@code off_t lseek(int fd, off_t offset, int whence)}: the new offset, or -1 ({@code Linux.SEEK_*}). */
    public long lseek(int fd, long offset, int whence) {
        return lseekFn.call3(fd, offset, whence);
    }

    /** {@code int fstat(int fd, struct stat *buf)}; decode {@code buf} with {@link Stat}. */
    public int fstat(int fd, long statbuf) {
        return (int) fstatFn.call2(fd, statbuf);
    }

    /**
     * {@code int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)};
     * decode {@code buf} with {@link Statx}. With {@code Linux.AT_EMPTY_PATH} and an empty path it
     * describes {@code dirfd} itself.
     */
    public int statx(int dirfd, long path, int flags, int mask, long statxbuf) {
        return (int) statxFn.call5(dirfd, path, flags, mask, statxbuf);
    }

    /** {@code int close(int fd)}: 0 or -1. The fd is released even when it fails (Linux). */
    public int close(int fd) {
        return (int) closeFn.call1(fd);
    }

    /** {@code int fcntl(int fd, int cmd, long arg)} ({@code Linux.F_*}): the command's result, or -1. */
    public int fcntl(int fd, int cmd, long arg) {
        return (int) fcntlFn.call3(fd, cmd, arg);
    }

    /** {@code int pipe2(int fds[2], int flags)}: writes the read end then the write end at {@code fds}. */
    public int pipe2(long fds, int flags) {
        return (int) pipe2Fn.call2(fds, flags);
    }

    // ---------------------------------------------------------------- sockets

    /** {@code int socket(int domain, int type, int protocol)}: a new fd, or -1. */
    public int socket(int domain, int type, int protocol) {
        return (int) socketFn.call3(domain, type, protocol);
    }

    /** {@code int socketpair(int domain, int type, int protocol, int sv[2])}. */
    public int socketpair(int domain, int type, int protocol, long sv) {
        return (int) socketpairFn.call4(domain, type, protocol, sv);
    }

    /** {@code int bind(int fd, const struct sockaddr *addr, socklen_t len)}; see {@link SockAddr}. */
    public int bind(int fd, long addr, int addrlen) {
        return (int) bindFn.call3(fd, addr, addrlen);
    }

    /** {@code int listen(int fd, int backlog)}. */
    public int listen(int fd, int backlog) {
        return (int) listenFn.call2(fd, backlog);
    }

    /**
     * {@code int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)}: a new fd, or
     * -1. {@code addrlen} points to an {@code int} holding the capacity of {@code addr}; the kernel
     * stores the peer's address length there. Both may be 0.
     */
    public int accept4(int fd, long addr, long addrlen, int flags) {
        return (int) accept4Fn.call4(fd, addr, addrlen, flags);
    }

    /** {@code int connect(int fd, const struct sockaddr *addr, socklen_t len)}. */
    public int connect(int fd, long addr, int addrlen) {
        return (int) connectFn.call3(fd, addr, addrlen);
    }

    /** {@code ssize_t send(int fd, const void *buf, size_t len, int flags)} ({@code Linux.MSG_*}). */
    public long send(int fd, long buf, long len, int flags) {
        return sendFn.call4(fd, buf, len, flags);
    }

    /** {@code ssize_t recv(int fd, void *buf, size_t len, int flags)}. */
    public long recv(int fd, long buf, long len, int flags) {
        return recvFn.call4(fd, buf, len, flags);
    }



    /** {@code ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)}; see {@link MsgHdr}. */
    public long sendmsg(int fd, long msghdr, int flags) {
        return sendmsgFn.call3(fd, msghdr, flags);
    }

    /** {@code ssize_t recvmsg(int fd, struct msghdr *msg, int flags)}; see {@link MsgHdr}. */
    public long recvmsg(int fd, long msghdr, int flags) {
        return recvmsgFn.call3(fd, msghdr, flags);
    }

    /** {@code int shutdown(int fd, int how)} ({@code Linux.SHUT_*}). */
    public int shutdown(int fd, int how) {
        return (int) shutdownFn.call2(fd, how);
    }

    /** {@code int getsockopt(int fd, int level, int name, void *val, socklen_t *len)}. */
    public int getsockopt(int fd, int level, int optname, long optval, long optlen) {
        return (int) getsockoptFn.call5(fd, level, optname, optval, optlen);
    }

    /** {@code int setsockopt(int fd, int level, int name, const void *val, socklen_t len)}. */
    public int setsockopt(int fd, int level, int optname, long optval, int optlen) {
        return (int) setsockoptFn.call5(fd, level, optname, optval, optlen);
    }

    /** {@code int getsockname(int fd, struct sockaddr *addr, socklen_t *len)}. */
    public int getsockname(int fd, long addr, long addrlen) {
        return (int) getsocknameFn.call3(fd, addr, addrlen);
    }

    /** {@code int getpeername(int fd, struct sockaddr *addr, socklen_t *len)}. */
    public int getpeername(int fd, long addr, long addrlen) {
        return (int) getpeernameFn.call3(fd, addr, addrlen);
    }

    // ---------------------------------------------------------------- readiness

    /** {@code int epoll_create1(int flags)}: a new epoll fd, or -1. */
    public int epoll_create1(int flags) {
        return (int) epoll_create1Fn.call1(flags);
    }

    /** {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)}; see {@link EpollEvent}. */
    public int epoll_ctl(int epfd, int op, int fd, long event) {
        return (int) epoll_ctlFn.call4(epfd, op, fd, event);
    }

    /** {@code int epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_ms)}: ready count, or -1. */
    public int epoll_wait(int epfd, long events, int maxevents, int timeout) {
        return (int) epoll_waitFn.call4(epfd, events, maxevents, timeout);
    }

    /** {@code int eventfd(unsigned int initval, int flags)} ({@code Linux.EFD_*}). */
    public int eventfd(int initval, int flags) {
        return (int) eventfdFn.call2(initval, flags);
    }

    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)}: ready count, or -1. */
    public int poll(long fds, long nfds, int timeout) {
        return (int) pollFn.call3(fds, nfds, timeout);
    }

    // ---------------------------------------------------------------- zero copy

    /** {@code ssize_t sendfile(int out, int in, off_t *offset, size_t count)}; {@code offset} may be 0. */
    public long sendfile(int outFd, int inFd, long offset, long count) {
        return sendfileFn.call4(outFd, inFd, offset, count);
    }



    // ---------------------------------------------------------------- memory


    /** {@code int munmap(void *addr, size_t len)}. */
    public int munmap(long addr, long length) {
        return (int) munmapFn.call2(addr, length);
    }

    // ---------------------------------------------------------------- misc

    /**
     * {@code char *strerror_r(int errnum, char *buf, size_t len)}, the GNU form glibc exports under
     * this name: the address of the message, which is either a static string or {@code buf}.
     * Thread safe, unlike {@code strerror}. Cannot fail.
     */
    public long strerror_r(int errnum, long buf, long buflen) {
        return strerror_rFn.call3(errnum, buf, buflen);
    }

    /** {@code pid_t getpid(void)}. Cannot fail. */
    public int getpid() {
        return (int) getpidFn.call0();
    }
}
