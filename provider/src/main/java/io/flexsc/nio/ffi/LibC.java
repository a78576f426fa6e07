package io.flexsc.nio.ffi;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;

/**
 * Typed JNR-FFI bindings of the C library functions the channels need (glibc, x86_64).
 *
 * <p>Obtain the loaded instance with {@link Sys#libc()}; it is loaded once, on first use. Most
 * callers want {@link Sys}, whose methods fold {@code -1}/errno into the raw {@code -errno}
 * convention the engines use; this interface is the C view: each function returns what C returns
 * ({@code -1} on failure) and, where marked {@link SaveError @SaveError}, saves {@code errno} so that
 * {@link Sys#lastErrno()} reads it on the same thread right after the call.
 *
 * <p>Conventions: every pointer is a {@code long} native address (of a direct buffer or of memory
 * from {@link NativeMemory#allocate}), never a heap array and never a jnr {@code Pointer}, so a call
 * costs no marshalling. {@code size_t}, {@code ssize_t} and {@code off_t} are {@code long} (LP64);
 * {@code socklen_t} and flags are {@code int}. Paths are NUL-terminated byte strings in native
 * memory (see {@link CString}).
 *
 * <p>Variadic functions ({@code open}, {@code openat}, {@code fcntl}) are bound with their full
 * argument list: on the x86_64 System V ABI an integer variadic argument travels in the same
 * register as a fixed one, so this is the call the C compiler itself makes.
 *
 * <p>Functions of six arguments ({@code mmap}, {@code sendto}, {@code recvfrom},
 * {@code copy_file_range}, {@code splice}) are deliberately not bound here: jnr-ffi 2.2.17's x86_64
 * stub compiler corrupts the sixth argument of such a binding (jnr-ffi issue #181; reproduced here:
 * {@code mmap(0, 4096, RW, PRIVATE|ANON, -1, 0)} fails with {@code EINVAL}). {@link Sys} issues
 * them, like the {@code io_uring_*} calls that have no glibc wrapper, through {@link RawSyscall},
 * whose seven-argument {@code syscall} binding is not affected; glibc's wrappers of these calls
 * add nothing to the system call. Thread safety: every function may be called from any thread, as in C.
 */
public interface LibC {

    // ---------------------------------------------------------------- files

    /** {@code int open(const char *path, int flags, mode_t mode)}: a new fd, or -1. */
    @SaveError int open(long path, int flags, int mode);

    /** {@code int openat(int dirfd, const char *path, int flags, mode_t mode)}: a new fd, or -1. */
    @SaveError int openat(int dirfd, long path, int flags, int mode);

    /** {@code ssize_t read(int fd, void *buf, size_t count)}: bytes read, 0 at end of file, or -1. */
    @SaveError long read(int fd, long buf, long count);

    /** {@code ssize_t write(int fd, const void *buf, size_t count)}: bytes written, or -1. */
    @SaveError long write(int fd, long buf, long count);

    /** {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset)}; the file position is untouched. */
    @SaveError long pread(int fd, long buf, long count, long offset);

    /** {@code ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)}; position untouched. */
    @SaveError long pwrite(int fd, long buf, long count, long offset);

    /** {@code ssize_t readv(int fd, const struct iovec *iov, int iovcnt)}; see {@link IoVec}. */
    @SaveError long readv(int fd, long iov, int iovcnt);

    /** {@code ssize_t writev(int fd, const struct iovec *iov, int iovcnt)}; see {@link IoVec}. */
    @SaveError long writev(int fd, long iov, int iovcnt);

    /** {@code ssize_t preadv(int fd, const struct iovec *iov, int iovcnt, off_t offset)}. */
    @SaveError long preadv(int fd, long iov, int iovcnt, long offset);

    /** {@code ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset)}. */
    @SaveError long pwritev(int fd, long iov, int iovcnt, long offset);

    /** {@code int fsync(int fd)}: data and metadata to stable storage; 0 or -1. */
    @SaveError int fsync(int fd);

    /** {@code int fdatasync(int fd)}: data (and the metadata needed to read it); 0 or -1. */
    @SaveError int fdatasync(int fd);

    /** {@code int ftruncate(int fd, off_t length)}; 0 or -1. */
    @SaveError int ftruncate(int fd, long length);

    /** {@code int fallocate(int fd, int mode, off_t offset, off_t len)}; 0 or -1 ({@code Linux.FALLOC_FL_*}). */
    @SaveError int fallocate(int fd, int mode, long offset, long len);

    /** {@code off_t lseek(int fd, off_t offset, int whence)}: the new offset, or -1 ({@code Linux.SEEK_*}). */
    @SaveError long lseek(int fd, long offset, int whence);

    /** {@code int fstat(int fd, struct stat *buf)}; decode {@code buf} with {@link Stat}. */
    @SaveError int fstat(int fd, long statbuf);

