/**
 * The {@code kmod} engine: system calls run by the FlexSC kernel module's syscall threads, through
 * a syscall area shared with the kernel ({@code /dev/flexsc}, ABI in
 * {@code native-kmod/include/uapi/flexsc.h}).
 *
 * <ul>
 *   <li>{@link io.flexsc.nio.engine.kmod.FlexscAbi}: the header's constants and layout (checked
 *       against the header by a test); {@link io.flexsc.nio.engine.kmod.FlexscSession}: one
 *       registration (device fd, mapped area; its monitor guards unmapping it);
 *       {@link io.flexsc.nio.engine.kmod.KmodAllowlist}: the calls the module runs, read from that
 *       same header (its {@code FLEXSC_ALLOWED}, the one table), immutable once read.</li>
 *   <li>{@link io.flexsc.nio.engine.kmod.KmodEngine}: lock-free on the I/O path: an entry is
 *       claimed by a CAS on its status word ({@code FREE -> CLAIMED}), published by a release store
 *       of {@code SUBMITTED}, and freed by the caller that waited for it. The engine's monitor
 *       guards only the teardown of the session (and reading the module's counters meanwhile);
 *       {@code closed} and {@code stopping} are volatile, {@code inflight} counts callers inside.</li>
 *   <li>{@link io.flexsc.nio.engine.kmod.KmodEngineFactory}: probing and settings
 *       ({@code -Dflexsc.kmod.*}).</li>
 * </ul>
 */
package io.flexsc.nio.engine.kmod;
