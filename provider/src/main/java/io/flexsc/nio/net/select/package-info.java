/**
 * The selector: {@link io.flexsc.nio.net.select.FlexSelector}, an epoll-based, level-triggered
 * selector that, when batching, sends its channels' queued writes, its pending epoll_ctl updates and
 * its epoll_wait to the engine as one batch, and reads ahead the readable channels in a second one;
 * {@link io.flexsc.nio.net.select.FlexSelectionKey}, its keys; {@code SelectedKeySet}, the
 * selected-key set (array-backed, O(1), allocation-free); {@code FdKeyTable}, descriptor to key;
 * {@code AttentionList}, the keys to report again whatever epoll says (read-ahead data, queue room,
 * errors); {@code FlushList}, a batching selector's channels with queued bytes.
 *
 * <p>Locks of a selector:
 * <ul>
 * <li>its monitor (the select lock), and inside it the selected-key set's monitor, held through a
 *     select as the JDK does: one select at a time; they guard {@code FdKeyTable},
 *     {@code AttentionList}, the selector-thread-only fields of the keys and the batch's calls;</li>
 * <li>{@code updateLock}: the keys queued for an epoll_ctl update by other threads (registrations
 *     and interest changes);</li>
 * <li>{@code interruptLock}: the wake-up eventfd (wakeup, interrupt, close);</li>
 * <li>the {@code FlushList}'s own monitor: the channels with queued bytes, enlisted by
 *     writers holding their channel's write lock; inside it the selector only {@code tryLock}s a
 *     channel's write lock.</li>
 * </ul>
 * {@code keys()} is a concurrent set. Channel read and write locks are taken with {@code tryLock}
 * during a select (a busy channel is skipped for that select), so a select never waits for an
 * application thread.
 */
package io.flexsc.nio.net.select;
