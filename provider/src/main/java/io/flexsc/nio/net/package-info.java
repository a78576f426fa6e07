/**
 * The flexsc {@link java.nio.channels.spi.SelectorProvider}: network channels and selectors whose
 * system calls go through the syscall engine. This package holds the provider's entry points only;
 * the work is done in its sub-packages.
 *
 * <ul>
 * <li>{@link io.flexsc.nio.net.FlexSelectorProvider}: the provider (its name is the one users give
 *     in {@code -Djava.nio.channels.spi.SelectorProvider} and {@code META-INF/services}); it makes
 *     the channels and selectors, or the JDK's when no engine can start.</li>
 * <li>{@link io.flexsc.nio.net.JdkSelectorProvider}: the JDK's own provider, for that fallback and
 *     for comparisons.</li>
 * <li>{@code InheritedChannels}: {@code System.inheritedChannel()} over descriptor 0, made once
 *     (guarded by its class monitor).</li>
 * </ul>
 *
 * <p>Sub-packages, each depending only on those after it and on {@code engine}/{@code ffi}
 * (channels, select and batch also on each other, see each one's description):
 * {@link io.flexsc.nio.net.channels} (the channels and their socket adaptors),
 * {@link io.flexsc.nio.net.select} (the epoll selector),
 * {@link io.flexsc.nio.net.batch} (select-time batching of the socket channels' writes and reads),
 * {@link io.flexsc.nio.net.sys} (the socket system calls, constants and errors).
 */
package io.flexsc.nio.net;
