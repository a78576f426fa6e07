package io.flexsc.nio.engine;

/**
 * Posted calls: a thread hands a call to the kernel and does not wait in the kernel for it. The
 * port's own thread reaps the completions and unparks each call's waiter. Meant for threads whose
 * park is cheap and whose blocking in a native call is dear (virtual threads, which would hold
 * their carrier): such a caller posts, parks until its call {@linkplain Call#isDone() is done},
 * and its carrier runs other threads meanwhile. Only engines with a completion queue of their own
 * have a port ({@code uring}); {@link SyscallEngine#callPort()} is {@code null} on the others.
 *
 * <p>A posted call runs as the system call would on a blocking descriptor: it may wait in the
 * kernel (for a disk, an io-wq thread, or readiness), since it holds no thread of ours while it
 * does. Its memory (buffers, iovecs) is the kernel's until the call is done, whatever happens to
 * the poster: a caller that gives up (close, interrupt) {@linkplain #cancel cancels} the call and
 * still waits for it to be done before it releases that memory.
 *
 * <p>A port may submit calls that usually wait (a receive, a readiness wait) from its own thread,
 * together with its wait for completions: posting one then costs the poster no kernel entry while
 * that thread is busy, and one entry to wake it when it waits. Other calls posted by many threads
 * while others are being submitted, or while threads woken by completions have yet to run, reach
 * the kernel together in one entry; such a call posted to an idle port is submitted at once by
 * its poster.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
public interface CallPort {

    /**
     * Whether the port carries this system call with these arguments (the descriptor plays no
     * part) with exactly the system call's effect; if not, the caller runs it otherwise.
     */
    boolean carries(int nr, long a1, long a2, long a3, long a4, long a5);

    /**
     * Posts {@code c} (which the port {@linkplain #carries carries}) and returns at once; when it
     * is done (its result, or an {@link EngineClosedException} failure if the port closed first),
     * {@code waiter} is unparked. The call is marked submitted here.
     */
    void post(Call c, Thread waiter);

    /**
     * Posts a one-shot readiness wait: {@code c} (a new {@link Call}, used as the completion
     * record) completes with the ready {@code poll(2)} events of {@code fd} among {@code events}
     * (POLLERR and POLLHUP always count), or {@code -errno}; then {@code waiter} is unparked.
     */
    void postPoll(Call c, int fd, int events, Thread waiter);

    /**
     * Asks the kernel to cancel the posted call {@code c}. It still completes, and its waiter is
     * still unparked: with {@code -ECANCELED} or {@code -EINTR} if it was stopped, or with its own
     * result if it had run or could not be stopped. Harmless on a call already done. A cancelled
     * readiness wait ({@link #postPoll}) names no memory of the caller's: its waiter may leave at
     * once, and is not unparked when it completes.
     */
    void cancel(Call c);

    /**
     * Told by a waiter that it has run again after its call {@code c} was done. A port may batch
     * posts while threads it woke are about to post their next calls; this tells it they no longer are.
     */
    default void resumed(Call c) {}

    /** The port's counters: {@code calls} posted, {@code batches} the kernel entries that submitted them, and more. */
    PortStats stats();
}
