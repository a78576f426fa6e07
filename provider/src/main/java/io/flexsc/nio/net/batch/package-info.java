/**
 * Select-time batching of the socket channels: {@link io.flexsc.nio.net.batch.Batched}, the write
 * queue and read-ahead buffer of one {@link io.flexsc.nio.net.channels.FlexSocketChannel}, which its
 * batching selector sends and fills in its batches; {@link io.flexsc.nio.net.batch.Flusher}, the
 * daemon thread that sends the queues of a selector that stopped selecting, and at exit every queue;
 * {@link io.flexsc.nio.net.batch.Drainer}, the daemon thread that sends what a channel queued when
 * no selector and no caller will any more (deregistered, blocking mode, shut down, closed);
 * {@link io.flexsc.nio.net.batch.ByteBudget}, a selector's limit on its channels' buffers; and
 * {@code SizedBuffers}/{@code BufferPool}, the native buffers in size classes, cached per thread.
 *
 * <p>Locks: a {@code Batched}'s write side (queue, congestion, pending error) is guarded by its
 * channel's write lock, its read side (read-ahead) by the read lock; the selector, the flusher and
 * the drainer take them with {@code tryLock}. Its {@code selector}/{@code key} are set and cleared
 * under the write lock and read without it (volatile); {@code listed} is guarded by the selector's
 * flush-list monitor. Three volatile mirrors publish guarded state to the selector's lock-free
 * readiness checks ({@code syntheticReadyOps}, {@code toEpoll}): {@code congestedFlag} and
 * {@code queuedVolatile} (of {@code congested} and {@code queued}, written under the write lock
 * right after them) and {@code aheadAvailable} (of the read-ahead, under the read lock). A mirror
 * may lag its field by one update; the selector only uses it to decide whether to look again,
 * never to move bytes. The {@code Flusher}'s map of watched selectors is concurrent, its thread
 * started under the class monitor; the {@code Drainer}'s entries and wake eventfd are guarded by its
 * {@code LOCK}. Buffer pools are per thread, then a shared pool (an array under its monitor: nothing
 * allocated per buffer); budgets are atomic counters. The adaptive read-ahead rule's per-channel
 * state (what the reader did with the last read-ahead, the speculative reads' back-off) is read
 * side, under the read lock.
 */
package io.flexsc.nio.net.batch;
