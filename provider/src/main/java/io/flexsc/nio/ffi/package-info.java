/**
 * The native boundary: the C library through jffi, and what the kernel's answers mean. Below every
 * other package; refers to none of them.
 *
 * <ul>
 *   <li>{@link io.flexsc.nio.ffi.JffiLibrary}: loads jffi's native library from a safely extracted
 *       copy, once (its monitor {@code LOCK} guards that; the outcome is a volatile field).</li>
 *   <li>{@link io.flexsc.nio.ffi.CFunction}: one bound C function (immutable);
 *       {@link io.flexsc.nio.ffi.RawSyscall}: {@code syscall(2)} and the C library's
 *       send/recv family, with results folded into the raw {@code -errno} convention.</li>
 *   <li>{@link io.flexsc.nio.ffi.SysNr} and {@link io.flexsc.nio.ffi.Linux}: x86_64 system call
 *       numbers and ABI constants; {@link io.flexsc.nio.ffi.Errno} and
 *       {@link io.flexsc.nio.ffi.Errors}: errno values and the JDK's exceptions for them (error
 *       text from {@code strerror_r}).</li>
 *   <li>{@link io.flexsc.nio.ffi.ThreadSignal}: ends a thread's system call that waits in the
 *       kernel with the JDK's own interrupt signal (and a timer that sends it).</li>
 *   <li>{@link io.flexsc.nio.ffi.NativeMemory}, {@link io.flexsc.nio.ffi.BufferAddress},
 *       {@link io.flexsc.nio.ffi.CString}, {@link io.flexsc.nio.ffi.SockAddr}: native memory, buffer
 *       addresses, C strings and socket addresses. Memory handed to the kernel is the caller's to
 *       keep reachable until the call completes.</li>
 * </ul>
 *
 * <p>Stateless apart from {@code JffiLibrary}'s one-time set-up: every class may be used from any
 * thread.
 */
package io.flexsc.nio.ffi;
