package io.flexsc.nio.engine;

/**
 * Runs system calls. The interface every engine ({@code direct}, {@code uring}, {@code kmod})
 * implements and every channel uses.
 *
 * <p>Thread safety: all methods may be called from any number of threads at once. Calls submitted
 * concurrently by different threads may be executed together as one batch; an explicit batch
 * ({@link #executeBatch}) is always handed to the kernel together where the engine can do so.
 * The order in which the calls of one batch take effect is not specified; a caller that needs an
 * order submits one call at a time.
 *
 * <p>Results are raw: {@code >= 0} on success, {@code -errno} on failure. Blocking calls (a read
 * on a blocking socket, an {@code epoll_wait} with a timeout) may be passed, but an engine may run
 * them on the caller's thread so that they never hold up other callers.
 *
 * <p>Closing: {@link #close()} makes new submissions fail with {@link EngineClosedException};
 * calls already accepted finish with their result, or, if they were not yet handed to the kernel,
 * fail with {@link EngineClosedException}. Close waits for calls in the kernel to finish.
 */
public interface SyscallEngine extends AutoCloseable {

    /** The engine's name: {@code direct}, {@code uring} or {@code kmod}. */
    String name();

    /**
     * Submits one call and waits for it.
     *
     * @return the raw result
     * @throws EngineClosedException if the engine is closed, or closed before the call ran
     */
    long execute(Call call);

    /**
     * Submits {@code calls[from..to)} as one batch and waits until all are done. Each call's result
     * is then in {@link Call#result()}.
     *
     * @throws EngineClosedException if the engine is closed before the batch was accepted
     */
    void executeBatch(Call[] calls, int from, int to);

    /** Convenience: one call by number and arguments. */
    default long syscall(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        return execute(new Call(nr, a0, a1, a2, a3, a4, a5));
    }

    /** Convenience: the read/write family's three-argument shape. */
    default long syscall(int nr, long a0, long a1, long a2) {
        return execute(new Call(nr, a0, a1, a2, 0, 0, 0));
    }

    /** This engine's counters. */
    EngineStats stats();

    /**
     * An engine for one thread that submits batches of its own (a selector), counting into this
     * engine's {@link #stats()}; always the caller's to close. Where it pays (uring), an engine of
     * the same kind with its own instance (a ring), so that its batches do not wait for other
     * threads' turns to submit and reap; engines that have nothing per instance to contend for
     * (direct) or are expensive to multiply (kmod: kernel threads per session) return a
     * {@link SharedEngineView} of themselves, whose close leaves them open.
     */
    default SyscallEngine openSibling() {
        return new SharedEngineView(this);
    }

    /**
     * As {@link #openSibling()}, for one owning thread that ends its batches with a call that may
     * wait in the kernel (an {@code epoll_wait} with its own timeout argument, the last call of
     * {@link #executeBatch}). With {@code waitInBatch}, where the engine can carry that call in the
     * sibling's own instance ({@link #waitsInBatch()}: uring with {@code IORING_OP_EPOLL_WAIT},
     * Linux 6.15), the whole batch, the wait included, costs one kernel entry, which also waits for
     * it; the call still gives the system call's result (0 events when its timeout passes), and
     * nothing of it is left in the kernel when the batch returns. Elsewhere, and without
     * {@code waitInBatch}, the same as {@link #openSibling()}: the waiting call runs on the caller's
     * thread. Such a sibling is for its owner's thread only (other threads' calls through it may wait
     * for the owner's wait to end).
     */
    default SyscallEngine openSibling(boolean waitInBatch) {
        return openSibling();
    }

    /**
     * Whether this engine carries a batch's last call, an {@code epoll_wait}, in the same kernel entry
     * as the rest of the batch ({@link #openSibling(boolean)}); false by default.
     */
    default boolean waitsInBatch() {
        return false;
    }

    /**
     * The engine's port for posted calls ({@link CallPort}: post, park, be unparked on completion),
     * made on first use; {@code null} if the engine has none (direct, kmod) or it cannot be set up.
     */
    default CallPort callPort() {
        return null;
    }

    /** Stops the engine; see the class comment. Idempotent. */
    @Override
    void close();
}
