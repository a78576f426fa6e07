/**
 * Virtual threads (JDK 21+): the waits of the network and file providers park a virtual thread
 * instead of blocking its carrier in a native call.
 *
 * <p>{@link io.flexsc.nio.vthread.VtPoller} owns one platform daemon thread,
 * {@code flexsc-vthread-poller}, and its epoll instance; it is the only thread of this package that
 * waits in the kernel, and it does so through the direct engine, never a shared ring. A virtual
 * thread registers a descriptor one-shot and parks; the poller unparks it when the descriptor is
 * ready. The owner of what is waited on (a channel's {@code FdState}, a file channel) tracks its
 * parked waiters and unparks them on close; interrupts and deadlines end a park as the JDK's do.
 *
 * <p>{@link io.flexsc.nio.vthread.VtCalls} is the exception-less path: on an engine with a
 * {@link io.flexsc.nio.engine.CallPort} ({@code uring}), a virtual thread's file read or write is
 * posted to the port and the thread parks until the port's thread unparks it with the result; a
 * close or interrupt cancels the call, which is still waited for. The poller's readiness waits are
 * posted there too (one-shot {@code IORING_OP_POLL_ADD}) instead of to its epoll, so on
 * {@code uring} one ring and one thread serve both and the epoll poller never starts
 * ({@code -Dflexsc.vthread.ring=all}, the default; {@code files} keeps the waits on the epoll,
 * {@code off} also runs file I/O on the carrier).
 *
 * <p>Locks: the poller's table of registrations is guarded by its own {@code ReentrantLock}; no
 * lock or monitor of this package is held across a park. This package sits beside {@code engine}:
 * it uses {@code ffi}, the engine contract ({@code CallPort}, {@code Engines}) and the direct
 * engine, and {@code fs} and {@code net} use it.
 */
package io.flexsc.nio.vthread;
