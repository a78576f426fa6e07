/**
 * The network side's system calls: {@link io.flexsc.nio.net.sys.NetSys} (socket calls through the
 * process-wide engine, the socket/epoll/poll constants, errno to exception) and
 * {@link io.flexsc.nio.net.sys.NetIO} (reads and writes of {@link java.nio.ByteBuffer}s, heap ones
 * through a per-thread native temporary that stays reachable until the call completes; poll and
 * eventfd). Stateless apart from per-thread scratch memory; no locks.
 */
package io.flexsc.nio.net.sys;
