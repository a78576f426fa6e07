/**
 * The channels: {@link io.flexsc.nio.net.channels.FlexSocketChannel},
 * {@link io.flexsc.nio.net.channels.FlexServerSocketChannel},
 * {@link io.flexsc.nio.net.channels.FlexDatagramChannel} and {@link io.flexsc.nio.net.channels.FlexPipe},
 * each over a descriptor of its own, and the {@code java.net} socket adaptors of the first three
 * ({@code SocketAdaptor}, {@code ServerSocketAdaptor}, {@code DatagramSocketAdaptor}, with
 * {@code Adaptors}' exception translation), which call the channels' blocking internals.
 * {@link io.flexsc.nio.net.channels.FlexSelChannel} is what a selector needs of a channel;
 * {@code Binding}, {@code SockAddrs} and {@code SocketOpts} are addresses and socket options.
 *
 * <p>Locks, all in each channel's {@link io.flexsc.nio.net.channels.FdState}:
 * <ul>
 * <li>the read lock ({@code readLock}) serialises the reads (and accepts, receives) of a channel,
 *     and guards its read-ahead ({@link io.flexsc.nio.net.batch.Batched}'s read side);</li>
 * <li>the write lock ({@code writeLock}) serialises its writes (and sends), and guards its write
 *     queue;</li>
 * <li>the state lock (a monitor, {@code stateLock}) guards the open/connected/shut-down state, the
 *     addresses and the close.</li>
 * </ul>
 * Where several are taken they are taken in that order: read, write, state (never a read or write
 * lock inside the state lock).
 * Blocking operations wait in poll(2) on the non-blocking descriptor and the channel's wake eventfd,
 * so {@code close()} and interrupts end every wait; a channel's descriptor is closed only once no
 * selector has it registered (pre-close, then {@link io.flexsc.nio.net.channels.FlexSelChannel#kill}).
 * Selectors, the flusher and the drainer take a channel's read or write lock only with
 * {@code tryLock} (timed, at exit), except that registering a socket channel with a batching
 * selector, and deregistering it, take its write lock.
 */
package io.flexsc.nio.net.channels;
