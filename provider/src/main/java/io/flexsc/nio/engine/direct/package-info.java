/**
 * The {@code direct} engine: every call is one {@code syscall(2)} on the caller's thread, through
 * jffi ({@link io.flexsc.nio.ffi.RawSyscall}). The baseline, always available, and the path the
 * other engines take for a call they do not carry ({@link io.flexsc.nio.engine.direct.DirectEngine#run}).
 *
 * <p>No locks: the engine's only state is a volatile {@code closed} flag and its counters.
 */
package io.flexsc.nio.engine.direct;