    /**
     * {@code int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)};
     * decode {@code buf} with {@link Statx}. With {@code Linux.AT_EMPTY_PATH} and an empty path it
     * describes {@code dirfd} itself.
     */
    @SaveError int statx(int dirfd, long path, int flags, int mask, long statxbuf);

    /** {@code int close(int fd)}: 0 or -1. The fd is released even when it fails (Linux). */
    @SaveError int close(int fd);

    /** {@code int fcntl(int fd, int cmd, long arg)} ({@code Linux.F_*}): the command's result, or -1. */
    @SaveError int fcntl(int fd, int cmd, long arg);

    /** {@code int pipe2(int fds[2], int flags)}: writes the read end then the write end at {@code fds}. */
    @SaveError int pipe2(long fds, int flags);

    // ---------------------------------------------------------------- sockets

    /** {@code int socket(int domain, int type, int protocol)}: a new fd, or -1. */
    @SaveError int socket(int domain, int type, int protocol);

    /** {@code int socketpair(int domain, int type, int protocol, int sv[2])}. */
    @SaveError int socketpair(int domain, int type, int protocol, long sv);

    /** {@code int bind(int fd, const struct sockaddr *addr, socklen_t len)}; see {@link SockAddr}. */
    @SaveError int bind(int fd, long addr, int addrlen);

    /** {@code int listen(int fd, int backlog)}. */
    @SaveError int listen(int fd, int backlog);

    /**
     * {@code int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)}: a new fd, or
     * -1. {@code addrlen} points to an {@code int} holding the capacity of {@code addr}; the kernel
     * stores the peer's address length there. Both may be 0.
     */
    @SaveError int accept4(int fd, long addr, long addrlen, int flags);

    /** {@code int connect(int fd, const struct sockaddr *addr, socklen_t len)}. */
    @SaveError int connect(int fd, long addr, int addrlen);

    /** {@code ssize_t send(int fd, const void *buf, size_t len, int flags)} ({@code Linux.MSG_*}). */
    @SaveError long send(int fd, long buf, long len, int flags);

    /** {@code ssize_t recv(int fd, void *buf, size_t len, int flags)}. */
    @SaveError long recv(int fd, long buf, long len, int flags);



    /** {@code ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)}; see {@link MsgHdr}. */
    @SaveError long sendmsg(int fd, long msghdr, int flags);

    /** {@code ssize_t recvmsg(int fd, struct msghdr *msg, int flags)}; see {@link MsgHdr}. */
    @SaveError long recvmsg(int fd, long msghdr, int flags);

    /** {@code int shutdown(int fd, int how)} ({@code Linux.SHUT_*}). */
    @SaveError int shutdown(int fd, int how);

    /** {@code int getsockopt(int fd, int level, int name, void *val, socklen_t *len)}. */
    @SaveError int getsockopt(int fd, int level, int optname, long optval, long optlen);

    /** {@code int setsockopt(int fd, int level, int name, const void *val, socklen_t len)}. */
    @SaveError int setsockopt(int fd, int level, int optname, long optval, int optlen);

    /** {@code int getsockname(int fd, struct sockaddr *addr, socklen_t *len)}. */
    @SaveError int getsockname(int fd, long addr, long addrlen);

    /** {@code int getpeername(int fd, struct sockaddr *addr, socklen_t *len)}. */
    @SaveError int getpeername(int fd, long addr, long addrlen);

    // ---------------------------------------------------------------- readiness

    /** {@code int epoll_create1(int flags)}: a new epoll fd, or -1. */
    @SaveError int epoll_create1(int flags);

    /** {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)}; see {@link EpollEvent}. */
    @SaveError int epoll_ctl(int epfd, int op, int fd, long event);

    /** {@code int epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_ms)}: ready count, or -1. */
    @SaveError int epoll_wait(int epfd, long events, int maxevents, int timeout);

    /** {@code int eventfd(unsigned int initval, int flags)} ({@code Linux.EFD_*}). */
    @SaveError int eventfd(int initval, int flags);

    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)}: ready count, or -1. */
    @SaveError int poll(long fds, long nfds, int timeout);

    // ---------------------------------------------------------------- zero copy

    /** {@code ssize_t sendfile(int out, int in, off_t *offset, size_t count)}; {@code offset} may be 0. */
    @SaveError long sendfile(int outFd, int inFd, long offset, long count);



    // ---------------------------------------------------------------- memory


    /** {@code int munmap(void *addr, size_t len)}. */
    @SaveError int munmap(long addr, long length);

    // ---------------------------------------------------------------- misc

    /**
     * {@code char *strerror_r(int errnum, char *buf, size_t len)}, the GNU form glibc exports under
     * this name: the address of the message, which is either a static string or {@code buf}.
     * Thread safe, unlike {@code strerror}. Cannot fail.
     */
    @IgnoreError long strerror_r(int errnum, long buf, long buflen);

    /** {@code pid_t getpid(void)}. Cannot fail. */
    @IgnoreError int getpid();
}
